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
fn an_included_openapi_file_is_read_with_its_template_and_pointed_into() {
    let app = "tests/fixtures/apps/openapi_files";
    let report = json_of(&gatelint(&["check", "--format", "json", app]));
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    // The missing permission of a route written in api/orders.yaml: reported on the template line
    // naming the file, its first related location the integration in the file (1-based lines).
    let permission = diagnostics
        .iter()
        .find(|d| d["code"] == "GL301")
        .expect("the route only the OpenAPI file declares has no permission");
    assert_eq!(permission["path"], format!("{app}/template.yaml"));
    assert_eq!(permission["range"]["start"]["line"], 17);
    let related = &permission["related"][0];
    assert_eq!(related["path"], format!("{app}/api/orders.yaml"));
    assert_eq!(related["range"]["start"]["line"], 20);
    // The handler the file links knows its front door: a dict body is an error behind REST.
    let body = diagnostics
        .iter()
        .find(|d| d["code"] == "GL106")
        .expect("the handler linked through the file is judged");
    assert_eq!(body["severity"], "error");
    assert_eq!(body["related"][0]["path"], format!("{app}/api/orders.yaml"));
    // Checking the handler by name reads it in its project, the included file too.
    let named = json_of(&gatelint(&[
        "check",
        "--format",
        "json",
        &format!("{app}/orders/app.py"),
    ]));
    assert_eq!(named["diagnostics"][0]["code"], "GL106");
    assert_eq!(named["diagnostics"][0]["severity"], "error");
}

/// A Python package missing from the function's `requirements.txt`: the fix adds a line at the
/// end of that file, positioned in that file's text; `--fix` leaves it to a person (no pin).
#[test]
fn a_missing_python_package_is_offered_as_a_line_of_requirements_txt() {
    let app = "tests/fixtures/apps/startup_python";
    let report = json_of(&gatelint(&["check", "--format", "json", app]));
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let pandas = diagnostics
        .iter()
        .find(|d| d["code"] == "GL1001" && d["path"] == format!("{app}/requirements/app.py"))
        .expect("pandas is not declared");
    let fix = &pandas["fixes"][0];
    assert_eq!(
        fix["title"],
        "Add `pandas` to requirements/requirements.txt"
    );
    let edit = &fix["edits"][0];
    assert_eq!(edit["path"], format!("{app}/requirements/requirements.txt"));
    // The file has three lines, each ending in a line break: the new one is the fourth.
    assert_eq!(
        edit["range"]["start"],
        serde_json::json!({ "line": 4, "column": 1 })
    );
    assert_eq!(edit["new_text"], "pandas\n");
}

