//! Renders rule documentation: the markdown of one rule (hover, `gatelint rule CODE`), the
//! tables of all rules (`gatelint rule`, the README), and the explanation of AWS error texts with
//! the rules that catch them (`gatelint explain`, hover on an error text).

use super::{RuleMeta, REGISTRY};
use crate::findings::Category;
use crate::knowledge::AwsError;

impl RuleMeta {
    /// The rule's whole documentation as markdown.
    pub fn markdown(&self) -> String {
        let lang = self.example_language;
        format!(
            "### {code} `{name}` ({category}, {severity})\n\n{summary}\n\n\
             **What AWS prints:** {aws}\n\n**Why:** {why}\n\n**Fix:** {fix}\n\n\
             **Before:**\n```{lang}\n{before}\n```\n\n**After:**\n```{lang}\n{after}\n```\n",
            code = self.code,
            name = self.name,
            category = self.category.as_str(),
            severity = self.severity.as_str(),
            summary = self.summary,
            aws = code_span(self.aws_error),
            why = self.why,
            fix = self.fix,
            before = self.before.trim_end(),
            after = self.after.trim_end(),
        )
    }

    /// Where the documentation of this rule is published, for LSP `codeDescription` and SARIF
    /// `helpUri`: its anchor in the rules reference, when there is a published reference.
    pub fn url(&self) -> Option<String> {
        rules_doc_url().map(|page| format!("{page}#{}", self.anchor()))
    }

    /// The anchor of this rule in `docs/rules.md`: its code in lower case (`gl106`).
    pub fn anchor(&self) -> String {
        self.code.to_ascii_lowercase()
    }
}

/// `text` as a markdown code span, delimited by enough backticks for the ones it holds
/// (`` `Task timed out` `` inside an error text).
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

/// The table of all rules as markdown: what the README embeds.
pub fn rules_table_markdown() -> String {
    let mut out = String::from(
        "| code | name | category | severity | what it prevents |\n| --- | --- | --- | --- | --- |\n",
    );
    for rule in REGISTRY {
        let meta = &rule.meta;
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            meta.code,
            meta.name,
            meta.category.as_str(),
            meta.severity.as_str(),
            meta.summary.replace('|', "\\|"),
        ));
    }
    out
}

/// The whole rules reference (`docs/rules.md`): the table, then each rule's documentation under
/// an anchor named after its code, which `RuleMeta::url` links to.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# gatelint rules\n\n<!-- Generated from the rules' own source by `UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->\n\n",
    );
    out.push_str(&rules_table_markdown());
    for rule in REGISTRY {
        out.push_str(&format!("\n<a id=\"{}\"></a>\n\n", rule.meta.anchor()));
        out.push_str(&rule.meta.markdown());
    }
    out
}

/// The table of all rules as plain text, for the terminal.
pub fn rules_table_text() -> String {
    let name_width = REGISTRY
        .iter()
        .map(|rule| rule.meta.name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for rule in REGISTRY {
        let meta = &rule.meta;
        out.push_str(&format!(
            "{}  {:name_width$}  {:19}  {:7}  {}\n",
            meta.code,
            meta.name,
            meta.category.as_str(),
            meta.severity.as_str(),
            meta.summary,
        ));
    }
    out
}

/// The explanation of matched errors as markdown: the text `explain` prints and hover shows.
pub fn explain_markdown(found: &[&AwsError]) -> String {
    let mut out = String::new();
    for error in found {
        out.push_str(&format!(
            "## {}\n\n**The client gets:** {}\n\n**Cause:** {}\n\n**Fix:** {}\n\n**Rules that catch it before deploy:**\n",
            error.title, error.status, error.cause, error.fix
        ));
        for category in error.categories {
            for rule in REGISTRY
                .iter()
                .filter(|rule| rule.meta.category.as_str() == *category)
            {
                if rule.meta.category == Category::Config {
                    continue;
                }
                out.push_str(&format!(
                    "- {} `{}`: {}\n",
                    rule.meta.code, rule.meta.name, rule.meta.summary
                ));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::REGISTRY;

    /// Each rule's documentation link lands on an anchor that the committed `docs/rules.md` has
    /// (its freshness is checked in `tests/docs.rs`).
    #[test]
    fn every_rule_has_its_anchor_in_the_committed_reference() {
        let reference = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md"),
        )
        .expect("docs/rules.md exists");
        for rule in REGISTRY {
            let anchor = format!("<a id=\"{}\"></a>", rule.meta.anchor());
            assert_eq!(
                reference.matches(&anchor).count(),
                1,
                "{}: {anchor} once in docs/rules.md",
                rule.meta.code
            );
            if let Some(url) = rule.meta.url() {
                assert!(url.ends_with(&format!("/docs/rules.md#{}", rule.meta.anchor())));
            }
        }
    }
}

/// The repository's address: the `repository` field of the workspace manifest (`Cargo.toml`),
/// empty while it names none. The documentation links are built from it and from nothing else.
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Where this version's rules reference is published (`docs/rules.md`, generated from the rules):
/// the file in the repository at the release tag `v<version>`. `None` while the manifest names no
/// GitHub repository: no link rather than one that leads nowhere.
pub fn rules_doc_url() -> Option<String> {
    rules_doc_url_in(REPOSITORY, env!("CARGO_PKG_VERSION"))
}

/// [`rules_doc_url`] for a given repository address and version.
pub fn rules_doc_url_in(repository: &str, version: &str) -> Option<String> {
    let repository = repository.trim_end_matches('/');
    let repository = repository.strip_suffix(".git").unwrap_or(repository);
    let owner_and_name = repository.strip_prefix("https://github.com/")?;
    let mut parts = owner_and_name.split('/');
    let well_formed = matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(owner), Some(name), None) if !owner.is_empty() && !name.is_empty()
    );
    (well_formed && !version.is_empty())
        .then(|| format!("{repository}/blob/v{version}/docs/rules.md"))
}

#[cfg(test)]
mod url_tests {
    use super::rules_doc_url_in;

    #[test]
    fn the_rules_page_is_linked_at_the_release_tag_of_a_github_repository() {
        let page = "https://github.com/acme/gatelint/blob/v1.2.3/docs/rules.md";
        for repository in [
            "https://github.com/acme/gatelint",
            "https://github.com/acme/gatelint/",
            "https://github.com/acme/gatelint.git",
        ] {
            assert_eq!(
                rules_doc_url_in(repository, "1.2.3").as_deref(),
                Some(page),
                "{repository}"
            );
        }
    }

    #[test]
    fn no_link_without_a_github_repository() {
        for repository in [
            "",
            "https://github.com/",
            "https://github.com/acme",
            "https://github.com/acme/gatelint/tree/main",
            "https://gitlab.com/acme/gatelint",
        ] {
            assert_eq!(rules_doc_url_in(repository, "1.2.3"), None, "{repository}");
        }
        assert_eq!(
            rules_doc_url_in("https://github.com/acme/gatelint", ""),
            None
        );
    }
}
