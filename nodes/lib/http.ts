import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { StopSignal } from './calls';
import { isOdooError, OdooError } from './errors';
import { englishMessage, Translate } from './messages';

/** Client certificate, custom CA and verification settings, as core's tls-config node gives them. */
export type TlsSettings = Pick<
  tls.ConnectionOptions,
  'ca' | 'cert' | 'key' | 'passphrase' | 'servername' | 'rejectUnauthorized' | 'ALPNProtocols'
>;

/** An HTTP proxy, as core's `http proxy` config node describes it. */
export interface ProxySettings {
  url: string;
  /** Host names (or domain suffixes such as `.example.com`) reached without the proxy. */
  noProxy?: string[];
  username?: string;
  password?: string;
}

export interface EndpointOptions {
  /** The longest a request may take, from sending to the last byte of the answer. */
  timeoutMs?: number;
  /** A larger answer is refused and its connection closed. */
  maxBodyBytes?: number;
  tls?: TlsSettings;
  proxy?: ProxySettings;
  translate?: Translate;
}

/** Reads one HTTP answer; `body` yields its chunks and enforces the size limit. */
export type AnswerReader<T> = (
  response: IncomingMessage,
  body: AsyncIterable<Buffer>,
) => Promise<T>;

export const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;
/** Shorter than common proxy idle timeouts, so a kept-alive socket is rarely closed under us. */
const IDLE_SOCKET_MS = 15_000;
/** Errors that happen before anything reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * One Odoo server address and its keep-alive agent. Odoo's own server closes the connection after
 * each answer while a reverse proxy keeps it open; the agent handles both. Every request has a
 * deadline, every answer a size limit, and `close` ends them all.
 */
export class HttpEndpoint {
  readonly baseUrl: URL;
  private readonly translate: Translate;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly agent: http.Agent;
  private readonly proxy: ProxySettings | undefined;
  private readonly inFlight = new Set<http.ClientRequest>();
  private closed = false;
  /** The `Date` of the latest answer that had one, and when (performance.now()) it arrived. */
  private clockSample: { header: string; serverMs: number; localMs: number } | undefined;

