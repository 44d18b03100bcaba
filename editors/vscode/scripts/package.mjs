// `npm run package`: builds the release binary, copies it into bin/, bundles the extension and
// writes a platform .vsix (linux-x64) beside package.json.
//
// GATELINT_BINARY=/path/to/gatelint skips the cargo build and bundles that binary instead (for a
// quick local package from a debug build).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const extensionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repositoryDir = path.resolve(extensionDir, '..', '..');
const target = 'linux-x64';

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
fs.copyFileSync(binary, path.join(binDir, 'gatelint'));
fs.chmodSync(path.join(binDir, 'gatelint'), 0o755);

run('node', ['esbuild.mjs', '--production'], extensionDir);

const { version } = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
const vsix = `gatelint-${target}-${version}.vsix`;
run(
  path.join(extensionDir, 'node_modules', '.bin', 'vsce'),
  ['package', '--target', target, '--skip-license', '--allow-missing-repository', '--out', vsix],
  extensionDir,
);
console.log(`packaged ${path.join(extensionDir, vsix)}`);
