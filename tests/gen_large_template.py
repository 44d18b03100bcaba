#!/usr/bin/env python3
"""Writes a large SAM template (default ~5 MB, 2,000 functions) for timing `gatelint check`.

Usage: python3 tests/gen_large_template.py OUT.yaml [FUNCTIONS]
Each function has an Api event on a shared REST API, an HttpApi event, a hand-written
AWS::ApiGateway::Method + Lambda::Permission, and enough properties to make a realistic size.
"""
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 2000
lines = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    "Transform: AWS::Serverless-2016-10-31",
    "Parameters:",
    "  Stage: {Type: String, Default: prod}",
    "  LongTimeout: {Type: Number, Default: 40}",
    "Globals:",
    "  Function:",
    "    Runtime: python3.12",
    "    Timeout: 20",
    "    MemorySize: 512",
    "Resources:",
    "  SharedApi:",
    "    Type: AWS::Serverless::Api",
    "    Properties:",
    "      StageName: !Ref Stage",
    "  ManualApi:",
    "    Type: AWS::ApiGateway::RestApi",
    "    Properties: {Name: manual}",
]
for n in range(count):
    fn = f"Function{n:05d}"
    timeout = "!Ref LongTimeout" if n % 97 == 0 else str(5 + n % 20)
    lines += [
        f"  {fn}:",
        "    Type: AWS::Serverless::Function",
        "    Metadata:",
        "      Description: " + ("a realistic amount of metadata text " * 20),
        "    Properties:",
        f"      CodeUri: src/{fn.lower()}/",
        "      Handler: app.handler",
        f"      Timeout: {timeout}",
        "      Environment:",
        "        Variables:",
    ]
    for v in range(12):
        lines.append(f"          VAR_{v}: !Sub '${{AWS::StackName}}-{fn}-value-{v}-padding-padding-padding'")
    lines += [
        "      Policies:",
        "        - DynamoDBCrudPolicy: {TableName: !Sub '${AWS::StackName}-table'}",
        "      Events:",
        "        Get:",
        "          Type: Api",
        f"          Properties: {{RestApiId: !Ref SharedApi, Path: /items/{n}, Method: get}}",
        "        Http:",
        "          Type: HttpApi",
        f"          Properties: {{Path: /h/{n}, Method: post}}",
        f"  {fn}Method:",
        "    Type: AWS::ApiGateway::Method",
        "    Properties:",
        "      RestApiId: !Ref ManualApi",
        "      ResourceId: !GetAtt ManualApi.RootResourceId",
        "      HttpMethod: GET",
        "      AuthorizationType: NONE",
        "      Integration:",
        "        Type: AWS_PROXY",
        "        IntegrationHttpMethod: POST",
        f"        Uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{fn}.Arn}}/invocations",
    ]
    if n % 50 != 0:
        lines += [
            f"  {fn}Permission:",
            "    Type: AWS::Lambda::Permission",
            "    Properties:",
            "      Action: lambda:InvokeFunction",
            f"      FunctionName: !GetAtt {fn}.Arn",
            "      Principal: apigateway.amazonaws.com",
            "      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ManualApi}/*",
        ]
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")

# `--json`: also write OUT.json, the same template in JSON with long-form intrinsics (tree-sitter-yaml
# 0.7 stores rows as 16-bit integers, so YAML past 32,767 lines does not parse; JSON has no limit).
if "--json" in sys.argv:
    import json
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def intrinsic(loader, suffix, node):
        name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if suffix == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    Loader.add_multi_constructor("!", intrinsic)
    with open(out) as f:
        data = yaml.load(f, Loader=Loader)
    with open(out.rsplit(".", 1)[0] + ".json", "w") as f:
        json.dump(data, f, indent=2)
