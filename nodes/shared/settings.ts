/**
 * A number a node property holds (the editor stores what was typed, as text): undefined when it
 * is empty, so the default applies; NaN when it is not a number, so the check refuses it.
 */
export function numberSetting(value: unknown): number | undefined {
  if (value === undefined || value === null || String(value).trim() === '') return undefined;
  return Number(value);
}
