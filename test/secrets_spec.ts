import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import type { StandIn } from './stand-in/server';
import { deploy, helper, Outcome, Server, startOdoo, TRANSPORT } from './support/flow';
import { nodeRedModule } from './support/node-red';

/** Everything Node-RED logged during the test, as text (Errors with their causes). */
function loggedText(): string {
  return helper
    .log()
    .args.map(([entry]) => inspect(entry, { depth: 10 }))
    .join('\n');
}

describe(`the API key never leaves the credentials store (${TRANSPORT})`, function () {
  let odoo: StandIn;
  let server: Server;
  let key: string;

  before(async function () {
    odoo = await startOdoo();
  });

  beforeEach(function () {
    odoo.reset();
    key = odoo.createApiKey('admin');
    server = { url: odoo.url, db: odoo.db, login: 'admin', apiKey: key };
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    await odoo.close();
  });

  it('is declared as a password credential, so Node-RED never exports it with the flow', async function () {
    await deploy(server, [{ type: 'odoo-search', model: 'res.partner' }]);
    const config = helper.getNode('c1') as unknown as { credentials: Record<string, string> };
    assert.equal(config.credentials.apiKey, key);
    // The runtime's own credential store decides what the editor and exports may see.
    const credentials = nodeRedModule<{
      getDefinition(type: string): Record<string, { type: string }>;
    }>('@node-red/runtime/lib/nodes/credentials');
    assert.deepEqual(credentials.getDefinition('odoo-config'), { apiKey: { type: 'password' } });
  });

  it('is absent from msg, errors, causes and logs, in success and in every failure', async function () {
    const outcomes: Outcome[] = [];
    const scenarios: [Server, object, Record<string, unknown>][] = [
      [server, { type: 'odoo-search', model: 'res.partner', returns: 'count' }, {}],
      [
        server,
        { type: 'odoo-write', model: 'res.partner' },
        { ids: [999999], payload: { name: 'x' } },
      ],
      [
        server,
        {
          type: 'odoo-search',
          model: 'res.partner',
          domain: '[["nofield", "=", 1]]',
          domainType: 'json',
        },
        {},
      ],
      [{ ...server, db: 'nosuchdb' }, { type: 'odoo-search', model: 'res.partner' }, {}],
      [{ ...server, url: 'http://127.0.0.1:9' }, { type: 'odoo-search', model: 'res.partner' }, {}],
      [{ ...server, apiKey: `${key}-wrong` }, { type: 'odoo-search', model: 'res.partner' }, {}],
    ];
    for (const [target, node, msg] of scenarios) {
      const flow = await deploy(target, [node]);
      outcomes.push(await flow.run(msg));
      outcomes.push(...(await flow.runAll([msg, msg])));
      const text = loggedText();
      assert.ok(!text.includes(key), `the key was logged: ${text}`);
      await helper.unload();
    }
    assert.ok(outcomes.some((outcome) => outcome.error));
    for (const outcome of outcomes) {
      const text = inspect(outcome, { depth: 10 });
      assert.ok(!text.includes(key), `the key reached a msg: ${text}`);
    }
  });
});
