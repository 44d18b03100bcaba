//! The Serverless Framework's `serverless.yml`, read into the template model as the
//! CloudFormation the framework deploys from it, every value keeping its range in the file.
//!
//! The framework compiles each entry of `functions` to an `AWS::Lambda::Function` named
//! `<Name>LambdaFunction`, its `http` events to methods of one REST API (`ApiGatewayRestApi`),
//! its `httpApi` events to routes of one HTTP API (`HttpApi`, payload 2.0 unless
//! `provider.httpApi.payload` says otherwise), and creates the invoke permission of every event
//! it wires. The model here is that stack: a proxy `http` event is a SAM `Api` event and an
//! `httpApi` event a SAM `HttpApi` event (both carry their implicit permission, as the
//! framework's do); a non-proxy one (`integration: lambda`) is the `AWS::ApiGateway::Method`
//! with the integration responses the framework writes, and its permission; `url` is SAM's
//! `FunctionUrlConfig` and an `alb` event a load balancer door (both with the framework's
//! permission). Other events (`sqs`, `schedule`, `websocket`, ...) make the function one that
//! something other than a REST or HTTP API invokes. Entries of `resources.Resources` are CloudFormation and join as
//! written.
//!
//! Variables resolve where the file says what they are: `${self:a.b}` to that value,
//! `${opt:stage, 'dev'}` and the like to their default, `${sls:stage}` to `provider.stage` (the
//! framework's default, `dev`, without one), `${file(./x.yml)}` to the file's value when the
//! workspace read it, a variable inside a variable first. Any other variable (`${ssm:...}`,
//! `${env:X}` without a default) leaves its value unknown: text holding `${` is never read as a
//! value (see [`super::Template::string`]).

use std::collections::{HashMap, HashSet};

use super::value::build::{entry, get_att, intrinsic, map, reference, resource, string, unknown};
use super::value::{Entry, Value, ValueKind};
use crate::text::TextRange;

/// The function timeout the framework deploys when neither the function nor `provider` sets one.
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 6.0;

/// The framework's REST API and HTTP API, by the logical ids it gives them.
const REST_API: &str = "ApiGatewayRestApi";
const HTTP_API: &str = "HttpApi";

/// Node plugins that build the handler from its source (TypeScript, bundles): the handler file
/// named may be a `.ts` source or not exist before the build.
const BUNDLER_PLUGINS: &[&str] = &[
    "serverless-esbuild",
    "serverless-webpack",
    "serverless-plugin-typescript",
    "serverless-bundle",
    "serverless-plugin-optimize",
];

/// Plugins known to leave the handler modules as written (they package dependencies, run the
/// service locally, add resources or settings). Any other plugin may write or wrap handlers
/// (`serverless-wsgi` writes `wsgi_handler.py`, warm-up plugins add their own): with one, a
/// handler module that is not there may be the build's, so it is not reported missing.
const CODE_PRESERVING_PLUGINS: &[&str] = &[
    "serverless-offline",
    "serverless-python-requirements",
    "serverless-dotenv-plugin",
    "serverless-iam-roles-per-function",
    "serverless-prune-plugin",
    "serverless-domain-manager",
    "serverless-plugin-log-retention",
    "serverless-dynamodb-local",
    "serverless-dynamodb",
    "serverless-s3-local",
    "serverless-step-functions",
    "serverless-pseudo-parameters",
    "serverless-plugin-split-stacks",
    "serverless-deployment-bucket",
    "serverless-api-gateway-throttling",
    "serverless-apigw-binary",
    "serverless-stack-output",
    "serverless-finch",
    "serverless-s3-sync",
    "serverless-plugin-aws-alerts",
    "serverless-export-env",
    "serverless-appsync-plugin",
    "serverless-lift",
    "serverless-add-api-key",
    "serverless-api-gateway-caching",
    "serverless-associate-waf",
    "serverless-plugin-common-excludes",
    "serverless-plugin-include-dependencies",
    "serverless-cloudformation-sub-variables",
    "serverless-offline-sqs",
    "serverless-offline-sns",
    "serverless-aws-documentation",
    "serverless-reqvalidator-plugin",
];

/// `Metadata.BuildMethod` of a function whose service has a plugin that may write or wrap its
/// handler (see [`CODE_PRESERVING_PLUGINS`]): the workspace does not report its module missing.
pub const PLUGIN_BUILD: &str = "serverless-framework-plugins";

/// Whether a file's value tree is a Serverless Framework service for AWS: `service` and
/// `provider` (or `functions`) at the top, and no provider other than `aws`.
pub fn is_service(root: &Value) -> bool {
    let has = |key: &str| root.get(key).is_some();
    let provider_name = root
        .path(&["provider", "name"])
        .and_then(Value::as_str)
        .unwrap_or("aws");
    has("service") && (has("provider") || has("functions")) && provider_name == "aws"
}

/// The CloudFormation-shaped value tree of a service (see the module documentation).
pub fn compile(root: &Value) -> Value {
    compile_with(root, &HashMap::new())
}

/// A local file the service reads through `${file(./path.yml)}` (optionally `:key.path`): the
/// path as written, relative to the service's folder, and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct FileReference {
    pub location: String,
    pub range: TextRange,
}

/// The local files the service's `${file(...)}` variables read.
pub fn file_references(root: &Value) -> Vec<FileReference> {
    let mut found = Vec::new();
    collect_file_references(root, root, &mut found, 64);
    found.dedup_by(|a, b| a.location == b.location);
    found
}

