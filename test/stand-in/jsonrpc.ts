/**
 * Odoo's `/jsonrpc` route (and the other JSON-RPC routes the clients use) as Odoo 16-19 answer
 * them: the same services as XML-RPC, JSON written like Python's `json.dumps` (`", "` and `": "`
 * separators, raw UTF-8, floats as Python prints them), errors as HTTP 200 with `error.data`.
 */
import {
  AccessDenied,
  Double,
  Frame,
  OdooFault,
  PythonError,
  XmlRpcDateTime,
  bindArguments,
  exceptionName,
  formatFrames,
  formatTraceback,
  internalError,
  pyFloatRepr,
  pyTypeName,
} from './faults';
import type { Database } from './orm';

/** What the stand-in server lends the JSON routes. */
export interface JsonRpcHost {
  readonly database: Database;
  dispatch(service: string, method: string, params: unknown[]): unknown;
  record(service: string, method: string, params: unknown[]): void;
}

/** An HTTP answer for the server to send; `lengthFirst` as Odoo's JSON responses order them. */
export interface HttpAnswer {
  status: number;
  reason: string;
  contentType: string;
  body: string;
  headers?: Array<[string, string]>;
  lengthFirst?: boolean;
}

const ODOO = '/opt/odoo/odoo';

/** The frames between Werkzeug and `dispatch_rpc` for a `/jsonrpc` request (Odoo 17). */
export function controllerFrames(): Frame[] {
  const frame = (file: string, line: number, func: string, code: string, call: string): Frame => {
    const start = code.indexOf(call);
    return { file, line, func, code, carets: ' '.repeat(start) + '^'.repeat(call.length) };
  };
  return [
    frame(
      `${ODOO}/http.py`,
      1764,
      '_serve_db',
      'return service_model.retrying(self._serve_ir_http, self.env)',
      'service_model.retrying(self._serve_ir_http, self.env)',
    ),
    frame(`${ODOO}/service/model.py`, 133, 'retrying', 'result = func()', 'func()'),
    frame(
      `${ODOO}/http.py`,
      1791,
      '_serve_ir_http',
      'response = self.dispatcher.dispatch(rule.endpoint, args)',
      'self.dispatcher.dispatch(rule.endpoint, args)',
    ),
    frame(
      `${ODOO}/http.py`,
      1995,
      'dispatch',
      "result = self.request.registry['ir.http']._dispatch(endpoint)",
      "self.request.registry['ir.http']._dispatch(endpoint)",
    ),
    frame(
      `${ODOO}/addons/base/models/ir_http.py`,
      222,
      '_dispatch',
      'result = endpoint(**request.params)',
      'endpoint(**request.params)',
    ),
    frame(
      `${ODOO}/http.py`,
      741,
      'route_wrapper',
      'result = endpoint(self, *args, **params_ok)',
      'endpoint(self, *args, **params_ok)',
    ),
  ];
}

const RPC_FRAME: Frame = {
  file: `${ODOO}/addons/base/controllers/rpc.py`,
  line: 155,
  func: 'jsonrpc',
  code: 'return dispatch_rpc(service, method, args)',
  carets: '       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
};

/** Python's `json.dumps(value, ensure_ascii=False)` for what the ORM answers. */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value instanceof Double) return pyFloatRepr(value.value);
  if (value instanceof XmlRpcDateTime) return JSON.stringify(value.toServerString() ?? value.raw);
  if (Buffer.isBuffer(value)) return JSON.stringify(value.toString('utf8'));
  if (Array.isArray(value)) return `[${value.map((item) => pyJson(item)).join(', ')}]`;
  const members = Object.entries(value as Record<string, unknown>).map(
    ([key, item]) => `${JSON.stringify(key)}: ${pyJson(item)}`,
  );
  return `{${members.join(', ')}}`;
}

/**
 * `http.serialize_exception`: the class path, the message, the arguments, and the traceback
 * (every frame from the HTTP layer down to where the exception was raised).
 */
export function serializeException(
  fault: OdooFault,
  head: Frame[],
  major: number,
): Record<string, unknown> {
  const name = exceptionName(fault);
  const debug =
    fault instanceof AccessDenied && major >= 19
      ? ''
      : fault instanceof PythonError
        ? formatTraceback(fault.prepend(...head))
        : `Traceback (most recent call last):\n${formatFrames(head)}${name}: ${fault.message}\n`;
  const { message } = fault;
  return major >= 19
    ? { name, message, arguments: [message], context: {}, debug }
    : { name, debug, message, arguments: [message], context: {} };
}

const NOT_JSON_ROUTE = (type: string) =>
  '<!doctype html>\n<html lang=en>\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n' +
  `<p>Request inferred type is compatible with [&#39;http&#39;] but &#39;/jsonrpc&#39; is type=&#39;${type}&#39;.</p>\n`;

