/**
 * Synthetic contacts for volume tests and benchmarks: `count` ordinary res.partner records, as if
 * imported before the test started. They are stored directly, with every column a created record
 * has, so a million of them take seconds rather than a million `create` calls.
 */
import type { Database } from './orm';

const ADMIN_UID = 2;
const FIRST_NAMES = ['Alice', 'Bruno', 'Chloé', 'Dmitri', 'Emma', 'Farid', 'Greta', 'Hugo'];
const LAST_NAMES = ['Martin', 'Okafor', 'Schmidt', 'Tanaka', 'Rossi', 'Dubois', 'Novak', 'Silva'];
const STREETS = ['Main Street', 'Rue de la Paix', 'Hauptstraße', 'Via Roma', 'Calle Mayor'];
const CITIES = [
  ['Springfield', '62701'],
  ['Lyon', '69002'],
  ['München', '80331'],
  ['Bologna', '40121'],
  ['Sevilla', '41001'],
];

/** Adds `count` partners after the existing ones; returns the first and last new ids. */
export function seedPartners(database: Database, count: number): { first: number; last: number } {
  const partners = database.models.get('res.partner')!;
  const countries = [...database.models.get('res.country')!.rows.keys()];
  const timestamp = database.clock();
  const special: Record<string, unknown> = {
    now: timestamp.slice(0, 19),
    uid: ADMIN_UID,
    context_lang: null,
    context_tz: null,
  };
  const defaults = new Map<string, unknown>([
    ['create_uid', ADMIN_UID],
    ['create_date', timestamp],
    ['write_uid', ADMIN_UID],
    ['write_date', timestamp],
  ]);
  for (const column of partners.columns) {
    const value = column.spec.default;
    if (column.type === 'many2many') defaults.set(column.name, []);
    else if (typeof value === 'string' && value in special)
      defaults.set(column.name, special[value]);
    else defaults.set(column.name, value ?? null);
  }
  const slots = partners.rowLayout.map((key) => defaults.get(key) ?? null);
  const slot = (key: string) => partners.rowLayout.indexOf(key);
  const [id, name, email, phone, street, city, zip, country] = [
    'id',
    'name',
    'email',
    'phone',
    'street',
    'city',
    'zip',
    'country_id',
  ].map(slot);
  const manyToMany = slots.flatMap((value, index) => (Array.isArray(value) ? [index] : []));

  const first = partners.nextId;
  for (let index = 0; index < count; index++) {
    const newId = partners.nextId++;
    const firstName = FIRST_NAMES[index % FIRST_NAMES.length];
    const lastName = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length];
    const place = CITIES[index % CITIES.length];
    slots[id] = newId;
    slots[name] = `${firstName} ${lastName} ${newId}`;
    slots[email] = `${firstName.toLowerCase()}.${lastName.toLowerCase()}.${newId}@example.com`;
    slots[phone] = `+1 555-${String(newId % 10_000).padStart(4, '0')}`;
    slots[street] = `${(newId % 997) + 1} ${STREETS[index % STREETS.length]}`;
    slots[city] = place[0];
    slots[zip] = place[1];
    slots[country] = countries[index % countries.length];
    for (const column of manyToMany) slots[column] = [];
    partners.rows.set(newId, partners.newRow(slots));
  }
  return { first, last: partners.nextId - 1 };
}
