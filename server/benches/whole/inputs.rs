//! The benchmark's inputs, generated deterministically (no randomness, no network): two 2,000-line
//! handler modules, a ~5 MB SAM template with 2,000 functions, a 5,000-file monorepo of SAM
//! apps with handlers in Python, JavaScript, TypeScript and Rust, and issue 21's hostile inputs:
//! unbalanced brackets in a `.py`, a `.js` and a YAML template, and a 5 MB one-line JavaScript
//! bundle of module-level functions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

/// Where the generated inputs live, and what the benchmark measures on them.
pub struct Inputs {
    /// The monorepo: `FILES` files in SAM apps (the first app holds the two large handlers).
    pub monorepo: PathBuf,
    /// The number of files written under `monorepo`.
    pub monorepo_files: usize,
    /// Its templates (what cfn-lint gets).
    pub monorepo_templates: Vec<PathBuf>,
    /// `MONOREPO_COPIES` copies of the monorepo in one folder: peak memory against the source
    /// apart from the fixed floor of a run (the grammars' compiled queries, the binary).
    pub monorepo_copies: PathBuf,
    /// The 2,000-line Python and TypeScript handlers (inside the monorepo's first app).
    pub python_handler: PathBuf,
    pub typescript_handler: PathBuf,
    /// The folder of the large template (with the code its functions run).
    pub template_dir: PathBuf,
    /// The large template, JSON.
    pub template: PathBuf,
    /// The same template in YAML (short-form intrinsics), next to it.
    pub yaml_template: PathBuf,
    /// Unbalanced brackets (issue 21): `BRACKETS` `(` in a Python file, and as many `[` in a
    /// YAML template, which took quadratic time.
    pub brackets_python: PathBuf,
    pub brackets_javascript: PathBuf,
    pub brackets_template: PathBuf,
    /// A Terraform configuration: an HTTP API and five resources for each of
    /// `TERRAFORM_FUNCTIONS` functions, in `TERRAFORM_FILES` `.tf` files of one folder.
    pub terraform: PathBuf,
    /// A CDK app: one TypeScript stack of `STACK_FUNCTIONS` functions, each behind a method of
    /// a RestApi, with the Python handler they share.
    pub cdk: PathBuf,
    /// A Serverless Framework service of `STACK_FUNCTIONS` functions, each with an `http` event.
    pub serverless: PathBuf,
    /// A one-line JavaScript bundle of `BUNDLE_BYTES` with one module-level function after
    /// another (each binding the same short names, as minified code does) and exported handlers
    /// among them: the extractor was quadratic in their number.
    pub bundle: PathBuf,
    /// The module-level functions in `bundle`.
    pub bundle_functions: usize,
}

/// Files in the monorepo.
pub const FILES: usize = 5_000;
/// Copies of the monorepo in `monorepo_copies`.
pub const MONOREPO_COPIES: usize = 10;
/// Functions in the large template.
pub const TEMPLATE_FUNCTIONS: usize = 2_000;
/// Lines of each large handler.
pub const HANDLER_LINES: usize = 2_000;
/// Unmatched brackets in the bracket inputs.
pub const BRACKETS: usize = 200_000;
/// Functions in the Terraform configuration (five resources each), and its files.
pub const TERRAFORM_FUNCTIONS: usize = 400;
pub const TERRAFORM_FILES: usize = 10;
/// Functions in the CDK stack and in the Serverless Framework service.
pub const STACK_FUNCTIONS: usize = 400;
/// Size of the one-line bundle.
pub const BUNDLE_BYTES: usize = 5_000_000;

