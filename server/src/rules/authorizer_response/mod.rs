//! `authorizer-response`: what a Lambda authorizer returns must be the format its authorizer type
//! reads (a REST policy document, an HTTP API simple response), or API Gateway rejects it with 500.
//!
//! Which functions are authorizers, and of which kind, is decided here once for the three rules:
//! the template says so when one links the handler; without a template, an object that carries an
//! authorizer's keys (`principalId`, `policyDocument`, `isAuthorized`) shows it.

pub mod context_value;
pub mod malformed_policy;
pub mod simple_response;

use crate::findings::Related;
use crate::knowledge::proxy::AUTHORIZER_RESPONSE_MARKERS;
use crate::languages::{Origin, ResponseObject};
use crate::rules::SourceContext;
use crate::templates::functions::AuthorizerKind;
use crate::templates::graph::ApiKind;

/// One object an authorizer answers with, and what the workspace knows about the authorizer.
pub struct Answer<'a> {
    pub object: &'a ResponseObject,
    /// The format the authorizer must answer in; `None` when nothing decides it.
    pub kind: Option<AuthorizerKind>,
    /// Whether the template declares the authorizer (not only the code's shape suggests it).
    pub declared: bool,
    /// Whether a REST API reads it (where `context` values must be scalars), or, without a
    /// template, whether it answers with a policy (the REST format).
    pub policy_context: bool,
    /// The template line declaring the authorizer.
    pub related: Option<Related>,
}

/// The objects authorizer functions of this file return.
pub fn answers<'a>(ctx: &SourceContext<'a>) -> Vec<Answer<'a>> {
    let facts = ctx.facts;
    let mut found = Vec::new();
    for object in &facts.responses {
        let function = match object.origin {
            Origin::Returned { function } | Origin::Callback { function } => function,
            Origin::StatusCodeLiteral => continue,
        };
        let has_marker = object
            .entries
            .iter()
            .any(|entry| AUTHORIZER_RESPONSE_MARKERS.contains(&entry.key.as_str()));
        let contexts = ctx.file.contexts_of(facts, function);
        if contexts.is_empty() {
            if !has_marker {
                continue;
            }
            let simple = object.entry("isAuthorized").is_some();
            let policy =
                object.entry("principalId").is_some() || object.entry("policyDocument").is_some();
            let kind = match (simple, policy) {
                (true, false) => Some(AuthorizerKind::Simple),
                (false, true) => Some(AuthorizerKind::Policy),
                _ => None,
            };
            found.push(Answer {
                object,
                kind,
                declared: false,
                policy_context: kind == Some(AuthorizerKind::Policy),
                related: None,
            });
            continue;
        }
        let invocations: Vec<_> = crate::context::invocations_of(&contexts).collect();
        let authorizers: Vec<_> = invocations
            .iter()
            .filter_map(|(context, invocation)| Some((context, invocation, invocation.authorizer?)))
            .collect();
        let Some((context, first, first_kind)) = authorizers.first() else {
            continue;
        };
        // A function that also serves routes (or other sources) answers those differently: only
        // objects shaped like an authorizer's answer are read as one.
        let only_authorizer = authorizers.len() == invocations.len()
            && contexts
                .iter()
                .all(|context| !context.function.other_sources);
        if !only_authorizer && !has_marker {
            continue;
        }
        let same_kind = authorizers.iter().all(|(_, _, kind)| kind == first_kind);
        found.push(Answer {
            object,
            kind: same_kind.then_some(*first_kind),
            declared: true,
            policy_context: authorizers
                .iter()
                .any(|(_, invocation, _)| invocation.api_kind == ApiKind::Rest),
            related: Some(Related {
                path: context.template.clone(),
                range: first.range,
                message: format!("{} is {}", context.function.logical_id, first.route),
            }),
        });
    }
    found
}
