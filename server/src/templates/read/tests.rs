use super::edit::Unchanged;
use super::json::json_value_in_pieces;
use super::yaml::split_pieces;
use super::*;
use crate::templates::value::Value;
use tree_sitter::Parser;

fn tree_of(kind: FileKind, text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&kind.tree_sitter_language())
        .expect("grammar loads");
    parser.parse(text, None).expect("parses")
}

/// The shapes tree-sitter-yaml 0.7 rejects and CloudFormation loads, reduced from real
/// templates: flow content and quoted scalars continued at the column of their key.
const GRAMMAR_REJECTS: [&str; 3] = [
    "Policy:\n  Document: !Sub '{\n      \"Version\": 1\n  }'\n",
    "Properties:\n  Schema: {\"a\": 1,\n  \"b\": 2}\n",
    "Statement:\n  Resource: [\n  !Sub \"arn:${A}\",\n  !GetAtt B.Arn\n  ]\n",
];

#[test]
fn grammar_rejects_valid_yaml_that_the_loader_accepts() {
    for text in GRAMMAR_REJECTS {
        let tree = tree_of(FileKind::YamlTemplate, text);
        assert!(
            tree.root_node().has_error(),
            "tree-sitter now reads {text:?}"
        );
        assert!(loader_accepts(text), "{text:?}");
    }
    assert!(!loader_accepts("a: [1, 2\nb: 3\n"));
    assert!(!loader_accepts("a: b: c\n"));
    assert!(!loader_accepts("Description: \"quoted\" trailing\nA: 1\n"));
}

#[test]
fn a_template_the_grammar_rejects_reports_no_syntax_error_and_marks_the_resource() {
    let text = "Resources:\n  Model:\n    Type: AWS::ApiGateway::Model\n    Properties:\n      Schema: {\"a\": 1,\n      \"b\": 2}\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 10\n";
    let tree = tree_of(FileKind::YamlTemplate, text);
    let read = read(FileKind::YamlTemplate, &tree, text);
    assert_eq!(read.syntax_error, None);
    let template = read.template.expect("a template");
    assert!(!template.unread.is_empty());
    assert!(template.resource("Fn").is_some_and(|fn_| !fn_.incomplete));
}

#[test]
fn invalid_yaml_keeps_its_syntax_error() {
    let text = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: 10\n  Other: x\n";
    let tree = tree_of(FileKind::YamlTemplate, text);
    assert!(read(FileKind::YamlTemplate, &tree, text)
        .syntax_error
        .is_some());
}

fn long_template(functions: usize) -> String {
    let mut text = String::from(
            "# generated\nAWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Short: {Type: Number, Default: &short 3}\nResources:\n",
        );
    for n in 0..functions {
        text.push_str(&format!(
                "  Fn{n}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: *short\n      Description: |\n        line one\n        line two\n"
            ));
    }
    text.push_str("Outputs:\n  Name:\n    Value: !Ref Fn0\n");
    text
}

/// A JSON template of `functions` functions with their APIs, permissions and an output.
fn long_json_template(functions: usize) -> String {
    let mut resources = Vec::new();
    for n in 0..functions {
        resources.push(format!(
                r#"    "Fn{n}": {{
      "Type": "AWS::Serverless::Function",
      "Properties": {{"Handler": "app.h{n}", "Timeout": {timeout}, "Events": {{"Get": {{"Type": "Api", "Properties": {{"Path": "/p{n}", "Method": "get"}}}}}}, "Code": [1, -2.5e3, true, null, "\"}}\\"]}}
    }},
    "Perm{n}": {{"Type": "AWS::Lambda::Permission", "Properties": {{"FunctionName": {{"Ref": "Fn{n}"}}, "Action": "lambda:InvokeFunction"}}}}"#,
                timeout = 3 + n % 40
            ));
    }
    format!(
            "{{\n  \"AWSTemplateFormatVersion\": \"2010-09-09\",\n  \"Transform\": \"AWS::Serverless-2016-10-31\",\n  \"Resources\": {{\n{}\n  }},\n  \"Outputs\": {{\"Name\": {{\"Value\": {{\"Ref\": \"Fn0\"}}}}}}\n}}\n",
            resources.join(",\n")
        )
}

