//! Tidy: the layering ARCHITECTURE.md promises, checked on the code. Every `crate::` path of the
//! non-test code of `server/src` (in `use` lines and in code; `super::` and `self::` resolved) is
//! mapped to the module it names, and the [`LAYERS`] table says which modules each module may
//! import. A path through a re-export that leaves its layer (`crate::rules::Finding`, re-exported
//! from `crate::findings` for the public API) must name the real module instead, so the check sees
//! where each import comes from. ARCHITECTURE.md's table states the same layers; a test keeps them
//! equal.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A layer: the top-level modules of `server/src` it holds (a folder or a file) and the layers it
/// may import. Mirrors the table in ARCHITECTURE.md.
struct Layer {
    name: &'static str,
    may_import: &'static [&'static str],
}

/// What the two adapters (`cli`, `lsp`) may import: everything but each other.
const ADAPTER_IMPORTS: &[&str] = &[
    "analysis",
    "config",
    "context",
    "files",
    "findings",
    "fixes",
    "guard",
    "knowledge",
    "languages",
    "reader",
    "rules",
    "templates",
    "text",
    "workspace",
];

/// Lowest first. A layer may always import itself; `lib.rs` and `main.rs` (the crate root) may
/// import anything.
const LAYERS: &[Layer] = &[
    Layer {
        name: "knowledge",
        may_import: &[],
    },
    Layer {
        name: "files",
        may_import: &[],
    },
    Layer {
        name: "guard",
        may_import: &[],
    },
    Layer {
        name: "reader",
        may_import: &[],
    },
    Layer {
        name: "text",
        may_import: &["files"],
    },
    Layer {
        name: "findings",
        may_import: &["text"],
    },
    Layer {
        name: "languages",
        may_import: &["files", "knowledge", "text"],
    },
    Layer {
        name: "templates",
        may_import: &["files", "knowledge", "text"],
    },
    Layer {
        name: "context",
        may_import: &[
            "files",
            "findings",
            "knowledge",
            "languages",
            "templates",
            "text",
        ],
    },
    Layer {
        name: "fixes",
        may_import: &["files", "findings", "languages", "text"],
    },
    Layer {
        name: "rules",
        may_import: &[
            "context",
            "files",
            "findings",
            "fixes",
            "knowledge",
            "languages",
            "templates",
            "text",
        ],
    },
    Layer {
        name: "config",
        may_import: &[
            "context",
            "files",
            "findings",
            "fixes",
            "knowledge",
            "languages",
            "reader",
            "rules",
            "templates",
            "text",
        ],
    },
    Layer {
        name: "analysis",
        may_import: &[
            "context",
            "files",
            "findings",
            "fixes",
            "guard",
            "knowledge",
            "languages",
            "rules",
            "templates",
            "text",
        ],
    },
    Layer {
        name: "workspace",
        may_import: &[
            "analysis",
            "config",
            "context",
            "files",
            "findings",
            "fixes",
            "guard",
            "knowledge",
            "languages",
            "reader",
            "rules",
            "templates",
            "text",
        ],
    },
    Layer {
        name: "cli",
        may_import: ADAPTER_IMPORTS,
    },
    Layer {
        name: "lsp",
        may_import: ADAPTER_IMPORTS,
    },
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn layer(name: &str) -> Option<&'static Layer> {
    LAYERS.iter().find(|layer| layer.name == name)
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("a readable folder")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The module path of a source file: `rules/proxy_response/mod.rs` → `["rules", "proxy_response"]`,
/// `lib.rs` and `main.rs` → `[]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|part| part.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().expect("a file name");
    let stem = file.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// The code of a Rust file with comments and the contents of string and character literals
/// blanked (newlines kept, so byte offsets and line numbers still match).
fn blank_comments_and_literals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let pad = |out: &mut String, c: char| {
        // Keep byte offsets: a blanked multi-byte character becomes as many spaces.
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    };
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                pad(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    pad(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if c == 'r'
            && (i == 0 || !is_ident(chars[i - 1]) || chars[i - 1] == 'b')
            && matches!(next, Some('"' | '#'))
            && {
                let mut j = i + 1;
                while chars.get(j) == Some(&'#') {
                    j += 1;
                }
                chars.get(j) == Some(&'"')
            }
        {
            // A raw string: r"…", r#"…"#.
            out.push('r');
            i += 1;
            let mut hashes = 0;
            while chars[i] == '#' {
                hashes += 1;
                out.push('#');
                i += 1;
            }
            out.push('"');
            i += 1;
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    out.push('"');
                    out.extend(std::iter::repeat_n('#', hashes));
                    i += 1 + hashes;
                    break;
                }
                pad(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() {
                match chars[i] {
                    '\\' => {
                        pad(&mut out, chars[i]);
                        if let Some(&escaped) = chars.get(i + 1) {
                            pad(&mut out, escaped);
                        }
                        i += 2;
                    }
                    '"' => {
                        out.push('"');
                        i += 1;
                        break;
                    }
                    other => {
                        pad(&mut out, other);
                        i += 1;
                    }
                }
            }
        } else if c == '\'' {
            // A character literal ('x', '\n', '\'') or a lifetime ('a).
            let literal_end = if next == Some('\\') {
                (i + 2..chars.len()).find(|&j| chars[j] == '\'' && j > i + 2)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match literal_end {
                Some(end) => {
                    out.push('\'');
                    for &inner in &chars[i + 1..end] {
                        pad(&mut out, inner);
                    }
                    out.push('\'');
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// `code` (already blanked) with every item under `#[cfg(test)]` blanked too.
fn blank_test_items(code: &str) -> String {
    let mut bytes = code.as_bytes().to_vec();
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]").map(|at| at + from) {
        let mut depth = 0usize;
        let mut end = code.len();
        for (offset, byte) in code.as_bytes()[at..].iter().enumerate() {
            match byte {
                b'{' => depth += 1,
                b'}' if depth == 0 => {
                    end = at + offset;
                    break;
                }
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = at + offset + 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    end = at + offset + 1;
                    break;
                }
                _ => {}
            }
        }
        for byte in &mut bytes[at..end] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
        from = end;
    }
    String::from_utf8(bytes).expect("only ASCII was replaced")
}

/// One `crate::` path found in a file: where, and its segments after `crate`.
struct Import {
    line: usize,
    segments: Vec<String>,
}

/// The paths a `use` tree names: `a::{b, c::{d, self}}` → `a::b`, `a::c::d`, `a::c`.
fn expand_use_tree(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(str::to_owned)
            .collect();
        let mut base = prefix.to_vec();
        base.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').expect("a closing brace")];
        let mut depth = 0;
        let mut start = 0;
        for (at, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use_tree(&inner[start..at], &base, out);
                    start = at + 1;
                }
                _ => {}
            }
        }
        expand_use_tree(&inner[start..], &base, out);
        return;
    }
    if tree.is_empty() {
        return;
    }
    let tree = tree.split(" as ").next().expect("a path").trim();
    let mut path = prefix.to_vec();
    for part in tree.split("::").map(str::trim) {
        if part == "self" && !path.is_empty() {
            continue;
        }
        path.push(part.to_owned());
    }
    out.push(path);
}

/// Resolves a path as written in module `module` to its segments after `crate`, or `None` when it
/// names another crate or std.
fn resolve(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?.as_str();
    match first {
        "crate" | "$crate" => Some(path[1..].to_vec()),
        "super" | "self" => {
            let mut base = module.to_vec();
            let mut rest = path;
            while let Some(part) = rest.first() {
                match part.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            Some(base)
        }
        _ => None,
    }
}

/// Every `crate::` (and `super::`/`self::`) path of the non-test code of a file.
fn imports(module: &[String], text: &str) -> Vec<Import> {
    let code = blank_test_items(&blank_comments_and_literals(text));
    let line_of = |at: usize| code[..at].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut covered = Vec::new();
    // `use` declarations, whole trees.
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(at) = code[from..].find("use ").map(|at| at + from) {
        from = at + 4;
        let starts_word =
            at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        if !starts_word {
            continue;
        }
        let Some(end) = code[at..].find(';').map(|end| at + end) else {
            break;
        };
        let tree = &code[at + 4..end];
        if !tree.trim_start().starts_with(['c', 's', '$']) {
            continue;
        }
        let mut paths = Vec::new();
        expand_use_tree(tree, &[], &mut paths);
        for path in paths {
            if let Some(segments) = resolve(module, &path) {
                found.push(Import {
                    line: line_of(at),
                    segments,
                });
            }
        }
        covered.push(at..end);
        from = end;
    }
    // Paths in code: `crate::a::b`, `super::x`.
    for keyword in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(keyword).map(|at| at + from) {
            from = at + keyword.len();
            let preceded = at > 0
                && (bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || (bytes[at - 1] == b':' && keyword == "super::"));
            if preceded || covered.iter().any(|range| range.contains(&at)) {
                continue;
            }
            let start = if at > 0 && bytes[at - 1] == b'$' {
                at - 1
            } else {
                at
            };
            let length = code[start..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '$'))
                .unwrap_or(code.len() - start);
            let path: Vec<String> = code[start..start + length]
                .split("::")
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect();
            if let Some(segments) = resolve(module, &path) {
                found.push(Import {
                    line: line_of(at),
                    segments,
                });
            }
        }
    }
    found
}