  constructor(url: string, options: EndpointOptions = {}) {
    this.translate = options.translate ?? englishMessage;
    this.baseUrl = parseOdooUrl(url, this.translate);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.proxy =
      options.proxy && !bypassesProxy(this.baseUrl.hostname, options.proxy)
        ? options.proxy
        : undefined;
    const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_MS };
    if (this.baseUrl.protocol === 'http:') {
      this.agent = new http.Agent(agentOptions);
    } else if (this.proxy) {
      this.agent = new TunnelAgent({ ...agentOptions, ...options.tls }, this.proxy, this.translate);
    } else {
      this.agent = new https.Agent({ ...agentOptions, ...options.tls });
    }
  }

  /** The address of `path` as shown in messages (never with credentials: the URL has none). */
  describe(path: string): string {
    return this.baseUrl.origin + this.baseUrl.pathname.replace(/\/$/, '') + path;
  }

  /**
   * POSTs `body` and hands the answer to `read`. `idempotent` requests that die on a reused
   * keep-alive socket (the server closed it while idle) are sent once more. When `stop` fires,
   * the request is cut and fails with the signal's reason.
   */
  async post<T>(
    path: string,
    body: string,
    headers: Record<string, string>,
    idempotent: boolean,
    read: AnswerReader<T>,
    stop?: StopSignal,
  ): Promise<T> {
    return this.send('POST', path, Buffer.from(body, 'utf8'), headers, idempotent, read, stop);
  }

  /** GETs `path` (always safe to send again) and hands the answer to `read`. */
  get<T>(
    path: string,
    headers: Record<string, string>,
    read: AnswerReader<T>,
    stop?: StopSignal,
  ): Promise<T> {
    return this.send('GET', path, undefined, headers, true, read, stop);
  }

  /**
   * The server's time (ms since the epoch) at the local instant `localMs` (performance.now()),
   * from the `Date` header of the latest answer: never later than the server's clock, as the
   * header is rounded down to the second and was written before it arrived. Undefined until an
   * answer with a `Date` has come.
   */
  serverTimeAt(localMs: number): number | undefined {
    const sample = this.clockSample;
    return sample && sample.serverMs + (localMs - sample.localMs);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    payload: Buffer | undefined,
    headers: Record<string, string>,
    idempotent: boolean,
    read: AnswerReader<T>,
    stop: StopSignal | undefined,
  ): Promise<T> {
    const exchange = () => this.exchange(method, path, payload, headers, idempotent, read, stop);
    try {
      return await exchange();
    } catch (error) {
      if (!(error instanceof StaleSocket)) throw error;
      if (idempotent) return exchange();
      throw this.networkError(path, error.original, true);
    }
  }

  /** Ends every request in flight and every connection. */
  close(): void {
    this.closed = true;
    for (const request of this.inFlight) request.destroy(new Error('endpoint closed'));
    this.agent.destroy();
  }

  private exchange<T>(
    method: 'GET' | 'POST',
    path: string,
    payload: Buffer | undefined,
    headers: Record<string, string>,
    idempotent: boolean,
    read: AnswerReader<T>,
    stop: StopSignal | undefined,
  ): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError(path, false));
    if (stop?.reason) return Promise.reject(stop.reason);
    return new Promise<T>((resolve, reject) => {
      let timedOut = false;
      let sent = false;
      let stoppedWith: OdooError | undefined;
      const fullPath = this.baseUrl.pathname.replace(/\/$/, '') + path;
      const request = this.startRequest(
        method,
        fullPath,
        payload ? { ...headers, 'Content-Length': String(payload.length) } : headers,
      );
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new Error('deadline passed'));
      }, this.timeoutMs);
      this.inFlight.add(request);
      const unsubscribe = stop?.subscribe((reason) => {
        stoppedWith = reason;
        request.destroy(reason);
      });
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unsubscribe?.();
        this.inFlight.delete(request);
        outcome();
      };
      const fail = (error: unknown, reused: boolean) => {
        const unsure = sent && !idempotent;
        if (stoppedWith) return stoppedWith;
        if (timedOut) return this.timeoutError(path, unsure);
        if (this.closed) return this.closedError(path, unsure);
        if (isOdooError(error)) return error;
        const cause = error as NodeJS.ErrnoException;
        if (reused && !sent && (cause.code === 'ECONNRESET' || cause.code === 'EPIPE')) {
          return new StaleSocket(cause);
        }
        return this.networkError(path, cause, unsure && !NOT_SENT.has(cause.code ?? ''));
      };
      request.on('finish', () => (sent = true));
      request.on('error', (error) => settle(() => reject(fail(error, request.reusedSocket))));
      request.on('response', (response) => {
        this.noteDate(response);
        read(response, this.limitedBody(response, path)).then(
          (value) => settle(() => resolve(value)),
          (error: unknown) => {
            request.destroy();
            settle(() => reject(fail(error, false)));
          },
        );
      });
      request.end(payload);
    });
  }

  /** The first answer of each second gives the closest bound (see serverTimeAt). */
  private noteDate(response: IncomingMessage): void {
    const header = response.headers.date;
    if (!header || header === this.clockSample?.header) return;
    const serverMs = Date.parse(header);
    if (!Number.isNaN(serverMs)) {
      this.clockSample = { header, serverMs, localMs: performance.now() };
    }
  }

  private startRequest(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
  ): http.ClientRequest {
    const target = this.baseUrl;
    if (this.proxy && target.protocol === 'http:') {
      const proxy = new URL(this.proxy.url);
      return http.request({
        host: proxy.hostname,
        port: proxy.port || 80,
        method,
        path: `${target.origin}${path}`,
        agent: this.agent,
        headers: { ...headers, Host: target.host, ...proxyAuthorization(this.proxy) },
      });
    }
    const request = target.protocol === 'https:' ? https.request : http.request;
    return request({
      host: target.hostname,
      port: target.port || undefined,
      method,
      path,
      agent: this.agent,
      headers,
    });
  }

  private async *limitedBody(response: IncomingMessage, path: string): AsyncIterable<Buffer> {
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > this.maxBodyBytes) throw this.tooLarge(path);
    let size = 0;
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      if (size > this.maxBodyBytes) throw this.tooLarge(path);
      yield chunk as Buffer;
    }
  }

  private tooLarge(path: string): OdooError {
    const megabytes = Math.round((this.maxBodyBytes / 1024 / 1024) * 100) / 100;
    return new OdooError(
      'ODOO_PROTOCOL_ERROR',
      this.translate('too-large', { url: this.describe(path), size: megabytes }),
    );
  }

  private timeoutError(path: string, unsure: boolean): OdooError {
    const params = { url: this.describe(path), seconds: this.timeoutMs / 1000 };
    return new OdooError(
      'ODOO_TIMEOUT',
      this.translate(unsure ? 'timeout-unsure' : 'timeout', params),
      { timeoutMs: this.timeoutMs },
    );
  }

  private closedError(path: string, unsure: boolean): OdooError {
    const params = { url: this.describe(path) };
    return new OdooError(
      'ODOO_NETWORK_ERROR',
      this.translate(unsure ? 'closed-unsure' : 'closed', params),
      {
        code: 'CLOSED',
      },
    );
  }

  networkError(path: string, error: NodeJS.ErrnoException, unsure = false): OdooError {
    return new OdooError(
      'ODOO_NETWORK_ERROR',
      this.translate(unsure ? 'network-error-unsure' : 'network-error', {
        url: this.describe(path),
        reason: networkReason(error),
      }),
      { code: error.code, syscall: error.syscall },
    );
  }
}

