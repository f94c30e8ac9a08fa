import { OdooClient, OdooClientOptions } from '../lib/client';
import { isOdooError, OdooError, OdooErrorCode } from '../lib/errors';
import { urlProblem } from '../lib/http';
import { FIRST_JSON2_MAJOR, majorVersion } from '../lib/json2-transport';
import type { MessageParams } from '../lib/messages';
import type { ServerVersion } from '../lib/transport';
import english from '../locales/en-US/odoo-config.json';

export type ProblemKey = keyof (typeof english)['admin'];
export type ReasonKey = keyof (typeof english)['reasons'];

/**
 * Why a connection failed, in a few words that the problem's sentence wraps: a catalog key, or
 * a text that has none (a network code we have no words for, Odoo's own message).
 */
export type Reason = { key: ReasonKey; params?: MessageParams } | { text: string };

/**
 * A failure of an admin request, answered as `{problem, message, ...details}`: its text says in
 * one sentence what happened (with the `reason`, where there is one) and in another what to do.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemKey,
    readonly params: MessageParams = {},
    readonly details: Record<string, unknown> = {},
    readonly reason?: Reason,
  ) {
    super(problem);
  }
}

const because = (key: ReasonKey, params?: MessageParams): Reason => ({ key, params });

/** Network failures that are about TLS, not about reaching the host. */
const TLS_CODES = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/;

/**
 * Tests a server's settings as the dialog holds them, without deploying: Odoo's version (and,
 * when the chosen transport does not answer, whether Odoo answers another one), the database
 * (offered when the dialog left it empty and the server has one), the login and the user's
 * name.
 */
export async function testConnection(options: OdooClientOptions): Promise<object> {
  const url = options.url.trim();
  const problem = urlProblem(url);
  if (problem) throw new Problem(400, 'invalid-url', {}, {}, { text: problem });
  const probe = new OdooClient(options);
  try {
    const version = await probe.version().catch(async (error: unknown) => {
      throw (await missingTransport(options, error)) ?? reachProblem(error, url);
    });
    if (typeof version?.server_version !== 'string') {
      throw new Problem(502, 'not-odoo', { url }, {}, because('no-version'));
    }
    return await logIn(probe, options, version, url);
  } finally {
    probe.close();
  }
}

async function logIn(
  probe: OdooClient,
  options: OdooClientOptions,
  version: ServerVersion,
  url: string,
): Promise<object> {
  const offeredDb = options.db ? undefined : await onlyDatabase(probe, url);
  const db = offeredDb ?? options.db;
  const client = offeredDb ? new OdooClient({ ...options, db }) : probe;
  try {
    const uid = await client.login().catch(async (error: unknown) => {
      throw await loginProblem(client, error, db, options.username, url);
    });
    const user = await client
      .execute('res.users', 'read', [[uid]], { fields: ['name'] })
      .then((rows) => (Array.isArray(rows) ? (rows[0] as { name?: unknown })?.name : undefined))
      .catch(() => undefined);
    const { transport } = await client.describe();
    return {
      ok: true,
      transport,
      version: version.server_version,
      serie: version.server_serie,
      db,
      uid,
      login: options.username,
      ...(typeof user === 'string' ? { user } : {}),
      ...(offeredDb ? { offeredDb } : {}),
      ...(majorVersion(version) >= FIRST_JSON2_MAJOR ? { deprecated: true } : {}),
    };
  } finally {
    if (client !== probe) client.close();
  }
}

/**
 * When the chosen transport found nothing Odoo-like, whether Odoo answers over another: an Odoo
 * before 19 has no JSON-2, one from 22 on no XML-RPC or JSON-RPC. Undefined when it does not.
 */
async function missingTransport(
  options: OdooClientOptions,
  error: unknown,
): Promise<Problem | undefined> {
  if (!isOdooError(error, 'ODOO_PROTOCOL_ERROR')) return undefined;
  const setting = options.transport ?? 'xmlrpc';
  if (setting === 'auto') return undefined;
  const other = new OdooClient({ ...options, transport: setting === 'json2' ? 'xmlrpc' : 'json2' });
  try {
    const version = await other.version();
    const params = { url: options.url.trim(), version: version.server_version };
    if (setting === 'json2') return new Problem(502, 'no-json2', params);
    const transport = setting === 'jsonrpc' ? 'JSON-RPC' : 'XML-RPC';
    return new Problem(502, 'no-rpc', { ...params, transport });
  } catch {
    return undefined;
  } finally {
    other.close();
  }
}

