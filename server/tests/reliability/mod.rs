//! What the reliability tests share: running the real binary with a deadline, and a minimal LSP
//! client over its stdio.

#![allow(dead_code)] // Each test crate uses its own part of this module.

#[path = "../support/lsp_client.rs"]
mod lsp_client;

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `gatelint` with `args` in `dir`, failing the test if it takes longer than [`TIMEOUT`] (a
/// hang is a bug as much as a crash).
pub fn gatelint(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(args)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gatelint binary starts");
    let deadline = Instant::now() + TIMEOUT;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gatelint {args:?} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// `gatelint check --format json` in `dir`: the diagnostics, after checking it did not crash.
pub fn check_json(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Vec<Value>, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = gatelint(dir, &all, env);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "gatelint {all:?} failed with {}: {stderr}",
        output.status
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let diagnostics = report["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (diagnostics, stderr)
}

/// A number no other call in this process gets.
fn unique() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A fresh folder under the system's temporary folder, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!(
            "gatelint-{name}-{}-{}",
            std::process::id(),
            unique()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary folder");
        TempDir(path)
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> std::path::PathBuf {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("a folder");
        }
        std::fs::write(&path, content).expect("a file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A minimal LSP client over the real server's stdio.
pub struct Client {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    pub stderr_path: std::path::PathBuf,
}

impl Client {
    /// Starts `gatelint server` and initializes it with `root` as its workspace folder; the log
    /// (stderr) goes to a file the test may read.
    pub fn start(root: Option<&Path>, env: &[(&str, &str)]) -> Client {
        let stderr_path = std::env::temp_dir().join(format!(
            "gatelint-server-log-{}-{}",
            std::process::id(),
            unique()
        ));
        let log = std::fs::File::create(&stderr_path).expect("a log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_gatelint"))
            .arg("server")
            .env("GATELINT_LOG", "warn")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the gatelint binary starts");
        let stdout = child.stdout.take().expect("piped");
        let stdin = BufWriter::new(child.stdin.take().expect("piped"));
        let incoming = lsp_client::spawn_reader(stdout);
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 1,
            stderr_path,
        };
        let root_uri = root.map(|root| format!("file://{}", root.display()));
        let id = client.request(
            "initialize",
            json!({ "rootUri": root_uri, "capabilities": {} }),
        );
        client.response(id);
        client.notify("initialized", json!({}));
        client
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .expect("the server reads its input");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    pub fn request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// The first message `wanted` accepts; others are skipped. Server-to-client requests (progress,
    /// registrations) are answered so the server never waits on us.
    pub fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => {
                    if message.get("method").is_some() && message.get("id").is_some() {
                        let id = message["id"].clone();
                        self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                    }
                }
                Err(_) => panic!("no {what} within {TIMEOUT:?}"),
            }
        }
    }

    pub fn response(&mut self, id: i64) -> Value {
        self.wait_for(&format!("response {id}"), |message| {
            message["id"] == id && message.get("method").is_none()
        })
    }

    pub fn open(&mut self, path: &Path, language: &str, text: &str) -> String {
        let uri = format!("file://{}", path.display());
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
        uri
    }

    /// The next diagnostics published for `uri` that `wanted` accepts.
    pub fn diagnostics_where(
        &mut self,
        uri: &str,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let message = self.wait_for(&format!("the expected diagnostics of {uri}"), |message| {
            message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && wanted(
                    message["params"]["diagnostics"]
                        .as_array()
                        .map_or(&[], Vec::as_slice),
                )
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    pub fn shutdown(mut self) {
        let id = self.request("shutdown", Value::Null);
        self.response(id);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        while self.child.try_wait().expect("wait").is_none() {
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

/// The codes of a list of diagnostics (CLI JSON or LSP).
pub fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str().map(str::to_owned))
        .collect()
}
