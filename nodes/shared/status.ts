import type { Node, NodeAPI, NodeStatus } from 'node-red';
import type { ConnectionState } from '../lib/connection';
import type { OdooErrorCode } from '../lib/errors';
import { fillTemplate } from '../lib/messages';
import { sharedKey } from './catalog';

const LOOK = {
  'no-server': { fill: 'red', shape: 'ring' },
  requesting: { fill: 'blue', shape: 'dot' },
  success: { fill: 'green', shape: 'dot' },
  error: { fill: 'red', shape: 'ring' },
  connecting: { fill: 'yellow', shape: 'ring' },
  connected: { fill: 'green', shape: 'ring' },
  refused: { fill: 'red', shape: 'ring' },
  unreachable: { fill: 'red', shape: 'ring' },
} as const satisfies Record<string, Pick<NodeStatus, 'fill' | 'shape'>>;

export type StatusKind = keyof typeof LOOK;

/**
 * A status text: a key of the shared catalog's `status` section and its parameters, or several
 * such texts shown together (`3 new · 5 updated`).
 */
export type StatusText =
  | { key: string; params?: Record<string, string | number> }
  | { parts: Array<{ key: string; params: Record<string, string | number> }> };

/** Statuses are shown at most this often; the latest one always shows once the time is up. */
const STATUS_EVERY_MS = 250;

/**
 * The one table of node statuses, and the status of one node. Texts without parameters are sent
 * as catalog keys, which the editor translates into the browser's language; texts with parameters
 * are translated here. `via` names the transport that carried the call (`36 records · json2`).
 * Under load a node's status changes at most four times a second, the latest one always shown.
 * The server node adds its connection state (see showConnection).
 */
export class StatusBoard {
  private shownAt = -Infinity;
  /** The latest status waiting for its turn, rendered only if it is still the latest then. */
  private pending: (() => NodeStatus) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Whether the status shown is the server node's connection state (or nothing yet). */
  private fromServer = true;
  private closed = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
  ) {}

  show(kind: StatusKind, text?: StatusText, via?: string): void {
    this.fromServer = false;
    this.put(() => this.render(kind, text, via));
  }

  /**
   * The server node's connection state. A refused login or an unreachable server shows on every
   * node; connecting and connected only replace a connection state, not a node's own result.
   */
  showConnection({ state, transport, version }: ConnectionState): void {
    const serious = state === 'refused' || state === 'unreachable';
    if (!serious && !this.fromServer) return;
    this.fromServer = true;
    const via = [transport, version].filter(Boolean).join(' ');
    this.put(() => this.render(state, undefined, state === 'connected' ? via : undefined));
  }

  /**
   * Nothing more is shown: the node is closing, and a message it is still ending must not paint
   * its status over the node deployed in its place.
   */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private render(kind: StatusKind, text?: StatusText, via?: string): NodeStatus {
    if (text && 'parts' in text) {
      const parts = text.parts.map(({ key, params }) =>
        withParams(this.RED, sharedKey(`status.${key}`), params),
      );
      return { ...LOOK[kind], text: [...parts, ...(via ? [via] : [])].join(' · ') };
    }
    const { key, params } = text ?? { key: kind };
    const qualified = sharedKey(`status.${key}`);
    if (!params && !via) return { ...LOOK[kind], text: qualified };
    const translated = withParams(this.RED, qualified, params ?? {});
    return { ...LOOK[kind], text: via ? `${translated} · ${via}` : translated };
  }

  private put(status: () => NodeStatus): void {
    if (this.closed) return;
    const now = performance.now();
    if (this.timer === undefined && now - this.shownAt >= STATUS_EVERY_MS) {
      this.shownAt = now;
      this.node.status(status());
      return;
    }
    this.pending = status;
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        this.shownAt = performance.now();
        if (this.pending) this.node.status(this.pending());
        this.pending = undefined;
      },
      STATUS_EVERY_MS - (now - this.shownAt),
    );
  }
}

/**
 * Texts with parameters are looked up once per runtime and filled in here: asking i18next for
 * each message's status costs about 0.1 ms, as a `count` parameter makes it resolve plural rules
 * every time, a tenth of what the whole node costs per message. A `count` picks the plural form
 * (`records_one`, `records_other`, i18next's names) by the rules of the catalog's language.
 */
const catalogs = new WeakMap<NodeAPI, { texts: Map<string, string>; plurals: Intl.PluralRules }>();

function withParams(RED: NodeAPI, qualified: string, params: Record<string, string | number>) {
  let catalog = catalogs.get(RED);
  if (!catalog) {
    const language = lookUp(RED, sharedKey('language')) ?? 'en';
    catalog = { texts: new Map(), plurals: new Intl.PluralRules(language) };
    catalogs.set(RED, catalog);
  }
  const { count } = params;
  const form = typeof count === 'number' ? `${qualified}_${catalog.plurals.select(count)}` : '';
  const wanted = form || qualified;
  let template = catalog.texts.get(wanted);
  if (template === undefined) {
    const found =
      (form && (lookUp(RED, form) ?? lookUp(RED, `${qualified}_other`))) || lookUp(RED, qualified);
    if (found !== undefined) catalog.texts.set(wanted, found);
    template = found ?? RED._(qualified);
  }
  return fillTemplate(template, params);
}

/** A catalog text, or undefined while the catalog does not have it (i18next answers the key). */
function lookUp(RED: NodeAPI, qualified: string): string | undefined {
  const text = RED._(qualified);
  return text && !qualified.endsWith(text) ? text : undefined;
}

/** Shows progress while a long read or write runs (the board keeps it to four a second). */
export function progressReporter(board: StatusBoard): (count: number, total?: number) => void {
  return (count, total) =>
    board.show(
      'requesting',
      total === undefined
        ? { key: 'progress-open', params: { count } }
        : { key: 'progress', params: { count, total } },
    );
}

export function errorStatus(code: OdooErrorCode | undefined): StatusText {
  return { key: code ?? 'error' };
}
