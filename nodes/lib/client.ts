import { createInBatches } from './batching';
import { isOdooError, OdooError } from './errors';
import { HttpEndpoint, ProxySettings, TlsSettings } from './http';
import { Limiter } from './limiter';
import { englishMessage, Translate } from './messages';
import { readPages, SearchPage } from './paging';
import { isPlainObject, ParamChecker } from './params';
import { retryDelay } from './retry';
import { TRANSPORT_SETTINGS } from './transport';
import type { OdooTransport, ServerVersion, TransportName, TransportSetting } from './transport';
import { createTransport } from './transports';

export interface OdooClientOptions {
  url: string;
  db: string;
  username: string;
  /** An API key, or the user's password (Odoo accepts both). */
  apiKey: string;
  translate?: Translate;
  /** The longest one request may take (default 120 s, Odoo's own limit_time_real). */
  timeoutMs?: number;
  /** Calls in flight at once; the others wait in order (default 4). */
  concurrency?: number;
  /** How often a read is sent again after a dropped connection, 429 or 502-504 (default 2). */
  retries?: number;
  /** The largest answer accepted (default 256 MB). */
  maxBodyBytes?: number;
  tls?: TlsSettings;
  proxy?: ProxySettings;
  /** The protocol (default `xmlrpc`); `auto` asks the server once and prefers JSON-2. */
  transport?: TransportSetting;
}

/** Which protocol carries the calls and which Odoo answers them. */
export interface ConnectionInfo {
  /** As set in the config node. */
  setting: TransportSetting;
  /** The protocol in use: what `auto` chose. */
  transport: TransportName;
  /** Odoo's `server_version`, such as "17.0" or "19.0+e". */
  version: string;
  versionInfo: unknown[];
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_RETRIES = 2;

export type SearchReturns = 'records' | 'ids' | 'count';

export interface SearchParams {
  model: unknown;
  domain?: unknown;
  fields?: unknown;
  limit?: unknown;
  offset?: unknown;
  order?: unknown;
  context?: unknown;
  returns?: unknown;
}

export interface PagingOptions {
  /** The most rows asked for in one call (default 1000). */
  pageSize?: unknown;
}

export type { SearchPage };

export interface ReadParams {
  model: unknown;
  ids: unknown;
  fields?: unknown;
  context?: unknown;
}

export interface CreateParams {
  model: unknown;
  values: unknown;
  context?: unknown;
}

export interface BatchOptions {
  /** Records per `create` call; 0 or undefined sends the whole list in one call. */
  batchSize?: unknown;
  /** Called after each batch with the records created so far. */
  onProgress?: (created: number, total: number) => void;
}

export interface WriteParams extends CreateParams {
  ids: unknown;
}

export interface DeleteParams {
  model: unknown;
  ids: unknown;
  context?: unknown;
}

export interface ExecuteParams {
  model: unknown;
  method: unknown;
  args?: unknown;
  kwargs?: unknown;
  context?: unknown;
}

interface Session {
  /** Resolves to the logged-in uid; a failed login is not kept, the next call tries again. */
  uid: Promise<number>;
  renewed?: Session;
}

/** Methods that change nothing: safe to send again when a connection drops. */
const READ_ONLY_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'read',
  'fields_get',
  'name_search',
  'name_get',
  'read_group',
  'formatted_read_group',
  'default_get',
  'check_access_rights',
  'exists',
]);

/**
 * One authenticated session with one Odoo database: logs in lazily (concurrent first calls share
 * one `authenticate`), caches the uid, logs in again once when Odoo stops accepting it.
 */
export class OdooClient {
  readonly check: ParamChecker;
  private readonly translate: Translate;
  private readonly transport: OdooTransport | undefined;
  private readonly problem: OdooError | undefined;
  private readonly limiter: Limiter;
  private readonly retries: number;
  private readonly pauses = new Set<{ timer: NodeJS.Timeout; cancel(error: Error): void }>();
  private session: Session | undefined;
  private closedWith: OdooError | undefined;
  private knownVersion: ServerVersion | undefined;

  constructor(private readonly options: OdooClientOptions) {
    this.translate = options.translate ?? englishMessage;
    this.check = new ParamChecker(this.translate);
    this.limiter = new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.retries = options.retries ?? DEFAULT_RETRIES;
    try {
      this.checkSettings();
      const endpoint = new HttpEndpoint(options.url, {
        translate: this.translate,
        timeoutMs: options.timeoutMs,
        maxBodyBytes: options.maxBodyBytes,
        tls: options.tls,
        proxy: options.proxy,
      });
      this.transport = createTransport(options.transport ?? 'xmlrpc', endpoint, this.translate);
    } catch (error) {
      this.problem = error as OdooError;
    }
  }

