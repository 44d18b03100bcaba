//! Hover and code actions over one snapshot of a document and its findings. Synchronous and free of
//! LSP plumbing, so the server wraps them in a panic guard and the tests of the binary exercise them.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeLens, Command, Diagnostic, Hover,
    HoverContents, MarkupContent, MarkupKind, Position, Range, TextEdit, WorkspaceEdit,
};

use super::convert::{self, OtherFile, Positions};
use super::store::Snapshot;
use crate::config;
use crate::context::FileContext;
use crate::files::FileKind;
use crate::findings::Finding;
use crate::knowledge;
use crate::languages::imports;
use crate::rules::{self};
use crate::templates;
use crate::text::{Encoding, TextRange};

/// What hover may ask the workspace, each only when it needs it.
pub struct HoverContext<'a> {
    /// What the workspace says of the file (for imports).
    pub imports: &'a dyn Fn() -> FileContext,
    /// The template model the workspace read of the file, with the text it read it from.
    pub model: &'a dyn Fn() -> Option<(Arc<str>, Arc<templates::TemplateModel>)>,
}

/// Hover: the documentation of the rules whose findings cover `position`, each under its finding's
/// message; in a template, what the setting under the cursor means; over an import, what the
/// runtimes of the functions loading the file say of it; otherwise the explanation of an AWS error
/// text in the string or comment under the cursor.
pub fn hover(
    snapshot: &Snapshot,
    findings: &[Finding],
    position: Position,
    encoding: Encoding,
    context: &HoverContext<'_>,
) -> Option<Hover> {
    if let Some(hover) = hover_from_known(snapshot, findings, position, encoding, context.model) {
        return Some(hover);
    }
    let positions = Positions::of(snapshot, encoding);
    let offset = positions.offset(position);
    if let Some((text, range)) = import_hover(snapshot, offset, context.imports) {
        return Some(markdown_hover(text, positions.range(range)));
    }
    let range = error_text_range(snapshot, offset)?;
    let found = knowledge::explain(range.slice(&snapshot.text));
    if found.is_empty() {
        return None;
    }
    Some(markdown_hover(
        rules::explain_markdown(&found),
        positions.range(range),
    ))
}

/// The part of hover that reads only what is already known: the findings covering `position`,
/// and a template setting explained from the model the workspace holds (see [`template_hover`]).
/// Needs no tree when the snapshot has none, so the server answers it without waiting for a
/// re-parse of the newest text.
pub fn hover_from_known(
    snapshot: &Snapshot,
    findings: &[Finding],
    position: Position,
    encoding: Encoding,
    model: &dyn Fn() -> Option<(Arc<str>, Arc<templates::TemplateModel>)>,
) -> Option<Hover> {
    let positions = Positions::of(snapshot, encoding);
    let offset = positions.offset(position);
    let covering: Vec<&Finding> = findings
        .iter()
        .filter(|finding| finding.range.start <= offset && offset <= finding.range.end)
        .collect();
    if let Some(first) = covering.first() {
        let sections: Vec<String> = covering
            .iter()
            .map(|finding| {
                let docs = rules::find_rule(finding.code)
                    .map(|rule| rule.meta.markdown())
                    .unwrap_or_default();
                format!("**{}** {}\n\n{docs}", finding.code, finding.message)
            })
            .collect();
        return Some(markdown_hover(
            sections.join("\n---\n\n"),
            positions.range(first.range),
        ));
    }
    if let Some(text) = template_hover(snapshot, offset, model) {
        return Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: None,
        });
    }
    None
}

/// On a handler's name: every front door that invokes it, with its format and time budget.
pub fn handler_hover(
    snapshot: &Snapshot,
    index: &crate::workspace::WorkspaceIndex,
    path: &std::path::Path,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    let positions = Positions::of(snapshot, encoding);
    let offset = positions.offset(position);
    let mut sections = Vec::new();
    let mut range = None;
    for (name, logical_id, template, doors) in index.doors(path) {
        let Some(at) = name
            .as_deref()
            .and_then(|name| index.symbol(path, name))
            .filter(|at| at.start <= offset && offset <= at.end)
        else {
            continue;
        };
        range = Some(at);
        let template = template
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        let mut text = format!("`{logical_id}` ({template}) is invoked by:");
        if doors.is_empty() {
            text.push_str(" no front door (no API, function URL or load balancer)");
        }
        for door in doors {
            text.push_str(&format!("\n- {door}"));
        }
        sections.push(text);
    }
    let range = range?;
    Some(markdown_hover(
        sections.join("\n\n"),
        positions.range(range),
    ))
}

