//! What a file is to gatelint: its kind (a handler language or a template format) from its name
//! and content, the grammar that parses it, and the handler language the rules and fixes see.
//! A leaf: every layer may import it; it imports nothing of the crate.

use std::path::Path;

/// What a file is to gatelint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Python,
    JavaScript,
    TypeScript,
    /// TypeScript with JSX (`.tsx`), which has its own grammar.
    Tsx,
    Rust,
    /// A SAM/CloudFormation template in YAML (`templates/` reads it).
    YamlTemplate,
    /// A SAM/CloudFormation template in JSON.
    JsonTemplate,
    /// A Terraform configuration file (`*.tf`), read as the AWS resources it declares.
    Terraform,
}

/// The language of a handler file, as the rules and fixes see it (TypeScript and TSX are one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Rust,
}

impl FileKind {
    /// Detects a file's kind from its name, and for YAML/JSON from its content: only files that look
    /// like CloudFormation templates are templates; other YAML/JSON is not gatelint's business.
    pub fn detect(path: &Path, text: &str) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        let extension = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase());
        match extension.as_deref() {
            Some("py" | "pyi") => Some(FileKind::Python),
            Some("js" | "mjs" | "cjs" | "jsx") => Some(FileKind::JavaScript),
            Some("ts" | "mts" | "cts") if !name.ends_with(".d.ts") => Some(FileKind::TypeScript),
            Some("tsx") => Some(FileKind::Tsx),
            Some("rs") => Some(FileKind::Rust),
            Some("tf") => Some(FileKind::Terraform),
            Some("yaml" | "yml" | "template")
                if looks_like_template(text) || looks_like_serverless_service(name, text) =>
            {
                Some(FileKind::YamlTemplate)
            }
            Some("json") if looks_like_template(text) => Some(FileKind::JsonTemplate),
            None if text.starts_with("#!") => {
                let first_line = text.lines().next().unwrap_or("");
                if first_line.contains("python") {
                    Some(FileKind::Python)
                } else if first_line.contains("node") {
                    Some(FileKind::JavaScript)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    pub fn tree_sitter_language(self) -> tree_sitter::Language {
        match self {
            FileKind::Python => tree_sitter_python::LANGUAGE.into(),
            FileKind::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            FileKind::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            FileKind::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            FileKind::Rust => tree_sitter_rust::LANGUAGE.into(),
            FileKind::YamlTemplate => tree_sitter_yaml::LANGUAGE.into(),
            FileKind::JsonTemplate => tree_sitter_json::LANGUAGE.into(),
            FileKind::Terraform => tree_sitter_hcl::LANGUAGE.into(),
        }
    }

    /// The handler language of this kind; `None` for templates.
    pub fn language(self) -> Option<Language> {
        match self {
            FileKind::Python => Some(Language::Python),
            FileKind::JavaScript => Some(Language::JavaScript),
            FileKind::TypeScript | FileKind::Tsx => Some(Language::TypeScript),
            FileKind::Rust => Some(Language::Rust),
            FileKind::YamlTemplate | FileKind::JsonTemplate | FileKind::Terraform => None,
        }
    }

    pub fn is_template(self) -> bool {
        matches!(
            self,
            FileKind::YamlTemplate | FileKind::JsonTemplate | FileKind::Terraform
        )
    }
}

impl Language {
    /// The token that starts a line comment, for suppressions and fixture annotations.
    pub fn line_comment(self) -> &'static str {
        match self {
            Language::Python => "#",
            Language::JavaScript | Language::TypeScript | Language::Rust => "//",
        }
    }
}

/// Whether a handler-language file is an AWS CDK stack source: TypeScript/JavaScript importing
/// `aws-cdk-lib` (or a v1 `@aws-cdk/aws-*` module), Python importing `aws_cdk`. Such a file is
/// read both as code in its language and as the stack it declares (`templates::cdk`).
pub fn imports_cdk(kind: FileKind, text: &str) -> bool {
    match kind.language() {
        Some(Language::Python) => text.lines().any(|line| {
            let line = line.trim_start();
            (line.starts_with("from aws_cdk") || line.starts_with("import aws_cdk"))
                && !line.starts_with("from aws_cdk.assertions")
        }),
        Some(Language::JavaScript | Language::TypeScript) => [
            "'aws-cdk-lib",
            "\"aws-cdk-lib",
            "'@aws-cdk/aws-",
            "\"@aws-cdk/aws-",
        ]
        .iter()
        .any(|module| text.contains(module)),
        _ => false,
    }
}

/// Whether a YAML or JSON text is a CloudFormation/SAM template: it declares the template format
/// version, the SAM transform, or a `Resources` map whose entries have an `AWS::` type.
pub fn looks_like_template(text: &str) -> bool {
    // Templates state this near the top; a bounded look keeps detection cheap on huge files.
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    // A Serverless Framework service may hold CloudFormation under `resources`; it is no template.
    if declares_service(head) {
        return false;
    }
    if head.contains("AWSTemplateFormatVersion") || head.contains("AWS::Serverless-2016-10-31") {
        return true;
    }
    let has_resources = head.contains("Resources");
    has_resources
        && (head.contains("Type: AWS::")
            || head.contains("Type: 'AWS::")
            || head.contains("Type: \"AWS::")
            || head.contains("\"Type\": \"AWS::")
            || head.contains("\"Type\":\"AWS::"))
}

/// Whether a file is a Serverless Framework service, read as the stack it deploys: named as the
/// framework looks for it (`serverless.yml`, `serverless.yaml`) and declaring a `service` and a
/// `provider` at the top level.
pub fn looks_like_serverless_service(name: &str, text: &str) -> bool {
    matches!(name, "serverless.yml" | "serverless.yaml") && declares_service(text)
}

/// Whether a YAML text declares a Serverless Framework `service` with a `provider` or
/// `functions` at its top level. Under another name than the framework's it is a fragment or an
/// alternative configuration (copied into place by a script, chosen with `--config`): where its
/// handler paths point from is unknown, so it is read as nothing.
fn declares_service(text: &str) -> bool {
    let top_level = |key: &str| {
        text.lines().any(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        })
    };
    top_level("service") && (top_level("provider") || top_level("functions"))
}

#[cfg(test)]
mod tests {
    use super::{looks_like_serverless_service, looks_like_template};

    #[test]
    fn recognises_serverless_services_by_name_and_keys() {
        let service = "service: orders\nprovider:\n  name: aws\nfunctions: {}\n";
        assert!(looks_like_serverless_service("serverless.yml", service));
        assert!(!looks_like_serverless_service("ci.yml", service));
        assert!(!looks_like_serverless_service(
            "serverless.yml",
            "name: build\non: push\n"
        ));
        // Under another name, a service with CloudFormation `resources` is no template either.
        let fragment =
            format!("{service}resources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n");
        assert!(!looks_like_template(&fragment));
    }

    #[test]
    fn recognises_templates_by_content() {
        assert!(looks_like_template(
            "AWSTemplateFormatVersion: '2010-09-09'\n"
        ));
        assert!(looks_like_template(
            "Transform: AWS::Serverless-2016-10-31\nResources: {}\n"
        ));
        assert!(looks_like_template(
            "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n"
        ));
        assert!(looks_like_template(
            "{\"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\"}}}"
        ));
        assert!(!looks_like_template("name: build\non: push\njobs: {}\n"));
        assert!(!looks_like_template(
            "{\"name\": \"my-package\", \"version\": \"1.0.0\"}"
        ));
    }
}