  private checkSettings(): void {
    const { timeoutMs, concurrency, retries, maxBodyBytes, transport } = this.options;
    const positive = (value?: number) => value === undefined || value > 0;
    const whole = (value: number | undefined, min: number, max: number) =>
      value === undefined || (Number.isInteger(value) && value >= min && value <= max);
    const fail = (name: string, rule: string) => this.check.fail('invalid-setting', { name, rule });
    if (transport !== undefined && !TRANSPORT_SETTINGS.includes(transport)) {
      fail('transport', TRANSPORT_SETTINGS.map((name) => `"${name}"`).join(', '));
    }
    if (!positive(timeoutMs)) fail('timeout', 'a positive number of seconds');
    if (!whole(concurrency, 1, 1000)) fail('concurrency', 'a whole number from 1 to 1000');
    if (!whole(retries, 0, 10)) fail('retries', 'a whole number from 0 to 10');
    if (!positive(maxBodyBytes)) fail('maxBodyMB', 'a positive number of megabytes');
  }

  /** The uid of the logged-in user; logs in if needed. */
  login(): Promise<number> {
    return this.currentSession().uid;
  }

  async version(): Promise<ServerVersion> {
    const transport = this.usable();
    this.knownVersion = await this.attempt(true, () => transport.version());
    return this.knownVersion;
  }

  /**
   * The transport in use and Odoo's version, for Test connection and statuses. Asks the server
   * for its version the first time only.
   */
  async describe(): Promise<ConnectionInfo> {
    const version = this.knownVersion ?? (await this.version());
    const transport = this.usable();
    return {
      setting: this.options.transport ?? 'xmlrpc',
      transport: transport.name ?? 'xmlrpc',
      version: version.server_version,
      versionInfo: version.server_version_info,
    };
  }

  /** The protocol in use, once known (`auto` chooses on the first call). */
  get transportName(): TransportName | undefined {
    return this.transport?.name;
  }

  async listDatabases(): Promise<string[]> {
    const transport = this.usable();
    return this.attempt(true, () => transport.listDatabases());
  }

