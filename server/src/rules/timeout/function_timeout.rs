use crate::findings::{Category, Edit, Fix, Severity};
use crate::rules::template_edit::{column, replace_scalar};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::graph::{ApiKind, MIN_TIMEOUT_MILLIS};
use crate::templates::model::LAMBDA_FUNCTION_TYPES;
use crate::templates::{Dialect, Edge, EdgeRole, Number, Resource, Syntax};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL401",
        name: "function-timeout-exceeds-integration",
        category: Category::Timeout,
        severity: Severity::Warning,
        summary: "A function may run longer than the integration timeout of an API that invokes it.",
        aws_error: "504 {\"message\": \"Endpoint request timed out\"} (execution log: Execution failed due to a timeout error)",
        why: concat!(
            "API Gateway stops waiting for the function after the integration timeout: 29 s for REST and WebSocket \
              APIs (raisable only by a quota request for Regional and private REST APIs), at most 30 s for HTTP \
              APIs, less when `TimeoutInMillis` says so. A function allowed to run longer answers nobody: the \
              client already got 504 while the function keeps running (and is billed). The effective `Timeout` is \
              the function's own, else `Globals.Function.Timeout`, else 3 s. A `Globals` timeout too long for some \
              API routes is one finding at the Globals line listing them.",
            timeout_doors!()
        ),
        fix: "Lower the function's `Timeout` to the integration timeout (for a `Globals` timeout, set `Timeout` on \
              the API functions: the Globals value also serves queue and schedule functions), or move the long work out of the request \
              (queue it and answer 202). The quick fix is offered in the editor only, never by `gatelint check --fix`: it changes what is deployed, so a person reviews it.",
        before: "Globals:\n  Function:\n    Timeout: 60\nResources:\n  GetOrder:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /orders, Method: get}",
        after: "Globals:\n  Function:\n    Timeout: 60   # queue and schedule functions keep it\nResources:\n  GetOrder:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 29\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /orders, Method: get}",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    let template = ctx.template;
    let mut reported = Vec::new();
    // Functions whose too-long timeout comes from `Globals`: one finding at the Globals line.
    let mut from_globals: Vec<(&Resource, &Edge, Number)> = Vec::new();
    for function in &template.resources {
        if !LAMBDA_FUNCTION_TYPES.contains(&function.type_name.as_str()) {
            continue;
        }
        // The tightest budget among the routes that invoke the function.
        let Some(edge) = ctx
            .graph
            .edges_of(&function.logical_id)
            // An out-of-range TimeoutInMillis is integration-timeout-out-of-range's finding.
            .filter(|edge| {
                edge.role == EdgeRole::Route
                    && edge.timeout.millis >= MIN_TIMEOUT_MILLIS
                    // API Gateway does not wait for an asynchronous invocation, and nobody
                    // waits for a WebSocket `$disconnect`.
                    && !edge.asynchronous
                    && !edge.nobody_waits()
            })
            .min_by(|a, b| budget_millis(a).total_cmp(&budget_millis(b)))
        else {
            continue;
        };
        let Some(timeout) = template.effective_number(function, "Timeout") else {
            continue;
        };
        if timeout.value * 1000.0 <= budget_millis(edge) {
            continue;
        }
        if timeout.from_globals {
            from_globals.push((function, edge, timeout));
            continue;
        }
        let limit_seconds = (budget_millis(edge) / 1000.0).floor().max(1.0);
        let range = timeout.written_range;
        if reported.contains(&range) {
            continue;
        }
        reported.push(range);
        let message = format!(
            "`{}` may run {} s, but {} stops waiting after {}: {} while the function keeps running. \
             Lower {} to {} or move the slow work out of the request",
            function.logical_id,
            format_number(timeout.value),
            edge.describe(),
            describe_budget(edge, template.dialect),
            edge.timeout_outcome(),
            template.dialect.spelled("Timeout"),
            format_number(limit_seconds),
        );
        let where_ = if timeout.literal_range != timeout.written_range {
            template.dialect.spelled("the parameter's Default")
        } else {
            template.dialect.spelled("Timeout")
        };
        let fix = Fix {
            safe: false,
            title: format!("Set {where_} to {}", format_number(limit_seconds)),
            edits: vec![Edit::replace(
                timeout.literal_range,
                replace_scalar(
                    ctx.text,
                    timeout.literal_range,
                    &format_number(limit_seconds),
                ),
            )],
        };
        sink.report(range, message).with_fix(Some(fix));
    }
    globals_finding(ctx, &from_globals, sink);
}

