import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { Node, NodeMessage } from 'node-red';
import { OdooClient } from '../nodes/lib/client';
import type { StandIn } from './stand-in/server';
import { asBytes, CORE, helper, ODOO_NODES, startOdoo, TRANSPORT } from './support/flow';

const examplesDir = path.join(__dirname, '..', '..', 'examples');
const manifest = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'),
) as {
  'node-red': { nodes: Record<string, string> };
};
const CORE_TYPES = [
  'inject',
  'debug',
  'comment',
  'change',
  'switch',
  'http in',
  'http response',
  'join',
  'catch',
  'trigger',
  'tab',
];

interface SpiedNode {
  on(
    event: 'call:send' | 'call:error' | 'call:status',
    listener: (call: { args: unknown[] }) => void,
  ): void;
  on(event: 'input', listener: (msg: NodeMessage) => void): void;
}

/** The next message the node receives. */
const nextInput = (node: SpiedNode) =>
  new Promise<NodeMessage>((resolve) => node.on('input', resolve));

type HttpClient = ReturnType<typeof helper.request>;
type HttpRequest = ReturnType<HttpClient['post']>;

/** What an example needs before its inject nodes fire: requests to its endpoints, or changes. */
type Exercise = (example: {
  odoo: StandIn;
  post(path: string, body: object): HttpRequest;
  /** The flow's HTTP endpoints, for other requests (GET, multipart uploads). */
  http: HttpClient;
  node(id: string): SpiedNode;
}) => Promise<{ refused: number } | void>;

const WEBHOOK_SECRET = 'test-secret-0123456789abcdef';

