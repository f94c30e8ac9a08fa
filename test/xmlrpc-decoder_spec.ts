import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  decodeXmlRpcResponse,
  XmlRpcDecoder,
  XmlRpcFormatError,
  XmlRpcOutcome,
} from '../nodes/lib/xmlrpc-decoder';

const SOURCE = path.join(__dirname, '..', '..');
const WIRE = path.join(SOURCE, 'test', 'fixtures', 'odoo-wire');

type Result = { outcome: XmlRpcOutcome } | { error: string };

/** Decodes the pieces in order; a refusal must be an XmlRpcFormatError, anything else fails. */
function decodePieces(pieces: Buffer[]): Result {
  const decoder = new XmlRpcDecoder();
  try {
    for (const piece of pieces) decoder.write(piece);
    return { outcome: decoder.end() };
  } catch (error) {
    if (error instanceof XmlRpcFormatError) return { error: error.message };
    throw error;
  }
}

function decode(body: Buffer | string): Result {
  return decodePieces([Buffer.from(body)]);
}

function valueOf(body: Buffer | string): unknown {
  const result = decode(body);
  assert.ok('outcome' in result, `expected a value, got: ${'error' in result && result.error}`);
  assert.equal(result.outcome.kind, 'value');
  return (result.outcome as { value: unknown }).value;
}

function refusal(body: Buffer | string): string {
  const result = decode(body);
  assert.ok('error' in result, 'expected an XmlRpcFormatError');
  return result.error;
}

function cutAt(body: Buffer, offsets: number[]): Buffer[] {
  const bounds = [0, ...offsets, body.length];
  return bounds.slice(1).map((end, i) => body.subarray(bounds[i], end));
}

/** A small deterministic PRNG, so that a failing random split can be replayed. */
function randomGenerator(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * below);
  };
}

function randomCuts(length: number, count: number, random: (below: number) => number): number[] {
  const cuts = Array.from({ length: count }, () => random(length + 1));
  return cuts.sort((a, b) => a - b);
}

/**
 * Feeds the body split at every byte offset (or, for long bodies, at many random ones) and
 * one byte at a time, and checks that every way gives the same result as the whole body.
 */
function assertSameInAnyPieces(body: Buffer, randomSplits = 40): Result {
  const whole = decodePieces([body]);
  const piecings: Buffer[][] = [];
  if (body.length <= 4096) {
    for (let offset = 1; offset < body.length; offset++) piecings.push(cutAt(body, [offset]));
  } else {
    const random = randomGenerator(body.length);
    for (let i = 0; i < randomSplits; i++) {
      piecings.push(cutAt(body, randomCuts(body.length, 1 + random(12), random)));
    }
  }
  if (body.length <= 65536) piecings.push(cutAt(body, [...body.keys()].slice(1)));
  for (const pieces of piecings) {
    const sizes = pieces.map((piece) => piece.length).join('+');
    assert.deepStrictEqual(decodePieces(pieces), whole, `fed as ${sizes} bytes`);
  }
  return whole;
}

/** The stock `xmlrpc` deserializer, mapped onto the same outcome shape. */
function stockDecode(body: Buffer): Promise<Result> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Deserializer = require('xmlrpc/lib/deserializer') as new () => {
    deserializeMethodResponse(
      stream: Readable,
      callback: (
        error: (Error & { faultCode?: unknown; faultString?: string }) | null,
        value?: unknown,
      ) => void,
    ): void;
  };
  return new Promise((resolve) => {
    new Deserializer().deserializeMethodResponse(Readable.from([body]), (error, value) => {
      if (error && 'faultCode' in error) {
        const { faultCode, faultString = '' } = error;
        resolve({ outcome: { kind: 'fault', faultCode, faultString } });
      } else if (error) {
        resolve({ error: error.message });
      } else {
        resolve({ outcome: { kind: 'value', value } });
      }
    });
  });
}

/** A response shaped exactly like Python's `xmlrpc.client.dumps(..., methodresponse=True)`. */
function response(valueXml: string): Buffer {
  return Buffer.from(
    `<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value>${valueXml}</value>\n</param>\n</params>\n</methodResponse>\n`,
  );
}

function faultResponse(faultCode: string, faultString: string): Buffer {
  return Buffer.from(
    `<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value>${faultCode}</value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>${faultString}</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n`,
  );
}

