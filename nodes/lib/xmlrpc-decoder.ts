/**
 * A streaming, strict decoder for XML-RPC `methodResponse` documents.
 *
 * It replaces the `xmlrpc` package's sax-based deserializer: it scans the decoded text with
 * `indexOf`/`charCodeAt`, builds values on explicit stacks (no recursion, so deep nesting cannot
 * overflow the call stack), keeps only the unconsumed tail of the input between `write` calls,
 * and refuses anything that is not a well-formed XML-RPC answer (DOCTYPE and entity declarations
 * included, so nothing is ever expanded).
 */
import { TextDecoder } from 'node:util';
import { setOwn } from './objects';

export type XmlRpcOutcome =
  { kind: 'value'; value: unknown } | { kind: 'fault'; faultCode: unknown; faultString: string };

/**
 * Raised for anything that is not a well-formed XML-RPC methodResponse. The message is plain
 * English and quotes at most ~80 characters of the body.
 */
export class XmlRpcFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XmlRpcFormatError';
  }
}

/**
 * Internal verdict that the document is not XML-RPC at all. It becomes an XmlRpcFormatError once
 * enough of the body has arrived to quote its start, so the message never depends on chunking.
 */
class NotXmlRpcError extends Error {
  constructor(readonly found: string) {
    super(`found ${found}`);
  }
}

// Element codes. The order matters: every code from `Array` on is a typed value allowed directly
// inside <value>, and `Name` plus every code from `Int` on holds character data only.
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

const NO_PARENT = -1;
const LONGEST_ELEMENT_NAME = 16;
const MAX_ELEMENT_DEPTH = 1000;
/** An unfinished tag, processing instruction or declaration longer than this is refused. */
const MAX_MARKUP_LENGTH = 1024;
/** `&#x10FFFF;` is the longest reference worth reading. */
const MAX_ENTITY_LENGTH = 12;
const SNIPPET_LENGTH = 60;
const INCOMPLETE = -1;
const NOT_SEARCHED = -2;

const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const BANG = 33;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const SLASH = 47;
const DIGIT_ZERO = 48;
const DIGIT_ONE = 49;
const DIGIT_NINE = 57;
const GREATER_THAN = 62;
const QUESTION_MARK = 63;

/** Known elements by the first character of their name. */
const ELEMENTS_BY_FIRST_CHARACTER: Element[][] = Array.from({ length: 128 }, () => []);
for (const [element, name] of ELEMENT_NAMES.entries()) {
  ELEMENTS_BY_FIRST_CHARACTER[name.charCodeAt(0)].push(element);
}

function isXmlWhitespace(code: number): boolean {
  return code === SPACE || code === LINE_FEED || code === TAB || code === CARRIAGE_RETURN;
}

function endsTagName(code: number): boolean {
  return code === GREATER_THAN || code === SLASH || isXmlWhitespace(code);
}

/** The element whose complete name starts at `start`, or undefined (unknown or cut off). */
function matchElement(text: string, start: number): Element | undefined {
  const first = text.charCodeAt(start);
  if (!(first < 128)) return undefined;
  for (const element of ELEMENTS_BY_FIRST_CHARACTER[first]) {
    const name = ELEMENT_NAMES[element];
    if (text.startsWith(name, start) && endsTagName(text.charCodeAt(start + name.length))) {
      return element;
    }
  }
  return undefined;
}

function isBlank(text: string, start = 0, end = text.length): boolean {
  for (let i = start; i < end; i++) {
    if (!isXmlWhitespace(text.charCodeAt(i))) return false;
  }
  return true;
}

function skipWhitespace(text: string, position: number): number {
  while (position < text.length && isXmlWhitespace(text.charCodeAt(position))) position++;
  return position;
}

/** Index of the first character that cannot belong to a tag name (or the text length). */
function scanName(text: string, start: number): number {
  let i = start;
  while (i < text.length && !endsTagName(text.charCodeAt(i))) i++;
  return i;
}

function isDigit(code: number): boolean {
  return code >= DIGIT_ZERO && code <= DIGIT_NINE;
}

function fail(message: string): never {
  throw new XmlRpcFormatError(message);
}

