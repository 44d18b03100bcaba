use crate::context::{HandlerContext, ShownFrontDoor};
use crate::findings::{Category, Related, Severity};
use crate::rules::timeout::function_timeout::format_number;
use crate::rules::timeout::reach;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::functions::{FunctionSpec, Invocation};
use crate::templates::graph::{ApiKind, REST_TIMEOUT_MILLIS, WEBSOCKET_TIMEOUT_MILLIS};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL403",
        name: "wait-exceeds-time-budget",
        category: Category::Timeout,
        severity: Severity::Warning,
        summary: "A handler waits a constant time (sleeps, multiplied through constant loops) longer than its time budget.",
        aws_error: "504 {\"message\": \"Endpoint request timed out\"}, or 502 with `Task timed out after N seconds` in the function log",
        why: concat!(
            "A request's real time budget is the smaller of the function's `Timeout` (Lambda stops it: \
              `Task timed out`, and a REST API answers 502, an HTTP API 500) and the integration timeout (API Gateway stops \
              waiting: 504; behind a WebSocket API the caller gets an error message over the socket instead). \
              Without a template gatelint assumes API Gateway's 29 s REST limit for a handler that shows it \
              serves API Gateway (the 29 s WebSocket limit when its code reads a WebSocket event; none for a \
              Netlify Function, which is behind Netlify's proxy). A wait with a constant duration (`time.sleep`/`asyncio.sleep` in \
              Python, an awaited `setTimeout` promise or local `sleep(ms)` helper in Node, `tokio::time::sleep`/\
              `std::thread::sleep` in Rust), repeated by constant-bound loops (`for _ in range(K)`, \
              `for (let i = 0; i < K; i++)`, `for _ in 0..K`), that alone outlasts the budget makes that code path fail \
              every time it runs. Helpers are followed: a wait in a function of the same file that the handler \
              calls by name (`fetch_report(month)`, `await waitForExport(id)`, `settle().await`), directly or \
              through other helpers, counts for the handler, multiplied by the constant loops around the calls \
              on the way. Only calls that surely run before the handler answers are followed: made in the \
              handler's or helper's own body (not in a callback or lambda), awaited when the helper is async, \
              to a name defined once and not rebound. The finding is shown on the wait in the helper, where it \
              is fixed, once, under the tightest budget of the handlers that reach it; the message names the \
              handler and the helpers in between, and a related location points at the handler's call.",
            timeout_doors!()
        ),
        fix: "Wait less (or not at all: retry with a short backoff and a total deadline below the budget), or \
              move the slow work out of the request (queue it and answer 202). Raising `Timeout` only helps up \
              to the integration timeout. When the wait is in a helper, fix it there (every handler that calls \
              the helper gains), or stop calling the helper on the request's path.",
        before: "def lambda_handler(event, context):\n    time.sleep(12)  # Timeout: 8\n    return {\"statusCode\": 200, \"body\": \"done\"}",
        after: "def lambda_handler(event, context):\n    queue.send_message(MessageBody=event[\"body\"])\n    return {\"statusCode\": 202, \"body\": \"accepted\"}",
        example_language: "python",
    },
    check: Check::Source(check),
};

/// A handler's time budget and where it comes from.
pub(crate) struct Budget {
    pub millis: f64,
    pub source: String,
    pub related: Option<Related>,
    /// What happens when it runs out.
    pub outcome: &'static str,
}

