/**
 * The stand-in Odoo server: real HTTP on loopback, real XML-RPC and JSON-RPC (and JSON-2 when it
 * plays Odoo 19), Odoo's services, faults and headers, backed by the in-memory ORM. Tests and
 * the demo start it with `startStandIn()`.
 */
import { createServer, IncomingMessage, ServerResponse } from 'http';
import { createServer as createHttpsServer } from 'https';
import { AddressInfo, Socket } from 'net';
import { randomBytes } from 'crypto';
import { ADMIN_API_KEY } from './data';
import {
  AccessDenied,
  AccessError,
  FRAMES,
  Frame,
  MissingError,
  OdooFault,
  PythonError,
  Signature,
  bindArguments,
  formatTraceback,
  internalError,
  pyInt,
  pyStr,
  pyTypeName,
  pyTruthy,
  unknownDatabase,
} from './faults';
import { FaultInjector, FaultRule, InjectedFault } from './fault-injection';
import { Json2Call, answerApiDoc, answerJson2, answerVersion } from './json2';
import { HttpAnswer, answerDatabaseList, answerJsonRpc } from './jsonrpc';
import { Database, Version } from './orm';
import { seedPartners } from './synthetic';
import {
  Flavor,
  MarshalOptions,
  MethodCall,
  parseMethodCall,
  serializeFault,
  serializeResponse,
} from './xmlrpc';

