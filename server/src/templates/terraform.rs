//! Terraform configurations (`*.tf`), read into the template model as the CloudFormation-shaped
//! stack of the AWS resources they declare, every value keeping its range in the `.tf` text.
//!
//! Terraform's AWS resource types map almost one to one onto CloudFormation's:
//! `aws_lambda_function` is an `AWS::Lambda::Function` (its code folder from the `archive_file`
//! data source its `filename` names), `aws_lambda_permission` an `AWS::Lambda::Permission`,
//! `aws_api_gateway_*` the `AWS::ApiGateway::*` resources and `aws_apigatewayv2_*` the
//! `AWS::ApiGatewayV2::*` ones. Terraform writes a REST API method's integration as a resource of
//! its own (`aws_api_gateway_integration`, with `_integration_response`s and the method's
//! `_method_response`s beside it): each integration becomes the `AWS::ApiGateway::Method` it
//! configures, with those responses in it. The logical id of a resource is its Terraform address
//! (`aws_lambda_function.orders`).
//!
//! References become the intrinsics the model reads: `aws_lambda_function.x.arn` and
//! `.invoke_arn` a `Fn::GetAtt` of the function's `Arn`, `.function_name` and `.id` a `Ref`,
//! an API's `execution_arn` a `Ref` of the API (so `"${...execution_arn}/*/*"` is a `Fn::Join`
//! whose tail the permission rules read), `root_resource_id` the `RootResourceId` attribute.
//! `var.x` with a default, `local.x` and `path.module` resolve; string templates whose parts
//! resolve are plain strings, a conditional on a known value is its branch, and a `for`
//! expression or `merge` over known collections is the collection it makes. Everything else
//! (data sources, outputs of modules not read, most functions) is unknown: a value nothing is
//! concluded from.
//!
//! A local module (`module "api" { source = "./modules/api" }`, see [`is_local_source`]) whose
//! folder the workspace read ([`ModuleFolder`], its files after the configuration's in the
//! combined text) is compiled with its caller, once per instance of the `module` block: its
//! variables bound to the arguments the block gives, resolved in the caller (else their default;
//! neither: unknown), `path.module` its folder from the root's, and what it compiles to read in
//! the caller under its address (`module.api.aws_lambda_function.this`,
//! `module.api["k"].aws_...`): its resources and parameters, and the values of its `output`s
//! (`module.api.invoke_arn` in the caller). The caller's logical ids inside the arguments are
//! marked (`CALLER`) so that renaming the module's ids leaves them alone. A block whose
//! instances are unknown compiles the module once, marked incomplete. Local modules are followed
//! [`MAX_MODULE_DEPTH`] deep; a module whose outputs depend on themselves is unknown.
//!
//! A block with `count` or `for_each` over a statically known collection is one resource per
//! instance, addressed as Terraform does (`aws_lambda_function.f["k"]`, `..._function.g[0]`),
//! compiled with `count.index` / `each.key` / `each.value` bound; a reference with an index names
//! that instance (a computed index such as `[each.key]` is resolved in the instance it is read
//! in). A `count` or `for_each` not statically known leaves the block as one resource marked
//! incomplete: rules say nothing about it, and as a permission it may cover any function.
//!
//! Terraform never adds a Lambda permission by itself (SAM does for its events): an integration
//! without an `aws_lambda_permission` fails with 500. A `module` block not read (a registry or
//! Git module, a folder not read) that is given one of the configuration's functions may grant
//! the permission itself: it counts as an unread permission for that function, and so does an
//! `output` naming a function in a configuration without a `provider` block (a module read on its
//! own, whose caller may grant it). A configuration is all the `.tf` files of one folder; the workspace reads
//! them as one text (see [`super::TemplateModel::configuration`]), each file's [`Blocks`] read once. Read alone, a file is
//! [`super::Template::partial`], and the permission rules say nothing about it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use super::model::{Dialect, Syntax, Template};
use super::value::build::{entry, get_att, intrinsic, is_unknown, map, reference, unknown};
use super::value::{Entry, Value, ValueKind};
use crate::text::TextRange;

/// `Metadata.BuildMethod` of a Terraform function: its code folder is often build output (an
/// `archive_file` of a folder a build step writes), so a missing folder or module is unknown.
pub const BUILD: &str = "terraform";

/// Whether a file name is a Terraform configuration file.
pub fn is_configuration_file(name: &str) -> bool {
    name.ends_with(".tf")
}

/// One block of the configuration (`resource "aws_lambda_function" "x" { ... }`).
#[derive(Clone, Debug)]
struct Block {
    kind: String,
    labels: Vec<(String, TextRange)>,
    range: TextRange,
    body: Body,
}

#[derive(Clone, Debug, Default)]
struct Body {
    attributes: Vec<Entry>,
    blocks: Vec<Block>,
}

impl Block {
    /// Moves every range of the block `by` bytes later (into a joined text).
    fn shift(&mut self, by: usize) {
        let shift =
            |range: &mut TextRange| *range = TextRange::new(range.start + by, range.end + by);
        shift(&mut self.range);
        for (_, range) in &mut self.labels {
            shift(range);
        }
        self.body.shift(by);
    }
}

impl Body {
    fn shift(&mut self, by: usize) {
        for attribute in &mut self.attributes {
            attribute.key_range =
                TextRange::new(attribute.key_range.start + by, attribute.key_range.end + by);
            attribute.value.shift(by as isize);
        }
        for block in &mut self.blocks {
            block.shift(by);
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.attributes
            .iter()
            .rev()
            .find(|entry| entry.key == key)
            .map(|entry| &entry.value)
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.attributes.iter().rev().find(|entry| entry.key == key)
    }
}

/// The blocks of one `.tf` text, read once from its tree: what joining the files of a
/// configuration needs, so that no file is parsed again when a sibling changes.
#[derive(Clone, Debug, Default)]
pub struct Blocks {
    blocks: Vec<Block>,
    /// What tree-sitter could not read.
    unread: Vec<TextRange>,
    /// The range of the whole text.
    whole: TextRange,
}

impl Blocks {
    /// Reads the blocks of a parsed `.tf` text.
    pub fn read(tree: &Tree, text: &str) -> Blocks {
        let reader = Reader { text };
        let mut blocks = Vec::new();
        let root = tree.root_node();
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            if child.kind() == "body" {
                let mut inner = child.walk();
                for node in child.named_children(&mut inner) {
                    if node.kind() == "block" {
                        if let Some(block) = reader.block(node, 0) {
                            blocks.push(block);
                        }
                    }
                }
            }
        }
        Blocks {
            blocks,
            unread: crate::text::error_ranges(tree),
            whole: root_range(root),
        }
    }
}

/// Reads a parsed `.tf` text into the model.
pub fn read(tree: &Tree, text: &str) -> Template {
    compile(&[(&Blocks::read(tree, text), 0)], &[], None)
}

/// A local module (`module "api" { source = "./modules/api" }`) as the workspace read its
/// folder: each `.tf` file's blocks at its offset in the combined text, and the local modules
/// it calls in turn, by the name of the calling block (`None`: a folder not read).
#[derive(Clone, Debug, Default)]
pub struct ModuleFolder {
    /// Where its text begins in the combined text: calls given the same copy share one.
    pub id: usize,
    pub parts: Vec<(Arc<Blocks>, usize)>,
    pub calls: Vec<(String, Option<ModuleFolder>)>,
}

/// A `module` block whose `source` is a local path, as written in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalCall {
    /// The block's name (`api` of `module "api"`).
    pub name: String,
    /// The path as written (`./modules/api`).
    pub source: String,
    /// Where the path is written.
    pub source_range: TextRange,
}

/// Whether a module `source` is a local path: Terraform reads only `./` and `../` paths as
/// folders of the project (anything else is a registry, Git, S3 or HTTP address).
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

/// The `module` blocks of a file whose `source` is a local path.
pub fn local_module_calls(blocks: &Blocks) -> Vec<LocalCall> {
    blocks
        .blocks
        .iter()
        .filter_map(|block| {
            let ("module", [(name, _)]) = (block.kind.as_str(), block.labels.as_slice()) else {
                return None;
            };
            let source = block.body.get("source")?;
            let text = source.as_str().filter(|text| is_local_source(text))?;
            Some(LocalCall {
                name: name.clone(),
                source: text.to_owned(),
                source_range: source.range,
            })
        })
        .collect()
}

/// How deep local modules are followed (a module calling a module ...).
pub const MAX_MODULE_DEPTH: usize = 4;

/// Compiles the blocks of the files of one configuration into the model, each file's blocks
/// at its offset in the text the files are joined in (`whole`: that text's range; `None`: the
/// one file's own), with the local modules it calls that the workspace read (`calls`, by the
/// name of the calling block): their resources are the configuration's, addressed
/// `module.<name>.<address>`. A local module not among `calls` is not read.
pub fn compile(
    parts: &[(&Blocks, usize)],
    calls: &[(String, Option<ModuleFolder>)],
    whole: Option<TextRange>,
) -> Template {
    let joined: Vec<Block>;
    let blocks: &[Block] = match parts {
        [(only, 0)] => &only.blocks,
        _ => {
            joined = join(parts.iter().map(|(part, offset)| (*part, *offset)));
            &joined
        }
    };
    let calls = joined_calls(calls, &mut HashMap::new());
    let whole = whole
        .or_else(|| parts.first().map(|(part, _)| part.whole))
        .unwrap_or_default();
    let compiled = Compiler::new(blocks, &calls, 0).compile(whole);
    let mut template = Template::from_value(compiled.root, Syntax::Yaml);
    template.dialect = Dialect::Terraform;
    template.is_sam = false;
    for resource in &mut template.resources {
        if compiled.incomplete.contains(&resource.logical_id) {
            resource.incomplete = true;
        }
    }
    let unread = parts
        .iter()
        .flat_map(|(part, offset)| {
            part.unread
                .iter()
                .map(move |range| TextRange::new(range.start + offset, range.end + offset))
        })
        .collect();
    template.mark_unread(unread);
    template
}

/// The blocks of files joined in one text, each moved to its offset.
fn join<'a>(parts: impl Iterator<Item = (&'a Blocks, usize)>) -> Vec<Block> {
    parts
        .flat_map(|(part, offset)| {
            part.blocks.iter().map(move |block| {
                let mut block = block.clone();
                block.shift(offset);
                block
            })
        })
        .collect()
}

/// A local module's folder, its files' blocks joined.
struct Joined {
    blocks: Vec<Block>,
    calls: Calls,
}

/// The local modules read, by the name of the calling block (`None`: not read).
type Calls = HashMap<String, Option<Rc<Joined>>>;

/// The calls' folders joined, each copy of a folder once (`seen`, by [`ModuleFolder::id`]).
fn joined_calls(
    calls: &[(String, Option<ModuleFolder>)],
    seen: &mut HashMap<usize, Rc<Joined>>,
) -> Calls {
    calls
        .iter()
        .map(|(name, folder)| {
            let folder = folder.as_ref().map(|folder| {
                if let Some(known) = seen.get(&folder.id) {
                    return Rc::clone(known);
                }
                let joined = Rc::new(Joined {
                    blocks: join(
                        folder
                            .parts
                            .iter()
                            .map(|(part, offset)| (part.as_ref(), *offset)),
                    ),
                    calls: joined_calls(&folder.calls, seen),
                });
                seen.insert(folder.id, Rc::clone(&joined));
                joined
            });
            (name.clone(), folder)
        })
        .collect()
}

