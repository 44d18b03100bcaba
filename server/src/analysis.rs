//! Runs the rules over one file. The CLI and the language server both call [`analyze`], so they
//! cannot disagree; what the workspace knows about the file (which API invokes its handlers) comes
//! in as a [`FileContext`]. Which objects are proxy responses is the proxy-response rules' policy
//! (`rules::proxy_response::reading`); this module only runs the rules.

use std::collections::HashMap;
use std::path::PathBuf;

use tree_sitter::Tree;

use crate::context::{FileContext, HandlerContext};
use crate::files::FileKind;
use crate::findings::{Edit, Finding, Fix};
use crate::guard::guarded;
use crate::languages;
use crate::languages::grammar_gaps::SyntaxProblem;
use crate::rules::proxy_response::reading;
use crate::rules::{self, Check, ResponseContext, Sink, SourceContext, TemplateContext, REGISTRY};
use crate::templates::functions::LinkProblemKind;
use crate::templates::inline::Embedded;
use crate::templates::{self, Graph, TemplateModel};
use crate::text::TextRange;

/// All findings for one file, sorted by position.
pub fn analyze(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
) -> Vec<Finding> {
    analyze_with_model(kind, tree, text, context, None)
}

/// [`analyze`], given a template's model already read from the same text (by the workspace
/// index), so that a large template is not read twice.
pub fn analyze_with_model(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
    model: Option<&TemplateModel>,
) -> Vec<Finding> {
    analyze_read(kind, tree, text, context, model, false, None)
}

/// [`analyze_with_model`] of a version of an open document, given what the query pass over the
/// document's previous version kept (see [`languages::KeptMatches`]; the store keeps it with the
/// document): a keystroke searches again only the top-level definitions it changed. The
/// findings are the ones [`analyze_with_model`] gives.
pub fn analyze_kept(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
    model: Option<&TemplateModel>,
    kept: &mut Option<languages::KeptMatches>,
) -> Vec<Finding> {
    analyze_read(kind, tree, text, context, model, false, Some(kept))
}

/// [`analyze`] of a template by the model the workspace read from this very text (its parse
/// succeeded then, so it would again): the template rules read only the model, and the text is
/// not parsed a second time for them.
pub fn analyze_template_read(
    kind: FileKind,
    text: &str,
    context: &FileContext,
    model: &TemplateModel,
) -> Vec<Finding> {
    analyze_read(
        Some(kind),
        None,
        text,
        context,
        Some(model),
        kind.is_template(),
        None,
    )
}

/// [`analyze_with_model`]; `model_read` says the model was read from a parse of `text` that
/// succeeded, so that a template needs no tree.
fn analyze_read(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
    model: Option<&TemplateModel>,
    model_read: bool,
    kept: Option<&mut Option<languages::KeptMatches>>,
) -> Vec<Finding> {
    let mut findings = run_rules(kind, tree, text, context, model, model_read, kept);
    // A CDK stack file is code and a template at once: the template rules run on the stack it
    // declares (read by the workspace, which knows the app's folder).
    let stack =
        model.filter(|model| {
            kind.is_some_and(|kind| kind.language().is_some())
                && model.read.template.as_ref().is_some_and(|template| {
                    matches!(template.dialect, templates::Dialect::Cdk { .. })
                })
        });
    if let Some(stack) = stack {
        findings.extend(template_findings(stack, text, context));
        findings = sorted(findings);
    }
    if context.test_code {
        // Test code and its data are never rewritten unattended: its fixes stay for a person.
        for fix in findings.iter_mut().flat_map(|finding| &mut finding.fixes) {
            fix.safe = false;
        }
    }
    findings
}

