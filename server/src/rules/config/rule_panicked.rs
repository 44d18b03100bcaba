use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL903",
        name: "internal-error",
        category: Category::Config,
        severity: Severity::Error,
        summary: "A gatelint rule failed on this file; the other rules still ran.",
        aws_error: "(none: this is a bug in gatelint)",
        why: "A rule hit an input it did not expect. gatelint isolates each rule, reports the failure once \
              and keeps checking, so one bug never hides every other finding or stops the server.",
        fix: "Report the file (or a reduced copy) and the message to the gatelint issue tracker; \
              `gatelint: ignore[GL903]` silences it meanwhile.",
        before: "gatelint internal error in GL105: index out of bounds",
        after: "(fixed in the next gatelint release)",
        example_language: "text",
    },
    check: Check::Builtin,
};
