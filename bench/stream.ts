/**
 * Child process for measurement 4: every synthetic partner through a Node-RED flow with
 * `odoo-search` sending one message per record (inject → odoo-search → sink), with the peak
 * memory of this process and the longest event-loop block.
 */
import { performance } from 'node:perf_hooks';
import {
  catchNodes,
  exitOnFailure,
  childConfig,
  peakRssMB,
  report,
  runMain,
  serverNode,
  sinkNode,
  startNodeRed,
  TAB,
  Target,
  watchEventLoop,
} from './support';

export interface StreamConfig {
  target: Target;
  fields: string[];
  pageSize: number;
}

export interface StreamResult {
  records: number;
  seconds: number;
  /** Resident memory once Node-RED had started, before the read. */
  startRssMB: number;
  peakRssMB: number;
  longestBlockMs: number;
}

runMain(async () => {
  const { target, fields, pageSize } = childConfig<StreamConfig>();
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
        domain: JSON.stringify([
          ['id', '>=', target.first],
          ['id', '<=', target.last],
        ]),
        domainType: 'json',
        fields: JSON.stringify(fields),
        fieldsType: 'json',
        order: 'id',
        orderType: 'str',
        returns: 'records',
        split: 'record',
        pageSize,
        wires: [['sink']],
      },
      sinkNode('sink'),
      { id: 'done', type: 'complete', z: 'bench', scope: ['search'], wires: [['finished']] },
      sinkNode('finished'),
      ...catchNodes(),
    ],
    server.credentials,
  );
  let records = 0;
  let nextId = target.first;
  let count: unknown;
  nodeRed.node('sink').on('input', (msg) => {
    const record = msg.payload as { id: number };
    if (record.id < nextId) throw new Error(`record ${record.id} came twice or out of order`);
    nextId = record.id + 1;
    records++;
    count = (msg.parts as { count?: number }).count ?? count;
  });
  exitOnFailure(nodeRed);
  const finished = new Promise<void>((resolve) =>
    nodeRed.node('finished').on('input', () => resolve()),
  );
  const startRssMB = process.memoryUsage().rss / 1024 / 1024;
  const loop = watchEventLoop();
  const started = performance.now();
  nodeRed.node('inject').receive({});
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const longestBlockMs = await loop.stop();
  const expected = target.last - target.first + 1;
  if (records !== expected || count !== expected) {
    throw new Error(`${records} records arrived (parts.count ${String(count)}), not ${expected}`);
  }
  const result: StreamResult = {
    records,
    seconds,
    startRssMB,
    peakRssMB: peakRssMB(),
    longestBlockMs,
  };
  await nodeRed.stop();
  report(result);
});