fn whole_json_value(text: &str) -> (Option<Value>, bool) {
    let tree = tree_of(FileKind::JsonTemplate, text);
    (value::from_json(&tree, text), tree.root_node().has_error())
}

/// Reading a JSON text in pieces gives the whole tree's value, on the fixtures, a long
/// template, and after random edits of it (reusing the pieces the edit left alone) the value of
/// reading afresh; a text with a syntax error is never read in pieces.
#[test]
fn json_read_in_pieces_equals_the_whole_read_after_random_edits() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/templates");
    for name in ["sam_events.json", "rest_api.json"] {
        let text = std::fs::read_to_string(format!("{fixtures}/{name}")).expect("fixture");
        let (value, _) = json_value_in_pieces(&text, None, true).expect("read in pieces");
        assert_eq!(Some(value), whole_json_value(&text).0, "{name}");
    }
    let mut text = long_json_template(700);
    assert!(text.len() > JSON_PIECES_MIN_BYTES);
    let (value, mut before) = json_value_in_pieces(&text, None, true).expect("read in pieces");
    assert!(before.len() > 4, "{}", before.len());
    assert_eq!(Some(value), whole_json_value(&text).0);
    // A fixed linear congruential sequence: the same edits on every run.
    let mut next = crate::text::test_sequence(0x2545_f491_4f6c_dd1d);
    let alphabet = [
        "\"",
        "\\",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "0",
        "-",
        "e",
        "x",
        " ",
        "\n",
        "/",
        "é",
        "\"Ref\": \"X\", ",
        "\"A\": {}, ",
    ];
    let (mut edits, mut in_pieces) = (0, 0);
    while edits < 80 {
        let mut edited = text.clone();
        let mut at = if next(5) == 0 {
            next(120)
        } else {
            next(edited.len())
        };
        while !edited.is_char_boundary(at) {
            at -= 1;
        }
        if next(3) == 0 {
            let mut end = (at + 1 + next(30)).min(edited.len());
            while !edited.is_char_boundary(end) {
                end += 1;
            }
            edited.replace_range(at..end, "");
        } else {
            edited.insert_str(at, alphabet[next(alphabet.len())]);
        }
        edits += 1;
        let (whole, has_error) = whole_json_value(&edited);
        let previous_read = TemplateRead {
            template: None,
            syntax_error: None,
            pieces: before,
            in_pieces: true,
            terraform: None,
        };
        let previous = Previous {
            text: &text,
            read: &previous_read,
        };
        let incremental = json_value_in_pieces(&edited, Some(previous), true);
        let fresh = json_value_in_pieces(&edited, None, true);
        if has_error {
            assert!(incremental.is_none() && fresh.is_none(), "{edited}");
        }
        match (incremental, fresh) {
            (Some((value, pieces)), Some((fresh_value, fresh_pieces))) => {
                in_pieces += 1;
                assert_eq!(Some(&value), whole.as_ref());
                assert_eq!(value, fresh_value);
                let sexp = |pieces: &[ParsedPiece]| -> Vec<(TextRange, String)> {
                    pieces
                        .iter()
                        .map(|piece| (piece.range, piece.tree.root_node().to_sexp()))
                        .collect()
                };
                assert_eq!(sexp(&pieces), sexp(&fresh_pieces));
                let members = |pieces: &[ParsedPiece]| -> Vec<Vec<Entry>> {
                    pieces.iter().map(ParsedPiece::entries_here).collect()
                };
                assert!(members(&pieces) == members(&fresh_pieces));
                text = edited;
                before = pieces;
            }
            (None, None) => before = previous_read.pieces,
            (incremental, fresh) => panic!(
                "read in pieces after the edit: {}, afresh: {}",
                incremental.is_some(),
                fresh.is_some()
            ),
        }
    }
    // Most edits keep the text valid (inside strings, spaces, whole members).
    assert!(in_pieces > edits / 4, "{in_pieces} of {edits}");
}

