//! End-to-end tests of `gatelint server`: the real binary, spoken to over stdio with JSON-RPC and
//! Content-Length framing, as an editor would.
//!
//! Run `cargo test --test lsp -- --nocapture` to see the measured re-diagnosis time.

use std::time::Instant;

use serde_json::{json, Value};

#[path = "support/lsp_client.rs"]
mod lsp_client;

use lsp_client::{offset, Client, Encoding};

const HANDLER: &str = "import os\n\n\ndef lambda_handler(event, context):\n    order_id = event[\"pathParameters\"][\"id\"]\n    return {\"statusCode\": 200, \"body\": {\"id\": order_id}}\n";
const DICT_BODY: &str = "{\"id\": order_id}";

/// Applies LSP text edits (all relative to `text`) the way an editor does, and returns the new
/// text together with the same edits as incremental `didChange` content changes: from the last
/// edit to the first, so each change's range is still valid when it is applied.
fn apply_edits(text: &str, edits: &[Value], encoding: Encoding) -> (String, Vec<Value>) {
    let mut edits: Vec<&Value> = edits.iter().collect();
    edits.sort_by_key(|edit| {
        std::cmp::Reverse((
            offset(text, &edit["range"]["start"], encoding),
            offset(text, &edit["range"]["end"], encoding),
        ))
    });
    let mut new_text = text.to_owned();
    let mut changes = Vec::new();
    for edit in edits {
        let start = offset(text, &edit["range"]["start"], encoding);
        let end = offset(text, &edit["range"]["end"], encoding);
        let inserted = edit["newText"].as_str().expect("newText");
        new_text.replace_range(start..end, inserted);
        changes.push(json!({ "range": edit["range"], "text": inserted }));
    }
    (new_text, changes)
}

/// An incremental change inserting `inserted` at byte `at` of `text`.
fn insertion(client: &Client, text: &str, at: usize, inserted: &str) -> Value {
    let position = client.position(text, at);
    json!({ "range": { "start": position, "end": position }, "text": inserted })
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|diagnostic| diagnostic["code"].as_str().expect("code is a string"))
        .collect()
}

fn only_gl106(diagnostics: &[Value]) -> &Value {
    assert_eq!(codes(diagnostics), ["GL106"], "{diagnostics:#?}");
    &diagnostics[0]
}

