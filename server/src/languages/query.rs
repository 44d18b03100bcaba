//! Running the tree-sitter queries in `grammars/`: compiled once per process, walked as matches
//! whose captures are looked up by name.
//!
//! A language's query files are compiled together into one [`QuerySet`] and run in a single pass
//! over the tree: a query cursor visits every node whatever the pattern, so six passes for six
//! files cost six times one.

use std::collections::HashMap;
use std::ops::Range;

use streaming_iterator::StreamingIterator;
use tree_sitter::{InputEdit, Language, Node, Point, Query, QueryCursor, Tree};

/// Compiles one of our own query files; they are part of the program, and a test compiles every
/// one, so a failure here is a bug in gatelint, not in the user's input.
pub fn compile(language: &Language, source: &str, file: &str) -> Query {
    Query::new(language, source)
        .unwrap_or_else(|error| panic!("grammar query {file} is invalid: {error}"))
}

/// Declares a lazily compiled query from `grammars/<language>/<file>.scm`.
macro_rules! grammar_query {
    ($name:ident, $language:expr, $file:literal) => {
        static $name: std::sync::LazyLock<tree_sitter::Query> = std::sync::LazyLock::new(|| {
            $crate::languages::query::compile(
                &$language,
                include_str!(concat!("../../../grammars/", $file)),
                $file,
            )
        });
    };
}
pub(crate) use grammar_query;

/// Declares a lazily compiled [`QuerySet`] from files of `grammars/`, in the order given.
macro_rules! grammar_query_set {
    ($name:ident, $language:expr, [$($file:literal),* $(,)?]) => {
        static $name: std::sync::LazyLock<$crate::languages::query::QuerySet> =
            std::sync::LazyLock::new(|| {
                $crate::languages::query::QuerySet::new(
                    &$language,
                    &[$(($file, include_str!(concat!("../../../grammars/", $file)))),*],
                )
            });
    };
}
pub(crate) use grammar_query_set;

/// The captures of one match.
pub struct Captures<'q, 'c, 't> {
    query: &'q Query,
    nodes: &'c [(u32, Node<'t>)],
}

impl<'t> Captures<'_, '_, 't> {
    /// The first node captured under `name`.
    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        let index = self.query.capture_index_for_name(name)?;
        self.nodes
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, node)| *node)
    }
}

/// Calls `each` for every match of `query` under `node`, in document order.
pub fn for_each_match<'t>(
    query: &Query,
    node: Node<'t>,
    text: &'t str,
    mut each: impl FnMut(&Captures<'_, '_, 't>),
) {
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, node, text.as_bytes());
    let mut nodes = Vec::new();
    while let Some(found) = matches.next() {
        nodes.clear();
        nodes.extend(
            found
                .captures()
                .iter()
                .map(|capture| (capture.index, capture.node)),
        );
        each(&Captures {
            query,
            nodes: &nodes,
        });
    }
}

/// One query file of a [`QuerySet`], by its position in the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryFile(pub usize);

/// Several query files compiled as one query, so that one pass over a tree answers them all.
pub struct QuerySet {
    query: Query,
    /// For each pattern of the combined query, the file it comes from.
    pattern_file: Vec<usize>,
}

impl QuerySet {
    /// Compiles `files` (name, source) together, in order; `QueryFile(i)` names the i-th.
    pub fn new(language: &Language, files: &[(&str, &str)]) -> Self {
        let mut source = String::new();
        let mut starts = Vec::with_capacity(files.len());
        for (_, text) in files {
            starts.push(source.len());
            source.push_str(text);
            source.push('\n');
        }
        let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        let query = compile(language, &source, &names.join(" + "));
        let pattern_file = (0..query.pattern_count())
            .map(|pattern| {
                let at = query.start_byte_for_pattern(pattern);
                starts.iter().rposition(|start| *start <= at).unwrap_or(0)
            })
            .collect();
        Self {
            query,
            pattern_file,
        }
    }

    /// Runs every file's patterns over `node` in one pass.
    pub fn run<'q, 't>(&'q self, node: Node<'t>, text: &'t str) -> Matches<'q, 't> {
        let mut cursor = QueryCursor::new();
        let mut found = cursor.matches(&self.query, node, text.as_bytes());
        // All matches' captures in one vector (one allocation, not one per match).
        let mut matches = Vec::new();
        let mut nodes = Vec::new();
        while let Some(one) = found.next() {
            let start = nodes.len();
            nodes.extend(
                one.captures()
                    .iter()
                    .map(|capture| (capture.index, capture.node)),
            );
            matches.push((self.pattern_file[one.pattern_index], start..nodes.len()));
        }
        Matches {
            query: &self.query,
            matches,
            nodes,
        }
    }
}

