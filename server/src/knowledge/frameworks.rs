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

/// The frameworks `text` (a source file of `ecosystem`) imports.
pub fn used_by(text: &str, ecosystem: Ecosystem) -> impl Iterator<Item = &'static Framework> + '_ {
    FRAMEWORKS.iter().filter(move |framework| {
        framework.ecosystem == ecosystem
            && framework
                .modules
                .iter()
                .any(|module| imports(text, ecosystem, module))
    })
}

/// Whether `text` imports `module`, written as `ecosystem` writes imports.
fn imports(text: &str, ecosystem: Ecosystem, module: &str) -> bool {
    match ecosystem {
        Ecosystem::Python => ["import ", "from "].iter().any(|keyword| {
            occurrences(text, &format!("{keyword}{module}")).any(|after| {
                after.is_empty()
                    || after.starts_with(|c: char| c == '.' || c.is_whitespace() || c == ',')
            })
        }),
        Ecosystem::Node => ['\'', '"', '`'].iter().any(|quote| {
            occurrences(text, &format!("{quote}{module}"))
                .any(|after| after.starts_with(*quote) || after.starts_with('/'))
        }),
        Ecosystem::Rust => occurrences(text, module).any(|after| after.starts_with("::")),
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
