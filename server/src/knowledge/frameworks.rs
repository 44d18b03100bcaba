//! Frameworks that stand between a Lambda handler and API Gateway: they build the proxy response
//! from what route handlers return (serialising objects into the `body`), and many turn exceptions
//! into error responses. A file that uses one is not judged as if its objects were proxy responses
//! or its exceptions reached API Gateway. One list, read by the proxy-response and error-handling
//! rules.

/// The language a framework is imported from, which decides how its import is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ecosystem {
    /// `import module` / `from module import ...` (a dotted prefix also matches).
    Python,
    /// `require('module')` / `from 'module'` (a `module/sub` path also matches).
    Node,
    /// `use module::...` / `module::...`.
    Rust,
}

/// A framework that writes the proxy response itself.
#[derive(Debug)]
pub struct Framework {
    /// What messages and documentation call it.
    pub name: &'static str,
    pub ecosystem: Ecosystem,
    /// The module names whose import shows the framework is used.
    pub modules: &'static [&'static str],
    /// Whether it serialises what a route handler returns into the response (an object is a
    /// body, not a malformed proxy response).
    pub serialises_responses: bool,
    /// Whether exceptions raised in route handlers may become error responses (the framework's
    /// error handling, or middleware it is commonly composed with) rather than function errors.
    pub maps_errors: bool,
}

pub const FRAMEWORKS: &[Framework] = &[
    Framework {
        name: "Powertools for AWS Lambda event handler",
        ecosystem: Ecosystem::Python,
        modules: &["aws_lambda_powertools.event_handler"],
        serialises_responses: true,
        maps_errors: true,
    },
    Framework {
        name: "Chalice",
        ecosystem: Ecosystem::Python,
        modules: &["chalice"],
        serialises_responses: true,
        maps_errors: true,
    },
    Framework {
        name: "Mangum (ASGI: FastAPI, Starlette)",
        ecosystem: Ecosystem::Python,
        modules: &["mangum"],
        serialises_responses: true,
        maps_errors: true,
    },
    Framework {
        name: "aws-wsgi / awsgi (WSGI: Flask, Django)",
        ecosystem: Ecosystem::Python,
        modules: &["awsgi", "aws_wsgi", "apig_wsgi", "serverless_wsgi"],
        serialises_responses: true,
        maps_errors: true,
    },
    Framework {
        name: "Powertools for AWS Lambda (TypeScript) event handler",
        ecosystem: Ecosystem::Node,
        modules: &["@aws-lambda-powertools/event-handler"],
        serialises_responses: true,
        maps_errors: true,
    },
    Framework {
        name: "serverless-http / serverless-express (Express, Koa, Fastify)",
        ecosystem: Ecosystem::Node,
        modules: &[
            "serverless-http",
            "@vendia/serverless-express",
            "@codegenie/serverless-express",
            "aws-serverless-express",
            "express",
            "koa",
            "fastify",
            "@fastify/aws-lambda",
            "aws-lambda-fastify",
            "@hono/aws-lambda",
            "hono/aws-lambda",
        ],
        serialises_responses: true,
        maps_errors: true,
    },
    Framework {
        name: "middy's response serializer",
        ecosystem: Ecosystem::Node,
        modules: &["@middy/http-response-serializer"],
        serialises_responses: true,
        maps_errors: false,
    },
    Framework {
        // middy's error handler turns thrown errors into responses; middy itself may be composed
        // with it (or another error middleware) elsewhere, which a file does not show.
        name: "middy",
        ecosystem: Ecosystem::Node,
        modules: &["@middy/core", "middy", "@middy/http-error-handler"],
        serialises_responses: false,
        maps_errors: true,
    },
    Framework {
        // `http-errors` (`createError(404, ...)`, also re-exported by `@middy/util`) exists to be
        // thrown for an error middleware to turn into a response.
        name: "http-errors",
        ecosystem: Ecosystem::Node,
        modules: &["http-errors", "@middy/util"],
        serialises_responses: false,
        maps_errors: true,
    },
    Framework {
        // `lambda_http` turns what a handler returns (`IntoResponse`: a `serde_json::Value`, a
        // string, a `Response`) into a well-formed response; its handlers' errors still fail the
        // invocation. The Rust extractor already reads which functions it runs.
        name: "lambda_http",
        ecosystem: Ecosystem::Rust,
        modules: &["lambda_http"],
        serialises_responses: false,
        maps_errors: false,
    },
];

/// Node libraries whose handler wrapper (`middy(base)`, `datadog(base)`, `lumigo.trace(base)`,
/// `Sentry.wrapHandler(base)`) returns a handler that answers with what the wrapped function
/// returns: the wrapped function is read as the handler. Any other call around a function (a
/// project's own `handler(lambda)` that builds the proxy response from the function's data) is
/// unknown: the function passed to it is not the handler, and what it returns is no response.
pub const TRANSPARENT_WRAPPER_MODULES: &[&str] = &[
    "@middy/core",
    "middy",
    "datadog-lambda-js",
    "@lumigo/tracer",
    "@sentry/serverless",
    "@sentry/aws-serverless",
    "epsagon",
];

