//! What a template says about each Lambda function's code and invocation: its runtime, `Handler`,
//! `CodeUri` (own or from `Globals`), build metadata, timeout, and — from the integration graph —
//! which APIs invoke it, how, and whether other event sources do. No file system access: the
//! workspace resolves these against the files it holds.

use super::graph::{ApiKind, EdgeRole, Graph, IntegrationKind};
use super::model::{Dialect, Template, LAMBDA_FUNCTION_TYPES};
use super::value::{Value, ValueKind};
use crate::knowledge::proxy::PayloadVersion;
use crate::text::TextRange;

/// A string read from the template, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    pub range: TextRange,
}

/// The language family of a Lambda runtime, as far as gatelint links handlers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeFamily {
    Python,
    Node,
    /// `provided.*` with `Metadata.BuildMethod: rust-cargolambda`.
    Rust,
    /// Java, .NET, Go, Ruby, custom runtimes, container images: not analysed, never flagged.
    Other,
}

/// How an authorizer answers, which decides the response format it must return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizerKind {
    /// REST API `TOKEN`/`REQUEST` authorizers, and HTTP API authorizers with payload 1.0 or
    /// without simple responses: an IAM policy document.
    Policy,
    /// HTTP API with `EnableSimpleResponses`: `{"isAuthorized": bool}`.
    Simple,
}

/// One API edge that invokes the function, reduced to what handler rules read.
#[derive(Clone, Debug, PartialEq)]
pub struct Invocation {
    /// `GET /orders of OrdersApi (REST API)`.
    pub description: String,
    /// `GET /orders via OrdersApi`, for navigation.
    pub route: String,
    pub api_kind: ApiKind,
    pub kind: IntegrationKind,
    pub payload_version: PayloadVersion,
    pub timeout_millis: f64,
    /// Where the integration timeout is written, when it is.
    pub timeout_range: Option<TextRange>,
    pub authorizer: Option<AuthorizerKind>,
    /// A streaming REST integration or function URL: the function writes a response stream, not
    /// a buffered proxy response (see [`super::graph::Edge::streaming`]).
    pub streaming: bool,
    /// An Application Load Balancer target group reading `multiValueHeaders` (see
    /// [`super::graph::Edge::multi_value_headers`]).
    pub multi_value_headers: bool,
    /// A WebSocket route whose answer is sent back (see [`super::graph::Edge::route_response`]).
    pub route_response: bool,
    /// The WebSocket route key or path (`$connect`, `/orders`; `*` when unknown).
    pub path: String,
    /// Where the edge is declared (the event, the integration URI, the authorizer).
    pub range: TextRange,
    /// The OpenAPI file the edge is declared in, when it is not the template itself (see
    /// [`super::definitions`]): `range` and `timeout_range` are then in that file.
    pub file: Option<std::path::PathBuf>,
}

impl Invocation {
    /// A WebSocket `$disconnect`: the client has gone, nobody waits for the answer, so only the
    /// function's own timeout bounds it.
    pub fn nobody_waits(&self) -> bool {
        self.api_kind == ApiKind::WebSocket && self.path == "$disconnect"
    }

