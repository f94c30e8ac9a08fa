import type { IncomingMessage } from 'node:http';
import { serializeMethodCall } from 'xmlrpc/lib/serializer';
import { errorFromFault, exceptionLine, isOdooError, OdooError } from './errors';
import { HttpEndpoint } from './http';
import { englishMessage, MessageKey, Translate } from './messages';
import type { ExecuteRequest, OdooTransport, ServerVersion } from './transport';
import { XmlRpcDecoder, XmlRpcFormatError, XmlRpcOutcome } from './xmlrpc-decoder';

const REQUEST_HEADERS = { 'Content-Type': 'text/xml', Accept: 'text/xml' };

/**
 * What Odoo answers when a method returns None: its XML-RPC marshaller refuses None *after* the
 * transaction was committed, so the call did succeed.
 */
const NONE_ANSWER = 'TypeError: cannot marshal None unless allow_none is enabled';

/** How much of an unexpected (HTML) answer is read to explain it. */
const SNIPPET_BYTES = 4096;

/** Odoo's external API over `/xmlrpc/2/common`, `/xmlrpc/2/object` and `/xmlrpc/2/db`. */
export class XmlRpcTransport implements OdooTransport {
  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly translate: Translate = englishMessage,
  ) {}

  async version(): Promise<ServerVersion> {
    return (await this.call('common', 'version', [], true)) as ServerVersion;
  }

  async authenticate(db: string, login: string, secret: string): Promise<number | false> {
    const uid = await this.call('common', 'authenticate', [db, login, secret, {}], true);
    if (uid === false || (typeof uid === 'number' && Number.isInteger(uid) && uid > 0)) return uid;
    throw this.formatError('/xmlrpc/2/common', `authenticate answered ${JSON.stringify(uid)}`);
  }

  async executeKw(request: ExecuteRequest): Promise<unknown> {
    const { db, uid, secret, model, method, args, kwargs } = request;
    const params = [db, uid, secret, model, method, args, kwargs];
    try {
      return await this.call('object', 'execute_kw', params, request.idempotent);
    } catch (error) {
      if (isOdooError(error, 'ODOO_SERVER_ERROR') && isNoneAnswer(error)) return null;
      throw error;
    }
  }

  async listDatabases(): Promise<string[]> {
    return (await this.call('db', 'list', [], true)) as string[];
  }

  close(): void {
    this.endpoint.close();
  }

  private async call(
    service: 'common' | 'object' | 'db',
    method: string,
    params: unknown[],
    idempotent: boolean,
  ): Promise<unknown> {
    const path = `/xmlrpc/2/${service}`;
    const body = serializeMethodCall(method, params);
    const outcome = await this.endpoint.post(
      path,
      body,
      REQUEST_HEADERS,
      idempotent,
      (response, chunks) => this.readAnswer(path, response, chunks),
    );
    if (outcome.kind === 'fault') {
      throw errorFromFault({
        faultCode: outcome.faultCode as number,
        faultString: outcome.faultString,
      });
    }
    return outcome.value;
  }

  private async readAnswer(
    path: string,
    response: IncomingMessage,
    chunks: AsyncIterable<Buffer>,
  ): Promise<XmlRpcOutcome> {
    const status = response.statusCode ?? 0;
    const type = response.headers['content-type'] ?? '';
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      throw new OdooError(
        'ODOO_PROTOCOL_ERROR',
        this.translate('protocol-redirect', {
          url: this.endpoint.describe(path),
          location: new URL(response.headers.location, this.endpoint.baseUrl).href,
        }),
        { status },
      );
    }
    if (status !== 200 || (type !== '' && !/xml/i.test(type))) {
      const snippet = await readSnippet(response);
      throw new OdooError(
        'ODOO_PROTOCOL_ERROR',
        this.translate('protocol-status', {
          url: this.endpoint.describe(path),
          status,
          type: type || 'no content type',
          hint: this.hint(status, snippet),
        }),
        { status, contentType: type, retryAfter: response.headers['retry-after'] },
      );
    }
    const decoder = new XmlRpcDecoder();
    try {
      for await (const chunk of chunks) decoder.write(chunk);
      return decoder.end();
    } catch (error) {
      if (error instanceof XmlRpcFormatError) throw this.formatError(path, error.message);
      throw error;
    }
  }

  private hint(status: number, snippet: string): string {
    const hint = this.translate(hintKey(status), {});
    const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(snippet)?.[1]?.trim();
    return title ? `${hint} ${this.translate('page-title', { title })}` : hint;
  }

  private formatError(path: string, reason: string): OdooError {
    return new OdooError(
      'ODOO_PROTOCOL_ERROR',
      this.translate('protocol-format', { url: this.endpoint.describe(path), reason }),
    );
  }
}

function isNoneAnswer(error: OdooError): boolean {
  const fault = error.cause as { faultString?: unknown } | undefined;
  return typeof fault?.faultString === 'string' && exceptionLine(fault.faultString) === NONE_ANSWER;
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
