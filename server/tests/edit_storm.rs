//! Edit storm: thousands of random incremental edits (inserts, deletes, multi-line, non-ASCII)
//! sent to the real `gatelint server` as fast as the pipe takes them, to a handler and a template,
//! in a UTF-16 and a UTF-8 session. At each settle point the server's text (the
//! `gatelint/documentText` debugging request) equals the client's, and the diagnostics it published
//! for that version equal a fresh analysis of the same text by the library `gatelint check` uses.

#[path = "support/lsp_client.rs"]
mod lsp_client;

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use gatelint::config::Config;
use gatelint::context::FileContext;
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);
/// Edits per session, shared between the two documents; two sessions make 10,000.
const EDITS_PER_SESSION: usize = 5_000;
const SETTLE_EVERY: usize = 500;

const HANDLER: &str = include_str!("../../tests/fixtures/python/orders_api.py");
const TEMPLATE: &str = include_str!("../../tests/fixtures/apps/python_orders/template.yaml");

#[derive(Clone, Copy, Debug, PartialEq)]
enum Units {
    Utf8,
    Utf16,
}

/// A small deterministic generator (xorshift64*), so a failure replays with the same seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

/// What gets inserted: code-ish tokens, line breaks, indentation and non-ASCII of every width.
const PIECES: &[&str] = &[
    "x",
    " ",
    "\n",
    "    ",
    "return ",
    "\"statusCode\": 200, ",
    "\"body\": ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    ":",
    ",",
    "é",
    "世界",
    "🚀",
    "👩‍👩‍👧",
    "\n    name = \"名前\"\n",
    "\n  Key: value # 😀\n",
    "def f():\n    return {}\n",
    "- item\n",
];

/// The client's copy of a document.
struct ClientDocument {
    uri: String,
    path: &'static str,
    language: &'static str,
    text: String,
    version: i64,
}

/// An LSP position of a byte offset, counted independently of the library.
fn position(text: &str, offset: usize, units: Units) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |at| at + 1);
    let prefix = &text[line_start..offset];
    let character: usize = match units {
        Units::Utf8 => prefix.len(),
        Units::Utf16 => prefix.chars().map(char::len_utf16).sum(),
    };
    json!({ "line": line, "character": character })
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl ClientDocument {
    /// One random change: applied to the client's text, returned as an LSP content change.
    fn random_change(&mut self, random: &mut Random, units: Units) -> Value {
        let len = self.text.len();
        let start = floor_boundary(&self.text, random.below(len + 1));
        // Keep the document between a few hundred bytes and a few kilobytes: delete more when big.
        let delete = if len > 4_000 || random.below(3) == 0 {
            random.below(if len > 4_000 { 200 } else { 24 })
        } else {
            0
        };
        let end = floor_boundary(&self.text, (start + delete).min(len));
        let insert: String = if random.below(4) == 0 && delete > 0 {
            String::new()
        } else {
            (0..1 + random.below(3))
                .map(|_| PIECES[random.below(PIECES.len())])
                .collect()
        };
        let change = json!({
            "range": { "start": position(&self.text, start, units), "end": position(&self.text, end, units) },
            "text": insert,
        });
        self.text.replace_range(start..end, &insert);
        change
    }
}

struct Session {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// The last `publishDiagnostics` parameters of each document.
    published: HashMap<String, Value>,
}