/// Writes every input under `root` (replacing what a previous run left there).
pub fn generate(root: &Path) -> std::io::Result<Inputs> {
    let _ = std::fs::remove_dir_all(root);
    let monorepo = root.join("monorepo");
    let (monorepo_files, monorepo_templates) = write_monorepo(&monorepo)?;
    let monorepo_copies = root.join("monorepo-copies");
    for copy in 0..MONOREPO_COPIES {
        write_monorepo(&monorepo_copies.join(format!("copy{copy}")))?;
    }
    let template_dir = root.join("template");
    let template = template_dir.join("template.json");
    let yaml_template = template_dir.join("template.yaml");
    let large = large_template();
    write(&template, &large_json(&large))?;
    write(&yaml_template, &large_yaml(&large))?;
    write(&template_dir.join("src/app.py"), &template_handlers())?;
    let brackets_python = root.join("brackets/app.py");
    let brackets_template = root.join("brackets/template.yaml");
    write(&brackets_python, &"(".repeat(BRACKETS))?;
    let brackets_javascript = root.join("brackets-js/app.js");
    write(&brackets_javascript, &"(".repeat(BRACKETS))?;
    let bundle = root.join("bundle/index.js");
    let (bundle_text, bundle_functions) = one_line_bundle();
    write(&bundle, &bundle_text)?;
    write(
        &brackets_template,
        &format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: {}\n",
            "[".repeat(BRACKETS)
        ),
    )?;
    let terraform = root.join("terraform");
    write_terraform(&terraform)?;
    let cdk = root.join("cdk");
    write_cdk(&cdk)?;
    let serverless = root.join("serverless");
    write_serverless(&serverless)?;
    Ok(Inputs {
        cdk,
        serverless,
        terraform,
        brackets_python,
        brackets_javascript,
        brackets_template,
        bundle,
        bundle_functions,
        python_handler: monorepo.join("large/orders/app.py"),
        typescript_handler: monorepo.join("large/payments/app.ts"),
        monorepo,
        monorepo_files,
        monorepo_templates,
        monorepo_copies,
        template_dir,
        template,
        yaml_template,
    })
}

/// An HTTP API and, per function, its integration, route, permission (every seventh missing)
/// and log group, spread over the files; every eleventh function may run longer than the
/// integration waits.
fn write_terraform(folder: &Path) -> std::io::Result<()> {
    let mut files = vec![String::new(); TERRAFORM_FILES];
    files[0].push_str(
        "resource \"aws_apigatewayv2_api\" \"http\" {\n  name          = \"orders\"\n  protocol_type = \"HTTP\"\n}\n",
    );
    for index in 0..TERRAFORM_FUNCTIONS {
        let text = &mut files[index % TERRAFORM_FILES];
        let timeout = if index % 11 == 0 { 45 } else { 10 };
        let _ = write!(
            text,
            "\nresource \"aws_lambda_function\" \"f{index}\" {{\n  function_name = \"orders-{index}\"\n  filename      = \"build/f{index}.zip\"\n  handler       = \"app.handler\"\n  runtime       = \"python3.12\"\n  timeout       = {timeout}\n}}\n\n\
             resource \"aws_apigatewayv2_integration\" \"f{index}\" {{\n  api_id                 = aws_apigatewayv2_api.http.id\n  integration_type       = \"AWS_PROXY\"\n  integration_uri        = aws_lambda_function.f{index}.invoke_arn\n  payload_format_version = \"2.0\"\n}}\n\n\
             resource \"aws_apigatewayv2_route\" \"f{index}\" {{\n  api_id    = aws_apigatewayv2_api.http.id\n  route_key = \"GET /orders/v{index}\"\n  target    = \"integrations/${{aws_apigatewayv2_integration.f{index}.id}}\"\n}}\n\n\
             resource \"aws_cloudwatch_log_group\" \"f{index}\" {{\n  name              = \"/aws/lambda/orders-{index}\"\n  retention_in_days = 14\n}}\n"
        );
        let permission = if index % 7 == 0 {
            "aws_ssm_parameter"
        } else {
            "aws_lambda_permission"
        };
        let _ = write!(
            text,
            "\nresource \"{permission}\" \"f{index}\" {{\n  statement_id  = \"AllowExecutionFromAPIGateway\"\n  action        = \"lambda:InvokeFunction\"\n  function_name = aws_lambda_function.f{index}.function_name\n  principal     = \"apigateway.amazonaws.com\"\n  source_arn    = \"${{aws_apigatewayv2_api.http.execution_arn}}/*/*\"\n}}\n"
        );
    }
    for (index, text) in files.iter().enumerate() {
        write(&folder.join(format!("orders{index}.tf")), text)?;
    }
    Ok(())
}

