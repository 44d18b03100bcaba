use ropey::Rope;
use std::ops::ControlFlow;
use std::sync::OnceLock;

use tree_sitter::{InputEdit, ParseOptions, Parser, Point, Tree};

use super::line_index::{byte_in_line, has_lone_carriage_return, Encoding, LineCol, LineIndex};
use super::TextRange;
use crate::files::FileKind;

/// One change as an editor sends it: a range in line/column positions of the text as it is before
/// this change (`None` replaces the whole text), and the new text.
#[derive(Clone, Debug)]
pub struct TextChange {
    pub range: Option<(LineCol, LineCol)>,
    pub text: String,
}

/// An open file: its text in a rope (an edit costs the size of the edit, not of the file) and its
/// tree-sitter tree, edited in step with every change and re-parsed incrementally from the rope's
/// chunks when it is next asked for ([`Document::tree`]): a burst of edits costs one parse, of
/// the version analysed, not one per version. A text with a syntax error is parsed again from
/// scratch (see [`parse`]): its tree is always the one `check` reads from the same text. A
/// contiguous copy of the text, which the analysis reads, is made only when asked for
/// ([`Document::text`]).
pub struct Document {
    kind: Option<FileKind>,
    rope: Rope,
    /// The tree of the current text, once parsed.
    parsed: OnceLock<Option<Tree>>,
    /// Until then, the last tree parsed, with the changes since applied to it (what the next
    /// parse reuses).
    edited: Option<Tree>,
    /// Whether the rope may hold a lone `\r`, a line break for LSP that the rope's lines (split at
    /// `\n` only, as tree-sitter counts rows) do not know: editor positions are then converted
    /// through a [`LineIndex`]. Never false while one is there; exact after each batch of changes.
    lone_carriage_return: bool,
}

impl Document {
    pub fn new(kind: Option<FileKind>, text: String) -> Self {
        let lone_carriage_return = has_lone_carriage_return(&text);
        Self {
            kind,
            rope: Rope::from_str(&text),
            parsed: OnceLock::from(kind.and_then(|kind| parse(kind, &text, None))),
            edited: None,
            lone_carriage_return,
        }
    }

    /// A document whose text is never parsed whole (a YAML template longer than the grammar
    /// reads, read in pieces): no tree until one is asked for.
    pub fn unparsed(kind: Option<FileKind>, text: String) -> Self {
        Self {
            kind,
            rope: Rope::from_str(&text),
            parsed: OnceLock::new(),
            edited: None,
            lone_carriage_return: has_lone_carriage_return(&text),
        }
    }

    /// Drops the tree and what the next parse would reuse: a document read without its whole
    /// tree saves editing one on every change. A tree asked for later is parsed from scratch.
    pub fn forget_tree(&mut self) {
        self.parsed = OnceLock::new();
        self.edited = None;
    }

    pub fn kind(&self) -> Option<FileKind> {
        self.kind
    }

    /// Reads the document as another kind (a YAML file that starts or stops looking like a
    /// template), parsed afresh from the rope.
    pub fn set_kind(&mut self, kind: Option<FileKind>) {
        self.kind = kind;
        self.parsed = OnceLock::new();
        self.edited = None;
    }

