//! Which handlers run a helper: the routes from each handler with a time budget, through the
//! calls of the file's call graph (`SourceFacts::calls`), to the helpers it calls. GL403 and
//! GL404 judge a wait or an untimed call made in a helper's own body by these routes, and report
//! it once, in the helper, under the tightest budget that it breaks.

use crate::findings::Related;
use crate::languages::{CallPath, SourceFacts};
use crate::rules::timeout::slow_code::{handler_budget, Budget};
use crate::rules::SourceContext;

/// A handler with a time budget reaching a definition of the file through calls.
pub(crate) struct Route<'a> {
    /// The handler, in `facts.functions`.
    pub handler: usize,
    pub budget: &'a Budget,
    /// The definition reached, in `facts.calls.definitions`.
    pub definition: usize,
    pub path: CallPath,
}

/// The budgets of the file's handlers (index in `facts.functions`, budget).
pub(crate) fn budgets(ctx: &SourceContext<'_>) -> Vec<(usize, Budget)> {
    let (shown, other_doors) = (std::cell::OnceCell::new(), std::cell::OnceCell::new());
    (0..ctx.facts.functions.len())
        .filter_map(|index| Some((index, handler_budget(ctx, index, &shown, &other_doors)?)))
        .collect()
}

/// Every route from a handler with a budget to a definition it calls, directly or through
/// other helpers (each by its shortest path).
pub(crate) fn routes<'a>(facts: &SourceFacts, budgets: &'a [(usize, Budget)]) -> Vec<Route<'a>> {
    let mut routes = Vec::new();
    if facts.calls.calls.is_empty() {
        return routes;
    }
    let by_caller = facts.calls.by_caller();
    for (handler, budget) in budgets {
        let Some(start) = facts.calls.definition_at(facts.functions[*handler].range) else {
            continue;
        };
        for (definition, path) in facts.calls.reached_from_in(&by_caller, start) {
            routes.push(Route {
                handler: *handler,
                budget,
                definition,
                path,
            });
        }
    }
    routes
}

impl Route<'_> {
    /// The helpers the route goes through, for messages: "`fetch_report`", "`load` → `fetch`".
    pub fn chain(&self, facts: &SourceFacts) -> String {
        self.path
            .calls
            .iter()
            .map(|&call| {
                let callee = facts.calls.calls[call].callee;
                format!("`{}`", facts.calls.definitions[callee].name)
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// The handler's name.
    pub fn handler_name<'f>(&self, facts: &'f SourceFacts) -> &'f str {
        &facts.functions[self.handler].name
    }

    /// The handler's call that starts the route, as a related location in this file.
    pub fn call_site(&self, ctx: &SourceContext<'_>, what: &str) -> Option<Related> {
        let path = ctx.file.path.clone()?;
        let facts = ctx.facts;
        let first = &facts.calls.calls[*self.path.calls.first()?];
        Some(Related {
            path,
            range: first.range,
            message: format!(
                "`{}` calls `{}` here, which {what}",
                self.handler_name(facts),
                facts.calls.definitions[first.callee].name
            ),
        })
    }
}

/// The route to `definition` with the tightest budget among those `breaks` accepts (the first
/// handler in document order among equal budgets).
pub(crate) fn tightest<'r, 'a>(
    routes: &'r [Route<'a>],
    definition: usize,
    breaks: impl Fn(&Route<'a>) -> bool,
) -> Option<&'r Route<'a>> {
    routes
        .iter()
        .filter(|route| route.definition == definition && breaks(route))
        .min_by(|a, b| a.budget.millis.total_cmp(&b.budget.millis))
}