function causeOf(error: OdooError): {
  code?: string;
  status?: number;
  contentType?: string;
  title?: string;
} {
  return (error.cause ?? {}) as {
    code?: string;
    status?: number;
    contentType?: string;
    title?: string;
  };
}

/** Why `common.version` failed, in the words of someone who typed a URL. */
function reachProblem(error: unknown, url: string): Problem {
  if (!isOdooError(error)) return fromOdooError(error);
  const cause = causeOf(error);
  if (error.code === 'ODOO_NETWORK_ERROR') {
    const code = cause.code ?? '';
    const key = NETWORK_REASONS[code];
    const why = key ? because(key) : code ? { text: code } : because('network');
    return new Problem(502, TLS_CODES.test(code) ? 'tls' : 'unreachable', { url }, {}, why);
  }
  if (error.code === 'ODOO_TIMEOUT') {
    const seconds = ((cause as { timeoutMs?: number }).timeoutMs ?? 0) / 1000;
    return new Problem(504, 'timeout', { url, seconds });
  }
  if (error.code === 'ODOO_INVALID_INPUT') {
    return new Problem(400, 'invalid-url', {}, {}, { text: error.message });
  }
  const status = cause.status;
  const why =
    status === undefined
      ? because('not-protocol')
      : cause.title
        ? because('http-titled', { status, type: cause.contentType || '-', title: cause.title })
        : because('http', { status, type: cause.contentType || '-' });
  return new Problem(502, 'not-odoo', { url }, {}, why);
}

const NETWORK_REASONS: Record<string, ReasonKey> = {
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'no-host',
  EAI_AGAIN: 'dns',
  ECONNRESET: 'reset',
  ETIMEDOUT: 'connect-timeout',
  EHOSTUNREACH: 'host-unreachable',
  ENETUNREACH: 'network-unreachable',
  EPROTO: 'tls-handshake',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown-ca',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unverified',
  CERT_HAS_EXPIRED: 'expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'other-host',
};

/** The database to offer when the dialog left it empty: the server's only one. */
async function onlyDatabase(client: OdooClient, url: string): Promise<string> {
  let databases: string[];
  try {
    databases = await client.listDatabases();
  } catch {
    throw new Problem(400, 'db-required', { url });
  }
  if (databases.length === 1) return databases[0];
  if (databases.length === 0) throw new Problem(502, 'no-database', { url });
  throw new Problem(
    400,
    'choose-db',
    { url, list: listed(databases) },
    { databases: databases.slice(0, 100) },
  );
}

async function loginProblem(
  client: OdooClient,
  error: unknown,
  db: string,
  login: string,
  url: string,
): Promise<Problem> {
  if (!isOdooError(error)) return fromOdooError(error);
  if (error.code === 'ODOO_ACCESS_DENIED') return new Problem(502, 'login-refused', { db, login });
  if (error.code === 'ODOO_SERVER_ERROR') {
    const databases = await client.listDatabases().catch(() => undefined);
    if (databases && !databases.includes(db)) {
      return new Problem(
        502,
        'unknown-db',
        { db, url, list: listed(databases) },
        { databases: databases.slice(0, 100) },
      );
    }
    if (!databases && /database .* does not exist/.test(error.message)) {
      return new Problem(502, 'unknown-db-unlisted', { db, url });
    }
  }
  return reachProblem(error, url);
}

function listed(databases: string[]): string {
  const shown = databases.slice(0, 10).join(', ');
  return databases.length > 10 ? `${shown}, …` : shown;
}

const STATUS_BY_CODE: Partial<Record<OdooErrorCode, number>> = {
  ODOO_INVALID_INPUT: 400,
  ODOO_USER_ERROR: 400,
  ODOO_ACCESS_ERROR: 403,
  ODOO_TIMEOUT: 504,
};

/** A failed look-up through a deployed server: Odoo's own words, with the public error code. */
export function fromOdooError(error: unknown): Problem {
  if (!isOdooError(error)) {
    return new Problem(500, 'failed', { detail: error instanceof Error ? error.message : '' });
  }
  return new Problem(
    STATUS_BY_CODE[error.code] ?? 502,
    'failed',
    { detail: error.message },
    { code: error.code },
  );
}
