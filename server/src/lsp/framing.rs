//! A guard in front of the protocol codec. The transport's reader (tokio-util's `FramedRead`)
//! stops for good after one frame it cannot decode, and the server would exit with it. This pump
//! reads the `Content-Length` frames from stdin itself and passes on only those that are JSON-RPC
//! messages; anything else is dropped with a log line, so a bad frame costs that frame only.

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Frames larger than this are read and dropped: no editor sends a single message this big.
const MAX_FRAME_BYTES: usize = 256 * 1024 * 1024;

/// Spawns the pump from `input` and returns the clean stream the transport should read.
pub fn guarded_input(input: impl AsyncRead + Unpin + Send + 'static) -> impl AsyncRead {
    let (writer, reader) = tokio::io::duplex(1024 * 1024);
    tokio::spawn(pump(input, writer));
    reader
}

async fn pump(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = BufReader::new(input);
    let mut line = String::new();
    loop {
        // Headers, up to the empty line.
        let mut content_length: Option<usize> = None;
        let mut saw_header = false;
        loop {
            line.clear();
            match input.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let header = line.trim_end_matches(['\r', '\n']);
            if header.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = header.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().ok();
                }
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
                return;
            }
            continue;
        }
        let mut body = vec![0; length];
        if input.read_exact(&mut body).await.is_err() {
            return;
        }
        if let Err(reason) = check_message(&body) {
            tracing::warn!("dropping a message that is not JSON-RPC: {reason}");
            continue;
        }
        let header = format!("Content-Length: {length}\r\n\r\n");
        if output.write_all(header.as_bytes()).await.is_err()
            || output.write_all(&body).await.is_err()
        {
            return;
        }
    }
}

/// Whether a frame's body is a JSON-RPC 2.0 request, notification or response, in the shapes the
/// codec accepts.
fn check_message(body: &[u8]) -> Result<(), String> {
    let value: Value = serde_json::from_slice(body).map_err(|error| error.to_string())?;
    let Value::Object(message) = value else {
        return Err("not a JSON object".into());
    };
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err("no \"jsonrpc\": \"2.0\"".into());
    }
    let id_ok = match message.get("id") {
        None | Some(Value::Null | Value::String(_)) => true,
        Some(Value::Number(number)) => number.is_i64() || number.is_u64(),
        Some(_) => false,
    };
    if !id_ok {
        return Err("an id that is not a number or string".into());
    }
    if let Some(params) = message.get("params") {
        if !(params.is_object() || params.is_array() || params.is_null()) {
            return Err("params that are neither an object nor an array".into());
        }
    }
    match message.get("method") {
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err("a method that is not a string".into()),
        None if message.contains_key("id")
            && (message.contains_key("result") || message.contains_key("error")) =>
        {
            Ok(())
        }
        None => Err("neither a method nor a result".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passes_messages_and_drops_what_would_stop_the_codec() {
        let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#;
        let mut input = String::new();
        for bad in [
            "{not json",
            "[]",
            r#"{"jsonrpc":"2.0"}"#,
            r#"{"jsonrpc":"2.0","method":5}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#,
            "\"\\ud83d\"",
        ] {
            input.push_str(&frame(bad));
        }
        input.push_str("Content-Type: nothing else\r\n\r\n");
        input.push_str(&frame(good));
        input.push_str(&frame(r#"{"jsonrpc":"2.0","id":2,"result":null}"#));
        let mut output = Vec::new();
        pump(input.as_bytes(), &mut output).await;
        let expected = frame(good) + &frame(r#"{"jsonrpc":"2.0","id":2,"result":null}"#);
        assert_eq!(String::from_utf8(output).unwrap(), expected);
    }
}
