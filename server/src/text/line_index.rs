use super::TextRange;

/// How a column is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 code units (bytes): LSP `utf-8`.
    Utf8,
    /// UTF-16 code units: LSP's default `utf-16`.
    Utf16,
    /// Unicode scalar values: the CLI's and the JSON output's columns.
    Chars,
}

/// A 0-based line and a 0-based column counted in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Start offsets of every line of a text, for converting between byte offsets and line/column.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification counts them ("`\n`,
/// `\r\n` and `\r`"); the terminator is not part of the line's columns. `gatelint check` counts
/// its lines with the same index, so a file's positions agree between the editor and the terminal.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(line_ends(text));
        Self {
            line_starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 0-based `line` starts; the text's end past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte range of `line` without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_start(line);
        let mut end = self.line_start(line + 1).min(text.len());
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        TextRange::new(start, end.max(start))
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Converts a byte offset into a line and a column counted in `encoding`. An offset inside a
    /// multi-byte character is moved back to the character's start.
    pub fn line_col(&self, text: &str, offset: usize, encoding: Encoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let prefix = &text[start..offset];
        let col = match encoding {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
            Encoding::Chars => prefix.chars().count(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Converts a line and a column counted in `encoding` into a byte offset. Positions past the
    /// end of a line clamp to the line's end, and lines past the end clamp to the text's end, as the
    /// LSP specification asks; a column inside a character lands on that character's start.
    pub fn offset(&self, text: &str, position: LineCol, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.line_count() {
            return text.len();
        }
        let range = self.line_range(text, line);
        range.start + byte_in_line(range.slice(text).chars(), position.col, encoding)
    }
}

/// The byte offset, within a line given as its characters (without the terminator), of the column
/// `col` counted in `encoding`; clamped to the line's end, and moved back to a character's start.
/// Shared by [`LineIndex`] and the rope-based conversion of [`super::Document`].
pub(crate) fn byte_in_line(
    line: impl Iterator<Item = char>,
    col: u32,
    encoding: Encoding,
) -> usize {
    let wanted = col as usize;
    let mut counted = 0usize;
    let mut bytes = 0usize;
    for ch in line {
        // The line ends at `\n`, `\r\n` or a lone `\r`, as [`LineIndex`] counts lines.
        if ch == '\n' || ch == '\r' {
            break;
        }
        let width = match encoding {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
            Encoding::Chars => 1,
        };
        if counted + width > wanted {
            break;
        }
        counted += width;
        bytes += ch.len_utf8();
    }
    bytes
}

/// The offset just past each line terminator: `\n`, `\r\n`, or a `\r` not followed by `\n`.
fn line_ends(text: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(move |&(at, &byte)| {
            byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n'))
        })
        .map(|(at, _)| at + 1)
}

/// Whether `text` holds a lone `\r` (one not followed by `\n`): a line break for LSP that a
/// count of `\n` alone misses.
pub(crate) fn has_lone_carriage_return(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr_all(bytes, b'\r').any(|at| bytes.get(at + 1) != Some(&b'\n'))
}

fn memchr_all(bytes: &[u8], wanted: u8) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(move |(_, &byte)| byte == wanted)
        .map(|(at, _)| at)
}

/// The largest char boundary at or below `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a = 1\nmsg = \"héllo 世界 🚀\" # x\r\nend";

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        // LSP: "\n, \r\n and \r" are line breaks; `b` is on line 3, `c` on line 6.
        let text = "from x import a,\r\r\r b\r\n\r\rc\r";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 8);
        let b = text.find('b').unwrap();
        assert_eq!(
            index.line_col(text, b, Encoding::Utf16),
            LineCol { line: 3, col: 1 }
        );
        assert_eq!(
            index.line_col(text, text.find('c').unwrap(), Encoding::Chars),
            LineCol { line: 6, col: 0 }
        );
        assert_eq!(
            index.offset(text, LineCol { line: 3, col: 1 }, Encoding::Utf8),
            b
        );
        // Past the end of a line ended by a lone `\r`: the line's end, before the `\r`.
        assert_eq!(
            index.offset(text, LineCol { line: 1, col: 9 }, Encoding::Utf16),
            text.find("\r\r\r").unwrap() + 1
        );
        assert_eq!(index.line_range(text, 3).slice(text), " b");
        assert!(has_lone_carriage_return(text));
        assert!(!has_lone_carriage_return("a\r\nb\r\n"));
        // Every offset but the inside of a `\r\n` round-trips.
        for offset in (0..=text.len()).filter(|at| *at != text.find("\r\n").unwrap() + 1) {
            for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
                let position = index.line_col(text, offset, encoding);
                assert_eq!(
                    index.offset(text, position, encoding),
                    offset,
                    "{position:?}"
                );
            }
        }
    }

    #[test]
    fn converts_offsets_in_every_encoding() {
        let index = LineIndex::new(TEXT);
        let rocket = TEXT.find('🚀').unwrap();
        // `msg = "héllo 世界 ` is 16 characters, 21 bytes, 16 UTF-16 units; 🚀 is 4 bytes, 2 units.
        assert_eq!(
            index.line_col(TEXT, rocket, Encoding::Utf8),
            LineCol { line: 1, col: 21 }
        );
        assert_eq!(
            index.line_col(TEXT, rocket, Encoding::Utf16),
            LineCol { line: 1, col: 16 }
        );
        assert_eq!(
            index.line_col(TEXT, rocket, Encoding::Chars),
            LineCol { line: 1, col: 16 }
        );
        let after = rocket + '🚀'.len_utf8();
        assert_eq!(
            index.line_col(TEXT, after, Encoding::Utf16),
            LineCol { line: 1, col: 18 }
        );
        assert_eq!(
            index.line_col(TEXT, after, Encoding::Chars),
            LineCol { line: 1, col: 17 }
        );
    }

    #[test]
    fn round_trips_every_char_boundary() {
        let index = LineIndex::new(TEXT);
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
            // Every character boundary but the inside of a line break, which no position names.
            for (offset, _) in TEXT.char_indices().filter(|(_, c)| *c != '\n') {
                let position = index.line_col(TEXT, offset, encoding);
                assert_eq!(
                    index.offset(TEXT, position, encoding),
                    offset,
                    "{encoding:?} {offset}"
                );
            }
        }
    }

    #[test]
    fn clamps_out_of_range_positions() {
        let index = LineIndex::new(TEXT);
        let line0_end = TEXT.find('\n').unwrap();
        assert_eq!(
            index.offset(TEXT, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            line0_end
        );
        assert_eq!(
            index.offset(TEXT, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            TEXT.len()
        );
        // The carriage return is not part of the line's columns.
        let line1_end = TEXT.find('\r').unwrap();
        assert_eq!(
            index.offset(TEXT, LineCol { line: 1, col: 99 }, Encoding::Utf8),
            line1_end
        );
        // Inside the surrogate pair of the emoji: back to the emoji's start.
        let rocket = TEXT.find('🚀').unwrap();
        assert_eq!(
            index.offset(TEXT, LineCol { line: 1, col: 17 }, Encoding::Utf16),
            rocket
        );
        // Inside a multi-byte character: back to its start.
        assert_eq!(index.line_col(TEXT, rocket + 1, Encoding::Utf8).col, 21);
    }
}
