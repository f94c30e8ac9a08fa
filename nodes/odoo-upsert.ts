import type { NodeAPI } from 'node-red';
import type { UpsertOutcome, UpsertParams } from './lib/client';
import { registerActionNode } from './shared/action-node';

const ACTIONS = { new: 'created', updated: 'updated', unchanged: 'unchanged' } as const;

export default function (RED: NodeAPI): void {
  registerActionNode<UpsertParams>(RED, 'odoo-upsert', {
    parameters: {
      model: { value: '', type: 'str' },
      values: { value: 'payload', type: 'msg' },
      match: { value: '', type: 'str' },
      context: { value: '', type: 'json' },
    },
    run: (client, input, def, progress) =>
      client.upsert(input, {
        batchSize: def.batchSize,
        skipUnchanged: def.skipUnchanged,
        onProgress: progress,
      }),
    summary: (result) => {
      const outcomes = (Array.isArray(result) ? result : [result]) as UpsertOutcome[];
      const parts = (['new', 'updated', 'unchanged'] as const)
        .map((part) => ({
          key: `upsert-${part}`,
          params: { count: outcomes.filter((entry) => ACTIONS[part] === entry.action).length },
        }))
        .filter((part) => part.params.count > 0);
      return parts.length ? { parts } : { key: 'records', params: { count: 0 } };
    },
  });
}
