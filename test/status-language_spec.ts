import assert from 'node:assert/strict';
import { startStandIn, StandIn } from './stand-in/server';
import { RunningNodeRed, startNodeRed, waitFor } from './support/node-red-process';

/**
 * Status texts as the runtime writes them, in the language of its settings: a real Node-RED,
 * since the test helper does not load catalogs. A status node collects what the searches show.
 */
describe('status texts in the runtime language, singular and plural', function () {
  this.timeout(60_000);
  let odoo: StandIn;

  before(async function () {
    odoo = await startStandIn();
  });

  after(async function () {
    await odoo.close();
  });

  const search = (id: string, y: number, settings: object) => [
    {
      id: `${id}_go`,
      type: 'inject',
      z: 'tab',
      once: true,
      onceDelay: 0.2,
      repeat: '',
      props: [],
      x: 100,
      y,
      wires: [[id]],
    },
    {
      id,
      type: 'odoo-search',
      z: 'tab',
      server: 'server',
      model: 'res.partner',
      modelType: 'str',
      x: 300,
      y,
      wires: [[]],
      ...settings,
    },
  ];

  const flows = [
    { id: 'tab', type: 'tab', label: 'statuses' },
    { id: 'server', type: 'odoo-config', url: '', db: '', username: 'admin' },
    ...search('one', 40, { limit: '1', limitType: 'num', fields: '["name"]', fieldsType: 'json' }),
    ...search('some', 80, {
      returns: 'ids',
      limit: '3',
      limitType: 'num',
      domain: '[["is_company", "=", true]]',
      domainType: 'json',
    }),
    ...search('none', 120, { domain: '[["name", "=", "nobody at all"]]', domainType: 'json' }),
    ...search('sync', 160, {
      type: 'odoo-upsert',
      match: 'name',
      matchType: 'str',
      values: '[{"name": "YourCompany"}, {"name": "New A"}, {"name": "New B"}]',
      valuesType: 'json',
    }),
    {
      id: 'seen',
      type: 'status',
      z: 'tab',
      scope: ['one', 'some', 'none', 'sync'],
      x: 100,
      y: 200,
      wires: [['keep']],
    },
    {
      id: 'keep',
      type: 'function',
      z: 'tab',
      func: "const seen = global.get('statuses') || {};\nseen[msg.status.source.id] = msg.status.text;\nglobal.set('statuses', seen);\nreturn null;",
      outputs: 1,
      x: 300,
      y: 200,
      wires: [[]],
    },
    {
      id: 'ask',
      type: 'http in',
      z: 'tab',
      url: '/statuses',
      method: 'get',
      x: 100,
      y: 260,
      wires: [['answer']],
    },
    {
      id: 'answer',
      type: 'change',
      z: 'tab',
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'statuses', tot: 'global' }],
      x: 300,
      y: 260,
      wires: [['respond']],
    },
    { id: 'respond', type: 'http response', z: 'tab', x: 500, y: 260, wires: [] },
  ];

  for (const [lang, expected] of [
    [
      'en-US',
      {
        one: '1 record · xmlrpc',
        some: '3 ids · xmlrpc',
        none: '0 records · xmlrpc',
        sync: '2 new · 1 unchanged · xmlrpc',
      },
    ],
    [
      'de',
      {
        one: '1 Datensatz · xmlrpc',
        some: '3 IDs · xmlrpc',
        none: '0 Datensätze · xmlrpc',
        sync: '2 neu · 1 unverändert · xmlrpc',
      },
    ],
    [
      'fr',
      {
        one: '1 enregistrement · xmlrpc',
        some: '3 ids · xmlrpc',
        none: '0 enregistrement · xmlrpc',
        sync: '2 nouveaux · 1 inchangé · xmlrpc',
      },
    ],
  ] as const) {
    it(`${lang}: ${Object.values(expected).join(', ')}`, async function () {
      odoo.reset();
      const server = { ...flows[1], url: odoo.url, db: odoo.db };
      let nodeRed: RunningNodeRed | undefined;
      try {
        nodeRed = await startNodeRed({
          settings: { lang },
          flows: flows.map((node) => (node.id === 'server' ? server : node)),
          credentials: { server: { apiKey: odoo.adminApiKey } },
        });
        const url = `${nodeRed.url}/statuses`;
        const statuses = await waitFor(async () => {
          const seen = (await (await fetch(url)).json()) as Record<string, string>;
          return Object.keys(expected).every((id) => seen[id]?.includes(' · ')) ? seen : undefined;
        }, 'the searches and the upsert to finish');
        assert.deepEqual(statuses, expected);
      } finally {
        await nodeRed?.stop();
      }
    });
  }
});