function invalid(detail: string): never {
  fail(`the answer is not valid XML-RPC: ${detail}`);
}

function malformed(detail: string): never {
  fail(`the answer is not well-formed XML: ${detail}`);
}

/** Characters XML 1.0 does not allow anywhere (Odoo removes them from what it sends). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function failForbiddenCharacter(character: string): never {
  const code = character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return malformed(`it holds the character U+${code}, which XML does not allow`);
}

function failTrailingContent(): never {
  fail('the answer has unexpected content after </methodResponse>');
}

function notXmlRpcMessage(found: string, bodyStart: string): string {
  const begins = bodyStart === '' ? '' : ` (it begins ${JSON.stringify(bodyStart)})`;
  return `the answer is not XML-RPC: found ${found} where <methodResponse> was expected${begins}`;
}

/** Shows a name taken from the body, cut so that a message never quotes much of it. */
function shownName(name: string): string {
  return name.length > LONGEST_ELEMENT_NAME ? `${name.slice(0, LONGEST_ELEMENT_NAME)}…` : name;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function decodeCharacterReference(reference: string): string {
  const hex = reference.charCodeAt(1) === 120; // 'x'
  const digits = reference.slice(hex ? 2 : 1);
  const valid = hex ? /^[0-9a-fA-F]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
  const codePoint = valid ? parseInt(digits, hex ? 16 : 10) : -1;
  const isXmlCharacter =
    codePoint === TAB ||
    codePoint === LINE_FEED ||
    codePoint === CARRIAGE_RETURN ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff);
  if (!isXmlCharacter) malformed(`&${reference}; is not a valid character reference`);
  return String.fromCodePoint(codePoint);
}

function decodeEntity(name: string): string {
  switch (name) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    default:
      if (name.charCodeAt(0) === 35) return decodeCharacterReference(name); // '#'
      return fail(`the answer uses the unknown entity &${name};, which is refused`);
  }
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
    invalid(`<${ELEMENT_NAMES[element]}> holds ${shown}, which is not an integer`);
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
  return invalid(`<boolean> holds ${shown}; only 0 and 1 are allowed`);
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
  return invalid(`<double> holds ${quoted(text.slice(start, end))}, which is not a number`);
}

const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

function parseBase64(text: string): Buffer {
  const compact = isBlank(text) ? '' : text.replace(/[ \t\n\r]+/g, '');
  if (compact.length % 4 !== 0 || !BASE64_TEXT.test(compact)) {
    invalid('<base64> holds characters or padding that are not base64');
  }
  return Buffer.from(compact, 'base64');
}

const ISO8601_DATE_TIME =
  /^(\d{4})(-?)(\d{2})\2(\d{2})T(\d{2})(:?)(\d{2})\6(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** `20300101T00:00:00` (dashes and colons optional); without a zone it is read as UTC. */
function parseDateTime(text: string): Date {
  const parts = ISO8601_DATE_TIME.exec(text.trim());
  const shown = quoted(text);
  if (parts === null) invalid(`<dateTime.iso8601> holds ${shown}, which is not a date and time`);
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
  if (!fieldsInRange) invalid(`<dateTime.iso8601> holds ${shown}, which is not a valid date`);
  if (zone !== 'Z') {
    const offset = zone.replace(':', '');
    const offsetMinutes = Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3) || 0);
    date.setTime(date.getTime() - (zone[0] === '-' ? -offsetMinutes : offsetMinutes) * 60_000);
  }
  return date;
}

const XML_DECLARATION =
  /^<\?xml\s+version\s*=\s*(['"])1\.\d+\1(?:\s+encoding\s*=\s*(['"])([A-Za-z][\w.-]*)\2)?(?:\s+standalone\s*=\s*(['"])(?:yes|no)\4)?\s*\?>$/;
const UTF8_COMPATIBLE_ENCODINGS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

function checkXmlDeclaration(declaration: string): void {
  const parts = XML_DECLARATION.exec(declaration);
  if (parts === null) malformed('the <?xml ...?> declaration is malformed');
  const encoding = parts[3];
  if (encoding !== undefined && !UTF8_COMPATIBLE_ENCODINGS.has(encoding.toLowerCase())) {
    fail(`the answer declares the encoding ${shownName(encoding)}; only UTF-8 is supported`);
  }
}

