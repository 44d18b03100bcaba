//! Rules: one file per rule, grouped by category. Each rule file declares a [`Rule`] — its code,
//! name, category, default severity, documentation and check — and the [`REGISTRY`] lists them.
//! Hover, `gatelint rule`, `gatelint explain` and the README's rules table all read [`RuleMeta`].

/// What each front door's client gets for a response the door cannot read: appended to the
/// `why` of the response rules, so `gatelint rule` pages say it per door.
macro_rules! response_doors {
    () => {
        " Per front door (AWS-BEHAVIOUR, \"Other front doors\"): behind a REST API (payload 1.0) a \
         response API Gateway cannot read is 502 `Malformed Lambda proxy response`; behind an HTTP \
         API, 500 `Internal Server Error` (under payload 2.0 an object without `statusCode` is sent \
         whole as the JSON body); a Lambda function URL reads the 2.0 format too, and a failed \
         invocation is an error (5xx) there; an Application Load Balancer (a target group of \
         `TargetType: lambda`) reads `statusCode`, `statusDescription`, `headers` or \
         `multiValueHeaders` (the latter only when the target group enables \
         `lambda.multi_value_headers.enabled`), `body` (a string) and `isBase64Encoded`, and \
         answers 502 Bad Gateway for a malformed response. A WebSocket route's answer and a \
         streaming integration's (REST `STREAM`, a function URL's `RESPONSE_STREAM`) are not \
         buffered proxy responses and are not judged as one. A handler reached through several \
         doors is judged by the strictest contract among them, and the message names the others."
    };
}

/// What each front door's client gets when the time runs out: appended to the timeout rules.
macro_rules! timeout_doors {
    () => {
        " Per front door: a REST API waits 29 s and an HTTP API at most 30 s, then answers 504 \
         `Endpoint request timed out`; a streaming REST integration may wait up to 15 minutes; a \
         WebSocket API waits 29 s, then the caller gets an error message over the socket (a \
         `$connect` is refused; nobody waits for `$disconnect`, so only the function's own timeout \
         bounds it); a function URL and an Application Load Balancer have no integration timeout: \
         the function's own `Timeout` is the budget, and when Lambda stops the function the URL \
         answers with an error and the load balancer with 502."
    };
}

pub mod authorizer_response;
pub mod config;
mod docs;
pub mod error_handling;
pub mod handler_link;
pub mod permission;
pub mod proxy_response;
mod registry;
mod sink;
pub mod startup;
pub mod status_mapping;
mod template_edit;
pub mod throttle;
pub mod timeout;

pub use crate::findings::{Category, Edit, Finding, Fix, Related, Severity};
pub use docs::{
    explain_markdown, reference_markdown, rules_doc_url, rules_table_markdown, rules_table_text,
    REPOSITORY,
};
pub use registry::{find_rule, REGISTRY};
pub use sink::Sink;

use crate::languages::{ResponseObject, SourceFacts};
use crate::templates::{Graph, Template};

/// A rule's identity and documentation, written once in the rule's own file.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, such as `GL105`.
    pub code: &'static str,
    /// Kebab-case name, such as `non-string-body`.
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// What AWS prints when this fails at run time (a client's response or a log line).
    pub aws_error: &'static str,
    /// Why it fails: what API Gateway or Lambda does with this.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// An example that fails, and the same example fixed; in `example_language`.
    pub before: &'static str,
    pub after: &'static str,
    pub example_language: &'static str,
}

/// A rule: its documentation and its check.
pub struct Rule {
    pub meta: RuleMeta,
    pub check: Check,
}

/// What a rule looks at.
pub enum Check {
    /// Called for each object that becomes a Lambda proxy response.
    Response(fn(&ResponseContext<'_>, &ResponseObject, &mut Sink)),
    /// Called once for each SAM/CloudFormation template.
    Template(fn(&TemplateContext<'_>, &mut Sink)),
    /// Called once for each handler file, with what the workspace knows about it.
    Source(fn(&SourceContext<'_>, &mut Sink)),
    /// Not run by the analysis: findings raised by the analysis itself (unparsable file, a rule
    /// that panicked), documented like any other rule.
    Builtin,
}

/// What a response rule may read about where the response stands: the file's facts and text, and
/// how the object is read (its payload format, certainty and front door; see
/// [`proxy_response::reading`]).
pub struct ResponseContext<'a> {
    pub facts: &'a SourceFacts,
    pub text: &'a str,
    pub reading: &'a proxy_response::reading::Reading,
}

/// What a template rule reads: the model, its integration graph and the text, and what the
/// workspace found linking its functions to code.
pub struct TemplateContext<'a> {
    pub template: &'a Template,
    pub graph: &'a Graph,
    pub text: &'a str,
    pub file: &'a crate::context::FileContext,
    /// The integrations no permission covers, found once for the permission rules that read
    /// them (see [`permission::gaps`]).
    pub permission_gaps: std::cell::OnceCell<permission::Gaps<'a>>,
}

/// What a whole-file handler rule reads: the file's facts, its text, and the template functions
/// linked to its handlers.
pub struct SourceContext<'a> {
    pub facts: &'a SourceFacts,
    pub text: &'a str,
    pub file: &'a crate::context::FileContext,
}