/// `pub use crate::…` re-exports by module: (module, exported name) → the real path's segments.
fn re_exports(files: &[(Vec<String>, String)]) -> BTreeMap<(Vec<String>, String), Vec<String>> {
    let mut map = BTreeMap::new();
    for (module, text) in files {
        let code = blank_test_items(&blank_comments_and_literals(text));
        for statement in code.split(';') {
            let statement = statement.trim();
            let Some(tree) = statement
                .strip_prefix("pub use ")
                .or_else(|| statement.strip_prefix("pub(crate) use "))
            else {
                continue;
            };
            let mut paths = Vec::new();
            expand_use_tree(tree, &[], &mut paths);
            for path in paths {
                if let Some(real) = resolve(module, &path) {
                    let name = real.last().cloned().unwrap_or_default();
                    map.insert((module.clone(), name), real);
                }
            }
        }
    }
    map
}

/// The layer a path of segments falls in: its first segment, when that is a layer.
fn layer_of(segments: &[String]) -> Option<&'static Layer> {
    segments.first().and_then(|first| layer(first))
}

/// Every broken rule of the layering, as `file:line: message`.
/// The modules declared as `#[cfg(test)] mod name;` (test code kept in a file of its own).
fn test_modules(files: &[(Vec<String>, String)]) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (module, text) in files {
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[cfg(test)]") {
            rest = &rest[at + "#[cfg(test)]".len()..];
            let item = rest.trim_start();
            let item = item.strip_prefix("pub(crate) ").unwrap_or(item);
            let item = item.strip_prefix("pub ").unwrap_or(item);
            let Some(declared) = item.strip_prefix("mod ") else {
                continue;
            };
            let name: String = declared
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if declared[name.len()..].trim_start().starts_with(';') {
                let mut path = module.clone();
                path.push(name);
                found.push(path);
            }
        }
    }
    found
}

