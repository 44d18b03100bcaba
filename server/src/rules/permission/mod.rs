//! `permission`: API Gateway may only invoke a function (or authorizer) that an
//! `AWS::Lambda::Permission` opens to `apigateway.amazonaws.com` for that API. This module reads
//! the permissions of a template and decides which of them cover each edge of the graph.

pub mod missing_permission;
pub mod principal;
pub mod source_arn;

use std::collections::{HashMap, HashSet};

use super::template_edit::{self, intrinsic, unique_logical_id, yaml_append_lines};
use super::TemplateContext;
use crate::findings::{Edit, Fix};
use crate::templates::graph::ApiKind;
use crate::templates::{Dialect, Edge, EdgeRole, Resource, Syntax, Template, Value};
use crate::text::TextRange;

pub const API_GATEWAY_PRINCIPAL: &str = "apigateway.amazonaws.com";
/// The principal an Application Load Balancer invokes a Lambda target as.
pub const LOAD_BALANCER_PRINCIPAL: &str = "elasticloadbalancing.amazonaws.com";

/// What a front door needs from the function's resource policy: the action and principal a
/// permission must allow (AWS-BEHAVIOUR, "Other front doors").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub action: &'static str,
    pub principal: &'static str,
    /// A public function URL's permission also says `FunctionUrlAuthType: NONE`.
    pub url_auth_none: bool,
}

impl Grant {
    pub fn of(kind: ApiKind) -> Grant {
        match kind {
            ApiKind::FunctionUrl => Grant {
                action: "lambda:InvokeFunctionUrl",
                principal: "*",
                url_auth_none: true,
            },
            ApiKind::LoadBalancer => Grant {
                action: "lambda:InvokeFunction",
                principal: LOAD_BALANCER_PRINCIPAL,
                url_auth_none: false,
            },
            ApiKind::Rest | ApiKind::Http | ApiKind::WebSocket => Grant {
                action: "lambda:InvokeFunction",
                principal: API_GATEWAY_PRINCIPAL,
                url_auth_none: false,
            },
        }
    }

    /// Whether a permission's `Action` allows this grant's (`lambda:*` and `*` do; an action
    /// gatelint cannot read may).
    fn allows_action(&self, action: Option<&str>) -> bool {
        action.is_none_or(|action| {
            action.eq_ignore_ascii_case(self.action)
                || action.eq_ignore_ascii_case("lambda:*")
                || action == "*"
        })
    }
}

/// An `AWS::Lambda::Permission` as the rules read it.
pub struct Permission<'t> {
    pub resource: &'t Resource,
    /// The function's logical id; `None` when `FunctionName` names no function of this template.
    pub function: Option<String>,
    /// The principal and the range of its value; `None` when it cannot be read.
    pub principal: Option<(String, TextRange)>,
    pub source_arn: Option<&'t Value>,
    /// `Action`, when it can be read.
    pub action: Option<String>,
    /// `FunctionUrlAuthType`, when it can be read.
    pub url_auth_type: Option<String>,
}

/// How one permission relates to one edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    Covers,
    /// For this function, but the principal is a misspelling of API Gateway's.
    BadPrincipal,
    /// For this function and API Gateway, but its `SourceArn` names another API.
    OtherApi(String),
    /// For this function, API and principal, but another method or path.
    OtherRoute,
    /// About something else (another function, another service).
    Unrelated,
}

pub fn permissions(template: &Template) -> Vec<Permission<'_>> {
    template
        .resources
        .iter()
        .filter(|resource| resource.is("AWS::Lambda::Permission"))
        .map(|resource| {
            let function = resource
                .property("FunctionName")
                .and_then(|value| function_of(template, value));
            let principal = resource.property("Principal").and_then(|value| {
                template
                    .string(value)
                    .map(|principal| (principal, value.range))
            });
            let text = |key: &str| {
                resource
                    .property(key)
                    .and_then(|value| template.string(value))
            };
            Permission {
                resource,
                function,
                principal,
                source_arn: resource.property("SourceArn"),
                action: text("Action"),
                url_auth_type: text("FunctionUrlAuthType"),
            }
        })
        .collect()
}

