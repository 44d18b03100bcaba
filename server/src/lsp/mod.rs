//! The language server: a thin tower-lsp-server adapter over stdio. It keeps the open documents
//! ([`store`]), converts positions and types ([`convert`]), and answers hover and code actions
//! ([`handlers`]); the findings come from [`crate::analysis::analyze`], the function `gatelint
//! check` calls, so the editor and the terminal cannot disagree. Nothing here analyses code.

mod convert;
mod framing;
mod handlers;
mod store;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, Weak};

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, CodeLens, CodeLensOptions, CodeLensParams, Diagnostic,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    FileChangeType, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverParams,
    HoverProviderCapability, InitializeParams, InitializeResult, InitializedParams, MessageType,
    NumberOrString, OneOf, Registration, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server as Transport};

use crate::analysis;
use crate::config::{self, Config, EditorSettings, SourceFile};
use crate::files::FileKind;
use crate::findings::Finding;
use crate::templates::TemplateModel;
use crate::text::Encoding;
use crate::workspace::{self, normalize, IndexedFile, WorkspaceIndex};
use store::{ChangeOutcome, DocumentStore, Snapshot};

/// Runs the language server on stdin/stdout until the client sends `exit`. The exit status is 0
/// when `shutdown` came first, 1 otherwise (as LSP asks), 2 when the runtime cannot start.
pub fn run() -> ExitCode {
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("gatelint server: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    // The parallel parts of analysis and indexing (rayon's pool) are background work too.
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|at| format!("gatelint-parallel-{at}"))
        .start_handler(|_| background_priority())
        .build_global();
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown_requested);
    runtime.block_on(async move {
        let (service, socket) = LspService::build(|client| Server::new(client, flag))
            .custom_method(DOCUMENT_TEXT_METHOD, Server::document_text)
            .custom_method(framing::REFUSE_METHOD, Server::refuse)
            .finish();
        Transport::new(
            framing::guarded_input(tokio::io::stdin()),
            tokio::io::stdout(),
            socket,
        )
        .serve(service)
        .await;
    });
    // Tokio reads stdin on a blocking thread that may still wait for input the client will never
    // send: do not wait for it.
    runtime.shutdown_background();
    if shutdown_requested.load(Ordering::SeqCst) {
        tracing::info!("exiting after shutdown");
        ExitCode::SUCCESS
    } else {
        tracing::warn!("exiting without a shutdown request");
        ExitCode::FAILURE
    }
}

/// Logs go to stderr: stdout carries the protocol. `GATELINT_LOG` filters them (default `info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GATELINT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// Runs a request's work (hover, code actions) on the blocking pool, at normal priority: it never
/// holds a thread of the async runtime, and never waits for a core behind the background work
/// [`in_background`] runs.
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Option<T> + Send + 'static,
) -> Option<T> {
    tokio::task::spawn_blocking(work).await.ok().flatten()
}

/// How much less CPU time background work (analysis, indexing) gets than answers to requests,
/// as a nice value: with both cores analysing a large template while edits arrive, a hover or a
/// code action is scheduled first instead of sharing the cores with the analysis.
#[cfg(target_os = "linux")]
const BACKGROUND_NICE: libc::c_int = 10;

/// Lowers the calling thread's scheduling priority to [`BACKGROUND_NICE`] (on Linux, where the
/// nice value is a thread's own; elsewhere threads keep the normal priority). Never raised again:
/// only threads that do background work for their whole life call it.
fn background_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's own id changes only its scheduling priority;
    // an error (not permitted) leaves it as it was.
    unsafe {
        let thread = libc::gettid();
        let current = libc::getpriority(libc::PRIO_PROCESS, thread as libc::id_t);
        libc::setpriority(
            libc::PRIO_PROCESS,
            thread as libc::id_t,
            current.max(BACKGROUND_NICE),
        );
    }
}

/// Runs background work (a document's analysis, indexing the workspace) on a thread of its own
/// at background priority (see [`background_priority`]), so the requests the blocking pool
/// answers (hover, code actions) never wait behind it for a core. A thread per run: a run
/// costs milliseconds to seconds, a thread tens of microseconds.
async fn in_background<T: Send + 'static>(
    work: impl FnOnce() -> Option<T> + Send + 'static,
) -> Option<T> {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("gatelint-analysis".into())
        .spawn(move || {
            background_priority();
            let _ = sender.send(work());
        });
    if let Err(error) = spawned {
        tracing::error!("cannot start an analysis thread: {error}");
        return None;
    }
    receiver.await.ok().flatten()
}

