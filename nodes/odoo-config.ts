import type { Node, NodeAPI } from 'node-red';
import { OdooClient, OdooClientOptions } from './lib/client';
import type { ProxySettings, TlsSettings } from './lib/http';
import type { TransportSetting } from './lib/transport';
import { registerAdminRoutes } from './shared/admin-routes';
import { errorTranslator } from './shared/catalog';
import { numberSetting } from './shared/settings';
import type { StatusBoard } from './shared/status';
import type { OdooConfigDef, OdooConfigNode, OdooCredentials } from './shared/types';

/** Core's tls-config node, as far as we use it. */
interface TlsConfigNode extends Node {
  addTLSOptions(options: TlsSettings): TlsSettings;
}

/** Core's `http proxy` config node. */
interface ProxyConfigNode extends Node<{ username?: string; password?: string }> {
  url: string;
  noproxy?: string[];
}

export default function (RED: NodeAPI): void {
  /**
   * Holds one Odoo session that every node using this server shares, and shows its state on
   * each of them. Closing lets their calls end as their own close does, then ends the sockets.
   */
  function OdooConfig(this: OdooConfigNode, def: OdooConfigDef) {
    RED.nodes.createNode(this, def);
    this.settings = def;
    this.client = new OdooClient(clientOptions(RED, def, this.credentials?.apiKey ?? ''));
    const { connection } = this.client;
    const users = new Set<StatusBoard>();
    this.register = (user) => {
      users.add(user);
      if (connection.state) user.showConnection(connection.state);
    };
    this.deregister = (user) => users.delete(user);
    connection.onState((state) => {
      for (const user of users) user.showConnection(state);
    });
    this.on('close', (done: () => void) => {
      connection.onState(undefined);
      connection
        .stop()
        .catch((error: unknown) => this.error(error))
        .finally(() => {
          this.client.close();
          done();
        });
    });
  }

  RED.nodes.registerType<OdooConfigNode, OdooConfigDef, object, OdooCredentials>(
    'odoo-config',
    OdooConfig,
    { credentials: { apiKey: { type: 'password' } } },
  );
  registerAdminRoutes(RED, (def, apiKey) => clientOptions(RED, def, apiKey));
}

/** The client settings of a server node, with its TLS and proxy nodes when they are deployed. */
function clientOptions(RED: NodeAPI, def: OdooConfigDef, apiKey: string): OdooClientOptions {
  const tlsNode = def.tls ? (RED.nodes.getNode(def.tls) as TlsConfigNode | null) : null;
  const proxyNode = def.proxy ? (RED.nodes.getNode(def.proxy) as ProxyConfigNode | null) : null;
  const proxy: ProxySettings | undefined = proxyNode
    ? {
        url: proxyNode.url,
        noProxy: proxyNode.noproxy,
        username: proxyNode.credentials?.username,
        password: proxyNode.credentials?.password,
      }
    : undefined;
  return {
    url: def.url ?? '',
    db: def.db ?? '',
    username: def.username ?? '',
    apiKey,
    translate: errorTranslator(RED),
    timeoutMs: scaled(numberSetting(def.timeout), 1000),
    concurrency: numberSetting(def.concurrency),
    retries: numberSetting(def.retries),
    maxBodyBytes: scaled(numberSetting(def.maxBodyMB), 1024 * 1024),
    tls: tlsNode?.addTLSOptions({}),
    proxy,
    transport: (def.transport || undefined) as TransportSetting | undefined,
  };
}

/** A setting in the client's unit (seconds to ms, MB to bytes); empty keeps the default. */
function scaled(value: number | undefined, unit: number): number | undefined {
  return value === undefined ? undefined : value * unit;
}