  /** `execute_kw` as the logged-in user, with one new login if Odoo refuses the session. */
  async execute(
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Promise<unknown> {
    const transport = this.usable();
    const session = this.currentSession();
    const idempotent = READ_ONLY_METHODS.has(method);
    const call = async (uid: number) =>
      this.attempt(idempotent, () =>
        transport.executeKw({
          db: this.options.db,
          uid,
          secret: this.options.apiKey,
          model,
          method,
          args,
          kwargs,
          idempotent,
        }),
      );
    try {
      return await call(await session.uid);
    } catch (error) {
      if (!isOdooError(error, 'ODOO_ACCESS_DENIED')) throw error;
    }
    try {
      return await call(await this.renew(session).uid);
    } catch (error) {
      if (isOdooError(error, 'ODOO_ACCESS_DENIED')) throw this.loginRefused(error.cause);
      throw error;
    }
  }

  async search(params: SearchParams): Promise<unknown> {
    const model = this.check.model(params.model);
    const domain = this.check.domain(params.domain);
    const returns = params.returns ?? 'records';
    if (returns === 'count') {
      const kwargs = this.kwargs(
        { limit: this.check.count('limit', params.limit) },
        params.context,
      );
      return this.execute(model, 'search_count', [domain], kwargs);
    }
    if (returns !== 'records' && returns !== 'ids')
      this.check.fail('invalid-returns', { value: String(returns) });
    const kwargs = this.kwargs(
      {
        fields: returns === 'records' ? this.check.fields(params.fields) : undefined,
        offset: this.check.count('offset', params.offset),
        limit: this.check.count('limit', params.limit),
        order: this.check.order(params.order),
      },
      params.context,
    );
    return this.execute(model, returns === 'records' ? 'search_read' : 'search', [domain], kwargs);
  }

  /**
   * The records (`search_read`) or ids (`search`) of a search, page by page: never more than
   * `pageSize` rows per call, nothing skipped or repeated when records change meanwhile (see
   * paging.ts for how, per order). Every parameter is checked before the first call.
   */
  async *searchPages(
    params: SearchParams,
    options: PagingOptions = {},
  ): AsyncGenerator<SearchPage, void, undefined> {
    const model = this.check.model(params.model);
    const domain = this.check.domain(params.domain);
    const returns = params.returns ?? 'records';
    if (returns !== 'records' && returns !== 'ids')
      this.check.fail('invalid-returns', { value: String(returns) });
    const query = {
      records: returns === 'records',
      domain,
      fields: returns === 'records' ? this.check.fields(params.fields) : undefined,
      offset: this.check.count('offset', params.offset),
      limit: this.check.count('limit', params.limit),
      order: this.check.order(params.order),
      context: this.check.context(params.context),
      pageSize: this.check.pageSize(options.pageSize),
    };
    yield* readPages(query, (method, args, kwargs) => this.execute(model, method, args, kwargs));
  }

  async read(params: ReadParams): Promise<unknown> {
    const model = this.check.model(params.model);
    const ids = this.check.ids(params.ids);
    const kwargs = this.kwargs({ fields: this.check.fields(params.fields) }, params.context);
    return this.execute(model, 'read', [ids], kwargs);
  }

  /** One record (an object) or many (an array); with a batch size, many go in batches. */
  async create(params: CreateParams, options: BatchOptions = {}): Promise<unknown> {
    const model = this.check.model(params.model);
    const values = this.check.createValues(params.values);
    const batchSize = this.check.batchSize(options.batchSize);
    const kwargs = this.kwargs({}, params.context);
    if (!Array.isArray(values) || batchSize === 0 || values.length <= batchSize) {
      return this.execute(model, 'create', [values], kwargs);
    }
    const create = (batch: Record<string, unknown>[]) =>
      this.execute(model, 'create', [batch], kwargs);
    return createInBatches(values, batchSize, create, this.translate, options.onProgress);
  }

  async write(params: WriteParams): Promise<unknown> {
    const model = this.check.model(params.model);
    const ids = this.check.ids(params.ids);
    const values = this.check.writeValues(params.values);
    return this.execute(model, 'write', [ids, values], this.kwargs({}, params.context));
  }

  async unlink(params: DeleteParams): Promise<unknown> {
    const model = this.check.model(params.model);
    const ids = this.check.ids(params.ids);
    return this.execute(model, 'unlink', [ids], this.kwargs({}, params.context));
  }

  async call(params: ExecuteParams): Promise<unknown> {
    const model = this.check.model(params.model);
    const method = this.check.method(params.method);
    const args = this.check.args(params.args);
    const { context: ownContext, ...kwargs } = this.check.kwargs(params.kwargs);
    const context = this.check.context(params.context);
    if (ownContext !== undefined && !isPlainObject(ownContext)) this.check.context(ownContext);
    const merged = ownContext || context ? { ...(ownContext as object), ...context } : undefined;
    return this.execute(model, method, args, merged ? { ...kwargs, context: merged } : kwargs);
  }

  /**
   * Fails every waiting call, cuts off every running one and ends every connection and timer;
   * the client is not used afterwards.
   */
  close(): void {
    this.closedWith = new OdooError(
      'ODOO_NETWORK_ERROR',
      this.translate('closed', { url: this.options.url }),
      {
        code: 'CLOSED',
      },
    );
    this.limiter.close(this.closedWith);
    for (const pause of this.pauses) {
      clearTimeout(pause.timer);
      pause.cancel(this.closedWith);
    }
    this.pauses.clear();
    this.session = undefined;
    this.transport?.close();
  }

  private usable(): OdooTransport {
    if (this.problem) throw this.problem;
    if (this.closedWith) throw this.closedWith;
    return this.transport as OdooTransport;
  }

  /** One call within the concurrency limit; reads are sent again after a passing failure. */
  private async attempt<T>(idempotent: boolean, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limiter.run(call);
      } catch (error) {
        const delay = idempotent && attempt < this.retries ? retryDelay(error, attempt) : undefined;
        if (delay === undefined) throw error;
        await this.pause(delay);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const pause = {
        timer: setTimeout(() => {
          this.pauses.delete(pause);
          resolve();
        }, ms),
        cancel: reject,
      };
      this.pauses.add(pause);
    });
  }

  private currentSession(): Session {
    this.session ??= this.startSession();
    return this.session;
  }

  /**
   * The session that replaces one Odoo no longer accepts. Every call that failed with the old
   * session shares it, so a revoked key costs one new login, not one per message.
   */
  private renew(stale: Session): Session {
    if (!stale.renewed) {
      stale.renewed = this.startSession();
      if (this.session === stale) this.session = stale.renewed;
    }
    return stale.renewed;
  }

  private startSession(): Session {
    const session: Session = { uid: this.authenticate() };
    session.uid.catch(() => {
      if (this.session === session) this.session = undefined;
    });
    return session;
  }

  /** Fails before anything is sent when a login detail is missing; `version` needs none. */
  private async authenticate(): Promise<number> {
    const transport = this.usable();
    const { db, username, apiKey } = this.options;
    if (!db) this.check.fail('missing-db', {});
    if (!username) this.check.fail('missing-username', {});
    if (!apiKey) this.check.fail('missing-api-key', {});
    const uid = await this.attempt(true, () => transport.authenticate(db, username, apiKey));
    if (uid === false) throw this.loginRefused();
    return uid;
  }

  private loginRefused(cause?: unknown): OdooError {
    const params = { db: this.options.db, login: this.options.username };
    const key = this.transport?.name === 'json2' ? 'login-refused-json2' : 'login-refused';
    return new OdooError('ODOO_ACCESS_DENIED', this.translate(key, params), cause);
  }

  private kwargs(named: Record<string, unknown>, context: unknown): Record<string, unknown> {
    const kwargs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(named)) {
      if (value !== undefined) kwargs[name] = value;
    }
    const checked = this.check.context(context);
    if (checked) kwargs.context = checked;
    return kwargs;
  }
}
