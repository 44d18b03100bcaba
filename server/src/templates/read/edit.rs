//! What an edit changed in a text, and tree-sitter points: shared by the YAML and JSON readers
//! that reuse the trees of the pieces an edit left alone.

/// The tree-sitter point (row, byte column) of byte offset `at` in `text`.
pub(super) fn point(text: &str, at: usize) -> tree_sitter::Point {
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
pub(super) struct Unchanged {
    pub(super) prefix: usize,
    pub(super) suffix: usize,
    pub(super) old_len: usize,
}

impl Unchanged {
    pub(super) fn between(old: &str, new: &str) -> Unchanged {
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
