import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StandIn } from './stand-in/server';
import { deploy, errorOf, helper, Server, startOdoo, TRANSPORT } from './support/flow';

/** Where the first request of a message goes: the login, on each transport. */
const FIRST_PATH = {
  xmlrpc: '/xmlrpc/2/common',
  jsonrpc: '/jsonrpc',
  json2: '/json/2/res.users/context_get',
}[TRANSPORT as 'xmlrpc' | 'jsonrpc' | 'json2'];

/** What err.cause holds besides faultCode and faultString: the exception name on JSON. */
const CAUSE_KEYS = {
  xmlrpc: ['faultCode', 'faultString'],
  jsonrpc: ['faultCode', 'faultString', 'name'],
  json2: ['faultCode', 'faultString', 'name', 'status'],
}[TRANSPORT as 'xmlrpc' | 'jsonrpc' | 'json2'];

/** A web server that is not Odoo: answers every request with `status`, `headers` and `body`. */
async function startWebServer(
  status: number,
  headers: Record<string, string>,
  body: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const web = http.createServer((_request, response) => {
    response.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const { port } = web.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        web.closeAllConnections();
        web.close(() => resolve());
      }),
  };
}

describe(`errors reach Catch nodes with a public code (${TRANSPORT})`, function () {
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

  describe('ODOO_INVALID_INPUT: nothing is sent', function () {
    const cases: [string, object, Record<string, unknown>, RegExp][] = [
      [
        'model not a string',
        { type: 'odoo-search', model: 'model', modelType: 'msg' },
        { model: 42 },
        /model must be a non-empty string/,
      ],
      [
        'empty model',
        { type: 'odoo-search', model: '', modelType: 'str' },
        {},
        /model must be a non-empty string/,
      ],
      [
        'ids not integers',
        { type: 'odoo-read', model: 'res.partner' },
        { payload: ['7'] },
        /ids must be a positive integer/,
      ],
      [
        'ids a fraction',
        { type: 'odoo-delete', model: 'res.partner' },
        { payload: 1.5 },
        /ids must be a positive integer/,
      ],
      [
        'ids missing',
        { type: 'odoo-write', model: 'res.partner' },
        { payload: { name: 'x' } },
        /ids must be/,
      ],
      [
        'domain not an array',
        { type: 'odoo-search', model: 'res.partner', domain: 'domain', domainType: 'msg' },
        { domain: { is_company: true } },
        /domain must be an array/,
      ],
      [
        'values not an object',
        { type: 'odoo-create', model: 'res.partner' },
        { payload: 'Bob' },
        /values must be an object/,
      ],
      [
        'write values an array',
        { type: 'odoo-write', model: 'res.partner' },
        { ids: [1], payload: [{}] },
        /values must be an object/,
      ],
      [
        'args not an array',
        {
          type: 'odoo-execute',
          model: 'res.partner',
          method: 'copy',
          args: 'args',
          argsType: 'msg',
        },
        { args: 3 },
        /args must be an array/,
      ],
      [
        'kwargs not an object',
        {
          type: 'odoo-execute',
          model: 'res.partner',
          method: 'copy',
          kwargs: 'kwargs',
          kwargsType: 'msg',
        },
        { kwargs: [1] },
        /kwargs must be an object/,
      ],
      [
        'limit negative',
        { type: 'odoo-search', model: 'res.partner', limit: 'limit', limitType: 'msg' },
        { limit: -1 },
        /limit must be a non-negative integer/,
      ],
      [
        'offset not an integer',
        { type: 'odoo-search', model: 'res.partner', offset: 'offset', offsetType: 'msg' },
        { offset: 'ten' },
        /offset must be a non-negative integer/,
      ],
      [
        'returns unknown',
        { type: 'odoo-search', model: 'res.partner', returns: 'rows' },
        {},
        /returns must be "records", "ids" or "count"/,
      ],
      [
        'invalid JSON in the node',
        { type: 'odoo-search', model: 'res.partner', domain: '[[', domainType: 'json' },
        {},
        /domain could not be evaluated/,
      ],
      [
        'a value that is not data',
        { type: 'odoo-create', model: 'res.partner' },
        { payload: { name: 'x', color: Number.NaN } },
        /values.color cannot be sent to Odoo/,
      ],
      [
        'an integer beyond exact numbers in values',
        { type: 'odoo-write', model: 'res.partner' },
        { ids: [9], payload: { color: 1e21 } },
        /values.color cannot be sent to Odoo: 1e\+21 is beyond the integers a number holds exactly/,
      ],
      [
        'Infinity in a domain',
        { type: 'odoo-search', model: 'res.partner', domain: 'domain', domainType: 'msg' },
        { domain: [['id', '<', Number.POSITIVE_INFINITY]] },
        /domain\[0\]\[2\] cannot be sent to Odoo: Infinity is not a finite number/,
      ],
      [
        'NaN in args',
        {
          type: 'odoo-execute',
          model: 'res.partner',
          method: 'name_search',
          args: 'args',
          argsType: 'msg',
        },
        { args: ['Deco', [], 'ilike', Number.NaN] },
        /args\[3\] cannot be sent to Odoo: NaN is not a finite number/,
      ],
      [
        'an integer beyond exact numbers in the context',
        { type: 'odoo-search', model: 'res.partner', context: 'context', contextType: 'msg' },
        { context: { allowed_company_ids: [2 ** 60] } },
        /context.allowed_company_ids\[0\] cannot be sent to Odoo: 1152921504606847000 is beyond/,
      ],
    ];
    for (const [title, node, msg, message] of cases) {
      it(title, async function () {
        const flow = await deploy(server, [node]);
        odoo.resetCalls();
        const error = errorOf(await flow.run(msg));
        assert.equal(error.code, 'ODOO_INVALID_INPUT');
        assert.match(error.message, message);
        assert.equal(odoo.calls.length, 0, 'no request may be sent');
      });
    }

    it('a node without a config node', async function () {
      const flow = await deploy(server, [
        { type: 'odoo-search', model: 'res.partner', server: '' },
      ]);
      const error = errorOf(await flow.run());
      assert.equal(error.code, 'ODOO_INVALID_INPUT');
      assert.match(error.message, /no Odoo server is configured/);
    });
  });

  it('ODOO_ACCESS_DENIED: the login is refused; the message names db and login, never the key', async function () {
    const flow = await deploy({ ...server, apiKey: 'not-the-key-0123456789' }, [
      { type: 'odoo-search', model: 'res.partner' },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_ACCESS_DENIED');
    assert.match(error.message, /"admin".*"odootest"/);
    assert.doesNotMatch(JSON.stringify(error), /not-the-key/);
  });

  it('ODOO_ACCESS_ERROR: the user lacks the rights (fault 4)', async function () {
    const flow = await deploy({ ...server, login: 'demo', apiKey: odoo.createApiKey('demo') }, [
      { type: 'odoo-search', model: 'ir.config_parameter' },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_ACCESS_ERROR');
    assert.match(error.message, /You are not allowed to access 'System Parameter'/);
    assert.deepEqual((error.cause as { faultCode: number }).faultCode, 4);
  });

  it('ODOO_ACCESS_ERROR: a private method', async function () {
    const flow = await deploy(server, [
      {
        type: 'odoo-execute',
        model: 'res.partner',
        method: '_compute_display_name',
        args: '[[1]]',
        argsType: 'json',
      },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_ACCESS_ERROR');
    assert.match(error.message, /Private methods/);
  });

  it('ODOO_USER_ERROR: Odoo refuses the operation (fault 2), with the full fault on cause', async function () {
    const flow = await deploy(server, [{ type: 'odoo-write', model: 'res.partner' }]);
    const error = errorOf(await flow.run({ ids: [999999], payload: { name: 'x' } }));
    assert.equal(error.code, 'ODOO_USER_ERROR');
    assert.match(error.message, /^Record does not exist or has been deleted\./);
    assert.deepEqual(Object.keys(error.cause as object).sort(), CAUSE_KEYS);
    assert.equal((error.cause as { faultCode: number }).faultCode, 2);
    if (TRANSPORT !== 'xmlrpc') {
      assert.equal((error.cause as { name: string }).name, 'odoo.exceptions.MissingError');
    }
  });

  it('ODOO_USER_ERROR: an unknown model', async function () {
    const flow = await deploy(server, [{ type: 'odoo-search', model: 'no.such.model' }]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_USER_ERROR');
    assert.equal(
      error.message,
      TRANSPORT === 'json2'
        ? "the model 'no.such.model' does not exist"
        : "Object no.such.model doesn't exist",
    );
  });

  it('ODOO_SERVER_ERROR: the exception line of the traceback, the traceback on cause', async function () {
    const flow = await deploy(server, [
      {
        type: 'odoo-search',
        model: 'res.partner',
        domain: '[["nofield", "=", 1]]',
        domainType: 'json',
      },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_SERVER_ERROR');
    assert.equal(
      error.message,
      "ValueError: Invalid field res.partner.nofield in leaf ('nofield', '=', 1)",
    );
    const cause = error.cause as { faultCode: number; faultString: string };
    assert.equal(cause.faultCode, 1);
    assert.match(cause.faultString, /^Traceback \(most recent call last\):/);
  });

  it('ODOO_SERVER_ERROR: an unknown method', async function () {
    const flow = await deploy(server, [
      { type: 'odoo-execute', model: 'res.partner', method: 'no_such_method' },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_SERVER_ERROR');
    assert.equal(
      error.message,
      TRANSPORT === 'json2'
        ? "AttributeError: The method 'res.partner.no_such_method' does not exist"
        : "AttributeError: The method 'no_such_method' does not exist on the model 'res.partner'",
    );
  });

  it('ODOO_SERVER_ERROR: a wrong database', async function () {
    const flow = await deploy({ ...server, db: 'nosuchdb' }, [
      { type: 'odoo-search', model: 'res.partner' },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_SERVER_ERROR');
    assert.match(
      error.message,
      TRANSPORT === 'json2'
        ? /has no database "nosuchdb"/
        : /^psycopg2.OperationalError: .*database "nosuchdb" does not exist/,
    );
  });

  it('ODOO_NETWORK_ERROR: nothing listens at the address', async function () {
    const web = await startWebServer(200, {}, '');
    await web.close();
    const flow = await deploy({ ...server, url: web.url }, [
      { type: 'odoo-search', model: 'res.partner' },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_NETWORK_ERROR');
    assert.match(error.message, /^cannot reach Odoo at http:\/\/127\.0\.0\.1:\d+\//);
    assert.ok(error.message.includes(`${FIRST_PATH}: connection refused`), error.message);
  });

  describe("ODOO_PROTOCOL_ERROR: the answer is not the transport's", function () {
    const protocol = { xmlrpc: 'XML-RPC', jsonrpc: 'JSON-RPC', json2: 'JSON-2' }[
      TRANSPORT as 'xmlrpc' | 'jsonrpc' | 'json2'
    ];
    const cases: [string, number, Record<string, string>, string, RegExp][] = [
      [
        'an HTML 404 page',
        404,
        { 'Content-Type': 'text/html' },
        '<html><head><title>404 Not Found</title></head><body>nope</body></html>',
        TRANSPORT === 'json2'
          ? /answered HTTP 404 \(text\/html\) instead of JSON-2: this server has no JSON-2 API.*choose the XML-RPC, JSON-RPC or automatic transport.*"404 Not Found"/
          : /answered HTTP 404 \(text\/html\).*without \/web or \/odoo.*"404 Not Found"/,
      ],
      [
        'a proxy error page',
        502,
        { 'Content-Type': 'text/html' },
        '<html><title>502 Bad Gateway</title></html>',
        /HTTP 502.*is Odoo running\?/,
      ],
      [
        'a redirect',
        301,
        { Location: 'https://odoo.example.com/' },
        '',
        /redirects .* to https:\/\/odoo\.example\.com\/: use that address/,
      ],
      [
        'a 200 HTML login page',
        200,
        { 'Content-Type': 'text/html; charset=utf-8' },
        '<html><title>Login</title></html>',
        /HTTP 200 \(text\/html; charset=utf-8\).*does not look like an Odoo server/,
      ],
      TRANSPORT === 'xmlrpc'
        ? [
            'XML that is not XML-RPC',
            200,
            { 'Content-Type': 'text/xml' },
            '<?xml version="1.0"?><rss></rss>',
            /did not answer with XML-RPC/,
          ]
        : [
            `JSON that is not ${protocol}`,
            200,
            { 'Content-Type': 'application/json' },
            TRANSPORT === 'jsonrpc' ? '{"hello": "world"}' : '{"truncated": ',
            new RegExp(`did not answer with ${protocol}`),
          ],
    ];
    for (const [title, status, headers, body, message] of cases) {
      it(title, async function () {
        const web = await startWebServer(status, headers, body);
        try {
          const flow = await deploy({ ...server, url: web.url }, [
            { type: 'odoo-search', model: 'res.partner' },
          ]);
          const error = errorOf(await flow.run());
          assert.equal(error.code, 'ODOO_PROTOCOL_ERROR');
          assert.match(error.message, message);
        } finally {
          await helper.unload();
          await web.close();
        }
      });
    }
  });

  it('a server node setting out of range', async function () {
    const flow = await deploy({ ...server, settings: { concurrency: '0', timeout: '30' } }, [
      { type: 'odoo-search', model: 'res.partner' },
    ]);
    odoo.resetCalls();
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_INVALID_INPUT');
    assert.match(error.message, /setting concurrency must be a whole number from 1 to 1000/);
    assert.equal(odoo.calls.length, 0);
  });

  describe('a URL the config node refuses', function () {
    const cases: [string, RegExp][] = [
      ['odoo.example.com', /must start with http:\/\/ or https:\/\//],
      ['ftp://odoo.example.com', /scheme ftp is not supported/],
      ['https://admin:secret-pass@odoo.example.com', /contains a user name or password/],
    ];
    for (const [url, message] of cases) {
      it(url, async function () {
        const flow = await deploy({ ...server, url }, [
          { type: 'odoo-search', model: 'res.partner' },
        ]);
        const error = errorOf(await flow.run());
        assert.equal(error.code, 'ODOO_INVALID_INPUT');
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /secret-pass/);
      });
    }
  });
});
