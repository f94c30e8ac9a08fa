import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStandIn, StandIn } from './stand-in/server';
import { helper, ODOO_NODES } from './support/flow';
import { freePort, RunningNodeRed, startNodeRed } from './support/node-red-process';

interface Answer {
  status: number;
  body: Record<string, unknown> & { problem?: string; message?: string };
  text: string;
}

/** An HTTP server that records every request and answers like a web site, not like Odoo. */
async function startWebSite(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      hits.push(`${request.method} ${request.url} ${body}`);
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html><head><title>Welcome to nginx!</title></head><body></body></html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('admin routes of odoo-config', function () {
  let odoo: StandIn;

  before(async function () {
    odoo = await startStandIn();
  });

  after(async function () {
    await odoo.close();
  });

  describe('through the test helper (permissions not checked there)', function () {
    let storedKey: string;

    beforeEach(async function () {
      odoo.reset();
      const key = odoo.createApiKey('admin');
      await helper.load(
        ODOO_NODES,
        [
          { id: 'tab', type: 'tab' },
          { id: 'c1', type: 'odoo-config', url: odoo.url, db: odoo.db, username: 'admin' },
          { id: 'c2', type: 'odoo-config', url: odoo.url, db: odoo.db, username: 'portal' },
        ],
        { c1: { apiKey: key }, c2: { apiKey: 'portal' } },
      );
      storedKey = key;
    });

    afterEach(async function () {
      await helper.unload();
    });

    const post = async (path: string, body: object): Promise<Answer> => {
      const response = await helper.request().post(path).send(body);
      return {
        status: response.status,
        body: response.body as Answer['body'],
        text: response.text,
      };
    };
    const get = async (path: string): Promise<Answer> => {
      const response = await helper.request().get(path);
      return {
        status: response.status,
        body: response.body as Answer['body'],
        text: response.text,
      };
    };
    const dialog = (values: object = {}) => ({
      url: odoo.url,
      db: odoo.db,
      username: 'admin',
      apiKey: odoo.adminApiKey,
      ...values,
    });

    describe('POST odoo-config/test', function () {
      it('tests the values of a dialog that was never deployed: version, db, uid and name', async function () {
        const answer = await post('/odoo-config/test', { id: 'new-node', ...dialog() });
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.body, {
          ok: true,
          transport: 'xmlrpc',
          version: '17.0-20240709',
          serie: '17.0',
          db: odoo.db,
          uid: 2,
          login: 'admin',
          user: 'Mitchell Admin',
        });
        assert.equal(odoo.count('common', 'version'), 1);
        assert.equal(odoo.count('common', 'authenticate'), 1);
      });

      it("tests over the dialog's transport and says which one answered", async function () {
        const odoo19 = await startStandIn({ version: '19.0' });
        try {
          const answer = await post('/odoo-config/test', {
            id: 'new-node',
            ...dialog({ url: odoo19.url, transport: 'auto' }),
          });
          assert.equal(answer.status, 200, answer.text);
          const body = answer.body as { transport: string; version: string };
          assert.equal(body.transport, 'json2');
          assert.equal(body.version, '19.0');
        } finally {
          await odoo19.close();
        }
      });

      it('uses the stored key when the editor sends the placeholder for a deployed node', async function () {
        const answer = await post('/odoo-config/test', {
          id: 'c1',
          ...dialog({ url: `${odoo.url}/`, apiKey: '__PWRD__' }),
        });
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.body.uid, 2);
        assert.doesNotMatch(answer.text, new RegExp(storedKey));
      });

      it('never sends a stored key to another URL, and sends nothing at all', async function () {
        const elsewhere = await startWebSite();
        try {
          odoo.resetCalls();
          const answer = await post('/odoo-config/test', {
            id: 'c1',
            ...dialog({ url: elsewhere.url, apiKey: '__PWRD__' }),
          });
          assert.equal(answer.status, 403);
          assert.equal(answer.body.problem, 'stored-key-other-url');
          assert.match(String(answer.body.message), /only ever sent to the URL it was saved with/);
          assert.match(String(answer.body.message), new RegExp(odoo.url));
          assert.deepEqual(elsewhere.hits, []);
          assert.equal(odoo.calls.length, 0);
          assert.doesNotMatch(answer.text, new RegExp(storedKey));
        } finally {
          await elsewhere.close();
        }
      });

      it('refuses the placeholder for a node that has no stored key', async function () {
        const answer = await post('/odoo-config/test', {
          id: 'never-deployed',
          ...dialog({ apiKey: '__PWRD__' }),
        });
        assert.equal(answer.status, 400);
        assert.equal(answer.body.problem, 'no-stored-key');
        assert.equal(odoo.calls.length, 0);
      });

      it('says in one sentence what happened and in another what to do', async function () {
        const url = `http://127.0.0.1:${await freePort()}`;
        const answer = await post('/odoo-config/test', dialog({ url }));
        assert.equal(answer.status, 502);
        assert.equal(answer.body.problem, 'unreachable');
        assert.equal(
          answer.body.message,
          `Cannot reach ${url}: nothing accepts connections there. ` +
            'Check the host name and the port, and that Odoo is running.',
        );
      });

      it('says when the URL is not an Odoo server', async function () {
        const site = await startWebSite();
        try {
          const answer = await post('/odoo-config/test', dialog({ url: site.url }));
          assert.equal(answer.status, 502);
          assert.equal(answer.body.problem, 'not-odoo');
          assert.equal(
            answer.body.message,
            `${site.url} answered, but not as Odoo: HTTP 200 (text/html), a page titled ` +
              '"Welcome to nginx!". Use the address you open Odoo with, without /web or /odoo at the end.',
          );
          assert.equal(site.hits.length, 2, 'version over XML-RPC and JSON-2, no login');
          assert.doesNotMatch(site.hits.join(), new RegExp(odoo.adminApiKey));
        } finally {
          await site.close();
        }
      });

      it('names an Odoo that lacks the chosen transport instead of calling it not Odoo', async function () {
        const answer = await post('/odoo-config/test', dialog({ transport: 'json2' }));
        assert.equal(answer.status, 502);
        assert.equal(answer.body.problem, 'no-json2');
        assert.equal(
          answer.body.message,
          `Odoo 17.0-20240709 at ${odoo.url} has no JSON-2 API (it came with 19). ` +
            'Choose XML-RPC or auto.',
        );
        assert.equal(odoo.count('common', 'authenticate'), 0);
      });

      it('says how long it waited when the server does not answer', async function () {
        odoo.injectFault({ path: '/xmlrpc/2/common', fault: { kind: 'hang' } });
        const answer = await post('/odoo-config/test', dialog({ timeout: 1 }));
        assert.equal(answer.status, 504);
        assert.equal(answer.body.problem, 'timeout');
        assert.match(
          String(answer.body.message),
          new RegExp(`^${odoo.url} did not answer within 1 s\\. Check`),
        );
      });

      it('says when the URL has a path Odoo does not serve', async function () {
        const answer = await post('/odoo-config/test', dialog({ url: `${odoo.url}/web` }));
        assert.equal(answer.body.problem, 'not-odoo');
        assert.match(String(answer.body.message), /without \/web or \/odoo at the end/);
      });

      it('says the database is unknown and lists the ones there are', async function () {
        const answer = await post('/odoo-config/test', dialog({ db: 'nosuchdb' }));
        assert.equal(answer.status, 502);
        assert.equal(answer.body.problem, 'unknown-db');
        assert.equal(
          answer.body.message,
          `Odoo at ${odoo.url} has no database "nosuchdb". Its databases: ${odoo.db}.`,
        );
        assert.deepEqual(answer.body.databases, [odoo.db]);
      });

      it('says the login was refused, without echoing the key', async function () {
        const answer = await post('/odoo-config/test', dialog({ apiKey: 'wrong-key-123' }));
        assert.equal(answer.status, 502);
        assert.equal(answer.body.problem, 'login-refused');
        assert.match(
          String(answer.body.message),
          /^Odoo refused the login "admin" on database "odootest": check the login and the API key/,
        );
        assert.doesNotMatch(answer.text, /wrong-key-123/);
      });

      it('says the TLS handshake failed (https to a plain-HTTP server)', async function () {
        const answer = await post(
          '/odoo-config/test',
          dialog({ url: odoo.url.replace('http:', 'https:') }),
        );
        assert.equal(answer.status, 502);
        assert.equal(answer.body.problem, 'tls');
        assert.match(
          String(answer.body.message),
          /^The secure connection \(TLS\) to https:\/\/127\.0\.0\.1:\d+ failed: it does not speak TLS on that port \(is it http\?\)\. Check http versus https/,
        );
      });

      it('offers the only database when the dialog leaves it empty', async function () {
        const answer = await post('/odoo-config/test', dialog({ db: '' }));
        assert.equal(answer.status, 200, answer.text);
        assert.equal(answer.body.offeredDb, odoo.db);
        assert.equal(answer.body.db, odoo.db);
        assert.equal(answer.body.uid, 2);
      });

      it('ignores TLS and proxy ids that do not name such nodes', async function () {
        const answer = await post('/odoo-config/test', dialog({ tls: 'c2', proxy: 'nothing' }));
        assert.equal(answer.status, 200, answer.text);
      });

      it('asks for what is missing before sending anything', async function () {
        for (const [values, problem] of [
          [{ url: 'mycompany.odoo.com' }, 'invalid-url'],
          [{ username: '' }, 'missing-username'],
          [{ apiKey: '' }, 'missing-api-key'],
        ] as const) {
          const answer = await post('/odoo-config/test', dialog(values));
          assert.equal(answer.status, 400);
          assert.equal(answer.body.problem, problem);
        }
        assert.equal(odoo.calls.length, 0);
      });
    });

    describe('GET odoo-config/:id/models', function () {
      it('lists the models through the deployed node', async function () {
        const answer = await get('/odoo-config/c1/models');
        assert.equal(answer.status, 200, answer.text);
        const models = answer.body as unknown as { model: string; name: string }[];
        assert.deepEqual(
          models.find((entry) => entry.model === 'res.partner'),
          { model: 'res.partner', name: 'Contact' },
        );
        assert.deepEqual(
          models.map((entry) => entry.model),
          [...models.map((entry) => entry.model)].sort(),
        );
      });

      it('answers 404 "deploy first" for a node that is not deployed', async function () {
        const answer = await get('/odoo-config/not-deployed/models');
        assert.equal(answer.status, 404);
        assert.equal(answer.body.problem, 'not-deployed');
        assert.match(String(answer.body.message), /^Deploy this Odoo server first/);
      });

      it("passes Odoo's refusal on as 403 when the user lacks the rights", async function () {
        const answer = await get('/odoo-config/c2/models');
        assert.equal(answer.status, 403);
        assert.equal(answer.body.code, 'ODOO_ACCESS_ERROR');
        assert.match(String(answer.body.message), /not allowed to access 'Models' \(ir\.model\)/);
      });
    });

    describe('GET odoo-config/:id/methods', function () {
      it('says there is no method list before Odoo 19, so the editor offers common methods', async function () {
        const answer = await get('/odoo-config/c1/methods?model=res.partner');
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.body, { documented: false, methods: [] });
      });

      it("lists a model's methods with their signatures from Odoo 19's api_doc", async function () {
        const odoo19 = await startStandIn({ version: '19.0' });
        try {
          await helper.unload();
          const nodes = (login: string, apiKey: string) => ({
            flow: [
              {
                id: 'c3',
                type: 'odoo-config',
                url: odoo19.url,
                db: odoo19.db,
                username: login,
                transport: 'json2',
              },
            ],
            credentials: { c3: { apiKey } },
          });
          const admin = nodes('admin', odoo19.adminApiKey);
          await helper.load(ODOO_NODES, admin.flow, admin.credentials);
          const answer = await get('/odoo-config/c3/methods?model=res.partner');
          assert.equal(answer.status, 200, answer.text);
          const { documented, methods } = answer.body as unknown as {
            documented: boolean;
            methods: { name: string; signature: string; model: boolean }[];
          };
          assert.equal(documented, true);
          assert.deepEqual(
            methods.find((method) => method.name === 'message_subscribe'),
            {
              name: 'message_subscribe',
              signature: '(partner_ids=None, subtype_ids=None)',
              model: false,
            },
          );
          assert.deepEqual(
            methods.find((method) => method.name === 'find_or_create'),
            { name: 'find_or_create', signature: '(email, assert_valid_email=False)', model: true },
          );
          await helper.unload();
          const demo = nodes('demo', odoo19.createApiKey('demo'));
          await helper.load(ODOO_NODES, demo.flow, demo.credentials);
          const refused = await get('/odoo-config/c3/methods?model=res.partner');
          assert.deepEqual(
            refused.body,
            { documented: false, methods: [] },
            'api_doc is for administrators',
          );
        } finally {
          await odoo19.close();
        }
      });
    });

    describe('GET odoo-config/:id/fields', function () {
      it('lists name, label, type and required of each field', async function () {
        const answer = await get('/odoo-config/c1/fields?model=res.partner');
        assert.equal(answer.status, 200, answer.text);
        const fields = answer.body as unknown as Record<string, unknown>[];
        assert.deepEqual(
          fields.find((field) => field.name === 'name'),
          { name: 'name', label: 'Name', type: 'char', required: false, readonly: false },
        );
        assert.deepEqual(
          fields.find((field) => field.name === 'country_id'),
          {
            name: 'country_id',
            label: 'Country',
            type: 'many2one',
            required: false,
            readonly: false,
            relation: 'res.country',
          },
        );
        const order = await get('/odoo-config/c1/fields?model=sale.order');
        const partner = (order.body as unknown as Record<string, unknown>[]).find(
          (field) => field.name === 'partner_id',
        );
        assert.equal(partner?.required, true);
      });

      it('refuses a missing model before asking Odoo', async function () {
        odoo.resetCalls();
        const answer = await get('/odoo-config/c1/fields');
        assert.equal(answer.status, 400);
        assert.equal(answer.body.code, 'ODOO_INVALID_INPUT');
        assert.equal(odoo.calls.length, 0);
      });

      it("passes on Odoo's answer for an unknown model", async function () {
        const answer = await get('/odoo-config/c1/fields?model=no.such.model');
        assert.equal(answer.status, 400);
        assert.equal(answer.body.code, 'ODOO_USER_ERROR');
      });
    });

    describe('POST odoo-config/:id/count', function () {
      it('counts the records a domain matches', async function () {
        const companies = odoo
          .records('res.partner')
          .filter((row) => row.is_company === true && row.active !== false).length;
        const answer = await post('/odoo-config/c1/count', {
          model: 'res.partner',
          domain: [['is_company', '=', true]],
        });
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.body, { count: companies });
        assert.ok(companies > 0);
      });

      it('explains a malformed domain without sending it', async function () {
        odoo.resetCalls();
        const answer = await post('/odoo-config/c1/count', {
          model: 'res.partner',
          domain: { is_company: true },
        });
        assert.equal(answer.status, 400);
        assert.equal(answer.body.code, 'ODOO_INVALID_INPUT');
        assert.match(String(answer.body.message), /domain must be an array of conditions/);
        assert.equal(odoo.calls.length, 0);
      });

      it("passes on Odoo's error for an unknown field", async function () {
        const answer = await post('/odoo-config/c1/count', {
          model: 'res.partner',
          domain: [['nofield', '=', 1]],
        });
        assert.equal(answer.status, 502);
        assert.equal(answer.body.code, 'ODOO_SERVER_ERROR');
        assert.match(String(answer.body.message), /Invalid field/);
      });
    });
  });

  describe('in a real Node-RED with adminAuth', function () {
    this.timeout(60_000);
    let nodeRed: RunningNodeRed;
    const TOKENS = {
      admin: 'admin-token-0123456789',
      reader: 'reader-token-0123456789',
      odooReader: 'odoo-reader-token-0123456789',
    };

    const stored = { id: 'c1', url: '', db: '', username: 'admin', apiKey: '__PWRD__' };

    before(async function () {
      stored.url = odoo.url;
      stored.db = odoo.db;
      nodeRed = await startNodeRed({
        settings: {
          adminAuth: {
            type: 'credentials',
            users: [
              // Nobody logs in with a password here: the tokens below stand for sessions.
              { username: 'admin', password: '$2b$08$unused', permissions: '*' },
              { username: 'viewer', password: '$2b$08$unused', permissions: 'read' },
            ],
            tokens: [
              { token: TOKENS.admin, user: 'admin', scope: ['*'] },
              { token: TOKENS.reader, user: 'viewer', scope: ['read'] },
              { token: TOKENS.odooReader, user: 'viewer', scope: ['odoo-config.read'] },
            ],
          },
        },
        flows: [
          { id: 'tab', type: 'tab', label: 'admin routes' },
          { id: 'c1', type: 'odoo-config', url: odoo.url, db: odoo.db, username: 'admin' },
        ],
        credentials: { c1: { apiKey: odoo.adminApiKey } },
      });
    });

    after(async function () {
      await nodeRed?.stop();
    });

    const call = async (
      method: 'GET' | 'POST',
      path: string,
      token?: string,
      body?: object,
    ): Promise<Answer> => {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${nodeRed.url}${path}`, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      let parsed: Answer['body'] = {};
      try {
        parsed = JSON.parse(text) as Answer['body'];
      } catch {
        // 401 answers have no body
      }
      return { status: response.status, body: parsed, text };
    };
    it('answers 401 to a request without a token, on every route', async function () {
      odoo.resetCalls();
      assert.equal((await call('POST', '/odoo-config/test', undefined, stored)).status, 401);
      assert.equal((await call('GET', '/odoo-config/c1/models')).status, 401);
      assert.equal((await call('GET', '/odoo-config/c1/fields?model=res.partner')).status, 401);
      assert.equal(
        (await call('POST', '/odoo-config/c1/count', undefined, { model: 'res.partner' })).status,
        401,
      );
      assert.equal(odoo.calls.length, 0);
    });

    it('lets read scopes use the pickers of metadata, but not the test or the preview (401)', async function () {
      odoo.resetCalls();
      for (const token of [TOKENS.reader, TOKENS.odooReader]) {
        assert.equal((await call('POST', '/odoo-config/test', token, stored)).status, 401);
        const models = await call('GET', '/odoo-config/c1/models', token);
        assert.equal(models.status, 200, models.text);
        const fields = await call('GET', '/odoo-config/c1/fields?model=res.partner', token);
        assert.equal(fields.status, 200, fields.text);
        const count = await call('POST', '/odoo-config/c1/count', token, {
          model: 'res.partner',
          domain: [],
        });
        assert.equal(count.status, 401, 'counting reads records: odoo-config.write');
      }
      assert.equal(odoo.modelCalls('search_count'), 0, 'no record was counted');
      assert.equal(odoo.count('common', 'authenticate'), 1, 'the deployed session is shared');
      const count = await call('POST', '/odoo-config/c1/count', TOKENS.admin, {
        model: 'res.partner',
        domain: [],
      });
      assert.equal(count.status, 200, count.text);
      assert.deepEqual(count.body, { count: 36 });
    });

    it('lets a write scope test with the stored key at its own URL only', async function () {
      const ok = await call('POST', '/odoo-config/test', TOKENS.admin, stored);
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.user, 'Mitchell Admin');
      assert.doesNotMatch(ok.text, new RegExp(odoo.adminApiKey));
      const elsewhere = await call('POST', '/odoo-config/test', TOKENS.admin, {
        ...stored,
        url: 'http://127.0.0.2:9',
      });
      assert.equal(elsewhere.status, 403);
      assert.equal(elsewhere.body.problem, 'stored-key-other-url');
    });
  });
});
