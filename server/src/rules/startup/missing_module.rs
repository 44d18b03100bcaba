use crate::context::{CodePackage, FileContext, HandlerContext};
use crate::files::Language;
use crate::findings::{Category, Edit, Fix, Related, Severity};
use crate::knowledge::manifests::{Declared, Manifest};
use crate::knowledge::runtimes::{self, Shipped};
use crate::languages::Import;
use crate::rules::{Check, Rule, RuleMeta, Sink, SourceContext};
use crate::templates::functions::RuntimeFamily;
use crate::templates::model::Dialect;
use crate::templates::serverless;
use crate::text::TextRange;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "GL1001",
        name: "missing-module",
        category: Category::Startup,
        severity: Severity::Error,
        summary: "A handler imports a package that neither the function's runtime nor its package holds.",
        aws_error: "502 {\"message\": \"Internal server error\"} (REST API) / 500 (HTTP API); function log: Runtime.ImportModuleError: Error: Cannot find module 'aws-sdk' / Unable to import module 'app': No module named 'requests'",
        why: "Lambda loads the handler's module before the first call, and with it every module the file \
              imports at its top level. A module that is in neither the runtime nor the deployment package fails \
              that load: every invocation ends in `Runtime.ImportModuleError`, which API Gateway answers with 502 \
              (REST) or 500 (HTTP API). The Node.js 18 and later runtimes include the AWS SDK for JavaScript v3 \
              (`@aws-sdk/*`) only, so `require('aws-sdk')` (v2), which worked on Node.js 16, fails there; Python \
              runtimes include the standard library, `boto3`, `botocore` and their dependencies only. gatelint \
              reports a top-level import of a file a template links as a function's handler, or of a local \
              module the handler imports (followed inside the code folder: Node `./` and `../` paths, Python \
              modules of the code folder and relative imports, a few modules deep), when the package the import \
              names is declared nowhere the build installs from: for Node, the `dependencies` of a \
              `package.json` between the handler and its code folder (`sam build` runs `npm install \
              --production`, and the Serverless Framework leaves development dependencies out, so a package in \
              `devDependencies` only is missing too), or a `node_modules` folder in the code folder (a package \
              only a declared one depends on counts as installed unless the lockfile beside the manifest, \
              `package-lock.json`, `yarn.lock` or `pnpm-lock.yaml`, or for a workspace member the workspace \
              root's, shows it is not; the root of npm or yarn `workspaces` or of a pnpm workspace above the \
              code folder is not part of the deployed package, so only a package it names is left unknown); \
              for Python, \
              a `requirements.txt` in the code folder (with the packages those distributions bring), or the \
              module vendored or written in the folder. The function's code is read only where it is known: a \
              layer (`Layers`, `Globals`, the framework's `layers`), a container image, an esbuild or makefile \
              build, a Serverless Framework plugin, a `pyproject.toml`/`Pipfile`/`setup.py` (what its build \
              installs is not read) or a manifest above the code folder that names the package, a requirements \
              file that includes others or lists a distribution whose dependencies gatelint does not know, a \
              file that changes `sys.path` or `NODE_PATH`, TypeScript sources (a build compiles them), and \
              imports inside functions, `try` blocks or conditions all leave it unknown: no finding.",
        fix: "For the v2 SDK, use the v3 clients the runtime includes (`@aws-sdk/client-dynamodb` with \
              `@aws-sdk/lib-dynamodb`, `@aws-sdk/client-s3`, ...), or add `aws-sdk` to the `dependencies` of the \
              function's `package.json`. For any other package, declare it where the build installs from: \
              `package.json` `dependencies` in the code folder, or `requirements.txt` in the code folder (or \
              attach a layer that holds it). The quick fix (never applied by `--fix`) adds the Python \
              distribution to `requirements.txt`, and the Node package to the `dependencies` of the code \
              folder's `package.json` when the repository shows its version (the range a `package.json` of \
              the package or above it writes, `devDependencies` included, or the version a lockfile there \
              installs); with no version known there is no fix.",
        before: "// template: Runtime: nodejs20.x, CodeUri: src/ (no package.json)\nconst AWS = require('aws-sdk');\nconst db = new AWS.DynamoDB.DocumentClient();",
        after: "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');\nconst { DynamoDBDocumentClient } = require('@aws-sdk/lib-dynamodb');\nconst db = DynamoDBDocumentClient.from(new DynamoDBClient({}));",
        example_language: "javascript",
    },
    check: Check::Source(check),
};

