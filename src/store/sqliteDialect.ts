import type { DatabaseConnection, DialectAdapter, Driver, QueryResult } from 'kysely';
import type { SqliteHandle, SqliteStatementHandle } from './sqliteBinding.js';
import { CompiledQuery, SelectQueryNode, SqliteAdapter, SqliteDialect, SqliteDriver } from './kysely.js';

/** One queue per database file in this process. */
class FileLock {
  private tail: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  async lock(): Promise<void> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
  }

  unlock(): void {
    const release = this.release;
    this.release = undefined;
    release?.();
  }
}

const fileLocks = new Map<string, FileLock>();

const STATEMENT_CACHE_LIMIT = 500;
const SCHEMA_CHANGE = /^\s*(create|drop|alter)\b/i;

/**
 * Kysely's SQLite connection, with prepared statements kept per SQL text: preparing was a quarter of
 * a simple GET's CPU time, and the emulator runs the same few hundred statements over and over.
 * `onWrite` runs after every statement that can change data (what the read cache listens for).
 */
class CachingSqliteConnection implements DatabaseConnection {
  private readonly statements = new Map<string, SqliteStatementHandle>();

  constructor(
    private readonly db: SqliteHandle,
    private readonly onWrite: () => void,
  ) {}

  private prepare(sql: string): SqliteStatementHandle {
    let stmt = this.statements.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_LIMIT) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    // A statement that changes the schema may leave cached ones describing old tables: start afresh.
    if (SCHEMA_CHANGE.test(sql)) this.statements.clear();
    const stmt = this.prepare(sql);
    try {
      if (stmt.reader) return Promise.resolve({ rows: stmt.all(parameters) as R[] });
      const { changes, lastInsertRowid } = stmt.run(parameters);
      return Promise.resolve({
        numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
        insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
        rows: [],
      });
    } finally {
      // `readonly` is false for anything that writes (INSERT … RETURNING included); transaction
      // ends are signalled by the driver.
      if (!stmt.readonly) this.onWrite();
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { sql, parameters, query } = compiledQuery;
    if (!SelectQueryNode.is(query)) throw new Error('Sqlite driver only supports streaming of select queries');
    // Its own statement: a cached one iterated here could not run elsewhere until the stream ends.
    for (const row of this.db.prepare(sql).iterate(parameters)) yield { rows: [row as R] };
  }
}

/**
 * Kysely's SQLite dialect, made safe for several emulators on one file:
 * - across processes, transactions take the write lock when they begin (BEGIN IMMEDIATE) and wait
 *   for it (busy_timeout) instead of failing with SQLITE_BUSY_SNAPSHOT half-way through;
 * - within one process, SQLite (node:sqlite or better-sqlite3) is synchronous: a connection waiting
 *   for a lock held across an `await` by another connection would block the very thread that must
 *   release it. So connections to the same file take turns, as Kysely already makes one connection's users do;
 * - migrations run in one such transaction (SQLite's DDL is transactional): that is the migration lock.
 */
class SharedFileSqliteDriver extends SqliteDriver {
  private readonly connection: CachingSqliteConnection;

  constructor(
    config: SqliteDriverConfig,
    private readonly lock: FileLock | undefined,
    private readonly onWrite: () => void,
  ) {
    super(config);
    this.connection = new CachingSqliteConnection(config.database, onWrite);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock?.lock();
    await super.acquireConnection(); // Kysely's one-user-at-a-time mutex
    return this.connection;
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.lock?.unlock();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      this.onWrite();
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.onWrite();
    }
  }
}

/** The dialect's settings, with the database itself (not a factory): the driver keeps statements on it. */
type SqliteDriverConfig = ConstructorParameters<typeof SqliteDriver>[0] & { database: SqliteHandle };

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class SharedFileSqliteDialect extends SqliteDialect {
  private readonly lock: FileLock | undefined;

  /**
   * `filename`: the database file's absolute path, or ':memory:' (nothing shared). `onWrite` runs
   * after every statement that may have changed data and whenever a transaction ends.
   */
  constructor(
    private readonly settings: SqliteDriverConfig,
    filename: string,
    private readonly onWrite: () => void = () => undefined,
  ) {
    super(settings);
    if (filename !== ':memory:') {
      let lock = fileLocks.get(filename);
      if (lock === undefined) fileLocks.set(filename, (lock = new FileLock()));
      this.lock = lock;
    }
  }

  override createDriver(): Driver {
    return new SharedFileSqliteDriver(this.settings, this.lock, this.onWrite);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
