import type { MethodSignature } from './api-doc';
import { createInBatches } from './batching';
import type { CallGroup } from './calls';
import {
  ConnectionInfo,
  ConnectionOptions,
  ConnectionState,
  FieldInfo,
  OdooConnection,
} from './connection';
import { describeValue, Translate } from './messages';
import { readPages, SearchPage } from './paging';
import { kwargsOf } from './objects';
import { isPlainObject, ParamChecker } from './params';
import type { ServerVersion, TransportName } from './transport';
import { DEFAULT_UPSERT_BATCH, upsert, UpsertOutcome } from './upsert';

export type OdooClientOptions = ConnectionOptions;
export type { ConnectionInfo, ConnectionState };

export type SearchReturns = 'records' | 'ids' | 'count';

/** How binary fields come back: Odoo's base64 text, or Node.js Buffers. */
export type BinaryForm = 'base64' | 'buffer';

export interface SearchParams {
  model: unknown;
  domain?: unknown;
  fields?: unknown;
  limit?: unknown;
  offset?: unknown;
  order?: unknown;
  context?: unknown;
  returns?: unknown;
  /** `base64` (default) or `buffer`. */
  binary?: unknown;
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
  /** `base64` (default) or `buffer`. */
  binary?: unknown;
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

export interface UpsertParams extends CreateParams {
  /** A field name, a list of them (or a comma-separated string), or `externalId`. */
  match: unknown;
}

export interface UpsertOptions {
  /** Records per lookup and `create` (default 500); 0 does the whole list at once. */
  batchSize?: unknown;
  /** Leave records whose stored values equal the given ones unwritten (default true). */
  skipUnchanged?: unknown;
  /** Called after each batch with the records done so far. */
  onProgress?: (done: number, total: number) => void;
}

export type { UpsertOutcome };

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

/**
 * The calls people make of Odoo, each checked before anything is sent, over one connection
 * (see OdooConnection: one session, a concurrency limit, retries of reads). `new OdooClient`
 * opens a connection of its own; `forNode` gives another view of the same connection whose calls
 * a node stops together when it closes.
 */
export class OdooClient {
  readonly check: ParamChecker;
  readonly connection: OdooConnection;
  private readonly calls: CallGroup;
  private readonly translate: Translate;

  constructor(source: OdooClientOptions | OdooConnection) {
    this.connection = source instanceof OdooConnection ? source : new OdooConnection(source);
    this.check = this.connection.check;
    this.translate = this.connection.translate;
    this.calls = this.connection.newGroup();
  }

  /** A client for one node, sharing this one's connection and session. */
  forNode(): OdooClient {
    return new OdooClient(this.connection);
  }

  /**
   * Ends this client's calls: those not sent yet fail at once, reads in flight are cut, writes
   * in flight have the smaller of the timeout and 10 s to finish. Resolves once all have ended.
   */
  stop(): Promise<void> {
    return this.connection.stopGroup(this.calls);
  }

  /** The uid of the logged-in user; logs in if needed. */
  login(): Promise<number> {
    return this.connection.login(this.calls);
  }

  version(): Promise<ServerVersion> {
    return this.connection.version();
  }

  /** The transport in use and Odoo's version (asked once). */
  describe(): Promise<ConnectionInfo> {
    return this.connection.describe();
  }

  /** The protocol in use, once known (`auto` chooses on the first call). */
  get transportName(): TransportName | undefined {
    return this.connection.transportName;
  }

  listDatabases(): Promise<string[]> {
    return this.connection.listDatabases();
  }

  /** A model's methods and their signatures from Odoo 19's api_doc; see OdooConnection. */
  methodsOf(model: unknown): Promise<Map<string, MethodSignature> | undefined> {
    return this.connection.methodsOf(this.check.model(model));
  }

  /** The server's clock (ms) at a local `performance.now()` instant; see OdooConnection. */
  serverTimeAt(localMs: number): number | undefined {
    return this.connection.serverTimeAt(localMs);
  }

