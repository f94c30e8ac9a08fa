import { isOdooError } from './errors';

const RETRYABLE_NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 30_000;

/**
 * How long to wait before sending a read again, or undefined when the failure is not worth a
 * retry: exponential backoff with full jitter, or the server's Retry-After when it gives one.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  random = Math.random,
): number | undefined {
  if (!isOdooError(error)) return undefined;
  const cause = (error.cause ?? {}) as { code?: string; status?: number; retryAfter?: string };
  const retryable =
    (error.code === 'ODOO_NETWORK_ERROR' && RETRYABLE_NETWORK.has(cause.code ?? '')) ||
    (error.code === 'ODOO_PROTOCOL_ERROR' && RETRYABLE_STATUS.has(cause.status ?? 0));
  if (!retryable) return undefined;
  const requested = retryAfterMs(cause.retryAfter);
  if (requested !== undefined) return Math.min(requested, MAX_DELAY_MS * 4);
  return Math.round(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt));
}

/** `Retry-After` is either seconds or an HTTP date. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