export interface StandInOptions {
  version?: Version;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** false (default): `Connection: close` on every answer, like Odoo's own server. */
  keepAlive?: boolean;
  db?: string;
  /** Serve everything under this path, e.g. '/odoo', as Odoo behind a reverse proxy. */
  pathPrefix?: string;
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

export interface CallRecord {
  service: string;
  method: string;
  model?: string;
  modelMethod?: string;
  uid?: number;
  login?: string;
  /** JSON-2: one of the two calls a client makes to learn who its API key belongs to. */
  authentication?: boolean;
  /** execute_kw's args and kwargs (never the credentials). */
  args?: unknown;
  kwargs?: unknown;
  /** JSON-2's named arguments, `ids` included, `context` left out. */
  named?: Record<string, unknown>;
  /** How many items the answer held, when it was a list (records of a search_read, ids...). */
  rows?: number;
}

export interface StandIn {
  readonly url: string;
  readonly port: number;
  readonly db: string;
  readonly version: string;
  readonly calls: CallRecord[];
  count(service: string, method?: string, modelMethod?: string): number;
  /** Logins on any transport: common.authenticate, or JSON-2's res.users.context_get. */
  logins(): number;
  /** Model method calls on any transport (execute_kw or JSON-2), JSON-2 logins left out. */
  modelCalls(modelMethod?: string): number;
  resetCalls(): void;
  readonly adminApiKey: string;
  createApiKey(login: string): string;
  revokeApiKey(key: string): void;
  setPassword(login: string, password: string): void;
  setUid(login: string, newUid: number): void;
  /**
   * Freezes the clock that stamps create_date/write_date (`YYYY-MM-DD HH:MM:SS[.ffffff]` UTC, or a
   * Date) for the calls that follow; undefined lets it run again. `reset()` lets it run too.
   */
  setClock(time: string | Date | undefined): void;
  reset(): void;
  records(model: string): Array<Record<string, unknown>>;
  /** Adds `count` synthetic contacts (volume tests, benchmarks); returns their first and last id. */
  seedPartners(count: number): { first: number; last: number };
  /** Runs a method as admin inside the server, as another Odoo user would between two calls. */
  execute(
    model: string,
    method: string,
    args: unknown[],
    kwargs?: Record<string, unknown>,
  ): unknown;
  /** Calls `listener` with each call received, before it is answered (undefined: stop). */
  onCall(listener: ((call: CallRecord) => void) | undefined): void;
  openConnections(): number;
  /** Orders failures (see fault-injection.ts); `clearFaults` cancels those not yet used. */
  injectFault(rule: FaultRule): InjectedFault;
  clearFaults(): void;
  /** Stops listening and drops every connection, keeping the data: Odoo down. */
  stop(): Promise<void>;
  /** Listens again on the same port: Odoo back. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const ADMIN_UID = 2;

const VERSIONS: Record<Version, { serverVersion: string; info: unknown[] }> = {
  '16.0': { serverVersion: '16.0', info: [16, 0, 0, 'final', 0, ''] },
  '17.0': { serverVersion: '17.0-20240709', info: [17, 0, 0, 'final', 0, ''] },
  '18.0': { serverVersion: '18.0', info: [18, 0, 0, 'final', 0, ''] },
  '19.0': { serverVersion: '19.0', info: [19, 0, 0, 'final', 0, ''] },
};

const LANGUAGES = [
  ['en_US', 'English (US)'],
  ['fr_FR', 'French / Français'],
  ['de_DE', 'German / Deutsch'],
  ['es_ES', 'Spanish / Español'],
  ['nl_BE', 'Dutch (BE) / Nederlands (BE)'],
  ['fr_BE', 'French (BE) / Français (BE)'],
];

const MASTER_PASSWORD_METHODS = new Set([
  'create_database',
  'duplicate_database',
  'drop',
  'dump',
  'restore',
  'rename',
  'change_admin_password',
  'migrate_databases',
  'list_countries',
]);

const METHOD_NOT_ALLOWED =
  '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n' +
  '<p>The method is not allowed for the requested URL.</p>\n';

const NOT_FOUND = `<!DOCTYPE html>
<html>
    <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>Odoo</title>
        <link type="image/x-icon" rel="shortcut icon" href="/web/static/img/favicon.ico"/>
    </head>
    <body>
        <div id="wrapwrap">
            <main>
                <div id="wrap">
                    <h1 class="visually-hidden">Error 404</h1>
                    <h2>We couldn't find the page you're looking for!</h2>
                    <p><b>Don't panic.</b> If you think it's our mistake, please send us a message on <a href="/contactus">this page</a>.</p>
                    <ul class="list-inline text-center">
                        <li class="list-inline-item mb-2"><a href="/" class="btn btn-primary">Home</a></li>
                    </ul>
                </div>
            </main>
        </div>
    </body>
</html>`;

function signature(
  qualname: string,
  positional: string[],
  defaults: Record<string, unknown> = {},
): Signature {
  return {
    qualname,
    hasSelf: false,
    positional: positional.map((name) =>
      name in defaults ? { name, default: defaults[name] } : { name },
    ),
  };
}

interface Route {
  legacy: boolean;
  service: string;
}

class StandInServer {
  readonly calls: CallRecord[] = [];
  listener: ((call: CallRecord) => void) | undefined;
  private readonly flavor: Flavor;
  private readonly marshal: MarshalOptions;

  constructor(
    readonly database: Database,
    private readonly prefix: string,
    private readonly keepAlive: boolean,
  ) {
    this.flavor = database.major >= 18 ? 'odoo18' : 'python';
    this.marshal = { stripControlCharacters: database.major >= 17 };
  }

  route(path: string): Route | undefined {
    if (this.prefix && !path.startsWith(this.prefix + '/')) return undefined;
    const local = path.slice(this.prefix.length);
    let match = /^\/xmlrpc\/2\/([^/]+)$/.exec(local);
    if (match) return { legacy: false, service: decodeURIComponent(match[1]) };
    match = /^\/xmlrpc\/([^/]+)$/.exec(local);
    if (match) return { legacy: true, service: decodeURIComponent(match[1]) };
    return undefined;
  }

  async handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const json = this.answerJson(request, path, body);
    if (json) {
      this.send(response, json.status, json.reason, json.contentType, json.body, {
        after: json.headers,
        lengthFirst: json.lengthFirst,
      });
      return;
    }
    const route = this.route(path);
    if (!route) {
      const expires = new Date(Date.now() + 365 * 86_400_000).toUTCString();
      this.send(response, 404, 'NOT FOUND', 'text/html;charset=utf-8', NOT_FOUND, {
        after: [
          ['Set-Cookie', `frontend_lang=en_US; Expires=${expires}; Path=/`],
          [
            'Set-Cookie',
            `session_id=${randomBytes(20).toString('hex')}; Expires=${expires}; Max-Age=604800; HttpOnly; Path=/`,
          ],
          ['X-Content-Type-Options', 'nosniff'],
        ],
      });
      return;
    }
    if (request.method === 'OPTIONS') {
      this.send(response, 200, 'OK', 'text/html; charset=utf-8', '', {
        before: [['Allow', 'POST, OPTIONS']],
      });
      return;
    }
    if (request.method !== 'POST') {
      this.send(
        response,
        405,
        'METHOD NOT ALLOWED',
        'text/html; charset=utf-8',
        METHOD_NOT_ALLOWED,
        {
          before: [['Allow', 'POST, OPTIONS']],
        },
      );
      return;
    }
    const answer = await this.answer(route, body);
    this.send(response, 200, 'OK', 'text/xml; charset=utf-8', answer, {
      after: [['X-Content-Type-Options', 'nosniff']],
    });
  }

  /** The JSON routes: `/jsonrpc`, `/web/database/list`, and from Odoo 19 on JSON-2. */
  private answerJson(request: IncomingMessage, path: string, body: Buffer): HttpAnswer | undefined {
    if (this.prefix && !path.startsWith(this.prefix + '/')) return undefined;
    const local = path.slice(this.prefix.length);
    const call = {
      method: request.method ?? 'GET',
      contentType: request.headers['content-type'] ?? '',
      body,
    };
    if (local === '/jsonrpc') return answerJsonRpc(this, call);
    if (local === '/web/database/list') return answerDatabaseList(this, call);
    if (this.database.major < 19) return undefined;
    if ((local === '/web/version' || local === '/json/version') && call.method === 'GET') {
      this.record('web', 'version', []);
      const { serverVersion, info } = VERSIONS[this.database.version];
      return answerVersion(info, serverVersion);
    }
    if (local === '/json/2' || local.startsWith('/json/2/')) {
      return answerJson2(this, { ...call, path: local, headers: request.headers });
    }
    if (local.startsWith('/doc-bearer/')) {
      return answerApiDoc(this, { ...call, path: local, headers: request.headers });
    }
    return undefined;
  }

