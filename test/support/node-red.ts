/**
 * The Node-RED the tests run on: the development dependency (4.1), or the installation that
 * NODE_RED_PATH names (CI runs the node suites and the package check on Node-RED 5 as well).
 * Every Node-RED module a test touches comes from that one installation.
 */
import fs from 'node:fs';
import path from 'node:path';

const home = process.env.NODE_RED_PATH
  ? path.resolve(process.env.NODE_RED_PATH)
  : path.dirname(require.resolve('node-red/package.json'));

/** The `node-red` package's main module, for node-red-node-test-helper. */
export const NODE_RED_MAIN = require.resolve(home);

/** Its version, such as 4.1.15. */
export const NODE_RED_VERSION = (
  JSON.parse(fs.readFileSync(path.join(home, 'package.json'), 'utf8')) as { version: string }
).version;

/** `red.js`, to start Node-RED itself in a child process. */
export const NODE_RED_CLI = path.join(home, 'red.js');

/** A module of that installation, such as `@node-red/util` or a core node's file. */
export function nodeRedModule<T>(id: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve(id, { paths: [home] })) as T;
}