const EXERCISES: Record<string, Exercise> = {
  '02 Webhook creates a partner.json': async ({ post }) => {
    const answer = await post('/odoo/partners', { name: 'Jane Doe', email: 'jane@example.com' });
    assert.equal(answer.status, 200);
    assert.equal(typeof (answer.body as { id: unknown }).id, 'number');
  },
  '08 Webhook from Odoo.json': async ({ odoo, post, node }) => {
    // What Odoo's "Send Webhook Notification" posts; Odoo sends several for one save.
    const notification = {
      _action: 'Send Webhook Notification(#12)',
      _id: 14,
      _model: 'res.partner',
    };
    const hook = `/odoo/webhook/${WEBHOOK_SECRET}`;
    process.env.ODOO_WEBHOOK_SECRET = WEBHOOK_SECRET;
    try {
      const refused = await post('/odoo/webhook/wrong-secret-0123456789', notification);
      assert.equal(refused.status, 403);
      const unnamed = await post(hook, { _model: 'res.partner', _id: 'fourteen' });
      assert.equal(unnamed.status, 400);
      assert.match(String((unnamed.body as { error: string }).error), /_model .* _id/);
      assert.equal(odoo.calls.length, 0, 'nothing is asked of Odoo for a refused notification');

      const work = nextInput(node('ex08_work'));
      for (let notice = 0; notice < 3; notice++) {
        const answer = await post(hook, notification);
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body, { received: 14 });
      }
      assert.equal(odoo.modelCalls('read'), 0, 'answered before reading');
      const record = await work;
      assert.deepEqual(
        (record.payload as { id: number }[]).map((row) => row.id),
        [14],
      );
      assert.deepEqual((record as { notification?: object }).notification, notification);
      assert.equal(odoo.modelCalls('read'), 1, 'three notices for one record, one read');

      const gone = nextInput(node('ex08_gone'));
      const unknown = await post(hook, { ...notification, _id: 999999 });
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { error: 'not found', model: 'res.partner', id: 999999 });
      assert.equal((await gone).topic, 'res.partner/999999');
    } finally {
      delete process.env.ODOO_WEBHOOK_SECRET;
    }
  },
  '11 Sync contacts without duplicates.json': async ({ odoo, post }) => {
    const rows = [
      { externalId: 'shop.customer_1001', name: 'Ada Lovelace', email: 'ada@example.com' },
      { externalId: 'shop.customer_1002', name: 'Alan Turing', email: 'alan@example.com' },
    ];
    const first = await post('/odoo/contacts/sync', rows);
    assert.equal(first.status, 200);
    assert.deepEqual(
      { ...(first.body as object), records: undefined },
      { created: 2, updated: 0, unchanged: 0, records: undefined },
    );
    rows[1].email = 'alan.turing@example.com';
    const second = await post('/odoo/contacts/sync', rows);
    assert.deepEqual(
      (second.body as { records: { action: string }[] }).records.map((entry) => entry.action),
      ['unchanged', 'updated'],
    );
    assert.equal(
      odoo.records('res.partner').filter((partner) => partner.name === 'Ada Lovelace').length,
      1,
    );
    const refused = await post('/odoo/contacts/sync', [{ name: 'no key' }]);
    assert.equal(refused.status, 400);
    assert.equal((refused.body as { code: string }).code, 'ODOO_INVALID_INPUT');
    return { refused: 1 };
  },
  '12 Upload files to a contact.json': async ({ odoo, http }) => {
    const pdf = Buffer.from('%PDF-1.4 not really');
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const answer = await http
      .post('/odoo/partners/14/files')
      .attach('file', pdf, 'invoice.pdf')
      .attach('file', bytes, 'raw.bin');
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const { attachments, message } = answer.body as { attachments: number[]; message: number };
    const stored = odoo
      .records('ir.attachment')
      .filter((row) => attachments.includes(row.id as number))
      .sort((a, b) => (a.id as number) - (b.id as number));
    assert.deepEqual(
      stored.map((row) => [row.name, row.res_model, row.res_id, row.datas]),
      [
        ['invoice.pdf', 'res.partner', 14, pdf.toString('base64')],
        ['raw.bin', 'res.partner', 14, bytes.toString('base64')],
      ],
    );
    const posted = odoo.records('mail.message').find((row) => row.id === message);
    assert.deepEqual(posted?.attachment_ids, attachments);
    assert.match(String(posted?.body), /invoice\.pdf, raw\.bin/);

    const count = odoo.records('ir.attachment').length;
    const missing = await http.post('/odoo/partners/999999/files').attach('file', pdf, 'x.pdf');
    assert.equal(missing.status, 404);
    const none = await http.post('/odoo/partners/14/files').send({});
    assert.equal(none.status, 400);
    assert.equal(odoo.records('ir.attachment').length, count, 'nothing attached to nobody');
  },
  '13 Download the files of a contact.json': async ({ odoo, http }) => {
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0, 255, 10, 13]);
    const [attachment] = odoo.execute('ir.attachment', 'create', [
      [
        {
          name: 'Rechnung März.pdf',
          datas: bytes.toString('base64'),
          res_model: 'res.partner',
          res_id: 9,
        },
      ],
    ]) as number[];
    const list = await http.get('/odoo/partners/9/files');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, [
      {
        id: attachment,
        name: 'Rechnung März.pdf',
        mimetype: 'application/pdf',
        size: bytes.length,
        download: `/odoo/attachments/${attachment}`,
      },
    ]);
    const file = await asBytes(http.get(`/odoo/attachments/${attachment}`));
    assert.equal(file.status, 200);
    assert.ok(bytes.equals(file.body as Buffer), 'the bytes Odoo holds');
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.equal(
      file.headers['content-disposition'],
      "attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz.pdf",
    );
    assert.equal((await http.get('/odoo/attachments/999999')).status, 404);
  },
  '09 Watch confirmed sales orders.json': async ({ odoo, node }) => {
    // The first poll notes the orders as they are; an order confirmed afterwards is sent.
    await new Promise<void>((resolve) =>
      node('ex09_watch').on('call:status', (call) => {
        if ((call.args[0] as { text?: string }).text?.endsWith('status.watching')) resolve();
      }),
    );
    const client = new OdooClient({
      url: odoo.url,
      db: odoo.db,
      username: 'admin',
      apiKey: odoo.adminApiKey,
    });
    try {
      await client.execute('sale.order', 'action_confirm', [[3]], {});
    } finally {
      client.close();
    }
  },
};

type FlowNode = Record<string, unknown> & { id: string; type: string; wires?: string[][] };

function readExample(file: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(examplesDir, file), 'utf8')) as FlowNode[];
}