  /** Notes the size of the answer on the call being answered (the one recorded last). */
  noteResult(result: unknown): void {
    const entry = this.calls[this.calls.length - 1];
    if (entry && Array.isArray(result)) entry.rows = result.length;
  }

  recordJson2(call: Json2Call): void {
    const entry: CallRecord = {
      service: 'json2',
      method: call.method,
      model: call.model,
      modelMethod: call.method,
      uid: call.uid,
      authentication: call.authentication,
      named: call.named,
    };
    this.calls.push(entry);
    this.listener?.(entry);
  }

  /** The `Date` header, from the same clock that dates the records (see setClock). */
  private httpDate(): string {
    return new Date(`${this.database.clock().slice(0, 19).replace(' ', 'T')}Z`).toUTCString();
  }

  private send(
    response: ServerResponse,
    status: number,
    reason: string,
    contentType: string,
    body: string,
    headers: {
      before?: Array<[string, string]>;
      after?: Array<[string, string]>;
      lengthFirst?: boolean;
    },
  ): void {
    const payload = Buffer.from(body, 'utf8');
    const length: [string, string] = ['Content-Length', String(payload.length)];
    const type: [string, string] = ['Content-Type', contentType];
    const list: Array<[string, string]> = [
      ['Server', 'Werkzeug/2.2.2 Python/3.11.2'],
      ['Date', this.httpDate()],
      ...(headers.lengthFirst ? [length, type] : [type, ...(headers.before ?? []), length]),
      ...(headers.after ?? []),
    ];
    if (!this.keepAlive) list.push(['Connection', 'close']);
    response.sendDate = false;
    response.writeHead(status, reason, list.flat());
    response.end(payload);
  }

  /** The XML-RPC answer document: a result, or the fault Odoo's controller would build. */
  async answer(route: Route, body: Buffer): Promise<string> {
    let call: MethodCall;
    try {
      call = await parseMethodCall(body);
    } catch (error) {
      return this.fault(route, error, []);
    }
    this.record(route.service, call.method, call.params);
    let result: unknown;
    try {
      result = this.dispatch(route.service, call.method, call.params);
    } catch (error) {
      return this.fault(route, error, FRAMES.dispatchRpc());
    }
    try {
      return serializeResponse(result, this.flavor, this.marshal);
    } catch (error) {
      return this.fault(route, error, []);
    }
  }

