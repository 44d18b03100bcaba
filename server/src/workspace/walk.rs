//! The one way gatelint walks folders. Ignore files (`.gitignore`, `.ignore`, and
//! `.git/info/exclude`) are honoured as git does, but read through [`crate::reader`] (a FIFO or a
//! link to `/dev/zero` named `.gitignore` is refused, not read forever); a file git tracks is
//! walked even when a pattern matches it (see [`super::git`]). Symbolic links are not followed.
//! Nothing is skipped silently: a folder that cannot be listed, a name that is not UTF-8 and a
//! FIFO or device with a checked file's name each become a [`WalkProblem`]; what ignore rules
//! leave out is counted.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use super::git::Tracked;
use crate::reader::{self as fs, Boundary, MAX_FILE_BYTES};

/// A path the walk met and could not take, with the reason (a `GL901` finding on it).
#[derive(Debug, Clone)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub reason: String,
}

/// What ignore rules left out: files and whole folders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    pub files: usize,
    pub folders: usize,
}

#[derive(Debug, Default)]
pub struct Walked {
    /// The regular files whose names `wanted` accepted, sorted, each once.
    pub files: Vec<PathBuf>,
    pub problems: Vec<WalkProblem>,
    pub skipped: Skipped,
}

/// The ignore rules of one folder (its `.ignore` wins over its `.gitignore`).
struct Rules {
    folder: PathBuf,
    matchers: Vec<Gitignore>,
}

impl Rules {
    fn matched(&self, path: &Path, is_dir: bool) -> Match<()> {
        for matcher in &self.matchers {
            match matcher.matched(path, is_dir) {
                Match::None => {}
                Match::Ignore(_) => return Match::Ignore(()),
                Match::Whitelist(_) => return Match::Whitelist(()),
            }
        }
        Match::None
    }
}

struct Walker<'a> {
    wanted: &'a dyn Fn(&Path) -> bool,
    out: Walked,
}

/// Walks `roots` (resolved, absolute folders) for the files `wanted` accepts by name.
pub fn walk(roots: &[PathBuf], wanted: &dyn Fn(&Path) -> bool) -> Walked {
    let mut walker = Walker {
        wanted,
        out: Walked::default(),
    };
    for root in roots {
        let repository = super::git::repository_root(root);
        let boundary = Boundary::within(std::slice::from_ref(repository.as_ref().unwrap_or(root)));
        let tracked = repository.as_deref().map(Tracked::read).unwrap_or_default();
        // The ignore files of the folders between the repository root and this root apply too.
        let mut stack = Vec::new();
        if let Some(repository) = &repository {
            if let Some(exclude) = exclude_rules(repository, &boundary) {
                stack.push(exclude);
            }
            let between: Vec<&Path> = root
                .ancestors()
                .skip(1)
                .take_while(|folder| folder.starts_with(repository))
                .collect();
            for folder in between.into_iter().rev() {
                stack.push(folder_rules(folder, &boundary, &mut walker.out));
            }
        }
        let ignored_above = false;
        walker.folder(root, &boundary, &tracked, &mut stack, ignored_above);
    }
    let mut out = walker.out;
    out.files.sort();
    out.files.dedup();
    out.problems.sort_by(|a, b| a.path.cmp(&b.path));
    out.problems.dedup_by(|a, b| a.path == b.path);
    out
}

/// `.git/info/exclude`: rules for the whole repository, below any folder's own.
fn exclude_rules(repository: &Path, boundary: &Boundary) -> Option<Rules> {
    let path = repository.join(".git/info/exclude");
    let bytes = fs::read_bytes(&path, boundary, MAX_FILE_BYTES).ok()?;
    let mut builder = GitignoreBuilder::new(repository);
    add_lines(&mut builder, &path, &bytes);
    Some(Rules {
        folder: repository.to_path_buf(),
        matchers: builder.build().ok().into_iter().collect(),
    })
}