/// `path.module` of a module at `source` called from a module at `base`, relative to the root
/// module's folder as Terraform gives it (`modules/api`; `.` for the root).
fn module_path(base: &str, source: &str) -> String {
    let mut parts: Vec<&str> = base
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// Marks a logical id of the calling configuration inside a value handed to a module, so that
/// the module's ids, prefixed with its address, are told from the caller's.
const CALLER: char = '\u{1}';

/// Renames the logical ids a value's `Ref`s and `Fn::GetAtt`s name (not `AWS::` pseudo ids).
fn rename_ids(value: &mut Value, rename: &dyn Fn(&str) -> String) {
    match &mut value.kind {
        ValueKind::Map(entries) => entries
            .iter_mut()
            .for_each(|entry| rename_ids(&mut entry.value, rename)),
        ValueKind::Seq(items) => items.iter_mut().for_each(|item| rename_ids(item, rename)),
        ValueKind::Intrinsic(call) => {
            let id = match (call.name.as_str(), &mut call.argument.kind) {
                ("Ref", ValueKind::Str(id)) => Some(id),
                ("Fn::GetAtt", ValueKind::Seq(parts)) => match parts.first_mut() {
                    Some(Value {
                        kind: ValueKind::Str(id),
                        ..
                    }) => Some(id),
                    _ => None,
                },
                _ => None,
            };
            match id {
                Some(id) if !id.contains("::") => *id = rename(id),
                Some(_) => {}
                None => rename_ids(&mut call.argument, rename),
            }
        }
        _ => {}
    }
}

/// A value of the caller handed to a module: its ids marked as the caller's.
fn marked(mut value: Value) -> Value {
    rename_ids(&mut value, &|id| format!("{CALLER}{id}"));
    value
}

/// A module's id or value read in its caller: the module's own ids under its address
/// (`prefix`: `module.api.`), the caller's unmarked.
fn in_caller(id: &str, prefix: &str) -> String {
    match id.strip_prefix(CALLER) {
        Some(callers) => callers.to_owned(),
        None => format!("{prefix}{id}"),
    }
}

fn entry_in_caller(mut entry: Entry, prefix: &str) -> Entry {
    entry.key = in_caller(&entry.key, prefix);
    rename_ids(&mut entry.value, &|id| in_caller(id, prefix));
    entry
}

fn root_range(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

struct Reader<'t> {
    text: &'t str,
}

const MAX_DEPTH: usize = 48;

impl Reader<'_> {
    fn slice(&self, node: Node) -> &str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn block(&self, node: Node, depth: usize) -> Option<Block> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut cursor = node.walk();
        let mut kind = None;
        let mut labels = Vec::new();
        let mut body = Body::default();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "identifier" if kind.is_none() => kind = Some(self.slice(child).to_owned()),
                "identifier" => labels.push((self.slice(child).to_owned(), range(child))),
                "string_lit" => labels.push((string_content(self, child), range(child))),
                "body" => body = self.body(child, depth + 1),
                _ => {}
            }
        }
        Some(Block {
            kind: kind?,
            labels,
            range: range(node),
            body,
        })
    }

    fn body(&self, node: Node, depth: usize) -> Body {
        let mut body = Body::default();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "attribute" => {
                    let mut inner = child.walk();
                    let parts: Vec<Node> = child.named_children(&mut inner).collect();
                    let (Some(name), Some(expression)) = (
                        parts.iter().find(|n| n.kind() == "identifier"),
                        parts.iter().find(|n| n.kind() == "expression"),
                    ) else {
                        continue;
                    };
                    body.attributes.push(Entry {
                        key: self.slice(*name).to_owned(),
                        key_range: range(*name),
                        value: self.expression(*expression, depth + 1),
                    });
                }
                "block" => {
                    if let Some(block) = self.block(child, depth + 1) {
                        body.blocks.push(block);
                    }
                }
                _ => {}
            }
        }
        body
    }

    /// An expression as a value: literals as themselves, everything else as a `TF::` intrinsic
    /// the compiler resolves (`TF::Ref` a traversal, `TF::Template` a string template,
    /// `TF::Call` a function call, `TF::Unknown` anything else).
    fn expression(&self, node: Node, depth: usize) -> Value {
        let at = range(node);
        if depth > MAX_DEPTH {
            return unknown(at);
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        match node.kind() {
            "expression" => {
                let Some(first) = children.first() else {
                    return unknown(at);
                };
                if first.kind() == "variable_expr" {
                    return self.traversal(first, &children[1..], at);
                }
                if children.len() == 1 {
                    return Value {
                        range: at,
                        ..self.expression(*first, depth + 1)
                    };
                }
                unknown(at)
            }
            "literal_value" => match children.first() {
                Some(inner) => self.expression(*inner, depth + 1),
                None => unknown(at),
            },
            "numeric_lit" => match self.slice(node).parse::<f64>() {
                Ok(number) => value(at, ValueKind::Number(number)),
                Err(_) => unknown(at),
            },
            // `-1`: a negative number; any other operation is computed.
            "operation" => {
                let written: String = self.slice(node).split_whitespace().collect();
                match written.strip_prefix('-').map(str::parse::<f64>) {
                    Some(Ok(number)) => value(at, ValueKind::Number(-number)),
                    _ => unknown(at),
                }
            }
            "for_expr" => match children.first() {
                Some(inner) => self.for_expression(*inner, depth + 1),
                None => unknown(at),
            },
            "conditional" => {
                let parts: Vec<Value> = children
                    .iter()
                    .filter(|n| n.kind() == "expression")
                    .map(|n| self.expression(*n, depth + 1))
                    .collect();
                if parts.len() != 3 {
                    return unknown(at);
                }
                intrinsic(at, "TF::Cond", value(at, ValueKind::Seq(parts)))
            }
            "bool_lit" => value(at, ValueKind::Bool(self.slice(node) == "true")),
            "null_lit" => value(at, ValueKind::Null),
            "string_lit" => value(at, ValueKind::Str(string_content(self, node))),
            "template_expr" => match children.first() {
                Some(inner) => self.expression(*inner, depth + 1),
                None => unknown(at),
            },
            "quoted_template" => {
                let mut parts = Vec::new();
                for child in &children {
                    match child.kind() {
                        "template_literal" => parts.push(value(
                            range(*child),
                            ValueKind::Str(unescape(self.slice(*child))),
                        )),
                        "template_interpolation" => {
                            let mut inner = child.walk();
                            let expression = child
                                .named_children(&mut inner)
                                .find(|n| n.kind() == "expression");
                            match expression {
                                Some(expression) => {
                                    parts.push(self.expression(expression, depth + 1))
                                }
                                None => return unknown(at),
                            }
                        }
                        "quoted_template_start" | "quoted_template_end" => {}
                        _ => return unknown(at),
                    }
                }
                intrinsic(at, "TF::Template", value(at, ValueKind::Seq(parts)))
            }
            "heredoc_template" => {
                let literal: Vec<&Node> = children
                    .iter()
                    .filter(|n| !matches!(n.kind(), "heredoc_start" | "heredoc_identifier"))
                    .collect();
                match literal.as_slice() {
                    [only] if only.kind() == "template_literal" => {
                        value(at, ValueKind::Str(self.slice(**only).to_owned()))
                    }
                    [] => value(at, ValueKind::Str(String::new())),
                    _ => unknown(at),
                }
            }
            "collection_value" => match children.first() {
                Some(inner) => self.expression(*inner, depth + 1),
                None => unknown(at),
            },
            "tuple" => value(
                at,
                ValueKind::Seq(
                    children
                        .iter()
                        .filter(|n| n.kind() == "expression")
                        .map(|n| self.expression(*n, depth + 1))
                        .collect(),
                ),
            ),
            "object" => {
                let mut entries = Vec::new();
                for element in children.iter().filter(|n| n.kind() == "object_elem") {
                    let (Some(key), Some(val)) = (
                        element.child_by_field_name("key"),
                        element.child_by_field_name("val"),
                    ) else {
                        return unknown(at);
                    };
                    let key_value = self.expression(key, depth + 1);
                    let name = match (&key_value.kind, key_value.intrinsic()) {
                        (ValueKind::Str(text), _) => text.clone(),
                        (_, Some(("TF::Ref", path)))
                            if path.as_str().is_some_and(|p| !p.contains('.')) =>
                        {
                            path.as_str().unwrap_or("").to_owned()
                        }
                        (_, Some(("TF::Template", parts))) => match literal_template(parts) {
                            Some(text) => text,
                            None => return unknown(at),
                        },
                        _ => return unknown(at),
                    };
                    entries.push(Entry {
                        key: name,
                        key_range: range(key),
                        value: self.expression(val, depth + 1),
                    });
                }
                value(at, ValueKind::Map(entries))
            }
            "function_call" => {
                let name = children
                    .iter()
                    .find(|n| n.kind() == "identifier")
                    .map(|n| self.slice(*n).to_owned())
                    .unwrap_or_default();
                let arguments: Vec<Value> = children
                    .iter()
                    .filter(|n| n.kind() == "function_arguments")
                    .flat_map(|arguments| {
                        let mut inner = arguments.walk();
                        arguments
                            .named_children(&mut inner)
                            .filter(|n| n.kind() == "expression")
                            .map(|n| self.expression(n, depth + 1))
                            .collect::<Vec<_>>()
                    })
                    .collect();
                let mut items = vec![value(at, ValueKind::Str(name))];
                items.extend(arguments);
                intrinsic(at, "TF::Call", value(at, ValueKind::Seq(items)))
            }
            _ => unknown(at),
        }
    }

    /// `{ for k, v in c : key => value if cond }` and `[ for v in c : value ]` as a `TF::For`
    /// of a map: `names`, `in`, `key` (objects), `value`, `if` (when written). A grouping
    /// (`...`) is unknown.
    fn for_expression(&self, node: Node, depth: usize) -> Value {
        let at = range(node);
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        if children.iter().any(|n| n.kind() == "ellipsis") {
            return unknown(at);
        }
        let Some(intro) = children.iter().find(|n| n.kind() == "for_intro") else {
            return unknown(at);
        };
        let mut inner = intro.walk();
        let intro_parts: Vec<Node> = intro.named_children(&mut inner).collect();
        let names: Vec<Value> = intro_parts
            .iter()
            .filter(|n| n.kind() == "identifier")
            .map(|n| value(range(*n), ValueKind::Str(self.slice(*n).to_owned())))
            .collect();
        let Some(collection) = intro_parts.iter().find(|n| n.kind() == "expression") else {
            return unknown(at);
        };
        let expressions: Vec<Value> = children
            .iter()
            .filter(|n| n.kind() == "expression")
            .map(|n| self.expression(*n, depth + 1))
            .collect();
        let mut entries = vec![
            entry("names", at, value(at, ValueKind::Seq(names))),
            entry("in", at, self.expression(*collection, depth + 1)),
        ];
        match (node.kind(), expressions.as_slice()) {
            ("for_object_expr", [key, val]) => {
                entries.push(entry("key", at, key.clone()));
                entries.push(entry("value", at, val.clone()));
            }
            ("for_tuple_expr", [val]) => entries.push(entry("value", at, val.clone())),
            _ => return unknown(at),
        }
        if let Some(condition) = children.iter().find(|n| n.kind() == "for_cond") {
            let mut inner = condition.walk();
            let Some(expression) = condition
                .named_children(&mut inner)
                .find(|n| n.kind() == "expression")
            else {
                return unknown(at);
            };
            entries.push(entry("if", at, self.expression(expression, depth + 1)));
        }
        intrinsic(at, "TF::For", value(at, ValueKind::Map(entries)))
    }

    /// `a.b.c`, `a.b[0].c`, `a.b["k"].c`: a reference path, literal indexes written into it
    /// (`[0]`, `["k"]`); a computed index (`a.b[each.key]`) makes it a `TF::Ref` of a sequence
    /// (path texts and index expressions, in order) the compiler resolves. A splat is unknown.
    fn traversal(&self, head: &Node, rest: &[Node], at: TextRange) -> Value {
        let mut path = self.slice(*head).to_owned();
        let mut parts = Vec::new();
        for part in rest {
            match part.kind() {
                "get_attr" => {
                    let mut cursor = part.walk();
                    let Some(name) = part
                        .named_children(&mut cursor)
                        .find(|n| n.kind() == "identifier")
                    else {
                        return unknown(at);
                    };
                    path.push('.');
                    path.push_str(self.slice(name));
                }
                "index" => {
                    let mut cursor = part.walk();
                    let Some(inner) = part.named_children(&mut cursor).next() else {
                        return unknown(at);
                    };
                    if inner.kind() == "legacy_index" {
                        let text = self.slice(inner).trim_start_matches('.');
                        match text.parse::<u64>() {
                            Ok(number) => path.push_str(&format!("[{number}]")),
                            Err(_) => return unknown(at),
                        }
                        continue;
                    }
                    let mut inner_cursor = inner.walk();
                    let Some(expression) = inner
                        .named_children(&mut inner_cursor)
                        .find(|n| n.kind() == "expression")
                    else {
                        return unknown(at);
                    };
                    let index = self.expression(expression, 1);
                    match index_text(&index) {
                        Some(text) => path.push_str(&text),
                        None => {
                            parts.push(value(at, ValueKind::Str(std::mem::take(&mut path))));
                            parts.push(index);
                        }
                    }
                }
                _ => return unknown(at),
            }
        }
        if parts.is_empty() {
            return intrinsic(at, "TF::Ref", value(at, ValueKind::Str(path)));
        }
        parts.push(value(at, ValueKind::Str(path)));
        intrinsic(at, "TF::Ref", value(at, ValueKind::Seq(parts)))
    }
}

/// A literal index as written into a reference path: `[0]`, `["k"]`.
fn index_text(index: &Value) -> Option<String> {
    match &index.kind {
        ValueKind::Number(number) if *number >= 0.0 && number.fract() == 0.0 => {
            Some(format!("[{}]", *number as u64))
        }
        ValueKind::Str(text) => Some(format!("[{}]", quoted(text))),
        ValueKind::Intrinsic(call) if call.name == "TF::Template" => {
            literal_template(&call.argument).map(|text| format!("[{}]", quoted(&text)))
        }
        _ => None,
    }
}

/// A key as Terraform writes it in an address: `"k"`, with `"` and `\\` escaped.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// One step of a reference path.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    Attr(String),
    Index(Key),
}

/// The steps after `<kind>.<name>` of a reference to one attribute: `.attr` of the only
/// instance, or `[key].attr` of one instance.
fn instance_attribute(steps: &[Step]) -> Option<(Option<&Key>, &str)> {
    match steps {
        [Step::Attr(attribute)] => Some((None, attribute.as_str())),
        [Step::Index(key), Step::Attr(attribute)] => Some((Some(key), attribute.as_str())),
        _ => None,
    }
}

/// An instance key: `count.index` or `each.key`.
#[derive(Clone, Debug, PartialEq)]
enum Key {
    Number(u64),
    Text(String),
}

impl Key {
    fn of(value: &Value) -> Option<Key> {
        match &value.kind {
            ValueKind::Number(number) if *number >= 0.0 && number.fract() == 0.0 => {
                Some(Key::Number(*number as u64))
            }
            ValueKind::Str(text) => Some(Key::Text(text.clone())),
            _ => None,
        }
    }

    /// `[0]`, `["k"]`: the key as written after an address.
    fn suffix(&self) -> String {
        match self {
            Key::Number(number) => format!("[{number}]"),
            Key::Text(text) => format!("[{}]", quoted(text)),
        }
    }

    fn value(&self, at: TextRange) -> Value {
        match self {
            Key::Number(number) => value(at, ValueKind::Number(*number as f64)),
            Key::Text(text) => value(at, ValueKind::Str(text.clone())),
        }
    }
}

/// The steps of a reference path: `a.b["k"].c` is `a`, `b`, `["k"]`, `c`.
fn steps(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            if let Some(after) = after.strip_prefix('"') {
                let mut text = String::new();
                let mut chars = after.char_indices();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    match c {
                        '\\' => text.push(chars.next()?.1),
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        c => text.push(c),
                    }
                }
                let end = end?;
                rest = after[end + 1..].strip_prefix(']')?;
                steps.push(Step::Index(Key::Text(text)));
            } else {
                let (number, after) = after.split_once(']')?;
                steps.push(Step::Index(Key::Number(number.parse().ok()?)));
                rest = after;
            }
        } else {
            let rest_attr = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_attr.find(['.', '[']).unwrap_or(rest_attr.len());
            steps.push(Step::Attr(rest_attr[..end].to_owned()));
            rest = &rest_attr[end..];
        }
    }
    Some(steps)
}

fn range(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

fn string_content(reader: &Reader<'_>, node: Node) -> String {
    let mut cursor = node.walk();
    let literal = node
        .named_children(&mut cursor)
        .find(|n| n.kind() == "template_literal")
        .map(|n| unescape(reader.slice(n)))
        .unwrap_or_default();
    literal
}

/// HCL's string escapes; `$${` and `%%{` are a literal `${` and `%{`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\\' => match characters.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '$' if text.contains("$${") && characters.peek() == Some(&'$') => {
                characters.next();
                out.push('$');
            }
            other => out.push(other),
        }
    }
    out
}

/// The text of a `TF::Template` whose parts are all literal.
fn literal_template(parts: &Value) -> Option<String> {
    parts.items().iter().map(Value::as_str).collect()
}

/// A resource of `type_name` at `range`, its type at `type_at` (a label, a key: not the whole
/// block, where hover looks for the setting under the cursor).
fn typed(range: TextRange, type_at: TextRange, type_name: &str, properties: Vec<Entry>) -> Value {
    map(
        range,
        vec![
            entry(
                "Type",
                type_at,
                value(type_at, ValueKind::Str(type_name.into())),
            ),
            entry("Properties", range, map(range, properties)),
        ],
    )
}

fn value(range: TextRange, kind: ValueKind) -> Value {
    Value { range, kind }
}

/// The community modules gatelint reads as the resources they create.
enum CommunityModule {
    Lambda,
    ApiGatewayV2,
}

/// Which community module a `module` block calls, by its `source` (the registry address, or the
/// module's repository).
fn community_module(block: &Block) -> Option<CommunityModule> {
    let source = block.body.get("source")?.as_str()?;
    if source.starts_with("terraform-aws-modules/lambda/aws")
        || source.contains("terraform-aws-modules/terraform-aws-lambda")
    {
        Some(CommunityModule::Lambda)
    } else if source.starts_with("terraform-aws-modules/apigateway-v2/aws")
        || source.contains("terraform-aws-modules/terraform-aws-apigateway-v2")
    {
        Some(CommunityModule::ApiGatewayV2)
    } else {
        None
    }
}

