//! `check --fix` and `--diff`: apply every safe fix of a file, re-analyse, and repeat until
//! nothing changes. Fixes that touch the same text wait for the next round, where they are
//! recomputed against the new text, so edits never collide and formatting elsewhere is kept.
//! Which fixes are safe is decided with the findings (`Fix::safe`; the proxy-response policy clears
//! it where the handler's front door is a guess or the object is payload 2.0 data); test code is
//! never fixed at all.

use crate::config::Config;
use crate::workspace::fix::fix_file;
use crate::workspace::{normalize, Checked};

/// A unified diff of one file, `a/` and `b/` prefixed as `git apply` and `patch -p1` expect.
pub fn unified_diff(display_path: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{display_path}"), &format!("b/{display_path}"))
        .to_string()
}

/// One report whose text the fixes changed.
pub struct Changed {
    /// Its index in the reports.
    pub report: usize,
    /// The text before the fixes.
    pub before: std::sync::Arc<str>,
    pub applied: usize,
}

/// Fixes every report's text in memory (its findings become those of the fixed text); the
/// caller writes the files (`--fix`) or prints the diff (`--diff`).
pub fn fix_reports(checked: &mut Checked, config: &Config) -> Vec<Changed> {
    use rayon::prelude::*;
    let index = &checked.index;
    checked
        .reports
        .par_iter_mut()
        .enumerate()
        .filter_map(|(position, report)| {
            let context = index.context(&normalize(&report.path));
            let fixed = fix_file(
                &report.path,
                &report.text,
                &report.findings,
                config,
                &context,
            )?;
            let before = std::mem::replace(&mut report.text, std::sync::Arc::from(fixed.text));
            report.findings = fixed.findings;
            Some(Changed {
                report: position,
                before,
                applied: fixed.applied,
            })
        })
        .collect()
}
