import type { IncomingMessage } from 'node:http';
import { Answers, isJson, readText } from './answers';
import { ApiDoc, MethodSignature } from './api-doc';
import type { StopSignal } from './calls';
import { asOdooException, errorFromJson2, isOdooError, OdooError } from './errors';
import { HttpEndpoint } from './http';
import { postJsonRpc } from './jsonrpc-codec';
import { describeValue, englishMessage, Translate } from './messages';
import { setOwn } from './objects';
import { isPlainObject } from './params';
import type { ExecuteRequest, OdooTransport, ServerVersion } from './transport';

const VERSION_PATH = '/web/version';
/** JSON-2 came with Odoo 19. */
export const FIRST_JSON2_MAJOR = 19;

/** Where a method's arguments go on JSON-2: `ids` for record methods, then names by position. */
interface NamedArguments {
  records: boolean;
  names: string[];
}

const onModel = (...names: string[]): NamedArguments => ({ records: false, names });
const onRecords = (...names: string[]): NamedArguments => ({ records: true, names });

/**
 * The positional parameters of the ORM methods people call, as Odoo 19 names them (JSON-2 came
 * with 19). Other methods are looked up in the server's api_doc; where that is refused, they
 * take the record ids alone in args and the rest by name in kwargs.
 */
const NAMED_ARGUMENTS: Record<string, NamedArguments> = {
  search: onModel('domain', 'offset', 'limit', 'order'),
  search_read: onModel('domain', 'fields', 'offset', 'limit', 'order'),
  search_count: onModel('domain', 'limit'),
  search_fetch: onModel('domain', 'field_names', 'offset', 'limit', 'order'),
  read: onRecords('fields', 'load'),
  create: onModel('vals_list'),
  write: onRecords('vals'),
  unlink: onRecords(),
  copy: onRecords('default'),
  exists: onRecords(),
  fields_get: onModel('allfields', 'attributes'),
  default_get: onModel('fields'),
  name_search: onModel('name', 'domain', 'operator', 'limit'),
  name_create: onModel('name'),
  read_group: onModel('domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'),
  formatted_read_group: onModel(
    'domain',
    'groupby',
    'aggregates',
    'having',
    'offset',
    'limit',
    'order',
  ),
  web_search_read: onModel('domain', 'specification', 'offset', 'limit', 'order', 'count_limit'),
  web_read: onRecords('specification'),
  check_access_rights: onModel('operation', 'raise_exception'),
  check_access: onRecords('operation'),
  has_access: onRecords('operation'),
};

/** Header values Node.js refuses to send (and that no API key or database name contains). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NOT_IN_HEADER = /[\u0000-\u0008\u000A-\u001F\u007F]|[^\u0000-\u00FF]/;

/**
 * Odoo 19's JSON-2 API: `POST /json/2/<model>/<method>` with the API key as a bearer token, the
 * database in `X-Odoo-Database` and the arguments by name. Errors come back as HTTP statuses.
 */
