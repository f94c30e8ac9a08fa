/**
 * Odoo's exception classes as the XML-RPC layer sees them, plus the Python text formatting
 * (repr, tracebacks, TypeError wording) that Odoo's fault strings are made of.
 */

/** A float that must travel as `<double>` even when it has no fractional part. */
export class Double {
  constructor(readonly value: number) {}
}

/**
 * An XML-RPC `<dateTime.iso8601>` value as Odoo's parser hands it to the ORM (an
 * `xmlrpc.client.DateTime` in 16/17, a `datetime` in 18/19).
 */
export class XmlRpcDateTime {
  constructor(readonly raw: string) {}

  /** Odoo's server format 'YYYY-MM-DD HH:MM:SS', or undefined when the text is not a date. */
  toServerString(): string | undefined {
    const match = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})/.exec(this.raw.trim());
    if (!match) return undefined;
    return `${match[1]}-${match[2]}-${match[3]} ${match[4]}:${match[5]}:${match[6]}`;
  }
}

/** One traceback frame: file, line number, function, source line and Python 3.11's caret line. */
export interface Frame {
  file: string;
  line: number;
  func: string;
  code: string;
  carets?: string;
}

/** Base of every error that the stand-in turns into an XML-RPC fault. */
export abstract class OdooFault extends Error {}

/** odoo.exceptions.UserError and its subclasses: fault 2 on /xmlrpc/2. */
export class UserError extends OdooFault {
  readonly legacyName: string = 'UserError';
}
export class ValidationError extends UserError {}
export class MissingError extends UserError {
  override readonly legacyName = 'MissingError';
}
/** odoo.exceptions.AccessError: fault 4. */
export class AccessError extends UserError {
  override readonly legacyName = 'AccessError';
}
/** odoo.exceptions.AccessDenied: fault 3, always 'Access Denied'. */
export class AccessDenied extends OdooFault {
  constructor() {
    super('Access Denied');
  }
}

/**
 * A werkzeug HTTP exception raised by a JSON-2 route (NotFound for an unknown model or method,
 * UnprocessableEntity for arguments that do not bind, Unauthorized for a missing or wrong key).
 */
export class HttpException extends OdooFault {
  constructor(
    readonly status: 401 | 404 | 422,
    message: string,
  ) {
    super(message);
  }

  get pyClass(): string {
    const names = { 401: 'Unauthorized', 404: 'NotFound', 422: 'UnprocessableEntity' };
    return `werkzeug.exceptions.${names[this.status]}`;
  }
}

/** The Python class path Odoo's JSON answers name an exception by (`data.name`). */
export function exceptionName(fault: OdooFault): string {
  if (fault instanceof PythonError) {
    return fault.pyClass.includes('.') ? fault.pyClass : `builtins.${fault.pyClass}`;
  }
  if (fault instanceof HttpException) return fault.pyClass;
  if (fault instanceof AccessDenied) return 'odoo.exceptions.AccessDenied';
  if (fault instanceof AccessError) return 'odoo.exceptions.AccessError';
  if (fault instanceof MissingError) return 'odoo.exceptions.MissingError';
  if (fault instanceof ValidationError) return 'odoo.exceptions.ValidationError';
  return 'odoo.exceptions.UserError';
}

/**
 * Any other Python exception: fault 1 with a full traceback. `frames` grows as the error travels
 * up through the layers (ORM, object service, HTTP controller), like a Python stack unwinding.
 */
export class PythonError extends OdooFault {
  readonly frames: Frame[];
  /** A whole earlier traceback printed before this one ("During handling of ..."). */
  context?: string;

  constructor(
    readonly pyClass: string,
    message: string,
    frames: Frame[] = [],
  ) {
    super(message);
    this.frames = frames;
  }

  prepend(...frames: Frame[]): this {
    this.frames.unshift(...frames);
    return this;
  }

  /** The exception line(s) as Python prints them: 'Class: message' or just 'Class'. */
  exceptionText(): string {
    return this.message === '' ? this.pyClass : `${this.pyClass}: ${this.message}`;
  }
}

export function formatFrames(frames: Frame[]): string {
  const parts: string[] = [];
  for (const frame of frames) {
    parts.push(`  File "${frame.file}", line ${frame.line}, in ${frame.func}\n    ${frame.code}\n`);
    if (frame.carets) parts.push(`    ${frame.carets}\n`);
  }
  return parts.join('');
}

