import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { AdminService } from './admin/service.js';
import { registerAdminRoutes } from './admin/routes.js';
import { registerIdentityRoutes } from './auth/routes.js';
import { SigningKeyRing } from './auth/signingKeys.js';
import { AccessTokenVerifier } from './auth/tokens.js';
import { resolveConfig, type EmulatorOptions, type ResolvedConfig } from './config.js';
import type { DomainContext } from './domain/context.js';
import { findTenant } from './domain/tenants.js';
import { graphPlugin } from './graph/plugin.js';
import { buildApp } from './http/app.js';
import { ensureTlsMaterial, type TlsMaterial } from './http/certificates.js';
import { GRAPH_VERSIONS } from './http/versions.js';
import type { Services } from './services.js';
import { VirtualClock } from './simulation/clock.js';
import { loadClockState, saveClockState } from './simulation/clockState.js';
import { ensureDemoTenant, type DemoTenant } from './simulation/demoTenant.js';
import { FaultInjector } from './simulation/faults.js';
import { openStore } from './store/database.js';

export type { EmulatorOptions } from './config.js';
export type { DemoTenant } from './simulation/demoTenant.js';
export type { AdminService, ClockCommand, ClockView, MintTokenRequest } from './admin/service.js';
export type { FaultRule, FaultRuleInput } from './simulation/faults.js';
export { VirtualClock } from './simulation/clock.js';

/** A running emulator, as the library API hands it out. */
export interface Emulator {
  /** The origin, e.g. `https://localhost:8443`: the authority host and the Graph host. */
  readonly url: string;
  /** `${url}/v1.0`, for SDKs that take a base URL. */
  readonly graphUrl: string;
  /** The local CA's PEM (undefined with `http: true`): trust it via NODE_EXTRA_CA_CERTS. */
  readonly caCertificate: string | undefined;
  readonly caCertificatePath: string | undefined;
  readonly port: number;
  readonly demo: DemoTenant;
  /** The control API in process: the same operations as /_emulator. */
  readonly admin: AdminService;
  readonly clock: VirtualClock;
  readonly config: ResolvedConfig;
  /** Stop serving and close the store. With `dropDatabaseSchema`, a PostgreSQL schema is dropped too. */
  close(options?: { dropDatabaseSchema?: boolean }): Promise<void>;
}

/** Start an emulator in this process. Library defaults: port 0, in-memory store. */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator(options, { port: 0, inMemory: true });
}

/** The CLI's start: same as createEmulator with the CLI's defaults. */
export async function startEmulator(options: EmulatorOptions, defaults: { port: number; inMemory: boolean }): Promise<Emulator> {
  const config = resolveConfig(options, defaults);
  const [store, tls] = await Promise.all([
    openStore(config.store),
    config.protocol === 'https' ? ensureTlsMaterial(config.tlsDir) : Promise.resolve<TlsMaterial | undefined>(undefined),
  ]);
  let app: FastifyInstance | undefined;
  let clock: VirtualClock | undefined;
  try {
    clock = new VirtualClock(await loadClockState(store.db));
    const ctx: DomainContext = { db: store.db, clock };
    clock.onChange((state) => {
      saveClockState(store.db, state).catch((err: unknown) => app?.log.error({ err }, 'could not save the clock state'));
    });
    const keys = new SigningKeyRing(ctx);
    await keys.load();
    if (config.demo) await ensureDemoTenant(ctx);
    const services: Services = {
      config,
      store,
      ctx,
      keys,
      verifier: new AccessTokenVerifier(keys, async (tenantId) => (await findTenant(ctx, tenantId)) !== undefined),
      faults: new FaultInjector(),
      caCertificatePem: tls?.caCertificatePem,
      caCertificatePath: tls?.caCertificatePath,
    };
    const admin = new AdminService(services);

    app = await buildApp(services, tls === undefined ? undefined : { key: tls.privateKeyPem, cert: tls.certificatePem });
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'graph-comms-emulator control API',
          version: '1',
          description: 'Control the emulator: tenants, users, apps, access policies, Teams app installations, meetings, the virtual clock, faults, tokens and reset.',
        },
      },
      hideUntagged: true,
    });
    const server = app;
    app.get('/_emulator/openapi.json', { schema: { hide: true } }, async () => server.swagger());
    registerIdentityRoutes(app, services);
    for (const graphVersion of GRAPH_VERSIONS) await app.register(graphPlugin(services, graphVersion), { prefix: `/${graphVersion}` });
    registerAdminRoutes(app, services, admin);

    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const url = config.publicUrl ?? `${config.protocol}://localhost:${port}`;
    const running = app;
    const runningClock = clock;
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
      close: async (closeOptions = {}) => {
        runningClock.close();
        await running.close();
        if (closeOptions.dropDatabaseSchema === true) await store.dropSchema();
        await store.close();
      },
    };
  } catch (err) {
    clock?.close();
    await app?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
}
