/** Assigns without ever touching a prototype, even for a key named `__proto__`. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** Keyword arguments without the ones left undefined (Odoo would read them as None). */
export function kwargsOf(named: Record<string, unknown>): Record<string, unknown> {
  const kwargs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(named)) {
    if (value !== undefined) kwargs[name] = value;
  }
  return kwargs;
}
