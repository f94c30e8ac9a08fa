import assert from 'node:assert/strict';
import type { Node, NodeAPI } from 'node-red';
import type { CallRecord, StandIn } from './stand-in/server';
import {
  deploy,
  Deployed,
  errorOf,
  eventually,
  helper,
  payloadOf,
  Server,
  startOdoo,
  TRANSPORT,
} from './support/flow';
import { nodeRedModule } from './support/node-red';

// The core split/join module registers both nodes; it ships no typings.
const sequenceNodes = nodeRedModule<(RED: NodeAPI) => void>(
  '@node-red/nodes/core/sequence/17-split.js',
);

type Msg = Record<string, unknown> & { payload?: unknown; parts?: Record<string, unknown> };

/** A call's keyword arguments: execute_kw's kwargs, or JSON-2's named arguments. */
function keywordsOf(call: CallRecord): Record<string, unknown> {
  return call.named ?? (call.kwargs as Record<string, unknown> | undefined) ?? {};
}

/** The domain of a search, the ids of a read, the list of a create, on any transport. */
function firstArgumentOf(call: CallRecord): unknown {
  if (call.named) return call.named.domain ?? call.named.ids ?? call.named.vals_list;
  return (call.args as unknown[] | undefined)?.[0];
}
type Partner = { id: number; name: string };

/** What followed one input msg: outputs, the msgs n1 sent to a Join, errors, done() calls. */
interface Sequence {
  outputs: Msg[];
  parts: Msg[];
  errors: Msg[];
  completes: number;
}

const COMPLETE_AND_COLLECT = [
  {
    id: 'complete-n1',
    type: 'complete',
    z: 'tab',
    scope: ['n1'],
    uncaught: false,
    wires: [['collect-complete']],
  },
  { id: 'collect-complete', type: 'helper', z: 'tab' },
];

const JOIN = [
  { id: 'join1', type: 'join', z: 'tab', mode: 'auto', wires: [['collect-output']] },
  { id: 'collect-parts', type: 'helper', z: 'tab' },
];

/**
 * Sends one msg into n1 and collects what follows until n1 fails, or completes (and, with a Join
 * in the flow, the Join has answered).
 */
function runSequence(flow: Deployed, msg: Msg = {}): Promise<Sequence> {
  const result: Sequence = { outputs: [], parts: [], errors: [], completes: 0 };
  const joined = helper.getNode('join1') !== null;
  return new Promise((resolve) => {
    const check = () => {
      const finished = result.completes > 0 && (!joined || result.outputs.length > 0);
      if (finished || result.errors.length > 0) setImmediate(() => resolve(result));
    };
    const collect = (id: string, into: Msg[]) =>
      helper.getNode(id).on('input', (out: Record<string, unknown>) => {
        into.push(out as Msg);
        check();
      });
    collect('collect-output', result.outputs);
    collect('collect-error', result.errors);
    if (joined) collect('collect-parts', result.parts);
    helper.getNode('collect-complete').on('input', () => {
      result.completes++;
      check();
    });
    flow.node().receive(msg);
  });
}

