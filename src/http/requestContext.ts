import type { FastifyRequest } from 'fastify';
import type { Principal } from '../domain/principal.js';
import type { Preferences } from './odata/prefer.js';
import type { GraphVersion } from './versions.js';

/** Per-request Graph state, set by the hooks in app.ts and graph/plugin.ts. */
export interface GraphRequestState {
  requestId: string;
  clientRequestId: string;
  version?: GraphVersion;
  principal?: Principal;
  prefer?: Preferences;
  /** `https://host:port` (or the configured public URL): set once per request by the Graph plugin's hook. */
  origin?: string;
  /** The error code of a Graph- or Entra-shaped error answer, for the request log. */
  errorCode?: string;
  /** The fault rule applied (injected status and/or latency), for the request recorder. */
  fault?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    graphState: GraphRequestState;
  }
}

// A DNS name or an IPv4/IPv6 literal, with an optional port: anything else in Host is not echoed into links.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Connections the drop-in proxy terminated for a Microsoft host name (src/proxy). */
const proxiedSockets = new WeakSet<object>();

/** Marks a connection as terminated by the drop-in proxy: its links name the host the client called, even with a public URL set. */
export function markProxiedSocket(socket: object): void {
  proxiedSockets.add(socket);
}

/** Whether the request came through the drop-in proxy (the client called a Microsoft host name). */
export function isProxiedRequest(request: FastifyRequest): boolean {
  return proxiedSockets.has(request.socket);
}

/**
 * Absolute links are built from the request's origin (or the configured public URL), never hard-coded.
 * Through the drop-in proxy the client called a Microsoft host: its links name that host, never ours.
 * A missing or malformed Host (HTTP/1.0 clients, fuzzers) falls back to the local address that answered.
 */
export function originOf(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl !== undefined && !proxiedSockets.has(request.socket)) return publicUrl;
  const host: unknown = request.host;
  const authority = typeof host === 'string' && HOST.test(host) ? host : `localhost:${request.socket.localPort ?? ''}`;
  return `${request.protocol}://${authority}`;
}

/** The origin the Graph plugin stored for this request: every absolute link a handler writes starts here. */
export function requestOrigin(request: FastifyRequest): string {
  const origin = request.graphState.origin;
  if (origin === undefined) throw new Error("requestOrigin: the Graph plugin did not set this request's origin");
  return origin;
}
