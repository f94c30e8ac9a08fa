import type { Request, Response } from 'express';
import type { NodeAPI } from 'node-red';
import { OdooClient, OdooClientOptions } from '../lib/client';
import { isOdooError, OdooError, OdooErrorCode } from '../lib/errors';
import { parseOdooUrl } from '../lib/http';
import { fillTemplate, MessageParams } from '../lib/messages';
import { isPlainObject } from '../lib/params';
import english from '../locales/en-US/odoo-config.json';
import { sharedKey } from './catalog';
import type { OdooConfigDef, OdooConfigNode, OdooCredentials } from './types';

/** What Node-RED's editor sends in place of a password credential it has stored. */
export const STORED_PASSWORD = '__PWRD__';

/** A connection test should answer while the person is still looking at the dialog. */
const TEST_TIMEOUT_MS = 20_000;

/** Network failures that are about TLS, not about reaching the host. */
const TLS_CODES = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/;

type ProblemKey = keyof (typeof english)['admin'];

/** A failure of an admin request, answered as `{problem, message, ...details}`. */
class Problem extends Error {
  constructor(
    readonly status: number,
    readonly problem: ProblemKey,
    readonly params: MessageParams = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(problem);
  }
}

type ClientOptionsOf = (def: OdooConfigDef, apiKey: string) => OdooClientOptions;

/**
 * The editor's admin routes, registered once per runtime: the config dialog's connection test
 * (`odoo-config.write`: it may send a stored key), the domain preview (`odoo-config.write`: it
 * reads records) and the pickers' look-ups of metadata through a deployed server node's session
 * (`odoo-config.read`). Secrets only ever arrive in POST bodies and are
 * never part of an answer.
 */
