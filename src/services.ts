import type { ResolvedConfig } from './config.js';
import type { AdminServices } from './admin/adminServices.js';
import type { IdentityServices } from './auth/identityServices.js';
import type { GraphServices } from './graph/graphServices.js';
import type { DeltaTokens } from './domain/stateTokens.js';
import type { Store } from './store/database.js';

/**
 * The running emulator's parts: the assembly (emulator.ts) makes one and hands it to each area,
 * which declares the narrower part it reads (AdminServices, IdentityServices, GraphServices).
 */
export interface Services extends AdminServices, IdentityServices, GraphServices {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly deltaTokens: DeltaTokens;
  readonly caCertificatePath: string | undefined;
}
