import type { Node, NodeAPI, NodeStatus } from 'node-red';
import type { OdooErrorCode } from '../lib/errors';
import { fillTemplate } from '../lib/messages';
import { sharedKey } from './catalog';

const LOOK = {
  'no-server': { fill: 'red', shape: 'ring' },
  requesting: { fill: 'blue', shape: 'dot' },
  success: { fill: 'green', shape: 'dot' },
  error: { fill: 'red', shape: 'ring' },
} as const satisfies Record<string, Pick<NodeStatus, 'fill' | 'shape'>>;

export type StatusKind = keyof typeof LOOK;

/** A success status text: a key of the shared catalog's `status` section and its parameters. */
export interface StatusText {
  key: string;
  params?: Record<string, string | number>;
}

/**
 * The one table of node statuses. Texts without parameters are sent as catalog keys, which the
 * editor translates into the browser's language; texts with parameters are translated here.
 * `via` names the transport that carried the call (`36 records · json2`).
 */
export function showStatus(
  RED: NodeAPI,
  node: Node,
  kind: StatusKind,
  text?: StatusText,
  via?: string,
): void {
  const { key, params } = text ?? { key: kind };
  const qualified = sharedKey(`status.${key}`);
  if (!params && !via) {
    node.status({ ...LOOK[kind], text: qualified });
    return;
  }
  const translated = withParams(RED, qualified, params ?? {});
  node.status({ ...LOOK[kind], text: via ? `${translated} · ${via}` : translated });
}

/**
 * Texts with parameters are looked up once per runtime and filled in here: asking i18next for
 * each message's status costs about 0.1 ms, as a `count` parameter makes it resolve plural rules
 * every time, a tenth of what the whole node costs per message.
 */
const templates = new WeakMap<NodeAPI, Map<string, string>>();

function withParams(RED: NodeAPI, qualified: string, params: Record<string, string | number>) {
  let known = templates.get(RED);
  if (!known) templates.set(RED, (known = new Map()));
  let template = known.get(qualified);
  if (template === undefined) {
    template = RED._(qualified);
    if (!qualified.endsWith(template)) known.set(qualified, template);
  }
  return fillTemplate(template, params);
}

const PROGRESS_EVERY_MS = 250;

/** Shows progress while a long read or write runs, at most four times a second. */
export function progressReporter(
  RED: NodeAPI,
  node: Node,
): (count: number, total?: number) => void {
  let shownAt = 0;
  return (count, total) => {
    const now = Date.now();
    if (now - shownAt < PROGRESS_EVERY_MS) return;
    shownAt = now;
    const text: StatusText =
      total === undefined
        ? { key: 'progress-open', params: { count } }
        : { key: 'progress', params: { count, total } };
    showStatus(RED, node, 'requesting', text);
  };
}

export function errorStatus(code: OdooErrorCode | undefined): StatusText {
  return { key: code ?? 'error' };
}