export function registerAdminRoutes(RED: NodeAPI, clientOptionsOf: ClientOptionsOf): void {
  const translate = (key: ProblemKey, params: MessageParams): string => {
    const qualified = sharedKey(`admin.${key}`);
    const text = RED._(qualified, params);
    return text && text !== qualified ? text : fillTemplate(english.admin[key], params);
  };

  const answer =
    (work: (request: Request) => Promise<unknown>) => (req: Request, res: Response) => {
      work(req)
        .then((body) => res.json(body))
        .catch((error: unknown) => {
          const problem = error instanceof Problem ? error : fromOdooError(error);
          res.status(problem.status).json({
            problem: problem.problem,
            message: translate(problem.problem, problem.params),
            ...problem.params,
            ...problem.details,
          });
        })
        .catch((error: unknown) => RED.log.warn(`odoo-config admin route: ${String(error)}`));
    };

  function deployedServer(id: unknown): OdooConfigNode {
    const node = typeof id === 'string' ? (RED.nodes.getNode(id) as OdooConfigNode | null) : null;
    if (!node || node.type !== 'odoo-config') throw new Problem(404, 'not-deployed');
    return node;
  }

  /** The id of a deployed config node of `type`, or '' (the dialog may name anything). */
  function configNode(id: unknown, type: string): string {
    const node = typeof id === 'string' && id ? RED.nodes.getNode(id) : null;
    return node?.type === type ? node.id : '';
  }

  async function testConnection(body: Record<string, unknown>): Promise<object> {
    const settings: OdooConfigDef = {
      id: '',
      type: 'odoo-config',
      name: '',
      z: '',
      url: text(body.url),
      db: text(body.db),
      username: text(body.username),
      tls: configNode(body.tls, 'tls-config'),
      proxy: configNode(body.proxy, 'http proxy'),
      transport: text(body.transport),
    };
    let apiKey = typeof body.apiKey === 'string' ? body.apiKey : '';
    const url = checkedUrl(settings.url);
    if (!settings.username) throw new Problem(400, 'missing-username');
    if (apiKey === STORED_PASSWORD) {
      // Only the URL the key was saved with may receive it, through that node's TLS and proxy.
      const stored = storedServer(body.id);
      const storedUrl = checkedUrl(stored.settings.url);
      if (storedUrl !== url) throw new Problem(403, 'stored-key-other-url', { url: storedUrl });
      Object.assign(settings, { tls: stored.settings.tls, proxy: stored.settings.proxy });
      apiKey = stored.apiKey;
    }
    if (!apiKey) throw new Problem(400, 'missing-api-key');
    const seconds = Number(text(body.timeout));
    const options: OdooClientOptions = {
      ...clientOptionsOf(settings, apiKey),
      timeoutMs: seconds > 0 ? Math.min(seconds * 1000, TEST_TIMEOUT_MS) : TEST_TIMEOUT_MS,
      retries: 0,
    };
    const probe = new OdooClient(options);
    try {
      return await runTest(probe, options);
    } finally {
      probe.close();
    }
  }

  function storedServer(id: unknown): { settings: OdooConfigDef; apiKey: string } {
    const node = typeof id === 'string' ? (RED.nodes.getNode(id) as OdooConfigNode | null) : null;
    const credentials =
      node && node.type === 'odoo-config'
        ? (RED.nodes.getCredentials(node.id) as OdooCredentials | undefined)
        : undefined;
    if (!node || !credentials?.apiKey) throw new Problem(400, 'no-stored-key');
    return { settings: node.settings, apiKey: credentials.apiKey };
  }

  /** version, then the database (offered when empty), then login and the user's name. */
  async function runTest(probe: OdooClient, options: OdooClientOptions): Promise<object> {
    const url = options.url.trim();
    const version = await probe.version().catch((error: unknown) => {
      throw reachProblem(error, url);
    });
    if (typeof version?.server_version !== 'string') {
      throw new Problem(502, 'not-odoo', { url, detail: 'common.version gave no server_version' });
    }
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
      const major = Number.parseInt(String(version.server_serie ?? version.server_version), 10);
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
        ...(major >= 19 ? { deprecated: true } : {}),
      };
    } finally {
      if (client !== probe) client.close();
    }
  }

  RED.httpAdmin.post(
    '/odoo-config/test',
    RED.auth.needsPermission('odoo-config.write'),
    answer((req) => testConnection(isPlainObject(req.body) ? req.body : {})),
  );

  RED.httpAdmin.get(
    '/odoo-config/:id/models',
    RED.auth.needsPermission('odoo-config.read'),
    answer(async (req) => {
      const { client } = deployedServer(req.params.id);
      const rows = (await client.execute('ir.model', 'search_read', [[]], {
        fields: ['model', 'name'],
        order: 'model',
      })) as { model: string; name: string }[];
      return rows.map(({ model, name }) => ({ model, name }));
    }),
  );

  RED.httpAdmin.get(
    '/odoo-config/:id/fields',
    RED.auth.needsPermission('odoo-config.read'),
    answer(async (req) => {
      const { client } = deployedServer(req.params.id);
      const model = client.check.model(req.query.model);
      const fields = (await client.execute(model, 'fields_get', [], {
        attributes: ['string', 'type', 'required', 'readonly', 'relation'],
      })) as Record<string, Record<string, unknown>>;
      return Object.entries(fields)
        .map(([name, field]) => ({
          name,
          label: typeof field.string === 'string' ? field.string : name,
          type: field.type,
          required: field.required === true,
          readonly: field.readonly === true,
          ...(typeof field.relation === 'string' ? { relation: field.relation } : {}),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    }),
  );

  RED.httpAdmin.get(
    '/odoo-config/:id/methods',
    RED.auth.needsPermission('odoo-config.read'),
    answer(async (req) => {
      const { client } = deployedServer(req.params.id);
      const methods = await client.methodsOf(req.query.model);
      if (!methods) return { documented: false, methods: [] };
      return {
        documented: true,
        methods: [...methods]
          .map(([name, { signature, model }]) => ({ name, signature, model }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      };
    }),
  );

  RED.httpAdmin.post(
    '/odoo-config/:id/count',
    RED.auth.needsPermission('odoo-config.write'),
    answer(async (req) => {
      const { client } = deployedServer(req.params.id);
      const body = isPlainObject(req.body) ? req.body : {};
      const count = await client.search({
        model: body.model,
        domain: body.domain,
        context: body.context,
        returns: 'count',
      });
      return { count };
    }),
  );
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/** The URL as the client will use it, so that spellings of the same address compare equal. */
function checkedUrl(url: string): string {
  try {
    return parseOdooUrl(url).href.replace(/\/$/, '');
  } catch (error) {
    throw new Problem(400, 'invalid-url', { detail: (error as Error).message });
  }
}

function causeCode(error: OdooError): string {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : '';
}

/** Why `common.version` failed, in the words of someone who typed a URL. */
function reachProblem(error: unknown, url: string): Problem {
  if (!isOdooError(error)) return fromOdooError(error);
  const detail = error.message;
  if (error.code === 'ODOO_NETWORK_ERROR') {
    return TLS_CODES.test(causeCode(error))
      ? new Problem(502, 'tls', { url, detail })
      : new Problem(502, 'unreachable', { url, detail });
  }
  if (error.code === 'ODOO_TIMEOUT') return new Problem(504, 'timeout', { url, detail });
  if (error.code === 'ODOO_INVALID_INPUT') return new Problem(400, 'invalid-url', { detail });
  return new Problem(502, 'not-odoo', { url, detail });
}

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
function fromOdooError(error: unknown): Problem {
  if (!isOdooError(error)) {
    return new Problem(500, 'failed', { detail: error instanceof Error ? error.message : '' });
  }
  return new Problem(
    STATUS_BY_CODE[error.code] ?? 502,
    'failed',
    { detail: error.message },
    {
      code: error.code,
    },
  );
}
