//! The value tree of a template: YAML and JSON read into one shape (mappings, sequences, scalars
//! and intrinsic functions), every node keeping its exact source range.

use std::collections::HashMap;

use tree_sitter::{Node, Tree, TreeCursor};

use crate::text::TextRange;

/// One node of a template, with the range of its source text (tag included).
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub range: TextRange,
    pub kind: ValueKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// A mapping, entries in source order.
    Map(Vec<Entry>),
    Seq(Vec<Value>),
    Str(String),
    Number(f64),
    Bool(bool),
    Null,
    /// `!Ref X`, `{"Fn::GetAtt": [...]}`, ...
    Intrinsic(Box<Intrinsic>),
}

/// A mapping entry: the key's text and range, and the value.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_range: TextRange,
    pub value: Value,
}

/// An intrinsic function call. `name` is always the long form (`Ref`, `Fn::GetAtt`, `Fn::Sub`,
/// `Condition`), whether the source wrote a short tag or the long form.
#[derive(Clone, Debug, PartialEq)]
pub struct Intrinsic {
    pub name: String,
    pub argument: Value,
}

/// The intrinsic functions CloudFormation knows, by their YAML short tag.
const SHORT_TAGS: &[(&str, &str)] = &[
    ("!Ref", "Ref"),
    ("!Condition", "Condition"),
    ("!GetAtt", "Fn::GetAtt"),
    ("!Sub", "Fn::Sub"),
    ("!Join", "Fn::Join"),
    ("!If", "Fn::If"),
    ("!Select", "Fn::Select"),
    ("!Split", "Fn::Split"),
    ("!FindInMap", "Fn::FindInMap"),
    ("!ImportValue", "Fn::ImportValue"),
    ("!GetAZs", "Fn::GetAZs"),
    ("!Base64", "Fn::Base64"),
    ("!Equals", "Fn::Equals"),
    ("!Not", "Fn::Not"),
    ("!And", "Fn::And"),
    ("!Or", "Fn::Or"),
    ("!Cidr", "Fn::Cidr"),
    ("!Transform", "Fn::Transform"),
    ("!Length", "Fn::Length"),
    ("!ToJsonString", "Fn::ToJsonString"),
];

impl Value {
    fn new(range: TextRange, kind: ValueKind) -> Self {
        Self { range, kind }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            ValueKind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Value] {
        match &self.kind {
            ValueKind::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, ValueKind::Map(_))
    }

    /// The entry with this key in a mapping (the last one, as YAML loaders keep).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries().iter().rev().find(|entry| entry.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|entry| &entry.value)
    }

    /// Follows a path of keys through nested mappings.
    pub fn path(&self, keys: &[&str]) -> Option<&Value> {
        keys.iter().try_fold(self, |value, key| value.get(key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::Str(text) => Some(text),
            _ => None,
        }
    }

    /// A number, or a string holding one (`Timeout: "30"` is accepted by CloudFormation).
    pub fn as_number(&self) -> Option<f64> {
        match &self.kind {
            ValueKind::Number(number) => Some(*number),
            ValueKind::Str(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            ValueKind::Bool(flag) => Some(*flag),
            ValueKind::Str(text) if text.eq_ignore_ascii_case("true") => Some(true),
            ValueKind::Str(text) if text.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// The intrinsic's long name and argument, when this is one.
    pub fn intrinsic(&self) -> Option<(&str, &Value)> {
        match &self.kind {
            ValueKind::Intrinsic(call) => Some((&call.name, &call.argument)),
            _ => None,
        }
    }

    /// The number of nodes in this tree (for the alias expansion budget).
    fn size(&self) -> usize {
        1 + match &self.kind {
            ValueKind::Map(entries) => entries.iter().map(|entry| entry.value.size()).sum(),
            ValueKind::Seq(items) => items.iter().map(Value::size).sum(),
            ValueKind::Intrinsic(call) => call.argument.size(),
            _ => 0,
        }
    }

    /// Turns a one-entry mapping `{Ref: X}` / `{"Fn::Sub": ...}` into an intrinsic.
    fn into_long_form(self) -> Value {
        let ValueKind::Map(entries) = &self.kind else {
            return self;
        };
        let is_intrinsic = entries.len() == 1
            && (entries[0].key == "Ref"
                || entries[0].key == "Condition"
                || entries[0].key.starts_with("Fn::"));
        if !is_intrinsic {
            return self;
        }
        let range = self.range;
        let ValueKind::Map(mut entries) = self.kind else {
            unreachable!("checked to be a mapping above");
        };
        let entry = entries.remove(0);
        Value::new(
            range,
            ValueKind::Intrinsic(Box::new(Intrinsic {
                name: entry.key,
                argument: entry.value,
            })),
        )
    }
}

/// How many nodes YAML aliases may copy in one file; past it an alias reads as null, so a
/// "billion laughs" file cannot exhaust memory.
const ALIAS_BUDGET: usize = 100_000;

/// Reads a tree-sitter-yaml tree (the first document of the stream).
pub fn from_yaml(tree: &Tree, text: &str) -> Option<Value> {
    YamlReader::new(text).document(tree, 0)
}

/// Reads a YAML text parsed in pieces: each tree is of the text from its byte offset on, and
/// holds one mapping whose entries belong to the same parent (the root, or `Resources`).
/// Anchors defined in one piece are seen by the pieces after it, as in one parse.
pub struct YamlPieces<'t> {
    reader: YamlReader<'t>,
}

impl<'t> YamlPieces<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            reader: YamlReader::new(text),
        }
    }

    /// The value of the piece parsed into `tree` from byte `base` of the text.
    pub fn read(&mut self, tree: &Tree, base: usize) -> Option<Value> {
        self.reader.document(tree, base)
    }
}

