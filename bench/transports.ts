/**
 * `node dist/bench/transports.js`: the same search_read (every field of every partner, images
 * included, about 1 MB) through the client over each transport against the stand-in, and the
 * decoding alone. Prints medians and ratios to XML-RPC; the stand-in's own work is in every row.
 */
import { performance } from 'node:perf_hooks';
import { parseJson } from '../nodes/lib/answers';
import { OdooClient } from '../nodes/lib/client';
import type { TransportName } from '../nodes/lib/transport';
import { XmlRpcDecoder } from '../nodes/lib/xmlrpc-decoder';
import { pyJson } from '../test/stand-in/jsonrpc';
import { startStandIn } from '../test/stand-in/server';
import { serializeResponse } from '../test/stand-in/xmlrpc';

const ROUNDS = 25;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(run: () => Promise<unknown> | unknown): Promise<number> {
  for (let warm = 0; warm < 3; warm++) await run();
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const rows: [string, number][] = [];
  let records: unknown;
  for (const [transport, version] of [
    ['xmlrpc', '17.0'],
    ['jsonrpc', '17.0'],
    ['json2', '19.0'],
  ] as [TransportName, '17.0' | '19.0'][]) {
    const odoo = await startStandIn({ version, keepAlive: true });
    const client = new OdooClient({
      url: odoo.url,
      db: odoo.db,
      username: 'admin',
      apiKey: odoo.adminApiKey,
      transport,
    });
    const call = () => client.search({ model: 'res.partner', context: { active_test: false } });
    records = await call();
    rows.push([`search_read over ${transport}`, await time(call)]);
    client.close();
    await odoo.close();
  }
  const xml = Buffer.from(serializeResponse(records, 'python', { stripControlCharacters: true }));
  const json = Buffer.from(pyJson(records));
  rows.push([
    `decode ${(xml.length / 1e6).toFixed(2)} MB of XML-RPC`,
    await time(() => {
      const decoder = new XmlRpcDecoder();
      decoder.write(xml);
      return decoder.end();
    }),
  ]);
  rows.push([
    `decode ${(json.length / 1e6).toFixed(2)} MB of JSON`,
    await time(() => parseJson(json.toString('utf8'))),
  ]);
  const [xmlCall, , , xmlDecode] = rows.map(([, ms]) => ms);
  for (const [index, [name, ms]] of rows.entries()) {
    const base = index < 3 ? xmlCall : xmlDecode;
    console.log(`${name.padEnd(36)} ${ms.toFixed(2).padStart(8)} ms   ${(ms / base).toFixed(2)}x`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
