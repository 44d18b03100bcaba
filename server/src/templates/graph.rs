//! The integration graph: which API invokes which Lambda function, through which route, with
//! which integration type, payload format and time budget; and which functions serve as
//! authorizers. Built once per template from SAM events, `AWS::ApiGateway::*` and
//! `AWS::ApiGatewayV2::*` resources, SAM `Auth`, and OpenAPI bodies.

use std::collections::HashMap;

use super::model::{FunctionRef, Resource, Template};
use super::value::Value;
use crate::text::TextRange;

/// REST APIs cut integrations off at 29 s unless a quota increase is granted.
pub const REST_TIMEOUT_MILLIS: f64 = 29_000.0;
/// A REST integration that streams its response (`ResponseTransferMode: STREAM`) may be given up
/// to 15 minutes.
pub const STREAMING_TIMEOUT_MILLIS: f64 = 900_000.0;
/// HTTP APIs allow at most 30 s, which is also their default.
pub const HTTP_TIMEOUT_MILLIS: f64 = 30_000.0;
/// WebSocket APIs, like REST, stop at 29 s.
pub const WEBSOCKET_TIMEOUT_MILLIS: f64 = 29_000.0;
/// The longest a Lambda function may run (900 s): a front door without an integration timeout of
/// its own (a function URL, an Application Load Balancer) waits for the function's own timeout.
pub const LAMBDA_MAX_TIMEOUT_MILLIS: f64 = 900_000.0;
/// The smallest integration timeout any API type accepts.
pub const MIN_TIMEOUT_MILLIS: f64 = 50.0;

/// A front door: what invokes the function for a client and answers that client with its result
/// (AWS-BEHAVIOUR, "Other front doors"). Each has its own response contract, time budget,
/// invoke permission and failure text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKind {
    Rest,
    Http,
    WebSocket,
    /// A Lambda function URL (`AWS::Lambda::Url`, SAM `FunctionUrlConfig`): payload 2.0, no
    /// integration timeout (the function's own applies).
    FunctionUrl,
    /// An Application Load Balancer target group of `TargetType: lambda`: its own response
    /// contract (`statusDescription`, `headers` or `multiValueHeaders` by the target group's
    /// attribute), no integration timeout (the function's own applies).
    LoadBalancer,
}

impl ApiKind {
    pub fn name(self) -> &'static str {
        match self {
            ApiKind::Rest => "REST API",
            ApiKind::Http => "HTTP API",
            ApiKind::WebSocket => "WebSocket API",
            ApiKind::FunctionUrl => "function URL",
            ApiKind::LoadBalancer => "Application Load Balancer",
        }
    }

    /// Whether the door is API Gateway (REST, HTTP or WebSocket API): its principal is
    /// `apigateway.amazonaws.com` and it has an integration timeout of its own.
    pub fn is_api_gateway(self) -> bool {
        matches!(self, ApiKind::Rest | ApiKind::Http | ApiKind::WebSocket)
    }

    /// What the client gets when the function fails (raises, times out, returns what the door
    /// cannot read), as a clause naming the door.
    pub fn failure_outcome(self) -> &'static str {
        match self {
            ApiKind::Rest => "API Gateway answers 502",
            ApiKind::Http => "the HTTP API answers 500",
            ApiKind::WebSocket => {
                "the WebSocket caller gets an error message instead of the route's answer"
            }
            ApiKind::FunctionUrl => {
                "the function URL answers with an error (5xx), not the response"
            }
            ApiKind::LoadBalancer => "the load balancer answers 502 Bad Gateway",
        }
    }

    /// What the caller gets when the integration timeout runs out before the function answers,
    /// as a clause: an HTTP 504 for REST and HTTP APIs; a WebSocket API has no HTTP answer to
    /// give mid-conversation (AWS-BEHAVIOUR, "Other front doors").
    pub fn timeout_outcome(self) -> &'static str {
        match self {
            ApiKind::Rest | ApiKind::Http => "the client gets 504 (Endpoint request timed out)",
            ApiKind::WebSocket => {
                "the caller gets an error message over the WebSocket instead of the route's answer \
                 (a `$connect` is refused; `$disconnect` has no caller waiting)"
            }
            // No integration timeout: the function's own timeout stops it first.
            ApiKind::FunctionUrl | ApiKind::LoadBalancer => self.failure_outcome(),
        }
    }

    /// The largest integration timeout the API type allows, in milliseconds.
    pub fn max_timeout_millis(self) -> f64 {
        match self {
            ApiKind::Rest => REST_TIMEOUT_MILLIS,
            ApiKind::Http => HTTP_TIMEOUT_MILLIS,
            ApiKind::WebSocket => WEBSOCKET_TIMEOUT_MILLIS,
            ApiKind::FunctionUrl | ApiKind::LoadBalancer => LAMBDA_MAX_TIMEOUT_MILLIS,
        }
    }

    fn of_resource(resource: &Resource) -> Option<ApiKind> {
        match resource.type_name.as_str() {
            "AWS::ApiGateway::RestApi" | "AWS::Serverless::Api" => Some(ApiKind::Rest),
            "AWS::Serverless::HttpApi" => Some(ApiKind::Http),
            "AWS::ApiGatewayV2::Api" => {
                let protocol = resource.property("ProtocolType").and_then(Value::as_str);
                Some(if protocol == Some("WEBSOCKET") {
                    ApiKind::WebSocket
                } else {
                    ApiKind::Http
                })
            }
            _ => None,
        }
    }
}