struct YamlReader<'t> {
    /// The whole text; node offsets are relative to `base` within it.
    text: &'t str,
    base: usize,
    anchors: HashMap<String, (Value, usize)>,
    alias_budget: usize,
}

impl<'t> YamlReader<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            base: 0,
            anchors: HashMap::new(),
            alias_budget: ALIAS_BUDGET,
        }
    }

    fn document(&mut self, tree: &Tree, base: usize) -> Option<Value> {
        self.base = base;
        let root = tree.root_node();
        let mut cursor = root.walk();
        let document = root
            .named_children(&mut cursor)
            .find(|node| node.kind() == "document")?;
        let mut cursor = document.walk();
        let content = document
            .named_children(&mut cursor)
            .find(|node| matches!(node.kind(), "block_node" | "flow_node"))?;
        Some(self.node(content))
    }

    /// A node's range in the whole text.
    fn range(&self, node: Node<'_>) -> TextRange {
        let local = TextRange::of_node(&node);
        TextRange::new(local.start + self.base, local.end + self.base)
    }

    fn slice(&self, node: Node<'_>) -> &str {
        self.range(node).slice(self.text)
    }

    /// A `block_node`, `flow_node` or any content node.
    fn node(&mut self, node: Node<'_>) -> Value {
        let range = self.range(node);
        if !matches!(node.kind(), "block_node" | "flow_node") {
            return self.content(node);
        }
        let mut tag = None;
        let mut anchor = None;
        let mut content = None;
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "tag" => tag = Some(self.slice(child).to_owned()),
                "anchor" => anchor = Some(self.slice(child).trim_start_matches('&').to_owned()),
                "comment" => {}
                _ => content = Some(child),
            }
        }
        let value = match content {
            Some(content) => self.content(content),
            None => Value::new(range, ValueKind::Null),
        };
        let value = match tag
            .as_deref()
            .and_then(|tag| SHORT_TAGS.iter().find(|(short, _)| *short == tag))
        {
            Some((_, name)) => Value::new(
                range,
                ValueKind::Intrinsic(Box::new(Intrinsic {
                    name: (*name).to_owned(),
                    argument: value,
                })),
            ),
            None => Value { range, ..value },
        };
        if let Some(anchor) = anchor {
            let size = value.size();
            self.anchors.insert(anchor, (value.clone(), size));
        }
        value
    }

    fn content(&mut self, node: Node<'_>) -> Value {
        let range = self.range(node);
        let mut cursor = node.walk();
        let kind = match node.kind() {
            "block_mapping" | "flow_mapping" => {
                let mut entries = Vec::new();
                for pair in node.named_children(&mut cursor) {
                    match pair.kind() {
                        "block_mapping_pair" | "flow_pair" => entries.extend(self.pair(pair)),
                        // `{a, b}`: keys without values.
                        "flow_node" => {
                            let key = self.node(pair);
                            entries.push(Entry {
                                key: scalar_key(&key),
                                key_range: key.range,
                                value: Value::new(TextRange::empty(range.end), ValueKind::Null),
                            });
                        }
                        _ => {}
                    }
                }
                return Value::new(range, ValueKind::Map(entries)).into_long_form();
            }
            "block_sequence" | "flow_sequence" => {
                let mut items = Vec::new();
                for item in node.named_children(&mut cursor) {
                    match item.kind() {
                        "block_sequence_item" => {
                            let mut inner = item.walk();
                            let value = item
                                .named_children(&mut inner)
                                .find(|child| child.kind() != "comment")
                                .map(|child| self.node(child))
                                .unwrap_or_else(|| Value::new(self.range(item), ValueKind::Null));
                            items.push(value);
                        }
                        "flow_node" => items.push(self.node(item)),
                        "flow_pair" => {
                            let entries = self.pair(item).into_iter().collect();
                            items.push(
                                Value::new(self.range(item), ValueKind::Map(entries))
                                    .into_long_form(),
                            );
                        }
                        _ => {}
                    }
                }
                ValueKind::Seq(items)
            }
            "plain_scalar" => {
                let text = self.slice(node);
                let typed = node.named_child(0).map(|child| child.kind()).unwrap_or("");
                match typed {
                    "boolean_scalar" => ValueKind::Bool(text.eq_ignore_ascii_case("true")),
                    "null_scalar" => ValueKind::Null,
                    "integer_scalar" | "float_scalar" => match parse_yaml_number(text) {
                        Some(number) => ValueKind::Number(number),
                        None => ValueKind::Str(text.to_owned()),
                    },
                    _ => ValueKind::Str(fold_plain(text)),
                }
            }
            "double_quote_scalar" => ValueKind::Str(unescape_double(self.slice(node))),
            "single_quote_scalar" => {
                let text = self.slice(node);
                let inner = text
                    .strip_prefix('\'')
                    .and_then(|rest| rest.strip_suffix('\''))
                    .unwrap_or(text);
                ValueKind::Str(inner.replace("''", "'"))
            }
            "block_scalar" => ValueKind::Str(block_scalar(self.slice(node))),
            "alias" => {
                let name = self.slice(node).trim_start_matches('*');
                match self.anchors.get(name) {
                    Some((value, size)) if *size <= self.alias_budget => {
                        self.alias_budget -= size;
                        return Value {
                            range,
                            ..value.clone()
                        };
                    }
                    _ => ValueKind::Null,
                }
            }
            "block_node" | "flow_node" => return self.node(node),
            _ => ValueKind::Null,
        };
        Value::new(range, kind)
    }

    fn pair(&mut self, pair: Node<'_>) -> Option<Entry> {
        let key_node = pair.child_by_field_name("key")?;
        let key = self.node(key_node);
        let value = match pair.child_by_field_name("value") {
            Some(value) => self.node(value),
            None => Value::new(TextRange::empty(key.range.end), ValueKind::Null),
        };
        Some(Entry {
            key: scalar_key(&key),
            key_range: key.range,
            value,
        })
    }
}

