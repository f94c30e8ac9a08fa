import type { IncomingMessage } from 'node:http';
import { Answers } from './answers';
import type { StopSignal } from './calls';
import type { OdooError } from './errors';
import type { HttpEndpoint } from './http';
import { englishMessage, Translate } from './messages';
import type { ExecuteRequest, OdooTransport, ServerVersion } from './transport';

/** The services of Odoo's external API before JSON-2. */
export type Service = 'common' | 'object' | 'db';

/**
 * What a body says: the call's result, or the error Odoo's fault maps to. A fault is returned,
 * not thrown, so that the connection of a complete answer stays open for the next call.
 */
export type ServiceAnswer = { value: unknown } | { error: OdooError };

/** How one protocol carries a service call: the envelope, and reading it back. */
export interface ServiceCodec {
  readonly name: 'xmlrpc' | 'jsonrpc';
  /** The protocol as error messages name it ("XML-RPC"). */
  readonly protocol: string;
  readonly headers: Record<string, string>;
  path(service: Service): string;
  encode(service: Service, method: string, params: unknown[]): string;
  /** Whether the answer's content type is the protocol's. */
  accepts(response: IncomingMessage): boolean;
  /** Reads the body of a 200 answer; a body that is not the protocol's throws. */
  decode(path: string, body: AsyncIterable<Buffer>, answers: Answers): Promise<ServiceAnswer>;
  /** A fault that reports a success (XML-RPC cannot send None, Odoo commits first). */
  isSuccess?(error: OdooError): boolean;
}

/**
 * Odoo's external API over the `common`, `object` and `db` services, in the envelope of `codec`:
 * XML-RPC (`/xmlrpc/2/...`) or JSON-RPC (`/jsonrpc`). Both take the same arguments and answer the
 * same values; every answer goes through the same checks before the codec reads it.
 */
export class ServiceRpcTransport implements OdooTransport {
  readonly name: ServiceCodec['name'];
  private readonly answers: Answers;

  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly codec: ServiceCodec,
    translate: Translate = englishMessage,
  ) {
    this.name = codec.name;
    this.answers = new Answers(endpoint, codec.protocol, translate);
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
    const uid = await this.call('common', 'authenticate', [db, login, secret, {}], true, stop);
    if (uid === false || (typeof uid === 'number' && Number.isInteger(uid) && uid > 0)) return uid;
    throw this.answers.malformed(
      this.codec.path('common'),
      `authenticate answered ${JSON.stringify(uid)}`,
    );
  }

  async executeKw(request: ExecuteRequest): Promise<unknown> {
    const { db, uid, secret, model, method, args, kwargs } = request;
    const params = [db, uid, secret, model, method, args, kwargs];
    try {
      return await this.call('object', 'execute_kw', params, request.idempotent, request.stop);
    } catch (error) {
      if (this.codec.isSuccess?.(error as OdooError)) return null;
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
    service: Service,
    method: string,
    params: unknown[],
    idempotent: boolean,
    stop?: StopSignal,
  ): Promise<unknown> {
    const path = this.codec.path(service);
    const answer = await this.endpoint.post(
      path,
      this.codec.encode(service, method, params),
      this.codec.headers,
      idempotent,
      async (response, body) => {
        await this.answers.expect(path, response, this.codec.accepts(response));
        return this.codec.decode(path, body, this.answers);
      },
      stop,
    );
    if ('error' in answer) throw answer.error;
    return answer.value;
  }
}
