//! The rules reference and the README's rules table are generated from the rules' own source;
//! these tests fail when either is stale. `UPDATE_DOCS=1 cargo test --test docs` regenerates them.

use std::path::{Path, PathBuf};

use gatelint::rules::{reference_markdown, rules_table_markdown, Category, REGISTRY};

const TABLE_START: &str = "<!-- rules-table:start -->\n";
const TABLE_END: &str = "<!-- rules-table:end -->";

fn repo_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name)
}

fn check_or_update(path: &Path, expected: &str) {
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    if actual == expected {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, expected).expect("docs are writable");
        return;
    }
    panic!(
        "{} is stale; run `UPDATE_DOCS=1 cargo test --test docs`",
        path.display()
    );
}

#[test]
fn rules_reference_is_current() {
    check_or_update(&repo_file("docs/rules.md"), &reference_markdown());
}

#[test]
fn readme_rules_table_is_current() {
    let path = repo_file("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md exists");
    let start = readme
        .find(TABLE_START)
        .expect("README has the rules-table start marker")
        + TABLE_START.len();
    let end = readme
        .find(TABLE_END)
        .expect("README has the rules-table end marker");
    let mut updated = readme.clone();
    updated.replace_range(start..end, &rules_table_markdown());
    check_or_update(&path, &updated);
}

#[test]
fn every_rule_is_documented_and_unique() {
    let mut codes = std::collections::HashSet::new();
    let mut names = std::collections::HashSet::new();
    for rule in REGISTRY {
        let meta = &rule.meta;
        assert!(codes.insert(meta.code), "duplicate code {}", meta.code);
        assert!(names.insert(meta.name), "duplicate name {}", meta.name);
        assert!(
            meta.code.starts_with("GL")
                && matches!(meta.code.len(), 5 | 6)
                && meta.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "{}: codes are GLnnn (GLnnnn from the tenth category's GL1001 on)",
            meta.code
        );
        assert!(
            meta.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: names are kebab-case",
            meta.name
        );
        for (field, text) in [
            ("summary", meta.summary),
            ("aws_error", meta.aws_error),
            ("why", meta.why),
            ("fix", meta.fix),
            ("before", meta.before),
            ("after", meta.after),
        ] {
            assert!(!text.trim().is_empty(), "{}: {field} is empty", meta.code);
        }
        assert_ne!(
            meta.before, meta.after,
            "{}: the example must change",
            meta.code
        );
        assert!(Category::ALL.contains(&meta.category));
    }
}
