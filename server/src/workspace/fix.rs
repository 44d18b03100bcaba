//! Applying every safe fix of a file unattended, as `check --fix` and the editor's
//! `source.fixAll.gatelint` do: apply, re-analyse, and repeat until nothing changes. Fixes that
//! touch the same text wait for the next round, where they are recomputed against the new text.
//! Which fixes are safe is decided with the findings (`Fix::safe`); test code is never fixed.

use std::path::Path;

use crate::config::Config;
use crate::context::FileContext;
use crate::findings::{Edit, Finding, Fix};
use crate::fixes;

/// A file converges in a round or two; the bound stops a pair of fixes that would undo each other.
const MAX_ROUNDS: usize = 10;

/// The text after every safe fix, the findings left in it, and how many fixes were applied;
/// `None` when no safe fix applies.
pub struct Fixed {
    pub text: String,
    pub findings: Vec<Finding>,
    pub applied: usize,
}

pub fn fix_file(
    path: &Path,
    text: &str,
    findings: &[Finding],
    config: &Config,
    context: &FileContext,
) -> Option<Fixed> {
    // Test code and its data are never rewritten unattended, whatever a rule offers.
    if context.test_code {
        return None;
    }
    let mut current = text.to_owned();
    let mut current_findings = findings.to_vec();
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let chosen = non_overlapping_safe_fixes(&current_findings);
        if chosen.is_empty() {
            break;
        }
        let edits: Vec<Edit> = chosen.iter().flat_map(|fix| fix.edits.clone()).collect();
        let next = fixes::apply(&current, &edits);
        if next == current {
            break;
        }
        applied += chosen.len();
        current = next;
        current_findings = super::analyze_text(path, &current, config, context);
    }
    (applied > 0).then_some(Fixed {
        text: current,
        findings: current_findings,
        applied,
    })
}

/// The first safe fix of each finding, in order, skipping any that edits another file or
/// touches text an earlier chosen fix edits.
fn non_overlapping_safe_fixes(findings: &[Finding]) -> Vec<&Fix> {
    let mut chosen: Vec<&Fix> = Vec::new();
    let mut taken: Vec<&Edit> = Vec::new();
    for finding in findings {
        let Some(fix) = finding.fixes.iter().find(|fix| fix.safe) else {
            continue;
        };
        if fix.edits.is_empty() || fix.edits.iter().any(|edit| edit.path.is_some()) {
            continue;
        }
        // Touching counts as overlapping: two insertions at one offset would have no order.
        let collides = fix.edits.iter().any(|edit| {
            taken.iter().any(|other| {
                edit.range.start <= other.range.end && other.range.start <= edit.range.end
            })
        });
        if collides {
            continue;
        }
        taken.extend(&fix.edits);
        chosen.push(fix);
    }
    chosen
}
