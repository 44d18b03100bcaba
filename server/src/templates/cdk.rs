//! AWS CDK apps: a TypeScript/JavaScript or Python stack file that imports the CDK, read into the
//! template model as the CloudFormation its constructs synthesise, every value keeping its range
//! in the stack file.
//!
//! The file is read with the handler languages' grammars into a small expression form (literals,
//! names, member accesses, calls with their arguments and Python keyword arguments as one props
//! object, objects, arrays, concatenations), then evaluated: names resolve to the `const`s,
//! module-level variables and `this.x`/`self.x` fields bound in the same file; anything passed
//! in from elsewhere is unknown.
//!
//! Constructs map onto CloudFormation types: `lambda.Function`, `NodejsFunction`,
//! `PythonFunction` and `DockerImageFunction` are `AWS::Lambda::Function`s (`handler`,
//! `runtime`, `timeout: Duration.seconds(n)`, `reservedConcurrentExecutions`, the code folder of
//! `Code.fromAsset(...)`); `LambdaRestApi`, `RestApi` (with `root.addResource(...)`,
//! `addMethod(verb, new LambdaIntegration(fn, {proxy, timeout}))`, `addProxy`) the
//! `AWS::ApiGateway::*` resources; `HttpApi` with `addRoutes` / `HttpLambdaIntegration` the
//! `AWS::ApiGatewayV2::*` ones, and so does `WebSocketApi` with its route options and `addRoute`
//! / `WebSocketLambdaIntegration`; `fn.addFunctionUrl()` an `AWS::Lambda::Url`; a
//! `LambdaTarget` an Application Load Balancer target group with its permission. CDK's L2
//! integrations grant API Gateway its invoke permission, so each is read with the
//! `AWS::Lambda::Permission` CDK adds. A function passed anywhere else (an event source, a rule target, another construct) is invoked in a way the model does not
//! know: it is read as invoked by another source.
//!
//! L1 constructs (`CfnMethod`, `CfnPermission`, `CfnApi`, ...) are the resources of their own
//! type, their props read as properties; REST integrations written by their URI
//! (`apigw.Integration`, `AwsIntegration`) are methods with that URI. CDK grants nothing for
//! either: `addPermission` and `grantInvoke` are read as the permissions they add, and one for a
//! function or principal the file cannot know is a permission for any. Deploy-time values
//! (`fn.functionArn`, `api.ref`, `this.region`, strings joining them) are the CloudFormation
//! standing for them, so the permission rules judge them as they judge a template.
//!
//! Functions made by helpers of the file (a function or method returning the construct, a
//! construct class holding it in a field, a class extending a function construct) are one
//! function per call, the call's arguments in place of the helper's parameters.
//!
//! Asset paths: `Code.fromAsset('lambda')` and a `NodejsFunction`'s `entry` are relative to the
//! CDK app's folder (where `cdk.json` is, the process's working folder); `path.join(__dirname,
//! ...)` and `os.path.join(os.path.dirname(__file__), ...)` to the stack file's folder. The
//! workspace knows where the app root is and puts the paths in place
//! ([`super::TemplateModel::attach_cdk_app`]); until then an app-relative path is unknown.

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::model::{Dialect, Syntax, Template};
use super::value::build::{entry, get_att, map, reference, resource, string, unknown};
use super::value::{Entry, Value, ValueKind};
use crate::files::FileKind;
use crate::text::TextRange;

/// `Metadata.BuildMethod` of a CDK function: CDK builds and bundles its assets, so a missing
/// folder or module is unknown, never reported.
pub const BUILD: &str = "cdk";
/// `Metadata` key holding a code path relative to the CDK app's folder.
pub const APP_ASSET: &str = "CdkAppAsset";
/// `Metadata` key of a `NodejsFunction` without `entry`: its default entry
/// `<stack file stem>.<id>.ts` beside the stack file.
pub const DEFAULT_ENTRY: &str = "CdkDefaultEntry";

const MAX_DEPTH: usize = 24;

/// The principal API Gateway invokes functions as.
const API_GATEWAY: &str = "apigateway.amazonaws.com";

/// One expression of the stack file, with its range.
#[derive(Clone, Debug)]
struct Ex {
    range: TextRange,
    expr: Expr,
}

#[derive(Clone, Debug)]
enum Expr {
    Str(String),
    Num(f64),
    Bool(bool),
    /// An identifier; `this` and Python's `self` are both `this`.
    Name(String),
    Member(Box<Ex>, String),
    /// A call or `new`: the callee and the arguments (Python keyword arguments as one object
    /// at the end).
    Call(Box<Ex>, Vec<Ex>),
    Object(Vec<Prop>),
    Array(Vec<Ex>),
    /// `a + b`, a template string: pieces joined.
    Concat(Vec<Ex>),
    Unknown,
}

#[derive(Clone, Debug)]
struct Prop {
    key: String,
    key_range: TextRange,
    /// `None`: a spread (`...other`), whose value is `value`.
    spread: bool,
    value: Ex,
}

/// A name bound in the file: the scope it is visible in (a function's range, or the file).
struct Binding {
    name: String,
    scope: TextRange,
    at: usize,
    value: Ex,
}

/// A function construct a helper makes: the helper, the construct's kind and arguments (in the
/// helper's terms), the field holding it, and the construct as written (none for `super(...)`).
struct Made {
    helper: usize,
    kind: Kind,
    args: Vec<Ex>,
    field: Option<String>,
    written: Option<usize>,
}

/// A function, method or class constructor of the stack file that may build a function
/// construct from its arguments.
struct Helper {
    name: String,
    range: TextRange,
    params: Vec<Param>,
    kind: HelperKind,
}

#[derive(Clone, Debug, PartialEq)]
enum HelperKind {
    /// `function make(...)`, `def make(...)` at the top level.
    Function,
    /// A method, called as `this.make(...)` / `self.make(...)`.
    Method,
    /// The constructor of a class (`new Orders(this, 'Id', props)`), and what it extends.
    Constructor {
        class: String,
        extends: Option<String>,
    },
}

/// One parameter: its name (or, destructured, the names it binds from the argument's keys) and
/// its default.
struct Param {
    name: Option<String>,
    keys: Vec<String>,
    default: Option<Ex>,
}

/// Where an asset path is relative to.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Base {
    /// The CDK app's folder (the working folder `cdk synth` runs in).
    App,
    /// The stack file's folder (`__dirname`).
    File,
}

/// What an expression evaluates to.
#[derive(Clone, Debug)]
enum Val {
    Str(String, TextRange),
    /// A number and whether its range is the plain literal (a fix may replace it).
    Num(f64, TextRange, bool),
    Bool(bool),
    Construct(usize),
    /// A REST API resource (`api.root`, `.addResource('x')`): the API and the path.
    RestResource(usize, String),
    Obj(Vec<Prop>),
    Arr(Vec<Ex>),
    Path(Base, String),
    /// `Code.fromAsset(path)`.
    Asset(Base, String),
    /// A dotted name nothing binds (`lambda.Runtime.PYTHON_3_12`).
    Enum(String),
    /// A value only the deployment knows, as the CloudFormation that stands for it
    /// (`fn.functionArn` → `Fn::GetAtt`, `api.ref` → `Ref`, a string joining them → `Fn::Join`).
    Cfn(Value),
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Function,
    NodejsFunction,
    PythonFunction,
    DockerFunction,
    Alias,
    RestApi,
    LambdaRestApi,
    SpecRestApi,
    HttpApi,
    WebSocketApi,
    LambdaIntegration,
    HttpLambdaIntegration,
    WebSocketLambdaIntegration,
    /// `new targets.LambdaTarget(fn)`: registers the function with an Application Load Balancer
    /// target group (the one thing it is for), with the invoke permission CDK adds.
    LambdaTarget,
    /// An L1 construct (`new apigw.CfnMethod(this, 'Id', props)`): the CloudFormation resource
    /// of that type, its props as its properties. CDK grants nothing for it.
    Cfn(&'static str),
    /// `new apigw.Integration({type, uri})` or `new apigw.AwsIntegration({service: 'lambda',
    /// path})`: an integration written by its URI, for which CDK grants no invoke permission.
    RawIntegration,
}

fn kind_of(callee: &str) -> Option<Kind> {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    Some(match last {
        "Function" | "SingletonFunction" => Kind::Function,
        "NodejsFunction" => Kind::NodejsFunction,
        "PythonFunction" => Kind::PythonFunction,
        "DockerImageFunction" => Kind::DockerFunction,
        "Alias" => Kind::Alias,
        "RestApi" => Kind::RestApi,
        "LambdaRestApi" => Kind::LambdaRestApi,
        "SpecRestApi" => Kind::SpecRestApi,
        "HttpApi" => Kind::HttpApi,
        "WebSocketApi" => Kind::WebSocketApi,
        "LambdaIntegration" => Kind::LambdaIntegration,
        "HttpLambdaIntegration" | "LambdaProxyIntegration" => Kind::HttpLambdaIntegration,
        "WebSocketLambdaIntegration" | "LambdaWebSocketIntegration" => {
            Kind::WebSocketLambdaIntegration
        }
        "LambdaTarget" => Kind::LambdaTarget,
        _ => return None,
    })
}

impl Kind {
    fn is_function(self) -> bool {
        matches!(
            self,
            Kind::Function | Kind::NodejsFunction | Kind::PythonFunction | Kind::DockerFunction
        )
    }

    /// Integrations are made without a scope (`new LambdaIntegration(fn)`).
    fn scoped(self) -> bool {
        !matches!(
            self,
            Kind::LambdaIntegration
                | Kind::HttpLambdaIntegration
                | Kind::WebSocketLambdaIntegration
                | Kind::LambdaTarget
                | Kind::RawIntegration
        )
    }
}

/// The module a dotted callee comes from, through the file's imports (`apigw.CfnMethod` →
/// `aws-cdk-lib/aws-apigateway`).
fn module_of(path: &str, imports: &HashMap<String, String>) -> String {
    let segments: Vec<&str> = path.split('.').collect();
    let Some((_, owners)) = segments.split_last() else {
        return String::new();
    };
    // `CfnMethod` imported by itself: its own import names the module.
    let Some((first, between)) = owners.split_first() else {
        return imports.get(path).cloned().unwrap_or_default();
    };
    match imports.get(*first) {
        Some(module) => std::iter::once(module.as_str())
            .chain(between.iter().copied())
            .collect::<Vec<_>>()
            .join("/"),
        None => owners.join("/"),
    }
}

/// The AWS service a CDK module path names: `aws-cdk-lib/aws-apigateway` → `apigateway`,
/// `aws_cdk.aws_lambda` → `lambda`, `@aws-cdk/aws-apigatewayv2-alpha` → `apigatewayv2`.
fn service_of(module: &str) -> Option<String> {
    module
        .split(['/', '.'])
        .filter(|segment| !matches!(*segment, "aws-cdk-lib" | "aws_cdk" | "aws-cdk"))
        .filter_map(|segment| {
            segment
                .strip_prefix("aws-")
                .or_else(|| segment.strip_prefix("aws_"))
        })
        .next_back()
        .map(|service| {
            service
                .trim_end_matches("-alpha")
                .trim_end_matches("_alpha")
                .to_owned()
        })
}

/// The kinds only a module tells apart: the L1 constructs the model reads, and the API Gateway
/// integrations written by their URI (`Integration` is no unique name).
fn module_kind(path: &str, imports: &HashMap<String, String>) -> Option<Kind> {
    let class = last(path);
    if !class.starts_with("Cfn") && !class.ends_with("Integration") {
        return None;
    }
    let service = service_of(&module_of(path, imports))?;
    Some(match (service.as_str(), class) {
        ("lambda", "CfnPermission") => Kind::Cfn("AWS::Lambda::Permission"),
        ("lambda", "CfnUrl") => Kind::Cfn("AWS::Lambda::Url"),
        ("apigateway", "CfnRestApi") => Kind::Cfn("AWS::ApiGateway::RestApi"),
        ("apigateway", "CfnResource") => Kind::Cfn("AWS::ApiGateway::Resource"),
        ("apigateway", "CfnMethod") => Kind::Cfn("AWS::ApiGateway::Method"),
        ("apigateway", "CfnAuthorizer") => Kind::Cfn("AWS::ApiGateway::Authorizer"),
        ("apigatewayv2", "CfnApi") => Kind::Cfn("AWS::ApiGatewayV2::Api"),
        ("apigatewayv2", "CfnRoute") => Kind::Cfn("AWS::ApiGatewayV2::Route"),
        ("apigatewayv2", "CfnIntegration") => Kind::Cfn("AWS::ApiGatewayV2::Integration"),
        ("apigatewayv2", "CfnAuthorizer") => Kind::Cfn("AWS::ApiGatewayV2::Authorizer"),
        ("apigateway", "Integration" | "AwsIntegration") => Kind::RawIntegration,
        _ => return None,
    })
}

struct Construct {
    kind: Kind,
    id: String,
    id_range: TextRange,
    range: TextRange,
    args: Vec<Ex>,
    /// A function written in a helper that is called: each call is a function of its own, and
    /// this one, its parameters unknown, stands for none.
    template: bool,
    /// The field of a custom construct holding the function it makes (`orders.fn`).
    field: Option<String>,
}

impl Construct {
    /// The props object: the last argument when it is an object (or a name bound to one).
    fn props_arg(&self) -> Option<&Ex> {
        let skip = if self.kind.scoped() { 2 } else { 1 };
        self.args.get(skip..)?.last()
    }
}

/// Reads a parsed stack file into the model.
pub fn read(kind: FileKind, tree: &Tree, text: &str) -> Template {
    let python = kind == FileKind::Python;
    let mut reader = Reader {
        text,
        python,
        bindings: Vec::new(),
        calls: Vec::new(),
        imports: HashMap::new(),
        helpers: Vec::new(),
        returns: Vec::new(),
    };
    let root = tree.root_node();
    let whole = TextRange::new(root.start_byte(), root.end_byte());
    reader.walk(root, whole, 0);
    let overrides = has_escape_hatches(text);
    let compiled = Compiler::new(&reader).compile(whole, overrides);
    let mut template = Template::from_value(compiled, Syntax::Yaml);
    template.dialect = Dialect::Cdk { python };
    template.is_sam = false;
    if overrides {
        // The synthesised CloudFormation may differ from what the constructs say.
        for resource in &mut template.resources {
            resource.incomplete = true;
        }
    }
    template.mark_unread(crate::text::error_ranges(tree));
    template
}

/// Whether the file overrides what its constructs synthesise (CDK's escape hatches:
/// `node.defaultChild`, `addPropertyOverride`, `addOverride`).
fn has_escape_hatches(text: &str) -> bool {
    [
        "defaultChild",
        "default_child",
        "addPropertyOverride",
        "add_property_override",
        "addOverride",
        "add_override",
    ]
    .iter()
    .any(|hatch| text.contains(hatch))
}

struct Reader<'t> {
    text: &'t str,
    python: bool,
    bindings: Vec<Binding>,
    /// Every call of the file (nested ones too), in document order.
    calls: Vec<Ex>,
    /// The names the file's imports bind, with the module path each stands for
    /// (`apigw` → `aws-cdk-lib/aws-apigateway`, `CfnMethod` → `aws-cdk-lib/aws-apigateway/CfnMethod`).
    imports: HashMap<String, String>,
    /// Functions, methods and constructors, in document order.
    helpers: Vec<Helper>,
    /// The values of `return` statements.
    returns: Vec<Ex>,
}

fn range(node: Node) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