/// How API Gateway calls the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegrationKind {
    /// `AWS_PROXY`: the function receives the request and returns a proxy response.
    Proxy,
    /// `AWS`: mapping templates in between; function errors need a `SelectionPattern`.
    NonProxy,
}

/// What the function does for the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeRole {
    /// It serves a route.
    Route,
    /// It is a Lambda authorizer with this name.
    Authorizer { name: String },
}

/// An integration's time budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IntegrationTimeout {
    pub millis: f64,
    /// The `TimeoutInMillis` value, when written (else the API type's default applies).
    pub range: Option<TextRange>,
}

/// One edge: an API invokes a function.
#[derive(Clone, Debug)]
pub struct Edge {
    /// The API's logical id (SAM's implicit `ServerlessRestApi`/`ServerlessHttpApi` included).
    pub api: String,
    pub api_kind: ApiKind,
    pub role: EdgeRole,
    /// `GET`, `ANY`, ... (`*` when unknown) and the path (`/orders/{id}`, `*` when unknown); for
    /// a load balancer's target group, the listeners and rules in view that forward to it.
    pub method: String,
    pub path: String,
    pub function: FunctionRef,
    pub kind: IntegrationKind,
    pub payload_version: String,
    pub timeout: IntegrationTimeout,
    /// Whether SAM creates the invoke permission itself (function `Events`, `Auth` authorizers).
    pub implicit_permission: bool,
    /// Whether API Gateway calls the function with an IAM role (`Credentials`, `CredentialsArn`,
    /// `credentials`, `AuthorizerCredentials`, SAM `FunctionInvokeRole`): the role's policy, not a
    /// resource-based permission on the function, allows the call.
    pub role_credentials: bool,
    /// Whether API Gateway invokes the function asynchronously (a non-proxy integration setting
    /// `X-Amz-Invocation-Type: 'Event'`): it answers at once, and neither the function's run time
    /// nor its errors reach the client.
    pub asynchronous: bool,
    /// Whether API Gateway streams the function's response to the client (a REST proxy
    /// integration with `ResponseTransferMode: STREAM`, or the Lambda URI
    /// `.../response-streaming-invocations`): the function writes a stream, not a buffered proxy
    /// response, and the integration may wait up to 15 minutes.
    pub streaming: bool,
    /// An Application Load Balancer target group that enables
    /// `lambda.multi_value_headers.enabled`: the load balancer reads `multiValueHeaders`, not
    /// `headers`, from the response.
    pub multi_value_headers: bool,
    /// A WebSocket route with a `RouteResponseSelectionExpression`: the function's answer is sent
    /// back to the caller (without one it is discarded).
    pub route_response: bool,
    /// Whether requests reach the function through this edge: false only for a Lambda target
    /// group that no listener in view forwards to while the template shows its load balancer's
    /// listeners (the function is still registered, so the permission is still checked).
    pub reached: bool,
    /// The resource that declares the edge (index into `Template::resources`).
    pub declared_in: usize,
    /// Where the edge is written: the event, the integration URI, the authorizer.
    pub range: TextRange,
}

impl Edge {
    /// The largest integration timeout the edge may have, in milliseconds: 15 minutes for a
    /// streaming REST integration, else the API type's.
    pub fn max_timeout_millis(&self) -> f64 {
        if self.streaming {
            STREAMING_TIMEOUT_MILLIS
        } else {
            self.api_kind.max_timeout_millis()
        }
    }

    /// What a caller gets when the integration gives up waiting on this edge: a WebSocket
    /// `$disconnect` has no caller at all.
    pub fn timeout_outcome(&self) -> &'static str {
        if self.api_kind == ApiKind::WebSocket {
            websocket_timeout_outcome(&self.path)
        } else {
            self.api_kind.timeout_outcome()
        }
    }

    /// Whether nobody waits for the function's answer: a WebSocket `$disconnect` (the client has
    /// gone), so the integration timeout cuts nothing short that anyone sees.
    pub fn nobody_waits(&self) -> bool {
        self.api_kind == ApiKind::WebSocket && self.path == "$disconnect"
    }

    /// `GET /orders via OrdersApi`, or `authorizer TokenAuth of OrdersApi`.
    pub fn describe(&self) -> String {
        match &self.role {
            EdgeRole::Route if self.api_kind == ApiKind::FunctionUrl => {
                format!("function URL {}", self.api)
            }
            EdgeRole::Route if self.api_kind == ApiKind::LoadBalancer => {
                format!("target group {} (Application Load Balancer)", self.api)
            }
            EdgeRole::Route if self.path == "*" => {
                format!("{} ({})", self.api, self.api_kind.name())
            }
            // A WebSocket route key (`$connect`, `sendmessage`) has no method.
            EdgeRole::Route if self.method == "*" => {
                format!("{} of {} ({})", self.path, self.api, self.api_kind.name())
            }
            EdgeRole::Route => format!(
                "{} {} of {} ({})",
                self.method,
                self.path,
                self.api,
                self.api_kind.name()
            ),
            EdgeRole::Authorizer { name } => format!(
                "authorizer {name} of {} ({})",
                self.api,
                self.api_kind.name()
            ),
        }
    }
}