impl Session {
    fn start(units: Units) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gatelint"))
            .arg("server")
            .env("GATELINT_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the gatelint binary starts");
        let stdout = child.stdout.take().expect("piped");
        let stdin = child.stdin.take().expect("piped");
        let incoming = lsp_client::spawn_reader(stdout);
        let mut session = Session {
            child,
            stdin: BufWriter::new(stdin),
            incoming,
            next_id: 1,
            published: HashMap::new(),
        };
        let encodings = match units {
            Units::Utf8 => json!(["utf-8", "utf-16"]),
            Units::Utf16 => json!(["utf-16"]),
        };
        let id = session.request(
            "initialize",
            json!({ "capabilities": { "general": { "positionEncodings": encodings } } }),
        );
        let initialized = session.response(id);
        let negotiated = &initialized["result"]["capabilities"]["positionEncoding"];
        let expected = if units == Units::Utf8 {
            "utf-8"
        } else {
            "utf-16"
        };
        assert_eq!(negotiated, expected, "{initialized}");
        session.notify("initialized", json!({}));
        session
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .expect("the server reads its input");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.stdin.flush().expect("flush");
        id
    }

    /// Keeps the last diagnostics published for each document, whatever was awaited then.
    fn remember(&mut self, message: Value) {
        if message["method"] == "textDocument/publishDiagnostics" {
            if let Some(uri) = message["params"]["uri"].as_str() {
                self.published
                    .insert(uri.to_owned(), message["params"].clone());
            }
        }
    }

    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.remember(message),
                Err(_) => panic!("no {what} within {TIMEOUT:?}"),
            }
        }
    }

    fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |message| {
            message["id"] == id && message.get("method").is_none()
        })
    }

    /// Checks one document at a settle point: text, version and diagnostics.
    fn settle(&mut self, document: &ClientDocument, units: Units, edits: usize) {
        let id = self.request("gatelint/documentText", json!({ "uri": document.uri }));
        let held = self.response(id);
        assert_eq!(
            held["result"]["version"], document.version,
            "{} after {edits} edits: {held}",
            document.uri
        );
        assert_eq!(
            held["result"]["text"].as_str(),
            Some(document.text.as_str()),
            "{} after {edits} edits: the server's text differs from the client's",
            document.uri
        );
        let seen = self
            .published
            .get(&document.uri)
            .filter(|params| params["version"] == document.version)
            .cloned();
        let published = match seen {
            Some(params) => params,
            None => self.wait_for(
                &format!("diagnostics of {} v{}", document.uri, document.version),
                |message| {
                    message["method"] == "textDocument/publishDiagnostics"
                        && message["params"]["uri"] == document.uri.as_str()
                        && message["params"]["version"] == document.version
                },
            )["params"]
                .clone(),
        };
        let mut actual: Vec<Value> = published["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|diagnostic| {
                json!([
                    diagnostic["range"],
                    diagnostic["code"],
                    diagnostic["message"]
                ])
            })
            .collect();
        let fresh = gatelint::workspace::analyze_text(
            Path::new(document.path),
            &document.text,
            &Config::default(),
            &FileContext::default(),
        );
        let mut expected: Vec<Value> = fresh
            .iter()
            .map(|finding| {
                let range = json!({
                    "start": position(&document.text, finding.range.start, units),
                    "end": position(&document.text, finding.range.end, units),
                });
                json!([range, finding.code, finding.message])
            })
            .collect();
        actual.sort_by_key(Value::to_string);
        expected.sort_by_key(Value::to_string);
        assert_eq!(
            actual, expected,
            "{} v{} after {edits} edits: published diagnostics differ from a fresh analysis",
            document.uri, document.version
        );
    }

    fn shutdown(mut self) {
        let id = self.request("shutdown", Value::Null);
        self.response(id);
        self.notify("exit", Value::Null);
        self.stdin.flush().expect("flush");
        let deadline = Instant::now() + TIMEOUT;
        while self.child.try_wait().expect("wait").is_none() {
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn storm(units: Units, seed: u64) {
    let mut session = Session::start(units);
    let mut random = Random(seed);
    let mut documents = [
        ClientDocument {
            uri: "file:///storm/orders/app.py".into(),
            path: "/storm/orders/app.py",
            language: "python",
            text: HANDLER.to_owned(),
            version: 1,
        },
        ClientDocument {
            uri: "file:///storm/template.yaml".into(),
            path: "/storm/template.yaml",
            language: "yaml",
            text: TEMPLATE.to_owned(),
            version: 1,
        },
    ];
    for document in &documents {
        session.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": document.uri, "languageId": document.language,
                "version": document.version, "text": document.text } }),
        );
    }
    let started = Instant::now();
    let mut sent = 0;
    while sent < EDITS_PER_SESSION {
        let document = &mut documents[random.below(2)];
        // One to three changes per notification; each one's positions refer to the text left by
        // the ones before it.
        let count = (1 + random.below(3)).min(EDITS_PER_SESSION - sent);
        let changes: Vec<Value> = (0..count)
            .map(|_| document.random_change(&mut random, units))
            .collect();
        document.version += 1;
        let (uri, version) = (document.uri.clone(), document.version);
        session.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
        let before = sent;
        sent += count;
        if sent / SETTLE_EVERY != before / SETTLE_EVERY || sent == EDITS_PER_SESSION {
            session.stdin.flush().expect("flush");
            for document in &documents {
                session.settle(document, units, sent);
            }
        }
    }
    eprintln!(
        "{units:?}: {EDITS_PER_SESSION} edits with {} settle points in {:?}",
        EDITS_PER_SESSION / SETTLE_EVERY,
        started.elapsed()
    );
    session.shutdown();
}

