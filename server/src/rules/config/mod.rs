//! `config`: gatelint's own input and configuration problems.

mod invalid_config;
mod rule_panicked;
mod unknown_rule_code;
mod unparsable_file;
mod unreadable_file;
mod unused_suppression;

pub use invalid_config::RULE as INVALID_CONFIG;
pub use rule_panicked::RULE as RULE_PANICKED;
pub use unknown_rule_code::RULE as UNKNOWN_RULE_CODE;
pub use unparsable_file::RULE as UNPARSABLE_FILE;
pub use unreadable_file::RULE as UNREADABLE_FILE;
pub use unused_suppression::RULE as UNUSED_SUPPRESSION;
