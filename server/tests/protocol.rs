//! Protocol robustness: `gatelint server` spoken to with raw bytes, including what a well-behaved
//! client never sends. The server answers correctly or ignores (with a log line) and keeps serving.

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);

struct Raw {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
}

impl Raw {
    fn start() -> Raw {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gatelint"))
            .arg("server")
            .env("GATELINT_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the gatelint binary starts");
        let stdout = child.stdout.take().expect("piped");
        let stdin = child.stdin.take().expect("piped");
        let incoming = lsp_client::spawn_reader(stdout);
        Raw {
            child,
            stdin,
            incoming,
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        self.stdin
            .write_all(bytes)
            .expect("the server reads its input");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.bytes(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    /// The first message `wanted` accepts, skipping others (logs, diagnostics).
    fn wait_for(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(_) => {}
                Err(_) => panic!("no {what} within {TIMEOUT:?}"),
            }
        }
    }

    fn response(&self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |m| {
            m["id"] == id && m.get("method").is_none()
        })
    }

    fn initialize(&mut self) {
        self.send(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }));
        let response = self.response(1);
        assert!(response["result"]["capabilities"].is_object(), "{response}");
        self.send(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    }

    fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.send(json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": { "uri": uri, "languageId": "python", "version": version, "text": text } } }));
    }

    fn diagnostics(&self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics of {uri} v{version}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Proves the server still answers: a hover request gets its response.
    fn still_serving(&mut self, id: i64) {
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
            "textDocument": { "uri": "file:///nowhere/x.py" }, "position": { "line": 0, "character": 0 } } }));
        let response = self.response(id);
        assert!(
            response.get("error").is_none() || response["error"]["code"] != -32603,
            "{response}"
        );
    }

    fn shutdown_and_exit(mut self) {
        self.send(json!({ "jsonrpc": "2.0", "id": 9999, "method": "shutdown" }));
        self.response(9999);
        self.send(json!({ "jsonrpc": "2.0", "method": "exit" }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(
                    status.success(),
                    "exit after shutdown is status 0, got {status}"
                );
                return;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Raw {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const HANDLER: &str = "def handler(event, context):\n    name = event[\"pathParameters\"][\"name\"]\n    return {\"statusCode\": 200, \"body\": {\"name\": name}}\n";

#[test]
fn requests_before_initialize_are_refused_and_serving_goes_on() {
    let mut server = Raw::start();
    server.send(
        json!({ "jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {
        "textDocument": { "uri": "file:///a.py" }, "position": { "line": 0, "character": 0 } } }),
    );
    let refused = server.response(7);
    assert_eq!(
        refused["error"]["code"], -32002,
        "ServerNotInitialized: {refused}"
    );
    server.initialize();
    server.still_serving(8);
    server.shutdown_and_exit();
}

#[test]
fn unknown_methods_and_malformed_messages_do_not_stop_the_server() {
    let mut server = Raw::start();
    server.initialize();
    server
        .send(json!({ "jsonrpc": "2.0", "id": 2, "method": "gatelint/noSuchThing", "params": {} }));
    assert_eq!(server.response(2)["error"]["code"], -32601);
    // An unknown notification is ignored.
    server.send(json!({ "jsonrpc": "2.0", "method": "$/noSuchNotification", "params": {} }));
    // A body that is not JSON, and one that is not JSON-RPC.
    server.bytes(b"Content-Length: 9\r\n\r\n{not json");
    server.bytes(b"Content-Length: 2\r\n\r\n[]");
    // Parameters of the wrong shape.
    server.send(json!({ "jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": { "nonsense": true } }));
    let invalid = server.response(3);
    assert!(
        invalid["error"]["code"] == -32602 || invalid["error"]["code"] == -32700,
        "{invalid}"
    );
    // Cancelling a request that does not exist.
    server
        .send(json!({ "jsonrpc": "2.0", "method": "$/cancelRequest", "params": { "id": 424242 } }));
    server.still_serving(4);
    server.shutdown_and_exit();
}

#[test]
fn stray_changes_and_positions_out_of_range_are_ignored() {
    let mut server = Raw::start();
    server.initialize();
    let uri = "file:///work/app.py";
    // A change to a document that was never opened.
    server.send(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": { "uri": "file:///work/unopened.py", "version": 2 },
        "contentChanges": [{ "text": "x = 1\n" }] } }),
    );
    server.open(uri, HANDLER, 1);
    assert_eq!(server.diagnostics(uri, 1).len(), 1);
    // An out-of-order version is ignored: version 1 again must not replace the text.
    server.send(
        json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": { "uri": uri, "version": 1 },
        "contentChanges": [{ "text": "" }] } }),
    );
    // A range far past the end of the document clamps to the end (appends).
    server.send(json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": { "uri": uri, "version": 3 },
        "contentChanges": [{ "range": { "start": { "line": 400, "character": 9 }, "end": { "line": 500, "character": 0 } }, "text": "# end\n" }] } }));
    let after = server.diagnostics(uri, 3);
    assert_eq!(
        after.len(),
        1,
        "the stale change did not erase the text: {after:?}"
    );
    // Hover and code actions past the end answer without an error.
    server.send(
        json!({ "jsonrpc": "2.0", "id": 5, "method": "textDocument/hover", "params": {
        "textDocument": { "uri": uri }, "position": { "line": 999, "character": 999 } } }),
    );
    assert!(server.response(5).get("error").is_none());
    server.send(json!({ "jsonrpc": "2.0", "id": 6, "method": "textDocument/codeAction", "params": {
        "textDocument": { "uri": uri },
        "range": { "start": { "line": 0, "character": 500 }, "end": { "line": 999, "character": 0 } },
        "context": { "diagnostics": [] } } }));
    assert!(server.response(6).get("error").is_none());
    server.shutdown_and_exit();
}

