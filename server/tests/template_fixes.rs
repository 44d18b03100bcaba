//! Every quick fix offered on a template fixture must leave a template that still parses and no
//! longer has the finding it fixes.

use std::path::{Path, PathBuf};

use gatelint::analysis::analyze;
use gatelint::context::FileContext;
use gatelint::fixes::apply;
use gatelint::languages::FileKind;
use gatelint::rules::Finding;
use gatelint::text::Document;

fn fixtures() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/templates");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("the template fixtures folder exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            )
        })
        .collect();
    paths.sort();
    paths
}

/// Drops the fixture annotation lines (`# ^^^ GLxxx ...`) so the template is analysed as written.
fn strip_annotations(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| {
            let trimmed = line.trim_start();
            !(trimmed.starts_with('#') && trimmed[1..].trim_start().starts_with('^'))
        })
        .collect()
}

fn findings(path: &Path, text: &str) -> (FileKind, Vec<Finding>) {
    let kind = FileKind::detect(path, text).expect("fixture is a template");
    let document = Document::new(Some(kind), text.to_owned());
    let found = analyze(Some(kind), document.tree(), text, &FileContext::default());
    (kind, found)
}

#[test]
fn template_fixes_parse_and_resolve_their_finding() {
    let mut fixes_checked = 0;
    for path in fixtures() {
        let text = strip_annotations(&std::fs::read_to_string(&path).expect("fixture reads"));
        let (_, before) = findings(&path, &text);
        for finding in &before {
            for fix in &finding.fixes {
                let fixed = apply(&text, &fix.edits);
                let (kind, after) = findings(&path, &fixed);
                assert!(
                    after.iter().all(|f| f.code != "GL902"),
                    "{}: fix `{}` leaves an unparsable {kind:?}:\n{fixed}",
                    path.display(),
                    fix.title
                );
                let count =
                    |found: &[Finding]| found.iter().filter(|f| f.code == finding.code).count();
                assert!(
                    count(&after) < count(&before),
                    "{}: fix `{}` does not remove {}:\n{fixed}",
                    path.display(),
                    fix.title,
                    finding.code
                );
                fixes_checked += 1;
            }
        }
    }
    assert!(
        fixes_checked >= 8,
        "only {fixes_checked} fixes were checked"
    );
}
