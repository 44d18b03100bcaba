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

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use gatelint::analysis::analyze;
use gatelint::config::{Config, SourceFile};
use gatelint::context::FileContext;
use gatelint::fixes;
use gatelint::languages::FileKind;
use gatelint::rules::Finding;
use gatelint::text::{Document, Encoding, LineIndex};

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
        Some("py" | "yaml" | "yml" | "template") => "#",
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
    let findings = analyze(kind, document.tree(), document.text(), &context);
    // What the CLI and the server do after the analysis: suppressions and the (default) config.
    let file = SourceFile {
        kind,
        tree: document.tree(),
        text: document.text(),
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

#[test]
fn fixtures_have_exactly_the_annotated_findings() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in fixture_files() {
        let is_json = path.extension().is_some_and(|ext| ext == "json");
        let expectation_path = if is_json {
            PathBuf::from(format!("{}.findings", path.display()))
        } else {
            path.clone()
        };
        let text = std::fs::read_to_string(&path).expect("fixtures are UTF-8");
        let token = comment_token(&path);
        let source = if is_json {
            text.clone()
        } else {
            strip_annotations(&text, token)
        };
        let (kind, findings) = findings_of(&path, &source);
        assert!(
            kind.is_some(),
            "{}: gatelint does not recognise this fixture",
            path.display()
        );
        let actual = render(&path, &source, &findings);
        let expected = if is_json {
            std::fs::read_to_string(&expectation_path).unwrap_or_else(|_| source.clone())
        } else {
            text.clone()
        };
        checked += 1;
        if actual != expected {
            if update {
                if is_json && findings.is_empty() {
                    let _ = std::fs::remove_file(&expectation_path);
                } else {
                    std::fs::write(&expectation_path, &actual).expect("fixture is writable");
                }
            } else {
                failures.push(format!(
                    "{}:\n{}",
                    path.display(),
                    diff(&expected, &actual, ("expected", "actual"))
                ));
            }
        }
    }
    assert!(
        checked > 0,
        "no fixtures found under {}",
        fixtures_root().display()
    );
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ (UPDATE_FIXTURES=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fix_resolves_its_finding() {
    for path in fixture_files() {
        let text = std::fs::read_to_string(&path).expect("fixtures are UTF-8");
        let source = if path.extension().is_some_and(|ext| ext == "json") {
            text
        } else {
            strip_annotations(&text, comment_token(&path))
        };
        let (_, findings) = findings_of(&path, &source);
        let mut snapshot = String::new();
        for finding in &findings {
            for fix in &finding.fixes {
                let fixed = fixes::apply(&source, &fix.edits);
                let (_, after) = findings_of(&path, &fixed);
                let before_count = findings.iter().filter(|f| f.code == finding.code).count();
                let after_count = after.iter().filter(|f| f.code == finding.code).count();
                assert!(
                    after_count < before_count,
                    "{}: fix {:?} for {} did not remove the finding:\n{}",
                    path.display(),
                    fix.title,
                    finding.code,
                    diff(&source, &fixed, ("before", "after"))
                );
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
            continue;
        }
        let name = path
            .strip_prefix(fixtures_root())
            .unwrap_or(&path)
            .to_string_lossy()
            .replace(['/', '\\', '.'], "_");
        insta::with_settings!({ snapshot_path => "snapshots/fixes", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
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
#[test]
fn app_fixtures_have_exactly_the_annotated_findings() {
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let mut failures = Vec::new();
    let Ok(apps) = std::fs::read_dir(apps_root()) else {
        return;
    };
    let mut apps: Vec<PathBuf> = apps.flatten().map(|entry| entry.path()).collect();
    apps.sort();
    for app in apps.iter().filter(|app| app.is_dir()) {
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
    assert!(
        failures.is_empty(),
        "{} app fixture file(s) differ (UPDATE_FIXTURES=1 rewrites them):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}
