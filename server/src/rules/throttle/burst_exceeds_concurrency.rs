use std::collections::HashMap;

use super::super::timeout::function_timeout::format_number;
use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::model::LAMBDA_FUNCTION_TYPES;
use crate::templates::{Number, Template, Value};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL602",
        name: "burst-exceeds-reserved-concurrency",
        category: Category::Throttle,
        severity: Severity::Warning,
        summary: "An API's throttling burst lets through more concurrent requests than the function's reserved concurrency can run.",
        aws_error: "Lambda: Rate Exceeded / TooManyRequestsException (client: 500 Internal server error, or 429)",
        why: "A stage's or usage plan's `BurstLimit` is how many requests API Gateway forwards at once. When it is above \
              the function's `ReservedConcurrentExecutions`, a burst that API Gateway accepts is throttled by Lambda \
              instead, and clients get errors rather than a clean 429 from the API.",
        fix: "Lower the burst limit to the reserved concurrency, or raise the reserved concurrency.",
        before: "MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n    ThrottlingBurstLimit: 500\n# function: ReservedConcurrentExecutions: 50",
        after: "MethodSettings:\n  - ResourcePath: '/*'\n    HttpMethod: '*'\n    ThrottlingBurstLimit: 50",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

/// Burst limits stated for each API (by logical id).
fn burst_limits(template: &Template) -> HashMap<String, Vec<Number>> {
    let mut limits: HashMap<String, Vec<Number>> = HashMap::new();
    let mut add = |api: Option<String>, value: Option<&Value>| {
        if let (Some(api), Some(number)) = (api, value.and_then(|value| template.number(value))) {
            limits.entry(api).or_default().push(number);
        }
    };
    let first_reference = |value: Option<&Value>| {
        value.and_then(|value| template.referenced_resources(value).into_iter().next())
    };
    for resource in &template.resources {
        match resource.type_name.as_str() {
            "AWS::ApiGateway::Stage" => {
                let api = first_reference(resource.property("RestApiId"));
                for setting in resource
                    .property("MethodSettings")
                    .map(Value::items)
                    .unwrap_or_default()
                {
                    add(api.clone(), setting.get("ThrottlingBurstLimit"));
                }
            }
            "AWS::Serverless::Api" => {
                for setting in resource
                    .property("MethodSettings")
                    .map(Value::items)
                    .unwrap_or_default()
                {
                    add(
                        Some(resource.logical_id.clone()),
                        setting.get("ThrottlingBurstLimit"),
                    );
                }
            }
            "AWS::Serverless::HttpApi" => add(
                Some(resource.logical_id.clone()),
                resource
                    .property("DefaultRouteSettings")
                    .and_then(|settings| settings.get("ThrottlingBurstLimit")),
            ),
            "AWS::ApiGatewayV2::Stage" => add(
                first_reference(resource.property("ApiId")),
                resource
                    .property("DefaultRouteSettings")
                    .and_then(|settings| settings.get("ThrottlingBurstLimit")),
            ),
            "AWS::ApiGateway::UsagePlan" => {
                let burst = resource
                    .property("Throttle")
                    .and_then(|throttle| throttle.get("BurstLimit"));
                for stage in resource
                    .property("ApiStages")
                    .map(Value::items)
                    .unwrap_or_default()
                {
                    add(first_reference(stage.get("ApiId")), burst);
                }
            }
            _ => {}
        }
    }
    limits
}

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    let limits = burst_limits(ctx.template);
    if limits.is_empty() {
        return;
    }
    for function in &ctx.template.resources {
        if !LAMBDA_FUNCTION_TYPES.contains(&function.type_name.as_str()) {
            continue;
        }
        let Some(reserved) = ctx
            .template
            .effective_number(function, "ReservedConcurrentExecutions")
        else {
            continue;
        };
        // Zero is reported by zero-reserved-concurrency.
        if reserved.value <= 0.0 {
            continue;
        }
        let mut reported = Vec::new();
        for edge in ctx.graph.edges_of(&function.logical_id) {
            for burst in limits.get(&edge.api).map(Vec::as_slice).unwrap_or_default() {
                if burst.value <= reserved.value || reported.contains(&burst.written_range) {
                    continue;
                }
                reported.push(burst.written_range);
                sink.report(
                    burst.written_range,
                    format!(
                        "{} accepts bursts of {} requests, but `{}` may run only {} at once \
                         (ReservedConcurrentExecutions): the excess is throttled by Lambda and fails instead of a 429",
                        edge.api,
                        format_number(burst.value),
                        function.logical_id,
                        format_number(reserved.value),
                    ),
                );
            }
        }
    }
}
