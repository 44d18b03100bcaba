//! A YAML template read in pieces: cut at top-level keys and at `Resources` entries, each piece
//! parsed on its own (in parallel, reusing the previous trees after an edit), the value trees
//! stitched back with their byte offsets in the whole text.

use tree_sitter::Tree;

use super::edit::{point, Unchanged};
use super::{ParsedPiece, Previous};
use crate::files::FileKind;
use crate::templates::value::{Entry, Value, ValueKind, YamlPieces};
use crate::text::{error_ranges, first_syntax_error, TextRange};

/// The most lines one tree-sitter-yaml parse may hold: its scanner stores rows as `int16`
/// (32,767), and the margin keeps a piece that ends on a long entry under it.
pub const MAX_PIECE_LINES: usize = 30_000;

/// One piece of a long YAML text: a byte range holding a block mapping, whose entries belong to
/// the root or to `Resources`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Piece {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) in_resources: bool,
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
pub(super) fn split_pieces(text: &str, max_lines: usize) -> Vec<Piece> {
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
            // The key line joins the root run unless that makes it too long (a long `Metadata`
            // before `Resources`: the key must land in a piece that parses, or the entries have
            // no section to join); the entries are cut at the first entry's indent.
            let run_start = match root_run.take() {
                Some(run_start) if first + 1 - run_start > max_lines => {
                    pieces.push(Piece {
                        start: offset(run_start),
                        end: offset(first),
                        in_resources: false,
                    });
                    first
                }
                Some(run_start) => run_start,
                None => first,
            };
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
pub(super) struct PiecesRead {
    pub(super) root: Option<Value>,
    pub(super) errors: Vec<TextRange>,
    pub(super) first_error: Option<TextRange>,
    pub(super) pieces: Vec<ParsedPiece>,
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
pub(super) fn read_yaml_in_pieces(
    text: &str,
    max_lines: usize,
    previous: Option<Previous<'_>>,
) -> PiecesRead {
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