/// `reserved_concurrent_executions` → `reservedConcurrentExecutions`; names with capitals or
/// without underscores are left alone.
fn camel(name: &str) -> String {
    if !name.contains('_') || name.chars().any(|c| c.is_ascii_uppercase()) || name.starts_with('_')
    {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl Reader<'_> {
    fn slice(&self, node: Node) -> &str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    fn walk(&mut self, node: Node, scope: TextRange, depth: usize) {
        if depth > 200 {
            return;
        }
        let kind = node.kind();
        let scope = match kind {
            "function_declaration"
            | "method_definition"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function_declaration"
            | "function_definition" => range(node),
            _ => scope,
        };
        // Parameters and loop variables hide the file's names of the same spelling: unknown.
        if scope == range(node) {
            if let Some(parameters) = node.child_by_field_name("parameters") {
                let mut names = Vec::new();
                identifiers(parameters, &mut names, 0);
                for name in names {
                    self.bind_unknown(name, scope);
                }
            }
        }
        if matches!(kind, "for_in_statement" | "for_statement") {
            if let Some(left) = node.child_by_field_name("left") {
                let mut names = Vec::new();
                identifiers(left, &mut names, 0);
                for name in names {
                    self.bind_unknown(name, scope);
                }
            }
        }
        match kind {
            "variable_declarator" => {
                if let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) {
                    if name.kind() == "identifier" {
                        let value = self.expr(value, 0);
                        // `const apigw = require('aws-cdk-lib/aws-apigateway')`.
                        if let Expr::Call(callee, args) = &value.expr {
                            if let (
                                Expr::Name(function),
                                [Ex {
                                    expr: Expr::Str(module),
                                    ..
                                }],
                            ) = (&callee.expr, args.as_slice())
                            {
                                if function == "require" {
                                    self.imports
                                        .insert(self.slice(name).to_owned(), module.clone());
                                }
                            }
                        }
                        self.bind(self.slice(name).to_owned(), scope, name.start_byte(), value);
                    }
                }
            }
            "assignment_expression" | "assignment" => {
                if let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) {
                    let target = self.expr(left, 0);
                    if let Some(name) = dotted(&target) {
                        let value = self.expr(right, 0);
                        // A field is visible in the whole file.
                        let scope = if name.starts_with("this.") {
                            TextRange::new(0, self.text.len())
                        } else {
                            scope
                        };
                        self.bind(name, scope, left.start_byte(), value);
                    }
                }
            }
            "new_expression" | "call_expression" | "call" => {
                let call = self.expr(node, 0);
                if matches!(call.expr, Expr::Call(..)) {
                    self.calls.push(call);
                }
            }
            "import_statement" | "import_from_statement" => self.record_import(node),
            "function_declaration" | "method_definition" | "function_definition" => {
                self.record_helper(node)
            }
            "return_statement" => {
                if let Some(value) = node.named_child(0) {
                    let value = self.expr(value, 0);
                    self.returns.push(value);
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            self.walk(child, scope, depth + 1);
        }
    }

    /// Records a function, method or constructor with its parameters.
    fn record_helper(&mut self, node: Node) {
        let Some(name) = self.field(node, "name").map(|n| self.slice(n).to_owned()) else {
            return;
        };
        // The class a method belongs to: `class_body`/`block` inside the class.
        let class = node
            .parent()
            .and_then(|body| body.parent())
            .filter(|class| {
                matches!(
                    class.kind(),
                    "class_declaration"
                        | "class"
                        | "abstract_class_declaration"
                        | "class_definition"
                )
            });
        let kind = match class {
            Some(class) if name == "constructor" || name == "__init__" => {
                let class_name = self
                    .field(class, "name")
                    .map(|n| self.slice(n).to_owned())
                    .unwrap_or_default();
                let extends = if self.python {
                    self.field(class, "superclasses")
                        .and_then(|list| list.named_child(0))
                } else {
                    let mut cursor = class.walk();
                    let heritage = class
                        .named_children(&mut cursor)
                        .find(|child| child.kind() == "class_heritage");
                    heritage.and_then(|heritage| {
                        let mut inner = heritage.walk();
                        let clause = heritage
                            .named_children(&mut inner)
                            .find(|child| child.kind() == "extends_clause");
                        clause.and_then(|clause| clause.child_by_field_name("value"))
                    })
                }
                .and_then(|value| dotted(&self.expr(value, 0)));
                HelperKind::Constructor {
                    class: class_name,
                    extends,
                }
            }
            Some(_) => HelperKind::Method,
            None => HelperKind::Function,
        };
        let mut params = Vec::new();
        if let Some(list) = self.field(node, "parameters") {
            let mut cursor = list.walk();
            for (index, param) in list.named_children(&mut cursor).enumerate() {
                // Python methods' `self`.
                if self.python && index == 0 && kind != HelperKind::Function {
                    continue;
                }
                let (target, default) = match param.kind() {
                    "required_parameter" | "optional_parameter" => {
                        (self.field(param, "pattern"), self.field(param, "value"))
                    }
                    "default_parameter" | "typed_default_parameter" => {
                        (self.field(param, "name"), self.field(param, "value"))
                    }
                    "typed_parameter" => (param.named_child(0), None),
                    "identifier" => (Some(param), None),
                    "comment" | "keyword_separator" | "positional_separator" => continue,
                    // `*args`, `**kwargs`, `...rest`: what follows is not positional.
                    _ => break,
                };
                let Some(target) = target else {
                    break;
                };
                let (name, keys) = match target.kind() {
                    "identifier" => (Some(self.slice(target).to_owned()), Vec::new()),
                    "object_pattern" => {
                        let mut inner = target.walk();
                        let keys = target
                            .named_children(&mut inner)
                            .filter(|key| key.kind() == "shorthand_property_identifier_pattern")
                            .map(|key| self.slice(key).to_owned())
                            .collect();
                        (None, keys)
                    }
                    _ => (None, Vec::new()),
                };
                params.push(Param {
                    name,
                    keys,
                    default: default.map(|value| self.expr(value, 0)),
                });
            }
        }
        self.helpers.push(Helper {
            name,
            range: range(node),
            params,
            kind,
        });
    }

    /// Records the names an import binds: TypeScript `import * as x from 'm'`, `import { a as
    /// b } from 'm'`; Python `import a.b as c`, `from a.b import c as d`.
    fn record_import(&mut self, node: Node) {
        let mut found: Vec<(String, String)> = Vec::new();
        if self.python {
            let module = self
                .field(node, "module_name")
                .map(|module| self.slice(module).to_owned());
            let mut cursor = node.walk();
            for name in node.children_by_field_name("name", &mut cursor) {
                let (dotted, alias) = match name.kind() {
                    "aliased_import" => (
                        self.field(name, "name").map(|n| self.slice(n).to_owned()),
                        self.field(name, "alias").map(|n| self.slice(n).to_owned()),
                    ),
                    _ => (Some(self.slice(name).to_owned()), None),
                };
                let Some(dotted) = dotted else {
                    continue;
                };
                let (bound, path) = match (&module, alias) {
                    (Some(module), alias) => (
                        alias.unwrap_or_else(|| dotted.clone()),
                        format!("{module}/{dotted}"),
                    ),
                    // `import aws_cdk.aws_lambda` binds `aws_cdk`.
                    (None, None) => {
                        let first = dotted.split('.').next().unwrap_or(&dotted).to_owned();
                        (first.clone(), first)
                    }
                    (None, Some(alias)) => (alias, dotted),
                };
                found.push((bound, path));
            }
        } else {
            let Some(source) = self.field(node, "source") else {
                return;
            };
            let Expr::Str(module) = self.string(source) else {
                return;
            };
            let mut stack = vec![node];
            while let Some(current) = stack.pop() {
                let mut cursor = current.walk();
                for child in current.named_children(&mut cursor) {
                    match child.kind() {
                        "import_clause" | "named_imports" => stack.push(child),
                        "namespace_import" => {
                            if let Some(name) = child.named_child(0) {
                                found.push((self.slice(name).to_owned(), module.clone()));
                            }
                        }
                        "import_specifier" => {
                            let name = self.field(child, "name").map(|n| self.slice(n));
                            let alias = self.field(child, "alias").map(|n| self.slice(n));
                            if let Some(name) = name {
                                found.push((
                                    alias.unwrap_or(name).to_owned(),
                                    format!("{module}/{name}"),
                                ));
                            }
                        }
                        // A default import binds the module itself.
                        "identifier" if current.kind() == "import_clause" => {
                            found.push((self.slice(child).to_owned(), module.clone()));
                        }
                        _ => {}
                    }
                }
            }
        }
        self.imports.extend(found);
    }

    fn bind_unknown(&mut self, name: Node, scope: TextRange) {
        let text = self.slice(name).to_owned();
        let at = range(name);
        self.bind(
            text,
            scope,
            at.start,
            Ex {
                range: at,
                expr: Expr::Unknown,
            },
        );
    }

    fn bind(&mut self, name: String, scope: TextRange, at: usize, value: Ex) {
        self.bindings.push(Binding {
            name,
            scope,
            at,
            value,
        });
    }

    fn field<'n>(&self, node: Node<'n>, name: &str) -> Option<Node<'n>> {
        node.child_by_field_name(name)
    }

    fn expr(&self, node: Node, depth: usize) -> Ex {
        let at = range(node);
        let ex = |expr| Ex { range: at, expr };
        if depth > MAX_DEPTH {
            return ex(Expr::Unknown);
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        match node.kind() {
            "string" => ex(self.string(node)),
            "template_string" => {
                let mut pieces = Vec::new();
                let mut last = node.start_byte() + 1;
                for child in &children {
                    if child.kind() == "template_substitution" {
                        if child.start_byte() > last {
                            let piece = &self.text[last..child.start_byte()];
                            pieces.push(Ex {
                                range: TextRange::new(last, child.start_byte()),
                                expr: Expr::Str(piece.to_owned()),
                            });
                        }
                        let inner = child.named_child(0);
                        pieces.push(match inner {
                            Some(inner) => self.expr(inner, depth + 1),
                            None => ex(Expr::Unknown),
                        });
                        last = child.end_byte();
                    }
                }
                let end = node.end_byte().saturating_sub(1).max(last);
                if end > last {
                    pieces.push(Ex {
                        range: TextRange::new(last, end),
                        expr: Expr::Str(self.text[last..end].to_owned()),
                    });
                }
                if self.text[at.start..at.end].contains('\\') {
                    return ex(Expr::Unknown);
                }
                ex(Expr::Concat(pieces))
            }
            "concatenated_string" => ex(Expr::Concat(
                children.iter().map(|c| self.expr(*c, depth + 1)).collect(),
            )),
            "number" | "integer" | "float" => {
                let written = self.slice(node).replace('_', "");
                match written.parse::<f64>() {
                    Ok(n) => ex(Expr::Num(n)),
                    Err(_) => ex(Expr::Unknown),
                }
            }
            "true" => ex(Expr::Bool(true)),
            "false" => ex(Expr::Bool(false)),
            "this" => ex(Expr::Name("this".into())),
            "super" => ex(Expr::Name("super".into())),
            "identifier" | "shorthand_property_identifier" => {
                let name = self.slice(node);
                ex(Expr::Name(if self.python && name == "self" {
                    "this".into()
                } else {
                    name.to_owned()
                }))
            }
            "member_expression" | "attribute" => {
                let object = self.field(node, "object");
                let property = self
                    .field(node, "property")
                    .or_else(|| self.field(node, "attribute"));
                match (object, property) {
                    (Some(object), Some(property)) => {
                        let name = self.slice(property);
                        let name = if self.python {
                            camel(name)
                        } else {
                            name.to_owned()
                        };
                        ex(Expr::Member(Box::new(self.expr(object, depth + 1)), name))
                    }
                    _ => ex(Expr::Unknown),
                }
            }
            "new_expression" | "call_expression" | "call" => {
                let callee = self
                    .field(node, "constructor")
                    .or_else(|| self.field(node, "function"));
                let Some(callee) = callee else {
                    return ex(Expr::Unknown);
                };
                let mut args = Vec::new();
                let mut keywords = Vec::new();
                if let Some(list) = self.field(node, "arguments") {
                    let mut inner = list.walk();
                    for arg in list.named_children(&mut inner) {
                        match arg.kind() {
                            "keyword_argument" => {
                                if let (Some(name), Some(value)) =
                                    (self.field(arg, "name"), self.field(arg, "value"))
                                {
                                    keywords.push(Prop {
                                        key: camel(self.slice(name)),
                                        key_range: range(name),
                                        spread: false,
                                        value: self.expr(value, depth + 1),
                                    });
                                }
                            }
                            "comment" => {}
                            "dictionary_splat" | "list_splat" | "spread_element" => {
                                args.push(Ex {
                                    range: range(arg),
                                    expr: Expr::Unknown,
                                });
                            }
                            _ => args.push(self.expr(arg, depth + 1)),
                        }
                    }
                    if !keywords.is_empty() {
                        args.push(Ex {
                            range: range(list),
                            expr: Expr::Object(keywords),
                        });
                    }
                }
                ex(Expr::Call(Box::new(self.expr(callee, depth + 1)), args))
            }
            "object" | "dictionary" => {
                let mut props = Vec::new();
                for child in &children {
                    match child.kind() {
                        "pair" => {
                            let (Some(key), Some(value)) =
                                (self.field(*child, "key"), self.field(*child, "value"))
                            else {
                                continue;
                            };
                            let name = match key.kind() {
                                "string" => match self.string(key) {
                                    Expr::Str(text) => text,
                                    _ => continue,
                                },
                                "property_identifier" | "identifier" => self.slice(key).to_owned(),
                                _ => {
                                    // A computed key: anything may be set.
                                    props.push(Prop {
                                        key: String::new(),
                                        key_range: range(key),
                                        spread: true,
                                        value: Ex {
                                            range: range(key),
                                            expr: Expr::Unknown,
                                        },
                                    });
                                    continue;
                                }
                            };
                            props.push(Prop {
                                key: name,
                                key_range: range(key),
                                spread: false,
                                value: self.expr(value, depth + 1),
                            });
                        }
                        "shorthand_property_identifier" => props.push(Prop {
                            key: self.slice(*child).to_owned(),
                            key_range: range(*child),
                            spread: false,
                            value: self.expr(*child, depth + 1),
                        }),
                        "spread_element" | "dictionary_splat" => props.push(Prop {
                            key: String::new(),
                            key_range: range(*child),
                            spread: true,
                            value: match child.named_child(0) {
                                Some(inner) => self.expr(inner, depth + 1),
                                None => ex(Expr::Unknown),
                            },
                        }),
                        "comment" => {}
                        _ => props.push(Prop {
                            key: String::new(),
                            key_range: range(*child),
                            spread: true,
                            value: Ex {
                                range: range(*child),
                                expr: Expr::Unknown,
                            },
                        }),
                    }
                }
                ex(Expr::Object(props))
            }
            "array" | "list" | "tuple" => ex(Expr::Array(
                children
                    .iter()
                    .filter(|c| c.kind() != "comment")
                    .map(|c| self.expr(*c, depth + 1))
                    .collect(),
            )),
            "binary_expression" | "binary_operator" => {
                let operator = self
                    .field(node, "operator")
                    .map(|op| self.slice(op))
                    .unwrap_or("");
                match (
                    operator,
                    self.field(node, "left"),
                    self.field(node, "right"),
                ) {
                    ("+", Some(left), Some(right)) => ex(Expr::Concat(vec![
                        self.expr(left, depth + 1),
                        self.expr(right, depth + 1),
                    ])),
                    ("/", Some(left), Some(right)) if self.python => {
                        // `Path(__file__).parent / "lambda"`: a path join.
                        ex(Expr::Call(
                            Box::new(Ex {
                                range: at,
                                expr: Expr::Name("os.path.join".into()),
                            }),
                            vec![self.expr(left, depth + 1), self.expr(right, depth + 1)],
                        ))
                    }
                    _ => ex(Expr::Unknown),
                }
            }
            "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "await_expression" => match children.first() {
                Some(inner) => {
                    let mut inner = self.expr(*inner, depth + 1);
                    inner.range = at;
                    inner
                }
                None => ex(Expr::Unknown),
            },
            _ => ex(Expr::Unknown),
        }
    }

    /// A Python f-string: its text and `{expression}`s joined; a format spec, a conversion or an
    /// escape makes it unknown.
    fn format_string(&self, node: Node) -> Expr {
        let mut pieces = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "string_start" | "string_end" => {}
                "string_content" if child.named_child_count() == 0 => pieces.push(Ex {
                    range: range(child),
                    expr: Expr::Str(self.slice(child).to_owned()),
                }),
                "interpolation" if child.named_child_count() == 1 => {
                    match self.field(child, "expression") {
                        Some(inner) => pieces.push(self.expr(inner, 1)),
                        None => return Expr::Unknown,
                    }
                }
                _ => return Expr::Unknown,
            }
        }
        Expr::Concat(pieces)
    }

    fn string(&self, node: Node) -> Expr {
        let written = self.slice(node);
        if self.python {
            let mut cursor = node.walk();
            let mut content = String::new();
            if let Some(start) = node.named_child(0).filter(|c| c.kind() == "string_start") {
                let prefix = self.slice(start).to_ascii_lowercase();
                if prefix.contains('f') && !prefix.contains('b') {
                    return self.format_string(node);
                }
            }
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_content" => content.push_str(self.slice(child)),
                    "string_start" => {
                        let prefix = self.slice(child).to_ascii_lowercase();
                        if prefix.contains('f') || prefix.contains('b') {
                            return Expr::Unknown;
                        }
                    }
                    "string_end" => {}
                    _ => return Expr::Unknown,
                }
            }
            return Expr::Str(content);
        }
        if written.len() < 2 || written.contains('\\') {
            return Expr::Unknown;
        }
        Expr::Str(written[1..written.len() - 1].to_owned())
    }
}

