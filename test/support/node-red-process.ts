/**
 * A real Node-RED (not the test helper's stubs) in a child process, with this working tree
 * installed in a throw-away user directory: for what only the real runtime does, such as
 * `adminAuth` permission checks.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { NODE_RED_CLI, nodeRedModule } from './node-red';

const repository = path.resolve(__dirname, '..', '..', '..');

export interface NodeRedOptions {
  /** settings.js values (JSON only); uiHost, uiPort, flowFile and credentialSecret are set. */
  settings?: Record<string, unknown>;
  flows: object[];
  credentials?: Record<string, Record<string, string>>;
}

export interface RunningNodeRed {
  readonly url: string;
  /** Everything Node-RED printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `attempt` until it gives a value; fails after `tries` × 250 ms. */
export async function waitFor<T>(
  attempt: () => Promise<T | undefined>,
  what: string,
  tries = 120,
): Promise<T> {
  let last: unknown;
  for (let count = 0; count < tries; count++) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A user directory holding settings, flows, credentials and a link to this package. */
export function prepareUserDir(options: NodeRedOptions & { port: number }): string {
  const packageName = (
    JSON.parse(fs.readFileSync(path.join(repository, 'package.json'), 'utf8')) as { name: string }
  ).name;
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-node-red-'));
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(repository, path.join(userDir, 'node_modules', packageName), 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({
      name: 'odoo-node-red-user',
      private: true,
      dependencies: { [packageName]: `file:${repository}` },
    }),
  );
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: options.port,
    flowFile: 'flows.json',
    // A throw-away directory: credentials stay readable there on purpose.
    credentialSecret: false,
    editorTheme: { tours: false, projects: { enabled: false } },
    // Nothing is sent to nodered.org, and nobody is asked about it.
    telemetry: { enabled: false },
    ...options.settings,
  };
  fs.writeFileSync(
    path.join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify(settings, null, 2)};\n`,
  );
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(options.flows, null, 2));
  fs.writeFileSync(
    path.join(userDir, 'flows_cred.json'),
    JSON.stringify(options.credentials ?? {}),
  );
  return userDir;
}

/** What Node-RED logs once its flows run, in the language of its settings. */
function startedFlowsText(lang: unknown): string {
  const english = 'Started flows';
  if (typeof lang !== 'string' || lang === 'en-US') return english;
  try {
    const catalog = nodeRedModule<{ nodes?: { flows?: { 'started-flows'?: string } } }>(
      `@node-red/runtime/locales/${lang}/runtime.json`,
    );
    return catalog.nodes?.flows?.['started-flows'] ?? english;
  } catch {
    return english;
  }
}

/** Starts Node-RED and resolves once it has started its flows. */
export async function startNodeRed(options: NodeRedOptions): Promise<RunningNodeRed> {
  const port = await freePort();
  const userDir = prepareUserDir({ ...options, port });
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [NODE_RED_CLI, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const started = startedFlowsText(options.settings?.lang);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
    fs.rmSync(userDir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`Node-RED exited:\n${output}`);
      return output.includes(started) ? true : undefined;
    }, 'Node-RED to start its flows');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}