/// Why an import is missing from one function's package.
enum Missing {
    /// Declared nowhere.
    Undeclared,
    /// Only in the `devDependencies` of this manifest.
    Development(String),
}

fn check(ctx: &SourceContext<'_>, sink: &mut Sink) {
    if !matches!(ctx.facts.language, Language::Python | Language::JavaScript) {
        return;
    }
    // The functions this file is the handler of, then those whose handler imports it.
    let contexts: Vec<&HandlerContext> = ctx
        .file
        .handlers
        .values()
        .flatten()
        .chain(&ctx.file.whole_file)
        .chain(&ctx.file.loaded_by)
        .filter(|context| known_package(context).is_some())
        .collect();
    if contexts.is_empty() {
        return;
    }
    let handler_here = !ctx.file.handlers.is_empty() || !ctx.file.whole_file.is_empty();
    for import in &ctx.facts.imports {
        let mut failing: Vec<(&HandlerContext, Missing)> = Vec::new();
        for context in &contexts {
            if failing
                .iter()
                .any(|(seen, _)| seen.function.logical_id == context.function.logical_id)
            {
                continue;
            }
            let Some(package) = known_package(context) else {
                continue;
            };
            let missing = match context.function.family {
                RuntimeFamily::Node => node_missing(context, package, import),
                RuntimeFamily::Python => python_missing(package, import),
                RuntimeFamily::Rust | RuntimeFamily::Other => None,
            };
            if let Some(missing) = missing {
                failing.push((context, missing));
            }
        }
        // A function whose package holds it serves; the import fails only where every linked
        // function of the same runtime lacks it, which is the common case of one function.
        let distinct = contexts
            .iter()
            .map(|context| &context.function.logical_id)
            .collect::<std::collections::HashSet<_>>()
            .len();
        if failing.len() != distinct {
            continue;
        }
        let Some((first, missing)) = failing.first() else {
            continue;
        };
        report(sink, import, first, missing, failing.len(), !handler_here);
    }
}

/// For a Python package missing from the `requirements.txt` the function's build installs from:
/// its distribution added as a line of that file. Not applied unattended: which version to pin
/// is the author's choice.
fn requirements_fix(context: &HandlerContext, import: &Import) -> Option<Fix> {
    if context.function.family != RuntimeFamily::Python {
        return None;
    }
    let (written, manifest) = context.package.as_ref()?.manifests.first()?;
    let Manifest::Requirements { end, open_line, .. } = manifest else {
        return None;
    };
    let top = import.module.split('.').next()?;
    let distribution = runtimes::python_distributions(top)
        .into_iter()
        .next()
        .unwrap_or_else(|| top.to_owned());
    let path = context.template.parent()?.join(written);
    Some(Fix {
        title: format!("Add `{distribution}` to {written}"),
        edits: vec![Edit {
            path: Some(path),
            range: TextRange::empty(*end),
            new_text: format!("{}{distribution}\n", if *open_line { "\n" } else { "" }),
        }],
        safe: false,
    })
}