  /** Odoo's xmlrpc_handle_exception_int (/xmlrpc/2) and _string (legacy /xmlrpc). */
  private fault(route: Route, error: unknown, head: Frame[]): string {
    const fault = error instanceof OdooFault ? error : internalError(error);
    let code: number | string;
    let message: string;
    if (fault instanceof PythonError) {
      fault.prepend(FRAMES.controller(route.legacy), ...(fault === error ? head : []));
      code = route.legacy ? fault.message : 1;
      message = formatTraceback(fault);
    } else if (fault instanceof AccessDenied) {
      code = route.legacy ? 'AccessDenied' : 3;
      message = 'Access Denied';
    } else {
      const kind =
        fault instanceof AccessError
          ? 'AccessError'
          : fault instanceof MissingError
            ? 'MissingError'
            : 'UserError';
      code = route.legacy
        ? `warning -- ${kind}\n\n${fault.message}`
        : fault instanceof AccessError
          ? 4
          : 2;
      message = route.legacy ? '' : fault.message;
    }
    return serializeFault(code, message, this.flavor, this.marshal);
  }

  record(service: string, method: string, params: unknown[]): void {
    const entry: CallRecord = { service, method };
    if (service === 'object') {
      if (typeof params[3] === 'string') entry.model = params[3];
      if (typeof params[4] === 'string') entry.modelMethod = params[4];
      if (typeof params[1] === 'number' && Number.isInteger(params[1])) entry.uid = params[1];
      if (method === 'execute_kw' && params.length > 5) entry.args = params[5];
      if (method === 'execute_kw' && params.length > 6) entry.kwargs = params[6];
    } else if (service === 'common' && typeof params[1] === 'string') {
      entry.login = params[1];
    }
    this.calls.push(entry);
    this.listener?.(entry);
  }

  dispatch(service: string, method: string, params: unknown[]): unknown {
    const withFrames = (frames: Frame[], work: () => unknown): unknown => {
      try {
        return work();
      } catch (error) {
        if (error instanceof PythonError) error.prepend(...frames);
        throw error;
      }
    };
    switch (service) {
      case 'common':
        return withFrames([FRAMES.serviceDispatch(), FRAMES.commonDispatch()], () =>
          this.common(method, params),
        );
      case 'db':
        return withFrames([FRAMES.serviceDispatch(), FRAMES.dbDispatch()], () =>
          this.db(method, params),
        );
      case 'object':
        return withFrames([FRAMES.serviceDispatch()], () => this.object(method, params));
      default:
        throw new PythonError('KeyError', pyReprKey(service), [FRAMES.unknownService()]);
    }
  }

  private checkDatabase(db: unknown, via: 'common' | 'object'): void {
    if (db !== this.database.name) throw unknownDatabase(pyStr(db), via);
  }

  private versionInfo(): Record<string, unknown> {
    const { serverVersion, info } = VERSIONS[this.database.version];
    return {
      server_version: serverVersion,
      server_version_info: info,
      server_serie: this.database.version,
      protocol_version: 1,
    };
  }

  private common(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'version':
        bindArguments(signature('exp_version', []), params, {});
        return this.versionInfo();
      case 'authenticate': {
        const { values } = bindArguments(
          signature('exp_authenticate', ['db', 'login', 'password', 'user_agent_env']),
          params,
          {},
        );
        this.checkDatabase(values.db, 'common');
        return this.database.authenticate(values.login, values.password);
      }
      case 'login': {
        const { values } = bindArguments(
          signature('exp_login', ['db', 'login', 'password']),
          params,
          {},
        );
        this.checkDatabase(values.db, 'common');
        return this.database.authenticate(values.login, values.password);
      }
      case 'about': {
        const { values } = bindArguments(
          signature('exp_about', ['extended'], { extended: false }),
          params,
          {},
        );
        return pyTruthy(values.extended)
          ? ['See http://openerp.com', VERSIONS[this.database.version].serverVersion]
          : 'See http://openerp.com';
      }
      case 'set_loglevel':
        bindArguments(
          signature('exp_set_loglevel', ['loglevel', 'logger'], { logger: null }),
          params,
          {},
        );
        return true;
      default:
        throw new PythonError('Exception', `Method not found: ${method}`, [
          {
            file: '/opt/odoo/odoo/service/common.py',
            line: 58,
            func: 'dispatch',
            code: 'raise Exception("Method not found: %s" % method)',
          },
        ]);
    }
  }