#[test]
fn initialize_defaults_to_utf16() {
    let (client, result) = Client::start(false);
    let capabilities = &result["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    assert_eq!(capabilities["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(capabilities["textDocumentSync"]["openClose"], true);
    assert_eq!(capabilities["hoverProvider"], true);
    assert_eq!(
        capabilities["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.gatelint"])
    );
    assert_eq!(result["serverInfo"]["name"], "gatelint");
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn initialize_negotiates_utf8_when_offered() {
    let (client, result) = Client::start(true);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(client.encoding, Encoding::Utf8);
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_with_status_1() {
    let (mut client, _) = Client::start(false);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn a_dict_body_is_diagnosed_explained_and_fixed() {
    let (mut client, _) = Client::start(false);
    let uri = "file:///work/orders/app.py";
    client.open(uri, HANDLER);

    let diagnostics = client.diagnostics(uri, Some(1));
    let diagnostic = only_gl106(&diagnostics);
    assert_eq!(diagnostic["range"], client.range_of(HANDLER, DICT_BODY));
    assert_eq!(
        diagnostic["range"],
        json!({ "start": { "line": 5, "character": 39 }, "end": { "line": 5, "character": 55 } })
    );
    // No template links the file: the front door is assumed, so the finding is a warning.
    assert_eq!(diagnostic["severity"], 2);
    assert_eq!(diagnostic["source"], "gatelint");
    // The rule's documentation: the rules page at this version's tag in the repository the
    // manifest names; no link at all while it names none.
    match gatelint::rules_doc_url() {
        Some(page) => assert_eq!(
            diagnostic["codeDescription"]["href"],
            format!("{page}#gl106")
        ),
        None => assert!(
            diagnostic.get("codeDescription").is_none(),
            "{diagnostic:#?}"
        ),
    }
    let message = diagnostic["message"].as_str().expect("message");
    assert!(
        message.starts_with("`body` is a dict, not a string"),
        "{message}"
    );

    // Hover inside the squiggle: the finding's message, then the rule's documentation.
    let inside = HANDLER.find(DICT_BODY).expect("dict body") + 3;
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": client.position(HANDLER, inside) }),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(
        markdown.starts_with("**GL106** `body` is a dict"),
        "{markdown}"
    );
    assert!(
        markdown.contains("### GL106 `non-string-body`"),
        "{markdown}"
    );
    assert!(markdown.contains("**Fix:**"), "{markdown}");
    assert_eq!(hover["range"], diagnostic["range"]);

    // Hover where nothing is found: no hover.
    let elsewhere = HANDLER.find("order_id =").expect("assignment");
    let nothing = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": client.position(HANDLER, elsewhere) }),
    );
    assert_eq!(nothing, Value::Null);

    // The quick fix: json.dumps(...) and the import it needs.
    let cursor = client.position(HANDLER, inside);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": cursor, "end": cursor },
            "context": { "diagnostics": [diagnostic] },
        }),
    );
    let actions = actions.as_array().expect("code actions");
    assert_eq!(
        actions.len(),
        2,
        "the fix, then a suppression: {actions:#?}"
    );
    let suppression = &actions[1];
    assert_eq!(
        suppression["title"],
        "Suppress GL106 on this line (gatelint: ignore)"
    );
    assert_eq!(suppression["isPreferred"], false);
    let action = &actions[0];
    assert_eq!(action["title"], "Serialise the body with json.dumps(...)");
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["isPreferred"], true);
    assert_eq!(action["diagnostics"][0]["code"], "GL106");
    let edits = action["edit"]["changes"][uri]
        .as_array()
        .expect("edits for this document");
    assert_eq!(
        edits,
        &[
            json!({ "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                    "newText": "import json\n" }),
            json!({ "range": client.range_of(HANDLER, DICT_BODY),
                    "newText": "json.dumps({\"id\": order_id})" }),
        ]
    );

    // The editor applies it; the finding is gone.
    let (fixed, changes) = apply_edits(HANDLER, edits, client.encoding);
    assert_eq!(
        fixed,
        HANDLER
            .replace("import os", "import json\nimport os")
            .replace(DICT_BODY, "json.dumps({\"id\": order_id})")
    );
    client.change(uri, 2, changes);
    assert_eq!(client.diagnostics(uri, Some(2)), Vec::<Value>::new());

    // No finding, no action.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": client.range_of(&fixed, "json.dumps"),
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(actions, json!([]));

    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(client.diagnostics(uri, None), Vec::<Value>::new());
    assert_eq!(client.shutdown().code(), Some(0));
}

/// Fix-on-save: `source.fixAll.gatelint` applies every safe fix of the document in one edit, the
/// same text `check --fix` writes; asked only by its kind (or a kind above it), never as a quick
/// fix; nothing to fix, no action.
#[test]
fn fix_all_applies_every_safe_fix_of_the_document() {
    const BROKEN: &str = "import os\n\n\ndef lambda_handler(event, context):\n    order_id = event[\"pathParameters\"][\"id\"]\n    if not order_id:\n        return {\"status\": 400, \"body\": {\"error\": \"no id\"}}\n    return {\"statusCode\": 200, \"body\": {\"id\": order_id}}\n";
    let (mut client, _) = Client::start(false);
    let uri = "file:///work/orders/fix_all.py";
    client.open(uri, BROKEN);
    let mut found = codes(&client.diagnostics(uri, Some(1)))
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    found.sort();
    assert_eq!(found, ["GL101", "GL106", "GL106"]);

    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } });
    let ask = |client: &mut Client, only: Value| {
        client.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": whole,
                "context": { "diagnostics": [], "only": only, "triggerKind": 2 },
            }),
        )
    };
    // Quick fixes only: no fix-all among them.
    let quick = ask(&mut client, json!(["quickfix"]));
    assert!(
        quick
            .as_array()
            .expect("actions")
            .iter()
            .all(|action| action["kind"] == "quickfix"),
        "{quick:#?}"
    );

    for only in [
        json!(["source.fixAll.gatelint"]),
        json!(["source.fixAll"]),
        json!(["source"]),
    ] {
        let actions = ask(&mut client, only.clone());
        let actions = actions.as_array().expect("actions");
        assert_eq!(actions.len(), 1, "{only}: {actions:#?}");
        assert_eq!(actions[0]["kind"], "source.fixAll.gatelint");
        assert_eq!(actions[0]["title"], "gatelint: apply 3 safe fixes");
    }
    let actions = ask(&mut client, json!(["source.fixAll"]));
    let edits = actions[0]["edit"]["changes"][uri]
        .as_array()
        .expect("edits for this document");
    assert_eq!(edits.len(), 1, "one edit spanning what changed");
    let (fixed, changes) = apply_edits(BROKEN, edits, client.encoding);
    assert_eq!(
        fixed,
        BROKEN
            .replace("import os", "import json\nimport os")
            .replace("\"status\": 400", "\"statusCode\": 400")
            .replace(
                "{\"error\": \"no id\"}",
                "json.dumps({\"error\": \"no id\"})"
            )
            .replace("{\"id\": order_id}", "json.dumps({\"id\": order_id})")
    );
    client.change(uri, 2, changes);
    assert_eq!(client.diagnostics(uri, Some(2)), Vec::<Value>::new());
    assert_eq!(ask(&mut client, json!(["source.fixAll"])), json!([]));
    assert_eq!(client.shutdown().code(), Some(0));
}

