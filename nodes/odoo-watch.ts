import type { Node, NodeAPI, NodeMessage } from 'node-red';
import type { OdooClient } from './lib/client';
import { isOdooError, OdooError } from './lib/errors';
import {
  Change,
  ChangeFeed,
  checkDomain,
  describeFields,
  FieldInfo,
  WatchMode,
  WatchStart,
  WatchState,
} from './lib/watch';
import { findServer } from './shared/server';
import { errorStatus, StatusBoard } from './shared/status';
import { evaluateTypedInput } from './shared/typed-input';
import type { ActionNodeDef } from './shared/types';

interface WatchNodeDef extends ActionNodeDef {
  event?: string;
  interval?: string | number;
  start?: string;
  output?: string;
  lookback?: string | number;
}

interface WatchSettings {
  mode: WatchMode;
  start: WatchStart;
  output: 'record' | 'poll';
  intervalMs: number;
  lookbackSeconds: number;
}

/** An input msg waiting for the poll it asked for. */
interface Waiter {
  msg: NodeMessage;
  done: (error?: Error) => void;
}

/** The node context key that holds the cursor. */
const STATE_KEY = 'watch';
const PAGE_SIZE = 500;
/** Failed polls are tried again later and later, up to this (or the interval, if longer). */
const MAX_BACKOFF_MS = 5 * 60_000;
/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Above Odoo's own limit_time_real (120 s), the longest a request may run by default. */
const DEFAULT_LOOKBACK_SECONDS = 180;

