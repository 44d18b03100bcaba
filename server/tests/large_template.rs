//! A YAML template past tree-sitter-yaml's 32,767-line limit is read in pieces: it must give the
//! same findings as the same template written in JSON (which has no such limit).

use gatelint::analysis::analyze;
use gatelint::context::FileContext;
use gatelint::languages::FileKind;
use gatelint::text::Document;
use serde_json::{json, Value};

#[path = "support/lsp_client.rs"]
mod lsp_client;
use lsp_client::Client;

const FUNCTIONS: usize = 3_000;

/// The same template in YAML (short-form intrinsics) and JSON (long forms).
fn template() -> (String, String) {
    let mut yaml = String::from(
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nParameters:\n  LongTimeout:\n    Type: Number\n    Default: 40\nGlobals:\n  Function:\n    Runtime: python3.12\n    Timeout: 20\nResources:\n  ManualApi:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: manual\n",
    );
    let mut json = vec![
        r#""ManualApi": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "manual"}}"#
            .to_owned(),
    ];
    for n in 0..FUNCTIONS {
        let name = format!("Function{n:05}");
        let (yaml_timeout, json_timeout) = match n % 97 {
            0 => (
                "!Ref LongTimeout".to_owned(),
                r#"{"Ref": "LongTimeout"}"#.to_owned(),
            ),
            _ => ((5 + n % 30).to_string(), (5 + n % 30).to_string()),
        };
        yaml.push_str(&format!(
            "  {name}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Timeout: {yaml_timeout}\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /items/{n}\n            Method: get\n  {name}Method:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref ManualApi\n      ResourceId: !GetAtt ManualApi.RootResourceId\n      HttpMethod: GET\n      Integration:\n        Type: AWS_PROXY\n        IntegrationHttpMethod: POST\n        Uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{name}.Arn}}/invocations\n"
        ));
        json.push(format!(
            r#""{name}": {{"Type": "AWS::Serverless::Function", "Properties": {{"CodeUri": "src/", "Handler": "app.handler", "Timeout": {json_timeout}, "Events": {{"Get": {{"Type": "Api", "Properties": {{"Path": "/items/{n}", "Method": "get"}}}}}}}}}}"#
        ));
        json.push(format!(
            r#""{name}Method": {{"Type": "AWS::ApiGateway::Method", "Properties": {{"RestApiId": {{"Ref": "ManualApi"}}, "ResourceId": {{"Fn::GetAtt": ["ManualApi", "RootResourceId"]}}, "HttpMethod": "GET", "Integration": {{"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST", "Uri": {{"Fn::Sub": "arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{name}.Arn}}/invocations"}}}}}}}}"#
        ));
        if n % 50 != 0 {
            yaml.push_str(&format!(
                "  {name}Permission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !GetAtt {name}.Arn\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{ManualApi}}/*/GET/\n"
            ));
            json.push(format!(
                r#""{name}Permission": {{"Type": "AWS::Lambda::Permission", "Properties": {{"Action": "lambda:InvokeFunction", "FunctionName": {{"Fn::GetAtt": ["{name}", "Arn"]}}, "Principal": "apigateway.amazonaws.com", "SourceArn": {{"Fn::Sub": "arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{ManualApi}}/*/GET/"}}}}}}"#
            ));
        }
    }
    yaml.push_str("Outputs:\n  Api:\n    Value: !Ref ManualApi\n");
    let json = format!(
        "{{\n\"AWSTemplateFormatVersion\": \"2010-09-09\",\n\"Transform\": \"AWS::Serverless-2016-10-31\",\n\"Parameters\": {{\"LongTimeout\": {{\"Type\": \"Number\", \"Default\": 40}}}},\n\"Globals\": {{\"Function\": {{\"Runtime\": \"python3.12\", \"Timeout\": 20}}}},\n\"Resources\": {{\n{}\n}},\n\"Outputs\": {{\"Api\": {{\"Value\": {{\"Ref\": \"ManualApi\"}}}}}}\n}}\n",
        json.join(",\n")
    );
    (yaml, json)
}