/// The rules find the same in a JSON template read in pieces (no whole tree) as in the same
/// template read from one whole tree: the fixtures and a long template.
#[test]
fn json_findings_of_pieces_equal_findings_of_the_whole_parse() {
    use crate::analysis::analyze_with_model;
    use crate::context::FileContext;
    use crate::templates::TemplateModel;
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/templates");
    let mut texts: Vec<String> = ["sam_events.json", "rest_api.json"]
        .iter()
        .map(|name| std::fs::read_to_string(format!("{fixtures}/{name}")).expect("fixture"))
        .collect();
    texts.push(long_json_template(700));
    let mut found = 0;
    for text in &texts {
        let kind = FileKind::JsonTemplate;
        let tree = tree_of(kind, text);
        let whole = value::from_json(&tree, text).expect("a document");
        let whole = TemplateModel::of(TemplateRead {
            template: Some(Template::from_value(whole, Syntax::Json)),
            syntax_error: None,
            pieces: Vec::new(),
            in_pieces: false,
            terraform: None,
        });
        let pieces =
            TemplateModel::of(read_json_in_pieces(text, None, false).expect("read in pieces"));
        let context = FileContext::default();
        let from_whole = analyze_with_model(Some(kind), Some(&tree), text, &context, Some(&whole));
        let from_pieces = analyze_with_model(Some(kind), None, text, &context, Some(&pieces));
        assert_eq!(from_pieces, from_whole);
        found += from_whole.len();
    }
    assert!(found > 0);
}