export default function (RED: NodeAPI): void {
  /** Polls a model for new and changed records and sends each change once. */
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
    const watch = new Watch(this, board, server.client.forNode(), def, settings);
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

  /** A cursor in memory is lost on restart: the watch then starts afresh. Say how to keep it. */
  function warnIfForgetful(node: Node): void {
    if (keepsContextInMemory(RED.settings.contextStorage)) {
      node.warn(RED._('odoo-watch.warnings.memory-context'));
    }
  }

  /** Runs the polls of one node: one at a time, on a timer, backing off after failures. */
  class Watch {
    private timer: NodeJS.Timeout | undefined;
    private running: Promise<void> | undefined;
    private stopped = false;
    private failures = 0;
    /** The model's fields, asked once (fields_get). */
    private described: { model: string; fields: FieldInfo } | undefined;
    private readonly waiting: Waiter[] = [];

    constructor(
      private readonly node: Node,
      private readonly board: StatusBoard,
      private readonly client: OdooClient,
      private readonly def: WatchNodeDef,
      private readonly settings: WatchSettings,
    ) {}

    /** Polls now, or right after the poll that is running. */
    request(waiter?: Waiter): void {
      if (waiter) this.waiting.push(waiter);
      if (this.running || this.stopped) return;
      clearTimeout(this.timer);
      this.timer = undefined;
      const waiters = this.waiting.splice(0);
      this.running = this.poll(waiters[0]?.msg ?? {})
        .then(
          (delivered) => {
            this.failures = 0;
            this.board.show(
              'success',
              delivered > 0
                ? { key: 'changes', params: { count: delivered } }
                : { key: 'watching' },
            );
            for (const { done } of waiters) done();
          },
          (error: unknown) => {
            this.failures++;
            this.board.show('error', errorStatus(isOdooError(error) ? error.code : undefined));
            // A timer poll has no msg: report it with an empty one, so Catch nodes receive it.
            if (waiters.length === 0 && !this.stopped) this.node.error(error, {});
            for (const { done } of waiters) done(error as Error);
          },
        )
        .catch((error: unknown) => this.node.error(error))
        .finally(() => {
          this.running = undefined;
          if (this.stopped) return;
          if (this.waiting.length > 0) this.request();
          else this.timer = setTimeout(() => this.request(), this.nextDelay());
        });
    }

    /**
     * Ends the timer and the poll in flight (its reads are cut: it delivers and records nothing
     * more); resolves once it has ended.
     */
    async stop(): Promise<void> {
      this.stopped = true;
      clearTimeout(this.timer);
      this.timer = undefined;
      for (const { done } of this.waiting.splice(0)) done();
      await this.client.stop();
      await this.running;
    }

    private nextDelay(): number {
      const { intervalMs } = this.settings;
      const delay =
        this.failures === 0
          ? intervalMs
          : Math.min(intervalMs * 2 ** this.failures, Math.max(intervalMs, MAX_BACKOFF_MS));
      return Math.min(delay, MAX_TIMER_MS);
    }

    /** One poll; resolves to the number of changes delivered. */
    private async poll(msg: NodeMessage): Promise<number> {
      const { node, def, settings, client } = this;
      const model = client.check.model(
        await evaluateTypedInput(RED, node, def, msg, 'model', { value: '', type: 'str' }),
      );
      const domain = checkDomain(
        client,
        await evaluateTypedInput(RED, node, def, msg, 'domain', { value: '[]', type: 'json' }),
      );
      const fields = client.check.fields(
        await evaluateTypedInput(RED, node, def, msg, 'fields', { value: '', type: 'json' }),
      );
      if (this.described?.model !== model) {
        this.described = { model, fields: await describeFields(client, model) };
      }
      const feed = new ChangeFeed(
        client,
        {
          model,
          domain,
          fields,
          mode: settings.mode,
          start: settings.start,
          lookbackSeconds: settings.lookbackSeconds,
          pageSize: PAGE_SIZE,
        },
        this.described.fields,
        (localMs) => client.serverTimeAt(localMs),
      );
      const previous = await this.load();
      let delivered = 0;
      let pending: Change[] = [];
      // One msg per record is sent page by page; one msg per poll waits for the end of the poll
      // (or a full page). The cursor is saved with what was sent, never ahead of it.
      const send = (changes: Change[], state: WatchState) => {
        if (settings.output === 'record') {
          for (const change of changes) node.send(recordMessage(model, feed.field, change));
        } else {
          for (const message of pollMessages(model, feed.field, changes, state)) {
            node.send(message);
          }
        }
        delivered += changes.length;
        this.save(state);
      };
      const final = await feed.poll(previous, (changes, state) => {
        if (this.stopped) return false;
        if (settings.output === 'record') send(changes, state);
        else {
          pending.push(...changes);
          if (pending.length >= PAGE_SIZE) {
            send(pending, state);
            pending = [];
          }
        }
        return true;
      });
      if (!final || this.stopped) return delivered;
      if (pending.length > 0) send(pending, final);
      this.save(final);
      return delivered;
    }

    private load(): Promise<unknown> {
      return new Promise((resolve, reject) => {
        this.node.context().get(STATE_KEY, (error, value) => {
          if (error) reject(error);
          else resolve(value);
        });
      });
    }

    private save(state: WatchState): void {
      this.node.context().set(STATE_KEY, state, (error) => {
        if (error) this.node.warn(error);
      });
    }
  }

  RED.nodes.registerType('odoo-watch', OdooWatch);

  function readSettings(def: WatchNodeDef): WatchSettings | string {
    const mode = def.event || 'updated';
    const start = def.start || 'now';
    const output = def.output || 'record';
    const interval = numberOr(def.interval, 60);
    const lookback = numberOr(def.lookback, DEFAULT_LOOKBACK_SECONDS);
    const invalid = (name: string, value: unknown) =>
      RED._(`odoo-watch.errors.invalid-${name}`, { value: String(value) });
    if (mode !== 'created' && mode !== 'updated' && mode !== 'both') return invalid('event', mode);
    if (start !== 'now' && start !== 'all') return invalid('start', start);
    if (output !== 'record' && output !== 'poll') return invalid('output', output);
    if (!(interval >= 1)) return invalid('interval', def.interval);
    if (!(lookback >= 0)) return invalid('lookback', def.lookback);
    return { mode, start, output, intervalMs: interval * 1000, lookbackSeconds: lookback };
  }
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

/** A number property; empty means the default, anything else that is not a number is NaN. */
function numberOr(value: unknown, fallback: number): number {
  if (value === undefined || value === null || String(value).trim() === '') return fallback;
  return Number(value);
}

function recordMessage(model: string, field: string, change: Change): NodeMessage {
  return {
    topic: `${model}/${change.event}`,
    payload: change.record,
    odoo: { model, event: change.event, cursor: change.cursor && { field, ...change.cursor } },
  } as NodeMessage;
}

/** One msg per event in the batch: `created` records, then `updated` ones. */
function pollMessages(
  model: string,
  field: string,
  changes: Change[],
  state: WatchState,
): NodeMessage[] {
  const cursor = state.cursor && { field, ...state.cursor };
  return (['created', 'updated'] as const)
    .map((event) => ({
      event,
      records: changes.filter((change) => change.event === event).map((change) => change.record),
    }))
    .filter(({ records }) => records.length > 0)
    .map(
      ({ event, records }) =>
        ({
          topic: `${model}/${event}`,
          payload: records,
          odoo: { model, event, cursor },
        }) as NodeMessage,
    );
}
