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

/// Building value trees for readers of other formats (the Serverless Framework, Terraform),
/// which write the CloudFormation a configuration stands for with ranges in their own text.
pub(super) mod build {
    use super::{Entry, Intrinsic, Value, ValueKind};
    use crate::text::TextRange;

    pub fn map(range: TextRange, entries: Vec<Entry>) -> Value {
        Value::new(range, ValueKind::Map(entries))
    }

    pub fn entry(key: &str, key_range: TextRange, value: Value) -> Entry {
        Entry {
            key: key.to_owned(),
            key_range,
            value,
        }
    }

    pub fn string(range: TextRange, text: &str) -> Value {
        Value::new(range, ValueKind::Str(text.to_owned()))
    }

    /// An intrinsic function call (`Ref`, `Fn::GetAtt`, `Fn::Sub`, ...).
    pub fn intrinsic(range: TextRange, name: &str, argument: Value) -> Value {
        Value::new(
            range,
            ValueKind::Intrinsic(Box::new(Intrinsic {
                name: name.into(),
                argument,
            })),
        )
    }

    pub fn reference(range: TextRange, logical_id: &str) -> Value {
        intrinsic(range, "Ref", string(range, logical_id))
    }

    pub fn get_att(range: TextRange, logical_id: &str, attribute: &str) -> Value {
        let pair = vec![string(range, logical_id), string(range, attribute)];
        intrinsic(range, "Fn::GetAtt", Value::new(range, ValueKind::Seq(pair)))
    }

    /// A value gatelint cannot know: a reference to nothing of the model, which
    /// [`crate::templates::Template::string`] and `number` read as unknown.
    pub fn unknown(range: TextRange) -> Value {
        reference(range, "AWS::NoValue")
    }

    pub fn is_unknown(value: &Value) -> bool {
        matches!(value.intrinsic(), Some(("Ref", name)) if name.as_str() == Some("AWS::NoValue"))
    }

    /// A resource: `Type` and `Properties`.
    pub fn resource(range: TextRange, type_name: &str, properties: Vec<Entry>) -> Value {
        map(
            range,
            vec![
                entry("Type", range, string(range, type_name)),
                entry("Properties", range, map(range, properties)),
            ],
        )
    }
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
    /// Moves every range in the value by `delta` bytes (a piece of text that moved after an edit).
    pub fn shift(&mut self, delta: isize) {
        if delta == 0 {
            return;
        }
        let by = |range: &mut TextRange| {
            range.start = range.start.saturating_add_signed(delta);
            range.end = range.end.saturating_add_signed(delta);
        };
        by(&mut self.range);
        match &mut self.kind {
            ValueKind::Map(entries) => {
                for entry in entries {
                    by(&mut entry.key_range);
                    entry.value.shift(delta);
                }
            }
            ValueKind::Seq(items) => items.iter_mut().for_each(|item| item.shift(delta)),
            ValueKind::Intrinsic(intrinsic) => intrinsic.argument.shift(delta),
            ValueKind::Str(_) | ValueKind::Number(_) | ValueKind::Bool(_) | ValueKind::Null => {}
        }
    }

    /// A value as the readers build it: a mapping's or sequence's vector holds no spare room.
    /// Grown one push at a time, a vector keeps room for at least four elements (an entry is
    /// 88 bytes) and doubles past that, while most mappings of a template hold one to three
    /// entries; kept for the whole run in every template's model, the spare room was most of
    /// the monorepo's value trees (16 of its 45 MB of heap at the peak).
    fn new(range: TextRange, mut kind: ValueKind) -> Self {
        match &mut kind {
            ValueKind::Map(entries) => entries.shrink_to_fit(),
            ValueKind::Seq(items) => items.shrink_to_fit(),
            ValueKind::Str(text) => text.shrink_to_fit(),
            ValueKind::Number(_)
            | ValueKind::Bool(_)
            | ValueKind::Null
            | ValueKind::Intrinsic(_) => {}
        }
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
    pub(super) fn into_long_form(self) -> Value {
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

/// Moves the entries of a mapping (their keys and values) by `delta` bytes.
pub fn shift_entries(entries: &mut [Entry], delta: isize) {
    if delta == 0 {
        return;
    }
    for entry in entries {
        entry.key_range.start = entry.key_range.start.saturating_add_signed(delta);
        entry.key_range.end = entry.key_range.end.saturating_add_signed(delta);
        entry.value.shift(delta);
    }
}

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

    /// [`YamlPieces::read`], and whether the piece stands alone: it defines no anchor and reads
    /// no alias, so that its value is its own text's whatever the pieces around it hold (and a
    /// piece after it reads nothing of it).
    pub fn read_alone(&mut self, tree: &Tree, base: usize) -> (Option<Value>, bool) {
        let before = self.reader.anchor_uses;
        let value = self.reader.document(tree, base);
        (value, self.reader.anchor_uses == before)
    }
}

struct YamlReader<'t> {
    /// The whole text; node offsets are relative to `base` within it.
    text: &'t str,
    base: usize,
    anchors: HashMap<String, (Value, usize)>,
    alias_budget: usize,
    /// Anchors defined and aliases read so far.
    anchor_uses: usize,
}

impl<'t> YamlReader<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            base: 0,
            anchors: HashMap::new(),
            alias_budget: ALIAS_BUDGET,
            anchor_uses: 0,
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
            self.anchor_uses += 1;
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
                self.anchor_uses += 1;
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
    from_json_at(tree, text, 0)
}

/// Reads a tree-sitter-json tree of `text`, a piece of a larger text starting at `base` in it:
/// the ranges are in the larger text.
pub fn from_json_at(tree: &Tree, text: &str, base: usize) -> Option<Value> {
    let root = tree.root_node();
    let mut cursor = root.walk();
    let value = root
        .named_children(&mut cursor)
        .find(|node| node.kind() != "comment")?;
    // One cursor walks the whole document: a cursor per node, and looking pairs' children up by
    // field name, cost more than the parse on a large template.
    let mut cursor = value.walk();
    Some(json_value(&mut cursor, text, base))
}

/// The value at the cursor's node; the cursor is back on that node when it returns.
fn json_value(cursor: &mut TreeCursor<'_>, text: &str, base: usize) -> Value {
    let node = cursor.node();
    let local = TextRange::of_node(&node);
    let source = local.slice(text);
    let range = TextRange::new(local.start + base, local.end + base);
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
                    Some("value") if value.is_none() => {
                        value = Some(json_value(cursor, text, base))
                    }
                    _ => {}
                });
                if let (Some(key), Some(value)) = (key, value) {
                    let key_range = TextRange::of_node(&key);
                    entries.push(Entry {
                        key: json_string(key_range.slice(text)),
                        key_range: TextRange::new(key_range.start + base, key_range.end + base),
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
                    items.push(json_value(cursor, text, base));
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

/// The content of a JSON string literal as written (unescaped; the quotes stripped when it is not
/// valid JSON).
pub(crate) fn json_string(source: &str) -> String {
    serde_json::from_str::<String>(source).unwrap_or_else(|_| source.trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FileKind;

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
