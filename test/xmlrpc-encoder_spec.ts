import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { encodeMethodCall } from '../nodes/lib/xmlrpc-encoder';
import { parseMethodCall } from './stand-in/xmlrpc';

// The stock package's encoder and decoder, to compare against; it ships no typings for them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { serializeMethodCall } = require('xmlrpc/lib/serializer') as {
  serializeMethodCall(method: string, params: unknown[]): string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Deserializer = require('xmlrpc/lib/deserializer') as new () => {
  deserializeMethodCall(
    stream: Readable,
    callback: (error: Error | null, method?: string, params?: unknown[]) => void,
  ): void;
};

function stockDecode(body: string): Promise<{ method?: string; params?: unknown[] }> {
  return new Promise((resolve, reject) =>
    new Deserializer().deserializeMethodCall(Readable.from([body]), (error, method, params) =>
      error ? reject(error) : resolve({ method, params }),
    ),
  );
}

/** A random value of the kinds the client sends, with text free of `&`, `<` and `]]>`. */
function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 5 : 7));
  const text = () =>
    Array.from({ length: Math.floor(random() * 12) }, () =>
      String.fromCodePoint(
        [32 + Math.floor(random() * 90), 0xe9, 0x65e5, 0x1f600, 10, 9, 62][
          Math.floor(random() * 7)
        ],
      ),
    ).join('');
  switch (pick) {
    case 0:
      return text().replace(/[&<]/g, '');
    case 1:
      return Math.floor((random() - 0.5) * 2 ** (random() * 40));
    case 2:
      return (random() - 0.5) * 10 ** Math.floor(random() * 8);
    case 3:
      return random() < 0.5;
    case 4:
      return null;
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, index) => [
          `${text().replace(/[&<]/g, '')}${index}`,
          randomValue(random, depth + 1),
        ]),
      );
  }
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('XML-RPC request encoder', function () {
  it('writes what the stock xmlrpc serializer writes, byte for byte', function () {
    const samples: unknown[][] = [
      [],
      ['odootest', 'admin', 'key', {}],
      ['odootest', 2, 'key', 'res.partner', 'search_read', [[['is_company', '=', true]]], {}],
      [[], {}, '', 0, -0, -7, 2147483648, 1.5, -2.5e-7, 1e21, true, false, null],
      [{ name: 'Zoë 日本 😀', lines: 'one\ntwo\tthree\r\n', arrow: 'a > b', deep: [[[{}]]] }],
    ];
    const random = seeded(17);
    for (let index = 0; index < 300; index++) {
      samples.push(Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random)));
    }
    for (const params of samples) {
      assert.equal(
        encodeMethodCall('execute_kw', params),
        serializeMethodCall('execute_kw', params),
      );
    }
  });

  it('escapes markup in text, where the stock serializer uses CDATA, with the same meaning', async function () {
    const params = [
      'A & B <c>',
      ']]>',
      'x]]>y & <z>',
      { '<key & more>': '&amp; stays text', '': '' },
      '\r\n',
    ];
    const body = encodeMethodCall('execute_kw', params);
    assert.doesNotMatch(body, /CDATA/);
    assert.match(body, /A &amp; B &lt;c&gt;/);
    assert.deepEqual(await stockDecode(body), { method: 'execute_kw', params });
    assert.deepEqual(await parseMethodCall(Buffer.from(body)), {
      method: 'execute_kw',
      params,
    });
  });

  it('refuses what ParamChecker.wire() never produces', function () {
    for (const value of [undefined, new Date(0), Buffer.from('x'), () => 1, 1n, new Map()]) {
      assert.throws(() => encodeMethodCall('x', [value]), TypeError);
    }
  });
});
