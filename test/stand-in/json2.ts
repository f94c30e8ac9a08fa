/**
 * Odoo 19's JSON-2 API (`addons/rpc/controllers/json2.py`) and `GET /web/version`: a bearer
 * API key, the database from `X-Odoo-Database`, named arguments, and errors as real HTTP
 * statuses with a JSON body. Servers before 19 have neither route.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'http';
import {
  AccessDenied,
  AccessError,
  Frame,
  HttpException,
  MissingError,
  OdooFault,
  PythonError,
  internalError,
} from './faults';
import { HttpAnswer, controllerFrames, pyJson, serializeException } from './jsonrpc';
import type { Database } from './orm';

export interface Json2Call {
  model: string;
  method: string;
  /** Undefined when the key was refused. */
  uid?: number;
  /** One of the two calls a client makes to learn who the key belongs to. */
  authentication: boolean;
  /** The named arguments, `ids` included, `context` left out. */
  named: Record<string, unknown>;
}

export interface Json2Host {
  readonly database: Database;
  recordJson2(call: Json2Call): void;
  noteResult(result: unknown): void;
}

export interface Json2Request {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const REASONS: Record<number, string> = {
  400: 'BAD REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT FOUND',
  422: 'UNPROCESSABLE ENTITY',
  500: 'INTERNAL SERVER ERROR',
};

/** What Werkzeug answers when Odoo serves a request without a database (an unknown one). */
const NO_DATABASE_PAGE =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
  '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

const JSON2_FRAME: Frame = {
  file: '/opt/odoo/addons/rpc/controllers/json2.py',
  line: 98,
  func: 'web_json_2_rpc',
  code: 'result = func(records, **kwargs)',
  carets: '         ^^^^^^^^^^^^^^^^^^^^^^^',
};

function json(status: number, value: unknown, headers: Array<[string, string]> = []): HttpAnswer {
  return {
    status,
    reason: REASONS[status] ?? 'OK',
    contentType: 'application/json; charset=utf-8',
    body: pyJson(value),
    headers,
    lengthFirst: true,
  };
}

function httpError(status: 400 | 401 | 404, name: string, message: string): HttpAnswer {
  const headers: Array<[string, string]> = status === 401 ? [['WWW-Authenticate', 'Bearer']] : [];
  const body = { name, message, arguments: [message, status], context: {}, debug: '' };
  return json(status, body, headers);
}

/** `GET /web/version` (and `/json/version`): the version, without a login. */
export function answerVersion(info: unknown[], version: string): HttpAnswer {
  return json(200, { version_info: info, version });
}

/**
 * What Odoo 19 answers a request of a `json2` route (JSON-2, api_doc) whose body is not JSON: 415
 * from werkzeug, an HTML page, with the type it wants in an `Accept` header. An empty body passes.
 */
function notJson(request: Json2Request, route: string): HttpAnswer | undefined {
  const mimetype = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (mimetype === 'application/json' || request.body.length === 0) return undefined;
  const compatible = ['http', ...(mimetype === 'application/json-rpc' ? ['jsonrpc'] : [])];
  const escape = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;');
  const explanation = escape(
    `Request inferred type is compatible with [${compatible.map((type) => `'${type}'`).join(', ')}] ` +
      `but '${route}' is type='json2'.`,
  );
  return {
    status: 415,
    reason: 'UNSUPPORTED MEDIA TYPE',
    contentType: 'text/html; charset=utf-8',
    body:
      '<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n' +
      `<h1>Unsupported Media Type</h1>\n<p>${explanation}<br><br>Please verify the Content-Type request header and try again.</p>\n`,
    headers: [['Accept', 'application/json']],
  };
}

/** The user of a request's bearer key, or the 401 Odoo answers instead. */
function bearerUser(host: Json2Host, request: Json2Request): number | HttpAnswer {
  const bearer = /^bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''));
  if (!bearer) {
    return httpError(
      401,
      'werkzeug.exceptions.Unauthorized',
      'User not authenticated, use an API Key with a Bearer Authorization header.',
    );
  }
  const uid = host.database.apiKeyUser(bearer[1].trim());
  return uid ?? httpError(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey');
}

/**
 * `GET /doc-bearer/index.json` and `/doc-bearer/<model>.json` (Odoo 19's api_doc): for Settings
 * administrators only (403 otherwise), with an ETag that If-None-Match answers with 304.
 */
