import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import { OdooError } from './errors';
import { englishMessage, Translate } from './messages';

export interface PostOptions {
  /** Safe to send twice: a request that died on a reused keep-alive socket is sent once more. */
  idempotent: boolean;
}

/**
 * One Odoo server address and its keep-alive agent. Odoo's own server closes the connection after
 * each answer while a reverse proxy keeps it open; the agent handles both.
 */
export class HttpEndpoint {
  readonly baseUrl: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(
    url: string,
    private readonly translate: Translate = englishMessage,
  ) {
    this.baseUrl = parseOdooUrl(url, translate);
    const secure = this.baseUrl.protocol === 'https:';
    this.agent = secure
      ? new https.Agent({ keepAlive: true })
      : new http.Agent({ keepAlive: true });
    this.request = secure ? https.request : http.request;
  }

  /** The address of `path` as shown in messages (never with credentials: the URL has none). */
  describe(path: string): string {
    return this.baseUrl.origin + this.baseUrl.pathname.replace(/\/$/, '') + path;
  }

  async post(
    path: string,
    body: string,
    headers: Record<string, string>,
    options: PostOptions,
  ): Promise<IncomingMessage> {
    try {
      return await this.send(path, body, headers);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      if (options.idempotent) return this.send(path, body, headers);
      throw this.networkError(path, error.original);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private send(
    path: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<IncomingMessage> {
    const payload = Buffer.from(body, 'utf8');
    return new Promise((resolve, reject) => {
      const request = this.request(
        this.baseUrl,
        {
          method: 'POST',
          path: this.baseUrl.pathname.replace(/\/$/, '') + path,
          agent: this.agent,
          headers: { ...headers, 'Content-Length': String(payload.length) },
        },
        resolve,
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        const stale =
          request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        reject(stale ? new StaleSocketError(error) : this.networkError(path, error));
      });
      request.end(payload);
    });
  }

  networkError(path: string, error: NodeJS.ErrnoException): OdooError {
    return new OdooError(
      'ODOO_NETWORK_ERROR',
      this.translate('network-error', { url: this.describe(path), reason: networkReason(error) }),
      { code: error.code, syscall: error.syscall },
    );
  }
}

class StaleSocketError extends Error {
  constructor(readonly original: NodeJS.ErrnoException) {
    super(original.message);
  }
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
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed TLS certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate is signed by an untrusted (self-signed) CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server TLS certificate cannot be verified',
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
  const shown = text.replace(/\/\/[^/@]*@/, '//…@');
  const fail = (reason: string): never => {
    throw new OdooError('ODOO_INVALID_INPUT', translate('invalid-url', { url: shown, reason }));
  };
  const trimmed = text.trim();
  if (trimmed === '') return fail('it is empty');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed))
    return fail('it must start with http:// or https://');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return fail('it is not a valid address');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(`the scheme ${url.protocol.slice(0, -1)} is not supported, only http and https`);
  }
  if (url.username || url.password) {
    return fail('it contains a user name or password; enter them in the login and API key fields');
  }
  if (url.search || url.hash) return fail('it contains a query (?) or a fragment (#)');
  return url;
}
