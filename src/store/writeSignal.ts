import type { AliasNode, DatabaseConnection, Dialect, Driver, OperationNode, QueryCompiler, QueryResult, RootOperationNode, TableNode, TransactionSettings } from 'kysely';
import type { CompiledQuery } from './kysely.js';

/**
 * What one committed write of this process touched: the tables it inserted rows into and the tables
 * it changed in any way (inserted, updated, deleted). `'*'` stands for "some table": a raw statement
 * that did not name its tables (namedWrite).
 */
export interface StoreCommit {
  readonly inserted: ReadonlySet<string>;
  readonly changed: ReadonlySet<string>;
}

/**
 * "This process's write is committed": fired once per transaction after its COMMIT succeeded (never
 * on rollback), and after each data-changing statement run outside a transaction. A listener reading
 * at once, on any connection, sees the write. Listeners: the notifications dispatcher (new outbox rows
 * go out without waiting for a timer) and the dashboard's event stream. Writes of other processes
 * (another instance on the same database, the `seed` command) are not heard: they keep a slow poll.
 */
export class WriteSignal {
  private readonly listeners = new Set<(commit: StoreCommit) => void>();

  on(listener: (commit: StoreCommit) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  fire(commit: StoreCommit): void {
    for (const listener of this.listeners) {
      // A listener's failure must not turn a committed write into a failed one.
      try {
        listener(commit);
      } catch {
        // Listeners handle their own errors; nothing to undo here.
      }
    }
  }
}

/** Tables a write touched, collected until its transaction commits. */
class Touched {
  readonly inserted = new Set<string>();
  readonly changed = new Set<string>();

  get empty(): boolean {
    return this.changed.size === 0;
  }
}

/** What a raw statement writes, as its maker says (namedWrite). */
export interface RawWrite {
  readonly tables: readonly string[];
  /** Whether it inserts rows (the dispatcher wakes for new deliveries). */
  readonly insert: boolean;
}

const rawWrites = new WeakMap<CompiledQuery, RawWrite>();

/**
 * `query` (raw SQL: a bulk insert, a reset) marked with the tables it writes, which the signal then
 * reports. Kysely hands this very object to the connection. The text is never parsed for its table: a
 * guess can be wrong (a schema-qualified name, a CTE), and a wrong table is a change nobody hears of.
 */
export function namedWrite<R>(query: CompiledQuery<R>, write: RawWrite): CompiledQuery<R> {
  rawWrites.set(query, write);
  return query;
}

const RAW_WRITE = /^\s*(insert|update|delete|merge|replace|truncate|create|drop|alter|with)\b/i;

/** A plain table reference's name (`'*'` for anything else: a join, a subquery). */
function tableName(node: OperationNode | undefined): string {
  if (node?.kind === 'TableNode') return (node as TableNode).table.identifier.name;
  if (node?.kind === 'AliasNode') return tableName((node as AliasNode).node);
  return '*';
}

/** The tables a statement writes to (`'*'` when written but unknown), or undefined for a read. */
function writeOf(query: CompiledQuery): RawWrite | undefined {
  const node: RootOperationNode = query.query;
  switch (node.kind) {
    case 'InsertQueryNode':
      return { tables: [node.into?.table.identifier.name ?? '*'], insert: true };
    case 'UpdateQueryNode':
      return { tables: [tableName(node.table)], insert: false };
    case 'DeleteQueryNode':
      return { tables: [node.from.froms.length === 1 ? tableName(node.from.froms[0]) : '*'], insert: false };
    case 'MergeQueryNode':
      return { tables: ['*'], insert: true };
    case 'SelectQueryNode':
      return undefined;
    default:
      // Raw SQL: the tables its maker named (bulk inserts, resets), else any write is "some table" (migrations).
      return rawWrites.get(query) ?? (RAW_WRITE.test(query.sql) ? { tables: ['*'], insert: true } : undefined);
  }
}

/** A connection whose writes are noted; its transaction state is kept by the driver below. */
class NotingConnection implements DatabaseConnection {
  /** Set between BEGIN and COMMIT/ROLLBACK: writes wait for the commit. */
  pending: Touched | undefined;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly signal: WriteSignal,
  ) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(compiledQuery);
    const write = writeOf(compiledQuery);
    if (write !== undefined) {
      const touched = this.pending ?? new Touched();
      for (const table of write.tables) {
        touched.changed.add(table);
        if (write.insert) touched.inserted.add(table);
      }
      // Outside a transaction the statement committed on its own.
      if (this.pending === undefined) this.signal.fire(touched);
    }
    return result;
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(compiledQuery, chunkSize);
  }
}

/**
 * Any Kysely driver, with `signal` fired after each commit that wrote something (once per
 * transaction, with every table it touched) and after each write outside a transaction. Transaction
 * control goes to the inner driver with its own connection object, which its release needs.
 */
class CommitSignalDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, NotingConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly signal: WriteSignal,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let noting = this.wrapped.get(connection);
    if (noting === undefined) this.wrapped.set(connection, (noting = new NotingConnection(connection, this.signal)));
    return noting;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const noting = connection as NotingConnection;
    await this.inner.beginTransaction(noting.inner, settings);
    noting.pending = new Touched();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const noting = connection as NotingConnection;
    const touched = noting.pending;
    await this.inner.commitTransaction(noting.inner);
    // Only once COMMIT succeeded: a failed one leaves the transaction to the rollback that follows.
    noting.pending = undefined;
    if (touched !== undefined && !touched.empty) this.signal.fire(touched);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const noting = connection as NotingConnection;
    noting.pending = undefined;
    await this.inner.rollbackTransaction(noting.inner);
  }

  async savepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.((connection as NotingConnection).inner, name, compileQuery);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    // What the savepoint undid may still be listed: a listener re-reads, so a spare signal is harmless.
    await this.inner.rollbackToSavepoint?.((connection as NotingConnection).inner, name, compileQuery);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compileQuery: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint?.((connection as NotingConnection).inner, name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const noting = connection as NotingConnection;
    noting.pending = undefined;
    return this.inner.releaseConnection(noting.inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

/** `dialect`, with `signal` fired after every committed write of this process (see WriteSignal). */
export function withCommitSignal(dialect: Dialect, signal: WriteSignal): Dialect {
  return {
    createDriver: () => new CommitSignalDriver(dialect.createDriver(), signal),
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}
