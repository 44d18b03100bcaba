// The gatelint extension: starts `gatelint server` over stdio and lets vscode-languageclient do the
// rest (diagnostics, hover, quick fixes). All analysis happens in the server; this file only finds
// the binary, passes the settings and offers a restart.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  Executable,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

const SECTION = 'gatelint';

// The documents the server reads: handlers and templates.
const LANGUAGES = [
  'python',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'rust',
  'yaml',
  'json',
];

// Settings whose change needs a new server process rather than a configuration notification.
const RESTART_SETTINGS = ['gatelint.server.path', 'gatelint.server.extraEnv'];

let client: LanguageClient | undefined;
let outputChannel: vscode.LogOutputChannel;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  outputChannel = vscode.window.createOutputChannel('gatelint', { log: true });
  context.subscriptions.push(
    outputChannel,
    vscode.commands.registerCommand('gatelint.restartServer', () => restart(context)),
    vscode.commands.registerCommand('gatelint.showOutput', () => outputChannel.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        void restart(context);
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = vscode.workspace.getConfiguration(SECTION);
  const command = serverCommand(context, settings);
  outputChannel.info(`Starting ${command} server`);
  const extraEnv = settings.get<Record<string, string>>('server.extraEnv', {});
  // No `transport`: vscode-languageclient would append `--stdio`, and stdio is the default.
  const executable: Executable = {
    command,
    args: ['server'],
    options: { env: { ...process.env, ...extraEnv } },
  };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  const clientOptions: LanguageClientOptions = {
    // Terraform files by name: their language id depends on which Terraform extension (if any)
    // is installed.
    documentSelector: [
      ...LANGUAGES.flatMap((language) => [
        { scheme: 'file', language },
        { scheme: 'untitled', language },
      ]),
      { scheme: 'file', pattern: '**/*.tf' },
    ],
    outputChannel,
    // Rule selection and severities: sent at start, and again (as `workspace/configuration`
    // answers and change notifications) whenever the user edits them.
    initializationOptions: ruleSettings(settings),
    synchronize: { configurationSection: SECTION },
  };
  client = new LanguageClient(SECTION, 'gatelint', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outputChannel.error(`gatelint server failed to start: ${message}`);
    void vscode.window
      .showErrorMessage(
        `gatelint could not start \`${command} server\`: ${message}. Set "gatelint.server.path" to the gatelint binary.`,
        'Show Output',
      )
      .then((choice) => {
        if (choice) {
          outputChannel.show();
        }
      });
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      outputChannel.warn(`gatelint server did not stop cleanly: ${String(error)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  outputChannel.info('Restarting the gatelint server');
  await stop();
  await start(context);
}

// The binary to run: the `gatelint.server.path` setting, else the one bundled in the extension's
// `bin/`, else `gatelint` on PATH.
function serverCommand(
  context: vscode.ExtensionContext,
  settings: vscode.WorkspaceConfiguration,
): string {
  const configured = settings.get<string>('server.path', '').trim();
  if (configured) {
    return resolveConfiguredPath(configured);
  }
  const binary = process.platform === 'win32' ? 'gatelint.exe' : 'gatelint';
  const bundled = context.asAbsolutePath(path.join('bin', binary));
  if (fs.existsSync(bundled)) {
    return bundled;
  }
  return binary;
}

// `~` is the home folder; a relative path is relative to the first workspace folder.
function resolveConfiguredPath(configured: string): string {
  if (configured === '~' || configured.startsWith('~/')) {
    return path.join(os.homedir(), configured.slice(1));
  }
  if (path.isAbsolute(configured) || !configured.includes(path.sep)) {
    return configured;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, configured) : configured;
}

function ruleSettings(settings: vscode.WorkspaceConfiguration): object {
  return {
    rules: {
      select: settings.get<string[]>('rules.select', []),
      ignore: settings.get<string[]>('rules.ignore', []),
      severity: settings.get<Record<string, string>>('rules.severity', {}),
    },
  };
}