/// The identifiers a parameter list or binding pattern binds (not their default values or type
/// annotations).
fn identifiers<'t>(node: Node<'t>, found: &mut Vec<Node<'t>>, depth: usize) {
    if depth > 8 {
        return;
    }
    match node.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => found.push(node),
        "type_annotation" | "comment" => {}
        _ => {
            let named = node
                .child_by_field_name("pattern")
                .or_else(|| node.child_by_field_name("name"));
            if let Some(named) = named {
                identifiers(named, found, depth + 1);
                return;
            }
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                identifiers(child, found, depth + 1);
            }
        }
    }
}

/// `a.b.c` of names and members.
fn dotted(ex: &Ex) -> Option<String> {
    match &ex.expr {
        Expr::Name(name) => Some(name.clone()),
        Expr::Member(object, property) => Some(format!("{}.{property}", dotted(object)?)),
        _ => None,
    }
}

/// The name a call calls: `a.b.c(...)` → `c`, also when `a.b` is itself a call.
fn method_name(callee: &Ex) -> &str {
    match &callee.expr {
        Expr::Member(_, name) | Expr::Name(name) => last(name),
        _ => "",
    }
}

/// `a.b.c` → `c`.
fn last(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

struct Compiler<'r> {
    reader: &'r Reader<'r>,
    constructs: Vec<Construct>,
    /// Constructs by the range of the call making them.
    by_range: HashMap<(usize, usize), usize>,
    /// Bindings (indexes into the reader's) by name.
    bindings: HashMap<&'r str, Vec<usize>>,
    /// Evaluation steps taken: past [`MAX_STEPS`] every value is unknown (names bound to each
    /// other twice over would otherwise take exponential time).
    steps: std::cell::Cell<usize>,
}

const MAX_STEPS: usize = 400_000;

/// One API → function route the stack declares.
struct Route {
    api: usize,
    method: String,
    path: String,
    function: usize,
    /// The integration construct (its options), when written.
    integration: Option<usize>,
    range: TextRange,
    /// `addMethod`'s options (`methodResponses`).
    options: Option<Ex>,
}

impl<'r> Compiler<'r> {
    fn new(reader: &'r Reader<'r>) -> Self {
        let mut bindings: HashMap<&str, Vec<usize>> = HashMap::new();
        for (at, binding) in reader.bindings.iter().enumerate() {
            bindings.entry(binding.name.as_str()).or_default().push(at);
        }
        let mut compiler = Compiler {
            reader,
            constructs: Vec::new(),
            by_range: HashMap::new(),
            bindings,
            steps: std::cell::Cell::new(0),
        };
        let mut ids: HashMap<String, usize> = HashMap::new();
        for call in &reader.calls {
            let Expr::Call(callee, args) = &call.expr else {
                continue;
            };
            let Some(path) = dotted(callee) else {
                continue;
            };
            let Some(kind) = module_kind(&path, &reader.imports).or_else(|| kind_of(&path)) else {
                continue;
            };
            let args = &if reader.python && kind.scoped() {
                python_positional(args)
            } else {
                args.clone()
            };
            if kind.scoped() {
                // `new X(this, 'Id', props)`: a scope, not a string, then the id.
                let scope_ok = args
                    .first()
                    .is_some_and(|scope| !matches!(scope.expr, Expr::Str(_) | Expr::Num(_)));
                if !scope_ok || args.len() < 2 {
                    continue;
                }
                // The bare `Function` of JavaScript is no construct.
                if path == "Function" && !reader.python && !imports_name(reader.text, "Function") {
                    continue;
                }
            }
            let (id, id_range) = match kind.scoped().then(|| &args[1]) {
                Some(Ex {
                    expr: Expr::Str(id),
                    range,
                }) => (id.clone(), *range),
                Some(other) => {
                    // An id computed at run time: the name the construct is bound to, else the
                    // class and line.
                    let bound = reader
                        .bindings
                        .iter()
                        .find(|binding| binding.value.range == call.range)
                        .map(|binding| binding.name.trim_start_matches("this.").to_owned());
                    let line = reader.text[..call.range.start].matches('\n').count() + 1;
                    (
                        bound.unwrap_or_else(|| format!("{}@{line}", last(&path))),
                        other.range,
                    )
                }
                None => (String::new(), call.range),
            };
            let count = ids.entry(id.clone()).or_insert(0);
            *count += 1;
            let id = if *count > 1 && kind.scoped() {
                format!("{id}#{count}")
            } else {
                id
            };
            compiler.by_range.insert(
                (call.range.start, call.range.end),
                compiler.constructs.len(),
            );
            compiler.constructs.push(Construct {
                kind,
                id,
                id_range,
                range: call.range,
                args: args.clone(),
                template: false,
                field: None,
            });
        }
        compiler.instantiate(&mut ids);
        compiler
    }

    /// Functions made by helpers of the file: each call of a function or method that returns a
    /// function construct, and each `new` of a class whose constructor makes one (into a field,
    /// or as the function class it extends), is a function of its own, with the call's
    /// arguments in place of the helper's parameters.
    fn instantiate(&mut self, ids: &mut HashMap<String, usize>) {
        let reader = self.reader;
        let mut made: Vec<Made> = Vec::new();
        for (index, helper) in reader.helpers.iter().enumerate() {
            let innermost = |at: usize| {
                helper.range.contains(at)
                    && !reader.helpers.iter().any(|other| {
                        other.range != helper.range
                            && helper.range.contains(other.range.start)
                            && other.range.contains(at)
                    })
            };
            if let HelperKind::Constructor {
                extends: Some(base),
                ..
            } = &helper.kind
            {
                let kind = kind_of(base).filter(|kind| kind.is_function());
                let call = reader.calls.iter().find(|call| {
                    innermost(call.range.start)
                        && matches!(&call.expr, Expr::Call(callee, _) if is_super(callee))
                });
                if let (
                    Some(kind),
                    Some(Ex {
                        expr: Expr::Call(_, args),
                        ..
                    }),
                ) = (kind, call)
                {
                    let args = if reader.python {
                        python_positional(args)
                    } else {
                        args.clone()
                    };
                    made.push(Made {
                        helper: index,
                        kind,
                        args,
                        field: None,
                        written: None,
                    });
                }
            }
            for (at, construct) in self.constructs.iter().enumerate() {
                if !construct.kind.is_function() || !innermost(construct.range.start) {
                    continue;
                }
                let field = match &helper.kind {
                    HelperKind::Constructor { .. } => {
                        let field = reader.bindings.iter().find_map(|binding| {
                            let field = binding.name.strip_prefix("this.")?;
                            (helper.range.contains(binding.at)
                                && self.refers_to(&binding.value, at))
                            .then(|| field.to_owned())
                        });
                        let Some(field) = field else {
                            continue;
                        };
                        Some(field)
                    }
                    _ => {
                        let returned = reader
                            .returns
                            .iter()
                            .any(|value| innermost(value.range.start) && self.refers_to(value, at));
                        if !returned {
                            continue;
                        }
                        None
                    }
                };
                made.push(Made {
                    helper: index,
                    kind: construct.kind,
                    args: construct.args.clone(),
                    field,
                    written: Some(at),
                });
            }
        }
        for Made {
            helper: index,
            kind,
            args,
            field,
            written,
        } in made
        {
            let helper = &reader.helpers[index];
            let sites: Vec<(&Ex, &[Ex])> = reader
                .calls
                .iter()
                .filter_map(|site| match &site.expr {
                    Expr::Call(callee, site_args)
                        if !helper.range.contains(site.range.start)
                            && !self
                                .by_range
                                .contains_key(&(site.range.start, site.range.end))
                            && calls_helper(callee, helper, reader.python) =>
                    {
                        Some((site, site_args.as_slice()))
                    }
                    _ => None,
                })
                .collect();
            if sites.is_empty() {
                continue;
            }
            if let Some(written) = written {
                // The function written in the helper stands for none: its id is free.
                self.constructs[written].template = true;
                if let Some(count) = ids.get_mut(&self.constructs[written].id) {
                    *count = count.saturating_sub(1);
                }
            }
            for (site, site_args) in sites {
                let bound = self.bind_arguments(helper, site_args);
                let args: Vec<Ex> = args
                    .iter()
                    .map(|arg| self.substitute(arg, &bound, helper.range, 0))
                    .collect();
                let site_id = |position: usize| {
                    let positional = if reader.python && helper.kind != HelperKind::Function {
                        python_positional(site_args)
                    } else {
                        site_args.to_vec()
                    };
                    match positional.get(position).map(|a| (self.eval(a, 0), a.range)) {
                        Some((Val::Str(id, _), range)) => Some((id, range)),
                        _ => None,
                    }
                };
                let own = match args.get(1).map(|a| (self.eval(a, 0), a.range)) {
                    Some((Val::Str(id, _), range)) => Some((id, range)),
                    _ => None,
                };
                let named = match (&helper.kind, &field) {
                    (HelperKind::Constructor { .. }, Some(_)) => {
                        site_id(1).map(|(outer, range)| {
                            let inner = written.map_or("Function", |w| {
                                match &self.constructs[w].args.get(1).map(|a| &a.expr) {
                                    Some(Expr::Str(inner)) => inner.as_str(),
                                    _ => "Function",
                                }
                            });
                            (format!("{outer}/{inner}"), range)
                        })
                    }
                    _ => own,
                };
                // An id computed at run time: the name the call is bound to, else the helper
                // and line.
                let (id, id_range) = named.unwrap_or_else(|| {
                    let bound = reader
                        .bindings
                        .iter()
                        .find(|binding| binding.value.range == site.range)
                        .map(|binding| binding.name.trim_start_matches("this.").to_owned());
                    let line = reader.text[..site.range.start].matches('\n').count() + 1;
                    (
                        bound.unwrap_or_else(|| format!("{}@{line}", helper.name)),
                        site.range,
                    )
                });
                let count = ids.entry(id.clone()).or_insert(0);
                *count += 1;
                let id = if *count > 1 {
                    format!("{id}#{count}")
                } else {
                    id
                };
                self.by_range
                    .insert((site.range.start, site.range.end), self.constructs.len());
                self.constructs.push(Construct {
                    kind,
                    id,
                    id_range,
                    range: site.range,
                    args,
                    template: false,
                    field: field.clone(),
                });
            }
        }
    }

    /// Whether an expression is the construct `at`, or a name bound to it.
    fn refers_to(&self, value: &Ex, at: usize) -> bool {
        let target = self.constructs[at].range;
        match &value.expr {
            _ if value.range == target => true,
            Expr::Name(name) => self
                .lookup(name, value.range.start)
                .is_some_and(|bound| bound.range == target),
            _ => false,
        }
    }

    /// The arguments of a call of `helper`, by parameter name: positional, Python keywords,
    /// defaults; a destructured parameter's names as the argument's keys; unknown otherwise.
    fn bind_arguments(&self, helper: &Helper, site_args: &[Ex]) -> HashMap<String, Ex> {
        let python = self.reader.python;
        let (positional, keywords): (&[Ex], Option<&[Prop]>) = match site_args.split_last() {
            Some((
                Ex {
                    expr: Expr::Object(props),
                    range,
                },
                rest,
            )) if python && self.reader.text[range.start..].starts_with('(') => {
                (rest, Some(props.as_slice()))
            }
            _ => (site_args, None),
        };
        let mut bound = HashMap::new();
        for (position, param) in helper.params.iter().enumerate() {
            let by_keyword = param.name.as_deref().and_then(|name| {
                keywords.and_then(|props| find_prop(props, &camel(name)).or(find_prop(props, name)))
            });
            let value = positional
                .get(position)
                .or(by_keyword)
                .or(param.default.as_ref())
                .cloned()
                .unwrap_or(Ex {
                    range: helper.range,
                    expr: Expr::Unknown,
                });
            for key in &param.keys {
                bound.insert(
                    key.clone(),
                    Ex {
                        range: value.range,
                        expr: Expr::Member(Box::new(value.clone()), key.clone()),
                    },
                );
            }
            if let Some(name) = &param.name {
                bound.insert(name.clone(), value);
            }
        }
        bound
    }

    /// An expression of a helper with its parameters replaced by a call's arguments, and the
    /// helper's own local names by what they are bound to.
    fn substitute(
        &self,
        ex: &Ex,
        bound: &HashMap<String, Ex>,
        helper: TextRange,
        depth: usize,
    ) -> Ex {
        if depth > MAX_DEPTH || !self.step() {
            return Ex {
                range: ex.range,
                expr: Expr::Unknown,
            };
        }
        let expr = match &ex.expr {
            Expr::Name(name) => {
                if let Some(argument) = bound.get(name) {
                    return argument.clone();
                }
                match self.lookup_binding(name, ex.range.start) {
                    Some(binding) if binding.scope == helper => {
                        return self.substitute(&binding.value, bound, helper, depth + 1);
                    }
                    _ => ex.expr.clone(),
                }
            }
            Expr::Member(object, property) => Expr::Member(
                Box::new(self.substitute(object, bound, helper, depth + 1)),
                property.clone(),
            ),
            Expr::Call(callee, args) => Expr::Call(
                Box::new(self.substitute(callee, bound, helper, depth + 1)),
                args.iter()
                    .map(|arg| self.substitute(arg, bound, helper, depth + 1))
                    .collect(),
            ),
            Expr::Object(props) => Expr::Object(
                props
                    .iter()
                    .map(|prop| Prop {
                        value: self.substitute(&prop.value, bound, helper, depth + 1),
                        ..prop.clone()
                    })
                    .collect(),
            ),
            Expr::Array(items) => Expr::Array(
                items
                    .iter()
                    .map(|item| self.substitute(item, bound, helper, depth + 1))
                    .collect(),
            ),
            Expr::Concat(items) => Expr::Concat(
                items
                    .iter()
                    .map(|item| self.substitute(item, bound, helper, depth + 1))
                    .collect(),
            ),
            other => other.clone(),
        };
        Ex {
            range: ex.range,
            expr,
        }
    }