/// What a pass of a [`QuerySet`] over a document's tree found in each of its top-level nodes
/// (module-level statements, functions, classes), kept for the pass over the document's next
/// version ([`QuerySet::run_kept`]): a top-level node that the edits since left alone, both its
/// text and its syntax (tree-sitter's `Tree::changed_ranges`), has its matches rebuilt from what
/// is kept here, shifted, instead of being searched for again.
pub struct KeptMatches {
    /// The tree and text the matches were found in.
    tree: Tree,
    text: Box<str>,
    /// The query set they were found with (compared by address, never dereferenced).
    set: usize,
    /// By the top-level node's start byte.
    children: HashMap<usize, KeptChild>,
    /// How many top-level nodes the pass that kept these reused, of how many.
    reused: (usize, usize),
}

impl KeptMatches {
    /// How many top-level nodes the pass that kept these matches reused from the pass before
    /// (not searched again), and how many the tree has.
    pub fn reused(&self) -> (usize, usize) {
        self.reused
    }

    /// Where the text changed since these were kept: the common prefix's end, and the ends of
    /// the changed bytes in the kept text and in `text`; `None` when nothing changed.
    fn changed_bytes(&self, text: &str) -> Option<(usize, usize, usize)> {
        let (old, new) = (self.text.as_bytes(), text.as_bytes());
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        (prefix != old.len() || prefix != new.len())
            .then(|| (prefix, old.len() - suffix, new.len() - suffix))
    }
}

/// The row and column (in bytes) of `byte` in `text`, as tree-sitter counts them.
fn point(text: &str, byte: usize) -> Point {
    let before = &text.as_bytes()[..byte];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(byte, |at| byte - at - 1);
    Point::new(row, column)
}

/// The matches of one top-level node, each capture by its place under that node.
struct KeptChild {
    kind: u16,
    length: usize,
    /// Each match's file and the range of its captures in `captures`.
    matches: Vec<(usize, Range<usize>)>,
    /// Each capture's index in the query, and its node's preorder index under the top-level
    /// node (0 is the node itself), as `TreeCursor::descendant_index` counts, and kind.
    captures: Vec<(u32, usize, u16)>,
    /// The captures' indices in preorder of their nodes.
    preorder: Vec<usize>,
}

impl QuerySet {
    /// [`Self::run`] over a document's tree, reusing the matches `kept` from the pass over an
    /// earlier version of the same document: only the top-level nodes whose text or syntax
    /// changed since are searched; `kept` then holds this pass's matches. The result is the one
    /// [`Self::run`] gives (a randomised test holds them equal over long edit sequences): no
    /// pattern of gatelint's handler queries matches the root node itself, so every match lies
    /// within one top-level node, and a query cursor gives a node's matches in the same order
    /// whether it starts at the node or at the root.
    pub fn run_kept<'q, 't>(
        &'q self,
        tree: &'t Tree,
        text: &'t str,
        kept: &mut Option<KeptMatches>,
    ) -> Matches<'q, 't> {
        let set = self as *const QuerySet as usize;
        let previous = kept.take().filter(|kept| kept.set == set);
        // What may be reused: the kept children, and how to tell which top-level nodes kept
        // their text and syntax (the bytes before `prefix` and from `new_end` on are the kept
        // text's, the latter shifted by `delta`; `changed` holds the syntax's changed ranges).
        let mut reusable = None;
        if let Some(previous) = previous {
            let (prefix, old_end, new_end) =
                previous
                    .changed_bytes(text)
                    .unwrap_or((text.len(), text.len(), text.len()));
            let mut old = previous.tree.clone();
            old.edit(&InputEdit {
                start_byte: prefix,
                old_end_byte: old_end,
                new_end_byte: new_end,
                start_position: point(&previous.text, prefix),
                old_end_position: point(&previous.text, old_end),
                new_end_position: point(text, new_end),
            });
            let changed: Vec<Range<usize>> = old
                .changed_ranges(tree)
                .map(|range| range.start_byte..range.end_byte)
                .collect();
            let delta = new_end as isize - old_end as isize;
            reusable = Some((previous.children, prefix, new_end, delta, changed));
        }
        let root = tree.root_node();
        let mut result = Matches {
            query: &self.query,
            matches: Vec::new(),
            nodes: Vec::new(),
        };
        let mut children = HashMap::new();
        let mut query_cursor = QueryCursor::new();
        let mut walk = root.walk();
        let top: Vec<Node<'t>> = root.children(&mut walk).collect();
        let mut reused_count = 0;
        for child in &top {
            let child = *child;
            let (start, end) = (child.start_byte(), child.end_byte());
            let reused = reusable
                .as_mut()
                .and_then(|(kept, prefix, new_end, delta, changed)| {
                    let old_start = if end <= *prefix {
                        start
                    } else if start >= *new_end {
                        start.checked_add_signed(-*delta)?
                    } else {
                        return None;
                    };
                    if changed
                        .iter()
                        .any(|range| range.start <= end && start <= range.end)
                    {
                        return None;
                    }
                    kept.remove(&old_start)
                })
                .filter(|old| old.kind == child.kind_id() && old.length == end - start)
                .and_then(|old| old.rebuild(child, &mut result).then_some(old));
            let own = match reused {
                Some(old) => {
                    reused_count += 1;
                    old
                }
                None => self.search(child, text, &mut query_cursor, &mut result),
            };
            children.insert(start, own);
        }
        *kept = Some(KeptMatches {
            tree: tree.clone(),
            text: text.into(),
            set,
            children,
            reused: (reused_count, top.len()),
        });
        result
    }