fn run_rules(
    kind: Option<FileKind>,
    tree: Option<&Tree>,
    text: &str,
    context: &FileContext,
    model: Option<&TemplateModel>,
    model_read: bool,
    kept: Option<&mut Option<languages::KeptMatches>>,
) -> Vec<Finding> {
    let Some(kind) = kind else {
        return Vec::new();
    };
    let whole = model_read && kind.is_template();
    if let (None, Some(model)) = (tree, model.filter(|model| whole || model.read.in_pieces)) {
        // A large template parsed in pieces (each with tree-sitter), not as one tree, or a
        // template whose model was read from its tree before that tree was dropped.
        return sorted(analyze_template_model(model, text, context));
    }
    let Some(tree) = tree else {
        // Not parsed: nested deeper than gatelint reads, or too complex (see `text::parse`).
        return vec![builtin_finding(
            &rules::config::UNPARSABLE_FILE.meta,
            TextRange::empty(0),
            format!(
                "gatelint did not analyse this file: it nests deeper than it reads ({} syntax \
                 levels, or YAML indented over {} columns) or is too complex (a syntax error \
                 leaving over {} brackets or other tokens unmatched in a row); nothing in it \
                 was checked",
                crate::text::MAX_TREE_DEPTH,
                crate::text::MAX_YAML_INDENT,
                crate::text::MAX_UNNAMED_RUN
            ),
        )];
    };
    if kind.is_template() {
        return sorted(analyze_template(kind, tree, text, context, model));
    }
    let mut findings = Vec::new();
    // Valid code the grammar does not read is read rewritten (same offsets and lines); a fix
    // touching a rewritten place would write the rewriting into the file, so it is left out.
    let read;
    let mut rewritten: Vec<TextRange> = Vec::new();
    // A handler that is itself a template (a cookiecutter source with `{% if %}` blocks or
    // `{{ cookiecutter.x }}` in its code) is read with its tags blanked out, as templates are:
    // the tags are no syntax error of the code.
    let untagged = tree
        .root_node()
        .has_error()
        .then(|| {
            templates::read::placeholders::blank(text, templates::read::placeholders::Host::Code)
        })
        .flatten()
        .and_then(|(blanked, tags)| {
            let tree = crate::text::parse(kind, &blanked, None)?;
            Some((blanked, tree, tags))
        });
    let (tree, text) = match &untagged {
        Some((blanked, untagged_tree, tags)) => {
            rewritten.extend(tags.iter().copied());
            (untagged_tree, blanked.as_str())
        }
        None => (tree, text),
    };
    let problem = guarded("reading syntax errors", || {
        languages::grammar_gaps::syntax_problem(kind, tree, text)
    })
    .unwrap_or_else(|_| crate::text::first_syntax_error(tree, text).map(SyntaxProblem::Error));
    // What the previous version's query pass kept is of the document's own tree: not of one
    // read rewritten.
    let kept = kept.filter(|_| {
        untagged.is_none() && !matches!(problem, Some(SyntaxProblem::GrammarGap { .. }))
    });
    let (tree, text) = match problem {
        Some(SyntaxProblem::Error(error)) => {
            findings.push(unparsable(error));
            (tree, text)
        }
        Some(SyntaxProblem::GrammarGap {
            range,
            construct,
            read: gap_free,
        }) => {
            findings.push(grammar_gap(kind, range, construct));
            read = gap_free;
            rewritten.extend(read.rewritten.iter().copied());
            (&read.tree, read.text.as_str())
        }
        None => (tree, text),
    };
    // The names the project's templates give this file's handlers: entry points whatever their
    // parameters.
    let named: Vec<&str> = context.handlers.keys().map(String::as_str).collect();
    let facts = match guarded("extracting facts", || {
        languages::extract_kept(kind, tree, text, &named, kept)
    }) {
        Ok(Some(facts)) => facts,
        Ok(None) => return findings,
        Err(message) => {
            findings.push(builtin_finding(
                &rules::config::RULE_PANICKED.meta,
                TextRange::empty(0),
                message,
            ));
            return findings;
        }
    };
    // Which objects are proxy responses, and how each is read: decided once for every rule.
    let readings = reading::read_responses(&facts, text, context);
    let source_ctx = SourceContext {
        facts: &facts,
        text,
        file: context,
    };
    for rule in REGISTRY {
        let result = guarded(rule.meta.code, || match rule.check {
            _ if panic_requested(rule.meta.code) => panic!("{TEST_PANIC_VARIABLE} asked for it"),
            Check::Response(check) => {
                let mut found = Vec::new();
                for (response, reading) in &readings {
                    let ctx = ResponseContext {
                        facts: &facts,
                        text,
                        reading,
                    };
                    let mut sink = Sink::new(&rule.meta);
                    check(&ctx, response, &mut sink);
                    for mut finding in sink.into_findings() {
                        finding.related.extend(reading.related.clone());
                        // The reading's policy: severity under an assumed front door, whether
                        // fixes may be applied unattended.
                        reading.settle(&mut finding);
                        found.push(finding);
                    }
                }
                found
            }
            Check::Source(check) => {
                let mut sink = Sink::new(&rule.meta);
                check(&source_ctx, &mut sink);
                sink.into_findings()
            }
            Check::Template(_) | Check::Builtin => Vec::new(),
        });
        match result {
            Ok(found) => findings.extend(found),
            Err(message) => findings.push(builtin_finding(
                &rules::config::RULE_PANICKED.meta,
                TextRange::empty(0),
                message,
            )),
        }
    }
    if !rewritten.is_empty() {
        for finding in &mut findings {
            finding.fixes.retain(|fix| {
                !fix.edits.iter().any(|edit| {
                    edit.path.is_none()
                        && rewritten
                            .iter()
                            .any(|at| at.start <= edit.range.end && edit.range.start <= at.end)
                })
            });
        }
    }
    findings.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    findings.dedup();
    findings
}

