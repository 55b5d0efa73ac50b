import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { SigningKeyRing } from '../../src/domain/signingKeys.js';
import { ChangePipeline } from '../../src/domain/changes.js';
import type { VirtualClock } from '../../src/runtime/clock.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator.js';
import { WebhookReceiver } from './webhookReceiver.js';

/** Which store this vitest project runs against (vitest.config.ts sets it per project). */
export const STORE: 'sqlite' | 'postgres' = process.env['TEST_STORE'] === 'postgres' ? 'postgres' : 'sqlite';

const tlsDir = (): string => {
  const dir = process.env['TEST_TLS_DIR'];
  if (dir === undefined) throw new Error('TEST_TLS_DIR is not set: run the suite through vitest.config.ts');
  return dir;
};

/**
 * Store options for one test's emulator: SQLite in memory, or a PostgreSQL schema of its own in the
 * leg's database. `persistent` gives options a second emulator can reopen (restart tests).
 */
/** A fresh PostgreSQL schema name for one test (a migration creates it on first open). */
export const newSchemaName = (): string => `t_${randomBytes(6).toString('hex')}`;

/**
 * A PostgreSQL schema of one test's own in the leg's database: its name, and `drop()` to remove it with
 * everything in it (call it after every store or emulator on it has closed).
 */
export function tempPgSchema(): { url: string; schema: string; drop: () => Promise<void> } {
  const url = process.env['TEST_DATABASE_URL'];
  if (url === undefined) throw new Error('TEST_DATABASE_URL is not set for the PostgreSQL leg');
  const schema = newSchemaName();
  return {
    url,
    schema,
    drop: async () => {
      const store = await openStore({ kind: 'postgres', url, schema });
      await store.dropSchema();
      await store.close();
    },
  };
}

export function storeOptions(persistent = false): { options: EmulatorOptions; cleanup: () => void } {
  if (STORE === 'postgres') {
    const url = process.env['TEST_DATABASE_URL'];
    if (url === undefined) throw new Error('TEST_DATABASE_URL is not set for the PostgreSQL leg');
    const schema = { databaseUrl: url, databaseSchema: newSchemaName() };
    if (!persistent) return { options: schema, cleanup: () => undefined };
    // A persistent store outlives one process: these keep its bytes in a blob directory every process
    // opening it shares (without one they would live in PostgreSQL: test/store/pgContent.test.ts).
    const blobDir = mkdtempSync(join(tmpdir(), 'gce-test-blobs-'));
    return { options: { ...schema, blobDir }, cleanup: () => rmSync(blobDir, { recursive: true, force: true }) };
  }
  if (!persistent) return { options: { inMemory: true }, cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'gce-test-'));
  return { options: { dataDir: dir, tlsDir: tlsDir() }, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestEmulator extends Emulator {
  /** Close, drop its PostgreSQL schema and remove temporary files. */
  stop(): Promise<void>;
}

export async function startTestEmulator(extra: EmulatorOptions = {}): Promise<TestEmulator> {
  const { options, cleanup } = storeOptions(false);
  const emulator = await createEmulator({ port: 0, tlsDir: tlsDir(), ...options, ...extra });
  return Object.assign(emulator, {
    stop: async () => {
      await emulator.close({ dropDatabaseSchema: true });
      cleanup();
    },
  });
}

/**
 * A thing the calling test file starts before its tests and stops after them. The returned object
 * stands for it (property reads go to the running one), so a file writes `const x = useStarted(…)`
 * instead of its own beforeAll/afterAll pair.
 */
export function useStarted<T extends object>(what: string, start: () => Promise<T>, stop: (running: T) => Promise<void>): T {
  let running: T | undefined;
  beforeAll(async () => {
    running = await start();
  });
  afterAll(async () => {
    if (running !== undefined) await stop(running);
    running = undefined;
  });
  const current = (): T => {
    if (running === undefined) throw new Error(`${what}: used before beforeAll started it or after afterAll stopped it`);
    return running;
  };
  return new Proxy({} as T, {
    get(_target, property) {
      const value: unknown = Reflect.get(current(), property, current());
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current()) : value;
    },
    // `'internals' in emu` (test/support/artifactChanges.ts) asks the running one too.
    has: (_target, property) => Reflect.has(current(), property),
  });
}

/** One emulator for the calling test file (see useStarted). */
export function useEmulator(extra: EmulatorOptions = {}): TestEmulator {
  return useStarted(
    'useEmulator()',
    () => startTestEmulator(extra),
    (running) => running.stop(),
  );
}

/** One webhook receiver on 127.0.0.1 for the calling test file (see useStarted). */
export function useWebhookReceiver(): WebhookReceiver {
  return useStarted(
    'useWebhookReceiver()',
    () => new WebhookReceiver().start(),
    (running) => running.stop(),
  );
}

/**
 * Two emulators on one persistent store for the calling test file, started before its tests and closed
 * after (the PostgreSQL schema dropped): another connection to the same SQLite file, or another
 * instance on the same PostgreSQL schema. For what one instance must see of the other's writes.
 */
export function useTwoEmulatorsOnOneStore(): { first: () => Emulator; second: () => Emulator } {
  let first: Emulator | undefined;
  let second: Emulator | undefined;
  let cleanup: () => void = () => undefined;
  beforeAll(async () => {
    const store = storeOptions(true);
    cleanup = store.cleanup;
    first = await createEmulator({ port: 0, tlsDir: tlsDir(), ...store.options });
    second = await createEmulator({ port: 0, tlsDir: tlsDir(), ...store.options });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close({ dropDatabaseSchema: true });
    cleanup();
  });
  const running = (emu: Emulator | undefined): Emulator => {
    if (emu === undefined) throw new Error('useTwoEmulatorsOnOneStore(): used before beforeAll started them or after afterAll closed them');
    return emu;
  };
  return { first: () => running(first), second: () => running(second) };
}

/** A bare store for this leg (SQLite in memory, or a PostgreSQL schema of its own), migrated; drop and close it after. */
export function openLegStore(): Promise<Store> {
  const url = process.env['TEST_DATABASE_URL'];
  if (STORE === 'postgres' && url !== undefined) return openStore({ kind: 'postgres', url, schema: newSchemaName() });
  return openStore({ kind: 'sqlite', filename: ':memory:' });
}

/** Run `work` on a fresh leg store (openLegStore), then drop its schema and close it. */
export async function withLegStore(work: (store: Store) => Promise<void>): Promise<void> {
  const store = await openLegStore();
  try {
    await work(store);
  } finally {
    await store.dropSchema();
    await store.close();
  }
}

/** A leg store with its signing key ring loaded, for tests of token signing and verification below HTTP. */
export async function openKeyedStore(clock: VirtualClock): Promise<{ store: Store; keys: SigningKeyRing }> {
  const store = await openLegStore();
  const keys = new SigningKeyRing({ db: store.db, dialect: store.dialect, clock, changes: new ChangePipeline() });
  await keys.load();
  return { store, keys };
}

export { tlsDir };
