//! What a function's dependency manifests declare, as the builds read them: a `package.json`'s
//! `dependencies` (what `sam build`'s `npm install --production` installs) and `devDependencies`
//! (what it leaves out), a `requirements.txt`'s distributions (what `sam build` installs with
//! pip), and Python's other manifests (`pyproject.toml`, `Pipfile`, `setup.py`, `setup.cfg`),
//! read only for the names they mention.

use super::runtimes::normalize_distribution;

/// One manifest's declarations.
#[derive(Clone, Debug, PartialEq)]
pub enum Manifest {
    /// `package.json`.
    Node {
        /// `dependencies`, `optionalDependencies`, `peerDependencies`, `bundledDependencies`.
        installed: Vec<String>,
        /// `devDependencies`: a production install leaves them out.
        development: Vec<String>,
        /// npm workspaces or an unreadable file: what is installed is unknown.
        opaque: bool,
        /// `"type"`: `module` makes Node load `.js` files below it as ES modules.
        module_type: Option<String>,
        /// The lockfile beside it (`package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`), when
        /// there is one: every package the install puts in the top `node_modules`.
        locked: Option<Lock>,
    },
    /// `requirements.txt`: normalised distribution names.
    Requirements {
        distributions: Vec<String>,
        /// `-r other.txt`, `-e .`, a path or URL: more is installed than gatelint reads.
        opaque: bool,
        /// Where a line added to the file goes (its end), and whether a line break must come first.
        end: usize,
        open_line: bool,
    },
    /// `pyproject.toml`, `Pipfile`, `setup.py`, `setup.cfg`: every word it mentions, normalised.
    /// What a build makes of it is not read: a name it does not mention is unknown.
    Mentions { words: Vec<String> },
}

/// How a manifest stands to a package (a Node package name, or a Python module's distributions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Declared {
    Yes,
    /// Only as a development dependency.
    Development,
    No,
    Unknown,
}

/// The packages an npm or yarn lockfile installs at the top of `node_modules`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lock {
    /// Package names, each with whether only development dependencies need it (`"dev": true`
    /// in an npm lockfile; `None` where the lockfile does not say, as in `yarn.lock`).
    pub packages: std::collections::HashMap<String, Option<bool>>,
}

impl Lock {
    /// Reads `package-lock.json` / `npm-shrinkwrap.json` (lockfile versions 1 to 3): the top-level
    /// `node_modules/<name>` entries of `packages`, or the keys of `dependencies`.
    pub fn npm(text: &str) -> Option<Lock> {
        let serde_json::Value::Object(root) = serde_json::from_str(text).ok()? else {
            return None;
        };
        let dev = |entry: &serde_json::Value| {
            Some(entry.get("dev").and_then(serde_json::Value::as_bool) == Some(true))
        };
        let mut packages = std::collections::HashMap::new();
        if let Some(serde_json::Value::Object(entries)) = root.get("packages") {
            for (path, entry) in entries {
                let Some(name) = path.strip_prefix("node_modules/") else {
                    continue;
                };
                if !name.contains("/node_modules/") {
                    packages.insert(name.to_owned(), dev(entry));
                }
            }
        } else if let Some(serde_json::Value::Object(entries)) = root.get("dependencies") {
            for (name, entry) in entries {
                packages.insert(name.clone(), dev(entry));
            }
        } else {
            return None;
        }
        Some(Lock { packages })
    }

    /// Reads a `yarn.lock` (classic and berry): the package name of each entry's header
    /// (`uuid@^9.0.0:`, `"@scope/name@npm:^1", "@scope/name@^1":`); whether it is a development
    /// dependency is not written there.
    pub fn yarn(text: &str) -> Option<Lock> {
        let mut packages = std::collections::HashMap::new();
        for line in text.lines() {
            if line.starts_with([' ', '#']) || !line.trim_end().ends_with(':') {
                continue;
            }
            for spec in line.trim_end().trim_end_matches(':').split(", ") {
                let spec = spec.trim().trim_matches('"');
                // The version starts at the last `@` that is not the scope's.
                let Some(at) = spec
                    .get(1..)
                    .and_then(|rest| rest.find('@'))
                    .map(|at| at + 1)
                else {
                    continue;
                };
                if spec[..at] != *"__metadata" {
                    packages.insert(spec[..at].to_owned(), None);
                }
            }
        }
        (!packages.is_empty()).then_some(Lock { packages })
    }
}

