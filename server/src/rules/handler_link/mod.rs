//! `handler-link`: a template's `Handler` or `CodeUri` that points at no file or function, found
//! by the workspace when it links each template function to its code. Lambda fails the function's
//! first invocation with `Runtime.HandlerNotFound` / `Runtime.ImportModuleError`, which API Gateway
//! turns into 502.

pub mod code_uri_not_found;
pub mod handler_not_found;
