import type { NodeAPI } from 'node-red';
import type { CreateParams } from './lib/client';
import { registerActionNode } from './shared/action-node';

export default function (RED: NodeAPI): void {
  registerActionNode<CreateParams>(RED, 'odoo-create', {
    parameters: {
      model: { value: '', type: 'str' },
      values: { value: 'payload', type: 'msg' },
      context: { value: '', type: 'json' },
    },
    run: (client, input, def, progress) =>
      client.create(input, { batchSize: def.batchSize, onProgress: progress }),
    summary: (result) => ({
      key: 'created',
      params: { count: Array.isArray(result) ? result.length : 1 },
    }),
  });
}
