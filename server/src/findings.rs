//! What the analysis reports: findings, their severity and category, the fixes that resolve them
//! and the places that explain them. Rules produce them; fixes, configuration, the workspace and
//! both adapters read them. A leaf above `text/` (ranges): it imports nothing else of the crate.

use std::path::PathBuf;

use crate::text::TextRange;

/// How bad a finding is. Follows `docs/aws-behaviour.md`: an error only where AWS fails the
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

/// The failure a rule prevents; every rule belongs to exactly one (the category table of the README and `docs/json-output.md`).
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
    Startup,
    Config,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::ProxyResponse,
        Category::AuthorizerResponse,
        Category::Permission,
        Category::Timeout,
        Category::StatusMapping,
        Category::Throttle,
        Category::ErrorHandling,
        Category::HandlerLink,
        Category::Startup,
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
            Category::Startup => "startup",
            Category::Config => "config",
        }
    }
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
