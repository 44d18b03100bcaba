//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns into
//! an annotation on the pull request's diff
//! (`::error file=app.py,line=3,col=5,endLine=3,endColumn=9,title=GL106 non-string-body::...`).

use std::path::Path;

use super::display_path;
use crate::findings::Severity;
use crate::rules::find_rule;
use crate::text::{Encoding, LineIndex};
use crate::workspace::FileReport;

pub fn render(reports: &[FileReport], cwd: &Path) -> String {
    let mut out = String::new();
    for report in reports {
        let path = display_path(report, cwd);
        let index = LineIndex::new(&report.text);
        for finding in &report.findings {
            let command = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let start = index.line_col(&report.text, finding.range.start, Encoding::Chars);
            let end = index.line_col(&report.text, finding.range.end, Encoding::Chars);
            let title = match find_rule(finding.code) {
                Some(rule) => format!("{} {}", finding.code, rule.meta.name),
                None => finding.code.to_owned(),
            };
            out.push_str(&format!(
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                escape_property(&path),
                start.line + 1,
                start.col + 1,
                end.line + 1,
                end.col + 1,
                escape_property(&title),
                escape_data(&finding.message),
            ));
        }
    }
    out
}

/// A command's message: `%`, CR and LF are percent-encoded.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: as data, and `:` and `,` too (they delimit properties).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_documents() {
        assert_eq!(
            escape_data("100% done\r\nnext: a, b"),
            "100%25 done%0D%0Anext: a, b"
        );
        assert_eq!(escape_property("C:\\a,b%"), "C%3A\\a%2Cb%25");
    }
}
