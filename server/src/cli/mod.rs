//! The command line: `check` and its output formats, `rule`, `explain`. A thin layer over
//! [`crate::workspace`] and the rules' documentation.

pub(crate) mod fix;
mod github;
mod human;
mod json;
mod sarif;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::Config;
use crate::findings::Severity;
use crate::knowledge;
use crate::rules::{self};
use crate::workspace::{self, Checked, FileReport};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
}

/// What `gatelint check` was asked to do.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    /// `--config FILE`; else `gatelint.toml` is looked for from the current folder up.
    pub config: Option<PathBuf>,
    /// Apply every safe fix in place, then report what is left.
    pub fix: bool,
    /// Print the safe fixes as a unified diff instead of reporting; write nothing.
    pub diff: bool,
}

/// `gatelint check`: exit 0 without error findings, 1 with, 2 when the run itself failed.
/// With `--diff`: 0 when no safe fix applies, 1 when the diff is not empty.
pub fn check(options: &CheckOptions) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    // Reports name resolved paths: the folder they are shown from is resolved too.
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let config_path = options.config.clone().or_else(|| Config::discover(&cwd));
    let config = match config_path {
        Some(path) => match Config::load(&path) {
            Ok(config) => config,
            Err(reason) => {
                eprintln!("gatelint: {reason}");
                return ExitCode::from(2);
            }
        },
        None => Config::defaults(cwd.clone()),
    };
    let paths = if options.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    for path in &paths {
        if !path.exists() {
            eprintln!("gatelint: {}: no such file or folder", path.display());
            return ExitCode::from(2);
        }
    }
    let mut checked = workspace::check_paths_with(&paths, &config);
    if options.diff {
        return print_diff(&mut checked, &config, &cwd);
    }
    if options.fix {
        let changed = fix::fix_reports(&mut checked, &config);
        for change in &changed {
            let report = &checked.reports[change.report];
            if let Err(error) = std::fs::write(&report.path, report.text.as_bytes()) {
                eprintln!("gatelint: cannot write {}: {error}", report.path.display());
                return ExitCode::from(2);
            }
        }
        let applied: usize = changed.iter().map(|change| change.applied).sum();
        eprintln!(
            "gatelint: applied {applied} fix{} in {} file{}",
            if applied == 1 { "" } else { "es" },
            changed.len(),
            if changed.len() == 1 { "" } else { "s" }
        );
    }
    let reports = &checked.reports;
    let written = match options.format {
        OutputFormat::Json => json::write(reports, &checked.index, &cwd, std::io::stdout().lock()),
        OutputFormat::Sarif => write_stdout(&sarif::render(reports, &cwd)),
        OutputFormat::Github => write_stdout(&github::render(reports, &cwd)),
        OutputFormat::Human => {
            let mut output = human::render(reports, &checked.index, &cwd, colour_wanted());
            output.push_str(&skipped_line(checked.skipped));
            write_stdout(&output)
        }
    };
    if written.is_err() {
        return ExitCode::from(2);
    }
    let has_error = reports
        .iter()
        .flat_map(|report| &report.findings)
        .any(|finding| finding.severity == Severity::Error);
    // The process ends here: freeing every tree, text, finding and template model one by one
    // would only delay the exit (a fifth of a run over thousands of files).
    std::mem::forget(checked);
    ExitCode::from(u8::from(has_error))
}

/// `--diff`: the unified diff of every safe fix, nothing written.
fn print_diff(checked: &mut Checked, config: &Config, cwd: &Path) -> ExitCode {
    let changed = fix::fix_reports(checked, config);
    let reports = &checked.reports;
    let mut output = String::new();
    for change in &changed {
        let report = &reports[change.report];
        let path = display_path(report, cwd);
        output.push_str(&fix::unified_diff(&path, &change.before, &report.text));
    }
    if write_stdout(&output).is_err() {
        return ExitCode::from(2);
    }
    let applied: usize = changed.iter().map(|change| change.applied).sum();
    eprintln!(
        "gatelint: {applied} fix{} would change {} file{}",
        if applied == 1 { "" } else { "es" },
        changed.len(),
        if changed.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(u8::from(!changed.is_empty()))
}

/// The human summary's count of what ignore rules left out (empty when nothing was).
fn skipped_line(skipped: workspace::Skipped) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (skipped.files, skipped.folders) {
        (0, 0) => String::new(),
        (files, 0) => format!(
            "{} skipped by ignore rules\n",
            plural(files, "file", "files")
        ),
        (0, folders) => format!(
            "{} skipped by ignore rules\n",
            plural(folders, "folder", "folders")
        ),
        (files, folders) => format!(
            "{} and {} skipped by ignore rules\n",
            plural(files, "file", "files"),
            plural(folders, "folder", "folders")
        ),
    }
}

fn write_stdout(output: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(output.as_bytes())?;
    stdout.flush()
}

/// Colour only on a terminal, and never when `NO_COLOR` is set (<https://no-color.org>).
fn colour_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
