//! SAM/CloudFormation templates: recognising them, the value tree read from YAML or JSON with
//! exact ranges ([`value`]), the model of resources, parameters, `Globals` and intrinsics
//! ([`model`]), and the integration graph of which API invokes which function ([`graph`]).

pub mod cdk;
pub mod definitions;
pub mod functions;
pub mod graph;
pub mod hover;
pub mod inline;
pub mod listeners;
pub mod model;
pub mod read;
pub mod serverless;
pub mod terraform;
pub mod value;

pub use graph::{ApiKind, Edge, EdgeRole, Graph, IntegrationKind};
pub use hover::hover_at;
pub use model::{Dialect, FunctionRef, Number, Resource, Syntax, Template};
pub use read::{read, TemplateRead};
pub use value::{Entry, Value, ValueKind};

use std::path::PathBuf;
use std::sync::Arc;

use crate::files::FileKind;
use crate::text::TextRange;

/// A template read once: what reading it found and its integration graph, shared by the
/// workspace index (which links its functions) and the analysis (which runs the template rules on
/// it).
#[derive(Debug)]
pub struct TemplateModel {
    pub read: TemplateRead,
    /// The graph of `read.template`, when there is one.
    pub graph: Option<Graph>,
    /// OpenAPI definition files the template's APIs read, put in the template where
    /// CloudFormation puts them (see [`definitions`]); empty until the workspace attaches them.
    pub included: Vec<definitions::Included>,
    /// With files included: the template's text followed by theirs, the text every range of the
    /// model is in. `None`: the template's own text.
    pub combined: Option<std::sync::Arc<str>>,
    /// Of a Terraform configuration, the files of the local modules it calls, after the
    /// folder's files in the combined text; each one's `reference` is the `source` of the
    /// `module` block of the configuration that calls it (or calls the module calling it).
    pub modules: Vec<definitions::Included>,
    /// Of one file of a Terraform configuration of several files: the configuration, compiled
    /// once for the folder (see [`TemplateModel::folder`]), and where this file's text lies in
    /// its combined text. The file's own model then holds its blocks only.
    pub folder: Option<FolderView>,
}

/// One file's view of its folder's Terraform configuration (see [`TemplateModel::folder`]).
#[derive(Clone, Debug)]
pub struct FolderView {
    /// The configuration: `combined` holds every file of the folder (each one an entry of
    /// `included`) followed by the local modules' files (`modules`).
    pub configuration: Arc<TemplateModel>,
    /// This file's text in the combined text.
    pub own: TextRange,
}

impl FolderView {
    /// A range of the combined text in this file's own text; `None` outside it.
    pub fn to_own(&self, range: TextRange) -> Option<TextRange> {
        (self.own.start <= range.start && range.end <= self.own.end)
            .then(|| TextRange::new(range.start - self.own.start, range.end - self.own.start))
    }

    /// A range of this file's own text in the combined text.
    pub fn to_combined(&self, range: TextRange) -> TextRange {
        TextRange::new(range.start + self.own.start, range.end + self.own.start)
    }

    /// The file's `module` call a range of the combined text lies under: the `source` of the
    /// call whose module's files hold it, when that call is written in this file.
    fn called_here(&self, range: TextRange) -> Option<TextRange> {
        self.configuration
            .modules
            .iter()
            .find(|module| module.locate(range).is_some())
            .map(|module| module.reference)
            .filter(|reference| self.to_own(*reference).is_some())
    }

