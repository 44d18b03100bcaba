//! The workspace index: every handler and template file under the workspace roots with its text
//! and what linking needs (a handler module's exported names, a template's Lambda functions), and
//! the links from each template function to the handler file and function its `CodeUri` +
//! `Handler` name. Paths are absolute and lexically normalised; a `CodeUri` that leads outside the
//! roots is never read.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::context::{CodePackage, FileContext, HandlerContext};
use crate::files::FileKind;
use crate::knowledge::front_doors;
use crate::knowledge::manifests::{self, Manifest};
use crate::languages::imports;
use crate::languages::symbols::{self, Symbol};
use crate::languages::Import;
use crate::templates::definitions::DefinitionFile;
use crate::templates::functions::{
    self, FunctionSpec, Invocation, LinkProblem, LinkProblemKind, RuntimeFamily,
};
use crate::templates::{
    cdk, serverless, terraform, ConfigurationFile, Dialect, ModuleRead, TemplateModel,
};
use crate::text::parse;
use crate::text::TextRange;
use tree_sitter::Tree;

use crate::reader::{self as fs, Boundary, Refusal};

/// The most `.tf` files of one folder read as one configuration.
const MAX_CONFIGURATION_FILES: usize = 200;
/// The most bytes of `.tf` text of one folder read as one configuration.
const MAX_CONFIGURATION_BYTES: usize = 8 * 1024 * 1024;

/// What the index keeps of one file.
#[derive(Debug)]
pub struct IndexedFile {
    pub kind: FileKind,
    pub text: Arc<str>,
    pub content: Content,
    /// A template's model, read for linking. Indexing a workspace drops a SAM/CloudFormation
    /// template's once it is linked (and, for `check`, analysed; see `workspace::build_index`);
    /// a file indexed from an open document, or updated, keeps it for its analysis.
    pub model: Option<Arc<TemplateModel>>,
}

#[derive(Debug)]
pub enum Content {
    /// A handler module: the names it exposes (`None`: cannot be known from the file), and the
    /// modules it imports when loaded (followed to the local modules a handler loads).
    Handler {
        exports: Option<Vec<Symbol>>,
        imports: Vec<Import>,
        /// Of a CDK stack file (code that is also a template, see `templates::cdk`): the Lambda
        /// functions its stack declares; empty for other code.
        functions: Vec<Arc<FunctionSpec>>,
    },
    /// A template: its Lambda functions (shared with the links and contexts naming them).
    Template { functions: Vec<Arc<FunctionSpec>> },
}

impl IndexedFile {
    /// Parses a file's text and keeps what linking needs.
    pub fn new(kind: FileKind, text: Arc<str>) -> IndexedFile {
        let tree = parse(kind, &text, None);
        IndexedFile::with_tree(kind, text, tree.as_ref())
    }

    /// Reads a large JSON template in pieces, each parsed by tree-sitter on its own and in
    /// parallel (see [`TemplateModel::read_json_in_pieces`]), without a parse of the whole text;
    /// `None` when it is not read that way (then parse it whole).
    pub fn json_in_pieces(text: Arc<str>) -> Option<IndexedFile> {
        let model = TemplateModel::read_json_in_pieces(&text)?;
        Some(IndexedFile::of_template(
            FileKind::JsonTemplate,
            text,
            model,
        ))
    }

    fn of_template(kind: FileKind, text: Arc<str>, model: TemplateModel) -> IndexedFile {
        let functions = shared(model.function_specs());
        IndexedFile {
            kind,
            text,
            content: Content::Template { functions },
            model: Some(Arc::new(model)),
        }
    }

    /// A template that [`TemplateModel::reads_without_tree`], read in pieces without a parse of
    /// its whole text; `None` when a piece could not be parsed at all (then parse it whole).
    pub fn without_tree(kind: FileKind, text: Arc<str>) -> Option<IndexedFile> {
        let model = TemplateModel::read_without_tree(&text)?;
        Some(IndexedFile::of_template(kind, text, model))
    }

    /// A template that [`IndexedFile::reads_without_tree`], of an edited document, given its text
    /// and model before the edit: the pieces the edit left alone are reused, and the pieces'
    /// trees kept for the next. `None` when a piece could not be read that way (a YAML piece
    /// nested too deep, a JSON text with a syntax error or not laid out plainly): then parse it
    /// whole.
    pub fn without_tree_after(
        kind: FileKind,
        text: Arc<str>,
        previous: Option<(&str, &TemplateModel)>,
    ) -> Option<IndexedFile> {
        let model = match kind {
            FileKind::JsonTemplate => TemplateModel::read_json_in_pieces_after(&text, previous)?,
            _ => TemplateModel::read_without_tree_after(&text, previous)?,
        };
        Some(IndexedFile::of_template(kind, text, model))
    }

    /// Whether a file is read without a parse of its whole text, by `check` and in the editor
    /// alike: a YAML template longer than tree-sitter-yaml parses whole (its rows are 16-bit),
    /// read in pieces ([`TemplateModel::reads_without_tree`]), or a JSON template large enough
    /// to be read in pieces ([`TemplateModel::reads_json_in_pieces`]), unless it mentions
    /// gatelint (its suppressions are read from the whole tree). The rules read its model only,
    /// as they read every template's in `check`.
    pub fn reads_without_tree(kind: FileKind, text: &str) -> bool {
        let long = match kind {
            FileKind::YamlTemplate => TemplateModel::reads_without_tree(kind, text),
            FileKind::JsonTemplate => TemplateModel::reads_json_in_pieces(text),
            _ => false,
        };
        long && !text.contains("gatelint")
    }

    /// Keeps what linking needs from a file already parsed (an open document's tree, which is
    /// kept up to date incrementally): no second parse.
    pub fn with_tree(kind: FileKind, text: Arc<str>, tree: Option<&Tree>) -> IndexedFile {
        // The trees of a template read in pieces serve only the next edit of an open document
        // (see `with_tree_after`): a file read from disk frees each as soon as it is read.
        IndexedFile::with_tree_read(kind, text, tree, None, false)
    }

    /// [`IndexedFile::with_tree`] for an edited file, given its text and model before the edit
    /// (a large template then reuses what the edit left alone).
    pub fn with_tree_after(
        kind: FileKind,
        text: Arc<str>,
        tree: Option<&Tree>,
        previous: Option<(&str, &TemplateModel)>,
    ) -> IndexedFile {
        IndexedFile::with_tree_read(kind, text, tree, previous, true)
    }

    /// [`IndexedFile::with_tree_after`], keeping the trees of a template's pieces or not.
    fn with_tree_read(
        kind: FileKind,
        text: Arc<str>,
        tree: Option<&Tree>,
        previous: Option<(&str, &TemplateModel)>,
        keep_trees: bool,
    ) -> IndexedFile {
        let mut model = None;
        let content = match tree {
            Some(tree) if kind.is_template() => {
                let read = match (previous, keep_trees) {
                    // Compiled when the index joins it with its folder (`read_configuration`).
                    _ if kind == FileKind::Terraform => {
                        TemplateModel::terraform_blocks(tree, &text)
                    }
                    (None, false) => TemplateModel::read_once(kind, tree, &text),
                    _ => TemplateModel::read_after(kind, tree, &text, previous),
                };
                let functions = shared(read.function_specs());
                model = Some(Arc::new(read));
                Content::Template { functions }
            }
            Some(tree) => {
                // A CDK stack file is code and a template at once.
                let stack = TemplateModel::read_cdk(kind, tree, &text);
                let functions = stack
                    .as_ref()
                    .map(|stack| shared(stack.function_specs()))
                    .unwrap_or_default();
                model = stack.map(Arc::new);
                // Kept for every handler of the workspace: without the spare room their vectors
                // grew into while being collected.
                let mut exports = symbols::exported_names(kind, tree, &text);
                if let Some(exports) = &mut exports {
                    exports.shrink_to_fit();
                }
                let mut imports = imports::collect(kind, tree, &text);
                imports.shrink_to_fit();
                Content::Handler {
                    exports,
                    imports,
                    functions,
                }
            }
            None => Content::Handler {
                exports: None,
                imports: Vec::new(),
                functions: Vec::new(),
            },
        };
        IndexedFile {
            kind,
            text,
            content,
            model,
        }
    }
}

/// A template function linked to the handler file that holds its code.
#[derive(Clone, Debug)]
pub struct HandlerLink {
    pub template: PathBuf,
    pub function: Arc<FunctionSpec>,
    pub file: PathBuf,
    /// The handler function's name; `None` for a Rust crate (its `service_fn` handler).
    pub function_name: Option<String>,
}

/// The index of a workspace.
#[derive(Debug, Default)]
pub struct WorkspaceIndex {
    roots: Vec<PathBuf>,
    files: HashMap<PathBuf, IndexedFile>,
    links: Vec<HandlerLink>,
    /// Indexes into `links` by handler file and by template.
    links_by_file: HashMap<PathBuf, Vec<usize>>,
    links_by_template: HashMap<PathBuf, Vec<usize>>,
    /// Indexes into `links` by the local modules each handler loads (what its top-level imports
    /// reach inside its code folder, followed a few modules deep), other than the handler itself.
    loaded_by: HashMap<PathBuf, Vec<usize>>,
    /// The local modules each handler file loads from its code folder (see
    /// [`Self::local_modules`]), by the runtime's kind of module, the folder and the file: what
    /// decides them (the files' imports, which files exist) changes only when a file appears,
    /// disappears or imports other modules, and each of those relinks everything, which
    /// forgets them; a keystroke in a template with thousands of functions asks again for each
    /// (each answer costs a walk of imports and system calls for the files that do not exist).
    /// Filled by the relinking of one template ([`Self::relink_template`]); a full relinking
    /// fills it only for the handler files several links share, and forgets it at its end.
    modules_seen: HashMap<(Module, PathBuf, PathBuf), Vec<PathBuf>>,
    problems: HashMap<PathBuf, Vec<LinkProblem>>,
    /// Whether each folder is inside the roots, as far as one relinking asked: thousands of
    /// functions share a handful of `CodeUri` folders, and each answer costs system calls.
    within_roots_seen: HashMap<PathBuf, bool>,
    /// The roots resolved: where reads may go.
    boundary: Boundary,
    /// Why files that linking wanted were not read, as far as one relinking asked.
    refused: HashMap<PathBuf, String>,
    /// OpenAPI files templates include (`DefinitionUri`, `AWS::Include`), with the text read and
    /// the templates that include each.
    included: HashMap<PathBuf, IncludedFile>,
    /// Terraform files inserted but not yet joined with their folders (see [`Self::insert`]).
    unjoined: HashSet<PathBuf>,
    /// The folders of the local Terraform modules each configuration file's model read (see
    /// [`Self::read_configuration`]): editing a module's file reads its callers again.
    module_folders: HashMap<PathBuf, Vec<PathBuf>>,
}

