use crate::findings::{Category, Severity};
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL104",
        name: "invalid-status-code",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "`statusCode` is not an integer from 100 to 599 (a word, a boolean, null, an object, out of range).",
        aws_error: "Execution failed due to configuration error: Malformed Lambda proxy response (client: 502 {\"message\": \"Internal server error\"})",
        why: concat!(
            "API Gateway reads `statusCode` as an HTTP status. A value it cannot read as an integer status \
              (\"ok\", true, null, a list) or one outside 100–599 makes it reject the response with 502.",
            response_doors!()
        ),
        fix: "Use an integer status such as 200, 400 or 500.",
        before: "return {\"statusCode\": \"OK\", \"body\": \"done\"}",
        after: "return {\"statusCode\": 200, \"body\": \"done\"}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: its keys are data.
    if ctx.reading.is_v2_body(response) {
        return;
    }
    let Some(entry) = response.entry("statusCode") else {
        return;
    };
    let value = &entry.value;
    let problem = match &value.kind {
        ValueKind::Integer(code) if !(100..=599).contains(code) => {
            format!("{code} is not an HTTP status (100–599)")
        }
        ValueKind::Float(number) => format!("{number} is not an integer"),
        ValueKind::StringLiteral(text) if !is_numeric(text) => {
            format!("\"{text}\" is not a number")
        }
        ValueKind::StringLiteral(text)
            if text
                .trim()
                .parse::<i64>()
                .is_ok_and(|code| !(100..=599).contains(&code)) =>
        {
            format!("\"{text}\" is not an HTTP status (100–599)")
        }
        ValueKind::Bool(_)
        | ValueKind::Null
        | ValueKind::Object(..)
        | ValueKind::Array(_)
        | ValueKind::Bytes => {
            format!(
                "{} is not a status code",
                value.kind.describe(ctx.facts.language)
            )
        }
        _ => return,
    };
    sink.report(
        value.range,
        format!("`statusCode` {problem}: {}", ctx.reading.rejection()),
    );
}

fn is_numeric(text: &str) -> bool {
    let trimmed = text.trim();
    !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit())
}