/// In a template, what the setting under the cursor means for API Gateway. A YAML or JSON
/// template is answered from the model the workspace holds of it (`model`), read from this text
/// or from an earlier one whose edits since left the cursor's place alone (the workspace is
/// re-reading the newest): a large template is not read again for each hover.
fn template_hover(
    snapshot: &Snapshot,
    offset: usize,
    model: &dyn Fn() -> Option<(Arc<str>, Arc<templates::TemplateModel>)>,
) -> Option<String> {
    let kind = snapshot.kind?;
    if matches!(kind, FileKind::YamlTemplate | FileKind::JsonTemplate) {
        let held = model().and_then(|(text, model)| {
            let at = crate::text::Shift::between(&text, &snapshot.text).to_old(offset)?;
            Some((at, model))
        });
        if let Some((at, model)) = held {
            if let (Some(template), Some(graph)) = (&model.read.template, &model.graph) {
                return templates::hover_at(template, graph, at);
            }
        }
    }
    let tree = snapshot.tree.as_ref()?;
    if !kind.is_template() {
        // A CDK stack file: the stack its constructs declare.
        let model = templates::TemplateModel::read_cdk(kind, tree, &snapshot.text)?;
        let (template, graph) = (model.read.template.as_ref()?, model.graph.as_ref()?);
        return templates::hover_at(template, graph, offset);
    }
    let template = templates::parse(kind, tree, &snapshot.text)?;
    let graph = templates::Graph::build(&template);
    templates::hover_at(&template, &graph, offset)
}

/// Over the module name of an import of a handler file: what the functions loading the file
/// have of it (see [`rules::startup::missing_module::describe_import`]).
fn import_hover(
    snapshot: &Snapshot,
    offset: usize,
    context: &dyn Fn() -> FileContext,
) -> Option<(String, TextRange)> {
    let kind = snapshot.kind.filter(|kind| !kind.is_template())?;
    let imports = imports::collect(kind, snapshot.tree.as_ref()?, &snapshot.text);
    let import = imports
        .iter()
        .find(|import| import.range.start <= offset && offset <= import.range.end)?;
    let text = rules::startup::missing_module::describe_import(&context(), import)?;
    Some((text, import.range))
}

/// Where an AWS error text may be written at `offset`: the string literal or comment holding it,
/// or, in a file gatelint does not parse, the line.
fn error_text_range(snapshot: &Snapshot, offset: usize) -> Option<TextRange> {
    let Some(tree) = snapshot.tree.as_ref() else {
        let line = snapshot.line_index.line_of(offset);
        return Some(snapshot.line_index.line_range(&snapshot.text, line));
    };
    let mut node = tree.root_node().descendant_for_byte_range(offset, offset)?;
    loop {
        let kind = node.kind();
        if kind.contains("string") || kind.contains("comment") || kind.contains("scalar") {
            return Some(TextRange::of_node(&node));
        }
        node = node.parent()?;
    }
}

fn markdown_hover(value: String, range: Range) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(range),
    }
}

/// Quick fixes: every fix of every finding that touches `range` (the first fix of each finding is
/// the preferred one: the editor applies it only when the user asks, whether or not `check --fix`
/// would apply it unattended), then a `gatelint: ignore[CODE]` comment for each.
pub fn code_actions(
    snapshot: &Snapshot,
    findings: &[Finding],
    range: Range,
    encoding: Encoding,
    other_file: &OtherFile<'_>,
) -> Vec<CodeActionOrCommand> {
    let requested = Positions::of(snapshot, encoding).text_range(range);
    let mut actions = Vec::new();
    for finding in findings
        .iter()
        .filter(|finding| finding.range.touches(requested))
    {
        let diagnostic: Diagnostic = convert::diagnostic(finding, snapshot, encoding, other_file);
        for (index, fix) in finding.fixes.iter().enumerate() {
            let Some(changes) =
                convert::workspace_changes(&fix.edits, snapshot, encoding, other_file)
            else {
                tracing::warn!(
                    "{}: fix `{}` edits a file that cannot be read; not offered",
                    finding.code,
                    fix.title
                );
                continue;
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(index == 0),
                ..CodeAction::default()
            }));
        }
        // Last, and never preferred: silencing a finding is a decision, not a fix.
        let suppression = snapshot.kind.and_then(|kind| {
            config::suppression_edit(kind, &snapshot.text, snapshot.tree.as_ref(), finding)
        });
        if let Some(fix) = suppression {
            if let Some(changes) =
                convert::workspace_changes(&fix.edits, snapshot, encoding, other_file)
            {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(false),
                    ..CodeAction::default()
                }));
            }
        }
    }
    actions
}

