import { ApiDoc, MethodSignature } from './api-doc';
import { CallGroup, StopSignal } from './calls';
import { isOdooError, OdooError } from './errors';
import { KeyLocks } from './key-locks';
import { DEFAULT_TIMEOUT_MS, HttpEndpoint, ProxySettings, TlsSettings } from './http';
import { FIRST_JSON2_MAJOR, majorVersion } from './json2-transport';
import { Limiter } from './limiter';
import { englishMessage, Translate } from './messages';
import { ParamChecker } from './params';
import { retryDelay } from './retry';
import { TRANSPORT_SETTINGS } from './transport';
import type { OdooTransport, ServerVersion, TransportName, TransportSetting } from './transport';
import { createTransport } from './transports';

export interface ConnectionOptions {
  url: string;
  db: string;
  username: string;
  /** An API key, or the user's password (Odoo accepts both). */
  apiKey: string;
  translate?: Translate;
  /** The longest one request may take, and one call may wait for a free slot (default 120 s). */
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

/** What the server node shows on every node that uses it. */
export interface ConnectionState {
  state: 'connecting' | 'connected' | 'refused' | 'unreachable';
  transport?: TransportName;
  /** Odoo's `server_version`, once known. */
  version?: string;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_RETRIES = 2;
/** After a refused login, messages fail at once for this long before one new attempt. */
export const LOGIN_PAUSE_MS = 30_000;
/** The longest a stopped node's writes in flight may take to finish (or the timeout, if less). */
const MAX_WRITE_GRACE_MS = 10_000;

/** Methods that change nothing: safe to send again when a connection drops, cut at a stop. */
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

/** A call that failed because nothing reached the server: the server node is unreachable. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A field as `fields_get` describes it: what the client needs to check and convert values. */
export interface FieldInfo {
  type: string;
  /** The comodel of a relational field. */
  relation?: string;
  /** A float field's precision, when it has one. */
  digits?: [number, number];
  searchable: boolean;
  /** Whether Odoo keeps the field in the database (a computed field may not). */
  store: boolean;
}

/** How long a model's fields are kept: a module installed meanwhile shows after this. */
const FIELDS_TTL_MS = 10 * 60_000;

interface Session {
  /** Resolves to the logged-in uid; a failed login is not kept (but see LOGIN_PAUSE_MS). */
  uid: Promise<number>;
  renewed?: Session;
}

/**
 * One authenticated session with one Odoo database, shared by every node of a server node: logs
 * in lazily (concurrent first calls share one `authenticate`), caches the uid, logs in again once
 * when Odoo stops accepting it, and pauses logins for 30 s after Odoo refused one. At most
 * `concurrency` calls run at once; the others wait in order, each at most `timeout`.
 */
export class OdooConnection {
  readonly check: ParamChecker;
  readonly translate: Translate;
  private readonly transport: OdooTransport | undefined;
  private readonly endpoint: HttpEndpoint | undefined;
  private readonly apiDoc: ApiDoc | undefined;
  private readonly problem: OdooError | undefined;
  private readonly limiter: Limiter;
  private readonly retries: number;
  private readonly timeoutMs: number;
  /** Every group that may still have calls, the connection's own included. */
  private readonly groups = new Set<CallGroup>();
  /** Cuts the shared calls (the login, the version) when the connection stops. */
  private readonly shared = new StopSignal();
  private readonly pauses = new Set<{ timer: NodeJS.Timeout; cancel(error: Error): void }>();
  private session: Session | undefined;
  private refusal: { error: OdooError; until: number } | undefined;
  private closedWith: OdooError | undefined;
  private knownVersion: ServerVersion | undefined;
  private current: ConnectionState | undefined;
  private stateListener: ((state: ConnectionState) => void) | undefined;
  private readonly fieldCache = new Map<
    string,
    { expires: number; fields: Promise<Map<string, FieldInfo>> }
  >();
  /** Upserts hold their keys here, so two messages never create the same record twice. */
  readonly keyLocks = new KeyLocks();

