//! Hover in templates: what a setting means for API Gateway (its limits, the failure it causes)
//! and which APIs invoke the function it belongs to, read from the integration graph.

use super::graph::{ApiKind, Edge, Graph, HTTP_TIMEOUT_MILLIS, REST_TIMEOUT_MILLIS};

use super::model::{Dialect, Resource, Template, LAMBDA_FUNCTION_TYPES};
use super::value::{Value, ValueKind};

/// The Markdown hover for the template setting under `offset`, if gatelint knows it.
pub fn hover_at(template: &Template, graph: &Graph, offset: usize) -> Option<String> {
    let resource = template
        .resources
        .iter()
        .find(|resource| resource.id_range.start <= offset && offset <= resource.range.end)?;
    let mut path = Vec::new();
    keys_at(&resource.definition, offset, &mut path);
    let (at, key) = path
        .iter()
        .enumerate()
        .rev()
        .find(|(_, key)| explanation(key, &path, template.dialect).is_some())?;
    let mut text = explanation(key, &path[..=at], template.dialect)?;
    if let Some(function) = function_of(template, resource) {
        text.push_str(&invokers(template, graph, function));
    }
    Some(text)
}

/// The keys of the mapping entries enclosing `offset`, outermost first.
fn keys_at<'v>(value: &'v Value, offset: usize, path: &mut Vec<&'v str>) {
    match &value.kind {
        ValueKind::Map(entries) => {
            if let Some(entry) = entries.iter().find(|entry| {
                (entry.key_range.start <= offset && offset <= entry.key_range.end)
                    || (entry.value.range.start <= offset && offset <= entry.value.range.end)
            }) {
                path.push(&entry.key);
                keys_at(&entry.value, offset, path);
            }
        }
        ValueKind::Seq(items) => {
            if let Some(item) = items
                .iter()
                .find(|item| item.range.start <= offset && offset <= item.range.end)
            {
                keys_at(item, offset, path);
            }
        }
        ValueKind::Intrinsic(call) => keys_at(&call.argument, offset, path),
        _ => {}
    }
}

fn seconds(millis: f64) -> String {
    format!("{}", millis / 1000.0)
}

