//! A guard in front of the protocol codec. The transport's reader (tokio-util's `FramedRead`)
//! stops for good after one frame it cannot decode, and the server would exit with it. This pump
//! reads the `Content-Length` frames from stdin itself and passes on only those that are JSON-RPC
//! messages; anything else is dropped with a log line, so a bad frame costs that frame only.
//!
//! A request the client waits for is never dropped silently: a malformed one that carries a
//! usable id (`"jsonrpc": "1.0"`, `params` a string) and a request whose method starts with `$/`
//! (which the transport would leave unanswered, as it may only do for notifications) are passed on
//! as a call of [`REFUSE_METHOD`], whose handler answers the client's id with the JSON-RPC error.

use serde_json::{json, Map, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Frames larger than this are read and dropped: no editor sends a single message this big.
const MAX_FRAME_BYTES: usize = 256 * 1024 * 1024;

/// Header lines longer than this are not headers (LSP's are `Content-Length` and `Content-Type`).
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// The internal method a refused request is passed on as; its parameters are [`Refusal`]: the
/// error the client gets for its id.
pub const REFUSE_METHOD: &str = "gatelint/internal/refuse";

/// The JSON-RPC error to answer a refused request with.
#[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
pub struct Refusal {
    pub code: i64,
    pub message: String,
}

/// JSON-RPC's "Invalid Request" and "Method not found".
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;

/// Spawns the pump from `input` and returns the clean stream the transport should read.
pub fn guarded_input(input: impl AsyncRead + Unpin + Send + 'static) -> impl AsyncRead {
    let (writer, reader) = tokio::io::duplex(1024 * 1024);
    tokio::spawn(pump(input, writer));
    reader
}

async fn pump(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        // Headers, up to the empty line.
        let mut content_length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            line.clear();
            match (&mut input)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)
                .await
            {
                Ok(0) => {
                    tracing::info!("the client closed the server's input");
                    return;
                }
                Err(error) => {
                    tracing::error!("cannot read the server's input: {error}");
                    return;
                }
                Ok(_) => {}
            }
            // The header part is ASCII (LSP base protocol); a line that is not is logged and
            // skipped, never the end of the session.
            let Ok(header) = std::str::from_utf8(&line) else {
                tracing::warn!(
                    "ignoring a header line that is not ASCII: {}",
                    String::from_utf8_lossy(&line).escape_debug()
                );
                saw_header = true;
                continue;
            };
            let header = header.trim_end_matches(['\r', '\n']);
            if header.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            match header.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    content_length = value.trim().parse().ok();
                }
                Some(_) => {}
                None => tracing::warn!(
                    "ignoring a header line without a colon: {}",
                    header.escape_debug()
                ),
            }
        }
        let Some(length) = content_length else {
            tracing::warn!("dropping a message without a valid Content-Length header");
            continue;
        };
        if length > MAX_FRAME_BYTES {
            tracing::warn!("dropping a message of {length} bytes (over {MAX_FRAME_BYTES})");
            let skipped = tokio::io::copy(
                &mut (&mut input).take(length as u64),
                &mut tokio::io::sink(),
            )
            .await;
            if skipped.map_or(true, |n| n < length as u64) {
                tracing::info!("the client closed the server's input inside a message");
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if let Err(error) = input.read_exact(&mut body).await {
            tracing::info!("the server's input ended inside a message: {error}");
            return;
        }
        let body = match check_message(&body) {
            Verdict::Pass => body,
            Verdict::Drop(reason) => {
                tracing::warn!("dropping a message that is not JSON-RPC: {reason}");
                continue;
            }
            Verdict::Refuse { id, refusal } => {
                tracing::warn!("answering request {id} with an error: {}", refusal.message);
                let call = json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "method": REFUSE_METHOD,
                    "params": refusal,
                });
                call.to_string().into_bytes()
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
        {
            tracing::info!("the protocol transport stopped reading");
            return;
        }
    }
}

/// What becomes of one frame's body.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// A JSON-RPC 2.0 request, notification or response in the shapes the codec accepts.
    Pass,
    /// Nothing to answer (no usable id): logged and dropped.
    Drop(String),
    /// A request the client waits for that cannot be served: answered with this error.
    Refuse { id: Value, refusal: Refusal },
}

fn check_message(body: &[u8]) -> Verdict {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return Verdict::Drop(error.to_string()),
    };
    let Value::Object(message) = value else {
        return Verdict::Drop("not a JSON object".into());
    };
    let id = match message.get("id") {
        None => None,
        Some(id @ Value::String(_)) => Some(id.clone()),
        Some(Value::Number(number)) if number.is_i64() || number.is_u64() => {
            Some(Value::Number(number.clone()))
        }
        Some(Value::Null) => None,
        Some(_) => return Verdict::Drop("an id that is not a number or string".into()),
    };
    let is_response = message.contains_key("result") || message.contains_key("error");
    let invalid = invalid_request(&message, is_response);
    match (invalid, id) {
        (None, _) => Verdict::Pass,
        // A request the client waits for: answer it, even though it is malformed.
        (Some(reason), Some(id)) if !is_response && !reason.1 => Verdict::Refuse {
            id,
            refusal: Refusal {
                code: reason.0,
                message: reason.2,
            },
        },
        (Some((_, _, reason)), _) => Verdict::Drop(reason),
    }
}

