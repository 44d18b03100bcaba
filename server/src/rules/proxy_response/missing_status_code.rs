use super::{allowed_keys, is_response_shaped, meant_key};
use crate::fixes;
use crate::knowledge::proxy::PayloadVersion;
use crate::languages::ResponseObject;
use crate::rules::{Category, Check, Fix, ResponseContext, Rule, RuleMeta, Severity, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL102",
        name: "missing-status-code",
        category: Category::ProxyResponse,
        severity: Severity::Warning,
        summary: "A proxy response has no `statusCode`: REST answers 200 whatever happened; HTTP API 2.0 sends the object itself.",
        aws_error: "(no error: the client silently gets 200; on an HTTP API it gets the whole object as JSON)",
        why: "Behind a REST API (payload 1.0) a response without `statusCode` is answered with 200 and the `body`, \
              so an error path that forgot its status reports success. Behind an HTTP API with payload 2.0, a \
              value without `statusCode` is not read as a response at all: API Gateway sends the whole returned \
              object, `headers` and `body` keys included, as the JSON body with status 200.",
        fix: "Add `statusCode` with the status you mean.",
        before: "return {\"headers\": {\"Content-Type\": \"application/json\"}, \"body\": json.dumps(result)}",
        after: "return {\"statusCode\": 200, \"headers\": {\"Content-Type\": \"application/json\"}, \"body\": json.dumps(result)}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    if response.opaque || response.entry("statusCode").is_some() {
        return;
    }
    let allowed = allowed_keys(ctx.reading.payload);
    // A misspelled `statusCode` is reported (with its rename) by unknown-response-key.
    if response
        .entries
        .iter()
        .any(|entry| meant_key(entry, allowed) == Some("statusCode"))
    {
        return;
    }
    let message = match ctx.reading.payload {
        PayloadVersion::V1 if response.entries.is_empty() => {
            "This empty response has no `statusCode`: API Gateway answers 200 with an empty body".to_owned()
        }
        PayloadVersion::V1 if is_response_shaped(response, ctx.reading.payload) => {
            "This response has no `statusCode`: API Gateway (REST, payload 1.0) answers 200 whatever the code meant".to_owned()
        }
        PayloadVersion::V2 if is_response_shaped(response, ctx.reading.payload) => {
            let keys: Vec<&str> = response.entries.iter().map(|entry| entry.key.as_str()).collect();
            format!(
                "Without `statusCode`, an HTTP API (payload 2.0) sends this whole object as the JSON body with \
                 status 200: the client receives {{{}}} instead of the body",
                keys.iter().map(|key| format!("\"{key}\": …")).collect::<Vec<_>>().join(", ")
            )
        }
        _ => return,
    };
    let fix = Fix {
        safe: true,
        title: "Add \"statusCode\": 200".into(),
        edits: vec![fixes::insert_entry(response, "statusCode", "200")],
    };
    sink.report(response.anchor, message).with_fix(Some(fix));
}
