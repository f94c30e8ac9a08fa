/**
 * The nodes through Node-RED against an Odoo that keeps what it is given: the stand-in in
 * `npm test`, a real server in `npm run test:odoo`. Nothing here resets the database or counts
 * requests: every test makes what it needs under a name of its own and deletes it afterwards.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { NodeMessage } from 'node-red';
import type { OdooClient } from '../nodes/lib/client';
import {
  asBytes,
  CORE,
  deploy,
  errorOf,
  helper,
  ODOO_NODES,
  payloadOf,
  recordCompletions,
  Server,
  TRANSPORT,
} from './support/flow';
import { startSlowProxy } from './support/slow-proxy';
import { openTarget, OdooTarget } from './support/target';

/** A 1×1 transparent PNG. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe(`the nodes against Odoo that keeps its data (${TRANSPORT})`, function () {
  this.timeout(30_000);
  let target: OdooTarget;
  let server: Server;
  /** Another program on the same server: makes and checks records, and removes them. */
  let other: OdooClient;
  const created: [string, number][] = [];
  /** A name no other run shares, for the records of this run. */
  const run = `T${Date.now().toString(36)}`;

  before(async function () {
    target = await openTarget(TRANSPORT);
    server = { url: target.url, db: target.db, login: target.login, apiKey: target.apiKey };
    other = target.client();
  });

  afterEach(async function () {
    await helper.unload();
    for (const [model, id] of created.splice(0).reverse()) {
      if (model === 'sale.order') {
        await other.execute(model, 'action_cancel', [[id]], {}).catch(() => undefined);
      }
      await other.execute(model, 'unlink', [[id]], {}).catch(() => undefined);
    }
  });

  after(async function () {
    other?.close();
    await target?.close();
  });

  /** Notes records made by a test, deleted after it. */
  const made = (model: string, ids: unknown): void => {
    for (const id of [ids].flat()) if (typeof id === 'number') created.push([model, id]);
  };

  const make = async (model: string, values: object): Promise<number> => {
    const id = (await other.execute(model, 'create', [values], {})) as number;
    made(model, id);
    return id;
  };

  const readOne = async (model: string, id: number, fields: string[]) =>
    ((await other.execute(model, 'read', [[id]], { fields })) as Record<string, unknown>[])[0];

  const node = (type: string, props: object = {}) => ({
    type,
    model: 'res.partner',
    modelType: 'str',
    ...props,
  });

  const firstId = async (model: string, domain: unknown[]): Promise<number> => {
    const [id] = (await other.execute(model, 'search', [domain], {
      limit: 1,
      order: 'id',
    })) as number[];
    assert.ok(id, `${model} ${JSON.stringify(domain)} exists`);
    return id;
  };

  describe('create, read, search, write, delete', function () {
    it('goes the whole way round with one record', async function () {
      const flow = await deploy(server, [
        node('odoo-create'),
        node('odoo-read', { fields: '["name", "email"]', fieldsType: 'json' }),
        node('odoo-search', { domain: 'domain', domainType: 'msg', returns: 'ids' }),
        node('odoo-write'),
        node('odoo-delete'),
      ]);
      const name = `${run} round`;
      const id = payloadOf(
        await flow.run({ payload: { name, email: 'round@example.com' } }),
      ) as number;
      assert.equal(typeof id, 'number');
      made('res.partner', id);
      assert.deepEqual(payloadOf(await flow.run({ payload: id }, 'n2')), [
        { id, name, email: 'round@example.com' },
      ]);
      assert.deepEqual(payloadOf(await flow.run({ domain: [['name', '=', name]] }, 'n3')), [id]);
      assert.equal(
        payloadOf(await flow.run({ ids: id, payload: { phone: '+1 555 0100' } }, 'n4')),
        true,
      );
      assert.equal((await readOne('res.partner', id, ['phone'])).phone, '+1 555 0100');
      assert.equal(payloadOf(await flow.run({ payload: [id] }, 'n5')), true);
      assert.deepEqual(payloadOf(await flow.run({ payload: id }, 'n2')), []);
    });

    it('creates a list in one call, or in batches, and answers the ids in input order', async function () {
      const flow = await deploy(server, [
        node('odoo-create'),
        node('odoo-create', { batchSize: 2 }),
      ]);
      const people = (prefix: string, count: number) =>
        Array.from({ length: count }, (_, index) => ({ name: `${run} ${prefix} ${index}` }));
      for (const [target_, prefix, count] of [
        ['n1', 'list', 3],
        ['n2', 'batch', 5],
      ] as const) {
        const ids = payloadOf(
          await flow.run({ payload: people(prefix, count) }, target_),
        ) as number[];
        made('res.partner', ids);
        assert.equal(ids.length, count);
        const names = (await other.execute('res.partner', 'read', [ids], { fields: ['name'] })) as {
          id: number;
          name: string;
        }[];
        const byId = new Map(names.map((row) => [row.id, row.name]));
        assert.deepEqual(
          ids.map((id) => byId.get(id)),
          people(prefix, count).map((person) => person.name),
        );
      }
    });
  });

  describe('large results', function () {
    it('pages a search and sends one msg per record or per page, with msg.parts', async function () {
      const ids = (await other.execute(
        'res.partner',
        'create',
        [Array.from({ length: 7 }, (_, index) => ({ name: `${run} page ${index}` }))],
        {},
      )) as number[];
      made('res.partner', ids);
      const search = (split: string) =>
        node('odoo-search', {
          domain: JSON.stringify([['name', 'like', `${run} page`]]),
          domainType: 'json',
          fields: '["name"]',
          fieldsType: 'json',
          order: 'id',
          orderType: 'str',
          pageSize: 3,
          split,
        });
      const flow = await deploy(server, [search('none'), search('record'), search('page')]);
      const all = payloadOf(await flow.run()) as { id: number }[];
      assert.deepEqual(
        all.map((row) => row.id),
        ids,
      );
      for (const [id, expected] of [
        ['n2', 7],
        ['n3', 3],
      ] as const) {
        const received: (NodeMessage & { parts: { index: number; count?: number } })[] = [];
        helper
          .getNode('collect-output')
          .on('input', (msg: NodeMessage) => received.push(msg as (typeof received)[number]));
        helper.getNode(id).receive({});
        await new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (received.length === expected) {
              clearInterval(check);
              resolve();
            }
          }, 10);
        });
        assert.deepEqual(
          received.map((msg) => msg.parts.index),
          [...Array(expected).keys()],
        );
        const rows = received.flatMap((msg) => [msg.payload].flat()) as { id: number }[];
        assert.deepEqual(
          rows.map((row) => row.id),
          ids,
        );
      }
    });
  });

  describe('values', function () {
    it('many2one as [id, name], to-many as ids (plain list or commands), binary as base64', async function () {
      const company = await firstId('res.partner', [['is_company', '=', true]]);
      const [tagA, tagB] = [
        await make('res.partner.category', { name: `${run} tag A` }),
        await make('res.partner.category', { name: `${run} tag B` }),
      ];
      const flow = await deploy(server, [
        node('odoo-create'),
        node('odoo-read', {
          fields: '["parent_id", "category_id", "image_1920", "write_date"]',
          fieldsType: 'json',
        }),
        node('odoo-write'),
      ]);
      const id = payloadOf(
        await flow.run({
          payload: {
            name: `${run} values`,
            parent_id: company,
            category_id: [tagA],
            image_1920: PIXEL,
          },
        }),
      ) as number;
      made('res.partner', id);
      const [row] = payloadOf(await flow.run({ payload: id }, 'n2')) as Record<string, unknown>[];
      assert.deepEqual((row.parent_id as unknown[])[0], company);
      assert.equal(typeof (row.parent_id as unknown[])[1], 'string');
      assert.deepEqual(row.category_id, [tagA]);
      assert.equal(
        Buffer.from(row.image_1920 as string, 'base64')
          .subarray(1, 4)
          .toString(),
        'PNG',
      );
      assert.match(row.write_date as string, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      payloadOf(await flow.run({ ids: id, payload: { category_id: [[4, tagB]] } }, 'n3'));
      assert.deepEqual(
        ((await readOne('res.partner', id, ['category_id'])).category_id as number[]).sort(),
        [tagA, tagB].sort(),
      );
      payloadOf(await flow.run({ ids: id, payload: { category_id: [[3, tagA]] } }, 'n3'));
      assert.deepEqual((await readOne('res.partner', id, ['category_id'])).category_id, [tagB]);
      payloadOf(await flow.run({ ids: id, payload: { category_id: [[6, 0, [tagA]]] } }, 'n3'));
      assert.deepEqual((await readOne('res.partner', id, ['category_id'])).category_id, [tagA]);
      payloadOf(
        await flow.run({ ids: id, payload: { image_1920: false, parent_id: false } }, 'n3'),
      );
      const cleared = await readOne('res.partner', id, ['image_1920', 'parent_id']);
      assert.deepEqual([cleared.image_1920, cleared.parent_id], [false, false]);
    });

    it('dates and times as UTC text, and JavaScript Dates turned into them', async function () {
      const partner = await firstId('res.partner', [['is_company', '=', true]]);
      const flow = await deploy(server, [
        node('odoo-create', { model: 'sale.order' }),
        node('odoo-read', {
          model: 'sale.order',
          fields: '["validity_date", "date_order"]',
          fieldsType: 'json',
        }),
      ]);
      const order = payloadOf(
        await flow.run({
          payload: {
            partner_id: partner,
            validity_date: '2031-03-01',
            date_order: new Date(Date.UTC(2031, 1, 20, 9, 30, 15)),
          },
        }),
      ) as number;
      made('sale.order', order);
      const [row] = payloadOf(await flow.run({ payload: order }, 'n2')) as Record<
        string,
        unknown
      >[];
      assert.deepEqual([row.validity_date, row.date_order], ['2031-03-01', '2031-02-20 09:30:15']);
    });

    it('creates a sales order with its lines in one call ([0, 0, values])', async function () {
      const partner = await firstId('res.partner', [['is_company', '=', true]]);
      const product = await firstId('product.product', [['sale_ok', '=', true]]);
      const flow = await deploy(server, [node('odoo-create', { model: 'sale.order' })]);
      const order = payloadOf(
        await flow.run({
          payload: {
            partner_id: partner,
            order_line: [
              [0, 0, { product_id: product, product_uom_qty: 2 }],
              [0, 0, { product_id: product, product_uom_qty: 1 }],
            ],
          },
        }),
      ) as number;
      made('sale.order', order);
      const read = await readOne('sale.order', order, ['order_line', 'state']);
      assert.equal((read.order_line as number[]).length, 2);
      assert.equal(read.state, 'draft');
    });
  });

  describe('odoo-upsert', function () {
    const upsert = (props: object = {}) =>
      node('odoo-upsert', { match: 'ref', matchType: 'str', ...props });
    type Outcome = { id: number; action: string; key: unknown };
    const refsOf = async (refs: string[]) =>
      (await other.execute('res.partner', 'search_read', [[['ref', 'in', refs]]], {
        fields: ['ref', 'name', 'write_date'],
        context: { active_test: false },
      })) as Array<{ id: number; ref: string; name: string; write_date: string }>;

    it('by a field: creates the new, updates the changed, leaves the unchanged unwritten', async function () {
      const kept = await make('res.partner', { name: `${run} kept`, ref: `${run}-K1` });
      const changing = await make('res.partner', { name: `${run} old`, ref: `${run}-K2` });
      const [before] = await refsOf([`${run}-K1`]);
      const flow = await deploy(server, [upsert()]);
      // write_date has second precision: a write in the same second would not show.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const outcomes = payloadOf(
        await flow.run({
          payload: [
            { ref: `${run}-K1`, name: `${run} kept` },
            { ref: `${run}-N1`, name: `${run} new` },
            { ref: `${run}-K2`, name: `${run} renamed` },
          ],
        }),
      ) as Outcome[];
      made(
        'res.partner',
        outcomes.filter((entry) => entry.action === 'created').map((entry) => entry.id),
      );
      assert.deepEqual(
        outcomes.map(({ action, key }) => [action, key]),
        [
          ['unchanged', `${run}-K1`],
          ['created', `${run}-N1`],
          ['updated', `${run}-K2`],
        ],
      );
      assert.deepEqual([outcomes[0].id, outcomes[2].id], [kept, changing]);
      const rows = await refsOf([`${run}-K1`, `${run}-N1`, `${run}-K2`]);
      assert.equal(rows.length, 3, 'nothing duplicated');
      assert.equal(rows.find((row) => row.id === kept)!.write_date, before.write_date);
      assert.equal(rows.find((row) => row.id === changing)!.name, `${run} renamed`);
      const again = payloadOf(
        await flow.run({ payload: [{ ref: `${run}-N1`, name: `${run} new` }] }),
      ) as Outcome[];
      assert.deepEqual(again, [{ id: outcomes[1].id, action: 'unchanged', key: `${run}-N1` }]);
    });

    it('by External ID: registers the IDs of new records and finds them by it next time', async function () {
      const module = `nrtest_${run.toLowerCase()}`;
      const tag = await make('res.partner.category', { name: `${run} upsert tag` });
      const flow = await deploy(server, [upsert({ match: 'externalId' })]);
      const payload = [
        { externalId: `${module}.one`, name: `${run} one`, category_id: [[6, 0, [tag]]] },
        { externalId: `${module}.two`, name: `${run} two` },
      ];
      const first = payloadOf(await flow.run({ payload })) as Outcome[];
      made(
        'res.partner',
        first.map((entry) => entry.id),
      );
      assert.deepEqual(
        first.map((entry) => entry.action),
        ['created', 'created'],
      );
      const references = await Promise.all(
        ['one', 'two'].map((name) =>
          other.execute('ir.model.data', 'check_object_reference', [module, name], {}),
        ),
      );
      assert.deepEqual(references, [
        ['res.partner', first[0].id],
        ['res.partner', first[1].id],
      ]);
      payload[1].name = `${run} two, renamed`;
      const second = payloadOf(await flow.run({ payload })) as Outcome[];
      assert.deepEqual(
        second.map(({ id, action, key }) => [id, action, key]),
        [
          [first[0].id, 'unchanged', `${module}.one`],
          [first[1].id, 'updated', `${module}.two`],
        ],
      );
      const refused = errorOf(
        await flow.run({ payload: [{ externalId: `base.${module}`, name: 'x' }] }),
      );
      assert.equal(refused.code, 'ODOO_INVALID_INPUT');
      assert.match(refused.message, /installed module "base"/);
    });

    it('two messages with the same new key at once create one record', async function () {
      const flow = await deploy(server, [upsert(), upsert()]);
      const payload = [{ ref: `${run}-RACE`, name: `${run} race` }];
      const outcomes = await Promise.all([
        flow.run({ payload }),
        flow.run({ payload }),
        flow.run({ payload }, 'n2'),
        flow.run({ payload }, 'n2'),
      ]);
      const rows = await refsOf([`${run}-RACE`]);
      made(
        'res.partner',
        rows.map((row) => row.id),
      );
      assert.equal(rows.length, 1);
      const actions = outcomes.map((outcome) => (payloadOf(outcome) as Outcome[])[0]);
      assert.deepEqual(
        actions.map((entry) => entry.id),
        [rows[0].id, rows[0].id, rows[0].id, rows[0].id],
      );
      assert.equal(actions.filter((entry) => entry.action === 'created').length, 1);
    });

    it('a user without rights on External IDs is told which group they need', async function () {
      if (!target.demo) this.skip();
      const flow = await deploy(
        { ...server, login: target.demo.login, apiKey: target.demo.apiKey },
        [upsert({ match: 'externalId' }), upsert()],
      );
      const error = errorOf(
        await flow.run({ payload: [{ externalId: `nrtest.${run}`, name: `${run} demo` }] }),
      );
      assert.equal(error.code, 'ODOO_ACCESS_ERROR');
      assert.match(error.message, /matching by externalId reads and creates External IDs/);
      assert.match(error.message, /Access Rights/);
      const byField = payloadOf(
        await flow.run({ payload: [{ ref: `${run}-DEMO`, name: `${run} demo` }] }, 'n2'),
      ) as Outcome[];
      made(
        'res.partner',
        byField.map((entry) => entry.id),
      );
      assert.equal(byField[0].action, 'created');
    });
  });

  describe('files', function () {
    it('an attachment round trip: Buffer in, Buffer out, posted in the chatter', async function () {
      const partner = await make('res.partner', { name: `${run} with a file` });
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
      const flow = await deploy(server, [
        node('odoo-create', { model: 'ir.attachment' }),
        node('odoo-read', {
          model: 'ir.attachment',
          fields: '["datas", "res_model", "res_id", "file_size"]',
          fieldsType: 'json',
          binary: 'buffer',
        }),
        node('odoo-search', {
          model: 'ir.attachment',
          domain: `[["res_model", "=", "res.partner"], ["res_id", "=", ${partner}]]`,
          domainType: 'json',
          fields: '["name", "datas"]',
          fieldsType: 'json',
          binary: 'buffer',
        }),
        node('odoo-execute', {
          method: 'message_post',
          methodType: 'str',
          args: 'args',
          argsType: 'msg',
          kwargs: 'kwargs',
          kwargsType: 'msg',
        }),
        node('odoo-read', { model: 'ir.attachment', fields: '["datas"]', fieldsType: 'json' }),
      ]);
      const attachment = payloadOf(
        await flow.run({
          payload: { name: `${run}.bin`, datas: bytes, res_model: 'res.partner', res_id: partner },
        }),
      ) as number;
      made('ir.attachment', attachment);
      const [read] = payloadOf(await flow.run({ payload: attachment }, 'n2')) as Array<
        Record<string, unknown>
      >;
      assert.ok(Buffer.isBuffer(read.datas));
      assert.ok(bytes.equals(read.datas as Buffer), 'the same 256 bytes');
      assert.deepEqual(
        [read.res_model, read.res_id, read.file_size],
        ['res.partner', partner, 256],
      );
      const found = payloadOf(await flow.run({}, 'n3')) as Array<Record<string, unknown>>;
      assert.deepEqual(
        found.map((row) => row.id),
        [attachment],
      );
      assert.ok(bytes.equals(found[0].datas as Buffer));
      const posted = payloadOf(
        await flow.run(
          {
            args: [[partner]],
            kwargs: { body: `${run} file attached`, attachment_ids: [attachment] },
          },
          'n4',
        ),
      );
      const message = [posted].flat()[0] as number;
      const [row] = (await other.execute('mail.message', 'read', [[message]], {
        fields: ['attachment_ids', 'model', 'res_id'],
      })) as Array<Record<string, unknown>>;
      assert.deepEqual(
        [row.attachment_ids, row.model, row.res_id],
        [[attachment], 'res.partner', partner],
      );
      const [base64] = payloadOf(await flow.run({ payload: attachment }, 'n5')) as Array<
        Record<string, unknown>
      >;
      assert.equal(base64.datas, bytes.toString('base64'), 'base64 stays the default');
    });
  });

  describe('the file examples (12 upload, 13 download)', function () {
    it('attach uploaded files to a contact, post them in its chatter, list and download them', async function () {
      const partner = await make('res.partner', { name: `${run} example files` });
      const examples = path.join(__dirname, '..', '..', 'examples');
      const flow = ['12 Upload files to a contact.json', '13 Download the files of a contact.json']
        .flatMap(
          (file) =>
            JSON.parse(fs.readFileSync(path.join(examples, file), 'utf8')) as Record<
              string,
              unknown
            >[],
        )
        .map((entry) =>
          entry.type === 'odoo-config'
            ? {
                ...entry,
                url: target.url,
                db: target.db,
                username: target.login,
                transport: TRANSPORT,
              }
            : entry,
        );
      let app: unknown;
      const captureApp = (RED: never) => (app = (RED as { httpNode: unknown }).httpNode);
      await helper.load([...ODOO_NODES, ...CORE, captureApp], flow, {
        ex12_server: { apiKey: target.apiKey },
        ex13_server: { apiKey: target.apiKey },
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const http = (require('supertest') as (app: unknown) => ReturnType<typeof helper.request>)(
        app,
      );
      // Odoo sniffs the type of a file sent as application/octet-stream: these bytes look like nothing.
      const bytes = Buffer.from(Array.from({ length: 300 }, (_, index) => (index * 7 + 200) % 256));
      const uploaded = await http
        .post(`/odoo/partners/${partner}/files`)
        .attach('file', bytes, `${run} data.bin`)
        .attach('file', PIXEL, `${run} pixel.png`);
      assert.equal(uploaded.status, 200, JSON.stringify(uploaded.body));
      const { attachments, message } = uploaded.body as { attachments: number[]; message: number };
      made('ir.attachment', attachments);
      const [posted] = (await other.execute('mail.message', 'read', [[message]], {
        fields: ['attachment_ids', 'model', 'res_id'],
      })) as Array<{ attachment_ids: number[]; model: string; res_id: number }>;
      assert.deepEqual(
        [[...posted.attachment_ids].sort(), posted.model, posted.res_id],
        [[...attachments].sort(), 'res.partner', partner],
      );
      const listed = await http.get(`/odoo/partners/${partner}/files`);
      assert.deepEqual(
        (listed.body as Array<{ id: number; name: string; mimetype: string; size: number }>).map(
          ({ id, name, mimetype, size }) => [id, name, mimetype, size],
        ),
        [
          [attachments[0], `${run} data.bin`, 'application/octet-stream', 300],
          [attachments[1], `${run} pixel.png`, 'image/png', PIXEL.length],
        ],
      );
      const file = await asBytes(http.get(`/odoo/attachments/${attachments[0]}`));
      assert.equal(file.status, 200);
      assert.ok(bytes.equals(file.body as Buffer), 'the uploaded bytes come back');
      assert.equal(file.headers['content-type'], 'application/octet-stream');
      const missing = await http.post('/odoo/partners/2147483000/files').attach('file', bytes, 'x');
      assert.equal(missing.status, 404);
    });
  });

  describe('methods', function () {
    const execute = (method: string, props: object = {}) =>
      node('odoo-execute', {
        method,
        methodType: 'str',
        args: 'args',
        argsType: 'msg',
        kwargs: 'kwargs',
        kwargsType: 'msg',
        ...props,
      });

    it('confirms a quotation (action_confirm)', async function () {
      const partner = await firstId('res.partner', [['is_company', '=', true]]);
      const product = await firstId('product.product', [['sale_ok', '=', true]]);
      const order = await make('sale.order', {
        partner_id: partner,
        order_line: [[0, 0, { product_id: product, product_uom_qty: 1 }]],
      });
      const flow = await deploy(server, [execute('action_confirm', { model: 'sale.order' })]);
      assert.equal(payloadOf(await flow.run({ args: [[order]], kwargs: {} })), true);
      assert.equal((await readOne('sale.order', order, ['state'])).state, 'sale');
    });

    it('posts in the chatter, copies, finds by name and groups', async function () {
      const id = await make('res.partner', { name: `${run} methods`, color: 3 });
      const flow = await deploy(server, [
        execute('message_post'),
        execute('copy'),
        execute('name_search'),
        execute('read_group'),
      ]);
      const message = payloadOf(
        await flow.run({
          args: [[id]],
          kwargs: { body: 'Hello from Node-RED', message_type: 'comment' },
        }),
      );
      // Odoo 19 answers the records a method returns as a list of ids, on every transport.
      const one = (value: unknown) =>
        (target.major >= 19 ? (value as number[])[0] : value) as number;
      if (target.major >= 19) assert.equal((message as unknown[]).length, 1);
      assert.equal(typeof one(message), 'number');
      const copy = payloadOf(
        await flow.run({ args: [[id]], kwargs: { default: { name: `${run} copy` } } }, 'n2'),
      );
      made('res.partner', one(copy));
      assert.equal((await readOne('res.partner', one(copy), ['name'])).name, `${run} copy`);
      const found = payloadOf(
        await flow.run({ args: [], kwargs: { name: `${run} methods`, limit: 5 } }, 'n3'),
      );
      assert.deepEqual(found, [[id, `${run} methods`]]);
      const groups = payloadOf(
        await flow.run(
          {
            args: [[['name', 'like', run]]],
            kwargs: { fields: ['color:sum'], groupby: ['is_company'] },
          },
          'n4',
        ),
      ) as { color: number; is_company: boolean }[];
      assert.deepEqual(
        groups.map((group) => [group.is_company, group.color]),
        [[false, 6]],
      );
    });

    it('passes positional arguments of any method, on every transport (message_subscribe, find_or_create)', async function () {
      const id = await make('res.partner', { name: `${run} followed` });
      const follower = await make('res.partner', { name: `${run} follower` });
      const flow = await deploy(server, [execute('message_subscribe'), execute('find_or_create')]);
      assert.equal(payloadOf(await flow.run({ args: [[id], [follower]], kwargs: {} })), true);
      const followers = await readOne('res.partner', id, ['message_partner_ids']);
      assert.ok((followers.message_partner_ids as number[]).includes(follower));
      const email = `${run.toLowerCase()}@example.com`;
      const found = payloadOf(await flow.run({ args: [email], kwargs: {} }, 'n2'));
      const foundId = (target.major >= 19 ? (found as number[])[0] : found) as number;
      made('res.partner', foundId);
      assert.equal((await readOne('res.partner', foundId, ['email'])).email, email);
    });
  });

  describe('errors reach Catch nodes with their code', function () {
    const cases: [string, object, Record<string, unknown>, string][] = [
      ['an unknown model', node('odoo-search', { model: 'res.nothing' }), {}, 'ODOO_USER_ERROR'],
      [
        'an unknown method',
        node('odoo-execute', { method: 'no_such_method', methodType: 'str' }),
        {},
        'ODOO_SERVER_ERROR',
      ],
      [
        'an unknown field in the domain',
        node('odoo-search', { domain: '[["no_field", "=", 1]]', domainType: 'json' }),
        {},
        'ODOO_SERVER_ERROR',
      ],
      [
        'a record that is not there',
        node('odoo-write'),
        { ids: 99_999_999, payload: { name: 'x' } },
        'ODOO_USER_ERROR',
      ],
      [
        'a contact without a name',
        node('odoo-create'),
        { payload: { email: 'x@example.com' } },
        'ODOO_USER_ERROR',
      ],
      ['ids that are not ids', node('odoo-read'), { payload: 'seven' }, 'ODOO_INVALID_INPUT'],
    ];
    for (const [title, props, msg, code] of cases) {
      it(title, async function () {
        const flow = await deploy(server, [props]);
        assert.equal(errorOf(await flow.run(msg)).code, code);
      });
    }

    it('a key Odoo refuses', async function () {
      const flow = await deploy({ ...server, apiKey: 'not-a-key-0123456789' }, [
        node('odoo-search', { returns: 'count' }),
      ]);
      assert.equal(errorOf(await flow.run()).code, 'ODOO_ACCESS_DENIED');
    });

    it('a user without the rights for the model', async function () {
      if (!target.demo) this.skip();
      const flow = await deploy(
        { ...server, login: target.demo.login, apiKey: target.demo.apiKey },
        [node('odoo-create', { model: 'res.users' })],
      );
      assert.equal(
        errorOf(await flow.run({ payload: { name: 'x', login: `${run}-x` } })).code,
        'ODOO_ACCESS_ERROR',
      );
    });
  });

  describe('redeploys while Odoo is slow', function () {
    it('a write already sent finishes and reaches Odoo once, waiting messages end unsent, the new node works', async function () {
      const slow = await startSlowProxy(server.url, 1500);
      try {
        const id = await make('res.partner', { name: `${run} slow` });
        const flow = await deploy({ ...server, url: slow.url, settings: { concurrency: 1 } }, [
          node('odoo-write'),
        ]);
        payloadOf(await flow.run({ ids: id, payload: { phone: 'first' } }));
        const completions = recordCompletions();
        try {
          for (const [tag, phone] of [
            ['write', 'during the redeploy'],
            ['waiting', 'never sent'],
          ]) {
            flow.node().receive({ _test: tag, ids: id, payload: { phone } });
          }
          await new Promise((resolve) => setTimeout(resolve, 300));
          await flow.redeploy([{ ...node('odoo-write'), name: 'renamed' }], 'nodes');
          const ended = (tag: string) => completions.list.find((entry) => entry.tag === tag);
          assert.equal(ended('write')?.error, undefined, 'the write ended normally');
          assert.match(ended('waiting')?.error?.message ?? '', /^nothing was sent to /);
        } finally {
          completions.stop();
        }
        assert.equal((await readOne('res.partner', id, ['phone'])).phone, 'during the redeploy');
        assert.equal(payloadOf(await flow.run({ ids: id, payload: { phone: 'after' } })), true);
      } finally {
        await slow.close();
      }
    });
  });

  describe('odoo-watch', function () {
    it('picks up what another program creates and changes', async function () {
      const flow: object[] = [
        { id: 'tab', type: 'tab', label: 'watch' },
        {
          id: 'c1',
          type: 'odoo-config',
          url: server.url,
          db: server.db,
          username: server.login,
          transport: TRANSPORT,
        },
        {
          id: 'w1',
          type: 'odoo-watch',
          z: 'tab',
          server: 'c1',
          model: 'res.partner',
          modelType: 'str',
          domain: JSON.stringify([['name', 'like', `${run} watched`]]),
          domainType: 'json',
          fields: 'name',
          fieldsType: 'str',
          event: 'both',
          interval: 3600,
          wires: [['out']],
        },
        { id: 'out', type: 'helper', z: 'tab' },
        { id: 'polled', type: 'complete', z: 'tab', scope: ['w1'], wires: [['done']] },
        { id: 'done', type: 'helper', z: 'tab' },
      ];
      await helper.load(ODOO_NODES, flow, { c1: { apiKey: server.apiKey ?? '' } });
      const outputs: { topic: string; payload: { id: number; name: string } }[] = [];
      helper
        .getNode('out')
        .on('input', (msg: NodeMessage) =>
          outputs.push(msg as unknown as (typeof outputs)[number]),
        );
      const poll = () =>
        new Promise<void>((resolve) => {
          helper.getNode('done').once('input', () => setImmediate(resolve));
          helper.getNode('w1').receive({});
        });
      await poll();
      const id = await make('res.partner', { name: `${run} watched` });
      await poll();
      await other.execute('res.partner', 'write', [[id], { name: `${run} watched, changed` }], {});
      await poll();
      await poll();
      assert.deepEqual(
        outputs.map((msg) => [msg.topic, msg.payload.id, msg.payload.name]),
        [
          ['res.partner/created', id, `${run} watched`],
          ['res.partner/updated', id, `${run} watched, changed`],
        ],
      );
    });
  });
});
