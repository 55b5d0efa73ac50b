import type { DomainContext } from '../domain/context.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';
import type { AccessTokenVerifier } from './tokens.js';

/** What the identity platform's endpoints need of the running emulator (the assembly passes its whole self). */
export interface IdentityServices {
  readonly ctx: DomainContext;
  readonly keys: SigningKeyRing;
  readonly verifier: AccessTokenVerifier;
  readonly config: { readonly publicUrl: string | undefined };
}
