import type { Node, NodeDef } from 'node-red';
import type { OdooClient } from '../lib/client';
import type { StatusBoard } from './status';

export interface OdooConfigDef extends NodeDef {
  url: string;
  db: string;
  username: string;
  /** Seconds. */
  timeout?: string | number;
  concurrency?: string | number;
  retries?: string | number;
  maxBodyMB?: string | number;
  /** The id of a core tls-config node. */
  tls?: string;
  /** The id of a core `http proxy` node. */
  proxy?: string;
  /** `xmlrpc` (default), `jsonrpc`, `json2` or `auto`. */
  transport?: string;
}

export interface OdooCredentials {
  apiKey?: string;
}

export interface OdooConfigNode extends Node<OdooCredentials> {
  client: OdooClient;
  /** The deployed properties (never the API key, which stays in `credentials`). */
  settings: OdooConfigDef;
  /** A node that uses this server: it shows the connection state from now on. */
  register(user: StatusBoard): void;
  deregister(user: StatusBoard): void;
}

/**
 * An Odoo node's stored properties: `server`, and TypedInput pairs (`model` and `modelType`, ...),
 * which the node evaluates by name (see typed-input.ts).
 */
export interface OdooNodeDef extends NodeDef {
  server?: string;
}

/** The plain properties of the action nodes; each node reads its own. */
export interface ActionNodeDef extends OdooNodeDef {
  /** search: `records`, `ids` or `count`. */
  returns?: string;
  /** search: `none`, `page` or `record`. */
  split?: string;
  /** search: rows per call. */
  pageSize?: string | number;
  /** search and read: `base64` or `buffer`. */
  binary?: string;
  /** create and upsert: records per call. */
  batchSize?: string | number;
  /** upsert. */
  skipUnchanged?: boolean | string;
}

export interface WatchNodeDef extends OdooNodeDef {
  event?: string;
  interval?: string | number;
  start?: string;
  output?: string;
  lookback?: string | number;
}
