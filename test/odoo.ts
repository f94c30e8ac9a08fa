/**
 * `npm run test:odoo`: the suites that run on a real Odoo, against the server the environment
 * names (ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_API_KEY; optionally ODOO_DEMO_API_KEY for a user
 * without administrator rights), over every transport that server offers: XML-RPC and JSON-RPC
 * up to Odoo 18, and JSON-2, auto, XML-RPC and JSON-RPC from 19 on. Without ODOO_URL it says so
 * and succeeds, as in CI, which has no Odoo to reach.
 *
 * The suites that need the stand-in's hooks (fault injection, request counters, its clock and
 * reset) stay in `npm test`: see REAL_SUITES.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { OdooClient } from '../nodes/lib/client';
import { realServer, transportsOf } from './support/target';
import { RESULT_PREFIX } from './transports';

/**
 * `odoo`: the nodes through Node-RED (CRUD, paging, batches, values, methods, errors, watch);
 * `odoo-shapes_real`: every answer compared with the stand-in's, call by call. The other node suites
 * reset the stand-in between tests, count its requests, inject faults or set its clock.
 */
const REAL_SUITES = ['odoo', 'odoo-shapes_real'];

async function main(): Promise<number> {
  const server = realServer();
  if (!server) {
    console.log(
      'test:odoo: ODOO_URL is not set, so there is no real Odoo to test against: skipped.\n' +
        'Set ODOO_URL, ODOO_DB, ODOO_USERNAME and ODOO_API_KEY (see the README) to run it.',
    );
    return 0;
  }
  const probe = new OdooClient({
    url: server.url,
    db: server.db,
    username: server.login,
    apiKey: server.apiKey,
  });
  let version: string;
  let major: number;
  try {
    const answer = await probe.version();
    version = answer.server_version;
    const first = answer.server_version_info[0];
    major = typeof first === 'number' ? first : Number(/\d+/.exec(String(first))?.[0] ?? 0);
  } finally {
    probe.close();
  }
  console.log(
    `test:odoo: Odoo ${version} at ${server.url}, database "${server.db}", login "${server.login}"`,
  );
  const results: { transport: string; passes: number; failures: number; pending: number }[] = [];
  for (const transport of transportsOf(major)) {
    console.log(`\n=== ${transport} ===`);
    const child = spawnSync(
      process.execPath,
      [path.join(__dirname, 'transports.js'), transport, ...REAL_SUITES],
      { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: process.env },
    );
    process.stdout.write(child.stdout);
    const line = child.stdout.split('\n').find((text) => text.startsWith(RESULT_PREFIX));
    const counts = line
      ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as {
          passes: number;
          failures: number;
          pending: number;
        })
      : { passes: 0, failures: 1, pending: 0 };
    results.push({ transport, ...counts });
  }
  console.log(`\ntest:odoo against Odoo ${version}:`);
  for (const { transport, passes, failures, pending } of results) {
    console.log(
      `  ${transport.padEnd(8)} ${passes} passed, ${failures} failed, ${pending} skipped`,
    );
  }
  return results.some((result) => result.failures > 0) ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
