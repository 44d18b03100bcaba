// Stages the npm packages for publishing or a local install test: the main `gatelint` package (the
// launcher) and one platform package `@gatelint/cli-<target>` carrying a gatelint binary.
//
//   node npm/stage.mjs --check
//       checks that the versions agree (server/Cargo.toml, npm/gatelint, editors/vscode), that the
//       main package depends on exactly the platform packages of npm/targets.json, and that the
//       release workflow builds exactly those targets.
//   node npm/stage.mjs --target linux-x64 --binary target/dist/gatelint --out target/npm
//       runs the checks, then writes <out>/gatelint and <out>/cli-linux-x64, ready for `npm pack`
//       or `npm publish`. Without --target, only the main package.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const npmDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(npmDir, '..');
const { targets } = readJson(path.join(npmDir, 'targets.json'));

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function fail(message) {
  console.error(`npm/stage.mjs: ${message}`);
  process.exit(1);
}

function cargoVersion() {
  const manifest = fs.readFileSync(path.join(root, 'server', 'Cargo.toml'), 'utf8');
  const pkg = manifest.split(/^\[/m).find((section) => section.startsWith('package]'));
  const version = pkg && pkg.match(/^version\s*=\s*"([^"]+)"/m);
  if (!version) fail('no [package] version in server/Cargo.toml');
  return version[1];
}

// The repository `server/Cargo.toml` names (`repository = "..."`), if it names one: npm shows it,
// and publishing with provenance requires it to be the repository the workflow runs in.
function cargoRepository() {
  const manifest = fs.readFileSync(path.join(root, 'server', 'Cargo.toml'), 'utf8');
  const repository = manifest.match(/^repository\s*=\s*"([^"]+)"/m);
  return repository ? repository[1] : undefined;
}

function repositoryField(directory) {
  const url = cargoRepository();
  return url ? { repository: { type: 'git', url: `git+${url}.git`, ...(directory ? { directory } : {}) } } : {};
}

function check() {
  const version = cargoVersion();
  const main = readJson(path.join(npmDir, 'gatelint', 'package.json'));
  const vscode = readJson(path.join(root, 'editors', 'vscode', 'package.json'));
  for (const [what, found] of [
    ['npm/gatelint/package.json', main.version],
    ['editors/vscode/package.json', vscode.version],
  ]) {
    if (found !== version) fail(`${what} has version ${found}, server/Cargo.toml ${version}`);
  }
  const expected = targets.map((target) => `@gatelint/cli-${target.name}`).sort();
  const optional = Object.keys(main.optionalDependencies).sort();
  if (JSON.stringify(expected) !== JSON.stringify(optional)) {
    fail(`optionalDependencies ${optional.join(', ')} are not the targets ${expected.join(', ')}`);
  }
  for (const [name, range] of Object.entries(main.optionalDependencies)) {
    if (range !== version) fail(`${name} is pinned at ${range}, not ${version}`);
  }
  const workflow = fs.readFileSync(path.join(root, '.github', 'workflows', 'release.yml'), 'utf8');
  const built = [...workflow.matchAll(/^\s*-\s*\{\s*name:\s*([\w-]+),\s*rust:\s*([\w-]+)/gm)]
    .map((match) => `${match[1]}=${match[2]}`)
    .sort();
  const wanted = targets.map((target) => `${target.name}=${target.rust}`).sort();
  if (JSON.stringify(built) !== JSON.stringify(wanted)) {
    fail(`the release workflow builds ${built.join(', ')}, npm/targets.json lists ${wanted.join(', ')}`);
  }
  return version;
}

function copyLicenses(dir) {
  for (const license of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    fs.copyFileSync(path.join(root, license), path.join(dir, license));
  }
}

function stageMain(out) {
  const dir = path.join(out, 'gatelint');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(npmDir, 'gatelint'), dir, { recursive: true });
  fs.chmodSync(path.join(dir, 'bin', 'gatelint.js'), 0o755);
  const manifest = { ...readJson(path.join(dir, 'package.json')), ...repositoryField('npm/gatelint') };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyLicenses(dir);
  return dir;
}

function stagePlatform(out, target, binary, version) {
  const dir = path.join(out, `cli-${target.name}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  const executable = target.os === 'win32' ? 'gatelint.exe' : 'gatelint';
  fs.copyFileSync(binary, path.join(dir, 'bin', executable));
  fs.chmodSync(path.join(dir, 'bin', executable), 0o755);
  copyLicenses(dir);
  const manifest = {
    name: `@gatelint/cli-${target.name}`,
    version,
    description: `The gatelint binary for ${target.name} (installed by the gatelint package)`,
    license: 'MIT OR Apache-2.0',
    ...repositoryField('npm'),
    os: [target.os],
    cpu: [target.cpu],
    ...(target.libc ? { libc: [target.libc] } : {}),
    files: ['bin', 'LICENSE-MIT', 'LICENSE-APACHE'],
    preferUnplugged: true,
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    `# ${manifest.name}\n\nThe \`gatelint\` binary for ${target.name}. Install \`gatelint\` instead: it picks this package on this platform.\n`,
  );
  return dir;
}

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const version = check();
if (args.includes('--check')) {
  console.log(`npm/stage.mjs: version ${version}, ${targets.length} targets, all consistent`);
  process.exit(0);
}
const out = path.resolve(option('--out') ?? fail('--out DIR is required'));
fs.mkdirSync(out, { recursive: true });
console.log(`staged ${stageMain(out)}`);
const name = option('--target');
if (name) {
  const target = targets.find((candidate) => candidate.name === name) ?? fail(`unknown target ${name}`);
  const binary = option('--binary') ?? fail('--binary FILE is required with --target');
  if (!fs.existsSync(binary)) fail(`no binary at ${binary}`);
  console.log(`staged ${stagePlatform(out, target, binary, version)}`);
}