    /// What the caller gets when this door stops waiting before the function answers (a
    /// WebSocket `$disconnect` has no caller).
    pub fn timeout_outcome(&self) -> &'static str {
        if self.api_kind == ApiKind::WebSocket {
            super::graph::websocket_timeout_outcome(&self.path)
        } else {
            self.api_kind.timeout_outcome()
        }
    }

    /// A code lens's words for the door: `GET /orders via OrdersApi (payload 1.0, 29 s)`,
    /// `function URL OrdersUrl (payload 2.0, function timeout 60 s)`.
    pub fn lens_text(&self, function_timeout_seconds: f64) -> String {
        let (format, budget) = self.format_and_budget(function_timeout_seconds);
        format!("{} ({format}, {budget})", self.route)
    }

    /// `function URL OrdersUrl: payload 2.0, function timeout 60 s`: the door with its format and
    /// budget, for hovers.
    pub fn door_summary(&self, function_timeout_seconds: f64) -> String {
        let (format, budget) = self.format_and_budget(function_timeout_seconds);
        // A load balancer's door is named with the listeners that forward to it.
        let door = if self.api_kind == ApiKind::LoadBalancer {
            &self.route
        } else {
            &self.description
        };
        format!("{door}: {format}, {budget}")
    }

    /// The response format the door reads and how long it waits: the integration timeout, or the
    /// function's own where it is shorter or the door has none (a function URL, a load balancer,
    /// a streaming integration without `TimeoutInMillis`).
    fn format_and_budget(&self, function_timeout_seconds: f64) -> (String, String) {
        let seconds = |millis: f64| {
            let value = millis / 1000.0;
            if value.fract() == 0.0 {
                format!("{}", value as i64)
            } else {
                format!("{value}")
            }
        };
        let format = match self.api_kind {
            ApiKind::WebSocket if self.path == "$connect" => {
                "a non-2xx statusCode refuses the connection".to_owned()
            }
            ApiKind::WebSocket if self.path == "$disconnect" => {
                "nobody receives the answer".to_owned()
            }
            ApiKind::WebSocket if self.route_response => {
                "the answer is sent back (RouteResponseSelectionExpression)".to_owned()
            }
            ApiKind::WebSocket => {
                "the answer is discarded (no RouteResponseSelectionExpression)".to_owned()
            }
            ApiKind::LoadBalancer if self.multi_value_headers => {
                "ALB response with multiValueHeaders".to_owned()
            }
            ApiKind::LoadBalancer => "ALB response".to_owned(),
            _ if self.streaming => "response stream".to_owned(),
            _ => format!("payload {}", self.payload_version.as_str()),
        };
        let function_millis = function_timeout_seconds * 1000.0;
        let door_waits = self.api_kind.is_api_gateway()
            && !self.nobody_waits()
            && (!self.streaming || self.timeout_range.is_some())
            && self.timeout_millis < function_millis;
        let budget = if door_waits {
            format!("{} s", seconds(self.timeout_millis))
        } else {
            format!("function timeout {} s", seconds(function_millis))
        };
        (format, budget)
    }
}

/// A Lambda function of a template and everything needed to link and reason about its code.
#[derive(Clone, Debug)]
pub struct FunctionSpec {
    pub logical_id: String,
    pub id_range: TextRange,
    pub runtime: Option<Written>,
    pub family: RuntimeFamily,
    pub handler: Option<Written>,
    /// `CodeUri` (SAM) or `Code` when a string; `None` when absent, an S3 location or a parameter.
    pub code_uri: Option<Written>,
    /// Whether the code location is something gatelint cannot follow (S3, an intrinsic).
    pub code_elsewhere: bool,
    /// `PackageType: Image`: no handler file to link.
    pub image: bool,
    /// Inline code (`InlineCode`, `Code.ZipFile`), with where its text is.
    pub inline_code: Option<Written>,
    /// esbuild `Metadata.BuildProperties.EntryPoints`.
    pub entry_points: Vec<String>,
    /// `Metadata.BuildMethod`.
    pub build_method: Option<String>,
    /// `Layers` (its own or from `Globals`; the Serverless Framework's `layers`): the layers'
    /// code lies beside the function's, so what its imports find is unknown.
    pub layers: bool,
    /// Cargo Lambda `Metadata.BuildProperties.Binary`.
    pub binary: Option<String>,
    /// Effective timeout in seconds, and where it is written (`None`: Lambda's default of 3 s).
    pub timeout_seconds: f64,
    pub timeout_range: Option<TextRange>,
    pub timeout_from_globals: bool,
    pub invocations: Vec<Invocation>,
    /// Whether the template gives it non-API event sources (SQS, schedules, S3, ...), or, having
    /// no API event of its own, an API defined in a document gatelint does not read (a
    /// `DefinitionUri` file, `AWS::Include`, S3) may invoke it: how is unknown.
    pub other_sources: bool,
    /// What the function is declared in: its messages name settings as that file spells them.
    pub dialect: Dialect,
    /// An `AWS::Serverless::Function` (SAM, and what the Serverless Framework deploys): `sam
    /// build` (or the framework's packaging) installs production dependencies only. A plain
    /// `AWS::Lambda::Function`'s folder is uploaded as it is.
    pub sam: bool,
}

