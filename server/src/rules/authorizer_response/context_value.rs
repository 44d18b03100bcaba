use super::answers;
use crate::findings::{Category, Severity};
use crate::fixes;
use crate::languages::ValueKind;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL201",
        name: "authorizer-context-value",
        category: Category::AuthorizerResponse,
        severity: Severity::Error,
        summary: "A REST Lambda authorizer puts an object or a list into its `context`.",
        aws_error: "500 {\"message\": null} with `AuthorizerConfigurationException` (execution log: `Invalid JSON in response`/`Authorizer error`)",
        why: "API Gateway copies a REST authorizer's `context` into `$context.authorizer.*` and the backend's \
              `requestContext.authorizer`, one flat key at a time: each value must be a string, a number or a \
              boolean. One object or array value makes API Gateway reject the whole answer, so every request \
              the authorizer sees fails with 500, allowed or not. gatelint checks REST authorizers (and, \
              without a template, any authorizer answering with a policy).",
        fix: "Flatten the value into several keys, or serialise it to a string (and parse it in the backend).",
        before: "return {\n    \"principalId\": user[\"id\"],\n    \"policyDocument\": policy,\n    \"context\": {\"roles\": [\"admin\", \"ops\"]},\n}",
        after: "return {\n    \"principalId\": user[\"id\"],\n    \"policyDocument\": policy,\n    \"context\": {\"roles\": json.dumps([\"admin\", \"ops\"])},\n}",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let language = ctx.facts.language;
    for answer in answers(ctx) {
        if !answer.policy_context {
            continue;
        }
        let Some(context) = answer.object.entry("context") else {
            continue;
        };
        let ValueKind::Object(entries, _) = &context.value.kind else {
            continue;
        };
        for entry in entries {
            if !matches!(
                entry.value.kind,
                ValueKind::Object(..) | ValueKind::Array(_)
            ) {
                continue;
            }
            let mut fix = fixes::serialize_json(ctx.facts, ctx.text, entry.value.range);
            fix.title = fix.title.replace("the body", "the value");
            let finding = sink.report(
                entry.value.range,
                format!(
                    "authorizer `context` value `{}` is {}: API Gateway accepts only strings, numbers and \
                     booleans there and answers 500 (AuthorizerConfigurationException) to every request",
                    entry.key,
                    entry.value.kind.describe(language)
                ),
            );
            finding.with_fix(Some(fix));
            finding.related.extend(answer.related.clone());
        }
    }
}