    /// The functions declared in this file, and those the local modules it calls create (their
    /// settings shown on the call), with ranges in its own text; an invocation written in
    /// another file of the configuration or in a module says which file, with ranges there.
    fn function_specs(&self) -> Vec<functions::FunctionSpec> {
        let configuration = &self.configuration;
        let (Some(template), Some(graph)) = (&configuration.read.template, &configuration.graph)
        else {
            return Vec::new();
        };
        let mut specs = functions::function_specs(template, graph);
        specs.retain(|spec| {
            self.to_own(spec.id_range).is_some() || self.called_here(spec.id_range).is_some()
        });
        for spec in &mut specs {
            // A function a module creates is shown on the call, all its settings with it; a
            // setting written in another file of the folder (a variable's default in
            // `variables.tf`) on the function's name here, as an empty range no fix edits.
            let called = self.called_here(spec.id_range);
            let anchor = self
                .to_own(called.unwrap_or(spec.id_range))
                .unwrap_or_default();
            spec.id_range = anchor;
            let elsewhere = match called {
                Some(_) => anchor,
                None => TextRange::empty(anchor.start),
            };
            let here = |range: TextRange| match called {
                Some(_) => anchor,
                None => self.to_own(range).unwrap_or(elsewhere),
            };
            let written = [
                &mut spec.runtime,
                &mut spec.handler,
                &mut spec.code_uri,
                &mut spec.inline_code,
            ];
            for written in written.into_iter().flatten() {
                written.range = here(written.range);
            }
            spec.timeout_range = spec.timeout_range.map(here);
            for invocation in &mut spec.invocations {
                if let Some(range) = self.to_own(invocation.range) {
                    invocation.range = range;
                    invocation.timeout_range = invocation
                        .timeout_range
                        .and_then(|timeout| self.to_own(timeout));
                    continue;
                }
                if let Some((file, range)) = configuration.locate(invocation.range) {
                    written_in(invocation, file, range);
                }
            }
        }
        specs
    }
}

impl TemplateModel {
    /// Reads a parsed template file and builds its graph.
    pub fn read(kind: FileKind, tree: &tree_sitter::Tree, text: &str) -> TemplateModel {
        TemplateModel::of(read(kind, tree, text))
    }

    /// [`TemplateModel::read`] of an edited text, given the text before the edit and its model:
    /// the same model, reusing what the edit left alone (see [`read::read_after`]).
    pub fn read_after(
        kind: FileKind,
        tree: &tree_sitter::Tree,
        text: &str,
        previous: Option<(&str, &TemplateModel)>,
    ) -> TemplateModel {
        let previous = previous.map(|(text, model)| read::Previous {
            text,
            read: &model.read,
        });
        TemplateModel::of(read::read_after(kind, tree, text, previous))
    }

    /// [`TemplateModel::read`] of a text read once (see [`read::read_once`]): no tree of the
    /// pieces a large template is read in is kept.
    pub fn read_once(kind: FileKind, tree: &tree_sitter::Tree, text: &str) -> TemplateModel {
        TemplateModel::of(read::read_once(kind, tree, text))
    }

    /// A Terraform file's blocks, not compiled: what the workspace joins into its folder's
    /// configuration (see [`TemplateModel::folder`]), which compiles them once with the other
    /// files'. Until then the model has no template.
    pub fn terraform_blocks(tree: &tree_sitter::Tree, text: &str) -> TemplateModel {
        TemplateModel::of(TemplateRead {
            template: None,
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: Some(Arc::new(terraform::Blocks::read(tree, text))),
        })
    }

    /// Whether [`TemplateModel::read_without_tree`] reads this template (see
    /// [`read::reads_without_tree`]).
    pub fn reads_without_tree(kind: FileKind, text: &str) -> bool {
        read::reads_without_tree(kind, text)
    }

    /// [`TemplateModel::read_once`] of a template that [`TemplateModel::reads_without_tree`],
    /// without a parse of its whole text (see [`read::read_without_tree`]); `None` when a piece
    /// could not be parsed at all (then the whole text's parse decides whether it is read).
    pub fn read_without_tree(text: &str) -> Option<TemplateModel> {
        read::read_without_tree(text).map(TemplateModel::of)
    }