/// An OpenAPI definition file some templates include.
#[derive(Debug)]
struct IncludedFile {
    text: Arc<str>,
    templates: HashSet<PathBuf>,
}

/// The local modules of one configuration being read (see [`WorkspaceIndex::read_modules`]).
struct Reading<'a> {
    /// The folders calling the one being read, the configuration's first.
    chain: Vec<PathBuf>,
    /// The bytes of `.tf` text read so far, against [`MAX_CONFIGURATION_BYTES`].
    total: &'a mut usize,
    /// The module folders read.
    read: &'a mut Vec<PathBuf>,
    /// The files of each module folder, listed once.
    listed: HashMap<PathBuf, Option<Vec<ConfigurationFile>>>,
}

/// Functions as the index holds them: each one shared by the file declaring it, its links and
/// the contexts of the handlers it runs (not copied into each). Into a vector of their number:
/// collected from the specs' own vector, the pointers would be kept in its buffer (the standard
/// library reuses it), room for as many whole specs as it grew to (18 MB of a 50,000-file run).
fn shared(specs: Vec<FunctionSpec>) -> Vec<Arc<FunctionSpec>> {
    let mut shared = Vec::with_capacity(specs.len());
    shared.extend(specs.into_iter().map(Arc::new));
    shared
}

/// Gives a template file its model, and the functions it declares.
fn set_model(file: &mut IndexedFile, model: TemplateModel) {
    file.content = Content::Template {
        functions: shared(model.function_specs()),
    };
    file.model = Some(Arc::new(model));
}

/// A `.tf` file's blocks, read from its text when the index did not hold them (kept, so that
/// the configuration does not parse it again); `None` when it does not parse.
fn ensure_blocks(file: &mut ConfigurationFile) -> Option<Arc<terraform::Blocks>> {
    if file.blocks.is_none() {
        let tree = parse(FileKind::Terraform, &file.text, None)?;
        file.blocks = Some(Arc::new(terraform::Blocks::read(&tree, &file.text)));
    }
    file.blocks.clone()
}

/// An absolute, lexically normalised path (`.` and `..` resolved without touching the disk).
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    crate::reader::normalize_lexically(&absolute)
}

