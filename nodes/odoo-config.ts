import type { NodeAPI } from 'node-red';
import { OdooClient } from './lib/client';
import { errorTranslator } from './shared/catalog';
import type { OdooConfigDef, OdooConfigNode, OdooCredentials } from './shared/types';

export default function (RED: NodeAPI): void {
  /** Holds one Odoo session that every action node using this server shares. */
  function OdooConfig(this: OdooConfigNode, def: OdooConfigDef) {
    RED.nodes.createNode(this, def);
    this.client = new OdooClient({
      url: def.url ?? '',
      db: def.db ?? '',
      username: def.username ?? '',
      apiKey: this.credentials?.apiKey ?? '',
      translate: errorTranslator(RED),
    });
    this.on('close', (done: () => void) => {
      this.client.close();
      done();
    });
  }

  RED.nodes.registerType<OdooConfigNode, OdooConfigDef, object, OdooCredentials>(
    'odoo-config',
    OdooConfig,
    { credentials: { apiKey: { type: 'password' } } },
  );
}