/// What a key means, given the keys above it (`path` ends with `key`).
fn explanation(key: &str, path: &[&str], dialect: Dialect) -> Option<String> {
    let parent = path
        .len()
        .checked_sub(2)
        .and_then(|at| path.get(at))
        .copied();
    let text = match key {
        "Timeout" if parent == Some("Properties") => format!(
            "**{}** (seconds, Lambda): how long the function may run, 1 to 900 s; {} when not \
             set here{}.\n\nAPI Gateway does not wait that long: a REST API \
             stops after {} s (raisable by quota for Regional and private APIs), an HTTP API \
             after at most {} s. Past that the client gets 504 `Endpoint request timed out` while \
             the function keeps running.",
            dialect.spelled("Timeout"),
            dialect.default_timeout(),
            match dialect {
                Dialect::CloudFormation => " or in `Globals`",
                Dialect::ServerlessFramework => " or in `provider`",
                Dialect::Terraform | Dialect::Cdk { .. } => "",
            },
            seconds(REST_TIMEOUT_MILLIS),
            seconds(HTTP_TIMEOUT_MILLIS)
        ),
        "TimeoutInMillis" | "timeoutInMillis" => format!(
            "**{key}**: how long API Gateway waits for the integration, in milliseconds. REST \
             and WebSocket APIs: 50 to {} (the default; more only through a quota increase, for \
             Regional and private REST APIs). HTTP APIs: 50 to {} (the default). Past it the \
             client gets 504 `Endpoint request timed out`.",
            REST_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS
        ),
        "ReservedConcurrentExecutions" => "**ReservedConcurrentExecutions**: the most instances \
             of the function that may run at once, reserved from the account's pool. Requests \
             beyond it are throttled (`429 TooManyRequestsException`, `Rate exceeded`), which \
             API Gateway passes on as an error; `0` throttles every call."
            .to_owned(),
        "Principal" => "**Principal**: who may invoke the function. API Gateway invokes as \
             `apigateway.amazonaws.com`; any other value (or a misspelling) leaves the API \
             without permission: 500 `Invalid permissions on Lambda function`."
            .to_owned(),
        "SourceArn" => "**SourceArn**: which caller ARN the permission allows. API Gateway \
             presents `arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH` (for an \
             authorizer, `API_ID/authorizers/AUTHORIZER_ID`); Lambda compares with `ArnLike`, \
             where `*` matches any characters, `/` included. `${Api}/*` allows every stage, \
             method and path; a route it does not match gets 500 `Invalid permissions on Lambda \
             function`."
            .to_owned(),
        "IntegrationResponses" | "responses"
            if key == "IntegrationResponses"
                || parent == Some("x-amazon-apigateway-integration") =>
        {
            format!(
                "**{key}** (non-proxy `AWS` integrations): API Gateway picks the response whose \
                 `SelectionPattern` matches the function's `errorMessage` (the one without a \
                 pattern is the default, used for successes). Each status code must also be \
                 declared in the method's responses, or the call fails with `Output mapping \
                 refers to an invalid method response`. Without an error pattern, function \
                 errors reach the client as 200."
            )
        }
        "PayloadFormatVersion" | "payloadFormatVersion" => format!(
            "**{key}**: the event and response format of a Lambda proxy integration. `1.0` \
             (REST APIs, and HTTP APIs when chosen): the function must return `statusCode`, \
             `headers`, `multiValueHeaders`, `body` (a string), `isBase64Encoded`; anything else \
             is 502 `Malformed Lambda proxy response`. `2.0` (the HTTP API default): \
             `statusCode` is optional (a plain JSON value becomes a 200 body), `cookies` is \
             allowed, `multiValueHeaders` does not exist."
        ),
        "FunctionUrlConfig" | "AuthType" | "InvokeMode"
            if key == "FunctionUrlConfig" || parent == Some("FunctionUrlConfig") =>
        {
            "**Function URL**: an HTTPS endpoint that invokes the function directly, with the \
             payload 2.0 event and response (an object without `statusCode` is a 200 JSON body) \
             and no API Gateway time limit: the function's own `Timeout` is the budget. \
             `AuthType: NONE` is public and needs a permission for `lambda:InvokeFunctionUrl` \
             with `FunctionUrlAuthType: NONE` (SAM's `FunctionUrlConfig` adds it; a hand-written \
             `AWS::Lambda::Url` does not: 403 Forbidden); `AWS_IAM` callers sign their requests. \
             `InvokeMode: RESPONSE_STREAM` streams what the handler writes \
             (`awslambda.streamifyResponse`)."
                .to_owned()
        }
        "TargetType" | "TargetGroupAttributes" if parent == Some("Properties") => {
            "**Lambda target group** (`TargetType: lambda`): an Application Load Balancer invokes \
             the function it names and reads `statusCode`, `statusDescription`, `headers` (or \
             `multiValueHeaders` when `lambda.multi_value_headers.enabled` is `true`), a string \
             `body` and `isBase64Encoded`; anything malformed, a numeric header value included, is \
             502 Bad Gateway. No integration timeout: the function's own `Timeout` is the budget. \
             The function needs a permission for `elasticloadbalancing.amazonaws.com`."
                .to_owned()
        }
        "Type" if path.len() >= 3 && path[path.len() - 3] == "Events" => {
            "**Event Type**: `Api` connects the function to a REST API (payload 1.0, 29 s \
             integration timeout) and `HttpApi` to an HTTP API (payload 2.0 by default, 30 s); \
             for both, SAM creates the invoke permission. Other types (`SQS`, `Schedule`, ...) \
             are not API Gateway, so its limits do not apply."
                .to_owned()
        }
        _ => return None,
    };
    Some(text)
}

