"""Runs the composite action (action.yml) the way a runner does, against a release laid out on disk.

    python3 .github/test-action.py BINARY

BINARY is a gatelint built for this machine. The script packs it as the release archive of this
machine's platform with its .sha256, serves that "release" from a file:// server URL, then runs
the action's `run` steps in order, with the runner's environment (RUNNER_OS, GITHUB_OUTPUT,
GITHUB_PATH, ...) and the `${{ }}` expressions of their `env` resolved from the inputs, on the demo
app: annotations (exit code 1 and a GL106 annotation), SARIF (a log with results), and a release
whose checksum does not match (the install fails, nothing runs). Needs PyYAML (pre-commit's).
"""

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTION = yaml.safe_load(open(os.path.join(ROOT, "action.yml")))
VERSION = re.search(r'^version = "([^"]+)"', open(os.path.join(ROOT, "server", "Cargo.toml")).read(), re.M)[1]
ARCH = {"x86_64": ("X64", "x64"), "aarch64": ("ARM64", "arm64")}[platform.machine()]
PLATFORM = f"linux-{ARCH[1]}-musl"


def lay_out_release(base, binary, tamper):
    folder = os.path.join(base, "acme", "gatelint", "releases", "download", f"v{VERSION}")
    os.makedirs(folder)
    archive = os.path.join(folder, f"gatelint-{PLATFORM}.tar.gz")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(binary, arcname=f"gatelint-{PLATFORM}/gatelint")
    digest = hashlib.sha256(open(archive, "rb").read()).hexdigest()
    if tamper:
        digest = "0" * 64
    with open(archive + ".sha256", "w") as out:
        out.write(f"{digest}  gatelint-{PLATFORM}.tar.gz\n")


def run_action(binary, inputs, tamper=False):
    """Returns (outputs of the steps by id, what the steps printed, the failing step's name or None)."""
    work = tempfile.mkdtemp(prefix="gatelint-action-")
    try:
        return run_steps(work, binary, inputs, tamper)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_steps(work, binary, inputs, tamper):
    lay_out_release(os.path.join(work, "server"), binary, tamper)
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update(inputs)
    outputs, printed = {}, ""
    path_entries = []
    for step in ACTION["runs"]["steps"]:
        if "run" not in step:
            continue  # `uses:` steps (the SARIF upload) need GitHub itself
        files = {name: os.path.join(work, f"{name}.{len(outputs)}") for name in ("output", "path")}
        for file in files.values():
            open(file, "w").close()

        def resolve(expression):
            expression = expression.strip()
            if expression.startswith("inputs."):
                return values[expression[len("inputs."):]]
            match = re.fullmatch(r"steps\.(\w+)\.outputs\.([\w-]+)", expression)
            if match:
                return outputs.get(match[1], {}).get(match[2], "")
            if expression in ("github.action_repository", "github.token"):
                return ""
            raise ValueError(f"unknown expression {expression}")

        env = dict(os.environ)
        env["PATH"] = os.pathsep.join(path_entries + [env["PATH"]])
        env.update(
            RUNNER_OS="Linux",
            RUNNER_ARCH=ARCH[0],
            RUNNER_TEMP=os.path.join(work, "temp"),
            RUNNER_TOOL_CACHE=os.path.join(work, "toolcache"),
            GITHUB_SERVER_URL="file://" + os.path.join(work, "server"),
            GITHUB_REPOSITORY="acme/gatelint",
            GITHUB_ACTION_PATH=ROOT,
            GITHUB_OUTPUT=files["output"],
            GITHUB_PATH=files["path"],
        )
        os.makedirs(env["RUNNER_TEMP"], exist_ok=True)
        for name, value in (step.get("env") or {}).items():
            env[name] = re.sub(r"\$\{\{(.*?)\}\}", lambda m: resolve(m[1]), str(value))
        result = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        printed += result.stdout + result.stderr
        outputs[step.get("id", step["name"])] = dict(
            line.split("=", 1) for line in open(files["output"]).read().splitlines() if "=" in line
        )
        path_entries = [line for line in open(files["path"]).read().splitlines() if line] + path_entries
        if result.returncode != 0:
            return outputs, printed, step["name"]
    return outputs, printed, None


def main():
    binary = os.path.abspath(sys.argv[1])
    checks = []

    outputs, printed, failed = run_action(binary, {"paths": "tests/demo/sam-app"})
    checks.append(("format github: exit code 1", outputs.get("check", {}).get("exit-code") == "1"))
    checks.append(("format github: a GL106 annotation", "::error file=tests/demo/sam-app/hello_world/app.py,line=11" in printed and "title=GL106" in printed))
    checks.append(("format github: the step fails on error findings", failed == "Result"))

    sarif_file = os.path.join(tempfile.mkdtemp(prefix="gatelint-sarif-"), "gatelint.sarif")
    outputs, printed, failed = run_action(
        binary, {"paths": "tests/demo/sam-app", "format": "sarif", "fail-on-findings": "false", "sarif-file": sarif_file}
    )
    sarif = json.load(open(sarif_file)) if os.path.exists(sarif_file) else {}
    shutil.rmtree(os.path.dirname(sarif_file))
    checks.append(("format sarif: a SARIF log with results", bool(sarif.get("runs", [{}])[0].get("results"))))
    checks.append(("format sarif, fail-on-findings false: the action passes", failed is None))

    outputs, printed, failed = run_action(binary, {"paths": "tests/demo/sam-app"}, tamper=True)
    checks.append(("a checksum that does not match: the install fails", failed == "Install gatelint" and "SHA-256" in printed))

    passed = sum(ok for _, ok in checks)
    for name, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    print(f"action: {passed} passed, {len(checks) - passed} failed")
    sys.exit(0 if passed == len(checks) else 1)


main()
