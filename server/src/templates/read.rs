//! Reading a template file into the model robustly, around two limits of tree-sitter-yaml:
//!
//! - Its scanner keeps row numbers in 16 bits, so a YAML text longer than 32,767 lines does not
//!   parse. Such a text is parsed in pieces cut at top-level keys and at `Resources` entries (each
//!   piece a block mapping of its own, well under the limit), and the value trees are stitched
//!   back with their byte offsets in the whole text.
//! - It rejects some YAML that CloudFormation loads (see [`loader_accepts`]). A second parser,
//!   libyaml (as PyYAML and cfn-lint use it), decides whether the text is really invalid: only then is the syntax error reported. Either
//!   way the regions tree-sitter could not read are kept in the model, and rules stay silent
//!   about the resources holding them.

use tree_sitter::Tree;

use super::model::{Syntax, Template};
use super::value::{self, Entry, Value, ValueKind, YamlPieces};
use crate::languages::FileKind;
use crate::text::{error_ranges, first_syntax_error, TextRange};

/// The most lines one tree-sitter-yaml parse may hold: its scanner stores rows as `int16`
/// (32,767), and the margin keeps a piece that ends on a long entry under it.
pub const MAX_PIECE_LINES: usize = 30_000;

/// A template read from a file, and what could not be read.
#[derive(Debug)]
pub struct TemplateRead {
    /// `None` for an empty document or one that is not a mapping at all.
    pub template: Option<Template>,
    /// The syntax error to report: tree-sitter's first error, unless a YAML loader accepts
    /// the text (then the grammar is at fault, not the file).
    pub syntax_error: Option<TextRange>,
    /// For a YAML text read in pieces, each piece's tree: the next read of an edited text parses
    /// again only the piece the edit touched.
    pub pieces: Vec<ParsedPiece>,
    /// Read in pieces, each parsed by tree-sitter on its own (a large JSON template): no tree of
    /// the whole text was needed.
    pub in_pieces: bool,
}

/// One piece of a text read in pieces, and its tree (of the piece's text alone).
#[derive(Debug)]
pub struct ParsedPiece {
    pub range: TextRange,
    pub tree: Tree,
    /// For a piece of a JSON text, the members of `Resources` it holds (reused with the tree when
    /// an edit leaves the piece alone); empty for YAML.
    pub entries: Vec<Entry>,
}

/// The text a template was read from before an edit, and what reading it found.
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    pub text: &'a str,
    pub read: &'a TemplateRead,
}

/// Reads a template file; `tree` is tree-sitter's parse of the whole `text`.
pub fn read(kind: FileKind, tree: &Tree, text: &str) -> TemplateRead {
    read_after(kind, tree, text, None)
}

/// [`read`], given what reading the text before an edit found: the same result, with the trees of
/// the pieces the edit left alone reused.
pub fn read_after(
    kind: FileKind,
    tree: &Tree,
    text: &str,
    previous: Option<Previous<'_>>,
) -> TemplateRead {
    let mut pieces = Vec::new();
    if kind == FileKind::JsonTemplate
        && text.len() >= JSON_PIECES_MIN_BYTES
        && !tree.root_node().has_error()
    {
        if let Some(read) = read_json_in_pieces(text, previous, true) {
            return read;
        }
    }
    let (root, errors, first_error, syntax) = match kind {
        FileKind::JsonTemplate => (
            value::from_json(tree, text),
            error_ranges(tree),
            first_syntax_error(tree, text),
            Syntax::Json,
        ),
        FileKind::YamlTemplate if line_count(text) > MAX_PIECE_LINES => {
            let mut read = read_yaml_in_pieces(text, MAX_PIECE_LINES, previous);
            if !read.errors.is_empty() {
                read = read_yaml_in_pieces(text, 0, previous);
            }
            pieces = read.pieces;
            (read.root, read.errors, read.first_error, Syntax::Yaml)
        }
        // tree-sitter's error recovery may swallow much more than the bad line; parsing each
        // top-level section and each resource on its own keeps the damage to where it is.
        FileKind::YamlTemplate if tree.root_node().has_error() => {
            let read = read_yaml_in_pieces(text, 0, previous);
            pieces = read.pieces;
            (read.root, read.errors, read.first_error, Syntax::Yaml)
        }
        FileKind::YamlTemplate => (
            value::from_yaml(tree, text),
            error_ranges(tree),
            first_syntax_error(tree, text),
            Syntax::Yaml,
        ),
        _ => {
            return TemplateRead {
                template: None,
                syntax_error: None,
                pieces: Vec::new(),
                in_pieces: false,
            }
        }
    };
    let syntax_error = match first_error {
        Some(_) if syntax == Syntax::Yaml && loader_accepts(text) => None,
        other => other,
    };
    let template = root.map(|root| {
        let mut template = Template::from_value(root, syntax);
        template.mark_unread(errors);
        template
    });
    TemplateRead {
        template,
        syntax_error,
        pieces,
        in_pieces: false,
    }
}

/// Whether libyaml, the loader behind PyYAML and so behind the SAM CLI and cfn-lint, reads the
/// whole text without error. It is as lenient as CloudFormation about indentation.
///
/// tree-sitter-yaml 0.7 (and strict YAML 1.2 parsers too) reject what these loaders accept: the
/// continuation lines of a flow collection or of a multi-line quoted scalar written at the
/// indentation of the key that holds it, not deeper (`Schema: {"a": 1,` then `"b": 2}` on the
/// next line at the column of `Schema`; `Resource: [` ... `]` with the items at the key's column;
/// `PolicyDocument: !Sub '{` ... `}'` closed at the key's column).
pub fn loader_accepts(text: &str) -> bool {
    use std::mem::MaybeUninit;
    use unsafe_libyaml::{
        yaml_event_delete, yaml_parser_delete, yaml_parser_initialize, yaml_parser_parse,
        yaml_parser_set_input_string, yaml_parser_t, YAML_STREAM_END_EVENT,
    };
    let mut parser = MaybeUninit::<yaml_parser_t>::uninit();
    // SAFETY: the parser is initialised before use and deleted once; it reads `text` only while
    // `text` is borrowed here; every event is deleted after its type is read.
    unsafe {
        if yaml_parser_initialize(parser.as_mut_ptr()).fail {
            return false;
        }
        let parser = parser.as_mut_ptr();
        yaml_parser_set_input_string(parser, text.as_ptr(), text.len() as u64);
        let mut event = MaybeUninit::uninit();
        let accepted = loop {
            if yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                break false;
            }
            let done = (*event.as_ptr()).type_ == YAML_STREAM_END_EVENT;
            yaml_event_delete(event.as_mut_ptr());
            if done {
                break true;
            }
        };
        yaml_parser_delete(parser);
        accepted
    }
}

