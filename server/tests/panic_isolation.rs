//! A rule that panics is isolated: reported once per file as GL903 (internal-error) and in the log,
//! while the other rules and files still report. The rule is made to panic through the test hook
//! `GATELINT_TEST_PANIC=<rule code>`, in the real binary, CLI and server.

mod reliability;

use reliability::{check_json, codes, Client, TempDir};

const HANDLER: &str = "def handler(event, context):\n    method = event.get(\"httpMethod\")\n    return {\"statusCode\": 200, \"body\": {\"id\": method}, \"extra\": 1}\n";
const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      CodeUri: missing/\n      Handler: app.handler\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /orders\n            Method: get\n";
const HOOK: (&str, &str) = ("GATELINT_TEST_PANIC", "GL106");

#[test]
fn a_panicking_rule_is_reported_once_per_file_and_the_rest_still_runs_in_check() {
    let dir = TempDir::new("panic-cli");
    dir.write("app.py", HANDLER);
    dir.write("other.py", HANDLER);
    dir.write("template.yaml", TEMPLATE);
    let (normal, _) = check_json(&dir.0, &["."], &[]);
    let (panicked, stderr) = check_json(&dir.0, &["."], &[HOOK]);
    for file in ["app.py", "other.py"] {
        let of = |diagnostics: &[serde_json::Value]| {
            let mut found: Vec<String> = diagnostics
                .iter()
                .filter(|d| d["path"] == file)
                .filter_map(|d| d["code"].as_str().map(str::to_owned))
                .collect();
            found.sort();
            found
        };
        assert_eq!(of(&normal), ["GL101", "GL106"], "{file} without the hook");
        assert_eq!(
            of(&panicked),
            ["GL101", "GL903"],
            "{file} with GL106 panicking"
        );
        let internal = panicked
            .iter()
            .find(|d| d["path"] == file && d["code"] == "GL903")
            .expect("GL903");
        assert_eq!(internal["category"], "config");
        assert!(
            internal["message"]
                .as_str()
                .is_some_and(|message| message.contains("internal error in GL106")),
            "{internal:#}"
        );
    }
    // Templates do not run GL106: their findings are untouched.
    let template = |diagnostics: &[serde_json::Value]| {
        diagnostics
            .iter()
            .filter(|d| d["path"] == "template.yaml")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(template(&panicked), template(&normal));
    assert!(!template(&normal).is_empty());
    assert!(
        stderr.contains("GATELINT_TEST_PANIC asked for it"),
        "{stderr}"
    );
}

#[test]
fn a_panicking_rule_is_reported_and_logged_by_the_server_which_keeps_serving() {
    let dir = TempDir::new("panic-server");
    let path = dir.write("app.py", HANDLER);
    let mut client = Client::start(None, &[HOOK]);
    let uri = client.open(&path, "python", HANDLER);
    let diagnostics = client.diagnostics_where(&uri, |d| !d.is_empty());
    let mut found = codes(&diagnostics);
    found.sort();
    assert_eq!(found, ["GL101", "GL903"], "{diagnostics:#?}");
    // An edit is still analysed.
    client.notify(
        "textDocument/didChange",
        serde_json::json!({ "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": "def handler(event, context):\n    method = event.get(\"httpMethod\")\n    return {\"statusCode\": 200, \"body\": method, \"renamed\": 1}\n" }] }),
    );
    let diagnostics = client.diagnostics_where(&uri, |d| {
        d.iter().any(|diagnostic| {
            diagnostic["message"]
                .as_str()
                .is_some_and(|message| message.contains("`renamed`"))
        })
    });
    assert!(codes(&diagnostics).contains(&"GL903".to_owned()));
    let log = client.log();
    assert!(log.contains("gatelint internal error in GL106"), "{log}");
    client.shutdown();
}
