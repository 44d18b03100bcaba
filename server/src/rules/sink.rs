use super::RuleMeta;
use crate::findings::{Finding, Fix};
use crate::text::TextRange;

/// Where a rule reports its findings; it stamps each with the rule's code and default severity.
pub struct Sink {
    meta: &'static RuleMeta,
    findings: Vec<Finding>,
}

impl Sink {
    pub fn new(meta: &'static RuleMeta) -> Self {
        Self {
            meta,
            findings: Vec::new(),
        }
    }

    /// Reports a finding; the returned handle adds fixes.
    pub fn report(&mut self, range: TextRange, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            code: self.meta.code,
            severity: self.meta.severity,
            range,
            message: message.into(),
            fixes: Vec::new(),
            related: Vec::new(),
        });
        self.findings.last_mut().expect("a finding was just pushed")
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

impl Finding {
    pub fn with_fix(&mut self, fix: Option<Fix>) -> &mut Self {
        self.fixes.extend(fix);
        self
    }
}
