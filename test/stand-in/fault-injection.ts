/**
 * Failures a test can order from the stand-in, per path or per call: what proxies, broken
 * networks and hostile servers do to an Odoo client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  /** An answer that is not Odoo's: an HTML error page, a redirect, a 429 with Retry-After... */
  | {
      kind: 'status';
      status: number;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
    }
  /** HTTP 200 with this body instead of Odoo's answer (empty, not XML-RPC, invalid UTF-8...). */
  | { kind: 'body'; body: string | Buffer; contentType?: string }
  /** A 200 XML answer of `bytes` bytes (to exceed a size limit). */
  | { kind: 'huge'; bytes: number }
  /** Odoo's real answer, cut after `bytes` bytes, then the connection is reset. */
  | { kind: 'truncate'; bytes: number }
  /** Odoo's real answer, one byte every `intervalMs`. */
  | { kind: 'drip'; intervalMs: number }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /**
   * A slow Odoo: waits `ms`, then does the work and answers as usual (the work is done even when
   * the client has gone meanwhile, as Odoo finishes a request whose client disconnected).
   */
  | { kind: 'delay'; ms: number }
  /** Resets the connection without doing anything. */
  | { kind: 'reset' }
  /** Does the work (a write is committed), then resets the connection before answering. */
  | { kind: 'reset-after-work' };

export interface FaultRule {
  /** `/xmlrpc/2/object`, ... (any path when left out). */
  path?: string;
  /** The XML-RPC method or, for execute_kw, the model method (`search_read`, `write`...). */
  method?: string;
  /** How many matching requests fail (default 1); Infinity for all. */
  times?: number;
  fault: Fault;
}

/** An injected fault: the requests it hit (they reached the server, which did not answer). */
export interface InjectedFault {
  readonly hits: number;
}

type ActiveRule = FaultRule & { left: number; hits: number };

interface Answer {
  status: number;
  reason: string;
  headers: [string, string][];
  payload: Buffer;
}

/** Runs the stand-in's normal handling without writing: the answer Odoo would have sent. */
export type Handle = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export class FaultInjector {
  private readonly rules: ActiveRule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Adds a rule; the answer tells how many requests it has hit so far. */
  add(rule: FaultRule): InjectedFault {
    const active: ActiveRule = { ...rule, left: rule.times ?? 1, hits: 0 };
    this.rules.push(active);
    return {
      get hits() {
        return active.hits;
      },
    };
  }

  clear(): void {
    this.rules.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Applies the first matching fault; false when the request should be handled normally. */
  async intercept(
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
    handle: (response: ServerResponse) => Promise<void>,
  ): Promise<boolean> {
    const rule = this.match(request, body);
    if (!rule) return false;
    const socket = request.socket;
    const { fault } = rule;
    switch (fault.kind) {
      case 'status':
        response.writeHead(fault.status, {
          'Content-Type': fault.contentType ?? 'text/html; charset=utf-8',
          ...fault.headers,
        });
        response.end(fault.body ?? '');
        return true;
      case 'body':
        response.writeHead(200, { 'Content-Type': fault.contentType ?? 'text/xml; charset=utf-8' });
        response.end(fault.body);
        return true;
      case 'huge':
        response.writeHead(200, {
          'Content-Type': 'text/xml; charset=utf-8',
          'Content-Length': fault.bytes,
        });
        this.stream(response, fault.bytes);
        return true;
      case 'hang':
        return true;
      case 'delay':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            resolve();
          }, fault.ms);
          this.timers.add(timer);
        });
        return false;
      case 'reset':
        socket.resetAndDestroy();
        return true;
      default:
        break;
    }
    const answer = await capture(handle);
    const head = rawHead(answer);
    if (fault.kind === 'reset-after-work') {
      socket.resetAndDestroy();
    } else if (fault.kind === 'truncate') {
      socket.write(head);
      socket.write(answer.payload.subarray(0, fault.bytes), () => socket.resetAndDestroy());
    } else {
      socket.write(head);
      this.drip(socket, answer.payload, fault.intervalMs);
    }
    return true;
  }

  private match(request: IncomingMessage, body: Buffer): ActiveRule | undefined {
    const path = (request.url ?? '').split('?')[0];
    const text = body.toString('utf8');
    const rule = this.rules.find(
      (candidate) =>
        candidate.left > 0 &&
        (candidate.path === undefined || path.endsWith(candidate.path)) &&
        (candidate.method === undefined || callsMethod(path, text, candidate.method)),
    );
    if (rule) {
      rule.left--;
      rule.hits++;
    }
    return rule;
  }

  private stream(response: ServerResponse, bytes: number): void {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = bytes;
    const write = (): void => {
      while (left > 0) {
        const piece = chunk.subarray(0, Math.min(chunk.length, left));
        left -= piece.length;
        if (!response.write(piece)) {
          response.once('drain', write);
          return;
        }
      }
      response.end();
    };
    response.on('close', () => (left = 0));
    write();
  }

  private drip(socket: Socket, payload: Buffer, intervalMs: number): void {
    let sent = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || sent >= payload.length) {
        clearInterval(timer);
        this.timers.delete(timer);
        if (!socket.destroyed) socket.end();
        return;
      }
      socket.write(payload.subarray(sent, sent + 1));
      sent++;
    }, intervalMs);
    this.timers.add(timer);
  }
}

function callsMethod(path: string, body: string, method: string): boolean {
  if (path.startsWith('/json/2/') || path.includes('/json/2/')) return path.endsWith(`/${method}`);
  if (body.startsWith('{')) return jsonRpcCalls(body, method);
  const methodName = /<methodName>([^<]*)<\/methodName>/.exec(body)?.[1];
  if (methodName === method) return true;
  // execute_kw(db, uid, password, model, method, ...): the model method is the fifth param.
  const strings = [...body.matchAll(/<string>([^<]*)<\/string>/g)].map((match) => match[1]);
  return methodName === 'execute_kw' && strings[3] === method;
}

/** JSON-RPC: `{"params": {"method": "execute_kw", "args": [db, uid, key, model, method, ...]}}`. */
function jsonRpcCalls(body: string, method: string): boolean {
  try {
    const { params } = JSON.parse(body) as { params?: { method?: unknown; args?: unknown[] } };
    if (params?.method === method) return true;
    return params?.method === 'execute_kw' && params.args?.[4] === method;
  } catch {
    return false;
  }
}

async function capture(handle: (response: ServerResponse) => Promise<void>): Promise<Answer> {
  const answer: Answer = { status: 200, reason: 'OK', headers: [], payload: Buffer.alloc(0) };
  const recorder = {
    headersSent: false,
    writeHead(status: number, reason: string, headers: string[]) {
      answer.status = status;
      answer.reason = reason;
      for (let index = 0; index < headers.length; index += 2) {
        answer.headers.push([headers[index], headers[index + 1]]);
      }
      return recorder;
    },
    end(payload: string | Buffer) {
      answer.payload = Buffer.from(payload);
    },
  };
  await handle(recorder as unknown as ServerResponse);
  return answer;
}

function rawHead(answer: Answer): string {
  const lines = answer.headers
    .filter(([name]) => !/^(content-length|connection)$/i.test(name))
    .map(([name, value]) => `${name}: ${value}`);
  return [
    `HTTP/1.1 ${answer.status} ${answer.reason}`,
    ...lines,
    `Content-Length: ${answer.payload.length}`,
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}
