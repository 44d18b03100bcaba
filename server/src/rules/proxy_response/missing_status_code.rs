use super::reading::FrontDoor;
use super::{is_response_shaped, meant_key};
use crate::findings::{Category, Fix, Severity};
use crate::fixes;
use crate::knowledge::proxy::PayloadVersion;
use crate::languages::ResponseObject;
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL102",
        name: "missing-status-code",
        category: Category::ProxyResponse,
        severity: Severity::Warning,
        summary: "A proxy response has no `statusCode`: REST answers 200 whatever happened; HTTP API 2.0 sends the object itself.",
        aws_error: "(no error: the client silently gets 200; on an HTTP API it gets the whole object as JSON)",
        why: concat!(
            "Behind a REST API (payload 1.0) a response without `statusCode` is answered with 200 and the `body`, \
              so an error path that forgot its status reports success. Behind an HTTP API with payload 2.0, a \
              value without `statusCode` is not read as a response at all: API Gateway sends the whole returned \
              object, `headers` and `body` keys included, as the JSON body with status 200. Under 2.0 returning \
              data without `statusCode` is the intended shortcut, so only an object with `headers` or `body` \
              (a response envelope missing its status) is reported there, and its fix is offered in the editor \
              but never applied by `check --fix`: the object may be data a client reads.",
            response_doors!()
        ),
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
    let allowed = ctx.reading.response_keys();
    // A misspelled `statusCode` is reported (with its rename) by unknown-response-key, except
    // under payload 2.0, where that rule leaves an object without `statusCode` alone.
    let misspelt = response
        .entries
        .iter()
        .find(|entry| meant_key(entry, allowed) == Some("statusCode"));
    if misspelt.is_some() && ctx.reading.payload == PayloadVersion::V1 {
        return;
    }
    let assumed = ctx.reading.front_door == FrontDoor::Assumed;
    let behind_rest = if assumed {
        "if this runs behind a REST API, API Gateway answers 200"
    } else {
        "API Gateway answers 200"
    };
    let message = match ctx.reading.payload {
        // AWS documents `statusCode` as part of every load balancer response; what it answers
        // without one is not recorded, so the message says only that.
        PayloadVersion::V1 if ctx.reading.behind_load_balancer() => {
            if !is_response_shaped(response, ctx.reading.payload) && !response.entries.is_empty() {
                return;
            }
            "This response has no `statusCode`, which the Application Load Balancer's response \
             format requires (AWS docs): what the client then gets is not documented"
                .to_owned()
        }
        PayloadVersion::V1 if response.entries.is_empty() => {
            format!("This empty response has no `statusCode`: {behind_rest} with an empty body")
        }
        PayloadVersion::V1 if is_response_shaped(response, ctx.reading.payload) => {
            format!("This response has no `statusCode`: {behind_rest} whatever the code meant")
        }
        // Under 2.0 the object is the body; only `headers`/`body` beside it show it was meant
        // as the response envelope.
        PayloadVersion::V2
            if ["headers", "body"]
                .iter()
                .any(|key| response.entry(key).is_some()) =>
        {
            let keys: Vec<&str> = response
                .entries
                .iter()
                .map(|entry| entry.key.as_str())
                .collect();
            format!(
                "Without `statusCode`, {} sends this whole object as the JSON body with status 200: \
                 the client receives {{{}}} instead of the body{}",
                if assumed {
                    "an HTTP API (payload 2.0)".to_owned()
                } else {
                    format!("the {} (payload 2.0)", ctx.reading.door_name())
                },
                keys.iter().map(|key| format!("\"{key}\": …")).collect::<Vec<_>>().join(", "),
                misspelt.map_or(String::new(), |entry| format!(
                    " (`{}` is not `statusCode`)",
                    entry.key
                ))
            )
        }
        _ => return,
    };
    let fix = Fix {
        // Under 2.0 the object may be data the client reads: for a person to decide.
        safe: ctx.reading.payload == PayloadVersion::V1,
        title: "Add \"statusCode\": 200".into(),
        edits: vec![fixes::insert_entry(response, "statusCode", "200")],
    };
    sink.report(response.anchor, message).with_fix(Some(fix));
}