/// Terraform resource types and the CloudFormation types they are read as.
const TYPES: &[(&str, &str)] = &[
    ("aws_lambda_function", "AWS::Lambda::Function"),
    ("aws_lambda_permission", "AWS::Lambda::Permission"),
    ("aws_lambda_alias", "AWS::Lambda::Alias"),
    ("aws_lambda_function_url", "AWS::Lambda::Url"),
    (
        "aws_lb_target_group",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
    ),
    (
        "aws_alb_target_group",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
    ),
    ("aws_lb", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
    ("aws_alb", "AWS::ElasticLoadBalancingV2::LoadBalancer"),
    ("aws_lb_listener", "AWS::ElasticLoadBalancingV2::Listener"),
    ("aws_alb_listener", "AWS::ElasticLoadBalancingV2::Listener"),
    (
        "aws_lb_listener_rule",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
    ),
    (
        "aws_alb_listener_rule",
        "AWS::ElasticLoadBalancingV2::ListenerRule",
    ),
    // No CloudFormation type: a target group's `Targets` entry written as its own resource.
    (
        "aws_lb_target_group_attachment",
        "AWS::ElasticLoadBalancingV2::TargetGroupAttachment",
    ),
    (
        "aws_alb_target_group_attachment",
        "AWS::ElasticLoadBalancingV2::TargetGroupAttachment",
    ),
    (
        "aws_lambda_event_source_mapping",
        "AWS::Lambda::EventSourceMapping",
    ),
    ("aws_api_gateway_rest_api", "AWS::ApiGateway::RestApi"),
    ("aws_api_gateway_resource", "AWS::ApiGateway::Resource"),
    ("aws_api_gateway_authorizer", "AWS::ApiGateway::Authorizer"),
    ("aws_apigatewayv2_api", "AWS::ApiGatewayV2::Api"),
    (
        "aws_apigatewayv2_integration",
        "AWS::ApiGatewayV2::Integration",
    ),
    ("aws_apigatewayv2_route", "AWS::ApiGatewayV2::Route"),
    (
        "aws_apigatewayv2_authorizer",
        "AWS::ApiGatewayV2::Authorizer",
    ),
];

/// Per type, Terraform's argument names and the CloudFormation properties they are read as.
fn properties_of(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "aws_lambda_function" => &[
            ("handler", "Handler"),
            ("runtime", "Runtime"),
            ("timeout", "Timeout"),
            (
                "reserved_concurrent_executions",
                "ReservedConcurrentExecutions",
            ),
            ("package_type", "PackageType"),
            ("image_uri", "ImageUri"),
            ("function_name", "FunctionName"),
        ],
        "aws_lambda_permission" => &[
            ("function_name", "FunctionName"),
            ("principal", "Principal"),
            ("source_arn", "SourceArn"),
            ("action", "Action"),
            ("qualifier", "Qualifier"),
            ("function_url_auth_type", "FunctionUrlAuthType"),
        ],
        "aws_lambda_alias" => &[("function_name", "FunctionName"), ("name", "Name")],
        "aws_lambda_function_url" => &[
            ("function_name", "TargetFunctionArn"),
            ("authorization_type", "AuthType"),
            ("invoke_mode", "InvokeMode"),
        ],
        "aws_lambda_event_source_mapping" => &[("function_name", "FunctionName")],
        "aws_lb_target_group" | "aws_alb_target_group" => &[
            ("target_type", "TargetType"),
            (
                "lambda_multi_value_headers_enabled",
                "LambdaMultiValueHeadersEnabled",
            ),
        ],
        "aws_lb" | "aws_alb" => &[("load_balancer_type", "Type")],
        "aws_lb_listener" | "aws_alb_listener" => &[("load_balancer_arn", "LoadBalancerArn")],
        "aws_lb_listener_rule" | "aws_alb_listener_rule" => &[("listener_arn", "ListenerArn")],
        "aws_lb_target_group_attachment" | "aws_alb_target_group_attachment" => &[
            ("target_group_arn", "TargetGroupArn"),
            ("target_id", "TargetId"),
        ],
        "aws_api_gateway_rest_api" => &[("name", "Name"), ("body", "Body")],
        "aws_api_gateway_resource" => &[
            ("rest_api_id", "RestApiId"),
            ("parent_id", "ParentId"),
            ("path_part", "PathPart"),
        ],
        "aws_api_gateway_authorizer" => &[
            ("rest_api_id", "RestApiId"),
            ("authorizer_uri", "AuthorizerUri"),
            ("authorizer_credentials", "AuthorizerCredentials"),
            ("type", "Type"),
        ],
        "aws_apigatewayv2_api" => &[
            ("name", "Name"),
            ("protocol_type", "ProtocolType"),
            ("body", "Body"),
            // Quick create: a `$default` route (or `route_key`) to this function.
            ("target", "Target"),
            ("route_key", "RouteKey"),
            ("credentials_arn", "CredentialsArn"),
        ],
        "aws_apigatewayv2_integration" => &[
            ("api_id", "ApiId"),
            ("integration_type", "IntegrationType"),
            ("integration_uri", "IntegrationUri"),
            ("payload_format_version", "PayloadFormatVersion"),
            ("timeout_milliseconds", "TimeoutInMillis"),
            ("credentials_arn", "CredentialsArn"),
        ],
        "aws_apigatewayv2_route" => &[
            ("api_id", "ApiId"),
            ("route_key", "RouteKey"),
            ("target", "Target"),
        ],
        "aws_apigatewayv2_authorizer" => &[
            ("api_id", "ApiId"),
            ("authorizer_uri", "AuthorizerUri"),
            ("authorizer_credentials_arn", "AuthorizerCredentialsArn"),
            ("enable_simple_responses", "EnableSimpleResponses"),
            (
                "authorizer_payload_format_version",
                "AuthorizerPayloadFormatVersion",
            ),
        ],
        _ => &[],
    }
}

struct Compiled {
    root: Value,
    /// Logical ids of resources rules must say nothing about.
    incomplete: Vec<String>,
}

/// The sections of one module compiled.
struct Parts {
    parameters: Vec<Entry>,
    resources: Vec<Entry>,
    outputs: Vec<Entry>,
    incomplete: Vec<String>,
}

/// One instance of a local module compiled, read in its caller: its resources and parameters
/// under the module's address, its outputs' values.
struct ModuleOutput {
    resources: Vec<Entry>,
    /// The arguments it gives the modules it calls that are not read (`module.<name>`
    /// outputs of the model), under its address.
    handed: Vec<Entry>,
    parameters: Vec<Entry>,
    outputs: HashMap<String, Value>,
    incomplete: Vec<String>,
}

struct Compiler<'b> {
    blocks: &'b [Block],
    /// The local modules the workspace read, by the name of the calling block.
    calls: &'b Calls,
    /// `module` blocks whose local folder was read, by name.
    local_modules: HashMap<String, &'b Block>,
    /// How many modules deep this configuration is called (0: the root).
    depth: usize,
    /// `path.module`: the module's folder from the root module's.
    module_path: String,
    /// The defaults of the caller's parameters, by their marked id (a module's `count =
    /// var.n` given the caller's `var.n`).
    inherited: Vec<(String, Value)>,
    /// The caller's functions, by marked id, that the caller handed to this module.
    outer_functions: HashSet<String>,
    /// The functions of the local modules compiled, by address in this configuration.
    module_functions: RefCell<HashSet<String>>,
    /// Each instance of a local module, by address, once compiled (`None`: being compiled).
    modules: RefCell<HashMap<String, Option<Rc<ModuleOutput>>>>,
    /// `type.name` of every `resource` block, to its block.
    resources: HashMap<String, &'b Block>,
    /// `data.type.name`, to its block.
    data: HashMap<String, &'b Block>,
    variables: HashMap<String, Value>,
    /// `module` blocks of the community Lambda module (`terraform-aws-modules/lambda/aws`), by
    /// name: each creates a function, read as `module.<name>`.
    lambda_modules: HashMap<String, &'b Block>,
    /// `module` blocks of the community API Gateway v2 module, by name.
    api_modules: HashMap<String, &'b Block>,
    /// Variables whose default is a literal scalar: CloudFormation parameters of the model
    /// (`var.timeout` is a `Ref` to one), so a number is reported where it is used and fixed
    /// where it is written.
    parameters: Vec<(String, TextRange, Value)>,
    locals: HashMap<String, &'b Value>,
    incomplete: Vec<String>,
    /// The instance (`count.index`, `each.key`, `each.value`) being compiled, if any.
    binding: RefCell<Option<Instance>>,
    /// The instances of each block with `count` or `for_each`, by address, once computed.
    expansions: RefCell<HashMap<String, Expansion>>,
    /// The names a `for` expression being resolved binds, innermost last.
    scope: RefCell<Vec<(String, Value)>>,
}

/// One instance of a block with `count` or `for_each`.
#[derive(Clone, Debug)]
struct Instance {
    /// `each` (a `for_each`), not `count`.
    each: bool,
    key: Key,
    /// `each.value` (resolved), or for an instance of a resource, a `TF::Ref` to it.
    value: Value,
}

/// The instances a block stands for.
#[derive(Clone, Debug)]
enum Expansion {
    /// No `count` or `for_each`: the block itself.
    Single,
    /// The instances of a `count` or `for_each` whose value is known.
    Many(Vec<Instance>),
    /// A `count` or `for_each` whose value is not statically known.
    Unknown,
}

/// More instances than this is not a configuration gatelint should expand.
const MAX_INSTANCES: usize = 256;

impl<'b> Compiler<'b> {
    fn new(blocks: &'b [Block], calls: &'b Calls, depth: usize) -> Self {
        let mut compiler = Compiler {
            blocks,
            calls,
            local_modules: HashMap::new(),
            depth,
            module_path: ".".to_owned(),
            inherited: Vec::new(),
            outer_functions: HashSet::new(),
            module_functions: RefCell::new(HashSet::new()),
            modules: RefCell::new(HashMap::new()),
            resources: HashMap::new(),
            data: HashMap::new(),
            variables: HashMap::new(),
            lambda_modules: HashMap::new(),
            api_modules: HashMap::new(),
            parameters: Vec::new(),
            locals: HashMap::new(),
            incomplete: Vec::new(),
            binding: RefCell::new(None),
            expansions: RefCell::new(HashMap::new()),
            scope: RefCell::new(Vec::new()),
        };
        for block in blocks {
            match (block.kind.as_str(), block.labels.as_slice()) {
                ("resource", [(kind, _), (name, _)]) => {
                    compiler.resources.insert(format!("{kind}.{name}"), block);
                }
                ("data", [(kind, _), (name, _)]) => {
                    compiler.data.insert(format!("data.{kind}.{name}"), block);
                }
                ("variable", [(name, name_range)]) => {
                    if let Some(default) = block.body.get("default") {
                        compiler.variables.insert(name.clone(), default.clone());
                        if matches!(
                            default.kind,
                            ValueKind::Str(_) | ValueKind::Number(_) | ValueKind::Bool(_)
                        ) {
                            compiler.parameters.push((
                                format!("var.{name}"),
                                *name_range,
                                default.clone(),
                            ));
                        }
                    }
                }
                ("module", [(name, _)]) => match community_module(block) {
                    Some(CommunityModule::Lambda) => {
                        compiler.lambda_modules.insert(name.clone(), block);
                    }
                    Some(CommunityModule::ApiGatewayV2) => {
                        compiler.api_modules.insert(name.clone(), block);
                    }
                    None => {
                        let read = matches!(calls.get(name), Some(Some(_)));
                        if read && depth < MAX_MODULE_DEPTH {
                            compiler.local_modules.insert(name.clone(), block);
                        }
                    }
                },
                ("locals", []) => {
                    for local in &block.body.attributes {
                        compiler.locals.insert(local.key.clone(), &local.value);
                    }
                }
                _ => {}
            }
        }
        compiler
    }

    /// Binds the module's variables to the values its caller gives (marked as the caller's):
    /// such a variable is no parameter of the module's.
    fn bind(&mut self, arguments: Vec<(String, Value)>) {
        for (name, given) in arguments {
            let id = format!("var.{name}");
            self.parameters.retain(|(parameter, _, _)| *parameter != id);
            self.variables.insert(name, given);
        }
    }

    fn compile(self, whole: TextRange) -> Compiled {
        let parts = self.compile_parts();
        let root = map(
            whole,
            vec![
                entry("Parameters", whole, map(whole, parts.parameters)),
                entry("Resources", whole, map(whole, parts.resources)),
                entry("Outputs", whole, map(whole, parts.outputs)),
            ],
        );
        Compiled {
            root,
            incomplete: parts.incomplete,
        }
    }

    /// The instance of the local module `name` at `index`: its address and binding (`None`:
    /// no such instance).
    fn module_instance(
        &self,
        name: &str,
        block: &Block,
        index: Option<&Key>,
    ) -> Option<(String, Option<Instance>)> {
        let base = format!("module.{name}");
        match self.expansion(&base, block) {
            Expansion::Single | Expansion::Unknown => Some((base, None)),
            Expansion::Many(instances) => {
                let index = index?;
                let instance = instances.into_iter().find(|i| i.key == *index)?;
                Some((format!("{base}{}", index.suffix()), Some(instance)))
            }
        }
    }

    /// One instance of a local module, compiled with its variables bound to the arguments the
    /// `module` block gives (resolved here, in the instance), once per address; `None` when
    /// the module is not read or depends on itself.
    fn module_output(
        &self,
        name: &str,
        address: &str,
        block: &Block,
        instance: Option<Instance>,
    ) -> Option<Rc<ModuleOutput>> {
        if let Some(known) = self.modules.borrow().get(address) {
            return known.clone();
        }
        let folder = self.calls.get(name)?.as_ref()?;
        let source = block.body.get("source")?.as_str()?;
        self.modules.borrow_mut().insert(address.to_owned(), None);
        let saved = self.binding.replace(instance);
        let meta = [
            "source",
            "version",
            "count",
            "for_each",
            "providers",
            "depends_on",
        ];
        let mut outer_functions = HashSet::new();
        let arguments: Vec<(String, Value)> = block
            .body
            .attributes
            .iter()
            .filter(|argument| !meta.contains(&argument.key.as_str()))
            .map(|argument| {
                let resolved = self.resolve(&argument.value);
                let mut named = Vec::new();
                self.functions_named(&resolved, &mut named, 8);
                outer_functions.extend(named.into_iter().map(|id| format!("{CALLER}{id}")));
                (argument.key.clone(), marked(resolved))
            })
            .collect();
        self.binding.replace(saved);
        let mut child = Compiler::new(&folder.blocks, &folder.calls, self.depth + 1);
        child.module_path = module_path(&self.module_path, source);
        child.outer_functions = outer_functions;
        child.inherited = self
            .parameters
            .iter()
            .map(|(id, _, default)| (id.clone(), default.clone()))
            .chain(self.inherited.iter().cloned())
            .map(|(id, default)| (format!("{CALLER}{id}"), default))
            .collect();
        child.bind(arguments);
        let parts = child.compile_parts();
        let prefix = format!("{address}.");
        let resources: Vec<Entry> = parts
            .resources
            .into_iter()
            .map(|entry| entry_in_caller(entry, &prefix))
            .collect();
        self.module_functions.borrow_mut().extend(
            resources
                .iter()
                .filter(|entry| {
                    entry.value.get("Type").and_then(Value::as_str) == Some("AWS::Lambda::Function")
                })
                .map(|entry| entry.key.clone()),
        );
        let (handed, outputs): (Vec<Entry>, Vec<Entry>) = parts
            .outputs
            .into_iter()
            .partition(|entry| entry.key.starts_with("module."));
        let output = Rc::new(ModuleOutput {
            resources,
            handed: handed
                .into_iter()
                .map(|entry| entry_in_caller(entry, &prefix))
                .collect(),
            parameters: parts
                .parameters
                .into_iter()
                .map(|entry| entry_in_caller(entry, &prefix))
                .collect(),
            outputs: outputs
                .into_iter()
                .map(|entry| {
                    let entry = entry_in_caller(entry, &prefix);
                    (entry.key[prefix.len()..].to_owned(), entry.value)
                })
                .collect(),
            incomplete: parts
                .incomplete
                .iter()
                .map(|id| in_caller(id, &prefix))
                .collect(),
        });
        self.modules
            .borrow_mut()
            .insert(address.to_owned(), Some(Rc::clone(&output)));
        Some(output)
    }

