import { isOdooError, OdooError } from './errors';
import type { Translate } from './messages';

/**
 * Creates `valuesList` in consecutive batches of `batchSize`, one `create` call each, one after
 * the other, and returns the new ids in input order. Each batch is atomic in Odoo; the whole list
 * is not. When a batch fails, the error keeps its code and gets the ids created so far in
 * `cause.createdIds` (the first `createdIds.length` records of the list, in order): nothing is
 * left unknown.
 */
export async function createInBatches(
  valuesList: Record<string, unknown>[],
  batchSize: number,
  create: (batch: Record<string, unknown>[]) => Promise<unknown>,
  translate: Translate,
  onProgress?: (created: number, total: number) => void,
): Promise<number[]> {
  const createdIds: number[] = [];
  const batches = Math.ceil(valuesList.length / batchSize);
  for (let batch = 0; batch < batches; batch++) {
    const start = batch * batchSize;
    try {
      const ids = (await create(valuesList.slice(start, start + batchSize))) as number[];
      for (const id of ids) createdIds.push(id);
    } catch (error) {
      if (!isOdooError(error)) throw error;
      const explanation = translate('batch-failed', {
        batch: batch + 1,
        batches,
        created: createdIds.length,
      });
      const cause = typeof error.cause === 'object' && error.cause !== null ? error.cause : {};
      throw new OdooError(error.code, `${error.message} (${explanation})`, {
        ...cause,
        createdIds,
      });
    }
    if (createdIds.length < valuesList.length) onProgress?.(createdIds.length, valuesList.length);
  }
  return createdIds;
}
