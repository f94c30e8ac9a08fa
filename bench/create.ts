/**
 * Child process for measurement 5: creating the same list of partners through Node-RED, the two
 * ways a flow can: one message per record (inject → split → odoo-create, what every other Odoo
 * node needs), and one message with the list (inject → odoo-create with batchSize). In
 * alternating rounds; the medians are kept.
 */
import { performance } from 'node:perf_hooks';
import { OdooClient } from '../nodes/lib/client';
import {
  arrivals,
  catchNodes,
  childConfig,
  exitOnFailure,
  median,
  report,
  runMain,
  serverNode,
  sinkNode,
  startNodeRed,
  TAB,
  Target,
} from './support';

export interface CreateConfig {
  target: Target;
  records: number;
  batchSize: number;
  rounds: number;
}

export interface CreateResult {
  eachSeconds: number;
  batchedSeconds: number;
}

runMain(async () => {
  const { target, records, batchSize, rounds } = childConfig<CreateConfig>();
  const server = serverNode(target);
  const create = (id: string, size: number) => ({
    id,
    type: 'odoo-create',
    z: 'bench',
    server: 'odoo',
    model: 'res.partner',
    modelType: 'str',
    values: 'payload',
    valuesType: 'msg',
    batchSize: size,
    wires: [['sink']],
  });
  const nodeRed = await startNodeRed(
    [
      TAB,
      server.node,
      { id: 'list-each', type: 'inject', z: 'bench', props: [], repeat: '', wires: [['split']] },
      {
        id: 'split',
        type: 'split',
        z: 'bench',
        arraySplt: 1,
        arraySpltType: 'len',
        wires: [['each']],
      },
      create('each', 0),
      {
        id: 'list-batched',
        type: 'inject',
        z: 'bench',
        props: [],
        repeat: '',
        wires: [['batched']],
      },
      create('batched', batchSize),
      sinkNode('sink'),
      ...catchNodes(),
    ],
    server.credentials,
  );
  exitOnFailure(nodeRed);
  const created: number[] = [];
  nodeRed.node('sink').on('input', (msg) => {
    created.push(...[msg.payload as number | number[]].flat());
  });
  const outputs = arrivals(nodeRed.node('sink'));
  // Between measurements the new partners are deleted again, so every round starts alike.
  const cleaner = new OdooClient({ ...target, username: 'admin' });
  const cleanUp = () => cleaner.unlink({ model: 'res.partner', ids: created.splice(0) });
  const person = (index: number) => ({
    name: `Bench person ${index}`,
    email: `p${index}@example.com`,
  });

  /** Seconds until `count` outputs arrived after `send`. */
  const timed = async (count: number, send: () => void) => {
    const started = performance.now();
    const arrived = outputs.next(count);
    send();
    await arrived;
    return (performance.now() - started) / 1000;
  };
  await timed(1, () => nodeRed.node('each').receive({ payload: person(-1) }));
  const each: number[] = [];
  const batched: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const list = Array.from({ length: records }, (_, index) => person(index));
    each.push(await timed(records, () => nodeRed.node('list-each').receive({ payload: list })));
    await cleanUp();
    batched.push(await timed(1, () => nodeRed.node('list-batched').receive({ payload: list })));
    await cleanUp();
  }
  cleaner.close();
  await nodeRed.stop();
  const result: CreateResult = { eachSeconds: median(each), batchedSeconds: median(batched) };
  report(result);
});
