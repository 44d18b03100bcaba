//! `startup`: a function that cannot start. Lambda loads the handler's module, and every module it
//! imports, before the first call; a module neither the runtime nor the package holds fails every
//! invocation with `Runtime.ImportModuleError`, which API Gateway answers with 502 (REST) or 500
//! (HTTP API).

pub mod missing_module;