/// The function a `FunctionName` names: a reference, or a literal equal to a function's own
/// `FunctionName`.
fn function_of(template: &Template, value: &Value) -> Option<String> {
    if let Some(found) = template.function_ref(value) {
        return Some(found.logical_id);
    }
    let literal = value.as_str()?;
    template
        .resources
        .iter()
        .find(|resource| resource.property("FunctionName").and_then(Value::as_str) == Some(literal))
        .map(|resource| resource.logical_id.clone())
}

/// Whether a principal is API Gateway's misspelled (`apigateway.amazonaws.con`,
/// `apigateway.amazon.com`, `execute-api.amazonaws.com`), not another service.
pub fn is_misspelled_principal(principal: &str) -> bool {
    let principal = principal.to_ascii_lowercase();
    principal != API_GATEWAY_PRINCIPAL
        && (principal.contains("apigateway")
            || principal.contains("api-gateway")
            || principal.contains("execute-api")
            || strsim::levenshtein(&principal, API_GATEWAY_PRINCIPAL) <= 3)
}

/// How `permission` relates to `edge`.
pub fn coverage(template: &Template, permission: &Permission<'_>, edge: &Edge) -> Coverage {
    // A permission the parser could not read whole may be the one that covers the edge.
    if permission.resource.incomplete {
        return Coverage::Covers;
    }
    match &permission.function {
        Some(function) if *function != edge.function.logical_id => return Coverage::Unrelated,
        _ => {}
    }
    if !edge.api_kind.is_api_gateway() {
        return door_coverage(permission, edge);
    }
    let principal_ok = match &permission.principal {
        None => true,
        Some((principal, _)) if principal.eq_ignore_ascii_case(API_GATEWAY_PRINCIPAL) => true,
        Some((principal, _)) if is_misspelled_principal(principal) => {
            if permission.function.is_none() {
                return Coverage::Unrelated;
            }
            false
        }
        Some(_) => return Coverage::Unrelated,
    };
    let arn = match permission.source_arn {
        Some(source_arn) => arn_coverage(template, source_arn, edge),
        None => Coverage::Covers,
    };
    match (arn, principal_ok) {
        (Coverage::Covers, true) => Coverage::Covers,
        (Coverage::Covers, false) => Coverage::BadPrincipal,
        // A permission that names no function of ours and another API is someone else's.
        (_, _) if permission.function.is_none() => Coverage::Unrelated,
        (arn, _) => arn,
    }
}

/// How a permission relates to a front door other than API Gateway (a function URL, a load
/// balancer): its principal and action (and, for a public function URL, its
/// `FunctionUrlAuthType`) must be the door's; what cannot be read counts as covering.
fn door_coverage(permission: &Permission<'_>, edge: &Edge) -> Coverage {
    let grant = Grant::of(edge.api_kind);
    let principal_ok = permission
        .principal
        .as_ref()
        .is_none_or(|(principal, _)| principal.eq_ignore_ascii_case(grant.principal));
    let auth_ok = !grant.url_auth_none
        || permission
            .url_auth_type
            .as_deref()
            .is_none_or(|auth| auth.eq_ignore_ascii_case("NONE"));
    if principal_ok && auth_ok && grant.allows_action(permission.action.as_deref()) {
        Coverage::Covers
    } else {
        Coverage::Unrelated
    }
}