/// The function a resource is, or names (a permission's `FunctionName`, a function URL's
/// `TargetFunctionArn`, a target group's first target).
fn function_of<'t>(template: &'t Template, resource: &'t Resource) -> Option<&'t str> {
    if LAMBDA_FUNCTION_TYPES.contains(&resource.type_name.as_str()) {
        return Some(&resource.logical_id);
    }
    let named = match resource.type_name.as_str() {
        "AWS::Lambda::Url" => resource.property("TargetFunctionArn"),
        "AWS::ElasticLoadBalancingV2::TargetGroup" => resource
            .property("Targets")
            .and_then(|targets| targets.items().first())
            .and_then(|target| target.get("Id")),
        _ => None,
    };
    if let Some(value) = named {
        let function = template.function_ref(value)?;
        return template
            .resource(&function.logical_id)
            .map(|resource| resource.logical_id.as_str());
    }
    if resource.is("AWS::Lambda::Permission") {
        let function = template.function_ref(resource.property("FunctionName")?)?;
        return template
            .resource(&function.logical_id)
            .map(|resource| resource.logical_id.as_str());
    }
    None
}

fn budget(edge: &Edge, function_timeout_seconds: f64) -> String {
    let waits = edge.timeout.millis.min(edge.max_timeout_millis());
    // A door without an integration timeout of its own (a function URL, a load balancer, a
    // streaming integration without `TimeoutInMillis`) waits for the function.
    if !edge.api_kind.is_api_gateway() || waits >= super::graph::LAMBDA_MAX_TIMEOUT_MILLIS {
        return format!("for the function's own timeout ({function_timeout_seconds} s)");
    }
    format!("{} s", seconds(waits))
}

/// The response format a door reads, for the list of invokers.
fn format(edge: &Edge) -> String {
    match edge.api_kind {
        ApiKind::LoadBalancer if edge.multi_value_headers => {
            "ALB response with multiValueHeaders".to_owned()
        }
        ApiKind::LoadBalancer => "ALB response".to_owned(),
        _ if edge.streaming => "response stream".to_owned(),
        _ => format!("payload {}", edge.payload_version),
    }
}

