use super::reading::{Certainty, FrontDoor};
use super::{allowed_keys, is_response_shaped, meant_key, payload_name};
use crate::templates::graph::ApiKind;

use crate::findings::{Category, Edit, Fix, Severity};
use crate::knowledge::proxy::PayloadVersion;
use crate::languages::ResponseObject;
use crate::rules::{Check, ResponseContext, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL101",
        name: "unknown-response-key",
        category: Category::ProxyResponse,
        severity: Severity::Error,
        summary: "A proxy response has a key API Gateway does not accept (`status`, `StatusCode`, `cookies` on REST, ...).",
        aws_error: "Execution failed due to configuration error: Malformed Lambda proxy response (client: 502 {\"message\": \"Internal server error\"})",
        why: concat!(
            "A Lambda proxy integration reads the returned object strictly. For a REST API (and HTTP APIs with \
              payload 1.0) the only keys allowed are `statusCode`, `headers`, `multiValueHeaders`, `body` and \
              `isBase64Encoded`; any other top-level key makes API Gateway reject the whole response with 502 \
              (an HTTP API with payload 1.0 answers 500). Payload 2.0 (HTTP APIs) is different: an object \
              without `statusCode` is not read as a response but sent whole as the JSON body, so its keys are \
              the client's data and are never reported or renamed; with `statusCode`, 2.0 reads `cookies` and \
              has no `multiValueHeaders`, and another key is a warning (what API Gateway does with it is not \
              recorded). Without a template the API is assumed from the code: the message says so, and the finding is a \
              warning, since the 502 holds only behind a REST API. Where nothing shows that \
              API Gateway invokes the function (no template links it, its code reads no API event key), only \
              a misspelt response key is reported: other keys there are more likely a direct invocation's result.",
            response_doors!()
        ),
        fix: "Rename a misspelled key (`status`, `status_code`, `StatusCode` → `statusCode`); move data into the \
              JSON `body`; on a REST API send cookies as `multiValueHeaders: {\"Set-Cookie\": [...]}`.",
        before: "return {\"status\": 200, \"body\": json.dumps(item)}",
        after: "return {\"statusCode\": 200, \"body\": json.dumps(item)}",
        example_language: "python",
    },
    check: Check::Response(check),
};

fn check(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    // Under payload 2.0 an object without `statusCode` is the body itself: no key of it is
    // unknown, and renaming one would change the client's data.
    if ctx.reading.is_v2_body(response) || !is_response_shaped(response, ctx.reading.payload) {
        return;
    }
    let payload = ctx.reading.payload;
    if ctx.reading.behind_load_balancer() {
        return load_balancer_keys(ctx, response, sink);
    }
    let allowed = allowed_keys(payload);
    for entry in &response.entries {
        if allowed.contains(&entry.key.as_str()) {
            continue;
        }
        let key = &entry.key;
        let probable = meant_key(entry, allowed).filter(|meant| response.entry(meant).is_none());
        // Where nothing shows API Gateway invokes the function (no template, no API event read),
        // extra keys are more likely a direct invocation's result than a broken proxy response;
        // only a misspelt response key (`status_code`) shows what was meant.
        if ctx.reading.certainty != Certainty::Sure && probable.is_none() {
            continue;
        }
        let rejection = ctx.reading.rejection();
        let message = match (key.as_str(), payload, probable) {
            ("cookies", PayloadVersion::V1, _) => format!(
                "`cookies` exists only in HTTP API payload 2.0: {rejection}. Send cookies as \
                  `multiValueHeaders: {{\"Set-Cookie\": [...]}}`"
            ),
            // Payload 2.0 with `statusCode`: what API Gateway does with other keys is not recorded.
            ("multiValueHeaders", PayloadVersion::V2, _) => format!(
                "`multiValueHeaders` does not exist in payload 2.0; behind {} put cookies in `cookies` \
                 and join other repeated headers with commas in `headers`",
                door_with_payload(ctx)
            ),
            (_, PayloadVersion::V2, Some(meant)) => format!(
                "`{key}` is not a payload 2.0 response key, and the {} does not read it. Did you \
                 mean `{meant}`?",
                door_or_http(ctx)
            ),
            (_, PayloadVersion::V2, None) => format!(
                "`{key}` is not a payload 2.0 response key (beside `statusCode` the {} reads \
                 only {}); put data in the JSON `body`",
                door_or_http(ctx),
                allowed[1..].join(", ")
            ),
            (_, PayloadVersion::V1, Some(meant)) => format!(
                "`{key}` is not a proxy response key: {rejection}. Did you mean `{meant}`?"
            ),
            (_, PayloadVersion::V1, None) => format!(
                "`{key}` is not a proxy response key: {rejection}. Allowed keys: {}; put data in the \
                 JSON `body`",
                allowed.join(", ")
            ),
        };
        let fix = probable.map(|meant| {
            let written = entry.key_range.slice(ctx.text);
            let replacement = if entry.bare_key {
                meant.to_owned()
            } else {
                let quote = written
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\'')
                    .unwrap_or('"');
                format!("{quote}{meant}{quote}")
            };
            Fix {
                safe: true,
                title: format!("Rename `{key}` to `{meant}`"),
                edits: vec![Edit::replace(entry.key_range, replacement)],
            }
        });
        let finding = sink.report(entry.key_range, message);
        finding.with_fix(fix);
        if payload == PayloadVersion::V2 {
            // Payload 2.0: not recorded against AWS, a warning, never a claim of failure. (An
            // assumed front door makes every proxy-response error a warning: `Reading::settle`.)
            finding.severity = Severity::Warning;
        }
    }
}