    /// The text as one string: a copy of the rope, made on each call.
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(self.rope.len_bytes());
        for chunk in self.rope.chunks() {
            text.push_str(chunk);
        }
        text
    }

    /// The text, as the rope that holds it.
    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    /// The tree of the current text, parsed now if the text changed since it was last asked for.
    pub fn tree(&self) -> Option<&Tree> {
        self.parsed
            .get_or_init(|| {
                self.kind.and_then(|kind| {
                    parse_source(kind, Source::Rope(&self.rope), self.edited.as_ref())
                })
            })
            .as_ref()
    }

    /// The tree of the current text if it was parsed already; `None` when it is still to be
    /// parsed (see [`Document::pending_parse`]).
    pub fn parsed_tree(&self) -> Option<Option<&Tree>> {
        self.parsed.get().map(Option::as_ref)
    }

    /// What re-parsing the current text needs, taken without parsing: run it where no lock is
    /// held ([`PendingParse::run`]) and give the tree back with [`Document::install`]. `None`
    /// when the current text is parsed already.
    pub fn pending_parse(&self) -> Option<PendingParse> {
        if self.parsed.get().is_some() {
            return None;
        }
        Some(PendingParse {
            kind: self.kind,
            rope: self.rope.clone(),
            edited: self.edited.clone(),
        })
    }

    /// Keeps the tree a [`PendingParse`] of the current text made (unless another was kept
    /// meanwhile): the next [`Document::tree`] returns it without parsing.
    pub fn install(&self, tree: Option<Tree>) {
        let _ = self.parsed.set(tree);
    }

    /// Applies the changes in order (each one's positions refer to the text left by the ones
    /// before it), editing the last tree alongside the rope; the next [`Document::tree`]
    /// re-parses once from the rope's chunks, reusing it.
    pub fn apply_changes(&mut self, changes: &[TextChange], encoding: Encoding) {
        if let Some(parsed) = self.parsed.take() {
            self.edited = parsed;
        }
        for change in changes {
            match change.range {
                None => {
                    self.rope = Rope::from_str(&change.text);
                    self.edited = None;
                    self.lone_carriage_return = has_lone_carriage_return(&change.text);
                }
                Some((start, end)) => {
                    let start = self.offset(start, encoding);
                    let end = self.offset(end, encoding).max(start);
                    self.replace(TextRange::new(start, end), &change.text);
                }
            }
        }
        if self.lone_carriage_return {
            // Made exact again (a `\r\n` may have been completed by a later change).
            self.lone_carriage_return = rope_has_lone_carriage_return(&self.rope);
        }
    }

    /// Replaces a byte range of the current text; the range is clamped to character boundaries.
    fn replace(&mut self, range: TextRange, new_text: &str) {
        let start_char = self
            .rope
            .byte_to_char(range.start.min(self.rope.len_bytes()));
        let end_char = self.rope.byte_to_char(range.end.min(self.rope.len_bytes()));
        let start_byte = self.rope.char_to_byte(start_char);
        let old_end_byte = self.rope.char_to_byte(end_char);
        let start_position = self.point(start_byte);
        let old_end_position = self.point(old_end_byte);
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        let new_end_byte = start_byte + new_text.len();
        // A `\r` inserted, or one left before the text that followed it (its `\n` removed).
        self.lone_carriage_return |=
            new_text.contains('\r') || (start_byte > 0 && self.rope.byte(start_byte - 1) == b'\r');
        let new_end_position = self.point(new_end_byte);
        if let Some(tree) = self.edited.as_mut() {
            tree.edit(&InputEdit {
                start_byte,
                old_end_byte,
                new_end_byte,
                start_position,
                old_end_position,
                new_end_position,
            });
        }
    }

    /// Byte offset of an editor position in the current rope (clamped as LSP asks).
    pub fn offset(&self, position: LineCol, encoding: Encoding) -> usize {
        if self.lone_carriage_return {
            // Rare (old Mac line ends): the rope's `\n` lines are not the editor's.
            let text = self.rope.to_string();
            return LineIndex::new(&text).offset(&text, position, encoding);
        }
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let line_start = self.rope.line_to_byte(line);
        line_start + byte_in_line(self.rope.line(line).chars(), position.col, encoding)
    }

    fn point(&self, byte: usize) -> Point {
        let row = self.rope.byte_to_line(byte);
        Point::new(row, byte - self.rope.line_to_byte(row))
    }
}

/// How deep a syntax tree may nest for gatelint to read it. The extractors and the template reader
/// walk trees recursively; real handlers and templates stay far below this, and a deeper tree (a
/// generated file, an attack) is not analysed rather than overflowing a thread's stack.
pub const MAX_TREE_DEPTH: usize = 400;

/// How far a YAML line may be indented (block nesting) for gatelint to parse it: the YAML grammar's
/// scanner overruns its state buffer (an abort) past about 250 nested block levels.
pub const MAX_YAML_INDENT: usize = 200;