/** `''.join(traceback.format_exception(e))`. */
export function formatTraceback(error: PythonError): string {
  const head = error.context
    ? `${error.context}\nDuring handling of the above exception, another exception occurred:\n\n`
    : '';
  return `${head}Traceback (most recent call last):\n${formatFrames(error.frames)}${error.exceptionText()}\n`;
}

/** A bug in the stand-in itself: still a well-formed fault 1, never a crashed request. */
export function internalError(error: unknown): PythonError {
  const jsError = error instanceof Error ? error : new Error(String(error));
  const stack = (jsError.stack ?? '').split('\n').slice(1, 8);
  const frames: Frame[] = stack.map((line) => ({
    file: 'stand-in',
    line: 0,
    func: '<js>',
    code: line.trim(),
  }));
  return new PythonError('StandInInternalError', jsError.message, frames);
}

// ---------------------------------------------------------------------------------------------
// Tracebacks: the frames that Odoo 17 prints for the paths a call takes. Source paths follow the
// recordings (the Odoo directory shows as /opt/odoo).

const ODOO = '/opt/odoo/odoo';
const PY = '/usr/lib/python3.11';

function frame(file: string, line: number, func: string, code: string, carets?: string): Frame {
  return carets === undefined ? { file, line, func, code } : { file, line, func, code, carets };
}

/** `^` under the expression part of a statement, as Python 3.11 underlines a failing call. */
function underline(code: string, expression: string): string {
  const start = code.indexOf(expression);
  return ' '.repeat(Math.max(0, start)) + '^'.repeat(expression.length);
}

function call(file: string, line: number, func: string, code: string, expression?: string): Frame {
  return frame(file, line, func, code, expression ? underline(code, expression) : undefined);
}