/**
 * Where to resume inside an unfinished comment or CDATA section: the last two characters are
 * kept because they may begin the "-->" or "]]>" that the next chunk completes.
 */
function keepSectionTail(position: number, length: number): number {
  return Math.max(position, length - 2);
}

const enum Section {
  Content,
  Comment,
  CData,
}

const enum Stage {
  BeforeRoot,
  InRoot,
  AfterRoot,
}

type Struct = Record<string, unknown>;

/** Member names repeat in every row; reusing one string per name saves allocations. */
const MEMBER_NAME_CACHE_SIZE = 64;

export class XmlRpcDecoder {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  /** Decoded text not consumed yet: everything from the start of an incomplete token. */
  private buffer = '';
  /** Position of the next '&' in `buffer` at or after the scan position, or -1 for none. */
  private nextAmpersand = NOT_SEARCHED;
  private previousChunkEndedInCarriageReturn = false;
  private section = Section.Content;
  private stage = Stage.BeforeRoot;
  private sawMarkup = false;
  private bodyStart = '';

  private readonly openElements: Element[] = [];
  private readonly childCounts: number[] = [];
  private readonly containers: (unknown[] | Struct)[] = [];
  private readonly memberNames: string[] = [];
  private readonly recentMemberNames: string[] = new Array<string>(MEMBER_NAME_CACHE_SIZE).fill('');
  /**
   * Character data of the innermost <value>, <name> or scalar element. While it is one piece of
   * `buffer` without entity references it stays there, as [textStart, textEnd), unsliced.
   */
  private characterData = '';
  private textStart = -1;
  private textEnd = -1;
  /** The typed value that just closed, waiting for its <value> to close. */
  private completedValue: unknown = undefined;
  private hasCompletedValue = false;
  private responseValue: unknown = undefined;
  private isFault = false;

  private outcome: XmlRpcOutcome | undefined;
  private failure: XmlRpcFormatError | undefined;
  /** A not-XML-RPC verdict waiting for enough of the body to quote its start. */
  private pendingNotXmlRpc: NotXmlRpcError | undefined;
  private ended = false;

  write(chunk: Buffer): void {
    if (this.ended) throw new Error('XmlRpcDecoder.write() was called after end()');
    this.run(() => this.consume(this.decodeUtf8(chunk, true)));
  }

  end(): XmlRpcOutcome {
    if (this.ended) throw new Error('XmlRpcDecoder.end() was called twice');
    this.ended = true;
    this.run(() => {
      this.consume(this.decodeUtf8(undefined, false));
      if (this.pendingNotXmlRpc === undefined) this.finish();
    });
    return this.outcome as XmlRpcOutcome;
  }

  /** Runs one step; every failure becomes an XmlRpcFormatError that later calls throw again. */
  private run(step: () => void): void {
    if (this.failure !== undefined) throw this.failure;
    try {
      step();
    } catch (error) {
      if (!(error instanceof NotXmlRpcError)) {
        this.failure = asFormatError(error);
        throw this.failure;
      }
      this.pendingNotXmlRpc = error;
    }
    const verdict = this.pendingNotXmlRpc;
    if (verdict !== undefined && (this.ended || this.bodyStart.length >= SNIPPET_LENGTH)) {
      this.failure = new XmlRpcFormatError(notXmlRpcMessage(verdict.found, this.bodyStart));
      throw this.failure;
    }
  }

  private decodeUtf8(chunk: Buffer | undefined, stream: boolean): string {
    let text: string;
    try {
      text = this.utf8.decode(chunk, { stream });
    } catch (error) {
      const detail = stream ? '' : ' (it ends in the middle of a character)';
      throw new XmlRpcFormatError(`the answer is not valid UTF-8${detail}`, { cause: error });
    }
    return this.normalizeLineEnds(text);
  }

  /** XML reads "\r\n" and a lone "\r" as "\n", also when a chunk boundary splits "\r\n". */
  private normalizeLineEnds(text: string): string {
    if (text === '') return text;
    if (this.previousChunkEndedInCarriageReturn && text.charCodeAt(0) === LINE_FEED) {
      text = text.slice(1);
    }
    this.previousChunkEndedInCarriageReturn = text.charCodeAt(text.length - 1) === CARRIAGE_RETURN;
    return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
  }