fn line_count(text: &str) -> usize {
    // Counting bytes is fast even on a 5 MB file; a final line without a newline counts too.
    text.bytes().filter(|&byte| byte == b'\n').count() + 1
}

/// One piece of a long YAML text: a byte range holding a block mapping, whose entries belong to
/// the root or to `Resources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    start: usize,
    end: usize,
    in_resources: bool,
}

/// The byte offset where each line starts.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .filter(|&at| at < text.len())
        .collect()
}

/// A line that starts a mapping entry at `indent` spaces: not blank, not a comment, not a
/// sequence item, not a document marker.
fn starts_entry_at(line: &str, indent: usize) -> bool {
    let content = line.trim_start_matches(' ');
    line.len() - content.len() == indent
        && !content.is_empty()
        && !content.starts_with(['#', '-', '\r', '\n', '\t', '}', ']'])
        && !content.starts_with("...")
}

/// Cuts a YAML text into pieces of at most `max_lines` lines where it can: whole top-level
/// sections, and the entries of a longer `Resources` section in runs (with 0, every section and
/// every resource is a piece of its own).
fn split_pieces(text: &str, max_lines: usize) -> Vec<Piece> {
    let starts = line_starts(text);
    let line = |at: usize| {
        let end = starts.get(at + 1).copied().unwrap_or(text.len());
        &text[starts[at]..end]
    };
    // Top-level sections: from a key at column 0 to the next one.
    let mut sections: Vec<usize> = (0..starts.len())
        .filter(|&at| starts_entry_at(line(at), 0))
        .collect();
    if sections.first() != Some(&0) {
        // Comments and a `---` marker before the first key belong to the first section.
        if sections.is_empty() {
            sections.push(0);
        } else {
            sections[0] = 0;
        }
    }
    sections.push(starts.len());
    let offset = |line_at: usize| starts.get(line_at).copied().unwrap_or(text.len());

    let mut pieces = Vec::new();
    let mut root_run: Option<usize> = None;
    for window in sections.windows(2) {
        let (first, next) = (window[0], window[1]);
        let is_resources = {
            let key_line = line(first.min(starts.len().saturating_sub(1)));
            key_line
                .strip_prefix("Resources:")
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim().starts_with('#'))
        };
        if is_resources && next - first > max_lines {
            // The key line joins the root run; the entries are cut at the first entry's indent.
            let run_start = root_run.take().unwrap_or(first);
            pieces.push(Piece {
                start: offset(run_start),
                end: offset(first + 1),
                in_resources: false,
            });
            let indent = (first + 1..next)
                .map(line)
                .find(|text| {
                    let content = text.trim_start_matches(' ');
                    !content.trim().is_empty() && !content.starts_with('#')
                })
                .map_or(2, |text| text.len() - text.trim_start_matches(' ').len());
            let mut entries: Vec<usize> = (first + 1..next)
                .filter(|&at| starts_entry_at(line(at), indent))
                .collect();
            if entries.first() != Some(&(first + 1)) {
                match entries.first_mut() {
                    Some(entry) => *entry = first + 1,
                    None => entries.push(first + 1),
                }
            }
            entries.push(next);
            let mut run_start = entries[0];
            for pair in entries.windows(2) {
                let (entry, following) = (pair[0], pair[1]);
                if following - run_start > max_lines && entry > run_start {
                    pieces.push(Piece {
                        start: offset(run_start),
                        end: offset(entry),
                        in_resources: true,
                    });
                    run_start = entry;
                }
            }
            pieces.push(Piece {
                start: offset(run_start),
                end: offset(next),
                in_resources: true,
            });
            continue;
        }
        match root_run {
            Some(run_start) if next - run_start > max_lines => {
                pieces.push(Piece {
                    start: offset(run_start),
                    end: offset(first),
                    in_resources: false,
                });
                root_run = Some(first);
            }
            Some(_) => {}
            None => root_run = Some(first),
        }
    }
    if let Some(run_start) = root_run {
        pieces.push(Piece {
            start: offset(run_start),
            end: text.len(),
            in_resources: false,
        });
    }
    pieces.retain(|piece| piece.start < piece.end);
    pieces
}

/// A YAML text read in pieces: the value, the unread ranges, and the first syntax error, all in
/// offsets of the whole text, and the pieces' trees.
struct PiecesRead {
    root: Option<Value>,
    errors: Vec<TextRange>,
    first_error: Option<TextRange>,
    pieces: Vec<ParsedPiece>,
}

/// The tree-sitter point (row, byte column) of byte offset `at` in `text`.
fn point(text: &str, at: usize) -> tree_sitter::Point {
    let before = &text.as_bytes()[..at];
    let row = before.iter().filter(|&&byte| byte == b'\n').count();
    let column = before
        .iter()
        .rev()
        .take_while(|&&byte| byte != b'\n')
        .count();
    tree_sitter::Point::new(row, column)
}

/// Where an edit changed a text: the bytes before it and after it that stayed the same.
#[derive(Clone, Copy, Debug)]
struct Unchanged {
    prefix: usize,
    suffix: usize,
    old_len: usize,
}