/// Which APIs invoke the function, with their time budget and payload format.
fn invokers(template: &Template, graph: &Graph, function: &str) -> String {
    let edges: Vec<&Edge> = graph.edges_of(function).collect();
    if edges.is_empty() {
        return format!(
            "\n\n`{function}` is invoked by no API in this template (nor a function URL or a load \
             balancer)."
        );
    }
    let timeout = template
        .resource(function)
        .and_then(|resource| template.effective_number(resource, "Timeout"))
        .map_or(template.default_timeout_seconds(), |number| number.value);
    let mut text = format!("\n\n`{function}` (Timeout {timeout} s) is invoked by:");
    for edge in edges.iter().take(20) {
        let asynchronous = if edge.asynchronous {
            ", asynchronously"
        } else {
            ""
        };
        let listeners = if edge.api_kind == ApiKind::LoadBalancer && edge.path != "*" {
            format!(" via {}", edge.path)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "\n- {}{listeners}: waits {}, {}{asynchronous}",
            edge.describe(),
            budget(edge, timeout),
            format(edge)
        ));
    }
    if edges.len() > 20 {
        text.push_str(&format!("\n- and {} more", edges.len() - 20));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FileKind;

    fn hover(text: &str, needle: &str) -> Option<String> {
        let tree = crate::text::parse(FileKind::YamlTemplate, text, None).expect("parses");
        let template =
            crate::templates::parse(FileKind::YamlTemplate, &tree, text).expect("template");
        let graph = Graph::build(&template);
        let offset = text.find(needle).expect("needle in text");
        hover_at(&template, &graph, offset)
    }

    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 40\n      ReservedConcurrentExecutions: 5\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /orders, Method: get}\n        Queue:\n          Type: SQS\n  Worker:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 900\n  WorkerPermission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !GetAtt Worker.Arn\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:abc/*\n";

    #[test]
    fn timeout_shows_limits_and_invoking_apis() {
        let text = hover(TEMPLATE, "40").expect("hover on Timeout");
        assert!(text.contains("29 s"), "{text}");
        assert!(text.contains("504"), "{text}");
        assert!(
            text.contains("GET /orders of ServerlessRestApi (REST API): waits 29 s, payload 1.0"),
            "{text}"
        );
        assert!(text.contains("Timeout 40 s"), "{text}");
    }

    #[test]
    fn event_type_reserved_concurrency_principal_and_source_arn() {
        let event = hover(TEMPLATE, "Api\n").expect("hover on an event Type");
        assert!(event.starts_with("**Event Type**"), "{event}");
        let reserved = hover(TEMPLATE, "ReservedConcurrentExecutions").expect("reserved");
        assert!(reserved.contains("throttled"), "{reserved}");
        let principal = hover(TEMPLATE, "apigateway.amazonaws.com").expect("principal");
        assert!(principal.starts_with("**Principal**"), "{principal}");
        assert!(
            principal.contains("`Worker` is invoked by no API"),
            "{principal}"
        );
        let arn = hover(TEMPLATE, "abc/*").expect("source arn");
        assert!(arn.contains("ArnLike"), "{arn}");
    }

    const DOORS: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Pages:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 90\n      FunctionUrlConfig:\n        AuthType: NONE\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /pages, Method: get}\n  PagesTargets:\n    Type: AWS::ElasticLoadBalancingV2::TargetGroup\n    Properties:\n      TargetType: lambda\n      TargetGroupAttributes:\n        - Key: lambda.multi_value_headers.enabled\n          Value: 'true'\n      Targets:\n        - Id: !GetAtt Pages.Arn\n";

    #[test]
    fn every_door_with_its_format_and_budget() {
        let text = hover(DOORS, "90").expect("hover on Timeout");
        assert!(
            text.contains("GET /pages of ServerlessRestApi (REST API): waits 29 s, payload 1.0"),
            "{text}"
        );
        assert!(
            text.contains(
                "function URL PagesUrl: waits for the function's own timeout (90 s), payload 2.0"
            ),
            "{text}"
        );
        assert!(
            text.contains("target group PagesTargets (Application Load Balancer): waits for the function's own timeout (90 s), ALB response with multiValueHeaders"),
            "{text}"
        );
        let url = hover(DOORS, "AuthType").expect("hover on AuthType");
        assert!(url.starts_with("**Function URL**"), "{url}");
        let target = hover(DOORS, "TargetType").expect("hover on TargetType");
        assert!(target.contains("statusDescription"), "{target}");
        assert!(
            target.contains("`Pages` (Timeout 90 s) is invoked by"),
            "{target}"
        );
    }

    #[test]
    fn a_target_group_is_named_with_the_listener_rules_that_forward_to_it() {
        let balanced = format!(
            "{DOORS}  Balancer:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  Web:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Balancer\n      DefaultActions: [{{Type: fixed-response}}]\n  PagesRule:\n    Type: AWS::ElasticLoadBalancingV2::ListenerRule\n    Properties:\n      ListenerArn: !Ref Web\n      Conditions: [{{Field: path-pattern, Values: [/pages/*]}}]\n      Actions: [{{Type: forward, TargetGroupArn: !Ref PagesTargets}}]\n"
        );
        let text = hover(&balanced, "90").expect("hover on Timeout");
        assert!(
            text.contains("target group PagesTargets (Application Load Balancer) via listener rule PagesRule (path /pages/*): waits for the function's own timeout (90 s)"),
            "{text}"
        );
        // Without the rule, no listener forwards to the group: no request comes through it.
        let unforwarded = balanced.replace(
            "{Type: forward, TargetGroupArn: !Ref PagesTargets}",
            "{Type: fixed-response}",
        );
        let text = hover(&unforwarded, "90").expect("hover on Timeout");
        assert!(!text.contains("PagesTargets"), "{text}");
    }

    #[test]
    fn nothing_for_other_keys() {
        assert_eq!(hover(TEMPLATE, "Transform"), None);
        assert_eq!(hover(TEMPLATE, "AWS::Lambda::Permission"), None);
    }
}