fn violations() -> Vec<String> {
    let root = src();
    let mut paths = Vec::new();
    rust_files(&root, &mut paths);
    let files: Vec<(PathBuf, Vec<String>, String)> = paths
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&root).expect("under src").to_path_buf();
            let module = module_of(&relative);
            let text = std::fs::read_to_string(&path).expect("a readable file");
            (relative, module, text)
        })
        .collect();
    let modules: Vec<(Vec<String>, String)> = files
        .iter()
        .map(|(_, module, text)| (module.clone(), text.clone()))
        .collect();
    let exports = re_exports(&modules);
    let tests = test_modules(&modules);
    let mut problems = Vec::new();
    for (relative, module, text) in &files {
        if tests.iter().any(|test| module.starts_with(test)) {
            continue; // A module declared `#[cfg(test)] mod name;` in a file of its own.
        }
        let shown = format!("server/src/{}", relative.display());
        let Some(first) = module.first() else {
            continue; // The crate root may import anything.
        };
        let Some(own) = layer(first) else {
            problems.push(format!(
                "{shown}: module `{first}` is in no layer: add it to LAYERS in server/tests/tidy.rs and to ARCHITECTURE.md's table"
            ));
            continue;
        };
        for import in imports(module, text) {
            let segments = &import.segments;
            let Some(target) = layer_of(segments) else {
                if segments.len() > 1
                    || segments
                        .first()
                        .is_some_and(|s| s.starts_with(char::is_lowercase))
                {
                    problems.push(format!(
                        "{shown}:{}: `crate::{}` is in no layer of LAYERS",
                        import.line,
                        segments.join("::")
                    ));
                }
                continue;
            };
            // A name re-exported into a module of another layer must be imported from where it is
            // defined.
            for end in 1..segments.len() {
                let key = (segments[..end].to_vec(), segments[end].clone());
                if let Some(real) = exports.get(&key) {
                    let real_layer = layer_of(real).map(|layer| layer.name);
                    if real_layer != Some(target.name) && (module.as_slice() != &segments[..end]) {
                        problems.push(format!(
                            "{shown}:{}: `crate::{}` goes through a re-export; import it from `crate::{}`",
                            import.line,
                            segments.join("::"),
                            real.join("::")
                        ));
                    }
                }
            }
            if target.name == own.name || own.may_import.contains(&target.name) {
                continue;
            }
            problems.push(format!(
                "{shown}:{}: `{}` may not import `crate::{}`: layer `{}` may import only {} (ARCHITECTURE.md)",
                import.line,
                own.name,
                segments.join("::"),
                own.name,
                if own.may_import.is_empty() {
                    "nothing of the crate".to_owned()
                } else {
                    own.may_import
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ));
        }
    }
    problems
}

