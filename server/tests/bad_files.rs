//! Bad files, through the real binary (CLI and server): invalid UTF-8, NUL bytes, a file over the
//! size limit, 10,000-deep nesting in every language and template format, YAML alias bombs,
//! symbolic link loops and links out of the workspace, unreadable files and files deleted while
//! indexed. Each yields a clear finding or is skipped with a reason; nothing hangs or crashes.

mod reliability;

use reliability::{check_json, codes, Client, TempDir};
use serde_json::Value;

const BROKEN_HANDLER: &str =
    "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": {\"id\": 1}}\n";

fn messages_of<'a>(diagnostics: &'a [Value], file: &str) -> Vec<&'a str> {
    diagnostics
        .iter()
        .filter(|diagnostic| {
            diagnostic["path"]
                .as_str()
                .is_some_and(|path| path.ends_with(file))
        })
        .filter_map(|diagnostic| diagnostic["message"].as_str())
        .collect()
}

#[test]
fn invalid_utf8_nul_bytes_and_oversized_files_are_reported_and_the_rest_checked() {
    let dir = TempDir::new("bad-bytes");
    dir.write(
        "latin1.py",
        b"# caf\xe9\ndef handler(event, context):\n    return 1\n",
    );
    dir.write("nul.py", format!("x = '\0\0'\n\0\n{BROKEN_HANDLER}"));
    // 50 MB of valid Python, over the documented limit.
    let line = "value = 1\n";
    dir.write("big.py", line.repeat(50 * 1024 * 1024 / line.len()));
    dir.write("app.py", BROKEN_HANDLER);
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    let latin1 = messages_of(&diagnostics, "latin1.py");
    assert!(
        latin1.len() == 1 && latin1[0].contains("is not UTF-8 text"),
        "{latin1:?}"
    );
    let big = messages_of(&diagnostics, "big.py");
    assert!(
        big.len() == 1 && big[0].contains("over gatelint's limit of 16777216 bytes"),
        "{big:?}"
    );
    // NUL bytes are text to the parser: the file is analysed, the bug after them found.
    assert!(
        diagnostics
            .iter()
            .any(|d| d["path"] == "nul.py" && d["code"] == "GL106"),
        "{diagnostics:#?}"
    );
    assert!(
        diagnostics
            .iter()
            .any(|d| d["path"] == "app.py" && d["code"] == "GL106"),
        "the other files are still checked: {diagnostics:#?}"
    );
}

/// 10,000 levels of nesting in each language and template format.
fn deep_files() -> Vec<(&'static str, String)> {
    let n = 10_000;
    let nest = |open: &str, inner: &str, close: &str| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    vec![
        ("deep.py", format!("def handler(event, context):\n    return {{\"statusCode\": 200, \"body\": {}}}\n", nest("[", "", "]"))),
        ("deep_calls.py", format!("x = {}\n", nest("f(", "1", ")"))),
        ("deep.js", format!("exports.handler = async () => ({{ statusCode: 200, body: {} }});\n", nest("{a: ", "1", "}"))),
        ("deep.ts", format!("export const handler = async () => {{\n{}\n}};\n", nest("if (x) {", "", "}"))),
        ("deep.rs", format!("fn main() {{\n    let v = json!({});\n}}\n", nest("{\"a\": ", "1", "}"))),
        ("deep_flow.yaml", format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      X: {}\n", nest("{a: ", "1", "}"))),
        ("deep_block.yaml", format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      X:\n        {}1\n", "- ".repeat(n))),
        ("deep.json", format!("{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"F\": {{\"Type\": \"AWS::Serverless::Function\", \"Properties\": {{\"X\": {}}}}}}}}}\n", nest("{\"a\": ", "1", "}"))),
    ]
}

#[test]
fn deep_nesting_is_reported_not_parsed_and_crashes_nothing() {
    let dir = TempDir::new("deep");
    for (name, text) in deep_files() {
        dir.write(name, text);
    }
    dir.write("app.py", BROKEN_HANDLER);
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    for (name, _) in deep_files() {
        let messages = messages_of(&diagnostics, name);
        assert!(
            messages.len() == 1 && messages[0].contains("nests deeper than it reads"),
            "{name}: {messages:?}"
        );
    }
    assert!(diagnostics
        .iter()
        .any(|d| d["path"] == "app.py" && d["code"] == "GL106"));

    // The same texts opened in the editor.
    let mut client = Client::start(None, &[]);
    for (name, text) in deep_files() {
        let language = name.rsplit('.').next().unwrap_or("plaintext");
        let uri = client.open(&dir.0.join(name), language, &text);
        let diagnostics = client.diagnostics_where(&uri, |d| !d.is_empty());
        assert_eq!(codes(&diagnostics), ["GL902"], "{name}");
    }
    client.shutdown();
}

#[test]
fn yaml_alias_bombs_are_not_expanded() {
    let dir = TempDir::new("alias-bomb");
    let mut text = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n",
    );
    text.push_str("Mappings:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=12 {
        let previous = format!("*a{}", level - 1);
        text.push_str(&format!(
            "  a{level}: &a{level} [{}]\n",
            vec![previous; 10].join(", ")
        ));
    }
    text.push_str("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n      CodeUri: .\n      Tags: *a12\n      Environment:\n        Variables: *a12\n      Events: *a12\n      Timeout: *a12\n");
    dir.write("template.yaml", &text);
    dir.write("app.py", BROKEN_HANDLER);
    let started = std::time::Instant::now();
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "10^13 nodes if expanded; took {:?}",
        started.elapsed()
    );
    assert!(diagnostics
        .iter()
        .any(|d| d["path"] == "app.py" && d["code"] == "GL106"));
}

