//! The files gatelint looks at: finding them under the paths given (respecting `.gitignore`),
//! reading them into the workspace [`index`] (which links templates to handlers), and analysing
//! each with what the index knows about it. `gatelint check` and the language server build the
//! same index, so they agree.

pub mod fix;
mod git;
pub mod index;
mod walk;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
pub use walk::Skipped;

use crate::reader::{self as fs, Boundary, Refusal, MAX_FILE_BYTES};

/// One file's findings, with the text they point into.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    /// The file's text (shared with the index that read it, not copied).
    pub text: Arc<str>,
    pub findings: Vec<Finding>,
}

/// A file to read: whether it is reported (named, or in a folder given) or read only for its
/// project's context, and whether it was found by walking (a named file that gatelint does not
/// understand is reported; one found by walking a folder is simply not ours).
#[derive(Debug)]
struct Input {
    path: PathBuf,
    reported: bool,
    walked: bool,
}

/// The result of a check: each file's findings, and the index (for the texts of related files).
#[derive(Debug)]
pub struct Checked {
    pub reports: Vec<FileReport>,
    pub index: WorkspaceIndex,
    /// What ignore rules left out of the folders given.
    pub skipped: Skipped,
}

/// The project a named file belongs to: the nearest folder at or above it holding
/// `gatelint.toml`, a repository (`.git`) or a template by its usual name (`template.yaml`,
/// `template.yml`, `template.json`, `sam-template.*`, `*.template.yaml`/`.yml`/`.json`,
/// `samconfig.toml`, `*.template`) or a Serverless Framework
/// service (`serverless.yml`, `serverless.yaml`), a Terraform configuration (`*.tf`) or a CDK
/// app (`cdk.json`); the file's
/// own folder when
/// none does. The nearest, not the outermost: a handler next to its app's template is not read
/// with a whole monorepo (or a home folder kept in git). `check FILE` indexes the project as the
/// editor indexes its workspace, so the file is read with its templates.
pub fn project_root(file: &Path) -> PathBuf {
    let folder = file.parent().unwrap_or(Path::new("/"));
    let holds = |folder: &Path, name: &str| std::fs::symlink_metadata(folder.join(name)).is_ok();
    let is_project = |folder: &Path| {
        [
            crate::config::FILE_NAME,
            ".git",
            "template.yaml",
            "template.yml",
            "template.json",
            "samconfig.toml",
            "serverless.yml",
            "serverless.yaml",
            "cdk.json",
        ]
        .iter()
        .any(|name| holds(folder, name))
            || std::fs::read_dir(folder).is_ok_and(|entries| {
                entries.flatten().any(|entry| {
                    let name = entry.file_name();
                    let name = name.to_string_lossy();
                    Path::new(name.as_ref())
                        .extension()
                        .is_some_and(|extension| extension == "template" || extension == "tf")
                        // `sam-template.yaml`, `api.template.json`: a template by a name the
                        // SAM CLI or CloudFormation use (not any `*-template.json` data file).
                        || ["template.yaml", "template.yml", "template.json"]
                            .iter()
                            .any(|suffix| {
                                name.strip_suffix(suffix)
                                    .is_some_and(|stem| stem == "sam-" || stem.ends_with('.'))
                            })
                })
            })
    };
    folder
        .ancestors()
        .find(|folder| is_project(folder))
        .unwrap_or(folder)
        .to_path_buf()
}

/// Finds and reads every handler and template under `paths` into an index, links them, and
/// analyses each file with what the index knows about it; in parallel (rayon's pool: one thread
/// per core), with the default configuration.
pub fn check_paths(paths: &[PathBuf]) -> Checked {
    check_paths_with(paths, &Config::default())
}