/// For a Node package missing from the function's package: the package added to the
/// `dependencies` of the `package.json` in the code folder (what the build installs from), at a
/// version the repository itself shows: the range a manifest of the package or above it writes
/// (its `devDependencies` included), else the version a lockfile there installs. No version
/// known, no fix (the message says what to add). Not applied unattended: adding a dependency is
/// the author's choice.
fn dependency_fix(context: &HandlerContext, name: &str) -> Option<Fix> {
    if context.function.family != RuntimeFamily::Node {
        return None;
    }
    let package = context.package.as_ref()?;
    // The code folder's own `package.json`: the outermost of the package's manifests, when it
    // lies in the code folder itself.
    let (written, manifest) = package.manifests.last()?;
    let folder = std::path::Path::new(&package.folder);
    let in_code_folder = std::path::Path::new(written)
        .parent()
        .is_some_and(|parent| {
            parent == folder || parent.as_os_str().is_empty() && package.folder == "."
        });
    let Manifest::Node {
        insertion: Some(insertion),
        ..
    } = manifest
    else {
        return None;
    };
    if !in_code_folder {
        return None;
    }
    let manifests = package
        .manifests
        .iter()
        .map(|(_, manifest)| manifest)
        .chain(&package.outer);
    let written_range = manifests.clone().find_map(|manifest| match manifest {
        Manifest::Node { versions, .. } => versions.get(name).filter(|v| exact_range(v)),
        _ => None,
    });
    let locked = || {
        manifests.clone().find_map(|manifest| match manifest {
            Manifest::Node {
                locked: Some(lock), ..
            } => lock.versions.get(name).filter(|v| exact_range(v)),
            _ => None,
        })
    };
    let version = written_range.or_else(locked)?;
    let path = context.template.parent()?.join(written);
    Some(Fix {
        title: format!("Add `\"{name}\": \"{version}\"` to the dependencies of {written}"),
        edits: vec![Edit {
            path: Some(path),
            range: TextRange::empty(insertion.offset),
            new_text: insertion.text(name, version),
        }],
        safe: false,
    })
}

/// A version or range npm installs from the registry (`^9.0.1`, `1.2.3`, `~4`), not a path, a
/// URL, a tag or a workspace reference that means nothing in another folder.
fn exact_range(version: &str) -> bool {
    !version.is_empty()
        && version.chars().any(|c| c.is_ascii_digit())
        && version.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '.' | '-' | '+' | '^' | '~' | '>' | '<' | '=' | ' ' | '|' | '*'
                )
        })
}

