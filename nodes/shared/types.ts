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

/** An action node's stored properties: `server`, plain ones, and TypedInput pairs. */
export interface ActionNodeDef extends NodeDef {
  server?: string;
  [property: string]: unknown;
}