fn findings(kind: FileKind, text: String) -> Vec<(&'static str, String)> {
    let document = Document::new(Some(kind), text.clone());
    let mut found: Vec<(&'static str, String)> =
        analyze(Some(kind), document.tree(), &text, &FileContext::default())
            .into_iter()
            .map(|finding| (finding.code, finding.message))
            .collect();
    found.sort();
    found
}

#[test]
fn a_yaml_template_past_the_grammar_line_limit_gives_the_json_findings() {
    let (yaml, json) = template();
    assert!(
        yaml.lines().count() > 2 * 32_767,
        "{}",
        yaml.lines().count()
    );
    let from_yaml = findings(FileKind::YamlTemplate, yaml);
    let from_json = findings(FileKind::JsonTemplate, json);
    assert!(from_yaml.iter().all(|(code, _)| *code != "GL902"));
    // Every 50th function lacks its permission; every function with a timeout over 29 s
    // (30 to 34 s, and the 40 s parameter) outlives the REST API.
    let missing = from_yaml
        .iter()
        .filter(|(code, _)| *code == "GL301")
        .count();
    assert_eq!(missing, FUNCTIONS / 50);
    assert!(from_yaml.iter().any(|(code, _)| *code == "GL401"));
    assert_eq!(from_yaml, from_json);
}

/// What `check --format json` reports for `path`: code, 1-based start line and column, message.
fn checked(path: &std::path::Path) -> Vec<(String, u64, u64, String)> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("gatelint runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON output");
    let mut found: Vec<_> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|finding| {
            let start = &finding["range"]["start"];
            (
                finding["code"].as_str().unwrap_or_default().to_owned(),
                start["line"].as_u64().unwrap_or_default(),
                start["column"].as_u64().unwrap_or_default(),
                finding["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

/// The same of published diagnostics (ASCII text: UTF-16 columns are characters).
fn published(diagnostics: &[Value]) -> Vec<(String, u64, u64, String)> {
    let mut found: Vec<_> = diagnostics
        .iter()
        .map(|diagnostic| {
            let start = &diagnostic["range"]["start"];
            (
                diagnostic["code"].as_str().unwrap_or_default().to_owned(),
                start["line"].as_u64().unwrap_or_default() + 1,
                start["character"].as_u64().unwrap_or_default() + 1,
                diagnostic["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

/// A server with a template open, in a workspace folder of its own where the template is on
/// disk too (for `check`).
struct OpenTemplate {
    client: Client,
    uri: String,
    path: std::path::PathBuf,
    root: std::path::PathBuf,
}

impl OpenTemplate {
    /// Writes `text` as `name` in a new folder, starts the server there and opens it: also the
    /// diagnostics of its first version.
    fn open(name: &str, text: &str) -> (OpenTemplate, Vec<Value>) {
        let root = std::env::temp_dir().join(format!("gatelint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp is writable");
        let path = root.join(name);
        std::fs::write(&path, text).expect("temp is writable");
        let uri = format!("file://{}", path.display());
        let (mut client, _) =
            Client::start_with(false, json!(format!("file://{}", root.display())));
        client.wait_indexed();
        client.open(&uri, text);
        let diagnostics = client.diagnostics(&uri, Some(1));
        let open = OpenTemplate {
            client,
            uri,
            path,
            root,
        };
        (open, diagnostics)
    }

    /// Replaces `start..end` of `text` with `inserted` in the editor and on disk: what the
    /// server publishes for `version`, checked equal to what `check` reports of that text.
    fn edit(
        &mut self,
        text: &mut String,
        version: i64,
        (start, end, inserted): (usize, usize, &str),
    ) -> Vec<(String, u64, u64, String)> {
        let change = json!({
            "range": {
                "start": self.client.position(text, start),
                "end": self.client.position(text, end),
            },
            "text": inserted,
        });
        text.replace_range(start..end, inserted);
        self.client.change(&self.uri, version, vec![change]);
        let found = published(&self.client.diagnostics(&self.uri, Some(version)));
        std::fs::write(&self.path, &*text).expect("temp is writable");
        assert_eq!(found, checked(&self.path), "version {version}");
        found
    }

    fn close(self) {
        let _ = self.client.shutdown();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// An edit of a text: the byte range replaced and the text put there.
type Edit<'a> = Box<dyn Fn(&str) -> (usize, usize, &'static str) + 'a>;

/// Open in the editor, the long YAML template is read as `check` reads it (in pieces, without a
/// parse of its whole text, the pieces an edit leaves alone reused): after opening and after each
/// edit (a timeout raised inside one piece, a permission deleted, a syntax error typed and taken
/// back) the server publishes the findings `check` gives for that version's text.
#[test]
fn an_open_long_yaml_template_gets_the_findings_check_gives_after_each_edit() {
    let (mut text, _) = template();
    let (mut open, diagnostics) = OpenTemplate::open("template.yaml", &text);
    let opened = published(&diagnostics);
    assert!(opened.iter().any(|(code, ..)| code == "GL301"));
    assert_eq!(opened, checked(&open.path));
    let timeout_of = |text: &str, name: &str| {
        let at = text.find(&format!("  {name}:\n")).expect("the function");
        at + text[at..].find("Timeout: ").expect("its timeout") + "Timeout: ".len()
    };
    let permission = |text: &str| {
        let start = text
            .find("  Function01234Permission:\n")
            .expect("a permission");
        let end = start
            + text[start..]
                .find("  Function01235:")
                .expect("the next function");
        (start, end)
    };
    let syntax_error = |text: &str| timeout_of(text, "Function02000");
    let edits: Vec<Edit> = vec![
        Box::new(|text: &str| {
            let at = timeout_of(text, "Function01501");
            (at, at + text[at..].find('\n').expect("a line"), "45")
        }),
        Box::new(|text: &str| {
            let (start, end) = permission(text);
            (start, end, "")
        }),
        Box::new(|text: &str| {
            let at = syntax_error(text);
            (at, at, "{")
        }),
        Box::new(|text: &str| {
            let at = syntax_error(text);
            (at, at + 1, "")
        }),
    ];
    let mut findings = Vec::new();
    for (version, edit) in (2..).zip(edits) {
        let edit = edit(&text);
        findings.push(open.edit(&mut text, version, edit));
    }
    // Each edit showed: the raised timeout, the missing permission, the syntax error and its end.
    let count = |found: &[(String, u64, u64, String)], wanted: &str| {
        found.iter().filter(|(code, ..)| code == wanted).count()
    };
    assert!(count(&findings[0], "GL401") > count(&opened, "GL401"));
    assert_eq!(count(&findings[1], "GL301"), count(&opened, "GL301") + 1);
    assert_ne!(findings[2], findings[1]);
    assert_eq!(findings[3], findings[1]);
    open.close();
}

/// The large JSON template is read in pieces in the editor as in `check` (no parse of its whole
/// text; the rules read its model): the findings `check` gives after opening and after edits (a
/// timeout raised, a syntax error typed, which the whole parse then reports, and taken back), and
/// the suppression a quick fix writes into a resource's `Metadata`, found in a tree parsed for
/// that answer.
#[test]
fn an_open_large_json_template_gets_the_findings_check_gives_and_its_suppressions() {
    let (_, mut text) = template();
    let (mut open, diagnostics) = OpenTemplate::open("template.json", &text);
    let opened = published(&diagnostics);
    assert_eq!(opened, checked(&open.path));
    let missing = diagnostics
        .iter()
        .find(|diagnostic| diagnostic["code"] == "GL301")
        .expect("a missing permission");
    let actions = open.client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": open.uri },
            "range": missing["range"],
            "context": { "diagnostics": [missing] },
        }),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|action| action["title"].as_str())
        .collect();
    assert!(
        titles
            .iter()
            .any(|title| title.starts_with("Suppress GL301 in resource `Function")),
        "{titles:?}"
    );
    let timeout = |text: &str| {
        let at = text.find("\"Function01501\": ").expect("the function");
        at + text[at..].find("\"Timeout\": ").expect("its timeout") + "\"Timeout\": ".len()
    };
    let (mut before, mut raised) = (opened.clone(), Vec::new());
    for (version, (edit, inserted)) in (2..).zip([(0, "4"), (1, "{"), (-1, "")]) {
        let at = timeout(&text);
        let (start, end) = match edit {
            -1 => (at, at + 1),
            _ => (at, at),
        };
        let found = open.edit(&mut text, version, (start, end, inserted));
        if version == 3 {
            // The syntax error shows: what the version before showed is not all shown.
            assert_ne!(found, before, "{found:?}");
        }
        if version == 2 {
            // The raised timeout shows.
            assert_eq!(found.len(), opened.len() + 1);
            raised = found.clone();
        }
        if version == 4 {
            assert_eq!(found, raised);
        }
        before = found;
    }
    open.close();
}