export const FRAMES = {
  controller(legacy: boolean): Frame {
    const code = 'response = self._xmlrpc(service)';
    return legacy
      ? call(
          `${ODOO}/addons/base/controllers/rpc.py`,
          138,
          'xmlrpc_1',
          code,
          'self._xmlrpc(service)',
        )
      : call(
          `${ODOO}/addons/base/controllers/rpc.py`,
          147,
          'xmlrpc_2',
          code,
          'self._xmlrpc(service)',
        );
  },
  loads: (): Frame[] => [
    call(
      `${ODOO}/addons/base/controllers/rpc.py`,
      126,
      '_xmlrpc',
      'params, method = xmlrpc.client.loads(data)',
      'xmlrpc.client.loads(data)',
    ),
    frame(`${PY}/xmlrpc/client.py`, 1029, 'loads', 'p.feed(data)'),
  ],
  dispatchRpc: (): Frame[] => [
    call(
      `${ODOO}/addons/base/controllers/rpc.py`,
      127,
      '_xmlrpc',
      'result = dispatch_rpc(service, method, params)',
      'dispatch_rpc(service, method, params)',
    ),
  ],
  unknownService: (): Frame =>
    frame(
      `${ODOO}/http.py`,
      390,
      'dispatch_rpc',
      'dispatch = rpc_dispatchers[service_name]',
      '           ~~~~~~~~~~~~~~~^^^^^^^^^^^^^^',
    ),
  serviceDispatch: (): Frame =>
    call(
      `${ODOO}/http.py`,
      391,
      'dispatch_rpc',
      'return dispatch(method, params)',
      'dispatch(method, params)',
    ),
  dumps: (): Frame[] => [
    call(
      `${ODOO}/addons/base/controllers/rpc.py`,
      128,
      '_xmlrpc',
      'return xmlrpc.client.dumps((result,), methodresponse=1, allow_none=False)',
      'xmlrpc.client.dumps((result,), methodresponse=1, allow_none=False)',
    ),
    call(`${PY}/xmlrpc/client.py`, 981, 'dumps', 'data = m.dumps(params)', 'm.dumps(params)'),
    frame(`${PY}/xmlrpc/client.py`, 514, 'dumps', 'dump(v, write)'),
    frame(`${PY}/xmlrpc/client.py`, 536, '__dump', 'f(self, value, write)'),
  ],
  commonDispatch: (): Frame =>
    call(
      `${ODOO}/service/common.py`,
      56,
      'dispatch',
      'return g[exp_method_name](*params)',
      'g[exp_method_name](*params)',
    ),
  dbDispatch: (): Frame =>
    call(
      `${ODOO}/service/db.py`,
      469,
      'dispatch',
      'return g[exp_method_name](*params)',
      'g[exp_method_name](*params)',
    ),
  objectParams: (): Frame =>
    frame(
      `${ODOO}/service/model.py`,
      27,
      'dispatch',
      'db, uid, passwd = params[0], int(params[1]), params[2]',
      '                                             ~~~~~~^^^',
    ),
  objectExecuteKw: (): Frame =>
    call(
      `${ODOO}/service/model.py`,
      37,
      'dispatch',
      'res = execute_kw(db, uid, *params[3:])',
      'execute_kw(db, uid, *params[3:])',
    ),
  objectExecute: (): Frame =>
    call(
      `${ODOO}/service/model.py`,
      35,
      'dispatch',
      'res = execute(db, uid, *params[3:])',
      'execute(db, uid, *params[3:])',
    ),
  objectNameError: (): Frame =>
    frame(
      `${ODOO}/service/model.py`,
      39,
      'dispatch',
      'raise NameError("Method not available %s" % method)',
    ),
  executeKw: (): Frame =>
    call(
      `${ODOO}/service/model.py`,
      59,
      'execute_kw',
      'return execute(db, uid, obj, method, *args, **kw or {})',
      'execute(db, uid, obj, method, *args, **kw or {})',
    ),
  execute: (): Frame[] => [
    call(
      `${ODOO}/service/model.py`,
      65,
      'execute',
      'res = execute_cr(cr, uid, obj, method, *args, **kw)',
      'execute_cr(cr, uid, obj, method, *args, **kw)',
    ),
    call(
      `${ODOO}/service/model.py`,
      50,
      'execute_cr',
      'result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)',
      'retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)',
    ),
    call(`${ODOO}/service/model.py`, 133, 'retrying', 'result = func()', 'func()'),
  ],
  checkMethodName: (): Frame[] => [
    frame(`${ODOO}/service/model.py`, 64, 'execute', 'check_method_name(method)'),
    frame(`${ODOO}/service/model.py`, 157, 'check_method_name', 'if regex_private.match(name):'),
  ],
  callKwUnknownMethod: (): Frame =>
    frame(
      `${ODOO}/api.py`,
      461,
      'call_kw',
      `raise AttributeError(f"The method '{name}' does not exist on the model '{model._name}'")`,
    ),
  callKw(api: 'model' | 'create' | 'multi'): Frame[] {
    if (api === 'multi') {
      return [
        call(
          `${ODOO}/api.py`,
          468,
          'call_kw',
          'result = _call_kw_multi(method, model, args, kwargs)',
          '_call_kw_multi(method, model, args, kwargs)',
        ),
        call(
          `${ODOO}/api.py`,
          453,
          '_call_kw_multi',
          'result = method(recs, *args, **kwargs)',
          'method(recs, *args, **kwargs)',
        ),
      ];
    }
    if (api === 'create') {
      return [
        call(
          `${ODOO}/api.py`,
          466,
          'call_kw',
          'result = _call_kw_model_create(method, model, args, kwargs)',
          '_call_kw_model_create(method, model, args, kwargs)',
        ),
        call(
          `${ODOO}/api.py`,
          444,
          '_call_kw_model_create',
          'result = method(recs, *args, **kwargs)',
          'method(recs, *args, **kwargs)',
        ),
      ];
    }
    return [
      call(
        `${ODOO}/api.py`,
        464,
        'call_kw',
        'result = _call_kw_model(method, model, args, kwargs)',
        '_call_kw_model(method, model, args, kwargs)',
      ),
      call(
        `${ODOO}/api.py`,
        435,
        '_call_kw_model',
        'result = method(recs, *args, **kwargs)',
        'method(recs, *args, **kwargs)',
      ),
    ];
  },
  callKwIds: (): Frame =>
    frame(
      `${ODOO}/api.py`,
      450,
      '_call_kw_multi',
      'ids, args = args[0], args[1:]',
      '           ~~~~^^^',
    ),
  flush: (): Frame[] => [
    frame(`${ODOO}/api.py`, 469, 'call_kw', 'model.env.flush_all()'),
    frame(`${ODOO}/api.py`, 723, 'flush_all', 'self[model_name].flush_model()'),
    frame(`${ODOO}/models.py`, 6306, 'flush_model', 'self._flush(fnames)'),
    frame(`${ODOO}/models.py`, 6407, '_flush', 'model.browse(ids)._write(vals)'),
    frame(`${ODOO}/models.py`, 4504, '_write', 'cr.execute(SQL('),
    call(
      `${ODOO}/sql_db.py`,
      332,
      'execute',
      'res = self._obj.execute(query, params)',
      'self._obj.execute(query, params)',
    ),
  ],
  domain: (): Frame[] => [
    call(
      `${ODOO}/models.py`,
      1611,
      'search',
      'return self.search_fetch(domain, [], offset=offset, limit=limit, order=order)',
      'self.search_fetch(domain, [], offset=offset, limit=limit, order=order)',
    ),
    call(
      `${ODOO}/models.py`,
      1634,
      'search_fetch',
      'query = self._search(domain, offset=offset, limit=limit, order=order or self._order)',
      'self._search(domain, offset=offset, limit=limit, order=order or self._order)',
    ),
    call(
      `${ODOO}/models.py`,
      5399,
      '_search',
      'query = self._where_calc(domain)',
      'self._where_calc(domain)',
    ),
    call(
      `${ODOO}/models.py`,
      5110,
      '_where_calc',
      'return expression.expression(domain, self).query',
      'expression.expression(domain, self)',
    ),
    call(
      `${ODOO}/osv/expression.py`,
      788,
      '__init__',
      'self.expression = domain_combine_anies(domain, model)',
      'domain_combine_anies(domain, model)',
    ),
    call(
      `${ODOO}/osv/expression.py`,
      597,
      'domain_combine_anies',
      'domain_any = _anyfy_leaves(domain, model)',
      '_anyfy_leaves(domain, model)',
    ),
  ],
  invalidLeafField: (): Frame =>
    frame(
      `${ODOO}/osv/expression.py`,
      379,
      '_anyfy_leaves',
      'raise ValueError(f"Invalid field {model._name}.{path[0]} in leaf {item}")',
    ),
  unpackLeaf: (): Frame =>
    frame(
      `${ODOO}/osv/expression.py`,
      371,
      '_anyfy_leaves',
      'left, operator, right = item = tuple(item)',
      '^^^^^^^^^^^^^^^^^^^^^',
    ),
  sqlQuery: (): Frame[] => [
    call(
      `${ODOO}/models.py`,
      1642,
      'search_fetch',
      'return self._fetch_query(query, fields_to_fetch)',
      'self._fetch_query(query, fields_to_fetch)',
    ),
    call(
      `${ODOO}/models.py`,
      3942,
      '_fetch_query',
      'fetched = self.browse(query)',
      'self.browse(query)',
    ),
    frame(`${ODOO}/models.py`, 5817, 'browse', 'if not ids:'),
    call(
      `${ODOO}/tools/query.py`,
      261,
      '__bool__',
      'return bool(self.get_result_ids())',
      'self.get_result_ids()',
    ),
    frame(`${ODOO}/tools/query.py`, 224, 'get_result_ids', 'self._cr.execute(self.select())'),
    call(
      `${ODOO}/sql_db.py`,
      332,
      'execute',
      'res = self._obj.execute(query, params)',
      'self._obj.execute(query, params)',
    ),
  ],
  orm: (func: string, code: string, line = 4000): Frame =>
    frame(`${ODOO}/models.py`, line, func, code),
  fields: (func: string, code: string, line = 3000): Frame =>
    frame(`${ODOO}/fields.py`, line, func, code),
};