impl Unchanged {
    fn between(old: &str, new: &str) -> Unchanged {
        let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
        // Compared a block at a time (a slice comparison is a memcmp), then byte by byte.
        const BLOCK: usize = 256;
        let room = old_bytes.len().min(new_bytes.len());
        let mut prefix = 0;
        while prefix + BLOCK <= room
            && old_bytes[prefix..prefix + BLOCK] == new_bytes[prefix..prefix + BLOCK]
        {
            prefix += BLOCK;
        }
        prefix += old_bytes[prefix..room]
            .iter()
            .zip(&new_bytes[prefix..room])
            .take_while(|(a, b)| a == b)
            .count();
        let room = room - prefix;
        let (old_end, new_end) = (old_bytes.len(), new_bytes.len());
        let mut suffix = 0;
        while suffix + BLOCK <= room
            && old_bytes[old_end - suffix - BLOCK..old_end - suffix]
                == new_bytes[new_end - suffix - BLOCK..new_end - suffix]
        {
            suffix += BLOCK;
        }
        suffix += old_bytes[..old_end - suffix]
            .iter()
            .rev()
            .zip(new_bytes[..new_end - suffix].iter().rev())
            .take(room - suffix)
            .take_while(|(a, b)| a == b)
            .count();
        Unchanged {
            prefix,
            suffix,
            old_len: old_bytes.len(),
        }
    }
}

/// The tree of one piece of `text`: the previous read's tree of the same text when the edit left
/// the piece alone, that tree re-parsed incrementally when the edit fell inside the piece, a new
/// parse otherwise. Through `text::parse`: `None` for a piece nested deeper than gatelint reads.
fn piece_tree(
    text: &str,
    piece: Piece,
    previous: Option<(&Previous<'_>, Unchanged)>,
) -> Option<Tree> {
    let piece_text = &text[piece.start..piece.end];
    let fresh = || crate::text::parse(FileKind::YamlTemplate, piece_text, None);
    let Some((previous, unchanged)) = previous else {
        return fresh();
    };
    let new_len = text.len();
    let old_of = |at: usize| (at + unchanged.old_len).checked_sub(new_len);
    let find = |start: usize, end: usize| {
        previous
            .read
            .pieces
            .iter()
            .find(|old| old.range.start == start && old.range.end == end)
    };
    if piece.end <= unchanged.prefix {
        // Wholly before the edit: the same text at the same place.
        if let Some(old) = find(piece.start, piece.end) {
            return Some(old.tree.clone());
        }
        return fresh();
    }
    let edit_new_end = new_len - unchanged.suffix;
    if piece.start >= edit_new_end {
        // Wholly after the edit: the same text, moved.
        if let Some(old) = old_of(piece.start)
            .zip(old_of(piece.end))
            .and_then(|(start, end)| find(start, end))
        {
            return Some(old.tree.clone());
        }
        return fresh();
    }
    let edit_old_end = unchanged.old_len - unchanged.suffix;
    let Some(old) = old_of(piece.end).and_then(|end| find(piece.start, end)) else {
        return fresh();
    };
    if unchanged.prefix < piece.start || edit_old_end > old.range.end {
        return fresh();
    }
    let old_text = &previous.text[old.range.start..old.range.end];
    let (start, old_end, new_end) = (
        unchanged.prefix - piece.start,
        edit_old_end - piece.start,
        edit_new_end - piece.start,
    );
    let mut tree = old.tree.clone();
    tree.edit(&tree_sitter::InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: new_end,
        start_position: point(old_text, start),
        old_end_position: point(old_text, old_end),
        new_end_position: point(piece_text, new_end),
    });
    crate::text::parse(FileKind::YamlTemplate, piece_text, Some(&tree))
}

/// Parses a YAML text piece by piece (see [`split_pieces`]), the pieces in parallel, and stitches
/// the root mapping back together.
fn read_yaml_in_pieces(text: &str, max_lines: usize, previous: Option<Previous<'_>>) -> PiecesRead {
    use rayon::prelude::*;
    let unchanged = previous.map(|previous| Unchanged::between(previous.text, text));
    let previous = previous.as_ref().zip(unchanged);
    let pieces = split_pieces(text, max_lines);
    let trees: Vec<Option<Tree>> = pieces
        .par_iter()
        .map(|&piece| piece_tree(text, piece, previous))
        .collect();
    let mut parsed = Vec::new();
    let mut reader = YamlPieces::new(text);
    let mut root: Vec<Entry> = Vec::new();
    let mut errors = Vec::new();
    let mut first_error = None;
    for (piece, tree) in pieces.into_iter().zip(trees) {
        let piece_text = &text[piece.start..piece.end];
        let Some(tree) = tree else {
            errors.push(TextRange::new(piece.start, piece.end));
            continue;
        };
        parsed.push(ParsedPiece {
            range: TextRange::new(piece.start, piece.end),
            tree,
            entries: Vec::new(),
        });
        let Some(ParsedPiece { tree, .. }) = parsed.last() else {
            continue;
        };
        let shift =
            |range: TextRange| TextRange::new(range.start + piece.start, range.end + piece.start);
        errors.extend(error_ranges(tree).into_iter().map(shift));
        if first_error.is_none() {
            first_error = first_syntax_error(tree, piece_text).map(shift);
        }
        let has_error = tree.root_node().has_error();
        let value = if has_error && piece.in_resources && max_lines == 0 {
            // One resource the grammar cannot read: keep its logical id and type, marked unread.
            unreadable_resource(text, piece)
        } else {
            reader.read(tree, piece.start)
        };
        let Some(value) = value else {
            continue;
        };
        let ValueKind::Map(entries) = value.kind else {
            // A piece that is not a mapping cannot be placed: leave it unread.
            errors.push(TextRange::new(piece.start, piece.end));
            continue;
        };
        if !piece.in_resources {
            root.extend(entries);
            continue;
        }
        let Some(resources) = root.iter_mut().rev().find(|entry| entry.key == "Resources") else {
            errors.push(TextRange::new(piece.start, piece.end));
            continue;
        };
        match &mut resources.value.kind {
            ValueKind::Map(existing) => {
                existing.extend(entries);
                resources.value.range.end = value.range.end;
            }
            _ => {
                resources.value = Value {
                    range: value.range,
                    kind: ValueKind::Map(entries),
                };
            }
        }
    }
    let range = TextRange::new(0, text.len());
    let value = (!root.is_empty()).then_some(Value {
        range,
        kind: ValueKind::Map(root),
    });
    PiecesRead {
        root: value,
        errors,
        first_error,
        pieces: parsed,
    }
}

