//! A large JSON template read in pieces: the root object without the members of `Resources`, and
//! those members in runs, each parsed by tree-sitter-json on its own.

use std::sync::Arc;

use tree_sitter::Tree;

use super::edit::{point, Unchanged};
use super::{ParsedPiece, Previous, TemplateRead};
use crate::files::FileKind;
use crate::templates::model::{Syntax, Template};
use crate::templates::value::{self, Entry, Value, ValueKind};
use crate::text::TextRange;

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
        terraform: None,
    })
}

/// One piece's tree and members to keep for the next edit (unless dropped), and the members of
/// `Resources` it holds.
type PieceValue = (Option<(Tree, Arc<Vec<Entry>>, usize)>, Vec<Entry>);

/// The value of a JSON text read in pieces (see [`read_json_in_pieces`]), and the pieces' trees.
pub(super) fn json_value_in_pieces(
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
            previous
                .unchanged_piece(*piece, text.len(), unchanged)
                .filter(|parsed| !parsed.entries.is_empty())
        });
        if let Some(parsed) = reused {
            // The same text, perhaps moved: its tree and its members, moved as far (the kept
            // members are shared with the previous read, not copied).
            let mut entries = (*parsed.entries).clone();
            value::shift_entries(&mut entries, parsed.moved_to(piece.start));
            let kept = keep_trees.then(|| {
                (
                    parsed.tree.clone(),
                    Arc::clone(&parsed.entries),
                    parsed.read_at,
                )
            });
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
                let kept = keep_trees.then(|| (tree, Arc::new(entries.clone()), piece.start));
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
        if let Some((tree, entries, read_at)) = kept {
            parsed.push(ParsedPiece {
                range,
                tree,
                entries,
                value: None,
                read_at,
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
