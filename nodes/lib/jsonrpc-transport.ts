import type { IncomingMessage } from 'node:http';
import { Answers, isJson, readText } from './answers';
import type { StopSignal } from './calls';
import { asOdooException, errorFromJsonRpc } from './errors';
import { HttpEndpoint } from './http';
import { englishMessage, Translate } from './messages';
import type { ExecuteRequest, OdooTransport, ServerVersion } from './transport';

const PATH = '/jsonrpc';
const REQUEST_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

/**
 * Odoo's external API over `/jsonrpc`: the same services and arguments as XML-RPC in a JSON-RPC
 * 2.0 envelope. JSON has no 32-bit limit, carries None as null and names the exception class.
 */
export class JsonRpcTransport implements OdooTransport {
  readonly name = 'jsonrpc';
  private readonly answers: Answers;
  private lastId = 0;

  constructor(
    private readonly endpoint: HttpEndpoint,
    translate: Translate = englishMessage,
  ) {
    this.answers = new Answers(endpoint, 'JSON-RPC', translate);
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
    throw this.answers.malformed(PATH, `authenticate answered ${JSON.stringify(uid)}`);
  }

  executeKw(request: ExecuteRequest): Promise<unknown> {
    const { db, uid, secret, model, method, args, kwargs } = request;
    const params = [db, uid, secret, model, method, args, kwargs];
    return this.call('object', 'execute_kw', params, request.idempotent, request.stop);
  }

  async listDatabases(): Promise<string[]> {
    return (await this.call('db', 'list', [], true)) as string[];
  }

  close(): void {
    this.endpoint.close();
  }

  private call(
    service: 'common' | 'object' | 'db',
    method: string,
    args: unknown[],
    idempotent: boolean,
    stop?: StopSignal,
  ): Promise<unknown> {
    return postJsonRpc(
      this.endpoint,
      this.answers,
      PATH,
      { service, method, args },
      ++this.lastId,
      idempotent,
      stop,
    );
  }
}

/**
 * One JSON-RPC 2.0 call to an Odoo route of type `json`/`jsonrpc`: the result (null when the
 * method returned None, which Odoo answers without a result member), or the error it maps to.
 */
export async function postJsonRpc(
  endpoint: HttpEndpoint,
  answers: Answers,
  path: string,
  params: Record<string, unknown>,
  id: number,
  idempotent: boolean,
  stop?: StopSignal,
): Promise<unknown> {
  const body = JSON.stringify({ jsonrpc: '2.0', method: 'call', params, id });
  const answer = await endpoint.post(
    path,
    body,
    REQUEST_HEADERS,
    idempotent,
    (response, chunks) => readAnswer(answers, path, response, chunks),
    stop,
  );
  if ((answer as { jsonrpc?: unknown } | null)?.jsonrpc !== '2.0') {
    throw answers.malformed(path, 'the answer is not a JSON-RPC 2.0 object');
  }
  const { result, error } = answer as { result?: unknown; error?: unknown };
  if (error === undefined) return result ?? null;
  const data = (error as { data?: unknown } | null)?.data;
  const exception = asOdooException(data) ?? {
    name: 'JSON-RPC error',
    message: String((error as { message?: unknown } | null)?.message ?? JSON.stringify(error)),
  };
  throw errorFromJsonRpc(exception);
}

async function readAnswer(
  answers: Answers,
  path: string,
  response: IncomingMessage,
  chunks: AsyncIterable<Buffer>,
): Promise<unknown> {
  const redirect = answers.redirect(path, response);
  if (redirect) throw redirect;
  if (response.statusCode !== 200 || !isJson(response)) {
    throw await answers.unexpected(path, response);
  }
  return answers.json(path, await readText(chunks));
}
