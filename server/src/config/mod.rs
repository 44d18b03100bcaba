//! `gatelint.toml` and suppressions: which rules run, at which severity, on which files, and which
//! findings a comment or a template's `Metadata` silences. [`Config::finish`] is the one place the
//! analysis' findings are filtered and re-graded; `check`, the language server and the fixture
//! harness all call it after [`crate::analysis::analyze`], so they cannot disagree.
//!
//! ```toml
//! select = ["proxy-response", "GL301"]  # default: every rule
//! ignore = ["GL105"]                     # codes, rule names or categories
//! exclude = ["tests/**", "cdk.out"]      # globs relative to this file's folder
//! default-integration-timeout = 29       # seconds, for handlers no template describes
//! [severity]
//! GL102 = "error"
//! ```

mod suppress;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;
use tree_sitter::Tree;

use crate::files::FileKind;
use crate::findings::{Category, Finding, Severity};
use crate::rules::{self, Sink};
use crate::text::TextRange;

pub use suppress::suppression_edit;

/// The file name gatelint looks for at the workspace root.
pub const FILE_NAME: &str = "gatelint.toml";

/// API Gateway's default (and, for REST APIs, usual maximum) integration timeout.
pub const DEFAULT_INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);

/// What a rule selector names: one rule or a whole category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Selector {
    Rule(&'static str),
    Category(Category),
}

impl Selector {
    fn parse(text: &str) -> Option<Selector> {
        if let Some(rule) = rules::find_rule(text) {
            return Some(Selector::Rule(rule.meta.code));
        }
        Category::ALL
            .into_iter()
            .find(|category| category.as_str().eq_ignore_ascii_case(text))
            .map(Selector::Category)
    }

    fn matches(self, code: &str, category: Category) -> bool {
        match self {
            Selector::Rule(selected) => selected == code,
            Selector::Category(selected) => selected == category,
        }
    }
}

/// The configuration in force for a workspace: defaults, or what `gatelint.toml` says.
#[derive(Debug)]
pub struct Config {
    /// The folder `exclude` globs are relative to.
    pub root: PathBuf,
    /// The file this was read from, if any.
    pub path: Option<PathBuf>,
    /// That file's text, for reporting [`Config::problems`] in it.
    pub text: String,
    /// What is wrong in that file (`GL904`), each at the offending key or value.
    pub problems: Vec<Finding>,
    /// The integration timeout assumed for handlers that no template describes.
    pub default_integration_timeout: Duration,
    select: Option<Vec<Selector>>,
    ignore: Vec<Selector>,
    severity: HashMap<&'static str, Severity>,
    exclude: GlobSet,
}

impl Default for Config {
    fn default() -> Self {
        Config::defaults(PathBuf::from("."))
    }
}

/// The file as written; every value keeps its span so a problem is reported where it is.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    default_integration_timeout: Option<Spanned<f64>>,
}

/// The longest a Lambda function can run; no integration waits longer.
const MAX_INTEGRATION_TIMEOUT_SECONDS: f64 = 900.0;

impl Config {
    /// The defaults: every rule at its own severity, nothing excluded.
    pub fn defaults(root: PathBuf) -> Config {
        Config {
            root,
            path: None,
            text: String::new(),
            problems: Vec::new(),
            default_integration_timeout: DEFAULT_INTEGRATION_TIMEOUT,
            select: None,
            ignore: Vec::new(),
            severity: HashMap::new(),
            exclude: GlobSet::empty(),
        }
    }

