export const ERROR_CODES = [
  'ODOO_INVALID_INPUT',
  'ODOO_ACCESS_DENIED',
  'ODOO_ACCESS_ERROR',
  'ODOO_USER_ERROR',
  'ODOO_SERVER_ERROR',
  'ODOO_NETWORK_ERROR',
  'ODOO_PROTOCOL_ERROR',
  'ODOO_TIMEOUT',
] as const;

export type OdooErrorCode = (typeof ERROR_CODES)[number];

/** What Odoo itself said, kept on `err.cause` (Catch nodes see it as `msg.error.cause`). */
export interface OdooFault {
  faultCode: number | string;
  faultString: string;
}

/**
 * Every failure of the client is an OdooError with one of the public codes. Its message is meant
 * for a person; `cause` carries machine-readable details and never the request (which holds the
 * API key).
 */
export class OdooError extends Error {
  override readonly name = 'OdooError';
  readonly code: OdooErrorCode;

  constructor(code: OdooErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }

  /** Node-RED shows `String(err)` as msg.error.message: keep it the plain message. */
  override toString(): string {
    return this.message;
  }
}

export function isOdooError(value: unknown, code?: OdooErrorCode): value is OdooError {
  return value instanceof OdooError && (code === undefined || value.code === code);
}

const CODE_BY_FAULT: Record<number, OdooErrorCode> = {
  1: 'ODOO_SERVER_ERROR',
  2: 'ODOO_USER_ERROR',
  3: 'ODOO_ACCESS_DENIED',
  4: 'ODOO_ACCESS_ERROR',
};

/** The one mapping from an XML-RPC fault of `/xmlrpc/2` to our error codes. */
export function errorFromFault(fault: OdooFault): OdooError {
  const code =
    (typeof fault.faultCode === 'number' && CODE_BY_FAULT[fault.faultCode]) || 'ODOO_SERVER_ERROR';
  const message =
    code === 'ODOO_SERVER_ERROR' ? exceptionLine(fault.faultString) : fault.faultString.trim();
  return new OdooError(code, message || `Odoo fault ${String(fault.faultCode)}`, fault);
}

const TRACEBACK_START = 'Traceback (most recent call last):';

/**
 * The line of a Python traceback that names the exception, e.g.
 * `ValueError: Invalid field res.partner.nofield in leaf ('nofield', '=', 1)`. It follows the
 * last frame of the last traceback; database errors add `LINE 1:` lines after it.
 */
export function exceptionLine(faultString: string): string {
  const lines = faultString.split(/\r?\n/);
  const start = lines.lastIndexOf(TRACEBACK_START);
  if (start === -1) return faultString.trim();
  const line = lines.slice(start + 1).find((text) => text !== '' && !/^\s/.test(text));
  return line?.trim() ?? faultString.trim();
}

/**
 * An Odoo exception as JSON-RPC (`error.data`) and JSON-2 (the error body) describe it: the
 * Python class path in `name`, e.g. `odoo.exceptions.ValidationError`, and the traceback in
 * `debug`.
 */
export interface OdooException {
  name: string;
  message: string;
  arguments?: unknown[];
  debug?: string;
}

/** What an error from a JSON transport keeps on `err.cause`: the fault it equals, and the name. */
export interface OdooExceptionFault extends OdooFault {
  name: string;
  /** JSON-2 only: the HTTP status Odoo answered with. */
  status?: number;
}

/** Odoo's exceptions that XML-RPC reports as fault 2, 3 or 4 (by class, as `isinstance` does). */
const CODE_BY_EXCEPTION: Record<string, OdooErrorCode> = {
  'odoo.exceptions.AccessDenied': 'ODOO_ACCESS_DENIED',
  'odoo.exceptions.AccessError': 'ODOO_ACCESS_ERROR',
  'odoo.exceptions.UserError': 'ODOO_USER_ERROR',
  'odoo.exceptions.ValidationError': 'ODOO_USER_ERROR',
  'odoo.exceptions.MissingError': 'ODOO_USER_ERROR',
  'odoo.exceptions.RedirectWarning': 'ODOO_USER_ERROR',
  'odoo.exceptions.LockError': 'ODOO_USER_ERROR',
};

const FAULT_CODE: Partial<Record<OdooErrorCode, number>> = {
  ODOO_SERVER_ERROR: 1,
  ODOO_USER_ERROR: 2,
  ODOO_ACCESS_DENIED: 3,
  ODOO_ACCESS_ERROR: 4,
};

/** A JSON-RPC `error.data` or a JSON-2 error body, when it has Odoo's shape. */
export function asOdooException(value: unknown): OdooException | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { name, message, arguments: args, debug } = value as Record<string, unknown>;
  if (typeof name !== 'string' || typeof message !== 'string') return undefined;
  return {
    name,
    message,
    ...(Array.isArray(args) ? { arguments: args } : {}),
    ...(typeof debug === 'string' && debug !== '' ? { debug } : {}),
  };
}

/**
 * The one mapping from a JSON-RPC error to our codes: by exception class, the way Odoo's
 * XML-RPC picks its fault code, so every transport reports the same code and message.
 */
export function errorFromJsonRpc(exception: OdooException): OdooError {
  return errorFromException(exception, CODE_BY_EXCEPTION[exception.name] ?? 'ODOO_SERVER_ERROR');
}

/**
 * The one mapping from a JSON-2 error answer to our codes, by HTTP status: 401 the key was
 * refused, 403 access rights, 404 an unknown model or a missing record (Odoo's user errors; an
 * unknown method is a server error, as over XML-RPC), 409 and 422 user errors, anything else a
 * server error.
 */
export function errorFromJson2(status: number, exception: OdooException): OdooError {
  let code: OdooErrorCode = 'ODOO_SERVER_ERROR';
  let named = exception;
  if (status === 401) code = 'ODOO_ACCESS_DENIED';
  else if (status === 403) code = 'ODOO_ACCESS_ERROR';
  else if (status === 409 || status === 422) code = 'ODOO_USER_ERROR';
  else if (status === 404) {
    // JSON-2 raises NotFound from the AttributeError that XML-RPC reports as it is.
    if (UNKNOWN_METHOD.test(exception.message)) named = { ...exception, name: 'AttributeError' };
    else code = 'ODOO_USER_ERROR';
  }
  return errorFromException(named, code, status, exception.name);
}

const UNKNOWN_METHOD = /^The method '[^']*' does not exist/;

function errorFromException(
  exception: OdooException,
  code: OdooErrorCode,
  status?: number,
  name = exception.name,
): OdooError {
  const line = pythonExceptionLine(exception);
  const serverError = code === 'ODOO_SERVER_ERROR';
  const cause: OdooExceptionFault = {
    faultCode: FAULT_CODE[code] ?? 1,
    faultString: serverError ? (exception.debug ?? line) : exception.message,
    name,
    ...(status === undefined ? {} : { status }),
  };
  const message = serverError ? line : exception.message.trim();
  return new OdooError(code, message || `Odoo ${name}`, cause);
}

/** The line a Python traceback ends with, e.g. `ValueError: Invalid field ...`. */
function pythonExceptionLine(exception: OdooException): string {
  const className = exception.name.replace(/^builtins\./, '');
  const firstLine = exception.message.split(/\r?\n/)[0].trim();
  return firstLine ? `${className}: ${firstLine}` : className;
}
