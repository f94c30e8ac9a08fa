/**
 * XML-RPC wire format as Odoo speaks it: requests are parsed with the `xmlrpc` package's
 * Deserializer (adjusted where Python's parser differs), answers are written exactly like
 * Python's `xmlrpc.client.dumps(..., methodresponse=1, allow_none=False)` behind Odoo's marshaller.
 */
import { Readable } from 'stream';
import { XmlRpcDecoder } from '../../nodes/lib/xmlrpc-decoder';
import { Double, FRAMES, PythonError, XmlRpcDateTime, pyFloatRepr } from './faults';

interface DeserializerInstance {
  deserializeMethodCall(
    stream: Readable,
    callback: (error: Error | null, method?: string, params?: unknown[]) => void,
  ): void;
  push(value: unknown): void;
  value: boolean;
  endI8(data: string): void;
  endDateTime(data: string): void;
}

// The package ships no typings for its internal modules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Deserializer = require('xmlrpc/lib/deserializer') as new (
  encoding?: string,
) => DeserializerInstance;

/** The characters XML 1.0 forbids (all C0 controls but tab, LF and CR). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\x00-\x08\x0b\x0c\x0e-\x1f]/g;
const HAS_CONTROL_CHARACTER = new RegExp(CONTROL_CHARACTERS.source);

export interface MethodCall {
  method: string;
  params: unknown[];
}

function expatError(message: string): PythonError {
  return new PythonError('xml.parsers.expat.ExpatError', message, [
    ...FRAMES.loads(),
    {
      file: '/usr/lib/python3.11/xmlrpc/client.py',
      line: 451,
      func: 'feed',
      code: 'self._parser.Parse(data, False)',
    },
  ]);
}

/** The error Python's `xmlrpc.client.loads` would raise for a body the Deserializer rejects. */
function parseFailure(body: string, error: Error): PythonError {
  const text = body.replace(/^\uFEFF/, '');
  if (text.trim() === '') return expatError('no element found: line 1, column 0');
  if (!text.trimStart().startsWith('<')) return expatError('syntax error: line 1, column 0');
  const position = /Line: (\d+)\s*Column: (\d+)/.exec(error.message);
  if (position) {
    return expatError(
      `not well-formed (invalid token): line ${Number(position[1]) + 1}, column ${position[2]}`,
    );
  }
  if (
    /^Invalid XML-RPC message|^Not a method call|did not contain a method name/.test(error.message)
  ) {
    return new PythonError('xmlrpc.client.ResponseError', 'ResponseError()', FRAMES.loads());
  }
  return new PythonError('ValueError', error.message, FRAMES.loads());
}

/** Feeds the parser in pieces: sax handles one huge string far more slowly. */
function chunks(text: string, size = 65536): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size)
    pieces.push(text.slice(start, start + size));
  return pieces.length ? pieces : [''];
}

const PLAIN_CALL =
  /^(?:<\?xml[^>]*>)?\s*<methodCall>\s*<methodName>([A-Za-z0-9_.]+)<\/methodName>\s*<params>([\s\S]*)<\/params>\s*<\/methodCall>\s*$/;
const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/g;
/** A tag other than those of plain values. */
const OTHER_TAG =
  /<(?!\/?(?:param|value|string|int|i4|boolean|double|array|data|struct|member|name)[\s/>])/;
/** Integers of 16 digits or more: the Deserializer rounds them, the package's decoder does not. */
const LONG_INTEGER = /<(?:int|i4)>\s*[+-]?\d{16}/;

/**
 * The common request, read fast (bulk creates would spend most of their time in sax otherwise):
 * plain values only (strings, CDATA included, integers, booleans, doubles, arrays, structs), read
 * by the package's own XML-RPC decoder. Anything else, or anything it refuses, gives undefined
 * and takes the Deserializer path, which reproduces Python's errors and types.
 */
