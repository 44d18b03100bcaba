//! Building and applying fixes. Rules describe a fix as text edits; the language-specific spelling
//! of common fixes (serialise to JSON, convert to a string, a boolean literal) lives here, and so
//! does applying edits to a text, shared by the LSP code actions, `check --fix` and the tests.

use crate::files::Language;
use crate::findings::{Edit, Fix};
use crate::languages::shadowing::{is_rebound, PYTHON_JSON_ALIAS};
use crate::languages::{ResponseObject, SourceFacts};
use crate::text::TextRange;

/// Wraps the expression at `range` so that it is serialised to a JSON string:
/// `json.dumps(x)` (adding `import json` when missing), `JSON.stringify(x)`, or in a Rust
/// `json!` value `json!(x).to_string()` (`serde_json::json!` when the file does not use the bare
/// macro; a value that already is a `json!(...)` only gets `.to_string()`).
///
/// A fix never changes what a name refers to: where `json` is a local name (a variable, a
/// parameter, another module imported as `json`), the Python fix imports the module as `_json`
/// and calls `_json.dumps(x)`; where `JSON` is rebound, the JavaScript fix calls
/// `globalThis.JSON.stringify(x)`.
pub fn serialize_json(facts: &SourceFacts, text: &str, range: TextRange) -> Fix {
    let expression = range.slice(text);
    let mut edits = Vec::new();
    let rebound = is_rebound(&facts.edit_context.json_name, range.start);
    let (title, replacement) = match facts.language {
        Language::Python if rebound => {
            edits.extend(import_json_as_alias(facts));
            (
                "Serialise the body with json.dumps(...)",
                format!("{PYTHON_JSON_ALIAS}.dumps({expression})"),
            )
        }
        Language::Python => {
            edits.extend(import_json(facts));
            (
                "Serialise the body with json.dumps(...)",
                format!("json.dumps({expression})"),
            )
        }
        Language::JavaScript | Language::TypeScript if rebound => (
            "Serialise the body with JSON.stringify(...)",
            format!("globalThis.JSON.stringify({expression})"),
        ),
        Language::JavaScript | Language::TypeScript => (
            "Serialise the body with JSON.stringify(...)",
            format!("JSON.stringify({expression})"),
        ),
        Language::Rust => {
            let serialized =
                if expression.starts_with("json!") || expression.starts_with("serde_json::json!") {
                    format!("{expression}.to_string()")
                } else if facts.edit_context.has_json_import {
                    format!("json!({expression}).to_string()")
                } else {
                    format!("serde_json::json!({expression}).to_string()")
                };
            (
                "Serialise the body with .to_string()",
                into_value_slot(text, range, serialized),
            )
        }
    };
    edits.push(Edit::replace(range, replacement));
    Fix {
        safe: true,
        title: title.into(),
        edits,
    }
}

/// Replaces a returned data object by a proxy response carrying it as the JSON body.
pub fn wrap_as_response(facts: &SourceFacts, text: &str, range: TextRange) -> Fix {
    let serialized = serialize_json(facts, text, range);
    let mut edits = serialized.edits;
    let body = edits.pop().map(|edit| edit.new_text).unwrap_or_default();
    let replacement = match facts.language {
        Language::JavaScript | Language::TypeScript => {
            format!("{{ statusCode: 200, body: {body} }}")
        }
        Language::Python | Language::Rust => format!("{{\"statusCode\": 200, \"body\": {body}}}"),
    };
    edits.push(Edit::replace(range, replacement));
    Fix {
        safe: true,
        title: "Return it as the JSON body of a 200 response".into(),
        edits,
    }
}

/// The edit that adds `import json` to a Python file that lacks it (after the docstring and
/// `__future__` imports, before the other imports).
pub fn import_json(facts: &SourceFacts) -> Option<Edit> {
    if facts.language != Language::Python || facts.edit_context.has_json_import {
        return None;
    }
    let blank = if facts.edit_context.import_needs_blank_line {
        "\n"
    } else {
        ""
    };
    Some(Edit::insert(
        facts.edit_context.import_insert_at,
        format!("import json\n{blank}"),
    ))
}

/// The edit that adds `import json as _json` to a Python file where `json` is rebound, unless it
/// has that import already.
fn import_json_as_alias(facts: &SourceFacts) -> Option<Edit> {
    let context = &facts.edit_context;
    if context.json_name.has_alias_import {
        return None;
    }
    let blank = if context.import_needs_blank_line {
        "\n"
    } else {
        ""
    };
    Some(Edit::insert(
        context.import_insert_at,
        format!("import json as {PYTHON_JSON_ALIAS}\n{blank}"),
    ))
}

/// Converts the scalar at `range` to a string: `str(x)`, `String(x)`, `x.to_string()`; a
/// number literal simply becomes a string literal.
pub fn to_string(language: Language, text: &str, range: TextRange, literal: bool) -> Fix {
    let expression = range.slice(text);
    // In a Rust `json!` value, `true`/`false` start a literal of their own, so
    // `true.to_string()` would not compile there; the string literal says the same.
    let keyword = language == Language::Rust && matches!(expression, "true" | "false");
    let replacement = if literal || keyword {
        format!("\"{expression}\"")
    } else {
        match language {
            Language::Python => format!("str({expression})"),
            Language::JavaScript | Language::TypeScript => format!("String({expression})"),
            Language::Rust => into_value_slot(text, range, format!("{expression}.to_string()")),
        }
    };
    Fix {
        safe: true,
        title: format!("Convert to a string: {replacement}"),
        edits: vec![Edit::replace(range, replacement)],
    }
}

/// A Rust `String` that replaces the right-hand side of `resp["key"] = ...` must become a
/// `serde_json::Value` itself (inside `json!` the macro converts it).
fn into_value_slot(text: &str, range: TextRange, replacement: String) -> String {
    let before = text.get(..range.start).unwrap_or("").trim_end();
    if before.ends_with('=') && !before.ends_with("==") {
        format!("{replacement}.into()")
    } else {
        replacement
    }
}

/// The boolean literal of a language.
/// The flag a string spelling a boolean means (`"true"`, `" False "`), if it spells one.
pub fn spelled_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Replaces the value at `range` with the boolean literal `flag`.
pub fn use_boolean(language: Language, range: TextRange, flag: bool) -> Fix {
    let literal = bool_literal(language, flag);
    Fix {
        safe: true,
        title: format!("Use the boolean {literal}"),
        edits: vec![Edit::replace(range, literal)],
    }
}

pub fn bool_literal(language: Language, value: bool) -> &'static str {
    match (language, value) {
        (Language::Python, true) => "True",
        (Language::Python, false) => "False",
        (_, true) => "true",
        (_, false) => "false",
    }
}

/// Inserts a new first entry into a response object, in the object's own style.
pub fn insert_entry(response: &ResponseObject, key: &str, value: &str) -> Edit {
    let style = &response.style;
    Edit::insert(
        style.insert_at,
        format!("{}{}", style.entry_text(key, value), style.separator),
    )
}

/// Applies same-file edits to a text. Edits must not overlap; they are applied from the end so
/// earlier offsets stay valid. Edits for other files are ignored here.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().filter(|edit| edit.path.is_none()).collect();
    edits.sort_by_key(|edit| std::cmp::Reverse((edit.range.start, edit.range.end)));
    let mut out = text.to_owned();
    for edit in edits {
        let start = edit.range.start.min(out.len());
        let end = edit.range.end.min(out.len()).max(start);
        out.replace_range(start..end, &edit.new_text);
    }
    out
}