  private db(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'list':
        bindArguments(signature('exp_list', ['document'], { document: false }), params, {});
        return [this.database.name];
      case 'server_version':
        bindArguments(signature('exp_server_version', []), params, {});
        return VERSIONS[this.database.version].serverVersion;
      case 'db_exist': {
        const { values } = bindArguments(signature('exp_db_exist', ['db_name']), params, {});
        return values.db_name === this.database.name;
      }
      case 'list_lang':
        bindArguments(signature('exp_list_lang', []), params, {});
        return LANGUAGES;
      default:
        if (MASTER_PASSWORD_METHODS.has(method)) {
          if (params.length === 0) {
            throw new PythonError('IndexError', 'tuple index out of range', [
              {
                file: '/opt/odoo/odoo/service/db.py',
                line: 472,
                func: 'dispatch',
                code: 'passwd = params[0]',
              },
            ]);
          }
          throw new AccessDenied();
        }
        throw new PythonError('KeyError', pyReprKey(`Method not found: ${method}`), [
          {
            file: '/opt/odoo/odoo/service/db.py',
            line: 477,
            func: 'dispatch',
            code: 'raise KeyError("Method not found: %s" % method)',
          },
        ]);
    }
  }

  private object(method: string, params: unknown[]): unknown {
    if (params.length < 3)
      throw new PythonError('IndexError', 'tuple index out of range', [FRAMES.objectParams()]);
    const uid = pyInt(params[1], [FRAMES.objectParams()]);
    this.checkDatabase(params[0], 'object');
    this.database.checkCredentials(uid, params[2]);
    if (method === 'execute_kw') {
      const { values } = bindArguments(
        signature('execute_kw', ['db', 'uid', 'obj', 'method', 'args', 'kw'], { kw: null }),
        [params[0], uid, ...params.slice(3)],
        {},
        [FRAMES.objectExecuteKw()],
      );
      return this.execute(uid, values.obj, values.method, values.args, values.kw, [
        FRAMES.objectExecuteKw(),
        FRAMES.executeKw(),
      ]);
    }
    if (method === 'execute') {
      const rest = params.slice(3);
      bindArguments(
        { ...signature('execute', ['db', 'uid', 'obj', 'method']), varKeywords: false },
        [params[0], uid, ...rest.slice(0, 2)],
        {},
        [FRAMES.objectExecute()],
      );
      return this.execute(uid, rest[0], rest[1], rest.slice(2), null, [FRAMES.objectExecute()]);
    }
    throw new PythonError('NameError', `Method not available ${method}`, [
      FRAMES.objectNameError(),
    ]);
  }

  /** service/model.py execute(db, uid, obj, method, *args, **kw). */
  private execute(
    uid: number,
    model: unknown,
    method: unknown,
    args: unknown,
    kw: unknown,
    frames: Frame[],
  ): unknown {
    let positional: unknown[];
    if (Array.isArray(args)) positional = args;
    else if (typeof args === 'string') positional = [...args];
    else if (args !== null && typeof args === 'object' && !Buffer.isBuffer(args))
      positional = Object.keys(args);
    else {
      throw new PythonError(
        'TypeError',
        `odoo.service.model.execute() argument after * must be an iterable, not ${pyTypeName(args)}`,
        [...frames],
      );
    }
    let keywords: Record<string, unknown> = {};
    if (pyTruthy(kw)) {
      if (typeof kw !== 'object' || Array.isArray(kw) || Buffer.isBuffer(kw)) {
        throw new PythonError(
          'TypeError',
          `odoo.service.model.execute() argument after ** must be a mapping, not ${pyTypeName(kw)}`,
          [...frames],
        );
      }
      keywords = kw as Record<string, unknown>;
    }
    try {
      const result = this.database.callKw(uid, model, method, positional, keywords);
      this.noteResult(result);
      return result;
    } catch (error) {
      if (error instanceof PythonError) {
        const checkedName = error.frames[0]?.func === 'execute';
        error.prepend(...frames, ...(checkedName ? [] : FRAMES.execute()));
      }
      throw error;
    }
  }
}

