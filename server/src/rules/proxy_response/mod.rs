//! `proxy-response`: what a Lambda proxy integration does with the value a handler returns
//! (502 `Malformed Lambda proxy response`, and the silent kinds). See `docs/aws-behaviour.md`.

pub mod buffered_handler_streamed;
pub mod bytes_body;
pub mod invalid_header_value;
pub mod invalid_multi_value_headers;
pub mod invalid_status_code;
pub mod missing_status_code;
pub mod no_proxy_response;
pub mod non_boolean_base64_flag;
pub mod non_string_body;
pub mod not_a_proxy_response;
pub mod numeric_header_value;
pub mod payload_format_mismatch;
pub mod reading;
pub mod scalar_body;
pub mod string_status_code;
pub mod unknown_key;

use crate::knowledge::proxy::{probable_key, PayloadVersion};
use crate::languages::{Entry, ResponseObject, ValueKind};

/// The keys API Gateway accepts for this payload format.
pub(crate) fn allowed_keys(payload: PayloadVersion) -> &'static [&'static str] {
    payload.response_keys()
}

/// Whether the object is meant as a proxy response: it has a response key, or a misspelling of one.
pub fn is_response_shaped(response: &ResponseObject, payload: PayloadVersion) -> bool {
    let allowed = allowed_keys(payload);
    response.entries.iter().any(|entry| {
        allowed.contains(&entry.key.as_str())
            || entry.key == "multiValueHeaders"
            || entry.key == "cookies"
            || meant_key(entry, allowed).is_some()
    })
}

/// The response key a misspelled entry probably meant. A `status` whose value is a word
/// (`{"status": "ok"}`) is data, not a misspelled `statusCode`.
pub(crate) fn meant_key(entry: &Entry, allowed: &[&'static str]) -> Option<&'static str> {
    let meant = probable_key(&entry.key, allowed)?;
    let plausible = meant != "statusCode"
        || match &entry.value.kind {
            ValueKind::Integer(_) | ValueKind::Number | ValueKind::Unknown => true,
            ValueKind::StringLiteral(text) => text.trim().parse::<u16>().is_ok(),
            _ => false,
        };
    plausible.then_some(meant)
}

/// "REST API (payload 1.0)" or "HTTP API (payload 2.0)", for messages.
pub(crate) fn payload_name(payload: PayloadVersion) -> &'static str {
    match payload {
        PayloadVersion::V1 => "a REST API (payload 1.0)",
        PayloadVersion::V2 => "an HTTP API (payload 2.0)",
    }
}
