/**
 * What differs between the transports, and what must not: the same nodes over XML-RPC and
 * JSON-RPC (stand-in Odoo 17) and JSON-2 (stand-in Odoo 19) give the same payloads and codes.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OdooClient } from '../nodes/lib/client';
import type { TransportName } from '../nodes/lib/transport';
import { StandIn, startStandIn } from './stand-in/server';
import { deploy, errorOf, helper, Outcome, payloadOf, Server } from './support/flow';

const TRANSPORTS: [TransportName, '17.0' | '19.0'][] = [
  ['xmlrpc', '17.0'],
  ['jsonrpc', '17.0'],
  ['json2', '19.0'],
];

/** A pass-through proxy to the stand-in that can answer the next requests with a 503 page. */
async function startFlakyProxy(target: StandIn): Promise<{
  url: string;
  requests: string[];
  failNext(count: number): void;
  close(): Promise<void>;
}> {
  const requests: string[] = [];
  let failures = 0;
  const proxy = http.createServer((incoming, outgoing) => {
    requests.push(incoming.url ?? '');
    if (failures > 0) {
      failures--;
      incoming.resume();
      outgoing.writeHead(503, { 'Content-Type': 'text/html' }).end('<title>Busy</title>');
      return;
    }
    const forward = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    requests,
    failNext: (count) => (failures = count),
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

describe('transports: the same nodes over XML-RPC, JSON-RPC and JSON-2', function () {
  const standIns = new Map<string, StandIn>();

  before(async function () {
    standIns.set('17.0', await startStandIn({ version: '17.0' }));
    standIns.set('19.0', await startStandIn({ version: '19.0' }));
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    for (const standIn of standIns.values()) await standIn.close();
  });

  function serverFor(transport: TransportName, version: string): { odoo: StandIn; server: Server } {
    const odoo = standIns.get(version)!;
    odoo.reset();
    return {
      odoo,
      server: { url: odoo.url, db: odoo.db, login: 'admin', apiKey: odoo.adminApiKey, transport },
    };
  }

  function clientOf(): OdooClient {
    return (helper.getNode('c1') as unknown as { client: OdooClient }).client;
  }

  const execute = (model: string, method: string, args: unknown, kwargs: unknown = {}) => ({
    type: 'odoo-execute',
    model,
    modelType: 'str',
    method,
    methodType: 'str',
    args: JSON.stringify(args),
    argsType: 'json',
    kwargs: JSON.stringify(kwargs),
    kwargsType: 'json',
  });

  /** Runs the same messages through the same nodes; what came out, as payloads or error codes. */
  async function outcomes(transport: TransportName, version: string): Promise<unknown[]> {
    const { odoo, server } = serverFor(transport, version);
    const describe = (outcome: Outcome) =>
      outcome.output ? { payload: outcome.output.payload } : { code: outcome.error?.error.code };
    const results: unknown[] = [];
    const run = async (node: object, msg: Record<string, unknown> = {}, target = server) => {
      const flow = await deploy(target, [node]);
      results.push(describe(await flow.run(msg)));
      await helper.unload();
    };
    const search = { type: 'odoo-search', model: 'res.partner', modelType: 'str' };
    await run({
      ...search,
      domain: '[["is_company", "=", true]]',
      domainType: 'json',
      fields: '["name", "country_id", "category_id", "parent_id", "email", "write_date"]',
      fieldsType: 'json',
      order: 'id',
      orderType: 'str',
      returns: 'records',
    });
    await run({
      ...search,
      order: 'name desc',
      orderType: 'str',
      limit: '4',
      limitType: 'num',
      offset: '2',
      offsetType: 'num',
      returns: 'ids',
    });
    await run({
      ...search,
      context: '{"active_test": false}',
      contextType: 'json',
      returns: 'count',
    });
    await run(
      {
        type: 'odoo-read',
        model: 'res.partner',
        fields: '["name", "email", "parent_id", "image_128", "category_id"]',
        fieldsType: 'json',
        context: '{"active_test": false}',
        contextType: 'json',
      },
      { payload: [4, 5, 999999] },
    );
    await run({ type: 'odoo-create', model: 'res.partner' }, { payload: { name: 'One' } });
    await run(
      { type: 'odoo-create', model: 'res.partner' },
      { payload: [{ name: 'Two' }, { name: 'Three' }] },
    );
    await run(
      { type: 'odoo-write', model: 'res.partner' },
      { ids: [9], payload: { phone: '+1 555' } },
    );
    await run({ type: 'odoo-delete', model: 'res.partner' }, { payload: [43] });
    await run(execute('res.partner', 'name_search', ['Deco'], { limit: 3 }));
    await run(execute('res.partner', 'copy', [[10], { name: 'Deco Copy' }]));
    if (version === '19.0') {
      // Odoo 19 answers the records a method returns as a list of ids, on every transport.
      const copied = results.pop() as { payload: number[] };
      assert.equal(copied.payload.length, 1);
      results.push({ payload: copied.payload[0] });
    }
    await run(execute('res.partner', 'action_archive', [[11]]));
    await run(execute('sale.order', 'action_confirm', [[3]]));
    await run(execute('res.partner', 'search_count', [[]], { context: { active_test: false } }));
    await run(
      execute('res.partner', 'fields_get', [['name', 'country_id']], {
        attributes: ['type', 'relation'],
      }),
    );
    await run(execute('res.partner', 'read', [[10], ['name', 'country_id']]));
    // Failures: the same codes on every transport.
    await run(
      { type: 'odoo-write', model: 'res.partner' },
      { ids: [999999], payload: { name: 'x' } },
    );
    await run(
      { type: 'odoo-create', model: 'res.partner' },
      { payload: { email: 'no-name@example.com' } },
    );
    await run({ type: 'odoo-search', model: 'no.such.model' });
    await run({ ...search, domain: '[["nofield", "=", 1]]', domainType: 'json' });
    await run(execute('res.partner', 'no_such_method', []));
    await run(execute('res.partner', '_compute_display_name', [[1]]));
    await run(execute('sale.order', 'unlink', [[3]]));
    await run(search, {}, { ...server, apiKey: 'not-the-key' });
    await run(
      { type: 'odoo-search', model: 'ir.config_parameter' },
      {},
      { ...server, login: 'demo', apiKey: odoo.createApiKey('demo') },
    );
    await run(search, {}, { ...server, login: 'demo' });
    return results;
  }

  it('answer the same payloads and error codes (many2one [id, name], false for empty values)', async function () {
    const [xmlrpc, jsonrpc, json2] = [
      await outcomes('xmlrpc', '17.0'),
      await outcomes('jsonrpc', '17.0'),
      await outcomes('json2', '19.0'),
    ];
    assert.equal(xmlrpc.length, 25);
    const normalize = (results: unknown[]) =>
      JSON.parse(
        JSON.stringify(results).replace(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"/g, '"<datetime>"'),
      ) as unknown[];
    assert.deepEqual(normalize(jsonrpc), normalize(xmlrpc));
    assert.deepEqual(normalize(json2), normalize(xmlrpc));
    assert.deepEqual(xmlrpc[3], {
      payload: [
        {
          id: 4,
          name: 'Public user',
          email: false,
          parent_id: false,
          image_128: false,
          category_id: [],
        },
        {
          id: 5,
          name: 'Default User Template',
          email: false,
          parent_id: false,
          image_128: false,
          category_id: [],
        },
      ],
    });
    assert.deepEqual(xmlrpc[10], { payload: null }, 'a method that returns None');
    assert.deepEqual(
      xmlrpc.slice(15).map((result) => (result as { code: string }).code),
      [
        'ODOO_USER_ERROR',
        'ODOO_USER_ERROR',
        'ODOO_USER_ERROR',
        'ODOO_SERVER_ERROR',
        'ODOO_SERVER_ERROR',
        'ODOO_ACCESS_ERROR',
        'ODOO_USER_ERROR',
        'ODOO_ACCESS_DENIED',
        'ODOO_ACCESS_ERROR',
        'ODOO_ACCESS_DENIED',
      ],
    );
  });

  for (const [transport, version] of TRANSPORTS) {
    describe(transport, function () {
      it('sends its calls on its own protocol', async function () {
        const { odoo, server } = serverFor(transport, version);
        const flow = await deploy(server, [
          { type: 'odoo-search', model: 'res.partner', returns: 'count' },
        ]);
        assert.equal(payloadOf(await flow.run()), 36);
        const services = [...new Set(odoo.calls.map((call) => call.service))].sort();
        // Odoo's version (for the status) comes from common.version, over JSON-2 /web/version.
        assert.deepEqual(services, transport === 'json2' ? ['json2', 'web'] : ['common', 'object']);
        assert.deepEqual(await clientOf().describe(), {
          setting: transport,
          transport,
          version: version === '19.0' ? '19.0' : '17.0-20240709',
          versionInfo: [Number(version.slice(0, 2)), 0, 0, 'final', 0, ''],
        });
      });

      it(
        transport === 'xmlrpc'
          ? 'fails on integers beyond 32 bits in an answer, as Odoo does (OverflowError)'
          : 'carries integers beyond 32 bits in answers',
        async function () {
          const { server } = serverFor(transport, version);
          const flow = await deploy(server, [
            { type: 'odoo-write', model: 'res.partner' },
            execute('res.partner', 'read_group', [
              [['id', 'in', [9, 10]]],
              ['color:sum'],
              ['is_company'],
            ]),
          ]);
          payloadOf(await flow.run({ ids: [9, 10], payload: { color: 2_000_000_000 } }));
          const outcome = await flow.run({}, 'n2');
          if (transport === 'xmlrpc') {
            const error = errorOf(outcome);
            assert.equal(error.code, 'ODOO_SERVER_ERROR');
            assert.equal(error.message, 'OverflowError: int exceeds XML-RPC limits');
          } else {
            const [group] = payloadOf(outcome) as { color: number }[];
            assert.equal(group.color, 4_000_000_000);
          }
        },
      );

      it('retries reads after a 503 and never sends a write twice', async function () {
        const { odoo, server } = serverFor(transport, version);
        const proxy = await startFlakyProxy(odoo);
        try {
          const flow = await deploy({ ...server, url: proxy.url, settings: { retries: 2 } }, [
            { type: 'odoo-search', model: 'res.partner', returns: 'count' },
            { type: 'odoo-create', model: 'res.partner' },
          ]);
          assert.equal(payloadOf(await flow.run()), 36);
          proxy.failNext(2);
          const before = odoo.modelCalls('search_count');
          assert.equal(payloadOf(await flow.run()), 36);
          assert.equal(odoo.modelCalls('search_count'), before + 1);
          proxy.failNext(1);
          const sent = proxy.requests.length;
          const error = errorOf(await flow.run({ payload: { name: 'Once' } }, 'n2'));
          assert.equal(error.code, 'ODOO_PROTOCOL_ERROR');
          assert.match(error.message, /HTTP 503/);
          assert.equal(proxy.requests.length, sent + 1, 'the create was sent once');
          assert.equal(odoo.modelCalls('create'), 0);
        } finally {
          await helper.unload();
          await proxy.close();
        }
      });

      it('keeps the deadline and the answer size limit', async function () {
        const { server } = serverFor(transport, version);
        const silent = http.createServer(() => undefined);
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        try {
          const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
          const slow = await deploy({ ...server, url, settings: { timeout: '0.2', retries: 0 } }, [
            { type: 'odoo-search', model: 'res.partner' },
          ]);
          assert.equal(errorOf(await slow.run()).code, 'ODOO_TIMEOUT');
          await helper.unload();
          const small = await deploy({ ...server, settings: { maxBodyMB: '0.01' } }, [
            { type: 'odoo-search', model: 'res.partner' },
          ]);
          const error = errorOf(await small.run());
          assert.equal(error.code, 'ODOO_PROTOCOL_ERROR');
          assert.match(error.message, /answered more than 0\.01 MB/);
        } finally {
          await helper.unload();
          silent.closeAllConnections();
          await new Promise((resolve) => silent.close(resolve));
        }
      });

      if (transport !== 'xmlrpc') {
        it('names the Odoo exception on msg.error.cause.name; the code stays ODOO_USER_ERROR', async function () {
          const { server } = serverFor(transport, version);
          const flow = await deploy(server, [{ type: 'odoo-create', model: 'res.partner' }]);
          const error = errorOf(await flow.run({ payload: { email: 'no-name@example.com' } }));
          assert.equal(error.code, 'ODOO_USER_ERROR');
          assert.equal(error.message, 'The operation cannot be completed: Contacts require a name');
          const cause = error.cause as { name: string; faultCode: number };
          assert.equal(cause.name, 'odoo.exceptions.ValidationError');
          assert.equal(cause.faultCode, 2);
        });
      }
    });
  }

  describe('JSON-2', function () {
    it('maps HTTP statuses onto the codes: 401, 403, 404 (model, method), 422, 500', async function () {
      const { odoo, server } = serverFor('json2', '19.0');
      const cases: [object, Record<string, unknown>, Server, string, number][] = [
        [
          { type: 'odoo-search', model: 'res.partner' },
          {},
          { ...server, apiKey: 'wrong' },
          'ODOO_ACCESS_DENIED',
          401,
        ],
        [
          { type: 'odoo-search', model: 'ir.config_parameter' },
          {},
          { ...server, login: 'demo', apiKey: odoo.createApiKey('demo') },
          'ODOO_ACCESS_ERROR',
          403,
        ],
        [{ type: 'odoo-search', model: 'no.such.model' }, {}, server, 'ODOO_USER_ERROR', 404],
        [execute('res.partner', 'no_such_method', []), {}, server, 'ODOO_SERVER_ERROR', 404],
        [
          execute('res.partner', 'search', [[]], { count: true }),
          {},
          server,
          'ODOO_USER_ERROR',
          422,
        ],
        [
          {
            type: 'odoo-search',
            model: 'res.partner',
            domain: '[["nofield", "=", 1]]',
            domainType: 'json',
          },
          {},
          server,
          'ODOO_SERVER_ERROR',
          500,
        ],
      ];
      for (const [node, msg, target, code, status] of cases) {
        const flow = await deploy(target, [node]);
        const error = errorOf(await flow.run(msg));
        assert.equal(error.code, code, `HTTP ${status}`);
        if (status !== 401) assert.equal((error.cause as { status: number }).status, status);
        await helper.unload();
      }
    });

    it("maps execute args onto named arguments: ids, then the method's parameters", async function () {
      const { odoo, server } = serverFor('json2', '19.0');
      const flow = await deploy(server, [
        execute('res.partner', 'name_search', ['Deco', [['is_company', '=', true]]]),
        execute('res.partner', 'copy', [[10], { name: 'Named Copy' }]),
        execute('sale.order', 'message_post', [[3]], { body: 'Shipped' }),
        execute('ir.config_parameter', 'get_param', [], { key: 'web.base.url' }),
      ]);
      assert.deepEqual(payloadOf(await flow.run({}, 'n1')), [[10, 'Deco Addict']]);
      const [copy] = payloadOf(await flow.run({}, 'n2')) as number[];
      assert.equal(odoo.records('res.partner').find((row) => row.id === copy)?.name, 'Named Copy');
      const [message] = payloadOf(await flow.run({}, 'n3')) as number[];
      assert.equal(typeof message, 'number');
      assert.equal(typeof payloadOf(await flow.run({}, 'n4')), 'string');
    });

    it("names positional args of any method from the server's api_doc (model methods too)", async function () {
      const { odoo, server } = serverFor('json2', '19.0');
      const flow = await deploy(server, [
        execute('res.partner', 'message_subscribe', [[14], [3]]),
        execute('res.partner', 'find_or_create', ['Ann <ann@example.com>']),
        execute('ir.config_parameter', 'get_param', ['web.base.url']),
      ]);
      assert.equal(payloadOf(await flow.run({}, 'n1')), true);
      assert.deepEqual(odoo.calls.at(-1)?.named, { ids: [14], partner_ids: [3] });
      const [created] = payloadOf(await flow.run({}, 'n2')) as number[];
      assert.equal(
        odoo.records('res.partner').find((row) => row.id === created)?.email,
        'ann@example.com',
      );
      assert.deepEqual(odoo.calls.at(-1)?.named, { email: 'Ann <ann@example.com>' });
      assert.equal(payloadOf(await flow.run({}, 'n3')), 'http://localhost:8069');
    });

    it('refuses args it cannot name, and sends nothing', async function () {
      const { odoo, server } = serverFor('json2', '19.0');
      const cases: [object, RegExp, Server?][] = [
        [
          execute('sale.order', 'action_confirm', [[3], true]),
          /action_confirm takes at most 1 arguments in args \(ids\), got 2/,
        ],
        [
          execute('res.partner', 'search', [[], 0, 5, 'id', true]),
          /search takes at most 4 arguments in args \(domain, offset, limit, order\), got 5/,
        ],
        [
          execute('res.partner', 'read', [[1], ['name']], { fields: ['email'] }),
          /argument fields of read is given twice/,
        ],
        [
          execute('res.partner', 'write', [], { vals: {} }),
          /args of write must hold the record ids first.*got nothing/,
        ],
      ];
      // A user who may not read the api_doc: the methods the node does not know are refused.
      const demo = { ...server, login: 'demo', apiKey: odoo.createApiKey('demo') };
      const undocumented: [object, RegExp][] = [
        [
          execute('res.partner', 'message_subscribe', [[14], [3]]),
          /message_subscribe takes its arguments by name, and this user may not read .*\/doc-bearer\/res\.partner\.json.*in kwargs under their names; the first of them was \[3\]/,
        ],
        [
          execute('res.partner', 'find_or_create', ['ann@example.com']),
          /args of find_or_create must hold the record ids first .*got "ann@example.com"; if find_or_create is a model method \(@api\.model\), put its arguments in kwargs/,
        ],
      ];
      for (const [target, list] of [
        [server, cases],
        [demo, undocumented],
      ] as const) {
        const flow = await deploy(
          target,
          list.map(([node]) => node),
        );
        for (const [index, [, message]] of list.entries()) {
          odoo.resetCalls();
          const error = errorOf(await flow.run({}, `n${index + 1}`));
          assert.equal(error.code, 'ODOO_INVALID_INPUT');
          assert.match(error.message, message);
          assert.equal(odoo.modelCalls(), 0, 'nothing may be sent');
        }
        await helper.unload();
      }
    });

    it('explains a 404 page from Odoo 18 or older: pick another transport', async function () {
      const { server } = serverFor('json2', '17.0');
      const flow = await deploy(server, [{ type: 'odoo-search', model: 'res.partner' }]);
      const error = errorOf(await flow.run());
      assert.equal(error.code, 'ODOO_PROTOCOL_ERROR');
      assert.match(
        error.message,
        /answered HTTP 404 .* instead of JSON-2: this server has no JSON-2 API, which came with Odoo 19: choose the XML-RPC, JSON-RPC or automatic transport/,
      );
    });

    it('refuses an API key that cannot travel in a header, without showing it', async function () {
      const { odoo, server } = serverFor('json2', '19.0');
      const flow = await deploy({ ...server, apiKey: 'secret-part\nsecond-line' }, [
        { type: 'odoo-search', model: 'res.partner' },
      ]);
      const error = errorOf(await flow.run());
      assert.equal(error.code, 'ODOO_INVALID_INPUT');
      assert.match(error.message, /the API key cannot be sent in an HTTP header/);
      assert.doesNotMatch(JSON.stringify(error), /secret-part/);
      assert.equal(odoo.calls.length, 0);
    });
  });

  describe('auto', function () {
    it('picks JSON-2 on Odoo 19, asking the server once', async function () {
      const { odoo, server } = serverFor('json2', '19.0');
      const flow = await deploy({ ...server, transport: 'auto' }, [
        { type: 'odoo-search', model: 'res.partner', returns: 'count' },
      ]);
      for (const outcome of await flow.runAll([{}, {}, {}])) assert.equal(payloadOf(outcome), 36);
      assert.equal(odoo.count('web', 'version'), 1);
      assert.equal(odoo.count('json2', 'search_count'), 3);
      assert.deepEqual(await clientOf().describe(), {
        setting: 'auto',
        transport: 'json2',
        version: '19.0',
        versionInfo: [19, 0, 0, 'final', 0, ''],
      });
      assert.equal(odoo.count('web', 'version'), 1, 'describe reuses the version');
    });

    it('picks XML-RPC on Odoo 17', async function () {
      const { odoo, server } = serverFor('xmlrpc', '17.0');
      const flow = await deploy({ ...server, transport: 'auto' }, [
        { type: 'odoo-search', model: 'res.partner', returns: 'count' },
      ]);
      assert.equal(payloadOf(await flow.run()), 36);
      assert.equal(odoo.count('object', 'execute_kw', 'search_count'), 1);
      assert.equal(clientOf().transportName, 'xmlrpc');
    });
  });

  it('refuses an unknown transport setting', async function () {
    const { server } = serverFor('xmlrpc', '17.0');
    const flow = await deploy({ ...server, transport: 'soap' }, [
      { type: 'odoo-search', model: 'res.partner' },
    ]);
    const error = errorOf(await flow.run());
    assert.equal(error.code, 'ODOO_INVALID_INPUT');
    assert.match(error.message, /setting transport must be "xmlrpc", "jsonrpc", "json2", "auto"/);
  });
});
