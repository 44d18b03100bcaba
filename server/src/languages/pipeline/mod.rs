//! The one handler pipeline: what every handler language shares, written once.
//!
//! A language module is a *dialect*: its query files in `grammars/<lang>/` (compiled into one
//! [`QuerySet`](super::query::QuerySet) and run in one pass), the node kinds and names its syntax
//! uses, and a few hooks where the language really differs (Python's `dict(...)`, JavaScript's
//! `callback(null, {...})` and exports, Rust's `json!` token trees and `service_fn`). The dialect
//! turns captures into the model below; this module holds the rules that must not drift between
//! languages:
//!
//! - [`scopes`]: which function, lambda, class or block a node lies in, from captured scope nodes.
//! - [`bindings`]: names bound in scopes, the one lookup rule (innermost binding scope outward to
//!   module level, the last binding that ends before the use), and the one *assignment window*
//!   (`resp["k"] = v` / `resp.update(...)` counts for a returned `resp` when it runs in the same
//!   function body, after the binding and before the use).
//! - [`roles`]: handlers and the helpers they return through, to a fixpoint, numbered in document
//!   order.
//! - [`calls`]: the file's call graph (which named function calls which by a plain name, in its
//!   own body, awaited when async, through constant loops), for following handlers into helpers.
//! - [`values`]: the value kinds both branches of a conditional share, and the one depth limit.
//! - [`endings`]: whether a path through a function body falls off its end (and where).

pub(super) mod bindings;
pub(super) mod calls;
pub(super) mod endings;
pub(super) mod evidence;
pub(super) mod flow;
pub(super) mod roles;
pub(super) mod scopes;
pub(super) mod values;

/// How deep any walk of the pipeline goes (returned values through variables, helpers and
/// conditionals; nested literals; token trees): one limit for every language.
pub(super) const MAX_DEPTH: usize = 12;
