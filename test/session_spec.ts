import assert from 'node:assert/strict';
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

const searchCount = { type: 'odoo-search', model: 'res.partner', returns: 'count' };

describe(`one shared session per config node (${TRANSPORT})`, function () {
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

  it('logs in once for many messages', async function () {
    const flow = await deploy(server, [searchCount]);
    for (let index = 0; index < 5; index++) payloadOf(await flow.run());
    assert.equal(odoo.logins(), 1);
    assert.equal(odoo.modelCalls(), 5);
  });

  it('shares one login between concurrent first messages of several nodes', async function () {
    const flow = await deploy(server, [searchCount, { ...searchCount, returns: 'ids' }]);
    const outcomes = await Promise.all([
      flow.runAll(Array.from({ length: 10 }, () => ({}))),
      flow.runAll(
        Array.from({ length: 10 }, () => ({})),
        'n2',
      ),
    ]);
    for (const outcome of outcomes.flat()) payloadOf(outcome);
    assert.equal(odoo.logins(), 1);
    assert.equal(odoo.modelCalls(), 20);
  });

  it('does not send the login until the first message', async function () {
    await deploy(server, [searchCount]);
    assert.equal(odoo.calls.length, 0);
  });

  it('logs in again once when Odoo stops accepting the session, and goes on', async function () {
    const flow = await deploy(server, [searchCount]);
    payloadOf(await flow.run());
    // A restored database: the cached uid 2 now belongs to another user, admin is 77.
    odoo.setUid('admin', 77);
    odoo.setUid('demo', 2);
    assert.equal(payloadOf(await flow.run()), 36);
    // JSON-2 sends no uid: the key still names the user, so nothing has to be renewed.
    assert.equal(odoo.logins(), TRANSPORT === 'json2' ? 1 : 2);
  });

  it('reports ODOO_ACCESS_DENIED after one new login when the key was revoked', async function () {
    const key = odoo.createApiKey('admin');
    const flow = await deploy({ ...server, apiKey: key }, [searchCount]);
    payloadOf(await flow.run());
    odoo.revokeApiKey(key);
    const errors = await flow.runAll([{}, {}, {}]);
    for (const outcome of errors) {
      const error = errorOf(outcome);
      assert.equal(error.code, 'ODOO_ACCESS_DENIED');
      assert.match(error.message, /"admin" on database "odootest"/);
    }
    assert.equal(odoo.logins(), 2, 'one login, then one shared new login');
  });

  it('works with the new key once it is deployed', async function () {
    const oldKey = odoo.createApiKey('admin');
    const first = await deploy({ ...server, apiKey: oldKey }, [searchCount]);
    payloadOf(await first.run());
    await helper.unload();
    odoo.revokeApiKey(oldKey);
    const newKey = odoo.createApiKey('admin');
    const second = await deploy({ ...server, apiKey: newKey }, [searchCount]);
    assert.equal(payloadOf(await second.run()), 36);
  });

  it('accepts a URL with a path prefix and a trailing slash (Odoo behind a reverse proxy)', async function () {
    const proxied = await startOdoo({ pathPrefix: '/erp', keepAlive: true });
    try {
      assert.match(proxied.url, /\/erp$/);
      const flow = await deploy({ ...server, url: `${proxied.url}/` }, [searchCount]);
      assert.equal(payloadOf(await flow.run()), 36);
    } finally {
      await helper.unload();
      await proxied.close();
    }
  });

  it('reuses kept-alive connections behind a proxy and closes them on redeploy', async function () {
    const proxied = await startOdoo({ keepAlive: true });
    try {
      const flow = await deploy({ ...server, url: proxied.url }, [searchCount]);
      for (let index = 0; index < 10; index++) payloadOf(await flow.run());
      assert.equal(proxied.openConnections(), 1, 'one kept-alive socket serves every call');
      await helper.unload();
      await eventually(() => proxied.openConnections() === 0, 'sockets closed after close');
    } finally {
      await proxied.close();
    }
  });

  it("reconnects after each answer when the server closes the connection, as Odoo's own does", async function () {
    const flow = await deploy(server, [searchCount]);
    const outcomes = await flow.runAll(Array.from({ length: 12 }, () => ({})));
    for (const outcome of outcomes) assert.equal(payloadOf(outcome), 36);
    await eventually(() => odoo.openConnections() === 0, 'no socket left open');
  });
});
