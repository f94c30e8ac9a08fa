import { OdooError } from './errors';
import { describeValue, englishMessage, MessageKey, MessageParams, Translate } from './messages';
import type { BinaryForm } from './client';
import { setOwn } from './objects';
import type { MatchRule } from './upsert';

export const DEFAULT_PAGE_SIZE = 1000;

/**
 * Checks the shape of every parameter before anything is sent, and turns JavaScript values into
 * what Odoo accepts over the wire.
 */
export class ParamChecker {
  constructor(private readonly translate: Translate = englishMessage) {}

  fail(key: MessageKey, params: MessageParams): never {
    throw new OdooError('ODOO_INVALID_INPUT', this.translate(key, params));
  }

  private invalid(key: MessageKey, value: unknown, extra: MessageParams = {}): never {
    return this.fail(key, { value: describeValue(value), ...extra });
  }

  model(value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') this.invalid('invalid-model', value);
    return value.trim();
  }

  method(value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') this.invalid('invalid-method', value);
    return value.trim();
  }

  /** A single id becomes a one-element list, so every node answers the same way. */
  ids(value: unknown): number[] {
    if (isPositiveInteger(value)) return [value];
    if (Array.isArray(value) && value.every(isPositiveInteger)) return value;
    return this.invalid('invalid-ids', value);
  }

  domain(value: unknown): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.invalid('invalid-domain', value);
    return this.wire(value, 'domain') as unknown[];
  }

  /** Field names as an array, or a comma-separated string (handy with env variables). */
  fields(value: unknown): string[] | undefined {
    if (value === undefined) return undefined;
    const names =
      typeof value === 'string'
        ? value
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name !== '')
        : value;
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string' && name !== '')) {
      return this.invalid('invalid-fields', value);
    }
    return names.length === 0 ? undefined : names;
  }

  /** limit and offset: integers, or strings of digits (env variables are always strings). */
  count(name: string, value: unknown): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    return this.invalid('invalid-count', value, { name });
  }

  /** Rows per call when a search is read page by page (default 1000). */
  pageSize(value: unknown): number {
    return this.wholeNumber('invalid-page-size', value, 1, DEFAULT_PAGE_SIZE);
  }

  /** Records per `create` call; 0 (the default) sends the whole list in one call. */
  batchSize(value: unknown): number {
    return this.wholeNumber('invalid-batch-size', value, 0, 0);
  }

  /** Plain node properties arrive as text from the editor: digits are accepted too. */
  private wholeNumber(key: MessageKey, value: unknown, min: number, fallback: number): number {
    if (value === undefined || value === null || value === '') return fallback;
    const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min) {
      return this.invalid(key, value);
    }
    return number;
  }

  /** How an upsert finds records: `externalId`, a field, or fields (a list or "a, b"). */
  match(value: unknown): MatchRule {
    if (typeof value === 'string' && value.trim() === 'externalId') return { externalId: true };
    const names = typeof value === 'string' ? value.split(',') : value;
    const valid =
      Array.isArray(names) &&
      names.length > 0 &&
      names.every((name) => typeof name === 'string' && name.trim() !== '');
    if (!valid) return this.invalid('invalid-match', value);
    return { fields: [...new Set(names.map((name: string) => name.trim()))] };
  }

  binary(value: unknown): BinaryForm {
    if (value === undefined || value === '' || value === 'base64') return 'base64';
    if (value === 'buffer') return 'buffer';
    return this.invalid('invalid-binary', value);
  }

  order(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.invalid('invalid-order', value);
    return value.trim() === '' ? undefined : value.trim();
  }

  context(value: unknown): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    if (!isPlainObject(value)) this.invalid('invalid-context', value);
    return this.wire(value, 'context') as Record<string, unknown>;
  }

  createValues(value: unknown): Record<string, unknown> | Record<string, unknown>[] {
    const valid = isPlainObject(value) || (Array.isArray(value) && value.every(isPlainObject));
    if (!valid) this.invalid('invalid-create-values', value);
    return this.wire(value, 'values') as Record<string, unknown> | Record<string, unknown>[];
  }

  writeValues(value: unknown): Record<string, unknown> {
    if (!isPlainObject(value)) this.invalid('invalid-write-values', value);
    return this.wire(value, 'values') as Record<string, unknown>;
  }

  args(value: unknown): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.invalid('invalid-args', value);
    return this.wire(value, 'args') as unknown[];
  }

  kwargs(value: unknown): Record<string, unknown> {
    if (value === undefined) return {};
    if (!isPlainObject(value)) this.invalid('invalid-kwargs', value);
    return this.wire(value, 'kwargs') as Record<string, unknown>;
  }

  /**
   * A deep copy in the form Odoo expects: Dates as UTC `YYYY-MM-DD HH:MM:SS` strings, Buffers
   * as base64 text (Odoo refuses XML-RPC `<base64>` for binary fields), undefined members left
   * out, and characters XML cannot carry removed (Odoo strips them from its own answers too).
   */
  wire(value: unknown, path: string, depth = 0): unknown {
    if (depth > 64)
      this.fail('invalid-value', { path, reason: 'it is nested too deeply (or circular)' });
    switch (typeof value) {
      case 'string':
        return value.replace(XML_FORBIDDEN_CHARACTERS, '');
      case 'boolean':
        return value;
      case 'number':
        if (!Number.isFinite(value)) {
          this.fail('invalid-value', { path, reason: `${value} is not a finite number` });
        }
        if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
          this.fail('invalid-value', {
            path,
            reason: `${value} is beyond the integers a number holds exactly (±9007199254740991)`,
          });
        }
        return value;
      case 'bigint':
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
          this.fail('invalid-value', { path, reason: `${value} is too large` });
        }
        return Number(value);
      case 'undefined':
        return null;
      case 'object':
        break;
      default:
        return this.fail('invalid-value', { path, reason: `a ${typeof value} is not data` });
    }
    if (value === null) return null;
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime()))
        this.fail('invalid-value', { path, reason: 'invalid date' });
      return odooDatetime(value);
    }
    if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
      return Buffer.from(value).toString('base64');
    }
    if (Array.isArray(value)) {
      return value.map((item, index) => this.wire(item, `${path}[${index}]`, depth + 1));
    }
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) setOwn(copy, key, this.wire(item, `${path}.${key}`, depth + 1));
    }
    return copy;
  }
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Odoo's datetime format: naive UTC, second precision. */
export function odooDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