  constructor(readonly options: ConnectionOptions) {
    this.translate = options.translate ?? englishMessage;
    this.check = new ParamChecker(this.translate);
    this.retries = options.retries ?? DEFAULT_RETRIES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.limiter = new Limiter({
      limit: this.concurrency,
      maxWaitMs: this.timeoutMs,
      waitedTooLong: (waitedMs) =>
        new OdooError(
          'ODOO_TIMEOUT',
          this.translate('queue-timeout', { url: options.url, seconds: waitedMs / 1000 }),
          { timeoutMs: waitedMs, queued: true },
        ),
    });
    let transport: OdooTransport | undefined;
    let endpoint: HttpEndpoint | undefined;
    let apiDoc: ApiDoc | undefined;
    try {
      this.checkSettings();
      endpoint = new HttpEndpoint(options.url, {
        translate: this.translate,
        timeoutMs: options.timeoutMs,
        maxBodyBytes: options.maxBodyBytes,
        tls: options.tls,
        proxy: options.proxy,
      });
      apiDoc = new ApiDoc(endpoint, this.translate);
      transport = createTransport(options.transport ?? 'xmlrpc', endpoint, this.translate, apiDoc);
    } catch (error) {
      this.problem = error as OdooError;
    }
    this.endpoint = endpoint;
    this.apiDoc = apiDoc;
    this.transport = transport;
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

  /** A group for the calls of one node, which `stopGroup` ends (see CallGroup). */
  newGroup(): CallGroup {
    const url = this.options.url;
    const group = new CallGroup({
      notSent: () => this.stopError('stopped-waiting', { url }),
      readCut: () => this.stopError('stopped-read', { url }),
      writeCut: (graceMs) => this.stopError('stopped-unsure', { url, seconds: graceMs / 1000 }),
    });
    this.groups.add(group);
    return group;
  }

  /** Stops the group's calls, giving writes in flight the grace period; resolves when all ended. */
  async stopGroup(group: CallGroup): Promise<void> {
    await group.stop(this.writeGraceMs);
    this.groups.delete(group);
  }

  /**
   * Stops every group's calls as `stopGroup` does and ends the login in progress; then the
   * connection can be closed without cutting anything more.
   */
  async stop(): Promise<void> {
    this.shared.fire(this.stopError('stopped-waiting', { url: this.options.url }));
    await Promise.all([...this.groups].map((group) => this.stopGroup(group)));
  }

  /** The smaller of the timeout and 10 s. */
  /** How many calls run at once. */
  get concurrency(): number {
    return this.options.concurrency ?? DEFAULT_CONCURRENCY;
  }

  get writeGraceMs(): number {
    return Math.min(this.timeoutMs, MAX_WRITE_GRACE_MS);
  }

  /** The protocol in use, once known (`auto` chooses on the first call). */
  get transportName(): TransportName | undefined {
    return this.transport?.name;
  }

  /** The latest connection state, and who hears about the next ones (one listener). */
  get state(): ConnectionState | undefined {
    return this.current;
  }

  onState(listener: ((state: ConnectionState) => void) | undefined): void {
    this.stateListener = listener;
  }

  /**
   * The server's clock (ms) at a local instant (`performance.now()`), from its answers' `Date`
   * header, never ahead of it; undefined before an answer with one.
   */
  serverTimeAt(localMs: number): number | undefined {
    return this.endpoint?.serverTimeAt(localMs);
  }

  /** The uid of the logged-in user; logs in if needed. */
  login(group: CallGroup): Promise<number> {
    return group.wait(this.currentSession().uid);
  }

  async version(): Promise<ServerVersion> {
    const transport = this.usable();
    this.knownVersion = await this.attempt(true, this.shared, () => transport.version(this.shared));
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

  /**
   * The public methods of a model with their signatures, from Odoo 19's api_doc (with the API
   * key, whatever the transport); undefined before Odoo 19, for a user who may not read it, or
   * when the server does not say.
   */
  async methodsOf(model: string): Promise<Map<string, MethodSignature> | undefined> {
    this.usable();
    const version = this.knownVersion ?? (await this.version());
    if (majorVersion(version) < FIRST_JSON2_MAJOR || !this.apiDoc) return undefined;
    const { db, apiKey } = this.options;
    const apiDoc = this.apiDoc;
    const doc = await this.attempt(true, this.shared, () =>
      apiDoc.model(db, apiKey, model, this.shared),
    );
    return doc && doc !== 'refused' ? doc.methods : undefined;
  }

  /** A model's fields (`fields_get`), asked once per model and kept for ten minutes. */
  fieldsOf(model: string, group: CallGroup): Promise<Map<string, FieldInfo>> {
    const cached = this.fieldCache.get(model);
    if (cached && cached.expires > performance.now()) return cached.fields;
    const fields = this.execute(
      model,
      'fields_get',
      [],
      { attributes: ['type', 'relation', 'digits', 'searchable', 'store'] },
      group,
    ).then((answer) => {
      const described = new Map<string, FieldInfo>();
      for (const [name, field] of Object.entries(answer as Record<string, FieldInfo>)) {
        described.set(name, {
          type: field.type,
          relation: field.relation,
          digits: Array.isArray(field.digits) ? field.digits : undefined,
          searchable: field.searchable !== false,
          store: field.store === true,
        });
      }
      return described;
    });
    this.fieldCache.set(model, { expires: performance.now() + FIELDS_TTL_MS, fields });
    fields.catch(() => this.fieldCache.delete(model));
    return fields;
  }

  async listDatabases(): Promise<string[]> {
    const transport = this.usable();
    return this.attempt(true, this.shared, () => transport.listDatabases());
  }

  /** `execute_kw` as the logged-in user, with one new login if Odoo refuses the session. */
  async execute(
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
    group: CallGroup,
  ): Promise<unknown> {
    const transport = this.usable();
    group.begin();
    try {
      const idempotent = READ_ONLY_METHODS.has(method);
      const stop = group.signalFor(!idempotent);
      const call = (uid: number) =>
        this.attempt(idempotent, group.waiting, () =>
          transport.executeKw({
            db: this.options.db,
            uid,
            secret: this.options.apiKey,
            model,
            method,
            args,
            kwargs,
            idempotent,
            stop,
          }),
        );
      const session = this.currentSession();
      const uid = await group.wait(session.uid);
      try {
        return this.succeeded(await call(uid));
      } catch (error) {
        if (!isOdooError(error, 'ODOO_ACCESS_DENIED')) throw this.failed(error);
      }
      // Odoo no longer accepts a session it accepted: one new login, shared by every call.
      const renewed = await group.wait(this.renew(session).uid);
      try {
        return this.succeeded(await call(renewed));
      } catch (error) {
        if (isOdooError(error, 'ODOO_ACCESS_DENIED')) throw this.loginRefused(error.cause);
        throw this.failed(error);
      }
    } finally {
      group.end();
    }
  }

  /**
   * Fails every waiting call, cuts off every running one and ends every connection and timer;
   * the connection is not used afterwards. (`stop` first lets writes finish.)
   */
  close(): void {
    this.closedWith = this.stopError('closed', { url: this.options.url });
    this.shared.fire(this.closedWith);
    this.limiter.close(this.closedWith);
    for (const pause of this.pauses) {
      clearTimeout(pause.timer);
      pause.cancel(this.closedWith);
    }
    this.pauses.clear();
    this.session = undefined;
    this.transport?.close();
  }

  private stopError(
    key: 'closed' | 'stopped-waiting' | 'stopped-read' | 'stopped-unsure',
    params: Record<string, string | number>,
  ): OdooError {
    const code = key === 'closed' ? 'CLOSED' : 'STOPPED';
    return new OdooError('ODOO_NETWORK_ERROR', this.translate(key, params), { code });
  }

  private usable(): OdooTransport {
    if (this.problem) throw this.problem;
    if (this.closedWith) throw this.closedWith;
    return this.transport as OdooTransport;
  }

  /** One call within the concurrency limit; reads are sent again after a passing failure. */
  private async attempt<T>(idempotent: boolean, stop: StopSignal, call: () => Promise<T>) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limiter.run(() => {
          if (stop.reason) throw stop.reason;
          return call();
        }, stop);
      } catch (error) {
        const delay = idempotent && attempt < this.retries ? retryDelay(error, attempt) : undefined;
        if (delay === undefined) throw error;
        await this.pause(delay, stop);
      }
    }
  }

