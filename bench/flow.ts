/**
 * Child process for measurements 1 and 2: messages per second and latency through a real
 * Node-RED flow (inject → odoo-search → sink) against a raw `xmlrpc` client making the same
 * execute_kw calls, in alternating rounds in this one process; and how many HTTP requests each
 * message costs (counted with Node's http diagnostics channel).
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import xmlrpc from 'xmlrpc';
import {
  catchNodes,
  exitOnFailure,
  childConfig,
  median,
  percentile,
  report,
  runMain,
  serverNode,
  sinkNode,
  SMALL_SEARCH,
  startNodeRed,
  TAB,
  Target,
} from './support';

export interface FlowConfig {
  target: Target;
  inFlight: number[];
  messages: number;
  rounds: number;
}

export interface Throughput {
  perSecond: number;
  p50: number;
  p99: number;
}

export interface FlowResult {
  node: Record<number, Throughput>;
  raw: Record<number, Throughput>;
  messages: number;
  requests: number;
  logins: number;
  firstLogins: number;
}

const { domain: DOMAIN, kwargs: KWARGS, rows: ROWS } = SMALL_SEARCH;

/** Sends `total` messages with `inFlight` of them outstanding; resolves to each one's latency. */
function drive(
  start: (index: number, finished: () => void) => void,
  inFlight: number,
  total: number,
): Promise<{ seconds: number; latencies: number[] }> {
  return new Promise((resolve) => {
    const latencies: number[] = [];
    let started = 0;
    const begin = performance.now();
    const next = () => {
      const index = started++;
      const sentAt = performance.now();
      start(index, () => {
        latencies.push(performance.now() - sentAt);
        if (latencies.length === total) {
          resolve({ seconds: (performance.now() - begin) / 1000, latencies });
        } else if (started < total) next();
      });
    };
    for (let index = 0; index < Math.min(inFlight, total); index++) next();
  });
}

function summarize(runs: { seconds: number; latencies: number[] }[]): Throughput {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  return {
    perSecond: median(runs.map((run) => run.latencies.length / run.seconds)),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

runMain(async () => {
  const { target, inFlight, messages, rounds } = childConfig<FlowConfig>();
  const requests = { object: 0, common: 0 };
  diagnostics.subscribe('http.client.request.start', (message) => {
    const { request } = message as { request: ClientRequest };
    if (request.path.endsWith('/xmlrpc/2/object')) requests.object++;
    if (request.path.endsWith('/xmlrpc/2/common')) requests.common++;
  });

  const server = serverNode(target);
  const nodeRed = await startNodeRed(
    [
      TAB,
      server.node,
      { id: 'inject', type: 'inject', z: 'bench', props: [], repeat: '', wires: [['search']] },
      {
        id: 'search',
        type: 'odoo-search',
        z: 'bench',
        server: 'odoo',
        model: 'res.partner',
        modelType: 'str',
        domain: JSON.stringify(DOMAIN),
        domainType: 'json',
        fields: JSON.stringify(KWARGS.fields),
        fieldsType: 'json',
        limit: String(KWARGS.limit),
        limitType: 'num',
        order: KWARGS.order,
        orderType: 'str',
        returns: 'records',
        wires: [['sink']],
      },
      sinkNode('sink'),
      ...catchNodes(),
    ],
    server.credentials,
  );
  const waiting = new Map<number, () => void>();
  nodeRed.node('sink').on('input', (msg) => {
    const finished = waiting.get(msg.index as number);
    waiting.delete(msg.index as number);
    if ((msg.payload as unknown[]).length !== ROWS) throw new Error('unexpected search result');
    finished?.();
  });
  exitOnFailure(nodeRed);
  const inject = nodeRed.node('inject');
  const viaNodeRed = (index: number, finished: () => void) => {
    waiting.set(index, finished);
    inject.receive({ index });
  };

  type Run = { seconds: number; latencies: number[] };
  // Warm up (the first message logs in), then count requests from a clean slate.
  await drive(viaNodeRed, 4, Math.max(200, messages / 10));
  const firstLogins = requests.common;

  const url = new URL(target.url);
  const address = { host: url.hostname, port: Number(url.port) };
  const raw = xmlrpc.createClient({ ...address, path: '/xmlrpc/2/object' });
  const common = xmlrpc.createClient({ ...address, path: '/xmlrpc/2/common' });
  const uid = await new Promise<number>((resolve, reject) =>
    common.methodCall('authenticate', [target.db, 'admin', target.apiKey, {}], (error, value) =>
      error ? reject(error) : resolve(value as number),
    ),
  );
  const params = [target.db, uid, target.apiKey, 'res.partner', 'search_read', [DOMAIN], KWARGS];
  const viaRawClient = (_index: number, finished: () => void) => {
    raw.methodCall('execute_kw', params, (error, value) => {
      if (error || (value as unknown[]).length !== ROWS) {
        throw error ?? new Error('unexpected result');
      }
      finished();
    });
  };
  await drive(viaRawClient, 4, Math.max(200, messages / 10));

  const counted = { object: 0, common: 0, messages: 0 };
  const runs = { node: new Map<number, Run[]>(), raw: new Map<number, Run[]>() };
  const keep = (side: Map<number, Run[]>, count: number, run: Run) =>
    side.set(count, [...(side.get(count) ?? []), run]);
  for (let round = 0; round < rounds; round++) {
    for (const count of inFlight) {
      const before = { ...requests };
      keep(runs.node, count, await drive(viaNodeRed, count, messages));
      counted.object += requests.object - before.object;
      counted.common += requests.common - before.common;
      counted.messages += messages;
      keep(runs.raw, count, await drive(viaRawClient, count, messages));
    }
  }
  await nodeRed.stop();
  const result: FlowResult = {
    node: Object.fromEntries(inFlight.map((count) => [count, summarize(runs.node.get(count)!)])),
    raw: Object.fromEntries(inFlight.map((count) => [count, summarize(runs.raw.get(count)!)])),
    messages: counted.messages,
    requests: counted.object + counted.common,
    logins: counted.common,
    firstLogins,
  };
  report(result);
});
