#!/usr/bin/env python3
"""Generates a SAM workspace of N files (default 5,000) to measure indexing and linking:
templates of 20 functions each, every function with its own handler file (Python, Node, TypeScript
behind esbuild), behind REST and HTTP APIs, some with a long sleep. Nothing generated is committed.

    python3 tests/gen_large_workspace.py /tmp/ws 5000
    /usr/bin/time -v target/debug/gatelint check --format json /tmp/ws > /dev/null
"""

import os
import sys

FUNCTIONS_PER_TEMPLATE = 20

PYTHON = '''import json
import time


def lambda_handler(event, context):
    order_id = event["pathParameters"]["id"]
    if order_id == "slow":
        time.sleep({sleep})
    return {{"statusCode": 200, "body": json.dumps({{"id": order_id, "n": {n}}})}}


def helper_{n}(value):
    return value * 2
'''

NODE = '''export const handler = async (event) => {{
  const id = event.pathParameters?.id;
  return {{ statusCode: 200, body: JSON.stringify({{ id, n: {n} }}) }};
}};
'''

TYPESCRIPT = '''import type {{ APIGatewayProxyEventV2 }} from 'aws-lambda';

export const lambdaHandler = async (event: APIGatewayProxyEventV2) => {{
  return {{ id: event.pathParameters?.id, n: {n} }};
}};
'''


def function(index, kind, app):
    event = "HttpApi" if index % 2 else "Api"
    lines = [
        f"  Fn{index}:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
    ]
    if kind == "py":
        lines += [f"      CodeUri: {app}/fn{index}/", "      Handler: app.lambda_handler",
                  "      Runtime: python3.12", f"      Timeout: {8 if index % 5 == 0 else 20}"]
    elif kind == "js":
        lines += [f"      CodeUri: {app}/fn{index}/", "      Handler: index.handler",
                  "      Runtime: nodejs20.x"]
    else:
        lines += [f"      CodeUri: {app}/fn{index}/", "      Handler: app.lambdaHandler",
                  "      Runtime: nodejs20.x"]
    lines += [
        "      Events:",
        "        Call:",
        f"          Type: {event}",
        "          Properties:",
        f"            Path: /fn{index}/{{id}}",
        "            Method: get",
    ]
    if kind == "ts":
        lines += ["    Metadata:", "      BuildMethod: esbuild", "      BuildProperties:",
                  "        EntryPoints:", "          - app.ts"]
    return "\n".join(lines)


def main():
    root = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    per_app = FUNCTIONS_PER_TEMPLATE + 1
    written = 0
    app_index = 0
    while written < total:
        app = f"app{app_index}"
        functions = []
        for i in range(FUNCTIONS_PER_TEMPLATE):
            if written + 1 >= total:
                break
            n = app_index * FUNCTIONS_PER_TEMPLATE + i
            kind = ("py", "js", "ts")[n % 3]
            folder = os.path.join(root, app, f"fn{n}")
            os.makedirs(folder, exist_ok=True)
            name, text = {
                "py": ("app.py", PYTHON.format(n=n, sleep=12)),
                "js": ("index.mjs", NODE.format(n=n)),
                "ts": ("app.ts", TYPESCRIPT.format(n=n)),
            }[kind]
            with open(os.path.join(folder, name), "w") as out:
                out.write(text)
            functions.append(function(n, kind, "."))
            written += 1
        template = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
        with open(os.path.join(root, app, "template.yaml"), "w") as out:
            out.write(template + "\n\n".join(functions) + "\n")
        written += 1
        app_index += 1
    print(f"wrote {written} files in {app_index} apps under {root}")


if __name__ == "__main__":
    main()
