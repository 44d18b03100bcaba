//! The one way gatelint reads a file, whatever the purpose (a handler, a template, the
//! configuration, a `package.json` probe, an ignore file, git's index): the path is resolved
//! (symbolic links followed), must lie inside the [`Boundary`] once resolved, must be a regular
//! file (a FIFO would block the read forever, `/dev/zero` would never end), and is read up to a
//! size cap that holds even when the file grows or lies about its size while being read.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest file gatelint reads: 16 MiB. A larger one is reported (`GL901`), never read.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Where reads may go: inside some folders once links are resolved, or anywhere (a file the
/// user named on the command line).
#[derive(Clone, Debug)]
pub struct Boundary {
    /// Resolved roots; `None`: no boundary.
    roots: Option<Vec<PathBuf>>,
}

/// The default keeps everything out: reading anywhere is asked for by name.
impl Default for Boundary {
    fn default() -> Boundary {
        Boundary {
            roots: Some(Vec::new()),
        }
    }
}

impl Boundary {
    /// Inside `roots` (resolved once here; a root that does not exist keeps nothing in).
    pub fn within(roots: &[PathBuf]) -> Boundary {
        Boundary {
            roots: Some(
                roots
                    .iter()
                    .filter_map(|root| std::fs::canonicalize(root).ok())
                    .collect(),
            ),
        }
    }

    /// No boundary: for a file the user named.
    pub fn anywhere() -> Boundary {
        Boundary { roots: None }
    }

    /// Whether a resolved path lies inside.
    pub fn contains_real(&self, real: &Path) -> bool {
        self.roots
            .as_ref()
            .is_none_or(|roots| roots.iter().any(|root| real.starts_with(root)))
    }

    /// Whether a path lies inside once resolved (a path that does not exist yet: whether its
    /// nearest existing ancestor does, and the rest of it lexically).
    pub fn contains(&self, path: &Path) -> bool {
        if self.roots.is_none() {
            return true;
        }
        let mut existing = path;
        let mut rest = Vec::new();
        loop {
            if let Ok(real) = std::fs::canonicalize(existing) {
                let real = rest.iter().rev().fold(real, |real, part| real.join(part));
                return self.contains_real(&normalize_lexically(&real));
            }
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => return false,
            }
        }
    }
}

/// Why a file was not read. Its `Display` completes "`path` was not read: …".
#[derive(Debug)]
pub enum Refusal {
    Missing,
    /// A FIFO, a device, a socket or a folder.
    NotRegular(&'static str),
    TooLarge(u64),
    /// Outside the boundary once links are resolved (the resolved path).
    Outside(PathBuf),
    Denied,
    NotUtf8(std::str::Utf8Error),
    Other(std::io::Error),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Missing => f.write_str("it does not exist"),
            Refusal::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            Refusal::TooLarge(bytes) => write!(
                f,
                "it is {bytes} bytes, over gatelint's limit of {MAX_FILE_BYTES} bytes"
            ),
            Refusal::Outside(real) => write!(
                f,
                "it leads outside the workspace (to {}), where gatelint does not read",
                real.display()
            ),
            Refusal::Denied => f.write_str("permission denied"),
            Refusal::NotUtf8(error) => write!(f, "it is not UTF-8 text ({error})"),
            Refusal::Other(error) => write!(f, "{error}"),
        }
    }
}

impl Refusal {
    fn from_io(error: std::io::Error) -> Refusal {
        match error.kind() {
            std::io::ErrorKind::NotFound => Refusal::Missing,
            std::io::ErrorKind::PermissionDenied => Refusal::Denied,
            _ => Refusal::Other(error),
        }
    }
}

