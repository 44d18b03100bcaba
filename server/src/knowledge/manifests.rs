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
        /// The root of npm or yarn `workspaces` (or, as the workspace marks it, of a pnpm
        /// workspace): its install brings the members' packages into its own `node_modules`,
        /// which a member's deployed package does not contain.
        workspace_root: bool,
        /// `"type"`: `module` makes Node load `.js` files below it as ES modules.
        module_type: Option<String>,
        /// The lockfile beside it (`package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`), when
        /// there is one: every package the install puts in the top `node_modules`.
        locked: Option<Box<Lock>>,
        /// The version range written for each package it declares, development ones included.
        versions: std::collections::HashMap<String, String>,
        /// Where a package is added to its `dependencies`; `None` when the text is not a JSON
        /// object gatelint can edit.
        insertion: Option<Box<DependencyInsertion>>,
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

/// Where a `package.json` takes one more entry of `dependencies`: right after the opening brace
/// of its `dependencies` object, or of the whole object when it has none.
#[derive(Clone, Debug, PartialEq)]
pub struct DependencyInsertion {
    /// The byte offset just after the `{`.
    pub offset: usize,
    /// Whether `dependencies` is missing (then the key and its object are added).
    pub new_object: bool,
    /// Whether the object written into is empty (then no comma follows the new entry).
    pub empty: bool,
    /// The indentation of the members of the object written into, and of that object's key.
    pub indent: String,
    pub outer_indent: String,
}

impl DependencyInsertion {
    /// The text that adds `"name": "version"` at [`Self::offset`].
    pub fn text(&self, name: &str, version: &str) -> String {
        let member = |indent: &str| format!("{indent}\"{name}\": \"{version}\"");
        if self.new_object {
            // `indent` is the top level's; the dependencies' members one level deeper.
            let step = self.indent.strip_prefix(&self.outer_indent).unwrap_or("  ");
            let inner = format!("{}{step}", self.indent);
            return format!(
                "\n{}\"dependencies\": {{\n{}\n{}}}{}",
                self.indent,
                member(&inner),
                self.indent,
                if self.empty { "\n" } else { "," }
            );
        }
        if self.empty {
            format!("\n{}\n{}", member(&self.indent), self.outer_indent)
        } else {
            format!("\n{},", member(&self.indent))
        }
    }
}

/// The packages an npm or yarn lockfile installs at the top of `node_modules`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lock {
    /// Package names, each with whether only development dependencies need it (`"dev": true`
    /// in an npm lockfile; `None` where the lockfile does not say, as in `yarn.lock`).
    pub packages: std::collections::HashMap<String, Option<bool>>,
    /// The version installed, where the lockfile says.
    pub versions: std::collections::HashMap<String, String>,
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
        let mut versions = std::collections::HashMap::new();
        let mut version = |name: &str, entry: &serde_json::Value| {
            if let Some(written) = entry.get("version").and_then(serde_json::Value::as_str) {
                versions.insert(name.to_owned(), written.to_owned());
            }
        };
        if let Some(serde_json::Value::Object(entries)) = root.get("packages") {
            for (path, entry) in entries {
                let Some(name) = path.strip_prefix("node_modules/") else {
                    continue;
                };
                if !name.contains("/node_modules/") {
                    packages.insert(name.to_owned(), dev(entry));
                    version(name, entry);
                }
            }
        } else if let Some(serde_json::Value::Object(entries)) = root.get("dependencies") {
            for (name, entry) in entries {
                packages.insert(name.clone(), dev(entry));
                version(name, entry);
            }
        } else {
            return None;
        }
        Some(Lock { packages, versions })
    }

    /// Reads a `yarn.lock` (classic and berry): the package name of each entry's header
    /// (`uuid@^9.0.0:`, `"@scope/name@npm:^1", "@scope/name@^1":`); whether it is a development
    /// dependency is not written there.
    pub fn yarn(text: &str) -> Option<Lock> {
        let mut packages = std::collections::HashMap::new();
        let mut versions = std::collections::HashMap::new();
        // The names of the entry being read, for its `version` line.
        let mut current: Vec<String> = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("  version") {
                // Classic `  version "9.0.1"`, berry `  version: 9.0.1`.
                let written = rest.trim_start_matches(':').trim().trim_matches('"');
                let exact = !written.is_empty()
                    && written
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
                for name in current.drain(..).filter(|_| exact) {
                    versions.insert(name, written.to_owned());
                }
                continue;
            }
            if line.starts_with([' ', '#']) || !line.trim_end().ends_with(':') {
                continue;
            }
            current.clear();
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
                    current.push(spec[..at].to_owned());
                }
            }
        }
        (!packages.is_empty()).then_some(Lock { packages, versions })
    }
}

