// `npm run package`: builds the release binary, copies it into bin/, bundles the extension and
// writes a platform .vsix beside package.json (`gatelint-<target>-<version>.vsix`).
//
// GATELINT_BINARY=/path/to/gatelint skips the cargo build and bundles that binary instead (a quick
// local package from a debug build, or the release workflow's dist-profile binary).
// GATELINT_VSCODE_TARGET=<target> packages for another VS Code platform (linux-x64, linux-arm64,
// alpine-x64, alpine-arm64, darwin-x64, darwin-arm64, win32-x64); the binary must be built for it.
// Default: linux-x64.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repositoryDir = path.resolve(extensionDir, '..', '..');
const target = process.env.GATELINT_VSCODE_TARGET || 'linux-x64';
const targets = ['linux-x64', 'linux-arm64', 'alpine-x64', 'alpine-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
if (!targets.includes(target)) {
  console.error(`unknown VS Code target ${target}: one of ${targets.join(', ')}`);
  process.exit(1);
}
const executable = target.startsWith('win32') ? 'gatelint.exe' : 'gatelint';

function run(command, args, cwd) {
  console.log(`$ ${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

let binary = process.env.GATELINT_BINARY;
if (!binary) {
  run('cargo', ['build', '--release', '--locked', '--package', 'gatelint'], repositoryDir);
  binary = path.join(repositoryDir, 'target', 'release', 'gatelint');
}
if (!fs.existsSync(binary)) {
  console.error(`no gatelint binary at ${binary}`);
  process.exit(1);
}

const binDir = path.join(extensionDir, 'bin');
fs.rmSync(binDir, { recursive: true, force: true });
fs.mkdirSync(binDir);
fs.copyFileSync(binary, path.join(binDir, executable));
fs.chmodSync(path.join(binDir, executable), 0o755);

// The licence texts travel in the package (the manifest's `license` names them).
for (const license of ['LICENSE-MIT', 'LICENSE-APACHE']) {
  fs.copyFileSync(path.join(repositoryDir, license), path.join(extensionDir, license));
}

run('node', ['esbuild.mjs', '--production'], extensionDir);

const { version } = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
const vsix = `gatelint-${target}-${version}.vsix`;
// vsce's own script run by node, not node_modules/.bin/vsce (a shell script that Windows cannot
// execute directly).
run(
  process.execPath,
  [path.join(extensionDir, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--skip-license', '--allow-missing-repository', '--out', vsix],
  extensionDir,
);
console.log(`packaged ${path.join(extensionDir, vsix)}`);
