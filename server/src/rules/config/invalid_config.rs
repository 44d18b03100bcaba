use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL904",
        name: "invalid-config",
        category: Category::Config,
        severity: Severity::Error,
        summary: "`gatelint.toml` has a syntax error, an unknown key, or a value gatelint cannot use (an unknown rule code, severity or glob).",
        aws_error: "(none: gatelint's own configuration is wrong, so it may check more or less than you meant)",
        why: "A mistyped configuration must not pass unnoticed: an `ignore` of a rule code that does not exist \
              silences nothing, and a file gatelint cannot read would otherwise fall back to the defaults \
              without a word. The finding points at the offending key or value; the rest of the file still applies.",
        fix: "Correct the key or value named in the message. Valid keys are `select`, `ignore` (rule codes, \
              rule names or categories), `exclude` (globs relative to the file's folder), \
              `default-integration-timeout` (seconds) and the `[severity]` table (`GL102 = \"error\"`; \
              `error`, `warning`, `info` or `hint`).",
        before: "ignore = [\"GL1O6\"]   # the letter O, not a zero\n[severity]\nGL102 = \"fatal\"",
        after: "ignore = [\"GL106\"]\n[severity]\nGL102 = \"error\"",
        example_language: "toml",
    },
    check: Check::Builtin,
};
