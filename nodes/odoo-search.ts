import type { NodeAPI } from 'node-red';
import type { SearchParams } from './lib/client';
import { registerActionNode } from './shared/action-node';

export default function (RED: NodeAPI): void {
  registerActionNode<Omit<SearchParams, 'returns'>>(RED, 'odoo-search', {
    parameters: {
      model: { value: '', type: 'str' },
      domain: { value: '[]', type: 'json' },
      fields: { value: '', type: 'json' },
      limit: { value: '', type: 'num' },
      offset: { value: '', type: 'num' },
      order: { value: '', type: 'str' },
      context: { value: '', type: 'json' },
    },
    run: (client, input, def) => client.search({ ...input, returns: def.returns || 'records' }),
    summary: (result, def) => {
      if (typeof result === 'number') return { key: 'count', params: { count: result } };
      const count = Array.isArray(result) ? result.length : 0;
      return { key: def.returns === 'ids' ? 'ids' : 'records', params: { count } };
    },
  });
}
