/**
 * Tests of the stand-in Odoo server itself, over raw HTTP with hand-built XML-RPC bodies:
 * transport, services, ORM semantics, faults and the test-facing helpers.
 */
import { strict as assert } from 'assert';
import { Agent, IncomingHttpHeaders, request } from 'http';
import { Readable } from 'stream';
import { StandIn, StandInOptions, startStandIn } from './stand-in/server';
import { parseMethodCall, parsePlainMethodCall } from './stand-in/xmlrpc';

// The xmlrpc package ships no typings for its serializer and deserializer modules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serializeMethodCall } = require('xmlrpc/lib/serializer') as {
  serializeMethodCall(method: string, params: unknown[]): string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Deserializer = require('xmlrpc/lib/deserializer') as new () => {
  deserializeMethodResponse(
    stream: Readable,
    callback: (error: XmlRpcFault | null, value?: unknown) => void,
  ): void;
};

interface XmlRpcFault extends Error {
  faultCode?: number | string;
  faultString?: string;
}

interface HttpAnswer {
  status: number;
  reason: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: string;
}

interface Fault {
  faultCode: number | string;
  faultString: string;
}

function post(
  url: string,
  path: string,
  body: string | Buffer,
  agent?: Agent,
  method = 'POST',
): Promise<HttpAnswer> {
  const target = new URL(url);
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname.replace(/\/$/, '') + path,
        method,
        agent,
        headers:
          method === 'GET' ? {} : { 'Content-Type': 'text/xml', 'Content-Length': payload.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            reason: response.statusMessage ?? '',
            headers: response.headers,
            rawHeaders: response.rawHeaders,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    if (method !== 'GET') outgoing.write(payload);
    outgoing.end();
  });
}

function decode(body: string): Promise<{ value?: unknown; fault?: Fault }> {
  return new Promise((resolve, reject) => {
    new Deserializer().deserializeMethodResponse(Readable.from([body]), (error, value) => {
      if (error && error.faultCode !== undefined) {
        resolve({ fault: { faultCode: error.faultCode, faultString: error.faultString ?? '' } });
      } else if (error) reject(error);
      else resolve({ value });
    });
  });
}

/** The line after the last traceback frame: 'ValueError: ...'. */
function exceptionLine(traceback: string): string {
  const lines = traceback.split('\n');
  let last = -1;
  lines.forEach((line, index) => {
    if (line.startsWith('  File "')) last = index;
  });
  let index = last + 1;
  while (lines[index]?.startsWith('    ')) index++;
  return lines[index] ?? '';
}

class Client {
  constructor(
    readonly standIn: StandIn,
    readonly uid = 2,
    readonly password = 'admin',
  ) {}

  async raw(
    service: string,
    method: string,
    params: unknown[],
    legacy = false,
  ): Promise<HttpAnswer> {
    return post(
      this.standIn.url,
      `/xmlrpc/${legacy ? '' : '2/'}${service}`,
      serializeMethodCall(method, params),
    );
  }

  async call(service: string, method: string, params: unknown[]): Promise<unknown> {
    const answer = await decode((await this.raw(service, method, params)).body);
    if (answer.fault)
      assert.fail(`unexpected fault ${answer.fault.faultCode}: ${answer.fault.faultString}`);
    return answer.value;
  }

  async fault(service: string, method: string, params: unknown[], legacy = false): Promise<Fault> {
    const answer = await decode((await this.raw(service, method, params, legacy)).body);
    assert.ok(answer.fault, `expected a fault, got ${JSON.stringify(answer.value)}`);
    return answer.fault;
  }

  private params(
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): unknown[] {
    const params: unknown[] = [this.standIn.db, this.uid, this.password, model, method, args];
    if (kwargs) params.push(kwargs);
    return params;
  }

  execute(
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): Promise<unknown> {
    return this.call('object', 'execute_kw', this.params(model, method, args, kwargs));
  }

  executeFault(
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): Promise<Fault> {
    return this.fault('object', 'execute_kw', this.params(model, method, args, kwargs));
  }

  /** A fault 1, reduced to its exception line. */
  async pythonError(
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): Promise<string> {
    const fault = await this.executeFault(model, method, args, kwargs);
    assert.equal(
      fault.faultCode,
      1,
      `expected fault 1, got ${fault.faultCode}: ${fault.faultString}`,
    );
    assert.match(fault.faultString, /^Traceback \(most recent call last\):\n/);
    return exceptionLine(fault.faultString);
  }

  executeRaw(
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): Promise<HttpAnswer> {
    return this.raw('object', 'execute_kw', this.params(model, method, args, kwargs));
  }
}

type Record_ = Record<string, unknown>;

async function withStandIn(
  options: StandInOptions,
  test: (standIn: StandIn) => Promise<void>,
): Promise<void> {
  const standIn = await startStandIn(options);
  try {
    await test(standIn);
  } finally {
    await standIn.close();
  }
}