fn collect_file_references(
    root: &Value,
    value: &Value,
    found: &mut Vec<FileReference>,
    depth: usize,
) {
    if depth == 0 {
        return;
    }
    match &value.kind {
        ValueKind::Str(text) => {
            let mut rest = text.as_str();
            while let Some(at) = rest.find("${file(") {
                let after = &rest[at + "${file(".len()..];
                let Some(end) = after.find(')') else {
                    break;
                };
                let written = after[..end].trim().trim_matches(['\'', '"']);
                // A path holding a variable (`./config.${opt:stage, 'dev'}.yml`): the file its
                // value names.
                let substituted = written
                    .contains("${")
                    .then(|| {
                        Compiler::over(root, &HashMap::new()).substitute(
                            written,
                            value.range,
                            VARIABLE_DEPTH,
                        )
                    })
                    .flatten();
                let location = substituted.as_deref().unwrap_or(written);
                let local = !location.is_empty()
                    && !location.contains("${")
                    && !location.contains("://")
                    && !location.starts_with('/')
                    && !location.starts_with('~');
                if local && !found.iter().any(|known| known.location == location) {
                    found.push(FileReference {
                        location: location.to_owned(),
                        range: value.range,
                    });
                }
                rest = &after[end..];
            }
        }
        ValueKind::Map(entries) => {
            for entry in entries {
                collect_file_references(root, &entry.value, found, depth - 1);
            }
        }
        ValueKind::Seq(items) => {
            for item in items {
                collect_file_references(root, item, found, depth - 1);
            }
        }
        ValueKind::Intrinsic(call) => {
            collect_file_references(root, &call.argument, found, depth - 1)
        }
        _ => {}
    }
}

/// The `property` of the [`super::definitions::DefinitionReference`]s a service's
/// `${file(...)}` files are read through.
pub const FILE_PROPERTY: &str = "${file(...)}";

/// How many variables deep a value is resolved (variables naming variables, files, paths).
const VARIABLE_DEPTH: usize = 8;

/// Parses the files a service's `${file(...)}` variables read and compiles the service again
/// with their values; returns the combined text (the service's, then each file's after a line
/// break) and where each file is in it. A file that does not parse as YAML or JSON is left out:
/// what it stands for stays unknown.
pub fn attach(
    template: &mut super::Template,
    text: &str,
    files: Vec<super::definitions::DefinitionFile>,
) -> (String, Vec<super::definitions::Included>) {
    let Some(source) = template.source.take() else {
        return (text.to_owned(), Vec::new());
    };
    let mut combined = String::from(text);
    let mut included = Vec::new();
    let mut values = HashMap::new();
    for file in files {
        let json = file.text.trim_start().starts_with('{');
        let kind = if json {
            crate::files::FileKind::JsonTemplate
        } else {
            crate::files::FileKind::YamlTemplate
        };
        let Some(tree) = crate::text::parse(kind, &file.text, None) else {
            continue;
        };
        if tree.root_node().has_error() {
            continue;
        }
        let start = combined.len() + 1;
        combined.push('\n');
        combined.push_str(&file.text);
        let value = if json {
            super::value::from_json_at(&tree, &file.text, start)
        } else {
            super::value::YamlPieces::new(&combined).read(&tree, start)
        };
        let Some(value) = value else {
            combined.truncate(start - 1);
            continue;
        };
        values.insert(file.reference.location.clone(), value);
        included.push(super::definitions::Included {
            path: file.path,
            reference: file.reference.range,
            start,
            len: file.text.len(),
        });
    }
    let mut compiled = super::Template::from_value(compile_with(&source, &values), template.syntax);
    compiled.dialect = template.dialect;
    compiled.mark_unread(std::mem::take(&mut template.unread));
    compiled.placeholders = std::mem::take(&mut template.placeholders);
    compiled.source = Some(source);
    *template = compiled;
    (combined, included)
}

/// [`compile`], given the values of the files the service's `${file(...)}` variables read, by
/// their location as written (their ranges in the text the model is read from).
pub fn compile_with(root: &Value, files: &HashMap<String, Value>) -> Value {
    let mut compiler = Compiler::over(root, files);
    let functions = compiler.functions();
    for (key, key_range, definition) in functions {
        compiler.function(&key, key_range, definition);
    }
    if let Some(range) = compiler.rest_api {
        let api = resource(range, "AWS::ApiGateway::RestApi", Vec::new());
        compiler.push(REST_API, range, api);
    }
    compiler.http_authorizers();
    if let Some(range) = compiler.http_api {
        let properties = vec![entry("ProtocolType", range, string(range, "HTTP"))];
        let api = resource(range, "AWS::ApiGatewayV2::Api", properties);
        compiler.push(HTTP_API, range, api);
    }
    compiler.cloudformation_resources();
    let range = root.range;
    let mut globals = Vec::new();
    for (from, to) in [
        ("runtime", "Runtime"),
        ("timeout", "Timeout"),
        ("layers", "Layers"),
    ] {
        if let Some(value) = root.path(&["provider", from]) {
            globals.push(entry(to, value.range, compiler.resolve(value)));
        }
    }
    map(
        range,
        vec![
            entry(
                "Transform",
                range,
                string(range, "AWS::Serverless-2016-10-31"),
            ),
            entry(
                "Globals",
                range,
                map(range, vec![entry("Function", range, map(range, globals))]),
            ),
            entry("Resources", range, map(range, compiler.resources)),
        ],
    )
}

struct Compiler<'a> {
    root: &'a Value,
    /// The files `${file(...)}` reads, by location as written.
    files: &'a HashMap<String, Value>,
    resources: Vec<Entry>,
    ids: HashSet<String>,
    /// Where the first `http` / `httpApi` event is written, once one is.
    rest_api: Option<TextRange>,
    http_api: Option<TextRange>,
}

/// An `http` event as the framework reads it.
struct HttpEvent {
    method: Value,
    path: Value,
    /// `integration: lambda` (or `aws`): the non-proxy integration, with where it is written.
    non_proxy: Option<TextRange>,
    asynchronous: bool,
    /// `response.statusCodes`: each status and whether it has a non-empty `pattern`.
    status_codes: Option<Vec<(Value, Option<Value>)>>,
}

