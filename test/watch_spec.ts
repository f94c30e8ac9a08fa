import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, NodeMessage } from 'node-red';
import type { StandIn } from './stand-in/server';
import { helper, ODOO_NODES, startOdoo, TRANSPORT } from './support/flow';
import { nodeRedModule } from './support/node-red';

/** Node-RED's context module: the test helper never loads configured stores by itself. */
const contextStores = nodeRedModule<{
  init(settings: object): void;
  load(): Promise<void>;
  close(): Promise<void>;
}>('@node-red/runtime/lib/nodes/context');

type Record_ = Record<string, unknown> & { id: number };
type Output = NodeMessage & {
  topic: string;
  payload: unknown;
  odoo: { model: string; event: string; cursor: { field: string; date: string; id: number } };
};
type Caught = NodeMessage & { error: { message: string; code?: string } };

/** A deployed odoo-watch node `w1` and everything it sent, reported or failed. */
interface Watch {
  outputs: Output[];
  errors: Caught[];
  /** Sends an input msg and waits until the poll it asked for has finished. */
  poll(): Promise<void>;
  /** Sends an input msg tagged `tag`; resolves when the node is done with it. */
  input(tag: string): Promise<void>;
  /** Waits until `check` holds, checking again whenever the node sends or fails something. */
  until(check: () => boolean): Promise<void>;
  /** The outputs so far, forgotten afterwards. */
  take(): Output[];
  node(): Node;
  /** Deploys the watch node again with other properties (a redeploy of the changed node). */
  redeploy(props: Record<string, unknown>): Promise<void>;
}

let sequence = 0;
let storesConfigured = false;

/**
 * Deploys `w1` with `props`; `contextStorage` configures Node-RED's context stores as
 * settings.js would (without it, Node-RED deletes a node's context whenever the node stops).
 */
async function deployWatch(
  odoo: StandIn,
  props: Record<string, unknown>,
  contextStorage?: Record<string, unknown>,
): Promise<Watch> {
  const flowWith = (watchProps: Record<string, unknown>) => [
    { id: 'tab', type: 'tab', label: 'watch' },
    {
      id: 'c1',
      type: 'odoo-config',
      url: odoo.url,
      db: odoo.db,
      username: 'admin',
      transport: TRANSPORT,
    },
    {
      id: 'w1',
      type: 'odoo-watch',
      z: 'tab',
      server: 'c1',
      model: 'res.partner',
      modelType: 'str',
      interval: 3600,
      wires: [['out']],
      ...watchProps,
    },
    { id: 'out', type: 'helper', z: 'tab' },
    { id: 'caught', type: 'catch', z: 'tab', scope: ['w1'], uncaught: false, wires: [['errs']] },
    { id: 'errs', type: 'helper', z: 'tab' },
    { id: 'completed', type: 'complete', z: 'tab', scope: ['w1'], wires: [['dones']] },
    { id: 'dones', type: 'helper', z: 'tab' },
  ];
  // The test helper does not open configured stores: a module that runs before the flows does.
  const openStores = () => contextStores.load();
  if (contextStorage) {
    helper.settings({ contextStorage });
    storesConfigured = true;
  }
  const modules = contextStorage ? [...ODOO_NODES, openStores as never] : ODOO_NODES;
  const credentials = { c1: { apiKey: odoo.adminApiKey } };
  await helper.load(modules, flowWith(props), credentials);
  let outputs: Output[] = [];
  const errors: Caught[] = [];
  const finished = new Set<string>();
  const checks = new Set<() => void>();
  const changed = () => checks.forEach((recheck) => recheck());
  // A redeploy may start new instances of the collectors: listen to each instance once.
  const listening = new WeakSet<Node>();
  const listen = (id: string, receive: (msg: Record<string, unknown>) => void) => {
    const collector = helper.getNode(id);
    if (listening.has(collector)) return;
    listening.add(collector);
    collector.on('input', (msg: Record<string, unknown>) => {
      receive(msg);
      if (typeof msg._test === 'string' && id !== 'out') finished.add(msg._test);
      changed();
    });
  };
  const listenAll = () => {
    listen('out', (msg) => outputs.push(msg as Output));
    listen('errs', (msg) => errors.push(msg as Caught));
    listen('dones', () => undefined);
  };
  listenAll();
  const until = (check: () => boolean) =>
    new Promise<void>((resolve) => {
      const recheck = () => {
        if (!check()) return;
        checks.delete(recheck);
        resolve();
      };
      checks.add(recheck);
      recheck();
    });
  const input = async (tag: string) => {
    helper.getNode('w1').receive({ _test: tag } as NodeMessage);
    await until(() => finished.has(tag));
  };
  return {
    get outputs() {
      return outputs;
    },
    errors,
    input,
    async poll() {
      await input(`poll${++sequence}`);
      // The node sends its messages before it reports the poll done; let them arrive.
      await new Promise((resolve) => setImmediate(resolve));
    },
    until,
    take() {
      const taken = outputs;
      outputs = [];
      return taken;
    },
    node: () => helper.getNode('w1'),
    async redeploy(changed) {
      await helper.setFlows(flowWith({ ...props, ...changed }), 'nodes', credentials);
      listenAll();
    },
  };
}

