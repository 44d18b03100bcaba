use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::model::LAMBDA_FUNCTION_TYPES;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL601",
        name: "zero-reserved-concurrency",
        category: Category::Throttle,
        severity: Severity::Error,
        summary: "An API-invoked function has `ReservedConcurrentExecutions: 0`, so every call is throttled.",
        aws_error: "Lambda: Rate Exceeded / TooManyRequestsException (client: 500 Internal server error, or 429 on HTTP APIs)",
        why: "Reserved concurrency 0 is Lambda's off switch: no invocation may run. Every request the API forwards is \
              throttled, and API Gateway answers with an error instead of the function's response.",
        fix: "Remove `ReservedConcurrentExecutions` or set it to the concurrency the function needs.",
        before: "ReservedConcurrentExecutions: 0",
        after: "ReservedConcurrentExecutions: 20",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    for function in &ctx.template.resources {
        if !LAMBDA_FUNCTION_TYPES.contains(&function.type_name.as_str()) {
            continue;
        }
        let Some(edge) = ctx.graph.edges_of(&function.logical_id).next() else {
            continue;
        };
        let Some(reserved) = ctx
            .template
            .effective_number(function, "ReservedConcurrentExecutions")
        else {
            continue;
        };
        if reserved.value != 0.0 {
            continue;
        }
        let range = if reserved.from_globals {
            function.id_range
        } else {
            reserved.written_range
        };
        sink.report(
            range,
            format!(
                "`{}` has {} 0: every call from {} is throttled (Rate Exceeded) and fails",
                function.logical_id,
                ctx.template.dialect.spelled("ReservedConcurrentExecutions"),
                edge.describe()
            ),
        );
    }
}
