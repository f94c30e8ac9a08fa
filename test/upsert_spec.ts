import assert from 'node:assert/strict';
import type { NodeStatus } from 'node-red';
import type { StandIn } from './stand-in/server';
import {
  deploy,
  errorOf,
  eventually,
  helper,
  payloadOf,
  Server,
  startOdoo,
  TRANSPORT,
} from './support/flow';

interface Outcome {
  id: number;
  action: string;
  key: unknown;
}

describe(`odoo-upsert against the stand-in Odoo (${TRANSPORT})`, function () {
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

  const upsert = (props: object = {}) => ({
    type: 'odoo-upsert',
    model: 'res.partner',
    modelType: 'str',
    match: 'ref',
    matchType: 'str',
    ...props,
  });

  const partnersWithRef = (ref: string) =>
    odoo.records('res.partner').filter((partner) => partner.ref === ref);

  /** Model calls other than the cached fields_get, by method. */
  const callsByMethod = () => {
    const counts: Record<string, number> = {};
    for (const call of odoo.calls) {
      const method = call.modelMethod;
      if (!method || call.authentication || method === 'fields_get') continue;
      const name = `${call.model}.${method}`;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  };

  describe('by a field', function () {
    it('creates the new, updates the changed and leaves the unchanged unwritten, in few calls', async function () {
      const [existing] = odoo.execute('res.partner', 'create', [
        [{ name: 'Kept', ref: 'K1', email: 'kept@example.com' }],
      ]) as number[];
      const [changing] = odoo.execute('res.partner', 'create', [
        [{ name: 'Old name', ref: 'K2' }],
      ]) as number[];
      const writeDate = odoo.records('res.partner').find((row) => row.id === existing)!.write_date;
      const flow = await deploy(server, [upsert()]);
      const statuses: NodeStatus[] = [];
      const node = flow.node() as unknown as {
        on(event: 'call:status', listener: (call: { args: [NodeStatus] }) => void): void;
      };
      node.on('call:status', (call) => statuses.push(call.args[0]));
      odoo.resetCalls();

      const outcomes = payloadOf(
        await flow.run({
          payload: [
            { ref: 'K1', name: 'Kept', email: 'kept@example.com' },
            { ref: 'N1', name: 'New one' },
            { ref: 'K2', name: 'New name' },
            { ref: 'N2', name: 'New two', category_id: [1, 2] },
          ],
        }),
      ) as Outcome[];

      assert.deepEqual(
        outcomes.map(({ action, key }) => [action, key]),
        [
          ['unchanged', 'K1'],
          ['created', 'N1'],
          ['updated', 'K2'],
          ['created', 'N2'],
        ],
      );
      assert.equal(outcomes[0].id, existing);
      assert.equal(outcomes[2].id, changing);
      assert.deepEqual(partnersWithRef('N2')[0].category_id, [1, 2]);
      assert.equal(partnersWithRef('K2')[0].name, 'New name');
      assert.equal(
        odoo.records('res.partner').find((row) => row.id === existing)!.write_date,
        writeDate,
        'the unchanged record was not written',
      );
      assert.deepEqual(callsByMethod(), {
        'res.partner.search_read': 1,
        'res.partner.create': 1,
        'res.partner.write': 1,
      });
      const write = odoo.calls.find((call) => call.modelMethod === 'write')!;
      const sent = write.args ?? [write.named?.ids, write.named?.vals];
      assert.deepEqual(sent, [[changing], { name: 'New name' }], 'only what differs');
      await eventually(
        () => statuses.some((status) => status.fill === 'green'),
        'a success status (its text in each language: status-language_spec)',
      );
    });

    it('writes every existing record with skipUnchanged off', async function () {
      odoo.execute('res.partner', 'create', [[{ name: 'Same', ref: 'S1' }]]);
      const flow = await deploy(server, [upsert({ skipUnchanged: false })]);
      const outcome = payloadOf(await flow.run({ payload: { ref: 'S1', name: 'Same' } }));
      assert.equal((outcome as Outcome).action, 'updated');
      assert.equal(odoo.modelCalls('write'), 1);
    });

    it('answers one object for one object, and finds archived records instead of duplicating them', async function () {
      const [archived] = odoo.execute('res.partner', 'create', [
        [{ name: 'Archived', ref: 'A1', active: false }],
      ]) as number[];
      const flow = await deploy(server, [upsert()]);
      const outcome = payloadOf(await flow.run({ payload: { ref: 'A1', name: 'Archived again' } }));
      assert.deepEqual(outcome, { id: archived, action: 'updated', key: 'A1' });
      assert.equal(partnersWithRef('A1').length, 1);
    });

    it('matches several fields together, a many2one part may be false', async function () {
      const [withCompany] = odoo.execute('res.partner', 'create', [
        [{ name: 'In company', ref: 'M1', parent_id: 1 }],
      ]) as number[];
      const [alone] = odoo.execute('res.partner', 'create', [
        [{ name: 'Alone', ref: 'M1' }],
      ]) as number[];
      const flow = await deploy(server, [
        upsert({ match: '["parent_id", "ref"]', matchType: 'json' }),
      ]);
      const outcomes = payloadOf(
        await flow.run({
          payload: [
            { parent_id: 1, ref: 'M1', name: 'In company' },
            { parent_id: false, ref: 'M1', name: 'Alone, renamed' },
            { parent_id: 3, ref: 'M1', name: 'Elsewhere' },
          ],
        }),
      ) as Outcome[];
      assert.deepEqual(
        outcomes.map(({ id, action }) => [id === withCompany, id === alone, action]),
        [
          [true, false, 'unchanged'],
          [false, true, 'updated'],
          [false, false, 'created'],
        ],
      );
      assert.deepEqual(outcomes[1].key, { parent_id: false, ref: 'M1' });
      assert.equal(partnersWithRef('M1').length, 3);
    });

    it('compares to-many values as the ids they leave: a list, [6, 0, ids], [4, id] and [3, id]', async function () {
      const [tagged] = odoo.execute('res.partner', 'create', [
        [{ name: 'Tagged', ref: 'T1', category_id: [[6, 0, [1, 2]]] }],
      ]) as number[];
      const flow = await deploy(server, [upsert()]);
      const actions = async (category_id: unknown) =>
        (payloadOf(await flow.run({ payload: { ref: 'T1', category_id } })) as Outcome).action;
      assert.equal(await actions([2, 1]), 'unchanged');
      assert.equal(await actions([[6, 0, [1, 2]]]), 'unchanged');
      assert.equal(await actions([[4, 1]]), 'unchanged');
      assert.equal(await actions([[3, 3]]), 'unchanged');
      assert.equal(await actions([[4, 3]]), 'updated');
      assert.deepEqual(
        odoo.records('res.partner').find((row) => row.id === tagged)!.category_id,
        [1, 2, 3],
      );
      assert.equal(await actions([[3, 1]]), 'updated');
      assert.deepEqual(
        odoo.records('res.partner').find((row) => row.id === tagged)!.category_id,
        [2, 3],
      );
    });

    it('goes in batches: one lookup and one create per batch, progress in the status', async function () {
      const flow = await deploy(server, [upsert({ batchSize: 10 })]);
      const payload = Array.from({ length: 35 }, (_, index) => ({
        ref: `B${index}`,
        name: `Batch ${index}`,
      }));
      const outcomes = payloadOf(await flow.run({ payload })) as Outcome[];
      assert.equal(outcomes.length, 35);
      assert.ok(outcomes.every((outcome, index) => outcome.key === `B${index}`));
      assert.deepEqual(callsByMethod(), {
        'res.partner.search_read': 4,
        'res.partner.create': 4,
      });
      odoo.resetCalls();
      payload[7].name = 'Changed';
      const again = payloadOf(await flow.run({ payload })) as Outcome[];
      assert.deepEqual(
        again.filter((outcome) => outcome.action !== 'unchanged').map((outcome) => outcome.key),
        ['B7'],
      );
      assert.deepEqual(callsByMethod(), {
        'res.partner.search_read': 4,
        'res.partner.write': 1,
      });
    });

    it('sends records with the same changes in one write', async function () {
      odoo.execute('res.partner', 'create', [
        [
          { name: 'One', ref: 'W1', comment: false },
          { name: 'Two', ref: 'W2', comment: false },
        ],
      ]);
      const flow = await deploy(server, [upsert()]);
      await flow.run({
        payload: [
          { ref: 'W1', comment: 'VIP' },
          { ref: 'W2', comment: 'VIP' },
        ],
      });
      assert.equal(odoo.modelCalls('write'), 1);
    });

    it('finds an integer key given as text, instead of creating a second record', async function () {
      const [product] = odoo.execute('product.product', 'search', [[]], { limit: 1 }) as number[];
      const flow = await deploy(server, [
        upsert({ model: 'product.product', match: 'id', skipUnchanged: true }),
      ]);
      const outcome = payloadOf(await flow.run({ payload: { id: String(product) } })) as Outcome;
      assert.equal(outcome.id, product);
      assert.equal(outcome.action, 'unchanged');
    });
  });

  describe('by External ID', function () {
    it('creates records with their External IDs, finds them by it on the next run', async function () {
      const flow = await deploy(server, [upsert({ match: 'externalId' })]);
      const first = payloadOf(
        await flow.run({
          payload: [
            { externalId: 'shop.customer_1', name: 'Customer 1' },
            { externalId: 'customer_2', name: 'Customer 2' },
            { externalId: 'base.main_partner', name: 'YourCompany' },
          ],
        }),
      ) as Outcome[];
      assert.deepEqual(
        first.map(({ action, key }) => [action, key]),
        [
          ['created', 'shop.customer_1'],
          ['created', '__import__.customer_2'],
          ['unchanged', 'base.main_partner'],
        ],
      );
      assert.equal(first[2].id, 1);
      const registered = odoo
        .records('ir.model.data')
        .filter((entry) => entry.model === 'res.partner' && entry.module !== 'base');
      assert.deepEqual(
        registered.map(({ module, name, res_id }) => [module, name, res_id]),
        [
          ['shop', 'customer_1', first[0].id],
          ['__import__', 'customer_2', first[1].id],
        ],
      );
      assert.equal(
        odoo.records('res.partner').some((partner) => 'externalId' in partner),
        false,
      );

      odoo.resetCalls();
      const second = payloadOf(
        await flow.run({
          payload: [
            { externalId: 'shop.customer_1', name: 'Customer 1' },
            { externalId: '__import__.customer_2', name: 'Customer Two' },
          ],
        }),
      ) as Outcome[];
      assert.deepEqual(
        second.map(({ id, action }) => [id, action]),
        [
          [first[0].id, 'unchanged'],
          [first[1].id, 'updated'],
        ],
      );
      assert.deepEqual(callsByMethod(), {
        'ir.model.data.search_read': 1,
        'res.partner.search_read': 1,
        'res.partner.write': 1,
      });
    });

    it('creates the record again when its External ID outlived it', async function () {
      const flow = await deploy(server, [upsert({ match: 'externalId' })]);
      const [first] = payloadOf(
        await flow.run({ payload: [{ externalId: 'shop.gone', name: 'Gone' }] }),
      ) as Outcome[];
      odoo.execute('res.partner', 'unlink', [[first.id]]);
      assert.equal(
        odoo.records('ir.model.data').some((entry) => entry.name === 'gone'),
        false,
        'Odoo deletes the External IDs of a deleted record',
      );
      const [again] = payloadOf(
        await flow.run({ payload: [{ externalId: 'shop.gone', name: 'Gone' }] }),
      ) as Outcome[];
      assert.equal(again.action, 'created');
      assert.notEqual(again.id, first.id);
    });

    it('refuses an External ID of another model, and a new one in an installed module', async function () {
      const flow = await deploy(server, [upsert({ match: 'externalId' })]);
      const wrongModel = errorOf(
        await flow.run({ payload: [{ externalId: 'base.us', name: 'Not a partner' }] }),
      );
      assert.equal(wrongModel.code, 'ODOO_USER_ERROR');
      assert.match(wrongModel.message, /base\.us names a res\.country record, not res\.partner/);
      const count = odoo.records('res.partner').length;
      const installed = errorOf(
        await flow.run({ payload: [{ externalId: 'sale.my_partner', name: 'Mine' }] }),
      );
      assert.equal(installed.code, 'ODOO_INVALID_INPUT');
      assert.match(installed.message, /installed module "sale"/);
      assert.equal(odoo.records('res.partner').length, count);
    });

    it('tells a normal user which group External IDs need, before anything is written', async function () {
      const demo = { ...server, login: 'demo', apiKey: odoo.createApiKey('demo') };
      const flow = await deploy(demo, [upsert({ match: 'externalId' }), upsert()]);
      const count = odoo.records('res.partner').length;
      const error = errorOf(await flow.run({ payload: [{ externalId: 'shop.c9', name: 'C9' }] }));
      assert.equal(error.code, 'ODOO_ACCESS_ERROR');
      assert.match(error.message, /matching by externalId reads and creates External IDs/);
      assert.match(error.message, /Administration\/Access Rights|Access Rights/);
      assert.match(error.message, /match by a field such as "ref"/);
      assert.equal(odoo.records('res.partner').length, count);
      const byField = payloadOf(await flow.run({ payload: [{ ref: 'C9', name: 'C9' }] }, 'n2'));
      assert.equal((byField as Outcome[])[0].action, 'created');
    });

    it('deletes its new records again when another writer took their External ID meanwhile', async function () {
      const flow = await deploy(server, [upsert({ match: 'externalId' })]);
      odoo.onCall((call) => {
        if (call.model === 'res.partner' && call.modelMethod === 'create') {
          odoo.execute('ir.model.data', 'create', [
            [{ module: 'shop', name: 'raced', model: 'res.partner', res_id: 3 }],
          ]);
        }
      });
      const count = odoo.records('res.partner').length;
      const error = errorOf(
        await flow.run({ payload: [{ externalId: 'shop.raced', name: 'Raced' }] }),
      );
      odoo.onCall(undefined);
      assert.equal(error.code, 'ODOO_USER_ERROR');
      assert.match(error.message, /ir_model_data_module_name_uniq_index/);
      assert.equal(odoo.records('res.partner').length, count, 'no record without its ID is left');
      assert.equal((error.cause as { createdIds?: number[] }).createdIds, undefined);
    });
  });

  describe('refused before anything is sent', function () {
    const refusals: Array<[string, object, unknown, RegExp]> = [
      [
        'an object without its key',
        {},
        [{ ref: 'X1' }, { name: 'no ref' }],
        /record 1 has no usable ref/,
      ],
      ['an empty key', {}, [{ ref: '', name: 'empty' }], /record 0 has no usable ref \(got ""\)/],
      [
        'two objects with the same key',
        {},
        [{ ref: 'D1' }, { ref: 'D2' }, { ref: 'D1' }],
        /records 0 and 2 have the same key "D1"/,
      ],
      [
        'an object without externalId',
        { match: 'externalId' },
        [{ name: 'nameless' }],
        /record 0 needs externalId/,
      ],
      [
        'the same External ID twice, once without its prefix',
        { match: 'externalId' },
        [{ externalId: 'x1' }, { externalId: '__import__.x1' }],
        /records 0 and 1 have the same key "__import__.x1"/,
      ],
      [
        'a match that is no field name',
        { match: '[]', matchType: 'json' },
        [{}],
        /match must be a field name/,
      ],
    ];
    for (const [what, props, payload, message] of refusals) {
      it(`${what}`, async function () {
        const flow = await deploy(server, [upsert(props)]);
        odoo.resetCalls();
        const error = errorOf(await flow.run({ payload }));
        assert.equal(error.code, 'ODOO_INVALID_INPUT');
        assert.match(error.message, message);
        assert.equal(odoo.modelCalls(), 0, 'nothing was sent');
      });
    }

    const fieldRefusals: Array<[string, object, unknown, RegExp]> = [
      [
        'an unknown match field',
        { match: 'emial' },
        [{ emial: 'a@b' }],
        /res.partner has no field "emial" \(named in match\)/,
      ],
      [
        'an unknown value field',
        {},
        [{ ref: 'U1', nmae: 'typo' }],
        /no field "nmae" \(named in record 0\)/,
      ],
      [
        'a to-many match field',
        { match: 'category_id' },
        [{ category_id: 1 }],
        /the many2many field "category_id" cannot find a record/,
      ],
      ['false for a text key', {}, [{ ref: false }], /record 0 has no usable ref \(got false\)/],
    ];
    for (const [what, props, payload, message] of fieldRefusals) {
      it(`${what}, checked against fields_get (asked once)`, async function () {
        const flow = await deploy(server, [upsert(props)]);
        odoo.resetCalls();
        const error = errorOf(await flow.run({ payload }));
        assert.equal(error.code, 'ODOO_INVALID_INPUT');
        assert.match(error.message, message);
        assert.deepEqual(
          odoo.calls
            .filter((call) => call.modelMethod && !call.authentication)
            .map((call) => call.modelMethod),
          ['fields_get'],
        );
        odoo.resetCalls();
        errorOf(await flow.run({ payload }));
        assert.equal(odoo.modelCalls(), 0, 'fields_get is cached');
      });
    }
  });

  describe('failures on the way', function () {
    it('a key that matches several records: the ids named, nothing of the batch written', async function () {
      const twins = odoo.execute('res.partner', 'create', [
        [
          { name: 'Twin A', ref: 'TW' },
          { name: 'Twin B', ref: 'TW' },
        ],
      ]) as number[];
      const flow = await deploy(server, [upsert()]);
      const count = odoo.records('res.partner').length;
      const error = errorOf(
        await flow.run({
          payload: [
            { ref: 'NEW1', name: 'New' },
            { ref: 'TW', name: 'Which?' },
          ],
        }),
      );
      assert.equal(error.code, 'ODOO_USER_ERROR');
      assert.match(
        error.message,
        new RegExp(`2 res.partner records have the key "TW" \\(ids ${twins.join(', ')}\\)`),
      );
      assert.deepEqual((error.cause as { ids: number[] }).ids, twins);
      assert.equal(odoo.records('res.partner').length, count);
      assert.equal(odoo.modelCalls('write'), 0);
    });

    it('half-way: the error says which records were created and updated before it', async function () {
      const [existing] = odoo.execute('res.partner', 'create', [
        [{ name: 'E', ref: 'H0' }],
      ]) as number[];
      const flow = await deploy(server, [upsert({ batchSize: 2 })]);
      const error = errorOf(
        await flow.run({
          payload: [
            { ref: 'H0', name: 'E changed' },
            { ref: 'H1', name: 'One' },
            { ref: 'H2', name: 'Two' },
            { ref: 'H3', name: 'Three', type: 'no such type' },
          ],
        }),
      );
      const cause = error.cause as { createdIds: number[]; updatedIds: number[] };
      const created = partnersWithRef('H1')
        .concat(partnersWithRef('H2'))
        .map((row) => row.id);
      assert.deepEqual(cause.createdIds, created);
      assert.deepEqual(cause.updatedIds, [existing]);
      assert.match(error.message, /before this, 1 created and 1 updated/);
      assert.equal(partnersWithRef('H3').length, 0);
    });
  });

  describe('two messages at once', function () {
    it('never create the same record twice, through one node or two', async function () {
      const flow = await deploy(server, [upsert(), upsert()]);
      const payload = [{ ref: 'RACE', name: 'Racer' }];
      const outcomes = await Promise.all([
        flow.run({ payload }),
        flow.run({ payload }),
        flow.run({ payload }, 'n2'),
        flow.run({ payload: [{ ref: 'OTHER', name: 'Other' }, ...payload] }, 'n2'),
      ]);
      const actions = outcomes.flatMap((outcome) =>
        (payloadOf(outcome) as Outcome[]).filter((entry) => entry.key === 'RACE'),
      );
      assert.equal(partnersWithRef('RACE').length, 1);
      assert.equal(actions.filter((entry) => entry.action === 'created').length, 1);
      assert.equal(new Set(actions.map((entry) => entry.id)).size, 1);
    });
  });
});