/// A Node package missing from the function's package: when the repository shows a version (here
/// the `devDependencies` range of the same `package.json`), the fix adds it to `dependencies` of
/// the code folder's `package.json`; with no version known there is no fix.
#[test]
fn a_missing_node_package_is_offered_as_a_dependency_when_its_version_is_known() {
    let app = "tests/fixtures/apps/startup_node";
    let report = json_of(&gatelint(&["check", "--format", "json", app]));
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let development = diagnostics
        .iter()
        .find(|d| d["code"] == "GL1001" && d["path"] == format!("{app}/v2_dev/app.js"))
        .expect("aws-sdk is a development dependency only");
    let fix = &development["fixes"][0];
    assert_eq!(
        fix["title"],
        "Add `\"aws-sdk\": \"^2.1600.0\"` to the dependencies of v2_dev/package.json"
    );
    let edit = &fix["edits"][0];
    assert_eq!(edit["path"], format!("{app}/v2_dev/package.json"));
    assert_eq!(
        edit["range"]["start"],
        serde_json::json!({ "line": 1, "column": 2 })
    );
    assert_eq!(
        edit["new_text"],
        "\n  \"dependencies\": {\n    \"aws-sdk\": \"^2.1600.0\"\n  },"
    );
    let undeclared = diagnostics
        .iter()
        .find(|d| {
            d["code"] == "GL1001"
                && d["path"] == format!("{app}/v2/index.js")
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("`axios`"))
        })
        .expect("axios is declared nowhere");
    assert_eq!(undeclared["fixes"], serde_json::json!([]));
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
    // The handler folder alone: no template links it, so the front door is assumed and the
    // finding is a conditional warning.
    let output = gatelint(&["check", "tests/demo/sam-app/hello_world"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("warning[GL106]"), "{stdout}");
    assert!(
        stdout.contains("if this runs behind a REST API"),
        "{stdout}"
    );
    assert!(
        stdout.contains("tests/demo/sam-app/hello_world/app.py:11:17"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"body\": {\"message\": f\"hello {name}\"},"),
        "{stdout}"
    );
    // A warning is underlined with dashes (an error with carets).
    assert!(stdout.contains("--------"), "{stdout}");
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

/// The fixture without its `# ^^^ GLxxx` annotation lines.
fn fixture_source(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
    let token = match path.extension().and_then(|ext| ext.to_str()) {
        Some("py" | "yaml" | "yml") => "#",
        Some("json") => return text,
        _ => "//",
    };
    text.split_inclusive('\n')
        .filter(|line| {
            let trimmed = line.trim_start();
            !trimmed
                .strip_prefix(token)
                .is_some_and(|rest| rest.starts_with(' ') && rest.trim_start().starts_with('^'))
        })
        .collect()
}

fn fixture_paths() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for language in ["python", "javascript", "typescript", "rust", "templates"] {
        let dir = repo().join("tests/fixtures").join(language);
        for entry in std::fs::read_dir(&dir).expect("fixture folder").flatten() {
            let path = entry.path();
            // Sub-folders hold test code (`tests/`, `__tests__/`), which has no findings.
            if path.is_file() && !path.to_string_lossy().ends_with(".findings") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn fix_applies_every_safe_fix_once_and_diff_shows_it() {
    let config = gatelint::config::Config::default();
    let dir = tempdir("fix");
    let mut fixed_files = 0;
    for fixture in fixture_paths() {
        let source = fixture_source(&fixture);
        let name = fixture.file_name().expect("a file name");
        // As `check` reads it: a file at the root of the project in `dir` (a `*.spec.ts` is test code).
        let context = gatelint::context::FileContext::for_path(Path::new(name));
        let before = gatelint::workspace::analyze_text(&fixture, &source, &config, &context);
        let addressed: Vec<&str> = before
            .iter()
            .filter(|finding| finding.fixes.iter().any(|fix| fix.safe))
            .map(|finding| finding.code)
            .collect();
        let target = dir.join(name);
        std::fs::write(&target, &source).unwrap();
        let run = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_gatelint"))
                .args(args)
                .arg(name)
                .current_dir(&dir)
                .output()
                .unwrap()
        };
        let diff = run(&["check", "--diff"]);
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            source,
            "--diff writes nothing"
        );
        let diff_text = String::from_utf8_lossy(&diff.stdout).to_string();
        if addressed.is_empty() {
            assert_eq!(diff.status.code(), Some(0), "{}", fixture.display());
            assert!(diff_text.is_empty(), "{}: {diff_text}", fixture.display());
            continue;
        }
        assert_eq!(diff.status.code(), Some(1), "{}", fixture.display());
        let name_text = name.to_string_lossy();
        assert!(
            diff_text.starts_with(&format!("--- a/{name_text}\n+++ b/{name_text}\n@@ ")),
            "{diff_text}"
        );
        run(&["check", "--fix"]);
        let fixed = std::fs::read_to_string(&target).unwrap();
        assert_ne!(fixed, source, "{}", fixture.display());
        // The diff was exactly what --fix then did.
        let mut patched_lines = 0;
        for line in diff_text
            .lines()
            .filter(|line| line.starts_with('+') && !line.starts_with("+++"))
        {
            assert!(fixed.contains(&line[1..]), "{}: {line}", fixture.display());
            patched_lines += 1;
        }
        assert!(patched_lines > 0);
        let after = gatelint::workspace::analyze_text(&fixture, &fixed, &config, &context);
        assert!(
            !after
                .iter()
                .any(|finding| finding.fixes.iter().any(|fix| fix.safe)),
            "{}: a safe fix is left: {after:#?}",
            fixture.display()
        );
        for code in &addressed {
            let count = |findings: &[gatelint::rules::Finding]| {
                findings
                    .iter()
                    .filter(|finding| finding.code == *code)
                    .count()
            };
            assert!(
                count(&after) < count(&before),
                "{}: {code} was not fixed:\n{fixed}",
                fixture.display()
            );
        }
        run(&["check", "--fix"]);
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            fixed,
            "{}: a second --fix changes nothing",
            fixture.display()
        );
        fixed_files += 1;
    }
    assert!(
        fixed_files >= 10,
        "only {fixed_files} fixtures had safe fixes"
    );
}

