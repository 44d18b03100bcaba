//! The `gatelint` binary: argument parsing only; the work is in the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use gatelint::cli;

#[derive(Parser)]
#[command(
    name = "gatelint",
    version,
    about = "Catches API Gateway ↔ Lambda integration errors before deploy"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check handlers and templates under PATHs (default: the current folder).
    Check {
        /// Files or folders; folders are walked respecting .gitignore.
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Configuration file (default: gatelint.toml at the workspace root).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Run the language server over stdio.
    Server,
    /// Show the documentation of one rule, or the table of all rules.
    Rule {
        /// A rule code (GL106) or name (non-string-body).
        code: Option<String>,
    },
    /// Explain an error text printed by API Gateway or Lambda.
    Explain {
        /// The error text, e.g. "Malformed Lambda proxy response".
        text: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    match args.command {
        Command::Check {
            paths,
            format,
            config,
        } => {
            let format = match format {
                Format::Human => cli::OutputFormat::Human,
                Format::Json => cli::OutputFormat::Json,
            };
            cli::check(&paths, format, config.as_deref())
        }
        Command::Server => gatelint::lsp::run(),
        Command::Rule { code } => cli::rule(code.as_deref()),
        Command::Explain { text } => cli::explain(&text),
    }
}
