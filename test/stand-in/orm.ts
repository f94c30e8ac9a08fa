/**
 * An in-memory imitation of Odoo's ORM as seen through `execute_kw`: models and fields,
 * domains, ordering, read/write conversion, constraints, access rights and Python-style method
 * dispatch, with Odoo's error classes and wording.
 */
import { createHash, randomBytes } from 'crypto';
import {
  AccessGroup,
  ADMIN_API_KEY,
  DEMO_USERS,
  FieldSpec,
  MODEL_SPECS,
  ModelSpec,
  Operation,
  Row,
  demoDatabase,
  placeholderAvatar,
  serverDatetime,
} from './data';
import {
  AccessDenied,
  AccessError,
  BoundArguments,
  Double,
  FRAMES,
  HttpException,
  MissingError,
  PythonError,
  Signature,
  UserError,
  ValidationError,
  XmlRpcDateTime,
  bindArguments,
  pgErrorPosition,
  pyFloat,
  pyInt,
  pyRepr,
  pyStr,
  pyStrRepr,
  pyTruthy,
  pyTypeName,
} from './faults';

export type Version = '16.0' | '17.0' | '18.0' | '19.0';
export type Context = Record<string, unknown>;

/** Fields that Odoo never lets RPC write (silently dropped from vals). */
const LOG_ACCESS = new Set([
  'id',
  'create_uid',
  'create_date',
  'write_uid',
  'write_date',
  'parent_path',
]);

const INT4_MAX = 2147483647;
const INT4_MIN = -2147483648;
const COLLATOR = new Intl.Collator('en-US', { ignorePunctuation: true });

/** PostgreSQL's text for a timestamp: microseconds, and no fraction at all when they are zero. */
function postgresTimestamp(date: Date): string {
  const micros = String(date.getUTCMilliseconds() * 1000).padStart(6, '0');
  return withFraction(serverDatetime(date), micros);
}

function withFraction(seconds: string, micros: string): string {
  return /^0+$/.test(micros) ? seconds : `${seconds}.${micros}`;
}

/** A datetime as Odoo sends it: whole seconds (the stored value may have microseconds). */
function wireDatetime(value: unknown): unknown {
  return typeof value === 'string' ? value.slice(0, 19) : value;
}

function compareText(a: string, b: string): number {
  return COLLATOR.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    !(value instanceof Double) &&
    !(value instanceof XmlRpcDateTime)
  );
}

// ---------------------------------------------------------------------------------------------
// Schema

const FIELD_CLASSES: Record<string, string> = {
  char: 'Char',
  text: 'Text',
  html: 'Html',
  integer: 'Integer',
  float: 'Float',
  monetary: 'Monetary',
  boolean: 'Boolean',
  date: 'Date',
  datetime: 'Datetime',
  selection: 'Selection',
  binary: 'Binary',
  many2one: 'Many2one',
  many2one_reference: 'Many2oneReference',
  one2many: 'One2many',
  many2many: 'Many2many',
};

export class Field {
  readonly name: string;
  readonly type: FieldSpec['type'];
  readonly relational: boolean;
  readonly x2many: boolean;
  /** The value lives in the stored row (not computed, not a reverse relation, not inert). */
  readonly column: boolean;
  readonly searchable: boolean;
  readonly sortable: boolean;
  readonly store: boolean;

  constructor(
    readonly model: Model,
    readonly spec: FieldSpec,
  ) {
    this.name = spec.name;
    // A many2one_reference (ir.attachment.res_id) is an integer column that fields_get names otherwise.
    this.type = spec.type === 'many2one_reference' ? 'integer' : spec.type;
    this.relational =
      spec.type === 'many2one' || spec.type === 'one2many' || spec.type === 'many2many';
    this.x2many = spec.type === 'one2many' || spec.type === 'many2many';
    const derived =
      spec.compute !== undefined || spec.inert !== undefined || spec.inverseField !== undefined;
    this.column = !derived;
    this.store = spec.store ?? true;
    this.searchable =
      this.store ||
      spec.searchable === true ||
      spec.inverseField !== undefined ||
      spec.compute === 'related';
    this.sortable = this.store && !this.x2many;
  }

  /** 'res.partner.name', how Odoo prints a field. */
  toString(): string {
    return `${this.model.name}.${this.name}`;
  }

  get pyClass(): string {
    return this.spec.image ? 'Image' : FIELD_CLASSES[this.type];
  }

  /** The comodel, when the stand-in implements it. */
  comodel(database: Database): Model | undefined {
    return this.spec.relation ? database.models.get(this.spec.relation) : undefined;
  }

  /** What `read` returns for an empty value. */
  emptyRead(): unknown {
    if (this.x2many) return [];
    if (this.type === 'integer') return 0;
    if (this.type === 'float' || this.type === 'monetary') return new Double(0);
    return false;
  }
}

/**
 * A model's records by id. It counts changes to its set of ids, so the ids in ascending order
 * (what Postgres walks through the primary-key index) are sorted once, not on every call.
 */
export class RowTable extends Map<number, Row> {
  private changes = 0;
  private sorted: { changes: number; ids: number[] } | undefined;

  override set(id: number, row: Row): this {
    if (!this.has(id)) this.changes++;
    return super.set(id, row);
  }

  override delete(id: number): boolean {
    const deleted = super.delete(id);
    if (deleted) this.changes++;
    return deleted;
  }

  override clear(): void {
    this.changes++;
    super.clear();
  }

  idsInOrder(): number[] {
    if (this.sorted?.changes !== this.changes) {
      const ids = [...this.keys()];
      if (ids.some((id, index) => index > 0 && ids[index - 1] > id)) ids.sort((a, b) => a - b);
      this.sorted = { changes: this.changes, ids };
    }
    return this.sorted.ids;
  }
}

export class Model {
  readonly name: string;
  readonly fields = new Map<string, Field>();
  readonly fieldList: Field[];
  rows = new RowTable();
  nextId = 1;

  /** Stored columns a client may set (not id, not the log-access fields). */
  readonly columns: Field[];
  readonly integerColumns: Field[];
  readonly requiredColumns: Field[];
  readonly relationalColumns: Field[];
  /** The keys of a stored row, in order: id, the columns, then the four log-access fields. */
  readonly rowLayout: string[];
  /**
   * A stored row from its values in `rowLayout` order, built as one object literal so every row
   * of the model shares one compact V8 shape (filled key by key, rows become dictionaries, several
   * times larger and slower: a million of them would not fit).
   */
  readonly newRow: (values: unknown[]) => Row;
  /** The position of each key in `rowLayout`. */
  readonly slotOf: Map<string, number>;

  /** The model as Odoo `major` has it: fields another version dropped are left out. */
  constructor(
    readonly spec: ModelSpec,
    major: number,
  ) {
    this.name = spec.name;
    this.fieldList = spec.fields
      .filter(
        (fieldSpec) =>
          (fieldSpec.since === undefined || major >= fieldSpec.since) &&
          (fieldSpec.until === undefined || major <= fieldSpec.until),
      )
      .map((fieldSpec) => new Field(this, fieldSpec));
    for (const modelField of this.fieldList) this.fields.set(modelField.name, modelField);
    this.columns = this.fieldList.filter((entry) => entry.column && !LOG_ACCESS.has(entry.name));
    this.integerColumns = this.columns.filter((entry) => entry.type === 'integer');
    this.requiredColumns = this.columns.filter((entry) => entry.spec.required);
    this.relationalColumns = this.columns.filter((entry) => entry.relational);
    this.rowLayout = [
      'id',
      ...this.columns.map((column) => column.name),
      'create_uid',
      'create_date',
      'write_uid',
      'write_date',
    ];
    this.slotOf = new Map(this.rowLayout.map((key, index) => [key, index]));
    const members = this.rowLayout.map((key, index) => `${JSON.stringify(key)}: values[${index}]`);
    this.newRow = new Function('values', `return { ${members.join(', ')} };`) as Model['newRow'];
  }

  get hasActive(): boolean {
    return this.fields.has('active');
  }

  get table(): string {
    return this.name.replace(/\./g, '_');
  }
}

// ---------------------------------------------------------------------------------------------
// Environment: one per call, with memoized derived values

type Predicate = (row: Row) => boolean;

export class Env {
  /**
   * The transaction's `now()` as PostgreSQL keeps it, with microseconds: what Odoo stores in
   * create_date and write_date (`cr.now()`). `read` shows whole seconds only.
   */
  readonly timestamp: string;
  /** The same time in whole seconds, as Odoo's `fields.Datetime.now()` gives it. */
  readonly now: string;
  private readonly memo: Map<string, unknown>;

  constructor(
    readonly database: Database,
    readonly uid: number,
    readonly context: Context,
    shared?: { timestamp: string; memo: Map<string, unknown> },
  ) {
    this.timestamp = shared?.timestamp ?? database.clock();
    this.now = this.timestamp.slice(0, 19);
    this.memo = shared?.memo ?? new Map();
  }

  withContext(extra: Context): Env {
    return new Env(
      this.database,
      this.uid,
      { ...this.context, ...extra },
      { timestamp: this.timestamp, memo: this.memo },
    );
  }

  get activeTest(): boolean {
    return this.context.active_test !== false;
  }

  get isAdmin(): boolean {
    return this.database.groupsOf(this.uid) === 'admin';
  }

  model(name: string): Model {
    const model = this.database.models.get(name);
    if (!model) throw new Error(`unknown model ${name}`);
    return model;
  }

