//! Suppressions written in the files themselves: `gatelint: ignore[GL106, GL102]` in a comment
//! (no codes = every rule) covers findings that start on the comment's line or the line below;
//! `Metadata: { gatelint: { ignore: [GL301] } }` covers findings inside that template resource.

use tree_sitter::Tree;

use super::SourceFile;
use crate::languages::FileKind;
use crate::rules::{self, config, Edit, Finding, Fix, Sink};
use crate::templates;
use crate::text::{LineIndex, TextRange};

/// The marker every suppression comment holds.
const MARKER: &str = "gatelint:";

/// One code named in a suppression, and whether a finding used it.
struct CodeRef {
    written: String,
    range: TextRange,
    code: Option<&'static str>,
    used: bool,
}

struct Suppression {
    /// Findings starting in this range are covered.
    covers: TextRange,
    /// The directive itself (`gatelint: ignore[...]`, or the `ignore` key).
    directive: TextRange,
    /// The rules it names; with `all`, none are named and every rule is covered.
    codes: Vec<CodeRef>,
    all: bool,
    used: bool,
    /// Where it is, for messages: "this line or the next" / "resource `X`".
    place: String,
}

pub(super) struct Suppressions(Vec<Suppression>);

impl Suppressions {
    pub(super) fn collect(file: &SourceFile<'_>) -> Suppressions {
        let mut found = Vec::new();
        if !file.text.contains("gatelint") {
            return Suppressions(found);
        }
        let Some(kind) = file.kind else {
            return Suppressions(found);
        };
        match file.tree {
            Some(tree) => {
                if kind != FileKind::JsonTemplate {
                    comments(tree, file.text, &mut found);
                }
                if kind.is_template() {
                    metadata(templates::parse(kind, tree, file.text), &mut found);
                }
            }
            // A JSON template in strict JSON is read without a syntax tree (it has no comments).
            None if kind == FileKind::JsonTemplate => {
                let template =
                    templates::read::read_strict_json(file.text).and_then(|read| read.template);
                metadata(template, &mut found);
            }
            None => {}
        }
        Suppressions(found)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Removes covered findings, then reports unknown codes and suppressions that covered
    /// nothing (only for rules that are enabled: a suppression of a rule switched off in
    /// `gatelint.toml` is not stale, just idle).
    pub(super) fn apply(
        mut self,
        findings: Vec<Finding>,
        is_enabled: impl Fn(&str) -> bool,
    ) -> Vec<Finding> {
        let mut kept = Vec::with_capacity(findings.len());
        for finding in findings {
            let mut suppressed = false;
            for suppression in &mut self.0 {
                let start = finding.range.start;
                if !(suppression.covers.start <= start && start <= suppression.covers.end) {
                    continue;
                }
                if suppression.all {
                    suppression.used = true;
                    suppressed = true;
                }
                for code in &mut suppression.codes {
                    if code.code == Some(finding.code) {
                        code.used = true;
                        suppressed = true;
                    }
                }
            }
            if !suppressed {
                kept.push(finding);
            }
        }
        let mut unused = Sink::new(&config::UNUSED_SUPPRESSION.meta);
        let mut unknown = Sink::new(&config::UNKNOWN_RULE_CODE.meta);
        for suppression in &self.0 {
            if suppression.codes.is_empty() && !suppression.used {
                // A blanket suppression that covered nothing, or an empty metadata list.
                unused.report(
                    suppression.directive,
                    format!(
                        "This suppression silences nothing: no finding {}",
                        suppression.place
                    ),
                );
            }
            for code in &suppression.codes {
                match code.code {
                    None => {
                        unknown.report(
                            code.range,
                            format!(
                                "`{}` is no gatelint rule code, so this suppresses nothing; `gatelint rule` lists the codes",
                                code.written
                            ),
                        );
                    }
                    Some(known) if !code.used && is_enabled(known) => {
                        unused.report(
                            code.range,
                            format!(
                                "This suppression of {known} silences nothing: no {known} finding {}",
                                suppression.place
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
        }
        kept.extend(unused.into_findings());
        kept.extend(unknown.into_findings());
        kept
    }
}

/// Every `gatelint: ignore` comment: it covers its own line and the next.
fn comments(tree: &Tree, text: &str, found: &mut Vec<Suppression>) {
    let index = LineIndex::new(text);
    let mut cursor = tree.root_node().walk();
    'walk: loop {
        let node = cursor.node();
        if node.kind().contains("comment") {
            let range = TextRange::of_node(&node);
            if let Some((directive, codes)) = directive(range.slice(text), range.start) {
                let line = index.line_of(range.end.min(text.len()));
                let last = (line + 1).min(index.line_count().saturating_sub(1));
                found.push(Suppression {
                    covers: TextRange::new(
                        index.line_start(line),
                        index.line_range(text, last).end,
                    ),
                    directive,
                    all: codes.is_empty(),
                    codes,
                    used: false,
                    place: "on this line or the next".into(),
                });
            }
        } else if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
}

/// Reads `gatelint: ignore`, `gatelint: ignore[GL106]` or `gatelint: ignore[GL106, GL102]` in a
/// comment starting at `base`. `None` when the comment holds no such directive.
fn directive(comment: &str, base: usize) -> Option<(TextRange, Vec<CodeRef>)> {
    let marker = comment.find(MARKER)?;
    let after_marker = marker + MARKER.len();
    let rest = &comment[after_marker..];
    let keyword = after_marker + (rest.len() - rest.trim_start().len());
    let after_keyword = keyword + comment[keyword..].strip_prefix("ignore").map(|_| 6)?;
    let tail = &comment[after_keyword..];
    if tail.starts_with('[') {
        let close = after_keyword + tail.find(']')?;
        let mut codes = Vec::new();
        let mut offset = after_keyword + 1;
        for item in comment[after_keyword + 1..close].split(',') {
            let leading = item.len() - item.trim_start().len();
            let written = item.trim();
            if !written.is_empty() {
                let start = base + offset + leading;
                codes.push(code_ref(
                    written,
                    TextRange::new(start, start + written.len()),
                ));
            }
            offset += item.len() + 1;
        }
        Some((TextRange::new(base + marker, base + close + 1), codes))
    } else if tail.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
        // `gatelint: ignored because ...` is prose, not a directive.
        None
    } else {
        Some((
            TextRange::new(base + marker, base + after_keyword),
            Vec::new(),
        ))
    }
}

fn code_ref(written: &str, range: TextRange) -> CodeRef {
    CodeRef {
        written: written.to_owned(),
        range,
        code: rules::find_rule(written).map(|rule| rule.meta.code),
        used: false,
    }
}

/// `Metadata: { gatelint: { ignore: [...] } }` on each resource covers the resource.
fn metadata(template: Option<templates::Template>, found: &mut Vec<Suppression>) {
    let Some(template) = template else {
        return;
    };
    for resource in &template.resources {
        let Some(gatelint) = resource.definition.path(&["Metadata", "gatelint"]) else {
            continue;
        };
        let Some(ignore) = gatelint.entry("ignore") else {
            continue;
        };
        let values: Vec<&templates::Value> = match ignore.value.as_str() {
            Some(_) => vec![&ignore.value],
            None => ignore.value.items().iter().collect(),
        };
        let codes = values
            .into_iter()
            .filter_map(|value| Some(code_ref(value.as_str()?, value.range)))
            .collect();
        found.push(Suppression {
            covers: TextRange::new(
                resource.id_range.start.min(resource.range.start),
                resource.range.end,
            ),
            directive: ignore.key_range,
            codes,
            all: false,
            used: false,
            place: format!("in resource `{}`", resource.logical_id),
        });
    }
}

/// An edit adding `gatelint: ignore[CODE]` for `finding` as a comment line above the line where
/// it starts, indented like that line; `None` for files without comments (JSON).
pub fn suppression_edit(kind: FileKind, text: &str, finding: &Finding) -> Option<Fix> {
    let token = match kind {
        FileKind::JsonTemplate => return None,
        FileKind::YamlTemplate => "#",
        other => other.language()?.line_comment(),
    };
    let index = LineIndex::new(text);
    let line = index.line_of(finding.range.start.min(text.len()));
    let line_start = index.line_start(line);
    let line_text = index.line_range(text, line).slice(text);
    let indent: String = line_text
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    Some(Fix {
        title: format!("Suppress {} on this line (gatelint: ignore)", finding.code),
        edits: vec![Edit::insert(
            line_start,
            format!("{indent}{token} gatelint: ignore[{}]\n", finding.code),
        )],
        safe: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(comment: &str) -> Option<(String, Vec<String>)> {
        directive(comment, 0).map(|(range, codes)| {
            (
                range.slice(comment).to_owned(),
                codes
                    .iter()
                    .map(|code| format!("{}@{}", code.written, code.range.slice(comment)))
                    .collect(),
            )
        })
    }

    #[test]
    fn reads_directives_in_comments() {
        assert_eq!(
            parsed("# gatelint: ignore[GL106, non-string-body ,GL1O6]"),
            Some((
                "gatelint: ignore[GL106, non-string-body ,GL1O6]".into(),
                vec![
                    "GL106@GL106".into(),
                    "non-string-body@non-string-body".into(),
                    "GL1O6@GL1O6".into()
                ]
            ))
        );
        assert_eq!(
            parsed("// gatelint: ignore"),
            Some(("gatelint: ignore".into(), vec![]))
        );
        assert_eq!(
            parsed("/* gatelint:ignore */"),
            Some(("gatelint:ignore".into(), vec![]))
        );
        assert_eq!(parsed("# gatelint: ignored for now"), None);
        assert_eq!(parsed("# see gatelint docs"), None);
        assert_eq!(parsed("# gatelint: ignore[GL106"), None);
    }
}
