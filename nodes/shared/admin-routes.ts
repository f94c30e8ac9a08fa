import type { Request, Response } from 'express';
import type { NodeAPI } from 'node-red';
import type { OdooClientOptions } from '../lib/client';
import { fillTemplate, MessageParams } from '../lib/messages';
import { isPlainObject } from '../lib/params';
import english from '../locales/en-US/odoo-config.json';
import { sharedKey } from './catalog';
import { fromOdooError, Problem, Reason, testConnection } from './connection-test';
import type { OdooConfigDef, OdooConfigNode, OdooCredentials } from './types';

/** What Node-RED's editor sends in place of a password credential it has stored. */
export const STORED_PASSWORD = '__PWRD__';

/** A connection test should answer while the person is still looking at the dialog. */
const TEST_TIMEOUT_MS = 20_000;

type ClientOptionsOf = (def: OdooConfigDef, apiKey: string) => OdooClientOptions;

/**
 * The editor's admin routes, registered once per runtime: the config dialog's connection test
 * (`odoo-config.write`: it may send a stored key), the domain preview (`odoo-config.write`: it
 * reads records) and the pickers' look-ups of metadata through a deployed server node's session
 * (`odoo-config.read`). Secrets only ever arrive in POST bodies and are never part of an answer.
 */
export function registerAdminRoutes(RED: NodeAPI, clientOptionsOf: ClientOptionsOf): void {
  const catalog =
    <Section extends 'admin' | 'reasons'>(section: Section) =>
    (key: keyof (typeof english)[Section], params: MessageParams = {}): string => {
      const qualified = sharedKey(`${section}.${String(key)}`);
      const text = RED._(qualified, params);
      const fallback = (english[section] as Record<string, string>)[key as string];
      return text && text !== qualified ? text : fillTemplate(fallback, params);
    };
  const problemText = catalog('admin');
  const reasonText = catalog('reasons');

  /** The reason in the runtime's words, and its key for an editor that speaks another language. */
  const reasonOf = (
    why: Reason | undefined,
  ): { words: MessageParams; key: Record<string, unknown> } => {
    if (!why) return { words: {}, key: {} };
    if ('text' in why) return { words: { reason: why.text }, key: {} };
    return {
      words: { reason: reasonText(why.key, why.params) },
      key: { reasonKey: why.key, reasonParams: why.params ?? {} },
    };
  };

  const answer =
    (work: (request: Request) => Promise<unknown>) => (req: Request, res: Response) => {
      work(req)
        .then((body) => res.json(body))
        .catch((error: unknown) => {
          const problem = error instanceof Problem ? error : fromOdooError(error);
          const reason = reasonOf(problem.reason);
          res.status(problem.status).json({
            problem: problem.problem,
            message: problemText(problem.problem, { ...problem.params, ...reason.words }),
            ...problem.params,
            ...reason.words,
            ...reason.key,
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

  /** The test with the dialog's values; a stored key only ever goes to the URL it was saved with. */
  function dialogTest(body: Record<string, unknown>): Promise<object> {
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
    const url = comparableUrl(settings.url);
    if (!settings.username) throw new Problem(400, 'missing-username');
    if (apiKey === STORED_PASSWORD) {
      const stored = storedServer(body.id);
      const storedUrl = comparableUrl(stored.settings.url);
      if (storedUrl !== url) throw new Problem(403, 'stored-key-other-url', { url: storedUrl });
      Object.assign(settings, { tls: stored.settings.tls, proxy: stored.settings.proxy });
      apiKey = stored.apiKey;
    }
    if (!apiKey) throw new Problem(400, 'missing-api-key');
    const seconds = Number(text(body.timeout));
    return testConnection({
      ...clientOptionsOf(settings, apiKey),
      timeoutMs: seconds > 0 ? Math.min(seconds * 1000, TEST_TIMEOUT_MS) : TEST_TIMEOUT_MS,
      retries: 0,
    });
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

  RED.httpAdmin.post(
    '/odoo-config/test',
    RED.auth.needsPermission('odoo-config.write'),
    answer(async (req) => dialogTest(isPlainObject(req.body) ? req.body : {})),
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
function comparableUrl(url: string): string {
  try {
    return new URL(url.trim()).href.replace(/\/$/, '');
  } catch {
    return url.trim();
  }
}