/// Findings by position, each once.
fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| (a.range.start, a.code).cmp(&(b.range.start, b.code)));
    findings.dedup();
    findings
}

fn unparsable(range: TextRange) -> Finding {
    builtin_finding(
        &rules::config::UNPARSABLE_FILE.meta,
        range,
        "gatelint could not parse this part of the file; findings around it may be missing".into(),
    )
}

/// Valid code the grammar does not read: an `info`, once per file, naming the construct.
fn grammar_gap(kind: FileKind, range: TextRange, construct: &str) -> Finding {
    let language = match kind {
        FileKind::TypeScript | FileKind::Tsx => "TypeScript",
        _ => "JavaScript",
    };
    let mut finding = builtin_finding(
        &rules::config::UNPARSABLE_FILE.meta,
        range,
        format!(
            "gatelint's {language} grammar does not read {construct}, which is valid code: \
             findings around it may be missing"
        ),
    );
    finding.severity = rules::Severity::Info;
    finding
}

/// Builds the template model and its graph once, then runs every template rule on them. Rules
/// say nothing about resources the parser could not read whole, and nothing at all when text
/// outside resources could not be read.
fn analyze_template(
    kind: FileKind,
    tree: &Tree,
    text: &str,
    context: &FileContext,
    model: Option<&TemplateModel>,
) -> Vec<Finding> {
    let built;
    let model = match model {
        Some(model) => model,
        None => {
            built = match guarded("reading the template", || {
                TemplateModel::read(kind, tree, text)
            }) {
                Ok(model) => model,
                Err(message) => {
                    return vec![builtin_finding(
                        &rules::config::RULE_PANICKED.meta,
                        TextRange::empty(0),
                        message,
                    )]
                }
            };
            &built
        }
    };
    analyze_template_model(model, text, context)
}

/// Runs every template rule on a template's model. With OpenAPI files included, the rules read
/// the combined text the model's ranges are in, and a finding about a file is moved onto the
/// template line naming that file, pointing into it.
fn analyze_template_model(
    model: &TemplateModel,
    text: &str,
    context: &FileContext,
) -> Vec<Finding> {
    if let Some(view) = &model.folder {
        return folder_findings(view, context);
    }
    let own = text;
    let findings = template_findings(model, model.text(own), context);
    if model.included.is_empty() && model.modules.is_empty() {
        return findings;
    }
    findings
        .into_iter()
        .map(|finding| relocate(model, own.len(), finding))
        .collect()
}

