/**
 * A streaming, strict decoder for XML-RPC `methodResponse` documents, in two layers: the XML
 * scanner (`xml-scanner.ts`) reads the bytes, and the value builder here gives the elements their
 * XML-RPC meaning: where each may stand, the scalar types, arrays, structs and faults.
 *
 * It replaces the `xmlrpc` package's sax-based deserializer. Values are built on explicit stacks
 * (no recursion, so deep nesting cannot overflow the call stack).
 */
import { setOwn } from './objects';
import {
  ElementNames,
  NO_PARENT,
  XmlRpcFormatError,
  XmlScanner,
  invalidXmlRpc,
  isBlank,
  isXmlWhitespace,
  type ElementHandler,
} from './xml-scanner';

export { XmlRpcFormatError };

export type XmlRpcOutcome =
  { kind: 'value'; value: unknown } | { kind: 'fault'; faultCode: unknown; faultString: string };

// Element codes, indexes into XML_RPC_ELEMENTS. The order matters: every code from `Array` on is
// a typed value allowed directly inside <value>, and `Name` plus every code from `Int` on holds
// text only.
const enum Element {
  MethodResponse,
  Params,
  Param,
  Fault,
  Data,
  Member,
  Value,
  Name,
  Array,
  Struct,
  Int,
  I4,
  I8,
  Boolean,
  Double,
  String,
  Base64,
  DateTime,
  Nil,
}

const ELEMENT_NAMES = [
  'methodResponse',
  'params',
  'param',
  'fault',
  'data',
  'member',
  'value',
  'name',
  'array',
  'struct',
  'int',
  'i4',
  'i8',
  'boolean',
  'double',
  'string',
  'base64',
  'dateTime.iso8601',
  'nil',
];

const XML_RPC_ELEMENTS = new ElementNames(ELEMENT_NAMES, Element.MethodResponse);

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const DIGIT_ZERO = 48;
const DIGIT_ONE = 49;
const DIGIT_NINE = 57;

function isDigit(code: number): boolean {
  return code >= DIGIT_ZERO && code <= DIGIT_NINE;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function trimStart(text: string, start: number, end: number): number {
  while (start < end && isXmlWhitespace(text.charCodeAt(start))) start++;
  return start;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isXmlWhitespace(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * V8 returns substrings of 13 characters or more as views that keep the whole parent string
 * alive, here a decoded chunk of the body. Prepending a character and slicing it off again makes
 * V8 copy the text into a string of its own, so decoded values do not pin the body in memory
 * (and the garbage collector has less to move, which also makes decoding faster).
 */
const SHORTEST_SHARED_SUBSTRING = 13;

function detachFromBody(text: string): string {
  return text.length < SHORTEST_SHARED_SUBSTRING ? text : ` ${text}`.slice(1);
}

/** Numbers within ±(2^53 - 1) become numbers; larger ones keep their exact decimal string. */
function parseInteger(text: string, start: number, end: number, element: Element): number | string {
  const first = trimStart(text, start, end);
  const last = trimEnd(text, first, end);
  const sign = text.charCodeAt(first);
  const negative = sign === MINUS;
  const digitsStart = negative || sign === PLUS ? first + 1 : first;
  let value = 0;
  for (let i = digitsStart; i < last; i++) {
    const code = text.charCodeAt(i);
    value = isDigit(code) ? value * 10 + (code - DIGIT_ZERO) : NaN;
  }
  if (digitsStart === last || Number.isNaN(value)) {
    const shown = quoted(text.slice(start, end));
    invalidXmlRpc(`<${ELEMENT_NAMES[element]}> holds ${shown}, which is not an integer`);
  }
  if (Number.isSafeInteger(value)) return negative && value !== 0 ? -value : value;
  let significant = digitsStart;
  while (significant < last - 1 && text.charCodeAt(significant) === DIGIT_ZERO) significant++;
  return detachFromBody((negative ? '-' : '') + text.slice(significant, last));
}

function parseBoolean(text: string, start: number, end: number): boolean {
  const digit = end - start === 1 ? text.charCodeAt(start) : NaN;
  if (digit === DIGIT_ONE) return true;
  if (digit === DIGIT_ZERO) return false;
  const shown = quoted(text.slice(start, end));
  return invalidXmlRpc(`<boolean> holds ${shown}; only 0 and 1 are allowed`);
}

/** Accepts what Python's float() reads from XML-RPC peers: decimals, exponents, inf and nan. */
function parseDouble(text: string, start: number, end: number): number {
  const first = trimStart(text, start, end);
  const last = trimEnd(text, first, end);
  const sign = text.charCodeAt(first);
  let i = sign === PLUS || sign === MINUS ? first + 1 : first;
  const integerStart = i;
  while (i < last && isDigit(text.charCodeAt(i))) i++;
  let mantissaDigits = i - integerStart;
  if (i < last && text.charCodeAt(i) === DOT) {
    const fractionStart = ++i;
    while (i < last && isDigit(text.charCodeAt(i))) i++;
    mantissaDigits += i - fractionStart;
  }
  let valid = mantissaDigits > 0;
  if (valid && i < last && (text.charCodeAt(i) | 0x20) === 101) {
    i++; // past 'e' or 'E'
    const exponentSign = text.charCodeAt(i);
    if (exponentSign === PLUS || exponentSign === MINUS) i++;
    const exponentStart = i;
    while (i < last && isDigit(text.charCodeAt(i))) i++;
    valid = i > exponentStart;
  }
  if (valid && i === last) return Number(text.slice(first, last));
  const word = text.slice(integerStart, last).toLowerCase();
  if (word === 'inf' || word === 'infinity') return sign === MINUS ? -Infinity : Infinity;
  if (word === 'nan') return NaN;
  return invalidXmlRpc(`<double> holds ${quoted(text.slice(start, end))}, which is not a number`);
}

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

function parseBase64(text: string): Buffer {
  const compact = isBlank(text) ? '' : text.replace(/[ \t\n\r]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64_TEXT.test(compact)) {
    invalidXmlRpc('<base64> holds characters or padding that are not base64');
  }
  return Buffer.from(compact, 'base64');
}

const ISO8601_DATE_TIME =
  /^(\d{4})(-?)(\d{2})\2(\d{2})T(\d{2})(:?)(\d{2})\6(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** `20300101T00:00:00` (dashes and colons optional); without a zone it is read as UTC. */
function parseDateTime(text: string): Date {
  const parts = ISO8601_DATE_TIME.exec(text.trim());
  const shown = quoted(text);
  if (parts === null)
    invalidXmlRpc(`<dateTime.iso8601> holds ${shown}, which is not a date and time`);
  const [, year, , month, day, hour, , minute, second, fraction = '', zone = 'Z'] = parts;
  const milliseconds = Number(fraction.padEnd(3, '0').slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), milliseconds);
  const fieldsInRange =
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day) &&
    date.getUTCHours() === Number(hour) &&
    date.getUTCMinutes() === Number(minute) &&
    date.getUTCSeconds() === Number(second);
  if (!fieldsInRange) invalidXmlRpc(`<dateTime.iso8601> holds ${shown}, which is not a valid date`);
  if (zone !== 'Z') {
    const offset = zone.replace(':', '');
    const offsetMinutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3) || 0);
    date.setTime(date.getTime() - (zone[0] === '-' ? -offsetMinutes : offsetMinutes) * 60_000);
  }
  return date;
}