/// The index's file of a document read without a tree of its whole text (see
/// [`Snapshot::without_tree`]), reusing what reading `previous` found; parsed whole when a piece
/// cannot be parsed at all, as `check` does (the whole parse then decides whether it is read).
fn read_without_tree(
    kind: FileKind,
    text: &Arc<str>,
    previous: Option<(&str, &TemplateModel)>,
) -> IndexedFile {
    IndexedFile::without_tree_after(kind, Arc::clone(text), previous).unwrap_or_else(|| {
        let tree = crate::text::parse(kind, text, None);
        IndexedFile::with_tree_after(kind, Arc::clone(text), tree.as_ref(), previous)
    })
}

/// Runs `work`, logging a panic instead of letting it take the server down.
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Option<T> {
    crate::guard::guarded(what, work).ok()
}

/// A debugging aid, not part of LSP: the text and version the server holds for an open document
/// (`{"uri": ...}` → `{"version": n, "text": "..."}`, or `null` when it is not open). Tests use it
/// to prove that no edit is lost; a user can send it to check that the editor and gatelint agree.
pub const DOCUMENT_TEXT_METHOD: &str = "gatelint/documentText";

#[derive(serde::Deserialize)]
struct DocumentTextParams {
    uri: Uri,
}

#[derive(serde::Serialize)]
struct DocumentText {
    version: i32,
    text: String,
    /// How many times the document was analysed since it was opened (every version need not be:
    /// see [`State::schedule`]).
    analyses: u64,
}

/// Hands the heap pages freed after indexing (the parse trees of every file, dropped once their
/// names and functions are read) back to the system: glibc keeps them in its per-thread arenas
/// otherwise, and the server would hold the peak of indexing for its whole life.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused pages of the allocator's own arenas to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}

struct Server {
    state: Arc<State>,
    shutdown_requested: Arc<AtomicBool>,
}

/// What the request handlers and the background indexer share.
struct State {
    /// This state itself, for the analysis jobs it starts from `&self`.
    this: Weak<State>,
    client: Client,
    documents: DocumentStore,
    encoding: OnceLock<Encoding>,
    /// The workspace index: files of the workspace folders, overlaid with the open documents.
    index: RwLock<WorkspaceIndex>,
    /// The workspace folders, from `initialize`.
    folders: Mutex<Vec<PathBuf>>,
    /// The first workspace folder, where `gatelint.toml` is read from.
    root: OnceLock<PathBuf>,
    /// The configuration in force; replaced when `gatelint.toml` or the editor's settings change.
    config: RwLock<Arc<Config>>,
    /// The editor's rule settings (initialization options, then `didChangeConfiguration`).
    editor_settings: Mutex<EditorSettings>,
    /// What in the editor's settings could not be applied, shown once the client is initialized.
    pending_settings_problems: Mutex<Vec<String>>,
    /// The analysis job of each open document that has one running (see [`State::schedule`]).
    jobs: Mutex<HashMap<Uri, Job>>,
    /// While the workspace is being indexed, the paths updated in the index meanwhile (a file
    /// changed on disk, opened or closed): the index being built read them before or after, so
    /// their entries are carried over into it, never lost when it replaces the current one.
    changed_while_indexing: Mutex<Option<HashSet<PathBuf>>>,
}

/// One document's analysis job: at most one runs at a time, off the async runtime; what arrives
/// meanwhile is folded into one more run over the newest version, so a burst of edits costs an
/// analysis or two, not one per edit, and diagnostics follow the last edit.
#[derive(Default)]
struct Job {
    /// Another run is due when this one ends (the text or its context changed meanwhile).
    again: bool,
    /// The next run puts the document's text into the workspace index first.
    reindex: bool,
}

/// Diagnostics ready to publish for one version of a document.
struct Publication {
    uri: Uri,
    version: i32,
    diagnostics: Vec<Diagnostic>,
}

impl Server {
    fn new(client: Client, shutdown_requested: Arc<AtomicBool>) -> Self {
        Self {
            state: Arc::new_cyclic(|this| State {
                this: this.clone(),
                client,
                documents: DocumentStore::default(),
                encoding: OnceLock::new(),
                index: RwLock::new(WorkspaceIndex::default()),
                folders: Mutex::new(Vec::new()),
                root: OnceLock::new(),
                config: RwLock::new(Arc::new(Config::default())),
                editor_settings: Mutex::new(EditorSettings::default()),
                pending_settings_problems: Mutex::new(Vec::new()),
                jobs: Mutex::new(HashMap::new()),
                changed_while_indexing: Mutex::new(None),
            }),
            shutdown_requested,
        }
    }
}

impl Server {
    /// Answers a request the input guard could not pass on as it was (see [`framing`]) with the
    /// JSON-RPC error it chose, so the client does not wait forever.
    async fn refuse(&self, refusal: framing::Refusal) -> Result<()> {
        Err(tower_lsp_server::jsonrpc::Error {
            code: refusal.code.into(),
            message: refusal.message.into(),
            data: None,
        })
    }