const REGISTRY_HEAD: Frame[] = [
  frame(
    `${ODOO}/modules/registry.py`,
    87,
    '__new__',
    'return cls.registries[db_name]',
    '       ~~~~~~~~~~~~~~^^^^^^^^^',
  ),
  call(
    '/usr/lib/python3/dist-packages/decorator.py',
    232,
    'fun',
    'return caller(func, *(extras + args), **kw)',
    'caller(func, *(extras + args), **kw)',
  ),
  call(
    `${ODOO}/tools/func.py`,
    87,
    'locked',
    'return func(inst, *args, **kwargs)',
    'func(inst, *args, **kwargs)',
  ),
  frame(`${ODOO}/tools/lru.py`, 34, '__getitem__', 'a = self.d[obj]', '    ~~~~~~^^^^^'),
];

const REGISTRY_TAIL: Frame[] = [
  call(
    `${ODOO}/__init__.py`,
    125,
    'registry',
    'return modules.registry.Registry(database_name)',
    'modules.registry.Registry(database_name)',
  ),
  call(`${ODOO}/modules/registry.py`, 89, '__new__', 'return cls.new(db_name)', 'cls.new(db_name)'),
  call(
    '/usr/lib/python3/dist-packages/decorator.py',
    232,
    'fun',
    'return caller(func, *(extras + args), **kw)',
    'caller(func, *(extras + args), **kw)',
  ),
  call(
    `${ODOO}/tools/func.py`,
    87,
    'locked',
    'return func(inst, *args, **kwargs)',
    'func(inst, *args, **kwargs)',
  ),
  frame(`${ODOO}/modules/registry.py`, 101, 'new', 'registry.init(db_name)'),
  frame(
    `${ODOO}/modules/registry.py`,
    182,
    'init',
    'with closing(self.cursor()) as cr:',
    '             ^^^^^^^^^^^^^',
  ),
  call(
    `${ODOO}/modules/registry.py`,
    950,
    'cursor',
    'return self._db.cursor()',
    'self._db.cursor()',
  ),
  call(
    `${ODOO}/sql_db.py`,
    752,
    'cursor',
    'return Cursor(self.__pool, self.__dbname, self.__dsn)',
    'Cursor(self.__pool, self.__dbname, self.__dsn)',
  ),
  call(`${ODOO}/sql_db.py`, 267, '__init__', 'self._cnx = pool.borrow(dsn)', 'pool.borrow(dsn)'),
  call(
    '/usr/lib/python3/dist-packages/decorator.py',
    232,
    'fun',
    'return caller(func, *(extras + args), **kw)',
    'caller(func, *(extras + args), **kw)',
  ),
  call(
    `${ODOO}/tools/func.py`,
    87,
    'locked',
    'return func(inst, *args, **kwargs)',
    'func(inst, *args, **kwargs)',
  ),
  frame(
    `${ODOO}/sql_db.py`,
    681,
    'borrow',
    'result = psycopg2.connect(',
    '         ^^^^^^^^^^^^^^^^^',
  ),
  call(
    '/usr/lib/python3/dist-packages/psycopg2/__init__.py',
    122,
    'connect',
    'conn = _connect(dsn, connection_factory=connection_factory, **kwasync)',
    '_connect(dsn, connection_factory=connection_factory, **kwasync)',
  ),
];

