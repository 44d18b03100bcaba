use crate::findings::{Category, Severity};
use crate::rules::timeout::function_timeout::format_number;
use crate::rules::timeout::reach;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL404",
        name: "http-call-without-timeout",
        category: Category::Timeout,
        severity: Severity::Warning,
        summary: "A handler behind an API makes an HTTP call with no timeout (`requests` without `timeout=`, `urlopen` without a timeout, `fetch` without an abort signal, `axios` without `timeout`).",
        aws_error: "504 {\"message\": \"Endpoint request timed out\"}, or 502 with `Task timed out after N seconds` in the function log",
        why: "`requests`, `urllib`'s `urlopen`, Node's `fetch` and `axios` wait for a server forever unless told \
              otherwise. When the server behind such a call hangs, the handler hangs with it until its time \
              budget runs out: the smaller of the function's `Timeout` (Lambda stops it: `Task timed out`; 502 from a REST API, 500 from an HTTP API) \
              and the integration timeout (API Gateway stops waiting: 504; 29 s for a REST API, assumed when no \
              template links the handler; a WebSocket route's caller gets an error message over the socket \
              instead; a Netlify Function has no API Gateway budget and is not reported). The client gets a gateway error instead of the handler's own error \
              response, and the function is billed for the whole wait. (`httpx` has a 5 s default timeout and \
              is not reported; nor is a call to `localhost`, which in Lambda is the function's own execution \
              environment: the AppConfig agent or the Parameters and Secrets extension, not a remote server.) Helpers are followed: a call in a function of the same file that the handler \
              calls by name, directly or through other helpers, counts for the handler when the call surely \
              runs before the handler answers (in the caller's own body, not in a callback; awaited when the \
              helper is async; the name defined once and not rebound). It is reported once, on the call in the \
              helper (where the timeout is added), under the tightest budget of the handlers that reach it, \
              naming the handler and the helpers in between, with a related location at the handler's call.",
        fix: "Give the call a timeout well below the budget, and answer an error response when it fires. \
              In a helper, give it there: every handler that calls the helper is then bounded.",
        before: "def lambda_handler(event, context):\n    rates = requests.get(RATES_URL).json()\n    return {\"statusCode\": 200, \"body\": json.dumps(rates)}",
        after: "def lambda_handler(event, context):\n    rates = requests.get(RATES_URL, timeout=5).json()\n    return {\"statusCode\": 200, \"body\": json.dumps(rates)}",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let facts = ctx.facts;
    let budgets = reach::budgets(ctx);
    // Calls in a handler's own body.
    let mut reported = vec![false; facts.untimed_calls.len()];
    for (index, budget) in &budgets {
        let handler = &facts.functions[*index];
        for (at, call) in facts.untimed_calls.iter().enumerate() {
            if !(handler.range.start <= call.range.start && call.range.end <= handler.range.end) {
                continue;
            }
            reported[at] = true;
            let finding = sink.report(
                call.range,
                format!(
                    "`{}` has no timeout: if the server does not answer, this handler waits out its time \
                     budget of {} s ({}): {}; {}",
                    call.callee,
                    format_number(budget.millis / 1000.0),
                    budget.source,
                    budget.outcome,
                    call.remedy
                ),
            );
            finding.related.extend(budget.related.clone());
        }
    }
    // Calls in the helpers the handlers call: once each, under the tightest budget.
    let routes = reach::routes(facts, &budgets);
    for (at, call) in facts.untimed_calls.iter().enumerate() {
        let Some(definition) = call.function else {
            continue;
        };
        if reported[at] {
            continue;
        }
        let Some(route) = reach::tightest(&routes, definition, |_| true) else {
            continue;
        };
        let budget = route.budget;
        let finding = sink.report(
            call.range,
            format!(
                "`{}` has no timeout (called from `{}` through {}): if the server does not answer, \
                 that handler waits out its time budget of {} s ({}): {}; {}",
                call.callee,
                route.handler_name(facts),
                route.chain(facts),
                format_number(budget.millis / 1000.0),
                budget.source,
                budget.outcome,
                call.remedy
            ),
        );
        finding.related.extend(route.call_site(
            ctx,
            &format!("makes a `{}` call with no timeout", call.callee),
        ));
        finding.related.extend(budget.related.clone());
    }
}