type Struct = Record<string, unknown>;

/** Member names repeat in every row; reusing one string per name saves allocations. */
const MEMBER_NAME_CACHE_SIZE = 64;

/** The XML-RPC layer: checks where each element stands and builds the answer's value. */
class XmlRpcValueBuilder implements ElementHandler {
  outcome: XmlRpcOutcome | undefined;
  private readonly containers: (unknown[] | Struct)[] = [];
  private readonly memberNames: string[] = [];
  private readonly recentMemberNames: string[] = new Array<string>(MEMBER_NAME_CACHE_SIZE).fill('');
  /** The typed value that just closed, waiting for its <value> to close. */
  private completedValue: unknown = undefined;
  private hasCompletedValue = false;
  private responseValue: unknown = undefined;
  private isFault = false;

  acceptsText(element: Element): boolean {
    if (element === Element.Value) return !this.hasCompletedValue;
    return element === Element.Name || element >= Element.Int;
  }

  open(
    element: Element,
    parent: Element | typeof NO_PARENT,
    siblings: number,
    afterText: boolean,
  ): void {
    const name = ELEMENT_NAMES[element];
    switch (parent) {
      case NO_PARENT:
        return;
      case Element.MethodResponse:
        if (element !== Element.Params && element !== Element.Fault) break;
        if (siblings > 0) invalidXmlRpc('<methodResponse> holds more than one <params> or <fault>');
        this.isFault = element === Element.Fault;
        return;
      case Element.Params:
        if (element !== Element.Param) break;
        if (siblings > 0)
          invalidXmlRpc('the answer has more than one <param>; expected exactly one');
        return;
      case Element.Param:
      case Element.Fault:
        if (element !== Element.Value) break;
        if (siblings > 0) invalidXmlRpc(`<${ELEMENT_NAMES[parent]}> holds more than one <value>`);
        return;
      case Element.Value:
        if (element < Element.Array) break;
        if (this.hasCompletedValue) invalidXmlRpc(`<value> holds more than one value`);
        if (afterText) invalidXmlRpc(`<value> mixes text with <${name}>`);
        if (element === Element.Array) this.containers.push([]);
        else if (element === Element.Struct) this.containers.push({});
        return;
      case Element.Array:
        if (element !== Element.Data) break;
        if (siblings > 0) invalidXmlRpc('<array> holds more than one <data>');
        return;
      case Element.Data:
        if (element === Element.Value) return;
        break;
      case Element.Struct:
        if (element === Element.Member) return;
        break;
      case Element.Member:
        if (siblings === 0 && element === Element.Name) return;
        if (siblings === 1 && element === Element.Value) return;
        if (siblings < 2)
          invalidXmlRpc(`<member> holds <${name}> where <name> then <value> belong`);
        invalidXmlRpc('<member> holds more than one <name> and <value>');
    }
    invalidXmlRpc(`<${name}> is not allowed inside <${ELEMENT_NAMES[parent]}>`);
  }

