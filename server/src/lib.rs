//! gatelint: catches Amazon API Gateway ↔ AWS Lambda integration errors in handlers and
//! SAM/CloudFormation templates before deploy. See `ARCHITECTURE.md` for the layout.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod context;
pub mod fixes;
pub mod knowledge;
pub mod languages;
pub mod lsp;
pub mod rules;
pub mod templates;
pub mod text;
pub mod workspace;

/// Where each rule's documentation is published (`docs/rules.md`, generated from the rules).
pub const RULES_DOC_URL: &str = "https://github.com/gatelint/gatelint/blob/main/docs/rules.md";
