import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import path from 'node:path';
import type { NodeMessage } from 'node-red';
import { startStandIn, StandIn } from './stand-in/server';
import { errorOf, helper, ODOO_NODES, Outcome, payloadOf } from './support/flow';
import { nodeRedModule } from './support/node-red';

const tlsDir = path.join(__dirname, '..', '..', 'test', 'fixtures', 'tls');
const tlsConfig = nodeRedModule<(RED: never) => void>('@node-red/nodes/core/network/05-tls.js');
const httpProxy = nodeRedModule<(RED: never) => void>(
  '@node-red/nodes/core/network/06-httpproxy.js',
);

/** A minimal forward proxy: absolute-form requests for http, CONNECT tunnels for https. */
async function startProxy(): Promise<{ url: string; used: string[]; close(): Promise<void> }> {
  const used: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((request, response) => {
    used.push(`${request.method} ${request.url}`);
    const target = new URL(request.url ?? '');
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(upstream);
  });
  proxy.on('connect', (request: http.IncomingMessage, client: net.Socket) => {
    used.push(`CONNECT ${request.url}`);
    const [host, port] = (request.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream).add(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  proxy.on('connection', (socket: net.Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    used,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe('TLS and proxies through core config nodes', function () {
  let https: StandIn;
  let plain: StandIn;

  before(async function () {
    https = await startStandIn({
      tls: {
        cert: fs.readFileSync(path.join(tlsDir, 'server.pem')),
        key: fs.readFileSync(path.join(tlsDir, 'server-key.pem')),
      },
    });
    plain = await startStandIn();
  });

  afterEach(async function () {
    await helper.unload();
  });

  after(async function () {
    await https.close();
    await plain.close();
  });

  /** Deploys a search with a config node pointing at `url`, plus any tls/proxy config nodes. */
  async function searchThrough(url: string, config: object, extra: object[]): Promise<Outcome> {
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 'c1', type: 'odoo-config', url, db: 'odootest', username: 'admin', ...config },
      {
        id: 'n1',
        z: 'tab',
        type: 'odoo-search',
        server: 'c1',
        model: 'res.partner',
        returns: 'count',
        wires: [['collect-output']],
      },
      { id: 'collect-output', z: 'tab', type: 'helper' },
      { id: 'catch-all', z: 'tab', type: 'catch', scope: null, wires: [['collect-error']] },
      { id: 'collect-error', z: 'tab', type: 'helper' },
      ...extra,
    ];
    await helper.load([...ODOO_NODES, tlsConfig, httpProxy], flow, {
      c1: { apiKey: https.adminApiKey },
    });
    return new Promise((resolve) => {
      helper
        .getNode('collect-output')
        .on('input', (output: object) => resolve({ output: output as Outcome['output'] }));
      helper
        .getNode('collect-error')
        .on('input', (error: object) => resolve({ error: error as Outcome['error'] }));
      helper.getNode('n1').receive({} as NodeMessage);
    });
  }

  it('verifies HTTPS certificates by default: a self-signed server is refused with a clear message', async function () {
    const error = errorOf(await searchThrough(https.url, {}, []));
    assert.equal(error.code, 'ODOO_NETWORK_ERROR');
    assert.match(
      error.message,
      /certificate .*cannot be verified \(add its CA in a TLS configuration\)/,
    );
  });

  it('accepts the server with a tls-config node that trusts its CA', async function () {
    const tls = {
      id: 't1',
      type: 'tls-config',
      cert: '',
      key: '',
      ca: path.join(tlsDir, 'ca.pem'),
      verifyservercert: true,
    };
    assert.equal(payloadOf(await searchThrough(https.url, { tls: 't1' }, [tls])), 36);
  });

  it('skips verification for this server only, never process-wide', async function () {
    const tls = {
      id: 't1',
      type: 'tls-config',
      cert: '',
      key: '',
      ca: '',
      verifyservercert: false,
    };
    assert.equal(payloadOf(await searchThrough(https.url, { tls: 't1' }, [tls])), 36);
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
  });

  it('goes through an http proxy node: absolute-form for http, a CONNECT tunnel for https', async function () {
    const proxy = await startProxy();
    try {
      const proxyNode = { id: 'p1', type: 'http proxy', url: proxy.url, noproxy: [] };
      assert.equal(payloadOf(await searchThrough(plain.url, { proxy: 'p1' }, [proxyNode])), 36);
      assert.ok(
        proxy.used.some((line) => line.startsWith(`POST ${plain.url}/xmlrpc/2/`)),
        proxy.used.join(),
      );
      await helper.unload();
      const tls = {
        id: 't1',
        type: 'tls-config',
        cert: '',
        key: '',
        ca: path.join(tlsDir, 'ca.pem'),
        verifyservercert: true,
      };
      const both = await searchThrough(https.url, { proxy: 'p1', tls: 't1' }, [proxyNode, tls]);
      assert.equal(payloadOf(both), 36);
      assert.ok(proxy.used.includes(`CONNECT 127.0.0.1:${https.port}`), proxy.used.join());
    } finally {
      await proxy.close();
    }
  });

  it("honours the proxy node's no-proxy list", async function () {
    const proxy = await startProxy();
    try {
      const proxyNode = { id: 'p1', type: 'http proxy', url: proxy.url, noproxy: ['127.0.0.1'] };
      assert.equal(payloadOf(await searchThrough(plain.url, { proxy: 'p1' }, [proxyNode])), 36);
      assert.deepEqual(proxy.used, []);
    } finally {
      await proxy.close();
    }
  });
});