const STOCK_REFUSES = Symbol('the stock deserializer refuses this input');

/**
 * The stock deserializer reads a zone-less dateTime as local time (and gets half-hour zones
 * wrong), so its comparisons run in Paris, one hour ahead of UTC on the winter dates used here.
 */
const STOCK_TIME_ZONE = 'Europe/Paris';

function parisWinterTime(...fields: [number, number, number, number?, number?, number?, number?]) {
  const [year, month, day, hours = 0, minutes = 0, seconds = 0, milliseconds = 0] = fields;
  return new Date(Date.UTC(year, month, day, hours - 1, minutes, seconds, milliseconds));
}

interface TypeCase {
  name: string;
  body: Buffer;
  expected: unknown;
  /** What the stock deserializer gives where it differs from this decoder (documented). */
  stock?: unknown;
}

function valueCase(name: string, valueXml: string, expected: unknown, stock?: unknown): TypeCase {
  return { name, body: response(valueXml), expected, ...(stock === undefined ? {} : { stock }) };
}

function member(name: string, valueXml: string): string {
  return `<member>\n<name>${name}</name>\n<value>${valueXml}</value>\n</member>\n`;
}

const TYPE_CASES: TypeCase[] = [
  valueCase('<int>', '<int>42</int>', 42),
  valueCase('negative <int>', '<int>-7</int>', -7),
  valueCase('<int> with a plus sign, leading zeros and spaces', '<int> +0009 </int>', 9),
  valueCase('<i4>', '<i4>2147483647</i4>', 2147483647),
  valueCase('<int> beyond 32 bits (Odoo accepts it)', '<int>3000000000</int>', 3000000000),
  valueCase('<i8> as a number (stock: a string)', '<i8>3000000000</i8>', 3000000000, '3000000000'),
  valueCase(
    '<i8> at Number.MAX_SAFE_INTEGER',
    '<i8>-9007199254740991</i8>',
    -9007199254740991,
    '-9007199254740991',
  ),
  valueCase(
    '<i8> beyond Number.MAX_SAFE_INTEGER keeps its decimal string',
    '<i8>9223372036854775807</i8>',
    '9223372036854775807',
  ),
  valueCase(
    '<int> beyond Number.MAX_SAFE_INTEGER keeps its decimal string (stock: rounds it)',
    '<int>-9007199254740993</int>',
    '-9007199254740993',
    -9007199254740992,
  ),
  valueCase('<boolean>1</boolean>', '<boolean>1</boolean>', true),
  valueCase('<boolean>0</boolean>', '<boolean>0</boolean>', false),
  valueCase('<double>', '<double>1364.48</double>', 1364.48),
  valueCase('<double> as Python writes 0.0', '<double>0.0</double>', 0),
  valueCase('<double> with an exponent', '<double>-1.5e-07</double>', -1.5e-7),
  valueCase('<double> 1e+16', '<double>1e+16</double>', 1e16),
  valueCase(
    '<double>inf</double> (stock refuses)',
    '<double>inf</double>',
    Infinity,
    STOCK_REFUSES,
  ),
  valueCase(
    '<double>-inf</double> (stock refuses)',
    '<double>-inf</double>',
    -Infinity,
    STOCK_REFUSES,
  ),
  valueCase('<double>nan</double> (stock refuses)', '<double>nan</double>', NaN, STOCK_REFUSES),
  valueCase('<string>', '<string>Deco Addict</string>', 'Deco Addict'),
  valueCase('a bare <value> is a string', 'Deco Addict', 'Deco Addict'),
  valueCase('a bare <value> keeps its whitespace', '  two\n lines  ', '  two\n lines  '),
  valueCase('<string/>', '<string/>', ''),
  valueCase('<string></string>', '<string></string>', ''),
  valueCase('<value></value>', '', ''),
  {
    name: '<value/>',
    body: Buffer.from('<methodResponse><params><param><value/></param></params></methodResponse>'),
    expected: '',
  },
  valueCase('whitespace around a typed value', '\n  <int>1</int>\n', 1),
  valueCase(
    'entities and character references',
    '<string>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#65;&#x42;&#x1F600;&#10;</string>',
    'a & b <c> "d" \'e\' AB😀\n',
  ),
  valueCase(
    'raw UTF-8',
    '<string>Ünïcödé Ελληνικά 中文 العربية 😀</string>',
    'Ünïcödé Ελληνικά 中文 العربية 😀',
  ),
  valueCase('CDATA', '<string>x<![CDATA[<b>bold</b> & ]]>y</string>', 'x<b>bold</b> & y'),
  valueCase('comments inside values', '<!-- a --><string>a<!-- b -->b</string><!-- c -->', 'ab'),
  valueCase('<base64>', '<base64>aGVsbG8g\nd29ybGQ=\n</base64>', Buffer.from('hello world')),
  valueCase('<base64/>', '<base64/>', Buffer.alloc(0)),
  valueCase(
    '<dateTime.iso8601> as UTC (stock: local time)',
    '<dateTime.iso8601>20300101T00:00:00</dateTime.iso8601>',
    new Date(Date.UTC(2030, 0, 1)),
    parisWinterTime(2030, 0, 1),
  ),
  valueCase(
    '<dateTime.iso8601> with dashes (stock: local time)',
    '<dateTime.iso8601>2026-11-26T11:12:04</dateTime.iso8601>',
    new Date(Date.UTC(2026, 10, 26, 11, 12, 4)),
    parisWinterTime(2026, 10, 26, 11, 12, 4),
  ),
  valueCase(
    '<dateTime.iso8601> with a zone offset (stock misreads "+02" as milliseconds)',
    '<dateTime.iso8601>2026-11-26T13:12:04+02:00</dateTime.iso8601>',
    new Date(Date.UTC(2026, 10, 26, 11, 12, 4)),
    parisWinterTime(2026, 10, 26, 13, 12, 4, 20),
  ),
  valueCase('<nil/>', '<nil/>', null),
  valueCase('<nil></nil>', '<nil></nil>', null),
  valueCase(
    '<array> of mixed values',
    '<array><data>\n<value><int>11</int></value>\n<value><string>Gemini Furniture</string></value>\n</data></array>',
    [11, 'Gemini Furniture'],
  ),
  valueCase('<array> with <data/>', '<array><data/></array>', []),
  valueCase(
    'nested arrays',
    '<array><data><value><array><data><value><string>country_id</string></value><value><string>=</string></value><value><boolean>0</boolean></value></data></array></value></data></array>',
    [['country_id', '=', false]],
  ),
  valueCase('<struct/>', '<struct/>', {}),
  valueCase(
    '<struct> keeps member order',
    `<struct>\n${member('zeta', '<int>1</int>')}${member('alpha', '<string>a</string>')}${member('mid', '<nil/>')}</struct>`,
    { zeta: 1, alpha: 'a', mid: null },
  ),
  valueCase(
    '<struct> with an empty member name and nested values',
    `<struct>${member('', '<struct>' + member('x', '<array><data/></array>') + '</struct>')}</struct>`,
    { '': { x: [] } },
  ),
  {
    name: 'the <?xml?> declaration with double quotes and an encoding',
    body: Buffer.from(
      '<?xml version="1.0" encoding="UTF-8"?><methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>',
    ),
    expected: 1,
  },
  {
    name: 'no <?xml?> declaration, comments and whitespace around the root',
    body: Buffer.from(
      ' \n<!-- before --><methodResponse><params><param><value>x</value></param></params></methodResponse><!-- after -->\n\n',
    ),
    expected: 'x',
  },
  {
    name: '\\r\\n line ends, also inside strings (stock keeps the \\r)',
    body: Buffer.from(
      "<?xml version='1.0'?>\r\n<methodResponse>\r\n<params>\r\n<param>\r\n<value><string>a\r\nb\rc&#13;</string></value>\r\n</param>\r\n</params>\r\n</methodResponse>\r\n",
    ),
    expected: 'a\nb\nc\r',
    stock: 'a\r\nb\rc\r',
  },
];

