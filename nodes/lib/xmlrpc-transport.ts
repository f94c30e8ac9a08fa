import type { IncomingMessage } from 'node:http';
import { Answers } from './answers';
import type { StopSignal } from './calls';
import { errorFromFault, exceptionLine, isOdooError, OdooError } from './errors';
import { HttpEndpoint } from './http';
import { englishMessage, Translate } from './messages';
import type { ExecuteRequest, OdooTransport, ServerVersion } from './transport';
import { XmlRpcDecoder, XmlRpcFormatError, XmlRpcOutcome } from './xmlrpc-decoder';
import { encodeMethodCall } from './xmlrpc-encoder';

const REQUEST_HEADERS = { 'Content-Type': 'text/xml', Accept: 'text/xml' };

/**
 * What Odoo answers when a method returns None: its XML-RPC marshaller refuses None *after* the
 * transaction was committed, so the call did succeed.
 */
const NONE_ANSWER = 'TypeError: cannot marshal None unless allow_none is enabled';

/** Odoo's external API over `/xmlrpc/2/common`, `/xmlrpc/2/object` and `/xmlrpc/2/db`. */
export class XmlRpcTransport implements OdooTransport {
  readonly name = 'xmlrpc';
  private readonly answers: Answers;

  constructor(
    private readonly endpoint: HttpEndpoint,
    translate: Translate = englishMessage,
  ) {
    this.answers = new Answers(endpoint, 'XML-RPC', translate);
  }

  async version(stop?: StopSignal): Promise<ServerVersion> {
    return (await this.call('common', 'version', [], true, stop)) as ServerVersion;
  }

  async authenticate(
    db: string,
    login: string,
    secret: string,
    stop?: StopSignal,
  ): Promise<number | false> {
    const params = [db, login, secret, {}];
    const uid = await this.call('common', 'authenticate', params, true, stop);
    if (uid === false || (typeof uid === 'number' && Number.isInteger(uid) && uid > 0)) return uid;
    throw this.answers.malformed(
      '/xmlrpc/2/common',
      `authenticate answered ${JSON.stringify(uid)}`,
    );
  }

  async executeKw(request: ExecuteRequest): Promise<unknown> {
    const { db, uid, secret, model, method, args, kwargs } = request;
    const params = [db, uid, secret, model, method, args, kwargs];
    try {
      return await this.call('object', 'execute_kw', params, request.idempotent, request.stop);
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
    stop?: StopSignal,
  ): Promise<unknown> {
    const path = `/xmlrpc/2/${service}`;
    const body = encodeMethodCall(method, params);
    const outcome = await this.endpoint.post(
      path,
      body,
      REQUEST_HEADERS,
      idempotent,
      (response, chunks) => this.readAnswer(path, response, chunks),
      stop,
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
    const redirect = this.answers.redirect(path, response);
    if (redirect) throw redirect;
    const type = response.headers['content-type'] ?? '';
    if (response.statusCode !== 200 || (type !== '' && !/xml/i.test(type))) {
      throw await this.answers.unexpected(path, response);
    }
    const decoder = new XmlRpcDecoder();
    try {
      for await (const chunk of chunks) decoder.write(chunk);
      return decoder.end();
    } catch (error) {
      if (error instanceof XmlRpcFormatError) throw this.answers.malformed(path, error.message);
      throw error;
    }
  }
}

function isNoneAnswer(error: OdooError): boolean {
  const fault = error.cause as { faultString?: unknown } | undefined;
  return typeof fault?.faultString === 'string' && exceptionLine(fault.faultString) === NONE_ANSWER;
}