/// The time budget of the handler at `index`: the tightest over the template functions that run
/// it, or API Gateway's 29 s when no template links it but the code shows it serves API Gateway.
/// `shown` is the front door the file shows and `other_doors` the handlers answering another
/// front door's keys, each found once for all the file's handlers (filled on first use: finding
/// them reads the whole text, or every response).
pub(crate) fn handler_budget(
    ctx: &SourceContext<'_>,
    index: usize,
    shown: &std::cell::OnceCell<Option<ShownFrontDoor>>,
    other_doors: &std::cell::OnceCell<std::collections::HashSet<crate::languages::FunctionId>>,
) -> Option<Budget> {
    let facts = ctx.facts;
    let handler = facts.functions.get(index)?;
    if !handler.role.is_handler() {
        return None;
    }
    let contexts = ctx
        .file
        .contexts_of(facts, crate::languages::FunctionId(index));
    if contexts.is_empty() {
        // Without a template, only a handler that shows it serves API Gateway has a known budget:
        // a WebSocket route's (29 s, an error message to the caller), else a REST API's. A
        // Netlify Function is behind Netlify's proxy, whose limits are not API Gateway's.
        if ctx.file.test_code {
            // Test code is judged only where a template links it.
            return None;
        }
        handler.api_evidence.as_ref()?;
        // Answers written for a load balancer or CloudFront: no API Gateway limit is assumed.
        if other_doors
            .get_or_init(|| {
                crate::rules::proxy_response::reading::other_front_door_answerers(facts)
            })
            .contains(&crate::languages::FunctionId(index))
        {
            return None;
        }
        match *shown.get_or_init(|| ctx.file.shown_front_door(ctx.text)) {
            // Netlify's proxy has limits of its own; a load balancer waits for the function's
            // own timeout, which no template states here.
            Some(ShownFrontDoor::Netlify | ShownFrontDoor::LoadBalancer) => None,
            Some(ShownFrontDoor::WebSocket) => Some(Budget {
                millis: WEBSOCKET_TIMEOUT_MILLIS,
                source: "API Gateway's 29 s WebSocket integration limit (no template links this \
                         handler)"
                    .into(),
                related: None,
                outcome: ApiKind::WebSocket.timeout_outcome(),
            }),
            None => Some(Budget {
                millis: REST_TIMEOUT_MILLIS,
                source:
                    "API Gateway's 29 s REST integration limit (no template links this handler)"
                        .into(),
                related: None,
                outcome:
                    "if this runs behind a REST API, API Gateway answers 504 (Endpoint request \
                          timed out)",
            }),
        }
    } else {
        tightest_budget(&contexts)
    }
}

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let facts = ctx.facts;
    let budgets = reach::budgets(ctx);
    // Waits in a handler's own body.
    let mut reported = vec![false; facts.waits.len()];
    for (index, budget) in &budgets {
        let handler = &facts.functions[*index];
        for (at, wait) in facts.waits.iter().enumerate() {
            if !(handler.range.start <= wait.range.start && wait.range.end <= handler.range.end) {
                continue;
            }
            if wait.seconds * 1000.0 <= budget.millis {
                continue;
            }
            reported[at] = true;
            let finding = sink.report(
                wait.range,
                format!(
                    "`{}` waits {} s{}, longer than this handler's time budget of {} s ({}): {}",
                    wait.call,
                    format_number(wait.seconds),
                    repeated(wait.repeats),
                    format_number(budget.millis / 1000.0),
                    budget.source,
                    budget.outcome
                ),
            );
            finding.related.extend(budget.related.clone());
        }
    }
    // Waits in the helpers the handlers call: once each, under the tightest budget they break.
    let routes = reach::routes(facts, &budgets);
    for (at, wait) in facts.waits.iter().enumerate() {
        let Some(definition) = wait.function else {
            continue;
        };
        if reported[at] {
            continue;
        }
        let total = |route: &reach::Route<'_>| wait.seconds * route.path.repeats as f64;
        let Some(route) = reach::tightest(&routes, definition, |route| {
            total(route) * 1000.0 > route.budget.millis
        }) else {
            continue;
        };
        let seconds = format_number(total(route));
        let budget = route.budget;
        let finding = sink.report(
            wait.range,
            format!(
                "`{}` waits {seconds} s{}, called from `{}` through {}: longer than that handler's \
                 time budget of {} s ({}): {}",
                wait.call,
                repeated(wait.repeats.saturating_mul(route.path.repeats)),
                route.handler_name(facts),
                route.chain(facts),
                format_number(budget.millis / 1000.0),
                budget.source,
                budget.outcome
            ),
        );
        finding
            .related
            .extend(route.call_site(ctx, &format!("waits {seconds} s")));
        finding.related.extend(budget.related.clone());
    }
}