/// The unchanged prefix and suffix found a block at a time are those found byte by byte.
#[test]
fn unchanged_prefix_and_suffix_match_a_bytewise_comparison() {
    let base: String = (0..3_000).map(|n| format!("{n:x}")).collect();
    let bytewise = |old: &str, new: &str| {
        let prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old
            .bytes()
            .rev()
            .zip(new.bytes().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        (prefix, suffix)
    };
    for (at, removed, inserted) in [
        (0, 0, "x"),
        (5, 3, ""),
        (1_000, 0, "ab"),
        (1_024, 300, "a"),
        (base.len() - 1, 1, ""),
        (base.len(), 0, "zz"),
        (2_000, 0, "0"),
    ] {
        let mut new = base.clone();
        new.replace_range(at..at + removed, inserted);
        for (old, new) in [(&base, &new), (&new, &base), (&base, &base)] {
            let found = Unchanged::between(old, new);
            assert_eq!((found.prefix, found.suffix), bytewise(old, new), "{at}");
        }
    }
}

#[test]
fn a_long_yaml_text_is_cut_under_the_limit_at_entries() {
    let text = long_template(9_000);
    assert!(line_count(&text) > 2 * MAX_PIECE_LINES);
    let pieces = split_pieces(&text, MAX_PIECE_LINES);
    assert!(pieces.len() >= 3, "{pieces:?}");
    assert_eq!(pieces.first().map(|p| p.start), Some(0));
    assert_eq!(pieces.last().map(|p| p.end), Some(text.len()));
    for pair in pieces.windows(2) {
        assert_eq!(pair[0].end, pair[1].start);
    }
    for piece in &pieces {
        assert!(line_count(&text[piece.start..piece.end]) <= MAX_PIECE_LINES + 1);
        if piece.in_resources() {
            assert!(text[piece.start..].starts_with("  Fn"));
        }
    }
}

/// Two reads agree: the same syntax error, unread ranges, parameters and resources (ids,
/// ranges, types, definitions), and the same piece trees.
fn assert_same_read(incremental: &TemplateRead, full: &TemplateRead, text: &str) {
    let pieces = |read: &TemplateRead| -> Vec<(TextRange, String)> {
        read.pieces
            .iter()
            .map(|piece| (piece.range, piece.tree.root_node().to_sexp()))
            .collect()
    };
    assert_eq!(pieces(incremental), pieces(full), "{text}");
    assert_same_template(incremental, full, text);
}

/// Two reads find the same template: the same syntax error, unread ranges, parameters and
/// resources (ids, ranges, types, definitions), whatever pieces each was read in.
fn assert_same_template(incremental: &TemplateRead, full: &TemplateRead, text: &str) {
    assert_eq!(incremental.syntax_error, full.syntax_error, "{text}");
    match (&incremental.template, &full.template) {
        (Some(a), Some(b)) => {
            assert_eq!(a.unread, b.unread, "{text}");
            assert_eq!(a.resources.len(), b.resources.len(), "{text}");
            for (x, y) in a.resources.iter().zip(&b.resources) {
                assert_eq!(
                    (
                        &x.logical_id,
                        x.id_range,
                        x.range,
                        &x.type_name,
                        x.incomplete
                    ),
                    (
                        &y.logical_id,
                        y.id_range,
                        y.range,
                        &y.type_name,
                        y.incomplete
                    ),
                    "{text}"
                );
                assert_eq!(x.definition, y.definition, "{text}");
            }
            let mut names: Vec<_> = a.parameters.keys().collect();
            names.sort();
            let mut other: Vec<_> = b.parameters.keys().collect();
            other.sort();
            assert_eq!(names, other);
            for name in names {
                assert_eq!(a.parameters[name].default, b.parameters[name].default);
            }
        }
        (None, None) => {}
        _ => panic!("one read found a template, the other not: {text}"),
    }
}

/// `text` edited once at random (ASCII text: every byte is a character boundary): a stretch of up
/// to 40 bytes removed (one time in three) or a word of `alphabet` inserted, one time in four
/// within the first `head` bytes (the root sections), otherwise anywhere.
fn random_yaml_edit(
    text: &str,
    next: &mut impl FnMut(usize) -> usize,
    alphabet: &[&str],
    head: usize,
) -> String {
    let mut edited = text.to_owned();
    let at = if next(4) == 0 {
        next(head)
    } else {
        next(edited.len())
    };
    if next(3) == 0 {
        let end = (at + 1 + next(40)).min(edited.len());
        edited.replace_range(at..end, "");
    } else {
        edited.insert_str(at, alphabet[next(alphabet.len())]);
    }
    edited
}

/// Random edits (inserted and removed characters, some breaking the YAML) of a template read
/// in pieces: reading each edited text after the one before equals reading it afresh.
#[test]
fn reading_after_an_edit_equals_reading_afresh() {
    let mut next = crate::text::test_sequence(0x9e37_79b9_7f4a_7c15);
    let alphabet = ["x", " ", "\n", ":", "- ", "{", "'", "  Fn: 1\n", "#"];
    // A long template (pieces by line count) and a short one with an unreadable resource
    // (a piece per resource).
    let short = long_template(40).replacen("    Properties:\n", "    Properties: {\n", 3);
    for (mut text, edits) in [(long_template(9_000), 5), (short, 60)] {
        let mut before = read(
            FileKind::YamlTemplate,
            &tree_of(FileKind::YamlTemplate, &text),
            &text,
        );
        assert!(!before.pieces.is_empty());
        for _ in 0..edits {
            // Mostly inside the resources, sometimes in the root sections.
            let edited = random_yaml_edit(&text, &mut next, &alphabet, 200);
            let tree = tree_of(FileKind::YamlTemplate, &edited);
            let previous = Previous {
                text: &text,
                read: &before,
            };
            let incremental = read_after(FileKind::YamlTemplate, &tree, &edited, Some(previous));
            let full = read(FileKind::YamlTemplate, &tree, &edited);
            assert_same_read(&incremental, &full, &edited);
            text = edited;
            before = incremental;
        }
    }
}

/// A long YAML template whose functions mostly stand alone (no anchor, no alias): an anchor in
/// `Parameters` read by the last functions, and an anchor and its alias in the middle ones.
fn long_template_mostly_alone(functions: usize) -> String {
    let mut text = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Short: {Type: Number, Default: &short 3}\nResources:\n",
    );
    for n in 0..functions {
        let timeout = match n {
            _ if n + 10 >= functions => "*short".to_owned(),
            _ if n % 2_500 == 7 => format!("&t{n} {}", 3 + n % 20),
            _ if n % 2_500 == 8 => format!("*t{}", n - 1),
            _ => (3 + n % 20).to_string(),
        };
        text.push_str(&format!(
            "  Fn{n}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: {timeout}\n      Description: |\n        line {n}\n"
        ));
    }
    text.push_str("Outputs:\n  Name:\n    Value: !Ref Fn0\n");
    text
}

