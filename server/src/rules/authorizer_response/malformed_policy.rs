use super::{answers, Answer};
use crate::findings::{Category, Edit, Fix, Related, Severity};
use crate::languages::{Entry, ObjectShape, Value, ValueKind};
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::functions::AuthorizerKind;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL202",
        name: "malformed-authorizer-policy",
        category: Category::AuthorizerResponse,
        severity: Severity::Error,
        summary: "A policy-format Lambda authorizer answers without `principalId`, a `policyDocument` with `Version` and `Statement`, or statements with `Action`, `Effect` (Allow/Deny) and `Resource`.",
        aws_error: "500 {\"message\": null} with `AuthorizerConfigurationException` (execution log: `Execution failed due to configuration error: Invalid JSON in response`)",
        why: "A REST API `TOKEN`/`REQUEST` authorizer, and an HTTP API authorizer without simple responses, must \
              answer with an IAM policy: `{\"principalId\": ..., \"policyDocument\": {\"Version\": \"2012-10-17\", \
              \"Statement\": [{\"Action\": \"execute-api:Invoke\", \"Effect\": \"Allow\"|\"Deny\", \"Resource\": ...}]}}`. \
              API Gateway evaluates that policy to allow or deny the call; an answer it cannot read as one \
              (no principal, no statements, an `Effect` other than `Allow`/`Deny`, an `isAuthorized` simple \
              response where simple responses are not enabled) is a configuration error: the client gets 500 \
              on every request, whatever the token.",
        fix: "Return the complete policy document. To refuse a token, answer `Deny` (403) or raise \
              `Unauthorized` (401) — not an incomplete answer.",
        before: "return {\"principalId\": user_id, \"policyDocument\": {\"Statement\": [{\"Effect\": \"allow\", \"Resource\": arn}]}}",
        after: "return {\n    \"principalId\": user_id,\n    \"policyDocument\": {\n        \"Version\": \"2012-10-17\",\n        \"Statement\": [{\"Action\": \"execute-api:Invoke\", \"Effect\": \"Allow\", \"Resource\": arn}],\n    },\n}",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let language = ctx.facts.language;
    for answer in answers(ctx) {
        if answer.kind != Some(AuthorizerKind::Policy) {
            continue;
        }
        let object = answer.object;
        if !object.opaque {
            let missing: Vec<&str> = ["principalId", "policyDocument"]
                .into_iter()
                .filter(|key| object.entry(key).is_none())
                .collect();
            if !missing.is_empty() {
                let simple = if object.entry("isAuthorized").is_some() {
                    " (`isAuthorized` is read only where simple responses are enabled)"
                } else {
                    ""
                };
                let message = format!(
                    "this authorizer answers in the IAM policy format but this answer has no {}{simple}: \
                     API Gateway answers 500 (AuthorizerConfigurationException)",
                    missing
                        .iter()
                        .map(|key| format!("`{key}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                );
                report(sink, &answer, object.anchor, message, None);
            }
        }
        let Some(document) = object.entry("policyDocument") else {
            continue;
        };
        let Some((entries, complete)) = object_value(&document.value) else {
            if is_scalar(&document.value.kind) {
                let message = format!(
                    "`policyDocument` is {}, not a policy object: API Gateway answers 500 \
                     (AuthorizerConfigurationException)",
                    document.value.kind.describe(language)
                );
                report(sink, &answer, document.value.range, message, None);
            }
            continue;
        };
        let statement = find(entries, "Statement");
        if complete {
            let missing: Vec<&str> = ["Version", "Statement"]
                .into_iter()
                .filter(|key| find(entries, key).is_none())
                .collect();
            if !missing.is_empty() {
                let message = format!(
                    "`policyDocument` has no {}: API Gateway cannot evaluate it and answers 500 \
                     (AuthorizerConfigurationException)",
                    missing
                        .iter()
                        .map(|key| format!("`{key}`"))
                        .collect::<Vec<_>>()
                        .join(" or ")
                );
                report(sink, &answer, document.key_range, message, None);
            }
        }
        let Some(statement) = statement else {
            continue;
        };
        let statements: Vec<&Value> = match &statement.value.kind {
            ValueKind::Array(items) => items.iter().collect(),
            ValueKind::Object(..) => vec![&statement.value],
            kind if is_scalar(kind) => {
                let message = format!(
                    "`Statement` is {}, not a list of statements: API Gateway answers 500 \
                     (AuthorizerConfigurationException)",
                    kind.describe(language)
                );
                report(sink, &answer, statement.value.range, message, None);
                continue;
            }
            _ => continue,
        };
        for item in statements {
            check_statement(sink, &answer, item, ctx.text);
        }
    }
}

fn check_statement(sink: &mut Sink, answer: &Answer<'_>, statement: &Value, text: &str) {
    let Some((entries, complete)) = object_value(statement) else {
        return;
    };
    if complete {
        let missing: Vec<&str> = [
            ("Action", "NotAction"),
            ("Effect", "Effect"),
            ("Resource", "NotResource"),
        ]
        .into_iter()
        .filter(|(key, alternative)| {
            find(entries, key).is_none() && find(entries, alternative).is_none()
        })
        .map(|(key, _)| key)
        .collect();
        if !missing.is_empty() {
            let message = format!(
                "policy statement has no {}: API Gateway answers 500 (AuthorizerConfigurationException)",
                missing
                    .iter()
                    .map(|key| format!("`{key}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            );
            report(sink, answer, statement.range, message, None);
        }
    }
    let Some(effect) = find(entries, "Effect") else {
        return;
    };
    let ValueKind::StringLiteral(written) = &effect.value.kind else {
        return;
    };
    if written == "Allow" || written == "Deny" {
        return;
    }
    let proper = match written.trim().to_ascii_lowercase().as_str() {
        "allow" => Some("Allow"),
        "deny" => Some("Deny"),
        _ => None,
    };
    let fix = proper
        .filter(|_| effect.value.defined_at.is_none())
        .map(|proper| {
            // Keep the literal's own quotes (`'allow'` becomes `'Allow'`).
            let quote = effect.value.range.slice(text).chars().next().unwrap_or('"');
            Fix {
                safe: true,
                title: format!("Write \"{proper}\""),
                edits: vec![Edit::replace(
                    effect.value.range,
                    format!("{quote}{proper}{quote}"),
                )],
            }
        });
    let message = format!(
        "`Effect` is \"{written}\": IAM reads only \"Allow\" or \"Deny\" (case-sensitive), so API \
         Gateway answers 500 (AuthorizerConfigurationException)"
    );
    report(sink, answer, effect.value.range, message, fix);
}

fn report(
    sink: &mut Sink,
    answer: &Answer<'_>,
    range: crate::text::TextRange,
    message: String,
    fix: Option<Fix>,
) {
    let related: Option<Related> = answer.related.clone();
    let finding = sink.report(range, message);
    finding.with_fix(fix);
    finding.related.extend(related);
}

/// The entries of an object value, and whether they are all known: only a literal written in
/// place is complete (one bound to a variable may get keys later).
fn object_value(value: &Value) -> Option<(&[Entry], bool)> {
    match &value.kind {
        ValueKind::Object(entries, shape) => Some((
            entries,
            *shape == ObjectShape::Complete && value.defined_at.is_none(),
        )),
        _ => None,
    }
}

fn find<'e>(entries: &'e [Entry], key: &str) -> Option<&'e Entry> {
    entries.iter().rev().find(|entry| entry.key == key)
}

fn is_scalar(kind: &ValueKind) -> bool {
    matches!(
        kind,
        ValueKind::StringLiteral(_)
            | ValueKind::String
            | ValueKind::Integer(_)
            | ValueKind::Float(_)
            | ValueKind::Number
            | ValueKind::Bool(_)
    )
}
