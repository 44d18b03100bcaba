//! Running the tree-sitter queries in `grammars/`: compiled once per process, walked as matches
//! whose captures are looked up by name.
//!
//! A language's query files are compiled together into one [`QuerySet`] and run in a single pass
//! over the tree: a query cursor visits every node whatever the pattern, so six passes for six
//! files cost six times one.

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Query, QueryCursor};

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