/// One finding at `Globals.Function.Timeout` for every API function it makes too slow, listing
/// their routes. The fix sets `Timeout` on those functions: lowering the Globals value would also
/// cut the time of queue, schedule and other functions that need it.
fn globals_finding(
    ctx: &TemplateContext<'_>,
    found: &[(&Resource, &Edge, Number)],
    sink: &mut Sink,
) {
    let Some((_, _, timeout)) = found.first() else {
        return;
    };
    let routes: Vec<String> = found
        .iter()
        .map(|(function, edge, _)| {
            format!(
                "`{}` behind {}, which waits {}",
                function.logical_id,
                edge.describe(),
                describe_budget(edge, ctx.template.dialect)
            )
        })
        .collect();
    // What the callers get, once per kind of API among the routes.
    let mut outcomes: Vec<&str> = Vec::new();
    for (_, edge, _) in found {
        let outcome = match edge.api_kind {
            ApiKind::Rest | ApiKind::Http => "those clients get 504 (Endpoint request timed out)",
            _ => edge.timeout_outcome(),
        };
        if !outcomes.contains(&outcome) {
            outcomes.push(outcome);
        }
    }
    let message = format!(
        "{} lets functions run {} s, but API Gateway stops waiting sooner for {}: \
         {} while the function keeps running. Set a lower {} on these functions or move the \
         slow work out of the request",
        ctx.template.dialect.spelled("Globals.Function.Timeout"),
        format_number(timeout.value),
        routes.join("; "),
        outcomes.join("; "),
        ctx.template.dialect.spelled("Timeout")
    );
    let edits: Option<Vec<Edit>> = found
        .iter()
        .map(|(function, edge, _)| {
            let limit = format_number((budget_millis(edge) / 1000.0).floor().max(1.0));
            insert_property(ctx, function, "Timeout", &limit)
        })
        .collect();
    let fix = edits.map(|edits| Fix {
        safe: false,
        title: format!(
            "Set Timeout on {} (not in Globals)",
            found
                .iter()
                .map(|(function, _, _)| format!("`{}`", function.logical_id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        edits,
    });
    sink.report(timeout.written_range, message).with_fix(fix);
}

/// An edit adding `key: value` as the first entry of a resource's `Properties` mapping, in the
/// file's syntax and indentation; `None` when it has no block (or JSON object) of properties.
fn insert_property(
    ctx: &TemplateContext<'_>,
    resource: &Resource,
    key: &str,
    value: &str,
) -> Option<Edit> {
    let first = resource.properties()?.entries().first()?;
    let at = first.key_range.start;
    let column = column(ctx.text, at);
    let line_start = at - column;
    let before = &ctx.text[line_start..at];
    let new_text = match ctx.template.syntax {
        // A block mapping: the key starts its own line.
        Syntax::Yaml if before.trim().is_empty() => {
            format!("{key}: {value}\n{before}")
        }
        Syntax::Json if first.key_range.slice(ctx.text).starts_with('"') => {
            if before.trim().is_empty() {
                format!("\"{key}\": {value},\n{before}")
            } else {
                format!("\"{key}\": {value}, ")
            }
        }
        _ => return None,
    };
    Some(Edit::insert(at, new_text))
}

/// How long the API waits: `TimeoutInMillis`, capped by what the API type allows.
fn budget_millis(edge: &Edge) -> f64 {
    edge.timeout.millis.min(edge.max_timeout_millis())
}

fn describe_budget(edge: &Edge, dialect: Dialect) -> String {
    let seconds = format_number(budget_millis(edge) / 1000.0);
    match edge.timeout.range {
        Some(_) if edge.timeout.millis <= edge.max_timeout_millis() => {
            format!("{seconds} s ({})", dialect.spelled("TimeoutInMillis"))
        }
        Some(_) => format!("{seconds} s (the most a {} allows)", edge.api_kind.name()),
        None => format!("{seconds} s (the {} default)", edge.api_kind.name()),
    }
}

pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}
