//! The command line as users and CI scripts call it: the real binary, its exit codes and the JSON
//! output of the contract.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository exists")
}

fn gatelint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("gatelint runs")
}

fn json_of(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn check_reports_the_demo_app_in_json() {
    let output = gatelint(&["check", "--format", "json", "tests/demo/sam-app"]);
    assert_eq!(output.status.code(), Some(1), "the demo has error findings");
    let report = json_of(&output);
    assert_eq!(report["version"], 1);
    let diagnostics = report["diagnostics"]
        .as_array()
        .expect("a diagnostics array");
    let body = diagnostics
        .iter()
        .find(|d| d["code"] == "GL106" && d["path"] == "tests/demo/sam-app/hello_world/app.py")
        .expect("the dict body in hello_world/app.py is reported");
    assert_eq!(body["category"], "proxy-response");
    assert_eq!(body["severity"], "error");
    assert_eq!(
        body["range"]["start"],
        serde_json::json!({ "line": 11, "column": 17 })
    );
    assert_eq!(
        body["range"]["end"],
        serde_json::json!({ "line": 11, "column": 45 })
    );
    let fix = &body["fixes"][0];
    assert_eq!(
        fix["edits"][0]["path"],
        "tests/demo/sam-app/hello_world/app.py"
    );
    assert_eq!(
        fix["edits"][0]["new_text"],
        "json.dumps({\"message\": f\"hello {name}\"})"
    );
    for diagnostic in diagnostics {
        for key in [
            "path", "code", "category", "severity", "message", "range", "fixes", "related",
        ] {
            assert!(
                diagnostic.get(key).is_some(),
                "{key} missing in {diagnostic}"
            );
        }
    }
    assert!(
        !diagnostics
            .iter()
            .any(|d| d["path"] == "tests/demo/sam-app/users/app.py"),
        "the correct handler is silent"
    );
}

#[test]
fn columns_count_unicode_scalar_values() {
    let dir = tempdir("columns");
    std::fs::write(
        dir.join("app.py"),
        "def handler(event, context):\n    name = event[\"pathParameters\"][\"name\"]\n    return {\"statusCode\": 200, \"headers\": {\"X-Grüße-🚀\": [\"a\"]}, \"body\": \"ok\"}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "--format", "json", "app.py"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let report = json_of(&output);
    let finding = &report["diagnostics"][0];
    assert_eq!(finding["code"], "GL109");
    assert_eq!(finding["path"], "app.py");
    // `    return {"statusCode": 200, "headers": {"X-Grüße-🚀": ` is 56 characters (61 bytes): column 57, not 62.
    assert_eq!(
        finding["range"]["start"],
        serde_json::json!({ "line": 3, "column": 57 })
    );
}

#[test]
fn clean_code_exits_zero_with_a_summary() {
    let output = gatelint(&[
        "check",
        "tests/fixtures/python/hello_world.py",
        "tests/fixtures/python/not_handlers.py",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("No problems found."));
}

#[test]
fn human_output_shows_location_code_and_source() {
    let output = gatelint(&["check", "tests/demo/sam-app/hello_world"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("error[GL106]"), "{stdout}");
    assert!(
        stdout.contains("tests/demo/sam-app/hello_world/app.py:11:17"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"body\": {\"message\": f\"hello {name}\"},"),
        "{stdout}"
    );
    assert!(stdout.contains("^^^^"), "{stdout}");
}

#[test]
fn unreadable_inputs_are_findings_and_bad_runs_exit_two() {
    let dir = tempdir("unreadable");
    std::fs::write(
        dir.join("latin1.py"),
        b"# caf\xe9\ndef handler(event, context):\n    return {}\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "--format", "json", "latin1.py"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    assert_eq!(report["diagnostics"][0]["code"], "GL901");
    assert_eq!(report["diagnostics"][0]["category"], "config");

    let missing = gatelint(&["check", "no/such/folder"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/folder"));
    let bad_flag = gatelint(&["check", "--format", "xml"]);
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn rule_and_explain_print_the_rule_documentation() {
    let one = gatelint(&["rule", "GL106"]);
    assert_eq!(one.status.code(), Some(0));
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(
        text.contains("non-string-body") && text.contains("Malformed Lambda proxy response"),
        "{text}"
    );
    let by_name = gatelint(&["rule", "non-string-body"]);
    assert_eq!(by_name.stdout, one.stdout);
    let table = String::from_utf8_lossy(&gatelint(&["rule"]).stdout).to_string();
    assert!(
        table.lines().count() >= 12 && table.contains("GL101"),
        "{table}"
    );
    assert_eq!(gatelint(&["rule", "GL999"]).status.code(), Some(2));

    let explained = gatelint(&[
        "explain",
        "Execution failed due to configuration error: Malformed Lambda proxy response",
    ]);
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(
        text.starts_with("## Malformed Lambda proxy response"),
        "{text}"
    );
    assert!(text.contains("GL106 `non-string-body`"), "{text}");
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gatelint-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn json_related_points_at_the_template_line() {
    let output = gatelint(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/apps/python_orders",
    ]);
    let json = json_of(&output);
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let slow = diagnostics
        .iter()
        .find(|d| d["code"] == "GL403")
        .expect("the 12 s sleep behind an 8 s Timeout is found");
    assert_eq!(
        slow["path"],
        "tests/fixtures/apps/python_orders/slow/report.py"
    );
    let related = &slow["related"][0];
    assert_eq!(
        related["path"],
        "tests/fixtures/apps/python_orders/template.yaml"
    );
    // `      Timeout: 8` in the SlowReport function.
    let template =
        std::fs::read_to_string(repo().join("tests/fixtures/apps/python_orders/template.yaml"))
            .expect("the fixture template");
    let line = template
        .lines()
        .position(|line| line.trim() == "Timeout: 8")
        .expect("the timeout line")
        + 1;
    assert_eq!(related["range"]["start"]["line"], line);
    assert_eq!(related["range"]["start"]["column"], 16);
    // The same handler, behind an HTTP API, is silent; behind the REST API it is not.
    let paths: Vec<&str> = diagnostics
        .iter()
        .filter(|d| d["code"] == "GL103")
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert_eq!(paths, ["tests/fixtures/apps/python_orders/rest/app.py"]);
}
