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
