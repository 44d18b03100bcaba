//! What gatelint knows about AWS: the proxy formats' keys, limits, and the error texts API Gateway
//! and Lambda print with their causes (for `gatelint explain` and hover on error texts).

mod errors;
pub mod frameworks;
pub mod front_doors;
pub mod manifests;
pub mod proxy;
pub mod runtimes;

pub use errors::{explain, AwsError, AWS_ERRORS};
