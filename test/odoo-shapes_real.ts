/**
 * The stand-in against a real Odoo, call by call (`npm run test:odoo` only): each call below goes
 * to the real server of the environment and to a stand-in of the same version, over the same
 * transport, and the answers must have the same shape: the same keys, the same types, lists of
 * the same kind, the same error code, exception class and (where marked) message. Values that
 * depend on the data (ids, names, counts) are not compared, except where a call reduces them to
 * a fact both must agree on.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { OdooClient } from '../nodes/lib/client';
import { isOdooError } from '../nodes/lib/errors';
import type { Version } from './stand-in/orm';
import { startStandIn, StandIn } from './stand-in/server';
import { TRANSPORT } from './support/flow';
import { Json, shapeOf } from './support/shapes';
import { openTarget, OdooTarget, realServer } from './support/target';

/** One side: a client of its own and what it created, removed again after each case. */
interface Side {
  call(model: string, method: string, args?: unknown[], kwargs?: object): Promise<unknown>;
  /** Creates a record that is deleted after the case. */
  make(model: string, values: object): Promise<number>;
  /** Notes records the case made another way (a copy, a message), deleted after the case. */
  made(model: string, ids: unknown): void;
  /** An id that exists on this side: the first record of `model` that `domain` matches. */
  first(model: string, domain: unknown[]): Promise<number>;
  cleanUp(): Promise<void>;
}

function sideOf(client: OdooClient): Side {
  const created: [string, number][] = [];
  const call = (model: string, method: string, args: unknown[] = [], kwargs: object = {}) =>
    client.execute(model, method, args, kwargs as Record<string, unknown>);
  return {
    call,
    async make(model, values) {
      const id = (await call(model, 'create', [values])) as number;
      created.push([model, id]);
      return id;
    },
    made(model, ids) {
      for (const id of [ids].flat()) if (typeof id === 'number') created.push([model, id]);
    },
    async first(model, domain) {
      const [id] = (await call(model, 'search', [domain], { limit: 1, order: 'id' })) as number[];
      assert.ok(id, `${model} has a record matching ${JSON.stringify(domain)}`);
      return id;
    },
    async cleanUp() {
      for (const [model, id] of created.splice(0).reverse()) {
        await call(model, 'unlink', [[id]]).catch(() => undefined);
      }
    },
  };
}

/** A case: what to ask; its answer (or error) is reduced to a shape, or to facts. */
interface Case {
  title: string;
  /** Only on servers of these major versions. */
  majors?: number[];
  run(side: Side): Promise<unknown>;
  /** Compare the error message too (digits aside). */
  message?: boolean;
  /** Compare the answer itself, not its shape (the case reduced it to facts). */
  exact?: boolean;
}

const PARTNER_FIELDS = [
  'name',
  'email',
  'country_id',
  'parent_id',
  'category_id',
  'child_ids',
  'image_128',
  'write_date',
  'is_company',
  'color',
  'active',
];