    /// The `gatelint.toml` that applies to `start`: in it or its nearest parent folder, stopping
    /// at the repository root (the folder holding `.git`).
    pub fn discover(start: &Path) -> Option<PathBuf> {
        for folder in start.ancestors() {
            let candidate = folder.join(FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            if folder.join(".git").exists() {
                break;
            }
        }
        None
    }

    /// Reads a configuration file. `Err` only when it cannot be read at all (the run fails);
    /// what is wrong inside it becomes [`Config::problems`] and the rest still applies.
    pub fn load(path: &Path) -> Result<Config, String> {
        // Through the one guarded reader: a FIFO or a device is refused, the size is capped.
        let text = crate::reader::read_text(path, &crate::reader::Boundary::anywhere())
            .map_err(|refusal| format!("cannot read config {}: {refusal}", path.display()))?;
        let root = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let mut config = Config::parse(root, &text);
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    /// Reads a configuration from its text; never fails (problems are findings).
    pub fn parse(root: PathBuf, text: &str) -> Config {
        let mut config = Config::defaults(root);
        config.text = text.to_owned();
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(error) => {
                let range = error.span().map_or(TextRange::empty(0), |span| {
                    TextRange::new(span.start, span.end)
                });
                let message = error.message().trim().replace('\n', " ");
                config.problem(
                    range,
                    format!("{FILE_NAME} cannot be read: {message}; gatelint uses its defaults until it is fixed"),
                );
                return config;
            }
        };
        config.select = raw.select.map(|list| config.selectors(&list, "select"));
        if let Some(list) = raw.ignore {
            config.ignore = config.selectors(&list, "ignore");
        }
        if let Some(table) = raw.severity {
            for (code, level) in table {
                let Some(rule) = rules::find_rule(code.get_ref()) else {
                    config.problem(
                        span_of(&code),
                        format!(
                            "[severity]: `{}` is no gatelint rule code; `gatelint rule` lists them",
                            code.get_ref()
                        ),
                    );
                    continue;
                };
                match parse_severity(level.get_ref()) {
                    Some(severity) => {
                        config.severity.insert(rule.meta.code, severity);
                    }
                    None => config.problem(
                        span_of(&level),
                        format!(
                            "[severity]: `{}` is no severity; use \"error\", \"warning\", \"info\" or \"hint\"",
                            level.get_ref()
                        ),
                    ),
                }
            }
        }
        if let Some(globs) = raw.exclude {
            let mut builder = GlobSetBuilder::new();
            for glob in &globs {
                match GlobBuilder::new(glob.get_ref())
                    .literal_separator(true)
                    .build()
                {
                    Ok(glob) => {
                        builder.add(glob);
                    }
                    Err(error) => config.problem(
                        span_of(glob),
                        format!(
                            "exclude: `{}` is not a valid glob: {}",
                            glob.get_ref(),
                            error.kind()
                        ),
                    ),
                }
            }
            match builder.build() {
                Ok(set) => config.exclude = set,
                Err(error) => config.problem(TextRange::empty(0), format!("exclude: {error}")),
            }
        }
        if let Some(seconds) = raw.default_integration_timeout {
            let value = *seconds.get_ref();
            if value > 0.0 && value <= MAX_INTEGRATION_TIMEOUT_SECONDS {
                config.default_integration_timeout = Duration::from_secs_f64(value);
            } else {
                config.problem(
                    span_of(&seconds),
                    format!(
                        "default-integration-timeout: {value} is not a number of seconds above 0 and at most {MAX_INTEGRATION_TIMEOUT_SECONDS}"
                    ),
                );
            }
        }
        config
    }

    fn selectors(&mut self, list: &[Spanned<String>], key: &str) -> Vec<Selector> {
        let mut selectors = Vec::new();
        for item in list {
            match Selector::parse(item.get_ref()) {
                Some(selector) => selectors.push(selector),
                None => self.problem(
                    span_of(item),
                    format!(
                        "{key}: `{}` is neither a gatelint rule code, a rule name nor a category; `gatelint rule` lists them",
                        item.get_ref()
                    ),
                ),
            }
        }
        selectors
    }

    fn problem(&mut self, range: TextRange, message: String) {
        let mut sink = Sink::new(&rules::config::INVALID_CONFIG.meta);
        sink.report(range, message);
        self.problems.extend(sink.into_findings());
    }

    /// Whether the rule with `code` runs. `select` narrows the analysis rules; gatelint's own
    /// `config` findings (an unreadable file, a bad suppression) stay on unless ignored by name.
    pub fn is_enabled(&self, code: &str) -> bool {
        let Some(rule) = rules::find_rule(code) else {
            return true;
        };
        let category = rule.meta.category;
        if self
            .ignore
            .iter()
            .any(|selector| selector.matches(code, category))
        {
            return false;
        }
        match &self.select {
            None => true,
            Some(_) if category == Category::Config => true,
            Some(selected) => selected
                .iter()
                .any(|selector| selector.matches(code, category)),
        }
    }

    /// The severity of `code`'s findings: the configured one, else `default`.
    pub fn severity(&self, code: &str, default: Severity) -> Severity {
        self.severity.get(code).copied().unwrap_or(default)
    }

    /// Whether `path` (or a folder it is in) matches an `exclude` glob, relative to the root.
    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let relative = relative_to(path, &self.root);
        relative
            .ancestors()
            .filter(|part| !part.as_os_str().is_empty())
            .any(|part| self.exclude.is_match(part))
    }

