//! gatelint: catches Amazon API Gateway ↔ AWS Lambda integration errors in handlers and
//! SAM/CloudFormation templates before deploy. See `ARCHITECTURE.md` for the layout.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod context;
pub mod files;
pub mod findings;
pub mod fixes;
pub mod guard;
pub mod knowledge;
pub mod languages;
pub mod lsp;
pub mod reader;
pub mod rules;
pub mod templates;
pub mod text;
pub mod workspace;

pub use rules::{rules_doc_url, REPOSITORY};
