import assert from 'node:assert/strict';
import type { NodeStatus } from 'node-red';
import type { StandIn } from './stand-in/server';
import {
  deploy,
  eventually,
  helper,
  payloadOf,
  Server,
  startOdoo,
  TRANSPORT,
} from './support/flow';

describe(`action nodes against the stand-in Odoo (${TRANSPORT})`, function () {
  let odoo: StandIn;
  let server: Server;

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

  describe('odoo-search', function () {
    const search = (props: object) => ({
      type: 'odoo-search',
      model: 'res.partner',
      modelType: 'str',
      ...props,
    });

    it('returns records with the chosen fields (search_read), many2one as [id, name]', async function () {
      const flow = await deploy(server, [
        search({
          domain: '[["is_company", "=", true]]',
          domainType: 'json',
          fields: '["name", "country_id", "category_id"]',
          fieldsType: 'json',
          order: 'id',
          orderType: 'str',
          returns: 'records',
        }),
      ]);
      const records = payloadOf(await flow.run()) as Record<string, unknown>[];
      assert.equal(records.length, 8);
      assert.deepEqual(Object.keys(records[0]).sort(), ['category_id', 'country_id', 'id', 'name']);
      assert.deepEqual(records[0], {
        id: 1,
        name: 'YourCompany',
        country_id: [233, 'United States'],
        category_id: [],
      });
      assert.equal(odoo.modelCalls('search_read'), 1);
    });

    it('returns ids (search) and ignores fields, which Odoo search refuses', async function () {
      const flow = await deploy(server, [
        search({
          domain: '[["is_company", "=", true]]',
          domainType: 'json',
          fields: '["name"]',
          fieldsType: 'json',
          limit: '5',
          limitType: 'num',
          order: 'id',
          orderType: 'str',
          returns: 'ids',
        }),
      ]);
      assert.deepEqual(payloadOf(await flow.run()), [1, 9, 10, 11, 12]);
      assert.equal(odoo.modelCalls('search'), 1);
    });

    it('returns a count (search_count)', async function () {
      const flow = await deploy(server, [
        search({ domain: '[["is_company", "=", true]]', domainType: 'json', returns: 'count' }),
      ]);
      assert.equal(payloadOf(await flow.run()), 8);
      assert.equal(odoo.modelCalls('search_count'), 1);
    });

    it('sends limit, offset and order to Odoo', async function () {
      const all = await deploy(server, [
        search({ order: 'name desc', orderType: 'str', returns: 'ids' }),
      ]);
      const every = payloadOf(await all.run()) as number[];
      await helper.unload();
      const page = await deploy(server, [
        search({
          order: 'name desc',
          orderType: 'str',
          limit: '3',
          limitType: 'num',
          offset: '2',
          offsetType: 'num',
          returns: 'ids',
        }),
      ]);
      assert.deepEqual(payloadOf(await page.run()), every.slice(2, 5));
    });

    it('treats an empty limit as no limit and applies the default domain []', async function () {
      const flow = await deploy(server, [
        { type: 'odoo-search', model: 'res.partner', returns: 'count' },
      ]);
      assert.equal(payloadOf(await flow.run()), 36);
    });

    it('merges the context into the call (active_test false includes archived records)', async function () {
      const flow = await deploy(server, [
        search({ context: '{"active_test": false}', contextType: 'json', returns: 'count' }),
      ]);
      assert.equal(payloadOf(await flow.run()), 40);
    });

    it('leaves the rest of the msg untouched', async function () {
      const flow = await deploy(server, [search({ returns: 'count' })]);
      const outcome = await flow.run({ topic: 'partners', keep: { deep: [1, 2] } });
      assert.equal(outcome.output?.topic, 'partners');
      assert.deepEqual(outcome.output?.keep, { deep: [1, 2] });
    });

    it('shows the result and the transport that carried it in the status', async function () {
      const flow = await deploy(server, [search({ returns: 'count' })]);
      const statuses: { fill?: string; text?: string }[] = [];
      const node = flow.node() as unknown as {
        on(
          event: 'call:status',
          listener: (call: { args: [{ fill?: string; text?: string }] }) => void,
        ): void;
      };
      node.on('call:status', (call) => statuses.push(call.args[0]));
      payloadOf(await flow.run());
      await eventually(
        () => statuses.some((status) => status.fill === 'green'),
        'a success status',
      );
      const success = statuses.find((status) => status.fill === 'green');
      const expected = new RegExp(`· ${TRANSPORT}$`);
      assert.match(success?.text ?? '', expected);
    });

    it('changes its status at most four times a second under load, and ends on the last result', async function () {
      const flow = await deploy(server, [search({ returns: 'count' })]);
      const shown: { text?: string; at: number }[] = [];
      const node = flow.node();
      const status = node.status.bind(node);
      node.status = (value: string | NodeStatus) => {
        shown.push({ ...(value as NodeStatus), at: performance.now() });
        status(value);
      };
      for (let round = 0; round < 3; round++) {
        const outcomes = await flow.runAll(Array.from({ length: 100 }, () => ({})));
        for (const outcome of outcomes) payloadOf(outcome);
      }
      // The test runtime has no message catalogs: the key shows which text was chosen.
      const last = new RegExp(`status\\.count · ${TRANSPORT}$`);
      await eventually(() => last.test(shown.at(-1)?.text ?? ''), 'the last result');
      assert.ok(shown.length < 300, `${shown.length} statuses for 300 messages`);
      for (let index = 1; index < shown.length; index++) {
        const gap = shown[index].at - shown[index - 1].at;
        assert.ok(gap >= 245, `status ${index} came ${gap.toFixed(1)} ms after the one before`);
      }
    });
  });

  describe('odoo-read', function () {
    it('reads ids from msg.payload by default (an integer or an array)', async function () {
      const flow = await deploy(server, [
        {
          type: 'odoo-read',
          model: 'res.partner',
          fields: '["name", "parent_id"]',
          fieldsType: 'json',
        },
      ]);
      assert.deepEqual(payloadOf(await flow.run({ payload: [1, 2] })), [
        { id: 1, name: 'YourCompany', parent_id: false },
        { id: 2, name: 'OdooBot', parent_id: false },
      ]);
      assert.deepEqual(payloadOf(await flow.run({ payload: 1 })), [
        { id: 1, name: 'YourCompany', parent_id: false },
      ]);
    });

    it('answers [] for ids that no longer exist, as Odoo 17 does', async function () {
      const flow = await deploy(server, [
        { type: 'odoo-read', model: 'res.partner', fields: '["name"]', fieldsType: 'json' },
      ]);
      assert.deepEqual(payloadOf(await flow.run({ payload: [999999] })), []);
    });
  });

  describe('odoo-create', function () {
    it('creates one record from msg.payload and answers its id', async function () {
      const flow = await deploy(server, [{ type: 'odoo-create', model: 'res.partner' }]);
      const id = payloadOf(
        await flow.run({ payload: { name: 'Wire Single', email: 'single@example.com' } }),
      );
      assert.equal(typeof id, 'number');
      const row = odoo.records('res.partner').find((record) => record.id === id);
      assert.equal(row?.email, 'single@example.com');
    });

    it('creates several records in one call and answers their ids in order', async function () {
      const flow = await deploy(server, [{ type: 'odoo-create', model: 'res.partner' }]);
      odoo.resetCalls();
      const ids = payloadOf(
        await flow.run({ payload: [{ name: 'One' }, { name: 'Two' }] }),
      ) as number[];
      assert.equal(ids.length, 2);
      assert.equal(odoo.modelCalls('create'), 1);
      const names = ids.map((id) => odoo.records('res.partner').find((r) => r.id === id)?.name);
      assert.deepEqual(names, ['One', 'Two']);
    });

    it('sends Buffers as base64 text and Dates as Odoo UTC strings', async function () {
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      );
      const flow = await deploy(server, [{ type: 'odoo-create', model: 'sale.order' }]);
      const id = payloadOf(
        await flow.run({
          payload: { partner_id: 10, date_order: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)) },
        }),
      );
      const order = odoo.records('sale.order').find((r) => r.id === id);
      assert.equal(order?.date_order, '2030-01-02 03:04:05');
      await helper.unload();

      const partner = await deploy(server, [{ type: 'odoo-create', model: 'res.partner' }]);
      const partnerId = payloadOf(
        await partner.run({ payload: { name: 'Logo', image_1920: png } }),
      );
      const row = odoo.records('res.partner').find((r) => r.id === partnerId);
      assert.equal(row?.image_1920, png.toString('base64'));
    });
  });

  describe('odoo-write', function () {
    it('takes ids from msg.ids and values from msg.payload, answers true', async function () {
      const flow = await deploy(server, [{ type: 'odoo-write', model: 'res.partner' }]);
      const outcome = await flow.run({ ids: [9, 10], payload: { phone: '+1 555 0100' } });
      assert.equal(payloadOf(outcome), true);
      const phones = odoo
        .records('res.partner')
        .filter((r) => r.id === 9 || r.id === 10)
        .map((r) => r.phone);
      assert.deepEqual(phones, ['+1 555 0100', '+1 555 0100']);
    });
  });

  describe('odoo-delete', function () {
    it('unlinks the ids in msg.payload and answers true', async function () {
      const create = await deploy(server, [{ type: 'odoo-create', model: 'res.partner' }]);
      const ids = payloadOf(
        await create.run({ payload: [{ name: 'Gone 1' }, { name: 'Gone 2' }] }),
      ) as number[];
      await helper.unload();
      const flow = await deploy(server, [{ type: 'odoo-delete', model: 'res.partner' }]);
      assert.equal(payloadOf(await flow.run({ payload: ids })), true);
      assert.equal(odoo.modelCalls('unlink'), 1);
      assert.deepEqual(
        odoo.records('res.partner').filter((r) => ids.includes(r.id as number)),
        [],
      );
    });
  });

  describe('odoo-execute', function () {
    const execute = (props: object) => ({
      type: 'odoo-execute',
      modelType: 'str',
      methodType: 'str',
      ...props,
    });

    it('calls a business method (sale.order action_confirm)', async function () {
      const flow = await deploy(server, [
        execute({ model: 'sale.order', method: 'action_confirm', args: '[[3]]', argsType: 'json' }),
      ]);
      assert.equal(payloadOf(await flow.run()), true);
      assert.equal(odoo.records('sale.order').find((r) => r.id === 3)?.state, 'sale');
    });

    it('answers null for a method that returns nothing, which Odoo committed anyway', async function () {
      const flow = await deploy(server, [
        execute({
          model: 'res.partner',
          method: 'action_archive',
          args: '[[9]]',
          argsType: 'json',
        }),
      ]);
      assert.equal(payloadOf(await flow.run()), null);
      assert.equal(odoo.records('res.partner').find((r) => r.id === 9)?.active, false);
    });

    it('passes kwargs and merges the context over kwargs.context', async function () {
      const flow = await deploy(server, [
        execute({
          model: 'res.partner',
          method: 'search_count',
          args: '[[]]',
          argsType: 'json',
          kwargs: '{"context": {"lang": "en_US", "active_test": true}}',
          kwargsType: 'json',
          context: '{"active_test": false}',
          contextType: 'json',
        }),
      ]);
      assert.equal(payloadOf(await flow.run()), 40);
    });

    it('answers name_search pairs', async function () {
      const flow = await deploy(server, [
        execute({
          model: 'res.partner',
          method: 'name_search',
          args: '["Deco"]',
          argsType: 'json',
        }),
      ]);
      const pairs = payloadOf(await flow.run()) as [number, string][];
      assert.deepEqual(pairs[0], [10, 'Deco Addict']);
      assert.ok(pairs.every(([, name]) => name.startsWith('Deco Addict')));
    });
  });
});
