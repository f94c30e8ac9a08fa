/**
 * `npm run bench`: the nine performance measurements of this package, in one run, printed with
 * their ratios and targets: against the stand-in Odoo on loopback, the ninth against a Python
 * XML-RPC server. `npm run bench -- --smoke` runs a small version in seconds (what CI runs); it
 * checks that everything works, its numbers mean little. `--only 5,8` runs just those. Each
 * measurement runs in its own child process, so memory figures do not mix.
 */
import { ChildProcess, fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { encodeMethodCall } from '../nodes/lib/xmlrpc-encoder';
import type { CreateConfig, CreateResult } from './create';
import type { DecodeConfig, DecodeResult } from './decode';
import type { FlowConfig, FlowResult, Throughput } from './flow';
import type { OverheadConfig, OverheadResult } from './overhead';
import type { OverloadConfig, OverloadResult } from './overload';
import type { StandInCounts, StandInReady, StandInRequest } from './stand-in';
import type { StreamConfig, StreamResult } from './stream';
import type { UpsertConfig, UpsertResult, UpsertRun } from './upsert';
import type { WatchConfig, WatchResult } from './watch';
import { ADMIN_UID, runChild, SMALL_SEARCH, Target } from './support';

const smoke = process.argv.includes('--smoke');

/** The stand-in Odoo in its own process. */
class StandInProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly target: Target,
  ) {}

  static async start(partners: number): Promise<StandInProcess> {
    const child = fork(path.join(__dirname, 'stand-in.js'), [JSON.stringify({ partners })], {
      execArgv: ['--max-old-space-size=8192'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<StandInReady>((resolve, reject) => {
      child.once('message', (message) => resolve(message as StandInReady));
      child.once('exit', (code) => reject(new Error(`the stand-in exited with code ${code}`)));
    });
    return new StandInProcess(child, ready);
  }

  /** The model calls received since the last count, by method. */
  counts(): Promise<StandInCounts> {
    return new Promise((resolve) => {
      this.child.once('message', (message) => resolve(message as StandInCounts));
      this.child.send({ type: 'count' } satisfies StandInRequest);
    });
  }

  /** From now on the stand-in accepts model calls and never answers them. */
  hang(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('message', () => resolve());
      this.child.send({ type: 'hang' } satisfies StandInRequest);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'stop' } satisfies StandInRequest);
    });
  }
}

/** The eight fields of every large read. */
const FIELDS = ['name', 'email', 'phone', 'street', 'city', 'zip', 'country_id', 'write_date'];

const SIZES = smoke
  ? {
      decodeRows: 2000,
      streamRecords: 5000,
      createRecords: 200,
      batchSize: 50,
      overloadMessages: 500,
      watchChanges: 500,
      upsertRecords: 400,
    }
  : {
      decodeRows: 100_000,
      streamRecords: 1_000_000,
      createRecords: 10_000,
      batchSize: 1000,
      overloadMessages: 20_000,
      watchChanges: 20_000,
      upsertRecords: 10_000,
    };

/** What is checked against a target, for the summary. */
const verdicts: { what: string; value: string; target: string; met: boolean }[] = [];

function verdict(what: string, value: string, target: string, met: boolean): void {
  verdicts.push({ what, value, target, met });
}

function ratio(value: number): string {
  return `${value.toFixed(2)}×`;
}

function megabytes(value: number): string {
  return `${value.toFixed(0)} MB`;
}

async function measureFlow(target: Target): Promise<void> {
  const config: FlowConfig = {
    target,
    inFlight: [1, 8],
    messages: smoke ? 100 : 3000,
    rounds: smoke ? 1 : 3,
  };
  const result = await runChild<FlowResult>('flow.js', config);
  const python = searchWithPython(target, config.messages * config.rounds);
  console.log('\n1. Messages per second through a Node-RED flow vs a raw xmlrpc client');
  for (const count of config.inFlight) {
    const node = result.node[count];
    const raw = result.raw[count];
    console.log(
      `   ${count} in flight: node ${node.perSecond.toFixed(0)}/s (p50 ${node.p50.toFixed(2)} ms, p99 ${node.p99.toFixed(2)} ms)` +
        ` | raw xmlrpc ${raw.perSecond.toFixed(0)}/s (p50 ${raw.p50.toFixed(2)} ms, p99 ${raw.p99.toFixed(2)} ms)` +
        ` | ratio ${ratio(node.perSecond / raw.perSecond)} (target ≥ 0.9)`,
    );
  }
  if (python) {
    console.log(
      `   reference, Python xmlrpc.client, 1 in flight: ${python.perSecond.toFixed(0)}/s ` +
        `(p50 ${python.p50.toFixed(2)} ms, p99 ${python.p99.toFixed(2)} ms)`,
    );
  }
  console.log('\n2. Round trips per message');
  const perMessage = result.requests / result.messages;
  console.log(
    `   ${perMessage.toFixed(3)} HTTP requests per message over ${result.messages} messages` +
      ` (to /xmlrpc/2/common: ${result.firstLogins} with the first message, the login and` +
      ` Odoo's version; ${result.logins} after; target 1)`,
  );
  for (const count of config.inFlight) {
    const value = result.node[count].perSecond / result.raw[count].perSecond;
    verdict(`1. flow vs raw xmlrpc, ${count} in flight`, ratio(value), '≥ 0.9×', value >= 0.9);
  }
  verdict('2. round trips per message', perMessage.toFixed(3), '1', perMessage === 1);
}

