use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL901",
        name: "unreadable-file",
        category: Category::Config,
        severity: Severity::Error,
        summary: "A file gatelint was asked to check could not be read (permissions, not UTF-8, too large).",
        aws_error: "(none: gatelint could not check this file, so what it would have caught is unknown)",
        why: "`gatelint check` never skips an input silently: a file it cannot read is reported, so CI \
              does not pass on a file nobody looked at.",
        fix: "Make the file readable and UTF-8, or exclude it in `gatelint.toml`.",
        before: "$ gatelint check app.py   # app.py is Latin-1 encoded",
        after: "$ iconv -f latin1 -t utf-8 app.py -o app.py && gatelint check app.py",
        example_language: "sh",
    },
    check: Check::Builtin,
};