/// [`check_paths`] under a configuration: excluded files are skipped, findings pass through
/// [`Config::finish`], and the configuration file's own problems come first as its report.
///
/// Each path is resolved first (one file named several ways is one file). A folder is walked
/// and everything in it reported; a named file is read in its project's context (see
/// [`project_root`]), and only it is reported.
pub fn check_paths_with(paths: &[PathBuf], config: &Config) -> Checked {
    let Collected {
        mut inputs,
        roots,
        mut reports,
        skipped,
    } = collect_inputs(paths);
    inputs.retain(|input| !config.is_excluded(&input.path));
    reports.retain(|report| !config.is_excluded(&report.path));
    let context_templates = !templates_named_alone(&inputs, &roots);
    // A template's rules read the model the index read from its tree, so the template is not
    // parsed again (unless it holds suppressions, read from the tree). Handlers are parsed again
    // rather than kept from indexing: every file's tree held at once was most of a run's peak
    // memory. A large JSON template read in pieces has no tree.
    let analyse = |index: &WorkspaceIndex, path: &Path, whole: bool| {
        let file = index.file(path)?;
        let context = index.context(path);
        let read = file
            .model
            .as_deref()
            .filter(|_| file.kind.is_template() && !file.text.contains("gatelint"));
        let findings = match read {
            Some(model) => {
                let findings =
                    analysis::analyze_template_read(file.kind, &file.text, &context, model);
                let source = SourceFile {
                    kind: Some(file.kind),
                    tree: None,
                    text: &file.text,
                };
                config.finish(&source, findings)
            }
            None => {
                let tree = whole.then(|| parse(file.kind, &file.text, None)).flatten();
                analyze_parsed(
                    Some(file.kind),
                    tree.as_ref(),
                    &file.text,
                    config,
                    &context,
                    file.model.as_deref(),
                )
            }
        };
        Some(FileReport {
            path: path.to_path_buf(),
            text: Arc::clone(&file.text),
            findings,
        })
    };
    let Built {
        index,
        unread,
        parsed,
        analysed,
    } = build_index(&roots, &inputs, context_templates, Some(&analyse));
    reports.extend(
        unread
            .into_iter()
            .filter(|(_, input)| inputs[*input].reported)
            .map(|(report, _)| report),
    );
    let done: HashSet<&Path> = analysed
        .iter()
        .map(|report| report.path.as_path())
        .collect();
    let rest: Vec<&Input> = inputs
        .iter()
        .filter(|input| input.reported && !done.contains(input.path.as_path()))
        .collect();
    let rest: Vec<FileReport> = rest
        .par_iter()
        .filter_map(|input| analyse(&index, &input.path, parsed.contains(&input.path)))
        .collect();
    reports.extend(analysed);
    reports.extend(rest);
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    if let (Some(path), false) = (&config.path, config.problems.is_empty()) {
        reports.insert(
            0,
            FileReport {
                path: path.clone(),
                text: Arc::from(config.text.as_str()),
                findings: config.problems.clone(),
            },
        );
    }
    Checked {
        reports,
        index,
        skipped,
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

/// Whether every file reported is a template named alone (`check template.yaml`, no folder):
/// then the other templates of its project are no context of it. A template's findings read its
/// own model and the handlers it links (read when linking asks for them), never another
/// template, except the other `.tf` files of a Terraform configuration.
fn templates_named_alone(inputs: &[Input], roots: &[PathBuf]) -> bool {
    let boundary = Boundary::within(roots);
    let mut reported = inputs.iter().filter(|input| input.reported).peekable();
    reported.peek().is_some()
        && reported.all(|input| {
            !input.walked
                && matches!(
                    read_input(input, &boundary),
                    Ok(Some((kind, _))) if kind.is_template() && kind != FileKind::Terraform
                )
        })
}

/// The analysis `check` runs on each reported SAM/CloudFormation template as [`build_index`]
/// reads it: given the index, the template's path and whether it was parsed whole.
type Analyse<'a> = &'a (dyn Fn(&WorkspaceIndex, &Path, bool) -> Option<FileReport> + Sync);

/// The text of the SAM/CloudFormation templates read in one round (see [`build_index`]):
/// a round ends when it holds this much and a template per thread. Measured on 50,000 files
/// (19 MB of templates): rounds of 4 MB peaked at 221 MB, of 1 MB at 191 MB, of 256 KB at
/// 186 MB, in the same time.
const ROUND_BYTES: usize = 256 << 10;

/// What [`build_index`] built: the linked index, the files that could not be read (as reports,
/// with the input each is about), the files parsed whole (the analysis parses them again) and
/// the reports of the templates analysed as they were read.
struct Built {
    index: WorkspaceIndex,
    unread: Vec<(FileReport, usize)>,
    parsed: HashSet<PathBuf>,
    analysed: Vec<FileReport>,
}

/// Reads the inputs in parallel into a linked index; files that cannot be read become reports
/// (with the input they are about). Each tree is dropped once the index has what linking needs
/// from it. Without `context_templates`, templates read only for context are left out (see
/// [`templates_named_alone`]).
///
/// SAM/CloudFormation templates are read after the other files, in rounds of about
/// [`ROUND_BYTES`] of text: a round's templates are read in parallel, linked, the reported ones
/// analysed by `analyse` (`check`), and their models dropped; their functions, links and texts
/// stay. Every template's model held until the end was the largest part of the peak memory of
/// a run over many templates (a value tree is several times its text). The language server
/// reads a template's model again when it is opened (see `lsp`'s `update_index_from`).
fn build_index(
    roots: &[PathBuf],
    inputs: &[Input],
    context_templates: bool,
    analyse: Option<Analyse>,
) -> Built {
    enum Read {
        File(PathBuf, IndexedFile, bool),
        /// A template read in the rounds after the other files: the input and the text.
        Later(usize, FileKind, Arc<str>),
    }
    let boundary = Boundary::within(roots);
    let read: Vec<Result<Read, (FileReport, usize)>> = inputs
        .par_iter()
        .enumerate()
        .filter_map(|(at, input)| match read_input(input, &boundary) {
            Ok(Some((kind, _)))
                if !context_templates
                    && !input.reported
                    && kind.is_template()
                    && kind != FileKind::Terraform =>
            {
                None
            }
            Ok(Some((kind, text))) => {
                let text: Arc<str> = Arc::from(text);
                if matches!(kind, FileKind::YamlTemplate | FileKind::JsonTemplate) {
                    return Some(Ok(Read::Later(at, kind, text)));
                }
                let (file, whole) = read_file(kind, text);
                Some(Ok(Read::File(input.path.clone(), file, whole)))
            }
            Ok(None) => None,
            Err(report) => Some(Err((report, at))),
        })
        .collect();
    let mut built = Built {
        index: WorkspaceIndex::new(roots),
        unread: Vec::new(),
        parsed: HashSet::new(),
        analysed: Vec::new(),
    };
    let mut rounds: Vec<Vec<(usize, FileKind, Arc<str>)>> = vec![Vec::new()];
    let mut round_bytes = 0;
    for entry in read {
        match entry {
            Ok(Read::File(path, file, whole)) => built.insert(path, file, whole),
            Ok(Read::Later(at, kind, text)) => {
                let round = rounds.last_mut().expect("there is a round");
                if round_bytes >= ROUND_BYTES && round.len() >= rayon::current_num_threads() {
                    rounds.push(Vec::new());
                    round_bytes = 0;
                }
                round_bytes += text.len();
                rounds
                    .last_mut()
                    .expect("there is a round")
                    .push((at, kind, text));
            }
            Err(report) => built.unread.push(report),
        }
    }
    built.index.start_linking();
    let mut linked = HashSet::new();
    for round in rounds {
        let read: Vec<(usize, IndexedFile, bool)> = round
            .into_par_iter()
            .map(|(at, kind, text)| {
                let (file, whole) = read_file(kind, text);
                (at, file, whole)
            })
            .collect();
        let paths: Vec<PathBuf> = read
            .iter()
            .map(|(at, ..)| inputs[*at].path.clone())
            .collect();
        let reported: Vec<usize> = read
            .iter()
            .map(|(at, ..)| *at)
            .filter(|at| inputs[*at].reported)
            .collect();
        for ((_, file, whole), path) in read.into_iter().zip(&paths) {
            built.insert(path.clone(), file, whole);
        }
        built.index.link(&paths);
        let index = &built.index;
        let parsed = &built.parsed;
        let analysed: Vec<FileReport> = match analyse {
            Some(analyse) => reported
                .par_iter()
                .filter_map(|at| {
                    let path = &inputs[*at].path;
                    analyse(index, path, parsed.contains(path))
                })
                .collect(),
            None => Vec::new(),
        };
        built.analysed.extend(analysed);
        for path in &paths {
            built.index.forget_model(path);
        }
        linked.extend(paths);
    }
    built.index.finish_linking(&linked);
    built
}

impl Built {
    fn insert(&mut self, path: PathBuf, file: IndexedFile, whole: bool) {
        if whole {
            self.parsed.insert(path.clone());
        }
        self.index.insert(path, file);
    }
}

/// Reads one file's text into what the index keeps, and whether it was parsed whole. A large
/// JSON template, or a YAML template longer than tree-sitter-yaml parses whole, is parsed in
/// pieces, in parallel (no whole tree); one with a suppression in it is parsed whole, where
/// suppressions are read.
fn read_file(kind: FileKind, text: Arc<str>) -> (IndexedFile, bool) {
    if kind.is_template() && !text.contains("gatelint") {
        let in_pieces = match kind {
            FileKind::JsonTemplate => IndexedFile::json_in_pieces(Arc::clone(&text)),
            FileKind::YamlTemplate if IndexedFile::reads_without_tree(kind, &text) => {
                IndexedFile::without_tree(kind, Arc::clone(&text))
            }
            _ => None,
        };
        if let Some(file) = in_pieces {
            return (file, false);
        }
    }
    let tree = parse(kind, &text, None);
    (IndexedFile::with_tree(kind, text, tree.as_ref()), true)
}

/// Indexes every handler and template under the workspace folders (for the language server).
pub fn index_folders(folders: &[PathBuf]) -> WorkspaceIndex {
    // As the editor names them (its documents' paths are compared with these), not resolved.
    let roots: Vec<PathBuf> = folders.iter().map(|folder| normalize(folder)).collect();
    let walked = walk::walk(&roots, &is_candidate);
    for problem in &walked.problems {
        tracing::warn!("{}: {}", problem.path.display(), problem.reason);
    }
    let inputs: Vec<Input> = walked
        .files
        .into_iter()
        .map(|path| Input {
            path,
            reported: false,
            walked: true,
        })
        .collect();
    build_index(&roots, &inputs, true, None).index
}

/// The files a check reads, the roots it indexes, what could not be taken and what ignore rules
/// left out.
struct Collected {
    inputs: Vec<Input>,
    roots: Vec<PathBuf>,
    reports: Vec<FileReport>,
    skipped: Skipped,
}

/// Resolves the paths given (one file named several ways is one file), walks the folders (their
/// files are reported) and the projects of the named files (read for context only).
fn collect_inputs(paths: &[PathBuf]) -> Collected {
    let mut reports = Vec::new();
    let mut folders = Vec::new();
    let mut named = Vec::new();
    for path in paths {
        match std::fs::canonicalize(path) {
            Ok(real) if real.is_dir() => folders.push(real),
            Ok(real) => named.push(real),
            Err(error) => reports.push(unreadable_report(
                path.clone(),
                format!("cannot read {}: {error}", path.display()),
            )),
        }
    }
    folders.sort();
    folders.dedup();
    named.sort();
    named.dedup();
    // A folder inside another given folder is walked with it.
    let outer = |roots: &[PathBuf], path: &Path| {
        roots
            .iter()
            .any(|root| path != root.as_path() && path.starts_with(root))
    };
    let folders: Vec<PathBuf> = folders
        .iter()
        .filter(|folder| !outer(&folders, folder))
        .cloned()
        .collect();
    let walked = walk::walk(&folders, &is_candidate);
    reports.extend(
        walked
            .problems
            .into_iter()
            .map(|problem| unreadable_report(problem.path, problem.reason)),
    );
    let mut inputs: Vec<Input> = walked
        .files
        .into_iter()
        .map(|path| Input {
            path,
            reported: true,
            walked: true,
        })
        .collect();
    // The projects of named files outside the folders given, indexed for context.
    let mut projects: Vec<PathBuf> = named
        .iter()
        .filter(|file| !folders.iter().any(|folder| file.starts_with(folder)))
        .map(|file| project_root(file))
        .collect();
    projects.sort();
    projects.dedup();
    let projects: Vec<PathBuf> = projects
        .iter()
        .filter(|project| !outer(&projects, project) && !outer(&folders, project))
        .cloned()
        .collect();
    if !projects.is_empty() {
        let context = walk::walk(&projects, &is_candidate);
        inputs.extend(context.files.into_iter().map(|path| Input {
            path,
            reported: false,
            walked: true,
        }));
    }
    inputs.extend(named.into_iter().map(|path| Input {
        path,
        reported: true,
        walked: false,
    }));
    // Named first wins: a file both named and found by walking is the named one.
    inputs.sort_by(|a, b| a.path.cmp(&b.path).then(a.walked.cmp(&b.walked)));
    inputs.dedup_by(|a, b| a.path == b.path);
    let mut roots = folders;
    roots.extend(projects);
    Collected {
        inputs,
        roots,
        reports,
        skipped: walked.skipped,
    }
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
            | "tf"
    )
}

/// Reads a file through the one guarded reader: its kind and text, `None` when it is not
/// gatelint's business, or a report of why it cannot be read. A file the user named is read
/// wherever it is; one found by walking only inside the roots.
fn read_input(
    input: &Input,
    boundary: &Boundary,
) -> Result<Option<(FileKind, String)>, FileReport> {
    let anywhere = Boundary::anywhere();
    let within = if input.walked { boundary } else { &anywhere };
    let text = fs::read_text(&input.path, within).map_err(|refusal| {
        let finding = match refusal {
            Refusal::TooLarge(bytes) => too_large(bytes),
            refusal => report_unreadable(format!(
                "{} was not read: {refusal}; it was not checked",
                input.path.display()
            )),
        };
        FileReport {
            path: input.path.clone(),
            text: Arc::from(""),
            findings: vec![finding],
        }
    })?;
    match FileKind::detect(&input.path, &text) {
        Some(kind) => Ok(Some((kind, text))),
        None if !input.walked => Err(unreadable_report(
            input.path.clone(),
            format!(
                "{} is neither a Lambda handler (Python, JavaScript, TypeScript, Rust) nor a SAM/CloudFormation template",
                input.path.display()
            ),
        )),
        None => Ok(None),
    }
}

fn unreadable_report(path: PathBuf, reason: String) -> FileReport {
    FileReport {
        path,
        text: Arc::from(""),
        findings: vec![report_unreadable(reason)],
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

#[cfg(test)]
mod tests {
    use super::{
        check_paths, index_folders, project_root, IndexedFile, WorkspaceIndex, ROUND_BYTES,
    };
    use crate::files::FileKind;

    /// `check` and the editor's indexing read the templates in rounds after the other files and
    /// drop each round's models once linked (and, for `check`, analysed): they end holding no
    /// template's model, and every file's context (the links both ways, the link problems, the
    /// modules a handler loads) is the one an index given every file at once and linked once
    /// gives (as the editor's index is kept after an edit).
    #[test]
    fn reading_templates_in_rounds_drops_their_models_and_links_as_linking_once() {
        let temp = std::env::temp_dir().join(format!("gatelint-rounds-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&temp);
        std::fs::create_dir_all(temp.join(".git")).expect("temp is writable");
        let root = std::fs::canonicalize(&temp).expect("exists");
        let padding = format!("# {}\n", "x".repeat(200)).repeat(80);
        let mut paths = Vec::new();
        // Enough templates for several rounds, each with a function linked to a handler that
        // loads a local module, one whose handler function is missing and one whose code folder
        // is missing.
        let apps = 2 * ROUND_BYTES / padding.len() + 2;
        for app in 0..apps {
            let folder = root.join(format!("app{app:02}"));
            std::fs::create_dir_all(folder.join("src")).expect("writable");
            let template = format!(
                "Transform: AWS::Serverless-2016-10-31\n{padding}Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n      Events:\n        Api:\n          Type: Api\n          Properties:\n            Path: /a{app}\n            Method: get\n  Other:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.missing\n      Runtime: python3.12\n  Gone:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: gone/\n      Handler: app.handler\n      Runtime: python3.12\n"
            );
            let files = [
                (folder.join("template.yaml"), template),
                (
                    folder.join("src/app.py"),
                    "import util\n\ndef handler(event, context):\n    return {\"statusCode\": 200, \"body\": util.NAME}\n".to_owned(),
                ),
                (folder.join("src/util.py"), "NAME = 'x'\n".to_owned()),
            ];
            for (path, text) in files {
                std::fs::write(&path, text).expect("writable");
                paths.push(path);
            }
        }
        let checked = check_paths(std::slice::from_ref(&root));
        let editor = index_folders(std::slice::from_ref(&root));
        let mut at_once = WorkspaceIndex::new(std::slice::from_ref(&root));
        for path in &paths {
            let text = std::fs::read_to_string(path).expect("written");
            let kind = FileKind::detect(path, &text).expect("gatelint's");
            at_once.insert(path.clone(), IndexedFile::new(kind, text.into()));
        }
        at_once.relink();
        for path in &paths {
            for index in [&checked.index, &editor] {
                let file = index.file(path).expect("indexed");
                assert!(file.model.is_none(), "{} kept its model", path.display());
                assert_eq!(
                    comparable(index.context(path)),
                    comparable(at_once.context(path)),
                    "{}",
                    path.display()
                );
            }
        }
        let problems: usize = checked
            .reports
            .iter()
            .filter(|report| report.path.ends_with("template.yaml"))
            .map(|report| report.findings.len())
            .sum();
        assert!(
            problems >= 2 * apps,
            "{problems} findings in {apps} templates"
        );
        let util = root.join("app00/src/util.py");
        assert_eq!(checked.index.context(&util).loaded_by.len(), 1);
        let _ = std::fs::remove_dir_all(&temp);
    }

    /// A context as text, the modules a package holds in order (a set has none).
    fn comparable(mut context: crate::context::FileContext) -> String {
        let mut present = Vec::new();
        let contexts = context
            .handlers
            .values_mut()
            .flatten()
            .chain(&mut context.whole_file)
            .chain(&mut context.loaded_by);
        for handler in contexts {
            if let Some(package) = &mut handler.package {
                let mut modules: Vec<String> = package.present.drain().collect();
                modules.sort();
                present.push(modules);
            }
        }
        format!("{context:?} {present:?}")
    }

    /// `check template.yaml` reads the handlers the template links but no other template of its
    /// project, and reports what checking the template with its whole project reports.
    #[test]
    fn a_named_template_is_checked_without_the_other_templates_of_its_project() {
        let root = std::env::temp_dir().join(format!("gatelint-named-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src")).expect("temp is writable");
        std::fs::create_dir_all(root.join(".git")).expect("temp is writable");
        let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n      Timeout: 60\n      Events:\n        Api:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n";
        std::fs::write(root.join("template.yaml"), template).expect("write");
        std::fs::write(root.join("other.template.yaml"), template).expect("write");
        std::fs::write(
            root.join("src/app.py"),
            "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"ok\"}\n",
        )
        .expect("write");
        let named = root.join("template.yaml");
        let alone = check_paths(std::slice::from_ref(&named));
        let real = std::fs::canonicalize(&root).expect("exists");
        assert!(alone
            .index
            .file(&real.join("other.template.yaml"))
            .is_none());
        assert!(alone.index.file(&real.join("src/app.py")).is_some());
        let whole = check_paths(std::slice::from_ref(&root));
        let findings = |checked: &super::Checked| {
            checked
                .reports
                .iter()
                .filter(|report| report.path.ends_with("template.yaml"))
                .filter(|report| !report.path.ends_with("other.template.yaml"))
                .flat_map(|report| report.findings.iter())
                .map(|finding| format!("{} {:?} {}", finding.code, finding.range, finding.message))
                .collect::<Vec<_>>()
        };
        assert!(!findings(&alone).is_empty());
        assert_eq!(findings(&alone), findings(&whole));
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A template named as the SAM CLI or CloudFormation name them marks a project; a data file
    /// that merely ends in `-template.json` (a mail template, a report) does not.
    #[test]
    fn a_template_by_its_name_marks_a_project_a_data_file_does_not() {
        let root = std::env::temp_dir().join(format!("gatelint-root-{}", std::process::id()));
        let handler = root.join("app/src/app.py");
        std::fs::create_dir_all(handler.parent().expect("a folder")).expect("temp is writable");
        std::fs::write(&handler, "def handler(event, context):\n    return {}\n").expect("write");
        // The repository bounds the search (whatever the temporary folder above holds).
        std::fs::create_dir_all(root.join(".git")).expect("temp is writable");
        std::fs::write(root.join("app/report-template.json"), "{}").expect("write");
        assert_eq!(project_root(&handler), root);
        for name in ["sam-template.yaml", "api.template.json"] {
            std::fs::write(root.join("app").join(name), "Resources: {}\n").expect("write");
            assert_eq!(project_root(&handler), root.join("app"), "{name}");
            std::fs::remove_file(root.join("app").join(name)).expect("remove");
        }
        let _ = std::fs::remove_dir_all(&root);
    }
}
