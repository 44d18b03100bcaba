use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL902",
        name: "unparsable-file",
        category: Category::Config,
        severity: Severity::Warning,
        summary: "Part of a handler or template has a syntax error, so findings around it may be missing.",
        aws_error: "(the deploy or the runtime fails on the syntax error first: `Runtime.UserCodeSyntaxError`)",
        why: "gatelint reads the file with an error-tolerant parser and still checks what it understands, \
              but the region named here could not be read, so a malformed response inside it would go unseen. \
              Handler code written inline in a template (`InlineCode`, `Code.ZipFile`) with a syntax error is \
              reported as an error at the bad line, with what the parser saw there: Lambda cannot load it, so \
              every call fails. The same inline code in several functions is one finding naming the copies. \
              A template's placeholders (`{{ cookiecutter.x }}`, `{% if %}`) are no syntax errors. \
              Valid code that gatelint's JavaScript and TypeScript grammars do not read (a bare `&` in JSX \
              text or an attribute string, a keyword such as `for` as a JSX attribute name, `/ >` closing \
              a JSX tag, `f<typeof import('m')>()`, import attributes such as `assert { type: \"json\" }`, \
              an escape a tagged template allows) is no syntax error either: it is one `info` per file \
              naming the construct, and the rest of the file is still checked.",
        fix: "Fix the syntax error; the finding disappears with it.",
        before: "def handler(event, context)\n    return {\"statusCode\": 200, \"body\": \"ok\"}",
        after: "def handler(event, context):\n    return {\"statusCode\": 200, \"body\": \"ok\"}",
        example_language: "python",
    },
    check: Check::Builtin,
};