impl<'a> Compiler<'a> {
    fn over(root: &'a Value, files: &'a HashMap<String, Value>) -> Self {
        Compiler {
            root,
            files,
            resources: Vec::new(),
            ids: HashSet::new(),
            rest_api: None,
            http_api: None,
        }
    }

    /// The entries of `functions` (a mapping, or a list of mappings).
    fn functions(&self) -> Vec<(String, TextRange, &'a Value)> {
        let Some(functions) = self.root.get("functions") else {
            return Vec::new();
        };
        // `functions: ${file(./functions.yml)}`, or a list of such files and mappings.
        let functions = self
            .included(functions, VARIABLE_DEPTH)
            .unwrap_or(functions);
        let mappings: Vec<&Value> = match &functions.kind {
            ValueKind::Seq(items) => items
                .iter()
                .map(|item| self.included(item, VARIABLE_DEPTH).unwrap_or(item))
                .collect(),
            _ => vec![functions],
        };
        mappings
            .into_iter()
            .flat_map(Value::entries)
            .map(|entry| (entry.key.clone(), entry.key_range, &entry.value))
            .collect()
    }

    fn push(&mut self, logical_id: &str, key_range: TextRange, value: Value) {
        if self.ids.insert(logical_id.to_owned()) {
            self.resources.push(Entry {
                key: logical_id.to_owned(),
                key_range,
                value,
            });
        }
    }

    fn function(&mut self, name: &str, key_range: TextRange, definition: &Value) {
        if !definition.is_map() {
            return;
        }
        let logical_id = format!("{}LambdaFunction", normalized_name(name));
        let mut properties = Vec::new();
        self.copy_settings(
            definition,
            &[
                ("handler", "Handler"),
                ("runtime", "Runtime"),
                ("timeout", "Timeout"),
                ("reservedConcurrency", "ReservedConcurrentExecutions"),
                ("layers", "Layers"),
            ],
            &mut properties,
        );
        if let Some(image) = definition.entry("image") {
            properties.push(entry(
                "PackageType",
                image.key_range,
                string(image.value.range, "Image"),
            ));
        }
        // `module` (serverless-python-requirements) is the function's code folder, which the
        // handler path is relative to unless it starts with the folder itself.
        if let Some(module) = definition.entry("module") {
            let folder = self.resolve(&module.value);
            let handler = definition
                .get("handler")
                .map(|handler| self.resolve(handler));
            let from_root = match (folder.as_str(), handler.as_ref().and_then(Value::as_str)) {
                (Some(folder), Some(handler)) => handler
                    .strip_prefix(folder.trim_end_matches('/'))
                    .is_some_and(|rest| rest.starts_with('/')),
                _ => false,
            };
            if !from_root {
                properties.push(entry("CodeUri", module.key_range, folder));
            }
        }
        // A prebuilt artifact (its own or the service's) is code gatelint cannot see.
        let artifact = definition
            .path(&["package", "artifact"])
            .or_else(|| self.root.path(&["package", "artifact"]));
        if let Some(artifact) = artifact {
            properties.push(entry("CodeUri", artifact.range, unknown(artifact.range)));
        }
        if let Some(url) = definition.entry("url") {
            let enabled = !matches!(url.value.kind, ValueKind::Bool(false) | ValueKind::Null);
            if enabled {
                properties.push(entry(
                    "FunctionUrlConfig",
                    url.key_range,
                    self.resolve(&url.value),
                ));
            }
        }
        let mut events = Vec::new();
        let listed = definition
            .get("events")
            .map(Value::items)
            .unwrap_or_default();
        for (index, event) in listed.iter().enumerate() {
            let Some(first) = event.entries().first() else {
                // `- ${file(events.yml)}` and the like: an event of unknown kind.
                events.push(other_event(event.range, index, "Unknown"));
                continue;
            };
            let value = self.resolve(&first.value);
            if first.key == "http" {
                if let Some(authorizer) = value.get("authorizer") {
                    self.rest_authorizer(authorizer, first.key_range);
                }
            }
            match first.key.as_str() {
                "http" => match self.http_event(&value) {
                    Some(http) if http.non_proxy.is_some() => {
                        self.non_proxy_method(&logical_id, name, first.key_range, http);
                    }
                    Some(http) => {
                        self.rest_api.get_or_insert(first.key_range);
                        let mut event_properties = vec![
                            entry("Path", http.path.range, http.path),
                            entry("Method", http.method.range, http.method),
                        ];
                        event_properties.push(entry(
                            "RestApiId",
                            first.key_range,
                            reference(first.key_range, REST_API),
                        ));
                        events.push(sam_event(first.key_range, index, "Api", event_properties));
                    }
                    None => events.push(other_event(first.key_range, index, "Unknown")),
                },
                "httpApi" => {
                    self.http_api.get_or_insert(first.key_range);
                    let (method, path) = match &value.kind {
                        ValueKind::Map(_) => (
                            value
                                .get("method")
                                .cloned()
                                .unwrap_or_else(|| string(value.range, "ANY")),
                            value
                                .get("path")
                                .cloned()
                                .unwrap_or_else(|| string(value.range, "*")),
                        ),
                        _ => route_parts(&value, "ANY", "*"),
                    };
                    let method = any_method(method);
                    let mut event_properties = vec![
                        entry("Path", path.range, path),
                        entry("Method", method.range, method),
                        entry(
                            "ApiId",
                            first.key_range,
                            reference(first.key_range, HTTP_API),
                        ),
                    ];
                    if let Some(payload) = self.root.path(&["provider", "httpApi", "payload"]) {
                        event_properties.push(entry(
                            "PayloadFormatVersion",
                            payload.range,
                            self.resolve(payload),
                        ));
                    }
                    events.push(sam_event(
                        first.key_range,
                        index,
                        "HttpApi",
                        event_properties,
                    ));
                }
                // An `alb` event: the framework creates a Lambda target group and its permission;
                // the graph reads it as a load balancer door (`multiValueHeaders: true` sets the
                // target group's attribute).
                "alb" => {
                    let mut event_properties = Vec::new();
                    if let Some(multi) = value.get("multiValueHeaders") {
                        event_properties.push(entry(
                            "MultiValueHeaders",
                            multi.range,
                            multi.clone(),
                        ));
                    }
                    events.push(sam_event(first.key_range, index, "alb", event_properties));
                }
                // `sqs`, `schedule`, `websocket`, ...: another source; its kind keeps the
                // framework's name, which is no API Gateway event type.
                other => events.push(other_event(first.key_range, index, other)),
            }
        }
        if !events.is_empty() {
            properties.push(entry("Events", key_range, map(definition.range, events)));
        }
        let mut fields = vec![
            entry(
                "Type",
                key_range,
                string(key_range, "AWS::Serverless::Function"),
            ),
            entry("Properties", key_range, map(definition.range, properties)),
        ];
        let plugins = self.plugins();
        // Version 4's own `build` setting bundles handlers with esbuild, as the bundler plugins do.
        let bundled =
            plugins.iter().any(|p| BUNDLER_PLUGINS.contains(p)) || self.root.get("build").is_some();
        let build = if bundled {
            Some("esbuild")
        } else if plugins.iter().any(|p| !CODE_PRESERVING_PLUGINS.contains(p)) {
            Some(PLUGIN_BUILD)
        } else {
            None
        };
        if let Some(build) = build {
            let build = map(
                key_range,
                vec![entry("BuildMethod", key_range, string(key_range, build))],
            );
            fields.push(entry("Metadata", key_range, build));
        }
        self.push(&logical_id, key_range, map(definition.range, fields));
    }