/// The text of a mapping key (keys are scalars in templates).
fn scalar_key(key: &Value) -> String {
    match &key.kind {
        ValueKind::Str(text) => text.clone(),
        ValueKind::Number(number) => format!("{number}"),
        ValueKind::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}

fn parse_yaml_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).ok().map(|n| n as f64);
    }
    text.parse().ok()
}

/// A multi-line plain scalar folds its line breaks into spaces.
fn fold_plain(text: &str) -> String {
    if !text.contains('\n') {
        return text.to_owned();
    }
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn unescape_double(text: &str) -> String {
    let inner = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(text);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('u') => {
                let code: String = chars.by_ref().take(4).collect();
                if let Some(c) = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            // An escaped line break joins the lines.
            Some('\n') => {}
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    fold_plain_quoted(out)
}

/// Line breaks inside a quoted scalar fold into spaces, like plain scalars.
fn fold_plain_quoted(text: String) -> String {
    if text.contains('\n') && !text.ends_with('\n') {
        let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
        lines.join(" ")
    } else {
        text
    }
}

/// The content of a `|` or `>` block scalar: indentation removed, folded for `>`, chomped.
fn block_scalar(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let body: Vec<&str> = lines.collect();
    let indent = body
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    let stripped: Vec<&str> = body
        .iter()
        .map(|line| line.get(indent..).unwrap_or(""))
        .collect();
    let mut out = if header.starts_with('>') {
        stripped.join(" ")
    } else {
        stripped.join("\n")
    };
    if !header.contains('-') {
        out.push('\n');
    }
    out
}

/// Reads a tree-sitter-json tree.
pub fn from_json(tree: &Tree, text: &str) -> Option<Value> {
    let root = tree.root_node();
    if !root.has_error() {
        // Strict JSON (what templates are) reads straight from the text, several times faster than
        // walking the tree; it gives the same value, and anything it does not read exactly as the
        // tree walk would (comments, lenient numbers, more than one value) goes the tree's way.
        if let Some(value) = JsonText::new(text).document() {
            return Some(value);
        }
    }
    from_json_tree(tree, text)
}

/// Reads a tree-sitter-json tree by walking it (any text tree-sitter-json reads, errors too).
fn from_json_tree(tree: &Tree, text: &str) -> Option<Value> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let value = root
        .named_children(&mut cursor)
        .find(|node| node.kind() != "comment")?;
    // One cursor walks the whole document: a cursor per node, and looking pairs' children up by
    // field name, cost more than the parse on a large template.
    let mut cursor = value.walk();
    Some(json_value(&mut cursor, text))
}

/// The value at the cursor's node; the cursor is back on that node when it returns.
fn json_value(cursor: &mut TreeCursor<'_>, text: &str) -> Value {
    let node = cursor.node();
    let range = TextRange::of_node(&node);
    let source = range.slice(text);
    let kind = match node.kind() {
        "object" => {
            let mut entries = Vec::new();
            for_each_child(cursor, |cursor| {
                if cursor.node().kind() != "pair" {
                    return;
                }
                let mut key = None;
                let mut value = None;
                for_each_child(cursor, |cursor| match cursor.field_name() {
                    Some("key") if key.is_none() => key = Some(cursor.node()),
                    Some("value") if value.is_none() => value = Some(json_value(cursor, text)),
                    _ => {}
                });
                if let (Some(key), Some(value)) = (key, value) {
                    let key_range = TextRange::of_node(&key);
                    entries.push(Entry {
                        key: json_string(key_range.slice(text)),
                        key_range,
                        value,
                    });
                }
            });
            return Value::new(range, ValueKind::Map(entries)).into_long_form();
        }
        "array" => {
            let mut items = Vec::new();
            for_each_child(cursor, |cursor| {
                let item = cursor.node();
                if item.is_named() && item.kind() != "comment" {
                    items.push(json_value(cursor, text));
                }
            });
            ValueKind::Seq(items)
        }
        "string" => ValueKind::Str(json_string(source)),
        "number" => source
            .parse()
            .map(ValueKind::Number)
            .unwrap_or_else(|_| ValueKind::Str(source.to_owned())),
        "true" => ValueKind::Bool(true),
        "false" => ValueKind::Bool(false),
        _ => ValueKind::Null,
    };
    Value::new(range, kind)
}

/// Calls `visit` with the cursor on each child of its node in turn, then puts it back on the node.
fn for_each_child<'t>(cursor: &mut TreeCursor<'t>, mut visit: impl FnMut(&mut TreeCursor<'t>)) {
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        visit(cursor);
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    cursor.goto_parent();
}

/// Reads a JSON text that is strict JSON straight from the text, without a syntax tree: such a
/// text is one tree-sitter-json reads without error, to this same value. `None` for any other
/// text (then parse it and use [`from_json`]).
pub fn from_strict_json(text: &str) -> Option<Value> {
    JsonText::new(text).document()
}

/// A reader of strict JSON text into values, with the ranges tree-sitter-json gives its nodes.
/// It answers `None` for any text outside strict JSON, never a different value.
struct JsonText<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
}