/// What a file that is not a regular one is, in words.
pub fn kind_name(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Reads a text file under [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path, boundary: &Boundary) -> Result<String, Refusal> {
    let bytes = read_bytes(path, boundary, MAX_FILE_BYTES)?;
    String::from_utf8(bytes).map_err(|error| Refusal::NotUtf8(error.utf8_error()))
}

/// Reads a file of at most `cap` bytes: resolved, inside the boundary, regular.
pub fn read_bytes(path: &Path, boundary: &Boundary, cap: u64) -> Result<Vec<u8>, Refusal> {
    let real = std::fs::canonicalize(path).map_err(Refusal::from_io)?;
    if !boundary.contains_real(&real) {
        return Err(Refusal::Outside(real));
    }
    let metadata = std::fs::metadata(&real).map_err(Refusal::from_io)?;
    if !metadata.is_file() {
        return Err(Refusal::NotRegular(kind_name(metadata.file_type())));
    }
    if metadata.len() > cap {
        return Err(Refusal::TooLarge(metadata.len()));
    }
    let file = open(&real).map_err(Refusal::from_io)?;
    // What was opened is what counts: the path may have been replaced since it was looked at.
    let metadata = file.metadata().map_err(Refusal::from_io)?;
    if !metadata.is_file() {
        return Err(Refusal::NotRegular(kind_name(metadata.file_type())));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(Refusal::from_io)?;
    if bytes.len() as u64 > cap {
        return Err(Refusal::TooLarge(metadata.len().max(cap + 1)));
    }
    Ok(bytes)
}

/// Opens a resolved path for reading without blocking (a FIFO swapped in after the checks would
/// otherwise wait for a writer) and without following a link swapped in at its last component.
fn open(real: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY);
    }
    options.open(real)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gatelint-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp is writable");
        dir
    }

    #[test]
    fn devices_fifos_and_links_out_are_refused_without_reading() {
        let dir = temp("refusals");
        let outside = temp("refusals-outside");
        std::fs::write(outside.join("secret.json"), "{}").expect("write");
        std::fs::write(dir.join("ok.json"), "{\"a\": 1}").expect("write");
        std::os::unix::fs::symlink(outside.join("secret.json"), dir.join("out.json"))
            .expect("link");
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.json")).expect("link");
        let fifo_made = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe.json"))
            .status()
            .is_ok_and(|status| status.success());
        let boundary = Boundary::within(std::slice::from_ref(&dir));
        assert_eq!(
            read_text(&dir.join("ok.json"), &boundary).expect("read"),
            "{\"a\": 1}"
        );
        assert!(matches!(
            read_text(&dir.join("out.json"), &boundary),
            Err(Refusal::Outside(_))
        ));
        assert!(read_text(&dir.join("out.json"), &Boundary::anywhere()).is_ok());
        // Outside the boundary and a device: either is reason enough.
        assert!(read_text(&dir.join("zero.json"), &Boundary::anywhere()).is_err());
        if fifo_made {
            assert!(matches!(
                read_text(&dir.join("pipe.json"), &boundary),
                Err(Refusal::NotRegular(_))
            ));
        }
        assert!(matches!(
            read_text(&dir.join("none.json"), &boundary),
            Err(Refusal::Missing)
        ));
        assert!(boundary.contains(&dir.join("not/yet/there.py")));
        // An index before any workspace folder is known reads nothing from disk.
        assert!(matches!(
            read_text(&dir.join("ok.json"), &Boundary::default()),
            Err(Refusal::Outside(_))
        ));
        assert!(!boundary.contains(&dir.join("out.json")));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&outside);
    }

    #[test]
    fn a_file_larger_than_the_cap_is_refused() {
        let dir = temp("cap");
        std::fs::write(dir.join("big"), vec![b'a'; 100]).expect("write");
        let boundary = Boundary::within(std::slice::from_ref(&dir));
        assert!(matches!(
            read_bytes(&dir.join("big"), &boundary, 99),
            Err(Refusal::TooLarge(100))
        ));
        assert_eq!(
            read_bytes(&dir.join("big"), &boundary, 100)
                .expect("read")
                .len(),
            100
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Drops `.` components and resolves `..` lexically (without touching the file system).
pub fn normalize_lexically(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