    /// The findings of one file as the user sees them: rules not selected dropped, severities
    /// overridden, suppressed findings removed, and stale or unknown suppressions reported.
    pub fn finish(&self, file: &SourceFile<'_>, findings: Vec<Finding>) -> Vec<Finding> {
        let mut findings: Vec<Finding> = findings
            .into_iter()
            .filter(|finding| self.is_enabled(finding.code))
            .collect();
        let suppressions = suppress::Suppressions::collect(file);
        if !suppressions.is_empty() {
            findings = suppressions.apply(file.text, findings, |code| self.is_enabled(code));
        }
        findings.retain(|finding| self.is_enabled(finding.code));
        for finding in &mut findings {
            finding.severity = self.severity(finding.code, finding.severity);
        }
        findings.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
        findings
    }
}

/// Rule settings an editor sends (`initializationOptions.rules`, or `gatelint.rules` in
/// `workspace/didChangeConfiguration`): they apply over `gatelint.toml`. A non-empty `select`
/// replaces the file's, `ignore` adds to it, `severity` overrides it code by code.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct EditorSettings {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, String>,
}

impl EditorSettings {
    /// The rule settings in an editor's settings object: `{"gatelint": {"rules": {...}}}` (a
    /// configuration section as VS Code sends it), `{"rules": {...}}` (initialization options), or
    /// `None` when it holds no `rules` at all (so settings from elsewhere stay in force).
    pub fn from_json(value: &serde_json::Value) -> Option<Result<EditorSettings, String>> {
        let rules = value
            .get("gatelint")
            .and_then(|section| section.get("rules"))
            .or_else(|| value.get("rules"))?;
        Some(
            serde_json::from_value(rules.clone())
                .map_err(|error| format!("gatelint.rules cannot be read: {error}")),
        )
    }
}

impl Config {
    /// Applies an editor's rule settings; returns what in them names no rule, category or
    /// severity (those entries are skipped, the rest applies).
    pub fn apply_editor_settings(&mut self, settings: &EditorSettings) -> Vec<String> {
        let mut problems = Vec::new();
        let mut selectors = |list: &[String], key: &str| -> Vec<Selector> {
            list.iter()
                .filter_map(|item| {
                    let selector = Selector::parse(item);
                    if selector.is_none() {
                        problems.push(format!(
                            "gatelint.rules.{key}: `{item}` is neither a gatelint rule code, a rule name nor a category"
                        ));
                    }
                    selector
                })
                .collect()
        };
        let select = selectors(&settings.select, "select");
        let ignore = selectors(&settings.ignore, "ignore");
        if !settings.select.is_empty() {
            self.select = Some(select);
        }
        self.ignore.extend(ignore);
        for (code, level) in &settings.severity {
            let Some(rule) = rules::find_rule(code) else {
                problems.push(format!(
                    "gatelint.rules.severity: `{code}` is no gatelint rule code"
                ));
                continue;
            };
            match parse_severity(level) {
                Some(severity) => {
                    self.severity.insert(rule.meta.code, severity);
                }
                None => problems.push(format!(
                    "gatelint.rules.severity: `{level}` ({code}) is no severity; use \"error\", \"warning\", \"info\" or \"hint\""
                )),
            }
        }
        problems
    }
}

/// One file as [`Config::finish`] reads it: its suppression comments need the syntax tree, its
/// template metadata the template model.
pub struct SourceFile<'a> {
    pub kind: Option<FileKind>,
    pub tree: Option<&'a Tree>,
    pub text: &'a str,
}

fn span_of<T>(spanned: &Spanned<T>) -> TextRange {
    let span = spanned.span();
    TextRange::new(span.start, span.end)
}

fn parse_severity(text: &str) -> Option<Severity> {
    [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Hint,
    ]
    .into_iter()
    .find(|severity| severity.as_str().eq_ignore_ascii_case(text))
}

