//! The error texts API Gateway and Lambda print, what causes each, and how to fix it. Read by
//! `gatelint explain` and by hover on an error text anywhere in the workspace.

/// One run-time failure as a developer meets it.
#[derive(Debug)]
pub struct AwsError {
    /// A short title.
    pub title: &'static str,
    /// Texts that identify it (matched case-insensitively as substrings of what the user pastes).
    pub texts: &'static [&'static str],
    /// What the client receives.
    pub status: &'static str,
    pub cause: &'static str,
    pub fix: &'static str,
    /// The rule categories whose rules catch it before deploy.
    pub categories: &'static [&'static str],
}

pub static AWS_ERRORS: &[AwsError] = &[
    AwsError {
        title: "Malformed Lambda proxy response",
        texts: &["Malformed Lambda proxy response", "Execution failed due to configuration error: Malformed"],
        status: "502 Bad Gateway, body {\"message\": \"Internal server error\"}",
        cause: "The function returned something that is not a valid Lambda proxy response: a key API Gateway \
                does not accept (`status`, `cookies` on a REST API, a whole data object), a `body` that is not \
                a string (a dict or object not passed through `json.dumps`/`JSON.stringify`), a non-numeric \
                `statusCode`, a list or object as a header value, `multiValueHeaders` values that are not lists, or \
                no object at all (`None`/`undefined`, a path that ends without `return`, a string or list).",
        fix: "Return exactly `{\"statusCode\": <int>, \"headers\": {<string>: <string>}, \"body\": <string>}` \
              (plus `multiValueHeaders` and `isBase64Encoded` if needed); serialise the body with \
              `json.dumps`/`JSON.stringify`.",
        categories: &["proxy-response"],
    },
    AwsError {
        title: "Internal server error from an unhandled exception",
        texts: &["Internal server error", "\"errorMessage\"", "errorType", "Unhandled"],
        status: "502 Bad Gateway (REST) or 500 (HTTP API), body {\"message\": \"Internal server error\"}",
        cause: "The handler raised or threw an exception (or returned a malformed response). Lambda reports it as \
                a function error, and a proxy integration has nothing to send but a generic error.",
        fix: "Catch the exceptions the handler can expect and return a proper error response (`statusCode` 4xx/5xx \
              and a JSON body); let only truly unexpected ones escape, and log them.",
        categories: &["error-handling", "proxy-response"],
    },
    AwsError {
        title: "Lambda.Unknown",
        texts: &["Lambda.Unknown"],
        status: "502 or 504, depending on the integration",
        cause: "API Gateway could not read a result from the function: the function timed out, ran out of memory, \
                crashed the runtime, or returned a payload the runtime could not serialise (Python bytes).",
        fix: "Check the function's CloudWatch log for `Task timed out` or `Runtime.*` errors; keep the function's \
              time budget below the integration timeout; return JSON-serialisable values only.",
        categories: &["timeout", "error-handling", "proxy-response"],
    },
    AwsError {
        title: "Endpoint request timed out",
        texts: &["Endpoint request timed out", "Task timed out", "504 Gateway Timeout", "Network error communicating with endpoint"],
        status: "504 Gateway Timeout, body {\"message\": \"Endpoint request timed out\"}",
        cause: "The integration did not answer within its timeout: 29 s by default for REST APIs (raisable by quota \
                request for Regional and private APIs), 30 s at most for HTTP APIs. A function `Timeout` above that \
                lets the function run on after the client was answered with 504.",
        fix: "Keep the function's `Timeout` and its slowest code path under the integration timeout: give HTTP and \
              SDK calls timeouts, bound retries, move long work to an asynchronous path (SQS, Step Functions).",
        categories: &["timeout"],
    },
    AwsError {
        title: "Invalid permissions on Lambda function",
        texts: &["Invalid permissions on Lambda function", "AccessDeniedException", "not authorized to perform: lambda:InvokeFunction"],
        status: "500 Internal Server Error",
        cause: "API Gateway is not allowed to invoke the function: there is no `AWS::Lambda::Permission` for \
                principal `apigateway.amazonaws.com` covering this API, stage, method and route. SAM events add \
                one automatically; hand-written CloudFormation and OpenAPI bodies do not.",
        fix: "Add an `AWS::Lambda::Permission` with `Action: lambda:InvokeFunction`, `Principal: \
              apigateway.amazonaws.com` and a `SourceArn` of `arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:<api-id>/*`.",
        categories: &["permission"],
    },
    AwsError {
        title: "An event key of the other payload format is missing",
        texts: &[
            "KeyError: 'httpMethod'",
            "KeyError: 'rawPath'",
            "KeyError: 'routeKey'",
            "KeyError: 'rawQueryString'",
            "KeyError: 'http'",
            "(reading 'http')",
            "(reading 'httpMethod')",
        ],
        status: "502 (REST) or 500 (HTTP API), body {\"message\": \"Internal server error\"}",
        cause: "The handler reads a key its event does not have: HTTP APIs send payload 2.0 by default, with \
                `rawPath`, `routeKey` and `requestContext.http.method` but no `httpMethod`, `path` or \
                `resource`; REST APIs send payload 1.0, the other way round. Common after moving an API from \
                REST to HTTP (or back) or copying a handler between them.",
        fix: "Read the keys of the format the integration sends, or set the HTTP API integration's \
              `PayloadFormatVersion` to the format the code expects (`'1.0'` or `'2.0'`).",
        categories: &["proxy-response"],
    },
    AwsError {
        title: "Execution failed due to configuration error",
        texts: &["Execution failed due to configuration error"],
        status: "500 or 502",
        cause: "API Gateway's execution log prefix for integration set-up errors: most often a malformed proxy \
                response, missing invoke permissions, or an output mapping to a method response that does not exist.",
        fix: "Read the rest of the log line; `gatelint explain` the specific message.",
        categories: &["proxy-response", "permission", "status-mapping"],
    },
    AwsError {
        title: "Output mapping refers to an invalid method response",
        texts: &["Output mapping refers to an invalid method response", "invalid method response"],
        status: "500 Internal Server Error",
        cause: "In a non-proxy (`AWS`) integration, an integration response maps to a status code that the method \
                does not declare in its method responses.",
        fix: "Declare a `MethodResponses` entry for every `StatusCode` the `IntegrationResponses` produce.",
        categories: &["status-mapping"],
    },
    AwsError {
        title: "Too many requests (throttled)",
        texts: &["TooManyRequestsException", "Rate exceeded", "429", "Too Many Requests", "ThrottlingException"],
        status: "429 Too Many Requests (API Gateway throttling) or 500/502 (Lambda throttling behind a proxy)",
        cause: "Requests exceed the stage or usage-plan throttle, or the function's concurrency: \
                `ReservedConcurrentExecutions` too low (0 throttles every call) or the account's concurrency used up.",
        fix: "Raise or remove the reserved concurrency, align stage throttling with what the function can serve, \
              and make clients retry with backoff.",
        categories: &["throttle"],
    },
    AwsError {
        title: "Handler not found",
        texts: &["Runtime.HandlerNotFound", "Runtime.ImportModuleError", "Cannot find module", "is undefined or not exported"],
        status: "502 Bad Gateway",
        cause: "The function's `Handler` names a file or function that is not in the deployed code (`CodeUri`).",
        fix: "Make `Handler` match the file path (relative to `CodeUri`) and the exported function name.",
        categories: &["handler-link"],
    },
    AwsError {
        title: "A module the function's package lacks",
        texts: &[
            "Cannot find module 'aws-sdk'",
            "No module named",
            "Runtime.ImportModuleError: Unable to import module",
            "Runtime.ImportModuleError: Error: Cannot find module",
        ],
        status: "502 Bad Gateway (REST API) or 500 (HTTP API), on every call",
        cause: "The handler imports a package that is in neither the runtime nor the deployment package, so the \
                function cannot load. Node.js 18 and later runtimes include the AWS SDK for JavaScript v3 \
                (`@aws-sdk/*`) only: `require('aws-sdk')` (v2) fails there. Python runtimes include the standard \
                library, `boto3` and `botocore` only: `requests`, `pydantic`, ... must be installed with the code. \
                (`Cannot find module` naming the handler's own file is a `Handler` that points at no file.)",
        fix: "Use the v3 clients (`@aws-sdk/client-dynamodb`, `@aws-sdk/client-s3`, ...) instead of `aws-sdk`, or \
              declare the package where the build installs from: `package.json` `dependencies` in the code folder, \
              `requirements.txt` in the code folder; or attach a layer that holds it.",
        categories: &["startup"],
    },
    AwsError {
        title: "The handler is an ES module the runtime loads as CommonJS",
        texts: &[
            "Runtime.UserCodeSyntaxError",
            "Cannot use import statement outside a module",
            "Unexpected token 'export'",
        ],
        status: "502 Bad Gateway (REST API) or 500 (HTTP API), on every call",
        cause: "Lambda's Node.js runtime loads a `.js` handler as CommonJS unless the nearest `package.json` \
                deployed with it says `\"type\": \"module\"`. On nodejs18.x and older a top-level `import` or \
                `export` in such a file is a syntax error (nodejs20.x and later detect module syntax). Any other \
                syntax error in the handler's code prints the same error type.",
        fix: "Rename the handler file to `.mjs`, add `\"type\": \"module\"` to the code folder's `package.json`, \
              or move to nodejs20.x or later.",
        categories: &["startup"],
    },
    AwsError {
        title: "Runtime could not serialise the result",
        texts: &["Runtime.MarshalError", "Unable to marshal response", "is not JSON serializable"],
        status: "502 Bad Gateway",
        cause: "The handler returned a value the runtime cannot turn into JSON, such as Python `bytes` (from \
                `base64.b64encode` without `.decode()`), a `datetime` or a `Decimal`.",
        fix: "Return only JSON types; `.decode()` bytes, and serialise the body with `json.dumps(..., default=str)`.",
        categories: &["proxy-response"],
    },
    AwsError {
        title: "Unauthorized / authorizer failure",
        texts: &["AuthorizerConfigurationException", "Unauthorized", "User is not authorized to access this resource"],
        status: "500 (authorizer error) or 401/403",
        cause: "A Lambda authorizer failed or returned a response API Gateway cannot read: a REST authorizer without \
                `principalId` and `policyDocument`, `context` values that are objects or arrays, or an HTTP API \
                simple response without a boolean `isAuthorized`.",
        fix: "Return the format of the authorizer's type; keep `context` values strings, numbers or booleans.",
        categories: &["authorizer-response", "permission"],
    },
];

