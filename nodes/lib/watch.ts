import { createHash } from 'node:crypto';
import type { OdooClient } from './client';
import type { FieldInfo } from './connection';
import { describeValue } from './messages';
import { isPlainObject, odooDatetime } from './params';

export type WatchEvent = 'created' | 'updated';
/** `updated` reports creations too; `both` tells the two apart. */
export type WatchMode = WatchEvent | 'both';
export type WatchStart = 'now' | 'all';
export type DateField = 'create_date' | 'write_date';

/** A place in the order changes are read in: Odoo's timestamp (UTC, whole seconds), then id. */
export interface WatchCursor {
  date: string;
  id: number;
}

/**
 * What a watch keeps between polls, as plain JSON so that any context store can hold it.
 * `seen` maps the id of every record delivered (or present when the watch started) to the mark
 * of that version (its date, see `markOf`), for every date from `seenFrom` on: a row read again
 * with the same mark is not a new change.
 */
export interface WatchState {
  model: string;
  field: DateField;
  /** The last change read; null while there has been none. */
  cursor: WatchCursor | null;
  seenFrom: string | null;
  seen: Record<string, string>;
  /**
   * The server's time `lookback` before the last poll began (null or absent: unknown). Every
   * change dated before it had been committed when that poll read, so it was read then: the
   * next poll reads again from here only, and not at all before the cursor once this has passed
   * it.
   */
  windowFrom?: string | null;
}

export type OdooRecord = Record<string, unknown> & { id: number };

export interface Change {
  event: WatchEvent;
  record: OdooRecord;
  /** The watch's cursor once this change is delivered. */
  cursor: WatchCursor | null;
}

export interface WatchOptions {
  model: string;
  /** In explicit prefix form: see `checkDomain`. */
  domain: unknown[];
  /** The fields to read (the date fields the watch needs are added); undefined: all stored. */
  fields?: string[];
  mode: WatchMode;
  start: WatchStart;
  /**
   * The longest a transaction may run: a change committed late carries the date its
   * transaction began, at most this long before the commit. Each poll reads again the changes
   * dated from this long before the previous poll.
   */
  lookbackSeconds: number;
  /** The most records one request asks for. */
  pageSize: number;
}

/**
 * Receives the changes of one page, in order, with the state that includes them (a copy the
 * watch no longer touches). Answering false ends the poll at once.
 */
export type BatchHandler = (changes: Change[], state: WatchState) => boolean;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const DATE_LENGTH = 19;

export function dateFieldOf(mode: WatchMode): DateField {
  return mode === 'created' ? 'create_date' : 'write_date';
}

/** Relations whose content changes without a write on the record itself. */
const RELATION_LISTS = new Set(['one2many', 'many2many']);

/** The server's time (ms) at a local instant (`performance.now()`), when known. */
export type ServerClock = (localMs: number) => number | undefined;

/**
 * A change feed over one model, read with Odoo's own timestamps and clock (never this machine's).
 *
 * Odoo stores create_date/write_date to the microsecond (the transaction's start) but sends
 * whole seconds, so `write_date > '12:00:00'` also matches rows of 12:00:00.4 and
 * `write_date = '12:00:00'` almost never matches. Every query therefore works in whole seconds
 * (`>=` a second, `<` the next one) and pages by id within one second, which is exact whatever
 * precision the server keeps. A transaction commits rows dated when it started, possibly before
 * the cursor, and a record written twice in one second keeps its write_date: each poll reads
 * again from `lookbackSeconds` before the server's time when the previous poll began, and skips
 * the versions it delivered. Once that time is past the cursor, a poll reads only what follows
 * the cursor: a quiet model costs one empty page. The server's clock comes from its answers'
 * `Date` header; without one, the window starts `lookbackSeconds` before the cursor.
 */
export class ChangeFeed {
  readonly field: DateField;
  /** What is read: the user's fields or every stored one but binaries, and the dates needed. */
  readonly readFields: string[];
  /** The stored values that tell two versions of a record with the same date apart. */
  private readonly versionFields: { name: string; many2one: boolean }[];