/// Random edits of a long YAML template read without its whole tree, as an open document is:
/// reading each edited text after the one before (the pieces the edit left alone keep their
/// trees, and their values when they stand alone) equals reading it afresh, anchors and aliases
/// across pieces included (an edit may add an anchor an alias in a later piece then reads).
#[test]
fn reading_a_long_yaml_after_an_edit_reuses_values_and_equals_reading_afresh() {
    let mut next = crate::text::test_sequence(0x5851_f42d_4c95_7f2d);
    let alphabet = [
        "x",
        " ",
        "\n",
        ":",
        "{",
        "'",
        "&short ",
        "*short",
        "&t7 ",
        "  Fn: 1\n",
        "#",
    ];
    let mut text = long_template_mostly_alone(9_000);
    assert!(reads_without_tree(FileKind::YamlTemplate, &text));
    let mut before = read_without_tree_after(&text, None).expect("every piece parses");
    assert!(before.pieces.len() > 2, "{}", before.pieces.len());
    let (mut reused, mut edits) = (0, 0);
    while edits < 12 {
        // Mostly inside the resources, sometimes in `Parameters`.
        let edited = random_yaml_edit(&text, &mut next, &alphabet, 120);
        edits += 1;
        let previous = Previous {
            text: &text,
            read: &before,
        };
        let Some(incremental) = read_without_tree_after(&edited, Some(previous)) else {
            assert!(read_without_tree_after(&edited, None).is_none(), "{edited}");
            continue;
        };
        let fresh = read_without_tree_after(&edited, None).expect("read afresh");
        assert_same_read(&incremental, &fresh, &edited);
        // `check` reads the text once, keeping no piece: the same template.
        let once = read_without_tree(&edited).expect("read once");
        assert!(once.pieces.is_empty() && incremental.pieces.len() > 10);
        assert_same_template(&incremental, &once, &edited);
        let values = |read: &TemplateRead| -> Vec<Option<Value>> {
            read.pieces.iter().map(ParsedPiece::value_here).collect()
        };
        assert_eq!(values(&incremental), values(&fresh));
        // The pieces the edit left alone that stand alone: their values were not read again.
        let unchanged = Unchanged::between(&text, &edited);
        reused += incremental
            .pieces
            .iter()
            .filter(|piece| {
                piece.value.is_some()
                    && (piece.range.end <= unchanged.prefix
                        || piece.range.start >= edited.len() - unchanged.suffix)
            })
            .count();
        text = edited;
        before = incremental;
    }
    assert!(reused >= edits, "{reused} pieces reused in {edits} edits");
}

#[test]
fn a_long_yaml_template_reads_whole_with_offsets_and_anchors() {
    let text = long_template(9_000);
    let tree = tree_of(FileKind::YamlTemplate, &text);
    let read = read(FileKind::YamlTemplate, &tree, &text);
    assert_eq!(read.syntax_error, None);
    let template = read.template.expect("a template");
    assert!(template.unread.is_empty(), "{:?}", template.unread);
    assert_eq!(template.resources.len(), 9_000);
    let last = template.resource("Fn8999").expect("the last function");
    assert_eq!(last.id_range.slice(&text), "Fn8999");
    let timeout = last.property("Timeout").expect("Timeout");
    assert_eq!(timeout.as_number(), Some(3.0));
    assert_eq!(timeout.range.slice(&text), "*short");
    assert_eq!(
        last.property("Description").and_then(Value::as_str),
        Some("line one\nline two\n")
    );
    assert!(template.parameters.contains_key("Short"));
    assert!(template.resources_range.is_some());
}