#[test]
fn imports_point_down_the_layers() {
    let problems = violations();
    assert!(
        problems.is_empty(),
        "{} import(s) break the layering:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// ARCHITECTURE.md's table says the same as [`LAYERS`]: each row that names a module of
/// `server/src` lists, in its last column, exactly the layers it may import.
#[test]
fn architecture_md_states_the_same_layers() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).expect("ARCHITECTURE.md");
    let mut stated: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in text
        .lines()
        .filter(|line| line.starts_with("| `server/src/"))
    {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let may_import: BTreeSet<String> = cells
            .last()
            .expect("a last column")
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect();
        for name in cells[0].split('`').skip(1).step_by(2) {
            let name = name
                .trim_start_matches("server/src/")
                .trim_end_matches('/')
                .trim_end_matches(".rs");
            stated.insert(name.to_owned(), may_import.clone());
        }
    }
    let mut differences = String::new();
    for layer in LAYERS {
        let expected: BTreeSet<String> = layer.may_import.iter().map(|s| s.to_string()).collect();
        match stated.remove(layer.name) {
            None => writeln!(differences, "`{}` has no row", layer.name).unwrap(),
            Some(said) if said != expected => writeln!(
                differences,
                "`{}`: ARCHITECTURE.md says it may import {said:?}, LAYERS says {expected:?}",
                layer.name
            )
            .unwrap(),
            Some(_) => {}
        }
    }
    for name in stated.keys() {
        writeln!(
            differences,
            "ARCHITECTURE.md has a row for `{name}`, LAYERS has not"
        )
        .unwrap();
    }
    assert!(differences.is_empty(), "{differences}");
}

#[test]
fn the_scanner_reads_use_trees_and_skips_tests_comments_and_strings() {
    let module = vec!["rules".to_owned(), "sink".to_owned()];
    let text = r##"use super::{RuleMeta, other::{self, Thing as T}};
use crate::text::TextRange; // crate::lsp::not_this
/* crate::cli::nor_this */
const S: &str = "crate::lsp::nor_this { ";
const R: &str = r#"crate::lsp::" nor_this"#;
const C: char = '{';
fn f<'a>(x: &'a str) -> crate::findings::Finding { crate::fixes::apply(x) }
#[cfg(test)]
mod tests {
    use crate::lsp::Server;
    const B: &str = "}}}";
}
fn g() { $crate::languages::query::compile(); }
"##;
    let found: Vec<(usize, String)> = imports(&module, text)
        .into_iter()
        .map(|import| (import.line, import.segments.join("::")))
        .collect();
    let expected = [
        (1, "rules::RuleMeta"),
        (1, "rules::other::Thing"),
        (1, "rules::other"),
        (2, "text::TextRange"),
        (7, "findings::Finding"),
        (7, "fixes::apply"),
        (13, "languages::query::compile"),
    ];
    let mut found_sorted = found.clone();
    found_sorted.sort();
    let mut expected: Vec<(usize, String)> = expected
        .iter()
        .map(|(line, path)| (*line, path.to_string()))
        .collect();
    expected.sort();
    assert_eq!(found_sorted, expected);
}
