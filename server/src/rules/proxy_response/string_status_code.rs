use crate::findings::{Category, Edit, Fix, Severity};
use crate::languages::{ResponseObject, ValueKind};
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL105",
        name: "string-status-code",
        category: Category::ProxyResponse,
        severity: Severity::Info,
        summary: "`statusCode` is a numeric string such as \"201\": accepted, but documented as an integer.",
        aws_error: "(no error: API Gateway reads \"201\" as 201)",
        why: "API Gateway documents `statusCode` as an integer. It accepts a string of digits and answers with that \
              status, so this works, but typed clients, tests and other front ends (an Application Load Balancer) \
              may not.",
        fix: "Write the status as an integer.",
        before: "return {\"statusCode\": \"201\", \"body\": json.dumps(created)}",
        after: "return {\"statusCode\": 201, \"body\": json.dumps(created)}",
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
    let ValueKind::StringLiteral(text) = &entry.value.kind else {
        return;
    };
    let Ok(code) = text.trim().parse::<u16>() else {
        return;
    };
    if !(100..=599).contains(&code) || !text.trim().chars().all(|c| c.is_ascii_digit()) {
        return;
    }
    sink.report(
        entry.value.range,
        format!("`statusCode` is the string \"{text}\"; API Gateway accepts it, but documents an integer: {code}"),
    )
    .with_fix(Some(Fix {
 safe: true,
        title: format!("Write the status as the integer {code}"),
        edits: vec![Edit::replace(entry.value.range, code.to_string())],
    }));
}