#[cfg(unix)]
#[test]
fn links_are_not_followed_out_of_the_workspace_and_code_uri_stays_inside() {
    use std::os::unix::fs::symlink;
    let outside = TempDir::new("outside");
    // If gatelint read this file, the template below would get a GL801 (no `handler` in it) and
    // its bug would be reported.
    outside.write(
        "app.py",
        "def other(event, context):\n    return {\"statusCode\": 200, \"body\": {}}\n",
    );
    let dir = TempDir::new("links");
    symlink(&outside.0, dir.0.join("linked")).expect("a link");
    symlink(outside.0.join("app.py"), dir.0.join("outside_app.py")).expect("a link");
    std::fs::create_dir_all(dir.0.join("loop")).expect("a folder");
    symlink(&dir.0, dir.0.join("loop/again")).expect("a link loop");
    symlink(dir.0.join("self_a"), dir.0.join("self_b")).expect("a dangling link");
    symlink(dir.0.join("self_b"), dir.0.join("self_a")).expect("a link cycle");
    let escape = "../".repeat(12);
    dir.write(
        "template.yaml",
        format!("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\nResources:\n  Linked:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: linked/\n      Handler: app.handler\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /a\n            Method: get\n  Escape:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: {escape}etc\n      Handler: passwd.handler\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /b\n            Method: get\n  Absolute:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: {}\n      Handler: app.handler\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /c\n            Method: get\n", outside.0.display()),
    );
    dir.write("app.py", BROKEN_HANDLER);
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    for diagnostic in &diagnostics {
        let path = diagnostic["path"].as_str().unwrap_or_default();
        assert!(
            path == "app.py" || path == "template.yaml",
            "nothing outside or behind a link is reported: {diagnostic:#}"
        );
        assert_ne!(diagnostic["code"], "GL801", "{diagnostic:#}");
        assert_ne!(diagnostic["code"], "GL802", "{diagnostic:#}");
    }
    assert!(diagnostics
        .iter()
        .any(|d| d["path"] == "app.py" && d["code"] == "GL106"));
}