/// What the runtimes and packages of the functions a file runs in say about one of its imports,
/// as markdown (the editor's hover over the import): one line per runtime and function, `None`
/// when the file runs in no function gatelint knows, or the import is local or unknown to it.
pub fn describe_import(file: &FileContext, import: &Import) -> Option<String> {
    let contexts: Vec<&HandlerContext> = file
        .handlers
        .values()
        .flatten()
        .chain(&file.whole_file)
        .chain(&file.loaded_by)
        .collect();
    let mut lines: Vec<String> = Vec::new();
    let mut heading = None;
    for context in contexts {
        let function = &context.function;
        let Some(runtime) = function
            .runtime
            .as_ref()
            .map(|runtime| runtime.text.as_str())
        else {
            continue;
        };
        let (name, shipped, missing) = match function.family {
            RuntimeFamily::Node => {
                let Some(name) = runtimes::node_package(&import.module) else {
                    continue;
                };
                let Some(major) = runtimes::node_major(runtime) else {
                    continue;
                };
                let missing = known_package(context)
                    .map(|package| node_missing(context, package, import).is_some());
                (name, runtimes::node_ships(major, name), missing)
            }
            RuntimeFamily::Python => {
                let Some(top) = import
                    .module
                    .split('.')
                    .next()
                    .filter(|top| !top.is_empty())
                else {
                    continue;
                };
                let missing =
                    known_package(context).map(|package| python_missing(package, import).is_some());
                (top, runtimes::python_ships(top), missing)
            }
            RuntimeFamily::Rust | RuntimeFamily::Other => continue,
        };
        heading.get_or_insert_with(|| format!("**`{name}`**"));
        let what = match (shipped, missing) {
            (Shipped::Yes, _) => "included in the runtime".to_owned(),
            (Shipped::Unknown, _) => continue,
            (Shipped::No, Some(true)) => "not in the runtime, and the function's package does \
                 not hold it: the function cannot start (GL1001)"
                .to_owned(),
            (Shipped::No, Some(false)) => "not in the runtime: the function's package holds it \
                 (declared, vendored, or installed with another dependency)"
                .to_owned(),
            (Shipped::No, None) => "not in the runtime: it must come with the function's \
                 package, which gatelint cannot see whole (a layer, an image or a build)"
                .to_owned(),
        };
        let line = format!("- `{}` on `{runtime}`: {what}", function.logical_id);
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    let heading = heading?;
    (!lines.is_empty()).then(|| {
        format!(
            "{heading} when the function loads this file:\n\n{}",
            lines.join("\n")
        )
    })
}

/// The package of a function whose contents gatelint can know: no layer, no image, no build it
/// cannot see through.
fn known_package(context: &HandlerContext) -> Option<&CodePackage> {
    let function = &context.function;
    if function.layers || function.image || function.code_elsewhere {
        return None;
    }
    let plain_build = match function.build_method.as_deref() {
        None => true,
        Some(method) => {
            method != serverless::PLUGIN_BUILD
                && (method.starts_with("python") || method.starts_with("nodejs"))
        }
    };
    plain_build.then_some(context.package.as_ref()?)
}

fn node_missing(
    context: &HandlerContext,
    package: &CodePackage,
    import: &Import,
) -> Option<Missing> {
    let name = runtimes::node_package(&import.module)?;
    let major = runtimes::node_major(&context.function.runtime.as_ref()?.text)?;
    if runtimes::node_ships(major, name) != Shipped::No || package.present.contains(name) {
        return None;
    }
    let mut development = None;
    for (written, manifest) in &package.manifests {
        // npm installs what the declared dependencies depend on too, hoisted to the package's
        // top `node_modules` where `require` finds it: with any dependency declared, an
        // undeclared package may be installed all the same. The lockfile beside the manifest
        // says what the install puts there.
        if let Manifest::Node {
            installed, locked, ..
        } = manifest
        {
            if !installed.is_empty() && manifest.declares_package(name) != Declared::Yes {
                match locked.as_ref().map(|lock| lock.packages.get(name)) {
                    // Not in the lockfile: the install does not put it there.
                    Some(None) => {}
                    // Needed by development dependencies only: a production install leaves
                    // it out.
                    Some(Some(Some(true))) if context.function.sam => {
                        development.get_or_insert_with(|| written.clone());
                        continue;
                    }
                    _ => return None,
                }
            }
        }
        match manifest.declares_package(name) {
            Declared::No => {}
            Declared::Development if context.function.sam => {
                development.get_or_insert_with(|| written.clone());
            }
            Declared::Yes | Declared::Development | Declared::Unknown => return None,
        }
    }
    if package
        .outer
        .iter()
        .any(|manifest| manifest.names_package_outside(name) != Declared::No)
    {
        return None;
    }
    Some(development.map_or(Missing::Undeclared, Missing::Development))
}

fn python_missing(package: &CodePackage, import: &Import) -> Option<Missing> {
    let top = import.module.split('.').next()?;
    if top.is_empty() || runtimes::python_ships(top) != Shipped::No || package.present.contains(top)
    {
        return None;
    }
    let distributions = runtimes::python_distributions(top);
    let mut listed = Vec::new();
    for (_, manifest) in &package.manifests {
        if manifest.declares_distribution(&distributions) != Declared::No {
            return None;
        }
        if let Manifest::Requirements { distributions, .. } = manifest {
            listed.extend(distributions.iter().cloned());
        }
    }
    if package
        .outer
        .iter()
        .any(|manifest| manifest.declares_distribution(&distributions) != Declared::No)
    {
        return None;
    }
    // What the listed distributions bring with them: unknown for most, then so is the import.
    let installed = runtimes::python_installed(&listed)?;
    (!installed.contains(&top)).then_some(Missing::Undeclared)
}

fn report(
    sink: &mut Sink,
    import: &Import,
    context: &HandlerContext,
    missing: &Missing,
    functions: usize,
    imported: bool,
) {
    let loaded = if imported {
        " (this module is imported by its handler)"
    } else {
        ""
    };
    let function = &context.function;
    let runtime = function
        .runtime
        .as_ref()
        .map_or("its runtime", |runtime| runtime.text.as_str());
    let package = context.package.as_ref();
    let folder = package
        .map(|package| package.folder.as_str())
        .filter(|folder| !folder.is_empty())
        .unwrap_or(".");
    let others = match functions {
        1 => String::new(),
        2 => ", nor does the other function's running this file".to_owned(),
        more => format!(
            ", nor do the {} other functions' running this file",
            more - 1
        ),
    };
    let consequence = function.call_failure();
    let message = match function.family {
        RuntimeFamily::Node => {
            let name = runtimes::node_package(&import.module).unwrap_or(&import.module);
            let (what, advice) = if name == "aws-sdk" {
                let client = runtimes::v3_client(&import.module).map_or_else(
                    || {
                        "the v3 clients it includes (`@aws-sdk/client-<service>`, e.g. \
                         `@aws-sdk/client-dynamodb` with `@aws-sdk/lib-dynamodb`)"
                            .to_owned()
                    },
                    |client| format!("`{client}`, which it includes"),
                );
                (
                    format!(
                        "`aws-sdk` (the AWS SDK for JavaScript v2) is not in the {runtime} runtime, \
                         which includes v3 (`@aws-sdk/*`) only"
                    ),
                    format!(". Use {client}, or add `aws-sdk` to `dependencies`"),
                )
            } else {
                (
                    format!("`{name}` is not in the {runtime} runtime"),
                    format!(
                        ". Add `{name}` to the `dependencies` of the function's `package.json`"
                    ),
                )
            };
            let nothing = match missing {
                Missing::Development(manifest) => format!(
                    "`{manifest}` lists it in `devDependencies` only, which `sam build` and the \
                     Serverless Framework leave out"
                ),
                Missing::Undeclared => match package.map(|package| package.manifests.first()) {
                    Some(Some((manifest, _))) => {
                        format!("`{manifest}` does not declare it")
                    }
                    _ if folder == "inline code" => "inline code has no packages".to_owned(),
                    _ => format!("no `package.json` in `{folder}` installs it"),
                },
            };
            format!(
                "{what}, and {}'s package does not hold it ({nothing}){others}{loaded}: {consequence} \
                 with Runtime.ImportModuleError: Error: Cannot find module '{name}'{advice}",
                function.logical_id
            )
        }
        _ => {
            let top = import.module.split('.').next().unwrap_or(&import.module);
            let nothing = match package.map(|package| package.manifests.first()) {
                Some(Some((manifest, _))) => format!("`{manifest}` does not declare it"),
                _ if folder == "inline code" => "inline code has no packages".to_owned(),
                _ => format!("no `requirements.txt` in `{folder}`, not vendored there"),
            };
            let distribution = runtimes::python_distributions(top)
                .into_iter()
                .next()
                .unwrap_or_else(|| top.to_owned());
            format!(
                "`{top}` is not in the {runtime} runtime (the standard library, boto3 and botocore \
                 only), and {}'s package does not hold it ({nothing}){others}{loaded}: {consequence} with \
                 Runtime.ImportModuleError: No module named '{top}'. Add `{distribution}` to \
                 `requirements.txt` in the code folder{}",
                function.logical_id,
                if function.dialect == Dialect::ServerlessFramework {
                    " (the serverless-python-requirements plugin installs it)"
                } else {
                    ""
                }
            )
        }
    };
    let finding = sink.report(import.range, message);
    if let Some(fix) = requirements_fix(context, import) {
        finding.fixes.push(fix);
    }
    let node_package = runtimes::node_package(&import.module);
    if let Some(fix) = node_package.and_then(|name| dependency_fix(context, name)) {
        finding.fixes.push(fix);
    }
    if let Some(runtime) = &function.runtime {
        if !context.template.as_os_str().is_empty() {
            finding.related.push(Related {
                path: context.template.clone(),
                range: runtime.range,
                message: format!("{} runs on {}", function.logical_id, runtime.text),
            });
        }
    }
}