/// Why a message cannot be passed on: the JSON-RPC error code, whether it is beyond answering
/// (no method a request could have had), and the reason.
fn invalid_request(message: &Map<String, Value>, is_response: bool) -> Option<(i64, bool, String)> {
    let method = message.get("method");
    match method {
        Some(Value::String(_)) | None => {}
        Some(_) => {
            return Some((
                INVALID_REQUEST,
                false,
                "a method that is not a string".into(),
            ))
        }
    }
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some((INVALID_REQUEST, false, "no \"jsonrpc\": \"2.0\"".into()));
    }
    if let Some(params) = message.get("params") {
        if !(params.is_object() || params.is_array() || params.is_null()) {
            return Some((
                INVALID_REQUEST,
                false,
                "params that are neither an object nor an array".into(),
            ));
        }
    }
    match method.and_then(Value::as_str) {
        // LSP: a request whose method starts with `$/` and that the server does not know is
        // answered with "method not found"; only such notifications may be ignored.
        Some(name) if name.starts_with("$/") && message.contains_key("id") => {
            Some((METHOD_NOT_FOUND, false, format!("method not found: {name}")))
        }
        Some(name) if name == REFUSE_METHOD && message.contains_key("id") => {
            Some((METHOD_NOT_FOUND, false, format!("method not found: {name}")))
        }
        Some(_) => None,
        None if message.contains_key("id") && is_response => None,
        None => Some((
            INVALID_REQUEST,
            true,
            "neither a method nor a result".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    async fn pumped(input: &[u8]) -> String {
        let mut output = Vec::new();
        pump(input, &mut output).await;
        String::from_utf8(output).expect("the pump writes UTF-8 frames")
    }

    #[tokio::test]
    async fn passes_messages_and_drops_what_would_stop_the_codec() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let mut input = String::new();
        for bad in [
            "{not json",
            "[]",
            r#"{"jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","method":5}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
            r#"{"jsonrpc":"1.0","method":"initialized","params":{}}"#,
            r#"{"jsonrpc":"1.0","id":3,"result":null}"#,
            "\"\\ud83d\"",
        ] {
            input.push_str(&frame(bad));
        }
        input.push_str("Content-Type: nothing else\r\n\r\n");
        input.push_str(&frame(good));
        input.push_str(&frame(r#"{"jsonrpc":"2.0","id":2,"result":null}"#));
        let expected = frame(good) + &frame(r#"{"jsonrpc":"2.0","id":2,"result":null}"#);
        assert_eq!(pumped(input.as_bytes()).await, expected);
    }

    #[tokio::test]
    async fn a_header_line_that_is_not_utf8_costs_that_line_only() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let mut input = b"X-Junk: \xff\xfe\r\n".to_vec();
        input.extend_from_slice(frame(good).as_bytes());
        input.extend_from_slice(b"\xc3\r\n\r\n");
        input.extend_from_slice(frame(good).as_bytes());
        // A header line far too long to be one, without a line break.
        input.extend_from_slice(&[b'x'; 20_000]);
        input.extend_from_slice(b"\r\n\r\n");
        input.extend_from_slice(frame(good).as_bytes());
        assert_eq!(pumped(&input).await, frame(good).repeat(3));
    }

    #[tokio::test]
    async fn requests_that_cannot_be_served_are_answered_not_dropped() {
        let mut input = String::new();
        for request in [
            r#"{"jsonrpc":"2.0","id":1,"method":"$/noSuchRequest","params":{}}"#,
            r#"{"jsonrpc":"1.0","id":"two","method":"textDocument/hover","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":"a string"}"#,
            r#"{"jsonrpc":"2.0","id":4,"method":"gatelint/internal/refuse","params":{"code":0,"message":""}}"#,
            // A notification is passed on (the transport ignores it).
            r#"{"jsonrpc":"2.0","method":"$/noSuchNotification","params":{}}"#,
        ] {
            input.push_str(&frame(request));
        }
        let output = pumped(input.as_bytes()).await;
        let calls: Vec<Value> = output
            .split("Content-Length: ")
            .filter(|frame| !frame.is_empty())
            .map(|frame| {
                let body = frame.split_once("\r\n\r\n").expect("a header").1;
                serde_json::from_str(body).expect("JSON")
            })
            .collect();
        let (passed, calls) = calls.split_last().expect("frames");
        assert_eq!(passed["method"], "$/noSuchNotification");
        let refused: Vec<(Value, i64)> = calls
            .iter()
            .map(|call| {
                assert_eq!(call["method"], REFUSE_METHOD, "{call}");
                (call["id"].clone(), call["params"]["code"].as_i64().unwrap())
            })
            .collect();
        assert_eq!(
            refused,
            [
                (json!(1), METHOD_NOT_FOUND),
                (json!("two"), INVALID_REQUEST),
                (json!(3), INVALID_REQUEST),
                (json!(4), METHOD_NOT_FOUND),
            ]
        );
    }
}
