import type { OdooClient } from './client';
import { Change, ChangeFeed, WatchMode, WatchStart, WatchState } from './watch';

export interface WatchSettings {
  mode: WatchMode;
  start: WatchStart;
  /** One message per record, or one per event and poll. */
  output: 'record' | 'poll';
  intervalMs: number;
  lookbackSeconds: number;
}

/** What one poll watches, as the node's parameters give it for the message that asked. */
export interface WatchQuery {
  model: string;
  domain: unknown[];
  fields?: string[];
}

/** A message the watch sends: one record, or the records of one event. */
export interface WatchMessage {
  topic: string;
  payload: unknown;
  odoo: { model: string; event: string; cursor: unknown };
}

/** An input message waiting for the poll it asked for. */
export interface Waiter<Msg> {
  msg: Msg;
  done: (error?: Error) => void;
}

/** What the scheduler needs of its node: parameters, the cursor's store, output and status. */
export interface WatchHost<Msg> {
  query(msg: Msg | undefined): Promise<WatchQuery>;
  load(): Promise<unknown>;
  save(state: WatchState): void;
  send(message: WatchMessage): void;
  /** A poll ended: what it delivered, or why it failed (`unasked`: no input msg waited for it). */
  succeeded(delivered: number): void;
  failed(error: unknown, unasked: boolean): void;
}

const PAGE_SIZE = 500;
/** Failed polls are tried again later and later, up to this (or the interval, if longer). */
const MAX_BACKOFF_MS = 5 * 60_000;
/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs the polls of one watch: one at a time, on a timer and when asked, backing off after
 * failures. The cursor is saved with what was sent, never ahead of it.
 */
export class WatchScheduler<Msg> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failures = 0;
  private readonly waiting: Waiter<Msg>[] = [];

  constructor(
    private readonly client: OdooClient,
    private readonly settings: WatchSettings,
    private readonly host: WatchHost<Msg>,
  ) {}

  /** Polls now, or right after the poll that is running. */
  request(waiter?: Waiter<Msg>): void {
    if (waiter) this.waiting.push(waiter);
    if (this.running || this.stopped) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = this.waiting.splice(0);
    this.running = this.poll(waiters[0]?.msg)
      .then(
        (delivered) => {
          this.failures = 0;
          this.host.succeeded(delivered);
          for (const { done } of waiters) done();
        },
        (error: unknown) => {
          this.failures++;
          this.host.failed(error, waiters.length === 0 && !this.stopped);
          for (const { done } of waiters) done(error as Error);
        },
      )
      .catch((error: unknown) => this.host.failed(error, true))
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
  private async poll(msg: Msg | undefined): Promise<number> {
    const { settings, client, host } = this;
    const { model, domain, fields } = await host.query(msg);
    const modelFields = await client.fieldsOf(model);
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
      modelFields,
      (localMs) => client.serverTimeAt(localMs),
    );
    const previous = await host.load();
    let delivered = 0;
    let pending: Change[] = [];
    // One msg per record is sent page by page; one msg per poll waits for the end of the poll
    // (or a full page).
    const send = (changes: Change[], state: WatchState) => {
      const messages =
        settings.output === 'record'
          ? changes.map((change) => recordMessage(model, feed.field, change))
          : pollMessages(model, feed.field, changes, state);
      for (const message of messages) host.send(message);
      delivered += changes.length;
      host.save(state);
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
    host.save(final);
    return delivered;
  }
}

function recordMessage(model: string, field: string, change: Change): WatchMessage {
  return {
    topic: `${model}/${change.event}`,
    payload: change.record,
    odoo: { model, event: change.event, cursor: change.cursor && { field, ...change.cursor } },
  };
}

/** One msg per event in the batch: `created` records, then `updated` ones. */
function pollMessages(
  model: string,
  field: string,
  changes: Change[],
  state: WatchState,
): WatchMessage[] {
  const cursor = state.cursor && { field, ...state.cursor };
  return (['created', 'updated'] as const)
    .map((event) => ({
      event,
      records: changes.filter((change) => change.event === event).map((change) => change.record),
    }))
    .filter(({ records }) => records.length > 0)
    .map(({ event, records }) => ({
      topic: `${model}/${event}`,
      payload: records,
      odoo: { model, event, cursor },
    }));
}