#[cfg(unix)]
#[test]
fn unreadable_and_special_files_are_reported_without_hanging() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("unreadable");
    dir.write("app.py", BROKEN_HANDLER);
    // A FIFO named like a handler: reading it would block forever.
    let fifo = dir.0.join("pipe.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|status| status.success());
    if made {
        let (diagnostics, _) = check_json(&dir.0, &["pipe.py", "app.py"], &[]);
        let messages = messages_of(&diagnostics, "pipe.py");
        assert!(
            messages.len() == 1 && messages[0].contains("not a regular file"),
            "{messages:?}"
        );
        // Found by walking the folder, it is reported too: never skipped silently.
        let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
        let messages = messages_of(&diagnostics, "pipe.py");
        assert!(
            messages.len() == 1 && messages[0].contains("FIFO"),
            "{messages:?}"
        );
        std::fs::remove_file(&fifo).expect("remove the FIFO");
    } else {
        eprintln!("skipped the FIFO case: mkfifo is not available");
    }
    let locked = dir.write("locked.py", BROKEN_HANDLER);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // As a user permissions apply to (root reads any file).
    match check_as_another_user(&dir.0, &["."]) {
        Some(diagnostics) => {
            let messages = messages_of(&diagnostics, "locked.py");
            assert!(
                messages.len() == 1 && messages[0].contains("permission denied"),
                "{messages:?}"
            );
        }
        None => eprintln!("skipped the chmod 000 case: cannot run as another user"),
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    assert!(diagnostics
        .iter()
        .any(|d| d["path"] == "app.py" && d["code"] == "GL106"));
}

const LINKED_TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      CodeUri: src/\n      Handler: app.handler\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /orders\n            Method: get\n";

#[test]
fn a_handler_deleted_while_indexed_is_reported_on_the_template() {
    let dir = TempDir::new("deleted");
    let template = dir.write("template.yaml", LINKED_TEMPLATE);
    let handler = dir.write("src/app.py", BROKEN_HANDLER);
    let mut client = Client::start(Some(&dir.0), &[]);
    let uri = client.open(&template, "yaml", LINKED_TEMPLATE);
    // Once indexed, the template links to the handler: no GL801.
    client.diagnostics_where(&uri, |d| d.is_empty());
    std::fs::remove_file(&handler).expect("delete the handler");
    client.notify(
        "workspace/didChangeWatchedFiles",
        serde_json::json!({ "changes": [{ "uri": format!("file://{}", handler.display()), "type": 3 }] }),
    );
    let diagnostics = client.diagnostics_where(&uri, |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["GL801"], "{diagnostics:#?}");
    // An oversized document opened in the editor is reported, not parsed.
    let big = dir.0.join("big.py");
    let big_uri = client.open(&big, "python", &"value = 1\n".repeat(1_700_000));
    let diagnostics = client.diagnostics_where(&big_uri, |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["GL901"], "{diagnostics:#?}");
    client.shutdown();
}

/// Makes a FIFO; `false` (and the case is skipped, said on stderr) where `mkfifo` is missing.
#[cfg(unix)]
fn mkfifo(path: &std::path::Path) -> bool {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|status| status.success());
    if !made {
        eprintln!("skipped a FIFO case: mkfifo is not available");
    }
    made
}

const NODE_TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src/\n      Handler: app.handler\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /orders\n            Method: get\n";

/// Issue #21 items 1 and 3: a FIFO named `package.json` next to a missing Node handler (the
/// build-setup probe), a FIFO `.gitignore` and a `.gitignore` linked to `/dev/zero`, in `check`
/// and in the editor: nothing hangs, nothing grows, each refusal is reported, the rest is checked.
#[cfg(unix)]
#[test]
fn fifo_and_device_package_json_and_gitignore_do_not_hang_check_or_the_server() {
    let dir = TempDir::new("fifo-probe");
    let template = dir.write("template.yaml", NODE_TEMPLATE);
    std::fs::create_dir_all(dir.0.join("src")).expect("a folder");
    dir.write("piped/app.py", BROKEN_HANDLER);
    if !mkfifo(&dir.0.join("src/package.json")) || !mkfifo(&dir.0.join("piped/.gitignore")) {
        return;
    }
    std::fs::create_dir_all(dir.0.join("zero")).expect("a folder");
    std::os::unix::fs::symlink("/dev/zero", dir.0.join("zero/.gitignore")).expect("a link");
    dir.write("zero/app.py", BROKEN_HANDLER);
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    // Unknown build setup: the missing handler is reported as missing.
    assert!(
        diagnostics
            .iter()
            .any(|d| d["path"] == "template.yaml" && d["code"] == "GL801"),
        "{diagnostics:#?}"
    );
    for folder in ["piped", "zero"] {
        let ignore_file = messages_of(&diagnostics, &format!("{folder}/.gitignore"));
        assert!(
            ignore_file.len() == 1 && ignore_file[0].contains("ignore file was not read"),
            "{ignore_file:?}"
        );
        assert!(
            diagnostics
                .iter()
                .any(|d| d["path"] == format!("{folder}/app.py") && d["code"] == "GL106"),
            "the folder is still checked: {diagnostics:#?}"
        );
    }
    // The editor: indexing the folder and opening the template answer, and the server stops.
    let mut client = Client::start(Some(&dir.0), &[]);
    let uri = client.open(&template, "yaml", NODE_TEMPLATE);
    let diagnostics = client.diagnostics_where(&uri, |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["GL801"], "{diagnostics:#?}");
    client.shutdown();
}