#[test]
fn utf16_edit_storm_loses_no_edit() {
    storm(Units::Utf16, 0x9e37_79b9_7f4a_7c15);
}

#[test]
fn utf8_edit_storm_loses_no_edit() {
    storm(Units::Utf8, 0xd1b5_4a32_d192_ed03);
}

/// 1,000 edits sent at once to a long handler: the server analyses a few versions, not each one,
/// publishes few diagnostics for versions already replaced, and those of the last version equal a
/// fresh analysis. (Measured: about 7 % of the versions analysed, in a debug build.)
#[test]
fn a_burst_of_edits_is_coalesced_into_few_analyses() {
    const EDITS: i64 = 1_000;
    let mut session = Session::start(Units::Utf16);
    let mut document = ClientDocument {
        uri: "file:///burst/orders/app.py".into(),
        path: "/burst/orders/app.py",
        language: "python",
        // About 40 times the handler fixture: an analysis takes far longer than applying an edit.
        text: HANDLER.repeat(40),
        version: 1,
    };
    session.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": document.uri, "languageId": document.language,
            "version": document.version, "text": document.text } }),
    );
    for _ in 0..EDITS {
        document.version += 1;
        // A comment line typed at the top, one character at a time.
        let change = if document.version % 40 == 0 {
            document.text.insert(0, '\n');
            json!({ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "\n" })
        } else {
            let first_line = document.text.find('\n').unwrap_or(0);
            let (text, column) = if document.text.starts_with('#') {
                ("x", first_line)
            } else {
                ("#", 0)
            };
            document.text.insert_str(column, text);
            json!({ "range": { "start": { "line": 0, "character": column }, "end": { "line": 0, "character": column } }, "text": text })
        };
        session.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": document.uri, "version": document.version },
                "contentChanges": [change] }),
        );
    }
    session.stdin.flush().expect("flush");
    let mut stale = 0;
    loop {
        let message = session.wait_for("diagnostics", |message| {
            message["method"] == "textDocument/publishDiagnostics"
        });
        if message["params"]["version"] == document.version {
            session.remember(message);
            break;
        }
        stale += 1;
    }
    session.settle(&document, Units::Utf16, EDITS as usize);
    let id = session.request("gatelint/documentText", json!({ "uri": document.uri }));
    let analyses = session.response(id)["result"]["analyses"]
        .as_i64()
        .expect("a count of analyses");
    eprintln!("{EDITS} edits: {analyses} analyses, {stale} stale publications");
    // Before coalescing, every one of the 1,001 versions was analysed.
    assert!(
        analyses <= EDITS / 4,
        "{analyses} analyses for {EDITS} edits"
    );
    assert!(stale <= EDITS / 4, "{stale} stale publications");
    session.shutdown();
}