/// `path` relative to `root`, comparing absolute forms when one of them is relative.
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    if let Ok(relative) = path.strip_prefix(root) {
        return relative.to_path_buf();
    }
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .map(|p| crate::reader::normalize_lexically(&p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (path_abs, root_abs) = (absolute(path), absolute(root));
    path_abs
        .strip_prefix(&root_abs)
        .map_or(path_abs.clone(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        Config::parse(PathBuf::from("/repo"), text)
    }

    #[test]
    fn editor_settings_apply_over_the_file() {
        let mut config =
            parse("select = [\"timeout\"]\nignore = [\"GL402\"]\n[severity]\nGL401 = \"info\"\n");
        let value = serde_json::json!({"gatelint": {"server": {"path": ""}, "rules": {
            "select": ["proxy-response", "GL401", "nonsense"],
            "ignore": ["GL105"],
            "severity": {"GL102": "error", "GL401": "hint", "GL999": "error", "GL103": "loud"}
        }}});
        let settings = EditorSettings::from_json(&value)
            .expect("rules present")
            .expect("well-formed");
        let problems = config.apply_editor_settings(&settings);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`nonsense`"), "{problems:?}");
        assert!(config.is_enabled("GL106"), "selected by the editor");
        assert!(
            !config.is_enabled("GL403"),
            "the editor's select replaces the file's"
        );
        assert!(!config.is_enabled("GL105"), "ignored by the editor");
        assert!(!config.is_enabled("GL402"), "still ignored by the file");
        assert_eq!(config.severity("GL102", Severity::Warning), Severity::Error);
        assert_eq!(config.severity("GL401", Severity::Warning), Severity::Hint);
        assert_eq!(
            config.severity("GL103", Severity::Warning),
            Severity::Warning
        );
    }

    #[test]
    fn editor_settings_without_rules_change_nothing() {
        assert_eq!(
            EditorSettings::from_json(&serde_json::json!({"gatelint": {}})),
            None
        );
        assert_eq!(EditorSettings::from_json(&serde_json::Value::Null), None);
        let empty = EditorSettings::from_json(&serde_json::json!({"rules": {"select": []}}))
            .expect("rules present")
            .expect("well-formed");
        let mut config = parse("select = [\"timeout\"]\n");
        assert!(config.apply_editor_settings(&empty).is_empty());
        assert!(
            !config.is_enabled("GL106"),
            "an empty select keeps the file's"
        );
        assert!(
            EditorSettings::from_json(&serde_json::json!({"rules": {"select": "GL101"}}))
                .expect("rules present")
                .is_err()
        );
    }

    #[test]
    fn selects_ignores_and_regrades() {
        let config = parse(
            "select = [\"proxy-response\", \"GL301\"]\nignore = [\"string-status-code\"]\n\
             exclude = [\"tests/**\", \"cdk.out\"]\ndefault-integration-timeout = 10\n\
             [severity]\nGL102 = \"error\"\n",
        );
        assert!(config.problems.is_empty(), "{:?}", config.problems);
        assert!(config.is_enabled("GL106"));
        assert!(config.is_enabled("GL301"));
        assert!(!config.is_enabled("GL401"), "not selected");
        assert!(!config.is_enabled("GL105"), "ignored by name");
        assert!(config.is_enabled("GL901"), "config findings stay on");
        assert_eq!(config.severity("GL102", Severity::Warning), Severity::Error);
        assert_eq!(config.default_integration_timeout, Duration::from_secs(10));
        assert!(config.is_excluded(Path::new("/repo/tests/unit/app.py")));
        assert!(config.is_excluded(Path::new("/repo/cdk.out/asset/app.py")));
        assert!(!config.is_excluded(Path::new("/repo/src/tests.py")));
    }

    #[test]
    fn problems_point_at_the_offending_key_or_value() {
        let text = "ignore = [\"GL1O6\"]\nexclud = []\n";
        let config = parse(text);
        assert_eq!(
            config.problems.len(),
            1,
            "a syntax-level error stops reading"
        );
        let problem = &config.problems[0];
        assert_eq!(problem.code, "GL904");
        assert_eq!(problem.range.slice(text), "exclud");
        assert!(
            problem.message.contains("unknown field"),
            "{}",
            problem.message
        );

        let text = "ignore = [\"GL1O6\"]\n[severity]\nGL102 = \"fatal\"\nGL999 = \"error\"\n";
        let config = parse(text);
        let found: Vec<&str> = config
            .problems
            .iter()
            .map(|problem| problem.range.slice(text))
            .collect();
        assert_eq!(found, ["\"GL1O6\"", "\"fatal\"", "GL999"]);
        assert!(
            config.is_enabled("GL106"),
            "a bad entry is skipped, not applied"
        );

        let broken = parse("select = [\"GL106\"\n");
        assert_eq!(broken.problems.len(), 1);
        assert!(broken.is_enabled("GL401"), "defaults apply, loudly");

        let zero = parse("default-integration-timeout = 0\n");
        assert_eq!(zero.problems.len(), 1);
        assert_eq!(
            zero.default_integration_timeout,
            DEFAULT_INTEGRATION_TIMEOUT
        );
    }
}
