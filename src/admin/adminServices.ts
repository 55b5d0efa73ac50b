import type { DomainContext } from '../domain/context.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';
import type { UsageMeter } from '../domain/usage.js';
import type { PermissionLedger } from '../domain/permissionLedger.js';
import type { DeltaTokens } from '../domain/stateTokens.js';
import type { AccessTokenVerifier } from '../auth/tokens.js';
import type { NotificationService } from '../notifications/service.js';
import type { FaultInjector } from '../runtime/faults.js';
import type { ContentStore } from '../store/blobs.js';
import type { Store } from '../store/database.js';
import type { ControlGuardConfig } from './guard.js';
import type { RequestRecorder } from '../http/requestRecorder.js';
import type { RecordingKind } from '../simulation/meetingScenario.js';

/**
 * What the control API drives: it is the emulator's control plane, so it sees most parts. The
 * assembly (src/services.ts) passes its whole self; each admin module names the part it reads.
 */
export interface AdminServices {
  readonly config: { readonly demo: boolean; readonly maxRecordingSizeBytes: number; readonly recordingKind: RecordingKind } & ControlGuardConfig;
  readonly store: Store;
  readonly ctx: DomainContext;
  readonly keys: SigningKeyRing;
  readonly verifier: AccessTokenVerifier;
  readonly faults: FaultInjector;
  /** The last requests, for the dashboard and GET /_emulator/requests. */
  readonly requests: RequestRecorder;
  readonly blobs: ContentStore;
  readonly deltaTokens: Pick<DeltaTokens, 'forget'>;
  readonly usage: UsageMeter;
  readonly permissionLedger: PermissionLedger;
  readonly notifications: NotificationService;
  readonly caCertificatePem: string | undefined;
  /** Resolves once the virtual clock's state is saved in the store. */
  clockSaved(): Promise<void>;
}