/// What the caller of a WebSocket route gets when the integration gives up: `$connect` is
/// refused, `$disconnect` has no caller waiting (the work is cut short, nobody sees it), other
/// routes' callers get an error message over the socket. Never an HTTP 504.
pub fn websocket_timeout_outcome(route: &str) -> &'static str {
    match route {
        "$connect" => "the connection is refused (the client's WebSocket handshake fails)",
        "$disconnect" => {
            "nobody is waiting (the client has already gone), so no one sees it: the rest of the \
             clean-up is simply not awaited"
        }
        _ => {
            "the caller gets an error message over the WebSocket instead of the route's answer \
             (no HTTP 504: the connection stays open)"
        }
    }
}

/// All edges of one template, indexed by function.
#[derive(Debug, Default)]
pub struct Graph {
    pub edges: Vec<Edge>,
    by_function: HashMap<String, Vec<usize>>,
}

impl Graph {
    pub fn build(template: &Template) -> Graph {
        let mut builder = Builder {
            template,
            edges: Vec::new(),
            routes_by_integration: routes_by_integration(template),
            listeners: super::listeners::Listeners::read(template),
        };
        for (index, resource) in template.resources.iter().enumerate() {
            builder.resource(index, resource);
        }
        // An edge declared in, or pointing at, a resource the parser could not read whole may be
        // wrong: the rules hear nothing of it.
        let incomplete = |logical_id: &str| {
            template
                .resource(logical_id)
                .is_some_and(|resource| resource.incomplete)
        };
        builder.edges.retain(|edge| {
            !template.resources[edge.declared_in].incomplete
                && !incomplete(&edge.function.logical_id)
        });
        let mut by_function: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, edge) in builder.edges.iter().enumerate() {
            if !edge.reached {
                continue;
            }
            by_function
                .entry(edge.function.logical_id.clone())
                .or_default()
                .push(index);
        }
        Graph {
            edges: builder.edges,
            by_function,
        }
    }

    /// The edges through which requests reach a function (by logical id); `edges` also holds the
    /// target groups no listener forwards to (see [`Edge::reached`]).
    pub fn edges_of<'a>(&'a self, function: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.by_function
            .get(function)
            .into_iter()
            .flatten()
            .map(|&index| &self.edges[index])
    }

    pub fn is_invoked(&self, function: &str) -> bool {
        self.by_function.contains_key(function)
    }
}

/// `AWS::ApiGatewayV2::Route`s by the integration their `Target` names: route keys, and whether
/// the route sends the integration's answer back (a WebSocket route with a
/// `RouteResponseSelectionExpression`).
fn routes_by_integration(template: &Template) -> HashMap<String, Vec<(String, bool)>> {
    let mut routes: HashMap<String, Vec<(String, bool)>> = HashMap::new();
    for resource in &template.resources {
        if !resource.is("AWS::ApiGatewayV2::Route") {
            continue;
        }
        let route_key = resource
            .property("RouteKey")
            .and_then(|value| template.string(value))
            .unwrap_or_else(|| "*".into());
        let Some(target) = resource.property("Target") else {
            continue;
        };
        let answers = resource
            .property("RouteResponseSelectionExpression")
            .is_some();
        for integration in template.referenced_resources(target) {
            routes
                .entry(integration)
                .or_default()
                .push((route_key.clone(), answers));
        }
    }
    routes
}

struct Builder<'t> {
    template: &'t Template,
    edges: Vec<Edge>,
    routes_by_integration: HashMap<String, Vec<(String, bool)>>,
    listeners: super::listeners::Listeners,
}