/// Whether a `SourceArn` covers the edge's API, method and path. Anything gatelint cannot read
/// counts as covering: only a clear mismatch is reported.
fn arn_coverage(template: &Template, source_arn: &Value, edge: &Edge) -> Coverage {
    if template.resource(&edge.api).is_none() {
        return Coverage::Covers;
    }
    let apis: Vec<String> = template
        .referenced_resources(source_arn)
        .into_iter()
        .filter(|id| {
            template.resource(id).is_some_and(|resource| {
                matches!(
                    resource.type_name.as_str(),
                    "AWS::ApiGateway::RestApi"
                        | "AWS::Serverless::Api"
                        | "AWS::Serverless::HttpApi"
                        | "AWS::ApiGatewayV2::Api"
                )
            })
        })
        .collect();
    let Some(first) = apis.first() else {
        return Coverage::Covers;
    };
    if !apis.contains(&edge.api) {
        return Coverage::OtherApi(first.clone());
    }
    if edge.role != EdgeRole::Route
        || edge.method == "*"
        || edge.path == "*"
        || edge.path == "$default"
    {
        return Coverage::Covers;
    }
    let Some(tail) = arn_tail(source_arn, &edge.api) else {
        return Coverage::Covers;
    };
    let route = route_tokens(edge);
    let pattern = tail.strip_suffix('/').unwrap_or(&tail);
    if arn_like(pattern, &route) || arn_like(&format!("{pattern}/"), &route) {
        Coverage::Covers
    } else {
        Coverage::OtherRoute
    }
}

/// The path parameter a `SourceArn` writes literally (`{orderId}`, not `*`), when it does.
pub fn literal_path_parameter(source_arn: &Value, api: &str) -> Option<String> {
    let tail = arn_tail(source_arn, api)?;
    let start = tail.find('{')?;
    let end = start + tail[start..].find('}')?;
    Some(tail[start..=end].to_owned())
}

/// The ARN API Gateway presents for a route edge, as Lambda compares it with `ArnLike`: `*`
/// matches any run of characters, `/` included, and `?` any one character.
fn route_tokens(edge: &Edge) -> Vec<RouteToken> {
    let method = if edge.method == "ANY" {
        RouteToken::AnySegment
    } else {
        RouteToken::Text(edge.method.clone())
    };
    let mut route = vec![
        RouteToken::Text("/".into()),
        RouteToken::AnySegment,
        RouteToken::Text("/".into()),
        method,
    ];
    for segment in edge.path.split('/').filter(|part| !part.is_empty()) {
        route.push(RouteToken::Text("/".into()));
        // A path parameter is a value at run time, and may be written either way in the ARN.
        route.push(if segment.starts_with('{') {
            RouteToken::AnySegment
        } else {
            RouteToken::Text(segment.to_owned())
        });
    }
    // The root resource's ARN ends with the slash of its empty path: `.../prod/GET/`.
    if edge.path.split('/').all(str::is_empty) {
        route.push(RouteToken::Text("/".into()));
    }
    route
}

/// Whether the permission SAM creates for the event behind `implicit` covers `edge` of the same
/// function and API: SAM scopes it to the event's method (`ANY`: every method) and path (path
/// parameters as `*`), on every stage.
fn implicit_covers(implicit: &Edge, edge: &Edge) -> bool {
    if implicit.role != EdgeRole::Route || edge.role != EdgeRole::Route {
        return implicit.role == edge.role || matches!(edge.role, EdgeRole::Authorizer { .. });
    }
    if [&implicit.method, &implicit.path, &edge.method, &edge.path]
        .iter()
        .any(|part| part.as_str() == "*")
        || implicit.path == "$default"
        || edge.path == "$default"
    {
        return true;
    }
    let method = if implicit.method == "ANY" {
        "*"
    } else {
        implicit.method.as_str()
    };
    let mut pattern = format!("/*/{method}");
    for segment in implicit.path.split('/').filter(|part| !part.is_empty()) {
        pattern.push('/');
        pattern.push_str(if segment.starts_with('{') {
            "*"
        } else {
            segment
        });
    }
    let route = route_tokens(edge);
    arn_like(&pattern, &route) || arn_like(&format!("{pattern}/"), &route)
}