    /// The plugins of the service (`plugins: [...]` or `plugins.modules`); a plugin written as
    /// a variable counts as one gatelint does not know.
    fn plugins(&self) -> Vec<&'a str> {
        let plugins = self.root.get("plugins");
        let listed = plugins
            .map(|plugins| match plugins.get("modules") {
                Some(modules) => modules.items(),
                None => plugins.items(),
            })
            .unwrap_or_default();
        listed
            .iter()
            .map(|plugin| plugin.as_str().unwrap_or("${unknown}"))
            .collect()
    }

    /// An `http` event: `GET users/{id}` or a mapping with `method`, `path`, `integration`,
    /// `async`, `response.statusCodes`.
    fn http_event(&self, value: &Value) -> Option<HttpEvent> {
        let (method, path) = match &value.kind {
            ValueKind::Map(_) => (
                self.resolve(value.get("method")?),
                self.resolve(value.get("path")?),
            ),
            ValueKind::Str(_) => route_parts(value, "ANY", "/"),
            _ => return None,
        };
        let path = match path.as_str() {
            Some(text) if !text.starts_with('/') => string(path.range, &format!("/{text}")),
            _ => path,
        };
        let method = any_method(method);
        let integration = value
            .get("integration")
            .map(|written| self.resolve(written));
        let non_proxy = integration.as_ref().and_then(|integration| {
            let kind = integration.as_str()?.to_ascii_lowercase();
            matches!(kind.as_str(), "lambda" | "aws").then_some(integration.range)
        });
        let asynchronous = value
            .get("async")
            .is_some_and(|flag| self.resolve(flag).as_bool() == Some(true));
        let status_codes = value.path(&["response", "statusCodes"]).map(|codes| {
            codes
                .entries()
                .iter()
                .map(|code| {
                    let status = string(code.key_range, &code.key);
                    (status, code.value.get("pattern").map(|p| self.resolve(p)))
                })
                .collect()
        });
        Some(HttpEvent {
            method,
            path,
            non_proxy,
            asynchronous,
            status_codes,
        })
    }

    /// The method, resources, integration responses and permission the framework writes for a
    /// non-proxy `http` event.
    fn non_proxy_method(
        &mut self,
        function_id: &str,
        function_name: &str,
        key_range: TextRange,
        http: HttpEvent,
    ) {
        self.rest_api.get_or_insert(key_range);
        let at = key_range;
        let path_text = http.path.as_str().unwrap_or("/").to_owned();
        let resource_id = self.path_resources(&path_text, at);
        let kind_range = http.non_proxy.unwrap_or(at);
        // Without `response.statusCodes` the framework maps `[400]`, `[401]`, ... in an error
        // message to that status; a service that lists its own codes gets those, and a default
        // 200 unless one of them has the empty pattern.
        let listed = http.status_codes.map(|mut codes| {
            let has_default = codes
                .iter()
                .any(|(_, pattern)| pattern.as_ref().and_then(Value::as_str) == Some(""));
            if !has_default {
                codes.push((string(at, "200"), Some(string(at, ""))));
            }
            codes
        });
        let codes: Vec<(Value, Option<Value>)> = listed.unwrap_or_else(|| {
            std::iter::once((string(at, "200"), None))
                .chain(
                    ["400", "401", "403", "404", "422", "500", "502", "504"]
                        .into_iter()
                        .map(|code| {
                            let pattern = format!("[\\s\\S]*\\[{code}\\][\\s\\S]*");
                            (string(at, code), Some(string(at, &pattern)))
                        }),
                )
                .collect()
        });
        let integration_responses = codes
            .iter()
            .map(|(status, pattern)| {
                let mut fields = vec![entry("StatusCode", status.range, status.clone())];
                if let Some(pattern) = pattern {
                    fields.push(entry("SelectionPattern", pattern.range, pattern.clone()));
                }
                map(status.range, fields)
            })
            .collect();
        let method_responses = codes
            .iter()
            .map(|(status, _)| {
                map(
                    status.range,
                    vec![entry("StatusCode", status.range, status.clone())],
                )
            })
            .collect();
        let mut integration = vec![
            entry("Type", kind_range, string(kind_range, "AWS")),
            entry("IntegrationHttpMethod", at, string(at, "POST")),
            entry("Uri", at, get_att(at, function_id, "Arn")),
            entry(
                "IntegrationResponses",
                at,
                Value {
                    range: at,
                    kind: ValueKind::Seq(integration_responses),
                },
            ),
        ];
        if http.asynchronous {
            integration.push(entry(
                "RequestParameters",
                at,
                map(
                    at,
                    vec![entry(
                        "integration.request.header.X-Amz-Invocation-Type",
                        at,
                        string(at, "'Event'"),
                    )],
                ),
            ));
        }
        let method_text = http.method.as_str().unwrap_or("ANY").to_ascii_uppercase();
        let properties = vec![
            entry("HttpMethod", http.method.range, http.method.clone()),
            entry("RestApiId", at, reference(at, REST_API)),
            entry("ResourceId", at, resource_id),
            entry("Integration", at, map(at, integration)),
            entry(
                "MethodResponses",
                at,
                Value {
                    range: at,
                    kind: ValueKind::Seq(method_responses),
                },
            ),
        ];
        let method_id = format!(
            "ApiGatewayMethod{}{}",
            path_id(&path_text),
            normalized_name(&method_text.to_ascii_lowercase())
        );
        let method = resource(at, "AWS::ApiGateway::Method", properties);
        self.push(&method_id, at, method);
        let permission = resource(
            at,
            "AWS::Lambda::Permission",
            vec![
                entry("FunctionName", at, get_att(at, function_id, "Arn")),
                entry("Action", at, string(at, "lambda:InvokeFunction")),
                entry("Principal", at, string(at, "apigateway.amazonaws.com")),
                entry(
                    "SourceArn",
                    at,
                    intrinsic(
                        at,
                        "Fn::Sub",
                        string(
                            at,
                            &format!(
                                "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{REST_API}}}/*/*"
                            ),
                        ),
                    ),
                ),
            ],
        );
        let permission_id = format!(
            "{}LambdaPermissionApiGateway",
            normalized_name(function_name)
        );
        self.push(&permission_id, at, permission);
    }

    /// Copies the settings of a framework mapping that are written, each under its
    /// CloudFormation name, resolved, with the key's range.
    fn copy_settings(
        &self,
        definition: &Value,
        names: &[(&str, &str)],
        properties: &mut Vec<Entry>,
    ) {
        for (from, to) in names {
            if let Some(written) = definition.entry(from) {
                properties.push(entry(to, written.key_range, self.resolve(&written.value)));
            }
        }
    }

    /// The logical id of a function of this service, by its name in `functions`.
    fn function_id(&self, name: &str) -> Option<String> {
        self.functions()
            .iter()
            .any(|(key, _, _)| key == name)
            .then(|| format!("{}LambdaFunction", normalized_name(name)))
    }

    /// An `http` event's `authorizer` naming a function of the service (`authorizer: auth`, or
    /// `{name: auth, type: request}`): a REST API Lambda authorizer, with the permission the
    /// framework adds for it. One given by `arn`, `aws_iam` or a Cognito pool is no function here.
    fn rest_authorizer(&mut self, authorizer: &Value, at: TextRange) {
        let authorizer = self.resolve(authorizer);
        let (name, kind) = match &authorizer.kind {
            ValueKind::Str(name) => (name.clone(), "TOKEN".to_owned()),
            ValueKind::Map(_) if authorizer.get("arn").is_none() => {
                let Some(name) = authorizer.get("name").map(|n| self.resolve(n)) else {
                    return;
                };
                let kind = authorizer
                    .get("type")
                    .map(|kind| self.resolve(kind))
                    .and_then(|kind| kind.as_str().map(str::to_ascii_uppercase))
                    .unwrap_or_else(|| "TOKEN".to_owned());
                (name.as_str().unwrap_or_default().to_owned(), kind)
            }
            _ => return,
        };
        if !matches!(kind.as_str(), "TOKEN" | "REQUEST") {
            return;
        }
        let Some(function_id) = self.function_id(&name) else {
            return;
        };
        self.rest_api.get_or_insert(at);
        let authorizer_id = format!("{}ApiGatewayAuthorizer", normalized_name(&name));
        let definition = resource(
            at,
            "AWS::ApiGateway::Authorizer",
            vec![
                entry("RestApiId", at, reference(at, REST_API)),
                entry("Type", at, string(at, &kind)),
                entry("AuthorizerUri", at, get_att(at, &function_id, "Arn")),
            ],
        );
        self.push(&authorizer_id, at, definition);
        self.authorizer_permission(&name, &function_id, at);
    }

    /// `provider.httpApi.authorizers` of type `request` naming a function of the service
    /// (`functionName`): HTTP API Lambda authorizers, simple responses when
    /// `enableSimpleResponses` says so, with the permission the framework adds.
    fn http_authorizers(&mut self) {
        let Some(authorizers) = self.root.path(&["provider", "httpApi", "authorizers"]) else {
            return;
        };
        for authorizer in authorizers.entries() {
            let at = authorizer.key_range;
            let definition = &authorizer.value;
            let kind = definition
                .get("type")
                .map(|kind| self.resolve(kind))
                .and_then(|kind| kind.as_str().map(str::to_ascii_lowercase));
            if kind.as_deref() != Some("request") {
                continue;
            }
            let Some(name) = definition
                .get("functionName")
                .map(|name| self.resolve(name))
                .and_then(|name| name.as_str().map(str::to_owned))
            else {
                continue;
            };
            let Some(function_id) = self.function_id(&name) else {
                continue;
            };
            self.http_api.get_or_insert(at);
            let mut properties = vec![
                entry("ApiId", at, reference(at, HTTP_API)),
                entry("AuthorizerType", at, string(at, "REQUEST")),
                entry("AuthorizerUri", at, get_att(at, &function_id, "Arn")),
            ];
            self.copy_settings(
                definition,
                &[
                    ("enableSimpleResponses", "EnableSimpleResponses"),
                    ("payloadVersion", "AuthorizerPayloadFormatVersion"),
                ],
                &mut properties,
            );
            let authorizer_id = format!("{}HttpApiAuthorizer", normalized_name(&authorizer.key));
            self.push(
                &authorizer_id,
                at,
                resource(at, "AWS::ApiGatewayV2::Authorizer", properties),
            );
            self.authorizer_permission(&name, &function_id, at);
        }
    }

    /// The invoke permission the framework adds for an authorizer function.
    fn authorizer_permission(&mut self, name: &str, function_id: &str, at: TextRange) {
        let permission = resource(
            at,
            "AWS::Lambda::Permission",
            vec![
                entry("FunctionName", at, get_att(at, function_id, "Arn")),
                entry("Action", at, string(at, "lambda:InvokeFunction")),
                entry("Principal", at, string(at, "apigateway.amazonaws.com")),
            ],
        );
        let id = format!("{}LambdaPermissionAuthorizer", normalized_name(name));
        self.push(&id, at, permission);
    }

    /// The `AWS::ApiGateway::Resource` chain of a path (shared by the methods on it), and the
    /// `ResourceId` value that names its last part.
    fn path_resources(&mut self, path: &str, at: TextRange) -> Value {
        let mut parent = get_att(at, REST_API, "RootResourceId");
        let mut so_far = String::new();
        for part in path.split('/').filter(|part| !part.is_empty()) {
            so_far.push('/');
            so_far.push_str(part);
            let id = format!("ApiGatewayResource{}", path_id(&so_far));
            let definition = resource(
                at,
                "AWS::ApiGateway::Resource",
                vec![
                    entry("ParentId", at, parent),
                    entry("PathPart", at, string(at, part)),
                    entry("RestApiId", at, reference(at, REST_API)),
                ],
            );
            self.push(&id, at, definition);
            parent = reference(at, &id);
        }
        parent
    }

    /// `resources.Resources` (a mapping, or a list of such mappings): CloudFormation as written.
    fn cloudformation_resources(&mut self) {
        let Some(resources) = self.root.get("resources") else {
            return;
        };
        let blocks: Vec<&Value> = match &resources.kind {
            ValueKind::Seq(items) => items.iter().collect(),
            _ => vec![resources],
        };
        let entries: Vec<Entry> = blocks
            .into_iter()
            .filter_map(|block| block.get("Resources"))
            .flat_map(|resources| resources.entries().iter().cloned())
            .collect();
        for entry in entries {
            // The file's own resource replaces the framework's of the same id, as the framework
            // merges them.
            if let Some(at) = self.resources.iter().position(|r| r.key == entry.key) {
                self.resources.remove(at);
            }
            self.ids.insert(entry.key.clone());
            self.resources.push(entry);
        }
    }

    /// A value with the framework's variables resolved where the file tells them.
    fn resolve(&self, value: &Value) -> Value {
        self.resolve_within(value, VARIABLE_DEPTH)
    }

    fn resolve_within(&self, value: &Value, depth: usize) -> Value {
        let Some(text) = value.as_str() else {
            return value.clone();
        };
        if depth == 0 || !text.contains("${") {
            return value.clone();
        }
        // One variable that is the whole value: its value, whatever its type.
        if let Some(inner) = whole_variable(text) {
            return match self.variable(inner, value.range, depth) {
                Some(found) => found,
                None => value.clone(),
            };
        }
        match self.substitute(text, value.range, depth) {
            Some(out) => string(value.range, &out),
            None => value.clone(),
        }
    }

    /// A text with the variables inside it substituted, when each resolves to a scalar.
    fn substitute(&self, text: &str, range: TextRange, depth: usize) -> Option<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = closing_brace(&rest[start..])?;
            let inner = &rest[start + 2..start + end];
            let found = self.variable(inner, range, depth)?;
            match &found.kind {
                ValueKind::Str(text) => out.push_str(text),
                ValueKind::Number(number) => out.push_str(&number.to_string()),
                ValueKind::Bool(flag) => out.push_str(&flag.to_string()),
                _ => return None,
            }
            rest = &rest[start + end + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// The value of a variable's inside (`self:custom.x, 'fallback'`), when the file tells it.
    fn variable(&self, inner: &str, range: TextRange, depth: usize) -> Option<Value> {
        // A variable inside the variable (`${file(./${opt:stage, 'dev'}.yml)}`,
        // `${self:custom.${sls:stage}}`): its value first, when it has one.
        let substituted;
        let inner = if inner.contains("${") {
            substituted = self.substitute(inner, range, depth.checked_sub(1)?)?;
            substituted.as_str()
        } else {
            inner
        };
        let (primary, fallback) = match split_fallback(inner) {
            Some((primary, fallback)) => (primary.trim(), Some(fallback.trim())),
            None => (inner.trim(), None),
        };
        if primary == "sls:stage" {
            // The stage deployed without `--stage`: `provider.stage`, else the framework's `dev`.
            return match self.root.path(&["provider", "stage"]) {
                Some(stage) => Some(self.resolve_within(stage, depth - 1))
                    .filter(|stage| stage.as_str().is_some_and(|text| !text.contains("${"))),
                None => Some(string(range, "dev")),
            };
        }
        let found = primary
            .strip_prefix("self:")
            .and_then(|path| self.lookup(path, depth))
            .or_else(|| self.file_value(primary, depth))
            .map(|found| self.resolve_within(found, depth - 1))
            .filter(|found| !found.as_str().is_some_and(|text| text.contains("${")));
        if found.is_some() {
            return found;
        }
        let fallback = fallback?;
        if let Some(quoted) = fallback
            .strip_prefix('\'')
            .and_then(|rest| rest.strip_suffix('\''))
            .or_else(|| {
                fallback
                    .strip_prefix('"')
                    .and_then(|rest| rest.strip_suffix('"'))
            })
        {
            return Some(string(range, quoted));
        }
        if let Ok(number) = fallback.parse::<f64>() {
            return Some(Value {
                range,
                kind: ValueKind::Number(number),
            });
        }
        if fallback.contains(':') {
            return self.variable(fallback, range, depth - 1);
        }
        None
    }

    /// The value a whole `${file(./path.yml)}` or `${file(./path.yml):key.path}` stands for,
    /// when the workspace read the file.
    fn included(&self, value: &Value, depth: usize) -> Option<&'a Value> {
        let inner = whole_variable(value.as_str()?)?;
        self.file_value(inner, depth)
    }

    /// The value of `file(./path.yml)` or `file(./path.yml):key.path` (a variable's inside).
    fn file_value(&self, inner: &str, depth: usize) -> Option<&'a Value> {
        // `file(./stages/${opt:stage, 'dev'}.yml)`: the file the path's value names.
        let substituted;
        let inner = if inner.contains("${") {
            substituted = self.substitute(inner, TextRange::empty(0), depth.checked_sub(1)?)?;
            substituted.as_str()
        } else {
            inner
        };
        let after = inner.trim().strip_prefix("file(")?;
        let end = after.find(')')?;
        let location = after[..end].trim().trim_matches(['\'', '"']);
        let file = self.files.get(location)?;
        match after[end + 1..].trim().strip_prefix(':') {
            Some(selector) => selector
                .trim()
                .split('.')
                .filter(|key| !key.is_empty())
                .try_fold(file, |value, key| value.get(key)),
            None => Some(file),
        }
    }

    /// The value at a `self:` path (`custom.timeout`, `provider.stage`).
    fn lookup(&self, path: &str, depth: usize) -> Option<&'a Value> {
        path.split('.')
            .filter(|key| !key.is_empty())
            .try_fold(self.root, |value, key| {
                // A step through `custom: ${file(./custom.yml)}` goes on in that file.
                let value = self.included(value, depth).unwrap_or(value);
                match &value.kind {
                    ValueKind::Seq(items) => items.get(key.parse::<usize>().ok()?),
                    _ => value.get(key),
                }
            })
    }
}