impl Builder<'_> {
    fn resource(&mut self, index: usize, resource: &Resource) {
        match resource.type_name.as_str() {
            "AWS::Serverless::Function" => {
                self.sam_events(index, resource);
                self.sam_function_url(index, resource);
            }
            "AWS::Lambda::Url" => self.function_url(index, resource),
            "AWS::ElasticLoadBalancingV2::TargetGroup" => self.target_group(index, resource),
            "AWS::ElasticLoadBalancingV2::TargetGroupAttachment" => {
                self.target_group_attachment(index, resource)
            }
            "AWS::ApiGateway::Method" => self.rest_method(index, resource),
            "AWS::ApiGatewayV2::Integration" => self.v2_integration(index, resource),
            "AWS::ApiGateway::Authorizer" | "AWS::ApiGatewayV2::Authorizer" => {
                self.authorizer_resource(index, resource)
            }
            "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
                self.sam_auth(index, resource);
                if let Some(body) = resource.property("DefinitionBody") {
                    self.openapi(index, resource, body);
                }
            }
            "AWS::ApiGateway::RestApi" | "AWS::ApiGatewayV2::Api" => {
                if let Some(body) = resource.property("Body") {
                    self.openapi(index, resource, body);
                }
                if resource.is("AWS::ApiGatewayV2::Api") {
                    self.quick_create(index, resource);
                }
            }
            _ => {}
        }
    }

    /// The API a `RestApiId`/`ApiId` value names, with its kind.
    fn api(&self, value: Option<&Value>) -> Option<(String, ApiKind)> {
        let logical_id = self
            .template
            .referenced_resources(value?)
            .into_iter()
            .next()?;
        let kind = ApiKind::of_resource(self.template.resource(&logical_id)?)?;
        Some((logical_id, kind))
    }

    fn timeout(&self, value: Option<&Value>, kind: ApiKind) -> IntegrationTimeout {
        let written = value.and_then(|value| self.template.number(value));
        match written {
            Some(number) => IntegrationTimeout {
                millis: number.value,
                range: Some(value.map_or(number.written_range, |value| value.range)),
            },
            None => IntegrationTimeout {
                millis: kind.max_timeout_millis(),
                range: None,
            },
        }
    }

    /// The timeout of an integration that may stream: as written; unwritten on a streaming one,
    /// the streaming maximum (how long API Gateway then waits is not stated where gatelint can
    /// read it, so no budget shorter than the function's is assumed).
    fn streaming_timeout(
        &self,
        value: Option<&Value>,
        kind: ApiKind,
        streaming: bool,
    ) -> IntegrationTimeout {
        let timeout = self.timeout(value, kind);
        if streaming && timeout.range.is_none() {
            return IntegrationTimeout {
                millis: STREAMING_TIMEOUT_MILLIS,
                range: None,
            };
        }
        timeout
    }

    fn sam_events(&mut self, index: usize, resource: &Resource) {
        let Some(events) = resource.property("Events") else {
            return;
        };
        for event in events.entries() {
            let event_type = event.value.get("Type").and_then(Value::as_str);
            let properties = event.value.get("Properties");
            let property = |key: &str| properties.and_then(|p| p.get(key));
            let (default_api, kind, api_key) = match event_type {
                Some("Api") => ("ServerlessRestApi", ApiKind::Rest, "RestApiId"),
                Some("HttpApi") => ("ServerlessHttpApi", ApiKind::Http, "ApiId"),
                // The Serverless Framework's `alb` event: a target group it creates, with the
                // permission.
                Some("alb")
                    if self.template.dialect == super::model::Dialect::ServerlessFramework =>
                {
                    let multi_value_headers = property("MultiValueHeaders")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    self.door_edge(
                        index,
                        format!(
                            "{}AlbTargetGroup",
                            resource
                                .logical_id
                                .strip_suffix("LambdaFunction")
                                .unwrap_or(&resource.logical_id)
                        ),
                        ApiKind::LoadBalancer,
                        FunctionRef {
                            logical_id: resource.logical_id.clone(),
                            range: event.key_range,
                        },
                        "1.0",
                        (true, false),
                        false,
                        multi_value_headers,
                    );
                    continue;
                }
                _ => continue,
            };
            let (api, kind) = match property(api_key) {
                Some(value) => self
                    .api(Some(value))
                    .unwrap_or_else(|| (display_reference(value), kind)),
                None => (default_api.to_owned(), kind),
            };
            let payload_version = match kind {
                ApiKind::Http => property("PayloadFormatVersion")
                    .and_then(|value| self.template.string(value))
                    .unwrap_or_else(|| "2.0".into()),
                _ => "1.0".into(),
            };
            let text = |key: &str, default: &str| {
                property(key)
                    .and_then(|value| self.template.string(value))
                    .unwrap_or_else(|| default.to_owned())
            };
            self.edges.push(Edge {
                api,
                api_kind: kind,
                role: EdgeRole::Route,
                method: text("Method", "ANY").to_ascii_uppercase(),
                path: text("Path", "*"),
                function: FunctionRef {
                    logical_id: resource.logical_id.clone(),
                    range: event.key_range,
                },
                kind: IntegrationKind::Proxy,
                payload_version,
                timeout: self.timeout(property("TimeoutInMillis"), kind),
                implicit_permission: true,
                role_credentials: false,
                asynchronous: false,
                streaming: false,
                multi_value_headers: false,
                route_response: false,
                reached: true,
                declared_in: index,
                range: event.key_range,
            });
        }
    }

    /// An edge from a front door with no integration of its own (a function URL, a load
    /// balancer's target group): the function's own timeout is the budget.
    #[allow(clippy::too_many_arguments)]
    fn door_edge(
        &mut self,
        index: usize,
        api: String,
        api_kind: ApiKind,
        function: FunctionRef,
        payload_version: &str,
        (implicit_permission, role_credentials): (bool, bool),
        streaming: bool,
        multi_value_headers: bool,
    ) {
        self.edges.push(Edge {
            api,
            api_kind,
            role: EdgeRole::Route,
            method: "*".into(),
            path: "*".into(),
            range: function.range,
            function,
            kind: IntegrationKind::Proxy,
            payload_version: payload_version.into(),
            timeout: IntegrationTimeout {
                millis: api_kind.max_timeout_millis(),
                range: None,
            },
            implicit_permission,
            role_credentials,
            asynchronous: false,
            streaming,
            multi_value_headers,
            route_response: false,
            reached: true,
            declared_in: index,
        });
    }

    /// Whether a function URL's `AuthType` leaves the resource policy to decide: only `NONE`
    /// does. `AWS_IAM` callers are allowed by their own IAM policies, and an `AuthType` gatelint
    /// cannot read is unknown: neither needs the public permission.
    fn url_needs_no_public_permission(&self, auth: Option<&Value>) -> bool {
        auth.and_then(|value| self.template.string(value))
            .is_none_or(|auth| !auth.eq_ignore_ascii_case("NONE"))
    }

    fn invoke_mode_streams(&self, mode: Option<&Value>) -> bool {
        mode.and_then(|value| self.template.string(value))
            .is_some_and(|mode| mode.eq_ignore_ascii_case("RESPONSE_STREAM"))
    }

    /// `AWS::Lambda::Url`: a function URL written by hand; with `AuthType: NONE` it needs an
    /// `AWS::Lambda::Permission` for `lambda:InvokeFunctionUrl` that the template writes itself.
    fn function_url(&mut self, index: usize, resource: &Resource) {
        let Some(function) = resource
            .property("TargetFunctionArn")
            .and_then(|value| self.template.function_ref(value))
        else {
            return;
        };
        let role = self.url_needs_no_public_permission(resource.property("AuthType"));
        let streaming = self.invoke_mode_streams(resource.property("InvokeMode"));
        self.door_edge(
            index,
            resource.logical_id.clone(),
            ApiKind::FunctionUrl,
            function,
            "2.0",
            (false, role),
            streaming,
            false,
        );
    }

    /// SAM `FunctionUrlConfig` (and the Serverless Framework's `url`, read as it): SAM creates
    /// the URL `<Function>Url` and, for `AuthType: NONE`, its public permission.
    fn sam_function_url(&mut self, index: usize, resource: &Resource) {
        let Some(entry) = resource.property_entry("FunctionUrlConfig") else {
            return;
        };
        if matches!(
            entry.value.kind,
            super::value::ValueKind::Null | super::value::ValueKind::Bool(false)
        ) {
            return;
        }
        let mode = entry
            .value
            .get("InvokeMode")
            .or_else(|| entry.value.get("invokeMode"));
        let streaming = self.invoke_mode_streams(mode);
        let api = match self.template.dialect {
            super::model::Dialect::CloudFormation => format!("{}Url", resource.logical_id),
            _ => resource.logical_id.clone(),
        };
        self.door_edge(
            index,
            api,
            ApiKind::FunctionUrl,
            FunctionRef {
                logical_id: resource.logical_id.clone(),
                range: entry.key_range,
            },
            "2.0",
            (true, false),
            streaming,
            false,
        );
    }

    /// Whether a target group is of `TargetType: lambda`, and then whether it enables
    /// `lambda.multi_value_headers.enabled` (a `TargetGroupAttributes` entry; Terraform's
    /// `lambda_multi_value_headers_enabled`).
    fn lambda_target_group(&self, resource: &Resource) -> Option<bool> {
        let lambda = resource
            .property("TargetType")
            .and_then(|value| self.template.string(value))
            .is_some_and(|kind| kind.eq_ignore_ascii_case("lambda"));
        if !lambda {
            return None;
        }
        let is_true = |value: &Value| {
            value.as_bool() == Some(true)
                || self
                    .template
                    .string(value)
                    .is_some_and(|text| text.eq_ignore_ascii_case("true"))
        };
        let attribute = resource
            .property("TargetGroupAttributes")
            .map(Value::items)
            .unwrap_or_default()
            .iter()
            .any(|attribute| {
                attribute
                    .get("Key")
                    .and_then(|key| self.template.string(key))
                    .is_some_and(|key| key == "lambda.multi_value_headers.enabled")
                    && attribute.get("Value").is_some_and(is_true)
            });
        let terraform = resource
            .property("LambdaMultiValueHeadersEnabled")
            .is_some_and(is_true);
        Some(attribute || terraform)
    }

    /// `AWS::ElasticLoadBalancingV2::TargetGroup` with `TargetType: lambda`: the load balancer
    /// invokes every function its `Targets` name, as `elasticloadbalancing.amazonaws.com`.
    fn target_group(&mut self, index: usize, resource: &Resource) {
        let Some(multi_value_headers) = self.lambda_target_group(resource) else {
            return;
        };
        let targets = resource
            .property("Targets")
            .map(Value::items)
            .unwrap_or_default();
        for target in targets {
            let Some(function) = target
                .get("Id")
                .and_then(|value| self.template.function_ref(value))
            else {
                continue;
            };
            self.load_balancer_edge(index, resource, function, multi_value_headers);
        }
    }

    /// A target written as its own resource (Terraform's `aws_lb_target_group_attachment`): the
    /// target group it names invokes the function it names.
    fn target_group_attachment(&mut self, index: usize, resource: &Resource) {
        let Some(group) = resource
            .property("TargetGroupArn")
            .and_then(|value| self.template.referenced_resources(value).into_iter().next())
            .and_then(|id| self.template.resource(&id))
        else {
            return;
        };
        let Some(multi_value_headers) = self.lambda_target_group(group) else {
            return;
        };
        let Some(function) = resource
            .property("TargetId")
            .and_then(|value| self.template.function_ref(value))
        else {
            return;
        };
        self.load_balancer_edge(index, group, function, multi_value_headers);
    }

    /// A Lambda target group invoking a function: the load balancer's door (the payload it sends
    /// is 1.0-shaped; no implicit permission, no integration timeout, never streaming).
    fn load_balancer_edge(
        &mut self,
        index: usize,
        group: &Resource,
        function: FunctionRef,
        multi_value_headers: bool,
    ) {
        self.door_edge(
            index,
            group.logical_id.clone(),
            ApiKind::LoadBalancer,
            function,
            "1.0",
            (false, false),
            false,
            multi_value_headers,
        );
        let forwarded = self.listeners.forwarding_to(&group.logical_id);
        if let Some(edge) = self.edges.last_mut() {
            match forwarded {
                super::listeners::Forwarding::Listeners(routes) => edge.path = routes.join("; "),
                super::listeners::Forwarding::None => edge.reached = false,
                super::listeners::Forwarding::Unknown => {}
            }
        }
    }

    /// HTTP API quick create: an `AWS::ApiGatewayV2::Api` with `Target` gets a route (its
    /// `RouteKey`, `$default` unless written) and a payload 2.0 integration, but no permission.
    fn quick_create(&mut self, index: usize, resource: &Resource) {
        if ApiKind::of_resource(resource) != Some(ApiKind::Http) {
            return;
        }
        let Some(function) = resource
            .property("Target")
            .and_then(|value| self.template.function_ref(value))
        else {
            return;
        };
        let route = resource
            .property("RouteKey")
            .and_then(|value| self.template.string(value))
            .unwrap_or_else(|| "$default".into());
        let (method, path) = match route.split_once(' ') {
            Some((method, path)) => (method.to_owned(), path.to_owned()),
            None => ("*".to_owned(), route),
        };
        self.edges.push(Edge {
            api: resource.logical_id.clone(),
            api_kind: ApiKind::Http,
            role: EdgeRole::Route,
            method,
            path,
            range: function.range,
            function,
            kind: IntegrationKind::Proxy,
            payload_version: "2.0".into(),
            timeout: IntegrationTimeout {
                millis: HTTP_TIMEOUT_MILLIS,
                range: None,
            },
            implicit_permission: false,
            role_credentials: has_value(resource.property("CredentialsArn")),
            asynchronous: false,
            streaming: false,
            multi_value_headers: false,
            route_response: false,
            reached: true,
            declared_in: index,
        });
    }

    fn rest_method(&mut self, index: usize, resource: &Resource) {
        let Some(integration) = resource.property("Integration") else {
            return;
        };
        let Some(kind) = integration_kind(
            integration
                .get("Type")
                .and_then(|value| self.template.string(value)),
        ) else {
            return;
        };
        let Some(uri) = integration.get("Uri") else {
            return;
        };
        let Some(function) = self.template.function_ref(uri) else {
            return;
        };
        let (api, api_kind) = self
            .api(resource.property("RestApiId"))
            .unwrap_or_else(|| ("the REST API".into(), ApiKind::Rest));
        let method = resource
            .property("HttpMethod")
            .and_then(|value| self.template.string(value))
            .unwrap_or_else(|| "*".into())
            .to_ascii_uppercase();
        let path = self
            .rest_path(resource.property("ResourceId"), 32)
            .unwrap_or_else(|| "*".into());
        let streaming = kind == IntegrationKind::Proxy
            && is_streaming(
                self.template,
                integration.get("ResponseTransferMode"),
                Some(uri),
            );
        self.edges.push(Edge {
            api,
            api_kind,
            role: EdgeRole::Route,
            method,
            path,
            range: function.range,
            function,
            kind,
            payload_version: "1.0".into(),
            timeout: self.streaming_timeout(
                integration.get("TimeoutInMillis"),
                api_kind,
                streaming,
            ),
            implicit_permission: false,
            role_credentials: has_value(integration.get("Credentials")),
            asynchronous: kind == IntegrationKind::NonProxy
                && is_event_invocation(self.template, integration.get("RequestParameters")),
            streaming,
            multi_value_headers: false,
            route_response: false,
            reached: true,
            declared_in: index,
        });
    }

    /// The path of an `AWS::ApiGateway::Resource`, following `ParentId` up to the root.
    fn rest_path(&self, resource_id: Option<&Value>, depth: usize) -> Option<String> {
        let resource_id = resource_id?;
        if depth == 0 {
            return None;
        }
        if let Some(("Fn::GetAtt", argument)) = resource_id.intrinsic() {
            let attribute = match &argument.kind {
                super::value::ValueKind::Str(text) => text.split('.').nth(1),
                super::value::ValueKind::Seq(items) => items.get(1).and_then(Value::as_str),
                _ => None,
            };
            if attribute == Some("RootResourceId") {
                return Some("/".into());
            }
        }
        let logical_id = self
            .template
            .referenced_resources(resource_id)
            .into_iter()
            .next()?;
        let resource = self.template.resource(&logical_id)?;
        if !resource.is("AWS::ApiGateway::Resource") {
            return None;
        }
        let part = self.template.string(resource.property("PathPart")?)?;
        let parent = self.rest_path(resource.property("ParentId"), depth - 1)?;
        Some(format!("{}/{part}", parent.trim_end_matches('/')))
    }

    fn v2_integration(&mut self, index: usize, resource: &Resource) {
        let Some(kind) = integration_kind(
            resource
                .property("IntegrationType")
                .and_then(|value| self.template.string(value)),
        ) else {
            return;
        };
        let Some(uri) = resource.property("IntegrationUri") else {
            return;
        };
        let Some(function) = self.template.function_ref(uri) else {
            return;
        };
        let (api, api_kind) = self
            .api(resource.property("ApiId"))
            .unwrap_or_else(|| ("the HTTP API".into(), ApiKind::Http));
        let payload_version = resource
            .property("PayloadFormatVersion")
            .and_then(|value| self.template.string(value))
            .unwrap_or_else(|| {
                if api_kind == ApiKind::Http {
                    "2.0".into()
                } else {
                    "1.0".into()
                }
            });
        let timeout = self.timeout(resource.property("TimeoutInMillis"), api_kind);
        let routes = self
            .routes_by_integration
            .get(&resource.logical_id)
            .cloned()
            .unwrap_or_else(|| vec![("*".into(), false)]);
        for (route, route_response) in routes {
            let (method, path) = match route.split_once(' ') {
                Some((method, path)) => (method.to_owned(), path.to_owned()),
                None => ("*".to_owned(), route),
            };
            self.edges.push(Edge {
                api: api.clone(),
                api_kind,
                role: EdgeRole::Route,
                method,
                path,
                range: function.range,
                function: function.clone(),
                kind,
                payload_version: payload_version.clone(),
                timeout,
                implicit_permission: false,
                role_credentials: has_value(resource.property("CredentialsArn")),
                asynchronous: false,
                streaming: false,
                multi_value_headers: false,
                route_response,
                reached: true,
                declared_in: index,
            });
        }
    }

    fn authorizer_resource(&mut self, index: usize, resource: &Resource) {
        let Some(uri) = resource.property("AuthorizerUri") else {
            return;
        };
        let Some(function) = self.template.function_ref(uri) else {
            return;
        };
        let (default_name, default_kind, api_key) = if resource.is("AWS::ApiGateway::Authorizer") {
            ("the REST API", ApiKind::Rest, "RestApiId")
        } else {
            ("the HTTP API", ApiKind::Http, "ApiId")
        };
        let (api, api_kind) = self
            .api(resource.property(api_key))
            .unwrap_or_else(|| (default_name.into(), default_kind));
        let role_credentials = has_value(resource.property("AuthorizerCredentials"))
            || has_value(resource.property("AuthorizerCredentialsArn"));
        self.push_authorizer(
            index,
            resource.logical_id.clone(),
            api,
            api_kind,
            function,
            (false, role_credentials),
        );
    }

    fn push_authorizer(
        &mut self,
        index: usize,
        name: String,
        api: String,
        api_kind: ApiKind,
        function: FunctionRef,
        (implicit_permission, role_credentials): (bool, bool),
    ) {
        self.edges.push(Edge {
            api,
            api_kind,
            role: EdgeRole::Authorizer { name },
            method: "*".into(),
            path: "*".into(),
            range: function.range,
            function,
            kind: IntegrationKind::Proxy,
            payload_version: "1.0".into(),
            timeout: IntegrationTimeout {
                millis: api_kind.max_timeout_millis(),
                range: None,
            },
            implicit_permission,
            role_credentials,
            asynchronous: false,
            streaming: false,
            multi_value_headers: false,
            route_response: false,
            reached: true,
            declared_in: index,
        });
    }

    /// SAM `Auth.Authorizers.<Name>.FunctionArn`: SAM adds the permission itself.
    fn sam_auth(&mut self, index: usize, resource: &Resource) {
        let Some(kind) = ApiKind::of_resource(resource) else {
            return;
        };
        let Some(authorizers) = resource
            .property("Auth")
            .and_then(|auth| auth.get("Authorizers"))
        else {
            return;
        };
        for authorizer in authorizers.entries() {
            let Some(function) = authorizer
                .value
                .get("FunctionArn")
                .and_then(|value| self.template.function_ref(value))
            else {
                continue;
            };
            let role_credentials = has_value(authorizer.value.get("FunctionInvokeRole"));
            // SAM adds the permission for a REST API authorizer; for an HTTP API one only when
            // `EnableFunctionDefaultPermissions: true` (unknown, say a parameter: assumed so).
            let implicit = kind != ApiKind::Http
                || authorizer
                    .value
                    .get("EnableFunctionDefaultPermissions")
                    .is_some_and(|enabled| enabled.as_bool() != Some(false));
            self.push_authorizer(
                index,
                authorizer.key.clone(),
                resource.logical_id.clone(),
                kind,
                function,
                (implicit, role_credentials),
            );
        }
    }

    /// Integrations and authorizers of an inline OpenAPI definition.
    fn openapi(&mut self, index: usize, resource: &Resource, body: &Value) {
        let Some(api_kind) = ApiKind::of_resource(resource) else {
            return;
        };
        let api = resource.logical_id.clone();
        for path in body.get("paths").map(Value::entries).unwrap_or_default() {
            for operation in path.value.entries() {
                let Some(integration) = operation.value.get("x-amazon-apigateway-integration")
                else {
                    continue;
                };
                let Some(kind) = integration_kind(
                    integration
                        .get("type")
                        .and_then(|value| self.template.string(value)),
                ) else {
                    continue;
                };
                let Some(function) = integration
                    .get("uri")
                    .and_then(|uri| self.template.function_ref(uri))
                else {
                    continue;
                };
                let method = match operation.key.as_str() {
                    "x-amazon-apigateway-any-method" => "ANY".to_owned(),
                    other => other.to_ascii_uppercase(),
                };
                let streaming = kind == IntegrationKind::Proxy
                    && api_kind == ApiKind::Rest
                    && is_streaming(
                        self.template,
                        integration.get("responseTransferMode"),
                        integration.get("uri"),
                    );
                let payload_version = integration
                    .get("payloadFormatVersion")
                    .and_then(|value| self.template.string(value))
                    .unwrap_or_else(|| {
                        if api_kind == ApiKind::Http {
                            "2.0".into()
                        } else {
                            "1.0".into()
                        }
                    });
                self.edges.push(Edge {
                    api: api.clone(),
                    api_kind,
                    role: EdgeRole::Route,
                    method,
                    path: path.key.clone(),
                    range: function.range,
                    function,
                    kind,
                    payload_version,
                    timeout: self.streaming_timeout(
                        integration.get("timeoutInMillis"),
                        api_kind,
                        streaming,
                    ),
                    implicit_permission: false,
                    role_credentials: has_value(integration.get("credentials")),
                    asynchronous: kind == IntegrationKind::NonProxy
                        && is_event_invocation(self.template, integration.get("requestParameters")),
                    streaming,
                    multi_value_headers: false,
                    route_response: false,
                    reached: true,
                    declared_in: index,
                });
            }
        }
        let schemes = body
            .path(&["components", "securitySchemes"])
            .or_else(|| body.get("securityDefinitions"));
        for scheme in schemes.map(Value::entries).unwrap_or_default() {
            let Some(authorizer) = scheme.value.get("x-amazon-apigateway-authorizer") else {
                continue;
            };
            let Some(function) = authorizer
                .get("authorizerUri")
                .and_then(|uri| self.template.function_ref(uri))
            else {
                continue;
            };
            let role_credentials = has_value(authorizer.get("authorizerCredentials"));
            self.push_authorizer(
                index,
                scheme.key.clone(),
                api.clone(),
                api_kind,
                function,
                (false, role_credentials),
            );
        }
    }
}

