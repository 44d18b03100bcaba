//! Reading the body of a `json!` macro. Tree-sitter does not parse macro arguments: it hands us a
//! `token_tree` of literals, identifiers, punctuation and nested token trees. This module reads
//! those tokens the way `serde_json::json!` does — `"key": value` pairs split on top-level commas,
//! `{...}` objects, `[...]` arrays, `null`/`true`/`false`, and any other value as an expression —
//! into the neutral [`Entry`]/[`Value`] model, with exact source ranges.

use tree_sitter::Node;

use crate::languages::facts::{Entry, ObjectShape, Value, ValueKind};
use crate::text::TextRange;

/// How identifiers used as values are classified (the extractor resolves `let` bindings).
pub(super) trait ResolveIdentifier<'t> {
    fn identifier(&self, identifier: Node<'t>, depth: usize) -> Value;
}

use crate::languages::pipeline::MAX_DEPTH;

pub(super) struct Reader<'a, 't> {
    pub text: &'t str,
    pub resolve: &'a dyn ResolveIdentifier<'t>,
}

/// The tokens between a token tree's delimiters, without comments.
pub(super) fn inner_tokens<'t>(tree: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = tree.walk();
    let children: Vec<Node<'t>> = tree.children(&mut cursor).collect();
    let inner = match children.as_slice() {
        [open, inner @ .., close]
            if matches!(open.kind(), "(" | "[" | "{")
                && matches!(close.kind(), ")" | "]" | "}") =>
        {
            inner
        }
        all => all,
    };
    inner
        .iter()
        .copied()
        .filter(|token| !matches!(token.kind(), "line_comment" | "block_comment"))
        .collect()
}

/// The opening delimiter of a token tree: `{`, `[` or `(`.
pub(super) fn delimiter(tree: Node<'_>) -> Option<&'static str> {
    if tree.kind() != "token_tree" {
        return None;
    }
    match tree.child(0)?.kind() {
        "{" => Some("{"),
        "[" => Some("["),
        "(" => Some("("),
        _ => None,
    }
}

/// The tokens split on commas at the top level of their token tree (nested trees are single
/// tokens, so their commas do not count). Empty segments (a trailing comma) are dropped.
fn split_commas<'a, 't>(tokens: &'a [Node<'t>]) -> Vec<&'a [Node<'t>]> {
    tokens
        .split(|token| token.kind() == ",")
        .filter(|segment| !segment.is_empty())
        .collect()
}

/// The content of a plain or raw string literal, escapes kept as written.
pub(super) fn string_content(node: Node<'_>, text: &str) -> Option<String> {
    if !matches!(node.kind(), "string_literal" | "raw_string_literal") {
        return None;
    }
    let mut content = String::new();
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if matches!(child.kind(), "string_content" | "escape_sequence") {
            content.push_str(TextRange::of_node(&child).slice(text));
        }
    }
    Some(content)
}

/// An integer literal's value: `600`, `0x1F`, `1_000`, `200u16`, `200_i64`.
pub(super) fn parse_integer(literal: &str) -> Option<i64> {
    let digits = literal.replace('_', "").to_ascii_lowercase();
    let (radix, digits) = if let Some(hex) = digits.strip_prefix("0x") {
        (16, hex.to_owned())
    } else if let Some(octal) = digits.strip_prefix("0o") {
        (8, octal.to_owned())
    } else if let Some(binary) = digits.strip_prefix("0b") {
        (2, binary.to_owned())
    } else {
        (10, digits)
    };
    let digits = strip_type_suffix(&digits);
    i64::from_str_radix(digits, radix).ok()
}

/// A float literal's value: `2.5`, `1e3`, `2.5f64`.
pub(super) fn parse_float(literal: &str) -> Option<f64> {
    let digits = literal.replace('_', "");
    let digits = digits
        .strip_suffix("f64")
        .or_else(|| digits.strip_suffix("f32"))
        .unwrap_or(&digits);
    digits.parse().ok()
}

/// `200u16` → `200`: `u` and `i` are no digits in any radix, so the suffix is unambiguous.
fn strip_type_suffix(digits: &str) -> &str {
    [
        "i128", "u128", "isize", "usize", "i64", "u64", "i32", "u32", "i16", "u16", "i8", "u8",
    ]
    .iter()
    .find_map(|suffix| digits.strip_suffix(suffix))
    .unwrap_or(digits)
}

