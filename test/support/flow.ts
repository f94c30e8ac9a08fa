import type { Node, NodeMessage } from 'node-red';
import helper from 'node-red-node-test-helper';
import odooConfig from '../../nodes/odoo-config';
import odooCreate from '../../nodes/odoo-create';
import odooDelete from '../../nodes/odoo-delete';
import odooExecute from '../../nodes/odoo-execute';
import odooRead from '../../nodes/odoo-read';
import odooSearch from '../../nodes/odoo-search';
import odooUpsert from '../../nodes/odoo-upsert';
import odooWatch from '../../nodes/odoo-watch';
import odooWrite from '../../nodes/odoo-write';
import type { TransportSetting } from '../../nodes/lib/transport';
import { startStandIn, StandIn, StandInOptions } from '../stand-in/server';
import { NODE_RED_MAIN, nodeRedModule } from './node-red';

helper.init(NODE_RED_MAIN);

/**
 * node-red-node-test-helper 0.3.6 loads the core catch, status and complete modules once per
 * such node in the flow, and Node-RED refuses the second registration of a type: a flow with two
 * catch nodes would not load. The first registration of a load is the one that counts.
 */
const coreModules = (helper as unknown as { _nodeModules: Record<string, (RED: never) => unknown> })
  ._nodeModules;
for (const [type, load] of Object.entries(coreModules)) {
  coreModules[type] = (RED: never) => {
    try {
      return load(RED);
    } catch (error) {
      if (!/already registered/.test(String((error as Error).message))) throw error;
      return undefined;
    }
  };
}

export { helper };

/**
 * The transport the node suites run over. `npm test` runs them over XML-RPC, then once more
 * over each JSON transport (`test/transports.ts` sets ODOO_TEST_TRANSPORT).
 */
export const TRANSPORT = (process.env.ODOO_TEST_TRANSPORT ?? 'xmlrpc') as TransportSetting;

/** The stand-in for TRANSPORT: Odoo 19 for JSON-2 (which came with 19) and auto, 17 otherwise. */
export function startOdoo(options: StandInOptions = {}): Promise<StandIn> {
  const version = TRANSPORT === 'json2' || TRANSPORT === 'auto' ? '19.0' : '17.0';
  return startStandIn({ version, ...options });
}

export const ODOO_NODES = [
  odooConfig,
  odooSearch,
  odooRead,
  odooCreate,
  odooWrite,
  odooUpsert,
  odooDelete,
  odooExecute,
  odooWatch,
];

/** The core nodes the example flows use besides ours (the test helper brings catch). */
export const CORE = [
  'common/20-inject',
  'common/21-debug',
  'common/90-comment',
  'function/15-change',
  'function/10-switch',
  'network/21-httpin',
  'sequence/17-split',
  'function/89-trigger',
].map(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (file) => require(require.resolve(`@node-red/nodes/core/${file}.js`)) as (RED: never) => void,
);

export interface Server {
  url: string;
  db: string;
  login?: string;
  apiKey?: string;
  /** The config node's transport setting (default TRANSPORT). */
  transport?: string;
  /** More config node properties (timeout, retries, maxBodyMB, ...). */
  settings?: Record<string, unknown>;
}

/** What became of one message: the msg that left the node, or the msg a Catch node received. */
export interface Outcome {
  output?: NodeMessage & Record<string, unknown>;
  error?: NodeMessage & { error: { message: string; code?: string; cause?: unknown } };
}

export interface Deployed {
  node(id?: string): Node;
  /** Sends a msg into the action node (default `n1`) and waits for its output or its error. */
  run(msg?: Record<string, unknown>, target?: string): Promise<Outcome>;
  runAll(msgs: Record<string, unknown>[], target?: string): Promise<Outcome[]>;
  /**
   * Deploys the flow again with these action nodes (and config node settings): `nodes` restarts
   * the changed nodes only, as the editor's "Modified nodes" deploy does; `full` restarts all.
   */
  redeploy(
    actions: object[],
    type: 'nodes' | 'full',
    settings?: Record<string, unknown>,
  ): Promise<void>;
}

let sequence = 0;

/**
 * Deploys action nodes (ids n1, n2, ...; each wired to an output collector) with a config node
 * `c1` for `server`, and a Catch node that collects every error.
 */