/// The findings of one file of a Terraform configuration: the rules run on the configuration
/// its folder compiled (see [`templates::TemplateModel::folder`]), and the file reports what is
/// written in it, and what is written in the local modules it calls (on the `module` block
/// calling each, pointing into the module's file), in its own text; the other files report
/// theirs. Fixes that would edit another file are not offered.
fn folder_findings(view: &templates::FolderView, context: &FileContext) -> Vec<Finding> {
    let configuration = &view.configuration;
    let combined = configuration.text("");
    // What linking found is placed in the file's own text: the rules read the combined text.
    let mut in_combined;
    let context = if context.link_problems.is_empty() {
        context
    } else {
        in_combined = context.clone();
        for problem in &mut in_combined.link_problems {
            problem.range = view.to_combined(problem.range);
            if let LinkProblemKind::FunctionMissing { function_range, .. } = &mut problem.kind {
                *function_range = function_range.map(|range| view.to_combined(range));
            }
        }
        &in_combined
    };
    template_findings(configuration, combined, context)
        .into_iter()
        .filter_map(|mut finding| {
            let module = configuration
                .modules
                .iter()
                .find_map(|module| Some((module, module.locate(finding.range)?)));
            if let Some((module, local)) = module {
                finding.related.insert(
                    0,
                    crate::findings::Related {
                        path: module.path.clone(),
                        range: local,
                        message: "written here, in the local module this `module` block calls"
                            .into(),
                    },
                );
                finding.range = module.reference;
            }
            finding.range = view.to_own(finding.range)?;
            finding.fixes.retain(|fix| {
                fix.edits
                    .iter()
                    .all(|edit| edit.path.is_none() && view.to_own(edit.range).is_some())
            });
            for edit in finding.fixes.iter_mut().flat_map(|fix| &mut fix.edits) {
                edit.range = view.to_own(edit.range).unwrap_or(edit.range);
            }
            Some(finding)
        })
        .collect()
}

/// A finding of a template with included files, in the template's own text: one about an
/// included file is reported where the template names that file, with the place in the file as
/// its first related location. Fixes that would edit an included file are not offered (the file
/// may be open with other text than gatelint read).
fn relocate(model: &TemplateModel, own_len: usize, mut finding: Finding) -> Finding {
    if let Some((included, local)) = model.locate(finding.range) {
        finding.related.insert(
            0,
            crate::findings::Related {
                path: included.path.clone(),
                range: local,
                message: "written here, in the file the template includes".into(),
            },
        );
        finding.range = included.reference;
    }
    finding.fixes.retain(|fix| {
        fix.edits
            .iter()
            .all(|edit| edit.path.is_some() || edit.range.end <= own_len)
    });
    finding
}