    /// Whether a JSON template is long enough to be read in pieces (see
    /// [`TemplateModel::read_json_in_pieces`]).
    pub fn reads_json_in_pieces(text: &str) -> bool {
        text.len() >= read::JSON_PIECES_MIN_BYTES
    }

    /// [`TemplateModel::read_json_in_pieces`] of an edited document, given its text and model
    /// before the edit: the pieces the edit left alone keep their trees and members, and the
    /// pieces' trees are kept for the next edit. `None` when it is not read that way.
    pub fn read_json_in_pieces_after(
        text: &str,
        previous: Option<(&str, &TemplateModel)>,
    ) -> Option<TemplateModel> {
        if !TemplateModel::reads_json_in_pieces(text) {
            return None;
        }
        let previous = previous.map(|(text, model)| read::Previous {
            text,
            read: &model.read,
        });
        read::read_json_in_pieces(text, previous, true).map(TemplateModel::of)
    }

    /// [`TemplateModel::read_without_tree`] of an edited document, given its text and model
    /// before the edit (see [`read::read_without_tree_after`]); `None` when a piece could not be
    /// parsed at all.
    pub fn read_without_tree_after(
        text: &str,
        previous: Option<(&str, &TemplateModel)>,
    ) -> Option<TemplateModel> {
        let previous = previous.map(|(text, model)| read::Previous {
            text,
            read: &model.read,
        });
        read::read_without_tree_after(text, previous).map(TemplateModel::of)
    }

    /// Reads a large JSON template in pieces without a tree of the whole text (see
    /// [`read::read_json_in_pieces`]): the same model as [`TemplateModel::read`].
    pub fn read_json_in_pieces(text: &str) -> Option<TemplateModel> {
        if !TemplateModel::reads_json_in_pieces(text) {
            return None;
        }
        read::read_json_in_pieces(text, None, false).map(TemplateModel::of)
    }

    pub(crate) fn of(read: TemplateRead) -> TemplateModel {
        let graph = read.template.as_ref().map(Graph::build);
        TemplateModel {
            read,
            graph,
            included: Vec::new(),
            combined: None,
            modules: Vec::new(),
            folder: None,
        }
    }

    /// The template the rules read: the file's own, or its folder's configuration.
    pub fn template(&self) -> Option<&Template> {
        match &self.folder {
            Some(view) => view.configuration.read.template.as_ref(),
            None => self.read.template.as_ref(),
        }
    }

    /// The graph of [`TemplateModel::template`].
    pub fn graph(&self) -> Option<&Graph> {
        match &self.folder {
            Some(view) => view.configuration.graph.as_ref(),
            None => self.graph.as_ref(),
        }
    }

    /// The local files this template reads: the OpenAPI definitions of its APIs (see
    /// [`definitions`]), or a Serverless Framework service's `${file(...)}` files.
    pub fn definition_references(&self) -> Vec<definitions::DefinitionReference> {
        let Some(template) = self.read.template.as_ref() else {
            return Vec::new();
        };
        if let Some(source) = &template.source {
            return serverless::file_references(source)
                .into_iter()
                .map(|reference| definitions::DefinitionReference {
                    resource: 0,
                    location: reference.location,
                    range: reference.range,
                    property: serverless::FILE_PROPERTY,
                    resolves_intrinsics: false,
                })
                .collect();
        }
        definitions::definition_references(template)
    }

    /// The model with the definition files read by the workspace put in place, and the graph
    /// built again over them. `text` is the template's own text.
    pub fn attach_definitions(&mut self, text: &str, files: Vec<definitions::DefinitionFile>) {
        let Some(template) = self.read.template.as_mut() else {
            return;
        };
        let (combined, included) = if template.source.is_some() {
            serverless::attach(template, text, files)
        } else {
            definitions::attach(template, text, files)
        };
        if included.is_empty() {
            return;
        }
        self.graph = Some(Graph::build(template));
        self.included = included;
        self.combined = Some(std::sync::Arc::from(combined));
    }

