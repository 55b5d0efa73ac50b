import * as nodeTls from 'node:tls';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AdminService } from './admin/service.js';
import { backgroundErrorReporter } from './backgroundErrors.js';
import { describeRoutesLazily } from './admin/openapi.js';
import { registerAdminRoutes } from './admin/routes.js';
import { registerIdentityRoutes } from './auth/routes.js';
import { SigningKeyRing } from './domain/signingKeys.js';
import { AccessTokenVerifier } from './auth/tokens.js';
import { storeDirectory } from './auth/verifier.js';
import { isLoopbackHost, resolveConfig, type EmulatorOptions, type ResolvedConfig } from './config.js';
import type { DomainContext } from './domain/context.js';
import { graphPlugin } from './graph/plugin.js';
import { buildApp } from './http/app.js';
import { allowHosts, type HostAllowance } from './http/hostCheck.js';
import { alsoListenOnIpv6Loopback, type ExtraListener } from './http/ipv6Loopback.js';
import { ensureTlsMaterial, type TlsMaterial } from './tls/certificates.js';
import { GRAPH_VERSION_PREFIX } from './http/versions.js';
import type { Services } from './services.js';
import { VirtualClock } from './runtime/clock.js';
import { loadClockState, persistClock, type ClockPersistence } from './store/clockState.js';
import { ensureDemoArtifacts, ensureDemoTenant, type DemoTenant } from './simulation/demoTenant.js';
import type { ContentStore } from './store/blobs.js';
import { openContentStore } from './store/pgContent.js';
import { ensurePrivateDir, type Tightened } from './store/privateFiles.js';
import { DeltaTokens, stateTokenCodec } from './domain/stateTokens.js';
import { PermissionLedger } from './domain/permissionLedger.js';
import { UsageMeter } from './domain/usage.js';
import { FaultInjector } from './runtime/faults.js';
import { RequestRecorder } from './http/requestRecorder.js';
import { openWritableStore } from './store/openWritable.js';
import { ChangePipeline } from './domain/changes.js';
import { startCallRecordRetention } from './simulation/callRecordRetention.js';
import { NotificationService } from './notifications/service.js';
import { slowEndpointMessage } from './notifications/endpointHealth.js';
import { DestinationPolicy } from './notifications/destinationPolicy.js';
import { startForwardProxy, type ForwardProxy } from './proxy/forwardProxy.js';
import { MICROSOFT_HOSTS } from './proxy/microsoftHosts.js';
import { tlsTerminator } from './proxy/terminator.js';
import { isUntrustedCertificateAlert, untrustedCaMessage } from './http/trust.js';

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
  /** The drop-in proxy (`http://127.0.0.1:PORT`, for HTTPS_PROXY) when `proxyPort` is set; else undefined. */
  readonly proxyUrl: string | undefined;
  /** The local CA's PEM (undefined with `http: true` and no proxy). createEmulator trusts it in process where Node can (`trustCa`); else use NODE_EXTRA_CA_CERTS. */
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
    /** What to warn about once started (logged by createEmulator, by the CLI after its ready line). */
    readonly startupWarnings: readonly StartupWarning[];
  };
  /** Stop serving and close the store. With `dropDatabaseSchema`, a PostgreSQL schema is dropped too. */
  close(options?: { dropDatabaseSchema?: boolean }): Promise<void>;
}

