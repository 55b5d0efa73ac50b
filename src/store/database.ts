import { withCurrentSchemaIntrospector } from './pgIntrospector.js';
import type { Migration, MigrationProvider } from 'kysely';
import type { Pool } from 'pg';
import { Kysely, Migrator, PostgresDialect, sql } from './kysely.js';
import { dirname, resolve } from 'node:path';
import type { Database } from './schema.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_change_feed.js';
import * as m003 from './migrations/003_artifacts.js';
import * as m004 from './migrations/004_call_records.js';
import * as m005 from './migrations/005_subscriptions.js';
import * as m006PublicClients from './migrations/006_public_clients.js';
import * as m007AdhocCallIds from './migrations/007_adhoc_call_ids.js';
import * as m008ChatMessages from './migrations/008_chat_messages.js';
import * as m010DerivedArtifactJson from './migrations/010_derived_artifact_json.js';
import * as m011SubscriptionLinkRoot from './migrations/011_subscription_link_root.js';
import * as m012ContentChunks from './migrations/012_content_chunks.js';
import * as m013RecordingKind from './migrations/013_recording_kind.js';
import * as m014DeletedMeetings from './migrations/014_deleted_meetings.js';
import * as m015MeetingsEnd from './migrations/015_meetings_end.js';
import * as m016DropDeliverySubscriptionIndex from './migrations/016_drop_delivery_subscription_index.js';
import * as m017ArtifactJsonEscapes from './migrations/017_artifact_json_escapes.js';
import { postgresCapabilities, sqliteCapabilities, type StoreDialect } from './dialectCapabilities.js';
import { nulGuard } from './nulGuard.js';
import { ReadCache } from './readCache.js';
import { WriteSignal, withCommitSignal } from './writeSignal.js';
import { SpaceMonitor } from '../runtime/outOfSpace.js';
import { openSqliteHandle } from './sqliteBinding.js';
import { createPrivateFile, ensurePrivateDir, SQLITE_SIDE_FILES, tightenFile } from './privateFiles.js';
import { SharedFileSqliteDialect } from './sqliteDialect.js';

export type StoreKind = 'sqlite' | 'postgres';

export type StoreOptions =
  { kind: 'sqlite'; /** A file path, or ':memory:'. */ filename: string } | { kind: 'postgres'; url: string; /** Schema to keep every table in (created if absent). */ schema?: string };

export interface Store {
  readonly kind: StoreKind;
  readonly db: Kysely<Database>;
  /** The SQL that differs between SQLite and PostgreSQL, for code outside the store. */
  readonly dialect: StoreDialect;
  /** Hot reads kept until the data may have changed (disabled on PostgreSQL: see ReadCache). */
  readonly reads: ReadCache;
  /** Fires after each commit of a write by this process (see WriteSignal). */
  readonly writes: WriteSignal;
  /**
   * A number that changes whenever another connection committed to the database (SQLite's
   * `PRAGMA data_version`: another process or emulator instance on the file); with `writes`, what a
   * cache of this process needs to know its data is current. Undefined where the store cannot tell
   * (PostgreSQL, where several instances may share a database through pooled connections).
   */
  readonly dataVersion: (() => number) | undefined;
  /** Whether the store has run out of space (set by failed writes, cleared by the next one that succeeds). */
  readonly space: SpaceMonitor;
  /** PostgreSQL: the schema the tables live in; undefined for SQLite. */
  readonly schema: string | undefined;
  /** PostgreSQL: the pool under `db`, for what Kysely cannot say (binary COPY, store/pgBinaryCopy.ts); undefined for SQLite. */
  readonly pgPool: Pool | undefined;
  /** Drop the PostgreSQL schema (tests use a schema each); a no-op for SQLite. */
  dropSchema(): Promise<void>;
  close(): Promise<void>;
}