/// The inside of `${...}` when the text is exactly one variable.
fn whole_variable(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    let inner = trimmed.strip_prefix("${")?;
    let end = closing_brace(trimmed)?;
    (end == trimmed.len() - 1).then(|| &inner[..inner.len() - 1])
}

/// The byte offset of the `}` closing the `${` at the start of `text`.
fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, character) in text.char_indices() {
        match character {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// A variable's primary source and its fallback, split at the first comma outside quotes.
fn split_fallback(inner: &str) -> Option<(&str, &str)> {
    let mut quote = None;
    for (at, character) in inner.char_indices() {
        match (quote, character) {
            (None, '\'' | '"') => quote = Some(character),
            (Some(open), _) if open == character => quote = None,
            (None, ',') => return Some((&inner[..at], &inner[at + 1..])),
            _ => {}
        }
    }
    None
}

/// The framework's `*` (every method) as API Gateway's `ANY`.
fn any_method(method: Value) -> Value {
    match method.as_str() {
        Some("*") => string(method.range, "ANY"),
        _ => method,
    }
}

/// `GET users/{id}` → method and path values, both at the written range.
fn route_parts(value: &Value, method: &str, path: &str) -> (Value, Value) {
    let text = value.as_str().unwrap_or("").trim();
    if text.contains("${") {
        return (unknown(value.range), unknown(value.range));
    }
    match text.split_once(char::is_whitespace) {
        Some((verb, route)) => (string(value.range, verb), string(value.range, route.trim())),
        // `httpApi: '*'` is every method and path.
        None if text == "*" => (string(value.range, method), string(value.range, "*")),
        None => (string(value.range, method), string(value.range, path)),
    }
}

/// The framework's normalised name of a function: first letter upper case, `-` as `Dash` and `_`
/// as `Underscore`.
fn normalized_name(name: &str) -> String {
    let spelled = name.replace('-', "Dash").replace('_', "Underscore");
    let mut characters = spelled.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

/// A path as part of a logical id: each part normalised, `{id}` as `IdVar`.
fn path_id(path: &str) -> String {
    path.split('/')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let bare: String = part
                .trim_start_matches('{')
                .trim_end_matches('}')
                .trim_end_matches('+')
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let name = normalized_name(&bare);
            if part.starts_with('{') {
                format!("{name}Var")
            } else {
                name
            }
        })
        .collect()
}

fn sam_event(range: TextRange, index: usize, kind: &str, properties: Vec<Entry>) -> Entry {
    entry(
        &format!("{kind}Event{index}"),
        range,
        map(
            range,
            vec![
                entry("Type", range, string(range, kind)),
                entry("Properties", range, map(range, properties)),
            ],
        ),
    )
}

fn other_event(range: TextRange, index: usize, kind: &str) -> Entry {
    sam_event(range, index, kind, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::{normalized_name, path_id, whole_variable};
    use crate::files::FileKind;
    use crate::knowledge::proxy::PayloadVersion;
    use crate::templates::{ApiKind, Dialect, IntegrationKind, TemplateModel};

    const SERVICE: &str = "service: shop\ncustom:\n  slow: 40\nprovider:\n  name: aws\n  runtime: python3.12\n  httpApi:\n    payload: '1.0'\nfunctions:\n  get-item:\n    handler: src/items.get\n    timeout: ${self:custom.slow}\n    events:\n      - http: GET items/{id}\n      - httpApi:\n          method: get\n          path: /v2/items/{id}\n  legacy:\n    handler: src/items.legacy\n    events:\n      - http:\n          path: legacy\n          method: post\n          integration: lambda\n          async: true\n  nightly:\n    handler: ${env:HANDLER}\n    events:\n      - schedule: rate(1 day)\n";

    fn model(text: &str) -> TemplateModel {
        let tree = crate::text::parse(FileKind::YamlTemplate, text, None).expect("YAML parses");
        TemplateModel::read(FileKind::YamlTemplate, &tree, text)
    }

    #[test]
    fn names_as_the_framework_does() {
        assert_eq!(
            normalized_name("get-user_by-id"),
            "GetDashuserUnderscorebyDashid"
        );
        assert_eq!(path_id("/users/{id}"), "UsersIdVar");
        assert_eq!(
            whole_variable("${self:custom.timeout}"),
            Some("self:custom.timeout")
        );
        assert_eq!(whole_variable("${a}-${b}"), None);
    }

    #[test]
    fn functions_and_events_become_the_stack_the_framework_deploys() {
        let model = model(SERVICE);
        let template = model.read.template.as_ref().expect("a model");
        assert_eq!(template.dialect, Dialect::ServerlessFramework);
        let specs = model.function_specs();
        let spec = |id: &str| {
            specs
                .iter()
                .find(|spec| spec.logical_id == id)
                .unwrap_or_else(|| panic!("{id} in {specs:#?}"))
        };

        let get = spec("GetDashitemLambdaFunction");
        assert_eq!(
            get.handler.as_ref().map(|h| h.text.as_str()),
            Some("src/items.get")
        );
        // The timeout is the `custom` value the variable names, where it is written.
        assert_eq!(get.timeout_seconds, 40.0);
        let range = get.timeout_range.expect("written");
        assert_eq!(&SERVICE[range.start..range.end], "40");
        let kinds: Vec<_> = get
            .invocations
            .iter()
            .map(|i| (i.api_kind, i.kind, i.payload_version, i.route.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (
                    ApiKind::Rest,
                    IntegrationKind::Proxy,
                    PayloadVersion::V1,
                    "GET /items/{id} via ApiGatewayRestApi"
                ),
                (
                    ApiKind::Http,
                    IntegrationKind::Proxy,
                    PayloadVersion::V1,
                    "GET /v2/items/{id} via HttpApi"
                ),
            ]
        );

        // Invoked asynchronously (`async: true`): API Gateway answers at once, so the handler
        // answers no API request.
        let legacy = spec("LegacyLambdaFunction");
        assert!(legacy.invocations.is_empty());
        assert!(legacy.other_sources);
        // The framework's default timeout, not Lambda's.
        assert_eq!(legacy.timeout_seconds, 6.0);
        let graph = model.graph.as_ref().expect("a graph");
        let edge = graph
            .edges_of("LegacyLambdaFunction")
            .next()
            .expect("the legacy route");
        assert!(edge.asynchronous);
        assert_eq!(edge.kind, IntegrationKind::NonProxy);
        assert_eq!(
            (edge.method.as_str(), edge.path.as_str()),
            ("POST", "/legacy")
        );

        let nightly = spec("NightlyLambdaFunction");
        assert!(nightly.other_sources);
        assert!(
            nightly.handler.is_none(),
            "an unresolved variable is unknown"
        );
    }

    /// `${sls:stage}` is `provider.stage`, else `dev`; a variable inside a variable resolves
    /// first; an unknown stage leaves the value unknown.
    #[test]
    fn the_stage_and_variables_inside_variables_resolve() {
        let service = |stage: &str| {
            format!("service: shop\ncustom:\n  timeouts:\n    dev: 40\n    prod: 10\nprovider:\n  name: aws\n  runtime: python3.12\n{stage}functions:\n  report:\n    handler: src/report.handler\n    timeout: ${{self:custom.timeouts.${{sls:stage}}}}\n    events:\n      - http: GET report\n")
        };
        let timeout = |text: &str| {
            let model = model(text);
            let specs = model.function_specs();
            specs[0].timeout_range.map(|_| specs[0].timeout_seconds)
        };
        assert_eq!(timeout(&service("")), Some(40.0));
        assert_eq!(timeout(&service("  stage: prod\n")), Some(10.0));
        assert_eq!(
            timeout(&service("  stage: ${opt:stage, 'prod'}\n")),
            Some(10.0)
        );
        assert_eq!(timeout(&service("  stage: ${env:STAGE}\n")), None);
    }

    #[test]
    fn hover_anywhere_in_a_service_answers_without_panicking() {
        let model = model(SERVICE);
        let (template, graph) = (model.read.template.as_ref(), model.graph.as_ref());
        let (template, graph) = (template.expect("a model"), graph.expect("a graph"));
        for offset in 0..=SERVICE.len() {
            let _ = crate::templates::hover_at(template, graph, offset);
        }
        let at = SERVICE.find("timeout:").expect("a timeout");
        let text = crate::templates::hover_at(template, graph, at).expect("explained");
        assert!(
            text.contains("**timeout**") && text.contains("default timeout of 6 s"),
            "{text}"
        );
    }

    #[test]
    fn other_providers_are_no_aws_service() {
        let model =
            model("service: x\nprovider:\n  name: azure\nfunctions:\n  f:\n    handler: h.f\n");
        let template = model.read.template.as_ref().expect("a model");
        assert_eq!(template.dialect, Dialect::CloudFormation);
        assert!(model.function_specs().is_empty());
    }
}
