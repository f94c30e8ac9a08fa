/**
 * Child process for measurement 9: what odoo-search adds to one message, against the whole call
 * made with a raw client. Node-RED serves two endpoints, `http in → http response` (the bare
 * path) and `http in → odoo-search → http response` (one record by id), and a client in this
 * process asks them one request at a time, taking turns with the raw client. The Odoo is a Python XML-RPC
 * server on loopback (xmlrpc.server, keep-alive on), so that the server's cost is the same for
 * everyone. The node's overhead is the flow's latency minus the bare path's; it is compared with
 * the latency of the same call made with the `xmlrpc` package alone.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import xmlrpc from 'xmlrpc';
import { childConfig, median, report, runMain, serverNode, startNodeRed, TAB } from './support';

export interface OverheadConfig {
  requests: number;
  rounds: number;
}

export interface OverheadResult {
  /** Median latencies in ms, over every round. */
  bare: number;
  flow: number;
  raw: number;
  python: number;
  rounds: { bare: number; flow: number; raw: number }[];
}

/** A stand-in for Odoo's XML-RPC services with one record, as fast as Python's server allows. */
const PYTHON_ODOO = `
import sys
from http.server import BaseHTTPRequestHandler
from socketserver import ThreadingMixIn
from xmlrpc.server import SimpleXMLRPCServer, SimpleXMLRPCRequestHandler

class Handler(SimpleXMLRPCRequestHandler):
    protocol_version = 'HTTP/1.1'
    rpc_paths = ('/xmlrpc/2/common', '/xmlrpc/2/object')
    def log_message(self, *args):
        pass

class Server(ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True

server = Server(('127.0.0.1', 0), requestHandler=Handler, allow_none=True, logRequests=False)
record = {'id': 7, 'name': 'Azure Interior', 'email': 'azure.Interior24@example.com'}
def version():
    return {'server_version': '17.0', 'server_version_info': [17, 0, 0, 'final', 0, ''], 'server_serie': '17.0', 'protocol_version': 1}
def authenticate(db, login, key, env):
    return 2
def execute_kw(db, uid, key, model, method, args, kwargs=None):
    return [record]
server.register_function(version)
server.register_function(authenticate)
server.register_function(execute_kw)
print(server.server_address[1], flush=True)
server.serve_forever()
`;

const PYTHON_CLIENT = `
import json, sys, time, xmlrpc.client
url, count = sys.argv[1], int(sys.argv[2])
models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object')
call = lambda: models.execute_kw('benchdb', 2, 'key', 'res.partner', 'search_read', [[['id', '=', 7]]], {'fields': ['name', 'email']})
for _ in range(200): call()
latencies = []
for _ in range(count):
    sent = time.perf_counter()
    call()
    latencies.append((time.perf_counter() - sent) * 1000)
latencies.sort()
print(json.dumps(latencies[count // 2]))
`;

function python(args: string[]): { child: ReturnType<typeof spawn>; firstLine: Promise<string> } {
  const child = spawn('python3', ['-c', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(output.split('\n')[0]);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`python3 exited with code ${code}`)));
  });
  return { child, firstLine };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

/**
 * The median latency (ms) of each way, over `count` turns in which every way makes one call, so
 * that whatever else the machine does slows them alike.
 */
async function latencies(
  count: number,
  ways: Record<string, () => Promise<void>>,
): Promise<Record<string, number>> {
  const measured: Record<string, number[]> = {};
  for (const name of Object.keys(ways)) measured[name] = [];
  for (let turn = 0; turn < count; turn++) {
    for (const [name, call] of Object.entries(ways)) {
      const sent = performance.now();
      await call();
      measured[name].push(performance.now() - sent);
    }
  }
  return Object.fromEntries(Object.entries(measured).map(([name, list]) => [name, median(list)]));
}

runMain(async () => {
  const { requests, rounds } = childConfig<OverheadConfig>();
  const odoo = python([PYTHON_ODOO]);
  process.on('exit', () => odoo.child.kill());
  const port = Number(await odoo.firstLine);
  const target = {
    url: `http://127.0.0.1:${port}`,
    db: 'benchdb',
    apiKey: 'key',
    first: 0,
    last: 0,
  };
  const server = serverNode(target);
  const endpoint = (id: string, url: string, wires: string[][]) => ({
    id,
    type: 'http in',
    z: 'bench',
    url,
    method: 'get',
    wires,
  });
  const nodeRed = await startNodeRed(
    [
      TAB,
      server.node,
      endpoint('bare-in', '/bare', [['answer']]),
      endpoint('search-in', '/search', [['search']]),
      {
        id: 'search',
        type: 'odoo-search',
        z: 'bench',
        server: 'odoo',
        model: 'res.partner',
        modelType: 'str',
        domain: '[["id", "=", 7]]',
        domainType: 'json',
        fields: '["name", "email"]',
        fieldsType: 'json',
        returns: 'records',
        wires: [['answer']],
      },
      { id: 'answer', type: 'http response', z: 'bench', statusCode: '', headers: {}, wires: [] },
    ],
    server.credentials,
    { http: true },
  );
  const raw = xmlrpc.createClient({ host: '127.0.0.1', port, path: '/xmlrpc/2/object' });
  const params = [
    'benchdb',
    2,
    'key',
    'res.partner',
    'search_read',
    [[['id', '=', 7]]],
    {
      fields: ['name', 'email'],
    },
  ];
  const viaRaw = () =>
    new Promise<void>((resolve, reject) =>
      raw.methodCall('execute_kw', params, (error) => (error ? reject(error) : resolve())),
    );
  const bare = () => get(`${nodeRed.url}/bare`);
  const flow = () => get(`${nodeRed.url}/search`);
  const ways = { bare, flow, raw: viaRaw };
  await latencies(500, ways);
  const measured: OverheadResult['rounds'] = [];
  for (let round = 0; round < rounds; round++) {
    const { bare: bareMs, flow: flowMs, raw: rawMs } = await latencies(requests, ways);
    measured.push({ bare: bareMs, flow: flowMs, raw: rawMs });
  }
  await nodeRed.stop();
  agent.destroy();
  const client = python([PYTHON_CLIENT, target.url, String(requests)]);
  const pythonLatency = Number(await client.firstLine);
  odoo.child.kill();
  report({
    bare: median(measured.map((entry) => entry.bare)),
    flow: median(measured.map((entry) => entry.flow)),
    raw: median(measured.map((entry) => entry.raw)),
    python: pythonLatency,
    rounds: measured,
  } satisfies OverheadResult);
});
