import type { MethodSignature } from './api-doc';
import { createInBatches } from './batching';
import type { CallGroup } from './calls';
import { ConnectionInfo, ConnectionOptions, ConnectionState, OdooConnection } from './connection';
import type { Translate } from './messages';
import { readPages, SearchPage } from './paging';
import { isPlainObject, ParamChecker } from './params';
import type { ServerVersion, TransportName } from './transport';

export type OdooClientOptions = ConnectionOptions;
export type { ConnectionInfo, ConnectionState };

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

  /** Closes the connection (of every client sharing it): see OdooConnection.close. */
  close(): void {
    this.connection.close();
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