  constructor(
    private readonly client: OdooClient,
    readonly options: WatchOptions,
    fields: Map<string, FieldInfo>,
    private readonly serverClock: ServerClock = () => undefined,
  ) {
    this.field = dateFieldOf(options.mode);
    const stored = (name: string) => fields.get(name)?.store === true;
    const chosen =
      options.fields ??
      [...fields.keys()].filter((name) => stored(name) && fields.get(name)?.type !== 'binary');
    const needed = options.mode === 'both' ? ['create_date', 'write_date'] : [this.field];
    this.readFields = [...new Set([...chosen, ...needed])];
    this.versionFields = this.readFields
      .filter((name) => stored(name) && !RELATION_LISTS.has(fields.get(name)?.type ?? ''))
      .map((name) => ({ name, many2one: fields.get(name)?.type === 'many2one' }));
  }

  /**
   * One poll: delivers every change after `previous`, page by page. Without a usable previous
   * state (first poll, or another model or event) it starts over: with every existing record
   * (`all`), or with none of them (`now`: they are only noted). Resolves to the final state, or
   * undefined when `onBatch` ended the poll.
   */
  async poll(previous: unknown, onBatch: BatchHandler): Promise<WatchState | undefined> {
    const { domain } = this.options;
    const began = performance.now();
    if (isWatchState(previous, this.options.model, this.field)) {
      const state = await new Poll(this, domain, clone(previous), onBatch).run();
      return state && this.closeWindow(state, began);
    }
    const state: WatchState = {
      model: this.options.model,
      field: this.field,
      cursor: null,
      seenFrom: null,
      seen: {},
      windowFrom: null,
    };
    if (this.options.start === 'all') {
      const first = await new Poll(this, domain, state, onBatch).run();
      return first && this.closeWindow(first, began);
    }
    await this.takeBaseline(domain, state);
    return state;
  }

  /**
   * The window of the next poll: from `lookbackSeconds` before the server's time when this poll
   * began (never earlier than the last window); what is dated before it is forgotten.
   */
  private closeWindow(state: WatchState, began: number): WatchState {
    const from = this.windowAt(began);
    if (from === undefined) return state;
    state.windowFrom = state.windowFrom && state.windowFrom > from ? state.windowFrom : from;
    forgetBefore(state, state.windowFrom);
    return state;
  }

  private windowAt(localMs: number): string | undefined {
    const serverMs = this.serverClock(localMs);
    if (serverMs === undefined) return undefined;
    return odooDatetime(new Date(serverMs - this.options.lookbackSeconds * 1000));
  }

  /**
   * Notes every record as it is now, so that only later changes are delivered: the records the
   * next poll reads again (see closeWindow), and the newest one as the cursor.
   */
  private async takeBaseline(domain: unknown[], state: WatchState): Promise<void> {
    const [latest] = await this.page(domain, `${this.field} desc, id desc`, [this.field], 1);
    const windowFrom = this.windowAt(performance.now());
    state.windowFrom = windowFrom ?? null;
    if (!latest) return;
    state.cursor = this.cursorOf(latest);
    const from =
      windowFrom ?? shiftSeconds(latest[this.field] as string, -this.options.lookbackSeconds);
    state.seenFrom = from;
    if (from > state.cursor.date) return;
    await this.walk(domain, { date: from, id: 0 }, (rows) => {
      for (const row of rows) {
        state.seen[row.id] = this.markOf(row);
        state.cursor = laterCursor(state.cursor, this.cursorOf(row));
      }
      return true;
    });
  }

  cursorOf(row: OdooRecord): WatchCursor {
    return { date: row[this.field] as string, id: row.id };
  }

  /**
   * What tells one version of a record from another: its date, and for changes a digest of its
   * stored values, since two writes within one second leave the same write_date. What changes
   * without a write on the record is left out: values Odoo computes without storing, lists of
   * related records, and the names in `[id, name]` pairs.
   */
  markOf(row: OdooRecord): string {
    const date = row[this.field] as string;
    if (this.field === 'create_date') return date;
    // With `both`, a version is kept (see forgetOld) while its create_date is in the window too:
    // a transaction that started before the record was created can write it with an older date.
    const created = row.create_date;
    const kept =
      this.options.mode === 'both' && typeof created === 'string' && created > date
        ? created
        : date;
    const values = JSON.stringify(
      this.versionFields.map(({ name, many2one }) => {
        const value = row[name] ?? null;
        return many2one && Array.isArray(value) ? value[0] : value;
      }),
    );
    return `${kept} ${createHash('sha1').update(values).digest('base64url').slice(0, 12)}`;
  }

