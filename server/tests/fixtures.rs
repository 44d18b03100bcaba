//! The fixture harness. Every file under `tests/fixtures/` is a real-looking handler or template
//! with its expected findings annotated right below the line where each starts:
//!
//! ```python
//!     return {"statusCode": 200, "body": {"id": 1}}
//!     #                                  ^^^^^^^^^ GL106 `body` is a dict, not a string: ...
//! ```
//!
//! A finding that starts too close to the line's start for carets below it is written
//! `# ^^^^ (column 1) GL902 message`.
//!
//! The harness strips the annotations, analyses the rest, renders the actual findings the same
//! way and compares: any missing or extra finding fails with a diff. JSON cannot hold comments, so
//! a JSON fixture's annotated text lives beside it in `<name>.json.findings` (absent: no findings).
//! `UPDATE_FIXTURES=1` rewrites the expectations from the actual findings (read them afterwards).
//!
//! Every quick fix of every finding is also applied: the result is snapshotted (before/after diff)
//! and must no longer have that finding.
//!
//! Each fixture file (and each app) is a test of its own, named after the file and the rule codes
//! it shows: `cargo test --test fixtures -- GL802` runs the fixtures of GL802 alone. A comment
//! `Negative for GL802: ...` says the file holds near misses of that rule (code the rule must not
//! flag); every rule needs one fixture that raises it and one declared negative.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gatelint::analysis::analyze;
use gatelint::config::{Config, SourceFile};
use gatelint::context::FileContext;
use gatelint::files::FileKind;
use gatelint::findings::Finding;
use gatelint::fixes;
use gatelint::rules::{Check, REGISTRY};
use gatelint::text::{Document, Encoding, LineIndex};
use libtest_mimic::{Arguments, Failed, Trial};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

/// Small SAM apps (a template and handler folders), each checked as one workspace.
fn apps_root() -> PathBuf {
    fixtures_root().join("apps")
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![fixtures_root()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && path == apps_root() {
                // Whole apps are checked as workspaces by their own test.
            } else if path.is_dir() {
                stack.push(path);
            } else if !path.to_string_lossy().ends_with(".findings") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The comment token annotations use in this file.
fn comment_token(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("py" | "yaml" | "yml" | "template" | "tf") => "#",
        _ => "//",
    }
}

fn is_annotation(line: &str, token: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed
        .strip_prefix(token)
        .is_some_and(|rest| rest.trim_start().starts_with('^') && rest.starts_with(' '))
}

fn strip_annotations(text: &str, token: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| !is_annotation(line, token))
        .collect()
}

fn findings_of(path: &Path, text: &str) -> (Option<FileKind>, Vec<Finding>) {
    let kind = FileKind::detect(path, text);
    let document = Document::new(kind, text.to_owned());
    // Each fixture is read as a file of a project rooted at the fixtures folder: no template links
    // it, and its path alone says whether it is test code (`python/tests/test_app.py`).
    let context = FileContext::for_path(path.strip_prefix(fixtures_root()).unwrap_or(path));
    let findings = analyze(kind, document.tree(), text, &context);
    // What the CLI and the server do after the analysis: suppressions and the (default) config.
    let file = SourceFile {
        kind,
        tree: document.tree(),
        text,
    };
    (kind, Config::default().finish(&file, findings))
}

/// The source with each finding rendered as an annotation line below the line where it starts.
fn render(path: &Path, source: &str, findings: &[Finding]) -> String {
    let token = comment_token(path);
    let index = LineIndex::new(source);
    let mut by_line: Vec<Vec<String>> = vec![Vec::new(); index.line_count()];
    for finding in findings {
        let start = index.line_col(source, finding.range.start, Encoding::Chars);
        let line = start.line as usize;
        let line_end = index.line_range(source, line).end;
        let end = index.line_col(source, finding.range.end.min(line_end), Encoding::Chars);
        let width = (end.col.saturating_sub(start.col)).max(1) as usize;
        let col = start.col as usize;
        let carets = "^".repeat(width);
        let annotation = if col > token.len() {
            let indent: String = source[index.line_start(line)..]
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .take(col - token.len() - 1)
                .collect();
            let prefix = format!("{indent}{token}");
            let padding = col - prefix.chars().count();
            format!(
                "{prefix}{}{carets} {} {}",
                " ".repeat(padding),
                finding.code,
                finding.message
            )
        } else {
            // Too close to the line start for carets below it: say the column.
            format!(
                "{token} {carets} (column {}) {} {}",
                col + 1,
                finding.code,
                finding.message
            )
        };
        by_line[line].push(annotation);
    }
    let mut out = String::new();
    for (line, text) in source.split_inclusive('\n').enumerate() {
        out.push_str(text);
        if let Some(annotations) = by_line.get(line) {
            if !annotations.is_empty() && !text.ends_with('\n') {
                out.push('\n');
            }
            for annotation in annotations {
                out.push_str(annotation);
                out.push('\n');
            }
        }
    }
    out
}

fn diff(old: &str, new: &str, headers: (&str, &str)) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(headers.0, headers.1)
        .to_string()
}

