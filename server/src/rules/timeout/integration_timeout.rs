use super::function_timeout::format_number;
use crate::findings::{Category, Edit, Fix, Severity};
use crate::rules::template_edit::replace_scalar;
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::graph::MIN_TIMEOUT_MILLIS;
use crate::templates::ApiKind;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL402",
        name: "integration-timeout-out-of-range",
        category: Category::Timeout,
        severity: Severity::Warning,
        summary: "`TimeoutInMillis` is outside what the API type allows (50 ms to 29 s for REST and WebSocket, 30 s for HTTP APIs).",
        aws_error: "Timeout should be between 50 ms and 29000 ms (deploy), or 504 Endpoint request timed out at the real limit",
        why: "Each API type caps the integration timeout: REST and WebSocket APIs at 29,000 ms by default (Regional and \
              private REST APIs may raise it with a service quota request; edge-optimized ones may not), HTTP APIs at \
              30,000 ms, all at no less than 50 ms. A value outside the range fails the deployment unless the quota \
              was raised.",
        fix: "Set `TimeoutInMillis` within the range, or request the quota increase for a Regional or private REST API. The quick fix is offered in the editor only, never by `gatelint check --fix`: it changes what is deployed, so a person reviews it.",
        before: "Integration:\n  Type: AWS_PROXY\n  TimeoutInMillis: 60000",
        after: "Integration:\n  Type: AWS_PROXY\n  TimeoutInMillis: 29000",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    let mut reported = Vec::new();
    for edge in &ctx.graph.edges {
        let Some(range) = edge.timeout.range else {
            continue;
        };
        let millis = edge.timeout.millis;
        let max = edge.max_timeout_millis();
        let limit = if millis > max {
            max
        } else if millis < MIN_TIMEOUT_MILLIS {
            MIN_TIMEOUT_MILLIS
        } else {
            continue;
        };
        if reported.contains(&range) {
            continue;
        }
        reported.push(range);
        let quota = if edge.api_kind == ApiKind::Rest && !edge.streaming && millis > max {
            " unless the account's quota was raised (possible for Regional and private REST APIs only)"
        } else {
            ""
        };
        let message = format!(
            "{} {} is outside what {} allows ({} to {} ms): the deployment fails{quota}",
            ctx.template.dialect.spelled("TimeoutInMillis"),
            format_number(millis),
            match edge.api_kind {
                ApiKind::Http => "an HTTP API",
                ApiKind::Rest if edge.streaming => "a streaming REST integration",
                ApiKind::Rest => "a REST API",
                ApiKind::WebSocket => "a WebSocket API",
                ApiKind::FunctionUrl => "a function URL",
                ApiKind::LoadBalancer => "an Application Load Balancer",
            },
            format_number(MIN_TIMEOUT_MILLIS),
            format_number(max),
        );
        let literal = range.slice(ctx.text);
        let fix = (literal.trim_matches(['"', '\'']).parse::<f64>().is_ok()).then(|| Fix {
            safe: false,
            title: format!(
                "Set {} to {}",
                ctx.template.dialect.spelled("TimeoutInMillis"),
                format_number(limit)
            ),
            edits: vec![Edit::replace(
                range,
                replace_scalar(ctx.text, range, &format_number(limit)),
            )],
        });
        sink.report(range, message).with_fix(fix);
    }
}
