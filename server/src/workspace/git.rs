//! Which files git tracks, read from the repository's index file (`.git/index`) without running
//! git: a tracked file is checked even when an ignore pattern matches it, as git itself keeps
//! tracking it. The index format (versions 2, 3 and 4; SHA-1 and SHA-256 repositories) is read
//! for the paths only, as git's documentation (`gitformat-index`) describes it; anything this
//! reader does not understand leaves the set empty, and ignore rules then apply as written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::reader::{self as fs, Boundary};

/// An index larger than this is not read (the Linux kernel's is about 8 MB).
const MAX_INDEX_BYTES: u64 = 256 * 1024 * 1024;

/// The nearest folder at or above `start` holding `.git` (a folder, or a worktree's file).
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|folder| std::fs::symlink_metadata(folder.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// The files a repository's index lists, and the folders holding them.
#[derive(Debug, Default)]
pub struct Tracked {
    root: PathBuf,
    files: HashSet<Vec<u8>>,
    folders: HashSet<Vec<u8>>,
    /// Folders a sparse index lists whole (`folder/`): everything in them is tracked.
    sparse: HashSet<Vec<u8>>,
}

impl Tracked {
    /// Reads the index of the repository rooted at `root` (empty when there is none or it cannot
    /// be read).
    pub fn read(root: &Path) -> Tracked {
        let mut tracked = Tracked {
            root: root.to_path_buf(),
            ..Tracked::default()
        };
        let Some(index) = index_path(root) else {
            return tracked;
        };
        let Ok(bytes) = fs::read_bytes(&index, &Boundary::anywhere(), MAX_INDEX_BYTES) else {
            return tracked;
        };
        let Some(paths) = parse_index(&bytes) else {
            return tracked;
        };
        for path in paths {
            let mut end = path.len();
            while let Some(slash) = path[..end].iter().rposition(|&byte| byte == b'/') {
                if !tracked.folders.insert(path[..slash].to_vec()) {
                    break;
                }
                end = slash;
            }
            // A sparse index lists a folder it has not expanded as `folder/`.
            if let Some(folder) = path.strip_suffix(b"/") {
                tracked.folders.insert(folder.to_vec());
                tracked.sparse.insert(folder.to_vec());
            } else {
                tracked.files.insert(path);
            }
        }
        tracked
    }

    fn relative(&self, path: &Path) -> Option<Vec<u8>> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let text = relative.to_str()?;
        Some(text.replace('\\', "/").into_bytes())
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.relative(path).is_some_and(|relative| {
            self.files.contains(&relative) || self.under_sparse_folder(&relative)
        })
    }

    /// Whether a tracked file lies inside the folder `path`.
    pub fn has_under(&self, path: &Path) -> bool {
        self.relative(path)
            .is_some_and(|relative| self.folders.contains(&relative))
    }

    fn under_sparse_folder(&self, relative: &[u8]) -> bool {
        !self.sparse.is_empty()
            && relative
                .iter()
                .enumerate()
                .any(|(at, &byte)| byte == b'/' && self.sparse.contains(&relative[..at]))
    }
}

/// The index file: `.git/index`, or for a worktree (`.git` a file saying `gitdir: …`) the index
/// in the folder it names.
fn index_path(root: &Path) -> Option<PathBuf> {
    let dot_git = root.join(".git");
    let metadata = std::fs::metadata(&dot_git).ok()?;
    if metadata.is_dir() {
        return Some(dot_git.join("index"));
    }
    let bytes = fs::read_bytes(&dot_git, &Boundary::within(&[root.to_path_buf()]), 4096).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let gitdir = text
        .lines()
        .find_map(|line| line.strip_prefix("gitdir:"))?
        .trim();
    Some(root.join(gitdir).join("index"))
}

/// The paths of an index file's entries; `None` when it is not an index this reader knows.
fn parse_index(bytes: &[u8]) -> Option<Vec<Vec<u8>>> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let version = u32::from_be_bytes(bytes.get(4..8)?.try_into().ok()?);
    let count = u32::from_be_bytes(bytes.get(8..12)?.try_into().ok()?) as usize;
    if !(2..=4).contains(&version) {
        return None;
    }
    // SHA-1 object names, else SHA-256: the one whose entries read consistently.
    [20, 32]
        .into_iter()
        .find_map(|hash| parse_entries(bytes, version, count, hash))
}