/// The SARIF multitool `.ci/run` installs (`npm install @microsoft/sarif-multitool` into
/// `target/ci-tools`), or `GATELINT_SARIF_MULTITOOL`.
fn sarif_multitool() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GATELINT_SARIF_MULTITOOL") {
        return Some(PathBuf::from(path));
    }
    let installed = repo()
        .join("target/ci-tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    installed.is_file().then_some(installed)
}

#[test]
fn sarif_output_is_valid_for_github_code_scanning() {
    let output = gatelint(&[
        "check",
        "--format",
        "sarif",
        "tests/demo/sam-app",
        "tests/fixtures",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let log = json_of(&output);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let gl106 = rules
        .iter()
        .find(|rule| rule["id"] == "GL106")
        .expect("GL106 described");
    assert_eq!(gl106["name"], "NonStringBody");
    assert_eq!(gl106["defaultConfiguration"]["level"], "error");
    assert!(gl106["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("Malformed Lambda proxy response"));
    let results = run["results"].as_array().expect("results");
    let body = results
        .iter()
        .find(|result| {
            result["ruleId"] == "GL106"
                && result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "tests/demo/sam-app/hello_world/app.py"
        })
        .expect("the demo's GL106");
    assert_eq!(
        body["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({ "startLine": 11, "startColumn": 17, "endLine": 11, "endColumn": 45 })
    );
    assert!(body["partialFingerprints"]["gatelintFingerprint/v1"].is_string());
    let fingerprints: std::collections::HashSet<String> = results
        .iter()
        .map(|result| {
            result["partialFingerprints"]["gatelintFingerprint/v1"].to_string()
                + &result["locations"].to_string()
        })
        .collect();
    assert_eq!(fingerprints.len(), results.len());

    let Some(multitool) = sarif_multitool() else {
        println!(
            "SKIPPED: SARIF multitool validation (run .ci/run, or set GATELINT_SARIF_MULTITOOL)"
        );
        return;
    };
    let dir = tempdir("sarif");
    let input = dir.join("gatelint.sarif");
    std::fs::write(&input, &output.stdout).unwrap();
    let report = dir.join("validation.sarif");
    let validation = Command::new(&multitool)
        .args([
            "validate",
            "--rule-kind",
            "Gh;Sarif",
            "--log",
            "ForceOverwrite",
            "-o",
        ])
        .arg(&report)
        .arg(&input)
        .output()
        .expect("the multitool runs");
    assert!(
        validation.status.success(),
        "{}",
        String::from_utf8_lossy(&validation.stdout)
    );
    let validation_log: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let problems: Vec<&Value> = validation_log["runs"][0]["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter(|result| result["level"] != "note" && result["level"] != "none")
                .collect()
        })
        .unwrap_or_default();
    assert!(problems.is_empty(), "the multitool objects: {problems:#?}");
}

#[test]
fn github_format_writes_workflow_commands() {
    let output = gatelint(&["check", "--format", "github", "tests/demo/sam-app"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The template links the handler to a REST API: an error, stated without condition.
    assert!(
        stdout.lines().any(|line| line
            == "::error file=tests/demo/sam-app/hello_world/app.py,line=11,col=17,endLine=11,endColumn=45,\
                title=GL106 non-string-body::`body` is a dict, not a string: API Gateway answers 502 \
                (Malformed Lambda proxy response). Serialise it with json.dumps(...)"),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|line| line.starts_with("::warning ")),
        "{stdout}"
    );
    assert!(stdout.lines().all(|line| line.starts_with("::error ")
        || line.starts_with("::warning ")
        || line.starts_with("::notice ")));
}

#[test]
fn config_selects_regrades_excludes_and_reports_its_problems() {
    let dir = tempdir("config");
    let handler = "def handler(event, context):\n    name = event[\"pathParameters\"][\"name\"]\n    return {\"statusCode\": \"201\", \"body\": {\"name\": name}}\n";
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join("vendor")).unwrap();
    std::fs::write(dir.join("src/app.py"), handler).unwrap();
    std::fs::write(dir.join("vendor/app.py"), handler).unwrap();
    std::fs::write(
        dir.join("gatelint.toml"),
        "ignore = [\"non-string-body\"]\nexclude = [\"vendor\"]\n[severity]\nGL105 = \"error\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gatelint"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let report = json_of(&run(&["check", "--format", "json"]));
    let found: Vec<(String, String, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["code"].as_str().unwrap().to_owned(),
                d["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [(
            "src/app.py".to_owned(),
            "GL105".to_owned(),
            "error".to_owned()
        )]
    );

    // A typo in the file is a finding at the key, and the run says so with exit 1.
    std::fs::write(dir.join("other.toml"), "ignore = [\"GL1O6\"]\n").unwrap();
    let output = run(&["check", "--format", "json", "--config", "other.toml", "src"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json_of(&output);
    let problem = &report["diagnostics"][0];
    assert_eq!(problem["code"], "GL904");
    assert_eq!(problem["path"], "other.toml");
    assert_eq!(
        problem["range"]["start"],
        serde_json::json!({ "line": 1, "column": 11 })
    );

    // An unreadable --config fails the run with one line on stderr.
    let output = run(&["check", "--config", "missing.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("missing.toml"), "{stderr}");
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

#[test]
fn human_output_notes_the_template_line_a_finding_depends_on() {
    let output = gatelint(&["check", "tests/fixtures/apps/python_orders"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let template =
        std::fs::read_to_string(repo().join("tests/fixtures/apps/python_orders/template.yaml"))
            .expect("the fixture template");
    let line = template
        .lines()
        .position(|line| line.trim() == "Timeout: 8")
        .expect("the timeout line")
        + 1;
    // Under the GL403 finding of slow/report.py, the template line that sets its time budget.
    let finding = stdout
        .split("\n\n")
        .find(|block| block.contains("[GL403]") && block.contains("slow/report.py"))
        .unwrap_or_else(|| panic!("the GL403 finding in\n{stdout}"));
    let note = format!("tests/fixtures/apps/python_orders/template.yaml:{line}:16");
    assert!(
        finding
            .lines()
            .any(|text| text.contains("= note: ") && text.ends_with(&note)),
        "{finding}"
    );
}

#[test]
fn a_lone_carriage_return_ends_a_line_as_in_the_editor() {
    let dir = std::env::temp_dir().join(format!("gatelint-cr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let handler = "import json\rdef handler(event, context):\r    name = event[\"pathParameters\"][\"name\"]\r    return {\"statusCode\": 200, \"body\": {\"name\": name}}\r";
    std::fs::write(dir.join("app.py"), handler).expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "--format", "json", "app.py"])
        .current_dir(&dir)
        .output()
        .expect("gatelint runs");
    let json = json_of(&output);
    let body = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "GL106")
        .cloned()
        .unwrap_or_else(|| panic!("the dict body is found: {json}"));
    // Line 4 (1-based), as LSP counts lines: `\n`, `\r\n` and a lone `\r` end one.
    assert_eq!(
        body["range"]["start"],
        serde_json::json!({ "line": 4, "column": 40 })
    );
    let human = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "app.py"])
        .current_dir(&dir)
        .output()
        .expect("gatelint runs");
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(stdout.contains("app.py:4:40"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn gatelint_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("gatelint runs")
}

/// Copies a folder (annotations and all: they are comments) to a temporary one.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("temp is writable");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("temp is writable");
        }
    }
}

/// The diagnostics of a JSON report for one path, comparable.
fn diagnostics_of(report: &Value, path: &str) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .filter(|d| d["path"] == path)
        .map(|d| format!("{} {} {}", d["code"], d["range"], d["message"]))
        .collect()
}

/// Issue #12 §5: `gatelint check FILE` reads the file in its project's context (as the editor
/// does, and as the pre-commit hook calls it): every handler of every app fixture, named alone,
/// has exactly the findings it has when its whole app is checked, template-dependent ones
/// included (GL113 behind an HTTP API, timeouts, authorizers...).
#[test]
fn a_named_handler_is_checked_with_its_template() {
    let apps = repo().join("tests/fixtures/apps");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&apps)
        .expect("app fixtures")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    names.sort();
    let mut compared = 0;
    let mut template_dependent = 0;
    for app in names {
        let copy = tempdir(&format!(
            "context-{}",
            app.file_name().expect("a name").to_string_lossy()
        ));
        copy_tree(&app, &copy);
        let whole = json_of(&gatelint_in(&copy, &["check", "--format", "json", "."]));
        let mut paths: Vec<String> = whole["diagnostics"]
            .as_array()
            .expect("a diagnostics array")
            .iter()
            .filter_map(|d| d["path"].as_str().map(str::to_owned))
            .filter(|path| !path.ends_with(".yaml") && !path.ends_with(".json"))
            .collect();
        paths.sort();
        paths.dedup();
        for path in paths {
            let expected = diagnostics_of(&whole, &path);
            let alone = json_of(&gatelint_in(&copy, &["check", "--format", "json", &path]));
            assert_eq!(
                diagnostics_of(&alone, &path),
                expected,
                "{} {path}",
                app.display()
            );
            // Nothing but the named file is reported.
            assert!(alone["diagnostics"]
                .as_array()
                .expect("an array")
                .iter()
                .all(|d| d["path"] == path.as_str()));
            // From inside its folder, too (the pre-commit hook runs from the repository root;
            // people run it from anywhere).
            let file = copy.join(&path);
            let folder = file.parent().expect("a folder");
            let name = file.file_name().expect("a name").to_string_lossy();
            let from_inside = json_of(&gatelint_in(folder, &["check", "--format", "json", &name]));
            assert_eq!(
                diagnostics_of(&from_inside, &name).len(),
                expected.len(),
                "{path} from its folder"
            );
            template_dependent += expected
                .iter()
                .filter(|d| d.starts_with("\"GL113\"") || d.starts_with("\"GL4"))
                .count();
            compared += 1;
        }
        let _ = std::fs::remove_dir_all(&copy);
    }
    assert!(compared >= 10, "{compared} handlers compared");
    assert!(
        template_dependent > 0,
        "no template-dependent finding compared"
    );
}

/// Issue #21 item 16: one file named several ways is one file: reported once, fixed once.
#[test]
fn a_file_named_several_ways_is_reported_and_fixed_once() {
    let dir = tempdir("spellings");
    // API-facing (it reads a path parameter), so its fix is applied unattended.
    let handler = "import json\n\n\ndef handler(event, context):\n    order = event[\"pathParameters\"][\"id\"]\n    return {\"statusCode\": 200, \"body\": {\"id\": order}}\n";
    std::fs::write(dir.join("app.py"), handler).expect("temp is writable");
    let absolute = dir.to_string_lossy().into_owned();
    let once = json_of(&gatelint_in(&dir, &["check", "--format", "json", "app.py"]));
    let many = json_of(&gatelint_in(
        &dir,
        &[
            "check", "--format", "json", ".", &absolute, "app.py", "./app.py",
        ],
    ));
    assert_eq!(
        diagnostics_of(&many, "app.py"),
        diagnostics_of(&once, "app.py")
    );
    assert_eq!(diagnostics_of(&once, "app.py").len(), 1, "{once:#}");
    let output = gatelint_in(
        &dir,
        &["check", "--fix", ".", &absolute, "app.py", "./app.py"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("applied 1 fix in 1 file"), "{stderr}");
    let fixed = std::fs::read_to_string(dir.join("app.py")).expect("readable");
    assert_eq!(
        fixed.matches("json.dumps(").count(),
        1,
        "fixed once: {fixed}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue #13 §5: a file git tracks is checked even when an ignore pattern matches it (read from
/// git's index, git is not run by gatelint; here it only sets the repository up), and what
/// ignore rules leave out is counted in the human summary.
#[test]
fn tracked_files_are_checked_even_when_ignored_and_skipped_ones_are_counted() {
    let dir = tempdir("tracked");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(&dir)
            .output()
            .is_ok_and(|output| output.status.success())
    };
    if !git(&["init", "-q"]) {
        eprintln!("skipped: git is not available to set the repository up");
        return;
    }
    let handler = "exports.handler = async () => ({ statusCode: 200, body: { id: 1 } });\n";
    std::fs::write(dir.join(".gitignore"), "*.js\nnode_modules/\n").expect("write");
    for file in ["functions/orders/app.js", "functions/orders/scratch.js"] {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(path, handler).expect("write");
    }
    std::fs::create_dir_all(dir.join("node_modules/dep")).expect("mkdir");
    std::fs::write(dir.join("node_modules/dep/index.js"), handler).expect("write");
    assert!(git(&["add", "-f", "functions/orders/app.js"]));
    let report = json_of(&gatelint_in(&dir, &["check", "--format", "json"]));
    assert_eq!(
        diagnostics_of(&report, "functions/orders/app.js").len(),
        1,
        "{report:#}"
    );
    assert!(diagnostics_of(&report, "functions/orders/scratch.js").is_empty());
    assert!(diagnostics_of(&report, "node_modules/dep/index.js").is_empty());
    let human = gatelint_in(&dir, &["check"]);
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert!(
        stdout.contains("1 file and 1 folder skipped by ignore rules"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
