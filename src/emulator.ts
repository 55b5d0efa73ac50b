import * as nodeTls from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { AdminService } from './admin/service.js';
import { backgroundErrorReporter } from './backgroundErrors.js';
import { describeRoutesLazily } from './admin/openapi.js';
import { registerAdminRoutes } from './admin/routes.js';
import { registerIdentityRoutes } from './auth/routes.js';
import { SigningKeyRing } from './domain/signingKeys.js';
import { AccessTokenVerifier } from './auth/tokens.js';
import { storeDirectory } from './auth/verifier.js';
import { resolveConfig, type EmulatorOptions, type ResolvedConfig } from './config.js';
import type { DomainContext } from './domain/context.js';
import { graphPlugin } from './graph/plugin.js';
import { buildApp } from './http/app.js';
import { ensureTlsMaterial, type TlsMaterial } from './tls/certificates.js';
import { GRAPH_VERSIONS } from './http/versions.js';
import type { Services } from './services.js';
import { VirtualClock } from './runtime/clock.js';
import { loadClockState, persistClock, type ClockPersistence } from './store/clockState.js';
import { ensureDemoArtifacts, ensureDemoTenant, type DemoTenant } from './simulation/demoTenant.js';
import { BlobStore } from './store/blobs.js';
import { DeltaTokens, stateTokenCodec } from './domain/stateTokens.js';
import { UsageMeter } from './domain/usage.js';
import { FaultInjector } from './runtime/faults.js';
import { openWritableStore } from './store/openWritable.js';
import { ChangePipeline } from './domain/changes.js';
import { startCallRecordRetention } from './simulation/callRecordRetention.js';
import { NotificationService } from './notifications/service.js';

export type { EmulatorOptions, LogFormat } from './config.js';
export { ConfigError } from './config.js';
export type { DemoTenant } from './simulation/demoTenant.js';
export type {
  AdhocCallRequest,
  AdminNewMeeting,
  AdminService,
  BotRecordingRequest,
  BotRecordingView,
  CallRecordView,
  CallView,
  ClockCommand,
  ClockView,
  DeliveryQuery,
  DeliveryView,
  FlushResult,
  MintTokenRequest,
  NewCallRecordRequest,
  NewLiveCall,
  RecordingStatusView,
  SimulatedPstnCalls,
  SimulateRequest,
  SimulationResult,
  UsageEntry,
} from './admin/service.js';
export type { FaultRule, FaultRuleInput } from './runtime/faults.js';
export { VirtualClock } from './runtime/clock.js';

/** A running emulator, as the library API hands it out. */
export interface Emulator {
  /** The origin, e.g. `https://localhost:8443`: the authority host and the Graph host. */
  readonly url: string;
  /** `${url}/v1.0`, for SDKs that take a base URL. */
  readonly graphUrl: string;
  /** The local CA's PEM (undefined with `http: true`). createEmulator trusts it in process where Node can (`trustCa`); else use NODE_EXTRA_CA_CERTS. */
  readonly caCertificate: string | undefined;
  readonly caCertificatePath: string | undefined;
  readonly port: number;
  readonly demo: DemoTenant;
  /** The control API in process: the same operations as /_emulator. */
  readonly admin: AdminService;
  readonly clock: VirtualClock;
  readonly config: ResolvedConfig;
  /**
   * Internal, unstable: the running parts (store, domain context, notifications) for the emulator's
   * own tests and benchmarks. Not part of the public API.
   */
  readonly internals: {
    readonly services: Services;
    /** The Fastify instance serving it all (the route-table snapshot test prints its routes). */
    readonly app: FastifyInstance;
  };
  /** Stop serving and close the store. With `dropDatabaseSchema`, a PostgreSQL schema is dropped too. */
  close(options?: { dropDatabaseSchema?: boolean }): Promise<void>;
}

/** Start an emulator in this process. Library defaults: port 0, in-memory store. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options, { port: 0, inMemory: true });
  if (options.trustCa !== false && emulator.caCertificate !== undefined) trustInProcess(emulator.caCertificate);
  return emulator;
}

/** node:tls on Node 22.15+ and 24 (this package's @types/node is Node 20's, which lacks them). */
type TlsWithDefaultCAs = typeof nodeTls & {
  setDefaultCACertificates?: (certs: string[]) => void;
  getCACertificates?: (type?: 'default' | 'system' | 'bundled' | 'extra') => string[];
};

/**
 * Whether this Node can trust a CA in process (`tls.setDefaultCACertificates`, Node 22.15+ and 24).
 * Where it cannot, set NODE_EXTRA_CA_CERTS before the process starts (the test-setup helper does).
 */
export function canTrustCaInProcess(): boolean {
  const tls = nodeTls as TlsWithDefaultCAs;
  return typeof tls.setDefaultCACertificates === 'function' && typeof tls.getCACertificates === 'function';
}