/// A piece of the ARN API Gateway presents for a route.
enum RouteToken {
    Text(String),
    /// A value gatelint cannot know (the stage, a path parameter): any run of non-`/` characters.
    AnySegment,
}

/// `ArnLike` matching of a `SourceArn` tail against a route, by dynamic programming over
/// (pattern position, route position); a path parameter in the pattern matches any segment.
fn arn_like(pattern: &str, route: &[RouteToken]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Piece {
        Char(char),
        AnyRun,
        AnyChar,
    }
    // `{id}` is no wildcard: written literally, it matches only a request whose path holds those
    // characters, which none does.
    let pieces: Vec<Piece> = pattern
        .chars()
        .map(|c| match c {
            '*' => Piece::AnyRun,
            '?' => Piece::AnyChar,
            other => Piece::Char(other),
        })
        .collect();
    // The route as characters, an unknown segment as one marker.
    let mut text: Vec<Option<char>> = Vec::new();
    for token in route {
        match token {
            RouteToken::Text(part) => text.extend(part.chars().map(Some)),
            RouteToken::AnySegment => text.push(None),
        }
    }
    // matches[i][j]: pieces[i..] match text[j..].
    let mut matches = vec![vec![false; text.len() + 1]; pieces.len() + 1];
    matches[pieces.len()][text.len()] = true;
    for i in (0..pieces.len()).rev() {
        for j in (0..=text.len()).rev() {
            matches[i][j] = match (pieces[i], text.get(j)) {
                (Piece::AnyRun, Some(_)) => matches[i + 1][j] || matches[i][j + 1],
                (Piece::AnyRun, None) => matches[i + 1][j],
                (_, None) => false,
                // An unknown segment may be written as literal characters: consume them while
                // they stay within one segment, or stop.
                (Piece::Char(c), Some(None)) => {
                    !matches!(c, '/' | '{' | '}') && (matches[i + 1][j] || matches[i + 1][j + 1])
                }
                (Piece::AnyChar, Some(_)) => matches[i + 1][j + 1],
                (Piece::Char(c), Some(Some(t))) => c == *t && matches[i + 1][j + 1],
            };
        }
    }
    matches[0][0]
}

/// The text of a `SourceArn` after the API's id: `/*/GET/orders`. Other variables read as `*`.
fn arn_tail(source_arn: &Value, api: &str) -> Option<String> {
    let rendered = match source_arn.intrinsic()? {
        ("Fn::Sub", argument) => {
            let text = argument
                .as_str()
                .or_else(|| argument.items().first().and_then(Value::as_str))?;
            render_sub(text, api)
        }
        ("Fn::Join", argument) => {
            let delimiter = argument.items().first()?.as_str()?;
            let pieces = argument.items().get(1)?.items();
            pieces
                .iter()
                .map(|piece| match (piece.as_str(), piece.intrinsic()) {
                    (Some(text), _) => render_sub(text, api),
                    (None, Some(("Ref", name))) if name.as_str() == Some(api) => "\u{0}".into(),
                    (None, Some(("Fn::Sub", inner))) => inner
                        .as_str()
                        .map_or("*".into(), |text| render_sub(text, api)),
                    _ => "*".into(),
                })
                .collect::<Vec<_>>()
                .join(delimiter)
        }
        _ => return None,
    };
    rendered
        .split_once('\u{0}')
        .map(|(_, tail)| tail.to_owned())
}

