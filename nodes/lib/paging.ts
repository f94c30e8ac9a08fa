import { kwargsOf } from './objects';

/**
 * Reading a search result page by page, never asking Odoo for more than `pageSize` rows per call,
 * with a scheme that neither skips nor repeats a record when others are added or removed during
 * the read:
 *
 * - Ordered by id (`id`, `id asc`, `id desc` first in the order): a keyset cursor. Each page asks
 *   for the rows after the last id seen, `[('id', '>', last), ...domain]` (`<` for descending),
 *   so earlier changes cannot shift it. Records added during the read are included when they
 *   sort after the cursor, records removed before their page are left out.
 * - Any other order (the model's default included): the first page is read with `search_read`;
 *   if more follow, one `search` takes a snapshot of the matching ids in that order, and the rest
 *   is read with `read` in pages of those ids. Every record that matched at the snapshot is
 *   delivered once, in order; records removed meanwhile are left out, records added after the
 *   snapshot are not included. Ids are small (about 35 bytes each on the wire), so the snapshot
 *   of a million records is one call of a few tens of megabytes.
 * - `returns: ids` in any other order: the one `search` call is itself the snapshot.
 */

/** One page of a search result. */
export interface SearchPage {
  /** Records (returns records) or ids (returns ids), in order. */
  rows: unknown[];
  /** The position of the page's first row in the whole result. */
  start: number;
  /** True on the last page: nothing follows. */
  last: boolean;
  /**
   * How many rows the whole result will have, once known (from `search_count` or the snapshot);
   * exact on the last page, an estimate before it when records change during the read.
   */
  expected?: number;
}

export interface PagedQuery {
  /** `search_read` (records) or `search` (ids). */
  records: boolean;
  domain: unknown[];
  fields?: string[];
  offset?: number;
  /** 0 or undefined: no limit, as in Odoo. */
  limit?: number;
  order?: string;
  context?: Record<string, unknown>;
  pageSize: number;
}

/** `execute_kw` on the searched model. */
export type ModelCall = (
  method: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
) => Promise<unknown>;

/** A page as its source knows it: `complete` when it is known that nothing follows. */
interface Batch {
  rows: unknown[];
  complete: boolean;
  expected?: number;
}

/**
 * The pages of a search. Each page is yielded once the following one has been read (or is known
 * not to exist), so the last page says so; the one after is asked for meanwhile, so Odoo works on
 * it while the flow handles the current page. At most three pages are held at any time.
 */
export async function* readPages(query: PagedQuery, call: ModelCall): AsyncGenerator<SearchPage> {
  const direction = idDirection(query.order);
  const batches = readAhead(
    direction
      ? cursorBatches(query, call, direction)
      : query.records
        ? snapshotBatches(query, call)
        : idSnapshotBatches(query, call),
  );
  let held: Batch | undefined;
  let start = 0;
  for await (const batch of batches) {
    if (batch.rows.length === 0) {
      if (batch.complete) break;
      continue;
    }
    if (held) {
      yield { rows: held.rows, start, last: false, expected: batch.expected ?? held.expected };
      start += held.rows.length;
    }
    held = batch;
    if (batch.complete) break;
  }
  yield { rows: held?.rows ?? [], start, last: true, expected: start + (held?.rows.length ?? 0) };
}

/** Asks for the next batch as soon as one is handed out, unless that one is the last. */
async function* readAhead(source: AsyncGenerator<Batch>): AsyncGenerator<Batch> {
  let next = source.next();
  try {
    for (;;) {
      const { value, done } = await next;
      if (done) return;
      if (value.complete) {
        yield value;
        return;
      }
      next = source.next();
      // A failure is thrown when the batch is awaited, not reported as unhandled before that.
      next.catch(() => undefined);
      yield value;
    }
  } finally {
    void source.return(undefined).catch(() => undefined);
  }
}

/** 'asc' or 'desc' when the order starts with `id`, which makes it a total order by id. */
export function idDirection(order: string | undefined): 'asc' | 'desc' | undefined {
  const first = /^\s*"?id"?(?:\s+(asc|desc))?\s*$/i.exec((order ?? '').split(',')[0]);
  if (!first) return undefined;
  return first[1]?.toLowerCase() === 'desc' ? 'desc' : 'asc';
}

async function* cursorBatches(
  query: PagedQuery,
  call: ModelCall,
  direction: 'asc' | 'desc',
): AsyncGenerator<Batch> {
  let remaining = query.limit || Infinity;
  let lastId: number | undefined;
  let expected: number | undefined;
  for (;;) {
    const size = Math.min(query.pageSize, remaining);
    const domain =
      lastId === undefined
        ? query.domain
        : [['id', direction === 'asc' ? '>' : '<', lastId], ...query.domain];
    const rows = (await call(
      query.records ? 'search_read' : 'search',
      [domain],
      kwargsOf({
        fields: query.fields,
        offset: lastId === undefined ? query.offset : undefined,
        limit: size,
        order: query.order,
        context: query.context,
      }),
    )) as unknown[];
    remaining -= rows.length;
    const complete = rows.length < size || remaining <= 0;
    if (!complete && lastId === undefined) {
      countMatches(query, call).then(
        (count) =>
          (expected = Math.min(Math.max(0, count - (query.offset ?? 0)), query.limit || count)),
        () => undefined,
      );
    }
    yield { rows, complete, expected };
    if (complete) return;
    const last = rows[rows.length - 1];
    lastId = query.records ? (last as { id: number }).id : (last as number);
  }
}

/** The total for the progress status: one `search_count`, only once a second page is needed. */
async function countMatches(query: PagedQuery, call: ModelCall): Promise<number> {
  const count = await call('search_count', [query.domain], kwargsOf({ context: query.context }));
  return typeof count === 'number' ? count : Promise.reject(new TypeError('not a count'));
}

async function* snapshotBatches(query: PagedQuery, call: ModelCall): AsyncGenerator<Batch> {
  const common = { offset: query.offset, order: query.order, context: query.context };
  const size = Math.min(query.pageSize, query.limit || Infinity);
  const first = (await call(
    'search_read',
    [query.domain],
    kwargsOf({ ...common, fields: query.fields, limit: size }),
  )) as { id: number }[];
  if (first.length < size || first.length === query.limit) {
    yield { rows: first, complete: true };
    return;
  }
  const ids = (await call(
    'search',
    [query.domain],
    kwargsOf({ ...common, limit: query.limit || undefined }),
  )) as number[];
  const delivered = new Set(first.map((record) => record.id));
  let rest = ids.filter((id) => !delivered.has(id));
  if (query.limit) rest = rest.slice(0, query.limit - first.length);
  const expected = first.length + rest.length;
  yield { rows: first, complete: rest.length === 0, expected };
  for (let index = 0; index < rest.length; index += query.pageSize) {
    const rows = (await call(
      'read',
      [rest.slice(index, index + query.pageSize)],
      kwargsOf({ fields: query.fields, context: query.context }),
    )) as unknown[];
    yield { rows, complete: index + query.pageSize >= rest.length, expected };
  }
}

async function* idSnapshotBatches(query: PagedQuery, call: ModelCall): AsyncGenerator<Batch> {
  const ids = (await call(
    'search',
    [query.domain],
    kwargsOf({
      offset: query.offset,
      limit: query.limit || undefined,
      order: query.order,
      context: query.context,
    }),
  )) as unknown[];
  for (let index = 0; index < ids.length || index === 0; index += query.pageSize) {
    const rows = ids.slice(index, index + query.pageSize);
    yield { rows, complete: index + query.pageSize >= ids.length, expected: ids.length };
  }
}