/// The code action kind of "apply every safe fix of this document", for fix-on-save
/// (`"editor.codeActionsOnSave": { "source.fixAll.gatelint": "explicit" }` in VS Code).
pub const FIX_ALL: &str = "source.fixAll.gatelint";

/// Whether a client's `only` filter asks for [`FIX_ALL`]: the kind itself or one it belongs to
/// (`source`, `source.fixAll`, the empty root kind). Never offered unasked: it is not a quick fix.
pub fn wants_fix_all(only: Option<&[CodeActionKind]>) -> bool {
    only.unwrap_or_default().iter().any(|kind| {
        let kind = kind.as_str();
        kind.is_empty()
            || FIX_ALL == kind
            || FIX_ALL
                .strip_prefix(kind)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The [`FIX_ALL`] action: one edit from the document's text to `fixed` (its text after every
/// safe fix, as `check --fix` computes it), spanning only what changed; `None` when nothing does.
pub fn fix_all_action(
    snapshot: &Snapshot,
    fixed: &str,
    applied: usize,
    encoding: Encoding,
) -> Option<CodeActionOrCommand> {
    let before: &str = &snapshot.text;
    if before == fixed {
        return None;
    }
    let mut prefix: usize = before
        .chars()
        .zip(fixed.chars())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    // Never split a CRLF: a position between `\r` and `\n` is no position in the editor.
    if before[..prefix].ends_with('\r') {
        prefix -= 1;
    }
    let mut suffix: usize = before[prefix..]
        .chars()
        .rev()
        .zip(fixed[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum();
    if before[before.len() - suffix..].starts_with('\n')
        && before[..before.len() - suffix].ends_with('\r')
    {
        suffix -= 1;
    }
    let range = TextRange::new(prefix, before.len() - suffix);
    let new_text = fixed[prefix..fixed.len() - suffix].to_owned();
    let edit = TextEdit::new(Positions::of(snapshot, encoding).range(range), new_text);
    let title = if applied == 1 {
        "gatelint: apply 1 safe fix".to_owned()
    } else {
        format!("gatelint: apply {applied} safe fixes")
    };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(snapshot.uri.clone(), vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }))
}

/// Whether a client's `only` filter admits quick fixes: `quickfix` itself, or the empty kind, the
/// root of every kind.
pub fn wants_quick_fixes(only: Option<&[CodeActionKind]>) -> bool {
    let Some(only) = only else {
        return true;
    };
    only.iter()
        .any(|kind| kind.as_str().is_empty() || *kind == CodeActionKind::QUICKFIX)
}

/// Code lenses over a handler's functions: the routes that invoke each (`GET /orders via
/// OrdersApi`), from the templates linked to this file.
pub fn route_lenses(
    snapshot: &Snapshot,
    index: &crate::workspace::WorkspaceIndex,
    path: &std::path::Path,
    encoding: Encoding,
) -> Vec<CodeLens> {
    let positions = Positions::of(snapshot, encoding);
    let mut lenses = Vec::new();
    for (function, template, timeout, invocations) in index.routes(path) {
        let range = function
            .as_deref()
            .and_then(|name| index.symbol(path, name))
            .unwrap_or(TextRange::empty(0));
        let template_name = template
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        let routes: Vec<String> = invocations
            .iter()
            .filter(|invocation| invocation.authorizer.is_none())
            .map(|invocation| invocation.lens_text(timeout))
            .collect();
        let title = if routes.is_empty() {
            format!("no front door invokes this handler ({template_name})")
        } else {
            format!("{} in {template_name}", routes.join(", "))
        };
        lenses.push(CodeLens {
            range: positions.range(range),
            command: Some(Command {
                title,
                command: String::new(),
                arguments: None,
            }),
            data: None,
        });
    }
    lenses
}