fn repeated(repeats: u64) -> String {
    if repeats > 1 {
        format!(" ({repeats} times in a loop)")
    } else {
        String::new()
    }
}

/// The smallest budget over the template functions that run this handler.
fn tightest_budget(contexts: &[&HandlerContext]) -> Option<Budget> {
    contexts
        .iter()
        .filter_map(|context| {
            let (millis, decided_by) = context.function.budget()?;
            Some(describe(context, millis, decided_by))
        })
        .min_by(|a, b| a.millis.total_cmp(&b.millis))
}

/// What the client gets when Lambda stops the function at its own timeout: the invocation fails,
/// which a REST API answers with 502 and an HTTP API with 500.
fn function_timeout_outcome(function: &FunctionSpec) -> &'static str {
    let routes = || {
        function
            .invocations
            .iter()
            .filter(|invocation| invocation.authorizer.is_none())
    };
    let rest = routes().any(|invocation| invocation.api_kind == ApiKind::Rest);
    let http = routes().any(|invocation| invocation.api_kind == ApiKind::Http);
    let only = |kind: ApiKind| routes().all(|invocation| invocation.api_kind == kind);
    if routes().next().is_some() && !rest && !http {
        if only(ApiKind::FunctionUrl) {
            return "Lambda stops it (Task timed out) and the function URL answers with an error \
                    (5xx), not the response";
        }
        if only(ApiKind::LoadBalancer) {
            return "Lambda stops it (Task timed out) and the load balancer answers 502 Bad Gateway";
        }
        if only(ApiKind::WebSocket) {
            return "Lambda stops it (Task timed out): the WebSocket caller gets an error message \
                    instead of the route's answer";
        }
        return "Lambda stops it (Task timed out) and each door that invokes it answers with an \
                error instead of the response";
    }
    match (rest, http) {
        (false, true) => "Lambda stops it (Task timed out) and the HTTP API answers 500",
        (true, true) => "Lambda stops it (Task timed out): a REST API answers 502, an HTTP API 500",
        _ => "Lambda stops it (Task timed out) and API Gateway answers 502",
    }
}

fn describe(context: &HandlerContext, millis: f64, decided_by: Option<&Invocation>) -> Budget {
    let template = context.template.file_name().map_or_else(
        || "the template".into(),
        |name| name.to_string_lossy().into_owned(),
    );
    let function = &context.function;
    match decided_by {
        Some(invocation) => Budget {
            millis,
            source: format!(
                "the integration timeout of {} in {}",
                invocation.description,
                context
                    .declared_in(invocation)
                    .file_name()
                    .map_or(template, |name| name.to_string_lossy().into_owned())
            ),
            related: Some(Related {
                path: context.declared_in(invocation).to_path_buf(),
                range: invocation.timeout_range.unwrap_or(invocation.range),
                message: format!(
                    "{} waits at most {} s",
                    invocation.description,
                    format_number(invocation.timeout_millis / 1000.0)
                ),
            }),
            outcome: match invocation.api_kind {
                ApiKind::Rest | ApiKind::Http => {
                    "API Gateway answers 504 (Endpoint request timed out)"
                }
                _ => invocation.timeout_outcome(),
            },
        },
        None => {
            let origin = match (function.timeout_range, function.timeout_from_globals) {
                (Some(_), true) => format!(
                    "{} for {} in {template}",
                    function.dialect.spelled("Globals.Function.Timeout"),
                    function.logical_id
                ),
                (Some(_), false) => format!(
                    "{} of {} in {template}",
                    function.dialect.spelled("Timeout"),
                    function.logical_id
                ),
                (None, _) => format!(
                    "{} for {} in {template}",
                    function.dialect.default_timeout(),
                    function.logical_id
                ),
            };
            Budget {
                millis,
                source: origin,
                related: Some(Related {
                    path: context.template.clone(),
                    range: function.timeout_range.unwrap_or(function.id_range),
                    message: format!(
                        "{} may run {} s",
                        function.logical_id,
                        format_number(function.timeout_seconds)
                    ),
                }),
                outcome: function_timeout_outcome(function),
            }
        }
    }
}