/// Whether a property is written with a value (a role ARN, a `!GetAtt Role.Arn`, ...).
fn has_value(value: Option<&Value>) -> bool {
    value.is_some_and(|value| !matches!(value.kind, super::value::ValueKind::Null))
}

/// `AWS_PROXY` / `AWS` (any case, as OpenAPI writes them); other types do not call Lambda.
fn integration_kind(value: Option<String>) -> Option<IntegrationKind> {
    match value?.to_ascii_uppercase().as_str() {
        "AWS_PROXY" => Some(IntegrationKind::Proxy),
        "AWS" => Some(IntegrationKind::NonProxy),
        _ => None,
    }
}

/// Whether integration request parameters set `X-Amz-Invocation-Type` to `'Event'` (a quoted
/// literal in API Gateway's mapping syntax): Lambda queues the event and answers 202 at once.
pub fn is_event_invocation(template: &Template, parameters: Option<&Value>) -> bool {
    parameters
        .and_then(|parameters| parameters.get("integration.request.header.X-Amz-Invocation-Type"))
        .and_then(|value| template.string(value))
        .is_some_and(|value| value.trim_matches('\'').eq_ignore_ascii_case("Event"))
}

/// Whether an integration streams its response: its transfer mode is `STREAM`, or its Lambda URI
/// is the streaming invocation (`.../response-streaming-invocations`).
fn is_streaming(template: &Template, mode: Option<&Value>, uri: Option<&Value>) -> bool {
    let stream_mode = mode
        .and_then(|mode| template.string(mode))
        .is_some_and(|mode| mode.eq_ignore_ascii_case("STREAM"));
    let streaming_uri = uri.is_some_and(|uri| {
        let text = match uri.intrinsic() {
            Some(("Fn::Sub", argument)) => match &argument.kind {
                super::value::ValueKind::Seq(items) => items.first().and_then(Value::as_str),
                _ => argument.as_str(),
            },
            _ => uri.as_str(),
        };
        text.is_some_and(|text| text.contains("/response-streaming-invocations"))
    });
    stream_mode || streaming_uri
}

/// How to name an API given by a value gatelint cannot follow (a parameter, an import).
fn display_reference(value: &Value) -> String {
    match value.intrinsic() {
        Some(("Ref", argument)) => argument.as_str().unwrap_or("the API").to_owned(),
        _ => "the API".into(),
    }
}
