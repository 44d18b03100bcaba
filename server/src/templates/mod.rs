//! SAM/CloudFormation templates: recognising them, the value tree read from YAML or JSON with
//! exact ranges ([`value`]), the model of resources, parameters, `Globals` and intrinsics
//! ([`model`]), and the integration graph of which API invokes which function ([`graph`]).

pub mod functions;
pub mod graph;
pub mod hover;
pub mod inline;
pub mod model;
pub mod read;
pub mod value;

pub use graph::{ApiKind, Edge, EdgeRole, Graph, IntegrationKind};
pub use hover::hover_at;
pub use model::{FunctionRef, Number, Resource, Syntax, Template};
pub use read::{read, TemplateRead};
pub use value::{Entry, Value, ValueKind};

use crate::files::FileKind;

/// A template read once: what reading it found and its integration graph, shared by the
/// workspace index (which links its functions) and the analysis (which runs the template rules on
/// it).
#[derive(Debug)]
pub struct TemplateModel {
    pub read: TemplateRead,
    /// The graph of `read.template`, when there is one.
    pub graph: Option<Graph>,
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

    /// Reads a large JSON template in pieces without a tree of the whole text (see
    /// [`read::read_json_in_pieces`]): the same model as [`TemplateModel::read`].
    pub fn read_json_in_pieces(text: &str) -> Option<TemplateModel> {
        if text.len() < read::JSON_PIECES_MIN_BYTES {
            return None;
        }
        read::read_json_in_pieces(text, None, false).map(TemplateModel::of)
    }

    pub(crate) fn of(read: TemplateRead) -> TemplateModel {
        let graph = read.template.as_ref().map(Graph::build);
        TemplateModel { read, graph }
    }
}

/// Reads a parsed template file into the model; `None` for other kinds or an empty document.
/// [`read`] also says whether the file has a real syntax error.
pub fn parse(kind: FileKind, tree: &tree_sitter::Tree, text: &str) -> Option<Template> {
    read(kind, tree, text).template
}
