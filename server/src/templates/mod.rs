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

use crate::languages::FileKind;

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

/// Whether a YAML or JSON text is a CloudFormation/SAM template: it declares the template format
/// version, the SAM transform, or a `Resources` map whose entries have an `AWS::` type.
pub fn looks_like_template(text: &str) -> bool {
    // Templates state this near the top; a bounded look keeps detection cheap on huge files.
    let head = &text[..crate::text::floor_char_boundary(text, text.len().min(64 * 1024))];
    if head.contains("AWSTemplateFormatVersion") || head.contains("AWS::Serverless-2016-10-31") {
        return true;
    }
    let has_resources = head.contains("Resources");
    has_resources
        && (head.contains("Type: AWS::")
            || head.contains("Type: 'AWS::")
            || head.contains("Type: \"AWS::")
            || head.contains("\"Type\": \"AWS::")
            || head.contains("\"Type\":\"AWS::"))
}

#[cfg(test)]
mod tests {
    use super::looks_like_template;

    #[test]
    fn recognises_templates_by_content() {
        assert!(looks_like_template(
            "AWSTemplateFormatVersion: '2010-09-09'\n"
        ));
        assert!(looks_like_template(
            "Transform: AWS::Serverless-2016-10-31\nResources: {}\n"
        ));
        assert!(looks_like_template(
            "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        ));
        assert!(looks_like_template(
            "{\"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\"}}}"
        ));
        assert!(!looks_like_template("name: build\non: push\njobs: {}\n"));
        assert!(!looks_like_template(
            "{\"name\": \"my-package\", \"version\": \"1.0.0\"}"
        ));
    }
}
