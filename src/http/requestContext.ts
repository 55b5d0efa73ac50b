import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import type { Preferences } from './odata/prefer.js';
import type { GraphVersion } from './versions.js';

/** Per-request Graph state, set by the hooks in app.ts and graph/plugin.ts. */
export interface GraphRequestState {
  requestId: string;
  clientRequestId: string;
  version?: GraphVersion;
  principal?: Principal;
  prefer?: Preferences;
}

declare module 'fastify' {
  interface FastifyRequest {
    graphState: GraphRequestState;
  }
}

/** Absolute links are built from the request's origin (or the configured public URL), never hard-coded. */
export function originOf(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return publicUrl;
  return `${request.protocol}://${request.host}`;
}
