/**
 * The stand-in's JSON routes over raw HTTP: `/jsonrpc` as Odoo 17 and 19 answer it, and Odoo
 * 19's JSON-2 API and `/web/version`, which older servers do not have. (The recorded Odoo 17
 * exchanges are replayed by contract_spec.)
 */
import { strict as assert } from 'assert';
import { request } from 'http';
import { StandIn, startStandIn } from './stand-in/server';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  standIn: StandIn,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: standIn.port,
        path,
        method,
        headers: payload
          ? { 'Content-Type': 'application/json', 'Content-Length': payload.length, ...headers }
          : headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

function jsonrpc(standIn: StandIn, service: string, method: string, args: unknown[]) {
  return send(standIn, 'POST', '/jsonrpc', {
    jsonrpc: '2.0',
    method: 'call',
    params: { service, method, args },
    id: 7,
  });
}

describe('stand-in Odoo: JSON-RPC and JSON-2', function () {
  let odoo17: StandIn;
  let odoo19: StandIn;

  before(async function () {
    odoo17 = await startStandIn({ version: '17.0' });
    odoo19 = await startStandIn({ version: '19.0' });
  });

  beforeEach(function () {
    odoo17.reset();
    odoo19.reset();
  });

  after(async function () {
    await odoo17.close();
    await odoo19.close();
  });

  describe('/jsonrpc', function () {
    it('answers None without a result member, and floats as Python prints them', async function () {
      const none = await jsonrpc(odoo17, 'object', 'execute_kw', [
        'odootest',
        2,
        'admin',
        'res.partner',
        'action_archive',
        [[9]],
      ]);
      assert.equal(none.body, '{"jsonrpc": "2.0", "id": 7}');
      const partner = await jsonrpc(odoo17, 'object', 'execute_kw', [
        'odootest',
        2,
        'admin',
        'res.partner',
        'read',
        [[10], ['credit_limit']],
      ]);
      assert.equal(
        partner.body,
        '{"jsonrpc": "2.0", "id": 7, "result": [{"id": 10, "credit_limit": 0.0}]}',
      );
    });

    it('carries integers beyond 32 bits, which XML-RPC cannot', async function () {
      const args = ['odootest', 2, 'admin', 'res.partner', 'write', [[9, 10], { color: 2e9 }]];
      await jsonrpc(odoo17, 'object', 'execute_kw', args);
      const sum = await jsonrpc(odoo17, 'object', 'execute_kw', [
        'odootest',
        2,
        'admin',
        'res.partner',
        'read_group',
        [[['id', 'in', [9, 10]]], ['color:sum'], []],
      ]);
      assert.match(sum.body, /"color": 4000000000/);
    });

    it('reports errors with code 200 up to Odoo 18 and 0 from 19, and 19 orders data differently', async function () {
      const args = ['odootest', 2, 'admin', 'res.partner', 'create', [{ email: 'x@example.com' }]];
      const error17 = JSON.parse((await jsonrpc(odoo17, 'object', 'execute_kw', args)).body) as {
        error: { code: number; message: string; data: Record<string, unknown> };
      };
      const error19 = JSON.parse((await jsonrpc(odoo19, 'object', 'execute_kw', args)).body) as {
        error: { code: number; data: Record<string, unknown> };
      };
      assert.equal(error17.error.code, 200);
      assert.equal(error17.error.message, 'Odoo Server Error');
      assert.deepEqual(Object.keys(error17.error.data), [
        'name',
        'debug',
        'message',
        'arguments',
        'context',
      ]);
      assert.equal(error19.error.code, 0);
      assert.deepEqual(Object.keys(error19.error.data), [
        'name',
        'message',
        'arguments',
        'context',
        'debug',
      ]);
      for (const { data } of [error17.error, error19.error]) {
        assert.equal(data.name, 'odoo.exceptions.ValidationError');
        assert.deepEqual(data.arguments, [
          'The operation cannot be completed: Contacts require a name',
        ]);
        assert.match(
          String(data.debug),
          /^Traceback[^]*\nodoo\.exceptions\.ValidationError: The operation cannot/,
        );
      }
    });

    it('lists the databases on /web/database/list', async function () {
      const answer = await send(odoo19, 'POST', '/web/database/list', {
        jsonrpc: '2.0',
        method: 'call',
        params: {},
        id: 1,
      });
      assert.deepEqual(JSON.parse(answer.body), { jsonrpc: '2.0', id: 1, result: ['odootest'] });
    });
  });

  describe('JSON-2 (Odoo 19)', function () {
    const headers = (key: string, db = 'odootest') => ({
      Authorization: `bearer ${key}`,
      'X-Odoo-Database': db,
    });

    it('answers the raw result of a named-argument call; create answers a list of ids', async function () {
      const key = odoo19.adminApiKey;
      const records = await send(
        odoo19,
        'POST',
        '/json/2/res.partner/search_read',
        { domain: [['id', '=', 10]], fields: ['name', 'country_id'] },
        headers(key),
      );
      assert.equal(records.status, 200);
      assert.match(String(records.headers['content-type']), /^application\/json/);
      assert.equal(
        records.body,
        '[{"id": 10, "name": "Deco Addict", "country_id": [233, "United States"]}]',
      );
      const created = await send(
        odoo19,
        'POST',
        '/json/2/res.partner/create',
        { vals_list: { name: 'One' } },
        headers(key),
      );
      assert.equal(created.body, '[43]');
      const none = await send(
        odoo19,
        'POST',
        '/json/2/res.partner/action_archive',
        { ids: [43] },
        headers(key),
      );
      assert.equal(none.body, 'null');
    });

    it("answers errors with Odoo's statuses and error body", async function () {
      const key = odoo19.adminApiKey;
      const cases: [string, unknown, Record<string, string>, number, string, RegExp][] = [
        [
          '/json/2/res.partner/search',
          { domain: [] },
          {},
          401,
          'werkzeug.exceptions.Unauthorized',
          /use an API Key/,
        ],
        [
          '/json/2/res.partner/search',
          { domain: [] },
          headers('admin'),
          401,
          'werkzeug.exceptions.Unauthorized',
          /^Invalid apikey$/,
        ],
        [
          '/json/2/no.such/search',
          { domain: [] },
          headers(key),
          404,
          'werkzeug.exceptions.NotFound',
          /^the model 'no.such' does not exist$/,
        ],
        [
          '/json/2/res.partner/nope',
          {},
          headers(key),
          404,
          'werkzeug.exceptions.NotFound',
          /^The method 'res.partner.nope' does not exist$/,
        ],
        [
          '/json/2/res.partner/_nope',
          {},
          headers(key),
          403,
          'odoo.exceptions.AccessError',
          /^Private methods/,
        ],
        [
          '/json/2/res.partner/search',
          {},
          headers(key),
          422,
          'werkzeug.exceptions.UnprocessableEntity',
          /^missing a required argument: 'domain'$/,
        ],
        [
          '/json/2/res.partner/search',
          { domain: [], count: true },
          headers(key),
          422,
          'werkzeug.exceptions.UnprocessableEntity',
          /^got an unexpected keyword argument 'count'$/,
        ],
        [
          '/json/2/res.partner/search',
          { ids: [1], domain: [] },
          headers(key),
          422,
          'werkzeug.exceptions.UnprocessableEntity',
          /^cannot call res.partner.search with ids$/,
        ],
        [
          '/json/2/res.partner/write',
          { ids: [999999], vals: { name: 'x' } },
          headers(key),
          404,
          'odoo.exceptions.MissingError',
          /^Record does not exist/,
        ],
        [
          '/json/2/res.partner/create',
          { vals_list: [{ email: 'x' }] },
          headers(key),
          422,
          'odoo.exceptions.ValidationError',
          /Contacts require a name/,
        ],
        [
          '/json/2/res.partner/search',
          { domain: [['nofield', '=', 1]] },
          headers(key),
          500,
          'builtins.ValueError',
          /^Invalid field res.partner.nofield/,
        ],
        [
          '/json/2/res.partner',
          {},
          headers(key),
          404,
          'werkzeug.exceptions.NotFound',
          /^Did you mean POST \/json\/2\/<model>\/<method>\?$/,
        ],
      ];
      for (const [path, body, extra, status, name, message] of cases) {
        const answer = await send(odoo19, 'POST', path, body, extra);
        assert.equal(answer.status, status, `${path}: ${answer.body}`);
        const error = JSON.parse(answer.body) as Record<string, unknown>;
        assert.deepEqual(Object.keys(error), ['name', 'message', 'arguments', 'context', 'debug']);
        assert.equal(error.name, name);
        assert.match(String(error.message), message);
        if (status === 401) assert.equal(answer.headers['www-authenticate'], 'Bearer');
      }
    });

    it('accepts API keys only: a password is refused', async function () {
      const answer = await send(
        odoo19,
        'POST',
        '/json/2/res.partner/search_count',
        { domain: [] },
        headers('admin'),
      );
      assert.equal(answer.status, 401);
    });

    it('serves an unknown database without one: a plain 404 page', async function () {
      const answer = await send(
        odoo19,
        'POST',
        '/json/2/res.partner/search_count',
        { domain: [] },
        headers(odoo19.adminApiKey, 'nosuchdb'),
      );
      assert.equal(answer.status, 404);
      assert.match(String(answer.headers['content-type']), /^text\/html/);
    });

    it('tells its version on GET /web/version without a login; Odoo 17 has neither route', async function () {
      const version = await send(odoo19, 'GET', '/web/version', undefined);
      assert.deepEqual(JSON.parse(version.body), {
        version_info: [19, 0, 0, 'final', 0, ''],
        version: '19.0',
      });
      const old = await send(odoo17, 'GET', '/web/version', undefined);
      assert.equal(old.status, 404);
      const json2 = await send(
        odoo17,
        'POST',
        '/json/2/res.partner/search_count',
        { domain: [] },
        headers(odoo17.adminApiKey),
      );
      assert.equal(json2.status, 404);
      assert.match(String(json2.headers['content-type']), /^text\/html/);
    });

    it('records the calls, telling the login calls apart', async function () {
      const key = odoo19.adminApiKey;
      await send(odoo19, 'POST', '/json/2/res.users/context_get', {}, headers(key));
      await send(
        odoo19,
        'POST',
        '/json/2/res.users/read',
        { ids: [2], fields: ['login'] },
        headers(key),
      );
      await send(odoo19, 'POST', '/json/2/res.partner/search_count', { domain: [] }, headers(key));
      assert.equal(odoo19.logins(), 1);
      assert.equal(odoo19.modelCalls(), 1);
      assert.equal(odoo19.modelCalls('search_count'), 1);
    });
  });
});
