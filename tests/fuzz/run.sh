#!/usr/bin/env bash
# Runs each cargo-fuzz target of server/fuzz for a bounded time, seeded from the fixtures; exits
# non-zero when a target crashes (its input is left in server/fuzz/artifacts/<target>/).
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET ...]     (default: 30 s, every target)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain it runs with
# RUSTC_BOOTSTRAP=1 and without a sanitizer (libFuzzer's coverage and a panic = a crash still
# hold). Corpora grow in server/fuzz/corpus/ (not committed); the seeds are copied afresh each run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
seconds=${1:-30}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(handler_python handler_javascript handler_typescript handler_rust template_yaml
    template_json workspace document_edits)
fi
export RUSTC_BOOTSTRAP=1
fuzz=(cargo fuzz run --fuzz-dir server/fuzz --sanitizer none)

# Seeds: each fixture of the target's kind; for the workspace, each app's template followed by its
# handlers (the parts the target cuts at `---8<---` lines); for edits, texts of every kind (the
# Terraform fixture apps' `.tf` files among them).
seed() {
  local target=$1 dir=server/fuzz/corpus/$1
  mkdir -p "$dir"
  case $target in
    handler_python) find tests/fixtures tests/demo -name '*.py' ;;
    handler_javascript) find tests/fixtures tests/demo -name '*.js' -o -name '*.mjs' -o -name '*.cjs' ;;
    handler_typescript) find tests/fixtures tests/demo -name '*.ts' -o -name '*.tsx' ;;
    handler_rust) find tests/fixtures tests/demo -name '*.rs' ;;
    template_yaml) find tests/fixtures tests/demo -name '*.yaml' -o -name '*.yml' ;;
    template_json) find tests/fixtures tests/demo -name '*.json' -path '*template*' ;;
    document_edits) { find tests/fixtures/python tests/fixtures/templates -type f; find tests/fixtures/apps -name '*.tf'; } ;;
    workspace) ;;
  esac | { grep -v node_modules || true; } | while read -r file; do
    cp "$file" "$dir/seed-$(echo "$file" | tr '/' '_')"
  done
  if [ "$target" = workspace ]; then
    for app in tests/fixtures/apps/*/; do
      local out="$dir/seed-$(basename "$app")"
      # The app's template, YAML or JSON.
      cat "$app"template.yaml "$app"template.json 2>/dev/null >"$out" || true
      for pattern in '*.py' '*.js' '*.ts' '*.rs'; do
        printf '\n---8<---\n' >>"$out"
        find "$app" -name "$pattern" -not -path '*/node_modules/*' | head -n 1 | xargs -r cat >>"$out"
      done
    done
  fi
}

status=0
summary=()
for target in "${targets[@]}"; do
  seed "$target"
  log=$(mktemp)
  echo "== fuzz $target for ${seconds}s"
  if "${fuzz[@]}" "$target" "server/fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    >"$log" 2>&1; then
    result=ok
  else
    result=CRASH
    status=1
    tail -n 60 "$log"
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1 || true)
  summary+=("$target: ${runs:-?} executions in ${seconds}s, $result")
  rm -f "$log"
done
cd "$root"
printf '%s\n' "${summary[@]}"
exit $status