export async function deploy(
  server: Server,
  actions: object[],
  extra: object[] = [],
  modules: ((RED: never) => void)[] = [],
): Promise<Deployed> {
  const flowWith = (nodes: object[], settings = server.settings): object[] => [
    { id: 'tab', type: 'tab', label: 'test' },
    {
      id: 'c1',
      type: 'odoo-config',
      url: server.url,
      db: server.db,
      username: server.login ?? 'admin',
      transport: server.transport ?? TRANSPORT,
      ...settings,
    },
    { id: 'collect-output', type: 'helper', z: 'tab' },
    {
      id: 'catch-all',
      type: 'catch',
      z: 'tab',
      scope: null,
      uncaught: false,
      wires: [['collect-error']],
    },
    { id: 'collect-error', type: 'helper', z: 'tab' },
    ...nodes.map((action, index) => ({
      id: `n${index + 1}`,
      z: 'tab',
      server: 'c1',
      wires: [['collect-output']],
      ...action,
    })),
    ...extra,
  ];
  const credentials: Record<string, Record<string, string>> = server.apiKey === undefined
    ? {}
    : { c1: { apiKey: server.apiKey } };
  await helper.load([...ODOO_NODES, ...modules], flowWith(actions), credentials);

  const pending = new Map<string, (outcome: Outcome) => void>();
  const settle = (outcome: Outcome, msg: Record<string, unknown>) => {
    const resolve = pending.get(msg._test as string);
    pending.delete(msg._test as string);
    resolve?.(outcome);
  };
  // A full redeploy starts new collectors: listen to each instance once.
  const listening = new WeakSet<Node>();
  const listen = () => {
    const output = helper.getNode('collect-output');
    const error = helper.getNode('collect-error');
    if (listening.has(output)) return;
    listening.add(output);
    output.on('input', (msg: Record<string, unknown>) =>
      settle({ output: msg as Outcome['output'] }, msg),
    );
    error.on('input', (msg: Record<string, unknown>) =>
      settle({ error: msg as Outcome['error'] }, msg),
    );
  };
  listen();

  const run = (msg: Record<string, unknown> = {}, target = 'n1') =>
    new Promise<Outcome>((resolve) => {
      const tag = `m${++sequence}`;
      pending.set(tag, resolve);
      helper.getNode(target).receive({ ...msg, _test: tag } as NodeMessage);
    });
  return {
    node: (id = 'n1') => helper.getNode(id),
    run,
    runAll: (msgs, target) => Promise.all(msgs.map((msg) => run(msg, target))),
    async redeploy(nodes, type, settings) {
      await helper.setFlows(flowWith(nodes, settings ?? server.settings), type, credentials);
      listen();
    },
  };
}

/** The payload of a successful outcome; fails the test with the error otherwise. */
export function payloadOf(outcome: Outcome): unknown {
  if (!outcome.output) {
    throw new Error(`expected an output, got error ${JSON.stringify(outcome.error?.error)}`);
  }
  return outcome.output.payload;
}

/** A request whose answer body is kept as bytes (a file download), not parsed. */
export function asBytes(
  request: ReturnType<ReturnType<typeof helper.request>['get']>,
): ReturnType<ReturnType<typeof helper.request>['get']> {
  return request.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** The error of a failed outcome; fails the test if the node produced an output. */
export function errorOf(outcome: Outcome): NonNullable<Outcome['error']>['error'] {
  if (!outcome.error) {
    throw new Error(`expected an error, got output ${JSON.stringify(outcome.output?.payload)}`);
  }
  return outcome.error.error;
}

/** Waits until `check` holds (up to 3 s); for things that settle asynchronously, like sockets. */
export async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`still not true after 3 s: ${what}`);
}

/** One done() call of the runtime: which msg (its `_test` tag), how it ended, and when. */
export interface Completion {
  tag: string;
  error?: { code?: string; message: string };
  /** performance.now() at the call. */
  at: number;
}

interface CompleteEvent {
  msg?: { _test?: string };
  error?: unknown;
  node?: { id: string; node?: { type?: string } };
}

interface RuntimeHooks {
  add(name: string, hook: (event: CompleteEvent) => void): void;
  remove(name: string): void;
}

let hookSequence = 0;

/**
 * Records every done() call of an Odoo node from now on, through the runtime's onComplete hook:
 * the one place that also sees the messages of nodes being closed, whose Catch nodes may be gone.
 */
export function recordCompletions(): { list: Completion[]; stop(): void } {
  const { hooks } = nodeRedModule<{ hooks: RuntimeHooks }>('@node-red/util');
  const name = `onComplete.odooTest${++hookSequence}`;
  const list: Completion[] = [];
  hooks.add(name, (event) => {
    const tag = event.msg?._test;
    if (typeof tag !== 'string' || !event.node?.node?.type?.startsWith('odoo-')) return;
    list.push({ tag, error: event.error as Completion['error'], at: performance.now() });
  });
  return { list, stop: () => hooks.remove(name) };
}
