//! `check --fix` applies a fix only where it is known to be right: the handler is linked by a
//! template or reads API Gateway events, it is not test code, and the object is no payload 2.0
//! body (whose keys are the client's data). A second `--fix` changes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

const TEMPLATE: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: rest/
      Handler: app.lambda_handler
      Events:
        Get:
          Type: Api
          Properties:
            Path: /orders
            Method: get
  Catalog:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: http/
      Handler: app.lambda_handler
      Events:
        List:
          Type: HttpApi
          Properties:
            Path: /catalog
            Method: get
";

/// Linked to a REST API: the misspelt key is renamed.
const REST: &str = "\
import json


def lambda_handler(event, context):
    return {\"status\": 200, \"body\": json.dumps({\"orders\": []})}
";

/// Linked to an HTTP API (payload 2.0): the data object and the envelope stay as written.
const HTTP: &str = "\
import json


def lambda_handler(event, context):
    if event.get(\"queryStringParameters\"):
        return {\"headers\": {\"Content-Type\": \"text/csv\"}, \"body\": \"sku\\n\"}
    return {\"code\": 1, \"status\": \"ok\", \"items\": []}
";

/// Not linked, but it reads API Gateway events: clearly API-facing, so its fix applies.
const API_FACING: &str = "\
import json


def lambda_handler(event, context):
    order_id = event[\"pathParameters\"][\"id\"]
    return {\"statusCode\": 200, \"body\": {\"id\": order_id}}
";

/// Not linked, nothing shows API Gateway invokes it: the finding stands, the fix waits for a person.
const UNKNOWN: &str = "\
import json


def handler(event, context):
    return {\"statusCode\": 200, \"body\": {\"report\": \"done\"}}
";

/// Test code: never judged, never rewritten.
const TEST: &str = "\
def lambda_handler(event, context):
    return {\"status\": 200, \"body\": {\"stub\": True}}
";

/// A stub authorizer in test code: whatever a rule finds there, `--fix` leaves it as written.
const TEST_AUTHORIZER: &str = "\
def handler(event, context):
    return {
        \"principalId\": \"user\",
        \"policyDocument\": {
            \"Version\": \"2012-10-17\",
            \"Statement\": [{\"Action\": \"execute-api:Invoke\", \"Effect\": \"allow\", \"Resource\": \"*\"}],
        },
    }
";

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gatelint-fix-safety-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

fn fix(dir: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_gatelint"))
        .args(["check", "--fix", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn fix_applies_only_to_linked_or_api_facing_handlers() {
    let dir = tempdir();
    let files = [
        ("template.yaml", TEMPLATE),
        ("rest/app.py", REST),
        ("http/app.py", HTTP),
        ("api/app.py", API_FACING),
        ("jobs/report.py", UNKNOWN),
        ("tests/test_app.py", TEST),
        ("tests/stub_authorizer.py", TEST_AUTHORIZER),
    ];
    for (file, text) in files {
        write(&dir, file, text);
    }
    fix(&dir);
    assert_eq!(
        read(&dir, "rest/app.py"),
        REST.replace("\"status\"", "\"statusCode\"")
    );
    assert_eq!(
        read(&dir, "api/app.py"),
        API_FACING.replace("{\"id\": order_id}}", "json.dumps({\"id\": order_id})}")
    );
    for (file, text) in [
        ("http/app.py", HTTP),
        ("jobs/report.py", UNKNOWN),
        ("tests/test_app.py", TEST),
        ("tests/stub_authorizer.py", TEST_AUTHORIZER),
    ] {
        assert_eq!(read(&dir, file), text, "{file} was rewritten");
    }
    // A second run changes nothing.
    let after: Vec<String> = files.iter().map(|(file, _)| read(&dir, file)).collect();
    fix(&dir);
    let again: Vec<String> = files.iter().map(|(file, _)| read(&dir, file)).collect();
    assert_eq!(after, again);
    let _ = std::fs::remove_dir_all(&dir);
}