/// A YAML template whose long section is not `Resources` (a `Metadata` past the grammar's 32,767
/// rows, and one just under it): the long section is left unread, and `Resources` is read and
/// checked either way (the `Resources:` key gets a piece of its own, not the long run before it).
#[test]
fn a_long_section_before_resources_leaves_resources_read_and_checked() {
    for notes in [33_000, 32_700] {
        let mut text = String::from(
            "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nMetadata:\n  Notes:\n",
        );
        for n in 0..notes {
            text.push_str(&format!("    - note {n}\n"));
        }
        text.push_str(
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: python3.12\n      Timeout: 60\n      Events:\n        Get:\n          Type: Api\n          Properties: {Path: /x, Method: get}\n",
        );
        assert_fn_timeout_found(&text, &format!("{notes} notes"));
    }
}

/// A file that only mentions a template (an npm log named `template.yml`, detected by its
/// content) is not one: its unreadable lines are no syntax error to report.
#[test]
fn a_log_that_mentions_a_template_reports_no_syntax_error() {
    let text = "0 info it worked if it ends with ok\n3 verbose stack Error: sam deploy failed: Transform: AWS::Serverless-2016-10-31 Resources: {Fn: {Type: AWS::Lambda::Function}}\n4 verbose stack     at ChildProcess.<anonymous> (/usr/lib/node_modules/npm/lib/utils/lifecycle.js:332:16)\n5 error code ELIFECYCLE\n";
    assert!(crate::files::looks_like_template(text));
    let tree = tree_of(FileKind::YamlTemplate, text);
    assert!(tree.root_node().has_error());
    assert_eq!(read(FileKind::YamlTemplate, &tree, text).syntax_error, None);
}

/// Issue #21 item 5, beyond `Metadata`: a section the rules read that is past the grammar's
/// 32,767 rows on its own (`Parameters`, one long mapping of `Mappings`, `Globals` with a long
/// environment, one resource with a long environment) is cut at its entries, however deep, and
/// read; the template is checked, not left silent.
#[test]
fn a_long_section_or_resource_is_read_in_pieces_and_checked() {
    let head = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n";
    let function = |timeout: &str, environment: &str| {
        format!(
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: index.handler\n      Runtime: python3.12\n{timeout}{environment}      Events:\n        Get:\n          Type: Api\n          Properties: {{Path: /x, Method: get}}\n"
        )
    };
    let lines = |each: &dyn Fn(usize) -> String| (0..34_000).map(each).collect::<String>();
    let cases = [
        (
            "Parameters",
            format!(
                "{head}Parameters:\n{}{}",
                lines(&|n| format!("  P{n}:\n    Type: String\n")),
                function("      Timeout: 60\n", "")
            ),
        ),
        (
            "Mappings",
            format!(
                "{head}Mappings:\n  M:\n{}{}",
                lines(&|n| format!("    K{n}: {{a: b}}\n")),
                function("      Timeout: 60\n", "")
            ),
        ),
        (
            "Globals",
            format!(
                "{head}Globals:\n  Function:\n    Timeout: 60\n    Environment:\n      Variables:\n{}{}",
                lines(&|n| format!("        V{n}: x\n")),
                function("", "")
            ),
        ),
        (
            "a resource",
            format!(
                "{head}{}",
                function(
                    "      Timeout: 60\n",
                    &format!(
                        "      Environment:\n        Variables:\n{}",
                        lines(&|n| format!("          V{n}: x\n"))
                    )
                )
            ),
        ),
    ];
    for (long, text) in cases {
        assert!(line_count(&text) > 32_767, "{long}");
        assert_fn_timeout_found(&text, long);
    }
}