    /// A Terraform file's model read with the other `.tf` files of its folder, which together
    /// are one configuration: one combined text (the file's own first), whose ranges past the
    /// file's own text map back to each sibling. `own` is the file's own text and `blocks` its
    /// blocks; a sibling's blocks are read from its text only when not given, so a folder of
    /// files already read is joined without parsing any of them again.
    /// `siblings` is `None` when the folder could not be read whole: the file is read alone, and
    /// [`Template::partial`] says that what it lacks may be declared elsewhere.
    /// `modules`: the local modules the configuration calls, as the workspace read them; their
    /// files follow the folder's in the combined text (see [`TemplateModel::modules`]).
    pub fn configuration(
        own: &str,
        blocks: Arc<terraform::Blocks>,
        siblings: Option<Vec<ConfigurationFile>>,
    ) -> TemplateModel {
        TemplateModel::configuration_with_modules(own, blocks, siblings, Vec::new())
    }

    /// [`TemplateModel::configuration`] with the local modules it calls.
    pub fn configuration_with_modules(
        own: &str,
        blocks: Arc<terraform::Blocks>,
        siblings: Option<Vec<ConfigurationFile>>,
        modules: Vec<ModuleRead>,
    ) -> TemplateModel {
        let alone = |partial: bool| {
            let mut template = terraform::compile(&[(&blocks, 0)], &[], None);
            template.partial = partial;
            template
        };
        let Some(siblings) = siblings else {
            return TemplateModel::of_terraform(alone(true), blocks);
        };
        if siblings.is_empty() && modules.is_empty() {
            return TemplateModel::of_terraform(alone(false), blocks);
        }
        let mut files = vec![ConfigurationFile {
            path: PathBuf::new(),
            text: Arc::from(own),
            blocks: Some(Arc::clone(&blocks)),
        }];
        files.extend(siblings);
        match TemplateModel::folder(files, modules) {
            Some(configuration) => TemplateModel::view(&configuration, 0, blocks),
            // A file that does not parse: the configuration may hold anything.
            None => TemplateModel::of_terraform(alone(true), blocks),
        }
    }

    /// The Terraform configuration of a folder's `.tf` files, compiled once: one combined text
    /// of the files in the order given (each an entry of `included`, a line break between
    /// them), followed by the files of the local modules they call, one copy per call (each an
    /// entry of `modules` whose `reference` is the `source` of its `module` block, in the
    /// combined text). A file's blocks are read from its text when not given; `None` when one
    /// does not parse. Each file reads it through its [`TemplateModel::view`].
    pub fn folder(
        files: Vec<ConfigurationFile>,
        modules: Vec<ModuleRead>,
    ) -> Option<Arc<TemplateModel>> {
        let mut combined =
            String::with_capacity(files.iter().map(|file| file.text.len() + 1).sum::<usize>());
        let mut included = Vec::new();
        let mut parts = Vec::new();
        for file in files {
            if !included.is_empty() {
                combined.push('\n');
            }
            let start = combined.len();
            combined.push_str(&file.text);
            let blocks = match file.blocks {
                Some(read) => read,
                None => read_blocks(&file.text)?,
            };
            included.push(definitions::Included {
                path: file.path,
                reference: TextRange::empty(0),
                start,
                len: file.text.len(),
            });
            parts.push((blocks, start));
        }
        // Each local module call reads its module's files once (Terraform makes one instance of
        // a module per call; a finding in one is reported on that call).
        let mut module_files = Vec::new();
        let mut calls = Vec::new();
        let mut modules = modules;
        for (part, offset) in &parts {
            for call in terraform::local_module_calls(part) {
                let Some(at) = modules.iter().position(|read| read.name == call.name) else {
                    continue;
                };
                let read = modules.swap_remove(at);
                let mut appended = Appended {
                    combined: &mut combined,
                    files: &mut module_files,
                    reference: TextRange::new(
                        call.source_range.start + offset,
                        call.source_range.end + offset,
                    ),
                };
                calls.push((call.name, appended.module(read)));
            }
        }
        let all: Vec<(&terraform::Blocks, usize)> = parts
            .iter()
            .map(|(part, start)| (part.as_ref(), *start))
            .collect();
        let template = terraform::compile(&all, &calls, Some(TextRange::new(0, combined.len())));
        let mut model = TemplateModel::of(TemplateRead {
            template: Some(template),
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: None,
        });
        model.included = included;
        model.modules = module_files;
        model.combined = Some(Arc::from(combined));
        Some(Arc::new(model))
    }