/// The errors whose texts occur in `text`, best match first (the longest matching text wins).
pub fn explain(text: &str) -> Vec<&'static AwsError> {
    let haystack = text.to_ascii_lowercase();
    let mut found: Vec<(usize, &'static AwsError)> = AWS_ERRORS
        .iter()
        .filter_map(|error| {
            error
                .texts
                .iter()
                .filter(|needle| haystack.contains(&needle.to_ascii_lowercase()))
                .map(|needle| needle.len())
                .max()
                .map(|len| (len, error))
        })
        .collect();
    found.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
    found.into_iter().map(|(_, error)| error).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_what_aws_prints() {
        let first = |text: &str| explain(text).first().map(|error| error.title);
        assert_eq!(
            first("Execution failed due to configuration error: Malformed Lambda proxy response"),
            Some("Malformed Lambda proxy response")
        );
        assert_eq!(
            first("{\"message\": \"Internal server error\"}"),
            Some("Internal server error from an unhandled exception")
        );
        assert_eq!(
            first("429 TooManyRequestsException"),
            Some("Too many requests (throttled)")
        );
        assert_eq!(first("lambda.unknown"), Some("Lambda.Unknown"));
        assert!(explain("everything is fine").is_empty());
    }

    #[test]
    fn explains_each_text_developers_search_for() {
        let first = |text: &str| explain(text).first().map(|error| error.title);
        for (text, title) in [
            ("Lambda.Unknown", "Lambda.Unknown"),
            (
                "Malformed Lambda proxy response",
                "Malformed Lambda proxy response",
            ),
            (
                "Internal server error",
                "Internal server error from an unhandled exception",
            ),
            ("Endpoint request timed out", "Endpoint request timed out"),
            ("TooManyRequestsException", "Too many requests (throttled)"),
            ("Rate exceeded", "Too many requests (throttled)"),
            (
                "Invalid permissions on Lambda function",
                "Invalid permissions on Lambda function",
            ),
            (
                "Execution failed due to configuration error",
                "Execution failed due to configuration error",
            ),
            (
                "Runtime.UserCodeSyntaxError: SyntaxError: Cannot use import statement outside a module",
                "The handler is an ES module the runtime loads as CommonJS",
            ),
            (
                "Runtime.ImportModuleError: Error: Cannot find module 'aws-sdk'",
                "A module the function's package lacks",
            ),
            (
                "Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'",
                "A module the function's package lacks",
            ),
        ] {
            assert_eq!(first(text), Some(title), "{text}");
        }
    }

    #[test]
    fn categories_exist() {
        for error in AWS_ERRORS {
            for category in error.categories {
                assert!(
                    crate::findings::Category::ALL
                        .iter()
                        .any(|known| known.as_str() == *category),
                    "{category}"
                );
            }
        }
    }
}