/// Issue #21 item 2: `didChangeWatchedFiles` and `didClose` naming a FIFO, or a link to
/// `/dev/zero`: the server does not block or grow; it still answers and exits.
#[cfg(unix)]
#[test]
fn watched_and_closed_fifos_and_devices_do_not_block_the_server() {
    let dir = TempDir::new("fifo-watched");
    let pipe = dir.0.join("pipe.py");
    if !mkfifo(&pipe) {
        return;
    }
    let zero = dir.0.join("zero.py");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("a link");
    let app = dir.write("app.py", BROKEN_HANDLER);
    let mut client = Client::start(Some(&dir.0), &[]);
    let pipe_uri = client.open(&pipe, "python", BROKEN_HANDLER);
    client.diagnostics_where(&pipe_uri, |d| !d.is_empty());
    client.notify(
        "textDocument/didClose",
        serde_json::json!({ "textDocument": { "uri": pipe_uri } }),
    );
    let changes: Vec<Value> = [&pipe, &zero]
        .iter()
        .map(|path| serde_json::json!({ "uri": format!("file://{}", path.display()), "type": 2 }))
        .collect();
    client.notify(
        "workspace/didChangeWatchedFiles",
        serde_json::json!({ "changes": changes }),
    );
    // Still answering: a document opened after them is diagnosed, then the server stops.
    let uri = client.open(&app, "python", BROKEN_HANDLER);
    let diagnostics = client.diagnostics_where(&uri, |d| !d.is_empty());
    assert_eq!(codes(&diagnostics), ["GL106"], "{diagnostics:#?}");
    client.shutdown();
}

/// Issue #21 item 4: a `package.json` linked to a file outside the workspace is not opened (the
/// file it leads to is a FIFO: opening it would hang), and the handler it stood for is reported.
#[cfg(unix)]
#[test]
fn package_json_linked_out_of_the_workspace_is_not_opened() {
    let outside = TempDir::new("outside-package");
    if !mkfifo(&outside.0.join("package.json")) {
        return;
    }
    let dir = TempDir::new("linked-package");
    dir.write("template.yaml", NODE_TEMPLATE);
    std::fs::create_dir_all(dir.0.join("src")).expect("a folder");
    std::os::unix::fs::symlink(
        outside.0.join("package.json"),
        dir.0.join("src/package.json"),
    )
    .expect("a link");
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    assert_eq!(codes(&diagnostics), ["GL801"], "{diagnostics:#?}");
}

