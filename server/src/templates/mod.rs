//! SAM/CloudFormation templates. This module recognises them; the template model (resources,
//! intrinsics, Globals) and the integration graph build on it.

/// Whether a YAML or JSON text is a CloudFormation/SAM template: it declares the template format
/// version, the SAM transform, or a `Resources` map whose entries have an `AWS::` type.
pub fn looks_like_template(text: &str) -> bool {
    // Templates state this near the top; a bounded look keeps detection cheap on huge files.
    let head = &text[..crate::text::floor_char_boundary(text, text.len().min(64 * 1024))];
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

#[cfg(test)]
mod tests {
    use super::looks_like_template;

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
