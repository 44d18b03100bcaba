use crate::findings::{Category, Severity};
use crate::fixes;
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL110",
        name: "numeric-header-value",
        category: Category::ProxyResponse,
        severity: Severity::Info,
        summary: "A `headers` value is a number: API Gateway coerces it to a string, other front ends reject it.",
        aws_error: "(no error from API Gateway; an Application Load Balancer answers 502 for the same response)",
        why: "Header values are strings. API Gateway turns `\"Content-Length\": 3` into \"3\", so this works behind \
              API Gateway, but the same handler behind an Application Load Balancer or in a typed test fails. \
              Where a template puts the handler behind an Application Load Balancer (a target group of \
              `TargetType: lambda`), the finding is an error: the load balancer answers 502 Bad Gateway.",
        fix: "Write the value as a string.",
        before: "\"headers\": {\"X-Count\": 3}",
        after: "\"headers\": {\"X-Count\": \"3\"}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: its keys are data.
    if ctx.reading.is_v2_body(response) {
        return;
    }
    let Some(headers) = response.entry("headers") else {
        return;
    };
    let ValueKind::Object(entries, _) = &headers.value.kind else {
        return;
    };
    for entry in entries {
        let value = &entry.value;
        if !matches!(
            value.kind,
            ValueKind::Integer(_) | ValueKind::Float(_) | ValueKind::Number
        ) {
            continue;
        }
        let literal = value.defined_at.is_none() && !matches!(value.kind, ValueKind::Number);
        let alb = ctx.reading.behind_load_balancer();
        let message = if alb {
            format!(
                "Header `{}` is a number: {} (it takes only string header values)",
                entry.key,
                ctx.reading.rejection()
            )
        } else {
            format!("Header `{}` is a number; API Gateway coerces it to a string, but header values are strings", entry.key)
        };
        let finding = sink
            .report(value.range, message)
            .with_fix(Some(fixes::to_string(
                ctx.facts.language,
                ctx.text,
                value.range,
                literal,
            )));
        if alb {
            finding.severity = Severity::Error;
        }
    }
}
