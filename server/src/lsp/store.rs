//! The open documents. Every notification updates the store synchronously, before its handler
//! awaits anything, so edits apply in the order the client sent them even though tower-lsp-server
//! runs handlers concurrently. Readers take a [`Snapshot`] and work outside the lock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use tower_lsp_server::ls_types::Uri;
use tree_sitter::Tree;

use crate::files::FileKind;
use crate::findings::Finding;
use crate::languages::KeptMatches;
use crate::templates::TemplateModel;
use crate::text::{Document, LineIndex, TextChange};
use crate::workspace::IndexedFile;

/// One open document.
struct OpenDocument {
    /// Which opening of the document this is (unique for the server's life): a tree parsed
    /// outside the lock is kept only by the opening and version it was parsed for.
    opening: u64,
    path: PathBuf,
    version: i32,
    document: Document,
    /// The document's text, shared by every snapshot of this version (one copy per version).
    text: Arc<str>,
    line_index: Arc<LineIndex>,
    /// The findings of this version, once computed.
    findings: Option<Arc<Vec<Finding>>>,
    /// The newest findings computed of any version, with the text they were computed from: what
    /// the editor shows until the current version's are published.
    latest: Option<(Arc<str>, Arc<Vec<Finding>>)>,
    /// The newest template model read of the document, with the text it was read from.
    model: Option<(Arc<str>, Arc<TemplateModel>)>,
    /// What the query pass of the newest analysis kept (see [`KeptMatches`]): the next
    /// analysis searches again only the top-level definitions the edits since changed.
    kept: Arc<Mutex<Option<KeptMatches>>>,
    /// Whether this version is read without a tree of its whole text (see
    /// [`IndexedFile::reads_without_tree`]), once asked.
    without_tree: Option<bool>,
    /// How many analyses of this document ran since it was opened.
    analyses: u64,
    /// How many times its findings were invalidated (its context changed): findings computed from
    /// a snapshot taken before the latest invalidation are not kept.
    invalidations: u64,
}

/// An immutable copy of one version of a document: what analysis, hover and code actions read.
#[derive(Clone)]
pub struct Snapshot {
    pub uri: Uri,
    pub path: PathBuf,
    pub version: i32,
    pub kind: Option<FileKind>,
    pub text: Arc<str>,
    pub tree: Option<Tree>,
    /// This version is read without a tree of its whole text (a YAML template longer than the
    /// grammar parses whole, or a large JSON template, read in pieces, as `check` reads it; see
    /// [`IndexedFile::reads_without_tree`]): `tree` is `None` by design, not for want of a parse,
    /// and the rules read the template's model.
    pub without_tree: bool,
    pub line_index: Arc<LineIndex>,
    pub findings: Option<Arc<Vec<Finding>>>,
    /// The document's [`KeptMatches`], shared by its snapshots.
    pub kept: Arc<Mutex<Option<KeptMatches>>>,
    pub analyses: u64,
    pub invalidations: u64,
}

/// What became of a `didChange`.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeOutcome {
    Applied,
    NotOpen,
    /// The change's version is not newer than the document's.
    Stale {
        current: i32,
    },
}

/// A document's kind; `None` (not parsed) over the size limit, where it gets a finding of its own.
fn kind_of(path: &Path, text: &str) -> Option<FileKind> {
    FileKind::detect(path, text).filter(|_| !too_large(text))
}

pub fn too_large(text: &str) -> bool {
    text.len() as u64 > crate::reader::MAX_FILE_BYTES
}

/// Counts the documents opened (see [`OpenDocument::opening`]).
static OPENINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[derive(Default)]
pub struct DocumentStore {
    documents: Mutex<HashMap<Uri, OpenDocument>>,
}

impl DocumentStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<Uri, OpenDocument>> {
        // A panic while the lock was held cannot leave a half-applied edit behind that matters more
        // than losing every open document, so keep serving with the data as it is.
        self.documents
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn open(&self, uri: Uri, version: i32, text: String) {
        let path = path_of(&uri);
        let kind = kind_of(&path, &text);
        let line_index = Arc::new(LineIndex::new(&text));
        let shared: Arc<str> = Arc::from(text.as_str());
        let without_tree = kind.is_some_and(|kind| IndexedFile::reads_without_tree(kind, &text));
        let document = match without_tree {
            true => Document::unparsed(kind, text),
            false => Document::new(kind, text),
        };
        let text = shared;
        self.lock().insert(
            uri,
            OpenDocument {
                opening: OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                path,
                version,
                document,
                text,
                line_index,
                findings: None,
                latest: None,
                model: None,
                kept: Arc::default(),
                without_tree: Some(without_tree),
                analyses: 0,
                invalidations: 0,
            },
        );
    }