  cached<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }

  invalidate(): void {
    this.memo.clear();
  }

  /**
   * `env.lang`: the context's language when it is installed (only en_US is). Odoo 17 ignores
   * one that is not installed; Odoo 19 refuses it.
   */
  lang(): string | false {
    const lang = this.context.lang;
    if (lang === undefined || lang === null || lang === false || lang === '') return false;
    if (lang === 'en_US') return 'en_US';
    if (this.database.major >= 19) throw new UserError(`Invalid language code: ${pyStr(lang)}`);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The database: tables, users, credentials, transactions

/** Defaults resolved when a record is created (the time, the user, the context). */
const SPECIAL_DEFAULTS = new Set<unknown>(['now', 'uid', 'context_lang', 'context_tz']);

interface UserSecrets {
  password: string;
  groups: 'admin' | 'internal' | 'portal' | 'public';
}

export class Database {
  readonly models = new Map<string, Model>();
  readonly major: number;
  private secrets = new Map<number, UserSecrets>();
  private apiKeys = new Map<string, string>();
  private journal: Array<() => void> | null = null;
  private saleSequence = 21;
  private frozenTime: string | undefined;
  readonly startedAt: Date;

  constructor(
    readonly version: Version,
    readonly name: string,
  ) {
    this.major = Number(version.split('.')[0]);
    this.startedAt = new Date();
    for (const spec of MODEL_SPECS) this.models.set(spec.name, new Model(spec, this.major));
    this.reset();
  }

  reset(): void {
    const installedAt = new Date(
      Math.floor(this.startedAt.getTime() / 1000) * 1000 - 11 * 60 * 1000,
    );
    const demo = demoDatabase(installedAt);
    for (const model of this.models.values()) {
      model.rows = new RowTable();
      const defaults = model.fieldList.filter(
        (entry) =>
          entry.column &&
          entry.spec.default !== undefined &&
          !SPECIAL_DEFAULTS.has(entry.spec.default),
      );
      for (const row of demo.rows[model.name] ?? []) {
        const stored: Row = { ...row };
        for (const entry of defaults)
          if (stored[entry.name] === undefined) stored[entry.name] = entry.spec.default;
        model.rows.set(row.id, stored);
      }
      const maxId = Math.max(0, ...model.rows.keys());
      model.nextId = demo.nextIds[model.name] ?? maxId + 1;
    }
    this.secrets = new Map(
      DEMO_USERS.map((user) => [user.id, { password: user.password, groups: user.groups }]),
    );
    this.apiKeys = new Map([[ADMIN_API_KEY, 'admin']]);
    this.saleSequence = 21;
    this.journal = null;
    this.frozenTime = undefined;
  }

  /** The time each call (transaction) starts at: the real time, or the one `setClock` froze. */
  clock(): string {
    return this.frozenTime ?? postgresTimestamp(new Date());
  }

  /**
   * Freezes the clock for the calls that follow (tests: several changes in one second, a
   * transaction that commits a time older than the latest one); undefined lets it run again.
   */
  setClock(time: string | Date | undefined): void {
    if (time === undefined || time instanceof Date) {
      this.frozenTime = time && postgresTimestamp(time);
      return;
    }
    const match = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/.exec(time);
    if (!match) throw new Error(`setClock expects YYYY-MM-DD HH:MM:SS[.ffffff], got ${time}`);
    this.frozenTime = withFraction(match[1], (match[2] ?? '').padEnd(6, '0'));
  }

  groupsOf(uid: number): UserSecrets['groups'] | undefined {
    return this.secrets.get(uid)?.groups;
  }

  private userByLogin(login: string): Row | undefined {
    for (const row of this.models.get('res.users')!.rows.values())
      if (row.login === login) return row;
    return undefined;
  }

  private passwordMatches(user: Row, password: unknown): boolean {
    if (!pyTruthy(password) || typeof password !== 'string') return false;
    const secret = this.secrets.get(user.id);
    if (secret && secret.password !== '' && secret.password === password) return true;
    return this.apiKeys.get(password) === user.login;
  }

  /** common.authenticate: the uid, or false for any wrong login, password, key or inactive user. */
  authenticate(login: unknown, password: unknown): number | false {
    if (typeof login !== 'string') return false;
    const user = this.userByLogin(login);
    if (!user || user.active !== true) return false;
    if (!this.passwordMatches(user, password)) return false;
    user.login_date = serverDatetime(new Date());
    return user.id;
  }

  /** JSON-2's bearer check: the active user an API key belongs to (passwords do not count). */
  apiKeyUser(key: string): number | undefined {
    const login = this.apiKeys.get(key);
    const user = login === undefined ? undefined : this.userByLogin(login);
    return user?.active === true ? user.id : undefined;
  }

  /** res.users.check, run before every object-service call. */
  checkCredentials(uid: number, password: unknown): void {
    if (!pyTruthy(password)) throw new AccessDenied();
    const user = this.models.get('res.users')!.rows.get(uid);
    if (!user) {
      throw new MissingError(
        `Record does not exist or has been deleted.\n(Record: res.users(${uid},), User: ${uid})`,
      );
    }
    if (user.active !== true) throw new AccessDenied();
    if (!this.passwordMatches(user, password)) throw new AccessDenied();
  }

  registerUser(uid: number, password: string): void {
    this.secrets.set(uid, { password, groups: 'internal' });
  }

  createApiKey(login: string): string {
    if (!this.userByLogin(login)) throw new Error(`no user with login ${login}`);
    const key = randomBytes(20).toString('hex');
    this.apiKeys.set(key, login);
    return key;
  }

  revokeApiKey(key: string): void {
    this.apiKeys.delete(key);
  }

  setPassword(login: string, password: string): void {
    const user = this.userByLogin(login);
    if (!user) throw new Error(`no user with login ${login}`);
    this.secrets.get(user.id)!.password = password;
  }

  /** Gives a user another id, as after restoring a different copy of the database. */
  setUid(login: string, newUid: number): void {
    const users = this.models.get('res.users')!;
    const user = this.userByLogin(login);
    if (!user) throw new Error(`no user with login ${login}`);
    if (users.rows.has(newUid)) throw new Error(`uid ${newUid} is already taken`);
    const oldUid = user.id;
    users.rows.delete(oldUid);
    user.id = newUid;
    users.rows.set(newUid, user);
    users.nextId = Math.max(users.nextId, newUid + 1);
    const secret = this.secrets.get(oldUid)!;
    this.secrets.delete(oldUid);
    this.secrets.set(newUid, secret);
    for (const model of this.models.values()) {
      for (const modelField of model.fieldList) {
        if (!modelField.column || modelField.spec.relation !== 'res.users') continue;
        for (const row of model.rows.values()) {
          if (modelField.type === 'many2one' && row[modelField.name] === oldUid)
            row[modelField.name] = newUid;
          if (modelField.type === 'many2many' && Array.isArray(row[modelField.name])) {
            row[modelField.name] = (row[modelField.name] as number[]).map((id) =>
              id === oldUid ? newUid : id,
            );
          }
        }
      }
    }
  }

  nextSaleOrderName(): string {
    return `S${String(this.saleSequence++).padStart(5, '0')}`;
  }

  allocateId(model: Model): number {
    return model.nextId++;
  }

  // Every mutation goes through these three, so a failed call can be rolled back.

  insertRow(model: Model, row: Row): void {
    model.rows.set(row.id, row);
    this.journal?.push(() => model.rows.delete(row.id));
  }

  updateRow(row: Row, values: Record<string, unknown>): void {
    const previous: Record<string, unknown> = {};
    const absent: string[] = [];
    for (const key of Object.keys(values)) {
      if (key in row) previous[key] = row[key];
      else absent.push(key);
    }
    Object.assign(row, values);
    this.journal?.push(() => {
      Object.assign(row, previous);
      for (const key of absent) delete row[key];
    });
  }

  deleteRow(model: Model, id: number): void {
    const row = model.rows.get(id);
    if (!row) return;
    model.rows.delete(id);
    this.journal?.push(() => model.rows.set(id, row));
  }

  /** Runs one RPC call as one transaction: any error undoes its changes (ids stay consumed). */
  transaction<T>(work: () => T): T {
    const journal: Array<() => void> = [];
    this.journal = journal;
    try {
      return work();
    } catch (error) {
      for (let index = journal.length - 1; index >= 0; index--) journal[index]();
      throw error;
    } finally {
      this.journal = null;
    }
  }

  /** `execute_kw` once the credentials have been checked. */
  callKw(
    uid: number,
    modelName: unknown,
    method: unknown,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): unknown {
    if (typeof method !== 'string') {
      throw new PythonError(
        'TypeError',
        `expected string or bytes-like object, got '${pyTypeName(method)}'`,
        FRAMES.checkMethodName(),
      );
    }
    const isPrivate = method.startsWith('_') || (this.major < 18 && method === 'init');
    if (isPrivate && this.major < 18) {
      throw new AccessError(`Private methods (such as ${method}) cannot be called remotely.`);
    }
    const model = typeof modelName === 'string' ? this.models.get(modelName) : undefined;
    if (!model) throw new UserError(`Object ${pyStr(modelName)} doesn't exist`);
    if (isPrivate) {
      throw new AccessError(
        `Private methods (such as '${model.name}.${method}') cannot be called remotely.`,
      );
    }
    const context = kwargs.context;
    const callKwargs = { ...kwargs };
    delete callKwargs.context;
    const env = new Env(this, uid, isPlainObject(context) ? { ...context } : {});
    return this.transaction(() => dispatchMethod(env, model, method, args, callKwargs));
  }

  /**
   * The public methods of a model as Odoo 19's api_doc lists them: signature, parameters and
   * whether they are model methods. Deprecated ones (read_group) are left out, as there.
   */
  describeMethods(modelName: string): MethodDescription[] | undefined {
    const model = this.models.get(modelName);
    if (!model) return undefined;
    return Object.keys(BASE_METHODS)
      .filter((name) => !(this.major >= 19 && DEPRECATED_METHODS.has(name)))
      .flatMap((name) => {
        const definition = methodFor(this, model, name);
        if (!definition) return [];
        const signature = signatureOf(this, model, name, definition);
        return [
          {
            name,
            model: definition.api !== 'multi',
            positional: signature.positional,
            keywordOnly: signature.keywordOnly ?? [],
            varKeywords: definition.varKeywords
              ? (definition.varKeywordsName ?? 'kwargs')
              : undefined,
            owner: definition.owner ?? OWNERS[model.name]?.[name] ?? 'BaseModel',
          },
        ];
      });
  }

  /**
   * Odoo 19's api_doc documents for `uid` (an administrator): the index of models, or one model's
   * fields and methods. Undefined for a model that does not exist.
   */
  apiDoc(uid: number, modelName?: string): Record<string, unknown> | undefined {
    const env = new Env(this, uid, {});
    const moduleOf = (name: string) =>
      name.startsWith('sale.') ? 'sale' : name.startsWith('mail.') ? 'mail' : name.split('.')[0];
    if (modelName === undefined) {
      return {
        modules: ['base', 'web', 'mail', 'contacts', 'product', 'sale', 'api_doc'],
        models: [...this.models.values()].map((model) => ({
          model: model.name,
          name: model.spec.description,
          fields: Object.fromEntries(
            model.fieldList.map((modelField) => [
              modelField.name,
              { string: modelField.spec.string },
            ]),
          ),
          methods: (this.describeMethods(model.name) ?? []).map((method) => method.name),
        })),
      };
    }
    const model = this.models.get(modelName);
    if (!model) return undefined;
    const fields = fieldsGet(env, model, null, null) as Record<string, Record<string, unknown>>;
    return {
      model: model.name,
      name: model.spec.description,
      doc: null,
      fields: Object.fromEntries(
        Object.entries(fields).map(([name, description]) => [
          name,
          { ...description, module: moduleOf(model.name) },
        ]),
      ),
      methods: Object.fromEntries(
        (this.describeMethods(model.name) ?? []).map((method) => [method.name, methodDoc(method)]),
      ),
    };
  }

  /**
   * JSON-2's `/json/2/<model>/<method>` once the key is checked: `ids` apart, every other
   * argument by name (bound like `inspect.Signature.bind`), a recordset answered as its ids.
   */
  callJson2(
    uid: number,
    modelName: string,
    method: string,
    ids: unknown,
    context: unknown,
    kwargs: Record<string, unknown>,
  ): unknown {
    const model = this.models.get(modelName);
    if (!model) throw new HttpException(404, `the model ${pyStrRepr(modelName)} does not exist`);
    if (method.startsWith('_')) {
      throw new AccessError(
        `Private methods (such as '${model.name}.${method}') cannot be called remotely.`,
      );
    }
    const definition = methodFor(this, model, method);
    if (!definition) {
      throw new HttpException(404, `The method '${model.name}.${method}' does not exist`);
    }
    if (definition.api !== 'multi' && pyTruthy(ids)) {
      throw new HttpException(422, `cannot call ${model.name}.${method} with ids`);
    }
    const signature = signatureOf(this, model, method, definition);
    const named = [...signature.positional, ...(signature.keywordOnly ?? [])];
    for (const parameter of named) {
      if (!('default' in parameter) && !(parameter.name in kwargs))
        throw new HttpException(422, `missing a required argument: '${parameter.name}'`);
    }
    for (const name of Object.keys(kwargs)) {
      if (!signature.varKeywords && !named.some((parameter) => parameter.name === name))
        throw new HttpException(422, `got an unexpected keyword argument '${name}'`);
    }
    const bound = bindArguments(signature, [], kwargs);
    const env = new Env(this, uid, isPlainObject(context) ? { ...context } : {});
    return this.transaction(() => {
      if (!definition.noLang) env.lang();
      const result = definition.run({
        env,
        model,
        ids: ids === undefined || ids === null ? [] : browse(ids),
        args: bound.values,
        extra: bound.extra,
        singleDict: false,
      });
      return definition.returnsRecords ? [result] : result;
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Values: what a record holds (stored, computed or derived from other tables)

type Compute = (env: Env, row: Row, model: Model) => unknown;

function rowOf(env: Env, modelName: string, id: unknown): Row | undefined {
  return isInt(id) ? env.model(modelName).rows.get(id) : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Records of a model in its default order (cached per call). */
function sortedRows(env: Env, model: Model): Row[] {
  return env.cached(`sorted:${model.name}`, () => {
    const rows = [...model.rows.values()];
    return sortRows(env, model, rows, parseOrder(env, model, model.spec.order));
  });
}

/** Position of each record in its model's default order, for ordering by a many2one. */
function orderRank(env: Env, model: Model): Map<number, number> {
  return env.cached(`rank:${model.name}`, () => {
    const ranks = new Map<number, number>();
    sortedRows(env, model).forEach((row, index) => ranks.set(row.id, index));
    return ranks;
  });
}

/** comodel rows grouped by the many2one that points back, in the comodel's order. */
function inverseIndex(env: Env, comodel: Model, inverseField: string): Map<number, number[]> {
  return env.cached(`inverse:${comodel.name}.${inverseField}`, () => {
    const index = new Map<number, number[]>();
    for (const row of sortedRows(env, comodel)) {
      const parent = row[inverseField];
      if (!isInt(parent)) continue;
      const children = index.get(parent);
      if (children) children.push(row.id);
      else index.set(parent, [row.id]);
    }
    return index;
  });
}

/**
 * A partner's contacts, in no particular order: what the address sync needs, without sorting
 * every partner by name as inverseIndex does (which made each create cost as much as a search).
 */
function contactIds(env: Env, partners: Model, parentId: number): number[] {
  const index = env.cached(`contacts:${partners.name}`, () => {
    const byParent = new Map<number, number[]>();
    for (const row of partners.rows.values()) {
      if (!isInt(row.parent_id)) continue;
      const list = byParent.get(row.parent_id);
      if (list) list.push(row.id);
      else byParent.set(row.parent_id, [row.id]);
    }
    return byParent;
  });
  return index.get(parentId) ?? [];
}

function messagesOf(env: Env, modelName: string, id: number): number[] {
  const index = env.cached(`messages:${modelName}`, () => {
    const byRecord = new Map<number, number[]>();
    for (const row of sortedRows(env, env.model('mail.message'))) {
      if (row.model !== modelName || !isInt(row.res_id)) continue;
      const list = byRecord.get(row.res_id);
      if (list) list.push(row.id);
      else byRecord.set(row.res_id, [row.id]);
    }
    return byRecord;
  });
  return index.get(id) ?? [];
}

function commercialPartner(env: Env, row: Row): Row {
  let current = row;
  const seen = new Set<number>();
  while (current.is_company !== true && isInt(current.parent_id) && !seen.has(current.id)) {
    seen.add(current.id);
    const parent = rowOf(env, 'res.partner', current.parent_id);
    if (!parent) break;
    current = parent;
  }
  return current;
}

function commercialCompanyName(env: Env, row: Row): string | null {
  const commercial = commercialPartner(env, row);
  if (commercial.is_company === true)
    return typeof commercial.name === 'string' ? commercial.name : null;
  return typeof row.company_name === 'string' ? row.company_name : null;
}

const ADDRESS_TYPE_LABELS: Record<string, string> = {
  invoice: 'Invoice Address',
  delivery: 'Delivery Address',
  other: 'Other Address',
};

function partnerCompleteName(env: Env, row: Row): string {
  return env.cached(`complete_name:${row.id}`, () => {
    let name = text(row.name);
    const parent = rowOf(env, 'res.partner', row.parent_id);
    if (row.company_name || parent) {
      if (!name && typeof row.type === 'string' && ADDRESS_TYPE_LABELS[row.type]) {
        name = ADDRESS_TYPE_LABELS[row.type];
      }
      if (row.is_company !== true) {
        name = `${commercialCompanyName(env, row) ?? text(parent?.name)}, ${name}`;
      }
    }
    return name;
  });
}

function normalizeEmail(email: unknown): string | null {
  if (typeof email !== 'string') return null;
  const match = /([^\s<>@",;]+@[^\s<>@",;]+\.[^\s<>@",;]+)/.exec(email);
  return match ? match[1].toLowerCase() : null;
}

function contactAddress(env: Env, row: Row): string {
  const state = rowOf(env, 'res.country.state', row.state_id);
  const country = rowOf(env, 'res.country', row.country_id);
  const company = commercialCompanyName(env, row);
  const address =
    `${text(row.street)}\n${text(row.street2)}\n${text(row.city)} ${text(state?.code)} ${text(row.zip)}\n` +
    text(country?.name);
  return company ? `${company}\n${address}` : address;
}

function activeUsersOf(env: Env, partnerId: number, includeInactive: boolean): Row[] {
  const users = env.model('res.users');
  return (inverseIndex(env, users, 'partner_id').get(partnerId) ?? [])
    .map((id) => users.rows.get(id)!)
    .filter((user) => includeInactive || user.active === true);
}

function lineSubtotal(row: Row): number {
  return round2((Number(row.product_uom_qty) || 0) * (Number(row.price_unit) || 0));
}

function orderAmount(env: Env, order: Row): number {
  const lines = env.model('sale.order.line');
  const ids = inverseIndex(env, lines, 'order_id').get(order.id) ?? [];
  return round2(ids.reduce((sum, id) => sum + lineSubtotal(lines.rows.get(id)!), 0));
}

function signupUrl(env: Env, row: Row): string | false {
  if (typeof row.signup_token !== 'string' || !row.signup_token) return false;
  const route = row.signup_type === 'reset' ? 'reset_password' : 'signup';
  return `http://localhost:8069/web/${route}?db=${env.database.name}&token=${row.signup_token}`;
}

const COMPUTES: Record<string, Compute> = {
  display_name: (env, row, model) => displayName(env, model, row.id),
  complete_name: (env, row) => partnerCompleteName(env, row),
  parent_name: (env, row) => rowOf(env, 'res.partner', row.parent_id)?.name ?? null,
  country_code: (env, row) => rowOf(env, 'res.country', row.country_id)?.code ?? null,
  email_normalized: (_env, row) => normalizeEmail(row.email),
  email_formatted: (_env, row) => {
    if (typeof row.email !== 'string' || !row.email) return '';
    const name = (text(row.name) || 'False').replace(/[\\"]/g, '\\$&');
    return `"${name}" <${normalizeEmail(row.email) ?? row.email}>`;
  },
  contact_address: (env, row) => contactAddress(env, row),
  contact_address_inline: (env, row) =>
    contactAddress(env, row)
      .replace(/\n(\s|\n)*/g, ', ')
      .trim()
      .replace(/^,+|,+$/g, ''),
  self: (_env, row) => row.id,
  company_type: (_env, row) => (row.is_company === true ? 'company' : 'person'),
  commercial_partner_id: (env, row) => commercialPartner(env, row).id,
  commercial_company_name: (env, row) => commercialCompanyName(env, row),
  partner_share: (env, row) => {
    if (row.id === 2) return false;
    const users = activeUsersOf(env, row.id, false);
    return users.length === 0 || users.every((user) => env.database.groupsOf(user.id) === 'portal');
  },
  is_public: (env, row) =>
    activeUsersOf(env, row.id, true).some((user) => env.database.groupsOf(user.id) === 'public'),
  im_status: (env, row) => {
    if (row.id === 2) return 'bot';
    return activeUsersOf(env, row.id, false).length ? 'offline' : 'im_partner';
  },
  signup_valid: (env, row) =>
    typeof row.signup_token === 'string' &&
    row.signup_token !== '' &&
    (typeof row.signup_expiration !== 'string' || row.signup_expiration >= env.now),
  signup_url: (env, row) => signupUrl(env, row),
  phone_sanitized: (_env, row) => (row.mobile || row.phone || null) as string | null,
  message_ids: (env, row, model) => messagesOf(env, model.name, row.id),
  has_message: (env, row, model) => messagesOf(env, model.name, row.id).length > 0,
  sale_order_count: (env, row) => {
    const orders = inverseIndex(env, env.model('sale.order'), 'partner_id');
    let count = 0;
    for (const partner of descendants(env, env.model('res.partner'), [row.id])) {
      count += orders.get(partner)?.length ?? 0;
    }
    return count;
  },
  image_resized: (_env, row) => row.image_1920 ?? null,
  avatar: (_env, row) =>
    (row.image_1920 as string | null) ?? placeholderAvatar(text(row.name), row.id),
  user_name: (env, row) => rowOf(env, 'res.partner', row.partner_id)?.name ?? null,
  user_email: (env, row) => rowOf(env, 'res.partner', row.partner_id)?.email ?? null,
  user_lang: (env, row) => rowOf(env, 'res.partner', row.partner_id)?.lang ?? null,
  is_follower: (env, row, model) => {
    const partner = env.model('res.users').rows.get(env.uid)?.partner_id;
    return followersOf(env, model.name, row.id).some((follower) => follower.partner_id === partner);
  },
  followers: (env, row, model) =>
    followersOf(env, model.name, row.id).map((follower) => follower.id),
  follower_partners: (env, row, model) =>
    followersOf(env, model.name, row.id).map((follower) => follower.partner_id as number),
  template_code: (env, row) => onlyVariant(env, row)?.default_code ?? null,
  template_barcode: (env, row) => onlyVariant(env, row)?.barcode ?? null,
  user_share: (env, row) => ['portal', 'public'].includes(env.database.groupsOf(row.id) ?? ''),
  amount_untaxed: (env, row) => orderAmount(env, row),
  amount_tax: () => 0,
  amount_total: (env, row) => orderAmount(env, row),
  price_subtotal: (_env, row) => lineSubtotal(row),
  line_state: (env, row) => rowOf(env, 'sale.order', row.order_id)?.state ?? null,
  type_name: (_env, row) =>
    ['draft', 'sent', 'cancel'].includes(String(row.state)) ? 'Quotation' : 'Sales Order',
  parent_path: (env, row) => {
    const ids: number[] = [];
    for (let current: Row | undefined = row; current && ids.length < 50;) {
      ids.unshift(current.id);
      current = rowOf(env, 'res.partner.category', current.parent_id);
    }
    return `${ids.join('/')}/`;
  },
  category_partners: (env, row) => {
    const ids: number[] = [];
    for (const partner of sortedRows(env, env.model('res.partner'))) {
      if ((partner.category_id as number[] | undefined)?.includes(row.id)) ids.push(partner.id);
    }
    return ids;
  },
  xmlid_complete_name: (_env, row) => (row.module ? `${text(row.module)}.` : '') + text(row.name),
  attachment_size: (_env, row) =>
    typeof row.datas === 'string' ? Buffer.from(row.datas, 'base64').length : 0,
  attachment_checksum: (_env, row) =>
    typeof row.datas === 'string'
      ? createHash('sha1').update(Buffer.from(row.datas, 'base64')).digest('hex')
      : null,
  message_record_name: (env, row) => {
    const target = typeof row.model === 'string' ? env.database.models.get(row.model) : undefined;
    return target && isInt(row.res_id) && target.rows.has(row.res_id)
      ? displayName(env, target, row.res_id)
      : null;
  },
};

/** The variant of a product template that has exactly one. */
function onlyVariant(env: Env, template: Row): Row | undefined {
  const variants = inverseIndex(env, env.model('product.product'), 'product_tmpl_id').get(
    template.id,
  );
  return variants?.length === 1 ? env.model('product.product').rows.get(variants[0]) : undefined;
}

/** The raw value of a field: null, a number, a string, a boolean, or ids for x2many fields. */
function valueOf(env: Env, model: Model, row: Row, modelField: Field): unknown {
  const spec = modelField.spec;
  if (modelField.column) {
    const value = row[modelField.name];
    if (modelField.type === 'many2many') return Array.isArray(value) ? value : [];
    return value === undefined ? null : value;
  }
  if (spec.inert !== undefined)
    return row[modelField.name] !== undefined ? row[modelField.name] : spec.inert;
  if (spec.inverseField) {
    return inverseIndex(env, env.model(spec.relation!), spec.inverseField).get(row.id) ?? [];
  }
  if (spec.compute === 'related') return relatedValue(env, model, row, spec.related!);
  const compute = COMPUTES[spec.compute!];
  if (!compute) throw new Error(`no compute ${spec.compute}`);
  const value = compute(env, row, model);
  return value === undefined ? null : value;
}

/** A related field's value: the field at the end of `path` (`product_tmpl_id.name`). */
function relatedValue(env: Env, model: Model, row: Row, path: string): unknown {
  const [via, target] = path.split('.');
  const viaField = model.fields.get(via)!;
  const comodel = viaField.comodel(env.database)!;
  const next = isInt(row[via]) ? comodel.rows.get(row[via]) : undefined;
  return next ? valueOf(env, comodel, next, comodel.fields.get(target)!) : null;
}

/** The mail.followers rows of a record. */
function followersOf(env: Env, modelName: string, id: number): Row[] {
  const index = env.cached(`followers:${modelName}`, () => {
    const byRecord = new Map<number, Row[]>();
    for (const row of env.model('mail.followers').rows.values()) {
      if (row.res_model !== modelName || !isInt(row.res_id)) continue;
      byRecord.set(row.res_id, [...(byRecord.get(row.res_id) ?? []), row]);
    }
    return byRecord;
  });
  return index.get(id) ?? [];
}

/** mail.thread's message_subscribe: the partners follow the records (once each). */
function subscribe(env: Env, model: Model, ids: number[], partnerIds: number[]): void {
  const followers = env.model('mail.followers');
  const rows: Record<string, unknown>[] = [];
  for (const id of ids) {
    const following = new Set(followersOf(env, model.name, id).map((row) => row.partner_id));
    for (const partner of new Set(partnerIds)) {
      if (!following.has(partner))
        rows.push({ res_model: model.name, res_id: id, partner_id: partner });
    }
  }
  if (rows.length) createRecords(env, followers, rows);
}

function displayName(env: Env, model: Model, id: number): string | false {
  const names = env.cached(`display:${model.name}`, () => new Map<number, string | false>());
  const known = names.get(id);
  if (known !== undefined) return known;
  const row = model.rows.get(id);
  let name: string | false = false;
  if (row) {
    switch (model.name) {
      case 'res.partner':
        name = partnerCompleteName(env, row);
        break;
      case 'res.country.state': {
        const country = rowOf(env, 'res.country', row.country_id);
        name = `${text(row.name)} (${text(country?.code)})`;
        break;
      }
      case 'res.partner.category': {
        const parts: string[] = [];
        let current: Row | undefined = row;
        while (current && parts.length < 20) {
          parts.unshift(text(current.name));
          current = rowOf(env, 'res.partner.category', current.parent_id);
        }
        name = parts.join(' / ');
        break;
      }
      case 'sale.order.line': {
        const order = rowOf(env, 'sale.order', row.order_id);
        name = `${text(order?.name)} - ${text(row.name).split('\n')[0]}`;
        break;
      }
      case 'res.users':
        name = text(rowOf(env, 'res.partner', row.partner_id)?.name) || false;
        break;
      case 'product.product': {
        const template = rowOf(env, 'product.template', row.product_tmpl_id);
        const code = typeof row.default_code === 'string' ? `[${row.default_code}] ` : '';
        const values = typeof row.variant_name === 'string' ? ` (${row.variant_name})` : '';
        name = `${code}${text(template?.name)}${values}`;
        break;
      }
      case 'product.template': {
        const code = COMPUTES.template_code(env, row, model);
        name = `${typeof code === 'string' ? `[${code}] ` : ''}${text(row.name)}`;
        break;
      }
      default: {
        const recName = model.fields.get(model.spec.recName ?? 'name');
        if (recName) {
          const value = valueOf(env, model, row, recName);
          name = typeof value === 'string' ? value : false;
        } else name = `${model.name},${id}`;
      }
    }
  }
  names.set(id, name);
  return name;
}

function humanSize(base64: string): string {
  let size = Buffer.from(base64, 'base64').length;
  const units = ['bytes', 'Kb', 'Mb', 'Gb', 'Tb'];
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${size.toFixed(2)} ${units[unit]}`;
}

/** The value as `read` returns it (Odoo's convert_to_read). */
function readValue(
  env: Env,
  model: Model,
  row: Row,
  modelField: Field,
  classicLoad: boolean,
): unknown {
  const value = valueOf(env, model, row, modelField);
  switch (modelField.type) {
    case 'integer':
      return isInt(value) ? value : 0;
    case 'float':
    case 'monetary':
      return new Double(typeof value === 'number' ? value : 0);
    case 'boolean':
      return value === true;
    case 'many2one': {
      if (modelField.spec.inert !== undefined) {
        if (Array.isArray(value)) return classicLoad ? value : value[0];
        return false;
      }
      if (!isInt(value)) return false;
      if (!classicLoad) return value;
      const comodel = modelField.comodel(env.database)!;
      return [value, displayName(env, comodel, value)];
    }
    case 'one2many':
    case 'many2many':
      return visibleIds(env, modelField, value as number[]);
    case 'binary':
      if (typeof value !== 'string' || value === '') return false;
      return env.context.bin_size ? humanSize(value) : value;
    case 'datetime':
      return value === null || value === false ? false : wireDatetime(value);
    default:
      return value === null || value === false ? false : value;
  }
}

/** x2many ids as `read` shows them: existing, active unless active_test is off, in comodel order. */
function visibleIds(env: Env, modelField: Field, ids: number[]): number[] {
  const comodel = modelField.comodel(env.database);
  if (!comodel || ids.length === 0) return [...ids];
  const checkActive = comodel.hasActive && env.activeTest;
  const rank = orderRank(env, comodel);
  const kept = ids.filter((id) => {
    const row = comodel.rows.get(id);
    return row !== undefined && (!checkActive || row.active === true);
  });
  if (modelField.spec.inverseField) return kept;
  return kept.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
}

function descendants(env: Env, model: Model, roots: number[]): Set<number> {
  const parentField = model.spec.parentField;
  const result = new Set<number>(roots.filter((id) => model.rows.has(id)));
  if (!parentField) return result;
  const index = inverseIndex(env, model, parentField);
  const queue = [...result];
  while (queue.length) {
    for (const child of index.get(queue.pop()!) ?? []) {
      if (!result.has(child)) {
        result.add(child);
        queue.push(child);
      }
    }
  }
  return result;
}

function ancestors(env: Env, model: Model, roots: number[]): Set<number> {
  const parentField = model.spec.parentField;
  const result = new Set<number>();
  for (const root of roots) {
    let current = model.rows.get(root);
    while (current && !result.has(current.id)) {
      result.add(current.id);
      current = parentField ? rowOf(env, model.name, current[parentField]) : undefined;
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Domains

const TERM_OPERATORS = new Set([
  '=',
  '!=',
  '<=',
  '<',
  '>',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
  'any',
  'not any',
]);
const LIKE_OPERATORS = new Set(['like', 'not like', 'ilike', 'not ilike', '=like', '=ilike']);
const NEGATIVE_OPERATORS = new Set(['!=', 'not like', 'not ilike', 'not in', 'not any']);
const NEGATION: Record<string, string> = {
  '!=': '=',
  'not like': 'like',
  'not ilike': 'ilike',
  'not in': 'in',
  'not any': 'any',
};

const TRUE_PREDICATE: Predicate = () => true;
const FALSE_PREDICATE: Predicate = () => false;

interface DomainScope {
  env: Env;
  /** Errors PostgreSQL would raise when running the query: reported once every leaf is valid. */
  sqlErrors: PythonError[];
  /** Whether the implicit active=True leaf was added (it shows in PostgreSQL's error excerpts). */
  activeInjected: boolean;
}

function likeRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '\\' && index + 1 < pattern.length) {
      source += pattern[++index].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
}

/** A comparable form of a domain value: dates as server strings, floats as numbers. */
function plainValue(value: unknown): unknown {
  if (value instanceof Double) return value.value;
  if (value instanceof XmlRpcDateTime) return value.toServerString() ?? value.raw;
  return value;
}

function psycopgOutOfRange(
  scope: DomainScope,
  model: Model,
  column: string,
  operator: string,
  value: string,
): PythonError {
  const table = model.table;
  const comparison =
    operator === 'in' || operator === 'not in'
      ? `"${table}"."${column}" ${operator.toUpperCase()} ('${value}'`
      : `"${table}"."${column}" ${operator} '${value}'`;
  const prefix = scope.activeInjected
    ? `SELECT "${table}"."id" FROM "${table}" WHERE (("${table}"."active" = true) AND (`
    : `SELECT "${table}"."id" FROM "${table}" WHERE (`;
  const query = `${prefix}${comparison}))`;
  const cursor = prefix.length + comparison.indexOf(`'${value}'`);
  return new PythonError(
    'psycopg2.errors.NumericValueOutOfRange',
    `value "${value}" is out of range for type integer\n${pgErrorPosition(query, cursor)}`,
    [FRAMES.domain()[0], ...FRAMES.sqlQuery()],
  );
}

function psycopgInvalidText(type: string, value: string): PythonError {
  return new PythonError(
    `psycopg2.errors.${type === 'timestamp' || type === 'date' ? 'InvalidDatetimeFormat' : 'InvalidTextRepresentation'}`,
    `invalid input syntax for type ${type}: "${value}"\n`,
    [FRAMES.domain()[0], ...FRAMES.sqlQuery()],
  );
}

/** The leaf's right side converted to the column's type, or an SQL error queued for later. */
function columnValue(
  scope: DomainScope,
  model: Model,
  modelField: Field,
  operator: string,
  value: unknown,
): unknown {
  const plain = plainValue(value);
  if (plain === null || plain === undefined || plain === false) return plain ?? null;
  const integerColumn =
    modelField.type === 'integer' || modelField.type === 'many2one' || modelField.name === 'id';
  if (integerColumn) {
    let number: number | undefined;
    if (typeof plain === 'number') number = plain;
    else if (plain === true) number = 1;
    else if (typeof plain === 'string' && /^\s*[+-]?\d+\s*$/.test(plain)) number = Number(plain);
    else if (typeof plain === 'string') {
      scope.sqlErrors.push(psycopgInvalidText('integer', plain));
      return null;
    }
    if (
      number !== undefined &&
      Number.isInteger(number) &&
      (number > INT4_MAX || number < INT4_MIN)
    ) {
      scope.sqlErrors.push(
        psycopgOutOfRange(scope, model, modelField.name, operator, String(number)),
      );
      return null;
    }
    return number ?? plain;
  }
  if (modelField.type === 'date' || modelField.type === 'datetime') {
    if (typeof plain !== 'string') return plain;
    const match =
      /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$/.exec(
        plain,
      );
    if (!match) {
      scope.sqlErrors.push(
        psycopgInvalidText(modelField.type === 'date' ? 'date' : 'timestamp', plain),
      );
      return null;
    }
    const pad = (part: string | undefined): string => (part ?? '0').padStart(2, '0');
    const day = `${match[1]}-${pad(match[2])}-${pad(match[3])}`;
    return modelField.type === 'date'
      ? day
      : `${day} ${pad(match[4])}:${pad(match[5])}:${pad(match[6])}`;
  }
  if (modelField.type === 'float' || modelField.type === 'monetary') {
    if (typeof plain === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(plain))
      return Number(plain);
    if (plain === true) return 1;
  }
  return plain;
}

function compareValues(modelField: Field, left: unknown, right: unknown): number {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'string' && typeof right === 'string') {
    return modelField.type === 'char' || modelField.type === 'text' || modelField.type === 'html'
      ? compareText(left, right)
      : left < right
        ? -1
        : left > right
          ? 1
          : 0;
  }
  if (typeof left === 'boolean' || typeof right === 'boolean') return Number(left) - Number(right);
  const a = String(left);
  const b = String(right);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ids of `comodel` records whose display name matches, as Odoo's _name_search finds them. */
function nameSearchIds(env: Env, comodel: Model, names: unknown[], operator: string): Set<number> {
  const ids = new Set<number>();
  for (const name of names) {
    for (const id of nameSearch(env, comodel, pyStr(name), [], operator, undefined)) ids.add(id);
  }
  return ids;
}

interface Leaf {
  left: string;
  operator: string;
  right: unknown;
  repr: string;
}

function compileLeaf(
  scope: DomainScope,
  model: Model,
  item: unknown,
  leafRepr?: string,
): Predicate {
  let parts: unknown[];
  if (Array.isArray(item)) parts = item;
  else if (typeof item === 'string') parts = [...item];
  else
    throw new PythonError('TypeError', `'${pyTypeName(item)}' object is not iterable`, [
      FRAMES.unpackLeaf(),
    ]);
  if (parts.length < 3) {
    throw new PythonError(
      'ValueError',
      `not enough values to unpack (expected 3, got ${parts.length})`,
      [FRAMES.unpackLeaf()],
    );
  }
  if (parts.length > 3) {
    throw new PythonError('ValueError', 'too many values to unpack (expected 3)', [
      FRAMES.unpackLeaf(),
    ]);
  }
  const [left, rawOperator, right] = parts;
  const repr = leafRepr ?? pyRepr(parts, true);
  if ((left === 1 || left === true) && rawOperator === '=' && right === 1) return TRUE_PREDICATE;
  if ((left === 0 || left === false) && rawOperator === '=' && right === 1) return FALSE_PREDICATE;
  if (typeof left !== 'string') {
    throw new PythonError(
      'AttributeError',
      `'${pyTypeName(left)}' object has no attribute 'split'`,
      [FRAMES.invalidLeafField()],
    );
  }
  const path = left.split('.');
  const modelField = model.fields.get(path[0]);
  if (!modelField) {
    throw new PythonError('ValueError', `Invalid field ${model.name}.${path[0]} in leaf ${repr}`, [
      FRAMES.invalidLeafField(),
    ]);
  }
  if (typeof rawOperator !== 'string') {
    throw new PythonError(
      'AttributeError',
      `'${pyTypeName(rawOperator)}' object has no attribute 'lower'`,
      [FRAMES.invalidLeafField()],
    );
  }
  let operator = rawOperator.toLowerCase();
  if (operator === '<>') operator = '!=';
  const major = scope.env.database.major;
  if (
    !TERM_OPERATORS.has(operator) ||
    (major < 17 && (operator === 'any' || operator === 'not any'))
  ) {
    throw new PythonError('ValueError', `Invalid leaf ${repr}`, [FRAMES.invalidLeafField()]);
  }
  if (path.length > 1) {
    if (!modelField.relational) {
      throw new PythonError('ValueError', `Invalid field ${model.name}.${left} in leaf ${repr}`, [
        FRAMES.invalidLeafField(),
      ]);
    }
    return relatedPredicate(scope, model, modelField, 'any', [
      [path.slice(1).join('.'), operator, right],
    ]);
  }
  if (!modelField.searchable) {
    if (major < 17) return TRUE_PREDICATE;
    throw new PythonError('ValueError', `Non-stored field ${modelField} cannot be searched.`, [
      FRAMES.invalidLeafField(),
    ]);
  }
  return fieldPredicate(scope, model, modelField, { left, operator, right, repr });
}

function relatedPredicate(
  scope: DomainScope,
  model: Model,
  modelField: Field,
  operator: 'any' | 'not any',
  subdomain: unknown,
): Predicate {
  const env = scope.env;
  const comodel = modelField.comodel(env.database);
  if (!comodel) return operator === 'any' ? FALSE_PREDICATE : TRUE_PREDICATE;
  const inner = compileDomain(env, comodel, subdomain, { scope });
  const matching = new Set<number>();
  for (const row of comodel.rows.values()) if (inner(row)) matching.add(row.id);
  const hit = (row: Row): boolean => {
    const value = valueOf(env, model, row, modelField);
    if (Array.isArray(value)) return value.some((id) => matching.has(id));
    return isInt(value) && matching.has(value);
  };
  return operator === 'any' ? hit : (row) => !hit(row);
}

function fieldPredicate(
  scope: DomainScope,
  model: Model,
  modelField: Field,
  leaf: Leaf,
): Predicate {
  const env = scope.env;
  let { operator, right } = leaf;
  if (operator === 'any' || operator === 'not any') {
    if (!modelField.relational) {
      throw new PythonError('ValueError', `Invalid leaf ${leaf.repr}`, [FRAMES.invalidLeafField()]);
    }
    return relatedPredicate(scope, model, modelField, operator, right);
  }
  if (operator === '=?') {
    if (right === false || right === null || right === undefined) return TRUE_PREDICATE;
    operator = '=';
  }
  if ((operator === 'in' || operator === 'not in') && !Array.isArray(right)) right = [right];
  if ((operator === '=' || operator === '!=') && Array.isArray(right))
    operator = operator === '=' ? 'in' : 'not in';
  const get = (row: Row): unknown => valueOf(env, model, row, modelField);
  const relational = modelField.relational;
  const comodel = modelField.comodel(env.database);

  if (operator === 'child_of' || operator === 'parent_of') {
    const target = relational ? comodel : model;
    if (!target) return FALSE_PREDICATE;
    const values = Array.isArray(right) ? right : [right];
    const roots = values.every(isInt)
      ? (values as number[])
      : [
          ...nameSearchIds(
            env,
            target,
            values.filter((value) => typeof value === 'string'),
            'ilike',
          ),
        ];
    const ids =
      operator === 'child_of' ? descendants(env, target, roots) : ancestors(env, target, roots);
    if (!relational && modelField.name !== 'id') return FALSE_PREDICATE;
    return (row) => {
      const value = relational ? get(row) : row.id;
      return Array.isArray(value)
        ? value.some((id) => ids.has(id))
        : isInt(value) && ids.has(value);
    };
  }

  if (relational && comodel) {
    const values = Array.isArray(right) ? right : [right];
    const textual =
      LIKE_OPERATORS.has(operator) ||
      (values.length > 0 && values.every((value) => typeof value === 'string'));
    if (textual && right !== false && right !== null) {
      const positive = NEGATION[operator] ?? operator;
      const nameOperator = positive === 'in' ? '=' : positive;
      const ids = nameSearchIds(env, comodel, values, nameOperator);
      const hit = (row: Row): boolean => {
        const value = get(row);
        return Array.isArray(value)
          ? value.some((id) => ids.has(id))
          : isInt(value) && ids.has(value);
      };
      return NEGATIVE_OPERATORS.has(operator) ? (row) => !hit(row) : hit;
    }
  }

  if (modelField.x2many) {
    if (operator === '=' || operator === '!=') {
      if (right === false || right === null) {
        return operator === '='
          ? (row) => (get(row) as number[]).length === 0
          : (row) => (get(row) as number[]).length > 0;
      }
      right = [right];
      operator = operator === '=' ? 'in' : 'not in';
    }
    if (operator === 'in' || operator === 'not in') {
      const list = right as unknown[];
      const ids = new Set(
        list.map((value) => columnValue(scope, model, modelField, operator, value)).filter(isInt),
      );
      const wantsEmpty = list.some((value) => value === false);
      const hit = (row: Row): boolean => {
        const value = get(row) as number[];
        return value.some((id) => ids.has(id)) || (wantsEmpty && value.length === 0);
      };
      return operator === 'in' ? hit : (row) => !hit(row);
    }
    const bound = columnValue(scope, model, modelField, operator, right);
    return (row) =>
      (get(row) as number[]).some((id) => compareOperator(modelField, operator, id, bound));
  }

  const isBoolean = modelField.type === 'boolean';
  const normalize = (value: unknown): unknown => (isBoolean && value === null ? false : value);

  if (operator === 'in' || operator === 'not in') {
    const list = (right as unknown[]).map((value) =>
      isBoolean
        ? value !== null && pyTruthy(value)
        : columnValue(scope, model, modelField, operator, value),
    );
    const nullMatches = list.some((value) => value === false || value === null);
    const keys = new Set(
      list.filter((value) => value !== false && value !== null).map((value) => String(value)),
    );
    const booleans = isBoolean ? new Set(list) : undefined;
    const hit = (row: Row): boolean => {
      const value = normalize(get(row));
      if (booleans) return booleans.has(value === true);
      if (value === null || value === false) return nullMatches;
      return keys.has(String(value));
    };
    if (operator === 'in') return hit;
    return (row) => {
      const value = normalize(get(row));
      if (!booleans && (value === null || value === false)) return !nullMatches;
      return !hit(row);
    };
  }

  if (LIKE_OPERATORS.has(operator)) {
    const positive = NEGATION[operator] ?? operator;
    if (right === false || right === null || right === '') {
      if (positive === 'like' || positive === 'ilike')
        return NEGATIVE_OPERATORS.has(operator) ? FALSE_PREDICATE : TRUE_PREDICATE;
    }
    const pattern =
      positive === '=like' || positive === '=ilike' ? pyStr(right) : `%${pyStr(right)}%`;
    const regex = likeRegExp(pattern, positive === 'ilike' || positive === '=ilike');
    const matches = (row: Row): boolean | null => {
      const value = get(row);
      if (value === null || value === false) return null;
      return regex.test(typeof value === 'string' ? value : pyStr(value));
    };
    if (!NEGATIVE_OPERATORS.has(operator)) return (row) => matches(row) === true;
    return (row) => matches(row) !== true;
  }

  if (isBoolean && (operator === '=' || operator === '!=')) {
    const wanted = right !== null && pyTruthy(plainValue(right));
    return operator === '='
      ? (row) => (get(row) === true) === wanted
      : (row) => (get(row) === true) !== wanted;
  }

  if ((operator === '=' || operator === '!=') && (right === false || right === null)) {
    return operator === '='
      ? (row) => {
          const value = get(row);
          return value === null || value === false;
        }
      : (row) => {
          const value = get(row);
          return value !== null && value !== false;
        };
  }

  const bound =
    modelField.name === 'id' || modelField.type !== 'boolean'
      ? columnValue(scope, model, modelField, operator, right)
      : right;
  if (operator === '!=') {
    return (row) => {
      const value = get(row);
      return value === null || value === false || compareValues(modelField, value, bound) !== 0;
    };
  }
  return (row) => compareOperator(modelField, operator, normalize(get(row)), bound);
}

function compareOperator(
  modelField: Field,
  operator: string,
  value: unknown,
  bound: unknown,
): boolean {
  if (value === null || value === false || bound === null || bound === undefined || bound === false)
    return false;
  const order = compareValues(modelField, value, bound);
  switch (operator) {
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      return false;
  }
}

/** `domain[0]` for Python's active-test check (`item[0] == 'active'`). */
function firstElement(item: unknown): unknown {
  if (Array.isArray(item)) return item[0];
  if (typeof item === 'string') return item[0];
  if (isPlainObject(item))
    throw new PythonError('KeyError', '0', [
      FRAMES.orm('_where_calc', 'if not any(item[0] == self._active_name for item in domain):'),
    ]);
  throw new PythonError('TypeError', `'${pyTypeName(item)}' object is not subscriptable`, [
    FRAMES.orm('_where_calc', 'if not any(item[0] == self._active_name for item in domain):', 5103),
  ]);
}

interface CompileOptions {
  /** The caller's scope when compiling a subdomain (x2many 'any', dotted paths). */
  scope?: DomainScope;
  activeTest?: boolean;
}

/**
 * Compiles a domain into a predicate, with Odoo's normalization (implicit '&'), its implicit
 * active=True leaf and its errors for malformed domains.
 */
function compileDomain(
  env: Env,
  model: Model,
  domain: unknown,
  options: CompileOptions = {},
): Predicate {
  const scope: DomainScope = options.scope ?? { env, sqlErrors: [], activeInjected: false };
  if (!Array.isArray(domain)) {
    if (typeof domain === 'string' && env.database.major >= 19) {
      throw new PythonError(
        'TypeError',
        `Domain() invalid argument type for domain: ${pyStrRepr(domain)}`,
        FRAMES.domain(),
      );
    }
    if (isPlainObject(domain) || typeof domain === 'string') {
      throw new PythonError(
        'AssertionError',
        "Domains to normalize must have a 'domain' form: a list or tuple of domain components",
        FRAMES.domain(),
      );
    }
    throw new PythonError(
      'TypeError',
      `'${pyTypeName(domain)}' object is not iterable`,
      FRAMES.domain().slice(0, 4),
    );
  }
  let items: unknown[] = domain;
  const reprs: Array<string | undefined> = domain.map(() => undefined);
  const activeTest = options.activeTest ?? env.activeTest;
  if (model.hasActive && activeTest && !domain.some((item) => firstElement(item) === 'active')) {
    items = [['active', '=', 1], ...domain];
    reprs.unshift("('active', '=', 1)");
    if (!options.scope) scope.activeInjected = true;
  }
  if (items.length === 0) return TRUE_PREDICATE;

  // normalize_domain: count expected terms, insert implicit '&'
  let expected = 1;
  const normalized: Array<{ token: unknown; repr?: string }> = [];
  items.forEach((token, index) => {
    if (expected === 0) {
      normalized.unshift({ token: '&' });
      expected = 1;
    }
    if (Array.isArray(token)) expected -= 1;
    else expected += (token === '!' ? 1 : token === '&' || token === '|' ? 2 : 0) - 1;
    normalized.push({ token, repr: reprs[index] });
  });
  if (expected !== 0) {
    const shown = reprs.map((repr, index) => repr ?? pyRepr(items[index]));
    throw new PythonError(
      'AssertionError',
      `This domain is syntactically not correct: [${shown.join(', ')}]`,
      [
        ...FRAMES.domain(),
        FRAMES.orm(
          'normalize_domain',
          "assert expected == 0, 'This domain is syntactically not correct: %s' % (domain)",
          0,
        ),
      ],
    );
  }

  // Leaves are validated left to right before anything runs, as in _anyfy_leaves.
  let position = 0;
  const parse = (): Predicate => {
    const { token, repr } = normalized[position++];
    if (token === '&' || token === '|') {
      const first = parse();
      const second = parse();
      return token === '&'
        ? (row) => first(row) && second(row)
        : (row) => first(row) || second(row);
    }
    if (token === '!') {
      const inner = parse();
      return (row) => !inner(row);
    }
    return compileLeaf(scope, model, token, repr);
  };
  let predicate: Predicate;
  try {
    predicate = parse();
  } catch (error) {
    if (error instanceof PythonError && !options.scope && error.frames.length <= 1)
      error.prepend(...FRAMES.domain());
    throw error;
  }
  if (!options.scope && scope.sqlErrors.length) throw scope.sqlErrors[0];
  return predicate;
}

// ---------------------------------------------------------------------------------------------
// Ordering

interface OrderTerm {
  field: Field;
  descending: boolean;
  nullsFirst: boolean;
  byId: boolean;
}

const ORDER_PART =
  /^\s*("?)([a-z0-9_]+)\1(\.([a-z0-9_]+))?(:[a-z_]+)?(\s+(desc|asc))?(\s+nulls\s+(first|last))?\s*$/i;

function parseOrder(_env: Env, model: Model, order: unknown): OrderTerm[] {
  const spec = pyTruthy(order) ? order : model.spec.order;
  if (typeof spec !== 'string') {
    throw new PythonError(
      'TypeError',
      `expected string or bytes-like object, got '${pyTypeName(spec)}'`,
      [FRAMES.orm('_check_qorder', 'if not regex_order.match(word):', 4830)],
    );
  }
  const parts = spec.split(',');
  const matches = parts.map((part) => ORDER_PART.exec(part));
  if (matches.some((match) => !match)) {
    throw new UserError(
      `Invalid "order" specified (${spec}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
    );
  }
  const terms: OrderTerm[] = [];
  for (const match of matches as RegExpExecArray[]) {
    const name = match[2];
    const orderField = model.fields.get(name);
    if (!orderField) {
      throw new PythonError(
        'ValueError',
        `Invalid field ${pyStrRepr(name)} on model ${pyStrRepr(model.name)}`,
        [
          FRAMES.orm(
            '_order_field_to_sql',
            'raise ValueError(f"Invalid field {field_name!r} on model {self._name!r}")',
            4878,
          ),
        ],
      );
    }
    if (!orderField.sortable && orderField.name !== 'id') continue;
    const descending = (match[7] ?? '').toLowerCase() === 'desc';
    const nulls = (match[9] ?? '').toLowerCase();
    terms.push({
      field: orderField,
      descending,
      nullsFirst: nulls ? nulls === 'first' : descending,
      byId: match[4] === 'id',
    });
  }
  return terms;
}

function sortKey(env: Env, model: Model, term: OrderTerm): (row: Row) => number | string | null {
  const modelField = term.field;
  if (modelField.name === 'id') return (row) => row.id;
  if (modelField.type === 'many2one') {
    const comodel = modelField.comodel(env.database);
    if (!comodel || term.byId || comodel === model) {
      return (row) => {
        const value = valueOf(env, model, row, modelField);
        return isInt(value) ? value : null;
      };
    }
    const rank = orderRank(env, comodel);
    return (row) => {
      const value = valueOf(env, model, row, modelField);
      return isInt(value) ? (rank.get(value) ?? null) : null;
    };
  }
  if (modelField.type === 'boolean')
    return (row) => (valueOf(env, model, row, modelField) === true ? 1 : 0);
  return (row) => {
    const value = valueOf(env, model, row, modelField);
    return value === null || value === false || value === undefined
      ? null
      : (value as number | string);
  };
}

function sortRows(env: Env, model: Model, rows: Row[], terms: OrderTerm[]): Row[] {
  const keyers = terms.map((term) => sortKey(env, model, term));
  const textual = terms.map((term) => ['char', 'text', 'html'].includes(term.field.type));
  const decorated = rows.map((row) => ({ row, keys: keyers.map((keyer) => keyer(row)) }));
  decorated.sort((a, b) => {
    for (let index = 0; index < terms.length; index++) {
      const left = a.keys[index];
      const right = b.keys[index];
      if (left === right) continue;
      const term = terms[index];
      if (left === null) return term.nullsFirst ? -1 : 1;
      if (right === null) return term.nullsFirst ? 1 : -1;
      let order: number;
      if (typeof left === 'number' && typeof right === 'number') order = left - right;
      else if (textual[index]) order = compareText(String(left), String(right));
      else order = String(left) < String(right) ? -1 : String(left) > String(right) ? 1 : 0;
      if (order !== 0) return term.descending ? -order : order;
    }
    return a.row.id - b.row.id;
  });
  return decorated.map((entry) => entry.row);
}

// ---------------------------------------------------------------------------------------------
// Search

function sqlCount(value: unknown, clause: 'LIMIT' | 'OFFSET'): number | undefined {
  const plain = plainValue(value);
  if (!pyTruthy(plain)) return undefined;
  let number: number;
  if (typeof plain === 'number') number = Math.round(plain);
  else if (plain === true) number = 1;
  else if (typeof plain === 'string' && /^\s*[+-]?\d+\s*$/.test(plain)) number = Number(plain);
  else {
    throw new PythonError(
      'psycopg2.errors.InvalidTextRepresentation',
      `invalid input syntax for type bigint: "${pyStr(plain)}"\n`,
      FRAMES.sqlQuery(),
    );
  }
  if (number < 0) {
    throw new PythonError(
      clause === 'LIMIT'
        ? 'psycopg2.errors.InvalidRowCountInLimitClause'
        : 'psycopg2.errors.InvalidRowCountInResultOffsetClause',
      `${clause} must not be negative\n`,
      FRAMES.sqlQuery(),
    );
  }
  return number;
}

interface SearchOptions {
  offset?: unknown;
  limit?: unknown;
  order?: unknown;
  activeTest?: boolean;
}

function searchRows(env: Env, model: Model, domain: unknown, options: SearchOptions = {}): Row[] {
  const predicate = compileDomain(env, model, domain, { activeTest: options.activeTest });
  const terms = parseOrder(env, model, options.order);
  const offset = sqlCount(options.offset, 'OFFSET') ?? 0;
  const limit = sqlCount(options.limit, 'LIMIT');
  if (terms[0]?.field.name === 'id' && !terms[0].byId) {
    return idOrderScan(model, domain, predicate, terms[0].descending, offset, limit);
  }
  const matching: Row[] = [];
  for (const row of model.rows.values()) if (predicate(row)) matching.push(row);
  const sorted = sortRows(env, model, matching, terms);
  return sorted.slice(offset, limit === undefined ? undefined : offset + limit);
}

/** search_count: no ordering, and it stops at the limit, as Postgres does. */
function countRows(env: Env, model: Model, domain: unknown, limit: unknown): number {
  const predicate = compileDomain(env, model, domain);
  const most = sqlCount(limit, 'LIMIT') ?? Infinity;
  let count = 0;
  for (const row of model.rows.values()) {
    if (count >= most) break;
    if (predicate(row)) count++;
  }
  return count;
}

/**
 * ORDER BY id as Postgres runs it: walk the primary key from the bound that leading
 * `('id', '>', n)`-style conditions give, stop once offset + limit rows matched. This keeps a
 * keyset-paged read of a million records fast; the result is the same as filtering and sorting.
 */
function idOrderScan(
  model: Model,
  domain: unknown,
  predicate: Predicate,
  descending: boolean,
  offset: number,
  limit: number | undefined,
): Row[] {
  let low = -Infinity;
  let high = Infinity;
  for (const item of Array.isArray(domain) ? domain : []) {
    if (!Array.isArray(item)) break;
    const [name, operator, value] = item as unknown[];
    if (name !== 'id' || !isInt(value)) continue;
    if (operator === '>') low = Math.max(low, value + 1);
    else if (operator === '>=') low = Math.max(low, value);
    else if (operator === '<') high = Math.min(high, value - 1);
    else if (operator === '<=') high = Math.min(high, value);
  }
  const ids = model.rows.idsInOrder();
  const first = firstIndexAtLeast(ids, low);
  const last = firstIndexAtLeast(ids, high + 1) - 1;
  const wanted = limit === undefined ? Infinity : offset + limit;
  const matching: Row[] = [];
  const step = descending ? -1 : 1;
  for (let index = descending ? last : first; index >= first && index <= last; index += step) {
    const row = model.rows.get(ids[index])!;
    if (!predicate(row)) continue;
    matching.push(row);
    if (matching.length >= wanted) break;
  }
  return matching.slice(offset);
}

function firstIndexAtLeast(sorted: number[], bound: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < bound) low = middle + 1;
    else high = middle;
  }
  return low;
}

function searchIds(env: Env, model: Model, domain: unknown, options: SearchOptions = {}): number[] {
  return searchRows(env, model, domain, options).map((row) => row.id);
}

function nameSearch(
  env: Env,
  model: Model,
  name: string,
  domain: unknown,
  operator: string,
  limit: number | undefined,
): number[] {
  const base = Array.isArray(domain) ? domain : [];
  if (
    model.name === 'res.partner' &&
    ['=', 'ilike', '=ilike', 'like', '=like'].includes(operator) &&
    name
  ) {
    // Odoo's SQL: email, display name, reference or VAT match; display-name matches first.
    const pattern = operator === 'ilike' || operator === 'like' ? `%${name}%` : name;
    const regex = likeRegExp(pattern, operator.includes('ilike'));
    const matches = (value: unknown): boolean =>
      typeof value === 'string' && (operator === '=' ? value === name : regex.test(value));
    const decorated = searchRows(env, model, base)
      .map((row) => {
        const display = partnerCompleteName(env, row);
        return { row, display, onName: matches(display) };
      })
      .filter(
        ({ row, onName }) => onName || matches(row.email) || matches(row.ref) || matches(row.vat),
      );
    decorated.sort(
      (a, b) =>
        Number(b.onName) - Number(a.onName) ||
        compareText(a.display, b.display) ||
        b.row.id - a.row.id,
    );
    const ids = decorated.map((entry) => entry.row.id);
    return limit === undefined ? ids : ids.slice(0, limit);
  }
  const recName = model.spec.recName ?? 'name';
  let full: unknown[] = base;
  if (
    !(name === '' && (operator === 'ilike' || operator === 'like')) &&
    model.fields.has(recName)
  ) {
    full = [[recName, operator, name], ...base];
  }
  return searchIds(env, model, full, { limit });
}

// ---------------------------------------------------------------------------------------------
// Access rights

const ACCESS_VERBS: Record<Operation, string> = {
  read: 'access',
  write: 'modify',
  create: 'create',
  unlink: 'delete',
};

const GROUP_NAMES: Record<AccessGroup, [before19: string, from19: string]> = {
  settings: ['Administration/Settings', 'Role / Administrator'],
  'access-rights': ['Administration/Access Rights', 'Access Rights'],
  internal: ['User types / Internal User', 'User types / Internal User'],
};

function checkAccess(env: Env, model: Model, operation: Operation, raiseException = true): boolean {
  const groups = env.database.groupsOf(env.uid);
  if (groups === 'admin') return true;
  let allowedFor = model.spec.restricted?.[operation];
  if (
    !allowedFor &&
    groups !== 'internal' &&
    (operation !== 'read' || model.name !== 'res.partner')
  ) {
    allowedFor = ['internal'];
  }
  if (!allowedFor) return true;
  if (!raiseException) return false;
  const names = allowedFor.map((group) => GROUP_NAMES[group][env.database.major >= 19 ? 1 : 0]);
  throw new AccessError(
    `You are not allowed to ${ACCESS_VERBS[operation]} '${model.spec.description}' (${model.name}) records.\n\n` +
      `This operation is allowed for the following groups:\n${names.map((group) => `\t- ${group}`).join('\n')}\n\n` +
      'Contact your administrator to request access if necessary.',
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

function fieldNames(model: Model, requested: unknown): string[] {
  if (!pyTruthy(requested))
    return model.fieldList.filter((entry) => entry.name !== 'id').map((entry) => entry.name);
  let names: unknown[];
  if (Array.isArray(requested)) names = requested;
  else if (typeof requested === 'string') names = [...requested];
  else if (isPlainObject(requested)) names = Object.keys(requested);
  else {
    throw new PythonError('TypeError', `'${pyTypeName(requested)}' object is not iterable`, [
      FRAMES.orm(
        'check_field_access_rights',
        'return [fname for fname in fields if valid(fname)]',
        3460,
      ),
    ]);
  }
  const unique: string[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !model.fields.has(name)) {
      throw new PythonError(
        'ValueError',
        `Invalid field ${pyRepr(name)} on model ${pyStrRepr(model.name)}`,
        [
          FRAMES.orm(
            '_determine_fields_to_fetch',
            'raise ValueError(f"Invalid field {field_name!r} on model {self._name!r}")',
            3886,
          ),
        ],
      );
    }
    if (!unique.includes(name)) unique.push(name);
  }
  return unique;
}

function readRows(
  env: Env,
  model: Model,
  rows: Row[],
  names: string[],
  load: unknown,
): Array<Record<string, unknown>> {
  const classic = load === '_classic_read';
  const fields = names.filter((name) => name !== 'id').map((name) => model.fields.get(name)!);
  return rows.map((row) => {
    const record: Record<string, unknown> = { id: row.id };
    for (const modelField of fields)
      record[modelField.name] = readValue(env, model, row, modelField, classic);
    return record;
  });
}

function browse(value: unknown): number[] {
  if (!pyTruthy(value)) return [];
  if (isInt(value)) return [value];
  if (typeof value === 'boolean') return [1];
  if (Array.isArray(value)) {
    return value.map((id) => {
      if (isInt(id)) return id;
      if (typeof id === 'boolean') return Number(id);
      if (typeof id === 'string' && /^\s*\d+\s*$/.test(id)) return Number(id);
      throw new PythonError(
        'psycopg2.errors.InvalidTextRepresentation',
        `invalid input syntax for type integer: "${pyStr(id)}"\n`,
        FRAMES.sqlQuery(),
      );
    });
  }
  throw new PythonError('TypeError', `'${pyTypeName(value)}' object is not iterable`, [
    FRAMES.orm('browse', 'ids = tuple(ids)', 5820),
  ]);
}

function missingError(env: Env, model: Model, id: number): MissingError {
  return new MissingError(
    `Record does not exist or has been deleted.\n(Record: ${model.name}(${id},), User: ${env.uid})`,
  );
}

function existingRows(env: Env, model: Model, ids: number[]): Row[] {
  return ids.map((id) => {
    const row = model.rows.get(id);
    if (!row) throw missingError(env, model, id);
    return row;
  });
}

function ensureOne(model: Model, ids: number[]): number {
  if (ids.length !== 1) {
    throw new PythonError(
      'ValueError',
      `Expected singleton: ${model.name}(${ids.join(', ')}${ids.length === 1 ? ',' : ''})`,
      [FRAMES.orm('ensure_one', 'raise ValueError("Expected singleton: %s" % self)', 5270)],
    );
  }
  return ids[0];
}

// ---------------------------------------------------------------------------------------------
// Writing: Python-side conversion of values (Odoo's convert_to_cache)

const DATE_FORMAT = '%Y-%m-%d';
const DATETIME_FORMAT = '%Y-%m-%d %H:%M:%S';

function parseServerDate(env: Env, modelField: Field, value: unknown): string | null {
  const withTime = modelField.type === 'datetime';
  const func = withTime ? 'to_datetime' : 'to_date';
  const frames = [
    FRAMES.fields(
      func,
      withTime ? 'value = value[:DATETIME_LENGTH]' : 'value = value[:DATE_LENGTH]',
      2200,
    ),
  ];
  if (!pyTruthy(value)) return null;
  if (value instanceof XmlRpcDateTime) {
    const server = value.toServerString();
    if (env.database.major < 18 || !server) {
      throw new PythonError('TypeError', "'DateTime' object is not subscriptable", frames);
    }
    return withTime ? server : server.slice(0, 10);
  }
  if (typeof value !== 'string') {
    if (Array.isArray(value)) {
      throw new PythonError('TypeError', 'strptime() argument 1 must be str, not list', frames);
    }
    if (isPlainObject(value))
      throw new PythonError('TypeError', "unhashable type: 'slice'", frames);
    throw new PythonError(
      'TypeError',
      `'${pyTypeName(value)}' object is not subscriptable`,
      frames,
    );
  }
  let candidate = value.slice(0, withTime ? 19 : 10);
  if (withTime && candidate.length === 10) candidate += ' 00:00:00';
  const format = withTime ? DATETIME_FORMAT : DATE_FORMAT;
  const pattern = withTime
    ? /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})$/
    : /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
  const match = pattern.exec(candidate);
  const fail = (message: string): never => {
    throw new PythonError('ValueError', message, frames);
  };
  const mismatch = `time data ${pyStrRepr(candidate)} does not match format ${pyStrRepr(format)}`;
  if (!match) return fail(mismatch);
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 61)
    fail(mismatch);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) fail('day is out of range for month');
  if (second > 59) fail('second must be in 0..59');
  const pad = (number: number): string => String(number).padStart(2, '0');
  const date = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  return withTime ? `${date} ${pad(hour)}:${pad(minute)}:${pad(second)}` : date;
}

/** Python's non-strict base64 decoding (binascii.a2b_base64), or undefined when it would fail. */
function decodeBase64(text: string): Buffer | undefined {
  const cleaned = text.replace(/[^A-Za-z0-9+/=]/g, '');
  const firstPad = cleaned.indexOf('=');
  const data = firstPad === -1 ? cleaned : cleaned.slice(0, firstPad);
  const padding = firstPad === -1 ? 0 : /^=*/.exec(cleaned.slice(firstPad))![0].length;
  const remainder = data.length % 4;
  if (remainder === 1) return undefined;
  if ((remainder === 2 && padding < 2) || (remainder === 3 && padding < 1)) return undefined;
  return Buffer.from(data, 'base64');
}

function looksLikeImage(data: Buffer): boolean {
  if (data[0] === 0x3c) return true;
  const head = data.subarray(0, 12);
  return (
    head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    (head[0] === 0xff && head[1] === 0xd8) ||
    head.subarray(0, 4).toString('latin1') === 'GIF8' ||
    (head.subarray(0, 4).toString('latin1') === 'RIFF' &&
      head.subarray(8, 12).toString('latin1') === 'WEBP') ||
    head.subarray(0, 2).toString('latin1') === 'BM' ||
    head.subarray(0, 4).toString('latin1') === 'II*\0' ||
    head.subarray(0, 4).toString('latin1') === 'MM\0*' ||
    (head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0)
  );
}

function convertImage(value: unknown): string | null {
  if (value === null || value === undefined || value === false) return null;
  if (typeof value !== 'string') throw new UserError('Image is not encoded in base64.');
  const data = decodeBase64(value);
  if (!data) throw new UserError('Image is not encoded in base64.');
  if (data.length === 0) return null;
  if (!looksLikeImage(data))
    throw new UserError('This file could not be decoded as an image file.');
  return data.toString('base64');
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A small part of Odoo's html_sanitize: scripts go, plain text gets a paragraph. */
function sanitizeHtml(value: string): string {
  if (!/<[a-z!/]/i.test(value)) {
    if (value === '') return '';
    const escaped = value
      .replace(/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;');
    return `<p>${escaped}</p>`;
  }
  return value
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
    .replace(/(href|src)\s*=\s*(["'])\s*javascript:[^"']*\2/gi, '');
}

function convertValue(env: Env, modelField: Field, raw: unknown): unknown {
  const value = plainValue(raw instanceof XmlRpcDateTime ? raw : raw);
  const frames = [FRAMES.fields('convert_to_cache', 'return int(value or 0)', 2100)];
  switch (modelField.type) {
    case 'char':
    case 'text':
    case 'html': {
      if (value === null || value === undefined || value === false) return null;
      const textValue = typeof value === 'string' ? value : pyStr(value);
      return modelField.type === 'html' ? sanitizeHtml(textValue) : textValue;
    }
    case 'integer':
      return pyTruthy(value) ? pyInt(value, frames) : 0;
    case 'float':
      return pyTruthy(value) ? pyFloat(value, frames) : 0;
    case 'monetary':
      return pyTruthy(value) ? round2(pyFloat(value, frames)) : 0;
    case 'boolean':
      return pyTruthy(value);
    case 'selection': {
      if (!pyTruthy(value)) return null;
      if (
        typeof value === 'string' &&
        (modelField.spec.selection ?? []).some(([key]) => key === value)
      )
        return value;
      throw new PythonError('ValueError', `Wrong value for ${modelField}: ${pyRepr(raw)}`, [
        FRAMES.fields(
          'convert_to_cache',
          'raise ValueError("Wrong value for %s: %r" % (self, value))',
          2480,
        ),
      ]);
    }
    case 'date':
    case 'datetime':
      return parseServerDate(env, modelField, raw);
    case 'binary':
      if (modelField.spec.image) return convertImage(raw);
      if (!pyTruthy(value)) return null;
      return Buffer.isBuffer(value) ? value.toString('base64') : pyStr(value);
    case 'many2one':
      // Like Odoo's convert_to_cache: anything but an int id (a string, a [id, name] list) is no id.
      return isInt(value) ? value : null;
    default:
      return value;
  }
}

interface PreparedValues {
  columns: Record<string, unknown>;
  x2many: Array<[Field, unknown]>;
  inverses: Array<[Field, unknown]>;
}

function prepareValues(env: Env, model: Model, vals: Record<string, unknown>): PreparedValues {
  const prepared: PreparedValues = { columns: {}, x2many: [], inverses: [] };
  for (const name of Object.keys(vals)) {
    if (LOG_ACCESS.has(name)) continue;
    const modelField = model.fields.get(name);
    if (!modelField) {
      throw new PythonError(
        'ValueError',
        `Invalid field ${pyStrRepr(name)} on model ${pyStrRepr(model.name)}`,
        [
          FRAMES.orm(
            'write',
            'raise ValueError("Invalid field %r on model %r" % (fname, self._name))',
            4313,
          ),
        ],
      );
    }
  }
  for (const [name, value] of Object.entries(vals)) {
    if (LOG_ACCESS.has(name)) continue;
    const modelField = model.fields.get(name)!;
    const spec = modelField.spec;
    if (modelField.x2many) {
      prepared.x2many.push([modelField, value]);
    } else if (spec.inert !== undefined) {
      if (
        modelField.relational &&
        pyTruthy(plainValue(value)) &&
        modelField.type === 'many2one' &&
        isInt(value)
      ) {
        prepared.x2many.push([modelField, value]);
      } else if (!modelField.relational) {
        prepared.columns[name] = convertValue(env, modelField, value);
      }
    } else if (spec.compute) {
      const writable = spec.compute === 'related' && spec.readonly === false;
      if (
        writable ||
        ['company_type', 'user_name', 'user_email', 'user_lang'].includes(spec.compute)
      ) {
        prepared.inverses.push([modelField, convertValue(env, modelField, value)]);
      }
    } else {
      prepared.columns[name] = convertValue(env, modelField, value);
    }
  }
  return prepared;
}

function notNullError(model: Model, modelField: Field): ValidationError {
  return new ValidationError(
    'The operation cannot be completed:\n' +
      '- Create/update: a mandatory field is not set.\n' +
      '- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n' +
      `Model: ${model.spec.description} (${model.name})\nField: ${modelField.spec.string} (${modelField.name})\n`,
  );
}

function foreignKeyError(
  model: { description: string; name: string },
  constraint: string,
): ValidationError {
  return new ValidationError(
    'The operation cannot be completed: another model requires the record being deleted. ' +
      `If possible, archive it instead.\n\nModel: ${model.description} (${model.name})\nConstraint: ${constraint}\n`,
  );
}

function relationTable(model: Model, modelField: Field): string {
  const comodelTable = (modelField.spec.relation ?? '').replace(/\./g, '_');
  const tables = [model.table, comodelTable].sort();
  return `${tables[0]}_${tables[1]}_rel`;
}

/** What PostgreSQL checks when the row is written: ranges, NOT NULL, CHECK, UNIQUE, FOREIGN KEY. */
function databaseChecks(
  env: Env,
  model: Model,
  row: Row,
  changed: Set<string> | 'all',
  atFlush: boolean,
): void {
  const touched = (name: string): boolean => changed === 'all' || changed.has(name);
  for (const modelField of model.integerColumns) {
    if (!touched(modelField.name)) continue;
    const value = row[modelField.name];
    if (isInt(value) && (value > INT4_MAX || value < INT4_MIN)) {
      throw new PythonError(
        'psycopg2.errors.NumericValueOutOfRange',
        'integer out of range\n',
        atFlush ? FRAMES.flush() : [FRAMES.orm('_create', 'cr.execute(SQL(', 4821)],
      );
    }
  }
  for (const modelField of model.requiredColumns) {
    if (!touched(modelField.name)) continue;
    const value = row[modelField.name];
    if (value === null || value === undefined) throw notNullError(model, modelField);
  }
  if (
    model.name === 'res.partner' &&
    row.type === 'contact' &&
    (row.name === null || row.name === undefined)
  ) {
    throw new ValidationError('The operation cannot be completed: Contacts require a name');
  }
  if (
    model.name === 'sale.order.line' &&
    env.database.major < 19 &&
    !pyTruthy(row.display_type) &&
    !isInt(row.product_id)
  ) {
    // CHECK(display_type IS NOT NULL OR (product_id IS NOT NULL AND product_uom IS NOT NULL))
    throw new ValidationError(
      'The operation cannot be completed: Missing required fields on accountable sale order line.',
    );
  }
  const unique: Record<string, [string, string]> = {
    'res.users': ['login', 'You can not have two users with the same login !'],
    'ir.config_parameter': ['key', 'Key must be unique.'],
    'product.product': ['barcode', 'A barcode can only be assigned to one product !'],
  };
  if (
    model.name === 'ir.model.data' &&
    (touched('module') || touched('name')) &&
    [...model.rows.values()].some(
      (other) => other.id !== row.id && other.module === row.module && other.name === row.name,
    )
  ) {
    throw new ValidationError(
      'The operation cannot be completed: duplicate key value violates unique constraint "ir_model_data_module_name_uniq_index"\n' +
        `DETAIL:  Key (module, name)=(${text(row.module)}, ${text(row.name)}) already exists.\n`,
    );
  }
  const uniqueRule = unique[model.name];
  if (uniqueRule && touched(uniqueRule[0]) && row[uniqueRule[0]] !== null) {
    for (const other of model.rows.values()) {
      if (other.id !== row.id && other[uniqueRule[0]] === row[uniqueRule[0]]) {
        throw new ValidationError(`The operation cannot be completed: ${uniqueRule[1]}`);
      }
    }
  }
  for (const modelField of model.relationalColumns) {
    if (!touched(modelField.name)) continue;
    const comodel = modelField.comodel(env.database);
    const value = row[modelField.name];
    if (modelField.type === 'many2one' && isInt(value)) {
      if (value > INT4_MAX || value < INT4_MIN) {
        throw new PythonError(
          'psycopg2.errors.NumericValueOutOfRange',
          'integer out of range\n',
          FRAMES.flush(),
        );
      }
      if (!comodel?.rows.has(value)) {
        throw foreignKeyError(model.spec, `${model.table}_${modelField.name}_fkey`);
      }
    }
    if (modelField.type === 'many2many' && Array.isArray(value)) {
      if (value.some((id) => !comodel?.rows.has(id as number))) {
        const table = relationTable(model, modelField);
        throw foreignKeyError(
          { description: 'Unknown', name: 'unknown' },
          `${table}_${modelField.name}_fkey`,
        );
      }
    }
  }
}

function resolveDefault(env: Env, modelField: Field): unknown {
  const fromContext = env.context[`default_${modelField.name}`];
  if (fromContext !== undefined) return convertValue(env, modelField, fromContext);
  const value = modelField.spec.default;
  if (value === 'now') return env.now;
  if (value === 'uid') return env.uid;
  if (value === 'context_lang') return env.lang() || userLang(env);
  if (value === 'context_tz') {
    const tz = env.context.tz;
    return typeof tz === 'string' && (modelField.spec.selection ?? []).some(([key]) => key === tz)
      ? tz
      : null;
  }
  return value === undefined ? null : value;
}

/** The language of the calling user (their partner's). */
function userLang(env: Env): string | null {
  const user = env.model('res.users').rows.get(env.uid);
  const lang = rowOf(env, 'res.partner', user?.partner_id)?.lang;
  return typeof lang === 'string' ? lang : null;
}

function cleanWebsite(website: unknown): unknown {
  if (typeof website !== 'string' || !website) return website;
  if (/^[a-z][a-z0-9+.-]*:/i.test(website)) return website;
  return `http://${website.replace(/^\/\//, '')}`;
}

/** Model-specific adjustments of incoming values (Odoo's create/write overrides). */
function adjustValues(
  env: Env,
  model: Model,
  vals: Record<string, unknown>,
  creating: boolean,
): Record<string, unknown> {
  const adjusted = { ...vals };
  if (model.name === 'res.partner') {
    if (pyTruthy(adjusted.website)) adjusted.website = cleanWebsite(adjusted.website);
    if (pyTruthy(adjusted.parent_id)) adjusted.company_name = false;
  }
  if (model.name === 'sale.order' && creating) {
    if (adjusted.name === undefined || adjusted.name === 'New')
      adjusted.name = env.database.nextSaleOrderName();
  }
  if (model.name === 'product.product' && creating && !pyTruthy(adjusted.product_tmpl_id)) {
    // A variant made on its own comes with its template, which holds the shared values.
    const templateVals: Record<string, unknown> = {};
    for (const modelField of model.fieldList) {
      if (modelField.spec.compute === 'related' && modelField.name in adjusted) {
        templateVals[modelField.spec.related!.split('.')[1]] = adjusted[modelField.name];
        delete adjusted[modelField.name];
      }
    }
    const templates = env.model('product.template');
    const quiet = env.withContext({ create_product_product: false });
    adjusted.product_tmpl_id = createRecords(quiet, templates, [templateVals])[0];
  }
  if (model.name === 'sale.order.line' && creating && isInt(adjusted.product_id)) {
    const products = env.model('product.product');
    const product = products.rows.get(adjusted.product_id);
    if (product) {
      const description = valueOf(env, products, product, products.fields.get('description_sale')!);
      if (adjusted.name === undefined) {
        const name = displayName(env, products, product.id);
        adjusted.name = typeof description === 'string' ? `${name}\n${description}` : name;
      }
      if (adjusted.price_unit === undefined) {
        adjusted.price_unit = valueOf(env, products, product, products.fields.get('list_price')!);
      }
    }
  }
  return adjusted;
}

function createRecords(env: Env, model: Model, valsList: unknown[]): number[] {
  checkAccess(env, model, 'create');
  if (valsList.length === 0) return [];
  const passwords: string[] = [];
  const entries = valsList.map((vals) => {
    if (!isPlainObject(vals)) {
      throw new PythonError(
        'AttributeError',
        `'${pyTypeName(vals)}' object has no attribute 'items'`,
        [FRAMES.orm('create', 'for key, val in vals.items():', 4651)],
      );
    }
    if (model.name === 'ir.attachment') return adjustValues(env, model, withMimetype(vals), true);
    if (model.name !== 'res.users') return adjustValues(env, model, vals, true);
    passwords.push(typeof vals.password === 'string' ? vals.password : '');
    const withoutPassword = { ...vals };
    delete withoutPassword.password;
    return createUserValues(env, withoutPassword);
  });
  const defaults = new Map<string, unknown>();
  for (const modelField of model.columns) {
    if (modelField.type === 'many2many') continue;
    if (
      modelField.spec.default !== undefined ||
      env.context[`default_${modelField.name}`] !== undefined
    ) {
      defaults.set(modelField.name, resolveDefault(env, modelField));
    } else if (model.name === 'sale.order' && modelField.name === 'name')
      defaults.set('name', 'New');
  }
  const prepared = entries.map((vals) => prepareValues(env, model, vals));
  const template: unknown[] = [
    0,
    ...model.columns.map((modelField) => defaults.get(modelField.name) ?? null),
    env.uid,
    env.timestamp,
    env.uid,
    env.timestamp,
  ];
  const manyToMany = model.columns.flatMap((modelField, index) =>
    modelField.type === 'many2many' ? [index + 1] : [],
  );
  const ids: number[] = [];
  for (const values of prepared) {
    const id = env.database.allocateId(model);
    const slots = template.slice();
    slots[0] = id;
    for (const slot of manyToMany) slots[slot] = [];
    for (const [name, value] of Object.entries(values.columns)) {
      const slot = model.slotOf.get(name);
      if (slot !== undefined) slots[slot] = value;
    }
    const row = model.newRow(slots);
    databaseChecks(env, model, row, 'all', false);
    env.database.insertRow(model, row);
    if (model.name === 'res.users') env.database.registerUser(id, passwords[ids.length]);
    ids.push(id);
  }
  env.invalidate();
  prepared.forEach((values, index) => applyRelations(env, model, ids[index], values));
  env.invalidate();
  afterCreate(env, model, ids, entries);
  return ids;
}

const MIMETYPES: Record<string, string> = {
  txt: 'text/plain',
  csv: 'text/csv',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  json: 'application/json',
  xml: 'application/xml',
};

/** Content signatures Odoo's `guess_mimetype` knows (a few of them). */
const SIGNATURES: Array<[prefix: string, mimetype: string]> = [
  ['%PDF', 'application/pdf'],
  ['\x89PNG\r\n\x1a\n', 'image/png'],
  ['\xff\xd8\xff', 'image/jpeg'],
  ['GIF8', 'image/gif'],
  ['PK\x03\x04', 'application/zip'],
];

/**
 * ir.attachment's `_compute_mimetype` at create: the given type, else one guessed from the file
 * name, and when that leaves `application/octet-stream`, one sniffed from the content.
 */
function withMimetype(vals: Record<string, unknown>): Record<string, unknown> {
  let mimetype = typeof vals.mimetype === 'string' && vals.mimetype ? vals.mimetype : undefined;
  const extension = /\.([a-z0-9]+)$/i.exec(typeof vals.name === 'string' ? vals.name : '')?.[1];
  mimetype ??= MIMETYPES[extension?.toLowerCase() ?? ''];
  if ((!mimetype || mimetype === 'application/octet-stream') && typeof vals.datas === 'string') {
    const head = Buffer.from(vals.datas.slice(0, 24), 'base64').toString('latin1');
    mimetype = SIGNATURES.find(([prefix]) => head.startsWith(prefix))?.[1];
  }
  return { ...vals, mimetype: (mimetype ?? 'application/octet-stream').toLowerCase() };
}

/**
 * What Odoo's create overrides do once the rows exist: a template gets its variant, a contact
 * its company's address, and the creator of a record with chatter follows it.
 */
function afterCreate(
  env: Env,
  model: Model,
  ids: number[],
  valsList: Record<string, unknown>[],
): void {
  if (model.name === 'product.template' && env.context.create_product_product !== false) {
    ids.forEach((id, index) => {
      const { default_code: code, barcode } = valsList[index];
      createRecords(env, env.model('product.product'), [
        { product_tmpl_id: id, default_code: code ?? false, barcode: barcode ?? false },
      ]);
    });
  }
  if (model.name === 'res.partner') {
    ids.forEach((id, index) => syncPartner(env, model, id, valsList[index], true));
  }
  if (model.spec.mailThread && !pyTruthy(env.context.mail_create_nosubscribe)) {
    const creator = env.model('res.users').rows.get(env.uid)?.partner_id;
    if (isInt(creator)) subscribe(env, model, ids, [creator]);
  }
}

const ADDRESS_FIELDS = ['street', 'street2', 'zip', 'city', 'state_id', 'country_id'];
const COMMERCIAL_FIELDS = ['vat', 'company_registry'];

/**
 * res.partner's `_fields_sync`, `_handle_first_contact_creation` and language: a contact under
 * a company takes the company's address (when it has one) and commercial fields, a company's
 * changed address and commercial fields reach its contacts, a company's first contact gives it
 * its address when it has none, and a new contact speaks its company's language.
 */
function syncPartner(
  env: Env,
  model: Model,
  id: number,
  vals: Record<string, unknown>,
  creating: boolean,
): void {
  const row = model.rows.get(id);
  if (!row) return;
  const parent = rowOf(env, 'res.partner', row.parent_id);
  const update: Record<string, unknown> = {};
  if (parent && (pyTruthy(vals.parent_id) || vals.type === 'contact')) {
    if (pyTruthy(vals.parent_id)) {
      const commercial = commercialPartner(env, row);
      if (commercial.id !== row.id) {
        for (const name of COMMERCIAL_FIELDS) update[name] = commercial[name] ?? false;
      }
    }
    if (row.type === 'contact' && ADDRESS_FIELDS.some((name) => pyTruthy(parent[name]))) {
      for (const name of ADDRESS_FIELDS) update[name] = parent[name] ?? false;
    }
  }
  if (creating && parent && !('lang' in vals)) update.lang = parent.lang ?? false;
  const changes = Object.entries(update).filter(([name, value]) => (row[name] ?? false) !== value);
  if (changes.length) writeRecords(env, model, [id], Object.fromEntries(changes), true);
  const children = contactIds(env, model, id)
    .map((child) => model.rows.get(child)!)
    .filter(Boolean);
  const toChildren: Record<string, unknown> = {};
  for (const name of ADDRESS_FIELDS) if (name in vals) toChildren[name] = row[name] ?? false;
  const contacts = children.filter((child) => child.type === 'contact').map((child) => child.id);
  if (contacts.length && Object.keys(toChildren).length) {
    writeRecords(env, model, contacts, toChildren, true);
  }
  const commercial = COMMERCIAL_FIELDS.filter((name) => name in vals);
  const persons = children.filter((child) => child.is_company !== true).map((child) => child.id);
  if (commercial.length && persons.length && commercialPartner(env, row).id === row.id) {
    writeRecords(
      env,
      model,
      persons,
      Object.fromEntries(commercial.map((name) => [name, row[name] ?? false])),
      true,
    );
  }
  if (creating && parent && (parent.is_company === true || !isInt(parent.parent_id))) {
    const siblings = contactIds(env, model, parent.id);
    const own = ADDRESS_FIELDS.some((name) => pyTruthy(row[name]));
    if (siblings.length === 1 && own && !ADDRESS_FIELDS.some((name) => pyTruthy(parent[name]))) {
      writeRecords(
        env,
        model,
        [parent.id],
        Object.fromEntries(
          ADDRESS_FIELDS.map((name) => [name, model.rows.get(id)![name] ?? false]),
        ),
        true,
      );
    }
  }
}

/** res.users delegates name and email to a partner, created along with the user. */
function createUserValues(env: Env, vals: Record<string, unknown>): Record<string, unknown> {
  const adjusted = { ...vals };
  if (!isInt(adjusted.partner_id)) {
    const partnerVals: Record<string, unknown> = {
      name: adjusted.name ?? adjusted.login,
      email: adjusted.email ?? false,
    };
    adjusted.partner_id = createRecords(env, env.model('res.partner'), [partnerVals])[0];
  }
  delete adjusted.name;
  delete adjusted.email;
  return adjusted;
}

function applyRelations(env: Env, model: Model, id: number, values: PreparedValues): void {
  for (const [modelField, value] of values.x2many) applyCommands(env, model, id, modelField, value);
  for (const [modelField, value] of values.inverses) {
    if (modelField.spec.compute === 'company_type') {
      writeRecords(env, model, [id], { is_company: value === 'company' });
    } else if (modelField.spec.compute === 'related') {
      const [via, target] = modelField.spec.related!.split('.');
      const comodel = model.fields.get(via)!.comodel(env.database)!;
      const linked = model.rows.get(id)![via];
      if (isInt(linked)) writeRecords(env, comodel, [linked], { [target]: value ?? false });
    } else {
      const user = model.rows.get(id)!;
      const target = { user_name: 'name', user_email: 'email', user_lang: 'lang' }[
        modelField.spec.compute as 'user_name' | 'user_email' | 'user_lang'
      ];
      writeRecords(env, env.model('res.partner'), [user.partner_id as number], {
        [target]: value ?? false,
      });
    }
  }
}

function wrongValue(modelField: Field, value: unknown): PythonError {
  return new PythonError('ValueError', `Wrong value for ${modelField}: ${pyStr(value)}`, [
    FRAMES.fields(
      'write_batch',
      'raise ValueError("Wrong value for %s: %s" % (self, value))',
      4480,
    ),
  ]);
}

/** x2many commands (0 create, 1 update, 2 delete, 3 unlink, 4 link, 5 clear, 6 set) or a list of ids. */
function applyCommands(
  env: Env,
  model: Model,
  id: number,
  modelField: Field,
  value: unknown,
): void {
  let commands: unknown[];
  if (value === false || value === null || value === undefined) commands = [[5]];
  else if (!Array.isArray(value)) throw wrongValue(modelField, value);
  else if (value.length && !Array.isArray(value[0])) commands = [[6, 0, value]];
  else commands = value;
  const comodel = modelField.comodel(env.database);
  if (modelField.type === 'many2one') {
    // an inert many2one (its model is not part of the stand-in) given an id
    throw foreignKeyError(model.spec, `${model.table}_${modelField.name}_fkey`);
  }
  if (!comodel) {
    const meaningful = commands.some(
      (command) => Array.isArray(command) && ![5, 6].includes(command[0] as number),
    );
    const setsIds = commands.some(
      (command) => Array.isArray(command) && command[0] === 6 && pyTruthy(command[2]),
    );
    if (meaningful || setsIds) {
      throw foreignKeyError(
        { description: 'Unknown', name: 'unknown' },
        `${relationTable(model, modelField)}_${modelField.name}_fkey`,
      );
    }
    return;
  }
  const inverse = modelField.spec.inverseField;
  const row = model.rows.get(id)!;
  const current = (): number[] =>
    inverse
      ? [...(inverseIndex(env, comodel, inverse).get(id) ?? [])]
      : [...((row[modelField.name] as number[]) ?? [])];
  const detach = (childIds: number[]): void => {
    if (!inverse || childIds.length === 0) return;
    const inverseField = comodel.fields.get(inverse)!;
    if (inverseField.spec.ondelete === 'cascade' || inverseField.spec.required)
      unlinkRecords(env, comodel, childIds);
    else writeRecords(env, comodel, childIds, { [inverse]: false });
  };
  let links = current();
  const setLinks = (ids: number[]): void => {
    links = [...new Set(ids)];
  };
  for (const command of commands) {
    if (!Array.isArray(command) || !isInt(command[0])) throw wrongValue(modelField, value);
    const [code, target, payload] = command;
    switch (code) {
      case 0: {
        const vals = isPlainObject(payload) ? { ...payload } : {};
        if (inverse) vals[inverse] = id;
        const [created] = createRecords(env, comodel, [vals]);
        if (!inverse) setLinks([...links, created]);
        break;
      }
      case 1:
        writeRecords(env, comodel, browse(target), isPlainObject(payload) ? payload : {});
        break;
      case 2:
        unlinkRecords(env, comodel, browse(target));
        links = links.filter((linked) => !browse(target).includes(linked));
        break;
      case 3:
        if (inverse) detach(browse(target).filter((child) => links.includes(child)));
        links = links.filter((linked) => !browse(target).includes(linked));
        break;
      case 4:
        if (inverse) writeRecords(env, comodel, browse(target), { [inverse]: id });
        else setLinks([...links, ...browse(target)]);
        break;
      case 5:
        if (inverse) detach(current());
        links = [];
        break;
      case 6: {
        const wanted = browse(payload);
        if (inverse) {
          detach(current().filter((child) => !wanted.includes(child)));
          const toLink = wanted.filter((child) => comodel.rows.get(child)?.[inverse] !== id);
          if (toLink.length) writeRecords(env, comodel, toLink, { [inverse]: id });
        }
        setLinks(wanted);
        break;
      }
      default:
        throw wrongValue(modelField, value);
    }
  }
  if (!inverse) {
    const updated = { ...row, [modelField.name]: links };
    databaseChecks(env, model, updated, new Set([modelField.name]), true);
    env.database.updateRow(row, { [modelField.name]: links });
  }
  env.invalidate();
}

/** `synced`: a write of the model's own sync (no further sync from it). */
function writeRecords(env: Env, model: Model, ids: number[], vals: unknown, synced = false): void {
  if (ids.length === 0) return;
  checkAccess(env, model, 'write');
  const rows = existingRows(env, model, ids);
  if (!isPlainObject(vals)) {
    throw new PythonError(
      'AttributeError',
      `'${pyTypeName(vals)}' object has no attribute 'items'`,
      [FRAMES.orm('write', 'for fname, value in vals.items():', 4310)],
    );
  }
  if (model.name === 'res.partner' && vals.active === false) {
    for (const row of rows) {
      const users = activeUsersOf(env, row.id, false);
      if (row.active === true && users.length) {
        throw new ValidationError(
          'You cannot archive contacts linked to an active user. You first need to archive their associated user.\n\n' +
            `Linked active users : ${users.map((user) => displayName(env, env.model('res.users'), user.id)).join(', ')}`,
        );
      }
    }
  }
  if (model.name === 'res.users' && typeof vals.password === 'string') {
    const password = vals.password;
    for (const row of rows) env.database.setPassword(String(row.login), password);
    vals = { ...vals };
    delete (vals as Record<string, unknown>).password;
  }
  const prepared = prepareValues(
    env,
    model,
    adjustValues(env, model, vals as Record<string, unknown>, false),
  );
  const changed = new Set(Object.keys(prepared.columns));
  for (const row of rows)
    databaseChecks(env, model, { ...row, ...prepared.columns }, changed, true);
  for (const row of rows) {
    env.database.updateRow(row, {
      ...prepared.columns,
      write_uid: env.uid,
      write_date: env.timestamp,
    });
  }
  env.invalidate();
  for (const row of rows) applyRelations(env, model, row.id, prepared);
  if (model.name === 'res.partner' && !synced) {
    for (const row of rows) syncPartner(env, model, row.id, vals as Record<string, unknown>, false);
  }
}

function unlinkRecords(env: Env, model: Model, ids: number[]): void {
  if (ids.length === 0) return;
  checkAccess(env, model, 'unlink');
  const rows = existingRows(env, model, ids);
  if (
    model.name === 'sale.order' &&
    rows.some((row) => !['draft', 'cancel'].includes(String(row.state)))
  ) {
    throw new UserError(
      'You can not delete a sent quotation or a confirmed sales order. You must first cancel it.',
    );
  }
  if (model.name === 'res.partner') {
    const users = rows.flatMap((row) => activeUsersOf(env, row.id, false));
    if (users.length) {
      throw new ValidationError(
        'You cannot delete contacts linked to an active user.\n' +
          'You should rather archive them after archiving their related user.\n\n' +
          `Linked Active Users :\n${users.map((user) => displayName(env, env.model('res.users'), user.id)).join(', ')}`,
      );
    }
  }
  if (model.name === 'ir.model') {
    const base = rows.find((row) => row.state !== 'manual');
    if (base)
      throw new UserError(
        `Model ${pyStrRepr(String(base.name))} contains module data and cannot be removed.`,
      );
  }
  // Resolve ON DELETE rules across every table, as PostgreSQL would.
  const doomed = new Map<Model, Set<number>>([[model, new Set(rows.map((row) => row.id))]]);
  const nullify: Array<[Model, Row, string]> = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const other of env.database.models.values()) {
      for (const modelField of other.fieldList) {
        if (!modelField.column || modelField.type !== 'many2one') continue;
        const target = env.database.models.get(modelField.spec.relation ?? '');
        const deleted = target ? doomed.get(target) : undefined;
        if (!deleted) continue;
        const rule =
          modelField.spec.ondelete ?? (modelField.spec.required ? 'restrict' : 'set null');
        for (const row of other.rows.values()) {
          const reference = row[modelField.name];
          if (!isInt(reference) || !deleted.has(reference) || doomed.get(other)?.has(row.id))
            continue;
          if (rule === 'restrict')
            throw foreignKeyError(other.spec, `${other.table}_${modelField.name}_fkey`);
          if (rule === 'cascade') {
            if (!doomed.has(other)) doomed.set(other, new Set());
            doomed.get(other)!.add(row.id);
            changed = true;
          } else nullify.push([other, row, modelField.name]);
        }
      }
    }
  }
  if (model.spec.mailThread) {
    // Their messages and followers go with them (mail.thread's unlink).
    for (const name of ['mail.message', 'mail.followers']) {
      const related = env.model(name);
      const field = name === 'mail.message' ? 'model' : 'res_model';
      for (const entry of related.rows.values()) {
        if (entry[field] === model.name && doomed.get(model)!.has(entry.res_id as number)) {
          if (!doomed.has(related)) doomed.set(related, new Set());
          doomed.get(related)!.add(entry.id);
        }
      }
    }
  }
  // Their External IDs go too (ir.model.data's _process_end for unlinked records).
  const externalIds = env.model('ir.model.data');
  for (const [other, deleted] of [...doomed]) {
    for (const entry of externalIds.rows.values()) {
      if (entry.model === other.name && deleted.has(entry.res_id as number)) {
        if (!doomed.has(externalIds)) doomed.set(externalIds, new Set());
        doomed.get(externalIds)!.add(entry.id);
      }
    }
  }
  for (const [other, row, name] of nullify) {
    if (!doomed.get(other)?.has(row.id)) env.database.updateRow(row, { [name]: null });
  }
  for (const other of env.database.models.values()) {
    for (const modelField of other.fieldList) {
      if (!modelField.column || modelField.type !== 'many2many') continue;
      const deleted = doomed.get(env.database.models.get(modelField.spec.relation ?? '')!);
      if (!deleted) continue;
      for (const row of other.rows.values()) {
        const links = row[modelField.name];
        if (Array.isArray(links) && links.some((id) => deleted.has(id as number))) {
          env.database.updateRow(row, {
            [modelField.name]: links.filter((id) => !deleted.has(id as number)),
          });
        }
      }
    }
  }
  for (const [other, deleted] of doomed)
    for (const id of deleted) env.database.deleteRow(other, id);
  env.invalidate();
}

// ---------------------------------------------------------------------------------------------
// read_group

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

interface DateBucket {
  label: string;
  from: string;
  to: string;
}

function dateBucket(value: string, granularity: string, withTime: boolean): DateBucket {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  let start = new Date(Date.UTC(year, month - 1, day));
  let end: Date;
  let label: string;
  const short = (date: Date): string => MONTHS[date.getUTCMonth()].slice(0, 3);
  switch (granularity) {
    case 'day':
      end = new Date(start.getTime() + 86_400_000);
      label = `${String(day).padStart(2, '0')} ${short(start)} ${year}`;
      break;
    case 'week': {
      const weekday = (start.getUTCDay() + 6) % 7;
      start = new Date(start.getTime() - weekday * 86_400_000);
      end = new Date(start.getTime() + 7 * 86_400_000);
      const thursday = new Date(start.getTime() + 3 * 86_400_000);
      const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((thursday.getTime() - yearStart) / 86_400_000 + 1) / 7);
      label = `W${week} ${thursday.getUTCFullYear()}`;
      break;
    }
    case 'quarter': {
      const quarter = Math.floor((month - 1) / 3);
      start = new Date(Date.UTC(year, quarter * 3, 1));
      end = new Date(Date.UTC(year, quarter * 3 + 3, 1));
      label = `Q${quarter + 1} ${year}`;
      break;
    }
    case 'year':
      start = new Date(Date.UTC(year, 0, 1));
      end = new Date(Date.UTC(year + 1, 0, 1));
      label = String(year);
      break;
    default:
      start = new Date(Date.UTC(year, month - 1, 1));
      end = new Date(Date.UTC(year, month, 1));
      label = `${MONTHS[month - 1]} ${year}`;
  }
  const format = (date: Date): string =>
    withTime ? serverDatetime(date) : serverDatetime(date).slice(0, 10);
  return { label, from: format(start), to: format(end) };
}

/** expression.AND: empty domains vanish, each operand normalized, one '&' per extra operand. */
function andDomains(domains: unknown[][]): unknown[] {
  const result: unknown[] = [];
  let count = 0;
  for (const domain of domains) {
    if (!domain.length) continue;
    const terms = domain.filter((item) => Array.isArray(item)).length;
    const operators = domain.length - terms;
    const implicit = Math.max(0, terms - 1 - operators);
    result.push(...Array(implicit).fill('&'), ...domain);
    count++;
  }
  return [...Array(Math.max(0, count - 1)).fill('&'), ...result];
}

interface GroupSpec {
  key: string;
  field: Field;
  granularity: string;
}

interface AggregateSpec {
  key: string;
  field?: Field;
  func: string;
}

const AGGREGATE_SPEC = /^(\w+)(?::(\w+)(?:\((\w+)\))?)?$/;

function readGroup(
  env: Env,
  model: Model,
  domain: unknown,
  fieldSpecs: unknown,
  groupby: unknown,
  offset: unknown,
  limit: unknown,
  orderby: unknown,
  lazy: unknown,
  /** formatted_read_group: each group's own conditions in `__extra_domain`, no `__domain`. */
  extraDomains = false,
): unknown[] {
  const groupbyList = typeof groupby === 'string' ? [groupby] : groupby;
  if (!Array.isArray(groupbyList)) {
    throw new PythonError('TypeError', `'${pyTypeName(groupby)}' object is not subscriptable`, [
      FRAMES.orm('read_group', 'lazy_groupby = groupby[:1] if lazy else groupby', 2630),
    ]);
  }
  const isLazy = pyTruthy(lazy);
  const lazyGroupby = isLazy ? groupbyList.slice(0, 1) : groupbyList;
  const groups: GroupSpec[] = lazyGroupby.map((spec) => {
    const [name, granularity = ''] = String(spec).split(':');
    const groupField = model.fields.get(name.split('.')[0]);
    if (!groupField) {
      throw new PythonError(
        'ValueError',
        `Invalid field ${pyStrRepr(name)} on model ${pyStrRepr(model.name)}`,
        [
          FRAMES.orm(
            'read_group',
            'raise ValueError(f"Invalid field {field_name!r} on model {self._name!r}")',
            2640,
          ),
        ],
      );
    }
    const dated = groupField.type === 'date' || groupField.type === 'datetime';
    return {
      key: String(spec),
      field: groupField,
      granularity: dated ? granularity || 'month' : granularity,
    };
  });
  const countKey =
    isLazy && groups.length === 1 ? `${groups[0].key.split(':')[0]}_count` : '__count';
  const aggregates: AggregateSpec[] = [];
  const specList = Array.isArray(fieldSpecs)
    ? fieldSpecs
    : pyTruthy(fieldSpecs)
      ? [fieldSpecs]
      : [];
  for (const spec of specList) {
    if (spec === '__count') continue;
    const match = typeof spec === 'string' ? AGGREGATE_SPEC.exec(spec) : null;
    if (!match) {
      throw new PythonError('ValueError', `Invalid field specification ${pyRepr(spec)}.`, [
        FRAMES.orm(
          'read_group',
          'raise ValueError(f"Invalid field specification {field_spec!r}.")',
          2660,
        ),
      ]);
    }
    const [, name, func, fname] = match;
    const target = model.fields.get(fname ?? name);
    if (!target) {
      throw new PythonError(
        'ValueError',
        `Invalid field ${pyStrRepr(fname ?? name)} on model ${pyStrRepr(model.name)}`,
        [
          FRAMES.orm(
            'read_group',
            'raise ValueError(f"Invalid field {name!r} on model {self._name!r}")',
            2670,
          ),
        ],
      );
    }
    if (func) aggregates.push({ key: name, field: target, func });
    else if (
      target.store &&
      ['integer', 'float', 'monetary'].includes(target.type) &&
      !groups.some((group) => group.key === name)
    ) {
      aggregates.push({ key: name, field: target, func: 'sum' });
    }
  }
  checkAccess(env, model, 'read');
  const rows = searchRows(env, model, domain);

  interface Bucket {
    values: unknown[];
    rows: Row[];
  }
  const buckets = new Map<string, Bucket>();
  for (const row of rows) {
    let combos: unknown[][] = [[]];
    for (const group of groups) {
      const raw = valueOf(env, model, row, group.field);
      let options: unknown[];
      if (Array.isArray(raw) && group.field.x2many) options = raw.length ? raw : [null];
      else if (group.granularity && typeof raw === 'string') {
        options = [dateBucket(raw, group.granularity, group.field.type === 'datetime').from];
      } else options = [group.field.type === 'boolean' ? raw === true : (raw ?? null)];
      combos = combos.flatMap((combo) => options.map((option) => [...combo, option]));
    }
    for (const combo of combos) {
      const key = JSON.stringify(combo);
      const bucket = buckets.get(key);
      if (bucket) bucket.rows.push(row);
      else buckets.set(key, { values: combo, rows: [row] });
    }
  }

  const aggregate = (spec: AggregateSpec, bucketRows: Row[]): unknown => {
    const values = bucketRows
      .map((row) => valueOf(env, model, row, spec.field!))
      .filter((value) => value !== null && value !== undefined);
    const isFloat = spec.field!.type === 'float' || spec.field!.type === 'monetary';
    // PostgreSQL sums numeric columns exactly: no binary floating-point noise.
    const number = (value: number): unknown =>
      isFloat ? new Double(Number(value.toPrecision(15))) : value;
    switch (spec.func) {
      case 'sum':
        return number(values.reduce((sum: number, value) => sum + Number(value), 0));
      case 'avg':
        return values.length
          ? new Double(
              Number(
                (
                  values.reduce((sum: number, value) => sum + Number(value), 0) / values.length
                ).toPrecision(15),
              ),
            )
          : false;
      case 'min':
      case 'max': {
        if (!values.length) return false;
        const sorted = [...values].sort((a, b) => compareValues(spec.field!, a, b));
        const picked = spec.func === 'min' ? sorted[0] : sorted[sorted.length - 1];
        if (spec.field!.type === 'datetime') return wireDatetime(picked);
        return typeof picked === 'number' ? number(picked) : picked;
      }
      case 'count':
        return values.length;
      case 'count_distinct':
        return new Set(values.map((value) => JSON.stringify(value))).size;
      case 'bool_and':
        return values.every((value) => value === true);
      case 'bool_or':
        return values.some((value) => value === true);
      case 'array_agg':
        return values;
      default:
        throw new PythonError(
          'ValueError',
          `Invalid aggregate function ${pyStrRepr(spec.func)}.`,
          [],
        );
    }
  };

  // Order groups: groupby fields by their field order, aggregates by value.
  const groupRanks = groups.map((group) => {
    const comodel = group.field.comodel(env.database);
    return group.field.type === 'many2one' || group.field.x2many
      ? comodel
        ? orderRank(env, comodel)
        : undefined
      : undefined;
  });
  const orderTerms = (
    typeof orderby === 'string' && orderby.trim()
      ? orderby
      : groups.map((group) => group.key).join(',')
  )
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .map((term) => {
      const [name, direction = 'asc'] = term.split(/\s+/);
      return { name, descending: direction.toLowerCase() === 'desc' };
    });
  const entries = [...buckets.values()].map((bucket) => ({
    bucket,
    count: bucket.rows.length,
    aggregates: aggregates.map((spec) => aggregate(spec, bucket.rows)),
  }));
  entries.sort((a, b) => {
    for (const term of orderTerms) {
      let order: number;
      const groupIndex = groups.findIndex(
        (group) => group.key === term.name || group.key.split(':')[0] === term.name,
      );
      if (groupIndex >= 0) {
        const left = a.bucket.values[groupIndex];
        const right = b.bucket.values[groupIndex];
        if (left === right) continue;
        if (left === null) return term.descending ? -1 : 1;
        if (right === null) return term.descending ? 1 : -1;
        const ranks = groupRanks[groupIndex];
        order = ranks
          ? (ranks.get(left as number) ?? 0) - (ranks.get(right as number) ?? 0)
          : compareValues(groups[groupIndex].field, left, right);
      } else if (term.name === countKey || term.name === '__count') {
        order = a.count - b.count;
      } else {
        const aggregateIndex = aggregates.findIndex((spec) => spec.key === term.name);
        if (aggregateIndex < 0) continue;
        const value = (entry: typeof a): number => {
          const raw = entry.aggregates[aggregateIndex];
          return raw instanceof Double ? raw.value : Number(raw);
        };
        order = value(a) - value(b);
      }
      if (order !== 0) return term.descending ? -order : order;
    }
    return 0;
  });
  const start = sqlCount(offset, 'OFFSET') ?? 0;
  const size = sqlCount(limit, 'LIMIT');
  const page = entries.slice(start, size === undefined ? undefined : start + size);

  const baseDomain = Array.isArray(domain) ? domain : [];
  return page.map((entry) => {
    const result: Record<string, unknown> = {};
    const ranges: Record<string, unknown> = {};
    const groupDomains: unknown[][] = [];
    groups.forEach((group, index) => {
      const value = entry.bucket.values[index];
      const fieldName = group.field.name;
      if (group.granularity && (group.field.type === 'date' || group.field.type === 'datetime')) {
        if (typeof value === 'string') {
          const bucket = dateBucket(value, group.granularity, group.field.type === 'datetime');
          result[group.key] = bucket.label;
          ranges[group.key] = { from: bucket.from, to: bucket.to };
          groupDomains.push(['&', [fieldName, '>=', bucket.from], [fieldName, '<', bucket.to]]);
        } else {
          result[group.key] = false;
          ranges[group.key] = false;
          groupDomains.push([[fieldName, '=', false]]);
        }
        return;
      }
      const comodel = group.field.comodel(env.database);
      if ((group.field.type === 'many2one' || group.field.x2many) && comodel) {
        result[group.key] = isInt(value) ? [value, displayName(env, comodel, value)] : false;
      } else if (group.field.type === 'boolean') {
        result[group.key] = value === true;
      } else {
        result[group.key] = value === null ? false : value;
      }
      groupDomains.push([[fieldName, '=', value === null ? false : value]]);
    });
    result[countKey] = entry.count;
    aggregates.forEach((spec, index) => {
      result[spec.key] = entry.aggregates[index];
    });
    if (extraDomains) return { ...result, __extra_domain: andDomains(groupDomains) };
    if (Object.keys(ranges).length) result.__range = ranges;
    result.__domain = andDomains([...groupDomains, baseDomain]);
    if (isLazy && groupbyList.length > 1) result.__context = { group_by: groupbyList.slice(1) };
    return result;
  });
}

/**
 * Odoo 18.2+'s formatted_read_group: groups keyed by their groupby specs, `__extra_domain`, then
 * each aggregate keyed by its spec (`__count`, `amount_total:sum`), non-lazy.
 */
function formattedReadGroup(env: Env, model: Model, args: Record<string, unknown>): unknown[] {
  const groupby = Array.isArray(args.groupby) ? args.groupby.map(String) : [];
  const specs = Array.isArray(args.aggregates) ? args.aggregates.map(String) : [];
  const alias = (spec: string) => `aggregate_${specs.indexOf(spec)}`;
  const fields = specs
    .filter((spec) => spec !== '__count')
    .map((spec) => {
      const [name, func] = spec.split(':');
      return `${alias(spec)}:${func}(${name})`;
    });
  const order =
    typeof args.order === 'string'
      ? args.order.replace(/[\w.]+:\w+/g, (spec) => (specs.includes(spec) ? alias(spec) : spec))
      : false;
  const groups = readGroup(
    env,
    model,
    args.domain,
    fields,
    groupby,
    args.offset,
    args.limit,
    order,
    false,
    true,
  ) as Record<string, unknown>[];
  return groups.map((group) => {
    const result: Record<string, unknown> = {};
    for (const key of groupby) result[key] = group[key];
    result.__extra_domain = group.__extra_domain;
    for (const spec of specs)
      result[spec] = spec === '__count' ? group.__count : group[alias(spec)];
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// fields_get

function describeField(env: Env, modelField: Field): Record<string, unknown> {
  const spec = modelField.spec;
  const description: Record<string, unknown> = {
    change_default: false,
    company_dependent: spec.name.startsWith('property_'),
    default_export_compatible: spec.exportCompatible === true,
    depends: [],
    exportable: true,
    manual: false,
    name: spec.name,
    readonly: spec.readonly === true,
    required: spec.required === true,
    searchable: modelField.searchable,
    sortable: modelField.sortable,
    store: modelField.store,
    string: spec.string,
    type: spec.type,
  };
  if (modelField.relational) {
    description.context = {};
    description.domain = [];
    description.relation = spec.relation;
  }
  if (spec.inverseField) description.relation_field = spec.inverseField;
  if (spec.help) description.help = spec.help;
  if (spec.related) description.related = spec.related;
  if (spec.selection)
    description.selection = spec.selection.map(([value, label]) => [value, label]);
  if (['char', 'text', 'html'].includes(spec.type)) description.translate = spec.translate === true;
  if (spec.type === 'char') description.trim = true;
  if (spec.type === 'monetary') description.currency_field = 'currency_id';
  if (['integer', 'float', 'monetary'].includes(spec.type) && spec.name !== 'id') {
    description[env.database.major >= 18 ? 'aggregator' : 'group_operator'] = 'sum';
  }
  if (env.database.major >= 19) {
    description.groupable = modelField.store && !['binary', 'one2many'].includes(spec.type);
    const comodel = modelField.comodel(env.database);
    if (modelField.relational)
      description.allow_hierachy_operators = !!comodel?.fields.has('parent_id');
  }
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(description).sort()) sorted[key] = description[key];
  return sorted;
}

function fieldsGet(
  env: Env,
  model: Model,
  allfields: unknown,
  attributes: unknown,
): Record<string, unknown> {
  const wanted = pyTruthy(allfields)
    ? new Set(Array.isArray(allfields) ? allfields.map(String) : [String(allfields)])
    : undefined;
  const attributeList = pyTruthy(attributes)
    ? new Set(Array.isArray(attributes) ? attributes.map(String) : [...String(attributes)])
    : undefined;
  const result: Record<string, unknown> = {};
  for (const modelField of model.fieldList) {
    if (wanted && !wanted.has(modelField.name)) continue;
    const description = describeField(env, modelField);
    if (attributeList) {
      for (const key of Object.keys(description))
        if (!attributeList.has(key)) delete description[key];
    }
    result[modelField.name] = description;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Methods callable through execute_kw

type Api = 'model' | 'create' | 'multi';

/** A method as api_doc describes it (see Database.describeMethods). */
export interface MethodDescription {
  name: string;
  /** @api.model: called without ids. */
  model: boolean;
  positional: { name: string; default?: unknown }[];
  keywordOnly: { name: string; default?: unknown }[];
  /** The name of the `**kwargs` parameter, when there is one. */
  varKeywords?: string;
  /** The Python class that defines it. */
  owner: string;
}

/** A method as api_doc's `_doc_method` writes it (docstrings aside). */
function methodDoc(method: MethodDescription): Record<string, unknown> {
  const withDefault = (parameter: { name: string; default?: unknown }) =>
    'default' in parameter ? `${parameter.name}=${pyRepr(parameter.default)}` : parameter.name;
  const listed = [
    ...method.positional.map(withDefault),
    ...method.keywordOnly.map(withDefault),
    ...(method.varKeywords ? [method.varKeywords] : []),
  ];
  const describe = (parameter: { name: string; default?: unknown }, kind?: string) => [
    parameter.name,
    {
      ...(kind ? { kind } : {}),
      ...('default' in parameter ? { default: parameter.default } : {}),
    },
  ];
  return {
    signature: `(${listed.join(', ')})`,
    parameters: Object.fromEntries([
      ...method.positional.map((parameter) => describe(parameter)),
      ...method.keywordOnly.map((parameter) => describe(parameter, 'KEYWORD_ONLY')),
      ...(method.varKeywords ? [[method.varKeywords, { kind: 'VAR_KEYWORD' }]] : []),
    ]),
    ...(method.model ? { api: ['model'] } : {}),
    model:
      method.owner === 'MailThread' ? 'mail.thread' : method.owner === 'BaseModel' ? 'core' : '',
    module: method.owner === 'MailThread' ? 'mail' : method.owner === 'BaseModel' ? 'core' : 'base',
  };
}

/** Methods Odoo 19 marks deprecated: callable, but not in api_doc. */
const DEPRECATED_METHODS = new Set(['read_group', 'name_get']);
type ParameterSpec = [string] | [string, unknown];

interface MethodCall {
  env: Env;
  model: Model;
  ids: number[];
  args: Record<string, unknown>;
  extra: Record<string, unknown>;
  /** create: whether the first positional argument was a single dict. */
  singleDict: boolean;
}

interface MethodDef {
  api: Api;
  params: ParameterSpec[];
  keywordOnly?: ParameterSpec[];
  varKeywords?: boolean;
  owner?: string;
  since?: number;
  until?: number;
  models?: string[];
  mailThread?: boolean;
  /** Calls that do not read translatable data skip Odoo's env.lang check. */
  noLang?: boolean;
  /** The name of `**kwargs` (`read_kwargs` for search_read), for api_doc. */
  varKeywordsName?: string;
  /**
   * The method returns records (`run` gives one id): Odoo 17 answers the id (`@api.returns`),
   * Odoo 19 the list of ids, as for any recordset.
   */
  returnsRecords?: boolean;
  run(call: MethodCall): unknown;
}

function parameters(specs: ParameterSpec[]): Signature['positional'] {
  return specs.map((spec) =>
    spec.length === 1 ? { name: spec[0] } : { name: spec[0], default: spec[1] },
  );
}

function toggleActive(call: MethodCall, wanted?: boolean): undefined {
  const { env, model, ids } = call;
  if (!model.hasActive)
    throw new PythonError('KeyError', 'None', [
      FRAMES.orm(
        'action_archive',
        'return self.filtered(lambda record: record[self._active_name]).toggle_active()',
        5600,
      ),
    ]);
  const rows = existingRows(env, model, ids);
  const targets = wanted === undefined ? rows : rows.filter((row) => row.active !== wanted);
  const toActivate = targets.filter((row) => row.active !== true).map((row) => row.id);
  const toArchive = targets.filter((row) => row.active === true).map((row) => row.id);
  if (toArchive.length) writeRecords(env, model, toArchive, { active: false });
  if (toActivate.length) writeRecords(env, model, toActivate, { active: true });
  return undefined;
}

/**
 * res.partner.find_or_create: the partner whose normalized email is the one in `email`
 * (`Name <address>` or a bare address), or a new one named from it.
 */
function findOrCreatePartner(env: Env, model: Model, email: unknown, strict: unknown): number {
  const fail = (message: string) =>
    new PythonError('ValueError', message, [
      FRAMES.orm('find_or_create', 'raise ValueError(', 900),
    ]);
  if (!pyTruthy(email)) throw fail('An email is required for find_or_create to work');
  const text = pyStr(email);
  const match = /^\s*(?:"?([^"<]*?)"?\s*<)?\s*([^\s<>@]+@[^\s<>]+?)\s*>?\s*$/.exec(text);
  const address = match ? match[2].toLowerCase() : false;
  if (!address && pyTruthy(strict)) {
    throw fail('A valid email is required for find_or_create to work properly.');
  }
  if (address) {
    const found = searchIds(env, model, [['email', '=ilike', address]], { limit: 1 });
    if (found.length) return found[0];
  }
  const name = match?.[1]?.trim() || address || text.trim();
  return createRecords(env, model, [{ name, ...(address ? { email: address } : {}) }])[0];
}

function copyRecord(call: MethodCall): number {
  const { env, model } = call;
  const id = ensureOne(model, call.ids);
  const [row] = existingRows(env, model, [id]);
  const defaults = isPlainObject(call.args.default) ? call.args.default : {};
  const skip = new Set([
    'id',
    'create_uid',
    'create_date',
    'write_uid',
    'write_date',
    'signup_token',
    'signup_type',
    'signup_expiration',
  ]);
  if (model.name === 'sale.order')
    ['name', 'state', 'date_order'].forEach((name) => skip.add(name));
  const vals: Record<string, unknown> = {};
  for (const modelField of model.fieldList) {
    if (!modelField.column || skip.has(modelField.name)) continue;
    const value = row[modelField.name];
    vals[modelField.name] =
      modelField.type === 'many2many' ? [[6, 0, value ?? []]] : (value ?? false);
  }
  if (model.name === 'res.partner') vals.name = `${text(row.name)} (copy)`;
  if (model.name === 'sale.order') {
    const lines = env.model('sale.order.line');
    vals.order_line = (inverseIndex(env, lines, 'order_id').get(id) ?? []).map((lineId) => {
      const line = lines.rows.get(lineId)!;
      return [
        0,
        0,
        {
          name: line.name,
          sequence: line.sequence,
          product_uom_qty: line.product_uom_qty,
          price_unit: line.price_unit,
        },
      ];
    });
  }
  const [copy] = createRecords(env, model, [{ ...vals, ...defaults }]);
  return copy;
}

function messagePost(call: MethodCall): number {
  const { env, model, args, extra } = call;
  const id = ensureOne(model, call.ids);
  existingRows(env, model, [id]);
  const forbidden = ['model', 'res_id', 'subtype'].filter((name) => name in extra);
  if (forbidden.length) {
    throw new PythonError(
      'ValueError',
      `Those values are not supported when posting or notifying: ${forbidden.sort().join(', ')}`,
      [FRAMES.orm('_raise_for_invalid_parameters', 'raise ValueError(', 4350)],
    );
  }
  const messages = env.model('mail.message');
  const body =
    args.body === false || args.body === null || args.body === undefined ? '' : pyStr(args.body);
  const author = isInt(args.author_id)
    ? args.author_id
    : env.model('res.users').rows.get(env.uid)?.partner_id;
  const messageFields = Object.fromEntries(
    Object.entries(extra).filter(([name]) => messages.fields.has(name)),
  );
  const vals: Record<string, unknown> = {
    ...messageFields,
    body: pyTruthy(args.body_is_html) ? body : escapeHtml(body),
    subject: args.subject ?? false,
    message_type: args.message_type ?? 'notification',
    model: model.name,
    res_id: id,
    author_id: author ?? false,
    email_from: args.email_from ?? false,
    partner_ids: Array.isArray(args.partner_ids) ? [[6, 0, args.partner_ids]] : [],
    attachment_ids: Array.isArray(args.attachment_ids) ? [[6, 0, args.attachment_ids]] : [],
  };
  return createRecords(env, messages, [vals])[0];
}

const BASE_METHODS: Record<string, MethodDef> = {
  search: {
    api: 'model',
    params: [['domain'], ['offset', 0], ['limit', null], ['order', null]],
    noLang: true,
    run: ({ env, model, args }) => {
      checkAccess(env, model, 'read');
      const rows = searchRows(env, model, args.domain, args);
      return args.count !== undefined && pyTruthy(args.count)
        ? rows.length
        : rows.map((row) => row.id);
    },
  },
  search_count: {
    api: 'model',
    params: [['domain'], ['limit', null]],
    noLang: true,
    run: ({ env, model, args }) => {
      checkAccess(env, model, 'read');
      return countRows(env, model, args.domain, args.limit);
    },
  },
  search_read: {
    api: 'model',
    params: [
      ['domain', null],
      ['fields', null],
      ['offset', 0],
      ['limit', null],
      ['order', null],
    ],
    varKeywords: true,
    varKeywordsName: 'read_kwargs',
    run: ({ env, model, args, extra }) => {
      const names = fieldNames(model, args.fields);
      checkAccess(env, model, 'read');
      const rows = searchRows(env, model, pyTruthy(args.domain) ? args.domain : [], args);
      if (!rows.length) return [];
      const bound = bindArguments(
        {
          qualname: 'BaseModel._read_format',
          positional: [{ name: 'fnames' }, { name: 'load', default: '_classic_read' }],
        },
        [],
        { fnames: names, ...extra },
      );
      return readRows(env, model, rows, names, bound.values.load);
    },
  },
  search_fetch: {
    api: 'model',
    since: 17,
    params: [['domain'], ['field_names'], ['offset', 0], ['limit', null], ['order', null]],
    run: ({ env, model, args }) => {
      fieldNames(model, args.field_names);
      checkAccess(env, model, 'read');
      return searchIds(env, model, args.domain, args);
    },
  },
  read: {
    api: 'multi',
    params: [
      ['fields', null],
      ['load', '_classic_read'],
    ],
    run: ({ env, model, ids, args }) => {
      const names = fieldNames(model, args.fields);
      if (!ids.length) return [];
      checkAccess(env, model, 'read');
      const rows = ids
        .map((id) => model.rows.get(id))
        .filter((row): row is Row => row !== undefined);
      return readRows(env, model, rows, names, args.load);
    },
  },
  create: {
    api: 'create',
    params: [['vals_list']],
    run: (call) => {
      const valsList = call.args.vals_list;
      const list = isPlainObject(valsList)
        ? [valsList]
        : Array.isArray(valsList)
          ? valsList
          : [valsList];
      const ids = createRecords(call.env, call.model, list);
      return call.singleDict ? ids[0] : ids;
    },
  },
  write: {
    api: 'multi',
    params: [['vals']],
    run: ({ env, model, ids, args }) => {
      writeRecords(env, model, ids, args.vals);
      return true;
    },
  },
  unlink: {
    api: 'multi',
    params: [],
    noLang: true,
    run: ({ env, model, ids }) => {
      unlinkRecords(env, model, ids);
      return true;
    },
  },
  fields_get: {
    api: 'model',
    params: [
      ['allfields', null],
      ['attributes', null],
    ],
    run: ({ env, model, args }) => fieldsGet(env, model, args.allfields, args.attributes),
  },
  name_search: {
    api: 'model',
    params: [
      ['name', ''],
      ['args', null],
      ['operator', 'ilike'],
      ['limit', 100],
    ],
    run: ({ env, model, args }) => {
      checkAccess(env, model, 'read');
      const domain = args.args ?? args.domain;
      const limit = sqlCount(args.limit, 'LIMIT');
      const ids = nameSearch(
        env,
        model,
        pyStr(args.name ?? ''),
        domain,
        pyStr(args.operator),
        limit,
      );
      return ids.map((id) => [id, displayName(env, model, id)]);
    },
  },
  name_get: {
    api: 'multi',
    until: 17,
    params: [],
    run: ({ env, model, ids }) =>
      existingRows(env, model, ids).map((row) => [row.id, displayName(env, model, row.id)]),
  },
  name_create: {
    api: 'model',
    params: [['name']],
    run: ({ env, model, args }) => {
      const recName =
        model.spec.recName === 'complete_name' ? 'name' : (model.spec.recName ?? 'name');
      const [id] = createRecords(env, model, [{ [recName]: args.name }]);
      return [id, displayName(env, model, id)];
    },
  },
  read_group: {
    api: 'model',
    params: [
      ['domain'],
      ['fields'],
      ['groupby'],
      ['offset', 0],
      ['limit', null],
      ['orderby', false],
      ['lazy', true],
    ],
    run: ({ env, model, args }) =>
      readGroup(
        env,
        model,
        args.domain,
        args.fields,
        args.groupby,
        args.offset,
        args.limit,
        args.orderby,
        args.lazy,
      ),
  },
  formatted_read_group: {
    api: 'model',
    since: 19,
    params: [
      ['domain'],
      ['groupby', []],
      ['aggregates', []],
      ['having', []],
      ['offset', 0],
      ['limit', null],
      ['order', null],
    ],
    run: ({ env, model, args }) => formattedReadGroup(env, model, args),
  },
  default_get: {
    api: 'model',
    params: [['fields_list']],
    run: ({ env, model, args }) => {
      const requested = args.fields_list ?? args.fields;
      const names = Array.isArray(requested) ? requested : [];
      const result: Record<string, unknown> = {};
      for (const name of names) {
        const modelField = typeof name === 'string' ? model.fields.get(name) : undefined;
        if (!modelField || !modelField.column) continue;
        if (modelField.spec.default === undefined && env.context[`default_${name}`] === undefined)
          continue;
        const value = resolveDefault(env, modelField);
        if (value !== null) result[name] = value;
      }
      return result;
    },
  },
  copy: { api: 'multi', params: [['default', null]], returnsRecords: true, run: copyRecord },
  exists: {
    api: 'multi',
    params: [],
    noLang: true,
    run: ({ model, ids }) => ids.filter((id) => model.rows.has(id)),
  },
  check_access_rights: {
    api: 'model',
    params: [['operation'], ['raise_exception', true]],
    noLang: true,
    run: ({ env, model, args }) => {
      const operation = args.operation;
      if (
        typeof operation !== 'string' ||
        !['read', 'write', 'create', 'unlink'].includes(operation)
      ) {
        throw new PythonError('AssertionError', 'Invalid access mode', [
          FRAMES.orm(
            'check',
            "assert mode in ('read', 'write', 'create', 'unlink'), 'Invalid access mode'",
            380,
          ),
        ]);
      }
      return checkAccess(env, model, operation as Operation, pyTruthy(args.raise_exception));
    },
  },
  action_archive: {
    api: 'multi',
    params: [],
    noLang: true,
    run: (call) => toggleActive(call, false),
  },
  action_unarchive: {
    api: 'multi',
    params: [],
    noLang: true,
    run: (call) => toggleActive(call, true),
  },
  toggle_active: { api: 'multi', params: [], noLang: true, run: (call) => toggleActive(call) },
  message_post: {
    api: 'multi',
    owner: 'MailThread',
    mailThread: true,
    params: [],
    keywordOnly: [
      ['body', ''],
      ['subject', null],
      ['message_type', 'notification'],
      ['email_from', null],
      ['author_id', null],
      ['parent_id', false],
      ['subtype_xmlid', null],
      ['subtype_id', false],
      ['partner_ids', null],
      ['attachments', null],
      ['attachment_ids', null],
      ['body_is_html', false],
    ],
    varKeywords: true,
    returnsRecords: true,
    run: messagePost,
  },
  message_subscribe: {
    api: 'multi',
    owner: 'MailThread',
    mailThread: true,
    params: [
      ['partner_ids', null],
      ['subtype_ids', null],
    ],
    noLang: true,
    run: ({ env, model, ids, args }) => {
      existingRows(env, model, ids);
      const partners = Array.isArray(args.partner_ids) ? args.partner_ids.filter(isInt) : [];
      subscribe(env, model, ids, partners);
      return true;
    },
  },
  message_unsubscribe: {
    api: 'multi',
    owner: 'MailThread',
    mailThread: true,
    params: [['partner_ids', null]],
    noLang: true,
    run: ({ env, model, ids, args }) => {
      existingRows(env, model, ids);
      const partners = new Set(Array.isArray(args.partner_ids) ? args.partner_ids : []);
      const followers = env.model('mail.followers');
      const doomed = ids.flatMap((id) =>
        followersOf(env, model.name, id)
          .filter((follower) => partners.has(follower.partner_id))
          .map((follower) => follower.id),
      );
      unlinkRecords(env, followers, doomed);
      return true;
    },
  },
  find_or_create: {
    api: 'model',
    owner: 'Partner',
    models: ['res.partner'],
    params: [['email'], ['assert_valid_email', false]],
    returnsRecords: true,
    run: ({ env, model, args }) =>
      findOrCreatePartner(env, model, args.email, args.assert_valid_email),
  },
  action_confirm: {
    api: 'multi',
    owner: 'SaleOrder',
    models: ['sale.order'],
    params: [],
    noLang: true,
    run: ({ env, model, ids }) => {
      const rows = existingRows(env, model, ids);
      if (rows.some((row) => !['draft', 'sent'].includes(String(row.state)))) {
        throw new UserError(
          `The following orders are not in a state requiring confirmation: ${rows.map((row) => displayName(env, model, row.id)).join(', ')}`,
        );
      }
      for (const row of rows)
        env.database.updateRow(row, {
          state: 'sale',
          date_order: env.now,
          write_uid: env.uid,
          write_date: env.timestamp,
        });
      env.invalidate();
      return true;
    },
  },
  action_cancel: {
    api: 'multi',
    owner: 'SaleOrder',
    models: ['sale.order'],
    params: [],
    noLang: true,
    run: ({ env, model, ids }) => {
      const rows = existingRows(env, model, ids);
      if (!env.context.disable_cancel_warning && rows.some((row) => row.state !== 'draft')) {
        const order = rows[0];
        return {
          name: `Cancel ${['draft', 'sent', 'cancel'].includes(String(order.state)) ? 'Quotation' : 'Sales Order'}`,
          view_mode: 'form',
          res_model: 'sale.order.cancel',
          view_id: 1021,
          type: 'ir.actions.act_window',
          context: { default_order_id: order.id },
          target: 'new',
        };
      }
      writeRecords(env, model, ids, {});
      for (const row of rows) env.database.updateRow(row, { state: 'cancel' });
      env.invalidate();
      return true;
    },
  },
  action_draft: {
    api: 'multi',
    owner: 'SaleOrder',
    models: ['sale.order'],
    params: [],
    noLang: true,
    run: ({ env, model, ids }) => {
      const rows = existingRows(env, model, ids).filter((row) =>
        ['cancel', 'sent'].includes(String(row.state)),
      );
      for (const row of rows)
        env.database.updateRow(row, {
          state: 'draft',
          write_uid: env.uid,
          write_date: env.timestamp,
        });
      env.invalidate();
      return true;
    },
  },
  context_get: {
    api: 'model',
    owner: 'Users',
    models: ['res.users'],
    params: [],
    noLang: true,
    run: ({ env }) => {
      const user = env.model('res.users').rows.get(env.uid);
      const partner = rowOf(env, 'res.partner', user?.partner_id);
      return { lang: 'en_US', tz: partner?.tz ?? false, uid: env.uid };
    },
  },
  check_object_reference: {
    api: 'model',
    owner: 'IrModelData',
    models: ['ir.model.data'],
    params: [['module'], ['xml_id'], ['raise_on_access_error', false]],
    noLang: true,
    run: ({ env, model, args }) => {
      const entry = [...model.rows.values()].find(
        (row) => row.module === args.module && row.name === args.xml_id,
      );
      const target = entry ? env.database.models.get(String(entry.model)) : undefined;
      if (!entry || !target?.rows.has(entry.res_id as number)) {
        const xmlid = `${pyStr(args.module)}.${pyStr(args.xml_id)}`;
        throw new PythonError('ValueError', `External ID not found in the system: ${xmlid}`, [
          FRAMES.orm(
            '_xmlid_lookup',
            "raise ValueError('External ID not found in the system: %s' % xmlid)",
            2124,
          ),
        ]);
      }
      return [entry.model, entry.res_id];
    },
  },
  get_param: {
    api: 'model',
    owner: 'IrConfigParameter',
    models: ['ir.config_parameter'],
    params: [['key'], ['default', false]],
    run: ({ env, model, args }) => {
      checkAccess(env, model, 'read');
      const row = [...model.rows.values()].find((entry) => entry.key === args.key);
      return row && pyTruthy(row.value) ? row.value : args.default;
    },
  },
  set_param: {
    api: 'model',
    owner: 'IrConfigParameter',
    models: ['ir.config_parameter'],
    params: [['key'], ['value']],
    run: ({ env, model, args }) => {
      checkAccess(env, model, 'write');
      const row = [...model.rows.values()].find((entry) => entry.key === args.key);
      const previous = row ? row.value : false;
      if (row && pyTruthy(args.value)) writeRecords(env, model, [row.id], { value: args.value });
      else if (row) unlinkRecords(env, model, [row.id]);
      else if (pyTruthy(args.value))
        createRecords(env, model, [{ key: args.key, value: args.value }]);
      return previous;
    },
  },
};

/** Model-specific overrides of the generic signatures (the Python class that defines them). */
const OWNERS: Record<string, Record<string, string>> = {
  'res.partner': {
    create: 'Partner',
    write: 'Partner',
    unlink: 'Partner',
    copy: 'Partner',
    name_create: 'Partner',
  },
  'sale.order': { create: 'SaleOrder', write: 'SaleOrder', unlink: 'SaleOrder', copy: 'SaleOrder' },
  'res.users': { create: 'Users', write: 'Users', unlink: 'Users', copy: 'Users' },
};

function methodFor(database: Database, model: Model, name: string): MethodDef | undefined {
  const method = Object.prototype.hasOwnProperty.call(BASE_METHODS, name)
    ? BASE_METHODS[name]
    : undefined;
  if (!method) return undefined;
  if (method.since !== undefined && database.major < method.since) return undefined;
  if (method.until !== undefined && database.major > method.until) return undefined;
  if (method.models && !method.models.includes(model.name)) return undefined;
  if (method.mailThread && !model.spec.mailThread) return undefined;
  return method;
}

function signatureOf(database: Database, model: Model, name: string, method: MethodDef): Signature {
  const owner = method.owner ?? OWNERS[model.name]?.[name] ?? 'BaseModel';
  let params = method.params;
  if (name === 'search' && database.major < 17) params = [...params, ['count', false]];
  if (name === 'name_search' && database.major >= 19)
    params = params.map((spec) => (spec[0] === 'args' ? ['domain', null] : spec));
  if (name === 'default_get' && database.major >= 19) params = [['fields']];
  let keywordOnly = method.keywordOnly;
  if (name === 'message_post' && database.major >= 19 && keywordOnly) {
    const at = keywordOnly.findIndex(([parameter]) => parameter === 'partner_ids') + 1;
    const added: ParameterSpec[] = [
      ['outgoing_email_to', false],
      ['incoming_email_to', false],
      ['incoming_email_cc', false],
    ];
    keywordOnly = [...keywordOnly.slice(0, at), ...added, ...keywordOnly.slice(at)];
  }
  return {
    qualname: `${owner}.${name}`,
    positional: parameters(params),
    keywordOnly: keywordOnly ? parameters(keywordOnly) : undefined,
    varKeywords: method.varKeywords,
  };
}

/** Odoo's api.call_kw: find the method, split ids from arguments, bind, run. */
function dispatchMethod(
  env: Env,
  model: Model,
  name: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
): unknown {
  const database = env.database;
  const method = methodFor(database, model, name);
  if (!method) {
    const modelField = model.fields.get(name);
    if (modelField) {
      if (args.length === 0)
        throw new PythonError('IndexError', 'tuple index out of range', [
          FRAMES.callKw('multi')[0],
          FRAMES.callKwIds(),
        ]);
      throw new PythonError(
        'TypeError',
        `'${modelField.pyClass}' object is not callable`,
        FRAMES.callKw('multi'),
      );
    }
    const message =
      database.major >= 18
        ? `The method '${model.name}.${name}' does not exist`
        : `The method '${name}' does not exist on the model '${model.name}'`;
    throw new PythonError('AttributeError', message, [FRAMES.callKwUnknownMethod()]);
  }
  try {
    let ids: number[] = [];
    let positional = args;
    if (method.api === 'multi') {
      if (args.length === 0) {
        throw new PythonError('IndexError', 'tuple index out of range', [
          FRAMES.callKw('multi')[0],
          FRAMES.callKwIds(),
        ]);
      }
      ids = browse(args[0]);
      positional = args.slice(1);
    }
    const bound: BoundArguments = bindArguments(
      signatureOf(database, model, name, method),
      positional,
      kwargs,
    );
    if (!method.noLang) env.lang();
    const result = method.run({
      env,
      model,
      ids,
      args: bound.values,
      extra: bound.extra,
      singleDict: method.api === 'create' && isPlainObject(args[0]),
    });
    if (method.returnsRecords && database.major >= 19) return [result];
    if (method.api === 'create' && args.length === 0) {
      throw new PythonError('IndexError', 'tuple index out of range', [
        FRAMES.orm(
          '_call_kw_model_create',
          'return result.id if isinstance(args[0], Mapping) else result.ids',
          445,
        ),
      ]);
    }
    return result;
  } catch (error) {
    if (error instanceof PythonError && error.frames[0]?.func !== 'call_kw')
      error.prepend(...FRAMES.callKw(method.api));
    throw error;
  }
}