/// The findings of the template rules and inline code, in the text the model's ranges are in.
fn template_findings(model: &TemplateModel, text: &str, context: &FileContext) -> Vec<Finding> {
    let mut findings: Vec<Finding> = model
        .read
        .syntax_error
        .map(unparsable)
        .into_iter()
        .collect();
    // A handler file that exists but was not read: say so, not that it is missing.
    for problem in &context.link_problems {
        if let LinkProblemKind::FileNotRead { file, reason } = &problem.kind {
            findings.push(builtin_finding(
                &rules::config::UNREADABLE_FILE.meta,
                problem.range,
                format!(
                    "`{}`: the handler module {file} was not read: {reason}; its code was not checked",
                    problem.logical_id
                ),
            ));
        }
    }
    let (Some(template), Some(graph)) = (&model.read.template, &model.graph) else {
        return findings;
    };
    if !template.is_complete() {
        return findings;
    }
    let incomplete: Vec<TextRange> = template
        .resources
        .iter()
        .filter(|resource| resource.incomplete)
        .map(|resource| resource.range)
        .collect();
    let ctx = TemplateContext {
        template,
        graph,
        text,
        file: context,
        permission_gaps: Default::default(),
    };
    for rule in REGISTRY {
        let Check::Template(check) = rule.check else {
            continue;
        };
        let result = guarded(rule.meta.code, || {
            if panic_requested(rule.meta.code) {
                panic!("{TEST_PANIC_VARIABLE} asked for it");
            }
            let mut sink = Sink::new(&rule.meta);
            check(&ctx, &mut sink);
            sink.into_findings()
        });
        match result {
            Ok(found) => findings.extend(found.into_iter().filter(|finding| {
                !incomplete
                    .iter()
                    .any(|range| range.contains(finding.range.start))
            })),
            Err(message) => findings.push(builtin_finding(
                &rules::config::RULE_PANICKED.meta,
                TextRange::empty(0),
                message,
            )),
        }
    }
    if template.dialect != templates::Dialect::CloudFormation {
        let terraform = template.dialect == templates::Dialect::Terraform;
        // In code, only a number written as a literal is replaced (not a `Duration.minutes(1)`
        // call, nor a name).
        let code = matches!(template.dialect, templates::Dialect::Cdk { .. });
        for finding in &mut findings {
            finding.fixes.retain(|fix| {
                (replaces_numbers_only(fix) && (!code || replaces_literals_only(fix, text)))
                    || (terraform && writes_hcl_block(fix))
            });
        }
    }
    if template.partial {
        // A permission may be declared in a file of the configuration that was not read.
        findings.retain(|finding| !finding.code.starts_with("GL3"));
    }
    match guarded("inline code", || {
        inline_code_findings(template, graph, text)
    }) {
        Ok(found) => findings.extend(found),
        Err(message) => findings.push(builtin_finding(
            &rules::config::RULE_PANICKED.meta,
            TextRange::empty(0),
            message,
        )),
    }
    findings
}

/// Whether a fix only replaces numbers written in the file with other numbers: the one kind of
/// template fix that is the same text in a Serverless Framework service as in CloudFormation.
fn replaces_numbers_only(fix: &Fix) -> bool {
    fix.edits.iter().all(|edit| {
        edit.path.is_none() && !edit.range.is_empty() && edit.new_text.trim().parse::<f64>().is_ok()
    })
}

/// Whether every edit of a fix replaces a number literal of the text.
fn replaces_literals_only(fix: &Fix, text: &str) -> bool {
    fix.edits.iter().all(|edit| {
        text.get(edit.range.start..edit.range.end)
            .is_some_and(|written| written.trim().parse::<f64>().is_ok())
    })
}

/// Whether a fix only inserts Terraform `resource` blocks (written by a rule in HCL for a
/// Terraform configuration), not CloudFormation text.
fn writes_hcl_block(fix: &Fix) -> bool {
    fix.edits.iter().all(|edit| {
        edit.path.is_none()
            && edit.range.is_empty()
            && edit.new_text.trim_start().starts_with("resource \"")
    })
}

