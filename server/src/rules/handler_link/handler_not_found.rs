use crate::findings::{Category, Edit, Fix, Severity};
use crate::rules::{Check, Rule, RuleMeta, Sink, TemplateContext};
use crate::templates::functions::{function_specs, LinkProblemKind, RuntimeFamily};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL801",
        name: "handler-not-found",
        category: Category::HandlerLink,
        severity: Severity::Error,
        summary: "A function's `Handler` names a module file or a function that does not exist in its `CodeUri`.",
        aws_error: "502 {\"message\": \"Internal server error\"} (function log: Runtime.HandlerNotFound: index.handler is undefined or not exported / Runtime.ImportModuleError: Unable to import module 'app')",
        why: "Lambda loads the module named by `Handler` (Python `package/module.function`, Node \
              `path/file.export`) from the deployed `CodeUri` folder and calls the function it names. When the \
              file is missing or does not define (Python) or export (Node) that function, every invocation fails \
              before your code runs, and API Gateway answers 502. gatelint checks the module files the runtime \
              tries (`.py`; `.js`, `.mjs`, `.cjs`, and the `.ts` source for TypeScript), and for esbuild builds \
              the `EntryPoints` the bundle is built from. Inline code (`InlineCode`, `Code.ZipFile`) is saved as \
              `index.py` / `index.js`, so its `Handler` must be `index.<function>`. Runtimes it does not analyse (Java, .NET, Go, Ruby), \
              container images and code built into a folder that is not in the workspace are not checked.",
        fix: "Name an existing function in `Handler`, or rename/export the function in the code. The quick \
              fix (one per function the file has) is offered in the editor only, never by `gatelint check --fix`: \
              which function was meant is a person's call.",
        before: "HelloFunction:\n  Type: AWS::Serverless::Function\n  Properties:\n    CodeUri: hello_world/\n    Handler: app.handler   # app.py defines lambda_handler\n    Runtime: python3.12",
        after: "HelloFunction:\n  Type: AWS::Serverless::Function\n  Properties:\n    CodeUri: hello_world/\n    Handler: app.lambda_handler\n    Runtime: python3.12",
        example_language: "yaml",
    },
    check: Check::Template(check),
};

fn check(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    inline_handlers(ctx, sink);
    for problem in &ctx.file.link_problems {
        match &problem.kind {
            LinkProblemKind::FileMissing { handler, tried } => {
                sink.report(
                    problem.range,
                    format!(
                        "`{}`: {} `{handler}` names a module that does not exist (looked for {}): \
                         every invocation fails with Runtime.ImportModuleError{}",
                        problem.logical_id,
                        ctx.template.dialect.spelled("Handler"),
                        tried.join(", "),
                        consequence(problem.api_invoked)
                    ),
                );
            }
            LinkProblemKind::FunctionMissing {
                function,
                file,
                available,
                function_range,
            } => {
                let offered = if available.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; it has {}",
                        available
                            .iter()
                            .map(|name| format!("`{name}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let finding = sink.report(
                    problem.range,
                    format!(
                        "`{}`: {file} has no `{function}`{offered}: every invocation fails with \
                         Runtime.HandlerNotFound{}",
                        problem.logical_id,
                        consequence(problem.api_invoked)
                    ),
                );
                if let Some(range) = function_range {
                    for name in available {
                        finding.with_fix(Some(Fix {
                            title: format!("Use `{name}` as the handler function"),
                            edits: vec![Edit::replace(*range, name.clone())],
                            // Which function was meant is a person's call.
                            safe: false,
                        }));
                    }
                }
            }
            // The file exists: what is true is that gatelint did not read it (`GL901`).
            LinkProblemKind::CodeUriMissing { .. } | LinkProblemKind::FileNotRead { .. } => {}
        }
    }
}

fn consequence(api_invoked: bool) -> &'static str {
    if api_invoked {
        ", and API Gateway answers 502"
    } else {
        ""
    }
}

/// Inline code (`InlineCode`, `Code.ZipFile`) is saved as `index.py` / `index.js`: a `Handler`
/// naming another module fails every call.
fn inline_handlers(ctx: &TemplateContext<'_>, sink: &mut Sink) {
    let inline = |resource: &crate::templates::Resource| {
        ctx.template
            .effective_property(resource, "InlineCode")
            .is_some()
            || resource
                .property("Code")
                .is_some_and(|code| code.get("ZipFile").is_some())
    };
    if !ctx.template.resources.iter().any(inline) {
        return;
    }
    for spec in function_specs(ctx.template, ctx.graph) {
        let (Some(_), Some(handler)) = (&spec.inline_code, &spec.handler) else {
            continue;
        };
        let file = match spec.family {
            RuntimeFamily::Python => "index.py",
            RuntimeFamily::Node => "index.js",
            RuntimeFamily::Rust | RuntimeFamily::Other => continue,
        };
        let Some((module, function)) = handler.text.rsplit_once('.') else {
            continue;
        };
        if module == "index" {
            continue;
        }
        let finding = sink.report(
            handler.range,
            format!(
                "`{}`: inline code is saved as {file}, but Handler `{}` names module `{module}`: every \
                 invocation fails with Runtime.ImportModuleError{}",
                spec.logical_id,
                handler.text,
                consequence(!spec.invocations.is_empty())
            ),
        );
        // The module's name is where the handler's text starts (quotes aside).
        let written = handler.range.slice(ctx.text);
        if let Some(at) = written.find(handler.text.as_str()) {
            let start = handler.range.start + at;
            finding.with_fix(Some(Fix {
                title: format!("Use `index.{function}` as the handler"),
                edits: vec![Edit::replace(
                    crate::text::TextRange::new(start, start + module.len()),
                    "index".to_owned(),
                )],
                // It changes what is deployed: a person reviews it.
                safe: false,
            }));
        }
    }
}
