/**
 * Runs suites over one transport in a process of its own (the suites read the transport when
 * they load): `node dist/test/transports.js jsonrpc|json2|xmlrpc|auto [suite ...]`, a suite
 * being `<name>` for `<name>_spec` or a `<name>_real` suite (one that needs a real Odoo). Without suites,
 * the ones that drive the nodes: `npm test` runs them over XML-RPC with every other suite, then
 * once more over each JSON transport, against the stand-in Odoo 17 for JSON-RPC and Odoo 19 for
 * JSON-2. The last line says how many tests passed, failed and were skipped (for test/odoo.ts).
 */
import Mocha from 'mocha';
import path from 'node:path';
import { TRANSPORT_SETTINGS } from '../nodes/lib/transport';
import { NODE_RED_VERSION } from './support/node-red';

export const NODE_SUITES = [
  'nodes',
  'errors',
  'secrets',
  'session',
  'typed-input',
  'examples',
  'watch',
  'paging',
  'lifecycle',
  'odoo',
];

export const RESULT_PREFIX = 'suite results: ';

if (require.main === module) {
  const [transport = '', ...suites] = process.argv.slice(2);
  if (!TRANSPORT_SETTINGS.includes(transport as never)) {
    console.error(
      `usage: node dist/test/transports.js ${TRANSPORT_SETTINGS.join('|')} [suite ...]`,
    );
    process.exit(2);
  }
  process.env.ODOO_TEST_TRANSPORT = transport;
  console.log(`Node-RED ${NODE_RED_VERSION} on Node.js ${process.version}, transport ${transport}`);
  const mocha = new Mocha({ timeout: 10000 });
  for (const suite of suites.length > 0 ? suites : NODE_SUITES) {
    // `*_real` suites need a real Odoo: mocha's own run (npm test) leaves them out.
    const file = suite.endsWith('_real') ? `${suite}.js` : `${suite}_spec.js`;
    mocha.addFile(path.join(__dirname, file));
  }
  const runner = mocha.run((failures) => {
    const { passes, pending } = runner.stats ?? { passes: 0, pending: 0 };
    console.log(`${RESULT_PREFIX}${JSON.stringify({ passes, failures, pending })}`);
    process.exitCode = failures > 0 ? 1 : 0;
  });
}
