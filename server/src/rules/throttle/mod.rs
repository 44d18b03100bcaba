//! `throttle`: reserved concurrency on API-invoked functions against the API's own throttling.

pub mod burst_exceeds_concurrency;
pub mod zero_concurrency;