    /// Applies the changes of one `didChange` in order, unless the document is not open or the
    /// version is not newer than the one held.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextChange],
        encoding: crate::text::Encoding,
    ) -> ChangeOutcome {
        let mut documents = self.lock();
        let Some(open) = documents.get_mut(uri) else {
            return ChangeOutcome::NotOpen;
        };
        if version <= open.version {
            return ChangeOutcome::Stale {
                current: open.version,
            };
        }
        open.document.apply_changes(changes, encoding);
        // The one contiguous copy of this version, which the analysis reads.
        let text: Arc<str> = Arc::from(open.document.text());
        // A YAML or JSON file is a template only once its text says so; it may start or stop
        // looking like one as it is edited.
        let kind = kind_of(&open.path, &text);
        if kind != open.document.kind() {
            open.document.set_kind(kind);
        }
        open.version = version;
        open.line_index = Arc::new(LineIndex::new(&text));
        open.text = text;
        open.findings = None;
        open.without_tree = None;
        ChangeOutcome::Applied
    }

    pub fn close(&self, uri: &Uri) -> bool {
        self.lock().remove(uri).is_some()
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        self.snapshot_of(uri, true)
    }

    /// A snapshot without its tree: taken at once, where [`Self::snapshot`] may first re-parse
    /// the newest text (under this store's lock). For answers that read no tree; never for an
    /// analysis, which would read a tree-less file as empty.
    pub fn snapshot_without_tree(&self, uri: &Uri) -> Option<Snapshot> {
        self.snapshot_of(uri, false)
    }

    /// A snapshot of the current version. Its tree, when the text changed since the last parse,
    /// is parsed after the lock is released (from the rope and last tree the document shares),
    /// then kept in the document if it is still at that version: an edit or a hover arriving
    /// meanwhile never waits for a parse.
    fn snapshot_of(&self, uri: &Uri, with_tree: bool) -> Option<Snapshot> {
        let (mut snapshot, pending, opening) = {
            let mut documents = self.lock();
            let open = documents.get_mut(uri)?;
            let without_tree = *open.without_tree.get_or_insert_with(|| {
                open.document
                    .kind()
                    .is_some_and(|kind| IndexedFile::reads_without_tree(kind, &open.text))
            });
            if without_tree {
                open.document.forget_tree();
            }
            let parsed = (with_tree && !without_tree).then(|| open.document.parsed_tree());
            let pending = match parsed {
                Some(None) => open.document.pending_parse(),
                _ => None,
            };
            let snapshot = Snapshot {
                uri: uri.clone(),
                path: open.path.clone(),
                version: open.version,
                kind: open.document.kind(),
                text: Arc::clone(&open.text),
                tree: parsed.flatten().flatten().cloned(),
                without_tree,
                line_index: Arc::clone(&open.line_index),
                findings: open.findings.clone(),
                kept: Arc::clone(&open.kept),
                analyses: open.analyses,
                invalidations: open.invalidations,
            };
            (snapshot, pending, open.opening)
        };
        if let Some(pending) = pending {
            let tree = pending.run();
            snapshot.tree = tree.clone();
            self.keep_parsed(uri, opening, snapshot.version, tree);
        }
        Some(snapshot)
    }

    /// Gives the document the tree parsed outside the lock, if it is still the opening and
    /// version the tree was parsed for.
    fn keep_parsed(&self, uri: &Uri, opening: u64, version: i32, tree: Option<Tree>) {
        if let Some(open) = self.lock().get(uri) {
            if open.opening == opening && open.version == version {
                open.document.install(tree);
            }
        }
    }

    /// Remembers the findings computed from `snapshot`, unless the document has moved on since
    /// or its findings were invalidated meanwhile (they may rest on the context before the change).
    pub fn store_findings(&self, snapshot: &Snapshot, findings: Arc<Vec<Finding>>) {
        if let Some(open) = self.lock().get_mut(&snapshot.uri) {
            if open.version == snapshot.version && open.invalidations == snapshot.invalidations {
                open.latest = Some((Arc::clone(&snapshot.text), Arc::clone(&findings)));
                open.findings = Some(findings);
            }
        }
    }

    /// The newest findings stored for the document, of whichever version, with that version's
    /// text (see [`crate::text::Shift`] to carry them over to the current one).
    pub fn latest_findings(&self, uri: &Uri) -> Option<(Arc<str>, Arc<Vec<Finding>>)> {
        self.lock().get(uri).and_then(|open| open.latest.clone())
    }

    /// Remembers the template model read of `text`, a version of the document.
    pub fn store_model(&self, uri: &Uri, text: Arc<str>, model: Arc<TemplateModel>) {
        let replaced = self
            .lock()
            .get_mut(uri)
            .and_then(|open| open.model.replace((text, model)));
        // A large model takes milliseconds to free: not while holding the documents' lock.
        drop(replaced);
    }

    /// The newest template model read of the document, with its text (see
    /// [`Self::store_model`]); hover reads it without waiting for the workspace's lock.
    pub fn latest_model(&self, uri: &Uri) -> Option<(Arc<str>, Arc<TemplateModel>)> {
        self.lock().get(uri).and_then(|open| open.model.clone())
    }

    /// Counts one analysis of the document (see [`Snapshot::analyses`]).
    pub fn count_analysis(&self, uri: &Uri) {
        if let Some(open) = self.lock().get_mut(uri) {
            open.analyses += 1;
        }
    }

    /// The current version of an open document.
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.lock().get(uri).map(|open| open.version)
    }

    /// Forgets the findings of the open documents whose path `matches` (their context changed);
    /// returns their URIs.
    pub fn invalidate(&self, matches: impl Fn(&Path) -> bool) -> Vec<Uri> {
        let mut documents = self.lock();
        documents
            .iter_mut()
            .filter(|(_, open)| matches(&open.path))
            .map(|(uri, open)| {
                open.findings = None;
                open.invalidations += 1;
                uri.clone()
            })
            .collect()
    }

    /// The path and text of every open document.
    pub fn open_texts(&self) -> Vec<(PathBuf, String)> {
        self.lock()
            .values()
            .map(|open| (open.path.clone(), open.text.to_string()))
            .collect()
    }

    /// The text of an open document at `path`, if one is open there.
    pub fn text_at(&self, path: &Path) -> Option<(Uri, String)> {
        self.lock()
            .iter()
            .find(|(_, open)| open.path == path)
            .map(|(uri, open)| (uri.clone(), open.text.to_string()))
    }
}