  private consume(text: string): void {
    if (this.bodyStart.length < SNIPPET_LENGTH) {
      this.bodyStart += text.slice(0, SNIPPET_LENGTH - this.bodyStart.length);
    }
    if (text === '' || this.pendingNotXmlRpc !== undefined) return;
    const forbidden = NOT_XML_CHARACTER.exec(text);
    if (forbidden) failForbiddenCharacter(forbidden[0]);
    this.buffer = this.buffer === '' ? text : this.buffer + text;
    this.nextAmpersand = NOT_SEARCHED;
    this.parseBuffer();
  }

  private finish(): void {
    if (this.stage === Stage.AfterRoot) {
      if (this.buffer !== '' || this.section !== Section.Content) failTrailingContent();
      return;
    }
    if (!this.sawMarkup && isBlank(this.buffer)) fail('the answer is empty');
    fail('the answer ends in the middle of the XML-RPC document (truncated)');
  }

  private parseBuffer(): void {
    const text = this.buffer;
    const length = text.length;
    let position = 0;
    while (position < length) {
      if (this.section !== Section.Content) {
        const sectionEnd = this.continueSection(position);
        if (sectionEnd === INCOMPLETE) {
          position = keepSectionTail(position, length);
          break;
        }
        position = sectionEnd;
        continue;
      }
      const tagStart = text.indexOf('<', position);
      if (tagStart === -1) {
        position = this.consumeTrailingText(position);
        break;
      }
      if (tagStart > position) this.onText(position, tagStart);
      const next = this.parseMarkup(tagStart);
      if (next === INCOMPLETE) {
        if (length - tagStart > MAX_MARKUP_LENGTH) malformed('a tag or declaration is too long');
        position = tagStart;
        break;
      }
      this.sawMarkup = true;
      position = next;
    }
    // Character data still pointing into the buffer must be copied out before the buffer goes.
    this.takeText();
    this.buffer = position < length ? text.slice(position) : '';
  }

  /** Consumes text up to the end of the buffer, except an entity reference cut by the chunk end. */
  private consumeTrailingText(position: number): number {
    const text = this.buffer;
    let end = text.length;
    const ampersand = text.lastIndexOf('&');
    if (ampersand >= position && text.indexOf(';', ampersand) === -1) {
      if (end - ampersand > MAX_ENTITY_LENGTH) malformed('an entity reference has no closing ";"');
      end = ampersand;
    }
    if (end > position) this.onText(position, end);
    return end;
  }

  private parseMarkup(tagStart: number): number {
    const text = this.buffer;
    if (tagStart + 1 >= text.length) return INCOMPLETE;
    switch (text.charCodeAt(tagStart + 1)) {
      case SLASH:
        return this.parseClosingTag(tagStart);
      case BANG:
        return this.parseDeclaration(tagStart);
      case QUESTION_MARK:
        return this.parseProcessingInstruction(tagStart);
      default:
        return this.parseOpeningTag(tagStart);
    }
  }

  private parseOpeningTag(tagStart: number): number {
    const text = this.buffer;
    const nameStart = tagStart + 1;
    const element = matchElement(text, nameStart);
    if (element === undefined) {
      const nameEnd = scanName(text, nameStart);
      const name = text.slice(nameStart, nameEnd);
      if (nameEnd === text.length && name.length <= LONGEST_ELEMENT_NAME) return INCOMPLETE;
      if (name === '') malformed('a "<" is not followed by an element name');
      this.failUnknownElement(name);
    }
    const tagEnd = skipWhitespace(text, nameStart + ELEMENT_NAMES[element].length);
    const code = text.charCodeAt(tagEnd);
    if (code === GREATER_THAN) {
      this.openElement(element);
      return tagEnd + 1;
    }
    if (code === SLASH && text.charCodeAt(tagEnd + 1) === GREATER_THAN) {
      this.openElement(element);
      this.closeElement();
      return tagEnd + 2;
    }
    if (tagEnd + 1 >= text.length) return INCOMPLETE;
    return invalid(`<${ELEMENT_NAMES[element]}> has attributes, which XML-RPC does not use`);
  }

