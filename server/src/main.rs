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
        /// Configuration file (default: gatelint.toml in the current folder or a parent).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Apply every safe fix in place, then report the findings left.
        #[arg(long, conflicts_with = "diff")]
        fix: bool,
        /// Print the safe fixes as a unified diff; change nothing (exit 1 if the diff is not empty).
        #[arg(long)]
        diff: bool,
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
    Sarif,
    Github,
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
            fix,
            diff,
        } => {
            let format = match format {
                Format::Human => cli::OutputFormat::Human,
                Format::Json => cli::OutputFormat::Json,
                Format::Sarif => cli::OutputFormat::Sarif,
                Format::Github => cli::OutputFormat::Github,
            };
            cli::check(&cli::CheckOptions {
                paths,
                format,
                config,
                fix,
                diff,
            })
        }
        Command::Server => gatelint::lsp::run(),
        Command::Rule { code } => cli::rule(code.as_deref()),
        Command::Explain { text } => cli::explain(&text),
    }
}