    /// Searches one top-level node, appending its matches to `into`; what to keep of them.
    fn search<'t>(
        &self,
        node: Node<'t>,
        text: &'t str,
        cursor: &mut QueryCursor,
        into: &mut Matches<'_, 't>,
    ) -> KeptChild {
        let first_match = into.matches.len();
        let first_node = into.nodes.len();
        let mut found = cursor.matches(&self.query, node, text.as_bytes());
        while let Some(one) = found.next() {
            let start = into.nodes.len();
            into.nodes.extend(
                one.captures()
                    .iter()
                    .map(|capture| (capture.index, capture.node)),
            );
            into.matches.push((
                self.pattern_file[one.pattern_index],
                start..into.nodes.len(),
            ));
        }
        let nodes = &into.nodes[first_node..];
        // Each captured node's preorder index under `node`, from one walk of it.
        let mut wanted: HashMap<usize, usize> =
            nodes.iter().map(|(_, node)| (node.id(), 0)).collect();
        let mut cursor = node.walk();
        let mut index = 0;
        'walk: loop {
            if let Some(slot) = wanted.get_mut(&cursor.node().id()) {
                *slot = index;
            }
            index += 1;
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        let captures: Vec<(u32, usize, u16)> = nodes
            .iter()
            .map(|(capture, node)| (*capture, wanted[&node.id()], node.kind_id()))
            .collect();
        let mut preorder: Vec<usize> = (0..captures.len()).collect();
        preorder.sort_by_key(|&at| captures[at].1);
        KeptChild {
            kind: node.kind_id(),
            length: node.byte_range().len(),
            matches: into.matches[first_match..]
                .iter()
                .map(|(file, range)| (*file, range.start - first_node..range.end - first_node))
                .collect(),
            captures,
            preorder,
        }
    }
}

impl KeptChild {
    /// Appends the kept matches to `into`, their nodes found in `node` (the same subtree in a
    /// later tree); false, with `into` as it was, if a node is not where it was kept (which the
    /// same subtree rules out; checked all the same).
    fn rebuild<'t>(&self, node: Node<'t>, into: &mut Matches<'_, 't>) -> bool {
        let first_node = into.nodes.len();
        // The captures in preorder: the cursor goes from each to the next through their
        // lowest common ancestor, skipping whole subtrees by their descendant counts.
        let mut found: Vec<Option<Node<'t>>> = vec![None; self.captures.len()];
        let mut cursor = node.walk();
        for &at in &self.preorder {
            let (_, goal, kind) = self.captures[at];
            cursor.goto_descendant(goal);
            let here = cursor.node();
            if cursor.descendant_index() != goal || here.kind_id() != kind {
                return false;
            }
            found[at] = Some(here);
        }
        let Some(found) = found.into_iter().collect::<Option<Vec<_>>>() else {
            return false;
        };
        into.nodes.extend(
            self.captures
                .iter()
                .zip(found)
                .map(|((capture, _, _), node)| (*capture, node)),
        );
        into.matches.extend(
            self.matches
                .iter()
                .map(|(file, range)| (*file, range.start + first_node..range.end + first_node)),
        );
        true
    }
}

/// The matches of one pass of a [`QuerySet`], in document order.
pub struct Matches<'q, 't> {
    query: &'q Query,
    /// Each match's file and the range of its captures in `nodes`.
    matches: Vec<(usize, std::ops::Range<usize>)>,
    nodes: Vec<(u32, Node<'t>)>,
}

impl<'t> Matches<'_, 't> {
    /// Calls `each` for every match of the patterns of `file`.
    pub fn each(&self, file: QueryFile, mut each: impl FnMut(&Captures<'_, '_, 't>)) {
        for (from, range) in &self.matches {
            if *from == file.0 {
                each(&Captures {
                    query: self.query,
                    nodes: &self.nodes[range.clone()],
                });
            }
        }
    }
}
