import type { ResolvedConfig } from './config.js';
import type { DomainContext } from './domain/context.js';
import type { SigningKeyRing } from './domain/signingKeys.js';
import type { AccessTokenVerifier } from './auth/tokens.js';
import type { FaultInjector } from './runtime/faults.js';
import type { NotificationService } from './notifications/service.js';
import type { Store } from './store/database.js';
import type { BlobStore } from './store/blobs.js';
import type { DeltaTokens } from './domain/stateTokens.js';
import type { UsageMeter } from './domain/usage.js';

/** The running emulator's parts, handed to every route module. */
export interface Services {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly ctx: DomainContext;
  readonly keys: SigningKeyRing;
  readonly verifier: AccessTokenVerifier;
  readonly faults: FaultInjector;
  /** Recording and transcript bytes. */
  readonly blobs: BlobStore;
  /** Signs and checks skip/delta tokens. */
  readonly deltaTokens: DeltaTokens;
  /** Calls to metered APIs, per app and API. */
  readonly usage: UsageMeter;
  /** Change notifications: outbox, dispatcher, lifecycle events. */
  readonly notifications: NotificationService;
  /** The local CA's PEM (HTTPS mode), served by the control API. */
  readonly caCertificatePem: string | undefined;
  readonly caCertificatePath: string | undefined;
  /** Resolves once the virtual clock's state is saved in the store. */
  clockSaved(): Promise<void>;
}