/**
 * What `odoo.registry(db)` raises for a database that does not exist: psycopg2 cannot connect.
 * `via` says which service asked (common.authenticate or the object service's credential check).
 */
export function unknownDatabase(db: string, via: 'common' | 'object'): PythonError {
  const entry: Frame[] =
    via === 'common'
      ? [
          call(
            `${ODOO}/service/common.py`,
            25,
            'exp_authenticate',
            "res_users = odoo.registry(db)['res.users']",
            'odoo.registry(db)',
          ),
        ]
      : [
          frame(`${ODOO}/service/model.py`, 28, 'dispatch', 'security.check(db, uid, passwd)'),
          call(
            `${ODOO}/service/security.py`,
            8,
            'check',
            "res_users = odoo.registry(db)['res.users']",
            'odoo.registry(db)',
          ),
        ];
  const error = new PythonError(
    'psycopg2.OperationalError',
    `connection to server at "127.0.0.1", port 5433 failed: FATAL:  database ${pyStrForPg(db)} does not exist\n`,
    [...entry, ...REGISTRY_TAIL],
  );
  error.context = `Traceback (most recent call last):\n${formatFrames(REGISTRY_HEAD)}KeyError: ${pyRepr(db)}\n`;
  return error;
}

function pyStrForPg(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

// ---------------------------------------------------------------------------------------------
// Python text

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** repr() of a Python str. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const out: string[] = [quote];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out.push('\\\\');
    else if (char === quote) out.push('\\' + quote);
    else if (char === '\n') out.push('\\n');
    else if (char === '\r') out.push('\\r');
    else if (char === '\t') out.push('\\t');
    else if (char !== ' ' && NON_PRINTABLE.test(char)) {
      if (code <= 0xff) out.push('\\x' + code.toString(16).padStart(2, '0'));
      else if (code <= 0xffff) out.push('\\u' + code.toString(16).padStart(4, '0'));
      else out.push('\\U' + code.toString(16).padStart(8, '0'));
    } else out.push(char);
  }
  out.push(quote);
  return out.join('');
}

