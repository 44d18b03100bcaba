//! A YAML template read in pieces: cut at top-level keys and at `Resources` entries, each piece
//! parsed on its own (in parallel, reusing the previous trees after an edit), the value trees
//! stitched back with their byte offsets in the whole text.

use std::sync::Arc;

use tree_sitter::Tree;

use super::edit::{point, Unchanged};
use super::{ParsedPiece, Previous};
use crate::files::FileKind;
use crate::templates::value::{Entry, Value, ValueKind, YamlPieces};
use crate::text::{error_ranges, first_syntax_error, TextRange};

/// The most lines one tree-sitter-yaml parse may hold: its scanner stores rows as `int16`
/// (32,767), and the margin keeps a piece that ends on a long entry under it.
pub const MAX_PIECE_LINES: usize = 30_000;

/// The most lines of a run of resources in one piece of a long YAML text: an edit of an open
/// document reads again the piece it falls in (its neighbours keep their trees and, standing
/// alone, their values), so smaller pieces make a keystroke cheaper. `check` cuts the same
/// pieces: tree-sitter-yaml ends a block scalar that ends a piece after its last line break
/// (inside a text, before it), so that two cuts would give a few ranges one byte apart.
pub const RUN_LINES: usize = 2_000;

/// One piece of a long YAML text: a byte range holding a block mapping, whose entries belong to
/// the mapping at `path` (empty: the root; `["Resources"]`: the resources).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Piece {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) path: Vec<String>,
}

impl Piece {
    pub(super) fn range(&self) -> TextRange {
        TextRange::new(self.start, self.end)
    }

    /// Whether its entries are resources.
    pub(super) fn in_resources(&self) -> bool {
        self.path.len() == 1 && self.path[0] == "Resources"
    }
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

/// The key of a mapping entry's line.
fn entry_key(line: &str) -> String {
    line.split(':')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_matches(['"', '\''])
        .to_owned()
}

/// A text's lines, by number.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl Lines<'_> {
    fn line(&self, at: usize) -> &str {
        let end = self.starts.get(at + 1).copied().unwrap_or(self.text.len());
        &self.text[self.starts[at]..end]
    }

    fn offset(&self, at: usize) -> usize {
        self.starts.get(at).copied().unwrap_or(self.text.len())
    }

    /// The lines starting the entries of the block mapping in lines `from..to` (the first one
    /// moved to `from`, so that comments before it belong to it); `None` when the first line
    /// with content there does not start an entry deeper than `parent` (a sequence, a scalar).
    fn entries(&self, from: usize, to: usize, parent: Option<usize>) -> Option<Vec<usize>> {
        let first = (from..to).find(|&at| {
            let content = self.line(at).trim_start_matches(' ');
            !content.trim().is_empty() && !content.starts_with('#')
        });
        let indent = first.map_or(2, |at| {
            let line = self.line(at);
            line.len() - line.trim_start_matches(' ').len()
        });
        if parent.is_some_and(|parent| indent <= parent)
            || first.is_some_and(|at| !starts_entry_at(self.line(at), indent))
        {
            return None;
        }
        let mut entries: Vec<usize> = (from..to)
            .filter(|&at| starts_entry_at(self.line(at), indent))
            .collect();
        match entries.first_mut() {
            Some(entry) => *entry = from,
            None => entries.push(from),
        }
        Some(entries)
    }
}

/// Cuts a YAML text into pieces of at most `max_lines` lines where it can: whole top-level
/// sections, and the entries of a longer `Resources` section in runs (with 0, every section and
/// every resource is a piece of its own). Any entry too long for the grammar (a `Parameters` or
/// `Mappings` section, one mapping in it, a resource) whose value is a block mapping is cut at
/// its own entries likewise, however deep.
pub(super) fn split_pieces(text: &str, max_lines: usize) -> Vec<Piece> {
    let lines = Lines {
        text,
        starts: line_starts(text),
    };
    let count = lines.starts.len();
    // Top-level sections: from a key at column 0 to the next one; comments and a `---` marker
    // before the first key belong to the first section.
    let mut sections: Vec<usize> = (0..count)
        .filter(|&at| starts_entry_at(lines.line(at), 0))
        .collect();
    match sections.first_mut() {
        Some(first) => *first = 0,
        None => sections.push(0),
    }
    let mut pieces = Vec::new();
    cut_entries(&lines, &sections, count, &[], max_lines, &mut pieces);
    pieces.retain(|piece| piece.start < piece.end);
    pieces
}

