import type { NodeAPI } from 'node-red';
import type { ExecuteParams } from './lib/client';
import { registerActionNode } from './shared/action-node';

export default function (RED: NodeAPI): void {
  registerActionNode<ExecuteParams>(RED, 'odoo-execute', {
    parameters: {
      model: { value: '', type: 'str' },
      method: { value: '', type: 'str' },
      args: { value: '[]', type: 'json' },
      kwargs: { value: '{}', type: 'json' },
      context: { value: '', type: 'json' },
    },
    run: (client, input) => client.call(input),
    summary: () => ({ key: 'done' }),
  });
}
