import type { FieldInfo } from './connection';
import { isOdooError, OdooError } from './errors';
import type { KeyLocks } from './key-locks';
import { describeValue, MessageKey, MessageParams, Translate } from './messages';
import { kwargsOf } from './objects';
import type { ParamChecker } from './params';

/** How an upsert finds the record of each object. */
export type MatchRule = { fields: string[] } | { externalId: true };

export type UpsertAction = 'created' | 'updated' | 'unchanged';

export interface UpsertOutcome {
  id: number;
  action: UpsertAction;
  /** The match value: a field's value, an object of them for several fields, or "module.name". */
  key: unknown;
}

export interface UpsertRun {
  model: string;
  records: Record<string, unknown>[];
  match: MatchRule;
  context?: Record<string, unknown>;
  batchSize: number;
  skipUnchanged: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** What an upsert needs of a connection. */
export interface UpsertServices {
  execute(
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Promise<unknown>;
  fieldsOf(model: string): Promise<Map<string, FieldInfo>>;
  locks: KeyLocks;
  /** How many calls the connection runs at once: the writes of a batch go that many at a time. */
  parallel: number;
  check: ParamChecker;
  translate: Translate;
}

/** Odoo's own import puts External IDs without a module here. */
export const IMPORT_MODULE = '__import__';
export const DEFAULT_UPSERT_BATCH = 500;

const MATCHABLE_TYPES = new Set([
  'char',
  'text',
  'integer',
  'float',
  'monetary',
  'boolean',
  'selection',
  'date',
  'datetime',
  'many2one',
]);

interface Item {
  index: number;
  key: unknown;
  /** The key as text, unique per model: what the lock and the duplicate check use. */
  lockKey: string;
  /** Matching by fields: each key field's value as sent to Odoo. */
  parts?: unknown[];
  values: Record<string, unknown>;
  externalId?: { module: string; name: string };
  /** Filled by the lookup. */
  existing?: Record<string, unknown>;
  /** A dangling External ID (its record was deleted): the ir.model.data id to point again. */
  danglingXmlid?: number;
}

/**
 * "Create it if new, else update it" for many records in few calls. Every object is checked
 * first, its key before anything is sent and its fields against `fields_get`: nothing is written
 * for a message with a bad one. Then, batch by batch, with the batch's keys held so no other
 * upsert through this connection can create the same record meanwhile: one lookup for all keys
 * (two by External ID), one `create` for the new records (and one to register their External
 * IDs), and one `write` per distinct set of changed values, as many at once as the connection
 * allows. An object whose stored values already equal its own is not written (skipUnchanged).
 */
export async function upsert(run: UpsertRun, services: UpsertServices): Promise<UpsertOutcome[]> {
  const items = prepare(run, services);
  const fields = await services.fieldsOf(run.model);
  checkFields(run, items, fields, services);
  const outcomes: UpsertOutcome[] = new Array<UpsertOutcome>(items.length);
  const createdIds: number[] = [];
  const updatedIds: number[] = [];
  const size = run.batchSize || items.length;
  try {
    for (let start = 0; start < items.length; start += size) {
      const batch = items.slice(start, start + size);
      const release = await services.locks.acquire(
        batch.map((item) => `${run.model}\u0000${item.lockKey}`),
      );
      try {
        await lookUp(run, batch, fields, services);
        await createNew(run, batch, services, createdIds, outcomes);
        await writeChanged(run, batch, fields, services, updatedIds, outcomes);
      } finally {
        release();
      }
      if (start + size < items.length) run.onProgress?.(start + size, items.length);
    }
  } catch (error) {
    throw withProgress(error, createdIds, updatedIds, services.translate);
  }
  return outcomes;
}

function record(outcomes: UpsertOutcome[], item: Item, id: number, action: UpsertAction): void {
  outcomes[item.index] = { id, action, key: item.key };
}

function refuse(services: UpsertServices, key: MessageKey, params: MessageParams): never {
  throw new OdooError('ODOO_INVALID_INPUT', services.translate(key, params));
}

/**
 * The keys of every object, checked for presence and duplicates before anything is sent (not
 * even `fields_get`).
 */
function prepare(run: UpsertRun, services: UpsertServices): Item[] {
  const checkUnique = uniqueKeys(services);
  return run.records.map((given, index) => {
    let item: Item;
    if ('externalId' in run.match) {
      const { externalId, ...values } = given;
      item = externalIdItem(index, externalId, values, services);
    } else {
      item = fieldItem(index, run.match.fields, given, services);
    }
    checkUnique(item);
    return item;
  });
}

/** Refuses the second object whose key is one already seen. */
function uniqueKeys(services: UpsertServices): (item: Item) => void {
  const seen = new Map<string, number>();
  return (item) => {
    const first = seen.get(item.lockKey);
    if (first !== undefined) {
      refuse(services, 'upsert-same-key', {
        first,
        second: item.index,
        key: describeValue(item.key),
      });
    }
    seen.set(item.lockKey, item.index);
  };
}

function externalIdItem(
  index: number,
  externalId: unknown,
  values: Record<string, unknown>,
  services: UpsertServices,
): Item {
  const text = typeof externalId === 'string' ? externalId.trim() : '';
  const dot = text.indexOf('.');
  const module = dot > 0 ? text.slice(0, dot) : IMPORT_MODULE;
  const name = dot > 0 ? text.slice(dot + 1) : text.replace(/^\./, '');
  if (name === '' || /\s/.test(text))
    refuse(services, 'invalid-external-id', { index, value: describeValue(externalId) });
  const key = `${module}.${name}`;
  return { index, key, lockKey: `xmlid:${key}`, values, externalId: { module, name } };
}

function fieldItem(
  index: number,
  matchFields: string[],
  values: Record<string, unknown>,
  services: UpsertServices,
): Item {
  const given = matchFields.map((name) => {
    const value = keyValue(values[name]);
    if (value === undefined)
      refuse(services, 'upsert-no-key', { index, name, value: describeValue(values[name]) });
    return value;
  });
  const key =
    given.length === 1 ? given[0] : Object.fromEntries(matchFields.map((n, i) => [n, given[i]]));
  const parts = services.check.wire(given, `values[${index}]`) as unknown[];
  return { index, key, lockKey: JSON.stringify(parts), parts, values };
}

/**
 * A key part as Odoo compares it (a many2one given as [id, name] by its id), or undefined when it
 * cannot name a record. `false` is checked against the field's type later: only a many2one may be
 * empty (no company), an empty text would match every record without one.
 */
function keyValue(value: unknown): unknown {
  const part = Array.isArray(value) && value.length === 2 ? value[0] : value;
  if (part === undefined || part === null || part === '') return undefined;
  if (part instanceof Date) return part;
  return typeof part === 'string' || typeof part === 'number' || typeof part === 'boolean'
    ? part
    : undefined;
}

/** The objects checked against the model's fields, their values made ready for the wire. */
function checkFields(
  run: UpsertRun,
  items: Item[],
  fields: Map<string, FieldInfo>,
  services: UpsertServices,
): void {
  const matchFields = 'fields' in run.match ? run.match.fields : [];
  for (const name of matchFields) {
    const field = fields.get(name);
    if (!field)
      refuse(services, 'upsert-unknown-field', { model: run.model, name, where: 'match' });
    if (!MATCHABLE_TYPES.has(field.type) || !field.searchable)
      refuse(services, 'upsert-unmatchable', { name, type: field.type });
  }
  const checkUnique = uniqueKeys(services);
  for (const item of items) {
    for (const name of Object.keys(item.values)) {
      if (!fields.has(name))
        refuse(services, 'upsert-unknown-field', {
          model: run.model,
          name,
          where: `record ${item.index}`,
        });
    }
    matchFields.forEach((name, position) => {
      const part = keyForField(item.parts![position], fields.get(name)!.type);
      if (part === undefined)
        refuse(services, 'upsert-no-key', {
          index: item.index,
          name,
          value: describeValue(item.values[name]),
        });
      item.parts![position] = part;
    });
    if (matchFields.length) item.lockKey = JSON.stringify(item.parts);
    checkUnique(item);
    item.values = services.check.wire(item.values, `values[${item.index}]`) as Record<
      string,
      unknown
    >;
  }
}

/**
 * A key part as the field stores it, so the lookup's answer can be compared exactly (`42` for an
 * integer given as "42", `2024-05-01` for a date given as a Date), or undefined when it cannot
 * name a record: only a many2one may be empty (no company); an empty text would match every
 * record without one.
 */
function keyForField(part: unknown, type: string): unknown {
  switch (type) {
    case 'many2one':
      return part === false || (Number.isSafeInteger(part) && (part as number) > 0)
        ? part
        : undefined;
    case 'integer':
    case 'float':
    case 'monetary': {
      const number = typeof part === 'string' && part.trim() !== '' ? Number(part) : part;
      return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
    }
    case 'boolean':
      return typeof part === 'boolean' ? part : undefined;
    case 'date':
      return typeof part === 'string' && /^\d{4}-\d\d-\d\d/.test(part)
        ? part.slice(0, 10)
        : undefined;
    default:
      if (typeof part === 'number') return String(part);
      return typeof part === 'string' ? part : undefined;
  }
}

/** The fields a lookup reads: the key fields, and the given ones when unchanged are skipped. */
function fieldsToRead(run: UpsertRun, batch: Item[]): string[] {
  const names = new Set<string>('fields' in run.match ? run.match.fields : []);
  if (run.skipUnchanged) for (const item of batch) for (const n in item.values) names.add(n);
  names.delete('id');
  return names.size ? [...names] : ['id'];
}

async function lookUp(
  run: UpsertRun,
  batch: Item[],
  fields: Map<string, FieldInfo>,
  services: UpsertServices,
): Promise<void> {
  const context = { ...run.context, active_test: false };
  const fieldNames = fieldsToRead(run, batch);
  if ('fields' in run.match) {
    const matchFields = run.match.fields;
    const domain = matchFields.map((name, position) => [
      name,
      'in',
      [...new Set(batch.map((item) => item.parts![position]))],
    ]);
    const rows = (await services.execute(run.model, 'search_read', [domain], {
      fields: fieldNames,
      context,
    })) as Record<string, unknown>[];
    const byKey = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) {
      const parts = matchFields.map((name) => storedKey(row[name], fields.get(name)!));
      const lockKey = JSON.stringify(parts);
      byKey.set(lockKey, [...(byKey.get(lockKey) ?? []), row]);
    }
    for (const item of batch) {
      const found = byKey.get(item.lockKey);
      if (found && found.length > 1) ambiguous(run, item, found, services);
      item.existing = found?.[0];
    }
    return;
  }
  await lookUpExternalIds(run, batch, fieldNames, context, services);
}

/** A stored key part as keyValue gives it: a many2one's id, text as it is. */
function storedKey(value: unknown, field: FieldInfo): unknown {
  if (field.type === 'many2one') return Array.isArray(value) ? value[0] : false;
  return value;
}

function ambiguous(
  run: UpsertRun,
  item: Item,
  found: Record<string, unknown>[],
  services: UpsertServices,
): never {
  const ids = found.map((row) => row.id as number).sort((a, b) => a - b);
  throw new OdooError(
    'ODOO_USER_ERROR',
    services.translate('upsert-ambiguous', {
      count: found.length,
      model: run.model,
      key: describeValue(item.key),
      ids: ids.join(', '),
    }),
    { ids, key: item.key },
  );
}

async function lookUpExternalIds(
  run: UpsertRun,
  batch: Item[],
  fieldNames: string[],
  context: Record<string, unknown>,
  services: UpsertServices,
): Promise<void> {
  const modules = [...new Set(batch.map((item) => item.externalId!.module))];
  const names = [...new Set(batch.map((item) => item.externalId!.name))];
  const entries = (await externalIdCall(services, () =>
    services.execute(
      'ir.model.data',
      'search_read',
      [
        [
          ['module', 'in', modules],
          ['name', 'in', names],
        ],
      ],
      { fields: ['module', 'name', 'model', 'res_id'] },
    ),
  )) as Array<{ id: number; module: string; name: string; model: string; res_id: number }>;
  const byKey = new Map(entries.map((entry) => [`${entry.module}.${entry.name}`, entry]));
  const resIds: number[] = [];
  for (const item of batch) {
    const entry = byKey.get(item.key as string);
    if (!entry) continue;
    if (entry.model !== run.model)
      throw new OdooError(
        'ODOO_USER_ERROR',
        services.translate('upsert-wrong-model', {
          key: item.key as string,
          other: entry.model,
          model: run.model,
        }),
      );
    resIds.push(entry.res_id);
  }
  const rows = resIds.length
    ? ((await services.execute(run.model, 'search_read', [[['id', 'in', resIds]]], {
        fields: fieldNames,
        context,
      })) as Record<string, unknown>[])
    : [];
  const byId = new Map(rows.map((row) => [row.id as number, row]));
  for (const item of batch) {
    const entry = byKey.get(item.key as string);
    if (!entry) continue;
    item.existing = byId.get(entry.res_id);
    if (!item.existing) item.danglingXmlid = entry.id;
  }
}

/** A call on ir.model.data: a refusal says which rights matching by External ID needs. */
async function externalIdCall(
  services: UpsertServices,
  call: () => Promise<unknown>,
): Promise<unknown> {
  try {
    return await call();
  } catch (error) {
    if (!isOdooError(error, 'ODOO_ACCESS_ERROR')) throw error;
    throw new OdooError(
      'ODOO_ACCESS_ERROR',
      services.translate('upsert-xmlid-rights', { reason: error.message }),
      error.cause,
    );
  }
}

async function createNew(
  run: UpsertRun,
  batch: Item[],
  services: UpsertServices,
  createdIds: number[],
  outcomes: UpsertOutcome[],
): Promise<void> {
  const fresh = batch.filter((item) => !item.existing);
  if (fresh.length === 0) return;
  if ('externalId' in run.match) await refuseInstalledModules(fresh, services);
  const ids = (await services.execute(
    run.model,
    'create',
    [fresh.map((item) => item.values)],
    kwargsOf({ context: run.context }),
  )) as number[];
  if ('externalId' in run.match) {
    try {
      await registerExternalIds(run, fresh, ids, services);
    } catch (error) {
      // Records without their External IDs would be created again by the next run.
      const compensated = await services
        .execute(run.model, 'unlink', [ids], kwargsOf({ context: run.context }))
        .then(
          () => true,
          () => false,
        );
      if (!compensated) createdIds.push(...ids);
      throw error;
    }
  }
  fresh.forEach((item, position) => record(outcomes, item, ids[position], 'created'));
  createdIds.push(...ids);
}

async function registerExternalIds(
  run: UpsertRun,
  fresh: Item[],
  ids: number[],
  services: UpsertServices,
): Promise<void> {
  const repoint = fresh.flatMap((item, position) =>
    item.danglingXmlid ? [{ xmlid: item.danglingXmlid, id: ids[position] }] : [],
  );
  const registrations = fresh.flatMap((item, position) =>
    item.danglingXmlid
      ? []
      : [{ ...item.externalId!, model: run.model, res_id: ids[position], noupdate: false }],
  );
  if (registrations.length)
    await externalIdCall(services, () =>
      services.execute('ir.model.data', 'create', [registrations], {}),
    );
  for (const { xmlid, id } of repoint)
    await externalIdCall(services, () =>
      services.execute('ir.model.data', 'write', [[xmlid], { res_id: id }], {}),
    );
}

/**
 * An installed module deletes, when it is updated, the records of its External IDs that its data
 * files do not define: new IDs must not take an installed module's name.
 */
async function refuseInstalledModules(fresh: Item[], services: UpsertServices): Promise<void> {
  const modules = [...new Set(fresh.map((item) => item.externalId!.module))].filter(
    (module) => module !== IMPORT_MODULE,
  );
  if (modules.length === 0) return;
  const installed = (await services.execute(
    'ir.module.module',
    'search_read',
    [
      [
        ['name', 'in', modules],
        ['state', '!=', 'uninstalled'],
      ],
    ],
    { fields: ['name'] },
  )) as Array<{ name: string }>;
  const item = fresh.find((entry) =>
    installed.some((module) => module.name === entry.externalId!.module),
  );
  if (item)
    refuse(services, 'upsert-installed-module', {
      key: item.key as string,
      module: item.externalId!.module,
    });
}

async function writeChanged(
  run: UpsertRun,
  batch: Item[],
  fields: Map<string, FieldInfo>,
  services: UpsertServices,
  updatedIds: number[],
  outcomes: UpsertOutcome[],
): Promise<void> {
  const writes = new Map<string, { values: Record<string, unknown>; items: Item[] }>();
  const keyFields = new Set('fields' in run.match ? run.match.fields : []);
  for (const item of batch) {
    const stored = item.existing;
    if (!stored) continue;
    const changes = run.skipUnchanged
      ? changedValues(item.values, stored, fields, keyFields)
      : item.values;
    if (Object.keys(changes).length === 0) {
      record(outcomes, item, stored.id as number, 'unchanged');
      continue;
    }
    const signature = JSON.stringify(changes);
    const write = writes.get(signature) ?? { values: changes, items: [] };
    write.items.push(item);
    writes.set(signature, write);
  }
  // As many writes at once as the server node runs calls, the rest as those finish; after a
  // failure no more are started, and those already running end before the error is passed on.
  const queue = [...writes.values()];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let write = queue.shift(); write && !failure; write = queue.shift()) {
      const ids = write.items.map((item) => item.existing!.id as number);
      try {
        await services.execute(
          run.model,
          'write',
          [ids, write.values],
          kwargsOf({ context: run.context }),
        );
      } catch (error) {
        failure ??= { error };
        return;
      }
      write.items.forEach((item, position) => record(outcomes, item, ids[position], 'updated'));
      updatedIds.push(...ids);
    }
  };
  await Promise.all(Array.from({ length: Math.min(services.parallel, queue.length) }, worker));
  if (failure) throw failure.error;
}