    async fn document_text(&self, params: DocumentTextParams) -> Result<Option<DocumentText>> {
        Ok(self
            .documents
            .snapshot(&params.uri)
            .map(|snapshot| DocumentText {
                version: snapshot.version,
                text: snapshot.text.to_string(),
                analyses: snapshot.analyses,
            }))
    }
}

impl std::ops::Deref for Server {
    type Target = State;

    fn deref(&self) -> &State {
        &self.state
    }
}

impl State {
    fn config(&self) -> Arc<Config> {
        let config = self
            .config
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(&config)
    }

    /// Reads `gatelint.toml` at the workspace root (defaults when there is none or it cannot be
    /// read; what is wrong inside it is published on the file) and applies the editor's rule
    /// settings over it; returns what in those settings could not be applied.
    fn load_config(&self) -> Vec<String> {
        let mut loaded = match self.root.get() {
            None => Config::default(),
            Some(root) => {
                let path = root.join(config::FILE_NAME);
                if path.is_file() {
                    Config::load(&path).unwrap_or_else(|reason| {
                        tracing::error!("{reason}; using the defaults");
                        Config::defaults(root.clone())
                    })
                } else {
                    Config::defaults(root.clone())
                }
            }
        };
        let settings = self
            .editor_settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let problems = loaded.apply_editor_settings(&settings);
        *self
            .config
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(loaded);
        problems
    }