/// Edits with characters of every width above and before the finding, then checks the finding's
/// range, the hover on it and the quick fix's edit, in the session's encoding.
fn positions_stay_exact_through_unicode_edits(offer_utf8: bool) {
    let (mut client, _) = Client::start(offer_utf8);
    let uri = "file:///work/orders/unicode.py";
    client.open(uri, HANDLER);
    let first = client.diagnostics(uri, Some(1));
    assert_eq!(
        only_gl106(&first)["range"],
        client.range_of(HANDLER, DICT_BODY)
    );

    // A line with an emoji, CJK and an accented letter, above the finding.
    let comment = "# 🚀 注文 é\n";
    let after_imports = HANDLER.find("\n\n").expect("blank line") + 1;
    let change = insertion(&client, HANDLER, after_imports, comment);
    let mut text = HANDLER.to_owned();
    text.insert_str(after_imports, comment);
    client.change(uri, 2, vec![change]);
    let second = client.diagnostics(uri, Some(2));
    assert_eq!(
        only_gl106(&second)["range"],
        client.range_of(&text, DICT_BODY)
    );

    // An emoji and CJK on the finding's own line, before the dict.
    let statement = "_ = \"🚀 注文\"; ";
    let return_at = text.find("return {").expect("return");
    let change = insertion(&client, &text, return_at, statement);
    text.insert_str(return_at, statement);
    client.change(uri, 3, vec![change]);
    let third = client.diagnostics(uri, Some(3));
    let diagnostic = only_gl106(&third);
    assert_eq!(diagnostic["range"], client.range_of(&text, DICT_BODY));
    // The same place counted by hand: 4 spaces, `_ = "`, 🚀 (1 char, 2 UTF-16 units, 4 bytes),
    // a space, 注文 (2 chars, 2 UTF-16 units, 6 bytes), `"; return {"statusCode": 200, "body": `.
    let expected_start = if client.encoding == Encoding::Utf8 {
        58
    } else {
        52
    };
    assert_eq!(
        diagnostic["range"]["start"],
        json!({ "line": 6, "character": expected_start })
    );

    // Hover right at the start of the dict finds it; the quick fix replaces exactly the dict.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": diagnostic["range"]["start"] }),
    );
    assert_eq!(hover["range"], diagnostic["range"]);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic] },
        }),
    );
    let edits = actions[0]["edit"]["changes"][uri]
        .as_array()
        .expect("edits")
        .clone();
    let (fixed, changes) = apply_edits(&text, &edits, client.encoding);
    assert!(
        fixed.contains("_ = \"🚀 注文\"; return {\"statusCode\": 200, \"body\": json.dumps({\"id\": order_id})}"),
        "{fixed}"
    );
    client.change(uri, 4, changes);
    assert_eq!(client.diagnostics(uri, Some(4)), Vec::<Value>::new());

    // Undo the fix with one whole-text change: the finding is back where it was.
    client.change(uri, 5, vec![json!({ "text": text })]);
    let fifth = client.diagnostics(uri, Some(5));
    assert_eq!(
        only_gl106(&fifth)["range"],
        client.range_of(&text, DICT_BODY)
    );

    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn positions_stay_exact_through_unicode_edits_in_utf16() {
    positions_stay_exact_through_unicode_edits(false);
}

#[test]
fn positions_stay_exact_through_unicode_edits_in_utf8() {
    positions_stay_exact_through_unicode_edits(true);
}

#[test]
fn stale_and_unknown_changes_are_ignored() {
    let (mut client, _) = Client::start(false);
    let uri = "file:///work/orders/stale.py";
    client.open(uri, HANDLER);
    only_gl106(&client.diagnostics(uri, Some(1)));

    // A change for a document that is not open, and one older than the open version.
    client.change(
        "file:///work/orders/never-opened.py",
        7,
        vec![json!({ "text": "x = 1\n" })],
    );
    client.change(uri, 1, vec![json!({ "text": "" })]);

    // A real change still applies to the text as opened: prepend a line.
    let change = insertion(&client, HANDLER, 0, "# header\n");
    client.change(uri, 2, vec![change]);
    let text = format!("# header\n{HANDLER}");
    let diagnostics = client.diagnostics(uri, Some(2));
    assert_eq!(
        only_gl106(&diagnostics)["range"],
        client.range_of(&text, DICT_BODY)
    );
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn hover_explains_an_aws_error_text() {
    let (mut client, _) = Client::start(false);
    let uri = "file:///work/orders/notes.py";
    let text =
        "# The client got: Malformed Lambda proxy response\nLOG = \"Lambda.Unknown\"\nvalue = 1\n";
    client.open(uri, text);
    assert_eq!(client.diagnostics(uri, Some(1)), Vec::<Value>::new());

    let in_comment = text.find("Malformed").expect("comment");
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": client.position(text, in_comment) }),
    );
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(
        markdown.starts_with("## Malformed Lambda proxy response"),
        "{markdown}"
    );
    assert!(markdown.contains("GL106 `non-string-body`"), "{markdown}");

    let in_string = text.find("Unknown").expect("string");
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": client.position(text, in_string) }),
    );
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(markdown.starts_with("## Lambda.Unknown"), "{markdown}");

    // Outside strings and comments, no explanation.
    let in_code = text.find("value").expect("code");
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": client.position(text, in_code) }),
    );
    assert_eq!(hover, Value::Null);
    assert_eq!(client.shutdown().code(), Some(0));
}

