/**
 * Child process for measurement 8: keeping 10 000 contacts in step with another system, half of
 * them already in Odoo (and changed there), the two ways a flow can: one msg per record with a
 * search, a switch and a create or a write (what a flow needs without odoo-upsert), and one msg
 * with the list through odoo-upsert. The parent counts the calls Odoo receives in each (it owns
 * the stand-in), asked for with `{ type: 'count' }`.
 */
import { performance } from 'node:perf_hooks';
import { OdooClient } from '../nodes/lib/client';
import type { StandInCounts } from './stand-in';
import {
  arrivals,
  catchNodes,
  childConfig,
  exitOnFailure,
  report,
  runMain,
  serverNode,
  sinkNode,
  startNodeRed,
  TAB,
  Target,
} from './support';

export interface UpsertConfig {
  target: Target;
  records: number;
  batchSize: number;
}

export interface UpsertRun {
  seconds: number;
  /** Calls Odoo received, by method (login and version excepted). */
  calls: Record<string, number>;
}

export interface UpsertResult {
  perRecord: UpsertRun;
  upsert: UpsertRun;
  /** The same list through odoo-upsert once more, nothing changed. */
  unchanged: UpsertRun;
}

function callsSoFar(): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    const listener = (message: StandInCounts) => {
      if (message.type !== 'counts') return;
      process.off('message', listener);
      resolve(message.byMethod);
    };
    process.on('message', listener);
    process.send?.({ type: 'count' });
  });
}

runMain(async () => {
  const { target, records, batchSize } = childConfig<UpsertConfig>();
  const server = serverNode(target);
  const node = (id: string, props: object, wires: string[][]) => ({
    id,
    z: 'bench',
    server: 'odoo',
    model: 'res.partner',
    modelType: 'str',
    wires,
    ...props,
  });
  const nodeRed = await startNodeRed(
    [
      TAB,
      server.node,
      { id: 'each', type: 'inject', z: 'bench', props: [], repeat: '', wires: [['split']] },
      {
        id: 'split',
        type: 'split',
        z: 'bench',
        arraySplt: 1,
        arraySpltType: 'len',
        wires: [['keep']],
      },
      {
        id: 'keep',
        type: 'change',
        z: 'bench',
        rules: [{ t: 'set', p: 'record', pt: 'msg', to: 'payload', tot: 'msg' }],
        wires: [['find']],
      },
      node(
        'find',
        {
          type: 'odoo-search',
          domain: '[["ref", "=", record.ref]]',
          domainType: 'jsonata',
          returns: 'ids',
          limit: '1',
          limitType: 'num',
        },
        [['new?']],
      ),
      {
        id: 'new?',
        type: 'switch',
        z: 'bench',
        property: '$count(payload) = 0',
        propertyType: 'jsonata',
        rules: [{ t: 'true' }, { t: 'else' }],
        outputs: 2,
        wires: [['create'], ['write']],
      },
      node('create', { type: 'odoo-create', values: 'record', valuesType: 'msg' }, [['sink']]),
      node(
        'write',
        { type: 'odoo-write', ids: 'payload', idsType: 'msg', values: 'record', valuesType: 'msg' },
        [['sink']],
      ),
      { id: 'list', type: 'inject', z: 'bench', props: [], repeat: '', wires: [['upsert']] },
      node(
        'upsert',
        { type: 'odoo-upsert', match: 'ref', matchType: 'str', batchSize, skipUnchanged: true },
        [['sink']],
      ),
      sinkNode('sink'),
      ...catchNodes(),
    ],
    server.credentials,
  );
  exitOnFailure(nodeRed);
  const outputs = arrivals(nodeRed.node('sink'));
  const timed = async (count: number, send: () => void): Promise<UpsertRun> => {
    await callsSoFar();
    const started = performance.now();
    const done = outputs.next(count);
    send();
    await done;
    const seconds = (performance.now() - started) / 1000;
    return { seconds, calls: await callsSoFar() };
  };

  // Half the contacts exist already; every run gives each its own new phone: one write each.
  const odoo = new OdooClient({ ...target, username: 'admin' });
  const person = (index: number, phone: string) => ({
    ref: `sync-${index}`,
    name: `Synced person ${index}`,
    email: `sync${index}@example.com`,
    phone: `${phone} ${index}`,
  });
  await odoo.create(
    {
      model: 'res.partner',
      values: Array.from({ length: records / 2 }, (_, i) => person(i * 2, 'old')),
    },
    { batchSize: 1000 },
  );
  const list = (phone: string) =>
    Array.from({ length: records }, (_, index) => person(index, phone));
  const removeNew = async () => {
    const ids = (await odoo.search({
      model: 'res.partner',
      domain: [['ref', '=like', 'sync-%']],
      returns: 'ids',
    })) as number[];
    const created = (await odoo.read({ model: 'res.partner', ids, fields: ['ref'] })) as {
      id: number;
      ref: string;
    }[];
    const odd = created.filter((row) => Number(row.ref.slice(5)) % 2 === 1).map((row) => row.id);
    await odoo.unlink({ model: 'res.partner', ids: odd });
  };

  await timed(1, () => nodeRed.node('upsert').receive({ payload: [person(-1, 'warm-up')] }));
  const perRecord = await timed(records, () =>
    nodeRed.node('each').receive({ payload: list('A') }),
  );
  await removeNew();
  const upsert = await timed(1, () => nodeRed.node('list').receive({ payload: list('B') }));
  const unchanged = await timed(1, () => nodeRed.node('list').receive({ payload: list('B') }));
  odoo.close();
  await nodeRed.stop();
  report({ perRecord, upsert, unchanged } satisfies UpsertResult);
});
