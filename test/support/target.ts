/**
 * The Odoo a suite runs against: a real server named by the environment (`npm run test:odoo`),
 * or else the stand-in. Suites that run on both use only what a real server offers; what needs
 * the stand-in's hooks (fault injection, counters, its clock) checks `standIn` first.
 */
import { OdooClient } from '../../nodes/lib/client';
import type { TransportName, TransportSetting } from '../../nodes/lib/transport';
import { startStandIn, StandIn } from '../stand-in/server';

export interface RealServer {
  url: string;
  db: string;
  login: string;
  apiKey: string;
  /** A user without administrator rights, when the environment names one (ODOO_DEMO_*). */
  demo?: { login: string; apiKey: string };
}

/** The real server of the environment: ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_API_KEY. */
export function realServer(): RealServer | undefined {
  const env = process.env;
  if (!env.ODOO_URL) return undefined;
  const demoKey = env.ODOO_DEMO_API_KEY;
  return {
    url: env.ODOO_URL,
    db: env.ODOO_DB ?? '',
    login: env.ODOO_USERNAME ?? env.ODOO_USER ?? 'admin',
    apiKey: env.ODOO_API_KEY ?? env.ODOO_KEY ?? '',
    ...(demoKey ? { demo: { login: env.ODOO_DEMO_USERNAME ?? 'demo', apiKey: demoKey } } : {}),
  };
}

export interface OdooTarget {
  readonly kind: 'stand-in' | 'real';
  readonly url: string;
  readonly db: string;
  readonly login: string;
  readonly apiKey: string;
  /** 17, 19, ...: the server's major version. */
  readonly major: number;
  /** The transport setting the suite runs with, and the protocol that carries it. */
  readonly transport: TransportSetting;
  readonly protocol: TransportName;
  readonly demo?: { login: string; apiKey: string };
  /** The stand-in's hooks; undefined on a real server. */
  readonly standIn?: StandIn;
  /** A client of its own, as another program using the same server would be. */
  client(login?: { login: string; apiKey: string }): OdooClient;
  close(): Promise<void>;
}

/**
 * Opens the target for `transport`: the real server of the environment, or a stand-in of the
 * version that transport needs (19 for JSON-2 and auto, 17 otherwise).
 */
export async function openTarget(transport: TransportSetting): Promise<OdooTarget> {
  const real = realServer();
  const standIn = real
    ? undefined
    : await startStandIn({
        version: transport === 'json2' || transport === 'auto' ? '19.0' : '17.0',
      });
  const server: RealServer = real ?? {
    url: standIn!.url,
    db: standIn!.db,
    login: 'admin',
    apiKey: standIn!.adminApiKey,
    demo: { login: 'demo', apiKey: standIn!.createApiKey('demo') },
  };
  const client = (user = { login: server.login, apiKey: server.apiKey }) =>
    new OdooClient({
      url: server.url,
      db: server.db,
      username: user.login,
      apiKey: user.apiKey,
      transport,
    });
  const probe = client();
  let major: number;
  try {
    const info = (await probe.version()).server_version_info[0];
    major = typeof info === 'number' ? info : Number(/\d+/.exec(String(info))?.[0] ?? 0);
  } finally {
    probe.close();
  }
  return {
    kind: real ? 'real' : 'stand-in',
    ...server,
    major,
    transport,
    protocol: transport === 'auto' ? (major >= 19 ? 'json2' : 'xmlrpc') : transport,
    standIn,
    client,
    close: async () => standIn?.close(),
  };
}

/** The transports a server of this major version offers, in the order they are tested. */
export function transportsOf(major: number): TransportSetting[] {
  return major >= 19 ? ['json2', 'auto', 'xmlrpc', 'jsonrpc'] : ['xmlrpc', 'jsonrpc'];
}