impl Lock {
    /// Reads a `pnpm-lock.yaml` (lockfile versions 5 to 9): the package of each key of
    /// `packages` (`/uuid/9.0.1` in version 5, `/uuid@9.0.1` in 6, `uuid@9.0.1` in 9, peers in
    /// parentheses or after `_`), with its `dev` flag where the lockfile writes one (5 and 6).
    /// pnpm itself links only declared packages at the top of `node_modules`, but the npm install
    /// `sam build` runs hoists the whole graph: every package the lockfile holds may be there.
    pub fn pnpm(text: &str) -> Option<Lock> {
        let major = text.lines().find_map(|line| {
            let version = line.strip_prefix("lockfileVersion:")?;
            let version = version.trim().trim_matches(['\'', '"']);
            version.split('.').next()?.parse::<u32>().ok()
        })?;
        let mut packages = std::collections::HashMap::new();
        let mut versions = std::collections::HashMap::new();
        let mut section = "";
        let mut current: Option<String> = None;
        for line in text.lines() {
            if !line.starts_with(' ') && line.ends_with(':') {
                section = line.trim_end_matches(':');
                current = None;
                continue;
            }
            if section != "packages" && section != "snapshots" {
                continue;
            }
            if let Some(flag) = line.strip_prefix("    dev: ") {
                if let Some(name) = &current {
                    packages.insert(name.clone(), Some(flag.trim() == "true"));
                }
                continue;
            }
            let Some(key) = line
                .strip_prefix("  ")
                .filter(|key| !key.starts_with(' '))
                .and_then(|key| key.strip_suffix(':'))
            else {
                continue;
            };
            let key = key.trim_matches(['\'', '"']);
            let key = key.strip_prefix('/').unwrap_or(key);
            let key = key.split('(').next().unwrap_or(key);
            let (name, version) = if major <= 5 {
                // `name/1.2.3`, `@scope/name/1.2.3_peer@1`.
                let key = key.split('_').next().unwrap_or(key);
                let Some((name, version)) = key.rsplit_once('/') else {
                    continue;
                };
                (name, version)
            } else {
                let Some(at) = key
                    .get(1..)
                    .and_then(|rest| rest.find('@'))
                    .map(|at| at + 1)
                else {
                    continue;
                };
                (&key[..at], &key[at + 1..])
            };
            if name.is_empty() || version.is_empty() {
                continue;
            }
            packages.entry(name.to_owned()).or_insert(None);
            versions
                .entry(name.to_owned())
                .or_insert_with(|| version.to_owned());
            current = Some(name.to_owned());
        }
        Some(Lock { packages, versions })
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
            workspace_root: false,
            module_type: None,
            locked: None,
            versions: std::collections::HashMap::new(),
            insertion: None,
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
    let mut versions = std::collections::HashMap::new();
    for key in [
        "dependencies",
        "optionalDependencies",
        "peerDependencies",
        "devDependencies",
    ] {
        if let Some(serde_json::Value::Object(entries)) = root.get(key) {
            for (name, version) in entries {
                if let Some(version) = version.as_str() {
                    versions
                        .entry(name.clone())
                        .or_insert_with(|| version.to_owned());
                }
            }
        }
    }
    let insertion = match root.get("dependencies") {
        None | Some(serde_json::Value::Object(_)) => dependency_insertion(text).map(Box::new),
        Some(_) => None,
    };
    Manifest::Node {
        installed,
        development: names("devDependencies"),
        opaque: root.contains_key("workspaces"),
        workspace_root: root.contains_key("workspaces"),
        module_type: root
            .get("type")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        locked: None,
        versions,
        insertion,
    }
}

/// Where `dependencies` takes one more entry, from a scan of the (valid) JSON text: the top-level
/// `"dependencies"` object's opening brace, or the root's when there is none.
fn dependency_insertion(text: &str) -> Option<DependencyInsertion> {
    let bytes = text.as_bytes();
    let root = text.find('{')?;
    let indent_before = |at: usize| -> String {
        let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
        text[line_start..at]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect()
    };
    // The first non-blank byte after `at`.
    let next_token = |at: usize| {
        text[at..]
            .char_indices()
            .find(|(_, c)| !c.is_whitespace())
            .map(|(offset, c)| (at + offset, c))
    };
    let mut depth = 0usize;
    let mut at = root;
    let mut first_member: Option<usize> = None;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let start = at;
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 {
                    first_member.get_or_insert(start);
                    let key = text.get(start + 1..at)?;
                    let after = next_token(at + 1)?;
                    if key == "dependencies" && after.1 == ':' {
                        let (brace, c) = next_token(after.0 + 1)?;
                        if c != '{' {
                            return None;
                        }
                        let (member, c) = next_token(brace + 1)?;
                        let empty = c == '}';
                        let outer_indent = indent_before(start);
                        let indent = if empty {
                            format!("{outer_indent}  ")
                        } else {
                            indent_before(member)
                        };
                        return Some(DependencyInsertion {
                            offset: brace + 1,
                            new_object: false,
                            empty,
                            indent,
                            outer_indent,
                        });
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.checked_sub(1)?,
            _ => {}
        }
        at += 1;
    }
    let indent = first_member.map_or_else(|| "  ".to_owned(), indent_before);
    Some(DependencyInsertion {
        offset: root + 1,
        new_object: true,
        empty: first_member.is_none(),
        indent,
        outer_indent: indent_before(root),
    })
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

    /// Whether a manifest above the code folder names the Node package `package`: a workspace
    /// root's own install is not in the member's deployed package, so its workspaces leave
    /// nothing unknown; only what it names might be brought by a build gatelint does not see.
    pub fn names_package_outside(&self, package: &str) -> Declared {
        match self {
            Manifest::Node {
                workspace_root: true,
                installed,
                development,
                ..
            } => {
                if installed
                    .iter()
                    .chain(development)
                    .any(|name| name == package)
                {
                    Declared::Yes
                } else {
                    Declared::No
                }
            }
            _ => self.declares_package(package),
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
        assert_eq!(
            yarn.versions.get("@middy/core").map(String::as_str),
            Some("4.1.0")
        );
        assert_eq!(npm.versions.get("uuid").map(String::as_str), Some("9.0.1"));
        assert!(yarn.packages.contains_key("@middy/core"));
        assert_eq!(yarn.packages.get("uuid"), Some(&None));
    }

    /// `text` with `name: version` added where the manifest says.
    fn added(text: &str) -> String {
        let Manifest::Node {
            insertion: Some(insertion),
            ..
        } = package_json(text)
        else {
            panic!("an insertion point");
        };
        let mut out = text.to_owned();
        out.insert_str(insertion.offset, &insertion.text("uuid", "^9.0.1"));
        assert!(
            serde_json::from_str::<serde_json::Value>(&out).is_ok(),
            "valid JSON: {out}"
        );
        out
    }

    #[test]
    fn a_dependency_added_to_package_json() {
        assert_eq!(
            added("{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"axios\": \"^1\"\n  }\n}\n"),
            "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"uuid\": \"^9.0.1\",\n    \"axios\": \"^1\"\n  }\n}\n"
        );
        assert_eq!(
            added("{\n  \"name\": \"x\",\n  \"dependencies\": {}\n}\n"),
            "{\n  \"name\": \"x\",\n  \"dependencies\": {\n    \"uuid\": \"^9.0.1\"\n  }\n}\n"
        );
        assert_eq!(
            added("{\n    \"name\": \"x\",\n    \"scripts\": {\"dependencies\": \"no\"}\n}\n"),
            "{\n    \"dependencies\": {\n        \"uuid\": \"^9.0.1\"\n    },\n    \"name\": \"x\",\n    \"scripts\": {\"dependencies\": \"no\"}\n}\n"
        );
        added("{}");
        let Manifest::Node { versions, .. } =
            package_json(r#"{"devDependencies": {"uuid": "^9.0.1"}}"#)
        else {
            panic!("node");
        };
        assert_eq!(versions.get("uuid").map(String::as_str), Some("^9.0.1"));
    }

    #[test]
    fn pnpm_lockfiles_of_every_version() {
        let v5 = Lock::pnpm("lockfileVersion: 5.4\n\nspecifiers:\n  uuid: ^9.0.0\n\npackages:\n\n  /uuid/9.0.1:\n    resolution: {integrity: sha512-x}\n    dev: false\n\n  /@types/node/20.1.0:\n    dev: true\n\n  /react-dom/18.2.0_react@18.2.0:\n    dev: false\n").expect("v5");
        assert_eq!(v5.packages.get("uuid"), Some(&Some(false)));
        assert_eq!(v5.packages.get("@types/node"), Some(&Some(true)));
        assert_eq!(
            v5.versions.get("react-dom").map(String::as_str),
            Some("18.2.0")
        );
        let v6 = Lock::pnpm("lockfileVersion: '6.0'\n\npackages:\n\n  /@middy/core@4.1.0:\n    dev: false\n\n  /ws@8.0.0(bufferutil@4.0.0):\n    dev: true\n").expect("v6");
        assert_eq!(v6.packages.get("@middy/core"), Some(&Some(false)));
        assert_eq!(v6.packages.get("ws"), Some(&Some(true)));
        let v9 = Lock::pnpm("lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      uuid:\n        specifier: ^9\n        version: 9.0.1\n\npackages:\n\n  uuid@9.0.1:\n    resolution: {integrity: sha512-x}\n\n  '@aws-lambda-powertools/logger@2.0.0':\n    resolution: {integrity: sha512-y}\n\nsnapshots:\n\n  uuid@9.0.1: {}\n").expect("v9");
        assert_eq!(v9.packages.get("uuid"), Some(&None));
        assert!(v9.packages.contains_key("@aws-lambda-powertools/logger"));
        assert!(!v9.packages.contains_key("specifier"));
        assert_eq!(v9.versions.get("uuid").map(String::as_str), Some("9.0.1"));
        assert_eq!(Lock::pnpm("not a lockfile"), None);
    }

    #[test]
    fn a_workspace_root_above_names_only_what_it_lists() {
        let root = package_json(
            r#"{"private": true, "workspaces": ["functions/*"], "devDependencies": {"esbuild": "^0.20"}}"#,
        );
        assert_eq!(root.declares_package("axios"), Declared::Unknown);
        assert_eq!(root.names_package_outside("axios"), Declared::No);
        assert_eq!(root.names_package_outside("esbuild"), Declared::Yes);
        assert_eq!(
            package_json("{").names_package_outside("axios"),
            Declared::Unknown
        );
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
