//! Text helpers for template fixes: the file's indentation and intrinsic style, and writing
//! new resources, list items and scalars the way the file already writes them.

use crate::templates::{Syntax, Template};
use crate::text::TextRange;

/// The column (in bytes) at which the line holding `offset` has `offset`.
pub fn column(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
    offset - line_start
}

/// Whether a YAML template writes intrinsics as short tags (`!Ref`), the default for YAML.
pub fn uses_short_tags(template: &Template, text: &str) -> bool {
    template.syntax == Syntax::Yaml
        && (text.contains("!Ref ")
            || text.contains("!GetAtt ")
            || text.contains("!Sub ")
            || !text.contains("Fn::"))
}

/// A scalar replacing the one at `range`, keeping its quotes (JSON strings stay strings).
pub fn replace_scalar(text: &str, range: TextRange, new_value: &str) -> String {
    let written = range.slice(text);
    match written.chars().next() {
        Some(quote @ ('"' | '\'')) => format!("{quote}{new_value}{quote}"),
        _ => new_value.to_owned(),
    }
}

/// An intrinsic in the file's style: `!Sub text` / `Fn::Sub: text` / `{"Fn::Sub": "text"}`.
/// `argument_yaml` and `argument_json` are the argument as each syntax writes it. For YAML long
/// forms the result is written as a nested mapping at `indent`.
pub fn intrinsic(
    template: &Template,
    text: &str,
    short: &str,
    long: &str,
    argument_yaml: &str,
    argument_json: &str,
    indent: &str,
) -> String {
    match template.syntax {
        Syntax::Json => format!("{{\"{long}\": {argument_json}}}"),
        Syntax::Yaml if uses_short_tags(template, text) => format!("{short} {argument_yaml}"),
        Syntax::Yaml => format!("\n{indent}{long}: {argument_yaml}"),
    }
}

/// A unique logical id starting with `base`.
pub fn unique_logical_id(template: &Template, base: &str) -> String {
    let base: String = base.chars().filter(char::is_ascii_alphanumeric).collect();
    if template.resource(&base).is_none() {
        return base;
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|candidate| template.resource(candidate).is_none())
        .expect("an unused logical id exists")
}

/// Inserts text as a new last entry of a YAML block mapping or sequence whose value ends at
/// `end`: the text goes on new lines after it. Returns the offset and the text to insert.
pub fn yaml_append_lines(text: &str, end: usize, lines: &[String]) -> (usize, String) {
    let joined = lines.join("\n");
    if text[..end.min(text.len())].ends_with('\n') {
        (end, format!("{joined}\n"))
    } else {
        (end, format!("\n{joined}"))
    }
}