const ids = (messages: Output[]) => messages.map((msg) => (msg.payload as Record_).id);

describe(`odoo-watch against the stand-in Odoo (${TRANSPORT})`, function () {
  let odoo: StandIn;

  before(async function () {
    odoo = await startOdoo();
  });

  beforeEach(function () {
    odoo.reset();
  });

  afterEach(async function () {
    await helper.unload();
    if (storesConfigured) {
      await contextStores.close();
      helper.settings({ contextStorage: undefined });
      storesConfigured = false;
    }
  });

  after(async function () {
    await odoo.close();
    for (const dir of storeDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const storeDirs: string[] = [];
  function fileStore(): Record<string, unknown> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-watch-context-'));
    storeDirs.push(dir);
    return { default: { module: 'localfilesystem', config: { dir } } };
  }

  /** Creates records through Odoo's API as another client would; resolves to their ids. */
  async function create(names: string[], model = 'res.partner'): Promise<number[]> {
    return (await rpc(model, 'create', [names.map((name) => ({ name }))])) as number[];
  }

  async function rpc(model: string, method: string, args: unknown[]): Promise<unknown> {
    const { OdooClient } = await import('../nodes/lib/client');
    const client = new OdooClient({
      url: odoo.url,
      db: odoo.db,
      username: 'admin',
      apiKey: odoo.adminApiKey,
    });
    try {
      return await client.execute(model, method, args, {});
    } finally {
      client.close();
    }
  }

  describe('new and changed records', function () {
    // One second for everything: the order of delivery is the order of ids, on any machine.
    beforeEach(function () {
      odoo.setClock('2031-03-01 07:00:00');
    });

    it('starts from now: sends records created and updated between polls, each once', async function () {
      const watch = await deployWatch(odoo, {
        fields: '["name", "email"]',
        fieldsType: 'json',
      });
      await watch.poll();
      assert.deepEqual(watch.take(), [], 'records that existed at deploy are not sent');

      const [jane, joe] = await create(['Jane', 'Joe']);
      await rpc('res.partner', 'write', [[14], { email: 'azure@example.com' }]);
      await watch.poll();
      const first = watch.take();
      assert.deepEqual(
        ids(first),
        [jane, joe, 14].sort((a, b) => a - b),
      );
      const azure = first.find((msg) => (msg.payload as Record_).id === 14)!;
      assert.equal(azure.topic, 'res.partner/updated');
      assert.deepEqual(Object.keys(azure.payload as Record_).sort(), [
        'email',
        'id',
        'name',
        'write_date',
      ]);
      assert.equal((azure.payload as Record_).email, 'azure@example.com');
      assert.deepEqual(azure.odoo.model, 'res.partner');
      assert.deepEqual(azure.odoo.event, 'updated');
      const last = first[first.length - 1];
      assert.deepEqual(last.odoo.cursor, {
        field: 'write_date',
        date: (last.payload as Record_).write_date,
        id: (last.payload as Record_).id,
      });

      await watch.poll();
      assert.deepEqual(watch.take(), [], 'nothing changed: nothing sent again');

      await rpc('res.partner', 'write', [[jane], { email: 'jane@example.com' }]);
      await watch.poll();
      const second = watch.take();
      assert.deepEqual(ids(second), [jane]);
      assert.equal((second[0].payload as Record_).email, 'jane@example.com');
      assert.equal(watch.errors.length, 0);
    });

    it('reports creations only with event "created"', async function () {
      const watch = await deployWatch(odoo, {
        event: 'created',
        fields: 'name',
        fieldsType: 'str',
      });
      await watch.poll();
      const [anna] = await create(['Anna']);
      await rpc('res.partner', 'write', [[14], { name: 'Azure Renamed' }]);
      await watch.poll();
      const sent = watch.take();
      assert.deepEqual(ids(sent), [anna]);
      assert.equal(sent[0].topic, 'res.partner/created');
      assert.equal(sent[0].odoo.cursor.field, 'create_date');
      await rpc('res.partner', 'write', [[anna], { name: 'Anna B.' }]);
      await watch.poll();
      assert.deepEqual(watch.take(), []);
    });

    it('tells creations and updates apart with event "both"', async function () {
      const watch = await deployWatch(odoo, { event: 'both', fields: 'name', fieldsType: 'str' });
      await watch.poll();
      const [bob, eve] = await create(['Bob', 'Eve']);
      await rpc('res.partner', 'write', [[eve], { name: 'Eve (changed before the poll)' }]);
      await rpc('res.partner', 'write', [[14], { name: 'Azure Renamed' }]);
      await watch.poll();
      const sent = watch.take();
      assert.deepEqual(
        sent.map((msg) => [msg.topic, (msg.payload as Record_).id]),
        [
          ['res.partner/updated', 14],
          ['res.partner/created', bob],
          ['res.partner/created', eve],
        ],
      );
      assert.equal((sent[2].payload as Record_).name, 'Eve (changed before the poll)');
      await rpc('res.partner', 'write', [[bob], { name: 'Bob B.' }]);
      await watch.poll();
      assert.deepEqual(
        watch.take().map((msg) => [msg.topic, (msg.payload as Record_).id]),
        [['res.partner/updated', bob]],
      );
    });

    it('follows the domain, and the records that come to match it', async function () {
      const watch = await deployWatch(odoo, {
        domain: '[["is_company", "=", true]]',
        domainType: 'json',
      });
      await watch.poll();
      await rpc('res.partner', 'create', [
        [{ name: 'Person' }, { name: 'Firm', is_company: true }],
      ]);
      const [person] = (await rpc('res.partner', 'search', [
        [['name', '=', 'Person']],
      ])) as number[];
      await watch.poll();
      assert.deepEqual(
        watch.take().map((msg) => (msg.payload as Record_).name),
        ['Firm'],
      );
      await rpc('res.partner', 'write', [[person], { is_company: true }]);
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [person]);
    });

    it('does not resend a record when only the name of a related record changes', async function () {
      const watch = await deployWatch(odoo, {
        fields: '["name", "country_id", "display_name"]',
        fieldsType: 'json',
      });
      await watch.poll();
      const [pierre] = (await rpc('res.partner', 'create', [
        [{ name: 'Pierre', country_id: 21 }],
      ])) as number[];
      await watch.poll();
      assert.deepEqual(
        watch.take().map((msg) => (msg.payload as Record_).country_id),
        [[21, 'Belgium']],
      );
      await rpc('res.country', 'write', [[21], { name: 'Belgique' }]);
      await watch.poll();
      assert.deepEqual(watch.take(), [], 'Pierre itself was not written');
      await rpc('res.partner', 'write', [[pierre], { name: 'Pierre D.' }]);
      await watch.poll();
      assert.deepEqual(
        watch.take().map((msg) => (msg.payload as Record_).country_id),
        [[21, 'Belgique']],
      );
    });

    it('sends one msg per poll with an array, per event, with output "poll"', async function () {
      const watch = await deployWatch(odoo, { event: 'both', output: 'poll' });
      await watch.poll();
      // One frozen second: the cursor's (date, id) order is then the id order, whatever the clock.
      odoo.setClock('2031-04-01 10:00:00.000000');
      const [ann, ben] = await create(['Ann', 'Ben']);
      await rpc('res.partner', 'write', [[14], { phone: '+1 555 0100' }]);
      await watch.poll();
      const sent = watch.take();
      assert.deepEqual(
        sent.map((msg) => [msg.topic, (msg.payload as Record_[]).map((record) => record.id)]),
        [
          ['res.partner/created', [ann, ben]],
          ['res.partner/updated', [14]],
        ],
      );
      assert.equal(sent[0].odoo.event, 'created');
      assert.equal(sent[0].odoo.cursor.id, Math.max(ann, ben, 14));
      await watch.poll();
      assert.deepEqual(watch.take(), [], 'no changes: no msg');
    });
  });

  describe('the cursor', function () {
    it('misses and repeats nothing in the second of the cursor (Odoo keeps microseconds)', async function () {
      odoo.setClock('2031-03-01 08:00:00.400000');
      const watch = await deployWatch(odoo, { lookback: 0 });
      const [before] = await create(['Before']);
      await watch.poll();
      assert.deepEqual(watch.take(), [], 'start now: the baseline is not sent');
      // Written in the same second as the cursor, later and earlier within that second:
      // `write_date > cursor` matches them all, `write_date = cursor` none.
      odoo.setClock('2031-03-01 08:00:00.900000');
      const [late] = await create(['Later in the second']);
      odoo.setClock('2031-03-01 08:00:00.100000');
      const [early] = await create(['Earlier in the second']);
      await rpc('res.partner', 'write', [[before], { name: 'Before, changed' }]);
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [before, late, early]);
      odoo.setClock('2031-03-01 08:00:01.000000');
      const [next] = await create(['Next second']);
      await watch.poll();
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [next]);
    });

    it('pages through a backlog larger than a page, in order, each record once', async function () {
      this.timeout(30000);
      // 600 records in one second, from three transactions whose microsecond order is not the
      // id order, then 250 more over the following seconds.
      const names = (prefix: string, count: number) =>
        Array.from({ length: count }, (_, index) => `${prefix} ${index}`);
      odoo.setClock('2031-03-01 09:00:00.300000');
      await create(names('C', 200));
      odoo.setClock('2031-03-01 09:00:00.100000');
      await create(names('A', 200));
      odoo.setClock('2031-03-01 09:00:00.200000');
      await create(names('B', 200));
      for (let second = 1; second <= 5; second++) {
        odoo.setClock(`2031-03-01 09:00:0${second}`);
        await create(names(`S${second}`, 50));
      }
      odoo.resetCalls();
      const watch = await deployWatch(odoo, {
        start: 'all',
        fields: 'name',
        fieldsType: 'str',
      });
      const total = odoo.records('res.partner').filter((row) => row.active === true).length;
      await watch.until(() => watch.outputs.length >= total);
      await watch.poll();
      const sent = watch.take();
      assert.equal(sent.length, total);
      const keys = sent.map(
        (msg) =>
          [(msg.payload as Record_).write_date, (msg.payload as Record_).id] as [string, number],
      );
      const sorted = [...keys].sort(([a, x], [b, y]) => (a === b ? x - y : a < b ? -1 : 1));
      assert.deepEqual(keys, sorted, 'sent in (write_date, id) order');
      assert.equal(new Set(ids(sent)).size, total, 'each record once');
      assert.ok(odoo.modelCalls('search_read') >= 3, 'read page by page');
    });

    it('splits a large poll into several messages with output "poll"', async function () {
      await create(Array.from({ length: 1200 }, (_, index) => `Bulk ${index}`));
      const total = odoo.records('res.partner').filter((row) => row.active === true).length;
      const watch = await deployWatch(odoo, {
        start: 'all',
        output: 'poll',
        fields: 'name',
        fieldsType: 'str',
      });
      await watch.until(
        () =>
          watch.outputs.reduce((sum, msg) => sum + (msg.payload as Record_[]).length, 0) >= total,
      );
      await watch.poll();
      const sent = watch.take();
      assert.ok(sent.length > 1, `${sent.length} messages`);
      const records = sent.flatMap((msg) => msg.payload as Record_[]);
      assert.equal(records.length, total);
      assert.equal(new Set(records.map((record) => record.id)).size, total, 'each record once');
    });

    it('delivers a late commit older than the cursor once, thanks to the look-back window', async function () {
      odoo.setClock('2031-03-01 10:00:10');
      const watch = await deployWatch(odoo, {});
      await watch.poll();
      const [first] = await create(['First']);
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [first]);
      // A transaction that started at :05 commits now, after the watch read :10.
      odoo.setClock('2031-03-01 10:00:05');
      const [late] = await create(['Committed late']);
      odoo.setClock('2031-03-01 10:00:11');
      const [after] = await create(['After']);
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [late, after]);
      await watch.poll();
      assert.deepEqual(watch.take(), [], 'not again');
    });

    it('reports a record created once with "both", even after a write dated before its creation', async function () {
      const watch = await deployWatch(odoo, {
        event: 'both',
        lookback: 5,
        fields: 'name',
        fieldsType: 'str',
      });
      await watch.poll();
      const events = async () => {
        await watch.poll();
        return watch.take().map((msg) => [msg.topic, (msg.payload as Record_).name]);
      };
      odoo.setClock('2031-03-01 12:00:10');
      const [x] = await create(['X']);
      assert.deepEqual(await events(), [['res.partner/created', 'X']]);
      // A transaction that started at :06, before X existed, writes X and commits now.
      odoo.setClock('2031-03-01 12:00:06');
      await rpc('res.partner', 'write', [[x], { name: 'X, written late' }]);
      assert.deepEqual(await events(), [['res.partner/updated', 'X, written late']]);
      odoo.setClock('2031-03-01 12:00:12');
      await create(['Y']);
      assert.deepEqual(await events(), [['res.partner/created', 'Y']]);
      odoo.setClock('2031-03-01 12:00:13');
      await rpc('res.partner', 'write', [[x], { name: 'X again' }]);
      assert.deepEqual(await events(), [['res.partner/updated', 'X again']]);
    });

    it('misses such a late commit without a look-back window (lookback 0)', async function () {
      odoo.setClock('2031-03-01 10:00:10');
      const watch = await deployWatch(odoo, { lookback: 0 });
      await watch.poll();
      await create(['First']);
      await watch.poll();
      watch.take();
      odoo.setClock('2031-03-01 10:00:05');
      await create(['Committed late']);
      await watch.poll();
      assert.deepEqual(watch.take(), []);
    });

    it('reads no record once lookback has passed since the last change (the server clock moves the window)', async function () {
      odoo.setClock('2031-03-01 10:00:00');
      const watch = await deployWatch(odoo, { lookback: 60, fields: 'name', fieldsType: 'str' });
      await watch.poll();
      await create(Array.from({ length: 300 }, (_, index) => `Burst ${index}`));
      await watch.poll();
      assert.equal(watch.take().length, 300);
      const rowsRead = async () => {
        odoo.resetCalls();
        await watch.poll();
        assert.deepEqual(watch.take(), [], 'a quiet poll sends nothing');
        return odoo.calls.reduce((sum, call) => sum + (call.rows ?? 0), 0);
      };
      odoo.setClock('2031-03-01 10:00:30');
      assert.equal(await rowsRead(), 300, 'within the window the burst is read again');
      odoo.setClock('2031-03-01 10:01:31');
      // The window of this poll starts 60 s before the previous one began: the burst once more.
      assert.equal(await rowsRead(), 300);
      assert.equal(await rowsRead(), 0, 'once the window has passed the cursor');
      assert.equal(await rowsRead(), 0);
      const state = await new Promise<{ seen: object; windowFrom: string }>((resolve) =>
        watch
          .node()
          .context()
          .get('watch', (_error: unknown, value: unknown) => resolve(value as never)),
      );
      assert.deepEqual(state.seen, {}, 'nothing left to tell apart');
      assert.equal(state.windowFrom, '2031-03-01 10:00:31');
      const [next] = await create(['After the quiet']);
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [next]);
    });

    it('looks back 180 s by default, past Odoo’s own 120 s limit on a request', async function () {
      odoo.setClock('2031-03-01 10:05:00');
      const watch = await deployWatch(odoo, { fields: 'name', fieldsType: 'str' });
      await watch.poll();
      const [first] = await create(['First']);
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [first]);
      // An import that ran for 150 s commits now.
      odoo.setClock('2031-03-01 10:02:30');
      const [late] = await create(['Imported over 150 s']);
      odoo.setClock('2031-03-01 10:05:01');
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [late]);
    });

    it('warns at deploy when its cursor is kept in memory only, not with a file store', async function () {
      const warnings = () =>
        helper
          .log()
          .args.map(([entry]) => entry)
          .filter((entry) => entry.level === 30 && entry.id === 'w1')
          .map((entry) => String(entry.msg));
      await deployWatch(odoo, {});
      assert.equal(warnings().length, 1);
      assert.match(warnings()[0], /odoo-watch\.warnings\.memory-context/);
      await helper.unload();
      await deployWatch(odoo, {}, fileStore());
      assert.deepEqual(warnings(), []);
    });

    it('survives a restart with a file context store: nothing missed, nothing repeated', async function () {
      // One second for every change: the order of delivery is the order of ids.
      odoo.setClock('2031-03-01 11:00:00');
      const store = fileStore();
      const first = await deployWatch(odoo, { fields: 'name', fieldsType: 'str' }, store);
      await first.poll();
      const [one, two] = await create(['One', 'Two']);
      await first.poll();
      assert.deepEqual(ids(first.take()), [one, two]);

      // Node-RED stops: the flows end, the stores write to disk, and memory is gone.
      await helper.clearFlows();
      await contextStores.close();
      contextStores.init({});
      await helper.unload();

      const [three] = await create(['Three, while Node-RED was down']);
      await rpc('res.partner', 'write', [[one], { name: 'One, changed while down' }]);

      const second = await deployWatch(odoo, { fields: 'name', fieldsType: 'str' }, store);
      await second.poll();
      assert.deepEqual(ids(second.take()), [one, three]);
      await second.poll();
      assert.deepEqual(second.take(), []);
    });

    it('keeps its cursor across a redeploy, and starts over for another model', async function () {
      const watch = await deployWatch(odoo, {}, { default: { module: 'memory' } });
      await watch.poll();
      const [kept] = await create(['Made before the redeploy']);
      await watch.redeploy({ name: 'renamed' });
      await watch.poll();
      assert.deepEqual(ids(watch.take()), [kept], 'continued where it stopped');

      await watch.redeploy({ model: 'sale.order' });
      await watch.poll();
      assert.deepEqual(watch.take(), [], 'a new model: from now on');
      await create(['Not an order']);
      await rpc('sale.order', 'write', [[1], { note: 'changed' }]);
      await watch.poll();
      assert.deepEqual(
        watch.take().map((msg) => [msg.topic, (msg.payload as Record_).id]),
        [['sale.order/updated', 1]],
      );
    });
  });

  describe('polling', function () {
    it('runs one poll at a time: input msgs during a poll share the next one', async function () {
      const watch = await deployWatch(odoo, {});
      await watch.poll();
      odoo.resetCalls();
      await Promise.all(['a', 'b', 'c'].map((tag) => watch.input(tag)));
      assert.equal(odoo.modelCalls('search_read'), 2, 'two polls, not three');
    });

    it('reports a failed poll to Catch nodes and keeps polling: server down, then back', async function () {
      this.timeout(20000);
      const watch = await deployWatch(odoo, { interval: 1 });
      await watch.poll();
      const [before] = await create(['Before the outage']);
      await watch.until(() => watch.outputs.length === 1);
      assert.deepEqual(ids(watch.take()), [before]);

      const statuses: { fill?: string; text?: string }[] = [];
      const spied = watch.node() as unknown as {
        on(event: 'call:status', listener: (call: { args: [{ fill?: string }] }) => void): void;
      };
      spied.on('call:status', (call) => statuses.push(call.args[0]));
      await odoo.stop();
      await watch.until(() => watch.errors.length >= 1);
      assert.equal(watch.errors[0].error.code, 'ODOO_NETWORK_ERROR');
      assert.ok(statuses.some((status) => status.fill === 'red'));

      await odoo.restart();
      const [after] = await create(['After the outage']);
      await watch.until(() => watch.outputs.length >= 1);
      assert.deepEqual(ids(watch.take()), [after], 'the timer polled again by itself');
      assert.equal(statuses[statuses.length - 1].fill, 'green');
    });

    it('stops its timer when closed', async function () {
      this.timeout(10000);
      const watch = await deployWatch(odoo, { interval: 1 });
      await watch.poll();
      await helper.clearFlows();
      const calls = odoo.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(odoo.calls.length, calls);
    });
  });

  describe('bad settings and input', function () {
    it('refuses an invalid domain with ODOO_INVALID_INPUT and sends nothing', async function () {
      const watch = await deployWatch(odoo, { domain: '["|", ["name", "=", "x"]]' });
      odoo.resetCalls();
      await watch.poll();
      assert.equal(watch.errors[watch.errors.length - 1].error.code, 'ODOO_INVALID_INPUT');
      assert.equal(odoo.modelCalls(), 0);
    });

    it('says what is wrong with an interval below one second, and does not poll', async function () {
      odoo.resetCalls();
      const watch = await deployWatch(odoo, { interval: 0.5 });
      await watch.poll();
      assert.match(watch.errors[0].error.message, /invalid-interval/);
      assert.equal(odoo.modelCalls(), 0);
    });

    it('needs a server', async function () {
      const watch = await deployWatch(odoo, { server: '' });
      await watch.poll();
      assert.match(watch.errors[0].error.message, /no Odoo server is configured/);
    });
  });
});