/** Add the CA to the process's default CAs, keeping those already there; false where Node cannot. */
function trustInProcess(caPem: string): boolean {
  const tls = nodeTls as TlsWithDefaultCAs;
  if (typeof tls.setDefaultCACertificates !== 'function' || typeof tls.getCACertificates !== 'function') return false;
  const current = tls.getCACertificates('default');
  const normalized = (pem: string): string => pem.replace(/\r\n/g, '\n').trim();
  if (!current.some((pem) => normalized(pem) === normalized(caPem))) tls.setDefaultCACertificates([...current, caPem]);
  return true;
}

/** The CLI's start: same as createEmulator with the CLI's defaults. */
export async function startEmulator(options: EmulatorOptions, defaults: { port: number; inMemory: boolean }): Promise<Emulator> {
  const config = resolveConfig(options, defaults);
  const [opened, made] = await Promise.allSettled([
    openWritableStore(config.store),
    config.protocol === 'https' ? ensureTlsMaterial(config.tlsDir) : Promise.resolve<TlsMaterial | undefined>(undefined),
  ]);
  if (opened.status === 'rejected' || made.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.close().catch(() => undefined);
    throw opened.status === 'rejected' ? opened.reason : (made as PromiseRejectedResult).reason;
  }
  const store = opened.value;
  const tls = made.value;
  let app: FastifyInstance | undefined;
  let clock: VirtualClock | undefined;
  let persistence: ClockPersistence | undefined;
  let retention: { stop(): Promise<void> } | undefined;
  let blobs: BlobStore | undefined;
  let notifications: NotificationService | undefined;
  try {
    blobs = BlobStore.open(config.blobDir);
    const failed = backgroundErrorReporter(() => app?.log);
    clock = new VirtualClock(await loadClockState(store.db), Date.now, (err) => failed('a clock timer failed', err));
    const ctx: DomainContext = { db: store.db, dialect: store.dialect, clock, changes: new ChangePipeline() };
    persistence = persistClock(store.db, clock, (err) => failed('could not save the clock state', err));
    const clockPersistence = persistence;
    const keys = new SigningKeyRing(ctx);
    await keys.load();
    notifications = new NotificationService(ctx, keys, (err) => failed('notification delivery failed', err));
    if (config.demo) {
      await ensureDemoTenant(ctx);
      await ensureDemoArtifacts(ctx, blobs);
    }
    retention = startCallRecordRetention(ctx, (err) => failed('the call-record retention sweep failed', err));
    const services: Services = {
      config,
      store,
      ctx,
      keys,
      verifier: new AccessTokenVerifier(keys, storeDirectory(ctx, store.reads)),
      faults: new FaultInjector(),
      blobs,
      deltaTokens: new DeltaTokens(stateTokenCodec(store.db)),
      usage: new UsageMeter(),
      notifications,
      caCertificatePem: tls?.caCertificatePem,
      caCertificatePath: tls?.caCertificatePath,
      clockSaved: () => clockPersistence.flush(),
    };
    const admin = new AdminService(services);

    app = await buildApp(services, tls === undefined ? undefined : { key: tls.privateKeyPem, cert: tls.certificatePem });
    describeRoutesLazily(app);
    registerIdentityRoutes(app, services);
    for (const graphVersion of GRAPH_VERSIONS) await app.register(graphPlugin(services, graphVersion), { prefix: `/${graphVersion}` });
    await registerAdminRoutes(app, services, admin);

    await listenQuietly(app, config.port, config.host);
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const url = config.publicUrl ?? `${config.protocol}://localhost:${port}`;
    notifications.start(url);
    const running = app;
    const runningClock = clock;
    const runningRetention = retention;
    const runningBlobs = blobs;
    const runningNotifications = notifications;
    let closing: Promise<void> | undefined;
    const close = async (closeOptions: { dropDatabaseSchema?: boolean }): Promise<void> => {
      const swept = runningRetention.stop();
      runningClock.close();
      await running.close();
      await runningNotifications.close();
      await runningClock.idle();
      await swept;
      await clockPersistence.flush();
      clockPersistence.stop();
      if (closeOptions.dropDatabaseSchema === true) await store.dropSchema();
      await store.close();
      runningBlobs.close();
    };
    return {
      url,
      graphUrl: `${url}/v1.0`,
      caCertificate: tls?.caCertificatePem,
      caCertificatePath: tls?.caCertificatePath,
      port,
      demo: admin.demo(),
      admin,
      clock,
      config,
      internals: { services, app: running },
      // Idempotent: a second close waits for the first.
      close: (closeOptions = {}) => (closing ??= close(closeOptions)),
    };
  } catch (err) {
    void retention?.stop();
    clock?.close();
    await notifications?.close();
    persistence?.stop();
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    blobs?.close();
    throw err;
  }
}

/** Fastify logs "Server listening at …" at info; the caller's ready line says that, and must come first. */
async function listenQuietly(app: FastifyInstance, port: number, host: string): Promise<void> {
  const level = app.log.level;
  if (level === 'info' || level === 'debug' || level === 'trace') app.log.level = 'warn';
  try {
    await app.listen({ port, host });
  } finally {
    app.log.level = level;
  }
}
