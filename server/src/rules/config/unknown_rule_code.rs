use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL906",
        name: "unknown-rule-code",
        category: Category::Config,
        severity: Severity::Warning,
        summary: "A suppression names a rule code that gatelint does not have.",
        aws_error: "(none: the suppression silences nothing, so the finding it was meant for is still reported, or a typo hides that)",
        why: "`gatelint: ignore[GL1O6]` (a letter O) matches no rule: the finding it was written for stays, and \
              the typo is easy to miss when reading the code.",
        fix: "Write the code as `gatelint rule` lists it (`GL106`), or the rule's name (`non-string-body`).",
        before: "return {\"statusCode\": 200, \"body\": item}  # gatelint: ignore[GL1O6]",
        after: "return {\"statusCode\": 200, \"body\": item}  # gatelint: ignore[GL106]",
        example_language: "python",
    },
    check: Check::Builtin,
};
