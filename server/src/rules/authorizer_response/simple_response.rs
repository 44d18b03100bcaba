use super::answers;
use crate::findings::{Category, Severity};
use crate::fixes;
use crate::languages::ValueKind;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::functions::AuthorizerKind;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL203",
        name: "invalid-simple-authorizer-response",
        category: Category::AuthorizerResponse,
        severity: Severity::Error,
        summary: "An HTTP API simple-response authorizer answers without a boolean `isAuthorized`.",
        aws_error: "500 {\"message\":\"Internal Server Error\"} (access log `$context.authorizer.error`: the authorizer's response is invalid)",
        why: "With `EnableSimpleResponses`, an HTTP API reads only `{\"isAuthorized\": <boolean>, \"context\": {...}}` \
              from the authorizer. `isAuthorized` must be a JSON boolean: the string \"true\" (or a number) is not \
              read as one, and an answer without the key (a policy document, a proxy response) is not a simple \
              response at all; API Gateway rejects the answer and the client gets 500 instead of its route.",
        fix: "Return `isAuthorized` as a boolean literal or expression.",
        before: "return {\"isAuthorized\": \"true\", \"context\": {\"user\": user_id}}",
        after: "return {\"isAuthorized\": True, \"context\": {\"user\": user_id}}",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let language = ctx.facts.language;
    for answer in answers(ctx) {
        if answer.kind != Some(AuthorizerKind::Simple) {
            continue;
        }
        let object = answer.object;
        let finding = match object.entry("isAuthorized") {
            None if answer.declared && !object.opaque => sink.report(
                object.anchor,
                "this authorizer has simple responses enabled but answers without `isAuthorized`: \
                 API Gateway answers 500. Return {\"isAuthorized\": true|false, ...}",
            ),
            None => continue,
            Some(entry) => {
                let value = &entry.value;
                let flag = match &value.kind {
                    ValueKind::Bool(_) | ValueKind::Unknown => continue,
                    ValueKind::StringLiteral(text) => fixes::spelled_bool(text),
                    _ => None,
                };
                let fix = flag.map(|flag| fixes::use_boolean(language, value.range, flag));
                sink.report(
                    value.range,
                    format!(
                        "`isAuthorized` is {}, not a boolean: API Gateway does not read it as a \
                         decision and answers 500",
                        value.kind.describe(language)
                    ),
                )
                .with_fix(fix)
            }
        };
        finding.related.extend(answer.related.clone());
    }
}
