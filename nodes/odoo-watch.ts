import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { isOdooError, OdooError } from './lib/errors';
import type { OdooClient } from './lib/client';
import { checkDomain } from './lib/watch';
import { WatchHost, WatchScheduler, WatchSettings } from './lib/watch-scheduler';
import { findServer } from './shared/server';
import { numberSetting } from './shared/settings';
import { errorStatus, StatusBoard } from './shared/status';
import { evaluateTypedInput } from './shared/typed-input';
import type { WatchNodeDef } from './shared/types';

/** The node context key that holds the cursor. */
const STATE_KEY = 'watch';
const DEFAULT_INTERVAL_SECONDS = 60;
/** Above Odoo's own limit_time_real (120 s), the longest a request may run by default. */
const DEFAULT_LOOKBACK_SECONDS = 180;

export default function (RED: NodeAPI): void {
  /** Polls a model for new and changed records and sends each change once (see WatchScheduler). */
  function OdooWatch(this: Node, def: WatchNodeDef) {
    RED.nodes.createNode(this, def);
    const board = new StatusBoard(RED, this);
    const server = findServer(RED, this, def.server, board);
    const settings = readSettings(def);
    // Nothing to poll: say so once, and answer every input msg with the same error.
    const refuse = (error: OdooError) => {
      this.on('input', (_msg, _send, done) => done(error));
    };
    if (server instanceof Error) return refuse(server);
    if (typeof settings === 'string') {
      const error = new OdooError('ODOO_INVALID_INPUT', settings);
      board.show('error', errorStatus(error.code));
      this.error(error);
      return refuse(error);
    }
    warnIfForgetful(this);
    server.register(board);
    const client = server.client.forNode();
    const watch = new WatchScheduler(client, settings, host(this, def, board, client));
    this.on('input', (msg: NodeMessage, _send, done) => watch.request({ msg, done }));
    this.on('close', (_removed: boolean, done: () => void) => {
      server.deregister(board);
      board.close();
      watch
        .stop()
        .catch((error: unknown) => this.error(error))
        .finally(() => done());
    });
    watch.request();
  }

  /** The node's side of the polls: parameters, the cursor in the node context, output, status. */
  function host(
    node: Node,
    def: WatchNodeDef,
    board: StatusBoard,
    client: OdooClient,
  ): WatchHost<NodeMessage> {
    const { check } = client;
    const parameter = (msg: NodeMessage, name: string, value: string, type: string) =>
      evaluateTypedInput(RED, node, def, msg, name, { value, type });
    return {
      async query(msg = {}) {
        return {
          model: check.model(await parameter(msg, 'model', '', 'str')),
          domain: checkDomain(client, await parameter(msg, 'domain', '[]', 'json')),
          fields: check.fields(await parameter(msg, 'fields', '', 'json')),
        };
      },
      load: () =>
        new Promise((resolve, reject) => {
          node.context().get(STATE_KEY, (error, value) => (error ? reject(error) : resolve(value)));
        }),
      save: (state) =>
        node.context().set(STATE_KEY, state, (error) => {
          if (error) node.warn(error);
        }),
      send: (message) => node.send({ ...message }),
      succeeded: (delivered) =>
        board.show(
          'success',
          delivered > 0 ? { key: 'changes', params: { count: delivered } } : { key: 'watching' },
        ),
      failed: (error, unasked) => {
        board.show('error', errorStatus(isOdooError(error) ? error.code : undefined));
        // A timer poll has no msg: report it with an empty one, so Catch nodes receive it.
        if (unasked) node.error(error, {});
      },
    };
  }

  /** A cursor in memory is lost on restart: the watch then starts afresh. Say how to keep it. */
  function warnIfForgetful(node: Node): void {
    if (keepsContextInMemory(RED.settings.contextStorage)) {
      node.warn(RED._('odoo-watch.warnings.memory-context'));
    }
  }

  function readSettings(def: WatchNodeDef): WatchSettings | string {
    const mode = def.event || 'updated';
    const start = def.start || 'now';
    const output = def.output || 'record';
    const interval = numberSetting(def.interval) ?? DEFAULT_INTERVAL_SECONDS;
    const lookback = numberSetting(def.lookback) ?? DEFAULT_LOOKBACK_SECONDS;
    const invalid = (name: string, value: unknown) =>
      RED._(`odoo-watch.errors.invalid-${name}`, { value: String(value) });
    if (mode !== 'created' && mode !== 'updated' && mode !== 'both') return invalid('event', mode);
    if (start !== 'now' && start !== 'all') return invalid('start', start);
    if (output !== 'record' && output !== 'poll') return invalid('output', output);
    if (!(interval >= 1)) return invalid('interval', def.interval);
    if (!(lookback >= 0)) return invalid('lookback', def.lookback);
    return { mode, start, output, intervalMs: interval * 1000, lookbackSeconds: lookback };
  }

  RED.nodes.registerType('odoo-watch', OdooWatch);
}

/**
 * Whether the default context store keeps nothing across restarts: no store configured, or a
 * default that is the `memory` module (settings.js `contextStorage`, by name or first listed).
 */
function keepsContextInMemory(stores: unknown): boolean {
  if (typeof stores !== 'object' || stores === null) return true;
  const all = stores as Record<string, unknown>;
  let chosen = all.default ?? all[Object.keys(all)[0]];
  if (typeof chosen === 'string') chosen = all[chosen];
  const module = (chosen as { module?: unknown } | undefined)?.module;
  return module === undefined || module === 'memory';
}