/// A CDK app whose stack declares the functions one by one, every eleventh with a timeout past
/// the REST API's 29 s.
fn write_cdk(folder: &Path) -> std::io::Result<()> {
    let mut stack = String::from(
        "import * as cdk from 'aws-cdk-lib';\nimport { Duration } from 'aws-cdk-lib';\nimport * as lambda from 'aws-cdk-lib/aws-lambda';\nimport * as apigw from 'aws-cdk-lib/aws-apigateway';\nimport { Construct } from 'constructs';\n\nexport class OrdersStack extends cdk.Stack {\n  constructor(scope: Construct, id: string, props?: cdk.StackProps) {\n    super(scope, id, props);\n    const api = new apigw.RestApi(this, 'Orders');\n    const orders = api.root.addResource('orders');\n",
    );
    for index in 0..STACK_FUNCTIONS {
        let timeout = if index % 11 == 0 { 45 } else { 10 };
        let handler = index % 50;
        let _ = write!(
            stack,
            "\n    const f{index} = new lambda.Function(this, 'Orders{index}', {{\n      runtime: lambda.Runtime.PYTHON_3_12,\n      handler: 'app.handler_{handler}',\n      code: lambda.Code.fromAsset('lambda'),\n      timeout: Duration.seconds({timeout}),\n    }});\n    orders.addResource('v{index}').addMethod('GET', new apigw.LambdaIntegration(f{index}));\n"
        );
    }
    stack.push_str("  }\n}\n");
    write(&folder.join("lib/orders-stack.ts"), &stack)?;
    write(
        &folder.join("cdk.json"),
        "{\n  \"app\": \"npx ts-node bin/app.ts\"\n}\n",
    )?;
    write(&folder.join("lambda/app.py"), &template_handlers())
}

/// A Serverless Framework service of the same shape.
fn write_serverless(folder: &Path) -> std::io::Result<()> {
    let mut service = String::from(
        "service: orders\n\nprovider:\n  name: aws\n  runtime: python3.12\n  timeout: 10\n\nfunctions:\n",
    );
    for index in 0..STACK_FUNCTIONS {
        let _ = write!(
            service,
            "  orders{index}:\n    handler: src/app.handler_{}\n",
            index % 50
        );
        if index % 11 == 0 {
            service.push_str("    timeout: 45\n");
        }
        let _ = write!(
            service,
            "    events:\n      - http:\n          path: orders/v{index}\n          method: get\n"
        );
    }
    write(&folder.join("serverless.yml"), &service)?;
    write(&folder.join("src/app.py"), &template_handlers())
}

