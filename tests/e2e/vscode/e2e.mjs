// End-to-end test of the gatelint extension in real VS Code: code-server serves the workbench on
// 127.0.0.1, Debian's Chromium renders it headless, Playwright types and looks like a user would.
//
//   node e2e.mjs VSIX REPOSITORY
//
// The workspace is a scratch copy of tests/demo/sam-app. Screenshots go to ./screenshots/.
// Prints one line per check, then `N passed, M failed`; exits 1 on any failure. Every wait has a
// timeout and a watchdog ends the whole run, so it can never hang CI.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [vsix, repository] = process.argv.slice(2);
if (!vsix || !repository) {
  console.error('usage: node e2e.mjs VSIX REPOSITORY');
  process.exit(2);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const codeServer = path.join(here, 'node_modules', '.bin', 'code-server');
const screenshots = path.join(here, 'screenshots');
const RUN_TIMEOUT_MS = 240_000;
const WAIT_MS = 60_000;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok    ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL  ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gatelint-vscode-e2e-'));
const userDataDir = path.join(scratch, 'user-data');
const extensionsDir = path.join(scratch, 'extensions');
const workspace = path.join(scratch, 'sam-app');
let server;
let browser;
let page;

async function cleanUp() {
  await browser?.close().catch(() => {});
  if (server && server.exitCode === null) {
    // code-server runs in its own process group: end it and every child it started.
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {}
    const ended = await Promise.race([
      new Promise((resolve) => server.once('exit', () => resolve(true))),
      sleep(5_000).then(() => false),
    ]);
    if (!ended) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {}
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

function summary() {
  console.log(`${passed} passed, ${failed} failed`);
  console.log(failed === 0 ? 'PASS vscode e2e' : 'FAIL vscode e2e');
}

const watchdog = setTimeout(async () => {
  check(`the run ends within ${RUN_TIMEOUT_MS / 1000} s`, false);
  await cleanUp();
  summary();
  process.exit(1);
}, RUN_TIMEOUT_MS);

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        return true;
      }
    } catch {}
    if (server.exitCode !== null) {
      return false;
    }
    await sleep(250);
  }
  return false;
}

function prepareWorkspace() {
  fs.cpSync(path.join(repository, 'tests', 'demo', 'sam-app'), workspace, { recursive: true });
  // The template finding to check: the demo's function timeout above the REST API's 29 s (GL401).
  const template = fs.readFileSync(path.join(workspace, 'template.yaml'), 'utf8');
  if (!template.includes('      Timeout: 60\n')) {
    throw new Error('the demo template changed: update tests/e2e/vscode/e2e.mjs');
  }

  // Handlers behind streaming REST integrations (the fixture app): `buffered/app.mjs` returns a
  // buffered response (GL115, warning).
  fs.cpSync(
    path.join(repository, 'tests', 'fixtures', 'apps', 'streaming_handlers'),
    path.join(workspace, 'streaming'),
    { recursive: true },
  );

  // A Terraform configuration: a function timeout above the HTTP API's 30 s (GL401, warning).
  fs.mkdirSync(path.join(workspace, 'infra'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'infra', 'main.tf'), [
    '# An HTTP API in Terraform: its integration waits 30 s at most.\n',
    'resource "aws_apigatewayv2_api" "http" {\n',
    '  name          = "reports"\n',
    '  protocol_type = "HTTP"\n',
    '}\n',
    '\n',
    'resource "aws_lambda_function" "report" {\n',
    '  function_name = "report"\n',
    '  filename      = "build/report.zip"\n',
    '  handler       = "report.handler"\n',
    '  runtime       = "python3.12"\n',
    '  timeout       = 45\n',
    '}\n',
    '\n',
    'resource "aws_apigatewayv2_integration" "report" {\n',
    '  api_id                 = aws_apigatewayv2_api.http.id\n',
    '  integration_type       = "AWS_PROXY"\n',
    '  integration_uri        = aws_lambda_function.report.invoke_arn\n',
    '  payload_format_version = "2.0"\n',
    '}\n',
    '\n',
    'resource "aws_apigatewayv2_route" "report" {\n',
    '  api_id    = aws_apigatewayv2_api.http.id\n',
    '  route_key = "GET /report"\n',
    '  target    = "integrations/${aws_apigatewayv2_integration.report.id}"\n',
    '}\n',
    '\n',
    'resource "aws_lambda_permission" "report" {\n',
    '  statement_id  = "AllowExecutionFromAPIGateway"\n',
    '  action        = "lambda:InvokeFunction"\n',
    '  function_name = aws_lambda_function.report.function_name\n',
    '  principal     = "apigateway.amazonaws.com"\n',
    '  source_arn    = "${aws_apigatewayv2_api.http.execution_arn}/*/*"\n',
    '}\n',
  ].join(''));

  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'editor.hover.delay': 200,
    'editor.minimap.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'gatelint.trace.server': 'messages',
    // A rule setting, to see the server apply it: GL106 (an error by default) as a warning.
    'gatelint.rules.severity': { GL106: 'warning' },
  };
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(settings, null, 2),
  );
}