/** Saves the search_read answer for `rows` partners × FIELDS, as the stand-in sends it. */
async function saveAnswer(target: Target, rows: number, file: string): Promise<number> {
  const body = encodeMethodCall('execute_kw', [
    target.db,
    ADMIN_UID,
    target.apiKey,
    'res.partner',
    'search_read',
    [
      [
        ['id', '>=', target.first],
        ['id', '<', target.first + rows],
      ],
    ],
    { fields: FIELDS, order: 'id' },
  ]);
  const url = new URL('/xmlrpc/2/object', target.url);
  await new Promise<void>((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'Content-Type': 'text/xml' } });
    request.on('response', (response) => {
      response.pipe(fs.createWriteStream(file)).on('finish', resolve).on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
  return fs.statSync(file).size;
}

const PYTHON_SEARCH = `
import json, sys, time, xmlrpc.client
url, db, key, count, search = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), json.loads(sys.argv[5])
uid = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common').authenticate(db, 'admin', key, {})
models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object')
call = lambda: models.execute_kw(db, uid, key, 'res.partner', 'search_read', [search['domain']], search['kwargs'])
for _ in range(200): call()
latencies = []
started = time.perf_counter()
for _ in range(count):
    sent = time.perf_counter()
    call()
    latencies.append((time.perf_counter() - sent) * 1000)
seconds = time.perf_counter() - started
latencies.sort()
print(json.dumps({"perSecond": count / seconds, "p50": latencies[count // 2], "p99": latencies[int(count * 0.99)]}))
`;

/** Python's own client making the same calls one after the other, when python3 is there. */
function searchWithPython(target: Target, count: number): Throughput | undefined {
  const args = [target.url, target.db, target.apiKey, String(count), JSON.stringify(SMALL_SEARCH)];
  const run = spawnSync('python3', ['-c', PYTHON_SEARCH, ...args], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return undefined;
  return JSON.parse(run.stdout) as Throughput;
}

interface PythonResult {
  seconds: number;
  peakRssMB: number;
  rows: number;
}

const PYTHON_DECODE = `
import json, resource, sys, time, xmlrpc.client
data = open(sys.argv[1], 'rb').read()
started = time.perf_counter()
(value,), _ = xmlrpc.client.loads(data)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peakRssMB": peak, "rows": len(value)}))
`;

function decodeWithPython(file: string): PythonResult | undefined {
  const run = spawnSync('python3', ['-c', PYTHON_DECODE, file], { encoding: 'utf8' });
  if (run.error || run.status !== 0) return undefined;
  return JSON.parse(run.stdout) as PythonResult;
}

/** The run with the median time of `rounds` runs of `measure`. */
async function medianRun<Result extends { seconds: number }>(
  rounds: number,
  measure: () => Promise<Result | undefined>,
): Promise<Result | undefined> {
  const runs: Result[] = [];
  for (let round = 0; round < rounds; round++) {
    const result = await measure();
    if (!result) return undefined;
    runs.push(result);
  }
  return runs.sort((a, b) => a.seconds - b.seconds)[Math.floor((runs.length - 1) / 2)];
}

async function measureDecode(target: Target): Promise<void> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-bench-')), 'answer.xml');
  try {
    const size = await saveAnswer(target, SIZES.decodeRows, file);
    const decode = (decoder: DecodeConfig['decoder']) =>
      runChild<DecodeResult>('decode.js', { file, decoder } satisfies DecodeConfig);
    const rounds = smoke ? 1 : 3;
    const ours = (await medianRun(rounds, () => decode('ours')))!;
    const python = await medianRun(rounds, async () => decodeWithPython(file));
    const stock = await decode('stock');
    for (const result of [ours, stock, python]) {
      if (result && result.rows !== SIZES.decodeRows)
        throw new Error(`decoded ${result.rows} rows`);
    }
    console.log(
      `\n3. Decoding one search_read answer: ${SIZES.decodeRows} partners × ${FIELDS.length} fields, ` +
        `${(size / 1024 / 1024).toFixed(1)} MB of XML-RPC, in memory, handed over in 64 KB pieces ` +
        `(ours and Python: median of ${rounds} runs)`,
    );
    const line = (name: string, result: DecodeResult | PythonResult) =>
      `   ${name.padEnd(16)} ${result.seconds.toFixed(2)} s, peak RSS ${megabytes(result.peakRssMB)}` +
      ('longestBlockMs' in result
        ? `, longest event-loop block ${result.longestBlockMs.toFixed(0)} ms` +
          ` (longest 64 KB piece ${result.longestPieceMs.toFixed(0)} ms)`
        : ' (the whole body at once)');
    console.log(line('ours', ours));
    console.log(line('stock xmlrpc', stock));
    console.log(python ? line('Python loads()', python) : '   Python: python3 not found, skipped');
    console.log(
      `   ours is ${ratio(stock.seconds / ours.seconds)} faster than stock xmlrpc` +
        (python ? `, ${ratio(python.seconds / ours.seconds)} faster than Python` : ''),
    );
    verdict(
      '3. longest event-loop block while decoding',
      `${ours.longestBlockMs.toFixed(0)} ms`,
      '< 50 ms',
      ours.longestBlockMs < 50,
    );
    if (python) {
      const faster = python.seconds / ours.seconds;
      verdict('3. decoding vs Python xmlrpc.client', ratio(faster), '≥ 3×', faster >= 3);
    }
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

async function measureStream(target: Target): Promise<void> {
  const config: StreamConfig = { target, fields: FIELDS, pageSize: 1000 };
  const result = await runChild<StreamResult>('stream.js', config);
  console.log(
    `\n4. ${result.records} partners × ${FIELDS.length} fields through odoo-search split: record ` +
      '(page size 1000, order id), each checked to arrive once and in order',
  );
  console.log(
    `   ${result.seconds.toFixed(1)} s (${(result.records / result.seconds).toFixed(0)} records/s), ` +
      `peak RSS ${megabytes(result.peakRssMB)} (${megabytes(result.startRssMB)} before the read), ` +
      `longest event-loop block ${result.longestBlockMs.toFixed(0)} ms`,
  );
  verdict(
    '4. peak RSS, split: record',
    megabytes(result.peakRssMB),
    '≤ 300 MB',
    result.peakRssMB <= 300,
  );
}

async function measureCreate(target: Target): Promise<void> {
  const config: CreateConfig = {
    target,
    records: SIZES.createRecords,
    batchSize: SIZES.batchSize,
    rounds: smoke ? 1 : 3,
  };
  const result = await runChild<CreateResult>('create.js', config);
  const faster = result.eachSeconds / result.batchedSeconds;
  console.log(
    `\n5. Creating ${config.records} partners through odoo-create (median of ${config.rounds} rounds)`,
  );
  console.log(
    `   one msg per record (split → odoo-create): ${result.eachSeconds.toFixed(2)} s ` +
      `(${(config.records / result.eachSeconds).toFixed(0)} records/s) | ` +
      `one msg with the list, batchSize ${config.batchSize}: ${result.batchedSeconds.toFixed(2)} s ` +
      `(${(config.records / result.batchedSeconds).toFixed(0)} records/s) | ${ratio(faster)} faster (target ≥ 20×)`,
  );
  verdict('5. batched create vs one msg per record', ratio(faster), '≥ 20×', faster >= 20);
}

async function measureOverload(standIn: StandInProcess): Promise<void> {
  const config: OverloadConfig = {
    target: standIn.target,
    messages: SIZES.overloadMessages,
    arrivalSeconds: smoke ? 1 : 10,
    timeoutSeconds: smoke ? 1 : 5,
  };
  const child = fork(path.join(__dirname, 'overload.js'), [JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise<OverloadResult>((resolve, reject) => {
    child.on('message', (message: { type?: string } | OverloadResult) => {
      if ('type' in message && message.type === 'ready') {
        void standIn.hang().then(() => child.send({ type: 'go' }));
      } else resolve(message as OverloadResult);
    });
    child.on('exit', (code) => reject(new Error(`overload.js exited with code ${code}`)));
  });
  const rate = config.messages / config.arrivalSeconds;
  console.log(
    `\n6. ${config.messages} messages into an Odoo that stopped answering ` +
      `(${rate.toFixed(0)}/s for ${config.arrivalSeconds} s, timeout ${config.timeoutSeconds} s, 4 parallel calls)`,
  );
  const codes = Object.entries(result.codes)
    .map(([code, count]) => `${code} ${count}`)
    .join(', ');
  console.log(
    `   ${result.ended} of ${config.messages} ended (${codes}) within ${result.seconds.toFixed(1)} s; ` +
      `at most ${result.mostInFlight} pending at once (arrival rate × timeout = ` +
      `${(rate * config.timeoutSeconds).toFixed(0)}); RSS ${megabytes(result.rssBeforeMB)} before, ` +
      `peak ${megabytes(result.peakRssMB)}`,
  );
  const bound = rate * config.timeoutSeconds * 1.2;
  verdict(
    '6. messages pending at once with Odoo hung',
    String(result.mostInFlight),
    `≤ rate × timeout (${(rate * config.timeoutSeconds).toFixed(0)}, +20 %), all ended`,
    result.ended === config.messages && result.mostInFlight <= bound,
  );
}

async function measureWatch(): Promise<void> {
  const config: WatchConfig = { changes: SIZES.watchChanges, lookbackSeconds: 180 };
  const result = await runChild<WatchResult>('watch.js', config);
  console.log(
    `\n7. odoo-watch after a burst of ${config.changes} changes, then quiet (lookback ${config.lookbackSeconds} s)`,
  );
  console.log(
    `   delivered ${result.delivered}; records read by a quiet poll ${config.lookbackSeconds / 2} s ` +
      `after the burst: ${result.withinWindow}; once lookback has passed: ` +
      `${result.afterWindow.join(', ')} (the first of them looks back from when the poll before began)`,
  );
  const last = result.afterWindow[result.afterWindow.length - 1];
  verdict('7. records read per quiet poll, lookback passed', String(last), '0', last === 0);
}

async function measureUpsert(standIn: StandInProcess): Promise<void> {
  const config: UpsertConfig = {
    target: standIn.target,
    records: SIZES.upsertRecords,
    batchSize: 500,
  };
  const child = fork(path.join(__dirname, 'upsert.js'), [JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const result = await new Promise<UpsertResult>((resolve, reject) => {
    child.on('message', (message: { type?: string } | UpsertResult) => {
      if ('type' in message && message.type === 'count') {
        void standIn.counts().then((counts) => child.send(counts));
      } else resolve(message as UpsertResult);
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`upsert.js exited with code ${code}`));
    });
  });
  const records = config.records;
  const calls = (measured: UpsertRun, methods = Object.keys(measured.calls)) =>
    methods.reduce((sum, method) => sum + (measured.calls[method] ?? 0), 0);
  const line = (measured: UpsertRun) => {
    const byMethod = Object.entries(measured.calls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([method, count]) => `${method} ${count}`)
      .join(', ');
    return (
      `${measured.seconds.toFixed(2)} s (${(records / measured.seconds).toFixed(0)} records/s), ` +
      `${(calls(measured) / records).toFixed(3)} calls per record (${byMethod})`
    );
  };
  console.log(
    `\n8. Syncing ${records} contacts, half of them in Odoo already and changed there (match: ref)`,
  );
  console.log(
    `   one msg per record (split → search → switch → create | write): ${line(result.perRecord)}`,
  );
  console.log(
    `   one msg with the list through odoo-upsert, batchSize 500: ${line(result.upsert)}`,
  );
  console.log(`   the same list again, nothing changed: ${line(result.unchanged)}`);
  const faster = result.perRecord.seconds / result.upsert.seconds;
  const lookups = calls(result.upsert, ['search_read', 'search', 'read']) / records;
  const writes = calls(result.upsert, ['create', 'write']) / records;
  console.log(
    `   odoo-upsert is ${ratio(faster)} faster; per record ${lookups.toFixed(4)} lookups ` +
      `(target ≤ 0.01) and ${writes.toFixed(3)} create or write calls (target ≤ 1)`,
  );
  verdict('8. upsert vs one msg per record', ratio(faster), '> 1×', faster > 1);
  verdict('8. upsert lookups per record', lookups.toFixed(4), '≤ 0.01', lookups <= 0.01);
  verdict('8. upsert create or write calls per record', writes.toFixed(3), '≤ 1', writes <= 1);
  const unchangedWrites = calls(result.unchanged, ['create', 'write']);
  verdict('8. writes for an unchanged list', String(unchangedWrites), '0', unchangedWrites === 0);
}

async function measureOverhead(): Promise<void> {
  const config: OverheadConfig = { requests: smoke ? 200 : 4000, rounds: smoke ? 1 : 3 };
  let result: OverheadResult;
  try {
    result = await runChild<OverheadResult>('overhead.js', config);
  } catch (error) {
    console.log(`\n9. Per-message overhead: skipped (${(error as Error).message}; needs python3)`);
    return;
  }
  const overhead = result.flow - result.bare;
  const ratioToRaw = overhead / result.raw;
  console.log(
    `\n9. What odoo-search adds to one message (http in → odoo-search → http response, one record by id), ` +
      `against a Python XML-RPC server on loopback; ${config.requests} requests per way and round, ` +
      `the ways taking turns (median of ${config.rounds} rounds)`,
  );
  console.log(
    `   bare http in → http response ${result.bare.toFixed(2)} ms, with odoo-search ${result.flow.toFixed(2)} ms: ` +
      `the node adds ${overhead.toFixed(2)} ms | the same call with the raw xmlrpc client ${result.raw.toFixed(2)} ms, ` +
      `with Python's xmlrpc.client ${result.python.toFixed(2)} ms | node ÷ raw ${ratio(ratioToRaw)} (target ≤ 1.1)`,
  );
  for (const [index, round] of result.rounds.entries()) {
    console.log(
      `   round ${index + 1}: adds ${(round.flow - round.bare).toFixed(2)} ms, raw ${round.raw.toFixed(2)} ms, ` +
        `ratio ${ratio((round.flow - round.bare) / round.raw)}`,
    );
  }
  verdict(
    '9. per-message overhead vs raw xmlrpc call',
    ratio(ratioToRaw),
    '≤ 1.1×',
    ratioToRaw <= 1.1,
  );
}

async function withStandIn(partners: number, measure: (target: Target) => Promise<void>) {
  const standIn = await StandInProcess.start(partners);
  try {
    await measure(standIn.target);
  } finally {
    await standIn.stop();
  }
}

/** The 1-minute load average: other work on the machine slows every figure and adds delays. */
function loadAverage(): string {
  return os.loadavg()[0].toFixed(1);
}

function printSummary(): void {
  if (smoke) {
    console.log('\nSmoke run: everything ran; the sizes are too small for the targets to apply.');
    return;
  }
  console.log(`\nSummary (load average now ${loadAverage()})`);
  for (const { what, value, target, met } of verdicts) {
    console.log(`   ${met ? 'met    ' : 'MISSED '} ${what}: ${value} (target ${target})`);
  }
}

/** `--only 3,8`: just these measurements (the numbers of the printout). */
const only = (() => {
  const at = process.argv.indexOf('--only');
  return at === -1 ? undefined : new Set(process.argv[at + 1]?.split(',').map(Number));
})();
const wanted = (...numbers: number[]) => !only || numbers.some((number) => only.has(number));

async function main(): Promise<void> {
  console.log(
    `Benchmark${smoke ? ' (smoke: small sizes, numbers not meaningful)' : ''}: Node ${process.version}, ` +
      `${os.cpus().length} CPUs, load average ${loadAverage()}`,
  );
  if (wanted(1, 2)) await withStandIn(0, measureFlow);
  if (wanted(3, 4)) {
    await withStandIn(SIZES.streamRecords, async (target) => {
      if (wanted(3)) await measureDecode(target);
      if (wanted(4)) await measureStream(target);
    });
  }
  if (wanted(5)) await withStandIn(0, measureCreate);
  if (wanted(6)) {
    const overloaded = await StandInProcess.start(0);
    try {
      await measureOverload(overloaded);
    } finally {
      await overloaded.stop();
    }
  }
  if (wanted(7)) await measureWatch();
  if (wanted(8)) {
    const syncing = await StandInProcess.start(0);
    try {
      await measureUpsert(syncing);
    } finally {
      await syncing.stop();
    }
  }
  if (wanted(9)) await measureOverhead();
  printSummary();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
