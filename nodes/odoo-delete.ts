import type { NodeAPI } from 'node-red';
import type { DeleteParams } from './lib/client';
import { registerActionNode } from './shared/action-node';

export default function (RED: NodeAPI): void {
  registerActionNode<DeleteParams>(RED, 'odoo-delete', {
    parameters: {
      model: { value: '', type: 'str' },
      ids: { value: 'payload', type: 'msg' },
      context: { value: '', type: 'json' },
    },
    run: (client, input) => client.unlink(input),
    summary: () => ({ key: 'deleted' }),
  });
}