  close(
    element: Element,
    parent: Element | typeof NO_PARENT,
    children: number,
    source: string,
    start: number,
    end: number,
  ): void {
    switch (element) {
      case Element.Value: {
        const value = this.hasCompletedValue
          ? this.completedValue
          : detachFromBody(source.slice(start, end));
        this.completedValue = undefined;
        this.hasCompletedValue = false;
        this.deliverValue(parent, value);
        break;
      }
      case Element.Name:
        this.memberNames.push(this.memberName(source, start, end));
        break;
      case Element.Int:
      case Element.I4:
      case Element.I8:
        this.complete(parseInteger(source, start, end, element));
        break;
      case Element.String:
        this.complete(detachFromBody(source.slice(start, end)));
        break;
      case Element.Boolean:
        this.complete(parseBoolean(source, start, end));
        break;
      case Element.Double:
        this.complete(parseDouble(source, start, end));
        break;
      case Element.Base64:
        this.complete(parseBase64(source.slice(start, end)));
        break;
      case Element.DateTime:
        this.complete(parseDateTime(source.slice(start, end)));
        break;
      case Element.Nil:
        if (!isBlank(source, start, end)) invalidXmlRpc('<nil> is not empty');
        this.complete(null);
        break;
      case Element.Array:
        if (children === 0) invalidXmlRpc('<array> has no <data>');
        this.complete(this.containers.pop());
        break;
      case Element.Struct:
        this.complete(this.containers.pop());
        break;
      case Element.Member:
        if (children < 2) invalidXmlRpc('a struct <member> lacks its <name> or <value>');
        break;
      case Element.Param:
      case Element.Fault:
      case Element.Params:
        if (children === 0) invalidXmlRpc(`<${ELEMENT_NAMES[element]}> is empty`);
        break;
      case Element.MethodResponse:
        if (children === 0) invalidXmlRpc('<methodResponse> is empty');
        this.outcome = this.isFault
          ? faultOutcome(this.responseValue)
          : { kind: 'value', value: this.responseValue };
        break;
    }
  }

  private memberName(source: string, start: number, end: number): string {
    const length = end - start;
    if (length === 0) return '';
    const slot =
      (length * 31 + source.charCodeAt(start) * 7 + source.charCodeAt(end - 1)) &
      (MEMBER_NAME_CACHE_SIZE - 1);
    const cached = this.recentMemberNames[slot];
    if (cached.length === length && source.startsWith(cached, start)) return cached;
    const name = source.slice(start, end);
    this.recentMemberNames[slot] = name;
    return name;
  }

  private complete(value: unknown): void {
    this.completedValue = value;
    this.hasCompletedValue = true;
  }

  private deliverValue(parent: Element | typeof NO_PARENT, value: unknown): void {
    if (parent === Element.Data) {
      (this.containers[this.containers.length - 1] as unknown[]).push(value);
    } else if (parent === Element.Member) {
      const struct = this.containers[this.containers.length - 1] as Struct;
      const name = this.memberNames.pop() as string;
      setOwn(struct, name, value);
    } else {
      this.responseValue = value;
    }
  }
}

function faultOutcome(fault: unknown): XmlRpcOutcome {
  const isStruct =
    typeof fault === 'object' &&
    fault !== null &&
    Object.getPrototypeOf(fault) === Object.prototype;
  const members = isStruct ? (fault as Struct) : {};
  if (!Object.hasOwn(members, 'faultCode') || typeof members.faultString !== 'string') {
    invalidXmlRpc('the <fault> is not a struct with faultCode and faultString');
  }
  return { kind: 'fault', faultCode: members.faultCode, faultString: members.faultString };
}

/** Decodes one answer fed in chunks; every refusal is an XmlRpcFormatError, also on later calls. */
export class XmlRpcDecoder {
  private readonly values = new XmlRpcValueBuilder();
  private readonly scanner = new XmlScanner(XML_RPC_ELEMENTS, this.values);

  write(chunk: Buffer): void {
    this.scanner.write(chunk);
  }

  end(): XmlRpcOutcome {
    this.scanner.end();
    return this.values.outcome as XmlRpcOutcome;
  }
}

const YIELD_EVERY_BYTES = 1024 * 1024;

/** Decodes a whole body, yielding to the event loop every ~1 MB so the loop is never blocked long. */
export async function decodeXmlRpcResponse(body: Buffer): Promise<XmlRpcOutcome> {
  const decoder = new XmlRpcDecoder();
  for (let offset = 0; offset < body.length; offset += YIELD_EVERY_BYTES) {
    if (offset > 0) await new Promise((resolve) => setImmediate(resolve));
    decoder.write(body.subarray(offset, offset + YIELD_EVERY_BYTES));
  }
  return decoder.end();
}