impl WorkspaceIndex {
    pub fn new(roots: &[PathBuf]) -> WorkspaceIndex {
        WorkspaceIndex {
            roots: roots.iter().map(|root| normalize(root)).collect(),
            boundary: Boundary::within(roots),
            ..WorkspaceIndex::default()
        }
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    pub fn add_root(&mut self, root: &Path) {
        let root = normalize(root);
        if !self.roots.contains(&root) {
            self.roots.push(root);
            self.boundary = Boundary::within(&self.roots);
            self.modules_seen.clear();
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn file(&self, path: &Path) -> Option<&IndexedFile> {
        self.files.get(path)
    }

    pub fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.files
            .get(path)
            .map(|file| Arc::clone(&file.text))
            .or_else(|| self.included.get(path).map(|file| Arc::clone(&file.text)))
    }

    /// Whether a template includes `path` as an OpenAPI definition.
    pub fn is_included(&self, path: &Path) -> bool {
        self.included.contains_key(path)
    }

    pub fn links(&self) -> &[HandlerLink] {
        &self.links
    }

    /// Adds or replaces a file (its path must be normalised). Call [`Self::relink`] afterwards:
    /// a Terraform file is joined with the other files of its folder then, once they are in too.
    pub fn insert(&mut self, path: PathBuf, mut file: IndexedFile) {
        self.include_definitions(&path, &mut file);
        if file.kind == FileKind::Terraform {
            self.unjoined.extend(self.configuration_siblings(&path));
            self.unjoined.insert(path.clone());
        }
        self.read_cdk_app(&path, &mut file);
        self.files.insert(path, file);
        self.modules_seen.clear();
    }

    pub fn remove(&mut self, path: &Path) -> bool {
        self.forget_definitions(path, &[]);
        self.module_folders.remove(path);
        self.modules_seen.clear();
        self.files.remove(path).is_some()
    }

    /// Reads the OpenAPI files a template's APIs name (`DefinitionUri`, `AWS::Include`) and puts
    /// them in its model, so that their integrations link routes to functions as inline ones do.
    /// A file outside the roots, missing or unreadable leaves its API unread, as an S3 location.
    fn include_definitions(&mut self, path: &Path, file: &mut IndexedFile) {
        let model = file.model.as_mut();
        let references = model
            .as_ref()
            .map(|model| model.definition_references())
            .unwrap_or_default();
        let Some(model) = model
            .and_then(Arc::get_mut)
            .filter(|_| !references.is_empty())
        else {
            self.forget_definitions(path, &[]);
            return;
        };
        let base = path.parent().unwrap_or(Path::new("/"));
        let mut files = Vec::new();
        for reference in references {
            let included = normalize(&base.join(&reference.location));
            if !self.within_roots(&included) {
                continue;
            }
            let text = match self.included.get(&included) {
                Some(known) => Arc::clone(&known.text),
                None => match fs::read_text(&included, &self.boundary) {
                    Ok(text) => Arc::from(text),
                    Err(_) => continue,
                },
            };
            self.included
                .entry(included.clone())
                .or_insert_with(|| IncludedFile {
                    text: Arc::clone(&text),
                    templates: HashSet::new(),
                })
                .templates
                .insert(path.to_path_buf());
            files.push(DefinitionFile {
                reference,
                path: included,
                text,
            });
        }
        let kept: Vec<PathBuf> = files.iter().map(|file| file.path.clone()).collect();
        self.forget_definitions(path, &kept);
        model.attach_definitions(&file.text, files);
        if let Content::Template { functions } = &mut file.content {
            *functions = shared(model.function_specs());
        }
    }

    /// Reads a Terraform file with the other `.tf` files of its folder, which form one
    /// configuration with it (a permission is often in another file than the integration): the
    /// configuration is compiled once, and this file and each other file of the folder the
    /// index holds get their view of it (see [`TemplateModel::view`]); returns those others.
    /// The texts of files the index holds (open in the editor) are used as they are, with the
    /// blocks read when they were indexed (no file is parsed again). A folder of more than
    /// [`MAX_CONFIGURATION_FILES`] files or bytes past [`MAX_CONFIGURATION_BYTES`] stays read
    /// file by file, and its permission findings unreported. The local modules the
    /// configuration calls are read with it (see [`Self::read_modules`]), within the same
    /// limit of bytes.
    fn read_configuration(&mut self, path: &Path, file: &mut IndexedFile) -> Vec<PathBuf> {
        if file.kind != FileKind::Terraform {
            return Vec::new();
        }
        let Some(blocks) = file
            .model
            .as_ref()
            .and_then(|model| model.read.terraform.clone())
        else {
            return Vec::new();
        };
        let mut total = file.text.len();
        let folder = path.parent().unwrap_or(Path::new("/")).to_path_buf();
        let mut siblings = self.configuration_files(&folder, Some(path), &mut total);
        let mut modules = Vec::new();
        let mut read = Vec::new();
        if let Some(siblings) = siblings.as_mut() {
            let mut all = vec![Arc::clone(&blocks)];
            all.extend(siblings.iter_mut().filter_map(ensure_blocks));
            let mut reading = Reading {
                chain: vec![folder.clone()],
                total: &mut total,
                read: &mut read,
                listed: HashMap::new(),
            };
            modules = self.read_modules(&folder, &all, &mut reading);
        }
        let joined = match siblings {
            Some(mut files) if !files.is_empty() || !modules.is_empty() => {
                files.push(ConfigurationFile {
                    path: path.to_path_buf(),
                    text: Arc::clone(&file.text),
                    blocks: Some(Arc::clone(&blocks)),
                });
                files.sort_by(|a, b| a.path.cmp(&b.path));
                TemplateModel::folder(files, modules)
            }
            siblings => {
                // Alone: the only file of its folder (complete), or a folder not read whole.
                let alone = siblings.map(|_| Vec::new());
                let model =
                    TemplateModel::configuration_with_modules(&file.text, blocks, alone, modules);
                self.set_module_folders(path, read);
                set_model(file, model);
                return Vec::new();
            }
        };
        let Some(configuration) = joined else {
            // A file of the folder does not parse: the configuration may hold anything.
            let model = TemplateModel::configuration(&file.text, blocks, None);
            self.set_module_folders(path, read);
            set_model(file, model);
            return Vec::new();
        };
        let mut others = Vec::new();
        for (at, part) in configuration.included.iter().enumerate() {
            if part.path == path {
                self.set_module_folders(path, read.clone());
                set_model(
                    file,
                    TemplateModel::view(&configuration, at, Arc::clone(&blocks)),
                );
                continue;
            }
            let Some(sibling) = self.files.get_mut(&part.path) else {
                continue;
            };
            let Some(own) = sibling
                .model
                .as_ref()
                .and_then(|model| model.read.terraform.clone())
            else {
                continue;
            };
            set_model(sibling, TemplateModel::view(&configuration, at, own));
            others.push(part.path.clone());
        }
        for other in &others {
            self.set_module_folders(other, read.clone());
        }
        others
    }

    /// Keeps which local module folders a configuration file's model read (see
    /// [`Self::module_callers`]).
    fn set_module_folders(&mut self, path: &Path, read: Vec<PathBuf>) {
        if read.is_empty() {
            self.module_folders.remove(path);
        } else {
            self.module_folders.insert(path.to_path_buf(), read);
        }
    }

    /// The local modules (`source = "./modules/api"`) that files of a configuration in `folder`
    /// call, each module folder's `.tf` files read as siblings are (inside the roots, within the
    /// limits), and the modules they call in turn, [`terraform::MAX_MODULE_DEPTH`] deep; a
    /// folder already in the chain of callers (a cycle) is not read again.
    fn read_modules(
        &self,
        folder: &Path,
        blocks: &[Arc<terraform::Blocks>],
        reading: &mut Reading<'_>,
    ) -> Vec<ModuleRead> {
        let mut modules = Vec::new();
        for call in blocks
            .iter()
            .flat_map(|blocks| terraform::local_module_calls(blocks))
        {
            let target = normalize(&folder.join(&call.source));
            let readable = reading.chain.len() <= terraform::MAX_MODULE_DEPTH
                && !reading.chain.contains(&target)
                && self.within_roots(&target);
            let mut files = readable
                .then(|| self.module_files(&target, reading))
                .flatten()
                .filter(|files| !files.is_empty());
            let mut calls = Vec::new();
            // A folder the configuration may read, kept even when it has no `.tf` file yet: a
            // module file created there later reads the configuration again (see
            // [`Self::module_callers`]).
            if readable && !reading.read.contains(&target) {
                reading.read.push(target.clone());
            }
            if let Some(files) = files.as_mut() {
                let nested: Vec<Arc<terraform::Blocks>> =
                    files.iter_mut().filter_map(ensure_blocks).collect();
                reading.chain.push(target.clone());
                calls = self.read_modules(&target, &nested, reading);
                reading.chain.pop();
            }
            modules.push(ModuleRead {
                name: call.name,
                folder: target,
                files,
                calls,
            });
        }
        modules
    }

    /// A module folder's files, listed once per configuration (each call counts its bytes).
    fn module_files(
        &self,
        folder: &Path,
        reading: &mut Reading<'_>,
    ) -> Option<Vec<ConfigurationFile>> {
        let files = match reading.listed.get(folder) {
            Some(known) => known.clone(),
            None => {
                let mut bytes = 0;
                let files = self.configuration_files(folder, None, &mut bytes);
                reading.listed.insert(folder.to_path_buf(), files.clone());
                files
            }
        }?;
        *reading.total += files.iter().map(|file| file.text.len()).sum::<usize>();
        (*reading.total <= MAX_CONFIGURATION_BYTES).then_some(files)
    }

    /// The `.tf` files of a folder but `except`, with their texts and, for the files the index
    /// holds, their blocks; `None` when the folder cannot be read whole (`total`: the bytes
    /// read so far, against [`MAX_CONFIGURATION_BYTES`]).
    fn configuration_files(
        &self,
        folder: &Path,
        except: Option<&Path>,
        total: &mut usize,
    ) -> Option<Vec<ConfigurationFile>> {
        let listing = std::fs::read_dir(folder).ok()?;
        let mut names: Vec<PathBuf> = listing
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|sibling| {
                Some(sibling.as_path()) != except
                    && sibling
                        .file_name()
                        .and_then(|name| name.to_str())
                        .is_some_and(terraform::is_configuration_file)
            })
            .collect();
        if names.len() > MAX_CONFIGURATION_FILES {
            return None;
        }
        names.sort();
        let mut siblings = Vec::new();
        for sibling in names {
            let (text, blocks) = match self.files.get(&sibling) {
                Some(indexed) => (
                    Arc::clone(&indexed.text),
                    indexed
                        .model
                        .as_ref()
                        .and_then(|model| model.read.terraform.clone()),
                ),
                // A file of the configuration that cannot be read: it may hold anything.
                None => (
                    Arc::from(fs::read_text(&sibling, &self.boundary).ok()?),
                    None,
                ),
            };
            *total += text.len();
            if *total > MAX_CONFIGURATION_BYTES {
                return None;
            }
            siblings.push(ConfigurationFile {
                path: sibling,
                text,
                blocks,
            });
        }
        Some(siblings)
    }

    /// The configuration files whose models read a local module in the folder of `path`.
    fn module_callers(&self, path: &Path) -> Vec<PathBuf> {
        let Some(folder) = path.parent() else {
            return Vec::new();
        };
        let mut callers: Vec<PathBuf> = self
            .module_folders
            .iter()
            .filter(|(caller, folders)| {
                caller.as_path() != path && folders.iter().any(|read| read == folder)
            })
            .map(|(caller, _)| caller.clone())
            .collect();
        callers.sort();
        callers
    }

    /// Joins the Terraform files inserted since the last [`Self::relink`] (and the files of
    /// their folders) with their configurations, each folder once all its files are in.
    fn join_configurations(&mut self) {
        let mut pending: Vec<PathBuf> = std::mem::take(&mut self.unjoined).into_iter().collect();
        pending.sort();
        let mut joined = HashSet::new();
        for path in pending {
            if joined.contains(&path) {
                continue;
            }
            let Some(mut file) = self.files.remove(&path) else {
                continue;
            };
            joined.extend(self.read_configuration(&path, &mut file));
            self.files.insert(path, file);
        }
    }

    /// Reads again the configurations calling a local module whose file `path` changed, and
    /// relinks them.
    fn reread_module_callers(&mut self, path: &Path) {
        let callers = self.module_callers(path);
        let mut joined = HashSet::new();
        for caller in &callers {
            if joined.contains(caller) {
                continue;
            }
            let Some(mut file) = self.files.remove(caller) else {
                continue;
            };
            joined.extend(self.read_configuration(caller, &mut file));
            self.files.insert(caller.clone(), file);
        }
        for caller in &callers {
            self.relink_template(caller);
        }
    }

    /// Puts a CDK stack file's asset paths in place: `Code.fromAsset('lambda')` and
    /// `NodejsFunction` entries are relative to the CDK app's folder, the nearest folder upwards
    /// (within the roots) holding `cdk.json`. Without one those paths stay unknown.
    fn read_cdk_app(&mut self, path: &Path, file: &mut IndexedFile) {
        let Content::Handler { functions, .. } = &mut file.content else {
            return;
        };
        let Some(model) = file.model.as_mut().and_then(Arc::get_mut) else {
            return;
        };
        let Some(folder) = path.parent() else {
            return;
        };
        let mut app_root = None;
        let mut up = Vec::new();
        for ancestor in folder.ancestors() {
            if !self.roots.iter().any(|root| ancestor.starts_with(root)) {
                break;
            }
            if ancestor.join("cdk.json").is_file() {
                app_root = Some(if up.is_empty() {
                    ".".to_owned()
                } else {
                    up.join("/")
                });
                break;
            }
            up.push("..");
        }
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        model.attach_cdk_app(app_root.as_deref(), stem);
        *functions = shared(model.function_specs());
    }

    /// Forgets that a template includes the definition files other than `kept` (it changed or
    /// went away); a file no template includes any more is dropped.
    fn forget_definitions(&mut self, template: &Path, kept: &[PathBuf]) {
        self.included.retain(|path, included| {
            if !kept.contains(path) {
                included.templates.remove(template);
            }
            !included.templates.is_empty()
        });
    }

    /// A definition file changed (`Some`: its new text) or went away: the templates including it
    /// read it again and are relinked. Returns those templates.
    pub fn update_included(&mut self, path: &Path, text: Option<Arc<str>>) -> Vec<PathBuf> {
        let Some(included) = self.included.get_mut(path) else {
            return Vec::new();
        };
        let templates: Vec<PathBuf> = included.templates.iter().cloned().collect();
        match text {
            Some(text) => included.text = text,
            // Gone: the templates read the disk again (and find nothing).
            None => {
                self.included.remove(path);
            }
        }
        for template in &templates {
            let Some(old) = self.files.get(template) else {
                continue;
            };
            let file = IndexedFile::new(old.kind, Arc::clone(&old.text));
            self.update(template, Some(file));
        }
        templates
    }

    /// Whether a path is inside a root, lexically and, once symbolic links are resolved (as far
    /// as it exists): a link inside the workspace never leads a read outside it.
    fn within_roots(&self, path: &Path) -> bool {
        self.roots.iter().any(|root| path.starts_with(root)) && self.boundary.contains(path)
    }

    /// The boundary reads stay within: the roots, resolved.
    pub fn boundary(&self) -> &Boundary {
        &self.boundary
    }

    /// The files whose findings depend on `path`: the handlers a template links to, or the
    /// templates that link to a handler file.
    pub fn dependants(&self, path: &Path) -> HashSet<PathBuf> {
        let loaded: Vec<PathBuf> = self
            .loaded_by
            .iter()
            .filter(|(_, links)| links.iter().any(|&at| self.links[at].template == path))
            .map(|(file, _)| file.clone())
            .collect();
        let handlers = self
            .links_of_template(path)
            .map(|link| link.file.clone())
            .chain(loaded);
        let templates = self.links_of_file(path).map(|link| link.template.clone());
        let mut found: HashSet<PathBuf> = handlers.chain(templates).collect();
        // An included OpenAPI file: the templates including it, and their handlers.
        if let Some(included) = self.included.get(path) {
            for template in &included.templates {
                found.insert(template.clone());
                found.extend(
                    self.links_of_template(template)
                        .map(|link| link.file.clone()),
                );
            }
        }
        // A Terraform file: the other files of its configuration, and their handlers; a file of
        // a local module: the configurations calling it, and their handlers.
        let callers = match path.extension().is_some_and(|extension| extension == "tf") {
            true => self.module_callers(path),
            false => Vec::new(),
        };
        for sibling in self.configuration_siblings(path).into_iter().chain(callers) {
            found.extend(
                self.links_of_template(&sibling)
                    .map(|link| link.file.clone()),
            );
            found.insert(sibling);
        }
        found
    }

    /// The other indexed `.tf` files of the folder of a Terraform file.
    fn configuration_siblings(&self, path: &Path) -> Vec<PathBuf> {
        let is_terraform = |path: &Path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(terraform::is_configuration_file)
        };
        if !is_terraform(path) {
            return Vec::new();
        }
        let folder = path.parent();
        self.files
            .iter()
            .filter(|(other, file)| {
                file.kind == FileKind::Terraform
                    && other.as_path() != path
                    && other.parent() == folder
            })
            .map(|(other, _)| other.clone())
            .collect()
    }