/// A minified-looking bundle on one line: helpers and exported async handlers in turn, every
/// function binding `e`, `t` and `n`, each helper calling the previous one (in chains ten deep),
/// each handler the helper before it; the handlers return proxy responses. Returns the text and its number of functions.
fn one_line_bundle() -> (String, usize) {
    let mut text = String::from("\"use strict\";");
    let mut functions: usize = 0;
    while text.len() < BUNDLE_BYTES {
        let index = functions;
        if index.is_multiple_of(2) {
            // Helpers call the one before them in short chains (ten deep), as bundled code does.
            let previous = if index.is_multiple_of(20) {
                index
            } else {
                index - 2
            };
            let _ = write!(
                text,
                "function f{index}(e,t){{var n=e+t*{index};if(n>{index})return f{previous}(n,t);return{{statusCode:200,body:JSON.stringify({{v:n}})}}}}"
            );
        } else {
            let previous = index - 1;
            let _ = write!(
                text,
                "exports.h{index}=async function(e,t){{const n=e.pathParameters||{{}};const r=f{previous}(n.id,{index});return{{statusCode:r.statusCode,headers:{{\"Content-Type\":\"application/json\"}},body:r.body}}}};"
            );
        }
        functions += 1;
    }
    text.push('\n');
    (text, functions)
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// A 2,000-line Python module of API handlers and helpers; every seventh returns a dict body.
pub fn python_handler() -> String {
    let mut text = String::from(
        "\"\"\"Order handlers behind the REST API.\"\"\"\n\nimport json\nimport logging\nimport os\n\nimport boto3\n\nLOG = logging.getLogger(__name__)\nTABLE = boto3.resource(\"dynamodb\").Table(os.environ.get(\"TABLE\", \"orders\"))\n",
    );
    let mut index = 0;
    while text.lines().count() < HANDLER_LINES {
        let body = if index % 7 == 0 {
            "{\"id\": order_id, \"items\": items}".to_owned()
        } else {
            "json.dumps({\"id\": order_id, \"items\": items})".to_owned()
        };
        let _ = write!(
            text,
            "\n\ndef _load_{index}(order_id):\n\
             \x20   \"\"\"Reads order {index} from the table.\"\"\"\n\
             \x20   item = TABLE.get_item(Key={{\"pk\": order_id, \"sk\": \"v{index}\"}}).get(\"Item\")\n\
             \x20   if item is None:\n\
             \x20       return []\n\
             \x20   return [line for line in item.get(\"lines\", []) if line.get(\"quantity\", 0) > 0]\n\
             \n\n\
             def handler_{index}(event, context):\n\
             \x20   \"\"\"GET /orders/{{id}}/v{index}\"\"\"\n\
             \x20   order_id = (event.get(\"pathParameters\") or {{}}).get(\"id\")\n\
             \x20   if not order_id:\n\
             \x20       return {{\"statusCode\": 400, \"body\": json.dumps({{\"error\": \"missing id\"}})}}\n\
             \x20   # the order is looked up in version {index} of the table\n\
             \x20   items = _load_{index}(order_id)\n\
             \x20   LOG.info(\"order %s has %d items\", order_id, len(items))\n\
             \x20   return {{\n\
             \x20       \"statusCode\": 200,\n\
             \x20       \"headers\": {{\"Content-Type\": \"application/json\"}},\n\
             \x20       \"body\": {body},\n\
             \x20   }}\n"
        );
        index += 1;
    }
    text
}

/// A 2,000-line TypeScript module of HTTP API handlers; every seventh returns a numeric header.
pub fn typescript_handler() -> String {
    let mut text = String::from(
        "import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';\nimport { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';\n\nconst client = new DynamoDBClient({});\nconst TABLE = process.env.TABLE ?? 'payments';\n",
    );
    let mut index = 0;
    while text.lines().count() < HANDLER_LINES {
        let header = if index % 7 == 0 {
            "'X-Version': 1"
        } else {
            "'X-Version': '1'"
        };
        let _ = write!(
            text,
            "\ninterface Payment{index} {{\n  id: string;\n  amount: number;\n  currency: string;\n}}\n\n\
             async function load{index}(id: string): Promise<Payment{index} | undefined> {{\n\
             \x20 const result = await client.send(new GetItemCommand({{ TableName: TABLE, Key: {{ pk: {{ S: id }} }} }}));\n\
             \x20 if (!result.Item) {{\n\
             \x20   return undefined;\n\
             \x20 }}\n\
             \x20 return {{ id, amount: Number(result.Item.amount?.N ?? 0), currency: result.Item.currency?.S ?? 'EUR' }};\n\
             }}\n\n\
             export const handler{index} = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {{\n\
             \x20 const id = event.pathParameters?.id;\n\
             \x20 if (!id) {{\n\
             \x20   return {{ statusCode: 400, body: JSON.stringify({{ error: 'missing id' }}) }};\n\
             \x20 }}\n\
             \x20 // payment {index} is read from the table\n\
             \x20 const payment = await load{index}(id);\n\
             \x20 return {{\n\
             \x20   statusCode: payment ? 200 : 404,\n\
             \x20   headers: {{ 'Content-Type': 'application/json', {header} }},\n\
             \x20   body: JSON.stringify(payment ?? {{ error: 'not found' }}),\n\
             \x20 }};\n\
             }};\n"
        );
        index += 1;
    }
    text
}

/// The template of the monorepo's first app: routes to a few of the large handlers' functions.
fn large_app_template() -> String {
    let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n");
    for index in (0..40).step_by(4) {
        let _ = write!(
            text,
            "  Order{index}:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: orders/\n      Handler: app.handler_{index}\n      Runtime: python3.12\n      Timeout: 10\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /orders/{{id}}/v{index}\n            Method: get\n\
             \x20 Payment{index}:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        EntryPoints:\n          - app.ts\n    Properties:\n      CodeUri: payments/\n      Handler: app.handler{index}\n      Runtime: nodejs20.x\n      Events:\n        Get:\n          Type: HttpApi\n          Properties:\n            Path: /payments/{{id}}/v{index}\n            Method: get\n"
        );
    }
    text
}

const PYTHON: &str = r#"import json
import os
import time

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["TABLE"])