/// Issue #21 item 8: a handler file that is a link out of the workspace, or a FIFO, is reported as
/// not read (GL901, with the reason), not as a module that does not exist (GL801).
#[cfg(unix)]
#[test]
fn a_handler_that_is_not_read_is_reported_as_such_not_as_missing() {
    let outside = TempDir::new("outside-handler");
    outside.write("app.py", BROKEN_HANDLER);
    let dir = TempDir::new("unread-handler");
    dir.write("template.yaml", LINKED_TEMPLATE);
    std::fs::create_dir_all(dir.0.join("src")).expect("a folder");
    std::os::unix::fs::symlink(outside.0.join("app.py"), dir.0.join("src/app.py")).expect("a link");
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    assert_eq!(codes(&diagnostics), ["GL901"], "{diagnostics:#?}");
    let message = diagnostics[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("src/app.py was not read") && message.contains("outside the workspace"),
        "{message}"
    );
    std::fs::remove_file(dir.0.join("src/app.py")).expect("remove the link");
    if mkfifo(&dir.0.join("src/app.py")) {
        let (diagnostics, _) = check_json(&dir.0, &["template.yaml"], &[]);
        assert_eq!(codes(&diagnostics), ["GL901"], "{diagnostics:#?}");
        let message = diagnostics[0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("FIFO"), "{message}");
        std::fs::remove_file(dir.0.join("src/app.py")).expect("remove the FIFO");
    }
    // Unreadable: permission denied (as a user other than root, who reads any file).
    use std::os::unix::fs::PermissionsExt;
    let handler = dir.write("src/app.py", BROKEN_HANDLER);
    std::fs::set_permissions(&handler, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    match check_as_another_user(&dir.0, &["template.yaml"]) {
        Some(diagnostics) => {
            assert_eq!(codes(&diagnostics), ["GL901"], "{diagnostics:#?}");
            let message = diagnostics[0]["message"].as_str().unwrap_or_default();
            assert!(message.contains("permission denied"), "{message}");
        }
        None => eprintln!("skipped the permission case: cannot run as another user"),
    }
    std::fs::set_permissions(&handler, std::fs::Permissions::from_mode(0o644)).expect("chmod");
}

/// `gatelint check --format json ARGS` in `dir` as a user permissions apply to: this one when it
/// is not root, else `nobody` through `setpriv`; `None` when neither can run it here.
#[cfg(unix)]
fn check_as_another_user(dir: &std::path::Path, args: &[&str]) -> Option<Vec<Value>> {
    let binary = env!("CARGO_BIN_EXE_gatelint");
    // Root reads the folder whatever its permissions say.
    let root = std::fs::metadata("/root").is_ok_and(|_| std::fs::read_dir("/root").is_ok());
    let mut command = if root {
        let mut command = std::process::Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        command
    } else {
        std::process::Command::new(binary)
    };
    let output = command
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if output.status.code().is_none_or(|code| code >= 2) || output.stdout.is_empty() {
        return None;
    }
    let report: Value = serde_json::from_slice(&output.stdout).ok()?;
    Some(
        report["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    )
}

/// Issue #21 item 7: met while walking, a file name that is not UTF-8 and a folder that cannot be
/// listed (as a user other than root: permissions do not stop root) are reported, not skipped.
#[cfg(unix)]
#[test]
fn unreadable_folders_and_non_utf8_names_met_while_walking_are_reported() {
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("walk-problems");
    dir.write("app.py", BROKEN_HANDLER);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.py");
    std::fs::write(dir.0.join(name), BROKEN_HANDLER).expect("a non-UTF-8 name");
    dir.write("locked/app.py", BROKEN_HANDLER);
    std::fs::set_permissions(dir.0.join("locked"), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    // Root lists any folder: run as `nobody` when this is root and `setpriv` is there.
    let as_other = check_as_another_user(&dir.0, &["."]);
    let can_run = as_other.is_some();
    let diagnostics = as_other.unwrap_or_else(|| {
        // No way to be another user here: the folder case is skipped, the name case checked.
        eprintln!("skipped the unreadable folder case: cannot run as another user");
        check_json(&dir.0, &["."], &[]).0
    });
    let named = messages_of(&diagnostics, "caf\u{FFFD}.py");
    assert!(
        named.len() == 1 && named[0].contains("not valid UTF-8"),
        "{diagnostics:#?}"
    );
    if can_run {
        let locked = messages_of(&diagnostics, "locked");
        assert!(
            locked.len() == 1 && locked[0].contains("folder could not be read"),
            "{diagnostics:#?}"
        );
    }
    assert!(diagnostics
        .iter()
        .any(|d| d["path"] == "app.py" && d["code"] == "GL106"));
    std::fs::set_permissions(dir.0.join("locked"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
}
