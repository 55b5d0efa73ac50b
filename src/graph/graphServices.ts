import type { DomainContext } from '../domain/context.js';
import type { DeltaTokens } from '../domain/stateTokens.js';
import type { UsageMeter } from '../domain/usage.js';
import type { PermissionLedger } from '../domain/permissionLedger.js';
import type { AccessTokenVerifier } from '../auth/tokens.js';
import type { ContentStore } from '../store/blobs.js';
import type { ReadCache } from '../store/readCache.js';
import type { DestinationPolicy } from '../notifications/destinationPolicy.js';

/** What Graph handlers need of the running emulator (the assembly passes its whole self). */
export interface GraphServices {
  readonly config: { readonly publicUrl: string | undefined; readonly strict: boolean };
  readonly ctx: DomainContext;
  /** Hot reads (a request's user, meeting, access-policy decision), kept until the data may have changed. */
  readonly store: { readonly reads: ReadCache };
  readonly verifier: AccessTokenVerifier;
  /** Recording and transcript bytes. */
  readonly blobs: ContentStore;
  /** Signs and checks skip/delta tokens. */
  readonly deltaTokens: DeltaTokens;
  /** Calls to metered APIs, per app and API. */
  readonly usage: UsageMeter;
  /** Which permission each authorized call used, and what refused calls lacked, per app. */
  readonly permissionLedger: PermissionLedger;
  /** Where subscriptions' handshakes and notifications may go (no SSRF). */
  readonly destinations: DestinationPolicy;
}
