/** Answers reduced to their shapes, to compare the stand-in with a real Odoo. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a call answered, reduced to its shape. */
export function shapeOf(value: unknown): Json {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const shapes = [...new Set(value.map((item) => JSON.stringify(shapeOf(item))))].sort();
    return ['list of', ...shapes.map((shape) => JSON.parse(shape) as Json)];
  }
  if (typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
    );
  }
  return typeof value;
}
