//! Guard rails for adding a rule: every rule file is in the registry (a forgotten registry line
//! compiles, and the rule never runs), and every rule's documented before/after example is true:
//! `gatelint check` raises the rule on the "before" and not on the "after".
//!
//! An example runs as a file of a fresh folder, named by its language (`app.py`, `app.mjs`,
//! `app.ts`, `src/main.rs`, `template.yaml`, `gatelint.toml`). The documentation shows the part
//! that matters (a `return`, a template property); an example that needs more around it to run
//! has a companion folder, `tests/rule_examples/<CODE>/`: its files are copied into the folder,
//! and the one holding the line `{example}` receives the example there, each line indented as the
//! placeholder is (a template with the API, a handler around a `return`, the code a `Handler`
//! names).

mod reliability;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gatelint::rules::{Check, RuleMeta, REGISTRY};
use reliability::{check_json, TempDir};

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules")
}

/// The rule codes declared (`code: "GL…"`) by the files of `server/src/rules/<category>/`.
fn codes_in_rule_files() -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut categories: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("server/src/rules")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    categories.sort();
    for category in categories {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&category)
            .expect("a category folder")
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .filter(|path| path.file_name().is_some_and(|name| name != "mod.rs"))
            .collect();
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("a rule file");
            if !text.contains("static RULE: Rule") {
                // A category's support module (e.g. `proxy_response/reading.rs`), not a rule.
                continue;
            }
            let codes: Vec<&str> = text
                .match_indices("code: \"GL")
                .filter_map(|(at, _)| {
                    let code = &text[at + 7..];
                    code.find('"').map(|end| &code[..end])
                })
                .collect();
            assert_eq!(
                codes.len(),
                1,
                "{}: one rule file declares one rule (found {codes:?})",
                file.display()
            );
            found.push((file, codes[0].to_owned()));
        }
    }
    found
}

#[test]
fn every_rule_file_is_in_the_registry() {
    let registered: BTreeSet<&str> = REGISTRY.iter().map(|rule| rule.meta.code).collect();
    let files = codes_in_rule_files();
    assert!(files.len() >= 30, "the rule files were not found");
    let missing: Vec<String> = files
        .iter()
        .filter(|(_, code)| !registered.contains(code.as_str()))
        .map(|(file, code)| {
            format!(
                "{} declares {code}, which server/src/rules/registry.rs does not list",
                file.display()
            )
        })
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // And the registry lists nothing twice and nothing without a file.
    let in_files: BTreeSet<&str> = files.iter().map(|(_, code)| code.as_str()).collect();
    assert_eq!(
        registered.len(),
        REGISTRY.len(),
        "a code is registered twice"
    );
    let without_file: Vec<&&str> = registered.difference(&in_files).collect();
    assert!(
        without_file.is_empty(),
        "{without_file:?} have no rule file"
    );
}

/// Examples that are not files to check, and where their rule is tested instead.
const NOT_CHECKABLE: &[(&str, &str)] = &[
    (
        "GL901",
        "a shell session about a file that is not UTF-8 (server/tests/cli.rs)",
    ),
    (
        "GL903",
        "a rule that panics (server/tests/panic_isolation.rs)",
    ),
];

/// The file an example of `language` is written to.
fn file_name(language: &str) -> &'static str {
    match language {
        "python" => "app.py",
        "javascript" => "app.mjs",
        "typescript" => "app.ts",
        "rust" => "src/main.rs",
        "yaml" => "template.yaml",
        "json" => "template.json",
        "toml" => "gatelint.toml",
        other => panic!("no file name for examples in {other}"),
    }
}

/// The files of a folder, relative to it.
fn files_under(root: &Path, dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(root, &path, found);
        } else {
            found.push(path.strip_prefix(root).expect("under root").to_path_buf());
        }
    }
}

/// `companion` with the line holding `{example}` replaced by `example`, indented alike.
fn splice(companion: &str, example: &str) -> String {
    let mut out = String::new();
    for line in companion.split_inclusive('\n') {
        let Some(at) = line.find("{example}") else {
            out.push_str(line);
            continue;
        };
        let prefix = &line[..at];
        let rest = &line[at + "{example}".len()..];
        let indent = &prefix[..prefix.len() - prefix.trim_start().len()];
        for (index, example_line) in example.lines().enumerate() {
            if index == 0 {
                out.push_str(prefix);
            } else {
                out.push('\n');
                out.push_str(indent);
            }
            out.push_str(example_line);
        }
        out.push_str(rest);
    }
    out
}

/// The codes `gatelint check` reports on the example `text`, in its companion folder if it has
/// one.
fn codes_for(meta: &RuleMeta, text: &str) -> Vec<String> {
    let dir = TempDir::new(&format!("example-{}", meta.code));
    let companion = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/rule_examples")
        .join(meta.code);
    let mut name = PathBuf::from(file_name(meta.example_language));
    if companion.is_dir() {
        let mut files = Vec::new();
        files_under(&companion, &companion, &mut files);
        for file in files {
            let content = std::fs::read_to_string(companion.join(&file)).expect("UTF-8");
            if content.contains("{example}") {
                dir.write(&file.to_string_lossy(), splice(&content, text));
                name = file;
            } else {
                dir.write(&file.to_string_lossy(), content);
            }
        }
    } else {
        dir.write(&name.to_string_lossy(), text);
    }
    if meta.example_language == "rust" {
        dir.write(
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        );
    }
    let (diagnostics, _) = check_json(&dir.0, &["."], &[]);
    let wanted = name.to_string_lossy().replace('\\', "/");
    diagnostics
        .iter()
        .filter(|d| {
            d["path"]
                .as_str()
                .is_some_and(|path| path.replace('\\', "/").ends_with(&wanted))
        })
        .filter_map(|d| d["code"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn every_rule_example_raises_its_rule_before_and_not_after() {
    let mut wrong = Vec::new();
    for rule in REGISTRY {
        let meta = &rule.meta;
        if NOT_CHECKABLE.iter().any(|(code, _)| *code == meta.code) {
            assert!(matches!(rule.check, Check::Builtin), "{}", meta.code);
            continue;
        }
        let before = codes_for(meta, meta.before);
        if !before.iter().any(|code| code == meta.code) {
            wrong.push(format!(
                "{}: the \"before\" example does not raise it (found {before:?})",
                meta.code
            ));
        }
        let after = codes_for(meta, meta.after);
        // An example gatelint cannot parse proves nothing (GL902's own "before" aside).
        if after.iter().any(|code| code == "GL902")
            || (meta.code != "GL902" && before.iter().any(|code| code == "GL902"))
        {
            wrong.push(format!(
                "{}: an example does not parse (GL902) where it runs",
                meta.code
            ));
        }
        if after.iter().any(|code| code == meta.code) {
            wrong.push(format!(
                "{}: the \"after\" example still raises it",
                meta.code
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