    /// The binding of `name` visible at `at`: in the innermost scope holding it, the last one
    /// before the use (or the only one).
    fn lookup(&self, name: &str, at: usize) -> Option<&'r Ex> {
        self.lookup_binding(name, at).map(|binding| &binding.value)
    }

    fn lookup_binding(&self, name: &str, at: usize) -> Option<&'r Binding> {
        let reader = self.reader;
        let candidates: Vec<&Binding> = self
            .bindings
            .get(name)?
            .iter()
            .map(|&index| &reader.bindings[index])
            .filter(|binding| binding.scope.contains(at))
            .collect();
        let innermost = candidates.iter().map(|b| b.scope.len()).min()?;
        let inner: Vec<&&Binding> = candidates
            .iter()
            .filter(|b| b.scope.len() == innermost)
            .collect();
        if inner.len() == 1 {
            return Some(inner[0]);
        }
        inner
            .iter()
            .filter(|b| b.at < at)
            .max_by_key(|b| b.at)
            .map(|b| **b)
    }

    /// Counts one step; `false` once the budget is spent.
    fn step(&self) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        steps <= MAX_STEPS
    }

    fn eval(&self, ex: &Ex, depth: usize) -> Val {
        if depth > MAX_DEPTH || !self.step() {
            return Val::Unknown;
        }
        match &ex.expr {
            Expr::Str(text) => Val::Str(text.clone(), ex.range),
            Expr::Num(n) => Val::Num(*n, ex.range, true),
            Expr::Bool(b) => Val::Bool(*b),
            Expr::Object(props) => Val::Obj(props.clone()),
            Expr::Array(items) => Val::Arr(items.clone()),
            Expr::Unknown => Val::Unknown,
            Expr::Concat(pieces) => {
                let mut out = String::new();
                let mut base = None;
                // The pieces as CloudFormation, for a string that joins deploy-time values.
                let mut parts: Vec<Value> = Vec::new();
                let mut deployed = false;
                let mut unknown_piece = false;
                for (index, piece) in pieces.iter().enumerate() {
                    match self.eval(piece, depth + 1) {
                        Val::Str(text, range) => {
                            parts.push(string(range, &text));
                            out.push_str(&text);
                        }
                        Val::Num(n, range, _) => {
                            parts.push(string(range, &format_number(n)));
                            out.push_str(&format_number(n));
                        }
                        Val::Path(b, rel) if index == 0 => {
                            base = Some(b);
                            out.push_str(&rel);
                        }
                        Val::Cfn(value) => {
                            deployed = true;
                            parts.push(value);
                        }
                        _ => {
                            unknown_piece = true;
                            parts.push(unknown(piece.range));
                        }
                    }
                }
                match base {
                    _ if deployed && base.is_none() => Val::Cfn(join(ex.range, "", parts)),
                    _ if unknown_piece || deployed => Val::Unknown,
                    Some(base) => Val::Path(base, normalize(&out)),
                    None => Val::Str(out, ex.range),
                }
            }
            Expr::Name(name) => match name.as_str() {
                "__dirname" => Val::Path(Base::File, String::new()),
                "__file__" | "__filename" => Val::Path(Base::File, "\u{0}file".into()),
                _ => match self.lookup(name, ex.range.start) {
                    Some(bound) => self.eval(bound, depth + 1),
                    None => Val::Enum(name.clone()),
                },
            },
            Expr::Member(object, property) => {
                if let Some(path) = dotted(ex) {
                    if let Some(bound) = self.lookup(&path, ex.range.start) {
                        return self.eval(bound, depth + 1);
                    }
                }
                match (self.eval(object, depth + 1), property.as_str()) {
                    (Val::Obj(props), _) => match find_prop(&props, property) {
                        Some(value) => self.eval(value, depth + 1),
                        None => Val::Unknown,
                    },
                    (Val::Construct(at), "root") if self.is_rest_api(at) => {
                        Val::RestResource(at, "/".into())
                    }
                    (Val::Construct(at), "currentVersion" | "latestVersion")
                        if self.constructs[at].kind.is_function() =>
                    {
                        Val::Construct(at)
                    }
                    (Val::Path(Base::File, file), "parent") if file == "\u{0}file" => {
                        Val::Path(Base::File, String::new())
                    }
                    (Val::Construct(at), property)
                        if self.constructs[at].field.as_deref() == Some(property) =>
                    {
                        Val::Construct(at)
                    }
                    (Val::Construct(at), property) => self
                        .attribute(at, property, ex.range)
                        .map_or(Val::Unknown, Val::Cfn),
                    (Val::RestResource(api, path), "resourceId") => {
                        let id = &self.constructs[api].id;
                        Val::Cfn(if path == "/" {
                            get_att(ex.range, id, "RootResourceId")
                        } else {
                            reference(ex.range, &rest_resource_id(id, &path))
                        })
                    }
                    (Val::Enum(path), _) => {
                        let path = format!("{path}.{property}");
                        match pseudo_parameter(&path) {
                            Some(name) => Val::Cfn(reference(ex.range, name)),
                            None => Val::Enum(path),
                        }
                    }
                    // `Stack.of(this).region`.
                    (_, property)
                        if matches!(&object.expr, Expr::Call(callee, _)
                            if dotted(callee).is_some_and(|c| c.ends_with("Stack.of"))) =>
                    {
                        pseudo_parameter(&format!("this.{property}"))
                            .map_or(Val::Unknown, |name| Val::Cfn(reference(ex.range, name)))
                    }
                    _ => Val::Unknown,
                }
            }
            Expr::Call(callee, args) => self.eval_call(ex, callee, args, depth),
        }
    }

    /// A construct's attribute as CloudFormation: `fn.functionArn`, `api.restApiId`, an L1's
    /// `ref` and `attrX`.
    fn attribute(&self, at: usize, property: &str, range: TextRange) -> Option<Value> {
        let construct = &self.constructs[at];
        let id = construct.id.as_str();
        match (construct.kind, property) {
            (kind, "functionArn") if kind.is_function() => Some(get_att(range, id, "Arn")),
            (kind, "functionName") if kind.is_function() => Some(reference(range, id)),
            (Kind::RestApi | Kind::LambdaRestApi | Kind::SpecRestApi, "restApiId") => {
                Some(reference(range, id))
            }
            (Kind::RestApi | Kind::LambdaRestApi | Kind::SpecRestApi, "restApiRootResourceId") => {
                Some(get_att(range, id, "RootResourceId"))
            }
            (Kind::HttpApi | Kind::WebSocketApi, "apiId" | "httpApiId") => {
                Some(reference(range, id))
            }
            (Kind::Cfn(_), "ref") => Some(reference(range, id)),
            (Kind::Cfn(_), attribute) => {
                let name = attribute.strip_prefix("attr")?;
                name.starts_with(|c: char| c.is_ascii_uppercase())
                    .then(|| get_att(range, id, name))
            }
            _ => None,
        }
    }

    /// A value as the CloudFormation it synthesises to; what cannot be read is unknown.
    fn to_cfn(&self, value: Val, range: TextRange, depth: usize) -> Value {
        if depth > MAX_DEPTH || !self.step() {
            return unknown(range);
        }
        match value {
            Val::Str(text, range) => string(range, &text),
            Val::Num(n, range, _) => Value {
                range,
                kind: ValueKind::Number(n),
            },
            Val::Bool(b) => Value {
                range,
                kind: ValueKind::Bool(b),
            },
            Val::Cfn(value) => value,
            Val::Obj(props) => self.cfn_object(&props, range, false, depth + 1),
            Val::Arr(items) => Value {
                range,
                kind: ValueKind::Seq(
                    items
                        .iter()
                        .map(|item| self.to_cfn(self.eval(item, depth + 1), item.range, depth + 1))
                        .collect(),
                ),
            },
            // An enum member is its name (`IntegrationType.AWS_PROXY` → `AWS_PROXY`).
            Val::Enum(path) if path.contains('.') && is_constant(last(&path)) => {
                string(range, last(&path))
            }
            _ => unknown(range),
        }
    }

    /// An object of L1 props as CloudFormation properties (`restApiId` → `RestApiId`); the keys
    /// of free-form maps (`requestParameters`) are kept as written. A spread makes it unknown.
    fn cfn_object(&self, props: &[Prop], range: TextRange, free: bool, depth: usize) -> Value {
        if props.iter().any(|prop| prop.spread) {
            return unknown(range);
        }
        let entries = props
            .iter()
            .map(|prop| {
                let value = match self.eval(&prop.value, depth + 1) {
                    Val::Obj(inner) => {
                        let free = FREE_FORM.contains(&camel(&prop.key).as_str());
                        self.cfn_object(&inner, prop.value.range, free, depth + 1)
                    }
                    other => self.to_cfn(other, prop.value.range, depth + 1),
                };
                let key = if free {
                    prop.key.clone()
                } else {
                    pascal(&camel(&prop.key))
                };
                entry(&key, prop.key_range, value)
            })
            .collect();
        map(range, entries)
    }

    /// An L1 construct as its CloudFormation resource.
    fn l1_resource(&self, construct: &Construct, type_name: &str) -> Entry {
        let at = construct.range;
        let properties = match construct.props_arg() {
            Some(props) => match self.eval(props, 0) {
                Val::Obj(inner) => match self.cfn_object(&inner, props.range, false, 0).kind {
                    ValueKind::Map(entries) => entries,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            },
            None => Vec::new(),
        };
        entry(
            &construct.id,
            construct.id_range,
            resource(at, type_name, properties),
        )
    }

    /// Who a `grantInvoke`/`addPermission` principal is.
    fn principal(&self, ex: &Ex) -> Principal {
        match self.eval(ex, 0) {
            Val::Str(text, range) => return Principal::Named(text, range),
            Val::Construct(_) => return Principal::Other,
            _ => {}
        }
        let mut current = ex;
        for _ in 0..8 {
            match &current.expr {
                Expr::Name(name) => match self.lookup(name, current.range.start) {
                    Some(bound) => current = bound,
                    None => break,
                },
                Expr::Call(callee, _) => {
                    let identity = matches!(
                        method_name(callee),
                        "Role"
                            | "User"
                            | "Group"
                            | "LazyRole"
                            | "ArnPrincipal"
                            | "AccountPrincipal"
                            | "AccountRootPrincipal"
                            | "OrganizationPrincipal"
                            | "FederatedPrincipal"
                            | "WebIdentityPrincipal"
                            | "CanonicalUserPrincipal"
                    );
                    return if identity {
                        Principal::Other
                    } else {
                        Principal::Unknown
                    };
                }
                _ => break,
            }
        }
        Principal::Unknown
    }

    fn is_rest_api(&self, at: usize) -> bool {
        matches!(
            self.constructs[at].kind,
            Kind::RestApi | Kind::LambdaRestApi | Kind::SpecRestApi
        )
    }

    fn eval_call(&self, ex: &Ex, callee: &Ex, args: &[Ex], depth: usize) -> Val {
        if let Some(&at) = self.by_range.get(&(ex.range.start, ex.range.end)) {
            let construct = &self.constructs[at];
            // An alias is its function's.
            if construct.kind == Kind::Alias {
                if let Some(Val::Construct(function)) = self.prop(construct, "version", depth) {
                    return Val::Construct(function);
                }
                return Val::Unknown;
            }
            return Val::Construct(at);
        }
        let path = dotted(callee).unwrap_or_default();
        let method = method_name(callee);
        // Python props structs: `apigw.IntegrationResponse(status_code="200")`.
        let struct_call = || match args {
            [Ex {
                expr: Expr::Object(props),
                ..
            }] if self.reader.python
                && method
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase()) =>
            {
                Some(Val::Obj(props.clone()))
            }
            _ => None,
        };
        let arg = |index: usize| args.get(index).map(|a| self.eval(a, depth + 1));
        let scale = match method {
            "seconds" => Some(1.0),
            "minutes" => Some(60.0),
            "hours" => Some(3600.0),
            "millis" => Some(0.001),
            _ => None,
        };
        if let (Some(scale), true) = (scale, path.contains("Duration")) {
            return match arg(0) {
                Some(Val::Num(n, range, plain)) => {
                    // Only seconds written as a literal may be replaced by another number.
                    if scale == 1.0 {
                        Val::Num(n, range, plain)
                    } else {
                        Val::Num(n * scale, ex.range, false)
                    }
                }
                _ => Val::Unknown,
            };
        }
        match method {
            // `Fn.join('', [...])`.
            "join" if path.split('.').any(|segment| segment == "Fn") => {
                let delimiter = match arg(0) {
                    Some(Val::Str(text, _)) => text,
                    _ => return Val::Unknown,
                };
                let Some(Val::Arr(items)) = arg(1) else {
                    return Val::Unknown;
                };
                let parts = items
                    .iter()
                    .map(|item| self.to_cfn(self.eval(item, depth + 1), item.range, depth + 1))
                    .collect();
                return Val::Cfn(join(ex.range, &delimiter, parts));
            }
            "ServicePrincipal" => {
                if let Some(name @ Val::Str(..)) = arg(0) {
                    return name;
                }
                return Val::Unknown;
            }
            "AnyPrincipal" => return Val::Str("*".into(), ex.range),
            // `api.arnForExecuteApi(method = '*', path = '/*', stage = '*')`.
            "arnForExecuteApi" => {
                let Val::Construct(api) = self.eval(callee_object(callee), depth + 1) else {
                    return Val::Unknown;
                };
                if !self.is_rest_api(api) && self.constructs[api].kind != Kind::HttpApi {
                    return Val::Unknown;
                }
                let at = ex.range;
                let part = |index: usize, default: &str| match args.get(index) {
                    None => string(at, default),
                    Some(argument) => {
                        self.to_cfn(self.eval(argument, depth + 1), argument.range, depth + 1)
                    }
                };
                let parts = vec![
                    string(at, "arn:"),
                    reference(at, "AWS::Partition"),
                    string(at, ":execute-api:"),
                    reference(at, "AWS::Region"),
                    string(at, ":"),
                    reference(at, "AWS::AccountId"),
                    string(at, ":"),
                    reference(at, &self.constructs[api].id),
                    string(at, "/"),
                    part(2, "*"),
                    string(at, "/"),
                    part(0, "*"),
                    part(1, "/*"),
                ];
                return Val::Cfn(join(at, "", parts));
            }
            "fromAsset" | "asset" | "AssetCode" if path.contains("Code") => {
                // Python may name it: `Code.from_asset(path="lambda")`.
                let written = match args.first() {
                    Some(Ex {
                        expr: Expr::Object(props),
                        ..
                    }) if self.reader.python => {
                        find_prop(props, "path").map(|value| self.eval(value, depth + 1))
                    }
                    _ => arg(0),
                };
                return match written {
                    Some(Val::Str(text, _)) => asset_path(Base::App, &text),
                    Some(Val::Path(base, rel)) => asset_path(base, &rel),
                    _ => Val::Unknown,
                };
            }
            "join" | "resolve"
                if matches!(path.as_str(), "join" | "resolve")
                    || path.ends_with("path.join")
                    || path.ends_with("path.resolve") =>
            {
                let mut base = None;
                let mut parts: Vec<String> = Vec::new();
                for (index, argument) in args.iter().enumerate() {
                    match self.eval(argument, depth + 1) {
                        Val::Path(b, rel) if index == 0 => {
                            if rel == "\u{0}file" {
                                return Val::Unknown;
                            }
                            base = Some(b);
                            parts.push(rel);
                        }
                        // `path.join` only joins: a leading `/` of a later part is a separator.
                        Val::Str(text, _) if index > 0 && method == "join" => {
                            parts.push(text.trim_start_matches('/').to_owned())
                        }
                        Val::Str(text, _) if !text.starts_with('/') => parts.push(text),
                        _ => return Val::Unknown,
                    }
                }
                let joined = parts
                    .iter()
                    .filter(|p| !p.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("/");
                return Val::Path(base.unwrap_or(Base::App), normalize(&joined));
            }
            "dirname" | "realpath" | "abspath" => {
                return match arg(0) {
                    Some(Val::Path(Base::File, rel)) if rel == "\u{0}file" => {
                        if method == "dirname" {
                            Val::Path(Base::File, String::new())
                        } else {
                            Val::Path(Base::File, rel)
                        }
                    }
                    Some(Val::Path(Base::File, rel)) if method == "dirname" => {
                        Val::Path(Base::File, normalize(&format!("{rel}/..")))
                    }
                    _ => Val::Unknown,
                };
            }
            "Path" | "str" | "resolve" => {
                if let Some(value @ Val::Path(..)) = arg(0) {
                    return value;
                }
                if method == "resolve" {
                    if let Val::Path(base, rel) = self.eval(callee_object(callee), depth + 1) {
                        return Val::Path(base, rel);
                    }
                }
            }
            "addResource" => {
                if let (Val::RestResource(api, parent), Some(Val::Str(part, _))) =
                    (self.eval(callee_object(callee), depth + 1), arg(0))
                {
                    return Val::RestResource(api, join_path(&parent, &part));
                }
            }
            "resourceForPath" => {
                if let (Val::RestResource(api, parent), Some(Val::Str(part, _))) =
                    (self.eval(callee_object(callee), depth + 1), arg(0))
                {
                    return Val::RestResource(api, join_path(&parent, part.trim_matches('/')));
                }
            }
            "addProxy" => {
                if let Val::RestResource(api, parent) = self.eval(callee_object(callee), depth + 1)
                {
                    return Val::RestResource(api, join_path(&parent, "{proxy+}"));
                }
            }
            "custom" if path.contains("PayloadFormatVersion") => {
                if let Some(value @ Val::Str(..)) = arg(0) {
                    return value;
                }
            }
            _ => {}
        }
        struct_call().unwrap_or(Val::Unknown)
    }

    fn prop(&self, construct: &Construct, key: &str, depth: usize) -> Option<Val> {
        let props = construct.props_arg()?;
        self.get(props, key, depth)
    }

    /// A key of an object expression: `Some(Unknown)` when a spread may set it.
    fn get(&self, object: &Ex, key: &str, depth: usize) -> Option<Val> {
        match self.eval(object, depth + 1) {
            Val::Obj(props) => {
                for prop in props.iter().rev() {
                    if prop.spread {
                        if let Some(found) = self.get(&prop.value, key, depth + 1) {
                            return Some(found);
                        }
                        if !matches!(self.eval(&prop.value, depth + 1), Val::Obj(..)) {
                            return Some(Val::Unknown);
                        }
                        continue;
                    }
                    if prop.key == key {
                        return Some(self.eval(&prop.value, depth + 1));
                    }
                }
                None
            }
            _ => Some(Val::Unknown),
        }
    }

    /// Where a key is written in a construct's props: the key's range and the value's.
    fn prop_ranges(&self, construct: &Construct, key: &str) -> Option<(TextRange, TextRange)> {
        let props = construct.props_arg()?;
        let object = match &props.expr {
            Expr::Object(props) => props,
            Expr::Name(name) => match self.lookup(name, props.range.start).map(|e| &e.expr) {
                Some(Expr::Object(props)) => props,
                _ => return None,
            },
            _ => return None,
        };
        object
            .iter()
            .rev()
            .find(|prop| !prop.spread && prop.key == key)
            .map(|prop| (prop.key_range, prop.value.range))
    }

    /// The object expression an expression is, or the one a name is bound to.
    fn object_props<'a>(&'a self, object: &'a Ex) -> Option<&'a [Prop]> {
        match &object.expr {
            Expr::Object(props) => Some(props),
            Expr::Name(name) => match self.lookup(name, object.range.start).map(|e| &e.expr) {
                Some(Expr::Object(props)) => Some(props),
                _ => None,
            },
            _ => None,
        }
    }

    /// Where the value of `key` is written in an object expression.
    fn written_range(&self, object: &Ex, key: &str) -> Option<TextRange> {
        find_prop(self.object_props(object)?, key).map(|value| value.range)
    }

    /// Where `outer.inner` is written in an object expression.
    fn nested_range(&self, object: &Ex, outer: &str, inner: &str) -> Option<TextRange> {
        let outer = find_prop(self.object_props(object)?, outer)?;
        self.written_range(outer, inner)
    }

    /// The function a value is (a function construct, its alias or version).
    fn function_of(&self, value: &Val) -> Option<usize> {
        match value {
            Val::Construct(at)
                if self.constructs[*at].kind.is_function() && !self.constructs[*at].template =>
            {
                Some(*at)
            }
            _ => None,
        }
    }

    /// The stack's resources; with `overrides` (escape hatches in the file), the functions the
    /// APIs invoke are read as invoked in unknown ways.
    fn compile(&self, whole: TextRange, overrides: bool) -> Value {
        let mut resources: Vec<Entry> = Vec::new();
        let mut routes: Vec<Route> = Vec::new();
        // (function, invoker range): functions invoked by something the model does not read.
        let mut other: Vec<(usize, TextRange)> = Vec::new();
        let mut urls: Vec<(usize, TextRange)> = Vec::new();
        let mut rest_paths: Vec<(usize, String)> = Vec::new();
        let mut http_routes: Vec<(usize, String, usize, TextRange)> = Vec::new();
        // REST methods whose integration is written by its URI: (route, the integration).
        let mut raw_methods: Vec<(Route, usize)> = Vec::new();
        // `addPermission` / `grantInvoke`: the resources they add.
        let mut grants: Vec<Entry> = Vec::new();
        // Functions `addPermission` opens to API Gateway.
        let mut api_grants: Vec<(usize, TextRange)> = Vec::new();
        // (L1 construct, function, where): the functions L1 constructs name.
        let mut l1_named: Vec<(usize, usize, TextRange)> = Vec::new();
        // Default integrations of APIs: LambdaRestApi's handler, RestApi/HttpApi
        // `defaultIntegration`.
        for (at, construct) in self.constructs.iter().enumerate() {
            match construct.kind {
                Kind::LambdaRestApi => {
                    let proxy = !matches!(self.prop(construct, "proxy", 0), Some(Val::Bool(false)));
                    let handler = self.prop(construct, "handler", 0);
                    if let Some(function) = handler.as_ref().and_then(|h| self.function_of(h)) {
                        let range = self
                            .prop_ranges(construct, "handler")
                            .map_or(construct.range, |(_, value)| value);
                        if proxy {
                            for path in ["/", "/{proxy+}"] {
                                routes.push(Route {
                                    api: at,
                                    method: "ANY".into(),
                                    path: path.into(),
                                    function,
                                    integration: None,
                                    range,
                                    options: None,
                                });
                            }
                        }
                    }
                }
                Kind::HttpApi => {
                    if let Some(Val::Construct(integration)) =
                        self.prop(construct, "defaultIntegration", 0)
                    {
                        let range = self
                            .prop_ranges(construct, "defaultIntegration")
                            .map_or(construct.range, |(_, value)| value);
                        http_routes.push((at, "$default".into(), integration, range));
                    }
                }
                Kind::WebSocketApi => {
                    for (key, route) in [
                        ("connectRouteOptions", "$connect"),
                        ("disconnectRouteOptions", "$disconnect"),
                        ("defaultRouteOptions", "$default"),
                    ] {
                        let Some(options) = self.prop(construct, key, 0) else {
                            continue;
                        };
                        let integration = match options {
                            Val::Obj(props) => find_prop(&props, "integration")
                                .map(|value| (self.eval(value, 0), value.range)),
                            _ => None,
                        };
                        if let Some((Val::Construct(integration), range)) = integration {
                            if self.constructs[integration].kind == Kind::WebSocketLambdaIntegration
                            {
                                http_routes.push((at, route.into(), integration, range));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for call in &self.reader.calls {
            let Expr::Call(callee, args) = &call.expr else {
                continue;
            };
            if let Some(&at) = self.by_range.get(&(call.range.start, call.range.end)) {
                if let Kind::Cfn(type_name) = self.constructs[at].kind {
                    // The functions an L1 integration names: invoked through it when its URI
                    // is read, else by a source the model does not know.
                    if type_name != "AWS::Lambda::Permission" {
                        let mut named = Vec::new();
                        if let Expr::Call(_, args) = &call.expr {
                            self.scan_args(args, &mut named);
                        }
                        l1_named.extend(named.into_iter().map(|(f, r)| (at, f, r)));
                    }
                }
                self.scan_construct_args(call, &mut other);
                continue;
            }
            let method = method_name(callee);
            let receiver = match &callee.expr {
                Expr::Member(object, _) => Some(self.eval(object, 0)),
                _ => None,
            };
            match (method, receiver) {
                ("addMethod", Some(Val::RestResource(api, path))) => {
                    let verb = match args.first().map(|a| self.eval(a, 0)) {
                        Some(Val::Str(verb, _)) => verb.to_ascii_uppercase(),
                        _ => "*".into(),
                    };
                    let integration = match args.get(1).map(|a| self.eval(a, 0)) {
                        Some(Val::Construct(i))
                            if self.constructs[i].kind == Kind::LambdaIntegration =>
                        {
                            Some(i)
                        }
                        Some(Val::Construct(i))
                            if self.constructs[i].kind == Kind::RawIntegration
                                && self.raw_integration(i).is_some() =>
                        {
                            rest_paths.push((api, path.clone()));
                            let range = args.get(1).map_or(call.range, |a| a.range);
                            raw_methods.push((
                                Route {
                                    api,
                                    method: verb,
                                    path,
                                    function: usize::MAX,
                                    integration: Some(i),
                                    range,
                                    options: args.get(2).cloned(),
                                },
                                i,
                            ));
                            continue;
                        }
                        // `addMethod('GET')`: the API's default integration.
                        None => None,
                        _ => {
                            // Another integration (AWS service, HTTP, mock) or unknown.
                            self.scan_args(args, &mut other);
                            continue;
                        }
                    };
                    let function = match integration {
                        Some(i) => self.integration_function(i),
                        None => self.default_rest_function(api),
                    };
                    rest_paths.push((api, path.clone()));
                    if let Some((function, range)) = function {
                        routes.push(Route {
                            api,
                            method: verb,
                            path,
                            function,
                            integration,
                            range: args.get(1).map_or(range, |a| a.range),
                            options: args.get(2).cloned(),
                        });
                    }
                }
                ("addProxy", Some(Val::RestResource(api, parent))) => {
                    let path = join_path(&parent, "{proxy+}");
                    let any = match args.first().map(|a| self.get(a, "anyMethod", 0)) {
                        Some(Some(Val::Bool(false))) => false,
                        Some(Some(Val::Bool(true)) | None) | None => true,
                        Some(Some(_)) => false,
                    };
                    let integration = args
                        .first()
                        .and_then(|a| self.get(a, "defaultIntegration", 0));
                    let function = match integration {
                        Some(Val::Construct(i))
                            if self.constructs[i].kind == Kind::LambdaIntegration =>
                        {
                            self.integration_function(i).map(|f| (f, Some(i)))
                        }
                        None => self.default_rest_function(api).map(|f| (f, None)),
                        _ => None,
                    };
                    rest_paths.push((api, path.clone()));
                    if let (true, Some(((function, range), integration))) = (any, function) {
                        routes.push(Route {
                            api,
                            method: "ANY".into(),
                            path,
                            function,
                            integration,
                            range,
                            options: None,
                        });
                    }
                }
                ("addResource" | "resourceForPath", Some(Val::RestResource(..))) => {
                    if let Val::RestResource(api, path) = self.eval(call, 0) {
                        rest_paths.push((api, path));
                    }
                }
                ("addRoutes", Some(Val::Construct(api)))
                    if self.constructs[api].kind == Kind::HttpApi =>
                {
                    let Some(options) = args.first() else {
                        continue;
                    };
                    let route_path = match self.get(options, "path", 0) {
                        Some(Val::Str(path, _)) => path,
                        _ => "*".into(),
                    };
                    let methods: Vec<String> = match self.get(options, "methods", 0) {
                        Some(Val::Arr(items)) => items
                            .iter()
                            .map(|item| match self.eval(item, 0) {
                                Val::Enum(name) => last(&name).to_ascii_uppercase(),
                                Val::Str(name, _) => name.to_ascii_uppercase(),
                                _ => "*".into(),
                            })
                            .collect(),
                        None => vec!["ANY".into()],
                        _ => vec!["*".into()],
                    };
                    match self.get(options, "integration", 0) {
                        Some(Val::Construct(integration))
                            if self.constructs[integration].kind == Kind::HttpLambdaIntegration =>
                        {
                            for verb in methods {
                                http_routes.push((
                                    api,
                                    format!("{verb} {route_path}"),
                                    integration,
                                    call.range,
                                ));
                            }
                        }
                        _ => self.scan_args(args, &mut other),
                    }
                }
                ("addRoute", Some(Val::Construct(api)))
                    if self.constructs[api].kind == Kind::WebSocketApi =>
                {
                    let route = match args.first().map(|a| self.eval(a, 0)) {
                        Some(Val::Str(route, _)) => route,
                        _ => {
                            self.scan_args(args, &mut other);
                            continue;
                        }
                    };
                    match args.get(1).and_then(|o| self.get(o, "integration", 0)) {
                        Some(Val::Construct(integration))
                            if self.constructs[integration].kind
                                == Kind::WebSocketLambdaIntegration =>
                        {
                            http_routes.push((api, route, integration, call.range));
                        }
                        _ => self.scan_args(args, &mut other),
                    }
                }
                ("addFunctionUrl", Some(receiver)) => {
                    if let Some(function) = self.function_of(&receiver) {
                        urls.push((function, call.range));
                    }
                }
                ("addPermission", Some(receiver)) => {
                    let props = args.get(1);
                    let principal = props.and_then(|p| match &p.expr {
                        Expr::Object(props) => find_prop(props, "principal"),
                        _ => None,
                    });
                    let function = self.function_of(&receiver);
                    let read = principal.map_or(Principal::Unknown, |p| self.principal(p));
                    if let Some(grant) = self.grant(call, &receiver, read, props, None) {
                        grants.push(grant);
                    }
                    // Something invokes the function: another service, or API Gateway through
                    // wiring the file may not show (decided once the wiring is read).
                    if let Some(function) = function {
                        let principal = principal.map(|p| self.principal(p));
                        let api_gateway = matches!(&principal,
                            Some(Principal::Named(name, _)) if name == API_GATEWAY);
                        if api_gateway {
                            api_grants.push((function, call.range));
                        } else {
                            other.push((function, call.range));
                        }
                    }
                }
                (
                    "grantInvoke"
                    | "grantInvokeUrl"
                    | "grantInvokeLatestVersion"
                    | "grantInvokeVersion"
                    | "grantInvokeCompositePrincipal",
                    Some(receiver),
                ) => {
                    let read = match (method, args.first()) {
                        ("grantInvokeCompositePrincipal", _) | (_, None) => Principal::Unknown,
                        (_, Some(principal)) => self.principal(principal),
                    };
                    let action = (method == "grantInvokeUrl").then_some("lambda:InvokeFunctionUrl");
                    if let Some(grant) = self.grant(
                        call,
                        &receiver,
                        read,
                        None,
                        Some(action.unwrap_or("lambda:InvokeFunction")),
                    ) {
                        grants.push(grant);
                    }
                }
                (
                    "addEventSource" | "addEventSourceMapping" | "configureAsyncInvoke",
                    Some(receiver),
                ) => {
                    if let Some(function) = self.function_of(&receiver) {
                        other.push((function, call.range));
                    }
                }
                (method, _) if harmless(method) => {}
                _ => self.scan_args(args, &mut other),
            }
        }
        if overrides {
            other.extend(routes.drain(..).map(|route| (route.function, route.range)));
            for (_, _, integration, range) in http_routes.drain(..) {
                if let Some((function, _)) = self.http_integration_function(integration) {
                    other.push((function, range));
                }
            }
        }
        // Functions.
        for construct in &self.constructs {
            if construct.kind.is_function() && !construct.template {
                resources.push(self.function(construct));
            }
            match construct.kind {
                Kind::Cfn(type_name) => resources.push(self.l1_resource(construct, type_name)),
                Kind::RestApi | Kind::LambdaRestApi | Kind::SpecRestApi => {
                    let mut properties = Vec::new();
                    if construct.kind == Kind::SpecRestApi {
                        // An OpenAPI definition the model does not read.
                        let at = construct.range;
                        properties.push(entry(
                            "Body",
                            at,
                            super::value::build::intrinsic(at, "Fn::Transform", unknown(at)),
                        ));
                    }
                    resources.push(entry(
                        &construct.id,
                        construct.id_range,
                        resource(construct.range, "AWS::ApiGateway::RestApi", properties),
                    ));
                }
                Kind::HttpApi | Kind::WebSocketApi => {
                    let protocol = if construct.kind == Kind::HttpApi {
                        "HTTP"
                    } else {
                        "WEBSOCKET"
                    };
                    resources.push(entry(
                        &construct.id,
                        construct.id_range,
                        resource(
                            construct.range,
                            "AWS::ApiGatewayV2::Api",
                            vec![entry(
                                "ProtocolType",
                                construct.range,
                                string(construct.range, protocol),
                            )],
                        ),
                    ));
                }
                _ => {}
            }
        }
        // REST API resources (paths), each once.
        let mut paths: Vec<(usize, String)> = Vec::new();
        for (api, path) in rest_paths
            .into_iter()
            .chain(routes.iter().map(|r| (r.api, r.path.clone())))
        {
            let mut parts = String::new();
            for part in path.split('/').filter(|p| !p.is_empty()) {
                parts = format!("{parts}/{part}");
                if !paths.contains(&(api, parts.clone())) {
                    paths.push((api, parts.clone()));
                }
            }
        }
        for (api, path) in &paths {
            let construct = &self.constructs[*api];
            let at = construct.range;
            let (parent, part) = path.rsplit_once('/').unwrap_or(("", path));
            let parent_id = if parent.is_empty() {
                get_att(at, &construct.id, "RootResourceId")
            } else {
                reference(at, &rest_resource_id(&construct.id, parent))
            };
            resources.push(entry(
                &rest_resource_id(&construct.id, path),
                at,
                resource(
                    at,
                    "AWS::ApiGateway::Resource",
                    vec![
                        entry("ParentId", at, parent_id),
                        entry("PathPart", at, string(at, part)),
                        entry("RestApiId", at, reference(at, &construct.id)),
                    ],
                ),
            ));
        }
        // Methods and the permissions CDK grants.
        let mut granted: Vec<(usize, usize)> = Vec::new();
        for (index, route) in routes.iter().enumerate() {
            let api = &self.constructs[route.api];
            let function = &self.constructs[route.function];
            let at = route.range;
            let resource_id = if route.path == "/" {
                get_att(at, &api.id, "RootResourceId")
            } else {
                reference(at, &rest_resource_id(&api.id, &route.path))
            };
            let mut integration = vec![
                entry("IntegrationHttpMethod", at, string(at, "POST")),
                entry("Uri", at, get_att(at, &function.id, "Arn")),
            ];
            let mut method = vec![
                entry("HttpMethod", at, string(at, &route.method)),
                entry("ResourceId", at, resource_id),
                entry("RestApiId", at, reference(at, &api.id)),
            ];
            let options = route
                .integration
                .map(|i| &self.constructs[i])
                .and_then(|i| i.args.get(1));
            let options = options.or_else(|| {
                // LambdaRestApi's `integrationOptions` for its own integration.
                (api.kind == Kind::LambdaRestApi && route.integration.is_none())
                    .then(|| api.props_arg())
                    .flatten()
            });
            let option = |key: &str| {
                let options = options?;
                if route.integration.is_none() {
                    let inner = match self.get(options, "integrationOptions", 0)? {
                        Val::Obj(props) => props,
                        _ => return Some(Val::Unknown),
                    };
                    return find_prop(&inner, key).map(|value| self.eval(value, 0));
                }
                self.get(options, key, 0)
            };
            let proxy = match option("proxy") {
                Some(Val::Bool(false)) => "AWS",
                Some(Val::Bool(true)) | None => "AWS_PROXY",
                Some(_) => continue,
            };
            integration.push(entry("Type", at, string(at, proxy)));
            match option("timeout") {
                Some(Val::Num(seconds, _, _)) => integration.push(entry(
                    "TimeoutInMillis",
                    at,
                    // Written in seconds: the value's range is the whole `Duration` call, no
                    // number a fix may replace with milliseconds.
                    Value {
                        range: options
                            .and_then(|o| {
                                self.written_range(o, "timeout").or_else(|| {
                                    self.written_range(o, "integrationOptions")
                                        .and(self.nested_range(o, "integrationOptions", "timeout"))
                                })
                            })
                            .unwrap_or(at),
                        kind: ValueKind::Number(seconds * 1000.0),
                    },
                )),
                Some(_) => integration.push(entry("TimeoutInMillis", at, unknown(at))),
                None => {}
            }
            match option("requestParameters") {
                Some(Val::Obj(props)) => {
                    let parameters = props
                        .iter()
                        .map(|prop| match self.eval(&prop.value, 0) {
                            Val::Str(text, range) if !prop.spread => {
                                entry(&prop.key, prop.key_range, string(range, &text))
                            }
                            _ => entry(&prop.key, prop.key_range, unknown(prop.value.range)),
                        })
                        .collect();
                    integration.push(entry("RequestParameters", at, map(at, parameters)));
                }
                Some(_) => integration.push(entry("RequestParameters", at, unknown(at))),
                None => {}
            }
            if proxy == "AWS" {
                match option("integrationResponses") {
                    Some(Val::Arr(items)) => {
                        let responses = items
                            .iter()
                            .map(|item| self.status_entry(item, "selectionPattern"))
                            .collect();
                        integration.push(entry(
                            "IntegrationResponses",
                            at,
                            Value {
                                range: at,
                                kind: ValueKind::Seq(responses),
                            },
                        ));
                    }
                    Some(_) => integration.push(entry("IntegrationResponses", at, unknown(at))),
                    None => {}
                }
                match route
                    .options
                    .as_ref()
                    .and_then(|o| self.get(o, "methodResponses", 0))
                {
                    Some(Val::Arr(items)) => {
                        let responses = items
                            .iter()
                            .map(|item| self.status_entry(item, ""))
                            .collect();
                        method.push(entry(
                            "MethodResponses",
                            at,
                            Value {
                                range: at,
                                kind: ValueKind::Seq(responses),
                            },
                        ));
                    }
                    Some(_) => method.push(entry("MethodResponses", at, unknown(at))),
                    None => {}
                }
            }
            method.push(entry("Integration", at, map(at, integration)));
            resources.push(entry(
                &format!("{}:{} {}#{index}", api.id, route.method, route.path),
                at,
                resource(at, "AWS::ApiGateway::Method", method),
            ));
            if !granted.contains(&(route.api, route.function)) {
                granted.push((route.api, route.function));
            }
        }
        // Methods whose integration names its URI: no permission granted.
        for (index, (route, integration)) in raw_methods.iter().enumerate() {
            let Some(properties) = self.raw_integration(*integration) else {
                continue;
            };
            let api = &self.constructs[route.api];
            let at = route.range;
            let resource_id = if route.path == "/" {
                get_att(at, &api.id, "RootResourceId")
            } else {
                reference(at, &rest_resource_id(&api.id, &route.path))
            };
            resources.push(entry(
                &format!("{}:{} {}#raw{index}", api.id, route.method, route.path),
                at,
                resource(
                    at,
                    "AWS::ApiGateway::Method",
                    vec![
                        entry("HttpMethod", at, string(at, &route.method)),
                        entry("ResourceId", at, resource_id),
                        entry("RestApiId", at, reference(at, &api.id)),
                        entry("Integration", at, map(at, properties)),
                    ],
                ),
            ));
        }
        resources.extend(grants);
        // A function the stack exposes in a field may be opened to API Gateway by whoever reads
        // the field (another stack of the app): a permission for it the file cannot see.
        for binding in &self.reader.bindings {
            if !binding.name.starts_with("this.") {
                continue;
            }
            let exposed = self.constructs.iter().enumerate().find(|(at, construct)| {
                construct.kind.is_function()
                    && !construct.template
                    && self.refers_to(&binding.value, *at)
            });
            if let Some((_, construct)) = exposed {
                let at = binding.value.range;
                resources.push(entry(
                    &format!("exposed#{}", at.start),
                    at,
                    resource(
                        at,
                        "AWS::Lambda::Permission",
                        vec![entry("FunctionName", at, reference(at, &construct.id))],
                    ),
                ));
            }
        }
        // HTTP API integrations and routes.
        let mut integrations: Vec<(usize, usize)> = Vec::new();
        for (api, route_key, integration, range) in &http_routes {
            let Some((function, _)) = self.http_integration_function(*integration) else {
                continue;
            };
            let api_construct = &self.constructs[*api];
            let integration_id = format!("{}:integration#{integration}", api_construct.id);
            if !integrations.contains(&(*api, *integration)) {
                integrations.push((*api, *integration));
                let construct = &self.constructs[*integration];
                let at = construct.range;
                let mut properties = vec![
                    entry("ApiId", at, reference(at, &api_construct.id)),
                    entry("IntegrationType", at, string(at, "AWS_PROXY")),
                    entry(
                        "IntegrationUri",
                        at,
                        get_att(at, &self.constructs[function].id, "Arn"),
                    ),
                ];
                let options = construct.args.get(2).or_else(|| {
                    construct
                        .args
                        .get(1)
                        .filter(|second| matches!(second.expr, Expr::Object(_)))
                });
                let websocket = self.constructs[*api].kind == Kind::WebSocketApi;
                let version = options.and_then(|o| self.get(o, "payloadFormatVersion", 0));
                let version = match version {
                    // A WebSocket API has one event format.
                    _ if websocket => Some("1.0".to_owned()),
                    None => Some("2.0".to_owned()),
                    Some(Val::Enum(name)) => match last(&name) {
                        "VERSION_1_0" => Some("1.0".into()),
                        "VERSION_2_0" => Some("2.0".into()),
                        _ => None,
                    },
                    Some(Val::Str(text, _)) => Some(text),
                    Some(_) => None,
                };
                properties.push(entry(
                    "PayloadFormatVersion",
                    at,
                    match version {
                        Some(version) => string(at, &version),
                        None => unknown(at),
                    },
                ));
                match options.and_then(|o| self.get(o, "timeout", 0)) {
                    Some(Val::Num(seconds, _, _)) => properties.push(entry(
                        "TimeoutInMillis",
                        at,
                        Value {
                            range: options
                                .and_then(|o| self.written_range(o, "timeout"))
                                .unwrap_or(at),
                            kind: ValueKind::Number(seconds * 1000.0),
                        },
                    )),
                    Some(_) => properties.push(entry("TimeoutInMillis", at, unknown(at))),
                    None => {}
                }
                resources.push(entry(
                    &integration_id,
                    construct.id_range,
                    resource(at, "AWS::ApiGatewayV2::Integration", properties),
                ));
                if !granted.contains(&(*api, function)) {
                    granted.push((*api, function));
                }
            }
            resources.push(entry(
                &format!("{}:{route_key}", api_construct.id),
                *range,
                resource(
                    *range,
                    "AWS::ApiGatewayV2::Route",
                    vec![
                        entry("ApiId", *range, reference(*range, &api_construct.id)),
                        entry("RouteKey", *range, string(*range, route_key)),
                        entry("Target", *range, reference(*range, &integration_id)),
                    ],
                ),
            ));
        }
        for (api, function) in granted {
            let construct = &self.constructs[function];
            let at = construct.range;
            resources.push(entry(
                &format!("{}:permission:{}", self.constructs[api].id, construct.id),
                at,
                resource(
                    at,
                    "AWS::Lambda::Permission",
                    vec![
                        entry("FunctionName", at, reference(at, &construct.id)),
                        entry("Principal", at, string(at, "apigateway.amazonaws.com")),
                    ],
                ),
            ));
        }
        for (index, (function, at)) in urls.into_iter().enumerate() {
            let id = &self.constructs[function].id;
            resources.push(entry(
                &format!("{id}:url#{index}"),
                at,
                resource(
                    at,
                    "AWS::Lambda::Url",
                    vec![entry("TargetFunctionArn", at, get_att(at, id, "Arn"))],
                ),
            ));
        }
        // Load balancer targets: a Lambda target group per `LambdaTarget`, with the permission
        // CDK grants `elasticloadbalancing.amazonaws.com`. Whether the group sends multi-value
        // headers is set through attributes this reader does not follow: a file that mentions
        // them leaves its targets another source.
        let multi_value = self.reader.text.contains("multi_value_headers")
            || self.reader.text.contains("multiValueHeaders");
        for (index, construct) in self.constructs.iter().enumerate() {
            if construct.kind != Kind::LambdaTarget {
                continue;
            }
            let at = construct.range;
            let Some(function) = construct
                .args
                .first()
                .and_then(|argument| self.function_of(&self.eval(argument, 0)))
            else {
                self.scan_args(&construct.args, &mut other);
                continue;
            };
            if overrides || multi_value {
                other.push((function, at));
                continue;
            }
            let id = &self.constructs[function].id;
            let group = format!("{id}:target-group#{index}");
            resources.push(entry(
                &group,
                at,
                resource(
                    at,
                    "AWS::ElasticLoadBalancingV2::TargetGroup",
                    vec![
                        entry("TargetType", at, string(at, "lambda")),
                        entry(
                            "Targets",
                            at,
                            Value {
                                range: at,
                                kind: ValueKind::Seq(vec![map(
                                    at,
                                    vec![entry("Id", at, get_att(at, id, "Arn"))],
                                )]),
                            },
                        ),
                    ],
                ),
            ));
            resources.push(entry(
                &format!("{group}:permission"),
                at,
                resource(
                    at,
                    "AWS::Lambda::Permission",
                    vec![
                        entry("FunctionName", at, get_att(at, id, "Arn")),
                        entry("Action", at, string(at, "lambda:InvokeFunction")),
                        entry(
                            "Principal",
                            at,
                            string(at, "elasticloadbalancing.amazonaws.com"),
                        ),
                        entry("SourceArn", at, reference(at, &group)),
                    ],
                ),
            ));
        }
        for (construct, function, at) in l1_named {
            let (id, function_id) = (
                &self.constructs[construct].id,
                &self.constructs[function].id,
            );
            let wired = resources
                .iter()
                .find(|resource| resource.key == *id)
                .and_then(|resource| resource.value.get("Properties"))
                .is_some_and(|properties| {
                    WIRING
                        .iter()
                        .filter_map(|key| properties.get(key))
                        .any(|value| names_resource(value, function_id, 0))
                });
            if !wired {
                other.push((function, at));
            }
        }
        // A function opened to API Gateway that no integration read here invokes is invoked
        // through wiring the model does not know (an OpenAPI body, a URI it cannot read).
        for (function, at) in api_grants {
            let id = &self.constructs[function].id;
            let wired = resources.iter().any(|resource| {
                let Some(properties) = resource.value.get("Properties") else {
                    return false;
                };
                WIRING
                    .iter()
                    .filter_map(|key| properties.get(key))
                    .any(|value| names_resource(value, id, 0))
            });
            if !wired {
                other.push((function, at));
            }
        }
        for (index, (function, at)) in other.into_iter().enumerate() {
            let id = &self.constructs[function].id;
            resources.push(entry(
                &format!("{id}:invoker#{index}"),
                at,
                resource(
                    at,
                    "Custom::CdkInvoker",
                    vec![entry("Function", at, get_att(at, id, "Arn"))],
                ),
            ));
        }
        map(
            whole,
            vec![entry("Resources", whole, map(whole, resources))],
        )
    }

    /// `{statusCode, selectionPattern}` as `{StatusCode, SelectionPattern}`.
    fn status_entry(&self, item: &Ex, pattern: &str) -> Value {
        let at = item.range;
        let mut entries = Vec::new();
        match self.get(item, "statusCode", 0) {
            Some(Val::Str(code, range)) => {
                entries.push(entry("StatusCode", range, string(range, &code)))
            }
            Some(Val::Num(code, range, _)) => entries.push(entry(
                "StatusCode",
                range,
                string(range, &format_number(code)),
            )),
            _ => entries.push(entry("StatusCode", at, unknown(at))),
        }
        if !pattern.is_empty() {
            match self.get(item, pattern, 0) {
                Some(Val::Str(text, range)) => {
                    entries.push(entry("SelectionPattern", range, string(range, &text)))
                }
                Some(_) => entries.push(entry("SelectionPattern", at, unknown(at))),
                None => {}
            }
        }
        map(at, entries)
    }

    /// The `Integration` of a method made by `new apigw.Integration({type: AWS_PROXY, uri})`
    /// or `new apigw.AwsIntegration({service: 'lambda', path, proxy: true})`; `None` for any
    /// other (non-proxy, HTTP, mock, unknown).
    fn raw_integration(&self, integration: usize) -> Option<Vec<Entry>> {
        let construct = &self.constructs[integration];
        let props = construct.args.first()?;
        let at = construct.range;
        let get = |key: &str| self.get(props, key, 0);
        let uri = match get("service") {
            Some(Val::Str(service, _)) if service == "lambda" => {
                let written = self.written_range(props, "path").unwrap_or(at);
                let path @ Val::Cfn(_) = get("path")? else {
                    return None;
                };
                let path = self.to_cfn(path, written, 0);
                if !matches!(get("proxy"), Some(Val::Bool(true))) {
                    return None;
                }
                join(
                    written,
                    "",
                    vec![
                        string(at, "arn:"),
                        reference(at, "AWS::Partition"),
                        string(at, ":apigateway:"),
                        reference(at, "AWS::Region"),
                        string(at, ":lambda:path/"),
                        path,
                    ],
                )
            }
            Some(_) => return None,
            None => {
                let kind = match get("type") {
                    Some(Val::Enum(name)) => last(&name).to_owned(),
                    Some(Val::Str(name, _)) => name,
                    _ => return None,
                };
                if kind != "AWS_PROXY" {
                    return None;
                }
                let written = self.written_range(props, "uri").unwrap_or(at);
                // A URI the file cannot read may name any function: left to another source.
                let uri @ Val::Cfn(_) = get("uri")? else {
                    return None;
                };
                self.to_cfn(uri, written, 0)
            }
        };
        let mut properties = vec![
            entry("Type", at, string(at, "AWS_PROXY")),
            entry("IntegrationHttpMethod", at, string(at, "POST")),
            entry("Uri", at, uri),
        ];
        if let Some(Val::Obj(options)) = get("options") {
            if find_prop(&options, "credentialsRole").is_some()
                || find_prop(&options, "credentialsPassthrough").is_some()
            {
                properties.push(entry("Credentials", at, unknown(at)));
            }
            if let Some(timeout) = find_prop(&options, "timeout") {
                properties.push(entry(
                    "TimeoutInMillis",
                    at,
                    match self.eval(timeout, 0) {
                        Val::Num(seconds, _, _) => Value {
                            range: timeout.range,
                            kind: ValueKind::Number(seconds * 1000.0),
                        },
                        _ => unknown(timeout.range),
                    },
                ));
            }
        } else if get("options").is_some() {
            properties.push(entry("Credentials", at, unknown(at)));
        }
        Some(properties)
    }

    /// The permission `fn.addPermission(id, props)` or `fn.grantInvoke(principal)` adds, when
    /// it may be one API Gateway or a function URL needs; for a function the file does not know,
    /// a permission for any function (it may be any of them).
    fn grant(
        &self,
        call: &Ex,
        receiver: &Val,
        principal: Principal,
        props: Option<&Ex>,
        action: Option<&str>,
    ) -> Option<Entry> {
        let function = self.function_of(receiver);
        // Another construct grants nothing; a function written in a helper stands for each
        // function the helper makes: a permission for any of them.
        if function.is_none()
            && matches!(receiver, Val::Construct(at) if !self.constructs[*at].template)
        {
            return None;
        }
        let at = call.range;
        let mut properties = vec![entry(
            "FunctionName",
            at,
            match function {
                Some(function) => reference(at, &self.constructs[function].id),
                None => unknown(at),
            },
        )];
        match principal {
            Principal::Named(name, range) => {
                properties.push(entry("Principal", range, string(range, &name)))
            }
            Principal::Other => return None,
            Principal::Unknown => {}
        }
        match action {
            Some(action) => properties.push(entry("Action", at, string(at, action))),
            None => match props.map(|p| self.get(p, "action", 0)) {
                Some(None) | None => {
                    properties.push(entry("Action", at, string(at, "lambda:InvokeFunction")))
                }
                Some(Some(Val::Str(action, range))) => {
                    properties.push(entry("Action", range, string(range, &action)))
                }
                Some(Some(_)) => {}
            },
        }
        if let Some(props) = props {
            for (key, to) in [
                ("sourceArn", "SourceArn"),
                ("functionUrlAuthType", "FunctionUrlAuthType"),
            ] {
                if let Some(value) = self.get(props, key, 0) {
                    let range = self.written_range(props, key).unwrap_or(at);
                    properties.push(entry(to, range, self.to_cfn(value, range, 0)));
                }
            }
        }
        Some(entry(
            &format!("grant#{}", at.start),
            at,
            resource(at, "AWS::Lambda::Permission", properties),
        ))
    }

    fn integration_function(&self, integration: usize) -> Option<(usize, TextRange)> {
        let construct = &self.constructs[integration];
        let handler = construct.args.first()?;
        Some((self.function_of(&self.eval(handler, 0))?, handler.range))
    }

    fn http_integration_function(&self, integration: usize) -> Option<(usize, TextRange)> {
        let construct = &self.constructs[integration];
        // `new HttpLambdaIntegration('Id', fn, props)`; v1's `LambdaProxyIntegration({handler})`.
        if let Some(handler) = construct.args.get(1) {
            // Python may name it: `HttpLambdaIntegration("Id", handler=fn)`.
            if let Expr::Object(props) = &handler.expr {
                let named = find_prop(props, "handler")?;
                return Some((self.function_of(&self.eval(named, 0))?, named.range));
            }
            return Some((self.function_of(&self.eval(handler, 0))?, handler.range));
        }
        let props = construct.args.first()?;
        let handler = self.get(props, "handler", 0)?;
        Some((self.function_of(&handler)?, props.range))
    }

    /// The function a REST API's default integration invokes (`LambdaRestApi`'s handler,
    /// `defaultIntegration`).
    fn default_rest_function(&self, api: usize) -> Option<(usize, TextRange)> {
        let construct = &self.constructs[api];
        if construct.kind == Kind::LambdaRestApi {
            let handler = self.prop(construct, "handler", 0)?;
            let range = self.prop_ranges(construct, "handler")?.1;
            return Some((self.function_of(&handler)?, range));
        }
        match self.prop(construct, "defaultIntegration", 0)? {
            Val::Construct(i) if self.constructs[i].kind == Kind::LambdaIntegration => {
                self.integration_function(i)
            }
            _ => None,
        }
    }

    /// The arguments of a construct, minus what the reader models: functions given to
    /// anything else are invoked by another source.
    fn scan_construct_args(&self, call: &Ex, other: &mut Vec<(usize, TextRange)>) {
        let Some(&at) = self.by_range.get(&(call.range.start, call.range.end)) else {
            return;
        };
        let construct = &self.constructs[at];
        let modelled: &[&str] = match construct.kind {
            Kind::LambdaRestApi => &["handler"],
            Kind::LambdaIntegration
            | Kind::HttpLambdaIntegration
            | Kind::WebSocketLambdaIntegration
            | Kind::LambdaTarget
            | Kind::RawIntegration
            | Kind::Cfn(_)
            | Kind::Alias => return,
            Kind::RestApi | Kind::HttpApi => &["defaultIntegration"],
            _ if construct.kind.is_function() => &[],
            _ => &[],
        };
        let Expr::Call(callee, args) = &call.expr else {
            return;
        };
        let path = dotted(callee).unwrap_or_default();
        if harmless(last(&path)) {
            return;
        }
        for (index, argument) in args.iter().enumerate() {
            if index == construct.props_arg().map_or(usize::MAX, |_| args.len() - 1) {
                if let Expr::Object(props) = &argument.expr {
                    for prop in props {
                        if !prop.spread && modelled.contains(&prop.key.as_str()) {
                            continue;
                        }
                        self.scan(&prop.value, other, 0);
                    }
                    continue;
                }
            }
            self.scan(argument, other, 0);
        }
    }

    fn scan_args(&self, args: &[Ex], other: &mut Vec<(usize, TextRange)>) {
        for argument in args {
            self.scan(argument, other, 0);
        }
    }

    /// Functions named in an argument (nested calls are scanned as calls of their own).
    fn scan(&self, ex: &Ex, other: &mut Vec<(usize, TextRange)>, depth: usize) {
        if depth > MAX_DEPTH || !self.step() {
            return;
        }
        match &ex.expr {
            Expr::Object(props) => props
                .iter()
                .for_each(|prop| self.scan(&prop.value, other, depth + 1)),
            Expr::Array(items) | Expr::Concat(items) => items
                .iter()
                .for_each(|item| self.scan(item, other, depth + 1)),
            Expr::Call(..) => {}
            Expr::Name(_) => {
                if let Some(function) = self.function_of(&self.eval(ex, 0)) {
                    other.push((function, ex.range));
                } else if let Expr::Name(name) = &ex.expr {
                    // A name bound to an object holding a function.
                    if let Some(bound) = self.lookup(name, ex.range.start) {
                        if matches!(bound.expr, Expr::Object(_) | Expr::Array(_)) {
                            self.scan(bound, other, depth + 1);
                        }
                    }
                }
            }
            Expr::Member(object, _) => {
                if let Some(function) = self.function_of(&self.eval(ex, 0)) {
                    other.push((function, ex.range));
                } else {
                    // `fn.functionArn`, `fn.functionName`: the function, named.
                    if let Some(function) = self.function_of(&self.eval(object, 0)) {
                        other.push((function, ex.range));
                    }
                }
            }
            _ => {}
        }
    }

    /// A function construct as an `AWS::Lambda::Function`.
    fn function(&self, construct: &Construct) -> Entry {
        let at = construct.range;
        let start = TextRange::empty(at.start);
        let mut properties = Vec::new();
        let mut metadata = vec![entry("BuildMethod", at, string(at, BUILD))];
        let prop = |key: &str| self.prop(construct, key, 0);
        let ranges = |key: &str| self.prop_ranges(construct, key);
        let key_range = |key: &str| ranges(key).map_or(construct.id_range, |(key, _)| key);
        let value_range = |key: &str| ranges(key).map_or(construct.id_range, |(_, value)| value);
        // Timeout and reserved concurrency.
        for (from, to) in [
            ("timeout", "Timeout"),
            (
                "reservedConcurrentExecutions",
                "ReservedConcurrentExecutions",
            ),
        ] {
            match prop(from) {
                None => {}
                Some(Val::Num(n, range, _)) => {
                    properties.push(entry(
                        to,
                        key_range(from),
                        Value {
                            range,
                            kind: ValueKind::Number(n),
                        },
                    ));
                }
                Some(_) => properties.push(entry(to, key_range(from), unknown(value_range(from)))),
            }
        }
        let runtime = match prop("runtime") {
            Some(Val::Enum(name)) => {
                runtime_name(last(&name)).map(|r| string(value_range("runtime"), &r))
            }
            Some(Val::Str(name, range)) => Some(string(range, &name)),
            None if construct.kind == Kind::NodejsFunction => {
                Some(string(construct.id_range, "nodejs"))
            }
            _ => None,
        };
        if construct.kind != Kind::DockerFunction {
            properties.push(entry(
                "Runtime",
                key_range("runtime"),
                runtime.unwrap_or_else(|| unknown(value_range("runtime"))),
            ));
        }
        let mut code: Option<Value> = None;
        match construct.kind {
            Kind::Function => {
                properties.push(entry(
                    "Handler",
                    key_range("handler"),
                    match prop("handler") {
                        Some(Val::Str(text, range)) => string(range, &text),
                        _ => unknown(value_range("handler")),
                    },
                ));
                if let Some(Val::Asset(base, rel)) = prop("code") {
                    code = Some(self.code_path(base, &rel, value_range("code"), &mut metadata));
                }
            }
            Kind::NodejsFunction => {
                let handler = match prop("handler") {
                    None => Some("handler".to_owned()),
                    Some(Val::Str(text, _)) if !text.contains('.') => Some(text),
                    _ => None,
                };
                let entry_file = match prop("entry") {
                    Some(Val::Str(text, _)) => Some((Base::App, normalize(&text))),
                    Some(Val::Path(base, rel)) => Some((base, rel)),
                    None => None,
                    Some(_) => {
                        code = Some(unknown(value_range("entry")));
                        None
                    }
                };
                let handler_at = ranges("handler").map_or(construct.id_range, |(_, v)| v);
                match (entry_file, handler) {
                    (Some((base, file)), Some(handler)) => {
                        let (folder, name) = match file.rsplit_once('/') {
                            Some((folder, name)) => (folder.to_owned(), name.to_owned()),
                            None => (String::new(), file.clone()),
                        };
                        // esbuild bundles the entry into `index.js`.
                        properties.push(entry(
                            "Handler",
                            handler_at,
                            string(handler_at, &format!("index.{handler}")),
                        ));
                        code = Some(self.code_path(
                            base,
                            if folder.is_empty() { "." } else { &folder },
                            value_range("entry"),
                            &mut metadata,
                        ));
                        metadata[0] = entry("BuildMethod", at, string(at, "esbuild"));
                        metadata.push(esbuild_entry_points(at, &name));
                    }
                    (None, Some(handler)) if code.is_none() => {
                        // `<stack file>.<id>.ts` beside the stack file, once its name is known.
                        properties.push(entry(
                            "Handler",
                            handler_at,
                            string(handler_at, &format!("index.{handler}")),
                        ));
                        metadata.push(entry(
                            DEFAULT_ENTRY,
                            at,
                            string(construct.id_range, &construct.id),
                        ));
                        code = Some(unknown(construct.id_range));
                    }
                    _ => properties.push(entry("Handler", handler_at, unknown(handler_at))),
                }
            }
            Kind::PythonFunction => {
                let index = match prop("index") {
                    None => Some("index.py".to_owned()),
                    Some(Val::Str(text, _)) => Some(text),
                    _ => None,
                };
                let handler = match prop("handler") {
                    None => Some("handler".to_owned()),
                    Some(Val::Str(text, _)) => Some(text),
                    _ => None,
                };
                let handler_at = ranges("handler").map_or(construct.id_range, |(_, v)| v);
                match (index, handler) {
                    (Some(index), Some(handler)) => {
                        let module = index
                            .strip_suffix(".py")
                            .unwrap_or(&index)
                            .replace('/', ".");
                        properties.push(entry(
                            "Handler",
                            handler_at,
                            string(handler_at, &format!("{module}.{handler}")),
                        ));
                    }
                    _ => properties.push(entry("Handler", handler_at, unknown(handler_at))),
                }
                match prop("entry") {
                    Some(Val::Str(text, _)) => {
                        code = Some(self.code_path(
                            Base::App,
                            &normalize(&text),
                            value_range("entry"),
                            &mut metadata,
                        ))
                    }
                    Some(Val::Path(base, rel)) => {
                        code = Some(self.code_path(base, &rel, value_range("entry"), &mut metadata))
                    }
                    _ => {}
                }
            }
            Kind::DockerFunction => {
                properties.push(entry("PackageType", at, string(at, "Image")));
            }
            _ => {}
        }
        if construct.kind != Kind::DockerFunction {
            properties.push(entry(
                "Code",
                key_range("code"),
                code.unwrap_or_else(|| unknown(value_range("code"))),
            ));
        }
        entry(
            &construct.id,
            construct.id_range,
            map(
                at,
                vec![
                    // Where no setting is written: hover finds the settings under `Properties`.
                    entry("Type", start, string(start, "AWS::Lambda::Function")),
                    entry("Properties", start, map(at, properties)),
                    entry("Metadata", start, map(start, metadata)),
                ],
            ),
        )
    }

    /// A code folder: relative to the stack file's folder, or recorded for the workspace to put
    /// in place once it knows the app's folder.
    fn code_path(&self, base: Base, rel: &str, at: TextRange, metadata: &mut Vec<Entry>) -> Value {
        if rel.starts_with('/') || rel.contains('\u{0}') {
            return unknown(at);
        }
        match base {
            Base::File => string(at, if rel.is_empty() { "." } else { rel }),
            Base::App => {
                metadata.push(entry(
                    APP_ASSET,
                    at,
                    string(at, if rel.is_empty() { "." } else { rel }),
                ));
                unknown(at)
            }
        }
    }
}

/// Puts a stack's app-relative code paths in place, given the path from the stack file's folder
/// to the CDK app's folder (`None`: no `cdk.json` found, those paths stay unknown), and the
/// default entries of `NodejsFunction`s given the stack file's stem.
pub fn attach_app(template: &mut Template, app_root: Option<&str>, stem: &str) {
    for resource in &mut template.resources {
        if resource.type_name != "AWS::Lambda::Function" {
            continue;
        }
        let ValueKind::Map(fields) = &mut resource.definition.kind else {
            continue;
        };
        let metadata = fields
            .iter()
            .find(|field| field.key == "Metadata")
            .map(|field| field.value.clone());
        let Some(metadata) = metadata else {
            continue;
        };
        let asset = metadata
            .get(APP_ASSET)
            .and_then(Value::as_str)
            .map(str::to_owned);
        let default_entry = metadata
            .get(DEFAULT_ENTRY)
            .and_then(Value::as_str)
            .map(str::to_owned);
        let Some(properties) = fields.iter_mut().find(|field| field.key == "Properties") else {
            continue;
        };
        let ValueKind::Map(properties) = &mut properties.value.kind else {
            continue;
        };
        if let (Some(asset), Some(root)) = (asset, app_root) {
            if let Some(code) = properties.iter_mut().find(|p| p.key == "Code") {
                let joined = normalize(&format!("{root}/{asset}"));
                let joined = if joined.is_empty() {
                    ".".to_owned()
                } else {
                    joined
                };
                code.value = string(code.value.range, &joined);
            }
        }
        if let Some(id) = default_entry {
            let module = format!("{stem}.{id}");
            if let Some(code) = properties.iter_mut().find(|p| p.key == "Code") {
                code.value = string(code.value.range, ".");
            }
            let at = resource.range;
            if let Some(metadata) = fields.iter_mut().find(|field| field.key == "Metadata") {
                metadata.value = map(
                    at,
                    vec![
                        entry("BuildMethod", at, string(at, "esbuild")),
                        esbuild_entry_points(at, &format!("{module}.ts")),
                    ],
                );
            }
        }
    }
}

/// A Python construct call with its scope or id given by keyword (`Function(self,
/// id="Fn", ...)`), as positional arguments: scope, id, then the other keywords.
fn python_positional(args: &[Ex]) -> Vec<Ex> {
    let (positional, keywords) = match args.split_last() {
        Some((
            last @ Ex {
                expr: Expr::Object(props),
                ..
            },
            rest,
        )) if rest.len() < 2 => (rest, Some((last, props))),
        _ => return args.to_vec(),
    };
    let Some((object, props)) = keywords else {
        return args.to_vec();
    };
    let mut out: Vec<Ex> = positional.to_vec();
    let mut rest = Vec::new();
    let mut scope = None;
    let mut id = None;
    for prop in props {
        match prop.key.as_str() {
            "scope" if !prop.spread => scope = Some(prop.value.clone()),
            "id" | "constructId" if !prop.spread => id = Some(prop.value.clone()),
            _ => rest.push(prop.clone()),
        }
    }
    if out.is_empty() {
        match scope {
            Some(scope) => out.push(scope),
            None => return args.to_vec(),
        }
    }
    if out.len() == 1 {
        match id {
            Some(id) => out.push(id),
            None => return args.to_vec(),
        }
    }
    out.push(Ex {
        range: object.range,
        expr: Expr::Object(rest),
    });
    out
}

/// The object a method is called on (`api.root.addResource` → `api.root`).
fn callee_object(callee: &Ex) -> &Ex {
    match &callee.expr {
        Expr::Member(object, _) => object,
        _ => callee,
    }
}

fn find_prop<'p>(props: &'p [Prop], key: &str) -> Option<&'p Ex> {
    props
        .iter()
        .rev()
        .find(|prop| !prop.spread && prop.key == key)
        .map(|prop| &prop.value)
}

/// Methods whose arguments are no invocation of a function (permissions, environment, outputs).
fn harmless(method: &str) -> bool {
    method.starts_with("grant")
        || matches!(
            method,
            "addEnvironment"
                | "addToRolePolicy"
                | "addToPrincipalPolicy"
                | "addDependency"
                | "CfnOutput"
                | "log"
                | "info"
                | "print"
                | "of"
                | "add"
                | "addOutput"
        )
}

/// Whether the file imports `name` by itself (`import { Function } from 'aws-cdk-lib/aws-lambda'`).
fn imports_name(text: &str, name: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("import")
            && line.contains("aws-")
            && line
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == name)
    })
}

/// `Runtime.PYTHON_3_12` → `python3.12`, `NODEJS_18_X` → `nodejs18.x`.
fn runtime_name(constant: &str) -> Option<String> {
    let lower = constant.to_ascii_lowercase();
    if let Some(version) = lower.strip_prefix("python_") {
        return Some(format!("python{}", version.replace('_', ".")));
    }
    if let Some(version) = lower.strip_prefix("nodejs_") {
        return Some(format!("nodejs{}", version.replace('_', ".")));
    }
    if lower == "nodejs_latest" || lower == "nodejs" {
        return Some("nodejs".into());
    }
    if let Some(version) = lower.strip_prefix("provided_") {
        return Some(format!("provided.{version}"));
    }
    (lower == "provided").then(|| "provided".into())
}

fn asset_path(base: Base, rel: &str) -> Val {
    if rel.contains('\u{0}') {
        return Val::Unknown;
    }
    Val::Asset(base, normalize(rel))
}

/// `./a/../b/` → `b`; leading `..` kept.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if path.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

fn join_path(parent: &str, part: &str) -> String {
    format!(
        "{}/{}",
        parent.trim_end_matches('/'),
        part.trim_matches('/')
    )
}

fn rest_resource_id(api: &str, path: &str) -> String {
    format!("{api}:{path}")
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `BuildProperties.EntryPoints` of an esbuild build: the one entry file.
fn esbuild_entry_points(at: TextRange, file: &str) -> Entry {
    entry(
        "BuildProperties",
        at,
        map(
            at,
            vec![entry(
                "EntryPoints",
                at,
                Value {
                    range: at,
                    kind: ValueKind::Seq(vec![string(at, file)]),
                },
            )],
        ),
    )
}

/// The properties through which a resource invokes a function.
const WIRING: &[&str] = &[
    "Integration",
    "IntegrationUri",
    "Target",
    "TargetFunctionArn",
    "AuthorizerUri",
];

/// Whether a value refers to the resource `id` (`Ref`, `Fn::GetAtt`, within joins and maps).
fn names_resource(value: &Value, id: &str, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match &value.kind {
        ValueKind::Intrinsic(call) => match (call.name.as_str(), &call.argument.kind) {
            ("Ref", ValueKind::Str(name)) => name == id,
            ("Fn::GetAtt", ValueKind::Seq(items)) => {
                items.first().and_then(Value::as_str) == Some(id)
            }
            _ => names_resource(&call.argument, id, depth + 1),
        },
        ValueKind::Map(entries) => entries
            .iter()
            .any(|entry| names_resource(&entry.value, id, depth + 1)),
        ValueKind::Seq(items) => items.iter().any(|item| names_resource(item, id, depth + 1)),
        _ => false,
    }
}

/// `super(...)`, Python's `super().__init__(...)`.
fn is_super(callee: &Ex) -> bool {
    match &callee.expr {
        Expr::Name(name) => name == "super",
        Expr::Member(object, method) => {
            method == "__init__"
                && matches!(&object.expr, Expr::Call(inner, _)
                    if matches!(&inner.expr, Expr::Name(name) if name == "super"))
        }
        _ => false,
    }
}

/// Whether a call calls `helper`: `make(...)`, `this.make(...)`, `new Orders(...)`.
fn calls_helper(callee: &Ex, helper: &Helper, python: bool) -> bool {
    let name = if python {
        camel(&helper.name)
    } else {
        helper.name.clone()
    };
    match (&helper.kind, &callee.expr) {
        (HelperKind::Function, Expr::Name(called)) => *called == helper.name,
        (HelperKind::Method, Expr::Member(object, called)) => {
            *called == name && matches!(&object.expr, Expr::Name(this) if this == "this")
        }
        (HelperKind::Constructor { class, .. }, _) => {
            dotted(callee).is_some_and(|path| last(&path) == class)
        }
        _ => false,
    }
}

/// Who a granted principal is.
enum Principal {
    /// A service or `*`, and where it is written.
    Named(String, TextRange),
    /// An IAM identity (a role, a user, an account): no resource policy for API Gateway.
    Other,
    Unknown,
}

/// L1 props whose values are maps with keys of their own (kept as written).
const FREE_FORM: &[&str] = &[
    "requestParameters",
    "requestTemplates",
    "responseParameters",
    "responseTemplates",
    "requestModels",
    "responseModels",
    "stageVariables",
    "variables",
    "tags",
];

/// `restApiId` → `RestApiId`.
fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `AWS_PROXY`, `NONE`: an enum member's name, all capitals.
fn is_constant(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The pseudo parameter `this.region`, `Aws.REGION` and the like stand for.
fn pseudo_parameter(path: &str) -> Option<&'static str> {
    let (owner, name) = path.rsplit_once('.')?;
    let owner = last(owner);
    let parameter = match name {
        "region" | "REGION" => "AWS::Region",
        "account" | "ACCOUNT_ID" => "AWS::AccountId",
        "partition" | "PARTITION" => "AWS::Partition",
        "urlSuffix" | "URL_SUFFIX" => "AWS::URLSuffix",
        _ => return None,
    };
    (owner == "this" || owner == "Aws").then_some(parameter)
}

/// `Fn::Join` of the pieces.
fn join(range: TextRange, delimiter: &str, parts: Vec<Value>) -> Value {
    super::value::build::intrinsic(
        range,
        "Fn::Join",
        Value {
            range,
            kind: ValueKind::Seq(vec![
                string(range, delimiter),
                Value {
                    range,
                    kind: ValueKind::Seq(parts),
                },
            ]),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::{Graph, TemplateModel};

    fn model(kind: FileKind, text: &str) -> TemplateModel {
        let tree = crate::text::parse(kind, text, None).expect("parses");
        let template = read(kind, &tree, text);
        TemplateModel::of(crate::templates::TemplateRead {
            template: Some(template),
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: None,
        })
    }

    #[test]
    fn a_typescript_stack_becomes_functions_apis_and_routes() {
        let text = r#"import * as cdk from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as path from 'path';
const TIMEOUT = 60;
export class Stack extends cdk.Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const fn = new lambda.Function(this, 'Orders', {
      runtime: lambda.Runtime.PYTHON_3_12,
      handler: 'app.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '../lambda')),
      timeout: cdk.Duration.seconds(TIMEOUT),
    });
    new apigw.LambdaRestApi(this, 'Api', { handler: fn });
  }
}
"#;
        let model = model(FileKind::TypeScript, text);
        let template = model.read.template.as_ref().unwrap();
        let function = template.resource("Orders").expect("the function");
        assert_eq!(
            function.property("Handler").and_then(Value::as_str),
            Some("app.handler")
        );
        assert_eq!(
            function.property("Runtime").and_then(Value::as_str),
            Some("python3.12")
        );
        assert_eq!(
            function.property("Code").and_then(Value::as_str),
            Some("../lambda")
        );
        let timeout = function.property("Timeout").unwrap();
        assert_eq!(timeout.as_number(), Some(60.0));
        assert_eq!(timeout.range.slice(text), "60");
        let graph: &Graph = model.graph.as_ref().unwrap();
        let edges: Vec<_> = graph.edges_of("Orders").collect();
        assert_eq!(edges.len(), 2, "{edges:#?}");
        assert!(edges.iter().all(|edge| edge.payload_version == "1.0"));
    }

    /// A parameter hides the module's name of the same spelling.
    #[test]
    fn parameters_are_unknown() {
        let text = "from aws_cdk import aws_lambda as _lambda\nhandler = 'app.handler'\n\ndef make(scope, handler):\n    return _lambda.Function(scope, 'F', handler=handler)\n\n_lambda.Function(self, 'G', handler=handler)\n";
        let model = model(FileKind::Python, text);
        let template = model.read.template.as_ref().unwrap();
        let handler = |id: &str| {
            template
                .resource(id)
                .and_then(|f| f.property("Handler"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        assert_eq!(handler("F"), None);
        assert_eq!(handler("G").as_deref(), Some("app.handler"));
    }

    /// Names bound to each other twice over: evaluation stops at its budget.
    #[test]
    fn doubling_bindings_end_in_unknown() {
        let mut text =
            String::from("import * as lambda from 'aws-cdk-lib/aws-lambda';\nconst a0 = 'x';\n");
        for n in 1..60 {
            text.push_str(&format!("const a{n} = a{} + a{};\n", n - 1, n - 1));
        }
        text.push_str("new lambda.Function(this, 'F', { handler: a59 });\n");
        let model = model(FileKind::TypeScript, &text);
        let function = model.read.template.as_ref().unwrap().resource("F").unwrap();
        assert!(function.property("Handler").unwrap().as_str().is_none());
    }

    #[test]
    fn hover_on_a_timeout_names_the_routes() {
        let text = "import * as lambda from 'aws-cdk-lib/aws-lambda';\nimport * as apigw from 'aws-cdk-lib/aws-apigateway';\nconst fn = new lambda.Function(this, 'Orders', {\n  handler: 'app.handler',\n  timeout: Duration.seconds(10),\n});\nnew apigw.LambdaRestApi(this, 'Api', { handler: fn });\n";
        let model = model(FileKind::TypeScript, text);
        let at = text.find("seconds(10)").unwrap() + 8;
        let hover = crate::templates::hover_at(
            model.read.template.as_ref().unwrap(),
            model.graph.as_ref().unwrap(),
            at,
        )
        .expect("a hover");
        assert!(hover.contains("**timeout**"), "{hover}");
        assert!(hover.contains("Api"), "{hover}");
    }

    #[test]
    fn a_python_stack_reads_keyword_arguments() {
        let text = r#"from aws_cdk import Stack, Duration, aws_lambda as _lambda, aws_apigatewayv2 as apigwv2
from aws_cdk.aws_apigatewayv2_integrations import HttpLambdaIntegration

class ApiStack(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.fn = _lambda.Function(self, "Items",
            runtime=_lambda.Runtime.PYTHON_3_11,
            handler="index.handler",
            code=_lambda.Code.from_asset("lambda"),
            timeout=Duration.minutes(1),
            reserved_concurrent_executions=0,
        )
        api = apigwv2.HttpApi(self, "Http")
        api.add_routes(path="/items", methods=[apigwv2.HttpMethod.GET],
            integration=HttpLambdaIntegration("ItemsIntegration", self.fn))
"#;
        let mut model = model(FileKind::Python, text);
        model.attach_cdk_app(Some(".."), "api_stack");
        let template = model.read.template.as_ref().unwrap();
        let function = template.resource("Items").expect("the function");
        assert_eq!(
            function.property("Code").and_then(Value::as_str),
            Some("../lambda")
        );
        assert_eq!(
            function.property("Timeout").and_then(Value::as_number),
            Some(60.0)
        );
        assert_eq!(
            function
                .property("ReservedConcurrentExecutions")
                .and_then(Value::as_number),
            Some(0.0)
        );
        let graph = model.graph.as_ref().unwrap();
        let edges: Vec<_> = graph.edges_of("Items").collect();
        assert_eq!(edges.len(), 1, "{edges:#?}");
        assert_eq!(edges[0].payload_version, "2.0");
        assert_eq!(edges[0].method, "GET");
        assert_eq!(edges[0].path, "/items");
    }
}
