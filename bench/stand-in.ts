/**
 * Child process: the stand-in Odoo on loopback, with `partners` synthetic contacts. It keeps
 * connections alive (as Odoo behind a reverse proxy does) and answers `calls` requests over IPC
 * with how many calls it received, so the benchmark can count round trips.
 */
import { childConfig, runMain } from './support';
import { startStandIn } from '../test/stand-in/server';

export type StandInRequest = { type: 'calls' } | { type: 'stop' };

export interface StandInReady {
  url: string;
  db: string;
  apiKey: string;
  first: number;
  last: number;
}

export interface CallCounts {
  authenticate: number;
  object: number;
}

runMain(async () => {
  const { partners } = childConfig<{ partners: number }>();
  const odoo = await startStandIn({ keepAlive: true });
  const { first, last } = odoo.seedPartners(partners);
  process.on('message', (request: StandInRequest) => {
    if (request.type === 'calls') {
      const counts: CallCounts = {
        authenticate: odoo.count('common', 'authenticate'),
        object: odoo.count('object'),
      };
      odoo.resetCalls();
      process.send?.(counts);
    } else {
      void odoo.close().then(() => process.exit(0));
    }
  });
  const ready: StandInReady = { url: odoo.url, db: odoo.db, apiKey: odoo.adminApiKey, first, last };
  process.send?.(ready);
});
