use crate::findings::{Category, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::functions::LinkProblemKind;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL802",
        name: "code-uri-not-found",
        category: Category::HandlerLink,
        severity: Severity::Error,
        summary: "A function's `CodeUri` names a folder that does not exist next to the template.",
        aws_error: "sam build: Error: CodeUri ... does not exist; deployed by hand: Runtime.ImportModuleError behind a 502",
        why: "`CodeUri` is resolved relative to the template. A folder that does not exist cannot be built or \
              packaged: `sam build` stops, and a package built some other way ships without the handler, so \
              Lambda cannot load it and API Gateway answers 502. Folders a build step creates (`dist`, `build`, \
              `target`, `.aws-sam`, ...) are not flagged.",
        fix: "Point `CodeUri` at the folder that holds the function's code (relative to the template).",
        before: "CodeUri: hello-world/\n# the folder is hello_world/",
        after: "CodeUri: hello_world/",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    for problem in &ctx.file.link_problems {
        if let LinkProblemKind::CodeUriMissing { resolved } = &problem.kind {
            sink.report(
                problem.range,
                format!(
                    "`{}`: CodeUri names `{resolved}`, which does not exist next to the template: the \
                     function cannot be built or packaged with its handler",
                    problem.logical_id
                ),
            );
        }
    }
}
