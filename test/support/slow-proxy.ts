/**
 * A TCP proxy that holds every answer of the server behind it for a while: a slow Odoo, whatever
 * Odoo it is (the stand-in or a real one). Requests go through at once.
 */
import net from 'node:net';

export interface SlowProxy {
  /** The proxy's address, in place of the server's (same path). */
  url: string;
  close(): Promise<void>;
}

export async function startSlowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((client) => {
    const server = net.connect(Number(upstream.port || 80), upstream.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(server);
    let pending = 0;
    let ended = false;
    server.on('data', (chunk: Buffer) => {
      pending++;
      const timer = setTimeout(() => {
        timers.delete(timer);
        pending--;
        if (!client.destroyed) client.write(chunk);
        if (ended && pending === 0) client.end();
      }, delayMs);
      timers.add(timer);
    });
    server.on('end', () => {
      ended = true;
      if (pending === 0) client.end();
    });
    client.on('close', () => server.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href.replace(/\/$/, ''),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