/// The file path a URI names; for a non-file URI (an unsaved buffer), its path component, which
/// still carries the file name that decides the file's kind.
pub(super) fn path_of(uri: &Uri) -> PathBuf {
    if uri.scheme().as_str().eq_ignore_ascii_case("file") {
        if let Some(path) = uri.to_file_path() {
            return path.into_owned();
        }
    }
    PathBuf::from(uri.path().decode().to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Encoding, LineCol};

    fn whole(text: &str) -> TextChange {
        TextChange {
            range: None,
            text: text.to_owned(),
        }
    }

    /// Findings computed while the document's context changed (the workspace index was replaced
    /// under the analysis) rest on the old context: they are not kept, so the next run computes
    /// them again instead of reusing them.
    #[test]
    fn findings_of_a_snapshot_taken_before_an_invalidation_are_not_kept() {
        let store = DocumentStore::default();
        let uri: Uri = "file:///work/app/app.py".parse().expect("a valid URI");
        store.open(uri.clone(), 1, "x = 1\n".to_owned());
        let before = store.snapshot(&uri).expect("open");
        store.invalidate(|_| true);
        store.store_findings(&before, Arc::new(Vec::new()));
        assert!(store.snapshot(&uri).expect("open").findings.is_none());
        let after = store.snapshot(&uri).expect("open");
        store.store_findings(&after, Arc::new(Vec::new()));
        assert!(store.snapshot(&uri).expect("open").findings.is_some());
    }

    #[test]
    fn a_yaml_file_becomes_a_template_when_its_text_says_so() {
        let store = DocumentStore::default();
        let uri: Uri = "file:///work/app/template.yaml"
            .parse()
            .expect("a valid URI");
        store.open(uri.clone(), 1, "name: demo\n".to_owned());
        let snapshot = store.snapshot(&uri).expect("open");
        assert_eq!(snapshot.kind, None);
        assert!(snapshot.tree.is_none());

        let template = "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n";
        let outcome = store.change(&uri, 2, &[whole(template)], Encoding::Utf16);
        assert_eq!(outcome, ChangeOutcome::Applied);
        let snapshot = store.snapshot(&uri).expect("open");
        assert_eq!(snapshot.kind, Some(FileKind::YamlTemplate));
        assert_eq!(&*snapshot.text, template);
        assert!(snapshot.tree.is_some());
    }

    /// A snapshot's tree is parsed outside the store's lock and kept for the version it was
    /// parsed for: it equals a fresh parse of the snapshot's text, the next snapshot of the same
    /// version reuses it, and a document reopened meanwhile (the same version number, another
    /// text) is not given the tree of the text it no longer holds.
    #[test]
    fn a_tree_parsed_outside_the_lock_is_kept_only_for_its_version() {
        let store = DocumentStore::default();
        let uri: Uri = "file:///work/app/app.py".parse().expect("a valid URI");
        store.open(
            uri.clone(),
            1,
            "def handler(event, context):\n    return 1\n".to_owned(),
        );
        let edit = TextChange {
            range: Some((LineCol { line: 1, col: 11 }, LineCol { line: 1, col: 12 })),
            text: "{'statusCode': 200}".to_owned(),
        };
        assert_eq!(
            store.change(&uri, 2, &[edit], Encoding::Utf16),
            ChangeOutcome::Applied
        );
        let sexp = |tree: &Tree| tree.root_node().to_sexp();
        let snapshot = store.snapshot(&uri).expect("open");
        let fresh = crate::text::parse(FileKind::Python, &snapshot.text, None).expect("parses");
        assert_eq!(sexp(snapshot.tree.as_ref().expect("a tree")), sexp(&fresh));
        let kept = store.lock()[&uri]
            .document
            .parsed_tree()
            .map(|tree| tree.map(sexp));
        assert_eq!(kept, Some(Some(sexp(&fresh))));

        // Taken before a close and a reopen that reaches the same version number with another
        // text: not given to the new document.
        assert_eq!(
            store.change(&uri, 3, &[whole("x = (\n")], Encoding::Utf16),
            ChangeOutcome::Applied
        );
        let pending = store.lock()[&uri]
            .document
            .pending_parse()
            .expect("to parse");
        let opening = store.lock()[&uri].opening;
        store.close(&uri);
        store.open(uri.clone(), 2, "y = 2\n".to_owned());
        assert_eq!(
            store.change(&uri, 3, &[whole("y = 3\n")], Encoding::Utf16),
            ChangeOutcome::Applied
        );
        store.keep_parsed(&uri, opening, 3, pending.run());
        assert!(store.lock()[&uri].document.parsed_tree().is_none());
        let reopened = store.snapshot(&uri).expect("open");
        assert_eq!(&*reopened.text, "y = 3\n");
        let fresh = crate::text::parse(FileKind::Python, "y = 3\n", None).expect("parses");
        assert_eq!(sexp(reopened.tree.as_ref().expect("a tree")), sexp(&fresh));
    }

    #[test]
    fn ignores_stale_versions_and_unopened_documents() {
        let store = DocumentStore::default();
        let uri: Uri = "untitled:Untitled-1/app.py".parse().expect("a valid URI");
        store.open(uri.clone(), 3, "x = 1\n".to_owned());
        assert_eq!(
            store.snapshot(&uri).expect("open").kind,
            Some(FileKind::Python)
        );
        assert_eq!(
            store.change(&uri, 3, &[whole("y = 2\n")], Encoding::Utf16),
            ChangeOutcome::Stale { current: 3 }
        );
        let other: Uri = "file:///other.py".parse().expect("a valid URI");
        assert_eq!(
            store.change(&other, 9, &[whole("")], Encoding::Utf16),
            ChangeOutcome::NotOpen
        );
        assert_eq!(&*store.snapshot(&uri).expect("open").text, "x = 1\n");
        assert!(store.close(&uri));
        assert!(store.snapshot(&uri).is_none());
    }
}