/** repr() of a Python float (the shortest round-trip form, as `repr(1364.48)` gives). */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt = exponent + 1;
  let text: string;
  if (pointAt > -4 && pointAt <= 16) {
    if (pointAt <= 0) text = '0.' + '0'.repeat(-pointAt) + digits;
    else if (pointAt >= digits.length) text = digits + '0'.repeat(pointAt - digits.length) + '.0';
    else text = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  } else {
    const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
    const sign = exponent < 0 ? '-' : '+';
    text = `${digits[0]}${fraction}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return negative ? '-' + text : text;
}

/** Python's name for the type of a value decoded from XML-RPC. */
export function pyTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  if (value instanceof Double) return 'float';
  if (Array.isArray(value)) return 'list';
  if (Buffer.isBuffer(value)) return 'Binary';
  if (value instanceof XmlRpcDateTime) return 'DateTime';
  return 'dict';
}

/** repr() of a value decoded from XML-RPC (lists stay lists; `asTuple` prints a tuple). */
export function pyRepr(value: unknown, asTuple = false): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : pyFloatRepr(value);
  if (typeof value === 'string') return pyStrRepr(value);
  if (value instanceof Double) return pyFloatRepr(value.value);
  if (value instanceof XmlRpcDateTime)
    return `<DateTime ${pyStrRepr(value.raw)} at 0x7f3a1c2b9e50>`;
  if (Buffer.isBuffer(value)) return `<xmlrpc.client.Binary object at 0x7f3a1c2b9e90>`;
  if (Array.isArray(value)) {
    const items = value.map((item) => pyRepr(item));
    if (asTuple) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([key, item]) => `${pyStrRepr(key)}: ${pyRepr(item)}`,
  );
  return `{${entries.join(', ')}}`;
}

/** str() of a value: like repr() except that a str prints bare. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** 'a', 'a' and 'b', 'a', 'b', and 'c': how CPython lists missing argument names. */
function pyNameList(names: string[]): string {
  const quoted = names.map((name) => `'${name}'`);
  if (quoted.length === 1) return quoted[0];
  if (quoted.length === 2) return `${quoted[0]} and ${quoted[1]}`;
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted[quoted.length - 1]}`;
}

export interface Parameter {
  name: string;
  /** Absent = required. */
  default?: unknown;
}

/** A Python function signature, without `self` (which CPython still counts in its messages). */
export interface Signature {
  qualname: string;
  positional: Parameter[];
  keywordOnly?: Parameter[];
  varKeywords?: boolean;
  /** True for methods: the bound `self` counts as one positional argument. */
  hasSelf?: boolean;
}

export interface BoundArguments {
  values: Record<string, unknown>;
  extra: Record<string, unknown>;
}

/**
 * Binds positional and keyword arguments to a signature the way CPython does, raising
 * TypeError with CPython 3.11's wording when they do not fit.
 */
export function bindArguments(
  signature: Signature,
  args: unknown[],
  kwargs: Record<string, unknown>,
  frames: Frame[] = [],
): BoundArguments {
  const self = signature.hasSelf === false ? 0 : 1;
  const fail = (message: string): never => {
    throw new PythonError('TypeError', `${signature.qualname}() ${message}`, frames);
  };
  const values: Record<string, unknown> = {};
  const assigned = new Set<string>();
  const extra: Record<string, unknown> = {};
  const positional = signature.positional;
  const keywordOnly = signature.keywordOnly ?? [];
  args.slice(0, positional.length).forEach((value, index) => {
    values[positional[index].name] = value;
    assigned.add(positional[index].name);
  });
  let keywordOnlyGiven = 0;
  for (const [name, value] of Object.entries(kwargs)) {
    const isPositional = positional.some((parameter) => parameter.name === name);
    const isKeywordOnly = keywordOnly.some((parameter) => parameter.name === name);
    if (!isPositional && !isKeywordOnly) {
      if (signature.varKeywords) {
        extra[name] = value;
        continue;
      }
      fail(`got an unexpected keyword argument '${name}'`);
    }
    if (assigned.has(name)) fail(`got multiple values for argument '${name}'`);
    if (isKeywordOnly) keywordOnlyGiven += 1;
    values[name] = value;
    assigned.add(name);
  }
  if (args.length > positional.length) {
    const required = positional.filter((parameter) => !('default' in parameter)).length + self;
    const total = positional.length + self;
    const given = args.length + self;
    const range = required === total ? String(total) : `from ${required} to ${total}`;
    const plural = required !== total || total !== 1 ? 's' : '';
    const keywordOnlyText = keywordOnlyGiven
      ? ` positional argument${given !== 1 ? 's' : ''} (and ${keywordOnlyGiven} keyword-only argument${keywordOnlyGiven !== 1 ? 's' : ''})`
      : '';
    const verb = given === 1 && !keywordOnlyGiven ? 'was' : 'were';
    fail(
      `takes ${range} positional argument${plural} but ${given}${keywordOnlyText} ${verb} given`,
    );
  }
  const missing = positional
    .filter((parameter) => !('default' in parameter) && !assigned.has(parameter.name))
    .map((parameter) => parameter.name);
  if (missing.length) {
    const plural = missing.length === 1 ? '' : 's';
    fail(`missing ${missing.length} required positional argument${plural}: ${pyNameList(missing)}`);
  }
  const missingKeywordOnly = keywordOnly
    .filter((parameter) => !('default' in parameter) && !assigned.has(parameter.name))
    .map((parameter) => parameter.name);
  if (missingKeywordOnly.length) {
    const plural = missingKeywordOnly.length === 1 ? '' : 's';
    fail(
      `missing ${missingKeywordOnly.length} required keyword-only argument${plural}: ${pyNameList(missingKeywordOnly)}`,
    );
  }
  for (const parameter of [...positional, ...keywordOnly]) {
    if (!assigned.has(parameter.name)) values[parameter.name] = parameter.default;
  }
  return { values, extra };
}

