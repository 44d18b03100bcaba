//! The Lambda proxy integration formats (see `docs/aws-behaviour.md`).

/// Keys API Gateway accepts in a payload 1.0 response (REST APIs; HTTP APIs with payload 1.0).
pub const REST_RESPONSE_KEYS: &[&str] = &[
    "statusCode",
    "headers",
    "multiValueHeaders",
    "body",
    "isBase64Encoded",
];

/// Keys API Gateway accepts in a payload 2.0 response (HTTP APIs).
pub const HTTP_V2_RESPONSE_KEYS: &[&str] = &[
    "statusCode",
    "headers",
    "body",
    "isBase64Encoded",
    "cookies",
];

/// Keys an Application Load Balancer reads from a Lambda target's response when its target group
/// does not enable `lambda.multi_value_headers.enabled` (AWS docs, "Lambda functions as targets").
pub const ALB_RESPONSE_KEYS: &[&str] = &[
    "statusCode",
    "statusDescription",
    "headers",
    "body",
    "isBase64Encoded",
];

/// Keys an Application Load Balancer reads when the target group enables multi-value headers.
pub const ALB_MULTI_VALUE_RESPONSE_KEYS: &[&str] = &[
    "statusCode",
    "statusDescription",
    "multiValueHeaders",
    "body",
    "isBase64Encoded",
];

/// Response keys other than `statusCode`: with `statusCode`, any of them marks a response literal.
pub const OTHER_RESPONSE_KEYS: &[&str] = &[
    "headers",
    "multiValueHeaders",
    "body",
    "isBase64Encoded",
    "cookies",
];

/// Keys only a Lambda authorizer's answer has (REST policy document, HTTP API simple response):
/// a function returning one is an authorizer, whose output is not a proxy response.
pub const AUTHORIZER_RESPONSE_MARKERS: &[&str] = &["principalId", "policyDocument", "isAuthorized"];

/// Response keys another front door reads and API Gateway does not: `statusDescription` is part
/// of an Application Load Balancer target's response and of a CloudFront answer (Lambda@Edge,
/// CloudFront Functions), and API Gateway rejects it (REST: 502). Code that writes one was written
/// for that front door: unless a template links the function to an API, its answers are not read
/// as API Gateway proxy responses.
pub const OTHER_FRONT_DOOR_RESPONSE_KEYS: &[&str] = &["statusDescription"];

/// Keys of the API Gateway proxy event (payload 1.0 and 2.0) that other event sources do not
/// put at the top level; reading one shows a handler serves API Gateway. `body`, `headers`,
/// `path` and `resource` are left out: custom payloads of direct invocations, Step Functions
/// tasks and documentation examples use them as often (see [`SHARED_EVENT_KEYS`]).
pub const EVENT_KEYS: &[&str] = &[
    "httpMethod",
    "pathParameters",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "multiValueHeaders",
    "requestContext",
    "stageVariables",
    "isBase64Encoded",
    "routeKey",
    "rawPath",
    "rawQueryString",
    "cookies",
];

/// Keys an API Gateway event has but custom payloads use just as often: reading one shows
/// neither API Gateway nor another event source.
pub const SHARED_EVENT_KEYS: &[&str] = &["body", "headers", "path", "resource"];

/// Keys only an API Gateway proxy *event* has at its top level, never a response: an object
/// with one of them (and no `statusCode`) builds a request event (a test's input, a local
/// invoker's payload), it does not answer one.
pub const REQUEST_EVENT_ONLY_KEYS: &[&str] = &[
    "httpMethod",
    "pathParameters",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "requestContext",
    "stageVariables",
    "routeKey",
    "rawPath",
    "rawQueryString",
];

/// A Lambda proxy payload format: what an integration sends and reads (from a template), or what
/// a handler's code shows it was written for. The one payload-format type of gatelint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadVersion {
    /// Payload 1.0: REST APIs, and HTTP APIs set to 1.0.
    V1,
    /// Payload 2.0: HTTP APIs (and function URLs).
    V2,
}

impl PayloadVersion {
    /// The version as templates write it: `1.0` or `2.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadVersion::V1 => "1.0",
            PayloadVersion::V2 => "2.0",
        }
    }

    /// The version an integration's `PayloadFormatVersion` value states: `2.0` is 2.0, anything
    /// else (`1.0`, `'1.0'`) reads as 1.0, as API Gateway's strictest format.
    pub fn from_written(value: &str) -> PayloadVersion {
        if value.trim() == "2.0" {
            PayloadVersion::V2
        } else {
            PayloadVersion::V1
        }
    }

    /// The keys API Gateway accepts in a response of this format.
    pub fn response_keys(self) -> &'static [&'static str] {
        match self {
            PayloadVersion::V1 => REST_RESPONSE_KEYS,
            PayloadVersion::V2 => HTTP_V2_RESPONSE_KEYS,
        }
    }
}

/// Event keys only payload 1.0 has.
const V1_ONLY_EVENT_KEYS: &[&str] = &[
    "httpMethod",
    "path",
    "resource",
    "multiValueQueryStringParameters",
    "multiValueHeaders",
];