  private pause(ms: number, stop: StopSignal): Promise<void> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (stop.reason) return Promise.reject(stop.reason);
    return new Promise((resolve, reject) => {
      const unsubscribe = stop.subscribe((reason) => {
        clearTimeout(pause.timer);
        this.pauses.delete(pause);
        reject(reason);
      });
      const pause = {
        timer: setTimeout(() => {
          this.pauses.delete(pause);
          unsubscribe();
          resolve();
        }, ms),
        cancel: reject,
      };
      this.pauses.add(pause);
    });
  }

  private currentSession(): Session {
    if (this.refusal) {
      const left = this.refusal.until - performance.now();
      if (left > 0) throw this.pausedLogin(this.refusal.error, left);
      this.refusal = undefined;
    }
    this.session ??= this.startSession();
    return this.session;
  }

  /**
   * The session that replaces one Odoo no longer accepts. Every call that failed with the old
   * session shares it, so a revoked key costs one new login, not one per message.
   */
  private renew(stale: Session): Session {
    if (!stale.renewed) {
      if (this.session === stale) this.session = undefined;
      stale.renewed = this.currentSession();
    }
    return stale.renewed;
  }

  private startSession(): Session {
    this.setState({ state: 'connecting', transport: this.transportName });
    const session: Session = { uid: this.authenticate() };
    session.uid.then(
      () => this.setState({ state: 'connected' }),
      (error: unknown) => {
        if (this.session === session) this.session = undefined;
        this.failed(error);
      },
    );
    return session;
  }