/** A warn-level log line: its fields and message. */
export interface StartupWarning {
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** Start an emulator in this process. Library defaults: port 0, in-memory store. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator(options, { port: 0, inMemory: true });
  for (const { fields, message } of emulator.internals.startupWarnings) emulator.internals.app.log.warn(fields, message);
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
  const tightened = tightenDataDir(config);
  const [opened, made] = await Promise.allSettled([
    openWritableStore(config.store),
    config.protocol === 'https' || config.proxy !== undefined ? ensureTlsMaterial(config.tlsDir, config.hostnames) : Promise.resolve<TlsMaterial | undefined>(undefined),
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
  let blobs: ContentStore | undefined;
  let notifications: NotificationService | undefined;
  let ipv6: ExtraListener | undefined;
  let proxy: ForwardProxy | undefined;
  try {
    blobs = openContentStore(config.blobDir, store);
    if (blobs.tightened !== undefined) tightened.push(blobs.tightened);
    const report = backgroundErrorReporter(() => app?.log);
    // A background write (a notification's delivery state, the clock) can find the store full too.
    const failed = (what: string, err: unknown): void => {
      store.space.noteFailure(err);
      report(what, err);
    };
    clock = new VirtualClock(await loadClockState(store.db), Date.now, (err) => failed('a clock timer failed', err));
    const ctx: DomainContext = { db: store.db, dialect: store.dialect, clock, changes: new ChangePipeline() };
    persistence = persistClock(store.db, clock, (err) => failed('could not save the clock state', err));
    const clockPersistence = persistence;
    const keys = new SigningKeyRing(ctx);
    await keys.load();
    const destinations = new DestinationPolicy(config.allowNotificationHosts, options.resolveNotificationHost);
    notifications = new NotificationService(ctx, store, keys, (err) => failed('notification delivery failed', err), {
      destinations,
      slowEndpointRules: options.slowEndpointRules ?? true,
      extraLifecycleEvents: options.extraLifecycleEvents ?? false,
      onEndpointStateChange: (change) => app?.log.warn({ endpoint: change.endpoint, from: change.from, state: change.state, ...change.tally }, slowEndpointMessage(change)),
    });
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
      requests: new RequestRecorder(config.requestHistory),
      blobs,
      deltaTokens: new DeltaTokens(stateTokenCodec(store.db)),
      usage: new UsageMeter(),
      permissionLedger: new PermissionLedger(),
      notifications,
      destinations,
      caCertificatePem: tls?.caCertificatePem,
      caCertificatePath: tls?.caCertificatePath,
      clockSaved: () => clockPersistence.flush(),
    };
    const admin = new AdminService(services);
    // A store seeded by an earlier version keeps its demo meeting's id.
    if (config.demo) await admin.refreshDemo();

    app = await buildApp(services, tls === undefined || config.protocol === 'http' ? undefined : { key: tls.privateKeyPem, cert: tls.certificatePem }, { allowedHost: hostAllowance(config) });
    describeRoutesLazily(app);
    registerIdentityRoutes(app, services);
    await app.register(graphPlugin(services), { prefix: GRAPH_VERSION_PREFIX });
    await registerAdminRoutes(app, services, admin);

    // 'localhost' is both loopbacks, bound here one by one (Fastify would bind only what the resolver lists).
    const onLocalhost = config.host === 'localhost' || config.host === '127.0.0.1';
    await listenQuietly(app, config.port, onLocalhost ? '127.0.0.1' : config.host);
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    if (onLocalhost) {
      const extra = await alsoListenOnIpv6Loopback(app.server, port);
      if ('skipped' in extra) {
        if (!extra.skipped.startsWith('no IPv6')) app.log.warn(`serving on 127.0.0.1 only: ${extra.skipped}`);
      } else ipv6 = extra;
    }
    const runningIpv6 = ipv6;
    if (config.proxy !== undefined) {
      const log = app.log;
      const caPath = tls?.caCertificatePath ?? config.tlsDir;
      let warnedAt = Number.NEGATIVE_INFINITY;
      const terminator = tlsTerminator(config.tlsDir, app.server, (err) => {
        // A client that does not trust the CA gets told how, at most once a minute (as for direct connections).
        if (isUntrustedCertificateAlert(err) && Date.now() - warnedAt >= 60_000) {
          warnedAt = Date.now();
          log.warn(`drop-in proxy: ${untrustedCaMessage(caPath)}`);
        } else log.debug({ err }, 'drop-in proxy: TLS with a client failed');
      });
      proxy = await startForwardProxy({
        ...config.proxy,
        terminate: (hostname, socket) => terminator.terminate(hostname, socket),
        ...(options.proxyConnect !== undefined ? { connect: options.proxyConnect } : {}),
        onSocketError: (err) => log.debug({ err }, 'drop-in proxy: a client connection failed'),
      });
    }
    const runningProxy = proxy;
    const proxyHost = config.proxy?.host.includes(':') === true ? `[${config.proxy.host}]` : config.proxy?.host;
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
      const ipv6Closed = runningIpv6?.close();
      const proxyClosed = runningProxy?.close();
      await running.close();
      await proxyClosed;
      await ipv6Closed;
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
      proxyUrl: runningProxy === undefined ? undefined : `http://${proxyHost ?? '127.0.0.1'}:${runningProxy.port}`,
      caCertificate: tls?.caCertificatePem,
      caCertificatePath: tls?.caCertificatePath,
      port,
      demo: admin.demo(),
      admin,
      clock,
      config,
      internals: { services, app: running, startupWarnings: startupWarnings(config, tightened) },
      // Idempotent: a second close waits for the first.
      close: (closeOptions = {}) => (closing ??= close(closeOptions)),
    };
  } catch (err) {
    void retention?.stop();
    void ipv6?.close();
    void proxy?.close();
    clock?.close();
    await notifications?.close();
    persistence?.stop();
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    blobs?.close();
    throw err;
  }
}

/**
 * The Host names to answer to (http/hostCheck.ts): on a loopback address, localhost, IP literals,
 * the bound host, the public URL's host and --allowed-host; elsewhere any name (clients reach it by
 * names it cannot know, and the control API takes the admin token instead) unless --allowed-host
 * names them; with --allowed-host '*', any Host, even a malformed one.
 */
function hostAllowance(config: ResolvedConfig): HostAllowance | undefined {
  if (config.allowedHosts?.includes('*') === true) return undefined;
  if (!isLoopbackHost(config.host) && config.allowedHosts === undefined) return undefined;
  // The drop-in proxy's names (no page can make a browser send them to us) and the certificate's.
  const names = [config.host, ...(config.allowedHosts ?? []), ...config.hostnames, ...(config.proxy !== undefined ? MICROSOFT_HOSTS : [])];
  if (config.publicUrl !== undefined && URL.canParse(config.publicUrl)) names.push(new URL(config.publicUrl).hostname);
  return allowHosts(names);
}

function startupWarnings(config: ResolvedConfig, tightened: readonly Tightened[]): StartupWarning[] {
  const warnings: StartupWarning[] = tightened.map(({ path, previousMode }) => ({
    fields: { path, previousMode: `0${previousMode.toString(8)}` },
    message: `made ${path} private (0700): it holds the store's secrets and was open to other users`,
  }));
  return warnings;
}

/**
 * The SQLite store's directory holds the signing key and secrets: 0700 (store/privateFiles.ts). openStore
 * makes it so too; doing it here first keeps the looser modes found, for the log once the logger exists.
 * A directory that cannot be made is left to openStore, whose error names the file.
 */
function tightenDataDir(config: ResolvedConfig): Tightened[] {
  if (config.store.kind !== 'sqlite' || config.store.filename === ':memory:') return [];
  try {
    const tightened = ensurePrivateDir(dirname(config.store.filename));
    return tightened === undefined ? [] : [tightened];
  } catch {
    return [];
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
