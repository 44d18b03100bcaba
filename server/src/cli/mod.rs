//! The command line: `check` and its output formats, `rule`, `explain`. A thin layer over
//! [`crate::workspace`] and the rules' documentation.

mod human;
mod json;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::knowledge;
use crate::rules::{self, Severity};
use crate::workspace::{self, FileReport};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
}

/// `gatelint check`: exit 0 without error findings, 1 with, 2 when the run itself failed.
pub fn check(paths: &[PathBuf], format: OutputFormat, config: Option<&Path>) -> ExitCode {
    if let Some(config) = config {
        if let Err(error) = std::fs::read_to_string(config) {
            eprintln!("gatelint: cannot read config {}: {error}", config.display());
            return ExitCode::from(2);
        }
    }
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for path in &paths {
        if !path.exists() {
            eprintln!("gatelint: {}: no such file or folder", path.display());
            return ExitCode::from(2);
        }
    }
    let checked = workspace::check_paths(&paths);
    let reports = &checked.reports;
    let cwd = std::env::current_dir().unwrap_or_default();
    let output = match format {
        OutputFormat::Json => json::render(reports, &checked.index, &cwd),
        OutputFormat::Human => human::render(reports, &cwd, std::io::stdout().is_terminal()),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    let has_error = reports
        .iter()
        .flat_map(|report| &report.findings)
        .any(|finding| finding.severity == Severity::Error);
    ExitCode::from(u8::from(has_error))
}

/// `gatelint rule [CODE]`.
pub fn rule(code: Option<&str>) -> ExitCode {
    match code {
        None => {
            print!("{}", rules::rules_table_text());
            ExitCode::SUCCESS
        }
        Some(code) => match rules::find_rule(code) {
            Some(rule) => {
                print!("{}", rule.meta.markdown());
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("gatelint: no rule named {code}; `gatelint rule` lists them");
                ExitCode::from(2)
            }
        },
    }
}

/// `gatelint explain "TEXT"`.
pub fn explain(text: &str) -> ExitCode {
    let found = knowledge::explain(text);
    if found.is_empty() {
        println!(
            "gatelint does not recognise this error text. It knows: {}.",
            knowledge::AWS_ERRORS
                .iter()
                .map(|error| error.title)
                .collect::<Vec<_>>()
                .join("; ")
        );
        return ExitCode::SUCCESS;
    }
    print!("{}", rules::explain_markdown(&found));
    ExitCode::SUCCESS
}

/// A report's path as shown to the user: relative to the current folder when under it.
pub(crate) fn display_path(report: &FileReport, cwd: &Path) -> String {
    let path = report.path.strip_prefix(cwd).unwrap_or(&report.path);
    let path = path.strip_prefix(".").unwrap_or(path);
    path.to_string_lossy().replace('\\', "/")
}
