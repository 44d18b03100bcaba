//! `timeout`: a function's time budget against the integration timeout of the APIs that invoke
//! it, and integration timeouts outside what the API type allows.

pub mod function_timeout;
pub mod integration_timeout;
pub(crate) mod reach;
pub mod slow_code;
pub mod untimed_call;
