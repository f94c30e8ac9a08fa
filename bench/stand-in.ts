/**
 * Child process: the stand-in Odoo on loopback with `partners` synthetic contacts, keeping
 * connections alive as Odoo behind a reverse proxy does. It reports where it listens, stops
 * answering or stops when asked.
 */
import { childConfig, runMain } from './support';
import { startStandIn } from '../test/stand-in/server';

export interface StandInReady {
  url: string;
  db: string;
  apiKey: string;
  first: number;
  last: number;
}

/**
 * `hang`: from now on, accept every model call and never answer it (Odoo stuck). `count`: the
 * model calls received since the last count, by method (answered as StandInCounts).
 */
export type StandInRequest = { type: 'stop' } | { type: 'hang' } | { type: 'count' };

export interface StandInCounts {
  type: 'counts';
  byMethod: Record<string, number>;
}

runMain(async () => {
  const { partners } = childConfig<{ partners: number }>();
  const odoo = await startStandIn({ keepAlive: true });
  const { first, last } = odoo.seedPartners(partners);
  process.on('message', (request: StandInRequest) => {
    if (request.type === 'hang') {
      odoo.injectFault({ path: '/xmlrpc/2/object', fault: { kind: 'hang' }, times: Infinity });
      process.send?.({ type: 'hung' });
    } else if (request.type === 'count') {
      const byMethod: Record<string, number> = {};
      for (const call of odoo.calls) {
        if (call.modelMethod) byMethod[call.modelMethod] = (byMethod[call.modelMethod] ?? 0) + 1;
      }
      odoo.resetCalls();
      process.send?.({ type: 'counts', byMethod } satisfies StandInCounts);
    } else void odoo.close().then(() => process.exit(0));
  });
  const ready: StandInReady = { url: odoo.url, db: odoo.db, apiKey: odoo.adminApiKey, first, last };
  process.send?.(ready);
});
