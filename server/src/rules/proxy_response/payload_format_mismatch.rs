use crate::findings::{Category, Severity};
use crate::knowledge::proxy::PayloadVersion;
use crate::languages::FunctionId;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::graph::{ApiKind, IntegrationKind};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL113",
        name: "payload-format-mismatch",
        category: Category::ProxyResponse,
        severity: Severity::Warning,
        summary: "A handler written for one proxy payload format (1.0 or 2.0) is invoked only with the other.",
        aws_error: "502 {\"message\": \"Internal server error\"} (REST) or 500 (HTTP API) when the missing event key raises (`KeyError: 'httpMethod'`, `TypeError: Cannot read properties of undefined`), or 502 Malformed Lambda proxy response when a 2.0-style answer reaches a REST API",
        why: "Payload 1.0 (REST APIs, HTTP APIs set to `PayloadFormatVersion: '1.0'`) and 2.0 (HTTP APIs by \
              default) are different events: only 1.0 has `httpMethod`, `path`, `resource` and the \
              `multiValue...` maps; only 2.0 has `rawPath`, `rawQueryString`, `routeKey` and `cookies`. Code \
              reading `event[\"rawPath\"]` behind a REST API, or `event[\"httpMethod\"]` behind an HTTP API, \
              finds the key missing on every request, typically after an API was moved from REST to HTTP or \
              back (a type such as `APIGatewayProxyEventV2` alone is not reported: it is gone at run time). The answer \
              is read with the other format's rules too: a plain object is a 200 JSON body in 2.0 and a 502 \
              in 1.0. Code that reads keys of both formats is written for both and is not reported.",
        fix: "Read the keys of the format the API sends (`event[\"requestContext\"][\"http\"][\"method\"]` \
              instead of `event[\"httpMethod\"]` in 2.0, and the reverse), or set the integration's \
              `PayloadFormatVersion` (HTTP APIs) to the format the code expects.",
        before: "def lambda_handler(event, context):  # behind an HttpApi event (payload 2.0)\n    if event[\"httpMethod\"] == \"POST\":\n        return create(event)",
        after: "def lambda_handler(event, context):  # behind an HttpApi event (payload 2.0)\n    if event[\"requestContext\"][\"http\"][\"method\"] == \"POST\":\n        return create(event)",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let facts = ctx.facts;
    for (index, function) in facts.functions.iter().enumerate() {
        if !function.role.is_handler() {
            continue;
        }
        let Some(evidence) = &function.payload_evidence else {
            continue;
        };
        let Some(written_for) = evidence.only() else {
            continue;
        };
        // A type alone changes nothing at run time; a read of a key the event lacks does.
        let Some(read) = &evidence.read else {
            continue;
        };
        let contexts = ctx.file.contexts_of(facts, FunctionId(index));
        // The proxy integrations of REST and HTTP APIs that run it (WebSocket events are neither
        // format; authorizers receive their own events).
        let invocations: Vec<_> = crate::context::invocations_of(&contexts)
            .filter(|(_, invocation)| {
                invocation.kind == IntegrationKind::Proxy
                    && invocation.authorizer.is_none()
                    && invocation.api_kind != ApiKind::WebSocket
            })
            .collect();
        let Some((context, first)) = invocations.first() else {
            continue;
        };
        if invocations
            .iter()
            .any(|(_, invocation)| invocation.payload_version == written_for)
        {
            continue;
        }
        let others = match invocations.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        let message = format!(
            "This handler {} ({}), but {}{} sends payload {}: {}",
            read.what,
            match written_for {
                PayloadVersion::V1 => "payload 1.0 only",
                PayloadVersion::V2 => "payload 2.0 only",
            },
            first.description,
            others,
            first.payload_version.as_str(),
            match written_for {
                PayloadVersion::V1 =>
                    "its events have no `httpMethod`, `path`, `resource` or `multiValue...` maps",
                PayloadVersion::V2 =>
                    "its events have no `rawPath`, `rawQueryString`, `routeKey` or `cookies`",
            },
        );
        sink.report(read.range, message)
            .related
            .push(context.related(first));
    }
}