    /// The model of the `at`th file of a folder's configuration (see [`TemplateModel::folder`]),
    /// whose own blocks are `blocks`: its rules run on the configuration, its findings and
    /// functions are those written in its own text (and in the modules it calls).
    pub fn view(
        configuration: &Arc<TemplateModel>,
        at: usize,
        blocks: Arc<terraform::Blocks>,
    ) -> TemplateModel {
        let own = &configuration.included[at];
        let mut model = TemplateModel::of(TemplateRead {
            template: None,
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: Some(blocks),
        });
        model.folder = Some(FolderView {
            configuration: Arc::clone(configuration),
            own: TextRange::new(own.start, own.start + own.len),
        });
        model
    }

    fn of_terraform(template: Template, blocks: Arc<terraform::Blocks>) -> TemplateModel {
        TemplateModel::of(TemplateRead {
            template: Some(template),
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: Some(blocks),
        })
    }

    /// A CDK stack file's model with its asset paths in place: `app_root` is the path from the
    /// stack file's folder to the CDK app's folder (where `cdk.json` is; `None` when there is
    /// none), `stem` the stack file's name without extension (see [`cdk::attach_app`]).
    pub fn attach_cdk_app(&mut self, app_root: Option<&str>, stem: &str) {
        let Some(template) = self.read.template.as_mut() else {
            return;
        };
        cdk::attach_app(template, app_root, stem);
        self.graph = Some(Graph::build(template));
    }

    /// Reads a CDK stack file (TypeScript, JavaScript or Python that imports the CDK) into the
    /// model; `None` for another file.
    pub fn read_cdk(kind: FileKind, tree: &tree_sitter::Tree, text: &str) -> Option<TemplateModel> {
        if kind.language().is_none() || !crate::files::imports_cdk(kind, text) {
            return None;
        }
        Some(TemplateModel::of(TemplateRead {
            template: Some(cdk::read(kind, tree, text)),
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: None,
        }))
    }

    /// The Lambda functions of the template with their invocations; an invocation declared in an
    /// included file says so, with its ranges in that file. Of a Terraform configuration, the
    /// functions declared in the file itself (each sibling lists its own).
    pub fn function_specs(&self) -> Vec<functions::FunctionSpec> {
        if let Some(view) = &self.folder {
            return view.function_specs();
        }
        let (Some(template), Some(graph)) = (&self.read.template, &self.graph) else {
            return Vec::new();
        };
        let mut specs = functions::function_specs(template, graph);
        for invocation in specs.iter_mut().flat_map(|spec| &mut spec.invocations) {
            if let Some((included, range)) = self.locate(invocation.range) {
                written_in(invocation, included, range);
            }
        }
        specs
    }

    /// The text the model's ranges are in, given the template's own text.
    pub fn text<'a>(&'a self, own: &'a str) -> &'a str {
        match &self.folder {
            Some(view) => view.configuration.text(own),
            None => self.combined.as_deref().unwrap_or(own),
        }
    }

    /// The included file a range of the model lies in, and the range within that file; `None`
    /// for a range of the template itself.
    pub fn locate(&self, range: TextRange) -> Option<(&definitions::Included, TextRange)> {
        self.included
            .iter()
            .chain(&self.modules)
            .find_map(|included| Some((included, included.locate(range)?)))
    }
}