/// Behind an Application Load Balancer: its own keys (`statusDescription` is one), `headers` or
/// `multiValueHeaders` by the target group's `lambda.multi_value_headers.enabled` (AWS docs).
/// What it does with another key is not recorded: a warning, with the rename of a misspelling.
fn load_balancer_keys(ctx: &ResponseContext<'_>, response: &ResponseObject, sink: &mut Sink) {
    let allowed = ctx.reading.response_keys();
    for entry in &response.entries {
        let key = entry.key.as_str();
        if allowed.contains(&key) {
            continue;
        }
        let probable = meant_key(entry, allowed).filter(|meant| response.entry(meant).is_none());
        let message = match (key, ctx.reading.multi_value_headers, probable) {
            ("multiValueHeaders", false, _) => "The target group does not enable \
                `lambda.multi_value_headers.enabled`, so the Application Load Balancer reads \
                `headers` (one string per name), not `multiValueHeaders`: enable the attribute or \
                send these headers in `headers`"
                .to_owned(),
            ("headers", true, _) => "The target group enables \
                `lambda.multi_value_headers.enabled`, so the Application Load Balancer reads \
                `multiValueHeaders` (a list of strings per name), not `headers`: send these \
                headers in `multiValueHeaders`"
                .to_owned(),
            (_, _, Some(meant)) => format!(
                "`{key}` is not a key the Application Load Balancer reads from a Lambda response. \
                 Did you mean `{meant}`?"
            ),
            (_, _, None) if ctx.reading.certainty == Certainty::Sure => format!(
                "`{key}` is not a key the Application Load Balancer reads from a Lambda response \
                 (it reads {}); put data in the JSON `body`",
                allowed.join(", ")
            ),
            _ => continue,
        };
        let fix = probable.map(|meant| {
            let written = entry.key_range.slice(ctx.text);
            let replacement = if entry.bare_key {
                meant.to_owned()
            } else {
                let quote = written
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\'')
                    .unwrap_or('"');
                format!("{quote}{meant}{quote}")
            };
            Fix {
                safe: true,
                title: format!("Rename `{key}` to `{meant}`"),
                edits: vec![Edit::replace(entry.key_range, replacement)],
            }
        });
        let finding = sink.report(entry.key_range, message);
        finding.with_fix(fix);
        // What the load balancer does with a key it does not read is not recorded.
        finding.severity = Severity::Warning;
    }
}

/// The door a payload 2.0 response goes through: the function URL where a template says so,
/// else the HTTP API.
fn door_or_http(ctx: &ResponseContext<'_>) -> &'static str {
    match ctx.reading.front_door {
        FrontDoor::Known(ApiKind::FunctionUrl) => ApiKind::FunctionUrl.name(),
        _ => ApiKind::Http.name(),
    }
}

/// `an HTTP API (payload 2.0)`, or `the function URL (payload 2.0)`.
fn door_with_payload(ctx: &ResponseContext<'_>) -> String {
    match ctx.reading.front_door {
        FrontDoor::Known(ApiKind::FunctionUrl) => "the function URL (payload 2.0)".to_owned(),
        _ => payload_name(ctx.reading.payload).to_owned(),
    }
}