  /**
   * Reads, page by page, every record after `start` in (date in whole seconds, id) order, and
   * hands the rows to `onRows` in that order. Resolves to false when `onRows` asked to stop.
   */
  async walk(
    domain: unknown[],
    start: WatchCursor | null,
    onRows: (rows: OdooRecord[]) => boolean,
  ): Promise<boolean> {
    const { pageSize } = this.options;
    let key = start;
    for (;;) {
      const page = await this.page(
        andDomains(domain, this.after(key)),
        `${this.field} asc, id asc`,
        this.readFields,
        pageSize,
      );
      if (page.length < pageSize) return page.length === 0 || onRows(this.sorted(page));
      // Odoo sorts by the stored microseconds: only the seconds before the page's last one
      // are complete. The last second is read again in id order.
      const lastSecond = page[page.length - 1][this.field] as string;
      const complete = page.filter((row) => (row[this.field] as string) < lastSecond);
      if (complete.length > 0 && !onRows(this.sorted(complete))) return false;
      if (key?.date !== lastSecond) key = { date: lastSecond, id: 0 };
      const nextSecond = shiftSeconds(lastSecond, 1);
      for (;;) {
        const rows = await this.page(
          andDomains(domain, this.after(key), [[this.field, '<', nextSecond]]),
          'id asc',
          this.readFields,
          pageSize,
        );
        if (rows.length > 0 && !onRows(rows)) return false;
        if (rows.length > 0) key = { date: lastSecond, id: rows[rows.length - 1].id };
        if (rows.length < pageSize) break;
      }
    }
  }

  /** search_read of one page; rows without a usable date or id are left out. */
  private async page(
    domain: unknown[],
    order: string,
    fields: string[],
    limit: number,
  ): Promise<OdooRecord[]> {
    const rows = await this.client.search({
      model: this.options.model,
      domain,
      fields,
      order,
      limit,
      returns: 'records',
    });
    return (Array.isArray(rows) ? rows : []).filter(
      (row): row is OdooRecord =>
        isPlainObject(row) &&
        Number.isSafeInteger(row.id) &&
        DATE_PATTERN.test(String(row[this.field])),
    );
  }

  /** Rows strictly after `key` in (second, id) order, as a domain exact at any precision. */
  private after(key: WatchCursor | null): unknown[] {
    const field = this.field;
    if (!key) return [[field, '!=', false]];
    if (key.id === 0) return [[field, '>=', key.date]];
    const nextSecond = shiftSeconds(key.date, 1);
    return [
      '|',
      [field, '>=', nextSecond],
      '&',
      '&',
      [field, '>=', key.date],
      [field, '<', nextSecond],
      ['id', '>', key.id],
    ];
  }

  private sorted(rows: OdooRecord[]): OdooRecord[] {
    return [...rows].sort((a, b) => compareCursors(this.cursorOf(a), this.cursorOf(b)));
  }
}

/** One poll of a watch that already has a state. */
class Poll {
  private stopped = false;
  /** Where this poll starts reading; null: from the first record. */
  private readonly start: WatchCursor | null;
  /** Where the previous poll left the cursor. */
  private readonly previous: WatchCursor | null;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly domain: unknown[],
    private readonly state: WatchState,
    private readonly onBatch: BatchHandler,
  ) {
    const { cursor, seenFrom } = state;
    this.previous = cursor && { ...cursor };
    if (!cursor) {
      this.start = null;
      return;
    }
    const windowStart =
      state.windowFrom ?? shiftSeconds(cursor.date, -feed.options.lookbackSeconds);
    if (windowStart > cursor.date) {
      // Everything up to the cursor was committed and read: only what follows it is new.
      this.start = cursor;
      return;
    }
    // The window, and at least the cursor's own second: rows written there later (or committed
    // late) are told from delivered ones by `seen`, which covers it from seenFrom.
    this.start = { date: seenFrom && seenFrom > windowStart ? seenFrom : windowStart, id: 0 };
  }

  async run(): Promise<WatchState | undefined> {
    const completed = await this.feed.walk(this.domain, this.start, (rows) => this.deliver(rows));
    if (!completed || this.stopped) return undefined;
    this.forgetOld();
    return clone(this.state);
  }

  /** Hands on the rows not delivered yet, in the order read. */
  private deliver(rows: OdooRecord[]): boolean {
    const changes: Change[] = [];
    for (const row of rows) {
      this.state.cursor = laterCursor(this.state.cursor, this.feed.cursorOf(row));
      const mark = this.feed.markOf(row);
      if (this.state.seen[row.id] === mark) continue;
      const event = this.eventOf(row);
      this.state.seen[row.id] = mark;
      changes.push({ event, record: row, cursor: this.state.cursor && { ...this.state.cursor } });
    }
    this.forgetOld();
    if (changes.length > 0 && !this.onBatch(changes, clone(this.state))) this.stopped = true;
    return !this.stopped;
  }

  /**
   * `both`: created when the record is new since the previous poll (with start `all`, every
   * record of the first poll): created after the cursor, or a late commit in the look-back
   * window that the watch has not delivered.
   */
  private eventOf(row: OdooRecord): WatchEvent {
    const { mode } = this.feed.options;
    if (mode !== 'both') return mode;
    if (Object.hasOwn(this.state.seen, row.id)) return 'updated';
    if (this.previous === null) return 'created';
    const created = row.create_date;
    if (typeof created !== 'string') return 'updated';
    if (created > this.previous.date) return 'created';
    return this.state.seenFrom !== null && created >= this.state.seenFrom ? 'created' : 'updated';
  }

  /**
   * Forgets, during a long poll, what no window can reach any more: changes dated more than
   * `lookbackSeconds` before the cursor (the server's clock is past that, since it is past the
   * cursor). After the poll, closeWindow forgets up to the next window.
   */
  private forgetOld(): void {
    const { cursor } = this.state;
    if (!cursor) return;
    forgetBefore(this.state, shiftSeconds(cursor.date, -this.feed.options.lookbackSeconds));
  }
}

