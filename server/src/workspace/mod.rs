//! The files gatelint looks at: finding them under the paths given (respecting `.gitignore`),
//! reading them, and analysing each. The cross-file index (template → handler links) grows here.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::analysis::{self, FileContext};
use crate::config::{Config, SourceFile};
use crate::languages::FileKind;
use crate::rules::{config, Finding, Sink};
use crate::text::{Document, TextRange};

/// Files larger than this are reported and not parsed.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// One file's findings, with the text they point into.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub text: String,
    pub findings: Vec<Finding>,
}

/// A file to check, and whether the user named it (a named file that gatelint does not understand
/// is reported; one found by walking a folder is simply not ours).
#[derive(Debug)]
struct Input {
    path: PathBuf,
    named: bool,
}

/// Finds, reads and analyses every handler and template under `paths`, in parallel (rayon's
/// pool: one thread per core), with the default configuration.
pub fn check_paths(paths: &[PathBuf]) -> Vec<FileReport> {
    check_paths_with(paths, &Config::default())
}

/// [`check_paths`] under a configuration: excluded files are skipped, findings pass through
/// [`Config::finish`], and the configuration file's own problems come first as its report.
pub fn check_paths_with(paths: &[PathBuf], config: &Config) -> Vec<FileReport> {
    let mut inputs = collect_inputs(paths);
    inputs.retain(|input| !config.is_excluded(&input.path));
    use rayon::prelude::*;
    let mut reports: Vec<FileReport> = inputs
        .par_iter()
        .filter_map(|input| check_input(input, config))
        .collect();
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    if let (Some(path), false) = (&config.path, config.problems.is_empty()) {
        reports.insert(
            0,
            FileReport {
                path: path.clone(),
                text: config.text.clone(),
                findings: config.problems.clone(),
            },
        );
    }
    reports
}

/// The findings of one file's text as `check` reports them: analysed, then configured.
pub fn analyze_text(path: &Path, text: &str, config: &Config) -> Vec<Finding> {
    let kind = FileKind::detect(path, text);
    let document = Document::new(kind, text.to_owned());
    let findings = analysis::analyze(
        kind,
        document.tree(),
        document.text(),
        &FileContext::default(),
    );
    let file = SourceFile {
        kind,
        tree: document.tree(),
        text: document.text(),
    };
    config.finish(&file, findings)
}

fn collect_inputs(paths: &[PathBuf]) -> Vec<Input> {
    let found = Mutex::new(Vec::new());
    let mut folders = Vec::new();
    for path in paths {
        if path.is_dir() {
            folders.push(path.clone());
        } else {
            found
                .lock()
                .expect("no panics while holding the lock")
                .push(Input {
                    path: path.clone(),
                    named: true,
                });
        }
    }
    if let Some((first, rest)) = folders.split_first() {
        let mut builder = ignore::WalkBuilder::new(first);
        for folder in rest {
            builder.add(folder);
        }
        builder
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .follow_links(false);
        builder.build_parallel().run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(entry) = entry {
                    if entry.file_type().is_some_and(|kind| kind.is_file())
                        && is_candidate(entry.path())
                    {
                        found
                            .lock()
                            .expect("no panics while holding the lock")
                            .push(Input {
                                path: entry.path().to_path_buf(),
                                named: false,
                            });
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut inputs = found
        .into_inner()
        .expect("no panics while holding the lock");
    inputs.sort_by(|a, b| a.path.cmp(&b.path));
    inputs.dedup_by(|a, b| a.path == b.path);
    inputs
}

/// Whether a file's name makes it worth reading (its content decides for YAML and JSON).
fn is_candidate(path: &Path) -> bool {
    let Some(extension) = path.extension().and_then(|ext| ext.to_str()) else {
        return false;
    };
    matches!(
        extension.to_ascii_lowercase().as_str(),
        "py" | "js"
            | "mjs"
            | "cjs"
            | "jsx"
            | "ts"
            | "mts"
            | "cts"
            | "tsx"
            | "rs"
            | "yaml"
            | "yml"
            | "json"
            | "template"
    )
}

fn check_input(input: &Input, config: &Config) -> Option<FileReport> {
    let unreadable = |reason: String| {
        Some(FileReport {
            path: input.path.clone(),
            text: String::new(),
            findings: vec![report_unreadable(reason)],
        })
    };
    match std::fs::metadata(&input.path) {
        Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
            return unreadable(format!(
            "{} is {} bytes, over gatelint's limit of {MAX_FILE_BYTES} bytes; it was not checked",
            input.path.display(),
            metadata.len()
        ))
        }
        Ok(_) => {}
        Err(error) => return unreadable(format!("cannot read {}: {error}", input.path.display())),
    }
    let bytes = match std::fs::read(&input.path) {
        Ok(bytes) => bytes,
        Err(error) => return unreadable(format!("cannot read {}: {error}", input.path.display())),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            return unreadable(format!(
                "{} is not UTF-8 text ({error}); it was not checked",
                input.path.display()
            ))
        }
    };
    let Some(kind) = FileKind::detect(&input.path, &text) else {
        return if input.named {
            unreadable(format!(
                "{} is neither a Lambda handler (Python, JavaScript, TypeScript, Rust) nor a SAM/CloudFormation template",
                input.path.display()
            ))
        } else {
            None
        };
    };
    let document = Document::new(Some(kind), text);
    let findings = analysis::analyze(
        Some(kind),
        document.tree(),
        document.text(),
        &FileContext::default(),
    );
    let file = SourceFile {
        kind: Some(kind),
        tree: document.tree(),
        text: document.text(),
    };
    let findings = config.finish(&file, findings);
    Some(FileReport {
        path: input.path.clone(),
        text: document.text().to_owned(),
        findings,
    })
}

fn report_unreadable(reason: String) -> Finding {
    let mut sink = Sink::new(&config::UNREADABLE_FILE.meta);
    sink.report(TextRange::empty(0), reason);
    sink.into_findings().remove(0)
}
