import type { NodeAPI } from 'node-red';
import type { WriteParams } from './lib/client';
import { registerActionNode } from './shared/action-node';

export default function (RED: NodeAPI): void {
  registerActionNode<WriteParams>(RED, 'odoo-write', {
    parameters: {
      model: { value: '', type: 'str' },
      ids: { value: 'ids', type: 'msg' },
      values: { value: 'payload', type: 'msg' },
      context: { value: '', type: 'json' },
    },
    run: (client, input) => client.write(input),
    summary: () => ({ key: 'updated' }),
  });
}
