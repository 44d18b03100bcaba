//! `config`: gatelint's own input and configuration problems.

mod rule_panicked;
mod unparsable_file;
mod unreadable_file;

pub use rule_panicked::RULE as RULE_PANICKED;
pub use unparsable_file::RULE as UNPARSABLE_FILE;
pub use unreadable_file::RULE as UNREADABLE_FILE;