  /** Fails before anything is sent when a login detail is missing; `version` needs none. */
  private async authenticate(): Promise<number> {
    const transport = this.usable();
    const { db, username, apiKey } = this.options;
    if (!db) this.check.fail('missing-db', {});
    if (!username) this.check.fail('missing-username', {});
    if (!apiKey) this.check.fail('missing-api-key', {});
    const uid = await this.attempt(true, this.shared, () =>
      transport.authenticate(db, username, apiKey, this.shared),
    );
    if (uid === false) throw this.loginRefused();
    // Odoo's version, for the status: asked once, after the login, on the socket it used.
    if (!this.knownVersion) await this.version().catch(() => undefined);
    return uid;
  }

  /** Odoo refused the login: so are the logins of the next 30 s, without asking Odoo. */
  private loginRefused(cause?: unknown): OdooError {
    const params = { db: this.options.db, login: this.options.username };
    const key = this.transport?.name === 'json2' ? 'login-refused-json2' : 'login-refused';
    const refused = new OdooError('ODOO_ACCESS_DENIED', this.translate(key, params), cause);
    this.refusal = { error: refused, until: performance.now() + LOGIN_PAUSE_MS };
    this.session = undefined;
    this.setState({ state: 'refused' });
    return this.pausedLogin(refused, LOGIN_PAUSE_MS);
  }

  private pausedLogin(refused: OdooError, leftMs: number): OdooError {
    const seconds = Math.ceil(leftMs / 1000);
    const message = this.translate('login-paused', { refusal: refused.message, seconds });
    return new OdooError('ODOO_ACCESS_DENIED', message, refused.cause);
  }

  private succeeded<T>(result: T): T {
    if (this.current?.state === 'unreachable') this.setState({ state: 'connected' });
    return result;
  }

  /** Notes what a failure says about the connection; answers the error. */
  private failed(error: unknown): unknown {
    const code = isOdooError(error, 'ODOO_NETWORK_ERROR')
      ? (error.cause as { code?: string } | undefined)?.code
      : undefined;
    if (code && UNREACHABLE.has(code)) this.setState({ state: 'unreachable' });
    return error;
  }

  private setState(next: ConnectionState): void {
    const state: ConnectionState = {
      state: next.state,
      transport: next.transport ?? this.transportName,
      version: next.version ?? this.knownVersion?.server_version,
    };
    const same =
      this.current?.state === state.state &&
      this.current.transport === state.transport &&
      this.current.version === state.version;
    if (same) return;
    this.current = state;
    this.stateListener?.(state);
  }
}