def lambda_handler(event, context):
    item_id = (event.get("pathParameters") or {}).get("id")
    if item_id == "slow":
        time.sleep(SLEEP)
    item = TABLE.get_item(Key={"pk": item_id}).get("Item")
    if item is None:
        return {"statusCode": 404, "body": json.dumps({"error": "not found"})}
    return {"statusCode": 200, "body": json.dumps({"id": item_id, "n": NUM})}


def helper_NUM(value):
    return value * 2
"#;

const NODE: &str = r#"import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({});

export const handler = async (event) => {
  const id = event.pathParameters?.id;
  if (!id) {
    return { statusCode: 400, body: JSON.stringify({ error: 'missing id' }) };
  }
  const result = await client.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { pk: { S: id } } }));
  return { statusCode: 200, body: JSON.stringify({ id, n: NUM, item: result.Item }) };
};
"#;

const TYPESCRIPT: &str = r#"import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export const lambdaHandler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  const id = event.pathParameters?.id;
  return { statusCode: 200, body: JSON.stringify({ id, n: NUM }) };
};
"#;

const RUST: &str = r#"use lambda_http::{run, service_fn, Body, Error, Request, RequestExt, Response};

async fn handler(event: Request) -> Result<Response<Body>, Error> {
    let id = event
        .path_parameters_ref()
        .and_then(|params| params.first("id"))
        .unwrap_or("none")
        .to_owned();
    let body = format!("{{\"id\":\"{id}\",\"n\":NUM}}");
    Ok(Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body.into())?)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(handler)).await
}
"#;

const CARGO_TOML: &str = "[package]\nname = \"fnNUM\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlambda_http = \"0.13\"\ntokio = { version = \"1\", features = [\"macros\"] }\n";

const FUNCTIONS_PER_APP: usize = 24;

