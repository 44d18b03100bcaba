//! The language server (filled in by the LSP adapter).

use std::process::ExitCode;

pub fn run() -> ExitCode {
    ExitCode::SUCCESS
}
