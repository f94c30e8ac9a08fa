/**
 * Shared pieces of the benchmark: child processes that report one JSON result, an embedded
 * Node-RED runtime with this working tree installed, and small measuring helpers.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export const REPOSITORY = path.resolve(__dirname, '..', '..');

/** The small search of measurements 1 and 2: the companies (8 in the demo data), three fields. */
export const SMALL_SEARCH = {
  domain: [['is_company', '=', true]],
  kwargs: { fields: ['name', 'email', 'country_id'], limit: 10, order: 'id' },
  rows: 8,
};

/** Odoo's admin user. */
export const ADMIN_UID = 2;

/** Where the stand-in listens and how to log in, as the orchestrator passes it to children. */
export interface Target {
  url: string;
  db: string;
  apiKey: string;
  /** The first and last id of the synthetic partners. */
  first: number;
  last: number;
}

/** Runs `script` (a compiled file of this folder) with `config`; resolves to what it reports. */
export function runChild<Result>(
  script: string,
  config: object,
  execArgv: string[] = [],
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, script), [JSON.stringify(config)], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: Result | undefined;
    child.on('message', (message) => (result = message as Result));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`${script} exited with code ${code}`));
    });
  });
}

/** In a child: its configuration, and a way to report the result and end. */
export function childConfig<Config>(): Config {
  return JSON.parse(process.argv[2] ?? '{}') as Config;
}

export function report(result: object): void {
  process.send?.(result, () => process.exit(0));
}

/** Runs `main` in a child process; any failure is printed and ends the child with code 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

/** The highest resident memory this process has used so far, in MB. */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Watches how long the event loop is blocked; `stop` gives the longest block in ms. */
export function watchEventLoop(): { stop(): Promise<number> } {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  return {
    async stop() {
      // Let the sampling timer fire once more: a block that lasted until now is recorded then.
      await new Promise((resolve) => setTimeout(resolve, 20));
      histogram.disable();
      return histogram.max / 1e6;
    },
  };
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

interface EmbeddedNodeRed {
  init(server: http.Server | object, settings?: object): void;
  httpNode: http.RequestListener;
  start(): Promise<void>;
  stop(): Promise<void>;
  nodes: { getNode(id: string): NodeHandle | null };
}

/** What the benchmark does with a deployed node: send it a msg, listen to what it receives. */
export interface NodeHandle {
  receive(msg: object): void;
  on(event: 'input', listener: (msg: Record<string, unknown>) => void): void;
}

/**
 * Node-RED 4.1 itself (not the test helper, which records every call), in this process, with this
 * working tree installed in a throw-away user directory and `flows` deployed.
 */
export async function startNodeRed(
  flows: object[],
  credentials: Record<string, object>,
  options: { http?: boolean } = {},
): Promise<{ node(id: string): NodeHandle; stop(): Promise<void>; url?: string }> {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-bench-'));
  const { name } = JSON.parse(fs.readFileSync(path.join(REPOSITORY, 'package.json'), 'utf8')) as {
    name: string;
  };
  fs.mkdirSync(path.join(userDir, 'node_modules'));
  fs.symlinkSync(REPOSITORY, path.join(userDir, 'node_modules', name), 'dir');
  fs.writeFileSync(
    path.join(userDir, 'package.json'),
    JSON.stringify({ name: 'odoo-bench', private: true, dependencies: { [name]: '*' } }),
  );
  // Node-RED tells flow nodes from config nodes by their position in the editor.
  const placed = flows.map((node) => ('z' in node ? { x: 100, y: 100, ...node } : node));
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(placed));
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(credentials));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red') as EmbeddedNodeRed;
  const settings = {
    userDir,
    flowFile: 'flows.json',
    // A throw-away directory: credentials stay readable there on purpose.
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: options.http ? '/' : false,
    logging: { console: { level: 'error' } },
  };
  // With `http`, the flows' http in nodes listen on a loopback port of their own.
  const server = options.http ? http.createServer((...args) => RED.httpNode(...args)) : undefined;
  if (server) RED.init(server, settings);
  else RED.init(settings);
  await RED.start();
  if (server) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server?.address();
  const ids = (flows as { id: string; type: string }[])
    .filter((node) => node.type !== 'tab')
    .map((node) => node.id);
  for (let attempt = 0; ids.some((id) => !RED.nodes.getNode(id)); attempt++) {
    if (attempt > 500) throw new Error('the benchmark flow did not start');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    node(id) {
      const node = RED.nodes.getNode(id);
      if (!node) throw new Error(`no node ${id}`);
      return node;
    },
    url: address && typeof address === 'object' ? `http://127.0.0.1:${address.port}` : undefined,
    async stop() {
      await RED.stop();
      server?.closeAllConnections();
      server?.close();
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };
}

/** The Odoo server node of the benchmark flows, and its credentials. */
export function serverNode(target: Target): { node: object; credentials: Record<string, object> } {
  return {
    node: {
      id: 'odoo',
      type: 'odoo-config',
      url: target.url,
      db: target.db,
      username: 'admin',
      transport: 'xmlrpc',
    },
    credentials: { odoo: { apiKey: target.apiKey } },
  };
}

/** A sink: a disabled debug node, to which the benchmark listens. */
export function sinkNode(id: string): object {
  return {
    id,
    type: 'debug',
    z: 'bench',
    active: false,
    tosidebar: false,
    console: false,
    tostatus: false,
    complete: 'payload',
    targetType: 'msg',
    wires: [],
  };
}

export const TAB = { id: 'bench', type: 'tab', label: 'benchmark' };

/** A catch node for the benchmark tab, wired to the sink `failures`. */
export function catchNodes(): object[] {
  return [
    { id: 'catch', type: 'catch', z: 'bench', scope: null, wires: [['failures']] },
    sinkNode('failures'),
  ];
}

/** Ends the benchmark at the first error a catch node takes: such a measurement means nothing. */
export function exitOnFailure(nodeRed: { node(id: string): NodeHandle }): void {
  nodeRed.node('failures').on('input', (msg) => {
    console.error(msg.error);
    process.exit(1);
  });
}

/** Counts the msgs that reach `sink`; `next(count)` resolves once `count` more have arrived. */
export function arrivals(sink: NodeHandle): { next(count: number): Promise<void> } {
  let arrived = 0;
  let waiting: { until: number; resolve(): void } | undefined;
  sink.on('input', () => {
    arrived++;
    if (waiting && arrived >= waiting.until) waiting.resolve();
  });
  return {
    next: (count) =>
      new Promise<void>((resolve) => (waiting = { until: arrived + count, resolve })),
  };
}