  private parseClosingTag(tagStart: number): number {
    const text = this.buffer;
    const nameStart = tagStart + 2;
    const depth = this.openElements.length;
    const expected = depth === 0 ? '' : ELEMENT_NAMES[this.openElements[depth - 1]];
    if (depth > 0 && text.startsWith(expected, nameStart)) {
      const tagEnd = skipWhitespace(text, nameStart + expected.length);
      if (text.charCodeAt(tagEnd) === GREATER_THAN) {
        this.closeElement();
        return tagEnd + 1;
      }
      if (tagEnd === text.length) return INCOMPLETE;
    }
    const nameEnd = scanName(text, nameStart);
    const name = text.slice(nameStart, nameEnd);
    if (nameEnd === text.length && name.length <= LONGEST_ELEMENT_NAME) return INCOMPLETE;
    const found = `</${shownName(name)}>`;
    if (depth > 0) malformed(`found ${found} where </${expected}> was expected`);
    if (this.stage === Stage.AfterRoot) failTrailingContent();
    throw new NotXmlRpcError(found);
  }

  /** `<!--`, `<![CDATA[` or a refused `<!DOCTYPE`/`<!ENTITY`/... declaration. */
  private parseDeclaration(tagStart: number): number {
    const text = this.buffer;
    const available = text.length - tagStart;
    if (available < 4) return INCOMPLETE;
    if (text.startsWith('<!--', tagStart)) {
      this.section = Section.Comment;
      return tagStart + 4;
    }
    if (available < 9) return INCOMPLETE;
    if (text.startsWith('<![CDATA[', tagStart)) {
      this.section = Section.CData;
      return tagStart + 9;
    }
    if (text.slice(tagStart + 2, tagStart + 9).toUpperCase() === 'DOCTYPE') {
      const nameStart = skipWhitespace(text, tagStart + 9);
      const nameEnd = scanName(text, nameStart);
      if (nameEnd === text.length) return INCOMPLETE;
      const isHtml = text.slice(nameStart, nameEnd).toLowerCase() === 'html';
      if (isHtml && this.stage === Stage.BeforeRoot) throw new NotXmlRpcError('an HTML page');
    }
    return fail('the answer declares a DOCTYPE or entities, which are refused');
  }

  /**
   * Consumes the inside of a comment or CDATA section up to its terminator and returns the
   * position after it, or INCOMPLETE when the buffer ends first.
   */
  private continueSection(position: number): number {
    const text = this.buffer;
    if (this.section === Section.Comment) {
      const end = text.indexOf('-->', position);
      const lastAllowedDoubleHyphen = end === -1 ? keepSectionTail(position, text.length) : end;
      const doubleHyphen = text.indexOf('--', position);
      if (doubleHyphen !== -1 && doubleHyphen < lastAllowedDoubleHyphen) {
        malformed('a comment contains "--"');
      }
      if (end === -1) return INCOMPLETE;
      this.section = Section.Content;
      return end + 3;
    }
    const end = text.indexOf(']]>', position);
    const contentEnd = end === -1 ? keepSectionTail(position, text.length) : end;
    if (contentEnd > position) this.onCData(text.slice(position, contentEnd));
    if (end === -1) return INCOMPLETE;
    this.section = Section.Content;
    return end + 3;
  }

  private parseProcessingInstruction(tagStart: number): number {
    const text = this.buffer;
    const end = text.indexOf('?>', tagStart + 2);
    if (end === -1) return INCOMPLETE;
    if (scanName(text, tagStart + 2) === tagStart + 2)
      malformed('a "<?" is not followed by a name');
    const afterXml = text.charCodeAt(tagStart + 5);
    const isDeclaration =
      text.startsWith('<?xml', tagStart) &&
      (afterXml === QUESTION_MARK || isXmlWhitespace(afterXml));
    if (isDeclaration) {
      if (this.sawMarkup) malformed('the <?xml ...?> declaration is not at the start');
      checkXmlDeclaration(text.slice(tagStart, end + 2));
    }
    return end + 2;
  }

