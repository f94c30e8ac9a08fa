import type { NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { SearchPage } from '../lib/client';
import { isOdooError, OdooError } from '../lib/errors';
import { describeValue } from '../lib/messages';
import { errorTranslator } from './catalog';

export const SPLITS = ['none', 'page', 'record'] as const;
export type Split = (typeof SPLITS)[number];

/** Shows how far a long read or write has come: rows so far, and the total when known. */
export type Progress = (count: number, total?: number) => void;

/**
 * What an action node's run() returns for a result read page by page: the wrapper sends it as
 * one msg with every row (split none) or as a sequence of msgs (split page or record).
 */
export class PagedResult {
  constructor(
    readonly pages: AsyncGenerator<SearchPage, void, undefined>,
    readonly split: Split,
    readonly pageSize: number,
    /** The status text that counts the rows. */
    readonly unit: 'records' | 'ids',
  ) {}
}

/** A node's `split` property; empty means `none`. */
export function checkSplit(RED: NodeAPI, value: unknown): Split {
  if (value === undefined || value === '') return 'none';
  if (SPLITS.includes(value as Split)) return value as Split;
  const message = errorTranslator(RED)('invalid-split', { value: describeValue(value) });
  throw new OdooError('ODOO_INVALID_INPUT', message);
}

/**
 * Every row of every page in one array (split none), or undefined when `stopped()` (the node was
 * closed) ended the read early.
 */
export async function collectPages(
  result: PagedResult,
  progress: Progress,
  stopped: () => boolean,
): Promise<unknown[] | undefined> {
  const rows: unknown[] = [];
  for await (const page of result.pages) {
    for (const row of page.rows) rows.push(row);
    if (page.last) return rows;
    if (stopped()) return undefined;
    progress(rows.length, page.expected);
  }
  return rows;
}

/**
 * Node-RED delivers each msg in its own callback of the next event-loop turn: sending a page of
 * records in slices keeps every turn short, so other flows and the editor are not held up.
 */
const RECORDS_PER_TURN = 100;

function delivered(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Sends each page (split page) or each row (split record) as its own msg: a copy of the input msg
 * with `msg.parts` as the core Split node writes it, so a Join node in automatic mode rebuilds the
 * whole array (`count` is on the messages of the last page). After each page it waits for
 * Node-RED to deliver the messages (on the next turn of the event loop) before taking the next
 * page, and the pages are read at most two ahead: memory holds three pages at most, never the
 * whole result. Resolves to the number of rows sent; `stopped()` (the node was closed) ends the
 * sequence early.
 */
export async function sendSequence(
  RED: NodeAPI,
  msg: NodeMessageInFlow,
  result: PagedResult,
  send: (msg: NodeMessage) => void,
  progress: Progress,
  stopped: () => boolean,
): Promise<number> {
  const id = RED.util.generateId();
  const base: NodeMessage = { ...msg };
  delete base.payload;
  let sent = 0;
  let messages = 0;
  const emit = (payload: unknown, index: number, len: number, count: number | undefined) => {
    const out = RED.util.cloneMessage(base) as NodeMessage & { parts?: unknown };
    const outer = out.parts;
    out.payload = payload;
    out.parts = {
      id,
      type: 'array',
      index,
      len,
      ...(count === undefined ? {} : { count }),
      ...(outer === undefined ? {} : { parts: outer }),
    };
    send(out);
    messages++;
  };
  try {
    for await (const page of result.pages) {
      const { rows, last } = page;
      if (result.split === 'page' && rows.length > 0) {
        emit(rows, messages, result.pageSize, last ? messages + 1 : undefined);
        sent += rows.length;
      } else if (result.split === 'record') {
        const count = last ? page.start + rows.length : undefined;
        for (let index = 0; index < rows.length; index++) {
          if (index > 0 && index % RECORDS_PER_TURN === 0) await delivered();
          emit(rows[index], sent++, 1, count);
        }
      }
      if (last) break;
      await delivered();
      progress(sent, page.expected);
      if (stopped()) break;
    }
  } catch (error) {
    if (sent === 0 || !isOdooError(error)) throw error;
    const already = errorTranslator(RED)('sent-before-failure', { sent, messages, id });
    const cause = typeof error.cause === 'object' && error.cause !== null ? error.cause : {};
    throw new OdooError(error.code, `${error.message} (${already})`, {
      ...cause,
      sent,
      partsId: id,
    });
  }
  return sent;
}
