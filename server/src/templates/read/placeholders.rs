//! Templates that are themselves templates: a cookiecutter/Jinja source (`{{ cookiecutter.x }}`,
//! `{% if %}` blocks), a deployment tool's tokens (`#{Name}`, `@@NAME@@`). The tags are blanked
//! out byte for byte (every line and column stays where it is), the rest is read and checked, and
//! what a tag stood for is unknown: a value holding one is never resolved (see
//! [`crate::templates::Template::string`]), so it is never reported as a missing folder or file.

use crate::text::TextRange;

/// The language a text with tags is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Host {
    Yaml,
    Json,
    /// Handler code: block tags stay blanks (no comment syntax is shared).
    Code,
}

/// The tags of `text`, and the text with each blanked: a `{% ... %}` / `{# ... #}` block tag
/// becomes spaces (it stood for no text) and, in YAML, a line holding nothing but block tags a
/// comment (`#` where the first tag began: a line of blanks as long as a Jinja condition would
/// read as deep indentation), an expression (`{{ ... }}`, `#{...}`, `@@...@@`) becomes
/// `x`s (it stood for some value). `None` when the text has no tag. CloudFormation's own dynamic
/// references (`{{resolve:ssm:...}}`) are not tags. In JSON (`json`), an expression outside a
/// string becomes a string of the same length (`"xxxx"`), so the document stays JSON.
pub fn blank(text: &str, host: Host) -> Option<(String, Vec<TextRange>)> {
    let json = host == Host::Json;
    if !["{{", "{%", "{#", "#{", "@@"]
        .iter()
        .any(|opening| text.contains(opening))
    {
        return None;
    }
    let mut blanked = text.as_bytes().to_vec();
    let mut tags = Vec::new();
    let mut block_tags = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() {
        let found = match (bytes[at], bytes[at + 1]) {
            (b'{', b'{') => closing(text, at, "}}")
                .filter(|_| !text[at + 2..].trim_start().starts_with("resolve:"))
                .map(|end| (end, b'x')),
            (b'{', b'%') => closing(text, at, "%}").map(|end| (end, b' ')),
            (b'{', b'#') => closing(text, at, "#}").map(|end| (end, b' ')),
            (b'#', b'{') => closing(text, at, "}")
                .filter(|&end| is_name(&text[at + 2..end - 1]))
                .map(|end| (end, b'x')),
            (b'@', b'@') => closing(text, at + 1, "@@")
                .filter(|&end| is_name(&text[at + 2..end - 2]))
                .map(|end| (end, b'x')),
            _ => None,
        };
        match found {
            Some((end, fill)) => {
                blanked[at..end].fill(fill);
                if json && fill == b'x' && !in_json_string(text, at) {
                    blanked[at] = b'"';
                    blanked[end - 1] = b'"';
                }
                tags.push(TextRange::new(at, end));
                if fill == b' ' {
                    block_tags.push(at);
                }
                at = end;
            }
            None => at += 1,
        }
    }
    if tags.is_empty() {
        return None;
    }
    if host == Host::Yaml {
        for &at in &block_tags {
            let start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
            let end = text[at..]
                .find('\n')
                .map_or(text.len(), |newline| at + newline);
            let line = &blanked[start..end];
            if line.iter().all(u8::is_ascii_whitespace) {
                let first = start + line.len() - text[start..end].trim_start().len();
                blanked[first] = b'#';
            }
        }
    }
    // Only ASCII bytes were replaced, each whole tag at once: still UTF-8.
    let blanked = String::from_utf8(blanked).ok()?;
    Some((blanked, tags))
}

/// The end (exclusive) of the tag opened at `at`, closed by `close` on the same line.
fn closing(text: &str, at: usize, close: &str) -> Option<usize> {
    // `None` at the end of the text, or inside a character (nothing there is a tag's name).
    let rest = text.get(at + 2..)?;
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    line.find(close).map(|found| at + 2 + found + close.len())
}

/// Whether offset `at` of a JSON text lies inside a string (quotes counted from the line's start:
/// JSON strings do not span lines).
fn in_json_string(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
    let mut inside = false;
    let mut escaped = false;
    for byte in text[line_start..at].bytes() {
        match byte {
            b'\\' if inside => escaped = !escaped,
            b'"' if !escaped => inside = !inside,
            _ => {}
        }
        if byte != b'\\' {
            escaped = false;
        }
    }
    inside
}

/// A token's name: letters, digits, `_`, `-`, `.`, at least one.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_blanked_in_place_and_dynamic_references_are_kept() {
        let text = "{% if cookiecutter.x %}\nCodeUri: {{ cookiecutter.project }}/src\nKey: '{{resolve:ssm:/a/b}}'\nA: #{Dir}\nB: @@TOKEN@@\nC: a@@b\n{# note #}\n";
        let (blanked, tags) = blank(text, Host::Yaml).expect("tags");
        assert_eq!(blanked.len(), text.len());
        assert_eq!(
            blanked.lines().map(str::len).collect::<Vec<_>>(),
            text.lines().map(str::len).collect::<Vec<_>>()
        );
        assert!(blanked.starts_with(&format!("#{}", " ".repeat(22))));
        assert!(blanked.contains("CodeUri: xxxxxxxxxxxxxxxxxxxxxxxxxx/src\n"));
        assert!(blanked.contains("'{{resolve:ssm:/a/b}}'"));
        assert!(blanked.contains("A: xxxxxx\nB: xxxxxxxxx\nC: a@@b\n#"));
        assert_eq!(tags.len(), 5);
        assert!(blank("Resources: {}\n", Host::Yaml).is_none());
        assert!(blank("Value: '{{resolve:secretsmanager:s}}'\n", Host::Yaml).is_none());
        let json = "{\"A\": \"{{ x }}/src\", \"B\": {{ y }}, \"C\": \"\\\"{{ z }}\"}";
        let (blanked, _) = blank(json, Host::Json).expect("tags");
        assert_eq!(
            blanked,
            "{\"A\": \"xxxxxxx/src\", \"B\": \"xxxxx\", \"C\": \"\\\"xxxxxxx\"}"
        );
    }

    /// A line of nothing but block tags is a comment in YAML (a long condition blanked to spaces
    /// would read as indentation); a tag beside text stays blanks; JSON has no comments.
    #[test]
    fn a_line_of_block_tags_is_a_yaml_comment() {
        let text = "A:\n      {%- if cookiecutter.x == \"enabled\" or cookiecutter.y %}{% endif %}\n  B: 1 {% if z %}\n";
        let (blanked, _) = blank(text, Host::Yaml).expect("tags");
        assert_eq!(blanked.len(), text.len());
        let lines: Vec<&str> = blanked.lines().collect();
        assert!(lines[1].starts_with("      #") && lines[1][7..].trim().is_empty());
        assert_eq!(lines[2].trim_end(), "  B: 1");
        let (json, _) = blank("{\n  {% if x %}\n}", Host::Json).expect("tags");
        assert!(!json.contains('#'));
    }

    /// Found by fuzzing (template_json): a tag opener at the very end, or before a character of
    /// several bytes, has no name to read and is no tag.
    #[test]
    fn an_opener_at_the_end_or_before_a_wide_character_is_no_tag() {
        for text in ["\u{c}\0\0\0\"\"A%@@", "A: @@", "A: #{", "A: {{", "A: @@é@@"] {
            assert_eq!(blank(text, Host::Json), None, "{text:?}");
            assert_eq!(blank(text, Host::Yaml), None, "{text:?}");
        }
    }
}
