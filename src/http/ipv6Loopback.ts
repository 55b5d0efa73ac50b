import { createServer, type Server } from 'node:net';

/** The ::1 listener beside the main one; close() stops it accepting (its connections close with the main server's). */
export interface ExtraListener {
  close(): Promise<void>;
}

/** Errors that mean this machine has no IPv6 loopback: nothing to serve there. */
const NO_IPV6 = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT', 'EINVAL']);

/**
 * `localhost` resolves to ::1 first on many machines (and only to ::1 on some), so a server on
 * 127.0.0.1 alone makes clients fall back or fail. This listens on ::1 at the same port and hands
 * each connection to `server`, as Node documents for injecting connections
 * (https://nodejs.org/api/http.html#event-connection): TLS, the client-error answers and closing
 * all connections on shutdown work as for the main listener. Resolves to `{ skipped }` saying why
 * when ::1 cannot be bound (IPv6 off; the port taken there by something else).
 */
export function alsoListenOnIpv6Loopback(server: Server, port: number): Promise<ExtraListener | { skipped: string }> {
  return new Promise((resolve) => {
    const listener = createServer((socket) => server.emit('connection', socket));
    listener.once('error', (err: NodeJS.ErrnoException) => {
      listener.close();
      resolve({ skipped: NO_IPV6.has(err.code ?? '') ? 'no IPv6 loopback on this machine' : `[::1]:${port} is not free (${err.code ?? err.message})` });
    });
    listener.listen({ port, host: '::1', ipv6Only: true }, () => {
      listener.on('error', () => undefined); // after listening, errors are per connection and reach the main server
      resolve({ close: () => new Promise<void>((done) => listener.close(() => done())) });
    });
  });
}