  private failUnknownElement(name: string): never {
    if (this.stage === Stage.AfterRoot) failTrailingContent();
    if (this.stage === Stage.BeforeRoot) throw new NotXmlRpcError(`<${shownName(name)}>`);
    return invalid(`<${shownName(name)}> is not an XML-RPC element`);
  }

  /** Raw text between two markup positions of `buffer`; entity references still encoded. */
  private onText(start: number, end: number): void {
    if (!this.acceptsCharacterData()) {
      if (!isBlank(this.buffer, start, end)) this.failUnexpectedText();
      return;
    }
    if (this.nextAmpersand < start && this.nextAmpersand !== -1) {
      this.nextAmpersand = this.buffer.indexOf('&', start);
    }
    if (this.nextAmpersand !== -1 && this.nextAmpersand < end) {
      this.appendText(this.decodeEntities(start, end));
    } else if (this.characterData === '' && this.textStart < 0) {
      this.textStart = start;
      this.textEnd = end;
    } else {
      this.appendText(this.buffer.slice(start, end));
    }
  }

  private decodeEntities(start: number, end: number): string {
    const text = this.buffer;
    let decoded = '';
    let position = start;
    let ampersand = this.nextAmpersand;
    while (ampersand !== -1 && ampersand < end) {
      const semicolon = text.indexOf(';', ampersand);
      if (semicolon === -1 || semicolon >= end || semicolon - ampersand > MAX_ENTITY_LENGTH) {
        malformed('an entity reference has no closing ";"');
      }
      decoded +=
        text.slice(position, ampersand) + decodeEntity(text.slice(ampersand + 1, semicolon));
      position = semicolon + 1;
      ampersand = text.indexOf('&', position);
    }
    this.nextAmpersand = ampersand;
    return decoded + text.slice(position, end);
  }

  private onCData(content: string): void {
    if (this.acceptsCharacterData()) this.appendText(content);
    else if (!isBlank(content)) this.failUnexpectedText();
  }

  private appendText(piece: string): void {
    this.characterData = this.takeText() + piece;
  }

  /** The character data collected so far, copied out of the buffer if it still lies there. */
  private takeText(): string {
    if (this.textStart >= 0) {
      this.characterData = this.buffer.slice(this.textStart, this.textEnd);
      this.textStart = -1;
    }
    return this.characterData;
  }

  private clearText(): void {
    this.characterData = '';
    this.textStart = -1;
  }

  private textIsBlank(): boolean {
    return this.textStart >= 0
      ? isBlank(this.buffer, this.textStart, this.textEnd)
      : isBlank(this.characterData);
  }

  private acceptsCharacterData(): boolean {
    const depth = this.openElements.length;
    if (depth === 0) return false;
    const element = this.openElements[depth - 1];
    if (element === Element.Value) return !this.hasCompletedValue;
    return element === Element.Name || element >= Element.Int;
  }

  private failUnexpectedText(): never {
    const depth = this.openElements.length;
    if (depth > 0) invalid(`<${ELEMENT_NAMES[this.openElements[depth - 1]]}> contains text`);
    if (this.stage === Stage.AfterRoot) failTrailingContent();
    throw new NotXmlRpcError('text');
  }

  private openElement(element: Element): void {
    const depth = this.openElements.length;
    const parent = depth === 0 ? NO_PARENT : this.openElements[depth - 1];
    const siblingsBefore = depth === 0 ? 0 : this.childCounts[depth - 1];
    this.checkPlacement(element, parent, siblingsBefore);
    if (depth === MAX_ELEMENT_DEPTH) {
      invalid(`values are nested more than ${MAX_ELEMENT_DEPTH} elements deep`);
    }
    if (depth > 0) this.childCounts[depth - 1] = siblingsBefore + 1;
    this.openElements.push(element);
    this.childCounts.push(0);
    if (element === Element.Array) this.containers.push([]);
    else if (element === Element.Struct) this.containers.push({});
    else if (element === Element.MethodResponse) this.stage = Stage.InRoot;
    this.clearText();
  }