/// The editor's rule settings: `initializationOptions` at start, the `gatelint` section of
/// `didChangeConfiguration` later, each re-diagnosing open documents; what names no rule is shown
/// to the user, and the rest still applies.
#[test]
fn editor_rule_settings_apply_at_start_and_on_change() {
    let (mut client, _) = Client::start_with_options(json!({
        "rules": { "select": [], "ignore": ["non-string-body", "GL999"], "severity": {} }
    }));
    let warning = client.wait_for("a warning about GL999", |message| {
        message["method"] == "window/showMessage"
    });
    let text = warning["params"]["message"].as_str().expect("message");
    assert!(text.contains("`GL999`"), "{text}");
    assert_eq!(warning["params"]["type"], 2, "a warning");

    let uri = "file:///work/orders/app.py";
    client.open(uri, HANDLER);
    assert_eq!(codes(&client.diagnostics(uri, Some(1))), Vec::<&str>::new());

    // VS Code sends its whole `gatelint` section when a setting changes.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "gatelint": {
            "server": { "path": "" },
            "rules": { "select": [], "ignore": [], "severity": { "GL106": "hint" } }
        } } }),
    );
    let diagnostics = client.diagnostics(uri, Some(1));
    assert_eq!(only_gl106(&diagnostics)["severity"], 4, "a hint now");

    // Settings without `rules` (Neovim's default `{ gatelint = {} }`) leave them as they are.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "gatelint": {} } }),
    );
    client.change(uri, 2, vec![client.insertion(HANDLER, 0, "\n")]);
    let diagnostics = client.diagnostics(uri, Some(2));
    assert_eq!(only_gl106(&diagnostics)["severity"], 4, "still a hint");
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn positions_past_the_end_clamp() {
    let (mut client, _) = Client::start(false);
    let uri = "file:///work/orders/clamp.py";
    client.open(uri, HANDLER);
    only_gl106(&client.diagnostics(uri, Some(1)));
    // Appending far past the end of the document lands at its end.
    client.change(
        uri,
        2,
        vec![json!({
            "range": { "start": { "line": 99, "character": 7 }, "end": { "line": 120, "character": 0 } },
            "text": "# end\n",
        })],
    );
    let text = format!("{HANDLER}# end\n");
    let diagnostics = client.diagnostics(uri, Some(2));
    assert_eq!(
        only_gl106(&diagnostics)["range"],
        client.range_of(&text, DICT_BODY)
    );
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 5000, "character": 9000 } }),
    );
    assert_eq!(hover, Value::Null);
    assert_eq!(client.shutdown().code(), Some(0));
}

/// A 2,000-line module of API handlers, every fifth returning a dict body.
fn large_module() -> (String, usize) {
    let mut text = String::from("import os\n\n");
    let mut findings = 0;
    let mut index = 0;
    while text.lines().count() < 2_000 {
        let body = if index % 5 == 0 {
            findings += 1;
            "{\"id\": order_id, \"index\": index}".to_owned()
        } else {
            "str(order_id)".to_owned()
        };
        text.push_str(&format!(
            "\n\ndef handler_{index}(event, context):\n\
             \x20   \"\"\"Returns order {index}.\"\"\"\n\
             \x20   order_id = event[\"pathParameters\"][\"id\"]\n\
             \x20   index = {index}\n\
             \x20   if not order_id:\n\
             \x20       return {{\"statusCode\": 404, \"body\": \"missing\"}}\n\
             \x20   # the order is looked up in table {index}\n\
             \x20   return {{\"statusCode\": 200, \"body\": {body}}}\n"
        ));
        index += 1;
    }
    (text, findings)
}

#[test]
fn rediagnoses_a_2000_line_file_after_a_one_character_edit() {
    let (text, expected_findings) = large_module();
    let line_count = text.lines().count();
    assert!(line_count >= 2_000, "{line_count}");
    let (mut client, _) = Client::start(false);
    let uri = "file:///work/orders/large.py";
    client.open(uri, &text);
    let diagnostics = client.diagnostics(uri, Some(1));
    assert_eq!(diagnostics.len(), expected_findings);
    assert!(codes(&diagnostics).iter().all(|code| *code == "GL106"));

    // One character typed in the comment of the very first handler, repeatedly.
    let comment_at = text.find("# the order").expect("comment") + 1;
    let mut current = text.clone();
    let mut timings = Vec::new();
    for version in 2..=21 {
        let change = insertion(&client, &current, comment_at, "x");
        current.insert(comment_at, 'x');
        let started = Instant::now();
        client.change(uri, version, vec![change]);
        let diagnostics = client.diagnostics(uri, Some(version));
        timings.push(started.elapsed());
        assert_eq!(diagnostics.len(), expected_findings);
        let last = diagnostics.last().expect("findings");
        let last_body = current
            .rfind("{\"id\": order_id, \"index\": index}")
            .expect("body");
        assert_eq!(last["range"]["start"], client.position(&current, last_body));
    }
    timings.sort();
    eprintln!(
        "re-diagnosis of a {line_count}-line file after a one-character edit (didChange → \
         publishDiagnostics, debug build, {} runs): median {:?}, min {:?}, max {:?}",
        timings.len(),
        timings[timings.len() / 2],
        timings[0],
        timings[timings.len() - 1],
    );
    assert_eq!(client.shutdown().code(), Some(0));
}

