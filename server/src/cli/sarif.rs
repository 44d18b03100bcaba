//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Every rule is described once
//! in `tool.driver.rules` (its documentation as help); each finding is a result with a
//! repository-relative path, a 1-based region (columns in Unicode code points, as declared in
//! `columnKind`) and a fingerprint that survives lines moving up or down.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Value};

use super::display_path;
use crate::findings::{Finding, Severity};
use crate::rules::{RuleMeta, REGISTRY};
use crate::text::{Encoding, LineIndex, TextRange};
use crate::workspace::FileReport;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/gatelint/gatelint";

pub fn render(reports: &[FileReport], cwd: &Path) -> String {
    let rules: Vec<Value> = REGISTRY
        .iter()
        .map(|rule| rule_descriptor(&rule.meta))
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let path = display_path(report, cwd);
        let index = LineIndex::new(&report.text);
        let mut occurrences: HashMap<u64, usize> = HashMap::new();
        for finding in &report.findings {
            results.push(result(
                finding,
                &path,
                &report.text,
                &index,
                cwd,
                &mut occurrences,
            ));
        }
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "gatelint",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("JSON values always serialise");
    out.push('\n');
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    let text = format!(
        "{}\n\nWhat AWS prints: {}\n\nWhy: {}\n\nFix: {}",
        meta.summary, meta.aws_error, meta.why, meta.fix
    );
    let mut descriptor = json!({
        "id": meta.code,
        "name": pascal_case(meta.name),
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": meta.why },
        "help": { "text": text, "markdown": meta.markdown() },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": { "tags": [meta.category.as_str()], "precision": "high" },
    });
    // Only a page that exists: none while the manifest names no repository.
    if let Some(url) = meta.url() {
        descriptor["helpUri"] = Value::String(url);
    }
    descriptor
}

/// SARIF asks for rule names in PascalCase: `non-string-body` → `NonStringBody`.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

fn result(
    finding: &Finding,
    path: &str,
    text: &str,
    index: &LineIndex,
    cwd: &Path,
    occurrences: &mut HashMap<u64, usize>,
) -> Value {
    let rule_index = REGISTRY
        .iter()
        .position(|rule| rule.meta.code == finding.code);
    let related: Vec<Value> = finding
        .related
        .iter()
        .enumerate()
        .map(|(id, related)| {
            let other =
                crate::reader::read_text(&related.path, &crate::reader::Boundary::anywhere())
                    .unwrap_or_default();
            let other_index = LineIndex::new(&other);
            let other_path = related.path.strip_prefix(cwd).unwrap_or(&related.path);
            json!({
                "id": id,
                "physicalLocation": physical_location(
                    &other_path.to_string_lossy().replace('\\', "/"),
                    related.range,
                    &other,
                    &other_index,
                ),
                "message": { "text": related.message },
            })
        })
        .collect();
    let mut value = json!({
        "ruleId": finding.code,
        "level": level(finding.severity),
        "message": { "text": finding.message },
        "locations": [{ "physicalLocation": physical_location(path, finding.range, text, index) }],
        "partialFingerprints": { "gatelintFingerprint/v1": fingerprint(finding, path, text, index, occurrences) },
    });
    if let Some(rule_index) = rule_index {
        value["ruleIndex"] = json!(rule_index);
    }
    if !related.is_empty() {
        value["relatedLocations"] = Value::Array(related);
    }
    value
}

fn physical_location(path: &str, range: TextRange, text: &str, index: &LineIndex) -> Value {
    let start = index.line_col(text, range.start, Encoding::Chars);
    let end = index.line_col(text, range.end.max(range.start), Encoding::Chars);
    json!({
        "artifactLocation": { "uri": uri_path(path) },
        "region": {
            "startLine": start.line + 1,
            "startColumn": start.col + 1,
            "endLine": end.line + 1,
            "endColumn": end.col + 1,
        },
    })
}

/// A relative path as a URI reference: characters outside the unreserved set and `/` are
/// percent-encoded (a space becomes `%20`).
fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The rule, the file and the trimmed text of the finding's first line, and which occurrence of
/// that triple this is: stable when lines are added above, new when the flagged code changes.
/// FNV-1a, so the value does not depend on the Rust version.
fn fingerprint(
    finding: &Finding,
    path: &str,
    text: &str,
    index: &LineIndex,
    occurrences: &mut HashMap<u64, usize>,
) -> String {
    let line = index.line_of(finding.range.start.min(text.len()));
    let line_text = index.line_range(text, line).slice(text).trim();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [finding.code, path, line_text] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    let occurrence = occurrences.entry(hash).or_insert(0);
    *occurrence += 1;
    format!("{hash:016x}:{occurrence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("non-string-body"), "NonStringBody");
        assert_eq!(
            uri_path("my app/hello_world/app.py"),
            "my%20app/hello_world/app.py"
        );
    }
}
