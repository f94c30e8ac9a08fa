import assert from 'node:assert/strict';
import type { StandIn } from './stand-in/server';
import {
  Completion,
  deploy,
  Deployed,
  errorOf,
  eventually,
  helper,
  payloadOf,
  recordCompletions,
  Server,
  startOdoo,
  TRANSPORT,
} from './support/flow';

const count = { type: 'odoo-search', model: 'res.partner', returns: 'count' };
const write = { type: 'odoo-write', model: 'res.partner' };

/** Sends msgs tagged `tag1`, `tag2`... without waiting for them. */
function send(flow: Deployed, tags: string[], msg: Record<string, unknown> = {}, target = 'n1') {
  for (const tag of tags) flow.node(target).receive({ ...msg, _test: tag });
}

const tags = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}${index + 1}`);

function ended(list: Completion[], tag: string): Completion {
  const completion = list.find((entry) => entry.tag === tag);
  assert.ok(completion, `${tag} ended`);
  return completion;
}

describe(`the life of a deployment (${TRANSPORT})`, function () {
  this.timeout(30_000);
  let odoo: StandIn;
  let server: Server;
  let completions: ReturnType<typeof recordCompletions>;

  before(async function () {
    odoo = await startOdoo();
  });

  beforeEach(function () {
    odoo.reset();
    server = { url: odoo.url, db: odoo.db, login: 'admin', apiKey: odoo.adminApiKey };
    completions = recordCompletions();
  });

  afterEach(async function () {
    completions.stop();
    odoo.clearFaults();
    await helper.unload();
  });

  after(async function () {
    await odoo.close();
  });

  describe('closing a node', function () {
    it('a redeploy of the action node alone while Odoo hangs: everything ends at once, the new node answers at once', async function () {
      const flow = await deploy({ ...server, settings: { concurrency: 2 } }, [count]);
      payloadOf(await flow.run());
      completions.list.length = 0;
      odoo.injectFault({ method: 'search_count', fault: { kind: 'hang' }, times: 2 });
      send(flow, tags('m', 6));
      await eventually(() => odoo.openConnections() === 2, 'two calls hanging at the server');
      const started = performance.now();
      await flow.redeploy([{ ...count, name: 'renamed' }], 'nodes');
      const closedIn = performance.now() - started;
      assert.ok(closedIn < 3000, `the close took ${closedIn} ms`);
      const { list } = completions;
      assert.equal(list.length, 6, 'done was called for every message');
      const messages = list.map((entry) => entry.error?.message ?? '');
      assert.equal(messages.filter((text) => /read .* was cancelled/.test(text)).length, 2);
      assert.equal(messages.filter((text) => /^nothing was sent to /.test(text)).length, 4);
      for (const entry of list) assert.equal(entry.error?.code, 'ODOO_NETWORK_ERROR');
      // The old calls freed their slots: the new node is answered at once.
      assert.equal(payloadOf(await flow.run()), 36);
      await eventually(() => odoo.openConnections() === 0, 'the cut calls closed their sockets');
    });

    it('a redeploy of the action node alone lets a slow write finish: it ends normally and is done once', async function () {
      const flow = await deploy({ ...server, settings: { concurrency: 1 } }, [write]);
      payloadOf(await flow.run({ ids: [9], payload: { phone: 'before' } }));
      odoo.injectFault({ method: 'write', fault: { kind: 'delay', ms: 1500 } });
      odoo.resetCalls();
      send(flow, ['slow'], { ids: [9], payload: { phone: 'slow write' } });
      send(flow, ['waiting'], { ids: [9], payload: { phone: 'never sent' } });
      await eventually(() => odoo.openConnections() === 1, 'the write on its way');
      await flow.redeploy([{ ...write, name: 'renamed' }], 'nodes');
      const slow = ended(completions.list, 'slow');
      assert.equal(slow.error, undefined, 'the write finished within its grace period');
      const waiting = ended(completions.list, 'waiting');
      assert.match(waiting.error?.message ?? '', /^nothing was sent to /);
      assert.equal(odoo.records('res.partner').find((row) => row.id === 9)?.phone, 'slow write');
      assert.equal(odoo.modelCalls('write'), 1, 'written once');
    });

    it('a full redeploy lets a slow write finish too, fails what waits, then closes the sockets', async function () {
      const flow = await deploy({ ...server, settings: { concurrency: 1 } }, [write, count]);
      payloadOf(await flow.run({}, 'n2'));
      odoo.injectFault({ method: 'write', fault: { kind: 'delay', ms: 1500 } });
      odoo.resetCalls();
      send(flow, ['slow'], { ids: [9], payload: { phone: 'written during the redeploy' } });
      await eventually(() => odoo.openConnections() === 1, 'the write on its way');
      send(flow, tags('read', 3), {}, 'n2');
      const started = performance.now();
      await flow.redeploy([write, count], 'full');
      assert.equal(ended(completions.list, 'slow').error, undefined);
      for (const tag of tags('read', 3)) {
        const { error, at } = ended(completions.list, tag);
        assert.match(error?.message ?? '', /^nothing was sent to .* stopped/);
        assert.ok(at - started < 500, `${tag} ended ${at - started} ms after the redeploy began`);
      }
      assert.equal(odoo.modelCalls('write'), 1);
      assert.equal(odoo.modelCalls('search_count'), 0);
      await eventually(() => odoo.openConnections() === 0, 'sockets closed after the drain');
      assert.equal(payloadOf(await flow.run({}, 'n2')), 36, 'the new server node works');
    });

    it('a write Odoo never answers ends at its timeout when that comes before 10 s: "may or may not"', async function () {
      const flow = await deploy({ ...server, settings: { timeout: 2 } }, [write]);
      payloadOf(await flow.run({ ids: [9], payload: { phone: 'before' } }));
      odoo.injectFault({ method: 'write', fault: { kind: 'hang' } });
      send(flow, ['hung'], { ids: [9], payload: { phone: 'maybe' } });
      await eventually(() => odoo.openConnections() === 1, 'the write hanging at the server');
      const started = performance.now();
      await flow.redeploy([{ ...write, name: 'renamed' }], 'nodes');
      const { error, at } = ended(completions.list, 'hung');
      assert.ok(at - started < 2500, `cut ${at - started} ms after the redeploy began`);
      assert.equal(error?.code, 'ODOO_TIMEOUT');
      assert.match(error?.message ?? '', /within 2 s: Odoo may or may not have done it/);
    });

    if (TRANSPORT === 'xmlrpc') {
      it('shutdown: a hung write gets 10 s with the default timeout, within Node-RED’s 15 s', async function () {
        const flow = await deploy(server, [write]);
        payloadOf(await flow.run({ ids: [9], payload: { phone: 'before' } }));
        odoo.injectFault({ method: 'write', fault: { kind: 'hang' } });
        send(flow, ['hung'], { ids: [9], payload: { phone: 'maybe' } });
        await eventually(() => odoo.openConnections() === 1, 'the write hanging at the server');
        const started = performance.now();
        await helper.unload();
        const closedIn = performance.now() - started;
        const { error } = ended(completions.list, 'hung');
        assert.equal(error?.code, 'ODOO_NETWORK_ERROR');
        assert.match(error?.message ?? '', /had not answered within 10 s: Odoo may or may not/);
        assert.ok(closedIn >= 9900 && closedIn < 12_000, `closed in ${closedIn} ms`);
        await eventually(() => odoo.openConnections() === 0, 'the socket closed');
      });
    }
  });

  describe('load', function () {
    it('a message that waits longer than the timeout for a free connection fails, unsent', async function () {
      const flow = await deploy({ ...server, settings: { concurrency: 1, timeout: 1 } }, [count]);
      payloadOf(await flow.run());
      completions.list.length = 0;
      const hang = odoo.injectFault({
        method: 'search_count',
        fault: { kind: 'hang' },
        times: Infinity,
      });
      send(flow, ['first']);
      await eventually(() => odoo.openConnections() === 1, 'the first call hanging');
      send(flow, tags('queued', 4));
      await eventually(() => completions.list.length === 5, 'every message ended');
      const waitedTooLong = completions.list.filter((entry) =>
        /^waited 1 s for a free connection to .*; nothing was sent$/.test(
          entry.error?.message ?? '',
        ),
      );
      assert.ok(waitedTooLong.length >= 3, `${waitedTooLong.length} gave up waiting`);
      for (const entry of completions.list) assert.equal(entry.error?.code, 'ODOO_TIMEOUT');
      assert.equal(hang.hits, 5 - waitedTooLong.length, 'only those sent reached Odoo');
    });
  });

  describe('logins', function () {
    it('a refused login costs one authenticate; then messages fail at once, saying when the next attempt is', async function () {
      const flow = await deploy({ ...server, apiKey: 'wrong-key-0123456789' }, [count]);
      const first = await flow.runAll([{}, {}, {}]);
      for (let index = 0; index < 5; index++) first.push(await flow.run());
      for (const outcome of first) {
        const error = errorOf(outcome);
        assert.equal(error.code, 'ODOO_ACCESS_DENIED');
        assert.match(
          error.message,
          /refused .*"admin".*"odootest".*; the next login attempt will be made in (30|29) s/,
        );
      }
      assert.equal(odoo.logins(), 1, 'one login for eight messages');
      assert.equal(odoo.modelCalls(), 0);
    });

    it('a redeploy of the server node tries again at once', async function () {
      const flow = await deploy({ ...server, apiKey: 'wrong-key-0123456789' }, [count]);
      errorOf(await flow.run());
      await helper.unload();
      const again = await deploy(server, [count]);
      assert.equal(payloadOf(await again.run()), 36);
      assert.equal(odoo.logins(), 2);
    });

    if (TRANSPORT === 'xmlrpc') {
      it('sends one login per 30 s whatever the message rate', async function () {
        this.timeout(45_000);
        const flow = await deploy({ ...server, apiKey: 'wrong-key-0123456789' }, [count]);
        const started = performance.now();
        const outcomes = [];
        while (performance.now() - started < 31_000) {
          outcomes.push(await flow.run());
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(outcomes.length > 200, `${outcomes.length} messages`);
        assert.equal(odoo.logins(), 2, 'a login at the start and one 30 s later');
      });
    }

    it('shows the connection state on every node that uses the server', async function () {
      const flow = await deploy(server, [count, { type: 'odoo-read', model: 'res.partner' }]);
      const texts: string[] = [];
      statuses(flow, 'n2').on('call:status', (call) => texts.push(call.args[0].text));
      payloadOf(await flow.run());
      const version = TRANSPORT === 'json2' ? '19.0' : '17.0-20240709';
      await eventually(
        () => texts.at(-1) === `${STATUS}connected · ${TRANSPORT} ${version}`,
        `the idle node shows the connection (${texts.join(' | ')})`,
      );
      assert.equal(texts[0], `${STATUS}connecting`);
      await odoo.stop();
      errorOf(await flow.run());
      await eventually(() => texts.at(-1) === `${STATUS}unreachable`, texts.join(' | '));
      await odoo.restart();
      payloadOf(await flow.run());
      await eventually(() => texts.at(-1)?.startsWith(`${STATUS}connected`) === true, 'back');
    });

    it('shows a refused login on every node that uses the server', async function () {
      const flow = await deploy({ ...server, apiKey: 'wrong-key-0123456789' }, [count, count]);
      const texts: string[] = [];
      statuses(flow, 'n2').on('call:status', (call) => texts.push(call.args[0].text));
      errorOf(await flow.run());
      await eventually(() => texts.at(-1) === `${STATUS}refused`, texts.join(' | '));
    });

    it('reports a missing or undeployed server node at deploy', async function () {
      await deploy(server, [
        { ...count, server: '' },
        { ...count, server: 'not-there' },
      ]);
      const errors = helper
        .log()
        .args.map(([entry]) => entry)
        .filter((entry) => entry.level === 20);
      const byNode = (id: string) => errors.find((entry) => entry.id === id)?.msg;
      assert.match(String(byNode('n1')), /no Odoo server is configured/);
      assert.match(String(byNode('n2')), /server node this node uses is not deployed/);
    });
  });
});

const STATUS = 'node-red-contrib-odoo-connector/odoo-config:status.';

/** The test helper reports each status a node shows as a `call:status` event. */
function statuses(flow: Deployed, id: string) {
  return flow.node(id) as unknown as {
    on(event: 'call:status', listener: (call: { args: [{ text: string }] }) => void): void;
  };
}