impl<'t> JsonText<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            at: 0,
            depth: 0,
        }
    }

    /// The one value of the document, with nothing but whitespace around it.
    fn document(mut self) -> Option<Value> {
        self.skip_space();
        let value = self.value()?;
        self.skip_space();
        (self.at == self.bytes.len()).then_some(value)
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&byte)).then(|| self.at += 1)
    }

    fn value(&mut self) -> Option<Value> {
        let start = self.at;
        match *self.bytes.get(self.at)? {
            b'{' => self.nested(|reader| reader.object(start)),
            b'[' => self.nested(|reader| reader.array(start)),
            b'"' => {
                let range = self.string()?;
                Some(Value::new(
                    range,
                    ValueKind::Str(json_string(range.slice(self.text))),
                ))
            }
            b'-' | b'0'..=b'9' => {
                let range = self.number()?;
                let number = range.slice(self.text).parse().ok()?;
                Some(Value::new(range, ValueKind::Number(number)))
            }
            _ => {
                let (word, kind) = [
                    ("true", ValueKind::Bool(true)),
                    ("false", ValueKind::Bool(false)),
                    ("null", ValueKind::Null),
                ]
                .into_iter()
                .find(|(word, _)| self.text[start..].starts_with(word))?;
                self.at += word.len();
                self.delimited()?;
                Some(Value::new(TextRange::new(start, self.at), kind))
            }
        }
    }

    /// Reads a nested value, refusing nesting deeper than a parsed tree can hold.
    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Option<Value>) -> Option<Value> {
        self.depth += 1;
        if self.depth > crate::text::MAX_TREE_DEPTH {
            return None;
        }
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn object(&mut self, start: usize) -> Option<Value> {
        self.eat(b'{')?;
        let mut entries = Vec::new();
        self.skip_space();
        if self.eat(b'}').is_none() {
            loop {
                self.skip_space();
                let key_range = self.string()?;
                self.skip_space();
                self.eat(b':')?;
                self.skip_space();
                let value = self.value()?;
                entries.push(Entry {
                    key: json_string(key_range.slice(self.text)),
                    key_range,
                    value,
                });
                self.skip_space();
                if self.eat(b',').is_some() {
                    continue;
                }
                self.eat(b'}')?;
                break;
            }
        }
        let range = TextRange::new(start, self.at);
        Some(Value::new(range, ValueKind::Map(entries)).into_long_form())
    }

    fn array(&mut self, start: usize) -> Option<Value> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.skip_space();
        if self.eat(b']').is_none() {
            loop {
                self.skip_space();
                items.push(self.value()?);
                self.skip_space();
                if self.eat(b',').is_some() {
                    continue;
                }
                self.eat(b']')?;
                break;
            }
        }
        Some(Value::new(
            TextRange::new(start, self.at),
            ValueKind::Seq(items),
        ))
    }

    /// The range of a string, quotes included; `None` for one that spans lines (not JSON).
    fn string(&mut self) -> Option<TextRange> {
        let start = self.at;
        self.eat(b'"')?;
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => {
                    self.at += 1;
                    return Some(TextRange::new(start, self.at));
                }
                // The escapes tree-sitter-json reads (`\u` then its digits as plain content).
                b'\\' => match self.bytes.get(self.at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u' => self.at += 2,
                    _ => return None,
                },
                b'\n' | b'\r' => return None,
                _ => self.at += 1,
            }
        }
    }

    /// A number as JSON writes it, as far as tree-sitter-json reads it too:
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE]-?[0-9]+)?`.
    fn number(&mut self) -> Option<TextRange> {
        let start = self.at;
        let _ = self.eat(b'-');
        match self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            self.bytes.get(self.at)?.is_ascii_digit().then_some(())?;
            self.digits();
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            // tree-sitter-json takes no `+` in an exponent: `1e+3` is a syntax error there.
            let _ = self.eat(b'-');
            self.bytes.get(self.at)?.is_ascii_digit().then_some(())?;
            self.digits();
        }
        self.delimited()?;
        Some(TextRange::new(start, self.at))
    }

    fn digits(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }

    /// A number or keyword must end where JSON puts a delimiter.
    fn delimited(&self) -> Option<()> {
        match self.bytes.get(self.at) {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}') => Some(()),
            Some(_) => None,
        }
    }
}

fn json_string(source: &str) -> String {
    serde_json::from_str::<String>(source).unwrap_or_else(|_| source.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::languages::FileKind;

    fn parse(kind: FileKind, text: &str) -> Value {
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&kind.tree_sitter_language())
            .expect("grammar loads");
        let tree = parser.parse(text, None).expect("parses");
        match kind {
            FileKind::JsonTemplate => from_json(&tree, text),
            _ => from_yaml(&tree, text),
        }
        .expect("has a document")
    }

    #[test]
    fn reads_yaml_short_and_long_intrinsics_with_ranges() {
        let text = "A: !Ref Fn\nB: !GetAtt Fn.Arn\nC:\n  Fn::Sub: '${Api}/*'\nD: [1, true, null]\nE: |\n  line\n";
        let root = parse(FileKind::YamlTemplate, text);
        let a = root.get("A").expect("A");
        assert_eq!(a.intrinsic().map(|(name, _)| name), Some("Ref"));
        assert_eq!(a.range.slice(text), "!Ref Fn");
        let (name, argument) = root.get("C").and_then(Value::intrinsic).expect("C");
        assert_eq!((name, argument.as_str()), ("Fn::Sub", Some("${Api}/*")));
        let d = root.get("D").expect("D");
        assert_eq!(
            d.items().iter().map(|v| v.kind.clone()).collect::<Vec<_>>(),
            vec![
                ValueKind::Number(1.0),
                ValueKind::Bool(true),
                ValueKind::Null
            ]
        );
        assert_eq!(root.get("E").and_then(Value::as_str), Some("line\n"));
        assert_eq!(root.entry("B").map(|e| e.key_range.slice(text)), Some("B"));
    }

    #[test]
    fn reads_json_long_forms() {
        let text = r#"{"A": {"Fn::GetAtt": ["Fn", "Arn"]}, "B": "x\"y", "C": 30}"#;
        let root = parse(FileKind::JsonTemplate, text);
        let (name, argument) = root.get("A").and_then(Value::intrinsic).expect("A");
        assert_eq!(name, "Fn::GetAtt");
        assert_eq!(argument.items().len(), 2);
        assert_eq!(root.get("B").and_then(Value::as_str), Some("x\"y"));
        assert_eq!(root.get("C").and_then(Value::as_number), Some(30.0));
    }

    /// Every JSON text tree-sitter reads without error reads to the same value from the text as
    /// from the tree: the fixtures, and thousands of random one-character edits of them.
    #[test]
    fn json_read_from_the_text_equals_the_tree_walk() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/templates");
        let mut texts: Vec<String> = ["sam_events.json", "rest_api.json"]
            .iter()
            .map(|name| std::fs::read_to_string(format!("{fixtures}/{name}")).expect("fixture"))
            .collect();
        texts.push(
            r#"{"a": [1, -0.5, 0, 12e3, 2E7, 1e-2, -0, true, false, null, {}, []], "b\u00e9\"": "\n\t\\x",
  "c": {"Ref": "X"}, "d": {"Fn::If": ["C", {"Ref": "A"}, "b"]}, "é": "ünï", "e": [[[]]]}"#
                .to_owned(),
        );
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&FileKind::JsonTemplate.tree_sitter_language())
            .expect("grammar loads");
        let mut compare = |text: &str| -> bool {
            let tree = parser.parse(text, None).expect("parses");
            if tree.root_node().has_error() {
                // What reads without a tree must be what the grammar reads without error.
                assert_eq!(JsonText::new(text).document(), None, "{text}");
                return false;
            }
            let walked = from_json_tree(&tree, text);
            match JsonText::new(text).document() {
                Some(read) => {
                    assert_eq!(Some(read), walked, "{text}");
                    true
                }
                None => false,
            }
        };
        for text in &texts {
            assert!(compare(text), "strict JSON reads from the text: {text}");
        }
        // A fixed linear congruential sequence: the same edits on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |bound: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % bound.max(1)
        };
        let alphabet = [
            '"', '\\', '{', '+', 'u', '\'', '}', '[', ']', ',', ':', '0', '-', '.', 'e', 'x', ' ',
            '\n', '/', '*', 't',
        ];
        let (mut edits, mut read) = (0, 0);
        for text in &texts {
            for _ in 0..1_500 {
                let mut edited = text.clone();
                let mut at = next(edited.len());
                while !edited.is_char_boundary(at) {
                    at -= 1;
                }
                if next(2) == 0 {
                    edited.insert(at, alphabet[next(alphabet.len())]);
                } else if let Some(removed) = edited[at..].chars().next() {
                    edited.replace_range(at..at + removed.len_utf8(), "");
                }
                edits += 1;
                read += usize::from(compare(&edited));
            }
        }
        // Many edits keep the text strict JSON (inside strings, spaces): those were compared.
        assert!(read > edits / 10, "{read} of {edits}");
    }

    #[test]
    fn alias_expansion_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let previous = level - 1;
            text.push_str(&format!(
                "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]\n"
            ));
        }
        let root = parse(FileKind::YamlTemplate, &text);
        assert!(root.size() < ALIAS_BUDGET * 2);
    }
}
