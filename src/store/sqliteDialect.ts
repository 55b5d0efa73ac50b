import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type DialectAdapter, type Driver } from 'kysely';

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

/**
 * Kysely's SQLite dialect, made safe for several emulators on one file:
 * - across processes, transactions take the write lock when they begin (BEGIN IMMEDIATE) and wait
 *   for it (busy_timeout) instead of failing with SQLITE_BUSY_SNAPSHOT half-way through;
 * - within one process, better-sqlite3 is synchronous: a connection waiting for a lock held across
 *   an `await` by another connection would block the very thread that must release it. So
 *   connections to the same file take turns, as Kysely already makes one connection's users do;
 * - migrations run in one such transaction (SQLite's DDL is transactional): that is the migration lock.
 */
class SharedFileSqliteDriver extends SqliteDriver {
  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly lock: FileLock | undefined,
  ) {
    super(config);
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock?.lock();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.lock?.unlock();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

export class SharedFileSqliteDialect extends SqliteDialect {
  private readonly lock: FileLock | undefined;

  /** `filename`: the database file's absolute path, or ':memory:' (nothing shared). */
  constructor(
    private readonly settings: ConstructorParameters<typeof SqliteDialect>[0],
    filename: string,
  ) {
    super(settings);
    if (filename !== ':memory:') {
      let lock = fileLocks.get(filename);
      if (lock === undefined) fileLocks.set(filename, (lock = new FileLock()));
      this.lock = lock;
    }
  }

  override createDriver(): Driver {
    return new SharedFileSqliteDriver(this.settings, this.lock);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
