import type { IncomingMessage } from 'node:http';
import { OdooError } from './errors';
import type { HttpEndpoint } from './http';
import type { MessageKey, Translate } from './messages';

/** How much of an unexpected (HTML) answer is read to explain it. */
const SNIPPET_BYTES = 4096;

/**
 * What every transport does with an answer it cannot use: a redirect, an HTML page from a proxy,
 * a body in the wrong format. The errors name the protocol the transport expected.
 */
export class Answers {
  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly protocol: string,
    private readonly translate: Translate,
  ) {}

  /**
   * The checks every answer of the XML-RPC and JSON-RPC services passes before its body is read:
   * no redirect, HTTP 200, and the protocol's content type (`accepted`).
   */
  async expect(path: string, response: IncomingMessage, accepted: boolean): Promise<void> {
    const redirect = this.redirect(path, response);
    if (redirect) throw redirect;
    if (response.statusCode !== 200 || !accepted) throw await this.unexpected(path, response);
  }

  /** A redirect is never followed: the URL in the config node is wrong and the error says so. */
  redirect(path: string, response: IncomingMessage): OdooError | undefined {
    const status = response.statusCode ?? 0;
    if (status < 300 || status >= 400 || !response.headers.location) return undefined;
    response.resume();
    return new OdooError(
      'ODOO_PROTOCOL_ERROR',
      this.translate('protocol-redirect', {
        url: this.endpoint.describe(path),
        location: new URL(response.headers.location, this.endpoint.baseUrl).href,
      }),
      { status },
    );
  }

  /**
   * An answer that is not the protocol's: says what came back, and the page title of its body
   * (read here unless the caller already did).
   */
  async unexpected(
    path: string,
    response: IncomingMessage,
    hint?: string,
    body?: string,
  ): Promise<OdooError> {
    const status = response.statusCode ?? 0;
    const type = response.headers['content-type'] ?? '';
    const snippet = body ?? (await readSnippet(response));
    const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(snippet)?.[1]?.trim();
    const explanation = hint ?? this.translate(hintKey(status), { protocol: this.protocol });
    return new OdooError(
      'ODOO_PROTOCOL_ERROR',
      this.translate('protocol-status', {
        url: this.endpoint.describe(path),
        status,
        type: type || 'no content type',
        protocol: this.protocol,
        hint: title ? `${explanation} ${this.translate('page-title', { title })}` : explanation,
      }),
      {
        status,
        contentType: type,
        retryAfter: response.headers['retry-after'],
        ...(title ? { title } : {}),
      },
    );
  }

  malformed(path: string, reason: string): OdooError {
    return new OdooError(
      'ODOO_PROTOCOL_ERROR',
      this.translate('protocol-format', {
        url: this.endpoint.describe(path),
        protocol: this.protocol,
        reason,
      }),
    );
  }

  /** A JSON answer; integers beyond 2^53 keep their exact decimal text, as over XML-RPC. */
  json(path: string, text: string): unknown {
    try {
      return parseJson(text);
    } catch (error) {
      throw this.malformed(path, (error as Error).message);
    }
  }
}

/** The whole body as text (the endpoint enforces the size limit on `body`). */
export async function readText(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether the answer says it is JSON (Odoo sends `application/json; charset=utf-8`). */
export function isJson(response: IncomingMessage): boolean {
  return /^application\/json\b/i.test(response.headers['content-type'] ?? '');
}

/** A JSON number needs 16 digits or more to lose precision in a double. */
const LONG_DIGITS = /\d{16}/;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** The rest of a JSON string, up to its closing quote. */
const STRING_REST = /[^"\\]*(?:\\.[^"\\]*)*"/y;

/**
 * `JSON.parse`, except that integers beyond Number.MAX_SAFE_INTEGER become their decimal text
 * instead of a rounded number. The slower path only runs when 16 digits follow each other
 * somewhere in the text.
 */
export function parseJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const parts: string[] = [];
  let copied = 0;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      STRING_REST.lastIndex = index + 1;
      index = STRING_REST.test(text) ? STRING_REST.lastIndex - 1 : text.length;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = index;
      const token = NUMBER.exec(text)?.[0] ?? char;
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
        parts.push(text.slice(copied, index), `"${token}"`);
        copied = index + token.length;
      }
      index += token.length - 1;
    }
  }
  parts.push(text.slice(copied));
  return JSON.parse(parts.join(''));
}

async function readSnippet(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= SNIPPET_BYTES) break;
    }
  } catch {
    // The explanation is best effort: the status already says what went wrong.
  }
  response.destroy();
  return Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
}

function hintKey(status: number): MessageKey {
  if (status === 404) return 'hint-not-found';
  if (status === 405) return 'hint-not-odoo';
  if (status === 401 || status === 403 || status === 407) return 'hint-refused';
  if (status === 429) return 'hint-too-many';
  if (status >= 500) return 'hint-server-failed';
  if (status === 200) return 'hint-not-odoo';
  return 'hint-unexpected';
}