function installExtension() {
  const result = spawnSync(
    codeServer,
    ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return check('the .vsix installs into code-server', result.status === 0 && /gatelint/i.test(output), output);
}

async function startCodeServer(port) {
  const log = fs.openSync(path.join(scratch, 'code-server.log'), 'w');
  server = spawn(
    codeServer,
    [
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  const healthy = await waitForHealth(`http://127.0.0.1:${port}/healthz`);
  return check('code-server answers on 127.0.0.1', healthy, fs.readFileSync(path.join(scratch, 'code-server.log'), 'utf8'));
}

async function shoot(page, name) {
  const file = path.join(screenshots, name);
  await page.screenshot({ path: file });
  console.log(`      screenshot ${path.relative(repository, file)}`);
}

async function openFile(page, relative) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(relative);
  // Pick the row of this file, not whatever row (recently opened) comes first before the filter.
  const name = path.basename(relative);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await page.locator(`.tab.active:has-text("${name}")`).waitFor({ timeout: 15_000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
}

// The rendered editor line holding `text`, and the squiggle of class `squiggle` drawn on it.
// Monaco re-renders decorations as diagnostics change: an element listed a moment ago may be gone
// when it is measured, which is "not there", not a reason to wait 30 s and fail the run.
async function squiggleOn(page, squiggle, text) {
  const line = page.locator('.monaco-editor .view-line', { hasText: text }).first();
  const lineBox = await line.boundingBox({ timeout: 5_000 }).catch(() => null);
  if (!lineBox) {
    return null;
  }
  for (const decoration of await page.locator(`.monaco-editor .${squiggle}`).all()) {
    const box = await decoration.boundingBox({ timeout: 1_000 }).catch(() => null);
    if (box && box.y + box.height / 2 >= lineBox.y && box.y + box.height / 2 <= lineBox.y + lineBox.height) {
      return box;
    }
  }
  return null;
}

async function waitForSquiggle(page, squiggle, text, present) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const box = await squiggleOn(page, squiggle, text);
    if (Boolean(box) === present) {
      return box ?? true;
    }
    await sleep(250);
  }
  return null;
}

// Where a squiggle is now: code lenses appear above handlers once the workspace is indexed and move
// the lines below them, so a box measured earlier may point at another line.
async function currentBox(page, squiggle, text) {
  return (await waitForSquiggle(page, squiggle, text, true)) || null;
}

// The hover shown on the squiggle of class `squiggle` on the line holding `text`. The pointer is
// moved away and back on each attempt, with the box measured anew (code lenses can shift lines
// between attempts); the last attempt asks for the hover from the keyboard (Ctrl+K Ctrl+I) with
// the cursor on the finding, as a user without a mouse would.
async function hoverText(page, squiggle, text, expected) {
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expected }).first();
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const box = await currentBox(page, squiggle, text);
    if (!box) {
      return '';
    }
    const x = box.x + Math.min(box.width / 2, 12);
    const y = box.y + box.height / 2;
    await page.mouse.move(5, 5);
    await sleep(300);
    if (attempt < 3) {
      await page.mouse.move(box.x + 2, y);
      await page.mouse.move(x, y);
    } else {
      await page.mouse.click(x, y);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
    }
    try {
      await hover.waitFor({ state: 'visible', timeout: 8_000 });
      return await hover.innerText();
    } catch {
      // Not shown (yet): try again.
    }
  }
  const shown = await page.locator('.monaco-hover').allInnerTexts();
  return shown.join('\n');
}

// Puts the cursor on the finding, opens Quick Fix (Ctrl+.), and picks the action titled `title`.
async function applyQuickFix(page, squiggle, text, title, menuScreenshot) {
  const box = await currentBox(page, squiggle, text);
  if (!box) {
    return false;
  }
  await page.mouse.click(box.x + Math.min(box.width / 2, 12), box.y + box.height / 2);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+.');
  const action = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
  try {
    await action.waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    return false;
  }
  await shoot(page, menuScreenshot);
  await action.click();
  return true;
}