    /// Takes the editor's rule settings from `value` if it holds any; returns what could not be
    /// read (the settings in force stay then).
    fn set_editor_settings(&self, value: &serde_json::Value) -> Option<Vec<String>> {
        match EditorSettings::from_json(value)? {
            Ok(settings) => {
                *self
                    .editor_settings
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()) = settings;
                Some(Vec::new())
            }
            Err(problem) => Some(vec![problem]),
        }
    }

    /// Logs what in the editor's settings could not be applied and tells the user once.
    async fn report_settings_problems(&self, problems: Vec<String>) {
        if problems.is_empty() {
            return;
        }
        for problem in &problems {
            tracing::warn!("{problem}");
        }
        self.client
            .show_message(
                MessageType::WARNING,
                format!("gatelint: {}", problems.join("; ")),
            )
            .await;
    }

    /// `gatelint.toml` changed: read it again, re-analyse every open document and publish the
    /// configuration's own problems on it.
    async fn reload_config(&self) {
        let problems =
            guarded("reloading gatelint.toml", || self.load_config()).unwrap_or_default();
        self.report_settings_problems(problems).await;
        let config = self.config();
        tracing::info!(
            "configuration reloaded: {} problem(s)",
            config.problems.len()
        );
        if let Some(path) = &config.path {
            if let Some(uri) = Uri::from_file_path(path) {
                let positions = crate::text::LineIndex::new(&config.text);
                let diagnostics = config
                    .problems
                    .iter()
                    .map(|problem| {
                        convert::config_diagnostic(
                            problem,
                            &config.text,
                            &positions,
                            self.encoding(),
                        )
                    })
                    .collect();
                self.client
                    .publish_diagnostics(uri, diagnostics, None)
                    .await;
            }
        }
        self.rediagnose_all().await;
    }

    fn is_config_file(uri: &Uri) -> bool {
        store::path_of(uri)
            .file_name()
            .is_some_and(|name| name == config::FILE_NAME)
    }

    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or(Encoding::Utf16)
    }

    /// The findings of a snapshot: remembered ones, or computed now and remembered.
    /// The findings the editor shows for a snapshot: its own once computed, else the newest
    /// computed of an earlier version, carried over to this text where the edits since left them
    /// alone (those the edits touched are left out until the analysis of this version publishes
    /// its own), without their fixes. Hover reads these, so that it answers at once while the
    /// document is re-analysed; code actions need the fixes of this very text and do not.
    fn shown_findings(&self, snapshot: &Snapshot) -> Arc<Vec<Finding>> {
        self.known_findings(snapshot)
            .unwrap_or_else(|| self.findings(snapshot))
    }

    /// [`Self::shown_findings`] without analysing: `None` when no version was analysed yet.
    fn known_findings(&self, snapshot: &Snapshot) -> Option<Arc<Vec<Finding>>> {
        if let Some(findings) = &snapshot.findings {
            return Some(Arc::clone(findings));
        }
        let (text, findings) = self.documents.latest_findings(&snapshot.uri)?;
        let shift = crate::text::Shift::between(&text, &snapshot.text);
        Some(Arc::new(
            findings
                .iter()
                .filter_map(|finding| {
                    // Only what hover reads: the fixes' edits are of the earlier text.
                    Some(Finding {
                        code: finding.code,
                        severity: finding.severity,
                        range: shift.range_to_new(finding.range)?,
                        message: finding.message.clone(),
                        fixes: Vec::new(),
                        related: Vec::new(),
                    })
                })
                .collect(),
        ))
    }

    fn findings(&self, snapshot: &Snapshot) -> Arc<Vec<Finding>> {
        if let Some(findings) = &snapshot.findings {
            return Arc::clone(findings);
        }
        let config = self.config();
        let findings = guarded("analysis", || {
            if config.is_excluded(&snapshot.path) {
                return Vec::new();
            }
            if store::too_large(&snapshot.text) {
                return vec![workspace::too_large(snapshot.text.len() as u64)];
            }
            let path = normalize(&snapshot.path);
            let (context, model) = {
                let index = self.read_index();
                // The template's model the index read from this very text, if it did.
                let model = index
                    .file(&path)
                    .filter(|file| {
                        Arc::ptr_eq(&file.text, &snapshot.text) || *file.text == *snapshot.text
                    })
                    .and_then(|file| file.model.clone());
                (index.context(&path), model)
            };
            // A document read without its whole tree has its findings from its model only: read
            // it now if the index holds another version's.
            let model = match (model, snapshot.kind) {
                (None, Some(kind)) if snapshot.without_tree => {
                    read_without_tree(kind, &snapshot.text, None).model
                }
                (model, _) => model,
            };
            // One analysis of the document at a time uses what the last one kept; another
            // running meanwhile (a code action's) reads the tree whole.
            // (A panic in an earlier analysis left nothing kept: the lock's data is sound.)
            let kept = match snapshot.kept.try_lock() {
                Ok(kept) => Some(kept),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => None,
            };
            let findings = match (kept, snapshot.kind, model.as_deref()) {
                // Read without its whole tree: its rules read the model, as `check`'s do.
                (_, Some(kind), Some(model)) if snapshot.without_tree => {
                    analysis::analyze_template_read(kind, &snapshot.text, &context, model)
                }
                (Some(mut kept), ..) => analysis::analyze_kept(
                    snapshot.kind,
                    snapshot.tree.as_ref(),
                    &snapshot.text,
                    &context,
                    model.as_deref(),
                    &mut kept,
                ),
                (None, ..) => analysis::analyze_with_model(
                    snapshot.kind,
                    snapshot.tree.as_ref(),
                    &snapshot.text,
                    &context,
                    model.as_deref(),
                ),
            };
            let file = SourceFile {
                kind: snapshot.kind,
                tree: snapshot.tree.as_ref(),
                text: &snapshot.text,
            };
            config.finish(&file, findings)
        })
        .unwrap_or_default();
        let findings = Arc::new(findings);
        self.documents
            .store_findings(snapshot, Arc::clone(&findings));
        self.documents.count_analysis(&snapshot.uri);
        findings
    }

    /// Analyses the current version of a document and converts its findings.
    fn diagnose(&self, uri: &Uri) -> Option<Publication> {
        let started = std::time::Instant::now();
        let snapshot = self.documents.snapshot(uri)?;
        let findings = self.findings(&snapshot);
        let analysed = started.elapsed();
        let encoding = self.encoding();
        let other_file = |path: &Path| self.other_file(path);
        let diagnostics = findings
            .iter()
            .map(|finding| convert::diagnostic(finding, &snapshot, encoding, &other_file))
            .collect();
        tracing::debug!(
            "diagnosed {} version {}: {} findings, analysis {analysed:?}, total {:?}",
            uri.as_str(),
            snapshot.version,
            findings.len(),
            started.elapsed()
        );
        Some(Publication {
            uri: snapshot.uri,
            version: snapshot.version,
            diagnostics,
        })
    }

    async fn publish(&self, publication: Option<Publication>) {
        let Some(publication) = publication else {
            return;
        };
        // A later edit has its own publication coming; do not show findings of an old text.
        if self.documents.version(&publication.uri) != Some(publication.version) {
            return;
        }
        self.client
            .publish_diagnostics(
                publication.uri,
                publication.diagnostics,
                Some(publication.version),
            )
            .await;
    }

    /// `source.fixAll.gatelint`: the document's safe fixes, applied as `check --fix` applies them.
    fn fix_all(
        &self,
        snapshot: &Snapshot,
        findings: &[Finding],
    ) -> Option<tower_lsp_server::ls_types::CodeActionOrCommand> {
        let config = self.config();
        let context = self.read_index().context(&normalize(&snapshot.path));
        let fixed = crate::workspace::fix::fix_file(
            &snapshot.path,
            &snapshot.text,
            findings,
            &config,
            &context,
        )?;
        handlers::fix_all_action(snapshot, &fixed.text, fixed.applied, self.encoding())
    }

    /// The text of another file, for related information and fixes that reach into it: the open
    /// document if there is one, else the indexed text, else the file on disk.
    fn other_file(&self, path: &Path) -> Option<(Uri, String)> {
        if let Some(open) = self.documents.text_at(path) {
            return Some(open);
        }
        if let Some(text) = self.read_index().text(&normalize(path)) {
            return Some((Uri::from_file_path(path)?, text.to_string()));
        }
        let text = self.read_disk(path)?;
        Some((Uri::from_file_path(path)?, text))
    }

    /// A file's text on disk, through the one guarded reader: inside the workspace folders once
    /// links are resolved, a regular file (a FIFO named by a client would block the server
    /// forever, `/dev/zero` would never end), under the size limit, UTF-8.
    fn read_disk(&self, path: &Path) -> Option<String> {
        let boundary = self.read_index().boundary().clone();
        crate::reader::read_text(path, &boundary)
            .inspect_err(|refusal| tracing::info!("{} was not read: {refusal}", path.display()))
            .ok()
    }

    fn read_index(&self) -> std::sync::RwLockReadGuard<'_, WorkspaceIndex> {
        self.index
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write_index(&self) -> std::sync::RwLockWriteGuard<'_, WorkspaceIndex> {
        self.index
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Puts a file's current text into the index and relinks; returns the files whose findings
    /// depend on it, before and after the change.
    fn update_index(&self, path: &Path, text: Option<&str>) -> HashSet<PathBuf> {
        // A file over the size limit is left out of the index, as `check` leaves it.
        let file = text
            .filter(|text| !store::too_large(text))
            .and_then(|text| {
                let kind = FileKind::detect(path, text)?;
                Some(IndexedFile::new(kind, Arc::from(text)))
            });
        if file.is_none() {
            if let Some(affected) = self.update_included(path, text.map(Arc::from)) {
                return affected;
            }
        }
        self.update_index_with(path, file)
    }

    /// An OpenAPI file a template includes changed (`Some`: its text now) or went away: the
    /// templates including it read it again; returns the files whose findings depend on it.
    /// `None` when no template includes `path`.
    fn update_included(&self, path: &Path, text: Option<Arc<str>>) -> Option<HashSet<PathBuf>> {
        let path = normalize(path);
        let mut index = self.write_index();
        if !index.is_included(&path) {
            return None;
        }
        let mut affected = index.dependants(&path);
        index.update_included(&path, text);
        affected.extend(index.dependants(&path));
        Some(affected)
    }

    /// [`Self::update_index`] for an open document: its tree is already parsed.
    fn update_index_from(&self, snapshot: &Snapshot) -> HashSet<PathBuf> {
        // The template as the index read it before this edit: what the edit left alone is reused.
        let previous = self
            .read_index()
            .file(&normalize(&snapshot.path))
            .and_then(|file| Some((Arc::clone(&file.text), Arc::clone(file.model.as_ref()?))));
        let file = snapshot.kind.map(|kind| {
            let previous = previous.as_ref().map(|(text, model)| (&**text, &**model));
            match snapshot.without_tree {
                true => read_without_tree(kind, &snapshot.text, previous),
                false => IndexedFile::with_tree_after(
                    kind,
                    Arc::clone(&snapshot.text),
                    snapshot.tree.as_ref(),
                    previous,
                ),
            }
        });
        // The last hold on the old model here: `update_index_with` frees it off the latency path.
        drop(previous);
        if let Some(model) = file.as_ref().and_then(|file| file.model.as_ref()) {
            self.documents.store_model(
                &snapshot.uri,
                Arc::clone(&snapshot.text),
                Arc::clone(model),
            );
        }
        if snapshot.kind.is_none() {
            // Not a template or handler: perhaps an OpenAPI file a template includes.
            return self
                .update_included(&snapshot.path, Some(Arc::clone(&snapshot.text)))
                .unwrap_or_default();
        }
        // Checked under the index's lock: a document closed meanwhile went back to the text on
        // disk, which an analysis job that took its snapshot before must not overwrite.
        let uri = &snapshot.uri;
        self.update_index_if(&snapshot.path, file, || {
            self.documents.version(uri).is_some()
        })
    }

    fn update_index_with(&self, path: &Path, file: Option<IndexedFile>) -> HashSet<PathBuf> {
        self.update_index_if(path, file, || true)
    }

    /// [`Self::update_index_with`] when `still_wanted` holds once the index is locked.
    fn update_index_if(
        &self,
        path: &Path,
        file: Option<IndexedFile>,
        still_wanted: impl FnOnce() -> bool,
    ) -> HashSet<PathBuf> {
        let path = normalize(path);
        let mut index = self.write_index();
        if !still_wanted() {
            return HashSet::new();
        }
        if let Some(changed) = self
            .changed_while_indexing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
        {
            changed.insert(path.clone());
        }
        let mut affected = index.dependants(&path);
        let replaced = index.update(&path, file);
        affected.extend(index.dependants(&path));
        affected.remove(&path);
        drop(index);
        // A large template's old model takes milliseconds to free: not while a keystroke waits.
        if replaced.as_ref().is_some_and(|file| file.model.is_some()) {
            rayon::spawn(move || drop(replaced));
        }
        affected
    }

    /// Re-diagnoses the open documents among `paths` (their context changed, not their text).
    async fn rediagnose(&self, paths: &HashSet<PathBuf>) {
        let uris = self
            .documents
            .invalidate(|path| paths.contains(&normalize(path)));
        for uri in uris {
            self.schedule(uri, false);
        }
    }

    /// Asks for the document's diagnostics to be computed and published, after putting its text
    /// into the index first when `reindex`. Returns at once: the work runs on the blocking pool, one
    /// job per document; a request made while the document's job runs is folded into one more run
    /// over the newest version (intermediate versions are skipped, never analysed).
    fn schedule(&self, uri: Uri, reindex: bool) {
        let mut jobs = self
            .jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(job) = jobs.get_mut(&uri) {
            job.again = true;
            job.reindex |= reindex;
            return;
        }
        let Some(state) = self.this.upgrade() else {
            return;
        };
        jobs.insert(
            uri.clone(),
            Job {
                again: false,
                reindex: false,
            },
        );
        drop(jobs);
        tokio::spawn(async move { state.run_job(uri, reindex).await });
    }

    /// The loop of one document's job: analyse the newest version, publish, and run again while
    /// new work arrived meanwhile.
    async fn run_job(self: Arc<Self>, uri: Uri, mut reindex: bool) {
        loop {
            let state = Arc::clone(&self);
            let job_uri = uri.clone();
            let outcome = in_background(move || {
                guarded("analysis", || state.analyse(&job_uri, reindex)).flatten()
            })
            .await;
            if let Some((publication, affected)) = outcome {
                self.publish(publication).await;
                self.rediagnose(&affected).await;
            }
            let mut jobs = self
                .jobs
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match jobs.get_mut(&uri) {
                Some(job) if job.again => {
                    reindex = std::mem::take(&mut job.reindex);
                    job.again = false;
                }
                _ => {
                    jobs.remove(&uri);
                    return;
                }
            }
        }
    }

    /// One run of a document's job, on the blocking pool: index its newest text when asked, then
    /// diagnose it; also the open documents whose findings depend on it, to re-diagnose.
    ///
    /// A newer version that arrived while this one was indexed ends the run there: its own run is
    /// already due (see [`State::schedule`]) and indexes it before diagnosing it, where this run
    /// would diagnose it against the index of the older text (a template's model then read again
    /// from scratch) only for the newest run to do it again.
    fn analyse(&self, uri: &Uri, reindex: bool) -> Option<(Option<Publication>, HashSet<PathBuf>)> {
        let affected = if reindex {
            let snapshot = self.documents.snapshot(uri)?;
            let affected = self.update_index_from(&snapshot);
            if self.documents.version(uri) != Some(snapshot.version) {
                return Some((None, affected));
            }
            affected
        } else {
            HashSet::new()
        };
        Some((self.diagnose(uri), affected))
    }

    /// Indexes the workspace folders in the background, reporting `$/progress`, then overlays the
    /// open documents and re-diagnoses them with what the index now knows.
    async fn index_workspace(self: Arc<Self>) {
        let folders = self
            .folders
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        if folders.is_empty() {
            return;
        }
        let token = NumberOrString::String("gatelint/indexing".into());
        let progress = match self.client.create_work_done_progress(token.clone()).await {
            Ok(()) => Some(
                self.client
                    .progress(token, "gatelint: indexing the workspace")
                    .begin()
                    .await,
            ),
            Err(_) => None,
        };
        let started = std::time::Instant::now();
        *self
            .changed_while_indexing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(HashSet::new());
        let indexing_folders = folders.clone();
        let built = in_background(move || {
            guarded("indexing", || workspace::index_folders(&indexing_folders))
        })
        .await;
        let Some(mut built) = built else {
            *self
                .changed_while_indexing
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
            if let Some(progress) = progress {
                progress.finish_with_message("indexing failed").await;
            }
            return;
        };
        for (path, text) in self.documents.open_texts() {
            if let Some(kind) = FileKind::detect(&path, &text) {
                built.insert(normalize(&path), IndexedFile::new(kind, Arc::from(text)));
            }
        }
        let count = {
            let mut index = self.write_index();
            // What changed while the walk read the disk: the current index holds the newer entry.
            let changed = self
                .changed_while_indexing
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take()
                .unwrap_or_default();
            for path in changed {
                // Taken out of the index it replaces.
                match index.update(&path, None) {
                    Some(file) => built.insert(path, file),
                    None => {
                        built.remove(&path);
                    }
                }
            }
            built.relink();
            let count = built.len();
            *index = built;
            count
        };
        release_free_memory();
        tracing::info!("indexed {count} files in {:?}", started.elapsed());
        if let Some(progress) = progress {
            progress
                .finish_with_message(format!("{count} files indexed"))
                .await;
        }
        self.rediagnose_all().await;
    }

    async fn rediagnose_all(&self) {
        for uri in self.documents.invalidate(|_| true) {
            self.schedule(uri, false);
        }
    }

    /// Asks the client to tell us about file changes on disk.
    async fn watch_files(&self) {
        let options = serde_json::json!({
            "watchers": [
                { "globPattern": "**/*.{py,js,mjs,cjs,ts,mts,cts,tsx,rs,yaml,yml,json,template}" },
                { "globPattern": format!("**/{}", config::FILE_NAME) },
            ]
        });
        let registration = Registration {
            id: "gatelint-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: Some(options),
        };
        if let Err(error) = self.client.register_capability(vec![registration]).await {
            tracing::info!("the client does not watch files for us: {error:?}");
        }
    }
}

