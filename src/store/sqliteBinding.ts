import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * The few things the store asks of a SQLite library, so that one Kysely dialect (sqliteDialect.ts)
 * runs over either Node's built-in `node:sqlite` (Node >= 22.16 / 24: nothing to compile at install)
 * or better-sqlite3 (Node 20, an optional dependency built at install).
 */
export interface SqliteStatementHandle extends SqliteStatement {
  /** False for anything that may change the database (INSERT … RETURNING included). */
  readonly readonly: boolean;
}

export interface SqliteHandle extends SqliteDatabase {
  /** Which library is underneath. */
  readonly library: SqliteLibrary;
  prepare(sql: string): SqliteStatementHandle;
  /** Runs SQL with no parameters and no result (pragmas). */
  exec(sql: string): void;
  /** PRAGMA data_version: bumped when another connection (another process on the file) commits. */
  dataVersion(): number;
  close(): void;
}

export type SqliteLibrary = 'node:sqlite' | 'better-sqlite3';

// --- node:sqlite (https://nodejs.org/api/sqlite.html) -------------------------------------------
// Declared here rather than taken from @types/node: the types the package builds with are Node 20's.

interface NodeStatementSync {
  all(...parameters: unknown[]): unknown[];
  get(...parameters: unknown[]): unknown;
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
  /** Node >= 22.16 / 23.11: the result columns, none for a statement that returns no rows. */
  columns(): unknown[];
}

interface NodeDatabaseSync {
  prepare(sql: string): NodeStatementSync;
  exec(sql: string): void;
  close(): void;
}

export interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { timeout?: number; enableForeignKeyConstraints?: boolean }) => NodeDatabaseSync;
  StatementSync: { prototype: object };
}

/**
 * node:sqlite has no counterpart of better-sqlite3's `readonly` (sqlite3_stmt_readonly): a
 * statement is taken as read-only only if it is a plain SELECT, which no SQLite SELECT can turn
 * into a write. Anything else counts as a write, which at worst empties the read cache once more.
 */
const READ_ONLY = /^\s*select\b/i;

class NodeSqliteHandle implements SqliteHandle {
  readonly library = 'node:sqlite';
  private readonly version: NodeStatementSync;

  constructor(private readonly db: NodeDatabaseSync) {
    this.version = db.prepare('PRAGMA data_version');
  }

  prepare(sql: string): SqliteStatementHandle {
    const stmt = this.db.prepare(sql);
    return {
      reader: stmt.columns().length > 0,
      readonly: READ_ONLY.test(sql),
      // Kysely passes one array; node:sqlite binds anonymous parameters from its arguments.
      all: (parameters) => stmt.all(...parameters),
      run: (parameters) => stmt.run(...parameters),
      iterate: (parameters) => stmt.iterate(...parameters),
    };
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  dataVersion(): number {
    return Number((this.version.get() as { data_version: number | bigint }).data_version);
  }

  close(): void {
    this.db.close();
  }
}

// --- better-sqlite3 (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md) --------

interface BetterStatement extends SqliteStatement {
  readonly readonly: boolean;
  pluck(): { get(): unknown };
}

interface BetterDatabase {
  prepare(sql: string): BetterStatement;
  exec(sql: string): void;
  close(): void;
}

export type BetterSqliteConstructor = new (filename: string) => BetterDatabase;

class BetterSqliteHandle implements SqliteHandle {
  readonly library = 'better-sqlite3';
  private readonly version: { get(): unknown };

  constructor(private readonly db: BetterDatabase) {
    this.version = db.prepare('PRAGMA data_version').pluck();
  }

  prepare(sql: string): SqliteStatementHandle {
    return this.db.prepare(sql);
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  dataVersion(): number {
    return Number(this.version.get());
  }

  close(): void {
    this.db.close();
  }
}

// --- choosing ------------------------------------------------------------------------------------

export interface SqliteLoaders {
  /** node:sqlite, or undefined when this Node has none (or too old a one). */
  nodeSqlite(): Promise<NodeSqliteModule | undefined>;
  betterSqlite3(): Promise<BetterSqliteConstructor>;
}

/**
 * Runs `load` with node:sqlite's ExperimentalWarning kept quiet: importing the module prints one on
 * Node versions before it became a release candidate (24.15, https://github.com/nodejs/node/pull/61262).
 * Using it is our choice, not the user's concern. Every other warning passes through.
 */
export async function withoutSqliteExperimentalWarning<T>(load: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
    const message = typeof warning === 'string' ? warning : warning.message;
    if (message.startsWith('SQLite is an experimental feature')) return;
    (emitWarning as (w: string | Error, ...r: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * node:sqlite when it has what the dialect needs (`StatementSync#columns`, Node 22.16+): Node 22.13
 * to 22.15 unflagged the module without it.
 */
async function importNodeSqlite(): Promise<NodeSqliteModule | undefined> {
  try {
    const sqlite = await withoutSqliteExperimentalWarning(async () => (await import('node:sqlite' as string)) as NodeSqliteModule);
    return typeof (sqlite.StatementSync.prototype as { columns?: unknown }).columns === 'function' ? sqlite : undefined;
  } catch {
    return undefined; // Node 20, or 22 before 22.13 without --experimental-sqlite
  }
}

export const defaultSqliteLoaders: SqliteLoaders = {
  nodeSqlite: importNodeSqlite,
  betterSqlite3: async () => (await import('better-sqlite3')).default as unknown as BetterSqliteConstructor,
};

/** Busy wait for another process's write lock, as `PRAGMA busy_timeout` (ms). */
const BUSY_TIMEOUT_MS = 5000;

/** Opens `filename` (a path, or ':memory:') with node:sqlite if this Node has it, else better-sqlite3. */
export async function openSqliteHandle(filename: string, loaders: SqliteLoaders = defaultSqliteLoaders): Promise<SqliteHandle> {
  const nodeSqlite = await loaders.nodeSqlite();
  let handle: SqliteHandle;
  if (nodeSqlite !== undefined) {
    handle = new NodeSqliteHandle(new nodeSqlite.DatabaseSync(filename, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true }));
  } else {
    let BetterSqlite: BetterSqliteConstructor;
    try {
      BetterSqlite = await loaders.betterSqlite3();
    } catch (err) {
      throw new Error(
        `no SQLite library: Node.js ${process.version} has no usable node:sqlite (Node 22.16 or later has), and better-sqlite3 ` +
          `(an optional dependency, built at install for older Node versions) could not be loaded: ${err instanceof Error ? err.message : String(err)}. ` +
          'Use Node.js 22.16 or later, reinstall so that better-sqlite3 builds, or use PostgreSQL (--database-url).',
        { cause: err },
      );
    }
    handle = new BetterSqliteHandle(new BetterSqlite(filename));
  }
  try {
    handle.exec('PRAGMA journal_mode = WAL');
    handle.exec('PRAGMA synchronous = NORMAL');
    // Checkpoint after 10,000 WAL pages (40 MiB), not SQLite's 1,000: the outbox rewrites the same
    // pages over and over (a delivery row is inserted, claimed, then marked delivered), and a
    // checkpoint copies each page once however often the WAL holds it, so fewer, larger ones write
    // and sync far less (bench/notifications: about 10% less CPU per notification, 40% more of them
    // per second). The WAL file goes when the last connection closes
    // (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint, https://sqlite.org/wal.html#ckpt).
    handle.exec('PRAGMA wal_autocheckpoint = 10000');
    handle.exec('PRAGMA foreign_keys = ON');
    handle.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  } catch (err) {
    handle.close();
    throw err;
  }
  return handle;
}