/** A request that failed on a kept-alive socket the server had closed; safe to send again. */
class StaleSocket extends Error {
  constructor(readonly original: NodeJS.ErrnoException) {
    super(original.message);
  }
}

/** HTTPS through an HTTP proxy: each connection is a CONNECT tunnel, then TLS inside it. */
class TunnelAgent extends https.Agent {
  constructor(
    options: https.AgentOptions,
    private readonly proxy: ProxySettings,
    private readonly translate: Translate,
  ) {
    super(options);
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): undefined {
    // Node's agent ignores the stream argument when an error is passed.
    const done = (callback ?? (() => undefined)) as (error: Error | null, stream?: Duplex) => void;
    const proxy = new URL(this.proxy.url);
    const host = options.hostname ?? options.host ?? '';
    const authority = `${host}:${options.port ?? 443}`;
    const connect = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: authority,
      agent: false,
      headers: { Host: authority, ...proxyAuthorization(this.proxy) },
    });
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        const reason = this.translate('proxy-refused', {
          proxy: proxy.host,
          status: response.statusCode ?? 0,
        });
        done(Object.assign(new Error(reason), { code: 'EPROXY' }));
        return;
      }
      const secure = tls.connect({
        ...(options as tls.ConnectionOptions),
        socket,
        servername: options.servername ?? host,
      });
      done(null, secure);
    });
    connect.once('error', (error) => done(error));
    connect.end();
    return undefined;
  }
}

function proxyAuthorization(proxy: ProxySettings): Record<string, string> {
  if (!proxy.username) return {};
  const token = Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64');
  return { 'Proxy-Authorization': `Basic ${token}` };
}

function bypassesProxy(host: string, proxy: ProxySettings): boolean {
  return (proxy.noProxy ?? []).some((entry) => {
    const rule = entry.trim().toLowerCase();
    if (rule === '') return false;
    if (rule === '*') return true;
    const name = host.toLowerCase();
    return (
      name === rule.replace(/^\./, '') || name.endsWith(rule.startsWith('.') ? rule : `.${rule}`)
    );
  });
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is Odoo running at that address and port?)',
  ENOTFOUND: 'host not found (check the URL)',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPROTO: 'TLS handshake failed (is the scheme right: http or https?)',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'the server uses a self-signed TLS certificate (trust it with a TLS configuration holding its certificate as CA)',
  SELF_SIGNED_CERT_IN_CHAIN:
    'the server certificate is signed by an untrusted CA (add that CA in a TLS configuration)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'the server TLS certificate cannot be verified (add its CA in a TLS configuration)',
  CERT_HAS_EXPIRED: 'the server TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server TLS certificate does not match the host name',
};

function networkReason(error: NodeJS.ErrnoException): string {
  const known = error.code && REASONS[error.code];
  if (known) return `${known} [${error.code}]`;
  return error.code ? `${error.message} [${error.code}]` : error.message;
}

/** Accepts `https://host`, `https://host:8069/`, `https://host/odoo-prefix/` (reverse proxy). */
export function parseOdooUrl(text: string, translate: Translate = englishMessage): URL {
  const reason = urlProblem(text);
  if (reason) {
    const shown = text.replace(/\/\/[^/@]*@/, '//…@');
    throw new OdooError('ODOO_INVALID_INPUT', translate('invalid-url', { url: shown, reason }));
  }
  return new URL(text.trim());
}

/** What is wrong with an Odoo URL, or undefined when nothing is. */
export function urlProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return 'it is empty';
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return 'it must start with http:// or https://';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return 'it is not a valid address';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `the scheme ${url.protocol.slice(0, -1)} is not supported, only http and https`;
  }
  if (url.username || url.password) {
    return 'it contains a user name or password; enter them in the login and API key fields';
  }
  if (url.search || url.hash) return 'it contains a query (?) or a fragment (#)';
  return undefined;
}