/// Writes the monorepo; returns how many files it holds and its templates.
fn write_monorepo(root: &Path) -> std::io::Result<(usize, Vec<PathBuf>)> {
    let large = root.join("large");
    write(&large.join("template.yaml"), &large_app_template())?;
    write(&large.join("orders/app.py"), &python_handler())?;
    write(&large.join("payments/app.ts"), &typescript_handler())?;
    let mut written = 3;
    let mut templates = vec![large.join("template.yaml")];
    let mut app = 0;
    let mut n = 0;
    while written < FILES {
        let folder = root.join(format!("services/app{app:03}"));
        let mut resources = String::new();
        written += 1; // the template
        for _ in 0..FUNCTIONS_PER_APP {
            let kind = n % 4;
            let needed = if kind == 3 { 2 } else { 1 };
            if written + needed > FILES {
                break;
            }
            let code = folder.join(format!("fn{n}"));
            let number = n.to_string();
            let (runtime, handler, build) = match kind {
                0 => {
                    let sleep = if n % 10 == 0 { "40" } else { "1" };
                    let text = PYTHON.replace("SLEEP", sleep).replace("NUM", &number);
                    write(&code.join("app.py"), &text)?;
                    ("python3.12", "app.lambda_handler", "")
                }
                1 => {
                    write(&code.join("index.mjs"), &NODE.replace("NUM", &number))?;
                    ("nodejs20.x", "index.handler", "")
                }
                2 => {
                    write(&code.join("app.ts"), &TYPESCRIPT.replace("NUM", &number))?;
                    (
                        "nodejs20.x",
                        "app.lambdaHandler",
                        "    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        EntryPoints:\n          - app.ts\n",
                    )
                }
                _ => {
                    write(&code.join("src/main.rs"), &RUST.replace("NUM", &number))?;
                    write(
                        &code.join("Cargo.toml"),
                        &CARGO_TOML.replace("NUM", &number),
                    )?;
                    (
                        "provided.al2023",
                        "bootstrap",
                        "    Metadata:\n      BuildMethod: rust-cargolambda\n",
                    )
                }
            };
            written += needed;
            let event = if n % 2 == 0 { "Api" } else { "HttpApi" };
            let timeout = if n % 5 == 0 { 8 } else { 20 };
            let _ = write!(
                resources,
                "  Fn{n}:\n    Type: AWS::Serverless::Function\n{build}    Properties:\n      CodeUri: fn{n}/\n      Handler: {handler}\n      Runtime: {runtime}\n      Timeout: {timeout}\n      Environment:\n        Variables:\n          TABLE: !Ref Table\n      Policies:\n        - DynamoDBReadPolicy:\n            TableName: !Ref Table\n      Events:\n        Call:\n          Type: {event}\n          Properties:\n            Path: /fn{n}/{{id}}\n            Method: get\n"
            );
            n += 1;
        }
        let template = format!(
            "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nDescription: service {app}\nResources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n        - AttributeName: pk\n          AttributeType: S\n      KeySchema:\n        - AttributeName: pk\n          KeyType: HASH\n{resources}"
        );
        write(&folder.join("template.yaml"), &template)?;
        templates.push(folder.join("template.yaml"));
        app += 1;
    }
    Ok((written, templates))
}

/// The code the large template's functions run: one module, fifty handlers.
fn template_handlers() -> String {
    let mut text = String::from("import json\n");
    for index in 0..50 {
        let _ = write!(
            text,
            "\n\ndef handler_{index}(event, context):\n    return {{\"statusCode\": 200, \"body\": json.dumps({{\"n\": {index}}})}}\n"
        );
    }
    text.push_str("\n\ndef authorize(event, context):\n    allowed = event.get(\"authorizationToken\") == \"allow\"\n    return {\"principalId\": \"user\", \"policyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [{\"Action\": \"execute-api:Invoke\", \"Effect\": \"Allow\" if allowed else \"Deny\", \"Resource\": event[\"methodArn\"]}]}}\n");
    text
}

