use super::{mappings, status_text, Mapping};
use crate::findings::{Category, Edit, Fix, Severity};
use crate::rules::template_edit::{column, yaml_append_lines};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::{Syntax, Template};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL501",
        name: "undeclared-integration-status",
        category: Category::StatusMapping,
        severity: Severity::Error,
        summary: "An integration response maps to a status code that the method does not declare in `MethodResponses`.",
        aws_error: "Output mapping refers to an invalid method response: 500",
        why: "In a non-proxy integration, each `IntegrationResponses` entry selects one of the method's declared \
              responses by `StatusCode`. A status code without a matching `MethodResponses` entry is rejected: the \
              deployment fails, or the request fails with a configuration error.",
        fix: "Add a `MethodResponses` entry with that `StatusCode` (and its response parameters and models, if any). The quick fix is offered in the editor only, never by `gatelint check --fix`: it changes what is deployed, so a person reviews it.",
        before: "MethodResponses:\n  - StatusCode: 200\nIntegration:\n  Type: AWS\n  IntegrationResponses:\n    - StatusCode: 200\n    - StatusCode: 500\n      SelectionPattern: '.*Error.*'",
        after: "MethodResponses:\n  - StatusCode: 200\n  - StatusCode: 500\nIntegration:\n  Type: AWS\n  IntegrationResponses:\n    - StatusCode: 200\n    - StatusCode: 500\n      SelectionPattern: '.*Error.*'",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    for mapping in mappings(ctx.template) {
        let missing: Vec<_> = mapping
            .responses
            .iter()
            .filter_map(|(status, _)| Some((*status, status_text(status)?)))
            .filter(|(_, code)| !mapping.method_statuses.contains(code))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let fix = add_method_responses_fix(ctx.template, ctx.text, &mapping, &missing);
        for (status, code) in &missing {
            sink.report(
                status.range,
                format!(
                    "Status {code} is mapped here but not declared in MethodResponses: API Gateway fails with \
                     \"Output mapping refers to an invalid method response: {code}\""
                ),
            )
            .with_fix(fix.clone());
        }
    }
}

/// Adds the missing status codes to `MethodResponses`, creating it when absent; the codes are
/// written as the integration responses wrote them.
fn add_method_responses_fix(
    template: &Template,
    text: &str,
    mapping: &Mapping<'_>,
    missing: &[(&crate::templates::Value, String)],
) -> Option<Fix> {
    let properties = mapping.method_properties?;
    let literals: Vec<&str> = missing
        .iter()
        .map(|(status, _)| status.range.slice(text))
        .collect();
    let (_, unit) = template.resource_indentation(text);
    let edit = match properties.entry("MethodResponses") {
        Some(entry) => {
            let list = &entry.value;
            let last = list.items().last()?;
            let flow = list.range.slice(text).starts_with('[');
            match (template.syntax, flow) {
                (Syntax::Yaml, false) => {
                    let line_start = text[..last.range.start].rfind('\n').map_or(0, |at| at + 1);
                    let dash = text[line_start..last.range.start].rfind('-')?;
                    let indent = " ".repeat(dash);
                    let lines: Vec<String> = literals
                        .iter()
                        .map(|literal| format!("{indent}- StatusCode: {literal}"))
                        .collect();
                    let (at, new_text) = yaml_append_lines(text, list.range.end, &lines);
                    Edit::insert(at, new_text)
                }
                (Syntax::Yaml, true) => Edit::insert(
                    last.range.end,
                    literals
                        .iter()
                        .map(|literal| format!(", {{StatusCode: {literal}}}"))
                        .collect::<String>(),
                ),
                (Syntax::Json, _) => {
                    let indent = " ".repeat(column(text, last.range.start));
                    let same_line = !text[list.range.start..last.range.start].contains('\n');
                    let separator = if same_line {
                        " ".to_owned()
                    } else {
                        format!("\n{indent}")
                    };
                    Edit::insert(
                        last.range.end,
                        literals
                            .iter()
                            .map(|literal| format!(",{separator}{{\"StatusCode\": {literal}}}"))
                            .collect::<String>(),
                    )
                }
            }
        }
        None => {
            let first = properties.entries().first()?;
            let last = properties.entries().last()?;
            let indent = " ".repeat(column(text, first.key_range.start));
            match template.syntax {
                Syntax::Yaml => {
                    let mut lines = vec![format!("{indent}MethodResponses:")];
                    lines.extend(
                        literals
                            .iter()
                            .map(|literal| format!("{indent}{unit}- StatusCode: {literal}")),
                    );
                    let (at, new_text) = yaml_append_lines(text, properties.range.end, &lines);
                    Edit::insert(at, new_text)
                }
                Syntax::Json => Edit::insert(
                    last.value.range.end,
                    format!(
                        ",\n{indent}\"MethodResponses\": [{}]",
                        literals
                            .iter()
                            .map(|literal| format!("{{\"StatusCode\": {literal}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
    };
    Some(Fix {
        safe: false,
        title: format!(
            "Declare {} in MethodResponses",
            missing
                .iter()
                .map(|(_, code)| code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        edits: vec![edit],
    })
}
