//! A minimal LSP client over the real `gatelint server` binary, shared by the LSP tests and the
//! whole-run benchmark (included with `#[path]`): Content-Length framing, requests and their
//! responses, waits for notifications, and positions computed independently of the server's code.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any single wait for the server may take before the caller fails instead of hanging.
pub const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A minimal LSP client driving one server process.
pub struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another one, kept for later waits.
    unclaimed: Vec<Value>,
    next_id: i64,
    pub encoding: Encoding,
}

impl Client {
    /// Starts `gatelint server` and initializes it, offering `utf-8` when asked to.
    pub fn start(offer_utf8: bool) -> (Client, Value) {
        Client::start_with(offer_utf8, Value::Null)
    }

    /// Starts the server with `root_uri` as its workspace folder.
    pub fn start_with(offer_utf8: bool, root_uri: Value) -> (Client, Value) {
        let mut client = Client::spawn(Path::new(env!("CARGO_BIN_EXE_gatelint")));
        let result = client.initialize(offer_utf8, root_uri);
        (client, result)
    }

    /// Starts `binary server` without initializing it.
    pub fn spawn(binary: &Path) -> Client {
        let mut child = Command::new(binary)
            .arg("server")
            .env(
                "GATELINT_LOG",
                std::env::var("GATELINT_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the gatelint binary starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let stdin = child.stdin.take();
        let incoming = spawn_reader(stdout);
        Client {
            child,
            stdin,
            incoming,
            unclaimed: Vec::new(),
            next_id: 1,
            encoding: Encoding::Utf16,
        }
    }

    /// Starts the server with `options` as its `initializationOptions`.
    pub fn start_with_options(options: Value) -> (Client, Value) {
        let mut client = Client::spawn(Path::new(env!("CARGO_BIN_EXE_gatelint")));
        let result = client.initialize_with(false, Value::Null, options);
        (client, result)
    }

    /// Sends `initialize` (then `initialized`) and returns its result.
    pub fn initialize(&mut self, offer_utf8: bool, root_uri: Value) -> Value {
        self.initialize_with(offer_utf8, root_uri, Value::Null)
    }

    /// [`Client::initialize`] with `initializationOptions`.
    pub fn initialize_with(&mut self, offer_utf8: bool, root_uri: Value, options: Value) -> Value {
        let general = if offer_utf8 {
            json!({ "positionEncodings": ["utf-8", "utf-16"] })
        } else {
            json!({})
        };
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": { "general": general },
                "initializationOptions": options,
            }),
        );
        self.encoding = match result["capabilities"]["positionEncoding"].as_str() {
            Some("utf-8") => Encoding::Utf8,
            _ => Encoding::Utf16,
        };
        self.notify("initialized", json!({}));
        result
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin is open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to server");
        stdin.flush().expect("flush to server");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its result; panics on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let response = self.wait_for(&format!("the response to {method}"), |message| {
            message.get("method").is_none() && message["id"] == json!(id)
        });
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// The first message (already read or still to come) that `wanted` accepts.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.unclaimed.iter().position(&wanted) {
            return self.unclaimed.remove(at);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => {
                    if message.get("method").is_some() && message.get("id").is_some() {
                        // A request from the server: answer it so it never waits on us.
                        let id = message["id"].clone();
                        self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                    } else {
                        self.unclaimed.push(message);
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}"),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output while we waited for {what}")
                }
            }
        }
    }

    /// Forgets the messages read so far and not claimed by a wait.
    pub fn discard_unclaimed(&mut self) {
        self.unclaimed.clear();
    }

    /// Waits until the server's background indexing has finished (`$/progress` end).
    pub fn wait_indexed(&mut self) {
        self.wait_for("the end of indexing", |message| {
            message["method"] == "$/progress" && message["params"]["value"]["kind"] == "end"
        });
    }

    /// The diagnostics published for `uri` at `version` (`None`: the clearing on close).
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let version = version.map_or(Value::Null, |version| json!(version));
        let message = self.wait_for(
            &format!("diagnostics for {uri} version {version}"),
            |message| {
                message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["uri"] == uri
                    && message["params"].get("version").unwrap_or(&Value::Null) == &version
            },
        );
        message["params"]["diagnostics"]
            .as_array()
            .expect("diagnostics is an array")
            .clone()
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "python", "version": 1, "text": text,
            }}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Vec<Value>) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": changes,
            }),
        );
    }

    /// Sends `shutdown` then `exit` and returns how the process ended.
    pub fn shutdown(mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> ExitStatus {
        // Closing stdin as well, as editors do; the server must exit on `exit` alone, which the
        // deadline below would catch if it did not.
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("query the server process") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit after `exit`"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A position of `offset` in `text`, in this session's encoding.
    pub fn position(&self, text: &str, offset: usize) -> Value {
        position(text, offset, self.encoding)
    }

    pub fn range_of(&self, text: &str, needle: &str) -> Value {
        let start = text.find(needle).expect("the needle is in the text");
        json!({
            "start": self.position(text, start),
            "end": self.position(text, start + needle.len()),
        })
    }

    /// An incremental change inserting `inserted` at byte `at` of `text`.
    pub fn insertion(&self, text: &str, at: usize, inserted: &str) -> Value {
        let position = self.position(text, at);
        json!({ "range": { "start": position, "end": position }, "text": inserted })
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // A failed run must not leave a server behind.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Reads one Content-Length framed message; `None` at the end of the stream.
/// Reads the server's messages on a thread of their own, so that a server writing while the test
/// is busy never blocks; the receiver yields them in order.
pub fn spawn_reader(stdout: impl std::io::Read + Send + 'static) -> Receiver<Value> {
    let (sender, incoming) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        while let Some(message) = read_message(&mut reader) {
            if sender.send(message).is_err() {
                break;
            }
        }
    });
    incoming
}

pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some(value) = header.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The LSP position of a byte offset, computed here independently of the server's code.
pub fn position(text: &str, offset: usize, encoding: Encoding) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let column_text = &text[line_start..offset];
    let character = match encoding {
        Encoding::Utf8 => column_text.len(),
        Encoding::Utf16 => column_text.encode_utf16().count(),
    };
    json!({ "line": line, "character": character })
}

/// The byte offset of an LSP position (inverse of [`position`]).
pub fn offset(text: &str, position: &Value, encoding: Encoding) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let line_start = text
        .split_inclusive('\n')
        .take(line)
        .map(str::len)
        .sum::<usize>();
    let mut counted = 0;
    let mut bytes = 0;
    for ch in text[line_start..].chars() {
        if counted >= character || ch == '\n' {
            break;
        }
        counted += match encoding {
            Encoding::Utf8 => ch.len_utf8(),
            Encoding::Utf16 => ch.len_utf16(),
        };
        bytes += ch.len_utf8();
    }
    line_start + bytes
}