/// A SAM template of `TEMPLATE_FUNCTIONS` functions, each behind a REST API event (with a Lambda
/// token authorizer on every fourth), an HTTP API event, a hand-written `AWS::ApiGateway::Method`
/// on a second REST API and its `AWS::Lambda::Permission` (missing on every fiftieth).
fn large_template() -> Value {
    let mut resources = Map::new();
    resources.insert(
        "SharedApi".into(),
        json!({
            "Type": "AWS::Serverless::Api",
            "Properties": {
                "StageName": { "Ref": "Stage" },
                "Auth": {
                    "Authorizers": {
                        "TokenAuth": {
                            "FunctionArn": { "Fn::GetAtt": ["AuthorizerFunction", "Arn"] },
                            "Identity": { "Header": "Authorization" },
                        }
                    }
                },
            }
        }),
    );
    resources.insert(
        "AuthorizerFunction".into(),
        json!({
            "Type": "AWS::Serverless::Function",
            "Properties": { "CodeUri": "src/", "Handler": "app.authorize", "Timeout": 5 }
        }),
    );
    resources.insert(
        "ManualApi".into(),
        json!({ "Type": "AWS::ApiGateway::RestApi", "Properties": { "Name": "manual" } }),
    );
    resources.insert(
        "ManualAuthorizer".into(),
        json!({
            "Type": "AWS::ApiGateway::Authorizer",
            "Properties": {
                "Name": "manual-token",
                "Type": "TOKEN",
                "RestApiId": { "Ref": "ManualApi" },
                "IdentitySource": "method.request.header.Authorization",
                "AuthorizerUri": { "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthorizerFunction.Arn}/invocations" },
            }
        }),
    );
    resources.insert(
        "ManualAuthorizerPermission".into(),
        json!({
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": { "Fn::GetAtt": ["AuthorizerFunction", "Arn"] },
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": { "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ManualApi}/authorizers/*" },
            }
        }),
    );
    for n in 0..TEMPLATE_FUNCTIONS {
        let name = format!("Function{n:05}");
        let timeout = if n % 97 == 0 {
            json!({ "Ref": "LongTimeout" })
        } else {
            json!(5 + n % 20)
        };
        let variables: Map<String, Value> = (0..4)
            .map(|v| {
                (
                    format!("VAR_{v}"),
                    json!({ "Fn::Sub": format!("${{AWS::StackName}}-{name}-value-{v}-padding") }),
                )
            })
            .collect();
        let mut rest_event = json!({
            "RestApiId": { "Ref": "SharedApi" },
            "Path": format!("/items/{n}"),
            "Method": "get",
        });
        if n % 4 == 0 {
            rest_event["Auth"] = json!({ "Authorizer": "TokenAuth" });
        }
        resources.insert(
            name.clone(),
            json!({
                "Type": "AWS::Serverless::Function",
                "Metadata": { "Description": format!("Serves GET /items/{n} and POST /h/{n}") },
                "Properties": {
                    "CodeUri": "src/",
                    "Handler": format!("app.handler_{}", n % 50),
                    "Timeout": timeout,
                    "Environment": { "Variables": variables },
                    "Policies": [ { "DynamoDBCrudPolicy": { "TableName": { "Fn::Sub": "${AWS::StackName}-table" } } } ],
                    "Events": {
                        "Get": { "Type": "Api", "Properties": rest_event },
                        "Http": { "Type": "HttpApi", "Properties": { "Path": format!("/h/{n}"), "Method": "post" } },
                    },
                }
            }),
        );
        let mut method = json!({
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "RestApiId": { "Ref": "ManualApi" },
                "ResourceId": { "Fn::GetAtt": ["ManualApi", "RootResourceId"] },
                "HttpMethod": "GET",
                "AuthorizationType": "NONE",
                "Integration": {
                    "Type": "AWS_PROXY",
                    "IntegrationHttpMethod": "POST",
                    "Uri": { "Fn::Sub": format!("arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{name}.Arn}}/invocations") },
                },
            }
        });
        if n % 3 == 0 {
            method["Properties"]["AuthorizationType"] = json!("CUSTOM");
            method["Properties"]["AuthorizerId"] = json!({ "Ref": "ManualAuthorizer" });
        }
        resources.insert(format!("{name}Method"), method);
        if n % 50 != 0 {
            resources.insert(
                format!("{name}Permission"),
                json!({
                    "Type": "AWS::Lambda::Permission",
                    "Properties": {
                        "Action": "lambda:InvokeFunction",
                        "FunctionName": { "Fn::GetAtt": [name, "Arn"] },
                        "Principal": "apigateway.amazonaws.com",
                        "SourceArn": { "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ManualApi}/*" },
                    }
                }),
            );
        }
    }
    json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Parameters": {
            "Stage": { "Type": "String", "Default": "prod" },
            "LongTimeout": { "Type": "Number", "Default": 40 },
        },
        "Globals": { "Function": { "Runtime": "python3.12", "MemorySize": 512 } },
        "Resources": resources,
    })
}

/// The large template as pretty-printed JSON.
fn large_json(template: &Value) -> String {
    let mut text = serde_json::to_string_pretty(template).unwrap_or_default();
    text.push('\n');
    text
}

/// The large template as block YAML, written the way SAM templates are: `!Ref`, `!Sub` and
/// `!GetAtt` short forms, plain scalars where YAML reads them back as the same string.
fn large_yaml(template: &Value) -> String {
    let mut text = String::new();
    yaml_entries(&mut text, template, 0);
    text
}

fn yaml_entries(text: &mut String, value: &Value, indent: usize) {
    let Value::Object(entries) = value else {
        return;
    };
    for (key, value) in entries {
        let _ = write!(text, "{:indent$}{key}:", "");
        yaml_value(text, value, indent);
    }
}

/// Writes a value after a `key:` or `-` already written on the current line.
fn yaml_value(text: &mut String, value: &Value, indent: usize) {
    if let Some(short) = short_form(value) {
        let _ = writeln!(text, " {short}");
        return;
    }
    match value {
        Value::Object(entries) if !entries.is_empty() => {
            text.push('\n');
            yaml_entries(text, value, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            text.push('\n');
            for item in items {
                let _ = write!(text, "{:width$}-", "", width = indent + 2);
                match item {
                    Value::Object(_) if short_form(item).is_none() => {
                        // The first entry on the dash's line, the others under it.
                        let mut nested = String::new();
                        yaml_entries(&mut nested, item, indent + 4);
                        text.push(' ');
                        text.push_str(nested.trim_start());
                    }
                    _ => yaml_value(text, item, indent + 2),
                }
            }
        }
        Value::Object(_) => text.push_str(" {}\n"),
        Value::Array(_) => text.push_str(" []\n"),
        other => {
            let _ = writeln!(text, " {}", yaml_scalar(other));
        }
    }
}

/// `!Ref`, `!Sub` and `!GetAtt` for the intrinsic functions written as one-entry mappings.
fn short_form(value: &Value) -> Option<String> {
    let Value::Object(entries) = value else {
        return None;
    };
    let (key, argument) = entries.iter().next().filter(|_| entries.len() == 1)?;
    match (key.as_str(), argument) {
        ("Ref", Value::String(name)) => Some(format!("!Ref {name}")),
        ("Fn::Sub", Value::String(_)) => Some(format!("!Sub {}", yaml_scalar(argument))),
        ("Fn::GetAtt", Value::Array(parts)) => {
            let parts: Option<Vec<&str>> = parts.iter().map(Value::as_str).collect();
            Some(format!("!GetAtt {}", parts?.join(".")))
        }
        _ => None,
    }
}

fn yaml_scalar(value: &Value) -> String {
    match value {
        Value::String(string) => {
            let plain = !string.is_empty()
                && string
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
                && string.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
                && !matches!(
                    string.as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off"
                );
            if plain {
                string.clone()
            } else {
                format!("'{}'", string.replace('\'', "''"))
            }
        }
        other => other.to_string(),
    }
}