/// A long YAML template read whole: no syntax error, nothing left unread, the function `Fn`
/// complete, and its `Timeout: 60` behind a REST API is the one finding (GL401 on `60`).
fn assert_fn_timeout_found(text: &str, case: &str) {
    use crate::analysis::analyze_with_model;
    use crate::context::FileContext;
    use crate::templates::TemplateModel;
    let kind = FileKind::YamlTemplate;
    let tree = tree_of(kind, text);
    let model = TemplateModel::read(kind, &tree, text);
    assert_eq!(model.read.syntax_error, None, "{case}");
    let template = model.read.template.as_ref().expect("a template");
    assert!(template.unread.is_empty(), "{case}: {:?}", template.unread);
    assert!(template.resource("Fn").is_some_and(|fn_| !fn_.incomplete));
    let findings = analyze_with_model(
        Some(kind),
        Some(&tree),
        text,
        &FileContext::default(),
        Some(&model),
    );
    let codes: Vec<_> = findings.iter().map(|finding| finding.code).collect();
    assert_eq!(codes, ["GL401"], "{case}");
    assert_eq!(findings[0].range.slice(text), "60", "{case}");
    // `check` reads it without the whole parse (which it would only throw away), to the same
    // findings.
    let pieces = TemplateModel::read_without_tree(text).expect("read in pieces");
    assert!(pieces.read.in_pieces, "{case}");
    let without_tree = analyze_with_model(
        Some(kind),
        None,
        text,
        &FileContext::default(),
        Some(&pieces),
    );
    assert_eq!(without_tree, findings, "{case}");
}

/// A file read once (`check`) gets the same model as an open document, read in pieces alike,
/// without keeping any piece's tree: a long YAML template (pieces by line count), a short one
/// with unreadable resources (a piece per resource) and a large JSON template.
#[test]
fn a_template_read_once_keeps_no_piece_tree_and_reads_the_same() {
    let short = long_template(40).replacen("    Properties:\n", "    Properties: {\n", 3);
    let json = long_json_template(2_000);
    assert!(json.len() >= JSON_PIECES_MIN_BYTES);
    for (kind, text) in [
        (FileKind::YamlTemplate, long_template(9_000)),
        (FileKind::YamlTemplate, short),
        (FileKind::JsonTemplate, json),
    ] {
        let tree = tree_of(kind, &text);
        let mut kept = read(kind, &tree, &text);
        assert!(!kept.pieces.is_empty(), "{kind:?}");
        kept.pieces.clear();
        let once = read_once(kind, &tree, &text);
        assert!(once.pieces.is_empty(), "{kind:?}");
        assert!(once.template.is_some(), "{kind:?}");
        assert_same_read(&once, &kept, &text);
    }
}

/// A long YAML template is read without its whole text's tree as with it; a short one, a JSON
/// one, or one holding template tags (blanked and parsed again whole) is read with its tree.
#[test]
fn a_long_yaml_template_reads_the_same_without_its_whole_tree() {
    let text = long_template(9_000);
    assert!(reads_without_tree(FileKind::YamlTemplate, &text));
    let tree = tree_of(FileKind::YamlTemplate, &text);
    let with_tree = read_once(FileKind::YamlTemplate, &tree, &text);
    let without = read_without_tree(&text).expect("every piece parses");
    assert!(without.template.is_some());
    assert_same_read(&without, &with_tree, &text);
    assert!(!reads_without_tree(
        FileKind::YamlTemplate,
        &long_template(40)
    ));
    assert!(!reads_without_tree(FileKind::JsonTemplate, &text));
    let tagged = text.replacen("line one", "line {{ cookiecutter.name }}", 1);
    assert!(!reads_without_tree(FileKind::YamlTemplate, &tagged));
}

/// A long YAML template with a piece that gets no tree at all (nested deeper than gatelint reads)
/// is not read without its whole text's parse: that parse decides, as for every file, whether it
/// is read at all (here: not, and `check` says so with GL902 instead of leaving the piece out).
#[test]
fn a_long_yaml_template_with_an_unparsable_piece_is_parsed_whole() {
    let deep = format!(
        "  Deep:\n    Type: AWS::SNS::Topic\n    Metadata: {}{}\n",
        "[".repeat(crate::text::MAX_TREE_DEPTH + 10),
        "]".repeat(crate::text::MAX_TREE_DEPTH + 10)
    );
    let text = long_template(9_000).replacen("Resources:\n", &format!("Resources:\n{deep}"), 1);
    assert!(reads_without_tree(FileKind::YamlTemplate, &text));
    assert!(read_without_tree(&text).is_none());
    assert!(read_without_tree(&long_template(9_000)).is_some());
}
