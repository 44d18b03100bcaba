//! Front doors other than a REST or HTTP API that a handler's own code or project shows, when no
//! template links it (AWS-BEHAVIOUR, "Other front doors"): a WebSocket API's route handler, and a
//! Netlify Function (Lambda behind Netlify's own proxy, not API Gateway). Each has its own
//! contract, so the REST proxy contract and API Gateway's 29 s / 504 are not assumed for them.

use super::frameworks::{imports, Ecosystem};

/// The modules whose import shows a Node handler is a Netlify Function.
pub const NETLIFY_MODULES: &[&str] = &["@netlify/functions"];

/// Where Netlify looks for functions when `netlify.toml` names no folder.
pub const NETLIFY_DEFAULT_FUNCTIONS_DIR: &str = "netlify/functions";

/// The keys of a WebSocket event's `requestContext` that no REST or HTTP API event has.
const WEBSOCKET_CONTEXT_KEYS: &[&str] = &["connectionId"];

/// The route keys only a WebSocket API has, as string literals.
const WEBSOCKET_ROUTE_KEYS: &[&str] = &["$connect", "$disconnect"];

/// How far (in bytes) a `requestContext` may stand from a `connectionId` for the read to be of
/// the event's request context (`event.requestContext.connectionId`,
/// `event["requestContext"]["connectionId"]`, `const { connectionId } = event.requestContext`).
const NEAR: usize = 48;

/// Whether a handler file shows that it serves a WebSocket API: it reads
/// `requestContext.connectionId` or compares with a `$connect`/`$disconnect` route key.
pub fn shows_websocket_event(text: &str) -> bool {
    let reads_connection = WEBSOCKET_CONTEXT_KEYS.iter().any(|key| {
        text.match_indices(key).any(|(at, _)| {
            let before = floor(text, at.saturating_sub(NEAR));
            let after = ceil(text, (at + key.len() + NEAR).min(text.len()));
            text[before..after].contains("requestContext")
        })
    });
    reads_connection
        || WEBSOCKET_ROUTE_KEYS.iter().any(|route| {
            ['"', '\'', '`']
                .iter()
                .any(|quote| text.contains(&format!("{quote}{route}{quote}")))
        })
}

/// The names only an Application Load Balancer's Lambda event and response have: the event's
/// `requestContext.elb` (read as `requestContext.elb` or `["elb"]`), and the types libraries give
/// them (`ALBEvent`/`ALBResult` in `@types/aws-lambda` and Powertools,
/// `AlbTargetGroupRequest`/`AlbTargetGroupResponse` in `aws_lambda_events`).
const LOAD_BALANCER_MARKERS: &[&str] = &[
    "requestContext.elb",
    "[\"elb\"]",
    "['elb']",
    "ALBEvent",
    "ALBResult",
    "ALBHandler",
    "AlbTargetGroupRequest",
    "AlbTargetGroupResponse",
    "ALBResolver",
];

/// Whether a handler file shows that an Application Load Balancer invokes it: it reads the
/// event's `requestContext.elb` or uses the load balancer's event or response types.
pub fn shows_load_balancer_event(text: &str) -> bool {
    LOAD_BALANCER_MARKERS
        .iter()
        .any(|marker| text.contains(marker))
}

/// Whether a Node handler imports Netlify's functions package.
pub fn imports_netlify(text: &str) -> bool {
    NETLIFY_MODULES
        .iter()
        .any(|module| imports(text, Ecosystem::Node, module))
}

/// The functions folders a `netlify.toml` declares (`[build] functions = "..."`, `[functions]
/// directory = "..."`), relative to its folder; Netlify's default when it declares none.
pub fn netlify_functions_dirs(toml: &str) -> Vec<String> {
    let mut section = String::new();
    let mut dirs = Vec::new();
    for line in toml.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            section = line
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_owned();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let declares = (section == "build" && key == "functions")
            || (section == "functions" && key == "directory");
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if declares && !value.is_empty() {
            dirs.push(
                value
                    .trim_start_matches("./")
                    .trim_end_matches('/')
                    .to_owned(),
            );
        }
    }
    if dirs.is_empty() {
        dirs.push(NETLIFY_DEFAULT_FUNCTIONS_DIR.to_owned());
    }
    dirs
}

fn floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_events_by_their_own_keys() {
        assert!(shows_websocket_event(
            "const id = event.requestContext.connectionId;"
        ));
        assert!(shows_websocket_event(
            "cid = event[\"requestContext\"][\"connectionId\"]"
        ));
        assert!(shows_websocket_event(
            "const { connectionId, routeKey } = event.requestContext;"
        ));
        assert!(shows_websocket_event("if (route === '$disconnect') {}"));
        // HTTP API 2.0 has `requestContext.routeKey` too; a stored connection id is no event.
        assert!(!shows_websocket_event(
            "const r = event.requestContext.routeKey;"
        ));
        assert!(!shows_websocket_event(
            "for (const { connectionId } of items) {}"
        ));
    }

    #[test]
    fn netlify_functions_folders() {
        assert_eq!(
            netlify_functions_dirs(
                "[build]\n  functions = \"./functions/\"\n  publish = \"site\"\n"
            ),
            ["functions"]
        );
        assert_eq!(
            netlify_functions_dirs("[functions]\ndirectory = 'api'\n"),
            ["api"]
        );
        assert_eq!(
            netlify_functions_dirs("[build]\npublish = \"dist\"\n"),
            ["netlify/functions"]
        );
    }
}

#[cfg(test)]
mod load_balancer_tests {
    use super::shows_load_balancer_event;

    #[test]
    fn load_balancer_events_by_their_keys_and_types() {
        assert!(shows_load_balancer_event(
            "export const handler = async (event: ALBEvent): Promise<ALBResult> => ({ statusCode: 200 });"
        ));
        assert!(shows_load_balancer_event(
            "def handler(event, context):\n    arn = event[\"requestContext\"][\"elb\"][\"targetGroupArn\"]\n"
        ));
        assert!(!shows_load_balancer_event(
            "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": event[\"path\"]}\n"
        ));
    }
}