export class Json2Transport implements OdooTransport {
  readonly name = 'json2';
  private readonly answers: Answers;

  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly translate: Translate = englishMessage,
    private readonly apiDoc = new ApiDoc(endpoint, translate),
  ) {
    this.answers = new Answers(endpoint, 'JSON-2', translate);
  }

  async version(stop?: StopSignal): Promise<ServerVersion> {
    const answer = await fetchVersion(this.endpoint, this.answers, this.noJson2(), stop);
    if (answer instanceof OdooError) throw answer;
    return answer;
  }

  /**
   * JSON-2 has no login: the API key says who calls. The uid comes from `res.users.context_get`;
   * the login is checked against the key's user, so a key of another user is refused as over
   * XML-RPC.
   */
  async authenticate(
    db: string,
    login: string,
    secret: string,
    stop?: StopSignal,
  ): Promise<number | false> {
    this.apiDoc.renew();
    try {
      const context = await this.call(db, secret, 'res.users', 'context_get', {}, true, stop);
      const uid = (context as { uid?: unknown } | null)?.uid;
      if (typeof uid !== 'number' || !Number.isSafeInteger(uid) || uid <= 0) {
        const reason = `context_get answered no uid (got ${describeValue(uid)})`;
        throw this.answers.malformed('/json/2/res.users/context_get', reason);
      }
      const request = { ids: [uid], fields: ['login'] };
      const users = await this.call(db, secret, 'res.users', 'read', request, true, stop);
      const user = Array.isArray(users) ? (users[0] as { login?: unknown } | undefined) : undefined;
      return user?.login === login ? uid : false;
    } catch (error) {
      if (isOdooError(error, 'ODOO_ACCESS_DENIED')) return false;
      throw error;
    }
  }

  async executeKw(request: ExecuteRequest): Promise<unknown> {
    const { db, secret, model, method, args, kwargs, idempotent, stop } = request;
    const known = Object.prototype.hasOwnProperty.call(NAMED_ARGUMENTS, method)
      ? NAMED_ARGUMENTS[method]
      : undefined;
    const doc =
      known || args.length === 0 ? undefined : await this.apiDoc.model(db, secret, model, stop);
    const signature = doc && doc !== 'refused' ? doc.methods.get(method) : undefined;
    const body = signature
      ? this.documentedArguments(method, signature, args, kwargs)
      : this.namedArguments(model, method, known, args, kwargs, doc === 'refused');
    const result = await this.call(db, secret, model, method, body, idempotent, stop);
    // Odoo returns the recordset's ids; XML-RPC gives the one id of a single-dict create.
    const single = method === 'create' && isPlainObject(args[0]);
    return single && Array.isArray(result) && result.length === 1 ? result[0] : result;
  }

  /** Through `/web/database/list`, a JSON-RPC route Odoo keeps beside JSON-2. */
  listDatabases(): Promise<string[]> {
    const answers = new Answers(this.endpoint, 'JSON-RPC', this.translate);
    const path = '/web/database/list';
    return postJsonRpc(this.endpoint, answers, path, {}) as Promise<string[]>;
  }

  close(): void {
    this.endpoint.close();
  }

  /**
   * args and kwargs as JSON-2's named arguments, from the table of ORM methods; refuses (nothing
   * sent) what has no name. `refused`: the server would not tell this user the method's
   * parameters, which the error then says.
   */
  private namedArguments(
    model: string,
    method: string,
    known: NamedArguments | undefined,
    args: unknown[],
    kwargs: Record<string, unknown>,
    refused: boolean,
  ): Record<string, unknown> {
    const takesIds = known ? known.records : args.length > 0;
    const body: Record<string, unknown> = {};
    let rest = args;
    if (takesIds) {
      body.ids = this.ids(method, args[0], !known && refused);
      rest = args.slice(1);
    }
    const names = known?.names ?? [];
    if (!known && rest.length > 0) {
      this.refuse(refused ? 'json2-positional-refused' : 'json2-positional', {
        method,
        model,
        count: rest.length,
        position: 2,
        value: describeValue(rest[0]),
      });
    }
    if (rest.length > names.length) {
      this.refuse('json2-too-many', {
        method,
        count: names.length + (takesIds ? 1 : 0),
        names: [...(takesIds ? ['ids'] : []), ...names].join(', ') || 'none',
        given: args.length,
      });
    }
    rest.forEach((value, index) => setOwn(body, names[index], value));
    return this.withKwargs(method, body, kwargs);
  }

  /** args and kwargs named after the method's parameters as the server's api_doc lists them. */
  private documentedArguments(
    method: string,
    signature: MethodSignature,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    let rest = args;
    if (!signature.model) {
      body.ids = this.ids(method, args[0], false);
      rest = args.slice(1);
    }
    const { positional } = signature;
    if (rest.length > positional.length) {
      const names = [...(signature.model ? [] : ['ids']), ...positional.map((entry) => entry.name)];
      this.refuse(signature.varPositional ? 'json2-var-positional' : 'json2-too-many', {
        method,
        count: names.length,
        names: names.join(', ') || 'none',
        given: args.length,
        signature: signature.signature,
      });
    }
    rest.forEach((value, index) => {
      const parameter = positional[index];
      if (!parameter.byName) {
        this.refuse('json2-positional-only', { method, name: parameter.name });
      }
      setOwn(body, parameter.name, value);
    });
    return this.withKwargs(method, body, kwargs);
  }

  private withKwargs(
    method: string,
    body: Record<string, unknown>,
    kwargs: Record<string, unknown>,
  ): Record<string, unknown> {
    for (const [name, value] of Object.entries(kwargs)) {
      if (Object.prototype.hasOwnProperty.call(body, name)) {
        this.refuse('json2-twice', { method, name });
      }
      setOwn(body, name, value);
    }
    return body;
  }

  /** `undocumented`: the method might be a model method, which the error then suggests. */
  private ids(method: string, value: unknown, undocumented: boolean): number[] {
    const isId = (id: unknown) => typeof id === 'number' && Number.isSafeInteger(id) && id > 0;
    if (isId(value)) return [value as number];
    if (Array.isArray(value) && value.every(isId)) return value as number[];
    return this.refuse(undocumented ? 'json2-ids-undocumented' : 'json2-ids', {
      method,
      value: describeValue(value),
    });
  }

  private refuse(
    key:
      | 'json2-ids'
      | 'json2-ids-undocumented'
      | 'json2-positional'
      | 'json2-positional-refused'
      | 'json2-positional-only'
      | 'json2-too-many'
      | 'json2-var-positional'
      | 'json2-twice',
    params: Record<string, string | number>,
  ): never {
    throw new OdooError('ODOO_INVALID_INPUT', this.translate(key, params));
  }

  private async call(
    db: string,
    secret: string,
    model: string,
    method: string,
    body: Record<string, unknown>,
    idempotent: boolean,
    stop?: StopSignal,
  ): Promise<unknown> {
    const path = `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`;
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      Accept: 'application/json',
      Authorization: `bearer ${this.headerValue('API key', secret)}`,
      'X-Odoo-Database': this.headerValue('database name', db),
    };
    try {
      return await this.endpoint.post(
        path,
        JSON.stringify(body),
        headers,
        idempotent,
        (response, chunks) => this.readAnswer(path, response, chunks),
        stop,
      );
    } catch (error) {
      throw await this.explainNotFound(error, db);
    }
  }

  private headerValue(name: string, value: string): string {
    if (NOT_IN_HEADER.test(value)) {
      throw new OdooError('ODOO_INVALID_INPUT', this.translate('invalid-header', { name }));
    }
    return value;
  }

  private async readAnswer(
    path: string,
    response: IncomingMessage,
    chunks: AsyncIterable<Buffer>,
  ): Promise<unknown> {
    const redirect = this.answers.redirect(path, response);
    if (redirect) throw redirect;
    const status = response.statusCode ?? 0;
    if (!isJson(response)) {
      throw await this.answers.unexpected(
        path,
        response,
        status === 404 ? this.noJson2() : undefined,
      );
    }
    const text = await readText(chunks);
    if (status === 200) return this.answers.json(path, text);
    const exception = status >= 400 ? asOdooException(this.answers.json(path, text)) : undefined;
    if (exception) throw errorFromJson2(status, exception);
    throw await this.answers.unexpected(path, response, undefined, text);
  }

  /**
   * A 404 page instead of JSON: either the server predates JSON-2, or it has JSON-2 but not the
   * database (Odoo then serves the request without one). `/web/version` tells which.
   */
  private async explainNotFound(error: unknown, db: string): Promise<unknown> {
    const cause = isOdooError(error, 'ODOO_PROTOCOL_ERROR')
      ? (error.cause as { status?: number })
      : undefined;
    if (cause?.status !== 404) return error;
    const version = await fetchVersion(this.endpoint, this.answers, this.noJson2()).catch(
      () => undefined,
    );
    if (
      version instanceof OdooError ||
      version === undefined ||
      majorVersion(version) < FIRST_JSON2_MAJOR
    ) {
      return error;
    }
    return new OdooError(
      'ODOO_SERVER_ERROR',
      this.translate('json2-unknown-db', { url: this.endpoint.describe(''), db }),
      { status: 404 },
    );
  }

  private noJson2(): string {
    return this.translate('hint-no-json2', {});
  }
}

