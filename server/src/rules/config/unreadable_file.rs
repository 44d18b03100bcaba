use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL901",
        name: "unreadable-file",
        category: Category::Config,
        severity: Severity::Error,
        summary: "A file or folder gatelint was asked to check could not be read (permissions, not UTF-8, too large, a FIFO or device, a link out of the workspace).",
        aws_error: "(none: gatelint could not check this file, so what it would have caught is unknown)",
        why: "`gatelint check` never skips an input silently: a file it cannot read is reported, so CI \
              does not pass on a file nobody looked at. That covers a file that is not UTF-8, over 16 MiB, \
              unreadable, or not a regular file (a FIFO, a device: named, or met while walking with a checked \
              file's name); a folder that cannot be listed; a name that is not valid UTF-8; an ignore file \
              that is not read (its folder is then checked without its rules); and a handler module a \
              template names that exists but is not read (a link out of the workspace, permission denied), \
              reported on the template's `Handler` instead of as a missing module.",
        fix: "Make the file readable, regular and UTF-8 (a handler inside the workspace rather than linked from outside it), or exclude it in `gatelint.toml`.",
        before: "$ gatelint check app.py   # app.py is Latin-1 encoded",
        after: "$ iconv -f latin1 -t utf-8 app.py -o app.py && gatelint check app.py",
        example_language: "sh",
    },
    check: Check::Builtin,
};