describe(`example flows (${TRANSPORT})`, function () {
  const files = fs.readdirSync(examplesDir).filter((file) => file.endsWith('.json'));
  let odoo: StandIn;

  before(async function () {
    odoo = await startOdoo();
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    await odoo.close();
  });

  it('use every action node type, and only core nodes besides ours', function () {
    const used = new Set(files.flatMap((file) => readExample(file).map((node) => node.type)));
    for (const type of Object.keys(manifest['node-red'].nodes))
      assert.ok(used.has(type), `${type} in an example`);
    for (const type of used) {
      assert.ok(
        type.startsWith('odoo-') || CORE_TYPES.includes(type),
        `${type} is not a core node`,
      );
    }
  });

  for (const file of files) {
    describe(file, function () {
      it('explains itself and carries a placeholder server without a key', function () {
        const flow = readExample(file);
        assert.ok(
          flow.some((node) => node.type === 'comment' && String(node.info ?? '').length > 40),
        );
        const configs = flow.filter((node) => node.type === 'odoo-config');
        assert.equal(configs.length, 1);
        assert.equal(configs[0].url, 'https://mycompany.odoo.com');
        assert.doesNotMatch(JSON.stringify(flow), /apiKey|credentials/);
        const note = flow.find((node) => node.type === 'comment');
        assert.match(
          String(note?.info),
          new RegExp(`\\*${String(configs[0].name)}\\*.*already have`),
        );
      });

      it('imports as its own tab, named after it, with ids of its own', function () {
        const flow = readExample(file);
        const number = file.slice(0, 2);
        const tabs = flow.filter((node) => node.type === 'tab');
        assert.equal(tabs.length, 1);
        assert.equal(tabs[0].label, file.replace(/\.json$/, ''));
        for (const node of flow) {
          assert.match(node.id, new RegExp(`^ex${number}_`), node.id);
          if (node.type !== 'tab' && node.type !== 'odoo-config') assert.equal(node.z, tabs[0].id);
        }
      });

      it('runs against the stand-in Odoo', async function () {
        odoo.reset();
        const flow = readExample(file).map((node) =>
          node.type === 'odoo-config'
            ? { ...node, url: odoo.url, db: odoo.db, username: 'admin', transport: TRANSPORT }
            : node,
        );
        const odooNodes = flow.filter(
          (node) => node.type.startsWith('odoo-') && node.type !== 'odoo-config',
        );
        const configId = flow.find((node) => node.type === 'odoo-config')?.id as string;
        let httpNodeApp: unknown;
        const captureHttpNode = (RED: never) => {
          httpNodeApp = (RED as { httpNode: unknown }).httpNode;
        };
        await helper.load([...ODOO_NODES, ...CORE, captureHttpNode], flow, {
          [configId]: { apiKey: odoo.adminApiKey },
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const request = require('supertest') as (app: unknown) => ReturnType<typeof helper.request>;
        const results = new Map<string, unknown>();
        const failures: unknown[] = [];
        for (const node of odooNodes) {
          // The test helper reports every node.send and node.error call as an event.
          const spied = helper.getNode(node.id) as unknown as SpiedNode;
          spied.on('call:send', (call) =>
            results.set(node.id, (call.args[0] as NodeMessage).payload),
          );
          spied.on('call:error', (call) => failures.push(call.args[0]));
        }
        const exercised = await EXERCISES[file]?.({
          odoo,
          post: (url, body) => request(httpNodeApp).post(url).send(body),
          http: request(httpNodeApp),
          node: (id) => helper.getNode(id) as unknown as SpiedNode,
        });
        for (const node of flow.filter((candidate) => candidate.type === 'inject')) {
          (helper.getNode(node.id) as Node & { receive(msg: object): void }).receive({});
        }
        const expected = odooNodes.filter((node) =>
          flow.some((other) => other.wires?.flat().includes(node.id)),
        );
        for (let wait = 0; wait < 250 && results.size + failures.length < expected.length; wait++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const expectedFailures =
          (file.includes('errors') || file.includes('delete') ? 1 : 0) + (exercised?.refused ?? 0);
        assert.equal(failures.length, expectedFailures, `failures: ${String(failures)}`);
        assert.ok(results.size >= expected.length - expectedFailures, `${results.size} results`);
      });
    });
  }

  it('every example can be imported after the others: no id is in two of them', function () {
    const owners = new Map<string, string>();
    for (const file of files) {
      for (const node of readExample(file)) {
        assert.equal(
          owners.get(node.id),
          undefined,
          `${node.id} in ${file} and ${owners.get(node.id)}`,
        );
        owners.set(node.id, file);
      }
    }
    const numbers = files.map((file) => file.slice(0, 2));
    assert.deepEqual(numbers, [...new Set(numbers)], 'one example per number');
  });

  it('06 routes the error by msg.error.code to the matching debug node', async function () {
    odoo.reset();
    const flow = readExample('06 Handle Odoo errors.json').map((node) =>
      node.type === 'odoo-config'
        ? { ...node, url: odoo.url, db: odoo.db, username: 'admin' }
        : node,
    );
    await helper.load([...ODOO_NODES, ...CORE], flow, {
      ex06_server: { apiKey: odoo.adminApiKey },
    });
    const reached = new Promise<string>((resolve) => {
      for (const id of ['ex06_retry', 'ex06_login', 'ex06_other']) {
        const debug = helper.getNode(id) as unknown as EventEmitter;
        debug.on('input', (msg: { error?: { code?: string } }) =>
          resolve(`${id} ${msg.error?.code}`),
        );
      }
    });
    (helper.getNode('ex06_inject') as Node & { receive(msg: object): void }).receive({});
    assert.equal(await reached, 'ex06_other ODOO_USER_ERROR');
  });
});