async function lineShows(page, text) {
  try {
    await page.locator('.monaco-editor .view-line', { hasText: text }).first().waitFor({ timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

async function run() {
  fs.rmSync(screenshots, { recursive: true, force: true });
  fs.mkdirSync(screenshots, { recursive: true });
  prepareWorkspace();
  if (!installExtension()) {
    return;
  }
  const port = await freePort();
  if (!(await startCodeServer(port))) {
    return;
  }

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(30_000);
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: WAIT_MS });
  check('the workbench loads', true);

  // A handler: `"status"` instead of `statusCode` (GL101, error) and its rename fix.
  await openFile(page, 'hello_world/app.py');
  const handlerLine = '"status": 400';
  const squiggle = await waitForSquiggle(page, 'squiggly-error', handlerLine, true);
  check('error squiggle on `"status": 400` in hello_world/app.py', squiggle);
  await shoot(page, '01-handler-squiggle.png');
  if (squiggle) {
    const hover = await hoverText(page, 'squiggly-error', handlerLine, 'unknown-response-key');
    check(
      'hover shows GL101 and its rule docs',
      hover.includes('unknown-response-key') && hover.includes('Malformed Lambda proxy response'),
      hover,
    );
    await shoot(page, '02-handler-hover.png');
    check(
      'Quick Fix (Ctrl+.) offers and applies "Rename `status` to `statusCode`"',
      await applyQuickFix(page, 'squiggly-error', handlerLine, 'Rename `status` to `statusCode`', '03-handler-quick-fix-menu.png'),
    );
    check('the line now reads `"statusCode": 400`', await lineShows(page, '"statusCode": 400'));
    check('the squiggle on that line is gone', await waitForSquiggle(page, 'squiggly-error', '"statusCode": 400', false));
    check(
      'the dict body keeps its squiggle (GL106), a warning as `gatelint.rules.severity` sets it',
      await squiggleOn(page, 'squiggly-warning', '"body": {"message"'),
    );
    await page.mouse.move(5, 5);
    await shoot(page, '04-handler-fixed.png');
  }

  // A template: a function timeout above the REST API's 29 s (GL401, warning) and its fix.
  await openFile(page, 'template.yaml');
  const templateLine = 'Timeout: 60';
  const warning = await waitForSquiggle(page, 'squiggly-warning', templateLine, true);
  check('warning squiggle on `Timeout: 60` in template.yaml', warning);
  await shoot(page, '05-template-squiggle.png');
  if (warning) {
    const hover = await hoverText(page, 'squiggly-warning', templateLine, 'function-timeout-exceeds-integration');
    check('hover shows GL401 and its rule docs', hover.includes('function-timeout-exceeds-integration'), hover);
    await shoot(page, '06-template-hover.png');
    check(
      'Quick Fix (Ctrl+.) offers and applies "Set Timeout to 29"',
      await applyQuickFix(page, 'squiggly-warning', templateLine, 'Set Timeout to 29', '07-template-quick-fix-menu.png'),
    );
    check('the line now reads `Timeout: 29`', await lineShows(page, 'Timeout: 29'));
    check('the warning squiggle is gone', await waitForSquiggle(page, 'squiggly-warning', 'Timeout: 29', false));
    await page.mouse.move(5, 5);
    await shoot(page, '08-template-fixed.png');
  }

  // A Terraform file (no Terraform extension installed: the client selects `**/*.tf` by pattern).
  await openFile(page, 'infra/main.tf');
  const terraformLine = 'timeout       = 45';
  const terraform = await waitForSquiggle(page, 'squiggly-warning', terraformLine, true);
  check('warning squiggle on `timeout = 45` in infra/main.tf', terraform);
  await shoot(page, '09-terraform-squiggle.png');
  if (terraform) {
    const hover = await hoverText(page, 'squiggly-warning', terraformLine, 'function-timeout-exceeds-integration');
    check('hover on the .tf line shows GL401 and the HTTP API budget', hover.includes('function-timeout-exceeds-integration') && hover.includes('30 s'), hover);
    check(
      'Quick Fix (Ctrl+.) offers and applies "Set timeout to 30" in HCL',
      await applyQuickFix(page, 'squiggly-warning', terraformLine, 'Set timeout to 30', '10-terraform-quick-fix-menu.png'),
    );
    check('the line now reads `timeout       = 30`', await lineShows(page, 'timeout       = 30'));
    check('the warning squiggle on the .tf line is gone', await waitForSquiggle(page, 'squiggly-warning', 'timeout       = 30', false));
    await page.mouse.move(5, 5);
  }

  // A handler returning a buffered response while its only door streams (GL115, a warning).
  await openFile(page, 'streaming/buffered/app.mjs');
  const bufferedLine = 'return {';
  const streaming = await waitForSquiggle(page, 'squiggly-warning', bufferedLine, true);
  check('warning squiggle on the buffered `return {` behind a streaming integration', streaming);
  await shoot(page, '11-streaming-squiggle.png');
  if (streaming) {
    const hover = await hoverText(page, 'squiggly-warning', bufferedLine, 'buffered-handler-streamed');
    check(
      'hover shows GL115 and the streaming format it requires',
      hover.includes('buffered-handler-streamed') && hover.includes('8 null bytes'),
      hover,
    );
    await shoot(page, '12-streaming-hover.png');
    await page.mouse.move(5, 5);
  }
}

// On failure, the extension's output channel (the server's stderr and the LSP trace) says why.
function printServerLogs() {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) {
    return;
  }
  for (const entry of fs.readdirSync(logs, { recursive: true })) {
    if (/gatelint.*\.log$/i.test(path.basename(String(entry)))) {
      const text = fs.readFileSync(path.join(logs, String(entry)), 'utf8');
      console.log(`--- ${entry} (last 4000 characters)\n${text.slice(-4000)}`);
    }
  }
}

try {
  await run();
} catch (error) {
  check('the run completes', false, error?.stack ?? String(error));
  await page?.screenshot({ path: path.join(screenshots, 'failure.png') }).catch(() => {});
} finally {
  clearTimeout(watchdog);
  if (failed > 0) {
    printServerLogs();
  }
  await cleanUp();
  summary();
  process.exit(failed === 0 ? 0 : 1);
}