/**
 * The given values that differ from the stored ones, compared as Odoo stores each type; the key
 * fields found the record, so they are equal.
 */
function changedValues(
  given: Record<string, unknown>,
  stored: Record<string, unknown>,
  fields: Map<string, FieldInfo>,
  keyFields: Set<string>,
): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (keyFields.has(name)) continue;
    if (!sameValue(value, stored[name], fields.get(name)!)) changes[name] = value;
  }
  return changes;
}

function isEmpty(value: unknown): boolean {
  return value === false || value === null || value === undefined || value === '';
}

function sameValue(given: unknown, stored: unknown, field: FieldInfo): boolean {
  switch (field.type) {
    case 'many2one': {
      const id = Array.isArray(given) ? given[0] : given;
      const storedId = Array.isArray(stored) ? stored[0] : false;
      return isEmpty(id) ? storedId === false : id === storedId;
    }
    case 'one2many':
    case 'many2many': {
      const after = applyCommands(Array.isArray(stored) ? stored : [], given);
      if (!after) return false;
      const before = new Set(stored as number[]);
      return after.size === before.size && [...after].every((id) => before.has(id));
    }
    case 'integer':
    case 'float':
    case 'monetary': {
      const a = isEmpty(given) ? 0 : given;
      const b = isEmpty(stored) ? 0 : stored;
      if (typeof a !== 'number' || typeof b !== 'number') return false;
      if (field.digits) return a.toFixed(field.digits[1]) === b.toFixed(field.digits[1]);
      return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
    }
    case 'boolean':
      return Boolean(given) === (stored === true);
    default:
      if (isEmpty(given)) return isEmpty(stored);
      if (typeof given === 'object') return JSON.stringify(given) === JSON.stringify(stored);
      return given === stored;
  }
}

