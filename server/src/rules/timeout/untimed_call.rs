use crate::findings::{Category, Severity};
use crate::rules::timeout::function_timeout::format_number;
use crate::rules::timeout::slow_code::handler_budget;
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
              budget runs out: the smaller of the function's `Timeout` (Lambda stops it: `Task timed out`, 502) \
              and the integration timeout (API Gateway stops waiting: 504; 29 s for a REST API, assumed when no \
              template links the handler; a WebSocket route's caller gets an error message over the socket \
              instead; a Netlify Function has no API Gateway budget and is not reported). The client gets a gateway error instead of the handler's own error \
              response, and the function is billed for the whole wait. (`httpx` has a 5 s default timeout and \
              is not reported.)",
        fix: "Give the call a timeout well below the budget, and answer an error response when it fires.",
        before: "def lambda_handler(event, context):\n    rates = requests.get(RATES_URL).json()\n    return {\"statusCode\": 200, \"body\": json.dumps(rates)}",
        after: "def lambda_handler(event, context):\n    rates = requests.get(RATES_URL, timeout=5).json()\n    return {\"statusCode\": 200, \"body\": json.dumps(rates)}",
        example_language: "python",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    let facts = ctx.facts;
    for (index, handler) in facts.functions.iter().enumerate() {
        let Some(budget) = handler_budget(ctx, index) else {
            continue;
        };
        for call in &facts.untimed_calls {
            if !(handler.range.start <= call.range.start && call.range.end <= handler.range.end) {
                continue;
            }
            let finding = sink.report(
                call.range,
                format!(
                    "`{}` has no timeout: if the server does not answer, this handler waits out its time \
                     budget of {} s ({}) and {}; {}",
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
}