describe('stand-in Odoo', function () {
  let standIn: StandIn;
  let admin: Client;

  before(async function () {
    standIn = await startStandIn();
    admin = new Client(standIn);
  });

  after(async function () {
    await standIn.close();
  });

  beforeEach(function () {
    standIn.reset();
  });

  describe('HTTP and XML-RPC framing', function () {
    it('answers common.version byte for byte like Odoo 17, with its headers', async function () {
      const answer = await admin.raw('common', 'version', []);
      assert.equal(answer.status, 200);
      assert.equal(
        answer.body,
        "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n" +
          '<name>server_version</name>\n<value><string>17.0-20240709</string></value>\n</member>\n<member>\n' +
          '<name>server_version_info</name>\n<value><array><data>\n<value><int>17</int></value>\n' +
          '<value><int>0</int></value>\n<value><int>0</int></value>\n<value><string>final</string></value>\n' +
          '<value><int>0</int></value>\n<value><string></string></value>\n</data></array></value>\n</member>\n' +
          '<member>\n<name>server_serie</name>\n<value><string>17.0</string></value>\n</member>\n<member>\n' +
          '<name>protocol_version</name>\n<value><int>1</int></value>\n</member>\n</struct></value>\n' +
          '</param>\n</params>\n</methodResponse>\n',
      );
      const names = answer.rawHeaders.filter((_, index) => index % 2 === 0);
      assert.deepEqual(names, [
        'Server',
        'Date',
        'Content-Type',
        'Content-Length',
        'X-Content-Type-Options',
        'Connection',
      ]);
      assert.equal(answer.headers['content-type'], 'text/xml; charset=utf-8');
      assert.equal(answer.headers.connection, 'close');
      assert.equal(answer.headers['content-length'], String(Buffer.byteLength(answer.body)));
    });

    it('frames answers like Odoo 18 and 19 (double quotes, blank line) and 16 (single quotes)', async function () {
      for (const version of ['18.0', '19.0'] as const) {
        await withStandIn({ version }, async (other) => {
          const answer = await new Client(other).raw('db', 'server_version', []);
          assert.equal(
            answer.body,
            `<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n<value><string>${version}</string></value>\n</param>\n</params>\n\n</methodResponse>\n`,
          );
        });
      }
      await withStandIn({ version: '16.0' }, async (other) => {
        const info = (await new Client(other).call('common', 'version', [])) as Record_;
        assert.deepEqual(info.server_version_info, [16, 0, 0, 'final', 0, '']);
        assert.ok(
          (await new Client(other).raw('common', 'version', [])).body.startsWith(
            "<?xml version='1.0'?>\n",
          ),
        );
      });
    });

    it('sends floats as <double> in Python repr and escapes only & < >', async function () {
      const [partner] = (await admin.execute('res.partner', 'read', [
        [14],
        ['credit_limit'],
      ])) as Record_[];
      assert.equal(partner.credit_limit, 0);
      const answer = await admin.executeRaw('res.partner', 'read', [[14], ['credit_limit']]);
      assert.match(answer.body, /<value><double>0\.0<\/double><\/value>/);
      const id = await admin.execute('res.partner', 'create', [
        { name: `Quote "it" & <it>'s`, credit_limit: 1364.48 },
      ]);
      const body = (await admin.executeRaw('res.partner', 'read', [[id], ['name', 'credit_limit']]))
        .body;
      assert.ok(body.includes(`<string>Quote "it" &amp; &lt;it&gt;'s</string>`));
      assert.ok(body.includes('<double>1364.48</double>'));
    });

    it('answers GET with 405 and unknown paths with an HTML 404', async function () {
      const get = await post(standIn.url, '/xmlrpc/2/object', '', undefined, 'GET');
      assert.equal(get.status, 405);
      assert.equal(get.reason, 'METHOD NOT ALLOWED');
      assert.equal(get.headers.allow, 'POST, OPTIONS');
      assert.match(get.body, /<title>405 Method Not Allowed<\/title>/);
      const json2 = await post(standIn.url, '/json/2/res.partner/search_read', '{"domain": []}');
      assert.equal(json2.status, 404);
      assert.equal(json2.headers['content-type'], 'text/html;charset=utf-8');
      assert.match(json2.body, /<title>Odoo<\/title>/);
    });

    it('answers a non-XML body with fault 1 ExpatError, still HTTP 200', async function () {
      const answer = await post(standIn.url, '/xmlrpc/2/object', 'this is not xml');
      assert.equal(answer.status, 200);
      const { fault } = await decode(answer.body);
      assert.equal(fault?.faultCode, 1);
      assert.equal(
        exceptionLine(fault!.faultString),
        'xml.parsers.expat.ExpatError: syntax error: line 1, column 0',
      );
    });

    it('closes every connection after the answer unless keepAlive is set', async function () {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await post(standIn.url, '/xmlrpc/2/common', serializeMethodCall('version', []), agent);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(standIn.openConnections(), 0);
      } finally {
        agent.destroy();
      }
      await withStandIn({ keepAlive: true }, async (proxied) => {
        const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const first = await post(
            proxied.url,
            '/xmlrpc/2/common',
            serializeMethodCall('version', []),
            keptAlive,
          );
          assert.notEqual(first.headers.connection, 'close');
          await post(
            proxied.url,
            '/xmlrpc/2/common',
            serializeMethodCall('version', []),
            keptAlive,
          );
          assert.equal(proxied.openConnections(), 1);
        } finally {
          keptAlive.destroy();
        }
      });
    });

    it('destroys open connections on close()', async function () {
      const proxied = await startStandIn({ keepAlive: true });
      const agent = new Agent({ keepAlive: true });
      await post(proxied.url, '/xmlrpc/2/common', serializeMethodCall('version', []), agent);
      assert.equal(proxied.openConnections(), 1);
      await proxied.close();
      assert.equal(proxied.openConnections(), 0);
      agent.destroy();
    });

    it('serves everything under a path prefix, like Odoo behind a reverse proxy', async function () {
      await withStandIn({ pathPrefix: '/odoo/' }, async (proxied) => {
        assert.match(proxied.url, /^http:\/\/127\.0\.0\.1:\d+\/odoo$/);
        const client = new Client(proxied);
        assert.equal(
          await client.call('common', 'authenticate', [proxied.db, 'admin', 'admin', {}]),
          2,
        );
        const bare = await post(
          proxied.url.replace(/\/odoo$/, ''),
          '/xmlrpc/2/common',
          serializeMethodCall('version', []),
        );
        assert.equal(bare.status, 404);
      });
    });

    it('uses the configured database name', async function () {
      await withStandIn({ db: 'production' }, async (other) => {
        const client = new Client(other);
        assert.equal(other.db, 'production');
        assert.deepEqual(await client.call('db', 'list', []), ['production']);
        assert.equal(
          await client.call('common', 'authenticate', ['production', 'admin', 'admin', {}]),
          2,
        );
        const fault = await client.fault('common', 'authenticate', [
          'odootest',
          'admin',
          'admin',
          {},
        ]);
        assert.match(
          exceptionLine(fault.faultString),
          /^psycopg2\.OperationalError: .*database "odootest" does not exist$/,
        );
      });
    });

    it('strips control characters from strings in 17 but not in 16, and refuses them in requests', async function () {
      const body = (await admin.executeRaw('res.partner', 'read', [[34], ['comment']])).body;
      assert.ok(body.includes('<string>&lt;p&gt;Imported from the old CRM&lt;/p&gt;</string>'));
      await withStandIn({ version: '16.0' }, async (old) => {
        const oldBody = (
          await new Client(old).executeRaw('res.partner', 'read', [[34], ['comment']])
        ).body;
        assert.ok(oldBody.includes('old CRM\u000b&lt;/p&gt;'));
      });
      const request = serializeMethodCall('execute_kw', [
        standIn.db,
        2,
        'admin',
        'res.partner',
        'create',
        [{ name: 'BELL' }],
      ]);
      const answer = await post(
        standIn.url,
        '/xmlrpc/2/object',
        request.replace('BELL', 'Bell\u0007'),
      );
      const { fault } = await decode(answer.body);
      assert.match(
        exceptionLine(fault!.faultString),
        /^xml\.parsers\.expat\.ExpatError: not well-formed \(invalid token\): line \d+, column \d+$/,
      );
    });

    it('reads plain requests on its fast path exactly as through the Deserializer', async function () {
      const samples: unknown[][] = [
        ['odootest', 2, 'key', 'res.partner', 'create', [[{ name: 'A & B <c>', email: '' }]]],
        [']]>', 'x]]>y', '<b>bold</b> & more'],
        [[-7, 0, 2147483647, 1.5, -0.25, true, false, 'Zoë 日本 😀', '  spaced  ', '']],
        [{ nested: { list: [[], {}, [1, [2, ['three']]]], empty: {} }, 'odd key': 'x' }],
      ];
      for (const params of samples) {
        const body = serializeMethodCall('execute_kw', params);
        const fast = parsePlainMethodCall(body);
        assert.deepEqual(fast, { method: 'execute_kw', params });
        // A comment is not a plain value: it sends the same request down the Deserializer path.
        const slow = body.replace('<params>', '<params><!-- slow path -->');
        assert.equal(parsePlainMethodCall(slow), undefined);
        assert.deepEqual(await parseMethodCall(Buffer.from(slow)), fast);
      }
      const dated = serializeMethodCall('write', [new Date(0), 2 ** 40]);
      assert.equal(
        parsePlainMethodCall(dated),
        undefined,
        'dates and long integers go the slow way',
      );
    });

    it('refuses ints beyond 32 bits in an answer with fault 1 OverflowError', async function () {
      const error = await admin.pythonError('res.partner', 'default_get', [['color']], {
        context: { default_color: 3000000000 },
      });
      assert.equal(error, 'OverflowError: int exceeds XML-RPC limits');
    });
  });

  describe('common and db services', function () {
    it('authenticates with the password or an API key, and answers False otherwise', async function () {
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'admin', 'admin', {}]),
        2,
      );
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'admin', standIn.adminApiKey, {}]),
        2,
      );
      assert.match(standIn.adminApiKey, /^[0-9a-f]{40}$/);
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'admin', 'wrong', {}]),
        false,
      );
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'nobody', 'admin', {}]),
        false,
      );
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'demo', standIn.adminApiKey, {}]),
        false,
      );
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'demo', 'demo', null]),
        6,
      );
      assert.equal(await admin.call('common', 'login', [standIn.db, 'admin', 'admin']), 2);
    });

    it('requires all four authenticate arguments', async function () {
      const fault = await admin.fault('common', 'authenticate', [standIn.db, 'admin', 'admin']);
      assert.equal(
        exceptionLine(fault.faultString),
        "TypeError: exp_authenticate() missing 1 required positional argument: 'user_agent_env'",
      );
    });

    it('fails with a psycopg2 traceback for an unknown database', async function () {
      const fault = await admin.fault('common', 'authenticate', ['nosuchdb', 'admin', 'admin', {}]);
      assert.equal(fault.faultCode, 1);
      assert.match(
        fault.faultString,
        /KeyError: 'nosuchdb'\n\nDuring handling of the above exception/,
      );
      assert.equal(
        exceptionLine(fault.faultString),
        'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5433 failed: FATAL:  database "nosuchdb" does not exist',
      );
    });

    it('answers about, db.list, server_version, db_exist and list_lang', async function () {
      assert.equal(await admin.call('common', 'about', []), 'See http://openerp.com');
      assert.deepEqual(await admin.call('db', 'list', []), ['odootest']);
      assert.equal(await admin.call('db', 'server_version', []), '17.0-20240709');
      assert.equal(await admin.call('db', 'db_exist', ['odootest']), true);
      assert.equal(await admin.call('db', 'db_exist', ['other']), false);
      assert.deepEqual(((await admin.call('db', 'list_lang', [])) as unknown[][])[0], [
        'en_US',
        'English (US)',
      ]);
      assert.equal((await admin.fault('db', 'drop', ['master', 'odootest'])).faultCode, 3);
      const unknown = await admin.fault('common', 'nosuchmethod', []);
      assert.equal(exceptionLine(unknown.faultString), 'Exception: Method not found: nosuchmethod');
    });

    it('answers an unknown service with fault 1 KeyError', async function () {
      const fault = await admin.fault('nosuchservice', 'version', []);
      assert.equal(exceptionLine(fault.faultString), "KeyError: 'nosuchservice'");
    });

    it('uses string fault codes on the legacy /xmlrpc endpoint', async function () {
      const denied = await new Client(standIn, 2, 'wrong').fault(
        'object',
        'execute_kw',
        [standIn.db, 2, 'wrong', 'res.partner', 'search', [[]]],
        true,
      );
      assert.deepEqual(denied, { faultCode: 'AccessDenied', faultString: 'Access Denied' });
      const missing = await admin.fault(
        'object',
        'execute_kw',
        [standIn.db, 2, 'admin', 'res.partner', 'write', [[999999], { name: 'x' }]],
        true,
      );
      assert.equal(
        missing.faultCode,
        'warning -- MissingError\n\nRecord does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)',
      );
      assert.equal(missing.faultString, '');
    });
  });

  describe('credentials on every call', function () {
    it('refuses a wrong or empty password with fault 3', async function () {
      for (const password of ['wrong', '']) {
        const fault = await new Client(standIn, 2, password).executeFault('res.partner', 'search', [
          [],
        ]);
        assert.deepEqual(fault, { faultCode: 3, faultString: 'Access Denied' });
      }
    });

    it('accepts new API keys until they are revoked', async function () {
      const key = standIn.createApiKey('demo');
      assert.match(key, /^[0-9a-f]{40}$/);
      const demo = new Client(standIn, 6, key);
      assert.equal(await demo.execute('res.partner', 'search_count', [[['id', '=', 14]]]), 1);
      standIn.revokeApiKey(key);
      assert.equal((await demo.executeFault('res.partner', 'search_count', [[]])).faultCode, 3);
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'demo', key, {}]),
        false,
      );
    });

    it('follows password changes', async function () {
      standIn.setPassword('admin', 'n3w');
      assert.equal((await admin.executeFault('res.partner', 'search', [[]])).faultCode, 3);
      assert.equal(
        await new Client(standIn, 2, 'n3w').execute('res.partner', 'search_count', [[]]),
        36,
      );
    });

    it('refuses an archived user, even with a valid key', async function () {
      await admin.execute('res.users', 'write', [[6], { active: false }]);
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'demo', 'demo', {}]),
        false,
      );
      assert.equal(
        (await new Client(standIn, 6, 'demo').executeFault('res.partner', 'search', [[]]))
          .faultCode,
        3,
      );
    });

    it('reports a uid that no longer exists as a MissingError on res.users', async function () {
      standIn.setUid('admin', 200);
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'admin', 'admin', {}]),
        200,
      );
      const fault = await admin.executeFault('res.partner', 'search', [[]]);
      assert.deepEqual(fault, {
        faultCode: 2,
        faultString: 'Record does not exist or has been deleted.\n(Record: res.users(2,), User: 2)',
      });
      assert.equal(
        await new Client(standIn, 200).execute('res.partner', 'search_count', [
          [['user_id', '=', 200]],
        ]),
        0,
      );
      const [order] = (await new Client(standIn, 200).execute('sale.order', 'read', [
        [16],
        ['user_id'],
      ])) as Record_[];
      assert.deepEqual(order.user_id, [200, 'Mitchell Admin']);
    });

    it('checks the credentials before the method name', async function () {
      const unknown = await admin.fault('object', 'nosuchmethod', [standIn.db, 2, 'admin']);
      assert.equal(
        exceptionLine(unknown.faultString),
        'NameError: Method not available nosuchmethod',
      );
      const denied = await admin.fault('object', 'nosuchmethod', [standIn.db, 2, 'bad']);
      assert.equal(denied.faultCode, 3);
      const two = await admin.fault('object', 'execute_kw', [standIn.db, 2]);
      assert.equal(exceptionLine(two.faultString), 'IndexError: tuple index out of range');
    });
  });

  describe('method dispatch', function () {
    it('offers execute with positional arguments besides execute_kw', async function () {
      assert.equal(
        await admin.call('object', 'execute', [
          standIn.db,
          2,
          'admin',
          'res.partner',
          'search_count',
          [],
        ]),
        36,
      );
    });

    it('refuses private methods with fault 4, worded per version', async function () {
      const fault = await admin.executeFault('res.partner', '_compute_display_name', [[1]]);
      assert.deepEqual(fault, {
        faultCode: 4,
        faultString: 'Private methods (such as _compute_display_name) cannot be called remotely.',
      });
      await withStandIn({ version: '18.0' }, async (newer) => {
        const newerFault = await new Client(newer).executeFault('res.partner', '_x', [[1]]);
        assert.equal(
          newerFault.faultString,
          "Private methods (such as 'res.partner._x') cannot be called remotely.",
        );
      });
    });

    it('answers unknown models with fault 2 and unknown methods with an AttributeError', async function () {
      assert.deepEqual(await admin.executeFault('no.such.model', 'search', [[]]), {
        faultCode: 2,
        faultString: "Object no.such.model doesn't exist",
      });
      assert.equal(
        await admin.pythonError('res.partner', 'foo', [[]]),
        "AttributeError: The method 'foo' does not exist on the model 'res.partner'",
      );
      await withStandIn({ version: '19.0' }, async (newer) => {
        const error = exceptionLine(
          (await new Client(newer).executeFault('res.partner', 'foo', [[]])).faultString,
        );
        assert.equal(error, "AttributeError: The method 'res.partner.foo' does not exist");
      });
    });

    it('binds arguments like Python, with its TypeError wording', async function () {
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[]], { fields: ['name'] }),
        "TypeError: BaseModel.search() got an unexpected keyword argument 'fields'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[], 0, 10, 'id', 'extra']),
        'TypeError: BaseModel.search() takes from 2 to 5 positional arguments but 6 were given',
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[]], {
          offset: 0,
          limit: 1,
          order: 'id',
          domain: [],
        }),
        "TypeError: BaseModel.search() got multiple values for argument 'domain'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', []),
        "TypeError: BaseModel.search() missing 1 required positional argument: 'domain'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'read_group', [[]]),
        "TypeError: BaseModel.read_group() missing 2 required positional arguments: 'fields' and 'groupby'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'read', []),
        'IndexError: tuple index out of range',
      );
      assert.equal(
        await admin.pythonError('res.partner', 'message_post', [[14], 'hello']),
        'TypeError: MailThread.message_post() takes 1 positional argument but 2 were given',
      );
      const tooFew = await admin.fault('object', 'execute_kw', [
        standIn.db,
        2,
        'admin',
        'res.partner',
      ]);
      assert.equal(
        exceptionLine(tooFew.faultString),
        "TypeError: execute_kw() missing 2 required positional arguments: 'method' and 'args'",
      );
    });

    it('accepts search(count=True) in 16 only', async function () {
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[]], { count: true }),
        "TypeError: BaseModel.search() got an unexpected keyword argument 'count'",
      );
      await withStandIn({ version: '16.0' }, async (old) => {
        assert.equal(
          await new Client(old).execute('res.partner', 'search', [[]], { count: true }),
          36,
        );
      });
    });

    it('has name_get up to 17 only', async function () {
      assert.deepEqual(await admin.execute('res.partner', 'name_get', [[18]]), [
        [18, 'Deco Addict, Douglas Fletcher'],
      ]);
      await withStandIn({ version: '18.0' }, async (newer) => {
        const fault = await new Client(newer).executeFault('res.partner', 'name_get', [[18]]);
        assert.equal(
          exceptionLine(fault.faultString),
          "AttributeError: The method 'res.partner.name_get' does not exist",
        );
      });
    });

    it('applies the context: active_test and lang', async function () {
      assert.equal(
        await admin.execute('res.partner', 'search_count', [[]], {
          context: { active_test: false },
        }),
        40,
      );
      // Odoo 17 ignores a language that is not installed (Odoo 19 refuses it, see json2).
      assert.deepEqual(
        await admin.execute('res.partner', 'read', [[1], ['name']], { context: { lang: 'fr_FR' } }),
        [{ id: 1, name: 'YourCompany' }],
      );
      assert.equal(
        await admin.execute('res.partner', 'search_count', [[]], { context: { lang: 'en_US' } }),
        36,
      );
    });

    it('reports a None result as fault 1 after committing the change', async function () {
      const error = await admin.pythonError('res.partner', 'action_archive', [[20]]);
      assert.equal(error, 'TypeError: cannot marshal None unless allow_none is enabled');
      const [partner] = (await admin.execute('res.partner', 'read', [
        [20],
        ['active'],
      ])) as Record_[];
      assert.equal(partner.active, false);
      await admin.pythonError('res.partner', 'action_unarchive', [[20]]);
      assert.equal(await admin.execute('res.partner', 'search_count', [[['id', '=', 20]]]), 1);
    });

    it('rolls back every change of a call that fails', async function () {
      const before = standIn.records('res.partner').length;
      const fault = await admin.executeFault('res.partner', 'create', [
        [{ name: 'Kept?' }, { email: 'no-name@example.com' }],
      ]);
      assert.equal(fault.faultString, 'The operation cannot be completed: Contacts require a name');
      assert.equal(standIn.records('res.partner').length, before);
      assert.equal(
        await admin.execute('res.partner', 'create', [{ name: 'After' }]),
        45,
        'PostgreSQL sequences keep the ids',
      );
    });
  });

  describe('reading', function () {
    it('reads archived records, drops missing ids and puts id first', async function () {
      const rows = (await admin.execute('res.partner', 'read', [
        [999999, 2, 1],
        ['parent_id', 'name'],
      ])) as Record_[];
      assert.deepEqual(rows, [
        { id: 2, parent_id: false, name: 'OdooBot' },
        { id: 1, parent_id: false, name: 'YourCompany' },
      ]);
    });

    it('converts values the way Odoo does', async function () {
      const [azure] = (await admin.execute('res.partner', 'read', [
        [14],
        [
          'country_id',
          'child_ids',
          'category_id',
          'credit_limit',
          'function',
          'image_128',
          'write_date',
          'color',
          'complete_name',
        ],
      ])) as Record_[];
      assert.deepEqual(azure.country_id, [233, 'United States']);
      assert.deepEqual(azure.child_ids, [26, 33, 27]);
      assert.deepEqual(azure.category_id, [5]);
      assert.equal(azure.function, false);
      assert.equal(azure.color, 0);
      assert.match(azure.image_128 as string, /^iVBORw0KGgo/);
      assert.match(azure.write_date as string, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const [contact] = (await admin.execute(
        'res.partner',
        'read',
        [[26], ['parent_id', 'display_name']],
        { load: null },
      )) as Record_[];
      assert.deepEqual(contact, {
        id: 26,
        parent_id: 14,
        display_name: 'Azure Interior, Brandon Freeman',
      });
      const [empty] = (await admin.execute('res.partner', 'read', [
        [4],
        ['email', 'image_128', 'country_id', 'category_id'],
      ])) as Record_[];
      assert.deepEqual(empty, {
        id: 4,
        email: false,
        image_128: false,
        country_id: false,
        category_id: [],
      });
    });

    it('returns every field when none is named', async function () {
      const [record] = (await admin.execute('res.partner', 'search_read', [[]], {
        limit: 1,
      })) as Record_[];
      const keys = Object.keys(record);
      assert.equal(keys[0], 'id');
      assert.equal(keys.length, 150);
      assert.equal(record.name, 'Azure Interior');
    });

    it('rejects unknown fields with a ValueError', async function () {
      assert.equal(
        await admin.pythonError('res.partner', 'read', [[1], ['nofield']]),
        "ValueError: Invalid field 'nofield' on model 'res.partner'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search_read', [[]], {
          fields: ['name'],
          limit: 1,
          bogus: 1,
        }),
        "TypeError: BaseModel._read_format() got an unexpected keyword argument 'bogus'",
      );
    });

    it('searches with offset, limit (0 = no limit) and the model order', async function () {
      assert.deepEqual(
        await admin.execute('res.partner', 'search', [[['is_company', '=', true]]], {
          limit: 5,
          order: 'id',
        }),
        [1, 9, 10, 11, 12],
      );
      assert.equal(
        ((await admin.execute('res.partner', 'search', [[]], { limit: 0 })) as number[]).length,
        36,
      );
      assert.deepEqual(
        await admin.execute('res.partner', 'search', [[['is_company', '=', true]]], {
          offset: 6,
          order: 'id',
        }),
        [14, 15],
      );
      const names = (await admin.execute(
        'res.partner',
        'search_read',
        [[['is_company', '=', true]]],
        { fields: ['name'] },
      )) as Record_[];
      assert.deepEqual(
        names.map((row) => row.name),
        [
          'Azure Interior',
          'Deco Addict',
          'Gemini Furniture',
          'Lumber Inc',
          'Ready Mat',
          'The Jackson Group',
          'Wood Corner',
          'YourCompany',
        ],
      );
      const orders = (await admin.execute('sale.order', 'search', [[]], { limit: 2 })) as number[];
      assert.deepEqual(orders, [16, 14]);
      const byCustomer = (await admin.execute(
        'sale.order',
        'search_read',
        [[['partner_id', 'in', [9, 15]]]],
        {
          fields: ['partner_id'],
          order: 'partner_id desc, id',
        },
      )) as Record_[];
      assert.deepEqual(
        byCustomer.map((row) => (row.partner_id as unknown[])[1]),
        ['Wood Corner', 'Wood Corner', 'Wood Corner', 'Lumber Inc', 'Lumber Inc'],
      );
    });

    it('validates the order specification', async function () {
      const fault = await admin.executeFault('res.partner', 'search', [[]], {
        order: 'name; drop table',
      });
      assert.equal(fault.faultCode, 2);
      assert.match(fault.faultString, /^Invalid "order" specified \(name; drop table\)\./);
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[]], { order: 'nofield desc' }),
        "ValueError: Invalid field 'nofield' on model 'res.partner'",
      );
      const last = (await admin.execute('res.partner', 'search', [[]], {
        order: 'function asc, id',
        limit: 0,
      })) as number[];
      assert.equal(last[last.length - 1], 15, 'empty values sort last in ascending order');
    });

    it('counts with a limit', async function () {
      assert.equal(await admin.execute('res.partner', 'search_count', [[]], { limit: 10 }), 10);
    });
  });

  describe('domains', function () {
    const count = (domain: unknown[], context?: Record_): Promise<unknown> =>
      admin.execute('res.partner', 'search_count', [domain], context ? { context } : undefined);

    it('combines prefix operators with the implicit &', async function () {
      assert.equal(
        await count([
          ['is_company', '=', true],
          ['name', 'ilike', 'o'],
        ]),
        5,
      );
      assert.equal(await count(['|', ['id', '=', 1], ['id', '=', 3]]), 2);
      assert.equal(await count(['!', ['is_company', '=', true]]), 28);
      assert.equal(
        await count(['&', '|', ['id', '=', 1], ['id', '=', 3], ['is_company', '=', true]]),
        1,
      );
    });

    it('compares like Odoo: ilike, =like, NULLs with != and not ilike', async function () {
      assert.equal(await count([['name', 'ilike', 'DECO']]), 1);
      assert.equal(await count([['name', '=like', 'D%']]), 3);
      assert.equal(await count([['name', 'like', 'deco']]), 0);
      assert.equal(await count([['function', '=', false]]), 9);
      assert.equal(
        await count([['function', '!=', 'Director']]),
        34,
        '!= includes contacts without a job position',
      );
      assert.equal(await count([['function', 'not ilike', 'manager']]), 29);
      assert.equal(await count([['id', 'in', [1, 2, 3]]]), 2, 'archived partner 2 is filtered out');
      assert.equal(
        await count([
          ['id', 'in', [1, 2, 3]],
          ['active', 'in', [true, false]],
        ]),
        3,
      );
      assert.equal(await count([['color', '>', 0]]), 0);
      assert.equal(
        await count([
          ['id', '<=', 9],
          ['id', '>', 3],
        ]),
        3,
      );
    });

    it('follows many2one paths and names, x2many values and child_of', async function () {
      assert.equal(await count([['parent_id.name', '=', 'Azure Interior']]), 3);
      assert.equal(await count([['country_id', '=', 'United States']]), 36);
      assert.equal(await count([['country_id.code', '=', 'BE']]), 0);
      assert.equal(await count([['category_id', 'in', [7]]]), 2);
      assert.equal(await count([['category_id', '=', false]]), 30);
      assert.equal(await count([['child_ids', '!=', false]]), 8);
      assert.equal(await count([['category_id', 'ilike', 'office']]), 2);
      assert.deepEqual(
        await admin.execute('res.partner', 'search', [[['id', 'child_of', 14]]], { order: 'id' }),
        [14, 26, 27, 33],
      );
      assert.equal(await count([['parent_id', 'any', [['name', 'ilike', 'deco']]]]), 3);
    });

    it('accepts a <dateTime.iso8601> value in a domain', async function () {
      const later = await admin.execute('sale.order', 'search_count', [
        [['date_order', '>=', new Date('2030-01-01T00:00:00Z')]],
      ]);
      assert.equal(later, 0);
      assert.equal(
        await admin.execute('sale.order', 'search_count', [[['date_order', '>=', '2020-01-01']]]),
        20,
      );
    });

    it('raises the errors Odoo raises for bad domains', async function () {
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[['nofield', '=', 1]]]),
        "ValueError: Invalid field res.partner.nofield in leaf ('nofield', '=', 1)",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[['country_id.nofield', '=', 'x']]]),
        "ValueError: Invalid field res.country.nofield in leaf ('nofield', '=', 'x')",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[['name', '=']]]),
        'ValueError: not enough values to unpack (expected 3, got 2)',
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', [['|', ['id', '=', 1]]]),
        "AssertionError: This domain is syntactically not correct: [('active', '=', 1), '|', ['id', '=', 1]]",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[['name', 'between', 1]]]),
        "ValueError: Invalid leaf ('name', 'between', 1)",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'search', [[['contact_address', '=', 'x']]]),
        'ValueError: Non-stored field res.partner.contact_address cannot be searched.',
      );
      const fault = await admin.executeFault('res.partner', 'search', [[['id', '=', 3000000000]]]);
      assert.match(
        fault.faultString,
        /psycopg2\.errors\.NumericValueOutOfRange: value "3000000000" is out of range for type integer\nLINE 1: \.\.\.rtner"\."active" = true\) AND \("res_partner"\."id" = '300000000\.\.\.\n {61}\^\n\n$/,
      );
    });

    it('drops the implicit active filter when the domain names active', async function () {
      assert.equal(await count([['active', '=', false]]), 4);
      assert.equal(await count([], { active_test: false }), 40);
    });
  });

  describe('writing', function () {
    it('creates from a dict (an id) or a list of dicts (ids), with log fields', async function () {
      const single = await admin.execute('res.partner', 'create', [
        { name: 'Wire Single', is_company: false },
      ]);
      assert.equal(single, 43);
      assert.deepEqual(
        await admin.execute('res.partner', 'create', [[{ name: 'A' }, { name: 'B' }]]),
        [44, 45],
      );
      assert.deepEqual(await admin.execute('res.partner', 'create', [[]]), []);
      const [row] = (await admin.execute('res.partner', 'read', [
        [43],
        ['create_uid', 'create_date', 'write_uid', 'lang', 'type', 'active'],
      ])) as Record_[];
      assert.deepEqual(row.create_uid, [2, 'Mitchell Admin']);
      assert.deepEqual(row.write_uid, [2, 'Mitchell Admin']);
      assert.match(row.create_date as string, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(row.type, 'contact');
      assert.equal(row.active, true);
      assert.equal(row.lang, 'en_US', "no lang in the context: the user's");
    });

    it('enforces the name check only for contacts and builds complete names', async function () {
      assert.deepEqual(
        await admin.executeFault('res.partner', 'create', [{ email: 'x@example.com' }]),
        {
          faultCode: 2,
          faultString: 'The operation cannot be completed: Contacts require a name',
        },
      );
      const id = await admin.execute('res.partner', 'create', [
        { type: 'delivery', parent_id: 14 },
      ]);
      const [row] = (await admin.execute('res.partner', 'read', [
        [id],
        ['display_name', 'name'],
      ])) as Record_[];
      assert.deepEqual(row, { id, display_name: 'Azure Interior, Delivery Address', name: false });
    });

    it('validates field names, selections, numbers, dates and images', async function () {
      assert.equal(
        await admin.pythonError('res.partner', 'write', [[14], { x_unknown: 1 }]),
        "ValueError: Invalid field 'x_unknown' on model 'res.partner'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'write', [[14], { type: 'bogus' }]),
        "ValueError: Wrong value for res.partner.type: 'bogus'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'write', [[14], { color: 'red' }]),
        "ValueError: invalid literal for int() with base 10: 'red'",
      );
      assert.equal(
        await admin.pythonError('res.partner', 'write', [
          [14],
          { color: 3000000000, name: 'Renamed' },
        ]),
        'psycopg2.errors.NumericValueOutOfRange: integer out of range',
      );
      assert.equal(
        ((await admin.execute('res.partner', 'read', [[14], ['name']])) as Record_[])[0].name,
        'Azure Interior',
      );
      assert.equal(
        await admin.pythonError('res.partner', 'write', [[14], { date: '2024-13-01' }]),
        "ValueError: time data '2024-13-01' does not match format '%Y-%m-%d'",
      );
      assert.equal(
        await admin.pythonError('sale.order', 'write', [
          [1],
          { date_order: '2024-05-01T10:00:00' },
        ]),
        "ValueError: time data '2024-05-01T10:00:00' does not match format '%Y-%m-%d %H:%M:%S'",
      );
      assert.equal(
        await admin.execute('sale.order', 'write', [[1], { date_order: '2024-05-01' }]),
        true,
      );
      const [order] = (await admin.execute('sale.order', 'read', [
        [1],
        ['date_order'],
      ])) as Record_[];
      assert.equal(order.date_order, '2024-05-01 00:00:00');
      const image = await admin.executeFault('res.partner', 'write', [
        [14],
        { image_1920: Buffer.from('iVBORw0KGgo=', 'base64') },
      ]);
      assert.deepEqual(image, { faultCode: 2, faultString: 'Image is not encoded in base64.' });
      const text = await admin.executeFault('res.partner', 'write', [
        [14],
        { image_1920: 'not base64!' },
      ]);
      assert.equal(text.faultString, 'Image is not encoded in base64.');
      const notImage = await admin.executeFault('res.partner', 'write', [
        [14],
        { image_1920: Buffer.from('hello').toString('base64') },
      ]);
      assert.equal(notImage.faultString, 'This file could not be decoded as an image file.');
    });

    it('stores images as base64 text and mirrors them into the smaller sizes', async function () {
      const gif = 'R0lGODlhAQABAAAAACw=';
      assert.equal(await admin.execute('res.partner', 'write', [[14], { image_1920: gif }]), true);
      const [row] = (await admin.execute('res.partner', 'read', [
        [14],
        ['image_1920', 'image_128'],
      ])) as Record_[];
      assert.equal(row.image_1920, gif);
      assert.equal(row.image_128, gif);
      const [sized] = (await admin.execute('res.partner', 'read', [[14], ['image_128']], {
        context: { bin_size: true },
      })) as Record_[];
      assert.equal(sized.image_128, '14.00 bytes');
    });

    it('writes <nil/> as clearing the field and cleans websites and notes', async function () {
      assert.equal(
        await admin.execute('res.partner', 'write', [
          [14],
          { email: null, website: 'azure.example.com', comment: 'a & b' },
        ]),
        true,
      );
      const [row] = (await admin.execute('res.partner', 'read', [
        [14],
        ['email', 'website', 'comment'],
      ])) as Record_[];
      assert.deepEqual(row, {
        id: 14,
        email: false,
        website: 'http://azure.example.com',
        comment: '<p>a &amp; b</p>',
      });
    });

    it('applies x2many commands and plain id lists', async function () {
      const tags = async (): Promise<unknown> =>
        ((await admin.execute('res.partner', 'read', [[14], ['category_id']])) as Record_[])[0]
          .category_id;
      await admin.execute('res.partner', 'write', [[14], { category_id: [[6, 0, [1, 2]]] }]);
      assert.deepEqual(await tags(), [1, 2]);
      await admin.execute('res.partner', 'write', [
        [14],
        {
          category_id: [
            [4, 7],
            [3, 1],
          ],
        },
      ]);
      assert.deepEqual(await tags(), [7, 2], 'ordered by tag name');
      await admin.execute('res.partner', 'write', [[14], { category_id: [3, 4] }]);
      assert.deepEqual(await tags(), [4, 3]);
      await admin.execute('res.partner', 'write', [[14], { category_id: [[5]] }]);
      assert.deepEqual(await tags(), []);
      await admin.execute('res.partner', 'write', [
        [14],
        { category_id: [[0, 0, { name: 'Fresh' }]] },
      ]);
      assert.deepEqual(await tags(), [8]);
      assert.equal(
        await admin.pythonError('res.partner', 'write', [[14], { category_id: '4,564,0' }]),
        'ValueError: Wrong value for res.partner.category_id: 4,564,0',
      );
      await admin.execute('res.partner', 'write', [
        [14],
        {
          child_ids: [
            [0, 0, { name: 'New Colleague' }],
            [3, 27],
          ],
        },
      ]);
      const [azure] = (await admin.execute('res.partner', 'read', [
        [14],
        ['child_ids'],
      ])) as Record_[];
      assert.deepEqual(azure.child_ids, [26, 33, 43]);
      const [colleague] = (await admin.execute('res.partner', 'read', [
        [43],
        ['parent_id'],
      ])) as Record_[];
      assert.deepEqual(colleague.parent_id, [14, 'Azure Interior']);
    });

    it('checks foreign keys like PostgreSQL', async function () {
      const fault = await admin.executeFault('res.partner', 'write', [[14], { country_id: 99999 }]);
      assert.deepEqual(fault, {
        faultCode: 2,
        faultString:
          'The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\n' +
          'Model: Contact (res.partner)\nConstraint: res_partner_country_id_fkey\n',
      });
      const referenced = await admin.executeFault('res.partner', 'unlink', [[11]]);
      assert.match(
        referenced.faultString,
        /Model: Sales Order \(sale\.order\)\nConstraint: sale_order_partner_id_fkey\n$/,
      );
      const required = await admin.executeFault('sale.order', 'create', [{ note: 'no customer' }]);
      assert.equal(
        required.faultString,
        'The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n' +
          '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
          'Model: Sales Order (sale.order)\nField: Customer (partner_id)\n',
      );
    });

    it('raises MissingError for writes to records that do not exist', async function () {
      assert.deepEqual(
        await admin.executeFault('res.partner', 'write', [[14, 999999], { name: 'x' }]),
        {
          faultCode: 2,
          faultString:
            'Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)',
        },
      );
    });

    it('unlinks, cascading to children and clearing references', async function () {
      const order = await admin.execute('sale.order', 'create', [
        {
          partner_id: 26,
          order_line: [[0, 0, { product_id: 6, name: 'Lamp', price_unit: 10 }]],
        },
      ]);
      const [line] = (await admin.execute('sale.order', 'read', [
        [order],
        ['order_line'],
      ])) as Record_[];
      assert.equal(await admin.execute('sale.order', 'unlink', [[order]]), true);
      assert.deepEqual(
        await admin.execute('sale.order.line', 'read', [line.order_line, ['name']]),
        [],
      );
      assert.equal(await admin.execute('res.partner', 'unlink', [[14]]), true);
      const [child] = (await admin.execute('res.partner', 'read', [
        [26],
        ['parent_id'],
      ])) as Record_[];
      assert.equal(child.parent_id, false);
      const linked = await admin.executeFault('res.partner', 'unlink', [[3]]);
      assert.match(linked.faultString, /^You cannot delete contacts linked to an active user\./);
      const archive = await admin.executeFault('res.partner', 'write', [[3], { active: false }]);
      assert.match(archive.faultString, /^You cannot archive contacts linked to an active user\./);
    });

    it('copies one record with Odoo defaults', async function () {
      const copy = await admin.execute('res.partner', 'copy', [[14]]);
      const [row] = (await admin.execute('res.partner', 'read', [
        [copy],
        ['name', 'category_id', 'child_ids'],
      ])) as Record_[];
      assert.deepEqual(row, {
        id: copy,
        name: 'Azure Interior (copy)',
        category_id: [5],
        child_ids: [],
      });
      assert.equal(
        await admin.pythonError('res.partner', 'copy', [[14, 10]]),
        'ValueError: Expected singleton: res.partner(14, 10)',
      );
    });

    it('answers exists, default_get and name_create', async function () {
      assert.deepEqual(await admin.execute('res.partner', 'exists', [[1, 2, 999]]), [1, 2]);
      assert.deepEqual(
        await admin.execute('res.partner', 'default_get', [['active', 'type', 'name']]),
        {
          active: true,
          type: 'contact',
        },
      );
      assert.deepEqual(await admin.execute('res.partner', 'name_create', ['Quick']), [43, 'Quick']);
    });
  });

  describe('access rights', function () {
    const demo = (): Client => new Client(standIn, 6, 'demo');

    it('refuses System Parameters to the demo user with the recorded AccessError', async function () {
      assert.deepEqual(
        await demo().executeFault('ir.config_parameter', 'search_read', [[]], { limit: 1 }),
        {
          faultCode: 4,
          faultString:
            "You are not allowed to access 'System Parameter' (ir.config_parameter) records.\n\n" +
            'This operation is allowed for the following groups:\n\t- Administration/Settings\n\n' +
            'Contact your administrator to request access if necessary.',
        },
      );
      assert.equal(
        await demo().execute('ir.config_parameter', 'check_access_rights', ['read'], {
          raise_exception: false,
        }),
        false,
      );
      assert.equal(
        await admin.execute('ir.config_parameter', 'get_param', ['web.base.url']),
        'http://localhost:8069',
      );
      assert.equal(
        (await demo().executeFault('res.country', 'write', [[21], { name: 'X' }])).faultCode,
        4,
      );
      assert.equal(await demo().execute('res.partner', 'search_count', [[]]), 36);
      assert.equal(
        await admin.pythonError('res.partner', 'check_access_rights', ['fly']),
        'AssertionError: Invalid access mode',
      );
    });
  });

  describe('grouping, metadata and names', function () {
    it('groups like read_group, lazily by default', async function () {
      const groups = (await admin.execute(
        'res.partner',
        'read_group',
        [[], ['country_id'], ['country_id']],
        {
          context: { active_test: false },
        },
      )) as Record_[];
      assert.deepEqual(groups, [
        {
          country_id: [233, 'United States'],
          country_id_count: 36,
          __domain: [['country_id', '=', 233]],
        },
        { country_id: false, country_id_count: 4, __domain: [['country_id', '=', false]] },
      ]);
      const byState = (await admin.execute('sale.order', 'read_group', [
        [['partner_id', '=', 11]],
        ['amount_total'],
        ['state', 'partner_id'],
      ])) as Record_[];
      assert.deepEqual(byState, [
        {
          state: 'sale',
          state_count: 2,
          amount_total: 3183.78,
          __domain: ['&', ['state', '=', 'sale'], ['partner_id', '=', 11]],
          __context: { group_by: ['partner_id'] },
        },
        {
          state: 'sent',
          state_count: 1,
          amount_total: 977.25,
          __domain: ['&', ['state', '=', 'sent'], ['partner_id', '=', 11]],
          __context: { group_by: ['partner_id'] },
        },
      ]);
      const eager = (await admin.execute(
        'sale.order',
        'read_group',
        [[['id', 'in', [14, 16]]], ['amount_total:max'], ['state', 'partner_id']],
        {
          lazy: false,
        },
      )) as Record_[];
      assert.deepEqual(eager[0], {
        state: 'sale',
        partner_id: [11, 'Gemini Furniture'],
        __count: 2,
        amount_total: 1819.3,
        __domain: [
          '&',
          '&',
          ['state', '=', 'sale'],
          ['partner_id', '=', 11],
          ['id', 'in', [14, 16]],
        ],
      });
      const monthly = (await admin.execute('sale.order', 'read_group', [
        [['id', '=', 16]],
        [],
        ['date_order:year'],
      ])) as Record_[];
      assert.equal(monthly[0]['date_order:year'], String(new Date().getUTCFullYear()));
      assert.ok(monthly[0].__range);
    });

    it('describes fields with fields_get', async function () {
      const described = (await admin.execute(
        'res.partner',
        'fields_get',
        [['name', 'type', 'nothing']],
        {
          attributes: ['string', 'type', 'selection', 'required'],
        },
      )) as Record<string, Record_>;
      assert.deepEqual(Object.keys(described), ['name', 'type']);
      assert.deepEqual(described.name, { required: false, string: 'Name', type: 'char' });
      assert.deepEqual((described.type.selection as unknown[])[0], ['contact', 'Contact']);
      const all = (await admin.execute('sale.order', 'fields_get', [])) as Record<string, Record_>;
      assert.equal(all.partner_id.relation, 'res.partner');
      assert.equal(all.partner_id.required, true);
      assert.equal(all.amount_total.group_operator, 'sum');
    });

    it('lists its models in ir.model', async function () {
      const models = (await admin.execute('ir.model', 'search_read', [[]], {
        fields: ['model', 'name'],
      })) as Record_[];
      assert.ok(models.some((row) => row.model === 'res.partner' && row.name === 'Contact'));
      assert.ok(models.some((row) => row.model === 'sale.order' && row.name === 'Sales Order'));
      assert.equal((await admin.executeFault('ir.model', 'unlink', [[models[0].id]])).faultCode, 2);
    });

    it('finds names with name_search the way res.partner does', async function () {
      assert.deepEqual(await admin.execute('res.partner', 'name_search', ['Deco']), [
        [10, 'Deco Addict'],
        [35, 'Deco Addict, Addison Olson'],
        [18, 'Deco Addict, Douglas Fletcher'],
        [19, 'Deco Addict, Floyd Steward'],
      ]);
      assert.deepEqual(
        await admin.execute('res.partner', 'name_search', ['azure.interior24@'], { limit: 1 }),
        [[14, 'Azure Interior']],
      );
      assert.deepEqual(await admin.execute('res.country', 'name_search', ['Belgium', [], '=']), [
        [21, 'Belgium'],
      ]);
      assert.equal(
        ((await admin.execute('res.partner', 'name_search', [''], { limit: 5 })) as unknown[])
          .length,
        5,
      );
    });
  });

  describe('sales orders and messages', function () {
    it('confirms, refuses to delete confirmed orders and cancels through the wizard', async function () {
      assert.equal(await admin.execute('sale.order', 'action_confirm', [[3]]), true);
      assert.deepEqual(await admin.executeFault('sale.order', 'unlink', [[3]]), {
        faultCode: 2,
        faultString:
          'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
      });
      const again = await admin.executeFault('sale.order', 'action_confirm', [[3]]);
      assert.equal(
        again.faultString,
        'The following orders are not in a state requiring confirmation: S00003',
      );
      const wizard = (await admin.execute('sale.order', 'action_cancel', [[3]])) as Record_;
      assert.equal(wizard.res_model, 'sale.order.cancel');
      assert.equal(
        await admin.execute('sale.order', 'action_cancel', [[3]], {
          context: { disable_cancel_warning: true },
        }),
        true,
      );
      assert.equal(await admin.execute('sale.order', 'unlink', [[3]]), true);
    });

    it('numbers new orders and totals their lines', async function () {
      const id = await admin.execute('sale.order', 'create', [
        {
          partner_id: 10,
          order_line: [
            [0, 0, { product_id: 19, name: 'Desk', product_uom_qty: 2, price_unit: 150.25 }],
          ],
        },
      ]);
      const [order] = (await admin.execute('sale.order', 'read', [
        [id],
        ['name', 'state', 'amount_total', 'user_id'],
      ])) as Record_[];
      assert.deepEqual(order, {
        id,
        name: 'S00021',
        state: 'draft',
        amount_total: 300.5,
        user_id: [2, 'Mitchell Admin'],
      });
      const recorded = (await admin.execute(
        'sale.order',
        'search_read',
        [[['id', 'in', [14, 16]]]],
        { fields: ['amount_total', 'order_line'] },
      )) as Record_[];
      assert.deepEqual(recorded, [
        { id: 16, amount_total: 1364.48, order_line: [34, 35] },
        { id: 14, amount_total: 1819.3, order_line: [30, 31] },
      ]);
    });

    it('posts chatter messages and returns their id', async function () {
      const id = await admin.execute('res.partner', 'message_post', [[14]], {
        body: '<b>Hi</b>',
        subject: 'Note',
        message_type: 'comment',
      });
      assert.equal(typeof id, 'number');
      const [message] = (await admin.execute('mail.message', 'read', [
        [id],
        ['model', 'res_id', 'body', 'author_id', 'subject'],
      ])) as Record_[];
      assert.deepEqual(message, {
        id,
        model: 'res.partner',
        res_id: 14,
        body: '<p>&lt;b&gt;Hi&lt;/b&gt;</p>',
        author_id: [3, 'YourCompany, Mitchell Admin'],
        subject: 'Note',
      });
      const html = await admin.execute('sale.order', 'message_post', [[16]], {
        body: '<b>Hi</b>',
        body_is_html: true,
      });
      assert.equal(
        ((await admin.execute('mail.message', 'read', [[html], ['body']])) as Record_[])[0].body,
        '<b>Hi</b>',
      );
      const [partner] = (await admin.execute('res.partner', 'read', [
        [14],
        ['message_ids', 'has_message'],
      ])) as Record_[];
      assert.deepEqual(partner, { id: 14, message_ids: [id], has_message: true });
    });
  });

  describe('helpers for tests', function () {
    it('records every call, the size of list answers, and counts them', async function () {
      standIn.resetCalls();
      await admin.call('common', 'authenticate', [standIn.db, 'admin', 'admin', {}]);
      await admin.execute('res.partner', 'search', [[]]);
      await admin.executeFault('res.partner', 'nope', [[]]);
      assert.deepEqual(standIn.calls, [
        { service: 'common', method: 'authenticate', login: 'admin' },
        {
          service: 'object',
          method: 'execute_kw',
          model: 'res.partner',
          modelMethod: 'search',
          uid: 2,
          args: [[]],
          rows: 36,
        },
        {
          service: 'object',
          method: 'execute_kw',
          model: 'res.partner',
          modelMethod: 'nope',
          uid: 2,
          args: [[]],
        },
      ]);
      assert.equal(standIn.count('object'), 2);
      assert.equal(standIn.count('object', 'execute_kw', 'search'), 1);
      assert.equal(standIn.count('common', 'authenticate'), 1);
      standIn.resetCalls();
      assert.equal(standIn.calls.length, 0);
    });

    it('exposes raw rows and resets to the demo data', async function () {
      await admin.execute('res.partner', 'write', [[14], { name: 'Changed' }]);
      assert.equal(standIn.records('res.partner').find((row) => row.id === 14)?.name, 'Changed');
      const key = standIn.createApiKey('admin');
      standIn.reset();
      assert.equal(
        standIn.records('res.partner').find((row) => row.id === 14)?.name,
        'Azure Interior',
      );
      assert.equal(standIn.records('res.partner').length, 40);
      assert.equal(
        await admin.call('common', 'authenticate', [standIn.db, 'admin', key, {}]),
        false,
      );
      assert.throws(() => standIn.records('no.model'), /no model no\.model/);
    });

    it('freezes the clock; keeps log dates to the microsecond as PostgreSQL does', async function () {
      standIn.setClock('2030-01-02 03:04:05.250000');
      const first = (await admin.execute('res.partner', 'create', [{ name: 'Clock A' }])) as number;
      standIn.setClock('2030-01-02 03:04:05.750000');
      const second = (await admin.execute('res.partner', 'create', [
        { name: 'Clock B' },
      ])) as number;
      standIn.setClock('2030-01-02 03:04:05');
      await admin.execute('res.partner', 'write', [[second], { name: 'Clock B2' }]);
      standIn.setClock(undefined);
      const stored = standIn.records('res.partner').filter((row) => (row.id as number) >= first);
      assert.deepEqual(
        stored.map((row) => [row.create_date, row.write_date]),
        [
          ['2030-01-02 03:04:05.250000', '2030-01-02 03:04:05.250000'],
          ['2030-01-02 03:04:05.750000', '2030-01-02 03:04:05'],
        ],
      );
      const read = (await admin.execute('res.partner', 'read', [
        [first, second],
        ['write_date'],
      ])) as Record_[];
      assert.deepEqual(
        read.map((row) => row.write_date),
        ['2030-01-02 03:04:05', '2030-01-02 03:04:05'],
        'Odoo sends whole seconds',
      );
      const ids = async (domain: unknown[]) =>
        admin.execute('res.partner', 'search', [[['id', '>=', first], ...domain]], { order: 'id' });
      assert.deepEqual(await ids([['create_date', '>', '2030-01-02 03:04:05']]), [first, second]);
      assert.deepEqual(await ids([['create_date', '=', '2030-01-02 03:04:05']]), []);
      assert.deepEqual(await ids([['write_date', '=', '2030-01-02 03:04:05']]), [second]);
      assert.deepEqual(
        await admin.execute('res.partner', 'search', [[['id', '>=', first]]], {
          order: 'create_date desc',
        }),
        [second, first],
        'ordered by the stored microseconds',
      );
      assert.throws(() => standIn.setClock('tomorrow'), /setClock expects/);
    });

    it('seeds synthetic partners that search, read and count like created ones', async function () {
      const { first, last } = standIn.seedPartners(250);
      assert.equal(last - first, 249);
      assert.equal(await admin.execute('res.partner', 'search_count', [[]]), 36 + 250);
      const [record] = (await admin.execute('res.partner', 'read', [
        [first],
        ['name', 'email', 'country_id', 'category_id', 'active', 'display_name'],
      ])) as Record_[];
      assert.equal(record.name, `Alice Martin ${first}`);
      assert.equal(record.email, `alice.martin.${first}@example.com`);
      assert.ok(Array.isArray(record.country_id));
      assert.deepEqual(record.category_id, []);
      assert.equal(record.active, true);
      assert.equal(record.display_name, record.name);
      const created = (await admin.execute('res.partner', 'create', [{ name: 'After' }])) as number;
      assert.equal(created, last + 1);
    });

    it('orders by id through the index exactly as filtering and sorting would', async function () {
      standIn.seedPartners(60);
      await admin.execute('res.partner', 'unlink', [[45, 50, 51]]);
      await admin.execute('res.partner', 'write', [[46, 60], { active: false }]);
      const all = (await admin.execute('res.partner', 'search', [[]], {
        order: 'name',
      })) as number[];
      const ascending = [...all].sort((a, b) => a - b);
      const where = (test: (id: number) => boolean) => ascending.filter(test);
      const cases: [unknown[], string, number, number | undefined, number[]][] = [
        [[], 'id', 0, undefined, ascending],
        [[], 'id desc', 3, 7, [...ascending].reverse().slice(3, 10)],
        [[['id', '>', 44]], 'id', 0, 5, where((id) => id > 44).slice(0, 5)],
        [
          [['id', '<', 47]],
          'id DESC, name',
          0,
          4,
          where((id) => id < 47)
            .reverse()
            .slice(0, 4),
        ],
        [
          [
            ['id', '>=', 40],
            ['id', '<=', 47],
          ],
          'id',
          1,
          undefined,
          where((id) => id >= 40 && id <= 47).slice(1),
        ],
        [
          ['|', ['id', '=', 3], ['id', '>', 90]],
          'id',
          0,
          undefined,
          where((id) => id === 3 || id > 90),
        ],
      ];
      for (const [domain, order, offset, limit, expected] of cases) {
        const kwargs = { order, offset, ...(limit === undefined ? {} : { limit }) };
        const found = await admin.execute('res.partner', 'search', [domain], kwargs);
        assert.deepEqual(found, expected, `${JSON.stringify(domain)} ${order}`);
      }
    });

    it('tells each call before answering it and runs methods between calls', async function () {
      const seen: string[] = [];
      standIn.onCall((call) => {
        seen.push(`${call.modelMethod} ${JSON.stringify(call.kwargs)}`);
        if (call.modelMethod === 'search_count') {
          standIn.execute('res.partner', 'create', [{ name: 'Sneaked in' }]);
        }
      });
      assert.equal(await admin.execute('res.partner', 'search_count', [[]], { limit: 99 }), 37);
      standIn.onCall(undefined);
      await admin.execute('res.partner', 'search', [[]]);
      assert.deepEqual(seen, ['search_count {"limit":99}']);
      assert.throws(
        () => standIn.execute('res.partner', 'create', [{ email: 'x@example.com' }]),
        /Contacts require a name/,
      );
    });

    it('handles many rows in one call', async function () {
      this.timeout(30000);
      const rows = Array.from({ length: 20000 }, (_, index) => ({
        name: `Bulk ${index}`,
        country_id: 21,
        credit_limit: index / 4,
      }));
      const started = Date.now();
      const ids = (await admin.execute('res.partner', 'create', [rows])) as number[];
      assert.equal(ids.length, 20000);
      const read = (await admin.execute('res.partner', 'search_read', [[['country_id', '=', 21]]], {
        fields: ['name', 'credit_limit'],
      })) as Record_[];
      assert.equal(read.length, 20000);
      assert.ok(Date.now() - started < 15000, `took ${Date.now() - started} ms`);
    });
  });
});