fn render_sub(text: &str, api: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        if name == api || name.split('.').next() == Some(api) {
            out.push('\u{0}');
        } else {
            out.push('*');
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A template's permissions and the integrations none of them covers (see [`uncovered`]).
pub struct Gaps<'g> {
    pub permissions: Vec<Permission<'g>>,
    pub uncovered: Vec<(&'g Edge, Vec<(usize, Coverage)>)>,
}

/// The template's [`Gaps`], found on the first call and kept in the context for the other
/// permission rules (each of them reads the same ones).
pub fn gaps<'c, 'g>(ctx: &'c TemplateContext<'g>) -> &'c Gaps<'g> {
    ctx.permission_gaps.get_or_init(|| {
        let permissions = permissions(ctx.template);
        let uncovered = uncovered(ctx, &permissions);
        Gaps {
            permissions,
            uncovered,
        }
    })
}

/// Edges that need an explicit permission and have none covering them, with the coverage of
/// each permission for that function. Each (function, API, role) pair is reported once.
pub fn uncovered<'g>(
    ctx: &TemplateContext<'g>,
    permissions: &[Permission<'g>],
) -> Vec<(&'g Edge, Vec<(usize, Coverage)>)> {
    let mut implicit: HashMap<(&str, &str), Vec<&Edge>> = HashMap::new();
    for edge in &ctx.graph.edges {
        if edge.implicit_permission {
            implicit
                .entry((&edge.function.logical_id, &edge.api))
                .or_default()
                .push(edge);
        }
    }
    let connectors = connector_grants(ctx.template);
    let mut by_function: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut unnamed = Vec::new();
    for (at, permission) in permissions.iter().enumerate() {
        match &permission.function {
            Some(function) => by_function.entry(function).or_default().push(at),
            None => unnamed.push(at),
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for edge in &ctx.graph.edges {
        // Cheapest first: most edges are events SAM grants for, and matching routes is not free.
        let implicitly_covered = || {
            implicit
                .get(&(edge.function.logical_id.as_str(), edge.api.as_str()))
                .is_some_and(|events| events.iter().any(|event| implicit_covers(event, edge)))
        };
        let granted = || {
            connectors.iter().any(|(api, function)| {
                api.as_ref().is_none_or(|api| *api == edge.api)
                    && function
                        .as_ref()
                        .is_none_or(|function| *function == edge.function.logical_id)
            })
        };
        if edge.implicit_permission || edge.role_credentials || implicitly_covered() || granted() {
            continue;
        }
        // Only the permissions for this function, or for no function we can name, can cover it.
        let candidates = by_function
            .get(edge.function.logical_id.as_str())
            .into_iter()
            .flatten()
            .chain(&unnamed);
        let coverages: Vec<(usize, Coverage)> = candidates
            .map(|&at| (at, coverage(ctx.template, &permissions[at], edge)))
            .filter(|(_, coverage)| *coverage != Coverage::Unrelated)
            .collect();
        if coverages
            .iter()
            .any(|(_, coverage)| *coverage == Coverage::Covers)
        {
            continue;
        }
        let is_authorizer = matches!(edge.role, EdgeRole::Authorizer { .. });
        if seen.insert((
            edge.function.logical_id.clone(),
            edge.api.clone(),
            is_authorizer,
        )) {
            out.push((edge, coverages));
        }
    }
    out
}

/// The (API, function) pairs `AWS::Serverless::Connector`s grant invoke permission for: an API
/// as `Source`, a function as `Destination`, `Write` among the `Permissions` (also a connector
/// embedded in the API's `Connectors`). A side gatelint cannot name (an `Arn`, a parameter) is
/// `None`: it may be any API or function, so it counts as covering them all.
fn connector_grants(template: &Template) -> Vec<(Option<String>, Option<String>)> {
    let named = |end: Option<&Value>| -> Option<String> {
        let id = end?.get("Id")?;
        template
            .string(id)
            .filter(|id| template.resource(id).is_some())
    };
    let mut grants = Vec::new();
    let mut grant = |source: Option<String>, properties: &Value| {
        let writes = match properties.get("Permissions") {
            Some(permissions) if !permissions.items().is_empty() => permissions
                .items()
                .iter()
                .any(|permission| permission.as_str().is_none_or(|text| text == "Write")),
            Some(permissions) => permissions.as_str().is_none_or(|text| text == "Write"),
            None => false,
        };
        if writes {
            grants.push((source, named(properties.get("Destination"))));
        }
    };
    for resource in &template.resources {
        if resource.is("AWS::Serverless::Connector") {
            if let Some(properties) = resource.properties() {
                grant(named(properties.get("Source")), properties);
            }
        }
        for connector in resource
            .definition
            .get("Connectors")
            .map(Value::entries)
            .unwrap_or_default()
        {
            if let Some(properties) = connector.value.get("Properties") {
                grant(Some(resource.logical_id.clone()), properties);
            }
        }
    }
    grants
}

/// The `SourceArn` of a permission for every route and stage of `api`, in the file's style.
pub fn source_arn_text(template: &Template, text: &str, api: &str, long_indent: &str) -> String {
    let arn = format!(
        "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{api}}}/*"
    );
    intrinsic(
        template,
        text,
        "!Sub",
        "Fn::Sub",
        &arn,
        &format!("\"{arn}\""),
        long_indent,
    )
}

/// A fix inserting an `AWS::Lambda::Permission` for the edge's function and API.
pub fn insert_permission_fix(ctx: &TemplateContext<'_>, edge: &Edge) -> Option<Fix> {
    if ctx.template.dialect == Dialect::Terraform {
        return terraform_permission_fix(ctx, edge);
    }
    let template = ctx.template;
    let text = ctx.text;
    let api_is_resource = template.resource(&edge.api).is_some();
    let function = &edge.function.logical_id;
    let api_part = if api_is_resource {
        edge.api.as_str()
    } else {
        "Api"
    };
    let logical_id = unique_logical_id(template, &format!("{function}{api_part}Permission"));
    let last = template.resources.last()?;
    let (id_column, unit) = template.resource_indentation(text);
    let indent = " ".repeat(id_column);
    let property_indent = format!("{indent}{unit}{unit}");
    let long_indent = format!("{property_indent}{unit}");
    let function_name = intrinsic(
        template,
        text,
        "!GetAtt",
        "Fn::GetAtt",
        &format!("{function}.Arn"),
        &format!("[\"{function}\", \"Arn\"]"),
        &long_indent,
    );
    let grant = Grant::of(edge.api_kind);
    // A target group registers its Lambda target only once the permission exists (it
    // `DependsOn` it), so the permission cannot name the target group's ARN without a cycle.
    let source_arn = match edge.api_kind {
        ApiKind::FunctionUrl | ApiKind::LoadBalancer => None,
        _ => api_is_resource.then(|| source_arn_text(template, text, &edge.api, &long_indent)),
    };
    let principal = if grant.principal == "*" {
        "'*'".to_owned()
    } else {
        grant.principal.to_owned()
    };
    let edit = match template.syntax {
        Syntax::Yaml => {
            let mut lines = vec![
                format!("{indent}{logical_id}:"),
                format!("{indent}{unit}Type: AWS::Lambda::Permission"),
                format!("{indent}{unit}Properties:"),
                format!("{property_indent}Action: {}", grant.action),
                format!("{property_indent}FunctionName: {function_name}"),
                format!("{property_indent}Principal: {principal}"),
            ];
            if grant.url_auth_none {
                lines.push(format!("{property_indent}FunctionUrlAuthType: NONE"));
            }
            if let Some(source_arn) = source_arn {
                lines.push(format!("{property_indent}SourceArn: {source_arn}"));
            }
            let end = template.resources_range?.end;
            let (at, new_text) = yaml_append_lines(text, end, &lines);
            Edit::insert(at, new_text)
        }
        Syntax::Json => {
            let mut properties = vec![
                format!("{property_indent}\"Action\": \"{}\"", grant.action),
                format!("{property_indent}\"FunctionName\": {function_name}"),
                format!("{property_indent}\"Principal\": \"{}\"", grant.principal),
            ];
            if grant.url_auth_none {
                properties.push(format!(
                    "{property_indent}\"FunctionUrlAuthType\": \"NONE\""
                ));
            }
            if let Some(source_arn) = source_arn {
                properties.push(format!("{property_indent}\"SourceArn\": {source_arn}"));
            }
            let new_text = format!(
                ",\n{indent}\"{logical_id}\": {{\n{indent}{unit}\"Type\": \"AWS::Lambda::Permission\",\n\
                 {indent}{unit}\"Properties\": {{\n{}\n{indent}{unit}}}\n{indent}}}",
                properties.join(",\n")
            );
            Edit::insert(last.range.end, new_text)
        }
    };
    Some(Fix {
        safe: false,
        title: format!(
            "Add an AWS::Lambda::Permission letting {} invoke {function}",
            edge.api
        ),
        edits: vec![edit],
    })
}

pub use template_edit::replace_scalar;

/// An `aws_lambda_permission` block for a Terraform integration, written after the block that
/// declares it: for the function (or the alias the integration invokes), with a `source_arn`
/// from the API's `execution_arn` covering all its stages and routes.
fn terraform_permission_fix(ctx: &TemplateContext<'_>, edge: &Edge) -> Option<Fix> {
    let template = ctx.template;
    let declared = template.resources.get(edge.declared_in)?;
    let written = ctx.text.get(edge.range.start..edge.range.end).unwrap_or("");
    // The integration invokes an alias: the permission must name it.
    let alias = written
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .find_map(|word| {
            let rest = word.strip_prefix("aws_lambda_alias.")?;
            let name = rest.split('.').next()?;
            let address = format!("aws_lambda_alias.{name}");
            template.resource(&address).map(|_| address)
        });
    let function = &edge.function.logical_id;
    let target = alias.as_deref().unwrap_or(function);
    // `aws_lambda_function.api["admin"]`, an instance of a `for_each`: `api_admin`.
    let (address, key) = target.split_once('[').unwrap_or((target, ""));
    let mut base = address.rsplit('.').next().unwrap_or("function").to_owned();
    let key: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    for part in key.split('_').filter(|part| !part.is_empty()) {
        base.push('_');
        base.push_str(part);
    }
    let grant = Grant::of(edge.api_kind);
    let (suffix, statement) = match edge.api_kind {
        ApiKind::FunctionUrl => ("url", "AllowPublicFunctionUrl"),
        ApiKind::LoadBalancer => ("alb", "AllowLoadBalancerInvoke"),
        _ => ("apigateway", "AllowAPIGatewayInvoke"),
    };
    let mut name = format!("{base}_{suffix}");
    let mut counter = 2;
    while template
        .resource(&format!("aws_lambda_permission.{name}"))
        .is_some()
    {
        name = format!("{base}_{suffix}_{counter}");
        counter += 1;
    }
    let mut lines = vec![
        format!("resource \"aws_lambda_permission\" \"{name}\" {{"),
        format!("  statement_id  = \"{statement}\""),
        format!("  action        = \"{}\"", grant.action),
        format!("  function_name = {target}.function_name"),
    ];
    if alias.is_some() {
        lines.push(format!("  qualifier     = {target}.name"));
    }
    lines.push(format!("  principal     = \"{}\"", grant.principal));
    if grant.url_auth_none {
        lines.push("  function_url_auth_type = \"NONE\"".to_owned());
    }
    if template.resource(&edge.api).is_some() && edge.api_kind.is_api_gateway() {
        lines.push(format!(
            "  source_arn    = \"${{{}.execution_arn}}/*/*\"",
            edge.api
        ));
    }
    lines.push("}".to_owned());
    let end = declared.range.end;
    Some(Fix {
        safe: false,
        title: format!("Add an aws_lambda_permission for {}", edge.api),
        edits: vec![Edit::insert(end, format!("\n\n{}", lines.join("\n")))],
    })
}