/// The Node.js managed runtimes' wrapper for a handler that streams its response: the global
/// `awslambda.streamifyResponse(handler)`, also destructured (`const { streamifyResponse } =
/// awslambda`) or imported from a package that provides it outside Lambda (`lambda-stream`).
pub const STREAMIFY_RESPONSE: &str = "streamifyResponse";

/// Whether a Node source file sets Middy to its streaming execution mode (Middy 5's
/// `executionModeStreamifyResponse`, Middy 4's `streamifyResponse: true` option): its Middy
/// handler is wrapped in `awslambda.streamifyResponse` by Middy itself.
pub fn middy_streams(text: &str) -> bool {
    text.contains("executionModeStreamifyResponse")
        || text.match_indices("streamifyResponse").any(|(at, name)| {
            text[at + name.len()..]
                .trim_start()
                .strip_prefix(':')
                .is_some_and(|rest| rest.trim_start().starts_with("true"))
        })
}

/// middy's own middlewares that leave the handler's response as it is (they parse the event,
/// fetch parameters, log, or add headers): a middy handler using only these (and the response
/// serializer and error handler above) answers with what the wrapped function returns. Any other
/// middleware (a project's own with an `after` or `onError`) may replace `request.response`.
pub const RESPONSE_PRESERVING_MIDDY_MIDDLEWARES: &[&str] = &[
    "@middy/http-json-body-parser",
    "@middy/http-urlencode-body-parser",
    "@middy/http-multipart-body-parser",
    "@middy/http-event-normalizer",
    "@middy/http-header-normalizer",
    "@middy/http-cors",
    "@middy/http-security-headers",
    "@middy/http-content-negotiation",
    "@middy/http-error-handler",
    "@middy/http-response-serializer",
    "@middy/validator",
    "@middy/ssm",
    "@middy/secrets-manager",
    "@middy/sts",
    "@middy/rds-signer",
    "@middy/warmup",
    "@middy/input-output-logger",
    "@middy/error-logger",
    "@middy/do-not-wait-for-empty-event-loop",
    "@middy/sqs-json-body-parser",
    "@middy/event-normalizer",
    "@middy/cloudwatch-metrics",
    "@middy/http-partial-response",
];

/// Whether `name` (the first identifier of a wrapper call: `middy`, `Sentry`) is bound by an
/// import of a transparent wrapper library in `text` (a Node source file): `import middy from
/// '@middy/core'`, `const { datadog } = require('datadog-lambda-js')`, `import * as Sentry from
/// '@sentry/serverless'`.
pub fn is_transparent_wrapper(text: &str, name: &str) -> bool {
    is_imported_from(text, name, TRANSPARENT_WRAPPER_MODULES)
}

/// Whether every middleware a Node source file applies with `.use(...)` is one of middy's that
/// leave the response alone (see [`RESPONSE_PRESERVING_MIDDY_MIDDLEWARES`]): `.use(cors())`,
/// `.use(jsonBodyParser())`. A middleware written in the project, an object literal, a list or
/// anything else gatelint cannot name makes the answer of a middy handler in the file unknown.
pub fn middy_middlewares_preserve_response(text: &str) -> bool {
    text.match_indices(".use(").all(|(at, call)| {
        let argument = text[at + call.len()..].trim_start();
        let name: String = argument
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            .collect();
        !name.is_empty() && is_imported_from(text, &name, RESPONSE_PRESERVING_MIDDY_MIDDLEWARES)
    })
}

/// Whether `name` is middy's wrapper (`import middy from '@middy/core'`, `require('middy')`).
pub fn is_middy(text: &str, name: &str) -> bool {
    is_imported_from(text, name, &["@middy/core", "middy"])
}

/// Whether `name` is bound in `text` (a Node source file) by an import or `require` of one of
/// `modules` (or a path inside one).
fn is_imported_from(text: &str, name: &str, modules: &[&str]) -> bool {
    modules.iter().any(|module| {
        ['\'', '"', '`'].iter().any(|quote| {
            let quoted = format!("{quote}{module}");
            text.match_indices(&quoted).any(|(at, _)| {
                let rest = &text[at + quoted.len()..];
                if !(rest.starts_with(*quote) || rest.starts_with('/')) {
                    return false;
                }
                // The import statement the module string ends: from its keyword to the string.
                let before = &text[..at];
                let start = ["import", "require", "const ", "let ", "var "]
                    .iter()
                    .filter_map(|keyword| before.rfind(keyword))
                    .min_by_key(|start| at - start)
                    .map(|start| {
                        // `const middy = require(...)`: the declaration before `require`.
                        before[..start]
                            .rfind([';', '\n'])
                            .map_or(0, |line| line + 1)
                    });
                start.is_some_and(|start| {
                    before[start..]
                        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                        .any(|word| word == name)
                })
            })
        })
    })
}