/// Reads a `package.json`.
pub fn package_json(text: &str) -> Manifest {
    let Ok(serde_json::Value::Object(root)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return Manifest::Node {
            installed: Vec::new(),
            development: Vec::new(),
            opaque: true,
            module_type: None,
            locked: None,
        };
    };
    let names = |key: &str| -> Vec<String> {
        match root.get(key) {
            Some(serde_json::Value::Object(entries)) => entries.keys().cloned().collect(),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut installed = names("dependencies");
    for key in [
        "optionalDependencies",
        "peerDependencies",
        "bundledDependencies",
        "bundleDependencies",
    ] {
        installed.extend(names(key));
    }
    Manifest::Node {
        installed,
        development: names("devDependencies"),
        opaque: root.contains_key("workspaces"),
        module_type: root
            .get("type")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        locked: None,
    }
}

/// Reads a `requirements.txt`.
pub fn requirements(text: &str) -> Manifest {
    let mut distributions = Vec::new();
    let mut opaque = false;
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('-') {
            // Index options change where from, not what; includes and editables add unknowns.
            let option = line.split([' ', '=']).next().unwrap_or("");
            if matches!(
                option,
                "-r" | "--requirement" | "-e" | "--editable" | "-c" | "--constraint"
            ) || option.starts_with("-r")
                || option.starts_with("-e")
            {
                opaque = true;
            }
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        let rest = &line[name.len()..];
        let plain = rest.is_empty()
            || rest.starts_with([' ', '[', ';', '<', '>', '=', '!', '~', '@', '\t']);
        if name.is_empty()
            || !plain
            || name.starts_with('.')
            || line.contains("://") && !line.contains('@')
        {
            opaque = true;
            continue;
        }
        distributions.push(normalize_distribution(&name));
    }
    Manifest::Requirements {
        distributions,
        opaque,
        end: text.len(),
        open_line: !text.is_empty() && !text.ends_with('\n'),
    }
}

/// Reads a Python manifest other than `requirements.txt` for the names it mentions.
pub fn python_mentions(text: &str) -> Manifest {
    let words = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .filter(|word| !word.is_empty())
        .map(normalize_distribution)
        .collect();
    Manifest::Mentions { words }
}

impl Manifest {
    /// Whether the manifest declares the Node package `package`.
    pub fn declares_package(&self, package: &str) -> Declared {
        match self {
            Manifest::Node {
                installed,
                development,
                opaque,
                ..
            } => {
                if installed.iter().any(|name| name == package) {
                    Declared::Yes
                } else if development.iter().any(|name| name == package) {
                    Declared::Development
                } else if *opaque {
                    Declared::Unknown
                } else {
                    Declared::No
                }
            }
            _ => Declared::Unknown,
        }
    }

    /// Whether the manifest declares one of `distributions` (normalised names that may provide
    /// the module imported).
    pub fn declares_distribution(&self, distributions: &[String]) -> Declared {
        match self {
            Manifest::Requirements {
                distributions: listed,
                opaque,
                ..
            } => {
                if listed.iter().any(|name| distributions.contains(name)) {
                    Declared::Yes
                } else if *opaque {
                    Declared::Unknown
                } else {
                    Declared::No
                }
            }
            Manifest::Mentions { words } => {
                if words.iter().any(|word| distributions.contains(word)) {
                    Declared::Yes
                } else {
                    Declared::Unknown
                }
            }
            Manifest::Node { .. } => Declared::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_json_dependencies_and_development_ones() {
        let manifest = package_json(
            r#"{"name": "orders", "dependencies": {"uuid": "^9"}, "devDependencies": {"aws-sdk": "^2"}}"#,
        );
        assert_eq!(manifest.declares_package("uuid"), Declared::Yes);
        assert_eq!(manifest.declares_package("aws-sdk"), Declared::Development);
        assert_eq!(manifest.declares_package("axios"), Declared::No);
        assert_eq!(
            package_json("{").declares_package("axios"),
            Declared::Unknown
        );
    }

    #[test]
    fn lockfiles_list_what_the_install_puts_at_the_top() {
        let npm = Lock::npm(
            r#"{"lockfileVersion": 3, "packages": {"": {"name": "x"}, "node_modules/uuid": {"version": "9.0.1"}, "node_modules/jest": {"dev": true}, "node_modules/a/node_modules/b": {}}}"#,
        )
        .expect("an npm lockfile");
        assert_eq!(npm.packages.get("uuid"), Some(&Some(false)));
        assert_eq!(npm.packages.get("jest"), Some(&Some(true)));
        assert_eq!(npm.packages.get("b"), None);
        let v1 = Lock::npm(
            r#"{"lockfileVersion": 1, "dependencies": {"middy": {"version": "0.17.1"}}}"#,
        )
        .expect("a version 1 lockfile");
        assert!(v1.packages.contains_key("middy"));
        let yarn = Lock::yarn(
            "# yarn lockfile v1\n\nuuid@^9.0.0:\n  version \"9.0.1\"\n\n\"@middy/core@^4\", \"@middy/core@^4.1\":\n  version \"4.1.0\"\n",
        )
        .expect("a yarn lockfile");
        assert!(yarn.packages.contains_key("uuid"));
        assert!(yarn.packages.contains_key("@middy/core"));
        assert_eq!(yarn.packages.get("uuid"), Some(&None));
    }

    #[test]
    fn requirements_files() {
        let manifest = requirements("# deps\nrequests==2.31.0\nPyYAML>=6 ; python_version > '3'\naws_lambda_powertools[tracer]\n--index-url https://pypi.org/simple\n");
        let Manifest::Requirements {
            distributions,
            opaque,
            end,
            open_line,
        } = &manifest
        else {
            panic!("requirements");
        };
        assert_eq!(
            distributions,
            &["requests", "pyyaml", "aws-lambda-powertools"]
        );
        assert!(!opaque);
        // A line added goes at the end, after the last line's break.
        assert_eq!((*end, *open_line), (123, false));
        let Manifest::Requirements { open_line, .. } = requirements("requests") else {
            panic!("requirements");
        };
        assert!(open_line);
        assert_eq!(
            manifest.declares_distribution(&["pyyaml".into()]),
            Declared::Yes
        );
        assert_eq!(
            manifest.declares_distribution(&["pandas".into()]),
            Declared::No
        );
        assert!(matches!(
            requirements("-r base.txt\n"),
            Manifest::Requirements { opaque: true, .. }
        ));
        assert!(matches!(
            requirements("./libs/shared\n"),
            Manifest::Requirements { opaque: true, .. }
        ));
    }
}