impl<'t> Reader<'_, 't> {
    fn text_of(&self, node: Node<'_>) -> &'t str {
        TextRange::of_node(&node).slice(self.text)
    }

    /// The entries of a `{...}` token tree read as a `json!` object.
    pub fn object(&self, tree: Node<'t>, depth: usize) -> (Vec<Entry>, ObjectShape) {
        let mut entries = Vec::new();
        let mut shape = ObjectShape::Complete;
        let tokens = inner_tokens(tree);
        for segment in split_commas(&tokens) {
            let key = segment[0];
            let separated = segment.get(1).is_some_and(|colon| colon.kind() == ":");
            match (string_content(key, self.text), separated, segment.get(2..)) {
                (Some(key_text), true, Some(value)) if !value.is_empty() => entries.push(Entry {
                    key: key_text,
                    key_range: TextRange::of_node(&key),
                    bare_key: false,
                    value: self.value(value, depth + 1),
                    assigned_later: false,
                }),
                // A computed key (`(name): value`, `key_variable: value`) or tokens we cannot read.
                _ => shape = ObjectShape::Opaque,
            }
        }
        (entries, shape)
    }

    /// The items of a `[...]` token tree read as a `json!` array.
    fn array(&self, tree: Node<'t>, depth: usize) -> Vec<Value> {
        let tokens = inner_tokens(tree);
        split_commas(&tokens)
            .into_iter()
            .map(|item| self.value(item, depth + 1))
            .collect()
    }

    /// What the argument of a `json!(...)` macro evaluates to.
    pub fn macro_argument(&self, arguments: Node<'t>, depth: usize) -> Value {
        let tokens = inner_tokens(arguments);
        if tokens.is_empty() {
            return Value {
                kind: ValueKind::Unknown,
                range: TextRange::of_node(&arguments),
                defined_at: None,
            };
        }
        self.value(&tokens, depth)
    }

    /// One value: the tokens of a `json!` object value, array item or macro argument.
    pub fn value(&self, tokens: &[Node<'t>], depth: usize) -> Value {
        let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
            return Value {
                kind: ValueKind::Unknown,
                range: TextRange::default(),
                defined_at: None,
            };
        };
        let range = TextRange::new(first.start_byte(), last.end_byte());
        let value = |kind| Value {
            kind,
            range,
            defined_at: None,
        };
        if depth > MAX_DEPTH {
            return value(ValueKind::Unknown);
        }
        if let [single] = tokens {
            return match single.kind() {
                "string_literal" | "raw_string_literal" => value(
                    string_content(*single, self.text)
                        .map_or(ValueKind::String, ValueKind::StringLiteral),
                ),
                "integer_literal" => value(
                    parse_integer(self.text_of(*single))
                        .map_or(ValueKind::Unknown, ValueKind::Integer),
                ),
                "float_literal" => value(
                    parse_float(self.text_of(*single)).map_or(ValueKind::Unknown, ValueKind::Float),
                ),
                "boolean_literal" => value(ValueKind::Bool(self.text_of(*single) == "true")),
                "identifier" if self.text_of(*single) == "null" => value(ValueKind::Null),
                "identifier" => self.resolve.identifier(*single, depth + 1),
                "token_tree" => match delimiter(*single) {
                    Some("{") => {
                        let (entries, shape) = self.object(*single, depth);
                        value(ValueKind::Object(entries, shape))
                    }
                    Some("[") => value(ValueKind::Array(self.array(*single, depth))),
                    // `(expression)`: what the expression is.
                    _ => Value {
                        range,
                        ..self.macro_argument(*single, depth + 1)
                    },
                },
                _ => value(ValueKind::Unknown),
            };
        }
        value(self.expression(tokens, depth))
    }

    /// An expression of several tokens: only the shapes that certainly yield a string, a negative
    /// number, a nested `json!` value or a `vec!` are classified; anything else is unknown.
    fn expression(&self, tokens: &[Node<'t>], depth: usize) -> ValueKind {
        let kinds: Vec<&str> = tokens.iter().map(|token| token.kind()).collect();
        let word = |index: usize| tokens.get(index).map(|token| self.text_of(*token));
        // `-1`, `-2.5`
        if let (["-", "integer_literal" | "float_literal"], Some(number)) =
            (kinds.as_slice(), tokens.get(1))
        {
            let literal = self.text_of(*number);
            return match number.kind() {
                "integer_literal" => {
                    parse_integer(literal).map_or(ValueKind::Unknown, |n| ValueKind::Integer(-n))
                }
                _ => parse_float(literal).map_or(ValueKind::Unknown, |n| ValueKind::Float(-n)),
            };
        }
        // A macro call: `json!(...)`, `serde_json::json!(...)`, `format!(...)`, `vec![...]`.
        let macro_start = match kinds.as_slice() {
            ["identifier", "!", "token_tree"] => Some(0),
            ["identifier", "::", "identifier", "!", "token_tree"] => Some(2),
            _ => None,
        };
        if let Some(name_at) = macro_start {
            let arguments = tokens[tokens.len() - 1];
            return match word(name_at) {
                Some("json") => self.macro_argument(arguments, depth + 1).kind,
                Some("format") => ValueKind::String,
                Some("vec") => ValueKind::Array(self.array(arguments, depth)),
                _ => ValueKind::Unknown,
            };
        }
        if self.certainly_string(tokens) {
            return ValueKind::String;
        }
        ValueKind::Unknown
    }

    /// `x.to_string()`, `format!(..).to_uppercase()`, `String::from(..)`,
    /// `serde_json::to_string(&x)?` (also with `.unwrap()` / `.expect(..)`).
    fn certainly_string(&self, tokens: &[Node<'t>]) -> bool {
        let kinds: Vec<&str> = tokens.iter().map(|token| token.kind()).collect();
        let word = |index: usize| tokens.get(index).map(|token| self.text_of(*token));
        let n = tokens.len();
        // `<receiver>.to_string()` and friends.
        if n >= 4 && kinds[n - 3] == "." && kinds[n - 1] == "token_tree" {
            if let Some("to_string" | "to_uppercase" | "to_lowercase" | "to_owned") = word(n - 2) {
                let receiver = &tokens[..n - 3];
                // `.to_owned()` gives a `String` only on a string receiver.
                return word(n - 2) != Some("to_owned")
                    || (receiver.len() == 1 && receiver[0].kind() == "string_literal");
            }
        }
        // `String::from(..)`, `String::new()`
        if n == 4
            && word(0) == Some("String")
            && kinds[1] == "::"
            && matches!(word(2), Some("from" | "new" | "from_utf8_lossy"))
        {
            return true;
        }
        // `serde_json::to_string(&x)?`, `to_string_pretty(&x).unwrap()`
        let unwrapped = match kinds.as_slice() {
            [rest @ .., "?"] => Some(rest.len()),
            [rest @ .., ".", "identifier", "token_tree"]
                if matches!(word(n - 2), Some("unwrap" | "expect" | "unwrap_or_default")) =>
            {
                Some(rest.len())
            }
            _ => None,
        };
        if let Some(end) = unwrapped {
            let call = &kinds[..end];
            let callee_at = match call {
                ["identifier", "token_tree"] => Some(0),
                ["identifier", "::", "identifier", "token_tree"]
                    if word(0) == Some("serde_json") =>
                {
                    Some(2)
                }
                _ => None,
            };
            if let Some(at) = callee_at {
                return matches!(word(at), Some("to_string" | "to_string_pretty"));
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoBindings;

    impl<'t> ResolveIdentifier<'t> for NoBindings {
        fn identifier(&self, identifier: Node<'t>, _depth: usize) -> Value {
            Value {
                kind: ValueKind::Unknown,
                range: TextRange::of_node(&identifier),
                defined_at: None,
            }
        }
    }

    /// Reads the object of the first `json!({...})` in `source`.
    fn read(source: &str) -> (Vec<Entry>, ObjectShape) {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_rust::LANGUAGE.into())
            .expect("the Rust grammar loads");
        let tree = parser.parse(source, None).expect("parses");
        let mut found = None;
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            if node.kind() == "macro_invocation" && found.is_none() {
                found = node.child_by_field_name("macro").and(node.named_child(1));
            }
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
        let arguments = found.expect("a json! macro");
        let object = inner_tokens(arguments)[0];
        let reader = Reader {
            text: source,
            resolve: &NoBindings,
        };
        reader.object(object, 0)
    }

    fn kind_of<'e>(entries: &'e [Entry], key: &str) -> &'e ValueKind {
        &entries
            .iter()
            .find(|entry| entry.key == key)
            .unwrap_or_else(|| panic!("no entry {key}"))
            .value
            .kind
    }

    #[test]
    fn reads_literals_with_exact_ranges() {
        let source = r#"fn f() { json!({"statusCode": -1, "isBase64Encoded": true, "headers": null, "body": r"raw", "x": 2.5}) }"#;
        let (entries, shape) = read(source);
        assert_eq!(shape, ObjectShape::Complete);
        assert_eq!(entries.len(), 5);
        assert!(matches!(
            kind_of(&entries, "statusCode"),
            ValueKind::Integer(-1)
        ));
        assert!(matches!(
            kind_of(&entries, "isBase64Encoded"),
            ValueKind::Bool(true)
        ));
        assert!(matches!(kind_of(&entries, "headers"), ValueKind::Null));
        assert!(matches!(kind_of(&entries, "body"), ValueKind::StringLiteral(s) if s == "raw"));
        assert!(matches!(kind_of(&entries, "x"), ValueKind::Float(f) if *f == 2.5));
        assert_eq!(entries[0].key_range.slice(source), "\"statusCode\"");
        assert_eq!(entries[0].value.range.slice(source), "-1");
        assert_eq!(entries[3].value.range.slice(source), "r\"raw\"");
    }

    #[test]
    fn reads_nested_objects_and_arrays() {
        let source = r#"fn f() { json!({
            "body": {"items": [1, {"a": "b"}], "n": json!({"k": 1})},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        }) }"#;
        let (entries, shape) = read(source);
        assert_eq!(shape, ObjectShape::Complete);
        let ValueKind::Object(body, _) = kind_of(&entries, "body") else {
            panic!("body is an object");
        };
        assert!(matches!(kind_of(body, "items"), ValueKind::Array(items) if items.len() == 2));
        assert!(matches!(kind_of(body, "n"), ValueKind::Object(inner, _) if inner.len() == 1));
        let ValueKind::Object(headers, _) = kind_of(&entries, "multiValueHeaders") else {
            panic!("multiValueHeaders is an object");
        };
        let ValueKind::Array(cookies) = kind_of(headers, "Set-Cookie") else {
            panic!("Set-Cookie is an array");
        };
        assert_eq!(cookies[1].range.slice(source), "\"b=2\"");
    }

    #[test]
    fn classifies_expressions_conservatively() {
        let source = r#"fn f() { json!({
            "a": x.to_string(), "b": format!("{}", y), "c": serde_json::to_string(&z)?,
            "d": String::from("s"), "e": json!(v).to_string(), "f": compute(1, 2),
            "g": serde_json::to_string(&z), "h": v.to_owned(), "i": vec!["a", "b"],
            "j": to_string_pretty(&z).unwrap(), "k": some::path::CONST,
        }) }"#;
        let (entries, shape) = read(source);
        assert_eq!(shape, ObjectShape::Complete);
        for key in ["a", "b", "c", "d", "e", "j"] {
            assert!(matches!(kind_of(&entries, key), ValueKind::String), "{key}");
        }
        for key in ["f", "g", "h", "k"] {
            assert!(
                matches!(kind_of(&entries, key), ValueKind::Unknown),
                "{key}"
            );
        }
        assert!(matches!(kind_of(&entries, "i"), ValueKind::Array(items) if items.len() == 2));
        let f = entries.iter().find(|entry| entry.key == "f").expect("f");
        assert_eq!(f.value.range.slice(source), "compute(1, 2)");
    }

    #[test]
    fn computed_keys_make_the_object_opaque() {
        let (entries, shape) = read(r#"fn f() { json!({ key: 1, "body": "x" }) }"#);
        assert_eq!(shape, ObjectShape::Opaque);
        assert_eq!(entries.len(), 1);
        let (entries, shape) = read(r#"fn f() { json!({}) }"#);
        assert_eq!(shape, ObjectShape::Complete);
        assert!(entries.is_empty());
    }

    #[test]
    fn parses_rust_number_literals() {
        assert_eq!(parse_integer("600"), Some(600));
        assert_eq!(parse_integer("200u16"), Some(200));
        assert_eq!(parse_integer("1_000_i64"), Some(1000));
        assert_eq!(parse_integer("0x1F"), Some(31));
        assert_eq!(parse_float("2.5f64"), Some(2.5));
    }
}
