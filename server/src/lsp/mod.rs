//! The language server: a thin tower-lsp-server adapter over stdio. It keeps the open documents
//! ([`store`]), converts positions and types ([`convert`]), and answers hover and code actions
//! ([`handlers`]); the findings come from [`crate::analysis::analyze`], the function `gatelint
//! check` calls, so the editor and the terminal cannot disagree. Nothing here analyses code.

mod convert;
mod framing;
mod handlers;
mod store;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, Diagnostic, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, Hover, HoverParams, HoverProviderCapability, InitializeParams,
    InitializeResult, InitializedParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
};
use tower_lsp_server::{Client, LanguageServer, LspService, Server as Transport};

use crate::analysis::{self, FileContext};
use crate::rules::Finding;
use crate::text::Encoding;
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
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown_requested);
    runtime.block_on(async move {
        let (service, socket) = LspService::new(|client| Server::new(client, flag));
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

/// Runs `work`, logging a panic instead of letting it take the server down.
fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(value) => Some(value),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|reason| reason.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            tracing::error!("gatelint internal error in {what}: {reason}");
            None
        }
    }
}

struct Server {
    client: Client,
    documents: DocumentStore,
    encoding: OnceLock<Encoding>,
    shutdown_requested: Arc<AtomicBool>,
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
            client,
            documents: DocumentStore::default(),
            encoding: OnceLock::new(),
            shutdown_requested,
        }
    }

    fn encoding(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or(Encoding::Utf16)
    }

    /// The findings of a snapshot: remembered ones, or computed now and remembered.
    fn findings(&self, snapshot: &Snapshot) -> Arc<Vec<Finding>> {
        if let Some(findings) = &snapshot.findings {
            return Arc::clone(findings);
        }
        let findings = guarded("analysis", || {
            analysis::analyze(
                snapshot.kind,
                snapshot.tree.as_ref(),
                &snapshot.text,
                &FileContext::default(),
            )
        })
        .unwrap_or_default();
        let findings = Arc::new(findings);
        self.documents
            .store_findings(&snapshot.uri, snapshot.version, Arc::clone(&findings));
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

    /// The text of another file, for related information and fixes that reach into it: the open
    /// document if there is one, else the file on disk.
    fn other_file(&self, path: &Path) -> Option<(Uri, String)> {
        if let Some(open) = self.documents.text_at(path) {
            return Some(open);
        }
        let text = std::fs::read_to_string(path).ok()?;
        Some((Uri::from_file_path(path)?, text))
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
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
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
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let uri = document.uri.clone();
        let publication = guarded("didOpen", || {
            self.documents
                .open(document.uri, document.version, document.text);
            self.diagnose(&uri)
        })
        .flatten();
        self.publish(publication).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let publication = guarded("didChange", || {
            let changes: Vec<_> = params
                .content_changes
                .into_iter()
                .map(convert::text_change)
                .collect();
            match self
                .documents
                .change(&uri, version, &changes, self.encoding())
            {
                ChangeOutcome::Applied => self.diagnose(&uri),
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
        self.publish(publication).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let was_open = guarded("didClose", || self.documents.close(&uri)).unwrap_or(false);
        if was_open {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        Ok(guarded("hover", || {
            let snapshot = self.documents.snapshot(&at.text_document.uri)?;
            let findings = self.findings(&snapshot);
            handlers::hover(&snapshot, &findings, at.position, self.encoding())
        })
        .flatten())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(guarded("codeAction", || {
            if !handlers::wants_quick_fixes(params.context.only.as_deref()) {
                return None;
            }
            let snapshot = self.documents.snapshot(&params.text_document.uri)?;
            let findings = self.findings(&snapshot);
            let other_file = |path: &Path| self.other_file(path);
            Some(handlers::code_actions(
                &snapshot,
                &findings,
                params.range,
                self.encoding(),
                &other_file,
            ))
        })
        .flatten())
    }
}
