/**
 * The XML layer of the XML-RPC decoder: a streaming scanner for the subset of XML that XML-RPC
 * uses (a fixed set of element names, no attributes, no namespaces).
 *
 * It decodes UTF-8 across chunk boundaries, normalizes line ends, refuses characters XML forbids,
 * DOCTYPE and entity declarations (so nothing is ever expanded), decodes the five predefined
 * entities and character references, skips comments and processing instructions, reads CDATA,
 * and keeps the stack of open elements with a depth limit. It scans the text with
 * `indexOf`/`charCodeAt`, without recursion, and keeps only the unconsumed tail of the input
 * between `write` calls. What the elements mean is left to an `ElementHandler`.
 */
import { TextDecoder } from 'node:util';

/**
 * Raised for anything that is not a well-formed XML-RPC methodResponse, by the scanner and by the
 * handler alike. The message is plain English and quotes at most ~80 characters of the body.
 */
export class XmlRpcFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XmlRpcFormatError';
  }
}

/** The parent the root element is opened in. */
export const NO_PARENT = -1;

/**
 * Gives the elements their meaning. Elements are numbered by their index in the `ElementNames`
 * the scanner was made with; each method throws an XmlRpcFormatError to refuse the document.
 */
export interface ElementHandler {
  /**
   * `element` opens inside `parent` (NO_PARENT for the root), after `siblingsBefore` elements;
   * `afterText` says whether text other than whitespace came before it inside `parent`.
   */
  open(element: number, parent: number, siblingsBefore: number, afterText: boolean): void;
  /** Whether text other than whitespace may appear directly inside `element` at this point. */
  acceptsText(element: number): boolean;
  /**
   * `element` closes with `children` child elements. Its text is `source.slice(start, end)`,
   * entities decoded; it may point into the scanner's buffer, so slice it before keeping it.
   */
  close(
    element: number,
    parent: number,
    children: number,
    source: string,
    start: number,
    end: number,
  ): void;
}

/** The element names a document may use, and which of them is its root. */
export class ElementNames {
  readonly longest: number;
  private readonly byFirstCharacter: number[][] = Array.from({ length: 128 }, () => []);

  constructor(
    private readonly names: readonly string[],
    readonly root: number,
  ) {
    for (const [element, name] of names.entries()) {
      this.byFirstCharacter[name.charCodeAt(0)].push(element);
    }
    this.longest = Math.max(...names.map((name) => name.length));
  }

  nameOf(element: number): string {
    return this.names[element];
  }

  /** The element whose complete name starts at `start`, or -1 (unknown or cut off). */
  match(text: string, start: number): number {
    const first = text.charCodeAt(start);
    if (!(first < 128)) return -1;
    for (const element of this.byFirstCharacter[first]) {
      const name = this.names[element];
      if (text.startsWith(name, start) && endsTagName(text.charCodeAt(start + name.length))) {
        return element;
      }
    }
    return -1;
  }
}

const MAX_ELEMENT_DEPTH = 1000;
/** An unfinished tag, processing instruction or declaration longer than this is refused. */
const MAX_MARKUP_LENGTH = 1024;
/** `&#x10FFFF;` is the longest reference worth reading. */
const MAX_ENTITY_LENGTH = 12;
/** Names taken from the body are cut to this length in messages. */
const SHOWN_NAME_LENGTH = 16;
const SNIPPET_LENGTH = 60;
const INCOMPLETE = -1;
const NOT_SEARCHED = -2;

const TAB = 9;
const LINE_FEED = 10;
const CARRIAGE_RETURN = 13;
const SPACE = 32;
const BANG = 33;
const SLASH = 47;
const GREATER_THAN = 62;
const QUESTION_MARK = 63;

export function isXmlWhitespace(code: number): boolean {
  return code === SPACE || code === LINE_FEED || code === TAB || code === CARRIAGE_RETURN;
}

export function isBlank(text: string, start = 0, end = text.length): boolean {
  for (let i = start; i < end; i++) {
    if (!isXmlWhitespace(text.charCodeAt(i))) return false;
  }
  return true;
}

