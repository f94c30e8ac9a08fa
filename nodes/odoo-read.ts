import type { NodeAPI } from 'node-red';
import type { ReadParams } from './lib/client';
import { registerActionNode } from './shared/action-node';

export default function (RED: NodeAPI): void {
  registerActionNode<Omit<ReadParams, 'binary'>>(RED, 'odoo-read', {
    parameters: {
      model: { value: '', type: 'str' },
      ids: { value: 'payload', type: 'msg' },
      fields: { value: '', type: 'json' },
      context: { value: '', type: 'json' },
    },
    run: (client, input, def) => client.read({ ...input, binary: def.binary }),
    summary: (result) => ({
      key: 'records',
      params: { count: Array.isArray(result) ? result.length : 0 },
    }),
  });
}