/**
 * `GET /web/version`, which Odoo 19 answers with its version without a login: the version, or
 * the error explaining the answer. Throws only what is worth a retry (network, 429, 5xx).
 */
export async function fetchVersion(
  endpoint: HttpEndpoint,
  answers: Answers,
  notFoundHint: string,
  stop?: StopSignal,
): Promise<ServerVersion | OdooError> {
  const read = async (
    response: IncomingMessage,
    chunks: AsyncIterable<Buffer>,
  ): Promise<ServerVersion | OdooError> => {
    const status = response.statusCode ?? 0;
    if (status === 429 || status >= 500) throw await answers.unexpected(VERSION_PATH, response);
    const redirect = answers.redirect(VERSION_PATH, response);
    if (redirect) return redirect;
    if (status !== 200 || !isJson(response)) {
      return answers.unexpected(VERSION_PATH, response, status === 404 ? notFoundHint : undefined);
    }
    const answer = answers.json(VERSION_PATH, await readText(chunks)) as {
      version?: unknown;
      version_info?: unknown;
    } | null;
    if (typeof answer?.version !== 'string' || !Array.isArray(answer.version_info)) {
      return answers.malformed(VERSION_PATH, 'no version and version_info');
    }
    return {
      server_version: answer.version,
      server_version_info: answer.version_info,
      server_serie: answer.version.replace(/[+-].*$/, ''),
      protocol_version: 1,
    };
  };
  return endpoint.get(VERSION_PATH, { Accept: 'application/json' }, read, stop);
}

/** 19 for `[19, 0, 0, 'final', 0, '']`, 18 for Odoo Online's `['saas~18', 4, ...]`. */
export function majorVersion(version: ServerVersion): number {
  const first = version.server_version_info?.[0];
  if (typeof first === 'number') return first;
  const digits = /(\d+)/.exec(String(first ?? version.server_version));
  return digits ? Number(digits[1]) : 0;
}