    /// The links whose handler is in `path`.
    fn links_of_file<'a>(&'a self, path: &Path) -> impl Iterator<Item = &'a HandlerLink> + 'a {
        self.links_by_file
            .get(path)
            .into_iter()
            .flatten()
            .map(|&at| &self.links[at])
    }

    /// The links a template declares.
    fn links_of_template<'a>(&'a self, path: &Path) -> impl Iterator<Item = &'a HandlerLink> + 'a {
        self.links_by_template
            .get(path)
            .into_iter()
            .flatten()
            .map(|&at| &self.links[at])
    }

    /// Adds, replaces (`Some`) or removes (`None`) one file and updates the links as far as the
    /// change requires: nothing when a handler keeps the names it exports, the template's own
    /// links when a template changes, every link otherwise (a file appeared or disappeared, or a
    /// handler's exported names changed). The path must be normalised.
    ///
    /// Returns the file it replaced or removed (freeing a large template's model takes a while:
    /// the caller may do it when nothing waits for it).
    pub fn update(&mut self, path: &Path, file: Option<IndexedFile>) -> Option<IndexedFile> {
        let mut joined = HashSet::new();
        let old = match file {
            Some(mut file) => {
                self.include_definitions(path, &mut file);
                joined.extend(self.read_configuration(path, &mut file));
                self.read_cdk_app(path, &mut file);
                self.files.insert(path.to_path_buf(), file)
            }
            None => {
                self.forget_definitions(path, &[]);
                self.files.remove(path)
            }
        };
        // The other files of a Terraform configuration read this one's text too: they got their
        // view of the configuration compiled with it, or (this file gone, or the folder not
        // compiled together) read it again.
        for sibling in self.configuration_siblings(path) {
            if !joined.contains(&sibling) {
                if let Some(mut file) = self.files.remove(&sibling) {
                    joined.extend(self.read_configuration(&sibling, &mut file));
                    self.files.insert(sibling.clone(), file);
                }
                joined.insert(sibling.clone());
            }
            self.relink_template(&sibling);
        }
        if path.extension().is_some_and(|extension| extension == "tf") {
            self.reread_module_callers(path);
        }
        let new = self.files.get(path);
        match (
            old.as_ref().map(|file| &file.content),
            new.map(|file| &file.content),
        ) {
            (
                Some(Content::Handler {
                    exports: before,
                    imports: imported_before,
                    functions: declared_before,
                }),
                Some(Content::Handler {
                    exports: after,
                    imports: imported_after,
                    functions: declared_after,
                }),
            ) if same_names(before.as_deref(), after.as_deref())
                && same_modules(imported_before, imported_after) =>
            {
                // A CDK stack file: its own links.
                if !declared_before.is_empty() || !declared_after.is_empty() {
                    self.relink_template(path);
                }
            }
            (Some(Content::Template { .. }), Some(Content::Template { .. })) => {
                self.relink_template(path)
            }
            (None, None) => {}
            _ => self.relink(),
        }
        old
    }

    /// Recomputes every template → handler link. Handler files that are not indexed yet (outside
    /// the paths given, or ignored build output) are read from disk when inside the roots.
    pub fn relink(&mut self) {
        self.start_linking();
        self.finish_linking(&HashSet::new());
    }

    /// Starts linking from scratch in steps, as `check` does while it reads templates in rounds:
    /// [`Self::link`] each round's templates, then [`Self::finish_linking`]. The files a
    /// template's functions run must be in the index first (files outside the paths given are
    /// read when linking asks for them); what one template's functions link to does not depend
    /// on any other template, so the links are those [`Self::relink`] makes.
    pub fn start_linking(&mut self) {
        self.join_configurations();
        self.within_roots_seen.clear();
        self.refused.clear();
        self.modules_seen.clear();
        self.links.clear();
        self.problems.clear();
        self.links_by_file.clear();
        self.links_by_template.clear();
        self.loaded_by.clear();
    }

    /// Links the functions of these templates (during a linking begun by
    /// [`Self::start_linking`]): after it, their link problems are known ([`Self::context`]);
    /// the handlers' side of the links waits for [`Self::finish_linking`].
    pub fn link(&mut self, templates: &[PathBuf]) {
        let mut links = std::mem::take(&mut self.links);
        let mut problems = std::mem::take(&mut self.problems);
        for template in templates {
            let specs = match self.files.get(template).map(|file| &file.content) {
                Some(Content::Template { functions } | Content::Handler { functions, .. }) => {
                    functions.clone()
                }
                None => continue,
            };
            self.resolve_template(template, specs, &mut links, &mut problems);
        }
        self.links = links;
        self.problems = problems;
    }

    /// Links every template not in `linked` and orders the links (see [`Self::start_linking`]).
    pub fn finish_linking(&mut self, linked: &HashSet<PathBuf>) {
        let mut templates: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(path, _)| !linked.contains(*path))
            .filter(|(_, file)| match &file.content {
                Content::Template { .. } => true,
                Content::Handler { functions, .. } => !functions.is_empty(),
            })
            .map(|(path, _)| path.clone())
            .collect();
        templates.sort();
        self.link(&templates);
        self.sort_links(false);
        // Remembered for the keystrokes in a template that relink it alone, which fill it again
        // as they go: `check` relinks everything once, and would only hold it (15 MB of a
        // 50,000-file run).
        self.modules_seen = HashMap::new();
    }

    /// Drops a template's model once nothing will read it again (`check`, after analysing the
    /// template): its functions, text and links stay.
    pub fn forget_model(&mut self, path: &Path) {
        if let Some(file) = self.files.get_mut(path) {
            file.model = None;
        }
    }

    /// Recomputes the links of one template, keeping the others: what a template's own text
    /// decides (its functions' `CodeUri` and `Handler`) cannot change another template's links.
    fn relink_template(&mut self, template: &Path) {
        self.within_roots_seen.clear();
        self.refused.clear();
        let specs = match self.files.get(template).map(|file| &file.content) {
            Some(Content::Template { functions } | Content::Handler { functions, .. }) => {
                functions.clone()
            }
            None => Vec::new(),
        };
        let mut links = std::mem::take(&mut self.links);
        links.retain(|link| link.template != template);
        let mut problems = std::mem::take(&mut self.problems);
        problems.remove(template);
        self.resolve_template(template, specs, &mut links, &mut problems);
        self.links = links;
        self.problems = problems;
        self.sort_links(true);
    }

    fn resolve_template(
        &mut self,
        template: &Path,
        specs: Vec<Arc<FunctionSpec>>,
        links: &mut Vec<HandlerLink>,
        problems: &mut HashMap<PathBuf, Vec<LinkProblem>>,
    ) {
        for spec in specs {
            match self.resolve(template, &spec) {
                Resolution::Linked {
                    file,
                    function_name,
                } => links.push(HandlerLink {
                    template: template.to_path_buf(),
                    function: spec,
                    file,
                    function_name,
                }),
                Resolution::Problem(problem) => problems
                    .entry(template.to_path_buf())
                    .or_default()
                    .push(problem),
                Resolution::NotAnalysed => {}
            }
        }
    }

    /// Orders the links (by template, then position) and rebuilds the maps into them. The local
    /// modules of each handler are remembered (`modules_seen`) for every link when `remember_all`
    /// (the relinking of one template, for the next keystroke's), else only for a handler file
    /// that several links share (a full relinking forgets them at its end: remembering every
    /// one was 14 MB of a 50,000-file run's peak, for no answer asked twice).
    fn sort_links(&mut self, remember_all: bool) {
        self.links.sort_by(|a, b| {
            (&a.template, a.function.id_range.start).cmp(&(&b.template, b.function.id_range.start))
        });
        self.links_by_file.clear();
        self.links_by_template.clear();
        for (at, link) in self.links.iter().enumerate() {
            self.links_by_file
                .entry(link.file.clone())
                .or_default()
                .push(at);
            self.links_by_template
                .entry(link.template.clone())
                .or_default()
                .push(at);
        }
        self.loaded_by.clear();
        for at in 0..self.links.len() {
            let remember = remember_all
                || self
                    .links_by_file
                    .get(&self.links[at].file)
                    .is_some_and(|links| links.len() > 1);
            for module in self.local_modules(at, remember) {
                self.loaded_by.entry(module).or_default().push(at);
            }
        }
    }

    /// The local modules the handler of `links[at]` loads: its top-level imports resolved inside
    /// its code folder (Node `./` and `../` paths; Python modules from the code folder, relative
    /// imports from the importing file's package), followed `MAX_DEPTH` modules deep.
    fn local_modules(&mut self, at: usize, remember: bool) -> Vec<PathBuf> {
        const MAX_DEPTH: usize = 4;
        let link = &self.links[at];
        let module = match link.function.family {
            RuntimeFamily::Python => Module::Python,
            RuntimeFamily::Node => Module::Node,
            RuntimeFamily::Rust | RuntimeFamily::Other => return Vec::new(),
        };
        let Some(code_uri) = link.function.code_uri.as_ref() else {
            return Vec::new();
        };
        let base = link.template.parent().unwrap_or(Path::new("/"));
        let code_dir = normalize(&base.join(&code_uri.text));
        let handler = link.file.clone();
        if !handler.starts_with(&code_dir) {
            return Vec::new();
        }
        let key = (module, code_dir, handler);
        if let Some(seen) = self.modules_seen.get(&key) {
            return seen.clone();
        }
        let (module, code_dir, handler) = key;
        let mut seen: Vec<PathBuf> = vec![handler.clone()];
        let mut frontier = vec![handler];
        for _ in 0..MAX_DEPTH {
            let mut next = Vec::new();
            for file in frontier {
                // Each import, and for Python's `from package import module` the members,
                // which may be modules of the package.
                let imported: Vec<String> = match self.files.get(&file).map(|f| &f.content) {
                    Some(Content::Handler { imports, .. }) => imports
                        .iter()
                        .flat_map(|import| {
                            let separator = if import.module.ends_with('.') {
                                ""
                            } else {
                                "."
                            };
                            std::iter::once(import.module.clone()).chain(
                                import.members.iter().map(move |member| {
                                    format!("{}{separator}{member}", import.module)
                                }),
                            )
                        })
                        .collect(),
                    _ => continue,
                };
                for specifier in imported {
                    let found = module
                        .local_candidates(&file, &code_dir, &specifier)
                        .into_iter()
                        .find(|candidate| candidate.starts_with(&code_dir) && self.load(candidate));
                    if let Some(found) = found.filter(|found| !seen.contains(found)) {
                        seen.push(found.clone());
                        next.push(found);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        let handler = seen.remove(0);
        if remember {
            self.modules_seen
                .insert((module, code_dir, handler), seen.clone());
        }
        seen
    }

    /// Whether a file exists: indexed, or on disk inside the roots (then indexed now). A file
    /// that exists but is not read (a link out of the workspace, permission denied, a FIFO, too
    /// large, not UTF-8) is remembered with the reason in `refused`.
    fn load(&mut self, path: &Path) -> bool {
        if self.files.contains_key(path) {
            return true;
        }
        if !self.roots.iter().any(|root| path.starts_with(root)) {
            return false;
        }
        let text = match fs::read_text(path, &self.boundary) {
            Ok(text) => text,
            Err(Refusal::Missing) => return false,
            Err(refusal) => {
                self.refused.insert(path.to_path_buf(), refusal.to_string());
                return false;
            }
        };
        let Some(kind) = FileKind::detect(path, &text) else {
            return false;
        };
        let file = IndexedFile::new(kind, Arc::from(text));
        self.files.insert(path.to_path_buf(), file);
        true
    }

    fn resolve(&mut self, template: &Path, spec: &FunctionSpec) -> Resolution {
        // Inline code wins over `CodeUri` (SAM uses it); a wrapper script (`run.sh` behind the
        // Lambda Web Adapter) is no module of the runtime.
        if spec.image
            || spec.family == RuntimeFamily::Other
            || spec.code_elsewhere
            || spec.inline_code.is_some()
            || spec
                .handler
                .as_ref()
                .is_some_and(|handler| handler.text.ends_with(".sh"))
        {
            return Resolution::NotAnalysed;
        }
        let Some(code_uri) = &spec.code_uri else {
            return Resolution::NotAnalysed;
        };
        let base = template.parent().unwrap_or(Path::new("/"));
        let code_dir = normalize(&base.join(&code_uri.text));
        let within = match self.within_roots_seen.get(&code_dir) {
            Some(&within) => within,
            None => {
                let within = self.within_roots(&code_dir);
                self.within_roots_seen.insert(code_dir.clone(), within);
                within
            }
        };
        if !within || is_archive(&code_uri.text) {
            return Resolution::NotAnalysed;
        }
        if !code_dir.is_dir() {
            // A single file as `CodeUri` is packaged as is.
            if code_dir.exists()
                || looks_like_build_output(&code_uri.text)
                || spec.build_method.as_deref() == Some(terraform::BUILD)
                || matches!(spec.dialect, Dialect::Cdk { .. })
            {
                return Resolution::NotAnalysed;
            }
            return Resolution::Problem(LinkProblem {
                logical_id: spec.logical_id.clone(),
                api_invoked: !spec.invocations.is_empty(),
                kind: LinkProblemKind::CodeUriMissing {
                    resolved: display_relative(&code_dir, base),
                },
                range: code_uri.range,
            });
        }
        match spec.family {
            RuntimeFamily::Python => self.resolve_module(spec, &code_dir, base, Module::Python),
            RuntimeFamily::Node => self.resolve_module(spec, &code_dir, base, Module::Node),
            RuntimeFamily::Rust => {
                if !code_dir.join("Cargo.toml").is_file() {
                    return Resolution::NotAnalysed;
                }
                let binary = spec
                    .binary
                    .as_ref()
                    .map(|name| code_dir.join("src/bin").join(format!("{name}.rs")));
                let candidates = binary.into_iter().chain([code_dir.join("src/main.rs")]);
                for candidate in candidates {
                    if self.load(&candidate) {
                        return Resolution::Linked {
                            file: candidate,
                            function_name: None,
                        };
                    }
                }
                Resolution::NotAnalysed
            }
            RuntimeFamily::Other => Resolution::NotAnalysed,
        }
    }

    fn resolve_module(
        &mut self,
        spec: &FunctionSpec,
        code_dir: &Path,
        base: &Path,
        module: Module,
    ) -> Resolution {
        let Some(handler) = &spec.handler else {
            return Resolution::NotAnalysed;
        };
        let Some((module_path, function)) = module.split(&handler.text) else {
            return Resolution::NotAnalysed;
        };
        let mut candidates = module.candidates(code_dir, &module_path);
        // esbuild builds the bundle from its entry points: the TypeScript source is the handler.
        let esbuild = spec.build_method.as_deref() == Some("esbuild");
        if esbuild {
            let stem = Path::new(&module_path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned());
            let matching: Vec<&String> = spec
                .entry_points
                .iter()
                .filter(|entry| {
                    Path::new(entry.as_str())
                        .file_stem()
                        .map(|name| name.to_string_lossy().into_owned())
                        == stem
                })
                .collect();
            let chosen = match (matching.as_slice(), spec.entry_points.as_slice()) {
                ([only], _) => Some((*only).clone()),
                ([], [only]) => Some(only.clone()),
                _ => None,
            };
            match chosen {
                Some(entry) => candidates.insert(0, normalize(&code_dir.join(entry))),
                // Without a known entry point the bundle's source cannot be told.
                None if !spec.entry_points.is_empty() => return Resolution::NotAnalysed,
                None => {}
            }
        }
        let found = candidates
            .iter()
            .find(|candidate| self.load(candidate))
            .cloned();
        let Some(file) = found else {
            // TypeScript compiled by `tsc` or a bundler: the handler names build output that is
            // not in the workspace. Without knowing the build, say nothing.
            if let Some((candidate, reason)) = candidates
                .iter()
                .find_map(|candidate| Some((candidate, self.refused.get(candidate)?)))
            {
                return Resolution::Problem(LinkProblem {
                    logical_id: spec.logical_id.clone(),
                    api_invoked: !spec.invocations.is_empty(),
                    kind: LinkProblemKind::FileNotRead {
                        file: display_relative(candidate, base),
                        reason: reason.clone(),
                    },
                    range: handler.range,
                });
            }
            // Likewise a Makefile build, a Serverless Framework plugin that may build or write
            // handlers, or a `CodeUri` or handler path at build output (`dist/`, `.aws-sam/build`).
            if (module == Module::Node
                && (esbuild || (self.within_roots(code_dir) && self.has_build_setup(code_dir))))
                || matches!(
                    spec.build_method.as_deref(),
                    Some("makefile" | serverless::PLUGIN_BUILD | terraform::BUILD | cdk::BUILD)
                )
                || matches!(spec.dialect, Dialect::Cdk { .. })
                || looks_like_build_output(&module_path)
                // An absolute path is used as is (`/opt/...`: a layer); a module under
                // `node_modules` is a dependency the build installs.
                || module_path.starts_with('/')
                || Path::new(&module_path)
                    .components()
                    .any(|part| part.as_os_str() == "node_modules")
                || spec
                    .code_uri
                    .as_ref()
                    .is_some_and(|code_uri| looks_like_build_output(&code_uri.text))
            {
                return Resolution::NotAnalysed;
            }
            return Resolution::Problem(LinkProblem {
                logical_id: spec.logical_id.clone(),
                api_invoked: !spec.invocations.is_empty(),
                kind: LinkProblemKind::FileMissing {
                    handler: handler.text.clone(),
                    tried: candidates
                        .iter()
                        .map(|candidate| display_relative(candidate, base))
                        .collect(),
                },
                range: handler.range,
            });
        };
        let exports = match self.files.get(&file).map(|indexed| &indexed.content) {
            Some(Content::Handler { exports, .. }) => exports.as_ref(),
            _ => None,
        };
        if let Some(exports) = exports {
            if !exports.iter().any(|symbol| symbol.name == function) {
                let mut available: Vec<String> = exports
                    .iter()
                    .filter(|symbol| symbol.is_function)
                    .map(|symbol| symbol.name.clone())
                    .collect();
                available.dedup();
                return Resolution::Problem(LinkProblem {
                    logical_id: spec.logical_id.clone(),
                    api_invoked: !spec.invocations.is_empty(),
                    kind: LinkProblemKind::FunctionMissing {
                        function: function.clone(),
                        file: display_relative(&file, base),
                        available,
                        function_range: function_part_range(handler, &function),
                    },
                    range: handler.range,
                });
            }
        }
        Resolution::Linked {
            file,
            function_name: Some(function),
        }
    }

    /// Whether a Node code folder builds its handler (TypeScript, a bundler, a build script);
    /// `package.json` is read through the guarded reader, inside the roots.
    fn has_build_setup(&self, code_dir: &Path) -> bool {
        if std::fs::metadata(code_dir.join("tsconfig.json")).is_ok_and(|meta| meta.is_file()) {
            return true;
        }
        fs::read_text(&code_dir.join("package.json"), &self.boundary)
            .is_ok_and(|package| package.contains("\"build\"") || package.contains("typescript"))
    }

    /// Whether a file lies in the functions folder of a Netlify project: a folder above it (inside
    /// the root that holds it) has a `netlify.toml`, read through the guarded reader, whose
    /// functions folder holds the file. The nearest `netlify.toml` decides.
    fn in_netlify_functions(&self, path: &Path) -> bool {
        let Some(root) = self
            .roots
            .iter()
            .filter(|root| path.starts_with(root))
            .max_by_key(|root| root.components().count())
        else {
            return false;
        };
        // Ancestors of one path: as many as its components, never a walk of a tree.
        for folder in path.ancestors().skip(1) {
            if !folder.starts_with(root) {
                break;
            }
            let toml = folder.join("netlify.toml");
            if std::fs::metadata(&toml).is_ok_and(|meta| meta.is_file()) {
                return fs::read_text(&toml, &self.boundary).is_ok_and(|text| {
                    front_doors::netlify_functions_dirs(&text)
                        .iter()
                        .any(|functions| path.starts_with(normalize(&folder.join(functions))))
                });
            }
        }
        false
    }

    /// What a linked function's package holds besides the handler (see [`CodePackage`]): the
    /// manifests from the handler's folder up to its code folder and above it to the root, and
    /// the modules present in those folders. Manifests are read through the guarded reader,
    /// folders listed only inside the roots.
    fn code_package(&self, link: &HandlerLink) -> Option<CodePackage> {
        let module = match link.function.family {
            RuntimeFamily::Python => Module::Python,
            RuntimeFamily::Node => Module::Node,
            RuntimeFamily::Rust | RuntimeFamily::Other => return None,
        };
        let code_uri = link.function.code_uri.as_ref()?;
        let base = link.template.parent().unwrap_or(Path::new("/"));
        let code_dir = normalize(&base.join(&code_uri.text));
        if !self.within_roots(&code_dir) || !link.file.starts_with(&code_dir) {
            return None;
        }
        let root = self
            .roots
            .iter()
            .filter(|root| code_dir.starts_with(root))
            .max_by_key(|root| root.components().count())?;
        let names: &[&str] = match module {
            Module::Python => &[
                "requirements.txt",
                "pyproject.toml",
                "Pipfile",
                "setup.py",
                "setup.cfg",
            ],
            Module::Node => &["package.json"],
        };
        let mut package = CodePackage {
            folder: display_relative(&code_dir, base),
            ..CodePackage::default()
        };
        // Ancestors of one path, never a walk of a tree.
        for folder in link.file.ancestors().skip(1) {
            if !folder.starts_with(root) {
                break;
            }
            let inside = folder.starts_with(&code_dir);
            for name in names {
                let path = folder.join(name);
                if !std::fs::metadata(&path).is_ok_and(|meta| meta.is_file()) {
                    continue;
                }
                let mut manifest = match fs::read_text(&path, &self.boundary) {
                    Ok(text) => read_manifest(name, &text),
                    // Unreadable: what it declares is unknown.
                    Err(_) => Manifest::Mentions { words: Vec::new() },
                };
                if let Manifest::Node {
                    locked,
                    opaque,
                    workspace_root,
                    ..
                } = &mut manifest
                {
                    *locked = self.read_lock(folder).map(Box::new);
                    // A pnpm workspace is declared beside its root `package.json`.
                    let pnpm_workspace = folder.join("pnpm-workspace.yaml");
                    if std::fs::metadata(&pnpm_workspace).is_ok_and(|meta| meta.is_file()) {
                        *opaque = true;
                        *workspace_root = true;
                    }
                }
                if inside {
                    package
                        .manifests
                        .push((display_relative(&path, base), manifest));
                } else {
                    package.outer.push(manifest);
                }
            }
            if inside {
                self.list_present(module, folder, &mut package.present);
            }
        }
        // A workspace member has no lockfile of its own: the workspace root's lockfile holds
        // every package the members' installs bring, a member's among them.
        let root_lock = package.outer.iter().find_map(|manifest| match manifest {
            Manifest::Node {
                workspace_root: true,
                locked,
                ..
            } => Some(locked.clone()),
            _ => None,
        });
        if let Some(Some(root_lock)) = root_lock {
            for (_, manifest) in &mut package.manifests {
                if let Manifest::Node { locked, .. } = manifest {
                    locked.get_or_insert_with(|| root_lock.clone());
                }
            }
        }
        Some(package)
    }

    /// The npm or yarn lockfile in `folder`, read through the guarded reader.
    fn read_lock(&self, folder: &Path) -> Option<manifests::Lock> {
        for (name, read) in [
            (
                "npm-shrinkwrap.json",
                manifests::Lock::npm as fn(&str) -> Option<manifests::Lock>,
            ),
            ("package-lock.json", manifests::Lock::npm),
            ("yarn.lock", manifests::Lock::yarn),
            ("pnpm-lock.yaml", manifests::Lock::pnpm),
        ] {
            let path = folder.join(name);
            if !std::fs::metadata(&path).is_ok_and(|meta| meta.is_file()) {
                continue;
            }
            return fs::read_text(&path, &self.boundary)
                .ok()
                .and_then(|text| read(&text));
        }
        None
    }

    /// Adds the modules present in `folder` to `present`: Python modules and packages, or the
    /// packages of its `node_modules` folder (bounded: a folder lists at most a few thousand).
    fn list_present(&self, module: Module, folder: &Path, present: &mut HashSet<String>) {
        const MOST: usize = 4096;
        let listing = |folder: &Path| -> Vec<(String, bool)> {
            if !self.within_roots(folder) {
                return Vec::new();
            }
            std::fs::read_dir(folder)
                .map(|entries| {
                    entries
                        .flatten()
                        .take(MOST)
                        .filter_map(|entry| {
                            let name = entry.file_name().to_str()?.to_owned();
                            let is_dir = entry.file_type().is_ok_and(|kind| kind.is_dir());
                            Some((name, is_dir))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        match module {
            Module::Python => {
                for (name, is_dir) in listing(folder) {
                    if is_dir {
                        present.insert(name);
                    } else if let Some((stem, extension)) = name.split_once('.') {
                        let module_file = extension == "py"
                            || extension.ends_with(".so")
                            || extension.ends_with(".pyd")
                            || extension == "so";
                        if module_file {
                            present.insert(stem.to_owned());
                        }
                    }
                }
            }
            Module::Node => {
                let node_modules = folder.join("node_modules");
                for (name, is_dir) in listing(&node_modules) {
                    if is_dir && name.starts_with('@') {
                        for (inner, _) in listing(&node_modules.join(&name)) {
                            present.insert(format!("{name}/{inner}"));
                        }
                    } else {
                        present.insert(name);
                    }
                }
            }
        }
    }

    /// What the workspace says about one file, for [`crate::analysis::analyze`].
    pub fn context(&self, path: &Path) -> FileContext {
        // Test code is recognised by the path inside the root that holds the file.
        let relative = self
            .roots
            .iter()
            .filter_map(|root| path.strip_prefix(root).ok())
            .min_by_key(|relative| relative.components().count())
            .unwrap_or(path);
        let mut context = FileContext {
            link_problems: self.problems.get(path).cloned().unwrap_or_default(),
            path: Some(path.to_path_buf()),
            netlify_function: self.in_netlify_functions(path),
            ..FileContext::for_path(relative)
        };
        for &at in self.loaded_by.get(path).into_iter().flatten() {
            let link = &self.links[at];
            context.loaded_by.push(HandlerContext {
                template: link.template.clone(),
                function: link.function.clone(),
                package: self.code_package(link),
            });
        }
        for link in self.links_of_file(path) {
            let handler = HandlerContext {
                template: link.template.clone(),
                function: link.function.clone(),
                package: self.code_package(link),
            };
            match &link.function_name {
                Some(name) => context
                    .handlers
                    .entry(name.clone())
                    .or_default()
                    .push(handler),
                None => context.whole_file.push(handler),
            }
        }
        // Links are kept in the order files were read, which parallel reading varies: what is
        // said of "the first function" must not vary with it.
        let order = |a: &HandlerContext, b: &HandlerContext| {
            (&a.template, &a.function.logical_id).cmp(&(&b.template, &b.function.logical_id))
        };
        for contexts in context.handlers.values_mut() {
            contexts.sort_by(order);
        }
        context.whole_file.sort_by(order);
        context.loaded_by.sort_by(order);
        context
    }

    /// Go to definition from a template's `Handler` value: the linked file and the function's
    /// name (or the file's start when the function cannot be pinned down).
    pub fn definition(&self, template: &Path, offset: usize) -> Option<(PathBuf, TextRange)> {
        let link = self.links_of_template(template).find(|link| {
            link.function
                .handler
                .as_ref()
                .is_some_and(|handler| handler.range.contains(offset))
        })?;
        let target = self.files.get(&link.file)?;
        let range = match (&link.function_name, &target.content) {
            (
                Some(name),
                Content::Handler {
                    exports: Some(exports),
                    ..
                },
            ) => exports
                .iter()
                .find(|symbol| &symbol.name == name)
                .map(|symbol| symbol.range),
            _ => None,
        };
        Some((link.file.clone(), range.unwrap_or(TextRange::empty(0))))
    }

    /// The routes invoking each linked function of a handler file: `(function name or None for
    /// the whole file, template, route descriptions)`.
    pub fn routes(&self, path: &Path) -> Vec<(Option<String>, PathBuf, f64, Vec<Invocation>)> {
        self.links_of_file(path)
            .map(|link| {
                (
                    link.function_name.clone(),
                    link.template.clone(),
                    link.function.timeout_seconds,
                    link.function.invocations.clone(),
                )
            })
            .collect()
    }

    /// Every front door that invokes each handler of a file, summarised with its format and time
    /// budget (`function URL OrdersUrl: payload 2.0, waits for the function's own timeout
    /// (60 s)`), with the template function that runs it and the template's file name.
    pub fn doors(&self, path: &Path) -> Vec<(Option<String>, String, PathBuf, Vec<String>)> {
        self.links_of_file(path)
            .map(|link| {
                let function = &link.function;
                (
                    link.function_name.clone(),
                    function.logical_id.clone(),
                    link.template.clone(),
                    function
                        .invocations
                        .iter()
                        .filter(|invocation| invocation.authorizer.is_none())
                        .map(|invocation| invocation.door_summary(function.timeout_seconds))
                        .collect(),
                )
            })
            .collect()
    }

    /// Where a handler file's exported name is defined.
    pub fn symbol(&self, path: &Path, name: &str) -> Option<TextRange> {
        match &self.files.get(path)?.content {
            Content::Handler {
                exports: Some(exports),
                ..
            } => exports
                .iter()
                .find(|symbol| symbol.name == name)
                .map(|symbol| symbol.range),
            _ => None,
        }
    }
}

enum Resolution {
    Linked {
        file: PathBuf,
        function_name: Option<String>,
    },
    Problem(LinkProblem),
    NotAnalysed,
}

/// A dependency manifest's declarations, by its file name.
fn read_manifest(name: &str, text: &str) -> Manifest {
    match name {
        "package.json" => manifests::package_json(text),
        "requirements.txt" => manifests::requirements(text),
        _ => manifests::python_mentions(text),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Module {
    Python,
    Node,
}

impl Module {
    /// Splits a `Handler` into the module path (`/`-separated, no extension) and the function.
    fn split(self, handler: &str) -> Option<(String, String)> {
        match self {
            // The Python runtime imports `a.b` for `a/b.handler` and `a.b.handler` alike.
            Module::Python => {
                let (module, function) = handler.rsplit_once('.')?;
                let module = module.replace('.', "/");
                (!module.is_empty() && !function.is_empty()).then_some((module, function.into()))
            }
            // Node: the module is everything up to the first `.` after the last `/`; the rest is
            // the exported function (a nested `a.b` path names its first part).
            Module::Node => {
                let file_start = handler.rfind('/').map_or(0, |at| at + 1);
                let dot = file_start + handler[file_start..].find('.')?;
                let module = &handler[..dot];
                let function = handler[dot + 1..].split('.').next()?;
                (!module.is_empty() && !function.is_empty())
                    .then(|| (module.to_owned(), function.to_owned()))
            }
        }
    }

    /// The files a top-level import in `from` may load from the code folder: Node `./x` and
    /// `../x` (as written, with `.js`, `.mjs`, `.cjs` or as a folder's `index.js`); Python `a.b`
    /// from the code folder and `.a` / `..a` from the importing file's package.
    fn local_candidates(self, from: &Path, code_dir: &Path, specifier: &str) -> Vec<PathBuf> {
        let folder = from.parent().unwrap_or(code_dir);
        match self {
            Module::Node => {
                if !(specifier.starts_with("./") || specifier.starts_with("../")) {
                    return Vec::new();
                }
                let base = folder.join(specifier);
                let mut found = vec![normalize(&base)];
                found.extend([".js", ".mjs", ".cjs"].iter().map(|extension| {
                    normalize(&PathBuf::from(format!("{}{extension}", base.display())))
                }));
                found.push(normalize(&base.join("index.js")));
                found
            }
            Module::Python => {
                let dots = specifier.chars().take_while(|c| *c == '.').count();
                let rest = &specifier[dots..];
                if rest.is_empty() {
                    return Vec::new();
                }
                let start = if dots == 0 {
                    code_dir.to_path_buf()
                } else {
                    let mut start = folder.to_path_buf();
                    for _ in 1..dots {
                        start = start.parent().map(Path::to_path_buf).unwrap_or(start);
                    }
                    start
                };
                let base = start.join(rest.replace('.', "/"));
                vec![
                    normalize(&PathBuf::from(format!("{}.py", base.display()))),
                    normalize(&base.join("__init__.py")),
                ]
            }
        }
    }

    fn candidates(self, code_dir: &Path, module_path: &str) -> Vec<PathBuf> {
        let base = code_dir.join(module_path);
        let with =
            |extension: &str| normalize(&PathBuf::from(format!("{}{extension}", base.display())));
        match self {
            Module::Python => vec![with(".py"), normalize(&base.join("__init__.py"))],
            Module::Node => [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"]
                .iter()
                .map(|extension| with(extension))
                .collect(),
        }
    }
}

/// The range of `function` inside a `Handler` value (its last occurrence, after the module).
fn function_part_range(handler: &functions::Written, function: &str) -> Option<TextRange> {
    if !handler.text.ends_with(function) {
        return None;
    }
    // A plain scalar spans the text itself; a quoted one has a quote on each side.
    let closing = match handler.range.len().checked_sub(handler.text.len())? {
        0 => 0,
        2 => 1,
        _ => return None,
    };
    let end = handler.range.end - closing;
    Some(TextRange::new(end - function.len(), end))
}

/// Whether two versions of a file import the same modules (what following local modules reads).
fn same_modules(before: &[Import], after: &[Import]) -> bool {
    before.len() == after.len()
        && before
            .iter()
            .zip(after)
            .all(|(a, b)| a.module == b.module && a.members == b.members)
}

/// Whether two handler files export the same names (what linking reads of them), whatever
/// their positions.
fn same_names(before: Option<&[Symbol]>, after: Option<&[Symbol]>) -> bool {
    match (before, after) {
        (Some(before), Some(after)) => {
            before.len() == after.len()
                && before
                    .iter()
                    .zip(after)
                    .all(|(a, b)| a.name == b.name && a.is_function == b.is_function)
        }
        (None, None) => true,
        _ => false,
    }
}

fn is_archive(code_uri: &str) -> bool {
    let lower = code_uri.to_ascii_lowercase();
    [".zip", ".jar", ".war"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// A `CodeUri` that a build step produces (`dist/`, `build/`, `target/...`, `.aws-sam/...`).
fn looks_like_build_output(code_uri: &str) -> bool {
    Path::new(code_uri).components().any(|component| {
        matches!(
            component.as_os_str().to_str(),
            Some(
                "dist"
                    | "build"
                    | "out"
                    | "target"
                    | ".aws-sam"
                    | "bin"
                    | "lib"
                    | "artifacts"
                    | ".build"
            )
        )
    })
}

/// `path` as written from `base` (the template's folder): `app.py`, `src/app.py`, `../src/app.py`.
fn display_relative(path: &Path, base: &Path) -> String {
    let relative = if path.is_absolute() == base.is_absolute() {
        let path_parts: Vec<_> = path.components().collect();
        let base_parts: Vec<_> = base.components().collect();
        let common = path_parts
            .iter()
            .zip(&base_parts)
            .take_while(|(a, b)| a == b)
            .count();
        let mut out = PathBuf::new();
        for _ in common..base_parts.len() {
            out.push("..");
        }
        out.extend(&path_parts[common..]);
        out
    } else {
        path.to_path_buf()
    };
    relative.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: orders/\n      Handler: app.list_orders\n      Runtime: python3.12\n      Events:\n        List:\n          Type: Api\n          Properties:\n            Path: /orders\n            Method: get\n";
    const HANDLER: &str =
        "def list_orders(event, context):\n    return {\"statusCode\": 200, \"body\": \"[]\"}\n";

    #[test]
    fn paths_are_shown_from_the_template_folder() {
        let base = Path::new("/repo/examples/logger/sam");
        assert_eq!(
            display_relative(Path::new("/repo/examples/logger/sam/app.py"), base),
            "app.py"
        );
        assert_eq!(
            display_relative(Path::new("/repo/examples/logger/src/app.py"), base),
            "../src/app.py"
        );
        assert_eq!(
            display_relative(Path::new("src/app.py"), Path::new("")),
            "src/app.py"
        );
        assert_eq!(
            display_relative(Path::new("b/app.py"), Path::new("a")),
            "../b/app.py"
        );
    }

    fn file(path: &Path, text: &str) -> IndexedFile {
        let kind = FileKind::detect(path, text).expect("a known kind");
        IndexedFile::new(kind, Arc::from(text))
    }

    /// What the links and problems say, comparable.
    fn summary(index: &WorkspaceIndex) -> (Vec<String>, Vec<String>) {
        let links = index
            .links()
            .iter()
            .map(|link| {
                format!(
                    "{} {} {:?} -> {} {:?}",
                    link.template.display(),
                    link.function.logical_id,
                    link.function.handler.as_ref().map(|handler| handler.range),
                    link.file.display(),
                    link.function_name
                )
            })
            .collect();
        let mut problems: Vec<String> = index
            .problems
            .iter()
            .map(|(path, problems)| format!("{} {problems:?}", path.display()))
            .collect();
        problems.sort();
        (links, problems)
    }

    /// The same files indexed from scratch.
    fn fresh(root: &Path, files: &[(&Path, &str)]) -> WorkspaceIndex {
        let mut index = WorkspaceIndex::new(&[root.to_path_buf()]);
        for (path, text) in files {
            index.insert(path.to_path_buf(), file(path, text));
        }
        index.relink();
        index
    }

    /// Two templates running one handler: the file's context lists their functions in the same
    /// order however the files were read (messages name "the first"; parallel reading varies).
    #[test]
    fn a_handler_context_lists_its_functions_in_a_fixed_order() {
        let root = normalize(
            &std::env::temp_dir().join(format!("gatelint-index-order-{}", std::process::id())),
        );
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("shared")).expect("temp is writable");
        let template = |id: &str| {
            format!("Transform: AWS::Serverless-2016-10-31\nResources:\n  {id}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: shared/\n      Handler: app.handler\n      Runtime: python3.12\n")
        };
        let (first, second) = (template("Zeta"), template("Alpha"));
        let (a, b) = (root.join("a.yaml"), root.join("b.yaml"));
        let handler = root.join("shared/app.py");
        let code = "def handler(event, context):\n    return {}\n";
        let read = |files: &[(&Path, &str)]| {
            let index = fresh(&root, files);
            let context = index.context(&handler);
            context.handlers["handler"]
                .iter()
                .map(|linked| {
                    format!(
                        "{} {}",
                        linked.template.display(),
                        linked.function.logical_id
                    )
                })
                .collect::<Vec<_>>()
        };
        let expected = vec![
            format!("{} Zeta", a.display()),
            format!("{} Alpha", b.display()),
        ];
        for _ in 0..8 {
            assert_eq!(
                read(&[(&a, &first), (&b, &second), (&handler, code)]),
                expected
            );
            assert_eq!(
                read(&[(&handler, code), (&b, &second), (&a, &first)]),
                expected
            );
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn updating_one_file_links_as_indexing_from_scratch() {
        let root = normalize(
            &std::env::temp_dir().join(format!("gatelint-index-update-{}", std::process::id())),
        );
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("orders")).expect("temp is writable");
        let template = root.join("template.yaml");
        let handler = root.join("orders/app.py");
        std::fs::write(&template, TEMPLATE).expect("temp is writable");
        std::fs::write(&handler, HANDLER).expect("temp is writable");
        let mut index = fresh(&root, &[(&template, TEMPLATE), (&handler, HANDLER)]);
        assert_eq!(index.links().len(), 1);

        // A template edit that moves the handler's range, then one that renames the function.
        for edited in [
            TEMPLATE.replace("Resources:\n", "Resources:\n\n\n"),
            TEMPLATE.replace("app.list_orders", "app.get_orders"),
        ] {
            index.update(&template, Some(file(&template, &edited)));
            let expected = fresh(&root, &[(&template, &edited), (&handler, HANDLER)]);
            assert_eq!(summary(&index), summary(&expected));
        }
        assert!(index.links().is_empty(), "get_orders does not exist yet");

        // The handler gains the function: its exported names changed, the link appears.
        let renamed = HANDLER.replace("list_orders", "get_orders");
        index.update(&handler, Some(file(&handler, &renamed)));
        let edited = TEMPLATE.replace("app.list_orders", "app.get_orders");
        let expected = fresh(&root, &[(&template, &edited), (&handler, &renamed)]);
        assert_eq!(summary(&index), summary(&expected));
        assert_eq!(index.links().len(), 1);

        // An edit inside the handler that keeps its names leaves the links as they are.
        let body = renamed.replace("\"[]\"", "\"[1]\"");
        index.update(&handler, Some(file(&handler, &body)));
        assert_eq!(summary(&index), summary(&expected));

        // The template is closed and gone: no links are left.
        index.update(&template, None);
        assert!(index.links().is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_terraform_folder_is_read_as_one_configuration_after_edits() {
        let root = normalize(
            &std::env::temp_dir().join(format!("gatelint-index-terraform-{}", std::process::id())),
        );
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp is writable");
        let api = root.join("api.tf");
        let permission = root.join("permission.tf");
        let api_text = "resource \"aws_lambda_function\" \"f\" {\n  handler = \"app.handler\"\n  runtime = \"python3.12\"\n}\n\nresource \"aws_apigatewayv2_api\" \"api\" {\n  protocol_type = \"HTTP\"\n}\n\nresource \"aws_apigatewayv2_integration\" \"f\" {\n  api_id           = aws_apigatewayv2_api.api.id\n  integration_type = \"AWS_PROXY\"\n  integration_uri  = aws_lambda_function.f.invoke_arn\n}\n";
        let granted = "resource \"aws_lambda_permission\" \"f\" {\n  function_name = aws_lambda_function.f.function_name\n  principal     = \"apigateway.amazonaws.com\"\n}\n";
        std::fs::write(&api, api_text).expect("temp is writable");
        std::fs::write(&permission, "# nothing yet\n").expect("temp is writable");
        let mut index = fresh(&root, &[(&api, api_text), (&permission, "# nothing yet\n")]);
        let permissions = |index: &WorkspaceIndex| {
            let model = index.file(&api).and_then(|file| file.model.clone());
            let model = model.expect("a model");
            let template = model.template().expect("a template");
            assert!(!template.partial, "read with its folder");
            template
                .resources
                .iter()
                .filter(|resource| resource.is("AWS::Lambda::Permission"))
                .count()
        };
        assert_eq!(permissions(&index), 0);
        // The permission written in the other file (unsaved, in the editor): api.tf reads it,
        // and is among the files to diagnose again.
        let affected = index.dependants(&permission);
        assert!(affected.contains(&api), "{affected:?}");
        index.update(&permission, Some(file(&permission, granted)));
        assert_eq!(permissions(&index), 1);
        // One configuration, compiled once for the folder: each file holds its view of it, its
        // own text at its place in the combined text (the files in path order).
        let view = |path: &Path| {
            let model = index.file(path).and_then(|file| file.model.clone());
            model
                .and_then(|model| model.folder.clone())
                .expect("a view")
        };
        let (of_api, of_permission) = (view(&api), view(&permission));
        assert!(Arc::ptr_eq(
            &of_api.configuration,
            &of_permission.configuration
        ));
        let combined = of_api.configuration.text("");
        assert_eq!(&combined[of_api.own.start..of_api.own.end], api_text);
        assert_eq!(
            &combined[of_permission.own.start..of_permission.own.end],
            granted
        );
        // Each file lists the functions written in it, in its own text.
        let functions = |path: &Path| match index.file(path).map(|file| &file.content) {
            Some(Content::Template { functions }) => functions.clone(),
            _ => Vec::new(),
        };
        let [function] = functions(&api).try_into().expect("one function");
        assert_eq!(
            &api_text[function.id_range.start..function.id_range.end],
            "\"f\""
        );
        assert!(functions(&permission).is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A local module whose folder is created after its caller was read (the editor creates
    /// `modules/function/main.tf`): the caller reads it then, without being edited.
    #[test]
    fn a_module_folder_created_later_is_read_by_its_caller() {
        let root = normalize(
            &std::env::temp_dir().join(format!("gatelint-index-new-module-{}", std::process::id())),
        );
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp is writable");
        let caller = root.join("main.tf");
        let caller_text = "module \"orders\" {\n  source  = \"./modules/function\"\n  handler = \"orders.handler\"\n}\n\nresource \"aws_s3_bucket\" \"assets\" {}\n";
        std::fs::write(&caller, caller_text).expect("temp is writable");
        let mut index = fresh(&root, &[(&caller, caller_text)]);
        let created = |index: &WorkspaceIndex| {
            let model = index.file(&caller).and_then(|file| file.model.clone());
            let model = model.expect("a model");
            let template = model.template().expect("a template");
            template
                .resources
                .iter()
                .any(|resource| resource.logical_id.starts_with("module.orders"))
        };
        assert!(!created(&index), "no module folder yet");
        let module = root.join("modules/function/main.tf");
        let module_text = "variable \"handler\" {}\n\nresource \"aws_lambda_function\" \"this\" {\n  handler = var.handler\n  runtime = \"python3.12\"\n}\n";
        std::fs::create_dir_all(module.parent().expect("a folder")).expect("temp is writable");
        std::fs::write(&module, module_text).expect("temp is writable");
        index.update(&module, Some(file(&module, module_text)));
        assert!(created(&index), "the caller read the new module");
        let _ = std::fs::remove_dir_all(&root);
    }

    /// A CDK stack file is code and a template: its functions link to the handlers under the
    /// app's folder (`cdk.json`), go-to-definition leads from `handler: '...'` to the handler,
    /// and an edit of the stack relinks.
    #[test]
    fn a_cdk_stack_links_its_handlers_from_the_app_folder() {
        let root = normalize(
            &std::env::temp_dir().join(format!("gatelint-index-cdk-{}", std::process::id())),
        );
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("lib")).expect("temp is writable");
        std::fs::create_dir_all(root.join("lambda")).expect("temp is writable");
        std::fs::write(root.join("cdk.json"), "{}").expect("temp is writable");
        let stack = root.join("lib/api-stack.ts");
        let handler = root.join("lambda/app.py");
        let stack_text = "import * as lambda from 'aws-cdk-lib/aws-lambda';\nimport * as apigw from 'aws-cdk-lib/aws-apigateway';\nconst fn = new lambda.Function(this, 'Orders', {\n  runtime: lambda.Runtime.PYTHON_3_12,\n  handler: 'app.handler',\n  code: lambda.Code.fromAsset('lambda'),\n});\nnew apigw.LambdaRestApi(this, 'Api', { handler: fn });\n";
        let handler_text = "def handler(event, context):\n    return {}\n";
        std::fs::write(&stack, stack_text).expect("temp is writable");
        std::fs::write(&handler, handler_text).expect("temp is writable");
        let mut index = fresh(&root, &[(&stack, stack_text), (&handler, handler_text)]);
        let [link] = index.links() else {
            panic!("one link: {:?}", summary(&index));
        };
        assert_eq!(link.file, handler);
        assert_eq!(
            link.function.invocations.len(),
            2,
            "ANY / and ANY /{{proxy+}}"
        );
        let at = stack_text.find("app.handler").expect("the handler");
        let (target, _) = index.definition(&stack, at + 2).expect("a definition");
        assert_eq!(target, handler);
        assert!(index.dependants(&stack).contains(&handler));
        // The API goes: the handler is linked, invoked by nothing.
        let edited = stack_text.replace(
            "new apigw.LambdaRestApi(this, 'Api', { handler: fn });\n",
            "",
        );
        index.update(&stack, Some(file(&stack, &edited)));
        let [link] = index.links() else {
            panic!("one link: {:?}", summary(&index));
        };
        assert!(link.function.invocations.is_empty());
        let _ = std::fs::remove_dir_all(&root);
    }
}
