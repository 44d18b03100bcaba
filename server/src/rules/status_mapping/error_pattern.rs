use super::mappings;
use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL502",
        name: "non-proxy-without-error-pattern",
        category: Category::StatusMapping,
        severity: Severity::Warning,
        summary: "A non-proxy Lambda integration has no error `SelectionPattern`, so function errors reach the client as 200.",
        aws_error: "(none: the client gets 200 with {\"errorMessage\": ..., \"errorType\": ...} as the body)",
        why: "In a non-proxy (`AWS`) Lambda integration, API Gateway picks the integration response whose \
              `SelectionPattern` matches the function's `errorMessage`; with no pattern only the default response \
              exists, so a failed invocation is sent to the client as a successful 200 carrying the error object.",
        fix: "Add an `IntegrationResponses` entry with a `SelectionPattern` matching your error messages (for example \
              `.*[Ee]rror.*`) and a 4xx/5xx `StatusCode`, declared in `MethodResponses` too; or switch to `AWS_PROXY`.",
        before: "IntegrationResponses:\n  - StatusCode: 200",
        after: "IntegrationResponses:\n  - StatusCode: 200\n  - StatusCode: 500\n    SelectionPattern: '.*[Ee]rror.*'",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    for mapping in mappings(ctx.template) {
        if !mapping.lambda_non_proxy
            || mapping.asynchronous
            || mapping.responses.iter().any(|(_, pattern)| *pattern)
        {
            continue;
        }
        let function = mapping
            .function
            .as_deref()
            .map_or_else(|| "the function".to_owned(), |name| format!("`{name}`"));
        sink.report(
            mapping.type_range,
            format!(
                "Non-proxy Lambda integration with no error {pattern}: when {function} fails, the client \
                 gets 200 with the error object as the body. Map errors with a {pattern} to a 4xx/5xx status",
                pattern = ctx.template.dialect.spelled("SelectionPattern"),
            ),
        );
    }
}