/// Findings in handler code written inside the template (`InlineCode`, `Code.ZipFile`), analysed
/// as the handler of its function and mapped back onto the template's lines.
fn inline_code_findings(template: &templates::Template, graph: &Graph, text: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    // Reading every function's spec costs more than the rules on a large template: only a
    // template that writes code inline (SAM `InlineCode`, also from `Globals`; `Code.ZipFile`)
    // has any.
    let inline = |resource: &templates::Resource| {
        template
            .effective_property(resource, "InlineCode")
            .is_some()
            || resource
                .property("Code")
                .is_some_and(|code| code.get("ZipFile").is_some())
    };
    if !template.resources.iter().any(inline) {
        return found;
    }
    // (code, rule, message as the code's analysis gave it) → index in `found`.
    let mut repeated: HashMap<(String, &'static str, String), usize> = HashMap::new();
    let mut repeated_in: Vec<Vec<String>> = Vec::new();
    for spec in templates::functions::function_specs(template, graph) {
        let Some(embedded) = Embedded::of(&spec, text) else {
            continue;
        };
        let document = crate::text::Document::new(Some(embedded.kind), embedded.code.clone());
        let mut context = FileContext::default();
        context.handlers.insert(
            embedded.function_name.clone(),
            vec![HandlerContext {
                template: PathBuf::new(),
                function: std::sync::Arc::new(spec.clone()),
                package: Some(crate::context::CodePackage::inline()),
            }],
        );
        for finding in analyze(
            Some(embedded.kind),
            document.tree(),
            &embedded.code,
            &context,
        ) {
            let Some(range) = embedded.map_range(finding.range) else {
                continue;
            };
            let fixes = finding
                .fixes
                .into_iter()
                .filter_map(|fix| {
                    let edits = fix
                        .edits
                        .into_iter()
                        .map(|edit| {
                            Some(Edit {
                                path: None,
                                range: embedded.map_range(edit.range)?,
                                new_text: embedded.indent_inserted(&edit.new_text),
                            })
                        })
                        .collect::<Option<Vec<_>>>()?;
                    Some(Fix { edits, ..fix })
                })
                .collect();
            let key = (embedded.code.clone(), finding.code, finding.message.clone());
            // Inline code with a syntax error cannot load: every call fails.
            let (severity, message) = match (finding.code, document.tree()) {
                ("GL902", Some(tree)) if finding.severity != rules::Severity::Info => (
                    rules::Severity::Error,
                    format!(
                        "`{}`: the inline code has a syntax error here ({}): Lambda cannot load it, so \
                         every invocation fails with Runtime.UserCodeSyntaxError",
                        spec.logical_id,
                        templates::inline::syntax_view(tree, &embedded.code, finding.range)
                    ),
                ),
                _ => (finding.severity, finding.message),
            };
            // The related places would be this template itself: the finding already is.
            let finding = Finding {
                range,
                fixes,
                related: Vec::new(),
                severity,
                message,
                ..finding
            };
            // The same code in several functions: one finding, naming the others.
            match repeated.get(&key) {
                Some(&at) => {
                    repeated_in[at].push(spec.logical_id.clone());
                    // The fix mends every copy.
                    for (fix, copy) in found[at].fixes.iter_mut().zip(finding.fixes) {
                        if fix.title == copy.title {
                            fix.edits.extend(copy.edits);
                        }
                    }
                }
                None => {
                    repeated.insert(key, found.len());
                    repeated_in.push(Vec::new());
                    found.push(finding);
                }
            }
        }
    }
    for (finding, others) in found.iter_mut().zip(repeated_in) {
        if !others.is_empty() {
            let names: Vec<String> = others.iter().map(|name| format!("`{name}`")).collect();
            finding.message = format!(
                "{} (the same inline code of {} has it too)",
                finding.message,
                names.join(", ")
            );
        }
    }
    found
}

fn builtin_finding(meta: &'static rules::RuleMeta, range: TextRange, message: String) -> Finding {
    let mut sink = Sink::new(meta);
    sink.report(range, message);
    sink.into_findings().remove(0)
}

/// A test hook, not a setting: `GATELINT_TEST_PANIC=<rule code>` makes that rule panic in every file
/// it runs on, so tests can prove through the real binary that a failing rule is isolated (reported
/// as GL903 and logged, while the other rules and files still report).
pub const TEST_PANIC_VARIABLE: &str = "GATELINT_TEST_PANIC";

/// Whether the test hook asks `code` to panic (the variable is read once per process).
fn panic_requested(code: &str) -> bool {
    static REQUESTED: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    REQUESTED
        .get_or_init(|| std::env::var(TEST_PANIC_VARIABLE).ok())
        .as_deref()
        == Some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysis of an open document that keeps its query matches from version to version
    /// (re-searching only the top-level definitions an edit changed) gives the facts and the
    /// findings of a fresh analysis, after every edit of a long random sequence (a fixed seed:
    /// the same edits on every run) over the Python, JavaScript and TypeScript fixtures: edits
    /// typed inside definitions, between them, across them, breaking and mending the syntax.
    #[test]
    fn kept_query_matches_give_a_fresh_analysis_after_random_edits() {
        use crate::text::{Document, Encoding, LineIndex, TextChange};
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");
        let mut files = Vec::new();
        for folder in ["python", "javascript", "typescript"] {
            let mut names: Vec<_> = std::fs::read_dir(format!("{fixtures}/{folder}"))
                .expect("fixtures")
                .map(|entry| entry.expect("entry").path())
                .filter(|path| path.is_file())
                .collect();
            names.sort();
            files.extend(names);
        }
        // A fixed linear congruential sequence.
        let mut next = crate::text::test_sequence(0x9e37_79b9_7f4a_7c15);
        let pieces = [
            "x",
            " ",
            "\n",
            "\n\n",
            "(",
            ")",
            "{",
            "}",
            "[",
            "]",
            ":",
            ",",
            "'",
            "\"",
            "#",
            "//",
            "/*",
            "`",
            "=",
            ".",
            "é",
            "return ",
            "return {'statusCode': 200}\n",
            "return { statusCode: 200, body: 1 };\n",
            "json",
            "JSON",
            "event",
            "\ndef handler(event, context):\n    return {\"statusCode\": 200}\n",
            "\nexport const handler = async (event) => ({ statusCode: 200 });\n",
            "\ndef helper(x):\n    return x\n",
            "\nfunction helper(x) { return x; }\n",
            "    ",
            "import json\n",
            "const JSON = 1;\n",
            "statusCode",
        ];
        let (mut edits, mut reused, mut top_level) = (0, 0, 0);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let Some(kind) = FileKind::detect(path, &text).filter(|kind| !kind.is_template())
            else {
                continue;
            };
            if kind == FileKind::Rust {
                continue;
            }
            let mut document = Document::new(Some(kind), text);
            let mut kept = None;
            let context = FileContext::default();
            for step in 0..40 {
                let text = document.text();
                // Most edits are one character at a place where one may type; some are larger.
                let mut at = if next(4) == 0 {
                    text.rfind('\n').unwrap_or(0)
                } else {
                    next(text.len() + 1)
                };
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                let mut end = at;
                let inserted = if next(4) == 0 {
                    end = (at + 1 + next(12)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    ""
                } else {
                    pieces[next(pieces.len())]
                };
                let lines = LineIndex::new(&text);
                let change = TextChange {
                    range: Some((
                        lines.line_col(&text, at, Encoding::Utf8),
                        lines.line_col(&text, end, Encoding::Utf8),
                    )),
                    text: inserted.to_owned(),
                };
                document.apply_changes(&[change], Encoding::Utf8);
                let text = document.text();
                let Some(tree) = document.tree() else {
                    continue;
                };
                // Fresh: the same tree read whole. (A fresh parse of the text is not the
                // reference: tree-sitter's incremental parse may recover from a syntax error
                // differently, and the document's tree is the one every analysis reads.)
                let named = ["handler", "main"];
                let incremental =
                    languages::extract_kept(kind, tree, &text, &named, Some(&mut kept));
                let (done, of) = kept.as_ref().expect("kept").reused();
                reused += done;
                top_level += of;
                let fresh = languages::extract_named(kind, tree, &text, &named);
                assert_eq!(
                    format!("{incremental:#?}"),
                    format!("{fresh:#?}"),
                    "{} after edit {step}: {inserted:?} at {at}..{end}",
                    path.display()
                );
                // The findings too, every few edits (the whole analysis is slower).
                if step % 8 == 7 {
                    let mut kept_too = kept.take();
                    let kept_findings =
                        analyze_kept(Some(kind), Some(tree), &text, &context, None, &mut kept_too);
                    let fresh_findings = analyze(Some(kind), Some(tree), &text, &context);
                    assert_eq!(kept_findings, fresh_findings, "{}", path.display());
                    kept = kept_too;
                }
                edits += 1;
            }
        }
        assert!(edits > 2_000, "{edits} edits");
        // The point of keeping them: most top-level definitions are not searched again.
        assert!(
            reused * 10 > top_level * 8,
            "{reused} of {top_level} top-level nodes reused"
        );
    }

    /// The findings of a Terraform file read as its folder's configuration, alone in it.
    fn terraform_findings(text: &str) -> Vec<Finding> {
        let tree = crate::text::parse(FileKind::Terraform, text, None).expect("parses");
        let alone = TemplateModel::read(FileKind::Terraform, &tree, text);
        let blocks = alone.read.terraform.clone().expect("a Terraform read");
        let model = TemplateModel::configuration(text, blocks, Some(Vec::new()));
        analyze_with_model(
            Some(FileKind::Terraform),
            Some(&tree),
            text,
            &FileContext::default(),
            Some(&model),
        )
    }

    /// A Terraform file read with its folder (here: alone in it): the missing permission is
    /// reported with a fix that writes the `aws_lambda_permission` block in HCL, and applying
    /// it removes the finding.
    #[test]
    fn terraform_permission_fix_writes_hcl() {
        let text = "resource \"aws_lambda_function\" \"live\" {\n  handler = \"app.handler\"\n  runtime = \"python3.12\"\n}\n\nresource \"aws_lambda_alias\" \"live\" {\n  name          = \"live\"\n  function_name = aws_lambda_function.live.function_name\n}\n\nresource \"aws_api_gateway_rest_api\" \"api\" {\n  name = \"api\"\n}\n\nresource \"aws_api_gateway_integration\" \"live\" {\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  resource_id = aws_api_gateway_rest_api.api.root_resource_id\n  http_method = \"GET\"\n  type        = \"AWS_PROXY\"\n  uri         = aws_lambda_alias.live.invoke_arn\n}\n";
        let found = terraform_findings(text);
        let missing = found
            .iter()
            .find(|finding| finding.code == "GL301")
            .expect("a missing permission");
        let [fix] = missing.fixes.as_slice() else {
            panic!("one fix: {missing:#?}");
        };
        assert!(!fix.safe);
        let fixed = crate::fixes::apply(text, &fix.edits);
        assert!(
            fixed.contains("  function_name = aws_lambda_alias.live.function_name\n  qualifier     = aws_lambda_alias.live.name\n  principal     = \"apigateway.amazonaws.com\"\n  source_arn    = \"${aws_api_gateway_rest_api.api.execution_arn}/*/*\"\n}"),
            "{fixed}"
        );
        assert!(terraform_findings(&fixed)
            .iter()
            .all(|finding| finding.code != "GL301"));
    }

    /// The permission for one instance of a `for_each` function is a block with a label of
    /// its own, naming that instance.
    #[test]
    fn terraform_permission_fix_names_an_instance() {
        let text = "locals {\n  names = toset([\"a\", \"b\"])\n}\n\nresource \"aws_lambda_function\" \"f\" {\n  for_each = local.names\n  handler  = \"app.handler\"\n  runtime  = \"python3.12\"\n}\n\nresource \"aws_api_gateway_rest_api\" \"api\" {\n  name = \"api\"\n}\n\nresource \"aws_api_gateway_integration\" \"f\" {\n  for_each    = local.names\n  rest_api_id = aws_api_gateway_rest_api.api.id\n  resource_id = aws_api_gateway_rest_api.api.root_resource_id\n  http_method = upper(each.key)\n  type        = \"AWS_PROXY\"\n  uri         = aws_lambda_function.f[each.key].invoke_arn\n}\n\nresource \"aws_lambda_permission\" \"a\" {\n  function_name = aws_lambda_function.f[\"a\"].function_name\n  principal     = \"apigateway.amazonaws.com\"\n}\n";
        let found = terraform_findings(text);
        let missing: Vec<_> = found.iter().filter(|f| f.code == "GL301").collect();
        let [missing] = missing.as_slice() else {
            panic!("one missing permission: {found:#?}");
        };
        assert!(missing.message.contains("aws_lambda_function.f[\"b\"]"));
        let [fix] = missing.fixes.as_slice() else {
            panic!("one fix: {missing:#?}");
        };
        let fixed = crate::fixes::apply(text, &fix.edits);
        assert!(
            fixed.contains("resource \"aws_lambda_permission\" \"f_b_apigateway\" {")
                && fixed.contains("  function_name = aws_lambda_function.f[\"b\"].function_name\n"),
            "{fixed}"
        );
        assert!(terraform_findings(&fixed)
            .iter()
            .all(|finding| finding.code != "GL301"));
    }
}
