//! Suppressions written in the files themselves: `gatelint: ignore[GL106, GL102]` in a comment
//! (no codes = every rule) covers findings that start on the comment's line or the line below;
//! `Metadata: { gatelint: { ignore: [GL301] } }` covers findings inside that template resource.

use tree_sitter::Tree;

use super::SourceFile;
use crate::files::FileKind;
use crate::findings::{Edit, Finding, Fix};
use crate::rules::{self, config, Sink};
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
    /// The comment holding it (`None` for template metadata).
    comment: Option<TextRange>,
}

pub(super) struct Suppressions(Vec<Suppression>);

impl Suppressions {
    pub(super) fn collect(file: &SourceFile<'_>) -> Suppressions {
        let mut found = Vec::new();
        if !file.text.contains("gatelint") {
            return Suppressions(found);
        }
        let (Some(kind), Some(tree)) = (file.kind, file.tree) else {
            return Suppressions(found);
        };
        if kind != FileKind::JsonTemplate {
            comments(tree, file.text, &mut found);
        }
        if kind.is_template() {
            metadata(kind, tree, file.text, &mut found);
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
        text: &str,
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
            // What stays when the stale codes go: codes that suppressed something, codes of rules
            // switched off (idle, not stale), and unknown codes (a person must read those).
            let keeps =
                |code: &CodeRef| code.used || code.code.is_none_or(|known| !is_enabled(known));
            let whole_is_stale = !suppression.codes.iter().any(keeps);
            if suppression.codes.is_empty() && !suppression.used {
                // A blanket suppression that covered nothing, or an empty metadata list.
                unused
                    .report(
                        suppression.directive,
                        format!(
                            "This suppression silences nothing: no finding {}",
                            suppression.place
                        ),
                    )
                    .with_fix(suppression.removal(text));
            }
            for (position, code) in suppression.codes.iter().enumerate() {
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
                        let fix = if whole_is_stale {
                            suppression.removal(text)
                        } else {
                            suppression.code_removal(text, position)
                        };
                        unused
                            .report(
                                code.range,
                                format!(
                                    "This suppression of {known} silences nothing: no {known} finding {}",
                                    suppression.place
                                ),
                            )
                            .with_fix(fix);
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

impl Suppression {
    /// Deletes the whole suppression: the comment (its line, when it stands alone), or just the
    /// directive when the comment says more. Template metadata has no removal: deleting its last
    /// code would leave a `null`, which CloudFormation rejects; the message says what to delete.
    fn removal(&self, text: &str) -> Option<Fix> {
        let comment = self.comment?;
        let rest = format!(
            "{}{}",
            &text[comment.start..self.directive.start],
            &text[self.directive.end..comment.end]
        );
        let says_more = rest.chars().any(char::is_alphanumeric);
        let range = if says_more {
            // `# noqa: E501  gatelint: ignore[GL106]`: keep the other words.
            let before = text[..self.directive.start]
                .trim_end_matches([' ', '\t'])
                .len();
            TextRange::new(before.max(comment.start + 1), self.directive.end)
        } else {
            let line_start = text[..comment.start].rfind('\n').map_or(0, |n| n + 1);
            let line_end = text[comment.end..]
                .find('\n')
                .map_or(text.len(), |n| comment.end + n);
            let before = &text[line_start..comment.start];
            let after = &text[comment.end..line_end];
            if before.trim().is_empty() && after.trim().is_empty() {
                // A comment on a line of its own: the line goes.
                TextRange::new(line_start, (line_end + 1).min(text.len()))
            } else {
                // A comment after code: it goes with the blanks before it.
                let start = comment.start - (before.len() - before.trim_end().len());
                TextRange::new(start, comment.end)
            }
        };
        Some(Fix {
            title: "Remove the unused suppression".into(),
            edits: vec![Edit::replace(range, "")],
            safe: true,
        })
    }

    /// Deletes the code at `position` from the suppression's list, with its separator, keeping
    /// the others.
    fn code_removal(&self, text: &str, position: usize) -> Option<Fix> {
        let code = self.codes.get(position)?;
        let range = if let Some(next) = self.codes.get(position + 1) {
            let between = &text[code.range.end..next.range.start];
            if between.contains('\n') {
                // A block list, an item a line: the item's line goes.
                let line_start = text[..code.range.start].rfind('\n').map_or(0, |n| n + 1);
                let next_line = text[..next.range.start].rfind('\n').map_or(0, |n| n + 1);
                TextRange::new(line_start, next_line)
            } else {
                TextRange::new(code.range.start, next.range.start)
            }
        } else {
            let previous = self.codes.get(position.checked_sub(1)?)?;
            let between = &text[previous.range.end..code.range.start];
            if between.contains('\n') {
                let line_start = text[..code.range.start].rfind('\n').map_or(0, |n| n + 1);
                let line_end = text[code.range.end..]
                    .find('\n')
                    .map_or(text.len(), |n| code.range.end + n + 1);
                TextRange::new(line_start, line_end)
            } else {
                TextRange::new(previous.range.end, code.range.end)
            }
        };
        Some(Fix {
            title: format!("Remove `{}` from the suppression", code.written),
            edits: vec![Edit::replace(range, "")],
            safe: true,
        })
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
                    comment: Some(range),
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
fn metadata(kind: FileKind, tree: &Tree, text: &str, found: &mut Vec<Suppression>) {
    let Some(template) = templates::parse(kind, tree, text) else {
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
            comment: None,
        });
    }
}

/// An edit suppressing `finding`: a `gatelint: ignore[CODE]` comment line above the line where
/// it starts, indented like that line; in a JSON template, which has no comments, the code added
/// to the `Metadata` of the resource the finding is in (`None` outside resources).
pub fn suppression_edit(
    kind: FileKind,
    text: &str,
    tree: Option<&Tree>,
    finding: &Finding,
) -> Option<Fix> {
    let token = match kind {
        FileKind::JsonTemplate => return json_metadata_edit(tree?, text, finding),
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

/// `"Metadata": {"gatelint": {"ignore": [CODE]}}` for the resource of a JSON template that holds
/// `finding`, merged into whatever part of it is already there.
fn json_metadata_edit(tree: &Tree, text: &str, finding: &Finding) -> Option<Fix> {
    let at = finding.range.start;
    let mut cursor = tree.root_node().walk();
    let document = tree
        .root_node()
        .named_children(&mut cursor)
        .find(|node| node.kind() == "object")?;
    let resources = json_member(document, "Resources", text)?;
    let (logical_id, resource) = {
        let mut cursor = resources.walk();
        let pair = resources.named_children(&mut cursor).find(|pair| {
            pair.kind() == "pair" && pair.start_byte() <= at && at < pair.end_byte()
        })?;
        let key = pair.child_by_field_name("key")?;
        (json_key(key, text), pair.child_by_field_name("value")?)
    };
    if resource.kind() != "object" {
        return None;
    }
    let code = finding.code;
    let quoted = format!("\"{code}\"");
    let edit = match json_member(resource, "Metadata", text) {
        None => first_member_insertion(
            resource,
            text,
            &format!("\"Metadata\": {{\"gatelint\": {{\"ignore\": [{quoted}]}}}}"),
        ),
        Some(metadata) if metadata.kind() != "object" => return None,
        Some(metadata) => match json_member(metadata, "gatelint", text) {
            None => first_member_insertion(
                metadata,
                text,
                &format!("\"gatelint\": {{\"ignore\": [{quoted}]}}"),
            ),
            Some(gatelint) if gatelint.kind() != "object" => return None,
            Some(gatelint) => match json_member(gatelint, "ignore", text) {
                None => first_member_insertion(gatelint, text, &format!("\"ignore\": [{quoted}]")),
                Some(ignore) if ignore.kind() == "string" => Edit::replace(
                    TextRange::of_node(&ignore),
                    format!("[{}, {quoted}]", TextRange::of_node(&ignore).slice(text)),
                ),
                Some(ignore) if ignore.kind() == "array" => {
                    let mut cursor = ignore.walk();
                    let items: Vec<_> = ignore
                        .named_children(&mut cursor)
                        .filter(|item| item.kind() != "comment")
                        .collect();
                    if items.iter().any(|item| json_key(*item, text) == code) {
                        return None;
                    }
                    match items.last() {
                        Some(last) => Edit::insert(last.end_byte(), format!(", {quoted}")),
                        None => Edit::insert(ignore.start_byte() + 1, quoted),
                    }
                }
                Some(_) => return None,
            },
        },
    };
    Some(Fix {
        title: format!("Suppress {code} in resource `{logical_id}` (Metadata gatelint ignore)"),
        edits: vec![edit],
        safe: false,
    })
}

/// The value of the member `key` of a JSON object node.
fn json_member<'t>(
    object: tree_sitter::Node<'t>,
    key: &str,
    text: &str,
) -> Option<tree_sitter::Node<'t>> {
    let mut cursor = object.walk();
    let pair = object.named_children(&mut cursor).find(|pair| {
        pair.kind() == "pair"
            && pair
                .child_by_field_name("key")
                .is_some_and(|name| json_key(name, text) == key)
    })?;
    pair.child_by_field_name("value")
}

/// A JSON string node's content.
fn json_key(node: tree_sitter::Node<'_>, text: &str) -> String {
    templates::value::json_string(TextRange::of_node(&node).slice(text))
}

/// Inserts `member` as the first member of a JSON object node, laid out like the members there:
/// on a line of its own with their indentation, or inline.
fn first_member_insertion(object: tree_sitter::Node<'_>, text: &str, member: &str) -> Edit {
    let mut cursor = object.walk();
    let first = object
        .named_children(&mut cursor)
        .find(|node| node.kind() == "pair");
    match first {
        None => Edit::insert(object.start_byte() + 1, member.to_owned()),
        Some(first) if first.start_position().row == object.start_position().row => {
            Edit::insert(first.start_byte(), format!("{member}, "))
        }
        Some(first) => {
            let line_start = text[..first.start_byte()].rfind('\n').map_or(0, |n| n + 1);
            let indent = &text[line_start..first.start_byte()];
            Edit::insert(first.start_byte(), format!("{member},\n{indent}"))
        }
    }
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

    /// The text after removing the suppression in the `#` comment of `text` (the first code's
    /// removal when `code` is given).
    fn removed(text: &str, code: Option<usize>) -> String {
        let start = text.find('#').expect("a comment");
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let (directive, codes) = directive(&text[start..end], start).expect("a directive");
        let suppression = Suppression {
            covers: TextRange::new(start, end),
            directive,
            all: codes.is_empty(),
            codes,
            used: false,
            place: String::new(),
            comment: Some(TextRange::new(start, end)),
        };
        let fix = match code {
            None => suppression.removal(text),
            Some(position) => suppression.code_removal(text, position),
        };
        crate::fixes::apply(text, &fix.expect("a fix").edits)
    }

    #[test]
    fn removes_stale_suppressions_and_codes() {
        let block = "def f():\n    # gatelint: ignore[GL106]\n    return 1\n";
        assert_eq!(removed(block, None), "def f():\n    return 1\n");
        let trailing = "x = 1  # gatelint: ignore\ny = 2\n";
        assert_eq!(removed(trailing, None), "x = 1\ny = 2\n");
        let prose = "x = 1  # noqa: E501 gatelint: ignore[GL106]\n";
        assert_eq!(removed(prose, None), "x = 1  # noqa: E501\n");
        let first = "# gatelint: ignore[GL106] legacy client\n";
        assert_eq!(removed(first, None), "# legacy client\n");
        let list = "# gatelint: ignore[GL106, GL102]\n";
        assert_eq!(removed(list, Some(0)), "# gatelint: ignore[GL102]\n");
        assert_eq!(removed(list, Some(1)), "# gatelint: ignore[GL106]\n");
        let last_line = "x = 1  # gatelint: ignore[GL106]";
        assert_eq!(removed(last_line, None), "x = 1");
    }

    /// A JSON template's GL401 (function timeout over the API's), suppressed through its
    /// resource's `Metadata` in each shape that metadata can already have.
    #[test]
    fn suppresses_in_json_template_metadata() {
        use crate::context::FileContext;
        use std::path::{Path, PathBuf};
        let template = |metadata: &str| {
            format!(
                "{{\n  \"Transform\": \"AWS::Serverless-2016-10-31\",\n  \"Resources\": {{\n    \"Slow\": {{\n      \"Type\": \"AWS::Serverless::Function\",{metadata}\n      \"Properties\": {{\n        \"Runtime\": \"python3.12\", \"Handler\": \"app.handler\", \"CodeUri\": \".\", \"Timeout\": 60,\n        \"Events\": {{\"Get\": {{\"Type\": \"Api\", \"Properties\": {{\"Path\": \"/\", \"Method\": \"get\"}}}}}}\n      }}\n    }}\n  }}\n}}\n"
            )
        };
        let path = Path::new("template.json");
        let config = super::super::Config::defaults(PathBuf::from("."));
        let context = FileContext::default();
        let findings = |text: &str| crate::workspace::analyze_text(path, text, &config, &context);
        for (metadata, expected) in [
            (
                "",
                "\"Metadata\": {\"gatelint\": {\"ignore\": [\"GL401\"]}}",
            ),
            (
                "\n      \"Metadata\": {\"owner\": \"reports\"},",
                "\"Metadata\": {\"gatelint\": {\"ignore\": [\"GL401\"]}, \"owner\": \"reports\"}",
            ),
            (
                "\n      \"Metadata\": {\"gatelint\": {\"ignore\": [\"GL404\"]}},",
                "\"ignore\": [\"GL404\", \"GL401\"]",
            ),
            (
                "\n      \"Metadata\": {\"gatelint\": {\"ignore\": \"GL404\"}},",
                "\"ignore\": [\"GL404\", \"GL401\"]",
            ),
        ] {
            let text = template(metadata);
            let before = findings(&text);
            let finding = before
                .iter()
                .find(|finding| finding.code == "GL401")
                .unwrap_or_else(|| panic!("GL401 in {text}: {before:?}"));
            let tree = crate::text::parse(FileKind::JsonTemplate, &text, None).expect("a tree");
            let fix = suppression_edit(FileKind::JsonTemplate, &text, Some(&tree), finding)
                .expect("a suppression");
            assert_eq!(
                fix.title,
                "Suppress GL401 in resource `Slow` (Metadata gatelint ignore)"
            );
            let after = crate::fixes::apply(&text, &fix.edits);
            assert!(after.contains(expected), "{after}");
            assert!(
                serde_json::from_str::<serde_json::Value>(&after).is_ok(),
                "{after}"
            );
            let left = findings(&after);
            assert!(
                left.iter().all(|finding| finding.code != "GL401"),
                "{after}\n{left:?}"
            );
        }
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
