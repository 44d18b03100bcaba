//! gatelint: catches Amazon API Gateway ↔ AWS Lambda integration errors in handlers and
//! SAM/CloudFormation templates before deploy. See `ARCHITECTURE.md` for the layout.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod fixes;
pub mod knowledge;
pub mod languages;
pub mod lsp;
pub mod rules;
pub mod templates;
pub mod text;
pub mod workspace;

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
mod tests {
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