export function answerApiDoc(host: Json2Host, request: Json2Request): HttpAnswer {
  const route = /^\/doc-bearer\/(?:index|([^/]+))\.json$/.exec(request.path);
  const refused = notJson(
    request,
    request.path.endsWith('/index.json')
      ? '/doc-bearer/index.json'
      : '/doc-bearer/<model_name>.json',
  );
  if (refused) return refused;
  const uid = bearerUser(host, request);
  if (typeof uid !== 'number') return uid;
  if (host.database.groupsOf(uid) !== 'admin') {
    const message = 'This page is only accessible to Technical Documentation users.';
    return json(403, {
      name: 'odoo.exceptions.AccessError',
      message,
      arguments: [message],
      context: {},
      debug: '',
    });
  }
  const model = route?.[1] === undefined ? undefined : decodeURIComponent(route[1]);
  const document = host.database.apiDoc(uid, model);
  if (!document) {
    const message =
      'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';
    return json(404, {
      name: 'werkzeug.exceptions.NotFound',
      message,
      arguments: [message, 404],
      context: {},
      debug: '',
    });
  }
  const body = pyJson(document);
  const etag = createHash('sha256').update(body).digest('hex');
  const quoted = model === undefined ? `"${etag}"` : etag;
  if (request.headers['if-none-match'] === quoted) {
    return { status: 304, reason: 'NOT MODIFIED', contentType: '', body: '', headers: [] };
  }
  return {
    ...json(200, document),
    headers: [
      ['ETag', quoted],
      ['Cache-Control', 'no-cache, private'],
    ],
  };
}

/** One request under `/json/2`. */
export function answerJson2(host: Json2Host, request: Json2Request): HttpAnswer {
  const refused = notJson(request, '/json/2/<__model__>/<__method__>');
  if (refused) return refused;
  const database = host.database;
  const route = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(request.path);
  if (!route || request.method !== 'POST') {
    return httpError(
      404,
      'werkzeug.exceptions.NotFound',
      'Did you mean POST /json/2/<model>/<method>?',
    );
  }
  const [model, method] = [decodeURIComponent(route[1]), decodeURIComponent(route[2])];
  const bearer = /^bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''));
  const uid = bearer ? database.apiKeyUser(bearer[1].trim()) : undefined;
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8') || '{}');
  } catch {
    body = undefined;
  }
  const { ids, context, ...kwargs } = isObject(body) ? body : ({} as Record<string, unknown>);
  const authentication = isAuthentication(model, method, ids, kwargs);
  const named = ids === undefined ? kwargs : { ids, ...kwargs };
  host.recordJson2({ model, method, uid, authentication, named });
  const requestedDb = request.headers['x-odoo-database'];
  if (typeof requestedDb === 'string' && requestedDb !== database.name) {
    return {
      status: 404,
      reason: 'NOT FOUND',
      contentType: 'text/html; charset=utf-8',
      body: NO_DATABASE_PAGE,
    };
  }
  if (!bearer) {
    return httpError(
      401,
      'werkzeug.exceptions.Unauthorized',
      'User not authenticated, use an API Key with a Bearer Authorization header.',
    );
  }
  if (uid === undefined) {
    return httpError(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey');
  }
  if (!isObject(body)) {
    return httpError(400, 'werkzeug.exceptions.BadRequest', 'Invalid JSON data');
  }
  try {
    const result = database.callJson2(uid, model, method, ids, context, kwargs);
    host.noteResult(result);
    return json(200, result);
  } catch (error) {
    const fault = error instanceof OdooFault ? error : internalError(error);
    const data = serializeException(fault, [...controllerFrames(), JSON2_FRAME], database.major);
    return json(statusOf(fault), {
      ...data,
      arguments: fault instanceof HttpException ? [fault.message, fault.status] : data.arguments,
    });
  }
}

/** `exceptions.py`'s http_status of each exception class. */
function statusOf(fault: OdooFault): number {
  if (fault instanceof HttpException) return fault.status;
  if (fault instanceof AccessDenied || fault instanceof AccessError) return 403;
  if (fault instanceof MissingError) return 404;
  if (fault instanceof PythonError) return 500;
  return 422;
}

/** `res.users.context_get`, and the read of the key's own login that follows it. */
function isAuthentication(
  model: string,
  method: string,
  ids: unknown,
  kwargs: Record<string, unknown>,
): boolean {
  if (model !== 'res.users') return false;
  if (method === 'context_get') return true;
  return (
    method === 'read' &&
    Array.isArray(ids) &&
    ids.length === 1 &&
    JSON.stringify(kwargs) === JSON.stringify({ fields: ['login'] })
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