/// JSON templates at least this long are read in pieces (see [`read_json_in_pieces`]).
pub const JSON_PIECES_MIN_BYTES: usize = 256 * 1024;

/// How many bytes of `Resources` members a piece of a JSON text holds at least, and at most
/// (unless one member is longer).
const JSON_PIECE_MIN_BYTES: usize = 16 * 1024;
const JSON_PIECE_MAX_BYTES: usize = 64 * 1024;

/// Where a JSON text's `Resources` object is (the offsets of its braces) and where each of its
/// members starts (its key) and ends (its value's last byte + 1).
#[derive(Debug, PartialEq, Eq)]
struct JsonLayout {
    open: usize,
    close: usize,
    members: Vec<(usize, usize)>,
}

/// What the scan of the root object expects next after a `"Resources"` key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ResourcesKey {
    None,
    Key,
    Colon,
    Done,
}

/// Finds the members of the root object's `Resources` object by a scan of the text's brackets and
/// strings (no value is read here: tree-sitter parses every piece). `None` when the text does not
/// lay out that way plainly (no or two `Resources`, comments, no members, a trailing comma,
/// unbalanced brackets, or nesting deeper than gatelint reads): such a text is parsed whole.
fn json_layout(text: &str) -> Option<JsonLayout> {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut expect_key = false;
    let mut key = ResourcesKey::None;
    let mut open = None;
    let mut close = None;
    let mut members = Vec::new();
    let mut member_start: Option<usize> = None;
    let mut last_end = 0;
    let mut at = 0;
    while at < bytes.len() {
        let inside = open.is_some() && close.is_none() && depth == 2;
        match bytes[at] {
            b'"' => {
                let start = at;
                at += 1;
                loop {
                    match bytes.get(at)? {
                        b'\\' => at += 2,
                        b'"' => break,
                        _ => at += 1,
                    }
                }
                at += 1;
                if depth == 1 && expect_key {
                    expect_key = false;
                    if &text[start..at] == "\"Resources\"" {
                        if key != ResourcesKey::None {
                            return None;
                        }
                        key = ResourcesKey::Key;
                    }
                } else if depth == 1 && key != ResourcesKey::Done {
                    key = ResourcesKey::None;
                }
                if inside {
                    member_start.get_or_insert(start);
                    last_end = at;
                }
                continue;
            }
            b':' if depth == 1 && key == ResourcesKey::Key => key = ResourcesKey::Colon,
            b'{' | b'[' => {
                if inside && member_start.is_none() {
                    return None;
                }
                if depth == 1 && key == ResourcesKey::Colon && bytes[at] == b'{' {
                    open = Some(at);
                    key = ResourcesKey::Done;
                } else if depth == 1 && key != ResourcesKey::Done {
                    key = ResourcesKey::None;
                }
                depth += 1;
                deepest = deepest.max(depth);
                expect_key = depth == 1 && bytes[at] == b'{';
            }
            b'}' | b']' => {
                if inside {
                    match member_start.take() {
                        Some(start) => members.push((start, last_end)),
                        // `{}` or a trailing comma.
                        None => return None,
                    }
                    close = Some(at);
                }
                depth = depth.checked_sub(1)?;
                if open.is_some() && close.is_none() && depth == 2 {
                    last_end = at + 1;
                }
            }
            b',' => {
                if depth == 1 {
                    expect_key = true;
                }
                if inside {
                    members.push((member_start.take()?, last_end));
                }
            }
            b'/' => return None,
            b' ' | b'\t' | b'\n' | b'\r' | b':' => {}
            _ => {
                if inside {
                    member_start?;
                    last_end = at + 1;
                }
                if depth == 1 && key != ResourcesKey::Done {
                    key = ResourcesKey::None;
                }
            }
        }
        at += 1;
    }
    // An error-free tree-sitter-json tree nests at most two levels per bracket, plus three.
    if depth != 0 || 2 * deepest + 3 > crate::text::MAX_TREE_DEPTH {
        return None;
    }
    Some(JsonLayout {
        open: open?,
        close: close?,
        members,
    })
}

/// Groups the members of `Resources` into pieces: a piece ends after a member whose key hashes to
/// a mark (once it holds [`JSON_PIECE_MIN_BYTES`]), or when it reaches
/// [`JSON_PIECE_MAX_BYTES`]. Cutting by content, not by count, keeps the cuts where they were
/// after an edit: only the piece holding it changes.
fn json_pieces(text: &str, members: &[(usize, usize)]) -> Vec<TextRange> {
    let marked = |start: usize, end: usize| {
        let key = &text.as_bytes()[start..end.min(start + 64)];
        let hash = key.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        hash % 8 == 0
    };
    let mut pieces = Vec::new();
    let mut piece_start: Option<usize> = None;
    for &(start, end) in members {
        let first = *piece_start.get_or_insert(start);
        let size = end - first;
        if size >= JSON_PIECE_MAX_BYTES || (size >= JSON_PIECE_MIN_BYTES && marked(start, end)) {
            pieces.push(TextRange::new(first, end));
            piece_start = None;
        }
    }
    if let (Some(first), Some(&(_, end))) = (piece_start, members.last()) {
        pieces.push(TextRange::new(first, end));
    }
    pieces
}