impl FunctionSpec {
    /// What every call gets when the function cannot even start, per door that invokes it:
    /// `every call fails (502 on a REST API, 500 on an HTTP API)`; `every invocation fails`
    /// when no door does.
    pub fn call_failure(&self) -> String {
        let routes: Vec<&Invocation> = self
            .invocations
            .iter()
            .filter(|invocation| invocation.authorizer.is_none())
            .collect();
        if self.invocations.is_empty() {
            return "every invocation fails".to_owned();
        }
        if routes
            .iter()
            .all(|invocation| matches!(invocation.api_kind, ApiKind::Rest | ApiKind::Http))
        {
            return "every call fails (502 on a REST API, 500 on an HTTP API)".to_owned();
        }
        let mut outcomes: Vec<&str> = Vec::new();
        for invocation in routes {
            let outcome = match invocation.api_kind {
                ApiKind::Rest => "502 on the REST API",
                ApiKind::Http => "500 on the HTTP API",
                ApiKind::WebSocket if invocation.path == "$connect" => {
                    "the WebSocket connection is refused"
                }
                ApiKind::WebSocket if invocation.nobody_waits() => {
                    "nobody waits for `$disconnect`, the clean-up is lost"
                }
                ApiKind::WebSocket => "an error message to the WebSocket caller",
                ApiKind::FunctionUrl => "an error (5xx) from the function URL",
                ApiKind::LoadBalancer => "502 from the load balancer",
            };
            if !outcomes.contains(&outcome) {
                outcomes.push(outcome);
            }
        }
        format!("every call fails ({})", outcomes.join(", "))
    }

    /// The smallest time budget over the APIs that invoke it: the function's own timeout or the
    /// integration's, whichever ends first, in milliseconds, with which one decides.
    pub fn budget(&self) -> Option<(f64, Option<&Invocation>)> {
        let function_millis = self.timeout_seconds * 1000.0;
        let tightest = self
            .invocations
            .iter()
            .filter(|invocation| invocation.authorizer.is_none() && !invocation.nobody_waits())
            .min_by(|a, b| a.timeout_millis.total_cmp(&b.timeout_millis))?;
        if tightest.timeout_millis < function_millis {
            Some((tightest.timeout_millis, Some(tightest)))
        } else {
            Some((function_millis, None))
        }
    }
}

/// Resources that invoke the Lambda functions they name, other than through API Gateway: a
/// function named by one is invoked some other way (a state machine's task, a queue, a rule).
const INVOKER_TYPES: &[&str] = &[
    "AWS::Serverless::StateMachine",
    "AWS::StepFunctions::StateMachine",
    "AWS::Lambda::EventSourceMapping",
    "AWS::Events::Rule",
    "AWS::Scheduler::Schedule",
    "AWS::SNS::Subscription",
    "AWS::SNS::Topic",
    "AWS::S3::Bucket",
    "AWS::Pipes::Pipe",
    "AWS::Logs::SubscriptionFilter",
    "AWS::IoT::TopicRule",
    "AWS::CloudFormation::CustomResource",
];

/// The logical ids of functions that some other resource of the template invokes.
fn invoked_by_other_resources(template: &Template) -> std::collections::HashSet<String> {
    template
        .resources
        .iter()
        .filter(|resource| {
            INVOKER_TYPES.contains(&resource.type_name.as_str())
                || resource.type_name.starts_with("Custom::")
        })
        .filter_map(|resource| resource.definition.get("Properties"))
        .fold(std::collections::HashSet::new(), |mut found, properties| {
            references_within(template, properties, &mut found, 16);
            found
        })
}

/// Every resource an intrinsic anywhere inside `value` names (maps and lists walked, bounded).
fn references_within(
    template: &Template,
    value: &Value,
    found: &mut std::collections::HashSet<String>,
    depth: usize,
) {
    if depth == 0 {
        return;
    }
    match &value.kind {
        ValueKind::Map(entries) => {
            for entry in entries {
                references_within(template, &entry.value, found, depth - 1);
            }
        }
        ValueKind::Seq(items) => {
            for item in items {
                references_within(template, item, found, depth - 1);
            }
        }
        ValueKind::Intrinsic(_) => found.extend(template.referenced_resources(value)),
        _ => {}
    }
}