    fn compile_parts(mut self) -> Parts {
        let mut resources = Vec::new();
        let mut outputs = Vec::new();
        let mut module_parameters = Vec::new();
        let blocks = self.blocks;
        // A module read with its caller: the caller is read too, nothing beyond it grants.
        let has_provider = self.depth > 0 || blocks.iter().any(|block| block.kind == "provider");
        for block in blocks {
            match (block.kind.as_str(), block.labels.as_slice()) {
                ("resource", [(kind, _), (name, name_range)]) => {
                    let base = format!("{kind}.{name}");
                    for (address, instance) in self.instances(&base, block) {
                        let known = instance.is_some();
                        self.binding.replace(instance);
                        let before = resources.len();
                        if let Some(definition) = self.resource(block, kind, &address) {
                            resources.push(entry(&address, *name_range, definition));
                        }
                        // Quick create (`target`): API Gateway adds an integration and a
                        // `$default` route gatelint does not model; the function is invoked in
                        // a way it leaves unknown.
                        let quick_create = kind == "aws_apigatewayv2_api";
                        if let Some(target) = block.body.entry("target").filter(|_| quick_create) {
                            let properties = vec![entry(
                                "Target",
                                target.key_range,
                                self.resolve(&target.value),
                            )];
                            resources.push(entry(
                                &format!("{address}.target"),
                                target.key_range,
                                typed(
                                    block.range,
                                    target.key_range,
                                    "Custom::TerraformQuickCreate",
                                    properties,
                                ),
                            ));
                        }
                        if !known && !matches!(self.expansion(&base, block), Expansion::Single) {
                            self.mark_incomplete(&resources[before..]);
                        }
                    }
                    self.binding.replace(None);
                }
                ("module", [(name, name_range)]) => {
                    let community = self.lambda_modules.contains_key(name)
                        || self.api_modules.contains_key(name);
                    // What a module gatelint reads does with its arguments is compiled: only
                    // what it hands on to modules it does not read is handed out.
                    let local = self.local_modules.contains_key(name);
                    if !community && !local {
                        let arguments = block
                            .body
                            .attributes
                            .iter()
                            .map(|argument| {
                                entry(
                                    &argument.key,
                                    argument.key_range,
                                    self.resolve(&argument.value),
                                )
                            })
                            .collect();
                        outputs.push(entry(
                            &format!("module.{name}"),
                            *name_range,
                            map(block.range, arguments),
                        ));
                    }
                    let base = format!("module.{name}");
                    for (address, instance) in self.instances(&base, block) {
                        let known = instance.is_some();
                        self.binding.replace(instance.clone());
                        let instance_name = &address["module.".len()..];
                        let before = resources.len();
                        if self.lambda_modules.contains_key(name) {
                            resources.extend(self.lambda_module(block, instance_name, *name_range));
                        }
                        if self.api_modules.contains_key(name) {
                            resources.extend(self.api_module(block, instance_name, *name_range));
                        }
                        let mut read = false;
                        if self.local_modules.contains_key(name) {
                            let compiled = self.module_output(name, &address, block, instance);
                            if let Some(compiled) = compiled {
                                resources.extend(compiled.resources.iter().cloned());
                                module_parameters.extend(compiled.parameters.iter().cloned());
                                outputs.extend(compiled.handed.iter().cloned());
                                for id in &compiled.incomplete {
                                    if !self.incomplete.contains(id) {
                                        self.incomplete.push(id.clone());
                                    }
                                }
                                read = true;
                            }
                        }
                        if !known && !matches!(self.expansion(&base, block), Expansion::Single) {
                            self.mark_incomplete(&resources[before..]);
                        }
                        // A module gatelint does not read, given one of our functions, may
                        // grant API Gateway its permission.
                        if !read {
                            let granted = self.possible_permissions(
                                block,
                                "module",
                                instance_name,
                                *name_range,
                            );
                            resources.extend(granted);
                        }
                    }
                    self.binding.replace(None);
                }
                // A configuration without a `provider` block is likely a module: the
                // configuration calling it may grant a permission to a function it outputs.
                ("output", [(name, name_range)]) => {
                    if let Some(handed) = block.body.get("value") {
                        outputs.push(entry(name, *name_range, self.resolve(handed)));
                    }
                    if !has_provider {
                        let granted = self.possible_permissions(block, "output", name, *name_range);
                        resources.extend(granted);
                    }
                }
                _ => {}
            }
        }
        let mut parameters: Vec<Entry> = self
            .parameters
            .iter()
            .map(|(name, name_range, default)| {
                entry(
                    name,
                    *name_range,
                    map(
                        default.range,
                        vec![entry("Default", default.range, default.clone())],
                    ),
                )
            })
            .collect();
        parameters.extend(module_parameters);
        Parts {
            parameters,
            resources,
            outputs,
            incomplete: self.incomplete,
        }
    }

    /// Marks the resources compiled from a block whose instances are unknown: rules say nothing
    /// about them, and a permission among them may grant anything.
    fn mark_incomplete(&mut self, compiled: &[Entry]) {
        for compiled in compiled {
            if !self.incomplete.contains(&compiled.key) {
                self.incomplete.push(compiled.key.clone());
            }
        }
    }

    /// The addresses a block at `base` is compiled as, each with the instance it is bound to:
    /// `base` alone without `count`/`for_each` (and, unknown, when they are not statically
    /// known), `base[0]`, `base["k"]`... for each known instance.
    fn instances(&self, base: &str, block: &Block) -> Vec<(String, Option<Instance>)> {
        match self.expansion(base, block) {
            Expansion::Single | Expansion::Unknown => vec![(base.to_owned(), None)],
            Expansion::Many(instances) => instances
                .into_iter()
                .map(|instance| (format!("{base}{}", instance.key.suffix()), Some(instance)))
                .collect(),
        }
    }

    /// The instances of the block at `address` (`type.name`, `data.type.name`, `module.name`).
    fn expansion(&self, address: &str, block: &Block) -> Expansion {
        if let Some(known) = self.expansions.borrow().get(address) {
            return known.clone();
        }
        // A block whose instances depend on themselves is unknown.
        self.expansions
            .borrow_mut()
            .insert(address.to_owned(), Expansion::Unknown);
        let saved = self.binding.replace(None);
        let expansion = self.expand(block);
        self.binding.replace(saved);
        self.expansions
            .borrow_mut()
            .insert(address.to_owned(), expansion.clone());
        expansion
    }