/// The text tree-sitter parses for one piece of `Resources`: its members in braces (a JSON
/// document of its own; its byte 1 is the piece's first byte in the whole text).
fn json_piece_text(text: &str, piece: TextRange) -> String {
    let mut braced = String::with_capacity(piece.end - piece.start + 2);
    braced.push('{');
    braced.push_str(&text[piece.start..piece.end]);
    braced.push('}');
    braced
}

fn json_parser() -> Option<tree_sitter::Parser> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&FileKind::JsonTemplate.tree_sitter_language())
        .ok()?;
    Some(parser)
}

/// Reads a large JSON template in pieces, each parsed by tree-sitter-json on its own (in
/// parallel): the root object without the members of `Resources`, and those members in runs
/// (see [`json_pieces`]). After an edit, only the piece it touched is parsed again: the others'
/// trees are reused. The value equals reading the whole text's tree, all ranges in the whole
/// text. `None` when the text is not laid out plainly (see [`json_layout`]) or a piece has a
/// syntax error: such a text is parsed whole, so its errors are reported as one parse sees them.
///
/// With `keep_trees` false the pieces' trees are freed as soon as read, on every core (`check`
/// reads a file once).
pub fn read_json_in_pieces(
    text: &str,
    previous: Option<Previous<'_>>,
    keep_trees: bool,
) -> Option<TemplateRead> {
    let (root, pieces) = json_value_in_pieces(text, previous, keep_trees)?;
    Some(TemplateRead {
        template: Some(Template::from_value(root, Syntax::Json)),
        syntax_error: None,
        pieces,
        in_pieces: true,
    })
}

/// One piece's tree and members to keep for the next edit (unless dropped), and the members of
/// `Resources` it holds.
type PieceValue = (Option<(Tree, Vec<Entry>)>, Vec<Entry>);

/// The value of a JSON text read in pieces (see [`read_json_in_pieces`]), and the pieces' trees.
fn json_value_in_pieces(
    text: &str,
    previous: Option<Previous<'_>>,
    keep_trees: bool,
) -> Option<(Value, Vec<ParsedPiece>)> {
    use rayon::prelude::*;
    let layout = json_layout(text)?;
    let pieces = json_pieces(text, &layout.members);
    let unchanged = previous.map(|previous| Unchanged::between(previous.text, text));
    // The root: the whole text with the members of `Resources` left out.
    let root_tree = || {
        let point = |at: usize| point(text, at);
        let ranges = [
            tree_sitter::Range {
                start_byte: 0,
                end_byte: layout.open + 1,
                start_point: tree_sitter::Point::new(0, 0),
                end_point: point(layout.open + 1),
            },
            tree_sitter::Range {
                start_byte: layout.close,
                end_byte: text.len(),
                start_point: point(layout.close),
                end_point: point(text.len()),
            },
        ];
        let mut parser = json_parser()?;
        parser.set_included_ranges(&ranges).ok()?;
        parser.parse(text, None)
    };
    let piece_read = |piece: &TextRange| -> Option<PieceValue> {
        let reused = previous.zip(unchanged).and_then(|(previous, unchanged)| {
            let old = if piece.end <= unchanged.prefix {
                *piece
            } else if piece.start >= text.len() - unchanged.suffix {
                let moved = |at: usize| at + unchanged.old_len - text.len();
                TextRange::new(moved(piece.start), moved(piece.end))
            } else {
                return None;
            };
            let pieces = &previous.read.pieces;
            let found = pieces
                .binary_search_by_key(&old.start, |parsed| parsed.range.start)
                .ok()?;
            let parsed = &pieces[found];
            (parsed.range == old && !parsed.entries.is_empty()).then_some(parsed)
        });
        if let Some(parsed) = reused {
            // The same text, perhaps moved: its tree and its members, moved as far.
            let mut entries = parsed.entries.clone();
            let delta = piece.start as isize - parsed.range.start as isize;
            if delta != 0 {
                for entry in &mut entries {
                    entry.key_range.start = entry.key_range.start.saturating_add_signed(delta);
                    entry.key_range.end = entry.key_range.end.saturating_add_signed(delta);
                    entry.value.shift(delta);
                }
            }
            let kept = keep_trees.then(|| (parsed.tree.clone(), entries.clone()));
            return Some((kept, entries));
        }
        let braced = json_piece_text(text, *piece);
        let tree = json_parser()?.parse(&braced, None)?;
        if tree.root_node().has_error() {
            return None;
        }
        let value = value::from_json_at(&tree, &braced, piece.start - 1)?;
        match value.kind {
            ValueKind::Map(entries) => {
                let kept = keep_trees.then(|| (tree, entries.clone()));
                Some((kept, entries))
            }
            _ => None,
        }
    };
    let (root_tree, read): (Option<Tree>, Vec<Option<PieceValue>>) =
        rayon::join(root_tree, || pieces.par_iter().map(piece_read).collect());
    let root_tree = root_tree.filter(|tree| !tree.root_node().has_error())?;
    let mut root = value::from_json(&root_tree, text)?;
    let ValueKind::Map(root_entries) = &mut root.kind else {
        return None;
    };
    let mut resources_at = root_entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| entry.key == "Resources");
    let (at, _) = resources_at.next()?;
    if resources_at.next().is_some() {
        return None;
    }
    let resources = &mut root_entries[at].value;
    if resources.range != TextRange::new(layout.open, layout.close + 1)
        || !matches!(&resources.kind, ValueKind::Map(entries) if entries.is_empty())
    {
        return None;
    }
    let mut entries = Vec::with_capacity(layout.members.len());
    let mut parsed = Vec::with_capacity(pieces.len());
    for (range, read) in pieces.into_iter().zip(read) {
        let (kept, piece_entries) = read?;
        entries.extend(piece_entries);
        if let Some((tree, entries)) = kept {
            parsed.push(ParsedPiece {
                range,
                tree,
                entries,
            });
        }
    }
    let value = Value {
        range: resources.range,
        kind: ValueKind::Map(entries),
    }
    .into_long_form();
    *resources = value;
    Some((root, parsed))
}

