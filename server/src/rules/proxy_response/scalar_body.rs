use crate::findings::{Category, Severity};
use crate::fixes;
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL107",
        name: "scalar-body",
        category: Category::ProxyResponse,
        severity: Severity::Warning,
        summary: "`body` is a number or boolean instead of a string.",
        aws_error: "(undocumented: API Gateway documents `body` as a string; a scalar may be coerced or rejected)",
        why: "The Lambda proxy format defines `body` as a string. API Gateway coerces scalars in some places \
              (`statusCode`, header values), but a numeric or boolean body is outside the documented format, so \
              whether a client receives `42`, `\"42\"` or a 502 is not something to rely on.",
        fix: "Convert it to a string: `str(...)` in Python, `String(...)` in Node.",
        before: "return {\"statusCode\": 200, \"body\": count}",
        after: "return {\"statusCode\": 200, \"body\": str(count)}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: its keys are data.
    if ctx.reading.is_v2_body(response) {
        return;
    }
    let Some(entry) = response.entry("body") else {
        return;
    };
    let value = &entry.value;
    let literal = match value.kind {
        ValueKind::Integer(_) | ValueKind::Float(_) => value.defined_at.is_none(),
        ValueKind::Number => false,
        ValueKind::Bool(_) => false,
        _ => return,
    };
    let what = value.kind.describe(ctx.facts.language);
    sink.report(
        value.range,
        format!("`body` is {what}; the proxy format expects a string"),
    )
    .with_fix(Some(fixes::to_string(
        ctx.facts.language,
        ctx.text,
        value.range,
        literal,
    )));
}
