use crate::context::HandlerContext;
use crate::files::Language;
use crate::findings::{Category, Related, Severity};
use crate::knowledge::manifests::Manifest;
use crate::knowledge::runtimes;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::functions::RuntimeFamily;
use crate::templates::serverless;

/// The newest Node.js runtime that loads every `.js` file outside a `"type": "module"` package as
/// CommonJS. Node.js 20.19 and 22.12 detect ES module syntax in such files and load them as ES
/// modules, so on nodejs20.x and later the runtime decides by itself.
const LAST_COMMONJS_ONLY: u32 = 18;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL1002",
        name: "es-module-in-commonjs",
        category: Category::Startup,
        severity: Severity::Error,
        summary: "A `.js` handler written as an ES module runs on a Node.js runtime that loads it as CommonJS.",
        aws_error: "502 {\"message\": \"Internal server error\"} (REST API) / 500 (HTTP API); function log: Runtime.UserCodeSyntaxError: SyntaxError: Cannot use import statement outside a module (or: Unexpected token 'export')",
        why: "Lambda's Node.js runtime treats a `.js` handler as CommonJS unless the nearest `package.json` \
              deployed with it says `\"type\": \"module\"`; only `.mjs` files are always ES modules. On \
              nodejs18.x and older, Node.js parses such a file as CommonJS, and a top-level `import` or \
              `export` is a syntax error: the function never loads and every call fails. gatelint reports the \
              first `import`/`export` statement of a `.js` file a template links as a handler of a function on \
              nodejs18.x or older when no `package.json` in the code folder (between the handler and its \
              `CodeUri`) declares `\"type\": \"module\"`. Node.js 20.19 and 22.12 and later detect ES module \
              syntax in such files and load them as ES modules, so nodejs20.x and later runtimes are not \
              reported. A `package.json` with `\"type\": \"module\"` above the code folder (not deployed, but \
              a build gatelint does not see may copy it), a container image, an esbuild or makefile build and \
              TypeScript sources leave it unknown: no finding.",
        fix: "Rename the file to `.mjs` (the `Handler` stays the same: the runtime tries `.mjs` too), add \
              `\"type\": \"module\"` to the `package.json` in the code folder, or move to nodejs20.x or later.",
        before: "// template: Runtime: nodejs18.x, CodeUri: src/ (no package.json); src/app.js:\nexport const handler = async () => ({ statusCode: 200, body: \"ok\" });",
        after: "// src/app.js, CommonJS:\nexports.handler = async () => ({ statusCode: 200, body: \"ok\" });",
        example_language: "javascript",
    },
    check: Check::Source(check),
};

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    if ctx.facts.language != Language::JavaScript {
        return;
    }
    let Some(statement) = ctx.facts.module_syntax else {
        return;
    };
    let plain_js = ctx
        .file
        .path
        .as_ref()
        .and_then(|path| path.extension())
        .is_some_and(|extension| extension == "js");
    if !plain_js {
        return;
    }
    let contexts: Vec<&HandlerContext> = ctx
        .file
        .handlers
        .values()
        .flatten()
        .chain(&ctx.file.whole_file)
        .collect();
    // Every function running the file must load it as CommonJS.
    let Some(first) = contexts.first() else {
        return;
    };
    if !contexts.iter().all(|context| loads_as_commonjs(context)) {
        return;
    }
    let function = &first.function;
    let Some(runtime) = &function.runtime else {
        return;
    };
    let consequence = function.call_failure();
    let package_json = first
        .package
        .as_ref()
        .and_then(|package| package.manifests.first())
        .map_or_else(
            || "no `package.json` in the code folder".to_owned(),
            |(written, _)| format!("`{written}` has no `\"type\": \"module\"`"),
        );
    let error = if statement.slice(ctx.text) == "export" {
        "Unexpected token 'export'"
    } else {
        "Cannot use import statement outside a module"
    };
    let finding = sink.report(
        statement,
        format!(
            "This file is an ES module, but {} runs it on {}, which loads a `.js` file as CommonJS \
             ({package_json}): {consequence} with Runtime.UserCodeSyntaxError (SyntaxError: \
             {error}). Rename it to `.mjs`, or add `\"type\": \"module\"` to the code folder's \
             `package.json`",
            function.logical_id, runtime.text
        ),
    );
    if !first.template.as_os_str().is_empty() {
        finding.related.push(Related {
            path: first.template.clone(),
            range: runtime.range,
            message: format!("{} runs on {}", function.logical_id, runtime.text),
        });
    }
}

/// Whether the function surely loads a `.js` handler as CommonJS: a Node.js runtime without
/// module syntax detection, its code as written (no image, no bundler or build), the nearest
/// `package.json` in the code folder (if any) without `"type": "module"`, and none with it above.
fn loads_as_commonjs(context: &HandlerContext) -> bool {
    let function = &context.function;
    if function.family != RuntimeFamily::Node || function.image || function.code_elsewhere {
        return false;
    }
    let plain_build = match function.build_method.as_deref() {
        None => true,
        Some(method) => method != serverless::PLUGIN_BUILD && method.starts_with("nodejs"),
    };
    let old_runtime = function
        .runtime
        .as_ref()
        .and_then(|runtime| runtimes::node_major(&runtime.text))
        .is_some_and(|major| major <= LAST_COMMONJS_ONLY);
    let Some(package) = &context.package else {
        return false;
    };
    // The nearest `package.json` decides, with its `type` or without one (CommonJS).
    let nearest = package.manifests.first().map(|(_, manifest)| manifest);
    let commonjs_inside = match nearest {
        None => true,
        Some(Manifest::Node {
            module_type,
            opaque,
            ..
        }) => match module_type.as_deref() {
            Some(kind) => kind == "commonjs",
            // An unreadable one may say anything.
            None => !*opaque,
        },
        Some(_) => false,
    };
    let module_outside = package.outer.iter().any(|manifest| {
        matches!(manifest, Manifest::Node { module_type, .. } if module_type.as_deref() != Some("commonjs") && module_type.is_some())
    });
    plain_build && old_runtime && commonjs_inside && !module_outside
}
