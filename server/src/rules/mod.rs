//! Rules: one file per rule, grouped by category. Each rule file declares a [`Rule`] — its code,
//! name, category, default severity, documentation and check — and the [`REGISTRY`] lists them.
//! Hover, `gatelint rule`, `gatelint explain` and the README's rules table all read [`RuleMeta`].

pub mod authorizer_response;
pub mod config;
mod docs;
pub mod error_handling;
pub mod handler_link;
pub mod permission;
pub mod proxy_response;
mod registry;
mod sink;
pub mod status_mapping;
mod template_edit;
pub mod throttle;
pub mod timeout;

pub use docs::{explain_markdown, reference_markdown, rules_table_markdown, rules_table_text};
pub use registry::{find_rule, REGISTRY};
pub use sink::Sink;

use std::path::PathBuf;

use crate::languages::{ResponseObject, SourceFacts};
use crate::templates::{Graph, Template};
use crate::text::TextRange;

/// How bad a finding is. Follows `shared/AWS-BEHAVIOUR.md`: an error only where AWS fails the
/// request; a warning where the code works by accident or surely not as meant; info otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// The failure a rule prevents; every rule belongs to exactly one (see `shared/CONTRACT.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    ProxyResponse,
    AuthorizerResponse,
    Permission,
    Timeout,
    StatusMapping,
    Throttle,
    ErrorHandling,
    HandlerLink,
    Config,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::ProxyResponse,
        Category::AuthorizerResponse,
        Category::Permission,
        Category::Timeout,
        Category::StatusMapping,
        Category::Throttle,
        Category::ErrorHandling,
        Category::HandlerLink,
        Category::Config,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::ProxyResponse => "proxy-response",
            Category::AuthorizerResponse => "authorizer-response",
            Category::Permission => "permission",
            Category::Timeout => "timeout",
            Category::StatusMapping => "status-mapping",
            Category::Throttle => "throttle",
            Category::ErrorHandling => "error-handling",
            Category::HandlerLink => "handler-link",
            Category::Config => "config",
        }
    }
}

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
}

/// What a whole-file handler rule reads: the file's facts, its text, and the template functions
/// linked to its handlers.
pub struct SourceContext<'a> {
    pub facts: &'a SourceFacts,
    pub text: &'a str,
    pub file: &'a crate::context::FileContext,
}

/// One finding in one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
}

/// A code change that resolves a finding; shared by LSP code actions and `check --fix`.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Whether `gatelint check --fix` may apply it unattended: it keeps the code's meaning except
    /// for the failure it removes. Unsafe fixes (a new permission, another timeout) change what is
    /// deployed, so they are offered only as editor quick fixes, for a person to review.
    pub safe: bool,
}

/// A replacement of a byte range; `path` is `None` for the finding's own file.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub path: Option<PathBuf>,
    pub range: TextRange,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> Self {
        Self {
            path: None,
            range,
            new_text: new_text.into(),
        }
    }

    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        Self::replace(TextRange::empty(at), new_text)
    }
}

/// A place in another file (or this one) that explains a finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub path: PathBuf,
    pub range: TextRange,
    pub message: String,
}
