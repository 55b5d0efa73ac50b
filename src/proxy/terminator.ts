import type { Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server as TlsServer, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { markProxiedSocket } from '../http/requestContext.js';
import { issueHostCertificate } from '../tls/certificates.js';

/** The decrypted side of a terminated tunnel goes here: the app's own server, so one app and one state serve both. */
export interface TlsTerminator {
  terminate(hostname: string, socket: Duplex): void;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * Terminates TLS for a Microsoft host with a certificate for that name signed by the local CA in
 * `tlsDir` (made once per host, kept in memory), then injects the decrypted socket into `appServer`
 * as Node documents for injecting connections (https://nodejs.org/api/http.html#event-connection):
 * an HTTPS server takes it as a 'secureConnection' (its TLS is done), a plain HTTP one as a
 * 'connection'. Requests then see `socket.encrypted` (protocol https) and the Host the client sent,
 * so every absolute link the app builds names the Microsoft host.
 */
export function tlsTerminator(tlsDir: string, appServer: Server, onError: (err: Error) => void): TlsTerminator {
  const servers = new Map<string, Promise<TlsServer>>();
  const hand = (socket: TLSSocket): void => {
    markProxiedSocket(socket);
    appServer.emit(appServer instanceof TlsServer ? 'secureConnection' : 'connection', socket);
  };
  const serverFor = (hostname: string): Promise<TlsServer> => {
    let made = servers.get(hostname);
    if (made === undefined) {
      made = issueHostCertificate(tlsDir, [hostname]).then(({ certificatePem, privateKeyPem }) => {
        const server = createTlsServer({ cert: certificatePem, key: privateKeyPem, ALPNProtocols: ['http/1.1'], handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, hand);
        server.on('tlsClientError', (err) => onError(err));
        return server;
      });
      made.catch(() => servers.delete(hostname));
      servers.set(hostname, made);
    }
    return made;
  };
  return {
    terminate(hostname, socket) {
      serverFor(hostname).then(
        (server) => server.emit('connection', socket),
        (err: unknown) => {
          onError(err instanceof Error ? err : new Error(String(err)));
          socket.destroy();
        },
      );
    },
  };
}