/** Python truthiness of a value decoded from XML-RPC. */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '')
    return false;
  if (value instanceof Double) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (Buffer.isBuffer(value)) return value.length > 0;
  if (typeof value === 'object' && !(value instanceof XmlRpcDateTime)) {
    return Object.keys(value as object).length > 0;
  }
  return true;
}

/** `int(value)` with Python's errors. */
export function pyInt(value: unknown, frames: Frame[] = []): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new PythonError(
        Number.isNaN(value) ? 'ValueError' : 'OverflowError',
        Number.isNaN(value)
          ? 'cannot convert float NaN to integer'
          : 'cannot convert float infinity to integer',
        frames,
      );
    }
    return Math.trunc(value);
  }
  if (value instanceof Double) return pyInt(value.value, frames);
  if (typeof value === 'string') {
    if (/^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, '').trim());
    throw new PythonError(
      'ValueError',
      `invalid literal for int() with base 10: ${pyStrRepr(value)}`,
      frames,
    );
  }
  throw new PythonError(
    'TypeError',
    `int() argument must be a string, a bytes-like object or a real number, not '${pyTypeName(value)}'`,
    frames,
  );
}

/** `float(value)` with Python's errors. */
export function pyFloat(value: unknown, frames: Frame[] = []): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (value instanceof Double) return value.value;
  if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '');
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
    if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/i.test(text)) return NaN;
    throw new PythonError(
      'ValueError',
      `could not convert string to float: ${pyStrRepr(value)}`,
      frames,
    );
  }
  throw new PythonError(
    'TypeError',
    `float() argument must be a string or a real number, not '${pyTypeName(value)}'`,
    frames,
  );
}

/**
 * The "LINE 1: ..." excerpt and caret that libpq appends to a PostgreSQL error, for a one-line
 * query and a 0-based cursor column (libpq's DISPLAY_SIZE 60, MIN_RIGHT_CUT 10).
 */
export function pgErrorPosition(query: string, cursor: number): string {
  const displaySize = 60;
  const minRightCut = 10;
  let lineEnd = query.length;
  let lineStart = 0;
  let beginTruncated = false;
  let endTruncated = false;
  if (lineEnd - lineStart > displaySize) {
    if (cursor + minRightCut <= displaySize) {
      lineEnd = lineStart + displaySize;
      endTruncated = true;
    } else {
      if (cursor + minRightCut < lineEnd) {
        lineEnd = cursor + minRightCut;
        endTruncated = true;
      }
      if (lineEnd - lineStart > displaySize) {
        lineStart = lineEnd - displaySize;
        beginTruncated = true;
      }
    }
  }
  const prefix = 'LINE 1: ' + (beginTruncated ? '...' : '');
  const excerpt = query.slice(lineStart, lineEnd) + (endTruncated ? '...' : '');
  return `${prefix}${excerpt}\n${' '.repeat(prefix.length + cursor - lineStart)}^\n`;
}
