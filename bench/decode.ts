/**
 * Child process for measurement 3: decodes one saved XML-RPC answer with our decoder or the stock
 * `xmlrpc` deserializer and reports the time, the peak memory of this process and the longest
 * event-loop block. The answer is read into memory first (Python's `loads` needs it whole) and
 * handed over in 64 KB pieces, one per turn of the event loop, as a socket delivers it.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PassThrough, Readable } from 'node:stream';
import { XmlRpcDecoder } from '../nodes/lib/xmlrpc-decoder';
import { childConfig, peakRssMB, report, runMain, watchEventLoop } from './support';

export interface DecodeConfig {
  file: string;
  decoder: 'ours' | 'stock';
}

export interface DecodeResult {
  seconds: number;
  peakRssMB: number;
  longestBlockMs: number;
  /** The longest time one 64 KB piece took to decode (the event-loop block due to the decoder). */
  longestPieceMs: number;
  rows: number;
}

// The package ships no typings for its deserializer module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const StockDeserializer = require('xmlrpc/lib/deserializer') as new () => {
  deserializeMethodResponse(
    stream: Readable,
    callback: (error: Error | null, value?: unknown) => void,
  ): void;
};

const PIECE_BYTES = 64 * 1024;

let longestPieceMs = 0;

async function feed(body: Buffer, write: (piece: Buffer) => void): Promise<void> {
  for (let start = 0; start < body.length; start += PIECE_BYTES) {
    const started = performance.now();
    write(body.subarray(start, start + PIECE_BYTES));
    longestPieceMs = Math.max(longestPieceMs, performance.now() - started);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function decodeOurs(body: Buffer): Promise<unknown> {
  const decoder = new XmlRpcDecoder();
  await feed(body, (piece) => decoder.write(piece));
  const outcome = decoder.end();
  if (outcome.kind !== 'value') throw new Error('the answer is a fault');
  return outcome.value;
}

async function decodeStock(body: Buffer): Promise<unknown> {
  const stream = new PassThrough();
  const value = new Promise((resolve, reject) =>
    new StockDeserializer().deserializeMethodResponse(stream, (error, decoded) =>
      error ? reject(error) : resolve(decoded),
    ),
  );
  await feed(body, (piece) => stream.write(piece));
  stream.end();
  return value;
}

runMain(async () => {
  const { file, decoder } = childConfig<DecodeConfig>();
  const body = fs.readFileSync(file);
  const loop = watchEventLoop();
  const started = performance.now();
  const value = await (decoder === 'ours' ? decodeOurs(body) : decodeStock(body));
  const seconds = (performance.now() - started) / 1000;
  const longestBlockMs = await loop.stop();
  const result: DecodeResult = {
    seconds,
    peakRssMB: peakRssMB(),
    longestBlockMs,
    longestPieceMs,
    rows: (value as unknown[]).length,
  };
  report(result);
});
