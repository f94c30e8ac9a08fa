import type { StopSignal } from './calls';

/** The config node's `transport` setting: `auto` picks JSON-2 when the server offers it. */
export const TRANSPORT_SETTINGS = ['xmlrpc', 'jsonrpc', 'json2', 'auto'] as const;
export type TransportSetting = (typeof TRANSPORT_SETTINGS)[number];
/** The protocol that carries the calls. */
export type TransportName = Exclude<TransportSetting, 'auto'>;

/** What `common.version()` answers. */
export interface ServerVersion {
  server_version: string;
  server_version_info: unknown[];
  server_serie: string;
  protocol_version: number;
}

export interface ExecuteRequest {
  db: string;
  uid: number;
  secret: string;
  model: string;
  method: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** Reads may be sent again after a dropped keep-alive connection; writes never are. */
  idempotent: boolean;
  /** Cuts the request (see CallGroup). */
  stop?: StopSignal;
}

/**
 * The seam between the session and the wire: XML-RPC, JSON-RPC and JSON-2 implement the same
 * calls, answer the same values and raise the same OdooError codes.
 */
export interface OdooTransport {
  /** For `auto`, undefined until the first call has chosen. */
  readonly name: TransportName | undefined;
  version(stop?: StopSignal): Promise<ServerVersion>;
  /** The uid, or false when Odoo refuses the login. */
  authenticate(
    db: string,
    login: string,
    secret: string,
    stop?: StopSignal,
  ): Promise<number | false>;
  executeKw(request: ExecuteRequest): Promise<unknown>;
  listDatabases(): Promise<string[]>;
  /** Ends every connection; no timer or socket is left behind. */
  close(): void;
}
