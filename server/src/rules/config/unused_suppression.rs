use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL905",
        name: "unused-suppression",
        category: Category::Config,
        severity: Severity::Warning,
        summary: "A `gatelint: ignore[...]` comment or a template's `Metadata: gatelint: ignore` suppresses no finding.",
        aws_error: "(none: the suppression is stale, and would hide a future finding there without anyone deciding to)",
        why: "A suppression outlives the code it was written for: once the response is fixed, the comment stays and \
              silently hides the next real error on that line. Reporting suppressions that match nothing keeps \
              every one of them deliberate.",
        fix: "Delete the suppression, or the code in it that no longer matches a finding; the quick fix (and \
              `check --fix`) does it, keeping the codes that still suppress something. A template's last \
              metadata code is left to you: an empty `ignore` would be a `null`, which CloudFormation rejects. \
              A comment suppresses findings that start on its own line or on the line below it; template \
              metadata suppresses findings inside its resource.",
        before: "# gatelint: ignore[GL106]\nreturn {\"statusCode\": 200, \"body\": json.dumps(item)}",
        after: "return {\"statusCode\": 200, \"body\": json.dumps(item)}",
        example_language: "python",
    },
    check: Check::Builtin,
};
