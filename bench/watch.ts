/**
 * Child process for measurement 7: what an odoo-watch reads once changes stop. After a burst of
 * changes, each poll reads again the changes of its look-back window; the window follows the
 * server's clock, so once `lookback` has passed since the burst, a poll reads nothing. The
 * stand-in runs in this process: its clock is set here.
 */
import { OdooClient } from '../nodes/lib/client';
import { childConfig, report, runMain, sinkNode, startNodeRed, TAB } from './support';
import { startStandIn } from '../test/stand-in/server';

export interface WatchConfig {
  changes: number;
  lookbackSeconds: number;
}

export interface WatchResult {
  delivered: number;
  /** Records read by the poll half a window after the burst. */
  withinWindow: number;
  /** Records read by the polls once lookback has passed, in order. */
  afterWindow: number[];
}

const BURST_AT = Date.parse('2031-03-01T10:00:00Z');

runMain(async () => {
  const { changes, lookbackSeconds } = childConfig<WatchConfig>();
  const odoo = await startStandIn({ keepAlive: true });
  const at = (seconds: number) => odoo.setClock(new Date(BURST_AT + seconds * 1000));
  at(0);
  const nodeRed = await startNodeRed(
    [
      TAB,
      {
        id: 'odoo',
        type: 'odoo-config',
        url: odoo.url,
        db: odoo.db,
        username: 'admin',
        transport: 'xmlrpc',
      },
      {
        id: 'watch',
        type: 'odoo-watch',
        z: 'bench',
        server: 'odoo',
        model: 'res.partner',
        modelType: 'str',
        fields: 'name',
        fieldsType: 'str',
        interval: 3600,
        lookback: lookbackSeconds,
        wires: [['sink']],
      },
      sinkNode('sink'),
      { id: 'polled', type: 'complete', z: 'bench', scope: ['watch'], wires: [['done']] },
      sinkNode('done'),
    ],
    { odoo: { apiKey: odoo.adminApiKey } },
  );
  let delivered = 0;
  nodeRed.node('sink').on('input', () => delivered++);
  let polled = () => undefined as void;
  nodeRed.node('done').on('input', () => polled());
  const watch = nodeRed.node('watch');
  /** One poll; resolves to the number of records it read. */
  const poll = async () => {
    odoo.resetCalls();
    await new Promise<void>((resolve) => {
      polled = resolve;
      watch.receive({});
    });
    return odoo.calls.reduce((sum, call) => sum + (call.rows ?? 0), 0);
  };
  await poll();
  const client = new OdooClient({
    url: odoo.url,
    db: odoo.db,
    username: 'admin',
    apiKey: odoo.adminApiKey,
  });
  const names = Array.from({ length: changes }, (_, index) => ({ name: `Burst ${index}` }));
  await client.create({ model: 'res.partner', values: names }, { batchSize: 1000 });
  client.close();
  await poll();
  at(lookbackSeconds / 2);
  const withinWindow = await poll();
  at(lookbackSeconds + 5);
  const afterWindow = [await poll(), await poll(), await poll()];
  await nodeRed.stop();
  await odoo.close();
  report({ delivered, withinWindow, afterWindow } satisfies WatchResult);
});
