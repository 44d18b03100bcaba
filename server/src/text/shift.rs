//! How one version of a text became the next, seen from both ends: what an answer computed for
//! the earlier version still says of the later one while the later one is being analysed.

use super::TextRange;

/// The bytes before `prefix` and from the two `*_suffix` offsets to the ends are the same in the
/// old and the new text; what lies between changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    prefix: usize,
    old_suffix: usize,
    new_suffix: usize,
}

impl Shift {
    /// The longest common start and end of `old` and `new` (not overlapping, on character
    /// boundaries of both): two memory comparisons, however long the texts.
    pub fn between(old: &str, new: &str) -> Shift {
        let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
        let mut prefix = old_bytes
            .iter()
            .zip(new_bytes)
            .take_while(|(a, b)| a == b)
            .count();
        while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
            prefix -= 1;
        }
        let most = old.len().min(new.len()) - prefix;
        let mut suffix = old_bytes
            .iter()
            .rev()
            .zip(new_bytes.iter().rev())
            .take(most)
            .take_while(|(a, b)| a == b)
            .count();
        while !(old.is_char_boundary(old.len() - suffix)
            && new.is_char_boundary(new.len() - suffix))
        {
            suffix -= 1;
        }
        Shift {
            prefix,
            old_suffix: old.len() - suffix,
            new_suffix: new.len() - suffix,
        }
    }

    /// Where an offset of the new text was in the old one, unless it lies in what changed.
    pub fn to_old(&self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.new_suffix {
            Some(offset - self.new_suffix + self.old_suffix)
        } else {
            None
        }
    }

    /// Where a range of the old text is in the new one, unless it reaches into what changed or
    /// touches it (text typed right after or before a word extends the word: `40` typed on to
    /// `400` is no longer what was said of `40`).
    pub fn range_to_new(&self, range: TextRange) -> Option<TextRange> {
        let unchanged = self.prefix == self.old_suffix && self.old_suffix == self.new_suffix;
        if unchanged || range.end < self.prefix {
            Some(range)
        } else if range.start > self.old_suffix {
            Some(TextRange::new(
                range.start - self.old_suffix + self.new_suffix,
                range.end - self.old_suffix + self.new_suffix,
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_ranges_outside_the_change_carry_over() {
        let old = "key: value\nTimeout: 10\nrest: here\n";
        let new = "key: value\nTimeout: 1230\nrest: here\n";
        let shift = Shift::between(old, new);
        assert_eq!(shift.to_old(3), Some(3));
        let rest = new.find("rest").unwrap();
        assert_eq!(shift.to_old(rest), old.find("rest"));
        // Inside the typed `23`.
        let typed = new.find("1230").unwrap() + 2;
        assert_eq!(shift.to_old(typed), None);
        let old_rest = old.find("rest").unwrap();
        assert_eq!(
            shift.range_to_new(TextRange::new(old_rest, old_rest + 4)),
            Some(TextRange::new(rest, rest + 4))
        );
        let old_key = old.find("Timeout").unwrap();
        assert_eq!(
            shift.range_to_new(TextRange::new(old_key, old_key + 7)),
            Some(TextRange::new(old_key, old_key + 7))
        );
        // `10` became `1230`: the value said of `10` no longer holds.
        let old_ten = old.find("10").unwrap();
        assert_eq!(
            shift.range_to_new(TextRange::new(old_ten, old_ten + 2)),
            None
        );
    }

    #[test]
    fn a_word_typed_on_to_is_no_longer_the_same_word() {
        let shift = Shift::between("Timeout: 40\n", "Timeout: 400\n");
        assert_eq!(shift.range_to_new(TextRange::new(9, 11)), None);
        let shift = Shift::between("Timeout: 40\n", "Timeout: 140\n");
        assert_eq!(shift.range_to_new(TextRange::new(9, 11)), None);
        assert_eq!(
            shift.range_to_new(TextRange::new(0, 7)),
            Some(TextRange::new(0, 7))
        );
    }

    #[test]
    fn equal_texts_map_everything_and_repeats_do_not_overlap() {
        let shift = Shift::between("abc", "abc");
        assert_eq!(shift.to_old(3), Some(3));
        assert_eq!(
            shift.range_to_new(TextRange::new(0, 3)),
            Some(TextRange::new(0, 3))
        );
        // "aaa" → "aaaa": the common start and end overlap in the longer text; they must not.
        let shift = Shift::between("aaa", "aaaa");
        assert_eq!(shift.to_old(4), Some(3));
        assert_eq!(
            shift.range_to_new(TextRange::new(0, 2)),
            Some(TextRange::new(0, 2))
        );
        assert_eq!(shift.range_to_new(TextRange::new(0, 3)), None);
    }

    #[test]
    fn the_change_is_cut_on_character_boundaries() {
        // é and è share their first byte: the common start stops before it.
        let shift = Shift::between("café!", "cafè!");
        assert_eq!(shift.to_old(3), Some(3));
        assert_eq!(shift.to_old(4), None);
        assert_eq!(shift.to_old(5), Some(5));
        assert_eq!(shift.range_to_new(TextRange::new(3, 5)), None);
    }
}
