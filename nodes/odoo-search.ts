import type { NodeAPI } from 'node-red';
import type { SearchParams } from './lib/client';
import { registerActionNode } from './shared/action-node';
import { checkSplit, PagedResult } from './shared/sequence';

export default function (RED: NodeAPI): void {
  registerActionNode<Omit<SearchParams, 'returns' | 'binary'>>(RED, 'odoo-search', {
    parameters: {
      model: { value: '', type: 'str' },
      domain: { value: '[]', type: 'json' },
      fields: { value: '', type: 'json' },
      limit: { value: '', type: 'num' },
      offset: { value: '', type: 'num' },
      order: { value: '', type: 'str' },
      context: { value: '', type: 'json' },
    },
    run: async (client, input, def) => {
      const returns = def.returns || 'records';
      if (returns === 'count') return client.search({ ...input, returns });
      const split = checkSplit(RED, def.split);
      const pageSize = client.check.pageSize(def.pageSize);
      const pages = client.searchPages({ ...input, returns, binary: def.binary }, { pageSize });
      return new PagedResult(pages, split, pageSize, returns === 'ids' ? 'ids' : 'records');
    },
    summary: (result) => ({ key: 'count', params: { count: result as number } }),
  });
}
