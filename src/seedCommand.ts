import { resolveConfig, DEFAULT_HTTPS_PORT, type EmulatorOptions } from './config.js';
import { ChangePipeline } from './domain/changes.js';
import { outboxSink } from './notifications/outbox.js';
import { ResourceLinks } from './notifications/resourceLinks.js';
import type { DomainContext } from './domain/context.js';
import { VirtualClock } from './runtime/clock.js';
import { loadClockState } from './store/clockState.js';
import { DEMO, ensureDemoTenant } from './simulation/demoTenant.js';
import { seedArtifacts, type SeedResult } from './simulation/seed.js';
import type { ContentStore } from './store/blobs.js';
import { openContentStore } from './store/pgContent.js';
import { openWritableStore } from './store/openWritable.js';

export interface SeedFlags {
  recordings: number;
  transcripts: number;
  tenant?: string;
  organizer?: string;
  perMeeting: number;
  batch: number;
  progress: boolean;
}

/**
 * `graph-comms-emulator seed`: bulk-create recordings and transcripts straight into a store (no server),
 * with a progress bar on stderr. The demo tenant's organizer is the default owner.
 */
export async function runSeed(options: EmulatorOptions, flags: SeedFlags): Promise<SeedResult & { seconds: number }> {
  const config = resolveConfig(options, { port: DEFAULT_HTTPS_PORT, inMemory: false });
  if (config.store.kind === 'sqlite' && config.store.filename === ':memory:') throw new Error('seeding an in-memory store keeps nothing: give --data-dir or --database-url');
  // Loaded here, not at the top: the CLI is one bundle, and `start` would load it (20 files) for nothing.
  const cliProgress = flags.progress ? (await import('cli-progress')).default : undefined;
  const store = await openWritableStore(config.store);
  // PostgreSQL without a blob directory keeps the bytes in the database, beside the rows (store/pgContent.ts).
  let blobs: ContentStore;
  try {
    blobs = openContentStore(config.blobDir, store);
  } catch (err) {
    await store.close();
    throw err;
  }
  const clock = new VirtualClock(await loadClockState(store.db), Date.now);
  const ctx: DomainContext = { db: store.db, dialect: store.dialect, clock, changes: new ChangePipeline() };
  // Seeded artifacts notify like any others: matching subscriptions get their outbox rows, which the
  // next emulator serving this store delivers (links rebased on --public-url when given).
  const links = new ResourceLinks();
  if (config.publicUrl !== undefined) links.setPublicUrl(config.publicUrl);
  ctx.changes.register(outboxSink(ctx, links));
  const bar =
    cliProgress !== undefined
      ? new cliProgress.SingleBar({ format: 'seeding [{bar}] {percentage}% | {value}/{total} artifacts | {eta_formatted} left', stream: process.stderr }, cliProgress.Presets.shades_classic)
      : undefined;
  const started = performance.now();
  try {
    const total = flags.recordings + flags.transcripts;
    const result = await store.dialect.bulkLoad(async () => {
      if (flags.tenant === undefined) await ensureDemoTenant(ctx);
      bar?.start(total, 0);
      return seedArtifacts(ctx, blobs, {
        tenantId: flags.tenant ?? DEMO.tenantId,
        organizerId: flags.organizer ?? DEMO.users[0].id,
        recordings: flags.recordings,
        transcripts: flags.transcripts,
        perMeeting: flags.perMeeting,
        batchSize: flags.batch,
        onProgress: (done) => bar?.update(done),
      });
    });
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    bar?.stop();
    clock.close();
    await store.close();
    blobs.close();
  }
}
