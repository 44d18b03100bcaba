//! Panic isolation, one guard for the whole server: the analysis runs each rule under it (a rule
//! that panics becomes a GL903 finding while the other rules still run) and the language server
//! runs its other work under it (a panic is logged; the server keeps serving). A leaf: it imports
//! nothing of the crate.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `work`; a panic is logged and returned as the message a GL903 finding shows.
pub fn guarded<T>(what: &str, work: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|reason| reason.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        tracing::error!("gatelint internal error in {what}: {reason}");
        format!(
            "gatelint internal error in {what}: {reason}; other rules still ran. Please report it."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::guarded;

    #[test]
    fn a_panic_becomes_a_message_and_a_value_passes_through() {
        assert_eq!(guarded("adding", || 1 + 1), Ok(2));
        let message = guarded("GL000", || -> u8 { panic!("at {}", "the disco") }).unwrap_err();
        assert!(
            message.starts_with("gatelint internal error in GL000: at the disco;"),
            "{message}"
        );
        let message = guarded("GL000", || std::panic::panic_any(7_u8)).unwrap_err();
        assert!(message.contains("unknown panic"), "{message}");
    }
}