impl LanguageServer for Server {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        if self.encoding.set(encoding).is_err() {
            tracing::warn!("initialize received twice; keeping the first position encoding");
        }
        let encoding = self.encoding();
        tracing::info!("position encoding: {encoding:?}");
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|folder| folder.uri.to_file_path().map(|path| path.into_owned()))
            .collect();
        #[allow(deprecated)]
        if folders.is_empty() {
            folders.extend(
                params
                    .root_uri
                    .as_ref()
                    .and_then(|uri| uri.to_file_path().map(|path| path.into_owned())),
            );
        }
        *self.write_index() = WorkspaceIndex::new(&folders);
        if let Some(root) = folders.first() {
            let _ = self.root.set(root.clone());
        }
        let mut problems = params
            .initialization_options
            .as_ref()
            .and_then(|options| self.set_editor_settings(options))
            .unwrap_or_default();
        problems
            .extend(guarded("reading gatelint.toml", || self.load_config()).unwrap_or_default());
        *self
            .pending_settings_problems
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = problems;
        *self
            .folders
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = folders;
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(handlers::FIX_ALL),
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "gatelint".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("client initialized");
        let problems = std::mem::take(
            &mut *self
                .pending_settings_problems
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        self.report_settings_problems(problems).await;
        // In the background: the client answers the registration whenever it likes, and the
        // server must keep serving (and exit on `exit`) meanwhile.
        let state = Arc::clone(&self.state);
        tokio::spawn(async move {
            state.watch_files().await;
            state.index_workspace().await;
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let uri = document.uri.clone();
        let opened = guarded("didOpen", || {
            self.documents
                .open(document.uri, document.version, document.text);
        });
        if opened.is_some() {
            // A document with a file path goes into the index with its analysis.
            let reindex = uri.to_file_path().is_some();
            self.schedule(uri, reindex);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let applied = guarded("didChange", || {
            let changes: Vec<_> = params
                .content_changes
                .into_iter()
                .map(convert::text_change)
                .collect();
            match self
                .documents
                .change(&uri, version, &changes, self.encoding())
            {
                ChangeOutcome::Applied => Some(()),
                ChangeOutcome::NotOpen => {
                    tracing::warn!("ignoring a change to {} which is not open", uri.as_str());
                    None
                }
                ChangeOutcome::Stale { current } => {
                    tracing::warn!(
                        "ignoring version {version} of {}: it already has version {current}",
                        uri.as_str()
                    );
                    None
                }
            }
        })
        .flatten();
        if applied.is_some() {
            self.schedule(uri, true);
        }
    }

    /// The editor's settings changed (VS Code sends its `gatelint` section): new rule settings
    /// apply over `gatelint.toml` and every open document is diagnosed again.
    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let Some(problems) = guarded("didChangeConfiguration", || {
            self.set_editor_settings(&params.settings)
        })
        .flatten() else {
            return;
        };
        tracing::info!("editor settings changed");
        self.report_settings_problems(problems).await;
        self.reload_config().await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        if State::is_config_file(&params.text_document.uri) {
            self.reload_config().await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        if params
            .changes
            .iter()
            .any(|change| State::is_config_file(&change.uri))
        {
            self.reload_config().await;
        }
        let mut affected = HashSet::new();
        for change in params.changes {
            let Some(path) = change.uri.to_file_path().map(|path| path.into_owned()) else {
                continue;
            };
            // An open document's text is the editor's, not the disk's.
            if self.documents.text_at(&path).is_some() {
                continue;
            }
            let text = if change.typ == FileChangeType::DELETED {
                None
            } else {
                self.read_disk(&path)
            };
            affected.extend(
                guarded("didChangeWatchedFiles", || {
                    self.update_index(&path, text.as_deref())
                })
                .unwrap_or_default(),
            );
        }
        self.rediagnose(&affected).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let was_open = guarded("didClose", || self.documents.close(&uri)).unwrap_or(false);
        if was_open {
            self.client
                .publish_diagnostics(uri.clone(), Vec::new(), None)
                .await;
            // The index goes back to the text on disk.
            if let Some(path) = uri.to_file_path().map(|path| path.into_owned()) {
                let text = self.read_disk(&path);
                let affected = guarded("didClose", || self.update_index(&path, text.as_deref()))
                    .unwrap_or_default();
                self.rediagnose(&affected).await;
            }
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let state = Arc::clone(&self.state);
        Ok(off_runtime(move || {
            guarded("hover", || {
                let uri = &at.text_document.uri;
                // First what is already known, from a snapshot taken without waiting for the
                // newest text's re-parse: while the editor types, that is most hovers.
                let light = state.documents.snapshot_without_tree(uri)?;
                let path = normalize(&light.path);
                let model = || {
                    state.documents.latest_model(uri).or_else(|| {
                        let index = state.read_index();
                        let file = index.file(&path)?;
                        Some((Arc::clone(&file.text), Arc::clone(file.model.as_ref()?)))
                    })
                };
                if let Some(findings) = state.known_findings(&light) {
                    let known = handlers::hover_from_known(
                        &light,
                        &findings,
                        at.position,
                        state.encoding(),
                        &model,
                    );
                    if known.is_some() {
                        return known;
                    }
                }
                let snapshot = state.documents.snapshot(uri)?;
                let findings = state.shown_findings(&snapshot);
                let context = || state.read_index().context(&path);
                handlers::hover(
                    &snapshot,
                    &findings,
                    at.position,
                    state.encoding(),
                    &handlers::HoverContext {
                        imports: &context,
                        model: &model,
                    },
                )
                .or_else(|| {
                    handlers::handler_hover(
                        &snapshot,
                        &state.read_index(),
                        &path,
                        at.position,
                        state.encoding(),
                    )
                })
            })
            .flatten()
        })
        .await)
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        Ok(guarded("definition", || {
            let snapshot = self.documents.snapshot(&at.text_document.uri)?;
            let offset = convert::Positions::of(&snapshot, self.encoding()).offset(at.position);
            let (path, range) = self
                .read_index()
                .definition(&normalize(&snapshot.path), offset)?;
            let (uri, text) = self.other_file(&path)?;
            let location = convert::location(uri, &text, range, self.encoding());
            Some(GotoDefinitionResponse::Scalar(location))
        })
        .flatten())
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(guarded("codeLens", || {
            let snapshot = self.documents.snapshot(&params.text_document.uri)?;
            let lenses = handlers::route_lenses(
                &snapshot,
                &self.read_index(),
                &normalize(&snapshot.path),
                self.encoding(),
            );
            Some(lenses)
        })
        .flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let state = Arc::clone(&self.state);
        Ok(off_runtime(move || {
            guarded("codeAction", || {
                let only = params.context.only.as_deref();
                let (quick_fixes, fix_all) = (
                    handlers::wants_quick_fixes(only),
                    handlers::wants_fix_all(only),
                );
                if !quick_fixes && !fix_all {
                    return None;
                }
                let mut snapshot = state.documents.snapshot(&params.text_document.uri)?;
                if quick_fixes
                    && snapshot.without_tree
                    && snapshot.kind == Some(FileKind::JsonTemplate)
                {
                    // A JSON template's suppression is written into its resource's `Metadata`,
                    // found in the tree of its whole text: parsed for this answer only.
                    snapshot.tree =
                        crate::text::parse(FileKind::JsonTemplate, &snapshot.text, None);
                }
                let findings = state.findings(&snapshot);
                let other_file = |path: &Path| state.other_file(path);
                let mut actions = Vec::new();
                if quick_fixes {
                    actions = handlers::code_actions(
                        &snapshot,
                        &findings,
                        params.range,
                        state.encoding(),
                        &other_file,
                    );
                }
                if fix_all {
                    actions.extend(state.fix_all(&snapshot, &findings));
                }
                Some(actions)
            })
            .flatten()
        })
        .await)
    }
}

#[cfg(test)]
mod tests {
    /// Background work runs on a thread at lower priority than the threads answering requests
    /// (Linux: the nice value is per thread); the calling thread keeps its own.
    #[cfg(target_os = "linux")]
    #[test]
    fn background_work_runs_at_a_lower_priority_than_requests() {
        // SAFETY: getpriority only reads the calling thread's nice value.
        let nice =
            || unsafe { libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t) };
        let here = nice();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let background = runtime
            .block_on(super::in_background(move || Some(nice())))
            .expect("ran");
        assert_eq!(background, here.max(super::BACKGROUND_NICE));
        assert_eq!(nice(), here);
    }
}