/// The frameworks `text` (a source file of `ecosystem`) imports.
pub fn used_by(text: &str, ecosystem: Ecosystem) -> impl Iterator<Item = &'static Framework> + '_ {
    // The places an import may be written, found once for every module asked about (not one
    // scan of the whole text per module and spelling: a keystroke pays this).
    let sites = ImportSites::new(text, ecosystem);
    FRAMEWORKS.iter().filter(move |framework| {
        framework.ecosystem == ecosystem
            && framework.modules.iter().any(|module| sites.imports(module))
    })
}

/// Whether `text` imports `module`, written as `ecosystem` writes imports.
pub(crate) fn imports(text: &str, ecosystem: Ecosystem, module: &str) -> bool {
    ImportSites::new(text, ecosystem).imports(module)
}

/// Where a text may name an imported module: the text after each `import ` and `from `
/// (Python), after each quote, with the quote (Node); Rust's `module::` is looked for as asked.
struct ImportSites<'t> {
    text: &'t str,
    ecosystem: Ecosystem,
    after: Vec<(char, &'t str)>,
}

impl<'t> ImportSites<'t> {
    fn new(text: &'t str, ecosystem: Ecosystem) -> Self {
        let mut after = Vec::new();
        match ecosystem {
            Ecosystem::Python => {
                for keyword in ["import ", "from "] {
                    after.extend(occurrences(text, keyword).map(|rest| (' ', rest)));
                }
            }
            Ecosystem::Node => {
                for (at, &byte) in text.as_bytes().iter().enumerate() {
                    if matches!(byte, b'\'' | b'"' | b'`') {
                        after.push((char::from(byte), &text[at + 1..]));
                    }
                }
            }
            Ecosystem::Rust => {}
        }
        Self {
            text,
            ecosystem,
            after,
        }
    }

    fn imports(&self, module: &str) -> bool {
        let named = |rest: &'t str| rest.strip_prefix(module);
        match self.ecosystem {
            Ecosystem::Python => {
                self.after
                    .iter()
                    .filter_map(|(_, rest)| named(rest))
                    .any(|after| {
                        after.is_empty()
                            || after
                                .starts_with(|c: char| c == '.' || c.is_whitespace() || c == ',')
                    })
            }
            Ecosystem::Node => self.after.iter().any(|(quote, rest)| {
                named(rest).is_some_and(|after| after.starts_with(*quote) || after.starts_with('/'))
            }),
            Ecosystem::Rust => occurrences(self.text, module).any(|after| after.starts_with("::")),
        }
    }
}

/// The text after each occurrence of `needle`.
fn occurrences<'t>(text: &'t str, needle: &str) -> impl Iterator<Item = &'t str> {
    let skip = needle.len();
    text.match_indices(needle)
        .map(|(at, _)| at)
        .collect::<Vec<_>>()
        .into_iter()
        .map(move |at| &text[at + skip..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, ecosystem: Ecosystem) -> Vec<&'static str> {
        used_by(text, ecosystem)
            .map(|framework| framework.name)
            .collect()
    }

    #[test]
    fn transparent_wrappers_by_their_import() {
        let text = "import middy from '@middy/core';\nimport handler from './libs/handler-lib';\n";
        assert!(is_transparent_wrapper(text, "middy"));
        assert!(!is_transparent_wrapper(text, "handler"));
        let text = "const { datadog } = require(\"datadog-lambda-js\");\n";
        assert!(is_transparent_wrapper(text, "datadog"));
        assert!(!is_transparent_wrapper(
            "const wrap = require('./wrap');\n",
            "wrap"
        ));
    }

    #[test]
    fn recognises_imports_not_words() {
        assert_eq!(
            names(
                "from aws_lambda_powertools.event_handler import APIGatewayRestResolver\n",
                Ecosystem::Python
            ),
            ["Powertools for AWS Lambda event handler"]
        );
        assert_eq!(
            names("from chalice import Chalice\n", Ecosystem::Python),
            ["Chalice"]
        );
        assert!(names(
            "import chalicelike\n# express delivery\n",
            Ecosystem::Python
        )
        .is_empty());
        assert_eq!(
            names("const express = require('express');\n", Ecosystem::Node).len(),
            1
        );
        assert_eq!(
            names(
                "import { Router } from '@aws-lambda-powertools/event-handler/http';",
                Ecosystem::Node
            )
            .len(),
            1
        );
        assert!(names(
            "// an express delivery service\nconst expressive = 1;",
            Ecosystem::Node
        )
        .is_empty());
        assert!(names("import x from 'express-validator';", Ecosystem::Node).is_empty());
        assert_eq!(
            names("use lambda_http::{run, service_fn};", Ecosystem::Rust),
            ["lambda_http"]
        );
    }
}