const CASES: Case[] = [
  {
    title: 'search_read: many2one, to-many, binary, datetime, boolean, integer values',
    run: (odoo) =>
      odoo.call('res.partner', 'search_read', [[['is_company', '=', true]]], {
        fields: PARTNER_FIELDS,
        limit: 3,
        order: 'id',
      }),
  },
  {
    title: 'read of a contact with a parent',
    run: async (odoo) =>
      odoo.call(
        'res.partner',
        'read',
        [[await odoo.first('res.partner', [['parent_id', '!=', false]])]],
        {
          fields: PARTNER_FIELDS,
        },
      ),
  },
  {
    title: 'read of ids that do not exist: an empty list',
    run: (odoo) => odoo.call('res.partner', 'read', [[99_999_999]], { fields: ['name'] }),
  },
  { title: 'search: ids', run: (odoo) => odoo.call('res.partner', 'search', [[]], { limit: 5 }) },
  { title: 'search_count', run: (odoo) => odoo.call('res.partner', 'search_count', [[]]) },
  {
    title: 'fields_get with attributes',
    run: (odoo) =>
      odoo.call('res.partner', 'fields_get', [['name', 'country_id', 'category_id', 'image_128']], {
        attributes: ['type', 'string', 'relation', 'required', 'readonly'],
      }),
  },
  {
    title: 'name_search',
    run: (odoo) => odoo.call('res.partner', 'name_search', [], { name: 'a', limit: 3 }),
  },
  {
    title: 'read_group by country',
    run: (odoo) =>
      odoo.call('res.partner', 'read_group', [[['country_id', '!=', false]]], {
        fields: ['color:sum'],
        groupby: ['country_id'],
        limit: 2,
      }),
  },
  {
    title: 'formatted_read_group by country',
    majors: [19],
    run: (odoo) =>
      odoo.call('res.partner', 'formatted_read_group', [[['country_id', '!=', false]]], {
        groupby: ['country_id'],
        aggregates: ['__count'],
        limit: 2,
      }),
  },
  {
    title: 'default_get includes lang',
    run: (odoo) => odoo.call('res.partner', 'default_get', [['lang', 'name']]),
  },
  {
    title: 'res.users has lang',
    run: (odoo) => odoo.call('res.users', 'read', [[2]], { fields: ['lang', 'login'] }),
  },
  {
    title: 'context lang of an installed language',
    run: (odoo) =>
      odoo.call('res.partner', 'search_read', [[]], {
        fields: ['name'],
        limit: 1,
        context: { lang: 'en_US' },
      }),
  },
  {
    title: 'context lang of a language that is not installed',
    message: true,
    run: (odoo) =>
      odoo.call('res.partner', 'read', [[1]], { fields: ['name'], context: { lang: 'xx_XX' } }),
  },
  {
    title: 'products exist: product.product and product.template',
    run: async (odoo) => [
      await odoo.call('product.product', 'search_read', [[]], {
        fields: ['name', 'product_tmpl_id', 'list_price'],
        limit: 2,
      }),
      await odoo.call('product.template', 'search_read', [[]], {
        fields: ['name', 'list_price', 'type'],
        limit: 2,
      }),
    ],
  },
  {
    title: 'sale.order.line has product_id',
    run: (odoo) =>
      odoo.call('sale.order.line', 'fields_get', [['product_id', 'order_id', 'name']], {
        attributes: ['type', 'relation', 'required'],
      }),
  },
  {
    title: 'an order line without a product',
    message: true,
    run: async (odoo) => {
      const partner = await odoo.first('res.partner', [['is_company', '=', true]]);
      const order = await odoo.make('sale.order', { partner_id: partner });
      return odoo.call('sale.order.line', 'create', [
        { order_id: order, name: 'Without a product', product_uom_qty: 1, price_unit: 5 },
      ]);
    },
  },
  {
    title: 'an order with a product line, confirmed',
    run: async (odoo) => {
      const partner = await odoo.first('res.partner', [['is_company', '=', true]]);
      const product = await odoo.first('product.product', [['sale_ok', '=', true]]);
      const order = await odoo.make('sale.order', {
        partner_id: partner,
        order_line: [[0, 0, { product_id: product, product_uom_qty: 2 }]],
      });
      const confirmed = await odoo.call('sale.order', 'action_confirm', [[order]]);
      const [read] = (await odoo.call('sale.order', 'read', [[order]], {
        fields: ['state', 'order_line', 'amount_total', 'partner_id'],
      })) as object[];
      await odoo.call('sale.order', 'action_cancel', [[order]]).catch(() => undefined);
      return { confirmed, read };
    },
  },
  {
    title: 'a new contact under a company takes its country, and its creator follows it',
    exact: true,
    run: async (odoo) => {
      const company = await odoo.first('res.partner', [
        ['is_company', '=', true],
        ['country_id', '!=', false],
      ]);
      const contact = await odoo.make('res.partner', { name: 'Shape child', parent_id: company });
      const [parent, child] = (await odoo.call('res.partner', 'read', [[company, contact]], {
        fields: ['country_id', 'message_partner_ids'],
      })) as { country_id: [number, string]; message_partner_ids: number[] }[];
      const [creator] = (await odoo.call('res.users', 'read', [[2]], {
        fields: ['partner_id'],
      })) as { partner_id: [number, string] }[];
      return {
        sameCountry: child.country_id[0] === parent.country_id[0],
        creatorFollows: child.message_partner_ids.includes(creator.partner_id[0]),
      };
    },
  },
  {
    title: 'create one, create many, write, copy, unlink',
    run: async (odoo) => {
      const one = await odoo.make('res.partner', { name: 'Shape one' });
      const many = await odoo.call('res.partner', 'create', [
        [{ name: 'Shape a' }, { name: 'Shape b' }],
      ]);
      odoo.made('res.partner', many);
      const written = await odoo.call('res.partner', 'write', [[one], { phone: '+1 555' }]);
      const copy = await odoo.call('res.partner', 'copy', [[one]], {
        default: { name: 'Shape copy' },
      });
      odoo.made('res.partner', copy);
      const removed = await odoo.call('res.partner', 'unlink', [[many as number[]].flat()]);
      return { one, many, written, copy, removed };
    },
  },
  {
    title: 'message_post answers the message',
    run: async (odoo) => {
      const partner = await odoo.make('res.partner', { name: 'Shape chatter' });
      const message = await odoo.call('res.partner', 'message_post', [[partner]], {
        body: 'From the shape test',
        message_type: 'comment',
      });
      return message;
    },
  },
  {
    title: 'a method that returns nothing',
    run: async (odoo) =>
      odoo.call('res.partner', 'action_archive', [
        [await odoo.make('res.partner', { name: 'Shape archive' })],
      ]),
  },
  {
    title: 'an unknown model',
    message: true,
    run: (odoo) => odoo.call('res.nothing', 'search', [[]]),
  },
  {
    title: 'an unknown method',
    message: true,
    run: (odoo) => odoo.call('res.partner', 'no_such_method', [[]]),
  },
  {
    title: 'a private method',
    run: (odoo) => odoo.call('res.partner', '_private', [[]]),
  },
  {
    title: 'an unknown field in a domain',
    run: (odoo) => odoo.call('res.partner', 'search', [[['no_field', '=', 1]]]),
  },
  {
    title: 'a domain given as a string',
    message: true,
    run: (odoo) =>
      odoo.call('res.partner', 'search_read', ['[("id", "=", 1)]'], { fields: ['name'] }),
  },
  {
    title: 'a record that does not exist, written',
    message: true,
    run: (odoo) => odoo.call('res.partner', 'write', [[99_999_999], { name: 'x' }]),
  },
  {
    title: 'a contact without a name',
    message: true,
    run: (odoo) => odoo.call('res.partner', 'create', [{ email: 'nameless@example.com' }]),
  },
];