function pyReprKey(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', () => resolve(Buffer.concat(chunks)));
  });
}

function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  const trimmed = prefix.replace(/\/+$/, '');
  if (!trimmed) return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const version = options.version ?? '17.0';
  if (!(version in VERSIONS)) throw new Error(`unsupported Odoo version ${version}`);
  const host = options.host ?? '127.0.0.1';
  const prefix = normalizePrefix(options.pathPrefix);
  const database = new Database(version, options.db ?? 'odootest');
  const standIn = new StandInServer(database, prefix, options.keepAlive === true);
  const sockets = new Set<Socket>();
  const faults = new FaultInjector();
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    readBody(request)
      .then(async (body) => {
        const handle = (target: ServerResponse) => standIn.handle(request, target, body);
        if (!(await faults.intercept(request, body, response, handle))) {
          await handle(response);
        }
      })
      .catch((error: unknown) => {
        if (!response.headersSent) {
          response.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' });
          response.end(String(error));
        } else response.destroy();
      });
  };
  const server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = async () => {
    faults.clear();
    const closed = [...sockets].map(
      (socket) => new Promise((resolve) => socket.once('close', resolve)),
    );
    const stopped = new Promise((resolve) => server.close(resolve));
    for (const socket of sockets) socket.destroy();
    await Promise.all([stopped, ...closed]);
  };
  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${hostInUrl}:${port}${prefix}`,
    port,
    db: database.name,
    version,
    calls: standIn.calls,
    count(service: string, method?: string, modelMethod?: string): number {
      return standIn.calls.filter(
        (call) =>
          call.service === service &&
          (method === undefined || call.method === method) &&
          (modelMethod === undefined || call.modelMethod === modelMethod),
      ).length;
    },
    logins(): number {
      return standIn.calls.filter(
        (call) =>
          (call.service === 'common' &&
            (call.method === 'authenticate' || call.method === 'login')) ||
          (call.service === 'json2' && call.model === 'res.users' && call.method === 'context_get'),
      ).length;
    },
    modelCalls(modelMethod?: string): number {
      return standIn.calls.filter(
        (call) =>
          ((call.service === 'object' &&
            (call.method === 'execute_kw' || call.method === 'execute')) ||
            (call.service === 'json2' && !call.authentication)) &&
          (modelMethod === undefined || call.modelMethod === modelMethod),
      ).length;
    },
    resetCalls(): void {
      standIn.calls.length = 0;
    },
    adminApiKey: ADMIN_API_KEY,
    createApiKey: (login: string) => database.createApiKey(login),
    revokeApiKey: (key: string) => database.revokeApiKey(key),
    setPassword: (login: string, password: string) => database.setPassword(login, password),
    setUid: (login: string, newUid: number) => database.setUid(login, newUid),
    setClock: (time: string | Date | undefined) => database.setClock(time),
    reset(): void {
      database.reset();
      faults.clear();
      standIn.calls.length = 0;
      standIn.listener = undefined;
    },
    seedPartners: (count: number) => seedPartners(database, count),
    execute: (model, method, args, kwargs = {}) =>
      database.callKw(ADMIN_UID, model, method, args, kwargs),
    onCall(listener): void {
      standIn.listener = listener;
    },
    records(model: string): Array<Record<string, unknown>> {
      const table = database.models.get(model);
      if (!table) throw new Error(`the stand-in has no model ${model}`);
      return [...table.rows.values()].map((row) => ({ ...row }));
    },
    openConnections: () => sockets.size,
    injectFault: (rule: FaultRule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    stop,
    restart: () => listen(port),
    close: stop,
  };
}