/// Cuts the entries of one block mapping (each from a line of `entries` to the next, the last
/// to `end`), whose entries belong to the mapping at `path`, into runs of at most `max_lines`
/// lines; an entry split further leaves its key line in the run and its entries in pieces of
/// their own.
fn cut_entries(
    lines: &Lines<'_>,
    entries: &[usize],
    end: usize,
    path: &[String],
    max_lines: usize,
    pieces: &mut Vec<Piece>,
) {
    let piece = |start: usize, end: usize| Piece {
        start: lines.offset(start),
        end: lines.offset(end),
        path: path.to_vec(),
    };
    let indent = |at: usize| {
        let line = lines.line(at);
        line.len() - line.trim_start_matches(' ').len()
    };
    let mut run: Option<usize> = None;
    let bounds: Vec<usize> = entries.iter().copied().chain([end]).collect();
    for window in bounds.windows(2) {
        let (first, next) = (window[0], window[1]);
        let key_line = first.min(lines.starts.len().saturating_sub(1));
        let key = entry_key(lines.line(key_line));
        let resources = path.is_empty()
            && lines
                .line(key_line)
                .strip_prefix("Resources:")
                .is_some_and(|rest| rest.trim().is_empty() || rest.trim().starts_with('#'));
        let split = (resources && next - first > max_lines) || next - first > MAX_PIECE_LINES;
        let inner = split
            .then(|| lines.entries(first + 1, next, Some(indent(key_line))))
            .flatten();
        if let Some(inner) = inner {
            // The key line joins the run unless that makes it too long (a long `Metadata`
            // before `Resources`: the key must land in a piece that parses, or the entries
            // have no mapping to join).
            let key_start = match run.take() {
                Some(start) if first + 1 - start > max_lines => {
                    pieces.push(piece(start, first));
                    first
                }
                Some(start) => start,
                None => first,
            };
            pieces.push(piece(key_start, first + 1));
            let mut inner_path = path.to_vec();
            inner_path.push(key);
            cut_entries(lines, &inner, next, &inner_path, max_lines, pieces);
            continue;
        }
        match run {
            Some(start) if next - start > max_lines => {
                pieces.push(piece(start, first));
                run = Some(first);
            }
            Some(_) => {}
            None => run = Some(first),
        }
    }
    if let Some(start) = run {
        pieces.push(piece(start, end));
    }
}

/// A YAML text read in pieces: the value, the unread ranges, and the first syntax error, all in
/// offsets of the whole text, and the pieces' trees.
pub(super) struct PiecesRead {
    pub(super) root: Option<Value>,
    pub(super) errors: Vec<TextRange>,
    pub(super) first_error: Option<TextRange>,
    pub(super) pieces: Vec<ParsedPiece>,
    /// Whether a piece got no tree at all (nested deeper than gatelint reads, or too complex):
    /// see [`crate::text::parse`].
    pub(super) unparsed: bool,
}