/// One fixture file: exactly the annotated findings (`UPDATE_FIXTURES=1` rewrites them).
fn check_fixture(path: &Path) -> Result<(), Failed> {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let is_json = path.extension().is_some_and(|ext| ext == "json");
    let expectation_path = if is_json {
        PathBuf::from(format!("{}.findings", path.display()))
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
    let token = comment_token(path);
    let source = if is_json {
        text.clone()
    } else {
        strip_annotations(&text, token)
    };
    let (kind, findings) = findings_of(path, &source);
    if kind.is_none() {
        return Err(format!(
            "{}: gatelint does not recognise this fixture",
            path.display()
        )
        .into());
    }
    let actual = render(path, &source, &findings);
    let expected = if is_json {
        std::fs::read_to_string(&expectation_path).unwrap_or_else(|_| source.clone())
    } else {
        text.clone()
    };
    if actual == expected {
        return Ok(());
    }
    if update {
        if is_json && findings.is_empty() {
            let _ = std::fs::remove_file(&expectation_path);
        } else {
            std::fs::write(&expectation_path, &actual).expect("fixture is writable");
        }
        return Ok(());
    }
    Err(format!(
        "{} differs (UPDATE_FIXTURES=1 rewrites it):\n{}",
        path.display(),
        diff(&expected, &actual, ("expected", "actual"))
    )
    .into())
}

/// Every quick fix of every finding of one fixture is applied: the finding goes away, and the
/// before/after diff is snapshotted.
fn check_fixes(path: &Path) -> Result<(), Failed> {
    let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
    let source = if path.extension().is_some_and(|ext| ext == "json") {
        text
    } else {
        strip_annotations(&text, comment_token(path))
    };
    let (_, findings) = findings_of(path, &source);
    let mut snapshot = String::new();
    for finding in &findings {
        for fix in &finding.fixes {
            let fixed = fixes::apply(&source, &fix.edits);
            let (_, after) = findings_of(path, &fixed);
            let before_count = findings.iter().filter(|f| f.code == finding.code).count();
            let after_count = after.iter().filter(|f| f.code == finding.code).count();
            if after_count >= before_count {
                return Err(format!(
                    "{}: fix {:?} for {} did not remove the finding:\n{}",
                    path.display(),
                    fix.title,
                    finding.code,
                    diff(&source, &fixed, ("before", "after"))
                )
                .into());
            }
            let _ = writeln!(
                snapshot,
                "## {} — {}\n{}",
                finding.code,
                fix.title,
                diff(&source, &fixed, ("before", "after"))
            );
        }
    }
    if snapshot.is_empty() {
        return Ok(());
    }
    let name = path
        .strip_prefix(fixtures_root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace(['/', '\\', '.'], "_");
    insta::with_settings!({ snapshot_path => "snapshots/fixes", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, snapshot);
    });
    Ok(())
}

/// The files of one app fixture, relative to it.
fn app_files(app: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![app.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .expect("app folders are readable")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(app).expect("under the app").to_path_buf());
            }
        }
    }
    files.sort();
    files
}

/// Each app is copied, annotations stripped, to a temporary folder and checked as a workspace
/// (exactly as `gatelint check` does); each file's findings are compared with its annotations.
fn check_app(app: &Path) -> Result<(), Failed> {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut failures = Vec::new();
    {
        let name = app.file_name().expect("a folder name").to_string_lossy();
        let copy = std::env::temp_dir().join(format!("gatelint-app-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&copy);
        let files = app_files(app);
        for file in &files {
            let text = std::fs::read_to_string(app.join(file)).expect("fixtures are UTF-8");
            let target = copy.join(file);
            std::fs::create_dir_all(target.parent().expect("a parent")).expect("temp is writable");
            std::fs::write(&target, strip_annotations(&text, comment_token(file)))
                .expect("temp is writable");
        }
        let checked = gatelint::workspace::check_paths(std::slice::from_ref(&copy));
        for file in &files {
            let original = std::fs::read_to_string(app.join(file)).expect("fixtures are UTF-8");
            let source = strip_annotations(&original, comment_token(file));
            let findings = checked
                .reports
                .iter()
                .find(|report| report.path.ends_with(file) && report.path.starts_with(&copy))
                .map(|report| report.findings.clone())
                .unwrap_or_default();
            let actual = render(file, &source, &findings);
            if actual != original {
                if update {
                    std::fs::write(app.join(file), &actual).expect("fixture is writable");
                } else {
                    failures.push(format!(
                        "{}/{}:\n{}",
                        name,
                        file.display(),
                        diff(&original, &actual, ("expected", "actual"))
                    ));
                }
            }
        }
        let _ = std::fs::remove_dir_all(&copy);
    }
    if failures.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} app fixture file(s) differ (UPDATE_FIXTURES=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    )
    .into())
}