/// An invocation written in another file than the template (an included OpenAPI file, another
/// `.tf` file of the folder, a module's file), at `range` there: its ranges in that file.
fn written_in(
    invocation: &mut functions::Invocation,
    file: &definitions::Included,
    range: TextRange,
) {
    invocation.range = range;
    invocation.timeout_range = invocation
        .timeout_range
        .and_then(|timeout| file.locate(timeout));
    invocation.file = Some(file.path.clone());
}

/// The blocks of a `.tf` text not read before.
fn read_blocks(text: &str) -> Option<Arc<terraform::Blocks>> {
    let tree = crate::text::parse(FileKind::Terraform, text, None)?;
    Some(Arc::new(terraform::Blocks::read(&tree, text)))
}

/// Where the files of local modules go in the combined text.
struct Appended<'a> {
    combined: &'a mut String,
    files: &'a mut Vec<definitions::Included>,
    /// The `source` of the `module` block the files are read for (one copy per call), in the
    /// combined text.
    reference: TextRange,
}

impl Appended<'_> {
    /// Appends the files of a local module (and of the modules it calls) to the combined text;
    /// `None` when the module was not read or one of its files does not parse.
    fn module(&mut self, read: ModuleRead) -> Option<terraform::ModuleFolder> {
        let files = read.files?;
        let mut parts = Vec::new();
        for file in &files {
            let blocks = match &file.blocks {
                Some(blocks) => Arc::clone(blocks),
                None => read_blocks(&file.text)?,
            };
            parts.push(blocks);
        }
        let mut folder = terraform::ModuleFolder {
            id: self.combined.len() + 1,
            ..Default::default()
        };
        for (file, blocks) in files.into_iter().zip(parts) {
            self.combined.push('\n');
            let start = self.combined.len();
            self.combined.push_str(&file.text);
            self.files.push(definitions::Included {
                path: file.path,
                reference: self.reference,
                start,
                len: file.text.len(),
            });
            folder.parts.push((blocks, start));
        }
        let mut calls = read.calls;
        let blocks: Vec<Arc<terraform::Blocks>> = folder
            .parts
            .iter()
            .map(|(blocks, _)| Arc::clone(blocks))
            .collect();
        for blocks in &blocks {
            for call in terraform::local_module_calls(blocks) {
                let Some(at) = calls.iter().position(|read| read.name == call.name) else {
                    continue;
                };
                let nested = calls.swap_remove(at);
                let nested = self.module(nested);
                folder.calls.push((call.name, nested));
            }
        }
        Some(folder)
    }
}

/// A local module a Terraform configuration calls, as the workspace read its folder (see
/// [`TemplateModel::configuration_with_modules`]).
#[derive(Debug)]
pub struct ModuleRead {
    /// The name of the calling `module` block.
    pub name: String,
    /// The module's folder.
    pub folder: PathBuf,
    /// The module folder's `.tf` files; `None` when it was not read (outside the roots, missing,
    /// past the limits, too deep, a cycle).
    pub files: Option<Vec<ConfigurationFile>>,
    /// The local modules its files call.
    pub calls: Vec<ModuleRead>,
}

/// One other `.tf` file of a Terraform file's folder (see [`TemplateModel::configuration`]).
#[derive(Clone, Debug)]
pub struct ConfigurationFile {
    pub path: std::path::PathBuf,
    pub text: Arc<str>,
    /// Its blocks, when the file was already read.
    pub blocks: Option<Arc<terraform::Blocks>>,
}

/// Reads a parsed template file into the model; `None` for other kinds or an empty document.
/// [`read`] also says whether the file has a real syntax error.
pub fn parse(kind: FileKind, tree: &tree_sitter::Tree, text: &str) -> Option<Template> {
    read(kind, tree, text).template
}