/** A method of an api_doc document. */
interface MethodEntry {
  api?: string[];
  parameters: Record<string, { kind?: string; default?: unknown }>;
}

/** The methods whose api_doc entries are compared. */
const DOCUMENTED = [
  'search_read',
  'read',
  'create',
  'write',
  'copy',
  'name_search',
  'find_or_create',
  'message_subscribe',
  'message_post',
  'action_archive',
];

/** What the client reads of a method's entry: model method or not, and each parameter's kind. */
function methodShape(entry: MethodEntry): Json {
  return {
    model: entry.api?.includes('model') ?? false,
    parameters: Object.entries(entry.parameters).map(([name, parameter]) => [
      name,
      parameter.kind ?? 'POSITIONAL_OR_KEYWORD',
      'default' in parameter,
    ]),
  };
}

/** An error, as the cases compare it: code, exception class, and the message without digits. */
function errorShape(error: unknown, withMessage: boolean): Json {
  if (!isOdooError(error)) throw error;
  const cause = (error.cause ?? {}) as { name?: string; status?: number };
  return {
    error: error.code,
    name: cause.name ?? null,
    status: cause.status ?? null,
    ...(withMessage ? { message: error.message.replace(/\d+/g, 'N') } : {}),
  };
}

const server = realServer();

(server ? describe : describe.skip)(
  `the stand-in answers as the real Odoo does (${TRANSPORT})`,
  function () {
    this.timeout(60_000);
    let target: OdooTarget;
    let standIn: StandIn;
    let real: { client: OdooClient; side: Side };
    let stand: { client: OdooClient; side: Side };

    before(async function () {
      target = await openTarget(TRANSPORT);
      standIn = await startStandIn({ version: `${target.major}.0` as Version });
      const realClient = target.client();
      const standInClient = new OdooClient({
        url: standIn.url,
        db: standIn.db,
        username: 'admin',
        apiKey: standIn.adminApiKey,
        transport: TRANSPORT,
      });
      real = { client: realClient, side: sideOf(realClient) };
      stand = { client: standInClient, side: sideOf(standInClient) };
    });

    after(async function () {
      real?.client.close();
      stand?.client.close();
      await standIn?.close();
      await target?.close();
    });

    const answer = async (side: Side, testCase: Case) => {
      try {
        const value = await testCase.run(side);
        return testCase.exact ? (value as Json) : shapeOf(value);
      } catch (error) {
        return errorShape(error, testCase.message === true);
      } finally {
        await side.cleanUp();
      }
    };

    for (const testCase of CASES) {
      it(testCase.title, async function () {
        if (testCase.majors && !testCase.majors.includes(target.major)) this.skip();
        const [fromOdoo, fromStandIn] = [
          await answer(real.side, testCase),
          await answer(stand.side, testCase),
        ];
        assert.deepEqual(fromStandIn, fromOdoo);
      });
    }

    describe('over HTTP', function () {
      /** POSTs `body` to the server's `path`; answers the status and the content type. */
      const post = (url: string, path: string, headers: Record<string, string>, body: string) =>
        new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
          const request = http.request(
            new URL(path, url),
            { method: 'POST', headers },
            (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () =>
                resolve({
                  status: response.statusCode ?? 0,
                  type: String(response.headers['content-type'] ?? '').split(';')[0],
                  body: Buffer.concat(chunks).toString('utf8'),
                }),
              );
            },
          );
          request.on('error', reject);
          request.end(body);
        });

      /** GETs `path` with the bearer `key`; answers the status and the JSON body, if any. */
      const get = (url: string, path: string, key: string, db: string) =>
        new Promise<{ status: number; json: unknown }>((resolve, reject) => {
          const headers = { Authorization: `bearer ${key}`, 'X-Odoo-Database': db };
          http
            .get(new URL(path, url), { headers }, (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                let json: unknown;
                try {
                  json = JSON.parse(text);
                } catch {
                  json = undefined;
                }
                resolve({ status: response.statusCode ?? 0, json });
              });
            })
            .on('error', reject);
        });

      it('api_doc describes models and methods to administrators', async function () {
        if (target.major < 19) this.skip();
        for (const path of ['/doc-bearer/index.json', '/doc-bearer/res.partner.json']) {
          const fromOdoo = await get(target.url, path, target.apiKey, target.db);
          const fromStandIn = await get(standIn.url, path, standIn.adminApiKey, standIn.db);
          assert.equal(fromOdoo.status, 200);
          assert.equal(fromStandIn.status, 200, path);
          const reduce = (doc: unknown) => {
            const { modules, models, methods, fields } = doc as Record<string, unknown>;
            if (models) {
              const partner = (models as { model: string; methods?: string[] }[]).find(
                (entry) => entry.model === 'res.partner',
              );
              return {
                modules: Array.isArray(modules),
                partner: Object.keys(partner ?? {}).sort(),
                methods: ['search_read', 'find_or_create', 'message_subscribe', 'read_group'].map(
                  (name) => partner?.methods?.includes(name),
                ),
              };
            }
            const known = methods as Record<string, MethodEntry | undefined>;
            return {
              keys: Object.keys(doc as object).sort(),
              field: (fields as Record<string, { type?: string }>).name?.type,
              methods: Object.fromEntries(
                DOCUMENTED.map((name) => [name, known[name] && methodShape(known[name])]),
              ),
            };
          };
          assert.deepEqual(reduce(fromStandIn.json), reduce(fromOdoo.json), path);
        }
      });

      it('api_doc refuses users who are not administrators (403)', async function () {
        if (target.major < 19 || !target.demo) this.skip();
        const fromOdoo = await get(
          target.url,
          '/doc-bearer/res.partner.json',
          target.demo.apiKey,
          target.db,
        );
        const fromStandIn = await get(
          standIn.url,
          '/doc-bearer/res.partner.json',
          standIn.createApiKey('demo'),
          standIn.db,
        );
        assert.equal(fromOdoo.status, 403);
        assert.deepEqual(
          { status: fromStandIn.status, name: (fromStandIn.json as { name?: string })?.name },
          { status: fromOdoo.status, name: (fromOdoo.json as { name?: string })?.name },
        );
      });

      it('JSON-2 refuses a body that is not JSON with 415', async function () {
        if (target.major < 19) this.skip();
        const headers = (key: string, db: string) => ({
          Authorization: `bearer ${key}`,
          'X-Odoo-Database': db,
          'Content-Type': 'text/plain',
          Accept: 'application/json',
        });
        const fromOdoo = await post(
          target.url,
          '/json/2/res.partner/search_count',
          headers(target.apiKey, target.db),
          '{"domain": []}',
        );
        const fromStandIn = await post(
          standIn.url,
          '/json/2/res.partner/search_count',
          headers(standIn.adminApiKey, standIn.db),
          '{"domain": []}',
        );
        assert.equal(fromOdoo.status, 415);
        assert.deepEqual([fromStandIn.status, fromStandIn.type], [fromOdoo.status, fromOdoo.type]);
      });
    });
  },
);
