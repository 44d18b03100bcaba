//! `error-handling`: exceptions a proxy handler lets escape, which API Gateway turns into
//! `Internal server error` instead of the response the handler meant to give.

pub mod uncaught_exception;