function endsTagName(code: number): boolean {
  return code === GREATER_THAN || code === SLASH || isXmlWhitespace(code);
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

function fail(message: string): never {
  throw new XmlRpcFormatError(message);
}

/** Refuses a well-formed document that breaks XML-RPC's rules. */
export function invalidXmlRpc(detail: string): never {
  fail(`the answer is not valid XML-RPC: ${detail}`);
}

function malformed(detail: string): never {
  fail(`the answer is not well-formed XML: ${detail}`);
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

/** Characters XML 1.0 does not allow anywhere (Odoo removes them from what it sends). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_XML_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function failForbiddenCharacter(character: string): never {
  const code = character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return malformed(`it holds the character U+${code}, which XML does not allow`);
}

/** Shows a name taken from the body, cut so that a message never quotes much of it. */
function shownName(name: string): string {
  return name.length > SHOWN_NAME_LENGTH ? `${name.slice(0, SHOWN_NAME_LENGTH)}…` : name;
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

export class XmlScanner {
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

  private readonly openElements: number[] = [];
  private readonly childCounts: number[] = [];
  /**
   * Text of the innermost open element. While it is one piece of `buffer` without entity
   * references it stays there, as [textStart, textEnd), unsliced.
   */
  private characterData = '';
  private textStart = -1;
  private textEnd = -1;

  private failure: XmlRpcFormatError | undefined;
  /** A not-XML-RPC verdict waiting for enough of the body to quote its start. */
  private pendingNotXmlRpc: NotXmlRpcError | undefined;
  private ended = false;

  constructor(
    private readonly names: ElementNames,
    private readonly handler: ElementHandler,
  ) {}

  write(chunk: Buffer): void {
    if (this.ended) throw new Error('write() was called after end()');
    this.run(() => this.consume(this.decodeUtf8(chunk, true)));
  }

  /** Checks that the document is complete, with nothing but comments and blanks after it. */
  end(): void {
    if (this.ended) throw new Error('end() was called twice');
    this.ended = true;
    this.run(() => {
      this.consume(this.decodeUtf8(undefined, false));
      if (this.pendingNotXmlRpc === undefined) this.finish();
    });
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
      this.failure = new XmlRpcFormatError(this.notXmlRpcMessage(verdict.found));
      throw this.failure;
    }
  }

  private notXmlRpcMessage(found: string): string {
    const root = this.names.nameOf(this.names.root);
    const begins = this.bodyStart === '' ? '' : ` (it begins ${JSON.stringify(this.bodyStart)})`;
    return `the answer is not XML-RPC: found ${found} where <${root}> was expected${begins}`;
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
      if (this.buffer !== '' || this.section !== Section.Content) this.failTrailingContent();
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
    // Text still pointing into the buffer must be copied out before the buffer goes.
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
    const element = this.names.match(text, nameStart);
    if (element === -1) {
      const nameEnd = scanName(text, nameStart);
      const name = text.slice(nameStart, nameEnd);
      if (nameEnd === text.length && name.length <= this.names.longest) return INCOMPLETE;
      if (name === '') malformed('a "<" is not followed by an element name');
      this.failUnknownElement(name);
    }
    const name = this.names.nameOf(element);
    const tagEnd = skipWhitespace(text, nameStart + name.length);
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
    return invalidXmlRpc(`<${name}> has attributes, which XML-RPC does not use`);
  }

  private parseClosingTag(tagStart: number): number {
    const text = this.buffer;
    const nameStart = tagStart + 2;
    const depth = this.openElements.length;
    const expected = depth === 0 ? '' : this.names.nameOf(this.openElements[depth - 1]);
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
    if (nameEnd === text.length && name.length <= this.names.longest) return INCOMPLETE;
    const found = `</${shownName(name)}>`;
    if (depth > 0) malformed(`found ${found} where </${expected}> was expected`);
    if (this.stage === Stage.AfterRoot) this.failTrailingContent();
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

  private failTrailingContent(): never {
    fail(`the answer has unexpected content after </${this.names.nameOf(this.names.root)}>`);
  }

  private failUnknownElement(name: string): never {
    if (this.stage === Stage.AfterRoot) this.failTrailingContent();
    if (this.stage === Stage.BeforeRoot) throw new NotXmlRpcError(`<${shownName(name)}>`);
    return invalidXmlRpc(`<${shownName(name)}> is not an XML-RPC element`);
  }

  /** Raw text between two markup positions of `buffer`; entity references still encoded. */
  private onText(start: number, end: number): void {
    if (!this.acceptsText()) {
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
    if (this.acceptsText()) this.appendText(content);
    else if (!isBlank(content)) this.failUnexpectedText();
  }

  private appendText(piece: string): void {
    this.characterData = this.takeText() + piece;
  }

  /** The text collected so far, copied out of the buffer if it still lies there. */
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

  /** Whether the text collected since the last tag holds more than whitespace. */
  private hasText(): boolean {
    if (this.textStart >= 0) return !isBlank(this.buffer, this.textStart, this.textEnd);
    return this.characterData !== '' && !isBlank(this.characterData);
  }

  private acceptsText(): boolean {
    const depth = this.openElements.length;
    return depth > 0 && this.handler.acceptsText(this.openElements[depth - 1]);
  }

  private failUnexpectedText(): never {
    const depth = this.openElements.length;
    if (depth > 0) {
      invalidXmlRpc(`<${this.names.nameOf(this.openElements[depth - 1])}> contains text`);
    }
    if (this.stage === Stage.AfterRoot) this.failTrailingContent();
    throw new NotXmlRpcError('text');
  }

  private openElement(element: number): void {
    const depth = this.openElements.length;
    if (depth === 0) this.openRoot(element);
    const parent = depth === 0 ? NO_PARENT : this.openElements[depth - 1];
    const siblingsBefore = depth === 0 ? 0 : this.childCounts[depth - 1];
    this.handler.open(element, parent, siblingsBefore, this.hasText());
    if (depth === MAX_ELEMENT_DEPTH) {
      invalidXmlRpc(`values are nested more than ${MAX_ELEMENT_DEPTH} elements deep`);
    }
    if (depth > 0) this.childCounts[depth - 1] = siblingsBefore + 1;
    this.openElements.push(element);
    this.childCounts.push(0);
    this.clearText();
  }

  private openRoot(element: number): void {
    if (this.stage === Stage.AfterRoot) this.failTrailingContent();
    if (element !== this.names.root) throw new NotXmlRpcError(`<${this.names.nameOf(element)}>`);
    this.stage = Stage.InRoot;
  }

  private closeElement(): void {
    const element = this.openElements.pop() as number;
    const children = this.childCounts.pop() as number;
    const depth = this.openElements.length;
    const parent = depth === 0 ? NO_PARENT : this.openElements[depth - 1];
    const inBuffer = this.textStart >= 0;
    const source = inBuffer ? this.buffer : this.characterData;
    const start = inBuffer ? this.textStart : 0;
    const end = inBuffer ? this.textEnd : source.length;
    this.handler.close(element, parent, children, source, start, end);
    if (depth === 0) this.stage = Stage.AfterRoot;
    this.clearText();
  }
}

function asFormatError(error: unknown): XmlRpcFormatError {
  if (error instanceof XmlRpcFormatError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new XmlRpcFormatError(`the answer could not be decoded: ${reason}`, { cause: error });
}
