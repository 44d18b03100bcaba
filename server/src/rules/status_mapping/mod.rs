//! `status-mapping`: non-proxy integrations, whose responses API Gateway maps through
//! `IntegrationResponses` onto declared `MethodResponses`.

pub mod error_pattern;
pub mod undeclared_status;

use crate::templates::graph::is_event_invocation;
use crate::templates::{Template, Value, ValueKind};
use crate::text::TextRange;

/// A non-proxy integration's mapping, from an `AWS::ApiGateway::Method` or an OpenAPI operation.
pub struct Mapping<'t> {
    /// The `Properties` of the method resource (`None` for OpenAPI, where no fix is offered).
    pub method_properties: Option<&'t Value>,
    /// The integration `Type` value (where the error-pattern finding goes).
    pub type_range: TextRange,
    /// Whether the integration is a non-proxy Lambda (`AWS`) integration.
    pub lambda_non_proxy: bool,
    /// Whether it invokes the function asynchronously (`X-Amz-Invocation-Type: 'Event'`), so the
    /// function's errors never come back to API Gateway.
    pub asynchronous: bool,
    pub function: Option<String>,
    /// Each integration response: its status value and whether it has a selection pattern.
    pub responses: Vec<(&'t Value, bool)>,
    /// The status codes of the declared method responses.
    pub method_statuses: Vec<String>,
}

pub fn status_text(value: &Value) -> Option<String> {
    match &value.kind {
        ValueKind::Str(text) => Some(text.clone()),
        ValueKind::Number(number) => Some(format!("{}", *number as i64)),
        _ => None,
    }
}

fn is_lambda_uri(template: &Template, uri: Option<&Value>) -> (bool, Option<String>) {
    let Some(uri) = uri else {
        return (false, None);
    };
    if let Some(function) = template.function_ref(uri) {
        return (true, Some(function.logical_id));
    }
    let text = match uri.intrinsic() {
        Some(("Fn::Sub", argument)) => argument
            .as_str()
            .or_else(|| argument.items().first().and_then(Value::as_str)),
        _ => uri.as_str(),
    };
    (
        text.is_some_and(|text| text.contains(":lambda:path/")),
        None,
    )
}

/// Every integration with response mappings in the template.
pub fn mappings(template: &Template) -> Vec<Mapping<'_>> {
    let mut out = Vec::new();
    for resource in &template.resources {
        if resource.is("AWS::ApiGateway::Method") {
            let Some(integration) = resource.property("Integration") else {
                continue;
            };
            let Some(kind) = integration.get("Type") else {
                continue;
            };
            let kind_text = template.string(kind).unwrap_or_default();
            if kind_text.eq_ignore_ascii_case("AWS_PROXY")
                || kind_text.eq_ignore_ascii_case("HTTP_PROXY")
            {
                continue;
            }
            let (lambda, function) = is_lambda_uri(template, integration.get("Uri"));
            let responses = integration
                .get("IntegrationResponses")
                .map(Value::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|response| {
                    let status = response.get("StatusCode")?;
                    let has_pattern = response
                        .get("SelectionPattern")
                        .is_some_and(|pattern| pattern.as_str() != Some(""));
                    Some((status, has_pattern))
                })
                .collect();
            let method_statuses = resource
                .property("MethodResponses")
                .map(Value::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|response| status_text(response.get("StatusCode")?))
                .collect();
            out.push(Mapping {
                method_properties: resource.properties(),
                type_range: kind.range,
                lambda_non_proxy: lambda && kind_text.eq_ignore_ascii_case("AWS"),
                asynchronous: is_event_invocation(template, integration.get("RequestParameters")),
                function,
                responses,
                method_statuses,
            });
        }
        let body = match resource.type_name.as_str() {
            "AWS::Serverless::Api" => resource.property("DefinitionBody"),
            "AWS::ApiGateway::RestApi" => resource.property("Body"),
            _ => None,
        };
        for path in body
            .and_then(|body| body.get("paths"))
            .map(Value::entries)
            .unwrap_or_default()
        {
            for operation in path.value.entries() {
                let Some(integration) = operation.value.get("x-amazon-apigateway-integration")
                else {
                    continue;
                };
                let Some(kind) = integration.get("type") else {
                    continue;
                };
                let kind_text = template.string(kind).unwrap_or_default();
                if !kind_text.eq_ignore_ascii_case("aws")
                    && !kind_text.eq_ignore_ascii_case("http")
                    && !kind_text.eq_ignore_ascii_case("mock")
                {
                    continue;
                }
                let (lambda, function) = is_lambda_uri(template, integration.get("uri"));
                let responses = integration
                    .get("responses")
                    .map(Value::entries)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|entry| {
                        Some((entry.value.get("statusCode")?, entry.key != "default"))
                    })
                    .collect();
                let method_statuses = operation
                    .value
                    .get("responses")
                    .map(Value::entries)
                    .unwrap_or_default()
                    .iter()
                    .map(|entry| entry.key.clone())
                    .collect();
                out.push(Mapping {
                    method_properties: None,
                    type_range: kind.range,
                    lambda_non_proxy: lambda && kind_text.eq_ignore_ascii_case("aws"),
                    asynchronous: is_event_invocation(
                        template,
                        integration.get("requestParameters"),
                    ),
                    function,
                    responses,
                    method_statuses,
                });
            }
        }
    }
    out
}