/// Event keys only payload 2.0 has.
const V2_ONLY_EVENT_KEYS: &[&str] = &["rawPath", "rawQueryString", "routeKey", "cookies"];

/// The payload format an event key belongs to, when only one format has it.
pub fn payload_of_event_key(key: &str) -> Option<PayloadVersion> {
    if V1_ONLY_EVENT_KEYS.contains(&key) {
        Some(PayloadVersion::V1)
    } else if V2_ONLY_EVENT_KEYS.contains(&key) {
        Some(PayloadVersion::V2)
    } else {
        None
    }
}

/// The payload format of a proxy event, handler or result type: `APIGatewayProxyEvent`,
/// `APIGatewayProxyHandler`, `ApiGatewayProxyRequest` are 1.0; `APIGatewayProxyEventV2`,
/// `APIGatewayProxyHandlerV2WithJWTAuthorizer`, `ApiGatewayV2httpRequest` are 2.0. Authorizer and
/// WebSocket types say nothing about a proxy response.
pub fn payload_of_type(name: &str) -> Option<PayloadVersion> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("websocket") {
        return None;
    }
    let proxy = lower.contains("proxy") || lower.contains("v2http") || lower == "apigatewayevent";
    match (proxy, lower.contains("v2")) {
        (false, _) => None,
        (true, true) => Some(PayloadVersion::V2),
        (true, false) => Some(PayloadVersion::V1),
    }
}

/// The key a misspelled response key probably meant: `status`, `status_code`, `StatusCode` →
/// `statusCode`; `Headers` → `headers`; one or two typos away from a known key.
pub fn probable_key(key: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let normalized: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    if matches!(
        normalized.as_str(),
        "status" | "statuscode" | "httpstatus" | "httpstatuscode" | "statuscodes"
    ) && allowed.contains(&"statusCode")
    {
        return Some("statusCode");
    }
    if let Some(exact) = allowed
        .iter()
        .find(|allowed| allowed.to_ascii_lowercase() == normalized)
    {
        return Some(exact);
    }
    if matches!(
        normalized.as_str(),
        "header" | "multivalueheader" | "cookie" | "base64encoded" | "isbase64"
    ) {
        return allowed
            .iter()
            .copied()
            .find(|allowed| allowed.to_ascii_lowercase().contains(&normalized));
    }
    if normalized.len() < 4 {
        return None;
    }
    allowed
        .iter()
        .copied()
        .map(|allowed| {
            (
                strsim::levenshtein(&normalized, &allowed.to_ascii_lowercase()),
                allowed,
            )
        })
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, allowed)| allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_versions_of_types_and_keys() {
        use PayloadVersion::{V1, V2};
        for (name, version) in [
            ("APIGatewayProxyEvent", Some(V1)),
            ("APIGatewayProxyHandler", Some(V1)),
            ("APIGatewayEvent", Some(V1)),
            ("ApiGatewayProxyRequest", Some(V1)),
            ("APIGatewayProxyEventV2", Some(V2)),
            ("APIGatewayProxyHandlerV2WithJWTAuthorizer", Some(V2)),
            ("APIGatewayProxyStructuredResultV2", Some(V2)),
            ("ApiGatewayV2httpRequest", Some(V2)),
            ("APIGatewayProxyWebsocketEventV2", None),
            ("APIGatewayRequestAuthorizerEventV2", None),
            ("APIGatewayTokenAuthorizerEvent", None),
            ("SQSEvent", None),
        ] {
            assert_eq!(payload_of_type(name), version, "{name}");
        }
        assert_eq!(payload_of_event_key("rawPath"), Some(V2));
        assert_eq!(payload_of_event_key("httpMethod"), Some(V1));
        assert_eq!(payload_of_event_key("queryStringParameters"), None);
    }

    #[test]
    fn guesses_the_meant_key() {
        for typo in [
            "status",
            "status_code",
            "StatusCode",
            "statuscode",
            "statusCodes",
            "httpStatus",
        ] {
            assert_eq!(
                probable_key(typo, REST_RESPONSE_KEYS),
                Some("statusCode"),
                "{typo}"
            );
        }
        assert_eq!(probable_key("Headers", REST_RESPONSE_KEYS), Some("headers"));
        assert_eq!(probable_key("header", REST_RESPONSE_KEYS), Some("headers"));
        assert_eq!(
            probable_key("isBase64encoded", REST_RESPONSE_KEYS),
            Some("isBase64Encoded")
        );
        assert_eq!(
            probable_key("multiValueHeader", REST_RESPONSE_KEYS),
            Some("multiValueHeaders")
        );
        assert_eq!(probable_key("cookies", REST_RESPONSE_KEYS), None);
        assert_eq!(probable_key("message", REST_RESPONSE_KEYS), None);
        assert_eq!(probable_key("data", REST_RESPONSE_KEYS), None);
        assert_eq!(probable_key("Body", REST_RESPONSE_KEYS), Some("body"));
    }
}
