import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect as netConnect, isIP, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { isMicrosoftHost, MICROSOFT_HOSTS, normalizeHostname } from './microsoftHosts.js';

/** Opens a passthrough tunnel's upstream connection (tests inject one that stays on loopback). */
export type UpstreamConnect = (port: number, host: string) => Socket;

export interface ForwardProxyOptions {
  /** Interface to bind: loopback unless the caller was asked otherwise. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Takes over a CONNECT tunnel to a Microsoft host (already answered 200): terminates TLS and serves it. */
  terminate(hostname: string, socket: Duplex): void;
  /** Tunnel CONNECTs to other hosts instead of refusing them. */
  passthrough: boolean;
  /** How passthrough reaches other hosts; default a plain TCP connection. */
  connect?: UpstreamConnect;
  /** A tunnel's socket failed (logged at debug by the caller: clients hang up all the time). */
  onSocketError?: (err: Error) => void;
}

export interface ForwardProxy {
  readonly port: number;
  /** Stop accepting; passthrough tunnels and tunnels not yet handed over are closed. */
  close(): Promise<void>;
}

// host:port, with a bracketed IPv6 literal allowed: the only form CONNECT takes (RFC 9110 §9.3.6).
const AUTHORITY = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9_.-]+)):(\d{1,5})$/;
const HANDSHAKE_TIMEOUT_MS = 30_000;
const SERVED = MICROSOFT_HOSTS.join(', ');

/**
 * The drop-in mode's plain-HTTP forward proxy (HTTPS_PROXY=http://127.0.0.1:PORT). A CONNECT to a
 * Microsoft host on 443 is answered here and handed to `terminate`; anything else is refused with a
 * Graph-shaped 403 saying why, unless `passthrough` tunnels it: never an open proxy by default.
 * Plain-HTTP requests (absolute URIs) are refused: Graph and the identity platform are HTTPS only.
 */
export async function startForwardProxy(options: ForwardProxyOptions): Promise<ForwardProxy> {
  const open = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server: Server = createServer((request, response) => refuseRequest(request, response));
  server.on('connect', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    track(socket);
    socket.on('error', (err) => options.onSocketError?.(err));
    handleConnect(options, request, socket, head, track);
  });
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of open) socket.destroy();
      }),
  };
}

function handleConnect(options: ForwardProxyOptions, request: IncomingMessage, socket: Duplex, head: Buffer, track: (socket: Duplex) => void): void {
  const match = AUTHORITY.exec(request.url ?? '');
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65535) {
    return refuseTunnel(socket, 400, 'BadRequest', `CONNECT takes host:port; ${JSON.stringify(excerpt(request.url ?? ''))} is not one.`);
  }
  const hostname = normalizeHostname(match[1] ?? match[2] ?? '');
  if (isMicrosoftHost(hostname)) {
    if (port !== 443) return refuseTunnel(socket, 403, 'Forbidden', `The emulator serves ${hostname} on port 443 only, not ${port}.`);
    if (head.length > 0) socket.unshift(head);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    return options.terminate(hostname, socket);
  }
  if (!options.passthrough) {
    const reason =
      isIP(hostname) !== 0
        ? `${hostname} is an IP address: the emulator's proxy only serves Microsoft's host names (${SERVED}).`
        : `${hostname} is not a Microsoft host the emulator serves (${SERVED}).`;
    return refuseTunnel(socket, 403, 'Forbidden', `${reason} This proxy is not an open proxy; start the emulator with --proxy-passthrough to tunnel other hosts.`);
  }
  passthrough(options, hostname, port, socket, head, track);
}

/** --proxy-passthrough: a byte tunnel to the host the client named; the client's TLS is its own. */
function passthrough(options: ForwardProxyOptions, hostname: string, port: number, socket: Duplex, head: Buffer, track: (socket: Duplex) => void): void {
  const upstream = (options.connect ?? ((p, h) => netConnect(p, h)))(port, hostname);
  track(upstream);
  const timer = setTimeout(() => upstream.destroy(new Error(`connecting to ${hostname}:${port} timed out`)), HANDSHAKE_TIMEOUT_MS);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(timer);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
    upstream.on('error', () => socket.destroy());
    socket.once('close', () => upstream.destroy());
    upstream.once('close', () => socket.destroy());
  });
  upstream.once('error', (err) => {
    clearTimeout(timer);
    if (!connected && socket.writable) {
      refuseTunnel(socket, 502, 'BadGateway', `The proxy could not reach ${hostname}:${port}: ${err.message}`);
    }
  });
}

/** Plain HTTP through the proxy: an absolute URI to http://… (never served, see startForwardProxy). */
function refuseRequest(request: IncomingMessage, response: ServerResponse): void {
  const url = request.url ?? '';
  let hostname: string | undefined;
  try {
    hostname = /^http:\/\//i.test(url) ? normalizeHostname(new URL(url).hostname) : undefined;
  } catch {
    hostname = undefined;
  }
  const [status, code, message] =
    hostname === undefined
      ? [400, 'BadRequest', "This is the emulator's forward proxy: use it as HTTPS_PROXY=http://127.0.0.1:PORT, and call the emulator itself for anything else."]
      : isMicrosoftHost(hostname)
        ? [403, 'Forbidden', `${hostname} is served over HTTPS only: call https://${hostname}/ (the proxy terminates CONNECT for it).`]
        : [403, 'Forbidden', `${excerpt(hostname)} is not a Microsoft host the emulator serves (${SERVED}), and the proxy forwards no plain HTTP.`];
  const body = errorBody(code, message);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}

function refuseTunnel(socket: Duplex, status: number, code: string, message: string): void {
  const body = errorBody(code, message);
  const reason = status === 400 ? 'Bad Request' : status === 502 ? 'Bad Gateway' : 'Forbidden';
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** Graph's error envelope, so a client that shows the body shows the reason. */
function errorBody(code: string, message: string): string {
  const requestId = randomUUID();
  return JSON.stringify({ error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': requestId } } });
}

function excerpt(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
