#!/usr/bin/env node
// The `gatelint` command of the npm package: finds the binary of this platform's package (one of
// the optional dependencies, which npm installs only on the platform named by its os, cpu and
// libc fields) and runs it with the same arguments, standard streams and exit status.
'use strict';

const { spawnSync } = require('node:child_process');
const path = require('node:path');

function isMusl() {
  if (process.platform !== 'linux') {
    return false;
  }
  // Node built against glibc reports its version; on musl (Alpine) the field is absent.
  const report = process.report && process.report.getReport();
  const header = report && (typeof report === 'string' ? JSON.parse(report) : report).header;
  return !(header && header.glibcVersionRuntime);
}

function platformPackage() {
  const libc = isMusl() ? '-musl' : '';
  return `@gatelint/cli-${process.platform}-${process.arch}${libc}`;
}

function binaryPath() {
  if (process.env.GATELINT_BINARY) {
    return process.env.GATELINT_BINARY;
  }
  const name = platformPackage();
  const executable = process.platform === 'win32' ? 'gatelint.exe' : 'gatelint';
  try {
    return path.join(path.dirname(require.resolve(`${name}/package.json`)), 'bin', executable);
  } catch {
    process.stderr.write(
      `gatelint: no binary for ${process.platform}-${process.arch}: the package ${name} is not ` +
        'installed. Reinstall without --omit=optional (or --no-optional), or set GATELINT_BINARY ' +
        'to a gatelint binary.\n',
    );
    process.exit(2);
  }
}

const result = spawnSync(binaryPath(), process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`gatelint: could not run ${result.error.path || 'the binary'}: ${result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