function fixture(name: string): WireRecording {
  return JSON.parse(fs.readFileSync(path.join(WIRE, name), 'utf8')) as WireRecording;
}

interface WireRecording {
  name: string;
  response: { status: number; body: string };
  observed: {
    kind: 'result' | 'fault' | 'other';
    result?: unknown;
    result_len?: number | null;
    first_record_field_count?: number;
    faultCode?: unknown;
    faultString_first_line?: string;
    faultString_last_line?: string;
    faultString_lines?: number;
    faultString_has_traceback?: boolean;
  };
}

/** `json.dumps` as Python writes it (", " and ": " separators, non-ASCII escaped). */
function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`);
    return `{${members.join(', ')}}`;
  }
  return JSON.stringify(value).replace(
    /[\u0080-\uffff]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Python prints float 0.0 as "0.0" where JavaScript has 0; compare without that difference. */
function withoutPointZero(json: string): string {
  return json.replace(/(\d)\.0(?=[,\]}])/g, '$1');
}

/** `str.splitlines()` for text that only uses "\n". */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  return Object.keys(value as object).length;
}

function checkAgainstObserved(recording: WireRecording, outcome: XmlRpcOutcome): void {
  const observed = recording.observed;
  if (outcome.kind === 'fault') {
    assert.equal(observed.kind, 'fault');
    assert.deepStrictEqual(outcome.faultCode, observed.faultCode);
    const lines = splitLines(outcome.faultString);
    const lastLine = lines.filter((line) => line.trim() !== '').pop() ?? '';
    assert.equal(lines.length, observed.faultString_lines);
    assert.equal(lines[0] ?? '', observed.faultString_first_line);
    assert.equal(lastLine, observed.faultString_last_line);
    assert.equal(
      outcome.faultString.includes('Traceback (most recent call last)'),
      observed.faultString_has_traceback,
    );
    return;
  }
  assert.equal(observed.kind, 'result');
  const preview =
    typeof observed.result === 'string' &&
    /^(.*)\.\.\. \[(\d+) chars in all\]$/s.exec(observed.result);
  if (preview) {
    // Long results were recorded as the first 1500 characters of Python's json.dumps.
    const dumped = withoutPointZero(pythonJson(outcome.value));
    const shown = withoutPointZero(preview[1]).slice(0, -2);
    assert.ok(dumped.startsWith(shown), 'the result starts like the recorded preview');
  } else {
    assert.deepStrictEqual(outcome.value, observed.result);
  }
  if (observed.result_len !== null && observed.result_len !== undefined) {
    assert.equal(sizeOf(outcome.value), observed.result_len);
  }
  if (observed.first_record_field_count !== undefined) {
    assert.equal(sizeOf((outcome.value as object[])[0]), observed.first_record_field_count);
  }
}

describe('the XML-RPC response decoder', function () {
  describe('decodes every XML-RPC type, whatever the chunking', function () {
    for (const { name, body, expected } of TYPE_CASES) {
      it(name, function () {
        assert.deepStrictEqual(valueOf(body), expected);
        assertSameInAnyPieces(body);
      });
    }

    it('decodes a fault with an int faultCode', function () {
      const body = faultResponse('<int>2</int>', 'Record does not exist or has been deleted.');
      const outcome = assertSameInAnyPieces(body);
      assert.deepStrictEqual(outcome, {
        outcome: {
          kind: 'fault',
          faultCode: 2,
          faultString: 'Record does not exist or has been deleted.',
        },
      });
    });

    it("decodes a fault with a string faultCode (Odoo's legacy endpoint)", function () {
      const body = faultResponse('<string>warning -- UserError\n\nNo name</string>', '');
      assert.deepStrictEqual(decode(body), {
        outcome: { kind: 'fault', faultCode: 'warning -- UserError\n\nNo name', faultString: '' },
      });
    });

    it('makes a __proto__ member an own enumerable property and never touches a prototype', function () {
      const body = response(
        `<struct>${member('__proto__', `<struct>${member('polluted', '<boolean>1</boolean>')}</struct>`)}${member('id', '<int>7</int>')}</struct>`,
      );
      const value = valueOf(body) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
      assert.deepStrictEqual(Object.keys(value), ['__proto__', 'id']);
      assert.deepStrictEqual(Object.getOwnPropertyDescriptor(value, '__proto__'), {
        value: { polluted: true },
        writable: true,
        enumerable: true,
        configurable: true,
      });
      assert.equal((value as { polluted?: unknown }).polluted, undefined);
      assert.equal(({} as { polluted?: unknown }).polluted, undefined);
      assertSameInAnyPieces(body);
    });

    it('decodes a ~1 MB answer fed in 64 KB chunks like the HTTP body', async function () {
      const rows = Array.from(
        { length: 2000 },
        (_, i) =>
          `<value><struct>${member('id', `<int>${i}</int>`)}${member('name', `<string>Ελληνικά &amp; 中文 ${'x'.repeat(i % 300)}</string>`)}${member('credit_limit', '<double>12.5</double>')}</struct></value>\n`,
      );
      const body = response(`<array><data>\n${rows.join('')}</data></array>`);
      const value = valueOf(body) as { id: number; name: string }[];
      assert.equal(value.length, 2000);
      assert.deepStrictEqual(value[1999], {
        id: 1999,
        name: `Ελληνικά & 中文 ${'x'.repeat(1999 % 300)}`,
        credit_limit: 12.5,
      });
      const chunks = cutAt(
        body,
        Array.from({ length: Math.floor(body.length / 65536) }, (_, i) => (i + 1) * 65536),
      );
      assert.deepStrictEqual(decodePieces(chunks), { outcome: { kind: 'value', value } });
      assert.deepStrictEqual(await decodeXmlRpcResponse(body), { kind: 'value', value });
    });
  });

  describe('agrees with the stock xmlrpc deserializer, except where documented', function () {
    let savedTimeZone: string | undefined;
    before(function () {
      savedTimeZone = process.env.TZ;
      process.env.TZ = STOCK_TIME_ZONE;
    });
    after(function () {
      if (savedTimeZone === undefined) delete process.env.TZ;
      else process.env.TZ = savedTimeZone;
    });

    for (const { name, body, expected, stock } of TYPE_CASES) {
      it(name, async function () {
        const theirs = await stockDecode(body);
        if (stock === STOCK_REFUSES) {
          assert.ok('error' in theirs);
        } else {
          const stockValue = stock === undefined ? expected : stock;
          assert.deepStrictEqual(theirs, { outcome: { kind: 'value', value: stockValue } });
        }
      });
    }

    it('stock lets a __proto__ member replace the prototype; this decoder does not', async function () {
      const body = response(
        `<struct>${member('__proto__', `<struct>${member('polluted', '<boolean>1</boolean>')}</struct>`)}</struct>`,
      );
      const theirs = await stockDecode(body);
      assert.ok('outcome' in theirs && theirs.outcome.kind === 'value');
      const stockValue = theirs.outcome.value as { polluted?: boolean };
      assert.deepStrictEqual(Object.keys(stockValue), []);
      assert.equal(stockValue.polluted, true);
      assert.deepStrictEqual(Object.keys(valueOf(body) as object), ['__proto__']);
    });
  });

  describe('decodes the recorded Odoo 17 answers', function () {
    const names = fs.readdirSync(WIRE).filter((name) => /^xmlrpc-.*\.json$/.test(name));

    it('has recordings to check', function () {
      assert.ok(names.length >= 60, `found ${names.length}`);
    });

    for (const name of names) {
      const recording = fixture(name);
      const body = Buffer.from(recording.response.body, 'utf8');
      if (recording.observed.kind === 'other') {
        it(`${name}: refuses the non-XML-RPC HTTP ${recording.response.status} page`, function () {
          const result = assertSameInAnyPieces(body);
          assert.ok('error' in result);
          assert.match(result.error, /html/i);
        });
        continue;
      }
      it(`${name}: matches what was observed, in any chunking, and matches stock`, async function () {
        const result = assertSameInAnyPieces(body);
        assert.ok('outcome' in result, 'error' in result ? result.error : '');
        checkAgainstObserved(recording, result.outcome);
        assert.deepStrictEqual(await stockDecode(body), result);
      });
    }
  });

  describe('refuses what is not a well-formed XML-RPC response', function () {
    const refusals: [string, string | Buffer, RegExp][] = [
      ['an empty body', '', /^the answer is empty$/],
      ['a body of whitespace', ' \r\n\t', /^the answer is empty$/],
      [
        'a DOCTYPE with an internal entity',
        `<?xml version="1.0"?><!DOCTYPE methodResponse [<!ENTITY name "value">]><methodResponse><params><param><value>&name;</value></param></params></methodResponse>`,
        /DOCTYPE or entities, which are refused/,
      ],
      [
        'a billion-laughs document',
        `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\n]>\n<methodResponse><params><param><value>&lol2;</value></param></params></methodResponse>`,
        /DOCTYPE or entities, which are refused/,
      ],
      [
        'an external entity (XXE)',
        `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><methodResponse/>`,
        /DOCTYPE or entities, which are refused/,
      ],
      [
        'an entity declaration outside a DOCTYPE',
        `<methodResponse><!ENTITY x "y"><params/></methodResponse>`,
        /DOCTYPE or entities, which are refused/,
      ],
      [
        'an unknown entity',
        response('<string>a&nbsp;b</string>'),
        /unknown entity &nbsp;, which is refused/,
      ],
      ['an entity without ";"', response('<string>a &amp b</string>'), /no closing ";"/],
      [
        'a reference to character 0',
        response('<string>&#0;</string>'),
        /not a valid character reference/,
      ],
      [
        'a reference to a surrogate',
        response('<string>&#xD800;</string>'),
        /not a valid character reference/,
      ],
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from('<methodResponse><params><param><value><string>caf'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('</string></value></param></params></methodResponse>'),
        ]),
        /^the answer is not valid UTF-8$/,
      ],
      [
        'an overlong UTF-8 encoding',
        Buffer.concat([
          Buffer.from('<methodResponse><params><param><value>'),
          Buffer.from([0xc0, 0xbc]),
        ]),
        /not valid UTF-8/,
      ],
      [
        'UTF-8 cut in the middle of a character',
        Buffer.concat([
          Buffer.from('<methodResponse><params><param><value>'),
          Buffer.from('é').subarray(0, 1),
        ]),
        /not valid UTF-8 \(it ends in the middle of a character\)/,
      ],
      [
        'an nginx 502 page',
        '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
        /^the answer is not XML-RPC: found <html> where <methodResponse> was expected \(it begins "<html>\\n<head><title>502 Bad Gateway<\/title><\/head>\\n<body>\\n<c"\)$/,
      ],
      [
        'an HTML page with a doctype',
        '<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Please sign in</body></html>',
        /^the answer is not XML-RPC: found an HTML page where <methodResponse> was expected/,
      ],
      [
        'a JSON body',
        '{"jsonrpc": "2.0", "id": 1, "result": 2}',
        /^the answer is not XML-RPC: found text where <methodResponse> was expected \(it begins "\{\\"jsonrpc/,
      ],
      [
        'a methodCall',
        '<?xml version="1.0"?><methodCall><methodName>x</methodName></methodCall>',
        /found <methodCall> where <methodResponse> was expected/,
      ],
      [
        'a truncated body',
        response('<int>1</int>').subarray(0, 60),
        /^the answer ends in the middle of the XML-RPC document \(truncated\)$/,
      ],
      [
        'text after the root',
        `${response('<int>1</int>').toString()}garbage`,
        /unexpected content after <\/methodResponse>/,
      ],
      [
        'a second root',
        `${response('<int>1</int>').toString()}<methodResponse/>`,
        /unexpected content after <\/methodResponse>/,
      ],
      ['an unknown element', response('<float>1.5</float>'), /<float> is not an XML-RPC element/],
      [
        'an element in the wrong place',
        response('<int><int>1</int></int>'),
        /<int> is not allowed inside <int>/,
      ],
      [
        'mismatched closing tags',
        response('<int>1</string>'),
        /not well-formed XML: found <\/string> where <\/int> was expected/,
      ],
      [
        'more than one param',
        `<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>`,
        /more than one <param>/,
      ],
      ['no param', '<methodResponse><params></params></methodResponse>', /<params> is empty/],
      [
        'both params and fault',
        `<methodResponse><params><param><value>1</value></param></params><fault/></methodResponse>`,
        /more than one <params> or <fault>/,
      ],
      [
        'two values in one <value>',
        response('<int>1</int><int>2</int>'),
        /<value> holds more than one value/,
      ],
      ['text mixed with a typed value', response('x<int>1</int>'), /<value> mixes text with <int>/],
      ['text in a struct', response('<struct>oops</struct>'), /<struct> contains text/],
      [
        'a member without a value',
        response(`<struct><member><name>a</name></member></struct>`),
        /lacks its <name> or <value>/,
      ],
      [
        'a member with the value first',
        response(`<struct><member><value>1</value><name>a</name></member></struct>`),
        /<member> holds <value> where <name> then <value> belong/,
      ],
      ['an array without data', response('<array></array>'), /<array> has no <data>/],
      [
        'a boolean other than 0 or 1',
        response('<boolean>true</boolean>'),
        /<boolean> holds "true"; only 0 and 1 are allowed/,
      ],
      ['a boolean with spaces', response('<boolean> 1</boolean>'), /only 0 and 1 are allowed/],
      ['a bad int', response('<int>12a</int>'), /<int> holds "12a", which is not an integer/],
      ['an empty int', response('<int/>'), /<int> holds "", which is not an integer/],
      [
        'a bad double',
        response('<double>1.2.3</double>'),
        /<double> holds "1.2.3", which is not a number/,
      ],
      ['a hex double', response('<double>0x10</double>'), /which is not a number/],
      [
        'bad base64',
        response('<base64>a*bc</base64>'),
        /<base64> holds characters or padding that are not base64/,
      ],
      [
        'an impossible date',
        response('<dateTime.iso8601>20300230T00:00:00</dateTime.iso8601>'),
        /which is not a valid date/,
      ],
      [
        'a date without time',
        response('<dateTime.iso8601>20300101</dateTime.iso8601>'),
        /which is not a date and time/,
      ],
      ['a non-empty nil', response('<nil>x</nil>'), /<nil> is not empty/],
      [
        'attributes',
        '<methodResponse xmlns="urn:x"><params/></methodResponse>',
        /<methodResponse> has attributes/,
      ],
      [
        'a fault without faultString',
        faultResponse('<int>1</int>', 'x')
          .toString()
          .replace(/faultString/, 'message'),
        /not a struct with faultCode and faultString/,
      ],
      [
        'a fault that is not a struct',
        '<methodResponse><fault><value>x</value></fault></methodResponse>',
        /not a struct with faultCode and faultString/,
      ],
      [
        'a non-UTF-8 encoding declaration',
        '<?xml version="1.0" encoding="ISO-8859-1"?><methodResponse/>',
        /declares the encoding ISO-8859-1; only UTF-8 is supported/,
      ],
      [
        'a late <?xml?> declaration',
        '<!-- x --><?xml version="1.0"?><methodResponse/>',
        /declaration is not at the start/,
      ],
      ['"--" inside a comment', response('<!-- a -- b --><int>1</int>'), /a comment contains "--"/],
      [
        'a tag that never ends',
        `<methodResponse${' '.repeat(5000)}`,
        /a tag or declaration is too long/,
      ],
      [
        'nesting deeper than 1000 elements',
        response('<array><data><value>'.repeat(400)),
        /nested more than 1000 elements deep/,
      ],
    ];

    for (const [name, body, message] of refusals) {
      it(name, function () {
        const buffer = Buffer.from(body);
        const result = assertSameInAnyPieces(buffer, 10);
        assert.ok('error' in result, 'expected an XmlRpcFormatError');
        assert.match(result.error, message);
        assert.ok(result.error.length < 200, `message too long: ${result.error}`);
      });
    }

    it('refuses every truncation of a valid answer', function () {
      const body = response(
        `<struct>${member('name', '<string>Ünïcödé &amp; <![CDATA[x]]></string>')}${member('ids', '<array><data><value><int>1</int></value></data></array>')}</struct>`,
      );
      const rootEnd = body.lastIndexOf('</methodResponse>') + '</methodResponse>'.length;
      for (let length = 0; length < rootEnd; length++) {
        const result = decode(body.subarray(0, length));
        assert.ok('error' in result, `a body cut to ${length} bytes was accepted`);
        assert.match(result.error, /truncated|empty|UTF-8/);
      }
    });

    it('quotes at most 60 characters of the body', function () {
      const message = refusal(`<html>${'<p>secret</p>'.repeat(1000)}</html>`);
      const quoted = /\(it begins (".*")\)$/.exec(message);
      assert.ok(quoted);
      assert.equal((JSON.parse(quoted[1]) as string).length, 60);
      assert.ok(refusal(response(`<int>${'1'.repeat(10000)}x</int>`)).length < 120);
    });
  });

  describe('streams', function () {
    it('throws from write() as soon as the input is known to be bad', function () {
      const decoder = new XmlRpcDecoder();
      decoder.write(Buffer.from("<?xml version='1.0'?>\n<methodResponse>\n<params>"));
      assert.throws(() => decoder.write(Buffer.from('<!DOCTYPE x>')), XmlRpcFormatError);
    });

    it('throws from write() on a proxy page once 60 characters are there to quote', function () {
      const decoder = new XmlRpcDecoder();
      decoder.write(Buffer.from('<html><head>'));
      assert.throws(() => decoder.write(Buffer.from(`<title>502</title>${' '.repeat(60)}`)), {
        name: 'XmlRpcFormatError',
        message: /found <html>/,
      });
    });

    it('keeps throwing the same error after a refusal', function () {
      const decoder = new XmlRpcDecoder();
      let first: unknown;
      try {
        decoder.write(Buffer.from('<methodResponse><bogus>'));
      } catch (error) {
        first = error;
      }
      assert.ok(first instanceof XmlRpcFormatError);
      assert.throws(
        () => decoder.write(Buffer.from('x')),
        (error) => error === first,
      );
      assert.throws(
        () => decoder.end(),
        (error) => error === first,
      );
    });

    it('refuses to be used after end()', function () {
      const decoder = new XmlRpcDecoder();
      decoder.write(response('<int>1</int>'));
      assert.deepStrictEqual(decoder.end(), { kind: 'value', value: 1 });
      assert.throws(() => decoder.write(Buffer.from(' ')), /after end\(\)/);
    });

    it('decodeXmlRpcResponse yields to the event loop between megabytes', async function () {
      const body = response(`<string>${'x'.repeat(3 * 1024 * 1024)}</string>`);
      let turns = 0;
      const counting = setInterval(() => turns++, 0);
      try {
        const outcome = await decodeXmlRpcResponse(body);
        assert.equal((outcome as { value: string }).value.length, 3 * 1024 * 1024);
      } finally {
        clearInterval(counting);
      }
      assert.ok(turns >= 2, `the event loop ran ${turns} times`);
    });

    it('rejects with XmlRpcFormatError from decodeXmlRpcResponse', async function () {
      await assert.rejects(decodeXmlRpcResponse(Buffer.alloc(0)), {
        name: 'XmlRpcFormatError',
        message: 'the answer is empty',
      });
    });
  });

  describe('never throws anything but XmlRpcFormatError', function () {
    const seeds = [
      response(
        `<struct>${member('a&amp;b', '<array><data><value><i8>9007199254740993</i8></value><value><double>-inf</double></value><value><base64>aGk=</base64></value></data></array>')}${member('d', '<dateTime.iso8601>20300101T00:00:00</dateTime.iso8601>')}${member('s', 'Ünï <![CDATA[x]]> <!-- c --> &#x1F600;')}</struct>`,
      ),
      faultResponse('<int>1</int>', 'Traceback\n  File "x", line 1\nValueError: bad'),
      Buffer.from(fixture('xmlrpc-object-search_read-sale-orders.json').response.body),
    ];
    const alphabet = Buffer.from('<>/&;![]-?"\' \n\r\x00\xff');

    it('on random truncations, byte flips and insertions, fed in random pieces', function () {
      const random = randomGenerator(20261126);
      let values = 0;
      let refusals = 0;
      for (let round = 0; round < 3000; round++) {
        const seed = seeds[round % seeds.length];
        let body = Buffer.from(
          seed.subarray(0, random(5) === 0 ? random(seed.length) : seed.length),
        );
        for (let flips = random(4); flips > 0 && body.length > 0; flips--) {
          const at = random(body.length);
          const byte = random(2) === 0 ? alphabet[random(alphabet.length)] : random(256);
          if (random(2) === 0) body[at] = byte;
          else body = Buffer.concat([body.subarray(0, at), Buffer.from([byte]), body.subarray(at)]);
        }
        const pieces = cutAt(body, randomCuts(body.length, random(6), random));
        const result = decodePieces(pieces);
        if ('outcome' in result) values++;
        else refusals++;
      }
      assert.ok(values > 0 && refusals > 0, `${values} values, ${refusals} refusals`);
    });
  });
});