#[test]
fn a_client_that_does_not_read_for_a_while_loses_nothing() {
    let mut server = Raw::start();
    server.initialize();
    let uri = "file:///work/busy.py";
    server.open(uri, HANDLER, 1);
    // 300 edits sent without reading anything; each adds a comment line at the top.
    for version in 2..=301 {
        server.send(json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "# é\n" }] } }));
    }
    let last = server.diagnostics(uri, 301);
    assert_eq!(last.len(), 1);
    assert_eq!(
        last[0]["range"]["start"]["line"],
        300 + 2,
        "the finding moved down by every inserted line"
    );
    server.shutdown_and_exit();
}

#[test]
fn exit_without_shutdown_is_status_one() {
    let mut server = Raw::start();
    server.initialize();
    server.send(json!({ "jsonrpc": "2.0", "method": "exit" }));
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            assert_eq!(status.code(), Some(1));
            return;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_lone_carriage_return_ends_a_line_in_positions() {
    let mut server = Raw::start();
    server.initialize();
    let uri = "file:///work/old_mac.py";
    let text = HANDLER.replace('\n', "\r");
    server.open(uri, &text, 1);
    let found = server.diagnostics(uri, 1);
    let body = found
        .iter()
        .find(|d| d["code"] == "GL106")
        .unwrap_or_else(|| panic!("the dict body is found: {found:?}"));
    // `    return {"statusCode": 200, "body": {"name": name}}` is line 2 (0-based).
    let column = HANDLER.lines().nth(2).unwrap().find("{\"name\"").unwrap();
    assert_eq!(
        body["range"]["start"],
        json!({ "line": 2, "character": column })
    );
    // An edit after the `\r`s lands where the client means it: remove the finding's line.
    server.send(json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": { "uri": uri, "version": 2 },
        "contentChanges": [{ "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 3, "character": 0 } }, "text": "    return {\"statusCode\": 200, \"body\": \"\"}\r" }] } }));
    let after = server.diagnostics(uri, 2);
    assert!(after.iter().all(|d| d["code"] != "GL106"), "{after:?}");
    server.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "gatelint/documentText", "params": { "uri": uri } }));
    let held = server.response(2);
    let expected = text.replace("{\"name\": name}}\r", "\"\"}\r");
    assert_eq!(held["result"]["text"], expected.as_str());
    server.shutdown_and_exit();
}

#[test]
fn a_header_line_that_is_not_utf8_is_skipped_and_serving_goes_on() {
    let mut server = Raw::start();
    server.initialize();
    // Before the fix the server exited here without a word.
    server.bytes(b"X-Editor: caf\xe9\r\n");
    server.still_serving(2);
    server.bytes(b"\xff\xfe\r\n\r\n");
    server.still_serving(3);
    server.shutdown_and_exit();
}

#[test]
fn requests_that_cannot_be_served_get_an_error_answer() {
    let mut server = Raw::start();
    server.initialize();
    // LSP: a `$/` request the server does not know is answered with "method not found".
    server.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "$/noSuchRequest", "params": {} }));
    assert_eq!(server.response(2)["error"]["code"], -32601);
    // Malformed requests that carry an id: "Invalid Request", to that id.
    server.send(json!({ "jsonrpc": "1.0", "id": 3, "method": "textDocument/hover", "params": {} }));
    assert_eq!(server.response(3)["error"]["code"], -32600);
    server.send(
        json!({ "jsonrpc": "2.0", "id": "four", "method": "textDocument/hover", "params": "text" }),
    );
    let invalid = server.wait_for("response four", |m| m["id"] == "four");
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    // The internal method behind those answers cannot be called from outside.
    server.send(
        json!({ "jsonrpc": "2.0", "id": 5, "method": "gatelint/internal/refuse",
        "params": { "code": 0, "message": "" } }),
    );
    assert_eq!(server.response(5)["error"]["code"], -32601);
    server.still_serving(6);
    server.shutdown_and_exit();
}
