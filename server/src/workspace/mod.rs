//! The files gatelint looks at: finding them under the paths given (respecting `.gitignore`),
//! reading them into the workspace [`index`] (which links templates to handlers), and analysing
//! each with what the index knows about it. `gatelint check` and the language server build the
//! same index, so they agree.

pub mod index;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use tree_sitter::Tree;

use crate::analysis;
use crate::config::{Config, SourceFile};
use crate::context::FileContext;
use crate::files::FileKind;
use crate::findings::Finding;
use crate::rules::{config, Sink};
use crate::templates::TemplateModel;
use crate::text::parse;
use crate::text::TextRange;
pub use index::{normalize, IndexedFile, WorkspaceIndex};

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

/// The result of a check: each file's findings, and the index (for the texts of related files).
#[derive(Debug)]
pub struct Checked {
    pub reports: Vec<FileReport>,
    pub index: WorkspaceIndex,
    /// The files' syntax trees, kept so that a process about to exit can skip freeing them (see
    /// `cli::check`); a tenth of a whole run goes to freeing trees.
    pub trees: HashMap<PathBuf, Tree>,
}

/// The roots a set of paths spans: folders as given, a named file's folder.
pub fn roots_of(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(|path| {
            if path.is_dir() {
                path.clone()
            } else {
                path.parent()
                    .filter(|parent| !parent.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }
        })
        .collect()
}

/// Finds and reads every handler and template under `paths` into an index, links them, and
/// analyses each file with what the index knows about it; in parallel (rayon's pool: one thread
/// per core), with the default configuration.
pub fn check_paths(paths: &[PathBuf]) -> Checked {
    check_paths_with(paths, &Config::default())
}

/// [`check_paths`] under a configuration: excluded files are skipped, findings pass through
/// [`Config::finish`], and the configuration file's own problems come first as its report.
pub fn check_paths_with(paths: &[PathBuf], config: &Config) -> Checked {
    let mut inputs = collect_inputs(paths);
    inputs.retain(|input| !config.is_excluded(&input.path));
    let (index, mut reports, trees) = build_index(&roots_of(paths), &inputs);
    let analysed: Vec<FileReport> = inputs
        .par_iter()
        .filter_map(|input| {
            let path = normalize(&input.path);
            let file = index.file(&path)?;
            // The tree parsed for the index: each file is parsed once.
            let findings = analyze_parsed(
                Some(file.kind),
                trees.get(&path),
                &file.text,
                config,
                &index.context(&path),
                file.model.as_deref(),
            );
            Some(FileReport {
                path: input.path.clone(),
                text: file.text.to_string(),
                findings,
            })
        })
        .collect();
    reports.extend(analysed);
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
    Checked {
        reports,
        index,
        trees,
    }
}

/// The findings of one file's text as `check` reports them: analysed with what the workspace
/// knows about the file, then configured.
pub fn analyze_text(
    path: &Path,
    text: &str,
    config: &Config,
    context: &FileContext,
) -> Vec<Finding> {
    let kind = FileKind::detect(path, text);
    let tree = kind.and_then(|kind| parse(kind, text, None));
    analyze_parsed(kind, tree.as_ref(), text, config, context, None)
}

/// [`analyze_text`] for a file already parsed.
fn analyze_parsed(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    config: &Config,
    context: &FileContext,
    model: Option<&TemplateModel>,
) -> Vec<Finding> {
    let findings = analysis::analyze_with_model(kind, tree, text, context, model);
    let file = SourceFile { kind, tree, text };
    config.finish(&file, findings)
}

/// Reads the inputs in parallel into a linked index; files that cannot be read become reports.
/// Returns the trees parsed on the way too, for the analysis.
fn build_index(
    roots: &[PathBuf],
    inputs: &[Input],
) -> (WorkspaceIndex, Vec<FileReport>, HashMap<PathBuf, Tree>) {
    type Read = (PathBuf, IndexedFile, Option<Tree>);
    let read: Vec<Result<Read, FileReport>> = inputs
        .par_iter()
        .filter_map(|input| match read_input(input) {
            Ok(Some((kind, text))) => {
                // A large JSON template is parsed in pieces, in parallel (no whole tree); one
                // with a suppression in its metadata is parsed whole, where suppressions are read.
                if kind == FileKind::JsonTemplate && !text.contains("gatelint") {
                    let text: Arc<str> = Arc::from(text);
                    if let Some(file) = IndexedFile::json_in_pieces(Arc::clone(&text)) {
                        return Some(Ok((normalize(&input.path), file, None)));
                    }
                    let tree = parse(kind, &text, None);
                    let file = IndexedFile::with_tree(kind, text, tree.as_ref());
                    return Some(Ok((normalize(&input.path), file, tree)));
                }
                let tree = parse(kind, &text, None);
                let file = IndexedFile::with_tree(kind, Arc::from(text), tree.as_ref());
                Some(Ok((normalize(&input.path), file, tree)))
            }
            Ok(None) => None,
            Err(report) => Some(Err(report)),
        })
        .collect();
    let mut index = WorkspaceIndex::new(roots);
    let mut reports = Vec::new();
    let mut trees = HashMap::new();
    for entry in read {
        match entry {
            Ok((path, file, tree)) => {
                if let Some(tree) = tree {
                    trees.insert(path.clone(), tree);
                }
                index.insert(path, file);
            }
            Err(report) => reports.push(report),
        }
    }
    index.relink();
    (index, reports, trees)
}

/// Indexes every handler and template under the workspace folders (for the language server).
pub fn index_folders(folders: &[PathBuf]) -> WorkspaceIndex {
    let inputs = collect_inputs(folders);
    build_index(folders, &inputs).0
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

/// Reads a file: its kind and text, `None` when it is not gatelint's business, or a report of
/// why it cannot be read.
fn read_input(input: &Input) -> Result<Option<(FileKind, String)>, FileReport> {
    let unreadable = |reason: String| FileReport {
        path: input.path.clone(),
        text: String::new(),
        findings: vec![report_unreadable(reason)],
    };
    match std::fs::metadata(&input.path) {
        Ok(metadata) if metadata.len() > MAX_FILE_BYTES => {
            return Err(FileReport {
                path: input.path.clone(),
                text: String::new(),
                findings: vec![too_large(metadata.len())],
            })
        }
        // A FIFO or a device would block the read or never end.
        Ok(metadata) if !metadata.is_file() => {
            return Err(unreadable(format!(
                "{} is not a regular file; it was not read",
                input.path.display()
            )))
        }
        Ok(_) => {}
        Err(error) => {
            return Err(unreadable(format!(
                "cannot read {}: {error}",
                input.path.display()
            )))
        }
    }
    let bytes = std::fs::read(&input.path)
        .map_err(|error| unreadable(format!("cannot read {}: {error}", input.path.display())))?;
    let text = String::from_utf8(bytes).map_err(|error| {
        unreadable(format!(
            "{} is not UTF-8 text ({error}); it was not checked",
            input.path.display()
        ))
    })?;
    match FileKind::detect(&input.path, &text) {
        Some(kind) => Ok(Some((kind, text))),
        None if input.named => Err(unreadable(format!(
            "{} is neither a Lambda handler (Python, JavaScript, TypeScript, Rust) nor a SAM/CloudFormation template",
            input.path.display()
        ))),
        None => Ok(None),
    }
}

/// The finding for a file over [`MAX_FILE_BYTES`] (not read, not parsed).
pub fn too_large(bytes: u64) -> Finding {
    report_unreadable(format!(
        "this file is {bytes} bytes, over gatelint's limit of {MAX_FILE_BYTES} bytes; it was not checked"
    ))
}

fn report_unreadable(reason: String) -> Finding {
    let mut sink = Sink::new(&config::UNREADABLE_FILE.meta);
    sink.report(TextRange::empty(0), reason);
    sink.into_findings().remove(0)
}