describe(`odoo-search page by page, odoo-create in batches (${TRANSPORT})`, function () {
  let odoo: StandIn;
  let server: Server;

  const search = (props: object) => ({
    type: 'odoo-search',
    model: 'res.partner',
    modelType: 'str',
    fields: 'name',
    fieldsType: 'str',
    ...props,
  });

  /** What one unpaged call answers, straight from the stand-in. */
  const reference = (kwargs: Record<string, unknown> = {}, domain: unknown[] = []) =>
    odoo.execute('res.partner', 'search_read', [domain], {
      fields: ['name'],
      ...kwargs,
    }) as Partner[];
  const callsOf = (method: string) =>
    odoo.calls.filter((call) => call.modelMethod === method && !call.authentication);
  const limitsOf = (method: string) => callsOf(method).map((call) => keywordsOf(call).limit);

  before(async function () {
    odoo = await startOdoo();
  });

  beforeEach(function () {
    odoo.reset();
    server = { url: odoo.url, db: odoo.db, login: 'admin', apiKey: odoo.adminApiKey };
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    await odoo.close();
  });

  describe('split none: one msg with every row', function () {
    it('never asks for more than the page size in one call, following the ids', async function () {
      const expected = reference({ order: 'id' });
      assert.equal(expected.length, 36);
      const flow = await deploy(server, [search({ order: 'id', orderType: 'str', pageSize: 10 })]);
      assert.deepEqual(payloadOf(await flow.run()), expected);
      assert.deepEqual(limitsOf('search_read'), [10, 10, 10, 10]);
      const cursors = callsOf('search_read').map(firstArgumentOf);
      assert.deepEqual(cursors, [
        [],
        [['id', '>', expected[9].id]],
        [['id', '>', expected[19].id]],
        [['id', '>', expected[29].id]],
      ]);
      assert.equal(callsOf('search_count').length, 1, 'one search_count for the progress status');
    });

    it('follows the ids downwards for id desc', async function () {
      const expected = reference({ order: 'id desc' });
      const flow = await deploy(server, [
        search({ order: 'id desc', orderType: 'str', pageSize: '15' }),
      ]);
      assert.deepEqual(payloadOf(await flow.run()), expected);
      assert.deepEqual(firstArgumentOf(callsOf('search_read')[1]), [['id', '<', expected[14].id]]);
    });

    it("keeps the model's default order through a snapshot of the ids", async function () {
      const expected = reference();
      assert.notDeepEqual(
        expected.map((partner) => partner.id),
        [...expected.map((partner) => partner.id)].sort((a, b) => a - b),
        'the default order is not by id',
      );
      const flow = await deploy(server, [search({ pageSize: 10 })]);
      assert.deepEqual(payloadOf(await flow.run()), expected);
      assert.deepEqual(limitsOf('search_read'), [10]);
      assert.equal(callsOf('search').length, 1);
      assert.deepEqual(
        callsOf('read').map((call) => (firstArgumentOf(call) as number[]).length),
        [10, 10, 6],
      );
    });

    it('reads a small result in one call, as before', async function () {
      const flow = await deploy(server, [
        search({ domain: '[["is_company", "=", true]]', domainType: 'json' }),
      ]);
      assert.equal((payloadOf(await flow.run()) as unknown[]).length, 8);
      assert.equal(odoo.modelCalls(), 1);
      assert.equal(callsOf('search_read').length, 1);
    });

    it('pages ids as well: by id with the cursor, otherwise in one search', async function () {
      const ids = reference({ order: 'id' }).map((partner) => partner.id);
      const byId = await deploy(server, [
        search({ order: 'id', orderType: 'str', returns: 'ids', pageSize: 10 }),
      ]);
      assert.deepEqual(payloadOf(await byId.run()), ids);
      assert.deepEqual(limitsOf('search'), [10, 10, 10, 10]);
      await helper.unload();
      odoo.resetCalls();
      const byName = await deploy(server, [
        search({ order: 'name', orderType: 'str', returns: 'ids', pageSize: 10 }),
      ]);
      const expected = reference({ order: 'name' }).map((partner) => partner.id);
      assert.deepEqual(payloadOf(await byName.run()), expected);
      assert.equal(odoo.modelCalls(), 1);
    });

    it('applies the offset once and the limit to the whole read', async function () {
      const byId = await deploy(server, [
        search({
          order: 'id',
          orderType: 'str',
          offset: '3',
          offsetType: 'num',
          limit: '17',
          limitType: 'num',
          pageSize: 5,
        }),
      ]);
      assert.deepEqual(payloadOf(await byId.run()), reference({ order: 'id' }).slice(3, 20));
      assert.deepEqual(limitsOf('search_read'), [5, 5, 5, 2]);
      assert.deepEqual(
        callsOf('search_read').map((call) => keywordsOf(call).offset),
        [3, undefined, undefined, undefined],
      );
      await helper.unload();
      odoo.resetCalls();
      const byDefault = await deploy(server, [
        search({ offset: '3', offsetType: 'num', limit: '17', limitType: 'num', pageSize: 5 }),
      ]);
      assert.deepEqual(payloadOf(await byDefault.run()), reference().slice(3, 20));
      assert.deepEqual(
        callsOf('read').map((call) => (firstArgumentOf(call) as number[]).length),
        [5, 5, 2],
      );
    });

    it('sends a limit within the page size unchanged, in one call', async function () {
      const flow = await deploy(server, [
        search({ order: 'name', orderType: 'str', limit: '4', limitType: 'num', pageSize: 10 }),
      ]);
      assert.deepEqual(payloadOf(await flow.run()), reference({ order: 'name', limit: 4 }));
      const [call] = callsOf('search_read');
      const { fields, limit, order, offset } = keywordsOf(call);
      assert.deepEqual(
        { fields, limit, order, offset },
        { fields: ['name'], limit: 4, order: 'name', offset: undefined },
      );
      assert.equal(odoo.modelCalls(), 1);
    });

    it('leaves returns count as it was: one number, split ignored', async function () {
      const flow = await deploy(server, [search({ returns: 'count', split: 'record' })]);
      assert.equal(payloadOf(await flow.run()), 36);
    });
  });

  describe('split page and split record', function () {
    it('sends one msg per page with msg.parts, and a Join node rebuilds the array', async function () {
      const expected = reference({ order: 'id' });
      const flow = await deploy(
        server,
        [
          search({
            order: 'id',
            orderType: 'str',
            pageSize: 10,
            split: 'page',
            wires: [['join1', 'collect-parts']],
          }),
        ],
        [...JOIN, ...COMPLETE_AND_COLLECT],
        [sequenceNodes],
      );
      const { outputs, parts: pages } = await runSequence(flow, { topic: 'partners' });
      assert.equal(outputs.length, 1);
      assert.deepEqual(outputs[0].payload, expected);
      assert.equal(outputs[0].topic, 'partners');
      assert.equal(outputs[0].parts, undefined);
      assert.deepEqual(
        pages.map((page) => (page.payload as unknown[]).length),
        [10, 10, 10, 6],
      );
      const partsId = pages[0].parts?.id;
      assert.equal(typeof partsId, 'string');
      assert.deepEqual(
        pages.map((page) => page.parts),
        [0, 1, 2, 3].map((index) => ({
          id: partsId,
          type: 'array',
          index,
          len: 10,
          ...(index === 3 ? { count: 4 } : {}),
        })),
      );
      assert.ok(pages.every((page) => page.topic === 'partners'));
    });

    it('sends one msg per record, each a copy of the input msg, and Join rebuilds it', async function () {
      const expected = reference();
      const outer = { id: 'upstream', index: 2, count: 3 };
      const flow = await deploy(
        server,
        [search({ pageSize: 7, split: 'record', wires: [['join1', 'collect-parts']] })],
        [...JOIN, ...COMPLETE_AND_COLLECT],
        [sequenceNodes],
      );
      const input = { topic: 't', keep: { deep: [1] }, parts: outer };
      const { outputs, parts: records, completes } = await runSequence(flow, input);
      assert.equal(outputs.length, 1);
      assert.deepEqual(outputs[0].payload, expected);
      assert.deepEqual(outputs[0].parts, outer);
      assert.deepEqual(outputs[0].keep, { deep: [1] });
      assert.deepEqual(
        records.map((out) => out.payload),
        expected,
      );
      assert.deepEqual(
        records.map((out) => out.parts?.index),
        expected.map((_, index) => index),
      );
      assert.ok(records.slice(0, 35).every((out) => !('count' in (out.parts ?? {}))));
      assert.equal(records[35].parts?.count, 36);
      assert.ok(records.every((out) => out.parts?.len === 1 && out.parts.type === 'array'));
      assert.ok(records.every((out) => JSON.stringify(out.parts?.parts) === JSON.stringify(outer)));
      assert.ok(records.every((out) => out.topic === 't'));
      records[0].keep = 'changed';
      assert.deepEqual(records[1].keep, { deep: [1] }, 'each msg is its own copy');
      assert.equal(completes, 1, 'done() once for the input msg');
    });

    it('sends nothing for an empty result, and completes once', async function () {
      const flow = await deploy(
        server,
        [search({ domain: '[["id", "<", 0]]', domainType: 'json', split: 'record' })],
        COMPLETE_AND_COLLECT,
      );
      const { outputs, errors, completes } = await runSequence(flow);
      assert.deepEqual([outputs.length, errors.length, completes], [0, 0, 1]);
    });

    it('neither skips nor repeats when records are added and removed during an id-ordered read', async function () {
      const { first } = odoo.seedPartners(40);
      const domain = [['id', '>=', first]];
      const before = reference({ order: 'id' }, domain);
      let added = 0;
      odoo.onCall((call) => {
        if (call.modelMethod !== 'search_read' || callsOf('search_read').length !== 2) return;
        odoo.execute('res.partner', 'unlink', [[before[0].id, before[1].id, before[20].id]]);
        added = odoo.execute('res.partner', 'create', [{ name: 'Late arrival' }]) as number;
      });
      const flow = await deploy(
        server,
        [search({ domain: JSON.stringify(domain), order: 'id', pageSize: 5, split: 'record' })],
        COMPLETE_AND_COLLECT,
      );
      const { outputs, completes } = await runSequence(flow);
      const expected = [
        ...before.filter((partner) => partner.id !== before[20].id),
        { id: added, name: 'Late arrival' },
      ];
      assert.deepEqual(
        outputs.map((out) => out.payload),
        expected,
      );
      assert.equal(outputs.at(-1)?.parts?.count, expected.length);
      assert.equal(completes, 1);
    });

    it('neither skips nor repeats when records change during a read in another order', async function () {
      const { first } = odoo.seedPartners(40);
      const domain = [['id', '>=', first]];
      const before = reference({ order: 'name' }, domain);
      odoo.onCall((call) => {
        if (call.modelMethod === 'search') {
          odoo.execute('res.partner', 'unlink', [[before[0].id, before[3].id]]);
        }
        if (call.modelMethod === 'read' && callsOf('read').length === 1) {
          odoo.execute('res.partner', 'unlink', [[before[30].id]]);
          odoo.execute('res.partner', 'create', [{ name: 'AAA added during the read' }]);
        }
      });
      const flow = await deploy(
        server,
        [search({ domain: JSON.stringify(domain), order: 'name', pageSize: 5, split: 'page' })],
        COMPLETE_AND_COLLECT,
      );
      const { outputs, completes } = await runSequence(flow);
      const sent = outputs.flatMap((out) => out.payload as Partner[]);
      assert.deepEqual(
        sent,
        before.filter((partner) => partner.id !== before[30].id),
      );
      assert.equal(completes, 1);
    });

    it('reports a failure after some pages with what was already sent, once', async function () {
      odoo.onCall((call) => {
        if (call.modelMethod === 'search_read' && callsOf('search_read').length === 3) {
          odoo.revokeApiKey(odoo.adminApiKey);
        }
      });
      const flow = await deploy(
        server,
        [search({ order: 'id', orderType: 'str', pageSize: 5, split: 'record' })],
        COMPLETE_AND_COLLECT,
      );
      const { outputs, errors, completes } = await runSequence(flow, { topic: 'mine' });
      // The call that meets the revoked key is the third or, where Odoo checks the key before the
      // stand-in sees the call (JSON-2), the fourth; pages are read one ahead of those sent.
      const sent = outputs.length;
      assert.ok(sent === 5 || sent === 10, `${sent} records sent`);
      assert.equal(errors.length, 1);
      assert.equal(completes, 0);
      const error = errors[0].error as { code: string; message: string; cause: Msg };
      assert.equal(error.code, 'ODOO_ACCESS_DENIED');
      assert.equal(error.cause.sent, sent);
      assert.equal(error.cause.partsId, outputs[0].parts?.id);
      assert.ok(outputs.every((out) => out.parts?.id === error.cause.partsId));
      assert.match(error.message, /^Odoo refused the (login|API key of) "admin"/);
      assert.match(
        error.message,
        new RegExp(
          `${sent} records had already been sent in ${sent} messages with msg\\.parts\\.id`,
        ),
      );
      assert.equal(errors[0].topic, 'mine');
    });

    it('stops reading when the node is closed in the middle of a read', async function () {
      for (const split of ['record', 'none']) {
        odoo.resetCalls();
        const flow = await deploy(server, [
          search({ order: 'id', orderType: 'str', pageSize: 2, split }),
        ]);
        const node = flow.node() as Node & { close(removed: boolean): Promise<void> };
        odoo.onCall((call) => {
          if (call.modelMethod === 'search_read' && callsOf('search_read').length === 2) {
            setImmediate(() => void node.close(true));
          }
        });
        node.receive({});
        await new Promise((resolve) => setTimeout(resolve, 200));
        odoo.onCall(undefined);
        const pages = callsOf('search_read').length;
        assert.ok(
          pages >= 2 && pages <= 4,
          `${split}: ${pages} search_read calls, 19 for the whole read`,
        );
        await helper.unload();
      }
    });

    it('refuses a bad page size or split before sending anything', async function () {
      const cases: [object, RegExp][] = [
        [{ pageSize: 0 }, /pageSize must be a whole number from 1/],
        [{ pageSize: '10 rows' }, /pageSize must be a whole number from 1.*\(got "10 rows"\)/],
        [{ pageSize: -5 }, /pageSize must be a whole number from 1/],
        [{ split: 'rows' }, /split must be "none", "page" or "record" \(got "rows"\)/],
      ];
      for (const [props, message] of cases) {
        const flow = await deploy(server, [search(props)]);
        const error = errorOf(await flow.run());
        assert.equal(error.code, 'ODOO_INVALID_INPUT');
        assert.match(error.message, message);
        await helper.unload();
      }
      assert.equal(odoo.calls.length, 0);
    });

    it('shows the progress in the status while reading page by page', async function () {
      // A slow page, so that the progress is on show longer than a status lasts (250 ms).
      odoo.injectFault({ method: 'search_read', fault: { kind: 'delay', ms: 400 }, times: 3 });
      const flow = await deploy(
        server,
        [search({ order: 'id', orderType: 'str', pageSize: 5, split: 'record' })],
        [
          ...COMPLETE_AND_COLLECT,
          { id: 'status1', type: 'status', z: 'tab', scope: ['n1'], wires: [['collect-status']] },
          { id: 'collect-status', type: 'helper', z: 'tab' },
        ],
      );
      const texts: string[] = [];
      helper
        .getNode('collect-status')
        .on('input', (msg: Record<string, unknown>) =>
          texts.push((msg.status as { text: string }).text),
        );
      await runSequence(flow);
      // The test runtime has no message catalogs: the keys show which texts were chosen.
      const expected =
        /status\.requesting \| [^|]*status\.progress(-open)? \| .*status\.records · (xmlrpc|jsonrpc|json2)$/;
      await eventually(() => expected.test(texts.join(' | ')), texts.join(' | '));
    });
  });

  describe('odoo-create batchSize', function () {
    const create = (props: object) => ({
      type: 'odoo-create',
      model: 'res.partner',
      modelType: 'str',
      ...props,
    });
    const people = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ name: `Batch person ${index}` }));
    const createSizes = () =>
      callsOf('create').map((call) => (firstArgumentOf(call) as unknown[]).length);

    it('creates a list in batches and answers the ids in input order', async function () {
      const flow = await deploy(server, [create({ batchSize: '4' })]);
      const ids = payloadOf(await flow.run({ payload: people(10) })) as number[];
      assert.equal(ids.length, 10);
      assert.deepEqual(createSizes(), [4, 4, 2]);
      const names = odoo.execute('res.partner', 'read', [ids, ['name']]) as Partner[];
      assert.deepEqual(
        names.map((partner) => partner.name),
        people(10).map((person) => person.name),
      );
    });

    it('sends the whole list in one call without a batch size, or when it fits', async function () {
      for (const props of [{}, { batchSize: 0 }, { batchSize: 10 }]) {
        odoo.resetCalls();
        const flow = await deploy(server, [create(props)]);
        assert.equal((payloadOf(await flow.run({ payload: people(10) })) as number[]).length, 10);
        assert.deepEqual(createSizes(), [10]);
        await helper.unload();
      }
      const single = await deploy(server, [create({ batchSize: 2 })]);
      assert.equal(typeof payloadOf(await single.run({ payload: { name: 'One' } })), 'number');
    });

    it('names the ids already created when a batch fails, and sends no later batch', async function () {
      const list = people(10);
      delete (list[5] as { name?: string }).name;
      (list[5] as Record<string, unknown>).email = 'no-name@example.com';
      const flow = await deploy(server, [create({ batchSize: 4 })]);
      const outcome = await flow.run({ payload: list, topic: 'import' });
      const error = errorOf(outcome);
      assert.equal(error.code, 'ODOO_USER_ERROR');
      assert.match(
        error.message,
        /^The operation cannot be completed: Contacts require a name \(batch 2 of 3 failed; the 4 records before it were created/,
      );
      const cause = error.cause as { createdIds: number[]; faultCode: number };
      assert.equal(cause.faultCode, 2);
      assert.equal(cause.createdIds.length, 4);
      const created = odoo.execute(
        'res.partner',
        'search_read',
        [[['name', 'like', 'Batch person']]],
        {
          fields: ['name'],
          order: 'id',
        },
      ) as Partner[];
      assert.deepEqual(
        created.map((partner) => partner.id),
        cause.createdIds,
      );
      assert.deepEqual(
        created.map((partner) => partner.name),
        list.slice(0, 4).map((person) => person.name),
      );
      assert.deepEqual(createSizes(), [4, 4]);
      assert.equal(outcome.error?.topic, 'import');
    });

    it('refuses a bad batch size before sending anything', async function () {
      const flow = await deploy(server, [create({ batchSize: 'some' })]);
      const error = errorOf(await flow.run({ payload: people(3) }));
      assert.equal(error.code, 'ODOO_INVALID_INPUT');
      assert.match(error.message, /batchSize must be a whole number: 0 for one call/);
      assert.equal(odoo.modelCalls(), 0);
    });
  });
});