/// How many tokens in a row a syntax error may leave unmatched (unnamed nodes side by side: `(`
/// after `(`) for gatelint to read the tree. tree-sitter's query cursor looks, for every node, at
/// the siblings after it up to the next named one, so such a run costs its length squared on each
/// query pass: 100,000 `(` took 5 s per analysis. Real code, even mid-edit, has runs of a few.
pub const MAX_UNNAMED_RUN: usize = 1_000;

/// The parse budget, in tree-sitter progress units (one per about 100 parser operations): a
/// fixed allowance plus so many per KiB of text. Real files take under 10 per KiB and the
/// worst error recovery measured (unbalanced brackets) 31; past the budget the file is not
/// parsed, deterministically, whatever the machine's load.
const PARSE_UNITS_BASE: u64 = 10_000;
const PARSE_UNITS_PER_KIB: u64 = 250;

fn parse_budget(len: usize) -> u64 {
    PARSE_UNITS_BASE + PARSE_UNITS_PER_KIB * (len as u64 / 1024)
}

/// The re-parse of a document's text, taken from the document so that it runs outside whatever
/// lock guards the document: the rope (shared with the document, not copied) and the last tree
/// with the changes since applied to it.
pub struct PendingParse {
    kind: Option<FileKind>,
    rope: Rope,
    edited: Option<Tree>,
}

impl PendingParse {
    /// The tree of the text the parse was taken from: what [`Document::tree`] would have parsed.
    pub fn run(self) -> Option<Tree> {
        let kind = self.kind?;
        parse_source(kind, Source::Rope(&self.rope), self.edited.as_ref())
    }
}

/// Parses `text` as `kind`, reusing `old` (already edited) when given unless the result holds a
/// syntax error (then the text is parsed again without it, so that the tree is the one a parse
/// from scratch gives, whatever the edits before); `None` when it cannot be
/// parsed, nests deeper than gatelint reads (see [`MAX_TREE_DEPTH`], [`MAX_YAML_INDENT`]), or is
/// too complex to analyse in linear time (its parse exceeds the budget, or a syntax error leaves
/// more than [`MAX_UNNAMED_RUN`] tokens in a row).
pub fn parse(kind: FileKind, text: &str, old: Option<&Tree>) -> Option<Tree> {
    parse_source(kind, Source::Text(text), old)
}

/// [`parse`] with an explicit budget in progress units (tests use a small one).
#[cfg(test)]
fn parse_within(kind: FileKind, text: &str, old: Option<&Tree>, budget: u64) -> Option<Tree> {
    parse_source_within(kind, Source::Text(text), old, budget)
}