fn parse_entries(bytes: &[u8], version: u32, count: usize, hash: usize) -> Option<Vec<Vec<u8>>> {
    // ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 each), the object name.
    let fixed = 40 + hash;
    let mut at = 12;
    let mut paths: Vec<Vec<u8>> = Vec::with_capacity(count.min(bytes.len() / (fixed + 2)));
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at;
        let flags = u16::from_be_bytes(
            bytes
                .get(start + fixed..start + fixed + 2)?
                .try_into()
                .ok()?,
        );
        at = start + fixed + 2;
        if version >= 3 && flags & 0x4000 != 0 {
            at += 2;
        }
        let name_length = usize::from(flags & 0x0FFF);
        let path = if version == 4 {
            let (strip, used) = varint(bytes.get(at..)?)?;
            at += used;
            let end = at + bytes.get(at..)?.iter().position(|&byte| byte == 0)?;
            let keep = previous.len().checked_sub(strip)?;
            let mut path = previous[..keep].to_vec();
            path.extend_from_slice(&bytes[at..end]);
            at = end + 1;
            path
        } else {
            let end = at + bytes.get(at..)?.iter().position(|&byte| byte == 0)?;
            let path = bytes[at..end].to_vec();
            // Padded with 1 to 8 NULs to a multiple of 8 bytes from the entry's start.
            at = start + (end - start + 8) / 8 * 8;
            path
        };
        if name_length < 0x0FFF && name_length != path.len() {
            return None;
        }
        if path.is_empty() || at > bytes.len() {
            return None;
        }
        previous.clone_from(&path);
        paths.push(path);
    }
    Some(paths)
}

/// Git's offset varint (index version 4's prefix length).
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut used = 0;
    let mut byte = *bytes.first()?;
    used += 1;
    let mut value = usize::from(byte & 0x7F);
    while byte & 0x80 != 0 {
        byte = *bytes.get(used)?;
        used += 1;
        value = value.checked_add(1)?.checked_shl(7)? | usize::from(byte & 0x7F);
    }
    Some((value, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index as git writes it, built here byte by byte for versions 2 and 4.
    fn entry_v2(path: &str) -> Vec<u8> {
        let mut entry = vec![0u8; 40 + 20];
        entry.extend_from_slice(&(path.len() as u16).to_be_bytes());
        entry.extend_from_slice(path.as_bytes());
        let padded = (entry.len() + 8) / 8 * 8;
        entry.resize(padded, 0);
        entry
    }

    fn index(version: u32, entries: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = b"DIRC".to_vec();
        bytes.extend_from_slice(&version.to_be_bytes());
        bytes.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for entry in entries {
            bytes.extend_from_slice(entry);
        }
        bytes.extend_from_slice(&[0; 20]);
        bytes
    }

    #[test]
    fn reads_the_paths_of_a_version_2_index() {
        let bytes = index(2, &[entry_v2("a/app.js"), entry_v2("template.yaml")]);
        assert_eq!(
            parse_index(&bytes).expect("an index"),
            [b"a/app.js".to_vec(), b"template.yaml".to_vec()]
        );
    }

    #[test]
    fn reads_the_prefix_compressed_paths_of_a_version_4_index() {
        let entry = |strip: u8, suffix: &str, full: usize| {
            let mut entry = vec![0u8; 40 + 20];
            entry.extend_from_slice(&(full as u16).to_be_bytes());
            entry.push(strip);
            entry.extend_from_slice(suffix.as_bytes());
            entry.push(0);
            entry
        };
        let bytes = index(
            4,
            &[
                entry(0, "src/a.js", 8),
                entry(4, "b.js", 8),
                entry(8, "x.py", 4),
            ],
        );
        assert_eq!(
            parse_index(&bytes).expect("an index"),
            [b"src/a.js".to_vec(), b"src/b.js".to_vec(), b"x.py".to_vec()]
        );
    }

    #[test]
    fn what_is_not_an_index_is_not_read() {
        assert!(parse_index(b"DIRC\0\0\0\x02\0\0\0\x05").is_none());
        assert!(parse_index(b"not an index").is_none());
    }

    #[test]
    fn git_writes_what_this_reader_reads() {
        // The index of a real repository, when git is there to write one (tests only: gatelint
        // itself never runs git).
        let dir = std::env::temp_dir().join(format!("gatelint-git-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("functions/orders")).expect("temp is writable");
        std::fs::write(
            dir.join("functions/orders/app.js"),
            "exports.handler = 1;\n",
        )
        .expect("write");
        std::fs::write(dir.join("top.js"), "x\n").expect("write");
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(&dir)
                .output()
                .is_ok_and(|output| output.status.success())
        };
        if !git(&["init", "-q"]) {
            eprintln!("skipped: git is not available");
            return;
        }
        for version in ["2", "3", "4"] {
            assert!(git(&["add", "functions/orders/app.js"]));
            assert!(git(&["update-index", "--index-version", version]));
            let tracked = Tracked::read(&dir);
            assert!(
                tracked.contains(&dir.join("functions/orders/app.js")),
                "v{version}"
            );
            assert!(!tracked.contains(&dir.join("top.js")), "v{version}");
            assert!(tracked.has_under(&dir.join("functions")), "v{version}");
            assert!(!tracked.has_under(&dir.join("elsewhere")), "v{version}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