  /** `execute_kw` as the logged-in user. */
  execute(
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Promise<unknown> {
    return this.connection.execute(model, method, args, kwargs, this.calls);
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
   * paging.ts for how, per order). Every parameter is checked here, before the first call.
   */
  searchPages(
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
    const binary = this.check.binary(params.binary);
    const pages = readPages(query, (method, args, kwargs) =>
      this.execute(model, method, args, kwargs),
    );
    return query.records && binary === 'buffer' ? this.withBuffers(model, pages) : pages;
  }

  private async *withBuffers(
    model: string,
    pages: AsyncGenerator<SearchPage, void, undefined>,
  ): AsyncGenerator<SearchPage, void, undefined> {
    for await (const page of pages) {
      yield { ...page, rows: await this.binaryAsBuffers(model, page.rows) };
    }
  }

  async read(params: ReadParams): Promise<unknown> {
    const model = this.check.model(params.model);
    const ids = this.check.ids(params.ids);
    const kwargs = this.kwargs({ fields: this.check.fields(params.fields) }, params.context);
    const binary = this.check.binary(params.binary);
    const rows = (await this.execute(model, 'read', [ids], kwargs)) as unknown[];
    return binary === 'buffer' ? this.binaryAsBuffers(model, rows) : rows;
  }

  /**
   * Creates the records that are new and updates the others, found by `match`; see upsert.ts.
   * Resolves to `{ id, action, key }` per object, in order (one for one object).
   */
  async upsert(
    params: UpsertParams,
    options: UpsertOptions = {},
  ): Promise<UpsertOutcome | UpsertOutcome[]> {
    const model = this.check.model(params.model);
    const values = params.values;
    if (!isPlainObject(values) && !(Array.isArray(values) && values.every(isPlainObject)))
      this.check.fail('invalid-create-values', { value: describeValue(values) });
    const match = this.check.match(params.match);
    const context = this.check.context(params.context);
    const batchSize =
      options.batchSize === undefined || options.batchSize === ''
        ? DEFAULT_UPSERT_BATCH
        : this.check.batchSize(options.batchSize);
    const records = Array.isArray(values) ? values : [values];
    if (records.length === 0) return [];
    const outcomes = await upsert(
      {
        model,
        records,
        match,
        context,
        batchSize,
        skipUnchanged: options.skipUnchanged !== false && options.skipUnchanged !== 'false',
        onProgress: options.onProgress,
      },
      {
        execute: (on, method, args, kwargs) => this.execute(on, method, args, kwargs),
        fieldsOf: (on) => this.connection.fieldsOf(on, this.calls),
        locks: this.connection.keyLocks,
        parallel: this.connection.concurrency,
        check: this.check,
        translate: this.translate,
      },
    );
    return Array.isArray(values) ? outcomes : outcomes[0];
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

  /** A model's fields (`fields_get`), asked once per model and kept for ten minutes. */
  fieldsOf(model: string): Promise<Map<string, FieldInfo>> {
    return this.connection.fieldsOf(model, this.calls);
  }

  /** Closes the connection (of every client sharing it): see OdooConnection.close. */
  close(): void {
    this.connection.close();
  }

  /** The rows with the model's binary fields as Buffers (false stays false). */
  private async binaryAsBuffers(model: string, rows: unknown[]): Promise<unknown[]> {
    const fields = await this.fieldsOf(model);
    const binary = [...fields].filter(([, field]) => field.type === 'binary').map(([name]) => name);
    for (const row of rows as Record<string, unknown>[]) {
      for (const name of binary) {
        const value = row[name];
        if (typeof value === 'string') row[name] = Buffer.from(value, 'base64');
      }
    }
    return rows;
  }

  private kwargs(named: Record<string, unknown>, context: unknown): Record<string, unknown> {
    return kwargsOf({ ...named, context: this.check.context(context) });
  }
}