/// Text as tree-sitter reads it: one string, or a rope's chunks.
#[derive(Clone, Copy)]
enum Source<'a> {
    Text(&'a str),
    Rope(&'a Rope),
}

impl<'a> Source<'a> {
    fn chunks(self) -> Box<dyn Iterator<Item = &'a str> + 'a> {
        match self {
            Source::Text(text) => Box::new(std::iter::once(text)),
            Source::Rope(rope) => Box::new(rope.chunks()),
        }
    }

    fn len(self) -> usize {
        match self {
            Source::Text(text) => text.len(),
            Source::Rope(rope) => rope.len_bytes(),
        }
    }

    /// Parses within `budget` progress units: `None` past it.
    fn parse(self, parser: &mut Parser, old: Option<&Tree>, budget: u64) -> Option<Tree> {
        let mut units = 0u64;
        let mut progress = |_: &tree_sitter::ParseState| {
            units += 1;
            if units > budget {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = Some(ParseOptions::new().progress_callback(&mut progress));
        match self {
            Source::Text(text) => {
                let bytes = text.as_bytes();
                parser.parse_with_options(
                    &mut |at: usize, _| bytes.get(at..).unwrap_or_default(),
                    old,
                    options,
                )
            }
            Source::Rope(rope) => {
                let length = rope.len_bytes();
                parser.parse_with_options(
                    &mut |byte, _| -> &[u8] {
                        if byte >= length {
                            return &[];
                        }
                        let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
                        &chunk.as_bytes()[byte - chunk_start..]
                    },
                    old,
                    options,
                )
            }
        }
    }
}

fn parse_source(kind: FileKind, source: Source<'_>, old: Option<&Tree>) -> Option<Tree> {
    parse_source_within(kind, source, old, parse_budget(source.len()))
}

#[cfg(test)]
thread_local! {
    /// Parses started on this thread (tests count them).
    static PARSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn parse_source_within(
    kind: FileKind,
    source: Source<'_>,
    old: Option<&Tree>,
    budget: u64,
) -> Option<Tree> {
    #[cfg(test)]
    PARSES.with(|parses| parses.set(parses.get() + 1));
    if kind == FileKind::YamlTemplate && yaml_indent(source.chunks()) > MAX_YAML_INDENT {
        return None;
    }
    let mut parser = Parser::new();
    parser.set_language(&kind.tree_sitter_language()).ok()?;
    let mut tree = source.parse(&mut parser, old, budget)?;
    if old.is_some() && tree.root_node().has_error() {
        // tree-sitter's error recovery, given an old tree to reuse, may settle on another
        // recovery than a parse from scratch makes (the reused subtrees steer it): the editor
        // would then show other findings than `check` on the same text. A tree with an error is
        // parsed again from scratch; an error-free one needed no recovery and is the same
        // either way.
        tree = source.parse(&mut parser, None, budget)?;
    }
    if tree.root_node().has_error() && unnamed_run_exceeds(&tree, MAX_UNNAMED_RUN) {
        return None;
    }
    // Walking every node of a large template costs as much as a third of its parse; a JSON tree
    // without errors nests at most two levels per bracket (object, pair) and three below them
    // (string, its content), which a scan of the text bounds far more cheaply.
    let shallow = kind == FileKind::JsonTemplate
        && !tree.root_node().has_error()
        && json_depth_bound(source.chunks()) <= MAX_TREE_DEPTH;
    (shallow || !nests_deeper_than(&tree, MAX_TREE_DEPTH)).then_some(tree)
}

/// An upper bound of how deep an error-free tree-sitter-json tree of `text` nests: two levels
/// per level of bracket nesting, plus three.
fn json_depth_bound<'a>(chunks: impl Iterator<Item = &'a str>) -> usize {
    let (mut level, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for byte in chunks.flat_map(str::bytes) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                level += 1;
                deepest = deepest.max(level);
            }
            b'}' | b']' => level = level.saturating_sub(1),
            _ => {}
        }
    }
    2 * deepest + 3
}

/// Whether a node of the tree lies deeper than `limit`, walked without recursion. A node at depth
/// `d` with `n` descendants (itself included) holds none deeper than `d + n - 1`, so only subtrees
/// large enough to reach past the limit are entered: a keystroke does not pay for a walk of the
/// whole tree.
fn nests_deeper_than(tree: &Tree, limit: usize) -> bool {
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        if depth > limit {
            return true;
        }
        let reach = depth + cursor.node().descendant_count().saturating_sub(1);
        if reach > limit && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// Whether a node inside the tree's syntax errors has more than `limit` unnamed children in a
/// row. Only the nodes holding an error are entered, so a large file with one error costs the
/// children along the way to it.
/// Whether the rope holds a `\r` not followed by `\n` (chunks may split a `\r\n`).
fn rope_has_lone_carriage_return(rope: &Rope) -> bool {
    let mut pending = false;
    for chunk in rope.chunks() {
        if pending && !chunk.starts_with('\n') {
            return true;
        }
        pending = false;
        if let Some(last) = chunk.strip_suffix('\r') {
            if has_lone_carriage_return(last) {
                return true;
            }
            pending = true;
        } else if has_lone_carriage_return(chunk) {
            return true;
        }
    }
    pending
}

fn unnamed_run_exceeds(tree: &Tree, limit: usize) -> bool {
    let mut pending = vec![tree.root_node()];
    let mut cursor = tree.walk();
    while let Some(node) = pending.pop() {
        let mut run = 0;
        for child in node.children(&mut cursor) {
            if child.is_named() {
                run = 0;
            } else {
                run += 1;
                if run > limit {
                    return true;
                }
            }
            if child.has_error() && child.child_count() > 0 {
                pending.push(child);
            }
        }
    }
    false
}

/// The widest block-nesting prefix of any line: indentation plus block indicators (`- `, `? `,
/// `: `), an upper bound of how deep the YAML scanner's indentation stack grows on that line.
/// Read byte by byte, so a rope's chunks need no copy.
fn yaml_indent<'a>(chunks: impl Iterator<Item = &'a str>) -> usize {
    // `width` of the current line's prefix; `indicator`: a `-`, `?` or `:` waiting for its blank;
    // `in_prefix`: still in the prefix.
    let (mut widest, mut width, mut indicator, mut in_prefix) = (0, 0, false, true);
    for byte in chunks.flat_map(str::bytes) {
        if byte == b'\n' {
            (width, indicator, in_prefix) = (0, false, true);
            continue;
        }
        if !in_prefix {
            continue;
        }
        match byte {
            b' ' | b'\t' if indicator => {
                width += 2;
                indicator = false;
            }
            _ if indicator => in_prefix = false,
            b' ' | b'\t' => width += 1,
            b'-' | b'?' | b':' => indicator = true,
            _ => in_prefix = false,
        }
        widest = widest.max(width);
    }
    widest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_depth_bound_holds_for_error_free_trees() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/templates");
        let mut texts = vec![
            "{}".to_owned(),
            "[[[[\"a\\\"]\"]]]]".to_owned(),
            r#"{"a": {"b": [{"c": "d\u00e9"}, [1, [true]]]}, "e": "}}}]]]"}"#.to_owned(),
            format!("{}1{}", "[".repeat(150), "]".repeat(150)),
            format!("{}{}", "{\"k\": ".repeat(150), "}".repeat(150)),
        ];
        for name in ["sam_events.json", "rest_api.json"] {
            texts.push(std::fs::read_to_string(format!("{fixtures}/{name}")).expect("fixture"));
        }
        for text in &texts {
            let mut parser = Parser::new();
            parser
                .set_language(&FileKind::JsonTemplate.tree_sitter_language())
                .expect("grammar loads");
            let tree = parser.parse(text, None).expect("parses");
            if tree.root_node().has_error() {
                continue;
            }
            assert!(
                depth(&tree) <= json_depth_bound(std::iter::once(text.as_str())),
                "{text}"
            );
        }
        // Too deep for the bound: the tree is walked, and refused when it is too deep.
        let deep = format!("{}1{}", "[".repeat(450), "]".repeat(450));
        assert!(parse(FileKind::JsonTemplate, &deep, None).is_none());
    }

    fn at(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    fn change(start: LineCol, end: LineCol, text: &str) -> TextChange {
        TextChange {
            range: Some((start, end)),
            text: text.to_owned(),
        }
    }

    #[test]
    fn incremental_edits_match_a_fresh_parse() {
        let mut doc = Document::new(
            Some(FileKind::Python),
            "def handler(event, context):\n    return {\"body\": 1}\n".to_owned(),
        );
        doc.apply_changes(
            &[
                change(at(0, 0), at(0, 0), "# 🚀 héllo 世界\n"),
                change(at(2, 12), at(2, 12), "\"statusCode\": 200, "),
                change(at(0, 2), at(0, 4), "✓"),
            ],
            Encoding::Utf16,
        );
        let expected = "# ✓ héllo 世界\ndef handler(event, context):\n    return {\"statusCode\": 200, \"body\": 1}\n";
        assert_eq!(doc.text(), expected);
        let fresh = parse(FileKind::Python, expected, None).unwrap();
        assert_eq!(
            doc.tree().unwrap().root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
    }

    /// Random edits (brackets, quotes, line breaks: what leaves a file broken mid-typing) into
    /// the template fixtures read as each kind: the document's tree after each edit is the one a
    /// parse from scratch gives, errors and all. Without the second parse of a tree with errors,
    /// the seeds below made tree-sitter's error recovery settle differently (found by the
    /// `document_edits` fuzz target, with a JavaScript, TSX, Python and JSON text).
    #[test]
    fn trees_with_syntax_errors_are_the_ones_a_fresh_parse_gives() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/templates");
        let mut paths: Vec<_> = std::fs::read_dir(folder)
            .expect("fixtures")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.is_file())
            .collect();
        paths.sort();
        let texts: Vec<String> = paths
            .iter()
            .map(|path| std::fs::read_to_string(path).expect("fixture"))
            .collect();
        let kinds = [
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Tsx,
            FileKind::Rust,
            FileKind::YamlTemplate,
            FileKind::JsonTemplate,
        ];
        let pieces = [
            "", "(", ")", "{", "}", "\n", "  ", "x", "'", "\"", ":", ",", "- ", "/*", "#", "=>",
            "[", "]",
        ];
        let seeds: Vec<u64> = [226, 5688, 10435, 14341, 15431]
            .into_iter()
            .chain(0..30)
            .collect();
        for seed in seeds {
            let mut next = crate::text::test_sequence(seed);
            let mut text = texts[next(texts.len())].clone();
            let kind = kinds[next(kinds.len())];
            let mut doc = Document::new(Some(kind), text.clone());
            for _ in 0..4 {
                let start = crate::text::floor_char_boundary(&text, next(text.len() + 1));
                let end =
                    crate::text::floor_char_boundary(&text, (start + next(100)).min(text.len()));
                let mut new = String::new();
                for _ in 0..next(4) {
                    new.push_str(pieces[next(pieces.len())]);
                }
                let lines = LineIndex::new(&text);
                let range = (
                    lines.line_col(&text, start, Encoding::Utf8),
                    lines.line_col(&text, end, Encoding::Utf8),
                );
                text.replace_range(start..end, &new);
                doc.apply_changes(&[change(range.0, range.1, &new)], Encoding::Utf8);
                let incremental = doc.tree().map(|tree| tree.root_node().to_sexp());
                let fresh = parse(kind, &text, None).map(|tree| tree.root_node().to_sexp());
                assert_eq!(incremental, fresh, "seed {seed}, {kind:?}: {text:?}");
            }
        }
    }

    #[test]
    fn edits_after_a_lone_carriage_return_land_where_sent() {
        // A lone `\r` ends a line (LSP): ` b` is line 3, `x = 1` line 4.
        let mut doc = Document::new(Some(FileKind::Python), "import a,\r\r\r b\nx = 1\n".into());
        doc.apply_changes(&[change(at(3, 1), at(4, 1), "")], Encoding::Utf8);
        assert_eq!(doc.text(), "import a,\r\r\r  = 1\n");
        // A `\r` typed in one change moves the lines of the next ones in the same batch.
        let mut doc = Document::new(Some(FileKind::Python), "ab\r\ncd\n".into());
        doc.apply_changes(
            &[
                change(at(0, 1), at(0, 1), "\r"),
                change(at(1, 1), at(1, 1), "!"),
                change(at(2, 0), at(2, 1), "C"),
                change(at(1, 9), at(1, 9), "?"),
            ],
            Encoding::Utf16,
        );
        assert_eq!(doc.text(), "a\rb!?\r\nCd\n");
    }

    /// Issue #21 item 11: a burst of edits costs one parse, of the version asked for, not one per
    /// version; the tree is the one a fresh parse of the text gives.
    #[test]
    fn a_burst_of_changes_is_parsed_once_when_the_tree_is_asked_for() {
        let text = "def handler(event, context):\n    return {'statusCode': 200}\n".repeat(50);
        let mut doc = Document::new(Some(FileKind::Python), text);
        let parses = || PARSES.with(std::cell::Cell::get);
        let before = parses();
        for n in 0..200 {
            let col = 11 + (n % 5);
            doc.apply_changes(&[change(at(0, col), at(0, col), "x")], Encoding::Utf8);
        }
        assert_eq!(parses(), before, "no parse before the tree is asked for");
        let tree = doc.tree().expect("parsed").root_node().to_sexp();
        assert_eq!(parses(), before + 1);
        doc.tree();
        assert_eq!(parses(), before + 1, "parsed once per version");
        let fresh = parse(FileKind::Python, &doc.text(), None).expect("parsed");
        assert_eq!(tree, fresh.root_node().to_sexp());
        assert!(doc
            .text()
            .starts_with(&format!("def handler{}(", "x".repeat(200))));
    }

    /// The deepest nesting of a tree's nodes, every node visited.
    fn depth(tree: &Tree) -> usize {
        let mut cursor = tree.walk();
        let (mut depth, mut deepest) = (0, 0);
        loop {
            if cursor.goto_first_child() {
                depth += 1;
                deepest = deepest.max(depth);
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return deepest;
                }
                depth -= 1;
            }
        }
    }

    #[test]
    fn the_pruned_depth_check_agrees_with_a_full_walk() {
        for nesting in [0, 1, 5, 120, 130, 140, 150, 190, 200, 210, 400] {
            let python = format!(
                "def f():\n    x = [1, {}2{}]\n    return x\n",
                "[".repeat(nesting),
                "]".repeat(nesting)
            );
            let json = format!(
                "{{\"a\": {}1{}, \"b\": [2]}}",
                "{\"k\": ".repeat(nesting),
                "}".repeat(nesting)
            );
            for (kind, text) in [(FileKind::Python, python), (FileKind::JsonTemplate, json)] {
                let mut parser = Parser::new();
                parser
                    .set_language(&kind.tree_sitter_language())
                    .expect("a grammar");
                let tree = parser.parse(&text, None).expect("parsed");
                let deepest = depth(&tree);
                for limit in [
                    deepest.saturating_sub(1),
                    deepest,
                    deepest + 1,
                    MAX_TREE_DEPTH,
                ] {
                    assert_eq!(
                        nests_deeper_than(&tree, limit),
                        deepest > limit,
                        "{kind:?} {nesting} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn too_deep_texts_are_not_parsed() {
        // 300 nested block sequences on one line overran the YAML scanner's state buffer (abort).
        let yaml = format!("AWSTemplateFormatVersion: x\nX:\n  {}1\n", "- ".repeat(300));
        assert!(parse(FileKind::YamlTemplate, &yaml, None).is_none());
        // 10,000 nested objects overflowed the stack of the recursive template reader.
        let json = format!("{{\"a\": {}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(FileKind::JsonTemplate, &json, None).is_none());
        let shallow = format!("x = {}1{}\n", "[".repeat(50), "]".repeat(50));
        assert!(parse(FileKind::Python, &shallow, None).is_some());
    }

    /// The widest prefix as first written, line by line over one string.
    fn yaml_indent_by_lines(text: &str) -> usize {
        text.lines()
            .map(|line| {
                let bytes = line.as_bytes();
                let mut at = 0;
                while at < bytes.len() {
                    match bytes[at] {
                        b' ' | b'\t' => at += 1,
                        b'-' | b'?' | b':' if matches!(bytes.get(at + 1), Some(b' ' | b'\t')) => {
                            at += 2
                        }
                        _ => break,
                    }
                }
                at
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn scans_over_chunks_agree_with_scans_of_the_whole_text() {
        let samples = [
            "a: 1\n  - - x\n",
            "- \t? : -\n-\n  -x\n",
            "Resources:\r\n  Fn:\r\n    - - - deep\r\n:",
            "",
            "   ",
            "x\n      - y",
        ];
        for text in samples {
            // Every byte its own chunk: each state carries across chunk boundaries.
            let pieces: Vec<&str> = (0..text.len()).map(|at| &text[at..at + 1]).collect();
            assert_eq!(
                yaml_indent(pieces.iter().copied()),
                yaml_indent_by_lines(text),
                "{text:?}"
            );
            assert_eq!(
                json_depth_bound(pieces.iter().copied()),
                json_depth_bound(std::iter::once(text))
            );
        }
    }

    #[test]
    fn parsing_from_the_ropes_chunks_equals_parsing_the_text() {
        // Large enough for the rope to hold it in many chunks, with multi-byte characters across
        // chunk boundaries.
        let text: String = (0..400)
            .map(|n| format!("def f{n}(event, context):\n    return {{\"body\": \"é世🚀{n}\"}}\n"))
            .collect();
        let rope = Rope::from_str(&text);
        assert!(rope.chunks().count() > 10);
        let from_rope = parse_source(FileKind::Python, Source::Rope(&rope), None).expect("a tree");
        let from_text = parse(FileKind::Python, &text, None).expect("a tree");
        assert_eq!(
            from_rope.root_node().to_sexp(),
            from_text.root_node().to_sexp()
        );
        assert_eq!(from_rope.root_node().end_byte(), text.len());
        let mut doc = Document::new(Some(FileKind::Python), text.clone());
        doc.apply_changes(&[change(at(200, 4), at(200, 10), "yield")], Encoding::Utf16);
        let edited = doc.text();
        let fresh = parse(FileKind::Python, &edited, None).expect("a tree");
        assert_eq!(
            doc.tree().expect("a tree").root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
    }

    #[test]
    fn unbalanced_brackets_are_too_complex_to_read() {
        let run = MAX_UNNAMED_RUN + 1;
        let inputs = [
            (FileKind::Python, "(".repeat(run)),
            (
                FileKind::Python,
                format!("x = 1\ny = {}\n", "[".repeat(run)),
            ),
            (
                FileKind::JavaScript,
                format!("const a = {};", "(".repeat(run)),
            ),
            (FileKind::TypeScript, "(".repeat(run)),
            (FileKind::Rust, format!("fn main() {{{}", "(".repeat(run))),
            (
                FileKind::YamlTemplate,
                format!(
                    "AWSTemplateFormatVersion: x\nResources:\n  A: {}\n",
                    "[".repeat(run)
                ),
            ),
            (
                FileKind::JsonTemplate,
                format!("{{\"Resources\": {}", "[".repeat(run)),
            ),
        ];
        for (kind, text) in &inputs {
            assert!(
                parse(*kind, text, None).is_none(),
                "{kind:?} {}",
                &text[..40]
            );
        }
        // Runs up to the limit, and files with an ordinary syntax error, are read.
        let within = "(".repeat(MAX_UNNAMED_RUN - 10);
        assert!(parse(FileKind::Python, &within, None).is_some());
        let typing = "def handler(event, context):\n    return {\"body\": (\n\nx = [1, 2, 3]\n";
        let tree = parse(FileKind::Python, typing, None).expect("read");
        assert!(tree.root_node().has_error());
    }

    #[test]
    fn a_parse_past_its_budget_gives_no_tree() {
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/templates/rest_api_hand_written.yaml"
        );
        let text = std::fs::read_to_string(fixture).expect("fixture");
        // This template takes about 15 progress units to parse.
        assert!(parse_within(FileKind::YamlTemplate, &text, None, 5).is_none());
        assert!(parse_within(FileKind::YamlTemplate, &text, None, 100).is_some());
        assert!(parse(FileKind::YamlTemplate, &text, None).is_some());
    }

    #[test]
    fn full_replacement_and_out_of_range_positions() {
        let mut doc = Document::new(Some(FileKind::Python), "x = 1\n".to_owned());
        doc.apply_changes(
            &[TextChange {
                range: None,
                text: "y = 2\n".into(),
            }],
            Encoding::Utf8,
        );
        assert_eq!(doc.text(), "y = 2\n");
        doc.apply_changes(&[change(at(0, 50), at(40, 3), "!")], Encoding::Utf16);
        assert_eq!(doc.text(), "y = 2!");
    }
}