/** Answers one request to a JSON-RPC route; `call` runs the route with its params. */
export function answerJsonRoute(
  host: JsonRpcHost,
  request: { method: string; contentType: string; body: Buffer },
  call: (params: Record<string, unknown>) => unknown,
  head: Frame[],
): HttpAnswer {
  const major = host.database.major;
  const mimeType = request.contentType.split(';')[0].trim().toLowerCase();
  const jsonTypes =
    major >= 17 ? ['application/json', 'application/json-rpc'] : ['application/json'];
  if (request.method !== 'POST' || !jsonTypes.includes(mimeType)) {
    const body = NOT_JSON_ROUTE(major >= 19 ? 'jsonrpc' : 'json');
    return { status: 400, reason: 'BAD REQUEST', contentType: 'text/html; charset=utf-8', body };
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(request.body.toString('utf8'));
  } catch {
    return {
      status: 400,
      reason: 'BAD REQUEST',
      contentType: 'text/html; charset=utf-8',
      body: 'Invalid JSON data',
      headers: [['X-Content-Type-Options', 'nosniff']],
    };
  }
  const id = isObject(envelope) && 'id' in envelope ? envelope.id : null;
  try {
    const params = isObject(envelope) ? envelope.params : undefined;
    const result = call(paramsObject(params));
    const answer =
      result === undefined || result === null
        ? `{"jsonrpc": "2.0", "id": ${pyJson(id)}}`
        : `{"jsonrpc": "2.0", "id": ${pyJson(id)}, "result": ${pyJson(result)}}`;
    return {
      status: 200,
      reason: 'OK',
      contentType: 'application/json; charset=utf-8',
      body: answer,
      headers: [['X-Content-Type-Options', 'nosniff']],
      lengthFirst: true,
    };
  } catch (error) {
    const fault = error instanceof OdooFault ? error : internalError(error);
    const data = serializeException(fault, head, major);
    const code = major >= 19 ? 0 : 200;
    return {
      status: 200,
      reason: 'OK',
      contentType: 'application/json; charset=utf-8',
      body: `{"jsonrpc": "2.0", "id": ${pyJson(id)}, "error": ${pyJson({ code, message: 'Odoo Server Error', data })}}`,
      lengthFirst: true,
    };
  }
}

/** `POST /jsonrpc`: `dispatch_rpc(service, method, args)`, as over XML-RPC. */
export function answerJsonRpc(
  host: JsonRpcHost,
  request: { method: string; contentType: string; body: Buffer },
): HttpAnswer {
  return answerJsonRoute(
    host,
    request,
    (params) => {
      const { values } = bindArguments(
        {
          qualname: 'RPC.jsonrpc',
          positional: [{ name: 'service' }, { name: 'method' }, { name: 'args' }],
        },
        [],
        pick(params, ['service', 'method', 'args']),
      );
      const service = String(values.service);
      const method = String(values.method);
      if (!Array.isArray(values.args)) {
        throw new PythonError(
          'TypeError',
          `argument after * must be an iterable, not ${pyTypeName(values.args)}`,
          [RPC_FRAME],
        );
      }
      host.record(service, method, values.args);
      try {
        return host.dispatch(service, method, values.args);
      } catch (error) {
        if (error instanceof PythonError) error.prepend(RPC_FRAME);
        throw error;
      }
    },
    controllerFrames(),
  );
}

/** `POST /web/database/list`: the databases, like the db service's `list()`. */
export function answerDatabaseList(
  host: JsonRpcHost,
  request: { method: string; contentType: string; body: Buffer },
): HttpAnswer {
  return answerJsonRoute(
    host,
    request,
    () => {
      host.record('web', 'database/list', []);
      return [host.database.name];
    },
    controllerFrames(),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `dict(params)` as `http.py` does it: an object, or the ValueError of a list. */
function paramsObject(params: unknown): Record<string, unknown> {
  if (params === undefined || params === null) return {};
  if (isObject(params)) return params;
  const first = Array.isArray(params) ? params[0] : params;
  const message =
    typeof first === 'string' || Array.isArray(first)
      ? `dictionary update sequence element #0 has length ${first.length}; 2 is required`
      : `cannot convert dictionary update sequence element #0 to a sequence`;
  throw new PythonError('ValueError', message, [
    {
      file: `${ODOO}/http.py`,
      line: 1992,
      func: 'dispatch',
      code: "self.request.params = dict(self.jsonrequest.get('params', {}), **args)",
      carets: '                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
    },
  ]);
}

/** route_wrapper passes only the parameters the controller declares. */
function pick(params: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([name]) => names.includes(name)));
}