/// The tree of one piece of `text`: the previous read's tree of the same text when the edit left
/// the piece alone, that tree re-parsed incrementally when the edit fell inside the piece, a new
/// parse otherwise. Through `text::parse`: `None` for a piece nested deeper than gatelint reads.
fn piece_tree(
    text: &str,
    piece: &Piece,
    previous: Option<(&Previous<'_>, Unchanged)>,
) -> Option<Tree> {
    let piece_text = &text[piece.start..piece.end];
    let fresh = || crate::text::parse(FileKind::YamlTemplate, piece_text, None);
    let Some((previous, unchanged)) = previous else {
        return fresh();
    };
    let new_len = text.len();
    let old_of = |at: usize| (at + unchanged.old_len).checked_sub(new_len);
    let edit_new_end = new_len - unchanged.suffix;
    if piece.end <= unchanged.prefix || piece.start >= edit_new_end {
        return match previous.unchanged_piece(piece.range(), new_len, unchanged) {
            Some(old) => Some(old.tree.clone()),
            None => fresh(),
        };
    }
    let find = |start: usize, end: usize| {
        previous
            .read
            .pieces
            .iter()
            .find(|old| old.range.start == start && old.range.end == end)
    };
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

/// What the parallel pass made of one piece's value.
enum PieceRead {
    /// Kept from the previous read (the edit left the piece alone, and it stands alone), moved
    /// to where the piece is now; the value as the previous read holds it, and where the piece
    /// was when it was read.
    Kept(Value, Arc<Value>, usize),
    /// Read on its own, and whether it stands alone (else it is read again, in order).
    Own(Option<Value>, bool),
    /// Not read yet.
    Later,
}

/// Whether a piece is one resource the grammar cannot read (read by its lines instead): cut at
/// every resource (`max_lines` 0), in `Resources`, with a syntax error.
fn unreadable(tree: &Tree, piece: &Piece, max_lines: usize) -> bool {
    max_lines == 0 && piece.in_resources() && tree.root_node().has_error()
}

/// Parses a YAML text piece by piece (see [`split_pieces`]), the pieces in parallel, and stitches
/// the root mapping back together. With `keep_trees` false, the pieces are parsed a few at a time
/// (as many as there are threads) and each tree is freed once read: the trees of all pieces are
/// never held at once.
pub(super) fn read_yaml_in_pieces(
    text: &str,
    max_lines: usize,
    previous: Option<Previous<'_>>,
    keep_trees: bool,
) -> PiecesRead {
    use rayon::prelude::*;
    let unchanged = previous.map(|previous| Unchanged::between(previous.text, text));
    let previous = previous.as_ref().zip(unchanged);
    let pieces = split_pieces(text, max_lines);
    let batch = if keep_trees {
        pieces.len()
    } else {
        rayon::current_num_threads()
    };
    let mut parsed = Vec::new();
    let mut reader = YamlPieces::new(text);
    let mut root: Vec<Entry> = Vec::new();
    let mut errors = Vec::new();
    let mut first_error = None;
    let mut unparsed = false;
    for batch in pieces.chunks(batch.max(1)) {
        // A piece the edit left alone keeps its tree, and its value when it stands alone (no
        // anchor, no alias: see `YamlPieces::read_alone`), moved as far as the edit moved it.
        // The kept value is shared with the previous read, not copied. The others are parsed,
        // and read on their own, in parallel: what a piece that stands alone reads is its own
        // text's whatever the pieces before it define; one that does not is read again below,
        // in order, by the reader that holds the anchors defined so far.
        let trees: Vec<(Option<Tree>, PieceRead)> = batch
            .par_iter()
            .map(|piece| {
                let kept = previous.and_then(|(previous, unchanged)| {
                    let old = previous.unchanged_piece(piece.range(), text.len(), unchanged)?;
                    let shared = old.value.as_ref()?;
                    let mut value = (**shared).clone();
                    value.shift(old.moved_to(piece.start));
                    Some((old.tree.clone(), value, Arc::clone(shared), old.read_at))
                });
                if let Some((tree, value, shared, read_at)) = kept {
                    return (Some(tree), PieceRead::Kept(value, shared, read_at));
                }
                let tree = piece_tree(text, piece, previous);
                let read = match &tree {
                    Some(tree) if !unreadable(tree, piece, max_lines) => {
                        let (value, alone) = YamlPieces::new(text).read_alone(tree, piece.start);
                        PieceRead::Own(value, alone)
                    }
                    _ => PieceRead::Later,
                };
                (tree, read)
            })
            .collect();
        for (piece, (tree, read)) in batch.iter().zip(trees) {
            let piece_text = &text[piece.start..piece.end];
            let Some(tree) = tree else {
                errors.push(TextRange::new(piece.start, piece.end));
                unparsed = true;
                continue;
            };
            let shift = |range: TextRange| {
                TextRange::new(range.start + piece.start, range.end + piece.start)
            };
            errors.extend(error_ranges(&tree).into_iter().map(shift));
            if first_error.is_none() {
                first_error = first_syntax_error(&tree, piece_text).map(shift);
            }
            let has_error = tree.root_node().has_error();
            let share = |value: &Option<Value>, alone: bool| {
                (keep_trees && alone && !has_error)
                    .then(|| value.clone().map(Arc::new))
                    .flatten()
            };
            let (value, shared, read_at) = match read {
                PieceRead::Kept(value, shared, read_at) => (Some(value), Some(shared), read_at),
                // One resource the grammar cannot read: keep its logical id and type, marked
                // unread.
                _ if unreadable(&tree, piece, max_lines) => {
                    (unreadable_resource(text, piece), None, piece.start)
                }
                PieceRead::Own(value, true) => {
                    let shared = share(&value, true);
                    (value, shared, piece.start)
                }
                PieceRead::Own(_, false) | PieceRead::Later => {
                    let (value, alone) = reader.read_alone(&tree, piece.start);
                    let shared = share(&value, alone);
                    (value, shared, piece.start)
                }
            };
            if keep_trees {
                parsed.push(ParsedPiece {
                    range: TextRange::new(piece.start, piece.end),
                    tree,
                    entries: Arc::default(),
                    value: shared,
                    read_at,
                });
            }
            let Some(value) = value else {
                continue;
            };
            let ValueKind::Map(entries) = value.kind else {
                // A piece that is not a mapping cannot be placed: leave it unread.
                errors.push(TextRange::new(piece.start, piece.end));
                continue;
            };
            if piece.path.is_empty() {
                root.extend(entries);
                continue;
            }
            let Some(holder) = entry_at(&mut root, &piece.path) else {
                errors.push(TextRange::new(piece.start, piece.end));
                continue;
            };
            match &mut holder.value.kind {
                ValueKind::Map(existing) => {
                    existing.extend(entries);
                    holder.value.range.end = value.range.end;
                }
                _ => {
                    holder.value = Value {
                        range: value.range,
                        kind: ValueKind::Map(entries),
                    };
                }
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
        unparsed,
    }
}

/// The entry at `path` from the `root` entries: the last of each key, as a later key wins.
fn entry_at<'e>(root: &'e mut [Entry], path: &[String]) -> Option<&'e mut Entry> {
    let (key, rest) = path.split_first()?;
    let entry = root.iter_mut().rev().find(|entry| &entry.key == key)?;
    if rest.is_empty() {
        return Some(entry);
    }
    match &mut entry.value.kind {
        ValueKind::Map(entries) => entry_at(entries, rest),
        _ => None,
    }
}

/// A resource entry the grammar cannot read, as a mapping of its logical id to its `Type` alone,
/// both found by their lines: `Id:` at the entry's indentation and the first `Type:` below it.
fn unreadable_resource(text: &str, piece: &Piece) -> Option<Value> {
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

/// Top-level sections no rule reads and CloudFormation does not wire anything from.
const INERT_SECTIONS: [&str; 3] = ["Metadata", "Outputs", "Description"];

/// The unread `ranges` of a YAML text, less those wholly inside an inert top-level section (a
/// `Metadata` past the grammar's row limit, say): what the template wires was read without them,
/// so they do not keep the rules from reasoning about it.
pub(super) fn outside_inert_sections(text: &str, ranges: Vec<TextRange>) -> Vec<TextRange> {
    if ranges.is_empty() {
        return ranges;
    }
    // The top-level keys: (offset of the key line, key).
    let sections: Vec<(usize, &str)> = line_starts(text)
        .into_iter()
        .filter_map(|start| {
            let line = &text[start..];
            let line = &line[..line.find('\n').unwrap_or(line.len())];
            if !starts_entry_at(line, 0) {
                return None;
            }
            let key = line.split(':').next()?.trim().trim_matches(['"', '\'']);
            Some((start, key))
        })
        .collect();
    ranges
        .into_iter()
        .filter(|range| {
            let at = sections.partition_point(|&(start, _)| start <= range.start);
            let Some(&(_, key)) = at.checked_sub(1).map(|at| &sections[at]) else {
                return true;
            };
            let end = sections.get(at).map_or(text.len(), |&(start, _)| start);
            !(INERT_SECTIONS.contains(&key) && range.end <= end)
        })
        .collect()
}