/// A resource entry the grammar cannot read, as a mapping of its logical id to its `Type` alone,
/// both found by their lines: `Id:` at the entry's indentation and the first `Type:` below it.
fn unreadable_resource(text: &str, piece: Piece) -> Option<Value> {
    let entry = &text[piece.start..piece.end];
    let id_start = entry.len() - entry.trim_start_matches(' ').len();
    let id_end = id_start + entry[id_start..].find(':')?;
    let quotes: &[char] = &['"', '\''];
    let logical_id = entry[id_start..id_end]
        .trim()
        .trim_matches(quotes)
        .to_owned();
    let mut line_start = entry.find('\n')? + 1;
    let mut type_entry = None;
    while line_start < entry.len() {
        let line_end = entry[line_start..]
            .find('\n')
            .map_or(entry.len(), |at| line_start + at);
        let line = &entry[line_start..line_end];
        let content = line.trim_start_matches(' ');
        if let Some(rest) = content.strip_prefix("Type:") {
            let value_start = line_start + (line.len() - content.len()) + "Type:".len();
            let value_text = rest.trim();
            let value_start = value_start + (rest.len() - rest.trim_start().len());
            let key_start = piece.start + line_start + (line.len() - content.len());
            type_entry = Some(Entry {
                key: "Type".into(),
                key_range: TextRange::new(key_start, key_start + "Type".len()),
                value: Value {
                    range: TextRange::new(
                        piece.start + value_start,
                        piece.start + value_start + value_text.len(),
                    ),
                    kind: ValueKind::Str(value_text.trim_matches(quotes).to_owned()),
                },
            });
            break;
        }
        line_start = line_end + 1;
    }
    let key_range = TextRange::new(piece.start + id_start, piece.start + id_end);
    let definition = Value {
        range: TextRange::new(key_range.end, piece.end),
        kind: ValueKind::Map(type_entry.into_iter().collect()),
    };
    Some(Value {
        range: TextRange::new(piece.start, piece.end),
        kind: ValueKind::Map(vec![Entry {
            key: logical_id,
            key_range,
            value: definition,
        }]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree_sitter::Parser;

    fn tree_of(kind: FileKind, text: &str) -> Tree {
        let mut parser = Parser::new();
        parser
            .set_language(&kind.tree_sitter_language())
            .expect("grammar loads");
        parser.parse(text, None).expect("parses")
    }

    /// The shapes tree-sitter-yaml 0.7 rejects and CloudFormation loads, reduced from real
    /// templates: flow content and quoted scalars continued at the column of their key.
    const GRAMMAR_REJECTS: [&str; 3] = [
        "Policy:\n  Document: !Sub '{\n      \"Version\": 1\n  }'\n",
        "Properties:\n  Schema: {\"a\": 1,\n  \"b\": 2}\n",
        "Statement:\n  Resource: [\n  !Sub \"arn:${A}\",\n  !GetAtt B.Arn\n  ]\n",
    ];

    #[test]
    fn grammar_rejects_valid_yaml_that_the_loader_accepts() {
        for text in GRAMMAR_REJECTS {
            let tree = tree_of(FileKind::YamlTemplate, text);
            assert!(
                tree.root_node().has_error(),
                "tree-sitter now reads {text:?}"
            );
            assert!(loader_accepts(text), "{text:?}");
        }
        assert!(!loader_accepts("a: [1, 2\nb: 3\n"));
        assert!(!loader_accepts("a: b: c\n"));
        assert!(!loader_accepts("Description: \"quoted\" trailing\nA: 1\n"));
    }

    #[test]
    fn a_template_the_grammar_rejects_reports_no_syntax_error_and_marks_the_resource() {
        let text = "Resources:\n  Model:\n    Type: AWS::ApiGateway::Model\n    Properties:\n      Schema: {\"a\": 1,\n      \"b\": 2}\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 10\n";
        let tree = tree_of(FileKind::YamlTemplate, text);
        let read = read(FileKind::YamlTemplate, &tree, text);
        assert_eq!(read.syntax_error, None);
        let template = read.template.expect("a template");
        assert!(!template.unread.is_empty());
        assert!(template.resource("Fn").is_some_and(|fn_| !fn_.incomplete));
    }

    #[test]
    fn invalid_yaml_keeps_its_syntax_error() {
        let text = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: 10\n  Other: x\n";
        let tree = tree_of(FileKind::YamlTemplate, text);
        assert!(read(FileKind::YamlTemplate, &tree, text)
            .syntax_error
            .is_some());
    }

    fn long_template(functions: usize) -> String {
        let mut text = String::from(
            "# generated\nAWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Short: {Type: Number, Default: &short 3}\nResources:\n",
        );
        for n in 0..functions {
            text.push_str(&format!(
                "  Fn{n}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: *short\n      Description: |\n        line one\n        line two\n"
            ));
        }
        text.push_str("Outputs:\n  Name:\n    Value: !Ref Fn0\n");
        text
    }

    /// A JSON template of `functions` functions with their APIs, permissions and an output.
    fn long_json_template(functions: usize) -> String {
        let mut resources = Vec::new();
        for n in 0..functions {
            resources.push(format!(
                r#"    "Fn{n}": {{
      "Type": "AWS::Serverless::Function",
      "Properties": {{"Handler": "app.h{n}", "Timeout": {timeout}, "Events": {{"Get": {{"Type": "Api", "Properties": {{"Path": "/p{n}", "Method": "get"}}}}}}, "Code": [1, -2.5e3, true, null, "\"}}\\"]}}
    }},
    "Perm{n}": {{"Type": "AWS::Lambda::Permission", "Properties": {{"FunctionName": {{"Ref": "Fn{n}"}}, "Action": "lambda:InvokeFunction"}}}}"#,
                timeout = 3 + n % 40
            ));
        }
        format!(
            "{{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Transform\": \"AWS::Serverless-2016-10-31\",\n  \"Resources\": {{\n{}\n  }},\n  \"Outputs\": {{\"Name\": {{\"Value\": {{\"Ref\": \"Fn0\"}}}}}}\n}}\n",
            resources.join(",\n")
        )
    }

    fn whole_json_value(text: &str) -> (Option<Value>, bool) {
        let tree = tree_of(FileKind::JsonTemplate, text);
        (value::from_json(&tree, text), tree.root_node().has_error())
    }

    /// Reading a JSON text in pieces gives the whole tree's value, on the fixtures, a long
    /// template, and after random edits of it (reusing the pieces the edit left alone) the value of
    /// reading afresh; a text with a syntax error is never read in pieces.
    #[test]
    fn json_read_in_pieces_equals_the_whole_read_after_random_edits() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/templates");
        for name in ["sam_events.json", "rest_api.json"] {
            let text = std::fs::read_to_string(format!("{fixtures}/{name}")).expect("fixture");
            let (value, _) = json_value_in_pieces(&text, None, true).expect("read in pieces");
            assert_eq!(Some(value), whole_json_value(&text).0, "{name}");
        }
        let mut text = long_json_template(700);
        assert!(text.len() > JSON_PIECES_MIN_BYTES);
        let (value, mut before) = json_value_in_pieces(&text, None, true).expect("read in pieces");
        assert!(before.len() > 4, "{}", before.len());
        assert_eq!(Some(value), whole_json_value(&text).0);
        // A fixed linear congruential sequence: the same edits on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % bound.max(1)
        };
        let alphabet = [
            "\"",
            "\\",
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "0",
            "-",
            "e",
            "x",
            " ",
            "\n",
            "/",
            "é",
            "\"Ref\": \"X\", ",
            "\"A\": {}, ",
        ];
        let (mut edits, mut in_pieces) = (0, 0);
        while edits < 80 {
            let mut edited = text.clone();
            let mut at = if next(5) == 0 {
                next(120)
            } else {
                next(edited.len())
            };
            while !edited.is_char_boundary(at) {
                at -= 1;
            }
            if next(3) == 0 {
                let mut end = (at + 1 + next(30)).min(edited.len());
                while !edited.is_char_boundary(end) {
                    end += 1;
                }
                edited.replace_range(at..end, "");
            } else {
                edited.insert_str(at, alphabet[next(alphabet.len())]);
            }
            edits += 1;
            let (whole, has_error) = whole_json_value(&edited);
            let previous_read = TemplateRead {
                template: None,
                syntax_error: None,
                pieces: before,
                in_pieces: true,
            };
            let previous = Previous {
                text: &text,
                read: &previous_read,
            };
            let incremental = json_value_in_pieces(&edited, Some(previous), true);
            let fresh = json_value_in_pieces(&edited, None, true);
            if has_error {
                assert!(incremental.is_none() && fresh.is_none(), "{edited}");
            }
            match (incremental, fresh) {
                (Some((value, pieces)), Some((fresh_value, fresh_pieces))) => {
                    in_pieces += 1;
                    assert_eq!(Some(&value), whole.as_ref());
                    assert_eq!(value, fresh_value);
                    let sexp = |pieces: &[ParsedPiece]| -> Vec<(TextRange, String)> {
                        pieces
                            .iter()
                            .map(|piece| (piece.range, piece.tree.root_node().to_sexp()))
                            .collect()
                    };
                    assert_eq!(sexp(&pieces), sexp(&fresh_pieces));
                    let members = |pieces: &[ParsedPiece]| -> Vec<Vec<Entry>> {
                        pieces.iter().map(|piece| piece.entries.clone()).collect()
                    };
                    assert!(members(&pieces) == members(&fresh_pieces));
                    text = edited;
                    before = pieces;
                }
                (None, None) => before = previous_read.pieces,
                (incremental, fresh) => panic!(
                    "read in pieces after the edit: {}, afresh: {}",
                    incremental.is_some(),
                    fresh.is_some()
                ),
            }
        }
        // Most edits keep the text valid (inside strings, spaces, whole members).
        assert!(in_pieces > edits / 4, "{in_pieces} of {edits}");
    }

    /// The rules find the same in a JSON template read in pieces (no whole tree) as in the same
    /// template read from one whole tree: the fixtures and a long template.
    #[test]
    fn json_findings_of_pieces_equal_findings_of_the_whole_parse() {
        use crate::analysis::analyze_with_model;
        use crate::context::FileContext;
        use crate::templates::TemplateModel;
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/templates");
        let mut texts: Vec<String> = ["sam_events.json", "rest_api.json"]
            .iter()
            .map(|name| std::fs::read_to_string(format!("{fixtures}/{name}")).expect("fixture"))
            .collect();
        texts.push(long_json_template(700));
        let mut found = 0;
        for text in &texts {
            let kind = FileKind::JsonTemplate;
            let tree = tree_of(kind, text);
            let whole = value::from_json(&tree, text).expect("a document");
            let whole = TemplateModel::of(TemplateRead {
                template: Some(Template::from_value(whole, Syntax::Json)),
                syntax_error: None,
                pieces: Vec::new(),
                in_pieces: false,
            });
            let pieces =
                TemplateModel::of(read_json_in_pieces(text, None, false).expect("read in pieces"));
            let context = FileContext::default();
            let from_whole =
                analyze_with_model(Some(kind), Some(&tree), text, &context, Some(&whole));
            let from_pieces = analyze_with_model(Some(kind), None, text, &context, Some(&pieces));
            assert_eq!(from_pieces, from_whole);
            found += from_whole.len();
        }
        assert!(found > 0);
    }

    /// The unchanged prefix and suffix found a block at a time are those found byte by byte.
    #[test]
    fn unchanged_prefix_and_suffix_match_a_bytewise_comparison() {
        let base: String = (0..3_000).map(|n| format!("{n:x}")).collect();
        let bytewise = |old: &str, new: &str| {
            let prefix = old
                .bytes()
                .zip(new.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            let room = old.len().min(new.len()) - prefix;
            let suffix = old
                .bytes()
                .rev()
                .zip(new.bytes().rev())
                .take(room)
                .take_while(|(a, b)| a == b)
                .count();
            (prefix, suffix)
        };
        for (at, removed, inserted) in [
            (0, 0, "x"),
            (5, 3, ""),
            (1_000, 0, "ab"),
            (1_024, 300, "a"),
            (base.len() - 1, 1, ""),
            (base.len(), 0, "zz"),
            (2_000, 0, "0"),
        ] {
            let mut new = base.clone();
            new.replace_range(at..at + removed, inserted);
            for (old, new) in [(&base, &new), (&new, &base), (&base, &base)] {
                let found = Unchanged::between(old, new);
                assert_eq!((found.prefix, found.suffix), bytewise(old, new), "{at}");
            }
        }
    }

    #[test]
    fn a_long_yaml_text_is_cut_under_the_limit_at_entries() {
        let text = long_template(9_000);
        assert!(line_count(&text) > 2 * MAX_PIECE_LINES);
        let pieces = split_pieces(&text, MAX_PIECE_LINES);
        assert!(pieces.len() >= 3, "{pieces:?}");
        assert_eq!(pieces.first().map(|p| p.start), Some(0));
        assert_eq!(pieces.last().map(|p| p.end), Some(text.len()));
        for pair in pieces.windows(2) {
            assert_eq!(pair[0].end, pair[1].start);
        }
        for piece in &pieces {
            assert!(line_count(&text[piece.start..piece.end]) <= MAX_PIECE_LINES + 1);
            if piece.in_resources {
                assert!(text[piece.start..].starts_with("  Fn"));
            }
        }
    }

    /// Two reads agree: the same syntax error, unread ranges, parameters and resources (ids,
    /// ranges, types, definitions), and the same piece trees.
    fn assert_same_read(incremental: &TemplateRead, full: &TemplateRead, text: &str) {
        assert_eq!(incremental.syntax_error, full.syntax_error, "{text}");
        let pieces = |read: &TemplateRead| -> Vec<(TextRange, String)> {
            read.pieces
                .iter()
                .map(|piece| (piece.range, piece.tree.root_node().to_sexp()))
                .collect()
        };
        assert_eq!(pieces(incremental), pieces(full), "{text}");
        match (&incremental.template, &full.template) {
            (Some(a), Some(b)) => {
                assert_eq!(a.unread, b.unread, "{text}");
                assert_eq!(a.resources.len(), b.resources.len(), "{text}");
                for (x, y) in a.resources.iter().zip(&b.resources) {
                    assert_eq!(
                        (
                            &x.logical_id,
                            x.id_range,
                            x.range,
                            &x.type_name,
                            x.incomplete
                        ),
                        (
                            &y.logical_id,
                            y.id_range,
                            y.range,
                            &y.type_name,
                            y.incomplete
                        ),
                        "{text}"
                    );
                    assert_eq!(x.definition, y.definition, "{text}");
                }
                let mut names: Vec<_> = a.parameters.keys().collect();
                names.sort();
                let mut other: Vec<_> = b.parameters.keys().collect();
                other.sort();
                assert_eq!(names, other);
                for name in names {
                    assert_eq!(a.parameters[name].default, b.parameters[name].default);
                }
            }
            (None, None) => {}
            _ => panic!("one read found a template, the other not: {text}"),
        }
    }

    /// Random edits (inserted and removed characters, some breaking the YAML) of a template read
    /// in pieces: reading each edited text after the one before equals reading it afresh.
    #[test]
    fn reading_after_an_edit_equals_reading_afresh() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % bound.max(1)
        };
        let alphabet = ["x", " ", "\n", ":", "- ", "{", "'", "  Fn: 1\n", "#"];
        // A long template (pieces by line count) and a short one with an unreadable resource
        // (a piece per resource).
        let short = long_template(40).replacen("    Properties:\n", "    Properties: {\n", 3);
        for (mut text, edits) in [(long_template(9_000), 5), (short, 60)] {
            let mut before = read(
                FileKind::YamlTemplate,
                &tree_of(FileKind::YamlTemplate, &text),
                &text,
            );
            assert!(!before.pieces.is_empty());
            for _ in 0..edits {
                let mut edited = text.clone();
                // Mostly inside the resources, sometimes in the root sections.
                let at = if next(4) == 0 {
                    next(200)
                } else {
                    next(edited.len())
                };
                if next(3) == 0 {
                    let end = (at + 1 + next(40)).min(edited.len());
                    edited.replace_range(at..end, "");
                } else {
                    edited.insert_str(at, alphabet[next(alphabet.len())]);
                }
                let tree = tree_of(FileKind::YamlTemplate, &edited);
                let previous = Previous {
                    text: &text,
                    read: &before,
                };
                let incremental =
                    read_after(FileKind::YamlTemplate, &tree, &edited, Some(previous));
                let full = read(FileKind::YamlTemplate, &tree, &edited);
                assert_same_read(&incremental, &full, &edited);
                text = edited;
                before = incremental;
            }
        }
    }

    #[test]
    fn a_long_yaml_template_reads_whole_with_offsets_and_anchors() {
        let text = long_template(9_000);
        let tree = tree_of(FileKind::YamlTemplate, &text);
        let read = read(FileKind::YamlTemplate, &tree, &text);
        assert_eq!(read.syntax_error, None);
        let template = read.template.expect("a template");
        assert!(template.unread.is_empty(), "{:?}", template.unread);
        assert_eq!(template.resources.len(), 9_000);
        let last = template.resource("Fn8999").expect("the last function");
        assert_eq!(last.id_range.slice(&text), "Fn8999");
        let timeout = last.property("Timeout").expect("Timeout");
        assert_eq!(timeout.as_number(), Some(3.0));
        assert_eq!(timeout.range.slice(&text), "*short");
        assert_eq!(
            last.property("Description").and_then(Value::as_str),
            Some("line one\nline two\n")
        );
        assert!(template.parameters.contains_key("Short"));
        assert!(template.resources_range.is_some());
    }
}