/// Whether an API of the template is defined by an OpenAPI document gatelint does not read: a
/// `DefinitionUri` (a local file or S3), a `DefinitionBody`/`Body` that is an `AWS::Include`
/// transform, or a `BodyS3Location`.
fn has_unread_api_definition(template: &Template) -> bool {
    let unlinked_included = template.included_definitions.iter().any(|&index| {
        let resource = &template.resources[index];
        ["DefinitionBody", "Body"]
            .into_iter()
            .filter_map(|key| resource.property(key))
            .any(|body| has_unlinked_lambda_integration(template, body))
    });
    unlinked_included
        || template.resources.iter().any(|resource| {
            let (uri, body) = match resource.type_name.as_str() {
                "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
                    ("DefinitionUri", "DefinitionBody")
                }
                "AWS::ApiGateway::RestApi" | "AWS::ApiGatewayV2::Api" => ("BodyS3Location", "Body"),
                _ => return false,
            };
            // A definition file the workspace read is in the template as its body by now.
            (resource.property(uri).is_some() && resource.property(body).is_none())
                || resource
                    .property(body)
                    .and_then(Value::intrinsic)
                    .is_some_and(|(name, _)| name == "Fn::Transform")
        })
}

/// Whether an OpenAPI definition has a Lambda integration whose function gatelint cannot name (a
/// literal ARN of another stack, an intrinsic a `DefinitionUri` file cannot use): that function
/// is invoked by the API, but which one is unknown.
fn has_unlinked_lambda_integration(template: &Template, body: &Value) -> bool {
    body.get("paths")
        .map(Value::entries)
        .unwrap_or_default()
        .iter()
        .flat_map(|path| path.value.entries())
        .filter_map(|operation| operation.value.get("x-amazon-apigateway-integration"))
        .any(|integration| {
            let lambda_type = integration
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|kind| {
                    kind.eq_ignore_ascii_case("aws_proxy") || kind.eq_ignore_ascii_case("aws")
                });
            let Some(uri) = integration.get("uri").filter(|_| lambda_type) else {
                return false;
            };
            let other_service = uri
                .as_str()
                .is_some_and(|uri| !uri.contains(":lambda:path/"));
            !other_service && template.function_ref(uri).is_none()
        })
}