/// The rule codes a fixture's annotations name (for a JSON fixture, its `.findings` file).
fn annotated_codes(path: &Path) -> Vec<String> {
    let annotated = if path.extension().is_some_and(|ext| ext == "json") {
        std::fs::read_to_string(format!("{}.findings", path.display())).unwrap_or_default()
    } else {
        std::fs::read_to_string(path).unwrap_or_default()
    };
    let token = comment_token(path);
    let mut codes: Vec<String> = annotated
        .lines()
        .filter(|line| is_annotation(line, token))
        .filter_map(|line| {
            line.split_whitespace()
                .find(|word| is_code(word))
                .map(str::to_owned)
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn is_code(word: &str) -> bool {
    matches!(word.len(), 5 | 6)
        && word.starts_with("GL")
        && word[2..].bytes().all(|b| b.is_ascii_digit())
}

/// The codes a fixture declares itself a negative for (`Negative for GL802, GL803: ...`).
fn declared_negatives(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut codes: Vec<String> = text
        .lines()
        .filter_map(|line| line.split_once("Negative for ").map(|(_, rest)| rest))
        .flat_map(|rest| {
            rest.split(|c: char| !c.is_ascii_alphanumeric())
                .take_while(|word| word.is_empty() || is_code(word) || *word == "and")
                .filter(|word| is_code(word))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

/// Every file of every fixture, apps included, relative to the fixtures' root.
fn all_fixture_files() -> Vec<PathBuf> {
    let mut files = fixture_files();
    if let Ok(apps) = std::fs::read_dir(apps_root()) {
        for app in apps.flatten().map(|entry| entry.path()) {
            if app.is_dir() {
                files.extend(app_files(&app).into_iter().map(|file| app.join(file)));
            }
        }
    }
    files
}

/// Rules no fixture file can show, and where they are tested instead.
const NOT_IN_FIXTURES: &[(&str, &str)] = &[
    ("GL901", "a file that is not UTF-8: server/tests/cli.rs"),
    (
        "GL903",
        "a rule that panics: server/tests/panic_isolation.rs",
    ),
    (
        "GL904",
        "gatelint.toml itself: the tests of server/src/config",
    ),
];

/// Every rule has a fixture that raises it and a fixture declared a negative for it, which
/// really has none of its findings.
fn every_rule_has_a_positive_and_a_negative_fixture() -> Result<(), Failed> {
    let files = all_fixture_files();
    let mut problems = Vec::new();
    for file in &files {
        let annotated = annotated_codes(file);
        for code in declared_negatives(file) {
            if annotated.contains(&code) {
                problems.push(format!(
                    "{} says it is a negative for {code} but expects {code} findings",
                    file.display()
                ));
            }
        }
    }
    for rule in REGISTRY {
        let code = rule.meta.code;
        if NOT_IN_FIXTURES.iter().any(|(exempt, _)| *exempt == code) {
            continue;
        }
        if !files
            .iter()
            .any(|file| annotated_codes(file).iter().any(|found| found == code))
        {
            problems.push(format!("{code}: no fixture raises it"));
        }
        let builtin = matches!(rule.check, Check::Builtin);
        if !builtin
            && !files
                .iter()
                .any(|file| declared_negatives(file).iter().any(|found| found == code))
        {
            problems.push(format!(
                "{code}: no fixture is declared a negative for it (a comment `Negative for {code}: why`)"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

/// A trial's name: the fixture's path under `tests/fixtures` and the codes it shows.
fn trial_name(kind: &str, path: &Path, codes: &[String]) -> String {
    let relative = path.strip_prefix(fixtures_root()).unwrap_or(path);
    let relative = relative.to_string_lossy().replace('\\', "/");
    if codes.is_empty() {
        format!("{kind} {relative}")
    } else {
        format!("{kind} {relative} ({})", codes.join(" "))
    }
}

fn codes_of(files: &[PathBuf]) -> Vec<String> {
    let mut codes: Vec<String> = files
        .iter()
        .flat_map(|file| {
            let mut codes = annotated_codes(file);
            codes.extend(declared_negatives(file));
            codes
        })
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn main() {
    let arguments = Arguments::from_args();
    let mut trials = Vec::new();
    let files = fixture_files();
    assert!(
        !files.is_empty(),
        "no fixtures found under {}",
        fixtures_root().display()
    );
    for path in files {
        let codes = codes_of(std::slice::from_ref(&path));
        let (one, two) = (path.clone(), path.clone());
        trials.push(Trial::test(
            trial_name("fixture", &path, &codes),
            move || check_fixture(&one),
        ));
        trials.push(Trial::test(trial_name("fixes", &path, &codes), move || {
            check_fixes(&two)
        }));
    }
    let mut apps: Vec<PathBuf> = std::fs::read_dir(apps_root())
        .map(|apps| apps.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    apps.sort();
    for app in apps.into_iter().filter(|app| app.is_dir()) {
        let files: Vec<PathBuf> = app_files(&app).iter().map(|file| app.join(file)).collect();
        let codes = codes_of(&files);
        trials.push(Trial::test(trial_name("app", &app, &codes), move || {
            check_app(&app)
        }));
    }
    trials.push(Trial::test(
        "every_rule_has_a_positive_and_a_negative_fixture",
        every_rule_has_a_positive_and_a_negative_fixture,
    ));
    libtest_mimic::run(&arguments, trials).exit();
}