/**
 * The ids a to-many field holds after `value` (a list of ids, or commands), or undefined when
 * the commands create or change linked records (always a change).
 */
function applyCommands(stored: unknown[], value: unknown): Set<number> | undefined {
  if (!Array.isArray(value)) return undefined;
  if (value.every((entry) => typeof entry === 'number')) return new Set(value as number[]);
  const ids = new Set(stored as number[]);
  for (const command of value) {
    if (!Array.isArray(command)) return undefined;
    const [kind, id, list] = command as [number, number, unknown];
    if (kind === 3) ids.delete(id);
    else if (kind === 4) ids.add(id);
    else if (kind === 5) ids.clear();
    else if (kind === 6 && Array.isArray(list)) {
      ids.clear();
      for (const entry of list) ids.add(entry as number);
    } else return undefined;
  }
  return ids;
}

function withProgress(
  error: unknown,
  createdIds: number[],
  updatedIds: number[],
  translate: Translate,
): unknown {
  if (!isOdooError(error) || (createdIds.length === 0 && updatedIds.length === 0)) return error;
  const explanation = translate('upsert-failed', {
    created: createdIds.length,
    updated: updatedIds.length,
  });
  const cause = typeof error.cause === 'object' && error.cause !== null ? error.cause : {};
  return new OdooError(error.code, `${error.message} (${explanation})`, {
    ...cause,
    createdIds,
    updatedIds,
  });
}