/// A folder's `.ignore` and `.gitignore`, read through the guarded reader; one that cannot be read
/// (a FIFO, a device, outside the repository, too large) is a problem, and the folder is walked
/// without it.
fn folder_rules(folder: &Path, boundary: &Boundary, out: &mut Walked) -> Rules {
    let mut matchers = Vec::new();
    for name in [".ignore", ".gitignore"] {
        let path = folder.join(name);
        if std::fs::symlink_metadata(&path).is_err() {
            continue;
        }
        match fs::read_bytes(&path, boundary, MAX_FILE_BYTES) {
            Ok(bytes) => {
                let mut builder = GitignoreBuilder::new(folder);
                add_lines(&mut builder, &path, &bytes);
                if let Ok(matcher) = builder.build() {
                    matchers.push(matcher);
                }
            }
            Err(refusal) => out.problems.push(WalkProblem {
                path,
                reason: format!(
                    "this ignore file was not read: {refusal}; the folder was checked without its rules"
                ),
            }),
        }
    }
    Rules {
        folder: folder.to_path_buf(),
        matchers,
    }
}

fn add_lines(builder: &mut GitignoreBuilder, path: &Path, bytes: &[u8]) {
    for line in String::from_utf8_lossy(bytes).lines() {
        // A bad pattern is left out, as git leaves it out.
        let _ = builder.add_line(Some(path.to_path_buf()), line);
    }
}

impl Walker<'_> {
    /// Walks one folder. `ignored`: an ignore rule matched the folder itself (kept only for the
    /// tracked files in it).
    fn folder(
        &mut self,
        folder: &Path,
        boundary: &Boundary,
        tracked: &Tracked,
        stack: &mut Vec<Rules>,
        ignored: bool,
    ) {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(error) => {
                self.out.problems.push(WalkProblem {
                    path: folder.to_path_buf(),
                    reason: format!(
                        "this folder could not be read ({error}); nothing in it was checked"
                    ),
                });
                return;
            }
        };
        let mut entries: Vec<_> = entries
            .filter_map(|entry| match entry {
                Ok(entry) => Some(entry),
                Err(error) => {
                    self.out.problems.push(WalkProblem {
                        path: folder.to_path_buf(),
                        reason: format!(
                            "this folder could not be read to the end ({error}); some of it was not checked"
                        ),
                    });
                    None
                }
            })
            .collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        stack.push(folder_rules(folder, boundary, &mut self.out));
        for entry in entries {
            let name = entry.file_name();
            if is_hidden(&name) {
                continue;
            }
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_symlink() {
                continue;
            }
            let is_dir = file_type.is_dir();
            let wanted_name = !is_dir && (self.wanted)(&lossy(&path));
            if name.to_str().is_none() {
                if is_dir || wanted_name {
                    self.out.problems.push(WalkProblem {
                        path: lossy(&path),
                        reason: format!(
                            "this {} name is not valid UTF-8; {} not checked",
                            if is_dir { "folder" } else { "file" },
                            if is_dir {
                                "nothing in it was"
                            } else {
                                "it was"
                            }
                        ),
                    });
                }
                continue;
            }
            let ignored_here = ignored || is_ignored(stack, &path, is_dir);
            // A CDK app's synthesised output: copies of its assets and templates.
            if is_dir && name == "cdk.out" {
                self.out.skipped.folders += 1;
                continue;
            }
            if is_dir {
                if ignored_here && !tracked.has_under(&path) {
                    self.out.skipped.folders += 1;
                    continue;
                }
                self.folder(&path, boundary, tracked, stack, ignored_here);
                continue;
            }
            if !wanted_name {
                continue;
            }
            if ignored_here && !tracked.contains(&path) {
                self.out.skipped.files += 1;
                continue;
            }
            if file_type.is_file() {
                self.out.files.push(path);
            } else {
                self.out.problems.push(WalkProblem {
                    reason: format!(
                        "this is {}, not a regular file; it was not read",
                        fs::kind_name(file_type)
                    ),
                    path,
                });
            }
        }
        stack.pop();
    }
}

/// Whether the nearest rule about `path` (deepest folder first) ignores it.
fn is_ignored(stack: &[Rules], path: &Path, is_dir: bool) -> bool {
    for rules in stack.iter().rev() {
        if !path.starts_with(&rules.folder) {
            continue;
        }
        match rules.matched(path, is_dir) {
            Match::None => {}
            Match::Ignore(()) => return true,
            Match::Whitelist(()) => return false,
        }
    }
    false
}

fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn lossy(path: &Path) -> PathBuf {
    PathBuf::from(path.to_string_lossy().into_owned())
}