  private checkPlacement(element: Element, parent: Element | typeof NO_PARENT, siblings: number) {
    const name = ELEMENT_NAMES[element];
    switch (parent) {
      case NO_PARENT:
        if (this.stage === Stage.AfterRoot) failTrailingContent();
        if (element !== Element.MethodResponse) throw new NotXmlRpcError(`<${name}>`);
        return;
      case Element.MethodResponse:
        if (element !== Element.Params && element !== Element.Fault) break;
        if (siblings > 0) invalid('<methodResponse> holds more than one <params> or <fault>');
        this.isFault = element === Element.Fault;
        return;
      case Element.Params:
        if (element !== Element.Param) break;
        if (siblings > 0) invalid('the answer has more than one <param>; expected exactly one');
        return;
      case Element.Param:
      case Element.Fault:
        if (element !== Element.Value) break;
        if (siblings > 0) invalid(`<${ELEMENT_NAMES[parent]}> holds more than one <value>`);
        return;
      case Element.Value:
        if (element < Element.Array) break;
        if (this.hasCompletedValue) invalid(`<value> holds more than one value`);
        if (!this.textIsBlank()) invalid(`<value> mixes text with <${name}>`);
        return;
      case Element.Array:
        if (element !== Element.Data) break;
        if (siblings > 0) invalid('<array> holds more than one <data>');
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
        if (siblings < 2) invalid(`<member> holds <${name}> where <name> then <value> belong`);
        invalid('<member> holds more than one <name> and <value>');
    }
    invalid(`<${name}> is not allowed inside <${ELEMENT_NAMES[parent]}>`);
  }

  private closeElement(): void {
    const element = this.openElements.pop() as Element;
    const children = this.childCounts.pop() as number;
    const inBuffer = this.textStart >= 0;
    const source = inBuffer ? this.buffer : this.characterData;
    const start = inBuffer ? this.textStart : 0;
    const end = inBuffer ? this.textEnd : source.length;
    switch (element) {
      case Element.Value: {
        const value = this.hasCompletedValue
          ? this.completedValue
          : detachFromBody(this.takeText());
        this.completedValue = undefined;
        this.hasCompletedValue = false;
        this.deliverValue(value);
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
        this.complete(detachFromBody(this.takeText()));
        break;
      case Element.Boolean:
        this.complete(parseBoolean(source, start, end));
        break;
      case Element.Double:
        this.complete(parseDouble(source, start, end));
        break;
      case Element.Base64:
        this.complete(parseBase64(this.takeText()));
        break;
      case Element.DateTime:
        this.complete(parseDateTime(this.takeText()));
        break;
      case Element.Nil:
        if (!isBlank(source, start, end)) invalid('<nil> is not empty');
        this.complete(null);
        break;
      case Element.Array:
        if (children === 0) invalid('<array> has no <data>');
        this.complete(this.containers.pop());
        break;
      case Element.Struct:
        this.complete(this.containers.pop());
        break;
      case Element.Member:
        if (children < 2) invalid('a struct <member> lacks its <name> or <value>');
        break;
      case Element.Param:
      case Element.Fault:
      case Element.Params:
        if (children === 0) invalid(`<${ELEMENT_NAMES[element]}> is empty`);
        break;
      case Element.MethodResponse:
        if (children === 0) invalid('<methodResponse> is empty');
        this.outcome = this.isFault
          ? faultOutcome(this.responseValue)
          : { kind: 'value', value: this.responseValue };
        this.stage = Stage.AfterRoot;
        break;
    }
    this.clearText();
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

  private deliverValue(value: unknown): void {
    const parent = this.openElements[this.openElements.length - 1];
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

function asFormatError(error: unknown): XmlRpcFormatError {
  if (error instanceof XmlRpcFormatError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new XmlRpcFormatError(`the answer could not be decoded: ${reason}`, { cause: error });
}

function faultOutcome(fault: unknown): XmlRpcOutcome {
  const isStruct =
    typeof fault === 'object' &&
    fault !== null &&
    Object.getPrototypeOf(fault) === Object.prototype;
  const members = isStruct ? (fault as Struct) : {};
  if (!Object.hasOwn(members, 'faultCode') || typeof members.faultString !== 'string') {
    invalid('the <fault> is not a struct with faultCode and faultString');
  }
  return { kind: 'fault', faultCode: members.faultCode, faultString: members.faultString };
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
