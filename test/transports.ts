/**
 * `npm test` runs every suite over XML-RPC; this runs the suites that drive the nodes once more
 * over one JSON transport (`node dist/test/transports.js jsonrpc|json2`), against the stand-in
 * Odoo 17 for JSON-RPC and Odoo 19 for JSON-2. One process per transport: the node suites read
 * the transport when they load.
 */
import Mocha from 'mocha';
import path from 'node:path';
import { TRANSPORT_SETTINGS } from '../nodes/lib/transport';

const NODE_SUITES = [
  'nodes',
  'errors',
  'secrets',
  'session',
  'typed-input',
  'examples',
  'watch',
  'paging',
  'lifecycle',
];

const transport = process.argv[2] ?? '';
if (!TRANSPORT_SETTINGS.includes(transport as never) || transport === 'auto') {
  console.error(`usage: node dist/test/transports.js jsonrpc|json2|xmlrpc (got "${transport}")`);
  process.exit(2);
}
process.env.ODOO_TEST_TRANSPORT = transport;
const mocha = new Mocha({ timeout: 10000 });
for (const suite of NODE_SUITES) mocha.addFile(path.join(__dirname, `${suite}_spec.js`));
mocha.run((failures) => {
  process.exitCode = failures > 0 ? 1 : 0;
});
