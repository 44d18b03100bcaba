//! `startup`: a function that cannot start. Lambda loads the handler's module, and every module it
//! imports, before the first call; a module neither the runtime nor the package holds fails every
//! invocation with `Runtime.ImportModuleError`, which API Gateway answers with 502 (REST) or 500
//! (HTTP API); so does a handler in a module format the runtime does not load it as.

pub mod missing_module;
pub mod module_format;