    fn expand(&self, block: &Block) -> Expansion {
        let body = &block.body;
        if let Some(count) = body.get("count") {
            let count = self.known(self.resolve(count));
            return match count.as_number() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 && n as usize <= MAX_INSTANCES => {
                    Expansion::Many(
                        (0..n as u64)
                            .map(|index| Instance {
                                each: false,
                                key: Key::Number(index),
                                value: value(count.range, ValueKind::Number(index as f64)),
                            })
                            .collect(),
                    )
                }
                _ => Expansion::Unknown,
            };
        }
        let Some(for_each) = body.get("for_each") else {
            return Expansion::Single;
        };
        // `for_each = aws_lambda_function.x`: one instance per instance of that resource.
        if let Some(("TF::Ref", path)) = for_each.intrinsic() {
            if let Some([Step::Attr(kind), Step::Attr(name)]) =
                path.as_str().and_then(steps).as_deref()
            {
                let base = format!("{kind}.{name}");
                if let Some(other) = self.resources.get(&base) {
                    return match self.expansion(&base, other) {
                        Expansion::Many(instances) if instances.iter().all(|i| i.each) => {
                            Expansion::Many(
                                instances
                                    .into_iter()
                                    .map(|instance| Instance {
                                        value: intrinsic(
                                            for_each.range,
                                            "TF::Ref",
                                            value(
                                                for_each.range,
                                                ValueKind::Str(format!(
                                                    "{base}{}",
                                                    instance.key.suffix()
                                                )),
                                            ),
                                        ),
                                        ..instance
                                    })
                                    .collect(),
                            )
                        }
                        _ => Expansion::Unknown,
                    };
                }
            }
        }
        // The collection as written (`each.value` is read in the instance), else resolved.
        let resolved = match self.unwrap(for_each.clone(), 12) {
            Some(found) if matches!(found.kind, ValueKind::Map(_) | ValueKind::Seq(_)) => found,
            _ => self.resolve(for_each),
        };
        let mut instances: Vec<Instance> = Vec::new();
        match &resolved.kind {
            ValueKind::Map(entries) => {
                for item in entries {
                    instances.retain(|i| i.key != Key::Text(item.key.clone()));
                    instances.push(Instance {
                        each: true,
                        key: Key::Text(item.key.clone()),
                        value: item.value.clone(),
                    });
                }
            }
            ValueKind::Seq(items) => {
                for item in items {
                    let item = self.known(self.resolve(item));
                    let Some(text) = item.as_str() else {
                        return Expansion::Unknown;
                    };
                    let key = Key::Text(text.to_owned());
                    if !instances.iter().any(|i| i.key == key) {
                        instances.push(Instance {
                            each: true,
                            key,
                            value: item,
                        });
                    }
                }
            }
            _ => return Expansion::Unknown,
        }
        if instances.len() > MAX_INSTANCES {
            return Expansion::Unknown;
        }
        Expansion::Many(instances)
    }

    /// A reference to a variable read as a parameter, as its default.
    fn known(&self, resolved: Value) -> Value {
        if let Some(("Ref", name)) = resolved.intrinsic() {
            if let Some(default) = name.as_str().and_then(|id| self.default_of(id)) {
                return Value {
                    range: resolved.range,
                    ..default.clone()
                };
            }
        }
        resolved
    }

    /// The address of the instance `index` of the block at `base`: `base` itself for a block
    /// without known instances, nothing for an instance that does not exist.
    fn instance_address(&self, base: &str, block: &Block, index: Option<&Key>) -> Option<String> {
        match self.expansion(base, block) {
            Expansion::Single | Expansion::Unknown => Some(base.to_owned()),
            Expansion::Many(instances) => {
                let index = index?;
                instances
                    .iter()
                    .any(|instance| instance.key == *index)
                    .then(|| format!("{base}{}", index.suffix()))
            }
        }
    }

    /// The path of a reference, its computed indexes resolved (`None`: not statically known).
    fn ref_path(&self, written: &Value) -> Option<String> {
        let ("TF::Ref", argument) = written.intrinsic()? else {
            return None;
        };
        if let Some(path) = argument.as_str() {
            return Some(path.to_owned());
        }
        let mut path = String::new();
        for (i, part) in argument.items().iter().enumerate() {
            if i % 2 == 0 {
                path.push_str(part.as_str()?);
            } else {
                let index = self.known(self.resolve(part));
                path.push_str(&Key::of(&index)?.suffix());
            }
        }
        Some(path)
    }

    /// A `for` expression over a known collection: the map or list it makes (`None`: not
    /// statically known).
    fn for_value(&self, written: &Value, at: TextRange, depth: usize) -> Option<Value> {
        if depth == 0 {
            return None;
        }
        let names: Vec<String> = written
            .get("names")?
            .items()
            .iter()
            .filter_map(|name| name.as_str().map(str::to_owned))
            .collect();
        let collection = match self.unwrap(written.get("in")?.clone(), depth) {
            Some(found) if matches!(found.kind, ValueKind::Map(_) | ValueKind::Seq(_)) => found,
            _ => self.resolve_within(written.get("in")?, depth),
        };
        let items: Vec<(Value, Value)> = match &collection.kind {
            ValueKind::Map(entries) => entries
                .iter()
                .map(|e| {
                    (
                        value(e.key_range, ValueKind::Str(e.key.clone())),
                        e.value.clone(),
                    )
                })
                .collect(),
            ValueKind::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| (value(item.range, ValueKind::Number(i as f64)), item.clone()))
                .collect(),
            _ => return None,
        };
        if items.len() > MAX_INSTANCES {
            return None;
        }
        let key = written.get("key");
        let mut entries: Vec<Entry> = Vec::new();
        let mut list = Vec::new();
        for (index, item) in items {
            let bound: Vec<(String, Value)> = match names.as_slice() {
                [only] => vec![(only.clone(), item)],
                [first, second] => vec![(first.clone(), index), (second.clone(), item)],
                _ => return None,
            };
            let depth_before = self.scope.borrow().len();
            self.scope.borrow_mut().extend(bound);
            let result = (|| {
                if let Some(condition) = written.get("if") {
                    let condition = self.known(self.resolve_within(condition, depth - 1));
                    if !condition.as_bool()? {
                        return Some(None);
                    }
                }
                let val = self.resolve_within(written.get("value")?, depth - 1);
                let key = match key {
                    Some(key) => {
                        let key = self.known(self.resolve_within(key, depth - 1));
                        Some((key.as_str()?.to_owned(), key.range))
                    }
                    None => None,
                };
                Some(Some((key, val)))
            })();
            self.scope.borrow_mut().truncate(depth_before);
            match result? {
                None => {}
                Some((Some((key, key_range)), val)) => {
                    // Two elements with one key is an error Terraform reports.
                    if entries.iter().any(|e| e.key == key) {
                        return None;
                    }
                    entries.push(entry(&key, key_range, val));
                }
                Some((None, val)) => list.push(val),
            }
        }
        Some(match key {
            Some(_) => map(at, entries),
            None => value(at, ValueKind::Seq(list)),
        })
    }

    /// The value at `steps` inside a value (`each.value.handler`, `local.x["k"]`), resolved.
    fn navigate(&self, from: Value, steps: &[Step], at: TextRange, depth: usize) -> Option<Value> {
        let mut found = self.walk(from, steps, depth)?;
        // A reference is reported where it is read; a literal where it is written.
        if found.intrinsic().is_some() {
            found.range = at;
        }
        Some(self.resolve_within(&found, depth.saturating_sub(1).max(1)))
    }

    /// The value at `steps` inside a value, as written: variables and locals are followed, and
    /// a step into a resource (`local.fns.a.function_name` where `local.fns.a` is
    /// `aws_lambda_function.a`) is a reference to its attribute.
    fn walk(&self, from: Value, steps: &[Step], depth: usize) -> Option<Value> {
        if depth == 0 {
            return None;
        }
        let mut current = from;
        for (i, step) in steps.iter().enumerate() {
            current = self.unwrap(current, depth - 1)?;
            if let Some(("TF::Ref", _)) = current.intrinsic() {
                let mut path = self.ref_path(&current)?;
                for step in &steps[i..] {
                    match step {
                        Step::Attr(name) => {
                            path.push('.');
                            path.push_str(name);
                        }
                        Step::Index(key) => path.push_str(&key.suffix()),
                    }
                }
                return Some(intrinsic(
                    current.range,
                    "TF::Ref",
                    value(current.range, ValueKind::Str(path)),
                ));
            }
            let next = match (&current.kind, step) {
                (ValueKind::Map(_), Step::Attr(name) | Step::Index(Key::Text(name))) => {
                    current.get(name).cloned()
                }
                (ValueKind::Seq(items), Step::Index(Key::Number(n))) => {
                    items.get(*n as usize).cloned()
                }
                _ => None,
            };
            current = match next {
                Some(next) => next,
                None if is_unknown(&current) => return Some(current),
                None => return None,
            };
        }
        Some(current)
    }

    /// A value as written, with a variable or local it names followed (`toset`, `tomap` and
    /// `tolist` of one as that): a reference to anything else stays a reference, any other
    /// expression is resolved.
    fn unwrap(&self, written: Value, depth: usize) -> Option<Value> {
        if depth == 0 {
            return None;
        }
        match written.intrinsic() {
            Some(("TF::Ref", _)) => {
                let path = self.ref_path(&written)?;
                let steps = steps(&path)?;
                let written_as = match steps.as_slice() {
                    [Step::Attr(head), Step::Attr(name), ..] if head == "local" => {
                        self.locals.get(name.as_str()).copied()
                    }
                    [Step::Attr(head), Step::Attr(name), ..] if head == "var" => {
                        self.variables.get(name.as_str())
                    }
                    _ => return Some(written),
                };
                let found = self.walk(written_as?.clone(), &steps[2..], depth - 1)?;
                self.unwrap(found, depth - 1)
            }
            Some(("TF::Call", arguments)) => match arguments.items() {
                [name, argument] if matches!(name.as_str(), Some("toset" | "tomap" | "tolist")) => {
                    self.unwrap(argument.clone(), depth - 1)
                }
                _ => Some(self.resolve_within(&written, depth)),
            },
            Some(_) => Some(self.resolve_within(&written, depth)),
            None => Some(written),
        }
    }

    /// For each function of the configuration a block (a `module` call, an `output`) is given,
    /// a permission that may exist beyond what is read: the function's permission findings are
    /// left unsaid (the permission resources are marked incomplete).
    fn possible_permissions(
        &mut self,
        block: &Block,
        kind: &str,
        name: &str,
        name_range: TextRange,
    ) -> Vec<Entry> {
        let mut found = Vec::new();
        // An instance of a `for_each` over functions is given its function (`each.value`),
        // not all of them.
        let instance = self.binding.borrow().clone();
        if let Some(instance) = &instance {
            if let Some(("TF::Ref", path)) = instance.value.intrinsic() {
                let path = path.as_str().unwrap_or_default();
                if self.is_function(path) && !found.iter().any(|known| known == path) {
                    found.push(path.to_owned());
                }
            }
        }
        let given = block
            .body
            .attributes
            .iter()
            .filter(|attribute| attribute.key != "for_each" || instance.is_none());
        for attribute in given {
            self.functions_named(&attribute.value, &mut found, 8);
        }
        let mut permissions = Vec::new();
        for (index, function) in found.into_iter().enumerate() {
            let id = format!("{kind}.{name}#{index}");
            let properties = vec![entry(
                "FunctionName",
                name_range,
                reference(name_range, &function),
            )];
            permissions.push(entry(
                &id,
                name_range,
                typed(
                    block.range,
                    name_range,
                    "AWS::Lambda::Permission",
                    properties,
                ),
            ));
            self.incomplete.push(id);
        }
        permissions
    }

    /// The functions of the configuration a value names (`aws_lambda_function.x.arn`, ...).
    fn functions_named(&self, value: &Value, found: &mut Vec<String>, depth: usize) {
        if depth == 0 {
            return;
        }
        match &value.kind {
            ValueKind::Intrinsic(call) if call.name == "TF::Ref" => {
                // `each.value.arn` of a `for_each` over functions, `aws_lambda_function.f[0].arn`:
                // the function instance it resolves to.
                let resolved = self.resolve(value);
                let named = match resolved.intrinsic() {
                    Some(("Ref", id)) => id.as_str(),
                    Some(("Fn::GetAtt", parts)) => parts.items().first().and_then(Value::as_str),
                    _ => None,
                };
                if let Some(address) = named.filter(|address| self.is_function(address)) {
                    if !found.iter().any(|known| known == address) {
                        found.push(address.to_owned());
                    }
                    return;
                }
                // A computed index not known here: every instance.
                let path = self
                    .ref_path(value)
                    .or_else(|| call.argument.items().first()?.as_str().map(str::to_owned));
                let steps = path.as_deref().and_then(steps).unwrap_or_default();
                let (Some(Step::Attr(kind)), Some(Step::Attr(name))) =
                    (steps.first(), steps.get(1))
                else {
                    return;
                };
                let base = format!("{kind}.{name}");
                let block = match kind.as_str() {
                    "aws_lambda_function" | "aws_lambda_alias" => self.resources.get(&base),
                    "module" => self.lambda_modules.get(name),
                    _ => None,
                };
                let Some(block) = block else {
                    return;
                };
                let addresses = match steps.get(2) {
                    Some(Step::Index(key)) => self
                        .instance_address(&base, block, Some(key))
                        .into_iter()
                        .collect(),
                    _ => self
                        .instances(&base, block)
                        .into_iter()
                        .map(|(address, _)| address)
                        .collect::<Vec<_>>(),
                };
                for address in addresses {
                    if !found.contains(&address) {
                        found.push(address);
                    }
                }
            }
            // A value already resolved (a module's output, a caller's argument).
            ValueKind::Intrinsic(call) if matches!(call.name.as_str(), "Ref" | "Fn::GetAtt") => {
                let named = match &call.argument.kind {
                    ValueKind::Str(id) => Some(id.as_str()),
                    ValueKind::Seq(parts) => parts.first().and_then(Value::as_str),
                    _ => None,
                };
                if let Some(address) = named.filter(|address| self.is_function(address)) {
                    if !found.iter().any(|known| known == address) {
                        found.push(address.to_owned());
                    }
                }
            }
            ValueKind::Intrinsic(call) => self.functions_named(&call.argument, found, depth - 1),
            ValueKind::Map(entries) => entries
                .iter()
                .for_each(|e| self.functions_named(&e.value, found, depth - 1)),
            ValueKind::Seq(items) => items
                .iter()
                .for_each(|item| self.functions_named(item, found, depth - 1)),
            _ => {}
        }
    }

    /// Whether an address (`aws_lambda_function.f`, `aws_lambda_function.f["k"]`,
    /// `module.m`) is one of the configuration's functions.
    fn is_function(&self, address: &str) -> bool {
        if address.starts_with(CALLER) {
            return self.outer_functions.contains(address);
        }
        if self.module_functions.borrow().contains(address) {
            return true;
        }
        let base = address.split_once('[').map_or(address, |(base, _)| base);
        match base.split_once('.') {
            Some(("aws_lambda_function" | "aws_lambda_alias", _)) => {
                self.resources.contains_key(base)
            }
            Some(("module", name)) => self.lambda_modules.contains_key(name),
            _ => false,
        }
    }

    /// The arguments of a block of Terraform type `kind` read as the CloudFormation properties
    /// they map to (see [`properties_of`]), resolved.
    fn properties(&self, body: &Body, kind: &str) -> Vec<Entry> {
        let mut properties = Vec::new();
        for (from, to) in properties_of(kind) {
            let Some(found) = body.entry(from) else {
                continue;
            };
            let resolved = self.resolve(&found.value);
            // `-1` is Terraform's "no reserved concurrency", not a limit.
            if *to == "ReservedConcurrentExecutions"
                && resolved.as_number().is_some_and(|n| n < 0.0)
            {
                continue;
            }
            properties.push(entry(to, found.key_range, resolved));
        }
        properties
    }

    fn resource(&mut self, block: &Block, kind: &str, address: &str) -> Option<Value> {
        let body = &block.body;
        let (cfn_type, integration) = match kind {
            "aws_api_gateway_integration" => ("AWS::ApiGateway::Method", true),
            _ => (TYPES.iter().find(|(tf_type, _)| *tf_type == kind)?.1, false),
        };
        let mut properties = self.properties(body, kind);
        let mut fields = Vec::new();
        match kind {
            "aws_lambda_function" => {
                if let Some(code) = self.code(body) {
                    properties.push(code);
                }
                fields.push(entry(
                    "Metadata",
                    block.range,
                    map(
                        block.range,
                        vec![entry(
                            "BuildMethod",
                            block.range,
                            value(block.range, ValueKind::Str(BUILD.into())),
                        )],
                    ),
                ));
            }
            _ if integration => {
                properties = self.rest_integration(block, address);
            }
            "aws_lb_listener" | "aws_alb_listener" => {
                properties.push(self.listener_actions(block, "default_action", "DefaultActions"));
            }
            "aws_lb_listener_rule" | "aws_alb_listener_rule" => {
                properties.push(self.listener_actions(block, "action", "Actions"));
                properties.push(self.listener_conditions(block));
            }
            // The provider's default payload format is 1.0 (CloudFormation has none to give).
            "aws_apigatewayv2_integration" if body.get("payload_format_version").is_none() => {
                let at = body
                    .entry("integration_type")
                    .map_or(block.range, |entry| entry.key_range);
                properties.push(entry(
                    "PayloadFormatVersion",
                    at,
                    value(at, ValueKind::Str("1.0".into())),
                ));
            }
            // A body gatelint cannot read (`templatefile(...)`, a file) is an OpenAPI definition
            // it does not see: the functions it may invoke are invoked in unknown ways.
            "aws_api_gateway_rest_api" | "aws_apigatewayv2_api" => {
                if let Some(body_entry) = properties.iter_mut().find(|e| e.key == "Body") {
                    if !body_entry.value.is_map() {
                        let at = body_entry.value.range;
                        body_entry.value = intrinsic(at, "Fn::Transform", unknown(at));
                    }
                }
            }
            _ => {}
        }
        // The type where the block names it, so that what is inside the block is found inside
        // its properties (hover).
        let type_at = block.labels.first().map_or(block.range, |(_, at)| *at);
        let mut definition = vec![
            entry(
                "Type",
                type_at,
                value(type_at, ValueKind::Str(cfn_type.into())),
            ),
            entry("Properties", block.range, map(block.range, properties)),
        ];
        definition.extend(fields);
        Some(map(block.range, definition))
    }

    /// A listener's `default_action` or a rule's `action` blocks as CloudFormation actions
    /// (`Type`, `TargetGroupArn`, `ForwardConfig.TargetGroups`); a `dynamic` one forwards to a
    /// target group not read.
    fn listener_actions(&self, block: &Block, name: &str, property: &str) -> Entry {
        let at = block.range;
        let mut actions = Vec::new();
        for action in &block.body.blocks {
            let dynamic = action.kind == "dynamic"
                && action
                    .labels
                    .first()
                    .is_some_and(|(label, _)| label == name);
            if dynamic {
                let fields = vec![entry("TargetGroupArn", action.range, unknown(action.range))];
                actions.push(map(action.range, fields));
                continue;
            }
            if action.kind != name {
                continue;
            }
            let mut fields = Vec::new();
            for (from, to) in [("type", "Type"), ("target_group_arn", "TargetGroupArn")] {
                if let Some(found) = action.body.entry(from) {
                    fields.push(entry(to, found.key_range, self.resolve(&found.value)));
                }
            }
            let weighted: Vec<Value> = action
                .body
                .blocks
                .iter()
                .filter(|forward| forward.kind == "forward")
                .flat_map(|forward| &forward.body.blocks)
                .filter(|group| group.kind == "target_group")
                .map(|group| {
                    let arn = group
                        .body
                        .get("arn")
                        .map_or_else(|| unknown(group.range), |arn| self.resolve(arn));
                    map(group.range, vec![entry("TargetGroupArn", group.range, arn)])
                })
                .collect();
            if !weighted.is_empty() {
                let groups = value(action.range, ValueKind::Seq(weighted));
                fields.push(entry(
                    "ForwardConfig",
                    action.range,
                    map(
                        action.range,
                        vec![entry("TargetGroups", action.range, groups)],
                    ),
                ));
            }
            actions.push(map(action.range, fields));
        }
        entry(property, at, value(at, ValueKind::Seq(actions)))
    }

    /// A listener rule's `condition` blocks as CloudFormation `Conditions` (`Field`, `Values`,
    /// `HttpHeaderConfig`), for naming the requests the rule forwards.
    fn listener_conditions(&self, block: &Block) -> Entry {
        let at = block.range;
        let mut conditions = Vec::new();
        for condition in block.body.blocks.iter().filter(|c| c.kind == "condition") {
            for inner in &condition.body.blocks {
                let field = match inner.kind.as_str() {
                    "path_pattern" => "path-pattern",
                    "host_header" => "host-header",
                    "http_request_method" => "http-request-method",
                    "source_ip" => "source-ip",
                    "http_header" => "http-header",
                    _ => continue,
                };
                let values = inner
                    .body
                    .get("values")
                    .map_or_else(|| unknown(inner.range), |values| self.resolve(values));
                let range = inner.range;
                let mut fields = vec![entry(
                    "Field",
                    range,
                    value(range, ValueKind::Str(field.into())),
                )];
                if field == "http-header" {
                    let mut config = vec![entry("Values", range, values)];
                    if let Some(name) = inner.body.get("http_header_name") {
                        config.push(entry("HttpHeaderName", range, self.resolve(name)));
                    }
                    fields.push(entry("HttpHeaderConfig", range, map(range, config)));
                } else {
                    fields.push(entry("Values", range, values));
                }
                conditions.push(map(range, fields));
            }
        }
        entry("Conditions", at, value(at, ValueKind::Seq(conditions)))
    }

    /// The code of a function: the folder or file an `archive_file` its `filename` names packs;
    /// any other package (a zip built elsewhere, S3, an image) is code elsewhere.
    fn code(&self, body: &Body) -> Option<Entry> {
        // `s3_key = aws_s3_object.x.key` whose `source` is an `archive_file`'s output: that
        // archive's folder, uploaded by the same configuration.
        let uploaded = body.entry("s3_key").and_then(|key| {
            let path = self.ref_path(&key.value)?;
            let object = path.strip_suffix(".key")?;
            let block = self.resources.get(object).filter(|_| {
                object.starts_with("aws_s3_object.") || object.starts_with("aws_s3_bucket_object.")
            })?;
            let source = block.body.entry("source")?;
            Some(Entry {
                key: key.key.clone(),
                key_range: key.key_range,
                value: source.value.clone(),
            })
        });
        if uploaded.is_none()
            && (body.get("image_uri").is_some() || body.get("s3_bucket").is_some())
        {
            let at = body
                .entry("image_uri")
                .or(body.entry("s3_bucket"))?
                .key_range;
            return Some(entry("Code", at, unknown(at)));
        }
        let filename = uploaded.as_ref().or(body.entry("filename"))?;
        let at = filename.value.range;
        let is_archive = |block: &&&Block| {
            block
                .labels
                .first()
                .is_some_and(|(t, _)| t == "archive_file")
        };
        // `data.archive_file.x["k"].output_path`: that instance of a counted archive.
        let mut archive_instance = None;
        // The archive's `output_path` written out again (or named by a variable or local):
        // that archive, when only one writes there.
        let same_output = || {
            let written = self.resolve(&filename.value);
            let written = written.as_str()?;
            let mut archives = self.data.values().filter(is_archive).filter(|block| {
                block
                    .body
                    .get("output_path")
                    .is_some_and(|output| self.resolve(output).as_str() == Some(written))
            });
            let only = archives.next()?;
            archives.next().is_none().then_some(only)
        };
        let source = match filename.value.intrinsic() {
            Some(("TF::Ref", _)) if !self.names_archive(&filename.value) => same_output(),
            Some(("TF::Ref", _)) => {
                let path = self.ref_path(&filename.value).unwrap_or_default();
                let data = path.strip_suffix(".output_path").unwrap_or("");
                let (base, index) = match data.find('[') {
                    Some(at) => (&data[..at], steps(&data[at..])),
                    None => (data, None),
                };
                let block = self.data.get(base).filter(is_archive);
                if let (Some(block), Some([Step::Index(key)])) = (block, index.as_deref()) {
                    if let Expansion::Many(instances) = self.expansion(base, block) {
                        archive_instance = instances.into_iter().find(|i| i.key == *key);
                    }
                }
                block
            }
            _ => same_output(),
        };
        let Some(source) = source else {
            return Some(entry("Code", filename.key_range, unknown(at)));
        };
        let counted = !matches!(
            self.expansion(
                &format!(
                    "data.archive_file.{}",
                    source.labels.get(1).map_or("", |(name, _)| name.as_str())
                ),
                source
            ),
            Expansion::Single
        );
        if counted && archive_instance.is_none() {
            return Some(entry("Code", filename.key_range, unknown(at)));
        }
        let saved = counted.then(|| self.binding.replace(archive_instance));
        let folder = if let Some(dir) = source.body.get("source_dir") {
            self.resolve(dir).as_str().map(str::to_owned)
        } else if let Some(file) = source.body.get("source_file") {
            self.resolve(file)
                .as_str()
                .map(|file| match file.rsplit_once('/') {
                    Some((folder, _)) if !folder.is_empty() => folder.to_owned(),
                    _ => ".".to_owned(),
                })
        } else {
            None
        };
        if let Some(saved) = saved {
            self.binding.replace(saved);
        }
        let folder = folder.filter(|folder| !folder.starts_with('/'));
        Some(entry(
            "Code",
            filename.key_range,
            match folder {
                Some(folder) => value(at, ValueKind::Str(folder)),
                None => unknown(at),
            },
        ))
    }

    /// Whether a reference names an `archive_file` data source (`data.archive_file.x...`), not
    /// a variable or local holding a path.
    fn names_archive(&self, written: &Value) -> bool {
        self.ref_path(written)
            .is_some_and(|path| path.starts_with("data.archive_file."))
    }

    /// An `aws_api_gateway_integration` as the properties of the method it configures, with the
    /// integration responses and method responses declared for that method.
    fn rest_integration(&mut self, block: &Block, address: &str) -> Vec<Entry> {
        let body = &block.body;
        let at = block.range;
        let mut properties = Vec::new();
        let key = self.method_key(body);
        for (from, to) in [
            ("rest_api_id", "RestApiId"),
            ("resource_id", "ResourceId"),
            ("http_method", "HttpMethod"),
        ] {
            if let Some(found) = body.entry(from) {
                properties.push(entry(to, found.key_range, self.method_value(&found.value)));
            }
        }
        let mut integration = Vec::new();
        for (from, to) in [
            ("type", "Type"),
            ("uri", "Uri"),
            ("integration_http_method", "IntegrationHttpMethod"),
            ("timeout_milliseconds", "TimeoutInMillis"),
            ("credentials", "Credentials"),
            ("request_parameters", "RequestParameters"),
        ] {
            if let Some(found) = body.entry(from) {
                integration.push(entry(to, found.key_range, self.resolve(&found.value)));
            }
        }
        let mut integration_responses = Vec::new();
        let mut method_responses = Vec::new();
        let mut unmatched = false;
        for (response_kind, list) in [
            (
                "aws_api_gateway_integration_response",
                &mut integration_responses,
            ),
            ("aws_api_gateway_method_response", &mut method_responses),
        ] {
            for other in self.blocks.iter().filter(|other| {
                other.kind == "resource"
                    && other
                        .labels
                        .first()
                        .is_some_and(|(t, _)| t == response_kind)
            }) {
                let name = other.labels.get(1).map_or("", |(name, _)| name.as_str());
                let base = format!("{response_kind}.{name}");
                let instances = self.instances(&base, other);
                if matches!(self.expansion(&base, other), Expansion::Unknown) {
                    unmatched = true;
                    continue;
                }
                for (_, instance) in instances {
                    let saved = instance.map(|instance| self.binding.replace(Some(instance)));
                    let other_key = self.method_key(&other.body);
                    let matched = match (&key, &other_key) {
                        (Some(key), Some(other_key)) => key == other_key,
                        _ => {
                            unmatched = true;
                            false
                        }
                    };
                    if matched {
                        let mut fields = Vec::new();
                        if let Some(status) = other.body.entry("status_code") {
                            fields.push(entry(
                                "StatusCode",
                                status.key_range,
                                self.resolve(&status.value),
                            ));
                        }
                        if let Some(pattern) = other.body.entry("selection_pattern") {
                            fields.push(entry(
                                "SelectionPattern",
                                pattern.key_range,
                                self.resolve(&pattern.value),
                            ));
                        }
                        list.push(map(other.range, fields));
                    }
                    if let Some(saved) = saved {
                        self.binding.replace(saved);
                    }
                }
            }
        }
        integration.push(entry(
            "IntegrationResponses",
            at,
            value(at, ValueKind::Seq(integration_responses)),
        ));
        properties.push(entry("Integration", at, map(at, integration)));
        properties.push(entry(
            "MethodResponses",
            at,
            value(at, ValueKind::Seq(method_responses)),
        ));
        // A proxy integration's responses are the function's: only a non-proxy one's status
        // mapping depends on responses that could not be told apart.
        let proxy = body
            .get("type")
            .map(|kind| self.resolve(kind))
            .is_some_and(|kind| kind.as_str() == Some("AWS_PROXY"));
        if (unmatched || key.is_none()) && !proxy {
            self.incomplete.push(address.to_owned());
        }
        properties
    }

    /// What identifies a REST API method: its API, resource and HTTP method, as text.
    fn method_key(&self, body: &Body) -> Option<String> {
        let mut key = String::new();
        for name in ["rest_api_id", "resource_id", "http_method"] {
            let resolved = self.method_value(body.get(name)?);
            let part = match (&resolved.kind, resolved.intrinsic()) {
                (ValueKind::Str(text), _) => text.to_ascii_uppercase(),
                (_, Some(("Ref", id))) if !is_unknown(&resolved) => format!("Ref {}", id.as_str()?),
                (_, Some(("Fn::GetAtt", parts))) => format!(
                    "GetAtt {}",
                    parts
                        .items()
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(".")
                ),
                _ => return None,
            };
            key.push_str(&part);
            key.push('|');
        }
        Some(key)
    }

    /// A method's `rest_api_id`, `resource_id` or `http_method`; a reference to a method's
    /// `http_method` is that method's.
    fn method_value(&self, written: &Value) -> Value {
        // `"${aws_api_gateway_method.x.http_method}"` (Terraform 0.11's spelling) is the reference.
        let unwrapped = match written.intrinsic() {
            Some(("TF::Template", parts)) => match parts.items() {
                [only] if only.intrinsic().is_some() => only,
                _ => written,
            },
            _ => written,
        };
        if let Some(path) = self.ref_path(unwrapped) {
            let steps = steps(&path).unwrap_or_default();
            let (head, index, attribute) = match steps.as_slice() {
                [Step::Attr(kind), Step::Attr(name), Step::Attr(attribute)] => {
                    ((kind, name), None, attribute)
                }
                [Step::Attr(kind), Step::Attr(name), Step::Index(key), Step::Attr(attribute)] => {
                    ((kind, name), Some(key), attribute)
                }
                _ => return self.resolve(written),
            };
            let (kind, name) = head;
            let followed = matches!(
                kind.as_str(),
                "aws_api_gateway_method"
                    | "aws_api_gateway_integration"
                    | "aws_api_gateway_method_response"
            );
            let base = format!("{kind}.{name}");
            if let Some(block) = self.resources.get(&base).filter(|_| followed) {
                if let Some(found) = block.body.get(attribute) {
                    let instance = match (self.expansion(&base, block), index) {
                        (Expansion::Single, _) => None,
                        (Expansion::Many(instances), Some(key)) => {
                            match instances.into_iter().find(|i| i.key == *key) {
                                Some(instance) => Some(instance),
                                None => return unknown(written.range),
                            }
                        }
                        _ => return unknown(written.range),
                    };
                    let saved = instance.map(|instance| self.binding.replace(Some(instance)));
                    let resolved = self.method_value(found);
                    if let Some(saved) = saved {
                        self.binding.replace(saved);
                    }
                    return Value {
                        range: written.range,
                        ..resolved
                    };
                }
            }
        }
        self.resolve(written)
    }

    fn resolve(&self, written: &Value) -> Value {
        self.resolve_within(written, 12)
    }

    fn resolve_within(&self, written: &Value, depth: usize) -> Value {
        let at = written.range;
        if depth == 0 {
            return unknown(at);
        }
        match &written.kind {
            ValueKind::Map(entries) => map(
                at,
                entries
                    .iter()
                    .map(|e| {
                        entry(
                            &e.key,
                            e.key_range,
                            self.resolve_within(&e.value, depth - 1),
                        )
                    })
                    .collect(),
            ),
            ValueKind::Seq(items) => value(
                at,
                ValueKind::Seq(
                    items
                        .iter()
                        .map(|item| self.resolve_within(item, depth - 1))
                        .collect(),
                ),
            ),
            ValueKind::Intrinsic(call) => match call.name.as_str() {
                "TF::Ref" => {
                    let resolved = self
                        .ref_path(written)
                        .and_then(|path| self.reference(&path, at, depth));
                    // A literal keeps the range it is written at, where a fix may edit it.
                    resolved.unwrap_or_else(|| unknown(at))
                }
                "TF::For" => self
                    .for_value(&call.argument, at, depth - 1)
                    .unwrap_or_else(|| unknown(at)),
                "TF::Cond" => match call.argument.items() {
                    [condition, yes, no] => {
                        let condition = self.known(self.resolve_within(condition, depth - 1));
                        match condition.as_bool() {
                            Some(true) => self.resolve_within(yes, depth - 1),
                            Some(false) => self.resolve_within(no, depth - 1),
                            None => unknown(at),
                        }
                    }
                    _ => unknown(at),
                },
                "TF::Template" => self.template(&call.argument, at, depth),
                "TF::Call" => {
                    let items = call.argument.items();
                    match (items.first().and_then(Value::as_str), items.get(1)) {
                        (Some("jsonencode" | "tomap"), Some(argument)) if items.len() == 2 => {
                            self.resolve_within(argument, depth - 1)
                        }
                        // Maps merged, a later key replacing an earlier one.
                        (Some("merge"), Some(_)) => {
                            let mut merged: Vec<Entry> = Vec::new();
                            for argument in &items[1..] {
                                let resolved = self.resolve_within(argument, depth - 1);
                                let ValueKind::Map(entries) = resolved.kind else {
                                    return unknown(at);
                                };
                                for item in entries {
                                    merged.retain(|known| known.key != item.key);
                                    merged.push(item);
                                }
                            }
                            map(at, merged)
                        }
                        // A set of strings: its distinct elements, in order.
                        (Some("toset" | "tolist"), Some(argument)) if items.len() == 2 => {
                            let resolved = self.resolve_within(argument, depth - 1);
                            match resolved.kind {
                                ValueKind::Seq(_) => resolved,
                                _ => unknown(at),
                            }
                        }
                        (Some("length"), Some(argument)) if items.len() == 2 => {
                            let resolved = self.known(self.resolve_within(argument, depth - 1));
                            let length = match &resolved.kind {
                                ValueKind::Seq(items) => Some(items.len()),
                                ValueKind::Map(entries) => Some(entries.len()),
                                _ => None,
                            };
                            match length {
                                Some(length) => value(at, ValueKind::Number(length as f64)),
                                None => unknown(at),
                            }
                        }
                        (Some("tonumber" | "tostring"), Some(argument)) if items.len() == 2 => {
                            let resolved = self.resolve_within(argument, depth - 1);
                            match resolved.kind {
                                ValueKind::Str(_) | ValueKind::Number(_) => resolved,
                                _ => unknown(at),
                            }
                        }
                        _ => unknown(at),
                    }
                }
                _ => written.clone(),
            },
            _ => written.clone(),
        }
    }

    /// A reference: a variable's default, a local, `path.module`, or a resource attribute as
    /// the intrinsic CloudFormation would write.
    fn reference(&self, path: &str, at: TextRange, depth: usize) -> Option<Value> {
        let steps = steps(path)?;
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(name)) => Some(name.as_str()),
            _ => None,
        };
        let head = attr(0)?;
        let bound = self
            .scope
            .borrow()
            .iter()
            .rev()
            .find(|(name, _)| name == head)
            .map(|(_, bound)| bound.clone());
        if let Some(bound) = bound {
            return self.navigate(bound, &steps[1..], at, depth);
        }
        match head {
            "count" | "each" => {
                let binding = self.binding.borrow().clone()?;
                match (head, attr(1)?, binding.each) {
                    ("count", "index", false) if steps.len() == 2 => Some(binding.key.value(at)),
                    ("each", "key", true) if steps.len() == 2 => Some(binding.key.value(at)),
                    ("each", "value", true) => self.navigate(binding.value, &steps[2..], at, depth),
                    _ => None,
                }
            }
            "var" if steps.len() == 2 && self.parameter(attr(1)?).is_some() => {
                Some(reference(at, &format!("var.{}", attr(1)?)))
            }
            "var" | "local" => {
                let name = attr(1)?;
                let written: &Value = match head {
                    "var" => self.variables.get(name)?,
                    _ => self.locals.get(name)?,
                };
                if steps.len() == 2 {
                    let mut resolved = self.resolve_within(written, depth - 1);
                    // A reference handed by the caller is reported where it is read.
                    if resolved.intrinsic().is_some() && self.depth > 0 {
                        resolved.range = at;
                    }
                    return Some(resolved);
                }
                self.navigate(written.clone(), &steps[2..], at, depth)
            }
            "path" if steps.len() == 2 && attr(1)? == "module" => {
                Some(value(at, ValueKind::Str(self.module_path.clone())))
            }
            "path" if steps.len() == 2 && matches!(attr(1)?, "root" | "cwd") => {
                Some(value(at, ValueKind::Str(".".into())))
            }
            "module" if self.local_modules.contains_key(attr(1)?) => {
                let name = attr(1)?;
                let block = self.local_modules.get(name)?;
                let (index, rest) = match &steps[2..] {
                    [Step::Index(key), rest @ ..] => (Some(key), rest),
                    rest => (None, rest),
                };
                let [Step::Attr(output), rest @ ..] = rest else {
                    return Some(unknown(at));
                };
                let Some((address, instance)) = self.module_instance(name, block, index) else {
                    return Some(unknown(at));
                };
                let Some(compiled) = self.module_output(name, &address, block, instance) else {
                    return Some(unknown(at));
                };
                let Some(found) = compiled.outputs.get(output.as_str()) else {
                    return Some(unknown(at));
                };
                let mut found = self.walk(found.clone(), rest, depth)?;
                // A reference is reported where it is read; a literal where it is written.
                if found.intrinsic().is_some() {
                    found.range = at;
                }
                Some(found)
            }
            "module" => {
                let name = attr(1)?;
                let (index, attribute) = instance_attribute(&steps[2..])?;
                if let Some(block) = self.lambda_modules.get(name) {
                    let address = self.instance_address(&format!("module.{name}"), block, index);
                    let Some(address) = address else {
                        return Some(unknown(at));
                    };
                    return Some(match attribute {
                        "lambda_function_arn"
                        | "lambda_function_invoke_arn"
                        | "lambda_function_qualified_arn"
                        | "lambda_function_qualified_invoke_arn" => get_att(at, &address, "Arn"),
                        "lambda_function_name" => reference(at, &address),
                        _ => unknown(at),
                    });
                }
                let block = self.api_modules.get(name)?;
                if !matches!(attribute, "api_id" | "api_execution_arn") {
                    return None;
                }
                let address = self.instance_address(&format!("module.{name}"), block, index);
                Some(address.map_or_else(|| unknown(at), |address| reference(at, &address)))
            }
            kind if kind.starts_with("aws_") => {
                let name = attr(1)?;
                let (index, attribute) = instance_attribute(&steps[2..])?;
                let base = format!("{kind}.{name}");
                let block = self.resources.get(&base)?;
                let Some(address) = self.instance_address(&base, block, index) else {
                    return Some(unknown(at));
                };
                Some(match (kind, attribute) {
                    ("aws_lambda_function" | "aws_lambda_alias", "arn" | "invoke_arn")
                    | ("aws_lambda_function", "qualified_arn" | "qualified_invoke_arn") => {
                        get_att(at, &address, "Arn")
                    }
                    ("aws_api_gateway_rest_api", "root_resource_id") => {
                        get_att(at, &address, "RootResourceId")
                    }
                    (_, "id" | "function_name" | "execution_arn" | "arn" | "name") => {
                        reference(at, &address)
                    }
                    _ => unknown(at),
                })
            }
            _ => None,
        }
    }

    /// The function a community Lambda module creates, and the permissions its
    /// `allowed_triggers` grant API Gateway.
    fn lambda_module(&mut self, block: &Block, name: &str, name_range: TextRange) -> Vec<Entry> {
        let body = &block.body;
        let disabled = |key: &str| {
            body.get(key)
                .is_some_and(|flag| self.resolve(flag).as_bool() != Some(true))
        };
        if disabled("create") || disabled("create_function") {
            return Vec::new();
        }
        let address = format!("module.{name}");
        let mut properties = self.properties(body, "aws_lambda_function");
        // `source_path`: the folder packed, or a file whose folder it is; anything else (a
        // list of paths with commands, a package built elsewhere) is code gatelint cannot see.
        let code = match body.entry("source_path") {
            Some(source) if !disabled("create_package") => {
                let folder = self.resolve(&source.value).as_str().map(|path| {
                    let file = path
                        .rsplit('/')
                        .next()
                        .is_some_and(|last| last.contains('.') && !last.starts_with('.'));
                    match path.rsplit_once('/') {
                        Some((folder, _)) if file && !folder.is_empty() => folder.to_owned(),
                        _ if file => ".".to_owned(),
                        _ => path.to_owned(),
                    }
                });
                let at = source.value.range;
                let folder = folder.filter(|folder| !folder.starts_with('/'));
                entry(
                    "Code",
                    source.key_range,
                    folder.map_or_else(|| unknown(at), |folder| value(at, ValueKind::Str(folder))),
                )
            }
            _ => entry("Code", name_range, unknown(name_range)),
        };
        properties.push(code);
        let mut resources = vec![entry(
            &address,
            name_range,
            map(
                block.range,
                vec![
                    entry(
                        "Type",
                        name_range,
                        value(name_range, ValueKind::Str("AWS::Lambda::Function".into())),
                    ),
                    entry("Properties", block.range, map(block.range, properties)),
                    entry(
                        "Metadata",
                        block.range,
                        map(
                            block.range,
                            vec![entry(
                                "BuildMethod",
                                block.range,
                                value(block.range, ValueKind::Str(BUILD.into())),
                            )],
                        ),
                    ),
                ],
            ),
        )];
        if let Some(triggers) = body.entry("allowed_triggers") {
            let resolved = self.resolve(&triggers.value);
            if !resolved.is_map() {
                // Triggers gatelint cannot read may grant anything.
                let id = format!("{address}.allowed_triggers");
                let properties = vec![entry(
                    "FunctionName",
                    triggers.key_range,
                    reference(triggers.key_range, &address),
                )];
                resources.push(entry(
                    &id,
                    triggers.key_range,
                    typed(
                        triggers.value.range,
                        triggers.key_range,
                        "AWS::Lambda::Permission",
                        properties,
                    ),
                ));
                self.incomplete.push(id);
            }
            for trigger in resolved.entries() {
                let text = |key: &str| trigger.value.get(key).map(|v| (v.as_str(), v));
                let principal = match (text("principal"), text("service")) {
                    (Some((Some(principal), v)), _) => (principal.to_owned(), v.range),
                    (Some((None, _)), _) => continue,
                    (None, Some((Some(service), v))) => {
                        (format!("{service}.amazonaws.com"), v.range)
                    }
                    _ => continue,
                };
                let mut properties = vec![
                    entry(
                        "FunctionName",
                        trigger.key_range,
                        reference(trigger.key_range, &address),
                    ),
                    entry(
                        "Principal",
                        principal.1,
                        value(principal.1, ValueKind::Str(principal.0)),
                    ),
                ];
                if let Some(arn) = trigger.value.entry("source_arn") {
                    properties.push(entry("SourceArn", arn.key_range, arn.value.clone()));
                }
                resources.push(entry(
                    &format!("{address}.allowed_triggers.{}", trigger.key),
                    trigger.key_range,
                    typed(
                        trigger.value.range,
                        trigger.key_range,
                        "AWS::Lambda::Permission",
                        properties,
                    ),
                ));
            }
        }
        resources
    }

    /// The HTTP or WebSocket API a community API Gateway v2 module creates, with the
    /// integrations and routes of its `routes` (each route's `integration`).
    fn api_module(&mut self, block: &Block, name: &str, name_range: TextRange) -> Vec<Entry> {
        let body = &block.body;
        if body
            .get("create")
            .is_some_and(|flag| self.resolve(flag).as_bool() != Some(true))
        {
            return Vec::new();
        }
        let address = format!("module.{name}");
        let mut properties = Vec::new();
        let protocol = body
            .get("protocol_type")
            .map(|protocol| self.resolve(protocol))
            .unwrap_or_else(|| value(name_range, ValueKind::Str("HTTP".into())));
        properties.push(entry("ProtocolType", name_range, protocol));
        if let Some(definition) = body.entry("body") {
            let at = definition.value.range;
            properties.push(entry(
                "Body",
                definition.key_range,
                intrinsic(at, "Fn::Transform", unknown(at)),
            ));
        }
        let mut resources = vec![entry(
            &address,
            name_range,
            typed(
                block.range,
                name_range,
                "AWS::ApiGatewayV2::Api",
                properties,
            ),
        )];
        let Some(routes) = body.entry("routes") else {
            return resources;
        };
        let routes = self.resolve(&routes.value);
        for route in routes.entries() {
            let Some(integration) = route.value.get("integration") else {
                continue;
            };
            let integration_id = format!("{address}.integration[\"{}\"]", route.key);
            let api = reference(route.key_range, &address);
            let mut properties = vec![entry("ApiId", route.key_range, api.clone())];
            for (from, to) in [
                ("type", "IntegrationType"),
                ("uri", "IntegrationUri"),
                ("payload_format_version", "PayloadFormatVersion"),
                ("timeout_milliseconds", "TimeoutInMillis"),
                ("credentials_arn", "CredentialsArn"),
            ] {
                if let Some(found) = integration.entry(from) {
                    properties.push(entry(to, found.key_range, found.value.clone()));
                }
            }
            // The module's defaults: `AWS_PROXY`, and the provider's payload format 1.0.
            let at = route.key_range;
            if integration.get("type").is_none() {
                properties.push(entry(
                    "IntegrationType",
                    at,
                    value(at, ValueKind::Str("AWS_PROXY".into())),
                ));
            }
            if integration.get("payload_format_version").is_none() {
                properties.push(entry(
                    "PayloadFormatVersion",
                    at,
                    value(at, ValueKind::Str("1.0".into())),
                ));
            }
            resources.push(entry(
                &integration_id,
                route.key_range,
                typed(
                    route.value.range,
                    route.key_range,
                    "AWS::ApiGatewayV2::Integration",
                    properties,
                ),
            ));
            let route_properties = vec![
                entry("ApiId", at, api),
                entry("RouteKey", at, value(at, ValueKind::Str(route.key.clone()))),
                entry("Target", at, reference(at, &integration_id)),
            ];
            resources.push(entry(
                &format!("{address}.route[\"{}\"]", route.key),
                route.key_range,
                typed(
                    route.value.range,
                    route.key_range,
                    "AWS::ApiGatewayV2::Route",
                    route_properties,
                ),
            ));
        }
        resources
    }

    /// The default of a parameter a `Ref` names: a variable of this module's, or one of a
    /// caller's handed to it.
    fn default_of(&self, id: &str) -> Option<&Value> {
        if id.starts_with(CALLER) {
            return self
                .inherited
                .iter()
                .find(|(inherited, _)| inherited == id)
                .map(|(_, default)| default);
        }
        self.parameter(id.strip_prefix("var.")?)
    }

    /// The default of a variable read as a parameter.
    fn parameter(&self, name: &str) -> Option<&Value> {
        self.parameters
            .iter()
            .rev()
            .find(|(id, _, _)| id.strip_prefix("var.") == Some(name))
            .map(|(_, _, default)| default)
    }

    /// `"${a}/*/*"`: a string when every part is known text, else a `Fn::Join` of its parts.
    fn template(&self, parts: &Value, at: TextRange, depth: usize) -> Value {
        let resolved: Vec<Value> = parts
            .items()
            .iter()
            .map(|part| self.resolve_within(part, depth - 1))
            .map(|part| match part.intrinsic() {
                Some(("Ref", name)) => match name.as_str().and_then(|id| self.default_of(id)) {
                    Some(default) => default.clone(),
                    None => part,
                },
                _ => part,
            })
            .collect();
        // `"${aws_lambda_function.x.invoke_arn}"` is the reference itself.
        if let [only] = resolved.as_slice() {
            if parts
                .items()
                .first()
                .is_some_and(|part| part.intrinsic().is_some())
            {
                return Value {
                    range: at,
                    ..only.clone()
                };
            }
        }
        let mut text = String::new();
        let mut literal = true;
        for part in &resolved {
            match &part.kind {
                ValueKind::Str(piece) => text.push_str(piece),
                ValueKind::Number(number) => text.push_str(&number.to_string()),
                ValueKind::Bool(flag) => text.push_str(&flag.to_string()),
                _ => literal = false,
            }
        }
        if literal {
            return value(at, ValueKind::Str(text));
        }
        intrinsic(
            at,
            "Fn::Join",
            value(
                at,
                ValueKind::Seq(vec![
                    value(at, ValueKind::Str(String::new())),
                    value(at, ValueKind::Seq(resolved)),
                ]),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{Blocks, Value};
    use crate::files::FileKind;
    use crate::knowledge::proxy::PayloadVersion;
    use crate::templates::{ApiKind, ConfigurationFile, Dialect, IntegrationKind, TemplateModel};

    const CONFIGURATION: &str = r#"
variable "slow" {
  default = 40
}

data "archive_file" "code" {
  type        = "zip"
  source_file = "${path.module}/src/app.py"
  output_path = "${path.module}/app.zip"
}

resource "aws_lambda_function" "app" {
  filename                       = data.archive_file.code.output_path
  handler                        = "app.handler"
  runtime                        = "python3.12"
  timeout                        = var.slow
  reserved_concurrent_executions = -1
}

resource "aws_apigatewayv2_api" "api" {
  name          = "api"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "app" {
  api_id                 = aws_apigatewayv2_api.api.id
  integration_type       = "AWS_PROXY"
  integration_uri        = "${aws_lambda_function.app.invoke_arn}"
}

resource "aws_apigatewayv2_route" "app" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "GET /items/{id}"
  target    = "integrations/${aws_apigatewayv2_integration.app.id}"
}
"#;

    fn model(text: &str) -> TemplateModel {
        let tree = crate::text::parse(FileKind::Terraform, text, None).expect("HCL parses");
        TemplateModel::read(FileKind::Terraform, &tree, text)
    }

    #[test]
    fn resources_become_the_cloudformation_they_map_to() {
        let model = model(CONFIGURATION);
        let template = model.template().expect("a model");
        assert_eq!(template.dialect, Dialect::Terraform);
        // Read alone, the other files of the folder may hold a permission.
        assert!(template.partial);
        let specs = model.function_specs();
        let [spec] = specs.as_slice() else {
            panic!("one function: {specs:#?}");
        };
        assert_eq!(spec.logical_id, "aws_lambda_function.app");
        assert_eq!(
            spec.code_uri.as_ref().map(|c| c.text.as_str()),
            Some("./src")
        );
        assert_eq!(spec.timeout_seconds, 40.0);
        let written = spec.timeout_range.expect("written");
        assert_eq!(&CONFIGURATION[written.start..written.end], "var.slow");
        let resource = template.resource("aws_lambda_function.app").expect("there");
        assert!(resource.property("ReservedConcurrentExecutions").is_none());
        let [invocation] = spec.invocations.as_slice() else {
            panic!("one invocation: {spec:#?}");
        };
        assert_eq!(invocation.api_kind, ApiKind::Http);
        // Without `payload_format_version`, the provider's default: 1.0, not 2.0.
        assert_eq!(invocation.payload_version, PayloadVersion::V1);
        assert_eq!(invocation.kind, IntegrationKind::Proxy);
        assert_eq!(
            invocation.route,
            "GET /items/{id} via aws_apigatewayv2_api.api"
        );
    }

    #[test]
    fn a_folder_is_one_configuration() {
        let permission = "resource \"aws_lambda_permission\" \"app\" {\n  function_name = aws_lambda_function.app.function_name\n  principal     = \"apigateway.amazonaws.com\"\n}\n";
        let alone = model(CONFIGURATION);
        let blocks = alone.read.terraform.clone().expect("blocks");
        let sibling = |blocks: Option<std::sync::Arc<Blocks>>| ConfigurationFile {
            path: "/p/permission.tf".into(),
            text: std::sync::Arc::from(permission),
            blocks,
        };
        let model =
            TemplateModel::configuration(CONFIGURATION, blocks.clone(), Some(vec![sibling(None)]));
        let template = model.template().expect("a model");
        assert!(!template.partial);
        assert!(template.resource("aws_lambda_permission.app").is_some());
        // The function is listed by its own file only.
        assert_eq!(model.function_specs().len(), 1);
        // The sibling's blocks read before (its ranges its own) join at the same place as its
        // text read now: the same model, ranges in the joined text.
        let tree = crate::text::parse(FileKind::Terraform, permission, None).expect("parses");
        let read = std::sync::Arc::new(Blocks::read(&tree, permission));
        let joined =
            TemplateModel::configuration(CONFIGURATION, blocks, Some(vec![sibling(Some(read))]));
        let again = joined.template().expect("a model");
        assert_eq!(
            format!("{:?}", again.resources),
            format!("{:?}", template.resources)
        );
        let permission_at = again
            .resource("aws_lambda_permission.app")
            .expect("joined")
            .range;
        assert!(permission_at.start > CONFIGURATION.len());
    }

    const INSTANCES: &str = r#"
variable "names" {
  default = ["a", "b"]
}

variable "enabled" {
  default = false
}

variable "others" {
  type = list(string)
}

locals {
  settings = {
    a = { timeout = 3 }
    b = { timeout = 9 }
  }
}

data "archive_file" "code" {
  for_each    = local.settings
  type        = "zip"
  source_dir  = "${path.module}/src/${each.key}"
  output_path = "${path.module}/build/${each.key}.zip"
}

resource "aws_lambda_function" "f" {
  for_each = local.settings
  filename = data.archive_file.code[each.key].output_path
  handler  = "app.handler"
  runtime  = "python3.12"
  timeout  = each.value.timeout
}

resource "aws_lambda_function" "g" {
  count         = length(var.names)
  function_name = "g-${var.names[count.index]}"
  handler       = "app.handler"
  runtime       = "python3.12"
}

resource "aws_lambda_function" "off" {
  count   = var.enabled ? 1 : 0
  handler = "app.handler"
  runtime = "python3.12"
}

resource "aws_lambda_function" "unknown" {
  for_each = { for name in var.others : name => name }
  handler  = "app.handler"
  runtime  = "python3.12"
}

resource "aws_lambda_permission" "literal" {
  function_name = aws_lambda_function.f["b"].function_name
}

resource "aws_lambda_permission" "missing" {
  function_name = aws_lambda_function.f["z"].function_name
}

resource "aws_lambda_permission" "counted" {
  function_name = aws_lambda_function.g[1].arn
}

locals {
  counted = {
    x = aws_lambda_function.g[0]
    y = aws_lambda_function.g[1]
  }
}

locals {
  routes = [
    { name = "a", method = "GET" },
    { name = "b", method = "POST" },
  ]
}

resource "aws_lambda_function" "h" {
  for_each      = { for route in local.routes : route.name => route }
  function_name = "h-${each.value.method}"
  handler       = "app.handler"
  runtime       = "python3.12"
}

resource "aws_lambda_function" "merged" {
  for_each = merge(local.settings, { c = { timeout = 1 } })
  handler  = "app.handler"
  runtime  = "python3.12"
}

resource "aws_lambda_function" "grouped" {
  for_each = { for route in local.routes : route.method => route... }
  handler  = "app.handler"
  runtime  = "python3.12"
}

resource "aws_lambda_permission" "by_local" {
  for_each      = local.counted
  function_name = each.value.function_name
}

module "alarms" {
  for_each = aws_lambda_function.f
  source   = "./modules/alarms"
  function = each.value.function_name
}
"#;

    /// `count` and `for_each` over known collections: one resource per instance, each with its
    /// own settings; references by index name the instance; unknown collections leave the
    /// block's one resource unknown.
    #[test]
    fn instances_of_count_and_for_each() {
        let model = model(INSTANCES);
        let template = model.template().expect("a model");
        let ids: Vec<&str> = template
            .resources
            .iter()
            .map(|resource| resource.logical_id.as_str())
            .collect();
        for id in [
            "aws_lambda_function.f[\"a\"]",
            "aws_lambda_function.f[\"b\"]",
            "aws_lambda_function.g[0]",
            "aws_lambda_function.g[1]",
            "aws_lambda_function.unknown",
            "aws_lambda_function.merged[\"c\"]",
            "module.alarms[\"a\"]#0",
        ] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
        assert!(!ids
            .iter()
            .any(|id| id.starts_with("aws_lambda_function.off")));
        let timeout = |id: &str| {
            template
                .resource(id)
                .and_then(|resource| resource.property("Timeout"))
                .and_then(Value::as_number)
        };
        assert_eq!(timeout("aws_lambda_function.f[\"a\"]"), Some(3.0));
        assert_eq!(timeout("aws_lambda_function.f[\"b\"]"), Some(9.0));
        let specs = model.function_specs();
        let code = |id: &str| {
            specs
                .iter()
                .find(|spec| spec.logical_id == id)
                .and_then(|spec| spec.code_uri.as_ref())
                .map(|code| code.text.clone())
        };
        assert_eq!(
            code("aws_lambda_function.f[\"b\"]").as_deref(),
            Some("./src/b")
        );
        let name = template
            .resource("aws_lambda_function.g[1]")
            .and_then(|resource| resource.property("FunctionName"))
            .and_then(Value::as_str);
        assert_eq!(name, Some("g-b"));
        let name = template
            .resource("aws_lambda_function.h[\"b\"]")
            .and_then(|resource| resource.property("FunctionName"))
            .and_then(Value::as_str);
        assert_eq!(name, Some("h-POST"));
        assert!(template
            .resource("aws_lambda_function.grouped")
            .is_some_and(|resource| resource.incomplete));
        assert!(template
            .resource("aws_lambda_function.unknown")
            .is_some_and(|resource| resource.incomplete));
        let target = |id: &str| {
            let value = template.resource(id)?.property("FunctionName")?;
            template.function_ref(value).map(|found| found.logical_id)
        };
        assert_eq!(
            target("aws_lambda_permission.literal").as_deref(),
            Some("aws_lambda_function.f[\"b\"]")
        );
        assert_eq!(target("aws_lambda_permission.missing"), None);
        assert_eq!(
            target("aws_lambda_permission.counted").as_deref(),
            Some("aws_lambda_function.g[1]")
        );
        assert_eq!(
            target("aws_lambda_permission.by_local[\"y\"]").as_deref(),
            Some("aws_lambda_function.g[1]")
        );
        assert_eq!(
            target("module.alarms[\"b\"]#0").as_deref(),
            Some("aws_lambda_function.f[\"b\"]")
        );
    }

    /// Hover on an argument inside a resource block explains it, with the APIs that invoke the
    /// function (the resource's type is where the block names it, not the whole block).
    #[test]
    fn hover_inside_a_block_explains_the_argument() {
        let model = model(CONFIGURATION);
        let (template, graph) = (model.template(), model.graph());
        let (template, graph) = (template.expect("a model"), graph.expect("a graph"));
        let at = CONFIGURATION.find("timeout    ").expect("written") + 2;
        let text = crate::templates::hover_at(template, graph, at).expect("a hover");
        assert!(text.contains("GET /items/{id}"), "{text}");
    }

    #[test]
    fn hover_anywhere_answers_without_panicking() {
        let model = model(CONFIGURATION);
        let (template, graph) = (model.template(), model.graph());
        let (template, graph) = (template.expect("a model"), graph.expect("a graph"));
        for offset in 0..=CONFIGURATION.len() {
            let _ = crate::templates::hover_at(template, graph, offset);
        }
    }

    const CALLER: &str = r#"
provider "aws" {
  region = "eu-west-1"
}

resource "aws_apigatewayv2_api" "http" {
  name          = "shop"
  protocol_type = "HTTP"
}

module "orders" {
  source  = "./modules/function"
  handler = "orders.handler"
  timeout = 40
}

resource "aws_apigatewayv2_integration" "orders" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.orders.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "orders" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "GET /orders"
  target    = "integrations/${aws_apigatewayv2_integration.orders.id}"
}

resource "aws_lambda_function" "reports" {
  handler = "reports.handler"
  runtime = "python3.12"
}

module "reports_route" {
  source            = "./modules/route"
  api_id            = aws_apigatewayv2_api.http.id
  lambda_invoke_arn = aws_lambda_function.reports.invoke_arn
}
"#;

    const FUNCTION_MODULE: &str = r#"
variable "handler" {
  type = string
}

variable "timeout" {
  default = 3
}

variable "name" {
  default = "this"
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/${var.name}.zip"
}

resource "aws_lambda_function" "this" {
  filename = data.archive_file.code.output_path
  handler  = var.handler
  runtime  = "python3.12"
  timeout  = var.timeout
}

output "invoke_arn" {
  value = aws_lambda_function.this.invoke_arn
}
"#;

    const ROUTE_MODULE: &str = r#"
variable "api_id" {}

variable "lambda_invoke_arn" {}

resource "aws_apigatewayv2_integration" "this" {
  api_id           = var.api_id
  integration_type = "AWS_PROXY"
  integration_uri  = var.lambda_invoke_arn
}

resource "aws_apigatewayv2_route" "this" {
  api_id    = var.api_id
  route_key = "POST /reports"
  target    = "integrations/${aws_apigatewayv2_integration.this.id}"
}
"#;

    fn module_read(name: &str, folder: &str, text: &'static str) -> super::super::ModuleRead {
        super::super::ModuleRead {
            name: name.into(),
            folder: format!("/p/modules/{folder}").into(),
            files: Some(vec![ConfigurationFile {
                path: format!("/p/modules/{folder}/main.tf").into(),
                text: std::sync::Arc::from(text),
                blocks: None,
            }]),
            calls: Vec::new(),
        }
    }

    /// The caller read with the local modules given (`None`: that module's folder not read).
    fn with_modules(text: &str, modules: Vec<super::super::ModuleRead>) -> TemplateModel {
        let alone = model(text);
        let blocks = alone.read.terraform.clone().expect("blocks");
        TemplateModel::configuration_with_modules(text, blocks, Some(Vec::new()), modules)
    }

    #[test]
    fn a_local_module_is_read_with_its_caller() {
        let model = with_modules(
            CALLER,
            vec![
                module_read("orders", "function", FUNCTION_MODULE),
                module_read("reports_route", "route", ROUTE_MODULE),
            ],
        );
        let template = model.template().expect("a model");
        let function = template
            .resource("module.orders.aws_lambda_function.this")
            .expect("the module's function, under its address");
        // The variable bound to the caller's argument, written in the caller's text.
        let handler = function.property("Handler").expect("bound");
        assert_eq!(handler.as_str(), Some("orders.handler"));
        let text = model.text(CALLER);
        assert_eq!(
            &text[handler.range.start..handler.range.end],
            "\"orders.handler\""
        );
        let specs = model.function_specs();
        let orders = specs
            .iter()
            .find(|spec| spec.logical_id == "module.orders.aws_lambda_function.this")
            .expect("listed by the file calling the module");
        // Terraform's `path.module`: the module's folder from the root's.
        assert_eq!(
            orders.code_uri.as_ref().map(|code| code.text.as_str()),
            Some("modules/function/src")
        );
        assert_eq!(orders.timeout_seconds, 40.0);
        // Its settings are shown on the call.
        assert_eq!(
            &CALLER[orders.id_range.start..orders.id_range.end],
            "\"./modules/function\""
        );
        let [invocation] = orders.invocations.as_slice() else {
            panic!("the caller's route: {orders:#?}");
        };
        assert_eq!(invocation.payload_version, PayloadVersion::V2);
        assert!(invocation.file.is_none());
        // An integration inside a module, to the function the caller hands it.
        let reports = specs
            .iter()
            .find(|spec| spec.logical_id == "aws_lambda_function.reports")
            .expect("the caller's function");
        let [invocation] = reports.invocations.as_slice() else {
            panic!("the module's route: {reports:#?}");
        };
        assert_eq!(invocation.payload_version, PayloadVersion::V1);
        assert_eq!(
            invocation.file.as_deref(),
            Some(std::path::Path::new("/p/modules/route/main.tf"))
        );
        // Read, the modules grant nothing beyond what they declare.
        assert!(!template
            .resources
            .iter()
            .any(|resource| resource.logical_id.ends_with("#0")));
        // Hover anywhere in the caller answers without panicking.
        let graph = model.graph().expect("a graph");
        for offset in 0..=CALLER.len() {
            let _ = crate::templates::hover_at(template, graph, offset);
        }
    }

    #[test]
    fn a_module_not_read_may_grant_the_permission() {
        let model = with_modules(
            CALLER,
            vec![super::super::ModuleRead {
                name: "reports_route".into(),
                folder: "/p/modules/route".into(),
                files: None,
                calls: Vec::new(),
            }],
        );
        let template = model.template().expect("a model");
        let granted = template
            .resource("module.reports_route#0")
            .expect("a possible permission");
        assert!(granted.incomplete);
        // Not given to the compiler at all (a file read alone): the same.
        let alone = model_alone(CALLER);
        assert!(alone.resource("module.reports_route#0").is_some());
        assert!(alone.resource("module.orders#0").is_none());
    }

    fn model_alone(text: &str) -> crate::templates::Template {
        model(text).read.template.expect("a model")
    }

    #[test]
    fn a_module_with_unknown_instances_is_incomplete() {
        let caller = CALLER.replace(
            "module \"orders\" {\n",
            "variable \"n\" {}\n\nmodule \"orders\" {\n  count   = var.n\n",
        );
        let model = with_modules(
            &caller,
            vec![module_read("orders", "function", FUNCTION_MODULE)],
        );
        let template = model.template().expect("a model");
        let function = template
            .resource("module.orders.aws_lambda_function.this")
            .expect("read once, its instances unknown");
        assert!(function.incomplete);
    }

    #[test]
    fn module_instances_are_addressed_as_terraform_does() {
        let caller = CALLER
            .replace(
                "module \"orders\" {\n",
                "module \"orders\" {\n  for_each = toset([\"a\", \"b\"])\n",
            )
            .replace(
                "module.orders.invoke_arn",
                "module.orders[\"b\"].invoke_arn",
            )
            .replace(
                "handler = \"orders.handler\"",
                "handler = \"${each.key}.handler\"",
            );
        let model = with_modules(
            &caller,
            vec![module_read("orders", "function", FUNCTION_MODULE)],
        );
        let template = model.template().expect("a model");
        for key in ["a", "b"] {
            let id = format!("module.orders[\"{key}\"].aws_lambda_function.this");
            let function = template.resource(&id).expect("one per instance");
            let handler = function.property("Handler").and_then(|h| h.as_str());
            assert_eq!(handler, Some(format!("{key}.handler").as_str()));
        }
        let specs = model.function_specs();
        let invoked: Vec<&str> = specs
            .iter()
            .filter(|spec| !spec.invocations.is_empty())
            .map(|spec| spec.logical_id.as_str())
            .collect();
        assert!(invoked.contains(&"module.orders[\"b\"].aws_lambda_function.this"));
        assert!(!invoked.contains(&"module.orders[\"a\"].aws_lambda_function.this"));
    }

    #[test]
    fn modules_that_depend_on_each_other_are_unknown_not_endless() {
        let caller = "module \"a\" {\n  source = \"./modules/a\"\n  x      = module.b.out\n}\n\nmodule \"b\" {\n  source = \"./modules/b\"\n  x      = module.a.out\n}\n";
        let module = "variable \"x\" {}\n\noutput \"out\" {\n  value = var.x\n}\n";
        let model = with_modules(
            caller,
            vec![module_read("a", "a", module), module_read("b", "b", module)],
        );
        assert!(model.template().is_some());
    }

    #[test]
    fn path_module_is_relative_to_the_root_module() {
        assert_eq!(super::module_path(".", "./modules/api"), "modules/api");
        assert_eq!(
            super::module_path("modules/api", "../shared"),
            "modules/shared"
        );
        assert_eq!(super::module_path(".", "../infra/m"), "../infra/m");
        assert_eq!(super::module_path("modules/api", "./"), "modules/api");
    }
}
