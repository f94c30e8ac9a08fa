import assert from 'node:assert/strict';
import { OdooClient } from '../nodes/lib/client';
import type { Fault } from './stand-in/fault-injection';
import { startStandIn, StandIn } from './stand-in/server';
import {
  deploy,
  errorOf,
  eventually,
  helper,
  Outcome,
  payloadOf,
  recordCompletions,
  Server,
} from './support/flow';

interface NodeCase {
  title: string;
  node: object;
  msg: () => Promise<Record<string, unknown>>;
  /** Reads are sent again after a passing failure; writes never are. */
  read: boolean;
  modelMethod: string;
}

interface FaultCase {
  title: string;
  fault: Fault;
  times?: number;
  code: string;
  message: RegExp;
  settings?: Record<string, unknown>;
  /** Writes whose request reached Odoo must say that the outcome is unknown. */
  unsureForWrites?: boolean;
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('fault injection: whatever the server does, every message ends once, Node-RED lives', function () {
  this.timeout(20_000);
  let odoo: StandIn;
  let server: Server;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);

  before(async function () {
    odoo = await startStandIn();
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtException', onCrash);
  });

  beforeEach(function () {
    odoo.reset();
    server = { url: odoo.url, db: odoo.db, login: 'admin', apiKey: odoo.adminApiKey };
  });

  afterEach(async function () {
    await helper.unload();
    assert.deepEqual(crashes, [], 'no unhandled rejection or uncaught exception');
  });

  after(async function () {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtException', onCrash);
    await odoo.close();
  });

  /** A partner nothing refers to, made through the client library itself. */
  async function freshPartner(): Promise<number> {
    const client = new OdooClient({
      url: odoo.url,
      db: odoo.db,
      username: 'admin',
      apiKey: odoo.adminApiKey,
    });
    try {
      return (await client.create({
        model: 'res.partner',
        values: { name: 'Disposable' },
      })) as number;
    } finally {
      client.close();
    }
  }

  const nodes: NodeCase[] = [
    {
      title: 'search',
      node: { type: 'odoo-search', model: 'res.partner', returns: 'count' },
      msg: async () => ({}),
      read: true,
      modelMethod: 'search_count',
    },
    {
      title: 'read',
      node: { type: 'odoo-read', model: 'res.partner' },
      msg: async () => ({ payload: [1] }),
      read: true,
      modelMethod: 'read',
    },
    {
      title: 'create',
      node: { type: 'odoo-create', model: 'res.partner' },
      msg: async () => ({ payload: { name: 'Fault test' } }),
      read: false,
      modelMethod: 'create',
    },
    {
      title: 'write',
      node: { type: 'odoo-write', model: 'res.partner' },
      msg: async () => ({ ids: [9], payload: { phone: '1' } }),
      read: false,
      modelMethod: 'write',
    },
    {
      title: 'delete',
      node: { type: 'odoo-delete', model: 'res.partner' },
      msg: async () => ({ payload: [await freshPartner()] }),
      read: false,
      modelMethod: 'unlink',
    },
    {
      title: 'execute',
      node: {
        type: 'odoo-execute',
        model: 'res.partner',
        method: 'action_archive',
        args: 'args',
        argsType: 'msg',
      },
      msg: async () => ({ args: [[await freshPartner()]] }),
      read: false,
      modelMethod: 'action_archive',
    },
  ];

  const faults: FaultCase[] = [
    {
      title: 'an HTML 404 page',
      fault: { kind: 'status', status: 404, body: '<html><title>404 Not Found</title></html>' },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /HTTP 404 .*without \/web or \/odoo/,
    },
    {
      title: 'a proxy login page',
      fault: {
        kind: 'status',
        status: 200,
        body: '<html><title>Sign in - Corporate Proxy</title></html>',
      },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /HTTP 200 \(text\/html.*"Sign in - Corporate Proxy"/,
    },
    {
      title: 'a 502 from a proxy, every time',
      fault: { kind: 'status', status: 502, body: '<html><title>502 Bad Gateway</title></html>' },
      times: Infinity,
      code: 'ODOO_PROTOCOL_ERROR',
      message: /HTTP 502/,
    },
    {
      title: 'a redirect',
      fault: { kind: 'status', status: 301, headers: { Location: 'https://erp.example.com/' } },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /redirects .* to https:\/\/erp\.example\.com\/: use that address/,
    },
    {
      title: 'an empty body',
      fault: { kind: 'body', body: '' },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /did not answer with XML-RPC/,
    },
    {
      title: 'XML that is not XML-RPC',
      fault: { kind: 'body', body: '<?xml version="1.0"?><feed><entry/></feed>' },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /did not answer with XML-RPC.*feed/,
    },
    {
      title: 'invalid UTF-8',
      fault: { kind: 'body', body: Buffer.from([0x3c, 0x3f, 0x78, 0x6d, 0x6c, 0xff, 0xfe, 0x3e]) },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /UTF-8/,
    },
    {
      title: 'a DOCTYPE with entities',
      fault: {
        kind: 'body',
        body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodResponse><params><param><value>&a;</value></param></params></methodResponse>',
      },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /DOCTYPE/,
    },
    {
      title: 'a body larger than maxBodyMB',
      fault: { kind: 'huge', bytes: 3 * 1024 * 1024 },
      settings: { maxBodyMB: 1 },
      code: 'ODOO_PROTOCOL_ERROR',
      message: /more than 1 MB/,
    },
    {
      title: 'a connection reset in the middle of the body, every time',
      fault: { kind: 'truncate', bytes: 40 },
      times: Infinity,
      code: 'ODOO_NETWORK_ERROR',
      message: /reset|aborted/,
      unsureForWrites: true,
    },
    {
      title: 'a server that accepts and never answers',
      fault: { kind: 'hang' },
      settings: { timeout: 0.4 },
      code: 'ODOO_TIMEOUT',
      message: /did not answer .* within 0\.4 s/,
      unsureForWrites: true,
    },
    {
      title: 'a drip-feeding server',
      fault: { kind: 'drip', intervalMs: 40 },
      settings: { timeout: 0.4 },
      code: 'ODOO_TIMEOUT',
      message: /within 0\.4 s/,
      unsureForWrites: true,
    },
  ];

  describe('reads are retried, writes never', function () {
    it('a 503 once: the read succeeds, the write fails without being sent again', async function () {
      const flow = await deploy(server, [nodes[0].node, nodes[3].node]);
      odoo.injectFault({ path: '/xmlrpc/2/object', fault: { kind: 'status', status: 503 } });
      assert.equal(payloadOf(await flow.run({})), 36);
      odoo.injectFault({ path: '/xmlrpc/2/object', fault: { kind: 'status', status: 503 } });
      odoo.resetCalls();
      const error = errorOf(await flow.run({ ids: [9], payload: { phone: '2' } }, 'n2'));
      assert.equal(error.code, 'ODOO_PROTOCOL_ERROR');
      assert.match(error.message, /HTTP 503/);
      assert.equal(odoo.count('object', 'execute_kw', 'write'), 0);
    });

    it('a 429 with Retry-After: the read waits and succeeds', async function () {
      const flow = await deploy(server, [nodes[0].node]);
      odoo.injectFault({
        path: '/xmlrpc/2/object',
        fault: { kind: 'status', status: 429, headers: { 'Retry-After': '1' } },
      });
      assert.equal(payloadOf(await flow.run({})), 36);
    });

    it('a reset before any work: the read is sent again and succeeds', async function () {
      const flow = await deploy(server, [nodes[1].node]);
      odoo.injectFault({ path: '/xmlrpc/2/object', fault: { kind: 'reset' } });
      assert.deepEqual((payloadOf(await flow.run({ payload: [1] })) as { id: number }[])[0].id, 1);
    });

    it('a reset after the work: the write says the outcome is unknown; it was done once', async function () {
      const flow = await deploy(server, [nodes[3].node]);
      payloadOf(await flow.run({ ids: [9], payload: { phone: 'before' } }));
      odoo.resetCalls();
      odoo.injectFault({
        path: '/xmlrpc/2/object',
        method: 'write',
        fault: { kind: 'reset-after-work' },
      });
      const error = errorOf(await flow.run({ ids: [9], payload: { phone: 'after' } }));
      assert.equal(error.code, 'ODOO_NETWORK_ERROR');
      assert.match(error.message, /after the request was sent.*may or may not have done it/);
      assert.equal(odoo.count('object', 'execute_kw', 'write'), 1);
      assert.equal(odoo.records('res.partner').find((row) => row.id === 9)?.phone, 'after');
    });

    it('a redeploy fails every waiting and running message and calls done for each', async function () {
      const flow = await deploy({ ...server, settings: { concurrency: 1 } }, [nodes[0].node]);
      payloadOf(await flow.run({}));
      const completions = recordCompletions();
      try {
        odoo.injectFault({ path: '/xmlrpc/2/object', fault: { kind: 'hang' }, times: Infinity });
        for (let index = 0; index < 5; index++) void flow.run({});
        await eventually(() => odoo.openConnections() === 1, 'the first call running');
        await helper.unload();
        const { list } = completions;
        await eventually(() => list.length === 5, 'done called for all five messages');
        for (const { error } of list) assert.equal(error?.code, 'ODOO_NETWORK_ERROR');
        const messages = list.map(({ error }) => error?.message ?? '');
        const cut = messages.filter((text) =>
          /read .* was cancelled .* changed nothing/.test(text),
        );
        const unsent = messages.filter((text) => /^nothing was sent to .*stopped/.test(text));
        assert.equal(cut.length, 1, 'the running read is cut');
        assert.equal(unsent.length, 4, 'the waiting ones were never sent');
      } finally {
        completions.stop();
      }
    });

    it('1 000 messages in flight while Odoo restarts: each ends once, reads retried, creates never doubled', async function () {
      const flow = await deploy(server, [nodes[0].node, nodes[2].node]);
      payloadOf(await flow.run({}));
      const settled = new Map<string, number>();
      const count = (msg: object) => {
        const tag = (msg as { _test: string })._test;
        settled.set(tag, (settled.get(tag) ?? 0) + 1);
      };
      helper.getNode('collect-error').on('input', count);
      helper.getNode('collect-output').on('input', count);
      // Reads and creates take turns in the queue, and creates take a little while, so some are
      // in flight when Odoo goes down (a create refused before it was sent is sent again).
      odoo.injectFault({ method: 'create', fault: { kind: 'delay', ms: 10 }, times: Infinity });
      const reads: Promise<Outcome>[] = [];
      const creates: Promise<Outcome>[] = [];
      for (let index = 0; index < 500; index++) {
        reads.push(flow.run({}, 'n1'));
        creates.push(flow.run({ payload: { name: `Restart ${index}` } }, 'n2'));
      }
      await eventually(() => settled.size >= 150, 'the first answers');
      // Down while a create is on its way (its delay running).
      await new Promise<void>((resolve) =>
        odoo.onCall((call) => {
          if (call.modelMethod !== 'create') return;
          odoo.onCall(undefined);
          setTimeout(resolve, 2);
        }),
      );
      await odoo.stop();
      await new Promise((resolve) => setTimeout(resolve, 150));
      await odoo.restart();
      const readOutcomes = await Promise.all(reads);
      const createOutcomes = await Promise.all(creates);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(settled.size, 1000, 'every message ended');
      assert.ok(
        [...settled.values()].every((times) => times === 1),
        'each exactly once',
      );
      const failedReads = readOutcomes.filter((outcome) => outcome.error);
      const failedCreates = createOutcomes.filter((outcome) => outcome.error);
      for (const outcome of [...failedReads, ...failedCreates]) {
        assert.equal(outcome.error?.error.code, 'ODOO_NETWORK_ERROR', outcome.error?.error.message);
      }
      assert.ok(failedCreates.length > 0, 'the restart hit some creates');
      assert.ok(failedReads.length < failedCreates.length, 'reads were retried');
      const names = odoo.records('res.partner').map((row) => row.name as string);
      for (let index = 0; index < 500; index++) {
        const copies = names.filter((name) => name === `Restart ${index}`).length;
        assert.equal(copies, createOutcomes[index].output ? 1 : copies, `create ${index}`);
        assert.ok(copies <= 1, `create ${index} was made ${copies} times`);
      }
    });
  });

  for (const fault of faults) {
    describe(fault.title, function () {
      for (const nodeCase of nodes) {
        it(`${nodeCase.title}: ${fault.code}`, async function () {
          const msg = await nodeCase.msg();
          const flow = await deploy({ ...server, settings: fault.settings }, [nodeCase.node]);
          const timersBefore = activeTimers();
          odoo.resetCalls();
          odoo.injectFault({ path: '/xmlrpc/2/object', fault: fault.fault, times: fault.times });
          const outcomes: Outcome[] = [];
          helper.getNode('collect-error').on('input', () => outcomes.push({}));
          helper.getNode('collect-output').on('input', () => outcomes.push({}));
          const outcome = await flow.run(msg);
          const error = errorOf(outcome);
          assert.equal(error.code, fault.code, error.message);
          assert.match(error.message, fault.message);
          if (fault.unsureForWrites && !nodeCase.read)
            assert.match(error.message, /may or may not/);
          const sent = odoo.calls.filter(
            (call) => call.modelMethod === nodeCase.modelMethod,
          ).length;
          if (!nodeCase.read) assert.ok(sent <= 1, `a ${nodeCase.title} was sent ${sent} times`);
          await new Promise((resolve) => setTimeout(resolve, 30));
          assert.equal(outcomes.length, 1, 'done is called exactly once');
          await helper.unload();
          await eventually(() => odoo.openConnections() === 0, 'no socket left open');
          await eventually(() => activeTimers() <= timersBefore, 'no timer left behind');
        });
      }
    });
  }
});