/** Versioned migrations, in order; a new migration is a new entry, never an edit of an old one. */
const migrations: Record<string, Migration> = {
  '001_initial': m001,
  '002_change_feed': m002,
  '003_artifacts': m003,
  '004_call_records': m004,
  '005_subscriptions': m005,
  '006_public_clients': m006PublicClients,
  '007_adhoc_call_ids': m007AdhocCallIds,
  '008_chat_messages': m008ChatMessages,
  '010_derived_artifact_json': m010DerivedArtifactJson,
  '011_subscription_link_root': m011SubscriptionLinkRoot,
  '012_content_chunks': m012ContentChunks,
  '013_recording_kind': m013RecordingKind,
  '014_deleted_meetings': m014DeletedMeetings,
  '015_meetings_end': m015MeetingsEnd,
  '016_drop_delivery_subscription_index': m016DropDeliverySubscriptionIndex,
  '017_artifact_json_escapes': m017ArtifactJsonEscapes,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export async function openStore(options: StoreOptions): Promise<Store> {
  const store = options.kind === 'sqlite' ? await openSqlite(options.filename) : await openPostgres(options.url, options.schema);
  try {
    // Kysely looks for its migration table in any schema unless told which one: name ours, or a
    // database whose other schemas hold emulators would skip creating it here.
    // Names compared by code unit, as Kysely orders the migrations it is given (their names are
    // NNN_ascii): its default, localeCompare, loads ICU's collator, ~10 ms of every start.
    const migrator = new Migrator({ db: store.db, provider, nameComparator: byCodeUnit, ...(store.schema !== undefined ? { migrationTableSchema: store.schema } : {}) });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error !== undefined || failed !== undefined) {
      throw new Error(`store migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

async function openSqlite(filename: string): Promise<Store> {
  if (filename !== ':memory:') {
    // The file holds the signing key and secrets: 0600 in a 0700 directory (privateFiles.ts).
    ensurePrivateDir(dirname(filename));
    createPrivateFile(filename);
  }
  const raw = await openSqliteHandle(filename);
  // Side files an older version (or a looser umask) left readable.
  try {
    if (filename !== ':memory:') for (const suffix of SQLITE_SIDE_FILES) tightenFile(filename + suffix);
  } catch (err) {
    raw.close();
    throw err;
  }
  const reads = new ReadCache(() => raw.dataVersion());
  const writes = new WriteSignal();
  const dialect = new SharedFileSqliteDialect({ database: raw }, filename === ':memory:' ? filename : resolve(filename), () => reads.invalidate());
  const db = new Kysely<Database>({ dialect: withCommitSignal(dialect, writes), plugins: [nulGuard] });
  return {
    kind: 'sqlite',
    db,
    dialect: sqliteCapabilities(db),
    reads,
    writes,
    dataVersion: () => raw.dataVersion(),
    space: new SpaceMonitor(),
    schema: undefined,
    pgPool: undefined,
    dropSchema: async () => undefined,
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string, schema: string | undefined): Promise<Store> {
  const { default: pg } = await import('pg');
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  if (schema !== undefined) await createSchema(pg, url, schema);
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema !== undefined ? { options: `-c search_path="${schema}"` } : {}),
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const writes = new WriteSignal();
  const db = new Kysely<Database>({ dialect: withCommitSignal(withCurrentSchemaIntrospector(new PostgresDialect({ pool })), writes), plugins: [nulGuard] });
  let current: string;
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    current = rows[0]?.schema ?? 'public';
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return {
    kind: 'postgres',
    db,
    dialect: postgresCapabilities,
    reads: ReadCache.disabled(),
    writes,
    dataVersion: undefined,
    space: new SpaceMonitor(),
    schema: current,
    pgPool: pool,
    dropSchema: async () => {
      if (schema !== undefined) await sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(db);
    },
    close: () => db.destroy(),
  };
}

/** CREATE SCHEMA IF NOT EXISTS can still fail when two instances race to create it; then it exists. */
async function createSchema(pg: typeof import('pg').default, url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    const { rowCount } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (rowCount !== 1) throw err;
  } finally {
    await client.end();
  }
}
