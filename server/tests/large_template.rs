//! A YAML template past tree-sitter-yaml's 32,767-line limit is read in pieces: it must give the
//! same findings as the same template written in JSON (which has no such limit).

use gatelint::analysis::analyze;
use gatelint::context::FileContext;
use gatelint::languages::FileKind;
use gatelint::text::Document;

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