/** Drops the marks of versions dated before `date`; `seen` then covers changes from there on. */
function forgetBefore(state: WatchState, date: string): void {
  if (state.seenFrom !== null && state.seenFrom >= date) return;
  for (const [id, mark] of Object.entries(state.seen)) {
    if (mark.slice(0, DATE_LENGTH) < date) delete state.seen[id];
  }
  state.seenFrom = date;
}

function clone(state: WatchState): WatchState {
  return { ...state, cursor: state.cursor && { ...state.cursor }, seen: { ...state.seen } };
}

export function isWatchState(value: unknown, model: string, field: DateField): value is WatchState {
  if (!isPlainObject(value)) return false;
  const state = value as Partial<WatchState>;
  const cursor = state.cursor;
  return (
    state.model === model &&
    state.field === field &&
    (cursor === null ||
      (isPlainObject(cursor) &&
        DATE_PATTERN.test(String(cursor.date)) &&
        Number.isSafeInteger(cursor.id))) &&
    (state.seenFrom === null || DATE_PATTERN.test(String(state.seenFrom))) &&
    (state.windowFrom === undefined ||
      state.windowFrom === null ||
      DATE_PATTERN.test(String(state.windowFrom))) &&
    isPlainObject(state.seen) &&
    Object.values(state.seen).every(
      (mark) => typeof mark === 'string' && DATE_PATTERN.test(mark.slice(0, DATE_LENGTH)),
    )
  );
}

export function compareCursors(a: WatchCursor, b: WatchCursor): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.id - b.id;
}

function laterCursor(current: WatchCursor | null, candidate: WatchCursor): WatchCursor {
  return current && compareCursors(current, candidate) >= 0 ? current : candidate;
}

/** Odoo's `YYYY-MM-DD HH:MM:SS` (UTC) moved by a number of seconds. */
export function shiftSeconds(date: string, seconds: number): string {
  return odooDatetime(new Date(Date.parse(`${date.replace(' ', 'T')}Z`) + seconds * 1000));
}

/**
 * A domain in explicit prefix form, as Odoo normalizes it: the implicit AND between top-level
 * terms made explicit, so that it can be combined with other conditions safely. A domain Odoo
 * would refuse (an operator short of terms, a stray value) fails here, before any request.
 */
export function checkDomain(client: OdooClient, value: unknown): unknown[] {
  const domain = client.check.domain(value);
  const fail = () => client.check.fail('invalid-domain', { value: describeValue(value) });
  const result: unknown[] = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) {
      result.unshift('&');
      expected = 1;
    }
    if (Array.isArray(token)) expected -= 1;
    else if (token === '&' || token === '|') expected += 1;
    else if (token !== '!') fail();
    result.push(token);
  }
  if (result.length > 0 && expected !== 0) fail();
  return result;
}

/** The AND of normalized domains (an empty one is no condition). */
export function andDomains(...domains: unknown[][]): unknown[] {
  return domains
    .filter((domain) => domain.length > 0)
    .reduce<unknown[]>(
      (combined, domain) => (combined.length === 0 ? domain : ['&', ...combined, ...domain]),
      [],
    );
}