/// The Lambda functions of a template with their code locations and invocations.
pub fn function_specs(template: &Template, graph: &Graph) -> Vec<FunctionSpec> {
    let mut specs = Vec::new();
    let invoked_elsewhere = invoked_by_other_resources(template);
    let unread_definitions = has_unread_api_definition(template);
    for resource in &template.resources {
        if !LAMBDA_FUNCTION_TYPES.contains(&resource.type_name.as_str()) {
            continue;
        }
        let sam = resource.is("AWS::Serverless::Function");
        let written = |key: &str| {
            let (value, _) = template.effective_property(resource, key)?;
            Some(Written {
                text: template.string(value)?,
                range: value.range,
            })
        };
        // A property that is written but whose value is unknown (a parameter without a default,
        // an intrinsic, a template placeholder) is no absent property: what it decides is unknown,
        // so the link is not followed. An unknown `Runtime` leaves the family `Other` and an
        // unknown `Handler` leaves `handler` empty, which links nothing either.
        let runtime = written("Runtime");
        let handler = written("Handler");
        let package_unknown = template
            .effective_property(resource, "PackageType")
            .is_some()
            && written("PackageType").is_none();
        let image = written("PackageType").is_some_and(|package| package.text == "Image")
            || resource.property("ImageUri").is_some();
        let layers = template
            .effective_property(resource, "Layers")
            .is_some_and(|(value, _)| match &value.kind {
                ValueKind::Seq(items) => !items.is_empty(),
                ValueKind::Null => false,
                _ => true,
            });
        let metadata = resource.definition.get("Metadata");
        let build_method = metadata
            .and_then(|metadata| metadata.get("BuildMethod"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let build_properties = metadata.and_then(|metadata| metadata.get("BuildProperties"));
        let entry_points = build_properties
            .and_then(|properties| properties.get("EntryPoints"))
            .map(|points| {
                points
                    .items()
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let binary = build_properties
            .and_then(|properties| properties.get("Binary"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let (code_uri, code_elsewhere, inline_code) = if sam {
            let code = template.effective_property(resource, "CodeUri");
            // Inline code is plain text saved as the module (never a `Fn::Sub` unless written as
            // one): `${x}` in it is the code's own, a JavaScript template literal.
            let inline_written = template.effective_property(resource, "InlineCode");
            let inline = inline_written.and_then(|(value, _)| {
                Some(Written {
                    text: template.text(value)?,
                    range: value.range,
                })
            });
            match code {
                Some((value, _)) => match template.string(value) {
                    Some(text) if !text.starts_with("s3://") => (
                        Some(Written {
                            text,
                            range: value.range,
                        }),
                        false,
                        inline,
                    ),
                    _ => (None, true, inline),
                },
                // Without `CodeUri` or `InlineCode`, the SAM CLI builds and packages the template's
                // own folder.
                None if inline_written.is_none() => (
                    Some(Written {
                        text: ".".to_owned(),
                        range: resource.id_range,
                    }),
                    false,
                    None,
                ),
                // Inline code whose text is unknown (a `Fn::Sub` with variables, a parameter
                // without a default) is still inline code: nowhere gatelint can follow.
                None => (None, inline.is_none(), inline),
            }
        } else {
            let code = resource.property("Code");
            let inline = code.and_then(|code| code.get("ZipFile")).and_then(|value| {
                Some(Written {
                    text: value.as_str()?.to_owned(),
                    range: value.range,
                })
            });
            // A string `Code` is a local path that `aws cloudformation package` uploads.
            let local = code.and_then(|value| {
                Some(Written {
                    text: value.as_str()?.to_owned(),
                    range: value.range,
                })
            });
            let elsewhere = local.is_none() && inline.is_none();
            (local, elsewhere, inline)
        };
        let family = match runtime.as_ref().map(|runtime| runtime.text.as_str()) {
            Some(name) if name.starts_with("python") => RuntimeFamily::Python,
            Some(name) if name.starts_with("nodejs") => RuntimeFamily::Node,
            Some(name)
                if name.starts_with("provided")
                    && build_method.as_deref() == Some("rust-cargolambda") =>
            {
                RuntimeFamily::Rust
            }
            _ => RuntimeFamily::Other,
        };
        let timeout = template.effective_number(resource, "Timeout");
        // An asynchronous invocation (`X-Amz-Invocation-Type: 'Event'`): API Gateway answers at
        // once and waits for nothing, so the handler answers no API request.
        let invoked_asynchronously = graph
            .edges_of(&resource.logical_id)
            .any(|edge| edge.asynchronous);
        let mut invocations: Vec<Invocation> = graph
            .edges_of(&resource.logical_id)
            .filter(|edge| !edge.asynchronous)
            .map(|edge| {
                let authorizer = match &edge.role {
                    EdgeRole::Route => None,
                    EdgeRole::Authorizer { name } => Some(authorizer_kind(template, edge, name)),
                };
                Invocation {
                    description: edge.describe(),
                    route: match &edge.role {
                        // The listeners that forward to a load balancer's target group, when known.
                        EdgeRole::Route
                            if edge.api_kind == ApiKind::LoadBalancer && edge.path != "*" =>
                        {
                            format!("{} via {}", edge.describe(), edge.path)
                        }
                        EdgeRole::Route if !edge.api_kind.is_api_gateway() => edge.describe(),
                        EdgeRole::Route => {
                            format!("{} {} via {}", edge.method, edge.path, edge.api)
                        }
                        EdgeRole::Authorizer { name } => {
                            format!("authorizer {name} of {}", edge.api)
                        }
                    },
                    api_kind: edge.api_kind,
                    kind: edge.kind,
                    payload_version: PayloadVersion::from_written(&edge.payload_version),
                    timeout_millis: edge.timeout.millis,
                    timeout_range: edge.timeout.range,
                    authorizer,
                    streaming: edge.streaming,
                    multi_value_headers: edge.multi_value_headers,
                    path: edge.path.clone(),
                    route_response: edge.route_response,
                    range: edge.range,
                    file: None,
                }
            })
            .collect();
        // Kept for the whole run by every function: collected from a filter, the vector has room
        // for four (an invocation is 170 bytes) where most functions have one.
        invocations.shrink_to_fit();
        let other_sources = resource
            .property("Events")
            .map(Value::entries)
            .unwrap_or_default()
            .iter()
            .any(|event| {
                event
                    .value
                    .get("Type")
                    .and_then(Value::as_str)
                    // Every event type but the two API ones is another source: SAM's (SQS,
                    // Schedule, S3, ...) and the Serverless Framework's read into the model
                    // under their own names (`sqs`, `websocket`, `alb`, ...).
                    .is_some_and(|kind| {
                        let serverless_alb = kind == "alb" && template.dialect == Dialect::ServerlessFramework;
                        !matches!(kind, "Api" | "HttpApi") && !serverless_alb
                    })
            })
            || invoked_elsewhere.contains(&resource.logical_id)
            || invoked_asynchronously
            // With no API event of its own, an API definition gatelint does not read may invoke
            // it in a way it cannot know (REST or HTTP, which payload): never assume one.
            || (invocations.is_empty() && unread_definitions);
        specs.push(FunctionSpec {
            logical_id: resource.logical_id.clone(),
            id_range: resource.id_range,
            runtime,
            family,
            handler,
            code_uri,
            code_elsewhere: code_elsewhere || package_unknown,
            image,
            inline_code,
            entry_points,
            build_method,
            layers,
            binary,
            timeout_seconds: timeout
                .map_or(template.default_timeout_seconds(), |number| number.value),
            timeout_range: timeout.map(|number| number.written_range),
            timeout_from_globals: timeout.is_some_and(|number| number.from_globals),
            invocations,
            other_sources,
            dialect: template.dialect,
            sam,
        });
    }
    specs
}

/// Whether an authorizer answers with a policy or a simple response: HTTP API authorizers with
/// `EnableSimpleResponses: true` (SAM `Auth`) or `EnableSimpleResponses` on an
/// `AWS::ApiGatewayV2::Authorizer` answer `{"isAuthorized": ...}`.
fn authorizer_kind(template: &Template, edge: &super::graph::Edge, name: &str) -> AuthorizerKind {
    if edge.api_kind != ApiKind::Http {
        return AuthorizerKind::Policy;
    }
    let declared = template.resources.get(edge.declared_in);
    let simple = declared.and_then(|resource| {
        if resource.is("AWS::ApiGatewayV2::Authorizer") {
            return resource.property("EnableSimpleResponses");
        }
        resource
            .property("Auth")?
            .get("Authorizers")?
            .get(name)?
            .get("EnableSimpleResponses")
    });
    if simple.and_then(Value::as_bool) == Some(true) {
        AuthorizerKind::Simple
    } else {
        AuthorizerKind::Policy
    }
}

/// A `Handler` or `CodeUri` that points at no file or function, found by the workspace.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkProblem {
    pub logical_id: String,
    /// Whether an API invokes the function (then the failure reaches clients as 502).
    pub api_invoked: bool,
    pub kind: LinkProblemKind,
    /// The template value the problem is reported on (`Handler` or `CodeUri`).
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LinkProblemKind {
    /// `CodeUri` names a folder that does not exist (the path as resolved, for the message).
    CodeUriMissing { resolved: String },
    /// `Handler` names a module file that exists under none of the names the runtime tries.
    FileMissing { handler: String, tried: Vec<String> },
    /// A module file exists but gatelint did not read it (a link out of the workspace,
    /// permission denied, not a regular file): reported as unread (`GL901`), not as missing.
    FileNotRead { file: String, reason: String },
    /// The module exists but does not define (Python) or export (Node) the function.
    FunctionMissing {
        function: String,
        file: String,
        /// The functions the file does define/export, offered as replacements.
        available: Vec<String>,
        /// The range of the function part inside the `Handler` value (what a fix replaces).
        function_range: Option<TextRange>,
    },
}