export function parsePlainMethodCall(text: string): MethodCall | undefined {
  const call = PLAIN_CALL.exec(text);
  if (!call || LONG_INTEGER.test(call[2])) return undefined;
  const markup = call[2].includes('<![CDATA[')
    ? call[2].replace(CDATA, (section) => (section.includes('param>') ? '<!' : ''))
    : call[2];
  if (OTHER_TAG.test(markup)) return undefined;
  const params = markup.match(/<param>/g)?.length ?? 0;
  const values = call[2].replace(/<\/?param>/g, '');
  const decoder = new XmlRpcDecoder();
  try {
    decoder.write(
      Buffer.from(
        `<methodResponse><params><param><value><array><data>${values}</data></array></value></param></params></methodResponse>`,
      ),
    );
    const outcome = decoder.end();
    const decoded = outcome.kind === 'value' ? (outcome.value as unknown[]) : [];
    return decoded.length === params ? { method: call[1], params: decoded } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses a `<methodCall>` body. `<i8>` becomes a number (the Deserializer leaves it a string)
 * and `<dateTime.iso8601>` an XmlRpcDateTime, which is what Odoo's ORM receives.
 */
export function parseMethodCall(body: Buffer): Promise<MethodCall> {
  const text = body.toString('utf8');
  const control = HAS_CONTROL_CHARACTER.exec(text);
  if (control) {
    // Expat refuses characters that XML 1.0 does not allow, even as they stand in a string.
    const before = text.slice(0, control.index);
    const line = before.split('\n').length;
    const column = control.index - (before.lastIndexOf('\n') + 1);
    return Promise.reject(
      expatError(`not well-formed (invalid token): line ${line}, column ${column}`),
    );
  }
  const plain = parsePlainMethodCall(text);
  if (plain) return Promise.resolve(plain);
  return new Promise((resolve, reject) => {
    const deserializer = new Deserializer('utf8');
    deserializer.endI8 = function (this: DeserializerInstance, data: string) {
      if (!/^\s*[+-]?\d+\s*$/.test(data)) throw new Error(`Expected an integer but got '${data}'`);
      this.push(Number(data));
      this.value = false;
    };
    deserializer.endDateTime = function (this: DeserializerInstance, data: string) {
      this.push(new XmlRpcDateTime(data));
      this.value = false;
    };
    let settled = false;
    deserializer.deserializeMethodCall(Readable.from(chunks(text)), (error, method, params) => {
      if (settled) return;
      settled = true;
      if (error || method === undefined)
        reject(parseFailure(text, error ?? new Error('no method')));
      else resolve({ method, params: params ?? [] });
    });
  });
}

export type Flavor = 'python' | 'odoo18';

const XML_SPECIAL = /[&<>]/;

function escapeText(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function marshalError(
  pyClass: string,
  message: string,
  dumpFunction: string,
  code: string,
): PythonError {
  return new PythonError(pyClass, message, [
    ...FRAMES.dumps(),
    { file: '/usr/lib/python3.11/xmlrpc/client.py', line: 540, func: dumpFunction, code },
  ]);
}

export interface MarshalOptions {
  /** Odoo 17+ strips control characters (except tab, LF, CR) from every string. */
  stripControlCharacters: boolean;
}

class Marshaller {
  /** The document so far; V8 joins appended strings lazily, faster than an array of pieces. */
  text = '';

  constructor(private readonly options: MarshalOptions) {}

  string(text: string): void {
    const strip = this.options.stripControlCharacters && HAS_CONTROL_CHARACTER.test(text);
    const clean = strip ? text.replace(CONTROL_CHARACTERS, '') : text;
    this.text += '<value><string>' + escapeText(clean) + '</string></value>\n';
  }

  dump(value: unknown): void {
    switch (typeof value) {
      case 'boolean':
        this.text += value
          ? '<value><boolean>1</boolean></value>\n'
          : '<value><boolean>0</boolean></value>\n';
        return;
      case 'number':
        if (Number.isInteger(value)) this.integer(value);
        else this.text += '<value><double>' + pyFloatRepr(value) + '</double></value>\n';
        return;
      case 'bigint':
        this.integer(Number(value));
        return;
      case 'string':
        this.string(value);
        return;
      case 'undefined':
        throw this.none();
      case 'object':
        if (value === null) throw this.none();
        this.object(value);
        return;
      default:
        throw marshalError(
          'TypeError',
          `cannot marshal ${typeof value} objects`,
          'dump',
          'raise TypeError',
        );
    }
  }

  private none(): PythonError {
    return marshalError(
      'TypeError',
      'cannot marshal None unless allow_none is enabled',
      'dump_nil',
      'raise TypeError("cannot marshal None unless allow_none is enabled")',
    );
  }

  private integer(value: number): void {
    if (value > 2147483647 || value < -2147483648) {
      throw marshalError(
        'OverflowError',
        'int exceeds XML-RPC limits',
        'dump_long',
        'raise OverflowError("int exceeds XML-RPC limits")',
      );
    }
    this.text += '<value><int>' + String(value) + '</int></value>\n';
  }

  private object(value: object): void {
    if (value instanceof Double) {
      this.text += '<value><double>' + pyFloatRepr(value.value) + '</double></value>\n';
    } else if (Array.isArray(value)) {
      this.text += '<value><array><data>\n';
      for (const item of value) this.dump(item);
      this.text += '</data></array></value>\n';
    } else if (Buffer.isBuffer(value)) {
      this.string(value.toString('utf8'));
    } else if (value instanceof XmlRpcDateTime) {
      this.string(value.toServerString() ?? value.raw);
    } else {
      this.text += '<value><struct>\n';
      for (const [key, item] of Object.entries(value)) {
        this.text += '<member>\n<name>' + escapeText(key) + '</name>\n';
        this.dump(item);
        this.text += '</member>\n';
      }
      this.text += '</struct></value>\n';
    }
  }
}

function frame(flavor: Flavor, body: string): string {
  return flavor === 'python'
    ? `<?xml version='1.0'?>\n<methodResponse>\n${body}</methodResponse>\n`
    : `<?xml version="1.0"?>\n<methodResponse>\n${body}\n</methodResponse>\n`;
}

/** A successful answer; throws the fault-1 PythonError that Python's marshaller would raise. */
export function serializeResponse(value: unknown, flavor: Flavor, options: MarshalOptions): string {
  const marshaller = new Marshaller(options);
  marshaller.text += '<params>\n<param>\n';
  marshaller.dump(value);
  marshaller.text += '</param>\n</params>\n';
  return frame(flavor, marshaller.text);
}

export function serializeFault(
  code: number | string,
  message: string,
  flavor: Flavor,
  options: MarshalOptions,
): string {
  const marshaller = new Marshaller(options);
  marshaller.text += '<fault>\n';
  marshaller.dump({ faultCode: code, faultString: message });
  marshaller.text += '</fault>\n';
  return frame(flavor, marshaller.text);
}