/// A small SAM app on disk: a template whose function runs `slow/report.py` with `Timeout: 8`.
fn write_sam_app(name: &str) -> (std::path::PathBuf, String, String) {
    let root = std::env::temp_dir().join(format!("gatelint-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("slow")).expect("temp is writable");
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  SlowReport:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: slow/\n      Handler: report.handler\n      Runtime: python3.12\n      Timeout: 8\n      Events:\n        Report:\n          Type: Api\n          Properties:\n            Path: /report\n            Method: get\n";
    let handler = "import json\nimport time\n\n\ndef handler(event, context):\n    time.sleep(12)\n    return {\"statusCode\": 200, \"body\": json.dumps({\"ready\": True})}\n";
    std::fs::write(root.join("template.yaml"), template).expect("temp is writable");
    std::fs::write(root.join("slow/report.py"), handler).expect("temp is writable");
    (root, template.to_owned(), handler.to_owned())
}

fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// Waits until the server publishes no diagnostics for `uri` (a file re-diagnosed because
/// another one changed).
fn wait_until_clean(client: &mut Client, uri: &str, what: &str) {
    client.wait_for(what, |message| {
        message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == uri
            && message["params"]["diagnostics"]
                .as_array()
                .is_some_and(|diagnostics| diagnostics.is_empty())
    });
}

/// A fresh project folder under the temporary folder holding `files` (path, text).
fn temp_project(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("gatelint-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("temp is writable");
        std::fs::write(path, text).expect("temp is writable");
    }
    root
}

/// Starts a server on `root` and waits until its background indexing has finished.
fn start_indexed(root: &std::path::Path) -> Client {
    let (mut client, _) = Client::start_with(false, json!(file_uri(root)));
    client.wait_for("the end of indexing", |message| {
        message["method"] == "$/progress" && message["params"]["value"]["kind"] == "end"
    });
    client
}

#[test]
fn editing_a_template_timeout_rediagnoses_the_handler() {
    let (root, template, handler) = write_sam_app("timeout");
    let mut client = start_indexed(&root);
    let handler_uri = file_uri(&root.join("slow/report.py"));
    let template_uri = file_uri(&root.join("template.yaml"));
    client.open(&handler_uri, &handler);
    let diagnostics = client.diagnostics(&handler_uri, Some(1));
    assert_eq!(codes(&diagnostics), ["GL403"], "{diagnostics:#?}");
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], template_uri);
    assert_eq!(
        related["location"]["range"],
        client.range_of(&template, "8")
    );

    client.open(&template_uri, &template);
    let at = template.find("Timeout: 8").expect("the timeout") + "Timeout: ".len();
    let start = client.position(&template, at);
    let end = client.position(&template, at + 1);
    client.change(
        &template_uri,
        2,
        vec![json!({ "range": { "start": start, "end": end }, "text": "20" })],
    );
    // The handler was not edited: its version stays 1, and its findings follow the template.
    wait_until_clean(
        &mut client,
        &handler_uri,
        "the handler re-diagnosed without GL403",
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn editing_an_included_openapi_file_rediagnoses_the_handler() {
    let template = "Transform: AWS::Serverless-2016-10-31\nResources:\n  OrdersApi:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionBody:\n        Fn::Transform:\n          Name: AWS::Include\n          Parameters:\n            Location: api.yaml\n  ExportOrders:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: orders/\n      Handler: app.handler\n      Runtime: python3.12\n";
    let api = "openapi: '3.0.1'\npaths:\n  /export:\n    post:\n      x-amazon-apigateway-integration:\n        type: aws_proxy\n        httpMethod: POST\n        uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${ExportOrders.Arn}/invocations\n";
    let handler = "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": {\"rows\": []}}\n";
    let root = temp_project(
        "openapi",
        &[
            ("template.yaml", template),
            ("api.yaml", api),
            ("orders/app.py", handler),
        ],
    );
    let mut client = start_indexed(&root);
    let handler_uri = file_uri(&root.join("orders/app.py"));
    let api_uri = file_uri(&root.join("api.yaml"));
    client.open(&handler_uri, handler);
    let diagnostics = client.diagnostics(&handler_uri, Some(1));
    assert_eq!(codes(&diagnostics), ["GL106"], "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0]["severity"], 1,
        "linked through api.yaml: an error"
    );
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], api_uri);
    assert_eq!(
        related["location"]["range"]["start"]["line"], 7,
        "the integration URI in api.yaml"
    );

    // The OpenAPI file is edited in the editor (not saved): the integration becomes non-proxy,
    // where a dict body is the mapping template's business, and the handler is re-diagnosed.
    client.open(&api_uri, api);
    let at = api.find("aws_proxy").expect("the type");
    let start = client.position(api, at);
    let end = client.position(api, at + "aws_proxy".len());
    client.change(
        &api_uri,
        2,
        vec![json!({ "range": { "start": start, "end": end }, "text": "aws" })],
    );
    wait_until_clean(
        &mut client,
        &handler_uri,
        "the handler re-diagnosed without GL106",
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn editing_a_local_terraform_module_rediagnoses_its_caller() {
    let caller = "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\nresource \"aws_apigatewayv2_api\" \"http\" {\n  name          = \"shop\"\n  protocol_type = \"HTTP\"\n}\n\nmodule \"orders\" {\n  source  = \"./modules/function\"\n  handler = \"orders.handler\"\n}\n\nresource \"aws_apigatewayv2_integration\" \"orders\" {\n  api_id                 = aws_apigatewayv2_api.http.id\n  integration_type       = \"AWS_PROXY\"\n  integration_uri        = module.orders.invoke_arn\n  payload_format_version = \"2.0\"\n}\n\nresource \"aws_apigatewayv2_route\" \"orders\" {\n  api_id    = aws_apigatewayv2_api.http.id\n  route_key = \"GET /orders\"\n  target    = \"integrations/${aws_apigatewayv2_integration.orders.id}\"\n}\n";
    let module = "variable \"handler\" {}\n\nresource \"aws_lambda_function\" \"this\" {\n  handler = var.handler\n  runtime = \"python3.12\"\n}\n\noutput \"invoke_arn\" {\n  value = aws_lambda_function.this.invoke_arn\n}\n";
    let root = temp_project(
        "tfmodule",
        &[("main.tf", caller), ("modules/function/main.tf", module)],
    );
    let mut client = start_indexed(&root);
    let caller_uri = file_uri(&root.join("main.tf"));
    let module_uri = file_uri(&root.join("modules/function/main.tf"));
    client.open(&caller_uri, caller);
    let diagnostics = client.diagnostics(&caller_uri, Some(1));
    assert_eq!(codes(&diagnostics), ["GL301"], "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0]["range"],
        client.range_of(caller, "module.orders.invoke_arn")
    );

    // The module grants the permission (edited in the editor, not saved): the caller, not
    // edited, is re-diagnosed without GL301.
    client.open(&module_uri, module);
    let at = module.len();
    let granted = "\nresource \"aws_lambda_permission\" \"api\" {\n  function_name = aws_lambda_function.this.function_name\n  principal     = \"apigateway.amazonaws.com\"\n}\n";
    client.change(
        &module_uri,
        2,
        vec![insertion(&client, module, at, granted)],
    );
    wait_until_clean(
        &mut client,
        &caller_uri,
        "the caller re-diagnosed without GL301",
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn editing_a_serverless_yml_rediagnoses_the_handler() {
    let service = "service: assets\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  remove:\n    handler: src/remove.handler\n    events:\n      - http:\n          path: assets/{id}\n          method: delete\n          integration: lambda-proxy\n";
    let handler = "def handler(event, context):\n    return {\"statusCode\": 404, \"body\": {\"error\": \"not found\"}}\n";
    let root = temp_project(
        "sls",
        &[("serverless.yml", service), ("src/remove.py", handler)],
    );
    let mut client = start_indexed(&root);
    let handler_uri = file_uri(&root.join("src/remove.py"));
    let service_uri = file_uri(&root.join("serverless.yml"));
    client.open(&handler_uri, handler);
    let diagnostics = client.diagnostics(&handler_uri, Some(1));
    assert_eq!(codes(&diagnostics), ["GL106"], "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0]["severity"], 1,
        "linked through serverless.yml to a REST proxy route: an error"
    );
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], service_uri);
    assert_eq!(
        related["location"]["range"]["start"]["line"], 8,
        "the http event in serverless.yml"
    );

    // serverless.yml is edited in the editor (not saved): the event becomes non-proxy, where a
    // dict body is the mapping template's business, and the handler is re-diagnosed.
    client.open(&service_uri, service);
    let at = service.find("lambda-proxy").expect("the integration");
    let start = client.position(service, at);
    let end = client.position(service, at + "lambda-proxy".len());
    client.change(
        &service_uri,
        2,
        vec![json!({ "range": { "start": start, "end": end }, "text": "lambda" })],
    );
    wait_until_clean(
        &mut client,
        &handler_uri,
        "the handler re-diagnosed without GL106",
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn editing_a_file_a_serverless_yml_reads_rediagnoses_the_handler() {
    let service = "service: assets\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions: ${file(./functions.yml)}\n";
    let functions =
        "remove:\n  handler: src/remove.handler\n  events:\n    - http: DELETE assets/{id}\n";
    let handler = "def handler(event, context):\n    return {\"statusCode\": 404, \"body\": {\"error\": \"not found\"}}\n";
    let root = temp_project(
        "sls-file",
        &[
            ("serverless.yml", service),
            ("functions.yml", functions),
            ("src/remove.py", handler),
        ],
    );
    let mut client = start_indexed(&root);
    let handler_uri = file_uri(&root.join("src/remove.py"));
    let functions_uri = file_uri(&root.join("functions.yml"));
    client.open(&handler_uri, handler);
    let diagnostics = client.diagnostics(&handler_uri, Some(1));
    assert_eq!(codes(&diagnostics), ["GL106"], "{diagnostics:#?}");
    assert_eq!(
        diagnostics[0]["severity"], 1,
        "linked through functions.yml"
    );
    assert_eq!(
        diagnostics[0]["relatedInformation"][0]["location"]["uri"],
        functions_uri
    );

    // functions.yml is edited in the editor (not saved): the function is now fed by a queue.
    client.open(&functions_uri, functions);
    let at = functions
        .find("http: DELETE assets/{id}")
        .expect("the event");
    let start = client.position(functions, at);
    let end = client.position(functions, at + "http: DELETE assets/{id}".len());
    client.change(
        &functions_uri,
        2,
        vec![json!({ "range": { "start": start, "end": end }, "text": "sqs: arn:aws:sqs:us-east-1:1:q" })],
    );
    wait_until_clean(
        &mut client,
        &handler_uri,
        "the handler re-diagnosed without GL106",
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

/// A handler behind a load balancer: the code lens and the hover name the listener rule that
/// forwards to its target group, with the rule's condition.
#[test]
fn a_load_balancer_door_names_the_listener_rule_forwarding_to_it() {
    let root = std::env::temp_dir().join(format!("gatelint-lsp-alb-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("src")).expect("temp is writable");
    let template = "Resources:\n  Balancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Balancer\n      DefaultActions: [{Type: fixed-response}]\n  PagesRule:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule\n    Properties:\n      ListenerArn: !Ref Web\n      Conditions: [{Field: path-pattern, Values: [/pages/*]}]\n      Actions: [{Type: forward, TargetGroupArn: !Ref PagesTargets}]\n  Pages:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code: src/\n      Handler: app.handler\n      Runtime: python3.12\n      Timeout: 20\n  PagesTargets:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      TargetType: lambda\n      Targets: [{Id: !GetAtt Pages.Arn}]\n";
    let handler = "def handler(event, context):\n    return {\"statusCode\": 200, \"statusDescription\": \"200 OK\", \"body\": \"ok\"}\n";
    std::fs::write(root.join("template.yaml"), template).expect("temp is writable");
    std::fs::write(root.join("src/app.py"), handler).expect("temp is writable");
    let mut client = start_indexed(&root);
    let handler_uri = file_uri(&root.join("src/app.py"));
    client.open(&handler_uri, handler);
    let lenses = client.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": handler_uri } }),
    );
    assert_eq!(
        lenses[0]["command"]["title"],
        "target group PagesTargets (Application Load Balancer) via listener rule PagesRule (path /pages/*) (ALB response, function timeout 20 s) in template.yaml"
    );
    let name = handler.find("handler(").expect("the function name");
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": handler_uri }, "position": client.position(handler, name + 2) }),
    );
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(
        markdown.contains("via listener rule PagesRule (path /pages/*): ALB response"),
        "{markdown}"
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn go_to_definition_from_handler_lands_on_the_function() {
    let (root, template, handler) = write_sam_app("definition");
    let mut client = start_indexed(&root);
    let template_uri = file_uri(&root.join("template.yaml"));
    client.open(&template_uri, &template);
    let at = template.find("report.handler").expect("the handler") + 3;
    let position = client.position(&template, at);
    let location = client.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": template_uri }, "position": position }),
    );
    assert_eq!(location["uri"], file_uri(&root.join("slow/report.py")));
    let name = handler.find("handler(").expect("the function name");
    assert_eq!(
        location["range"],
        json!({
            "start": client.position(&handler, name),
            "end": client.position(&handler, name + "handler".len()),
        })
    );
    let handler_uri = file_uri(&root.join("slow/report.py"));
    client.open(&handler_uri, &handler);
    let lenses = client.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": handler_uri } }),
    );
    assert_eq!(
        lenses[0]["command"]["title"],
        "GET /report via ServerlessRestApi (payload 1.0, function timeout 8 s) in template.yaml"
    );
    // Hover on the handler's name: every door that invokes it, with its format and budget.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": handler_uri }, "position": client.position(&handler, name + 2) }),
    );
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(
        markdown.contains(
            "GET /report of ServerlessRestApi (REST API): payload 1.0, function timeout 8 s"
        ),
        "{markdown}"
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn hovering_a_template_timeout_explains_it_and_names_the_invoking_api() {
    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      Timeout: 20\n      Events:\n        Get:\n          Type: HttpApi\n          Properties:\n            Path: /orders\n            Method: get\n";
    let (mut client, _) = Client::start(false);
    let uri = "file:///work/orders/template.yaml";
    client.open(uri, TEMPLATE);
    assert!(client.diagnostics(uri, Some(1)).is_empty());
    let at = TEMPLATE.find("20\n").expect("the Timeout value");
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": client.position(TEMPLATE, at) }),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(markdown.starts_with("**Timeout**"), "{markdown}");
    assert!(
        markdown.contains("GET /orders of ServerlessHttpApi (HTTP API): waits 30 s, payload 2.0"),
        "{markdown}"
    );
    client.shutdown();
}

/// Hovering the module name of an import says, per function loading the file, whether its
/// runtime includes the package or its package must bring it.
#[test]
fn hovering_an_import_says_what_the_runtime_ships() {
    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: orders/\n      Handler: app.handler\n      Runtime: python3.12\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /orders\n            Method: get\n";
    const HANDLER: &str = "import json\n\nimport boto3\nimport requests\n\n\ndef handler(event, context):\n    boto3.client(\"s3\")\n    requests.get(\"https://example.com\", timeout=3)\n    return {\"statusCode\": 200, \"body\": json.dumps({})}\n";
    let root = temp_project(
        "import-hover",
        &[
            ("template.yaml", TEMPLATE),
            ("orders/app.py", HANDLER),
            ("orders/requirements.txt", "requests==2.32.3\n"),
        ],
    );
    let mut client = start_indexed(&root);
    let uri = file_uri(&root.join("orders/app.py"));
    client.open(&uri, HANDLER);
    let hover_at = |client: &mut Client, needle: &str| {
        let at = HANDLER.find(needle).expect("the import");
        let hover = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": client.position(HANDLER, at + 1) }),
        );
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let boto3 = hover_at(&mut client, "boto3\n");
    assert!(boto3.starts_with("**`boto3`**"), "{boto3}");
    assert!(
        boto3.contains("`Orders` on `python3.12`: included in the runtime"),
        "{boto3}"
    );
    let requests = hover_at(&mut client, "requests\n");
    assert!(
        requests.contains(
            "`Orders` on `python3.12`: not in the runtime: the function's package holds it"
        ),
        "{requests}"
    );
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}

/// Hover answers at once while a template is being analysed again: a finding the edit left alone
/// is still explained at its place, one the edit touched is not shown where it no longer holds,
/// and a setting is explained from the model the workspace holds. Whichever analysis has finished
/// when the hover arrives, these answers are the same.
#[test]
fn hover_during_edits_explains_what_the_edits_left_alone() {
    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: orders/\n      Handler: app.handler\n      Runtime: python3.12\n      Timeout: 40\n      Description: lists orders\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /orders\n            Method: get\n";
    const HANDLER: &str = "import json\n\n\ndef handler(event, context):\n    return {\"statusCode\": 200, \"body\": json.dumps([])}\n";
    let root = temp_project(
        "hover-during-edits",
        &[("template.yaml", TEMPLATE), ("orders/app.py", HANDLER)],
    );
    let mut client = start_indexed(&root);
    let uri = file_uri(&root.join("template.yaml"));
    client.open(&uri, TEMPLATE);
    let diagnostics = client.diagnostics(&uri, Some(1));
    assert_eq!(codes(&diagnostics), ["GL401"], "{diagnostics:#?}");
    let timeout = TEMPLATE.find("40").expect("the timeout");
    let hover_at = |client: &Client, text: &str, at: usize| json!({ "textDocument": { "uri": uri }, "position": client.position(text, at) });

    // Typing in the description: the timeout's finding is still there, and still explained.
    let description = TEMPLATE.find("lists").expect("the description");
    let change = insertion(&client, TEMPLATE, description, "x");
    client.change(&uri, 2, vec![change]);
    let typed = TEMPLATE.replacen("lists", "xlists", 1);
    let hover = client.request("textDocument/hover", hover_at(&client, &typed, timeout));
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(markdown.starts_with("**GL401**"), "{markdown}");
    assert_eq!(hover["range"], client.range_of(&typed, "40"));

    // Shortening the timeout itself: no GL401 is shown on the new value; the setting is explained.
    let start = client.position(&typed, timeout + 1);
    let end = client.position(&typed, timeout + 2);
    client.change(
        &uri,
        3,
        vec![json!({ "range": { "start": start, "end": end }, "text": "" })],
    );
    let shortened = typed.replacen("40", "4", 1);
    let hover = client.request("textDocument/hover", hover_at(&client, &shortened, timeout));
    let markdown = hover["contents"]["value"].as_str().expect("hover text");
    assert!(markdown.starts_with("**Timeout**"), "{markdown}");
    assert!(markdown.contains("GET /orders"), "{markdown}");
    assert!(client.diagnostics(&uri, Some(3)).is_empty());
    assert!(client.shutdown().success());
    let _ = std::fs::remove_dir_all(&root);
}
