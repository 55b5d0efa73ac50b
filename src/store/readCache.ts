/**
 * Results of hot reads (a request's user, meeting, access-policy decision), kept until the data may
 * have changed. Every entry is dropped when:
 * - this process writes anything (the store's driver calls `invalidate()` after every statement
 *   that can change data, and when a transaction ends), or
 * - another connection committed a change to the same database (`externalVersion`, SQLite's
 *   `PRAGMA data_version`, checked on every read: another emulator process or instance on the file).
 * So a revoked permission or a deleted meeting is seen by the very next request, as without the
 * cache. A store that cannot tell when another instance wrote (PostgreSQL, where several
 * instances may share a database) gets a disabled cache: every read goes to the database.
 *
 * Values are deep-frozen: callers share them, and a mutation fails loudly instead of leaking.
 */
export class ReadCache {
  private readonly entries = new Map<string, unknown>();
  /** Reads made ahead of the request that will want them, each for one taker (keepOnce). */
  private readonly once = new Map<string, Promise<unknown>>();
  private generation = 0;
  private seenVersion: number | undefined;
  private checkedThisTurn = false;

  constructor(
    private readonly externalVersion: (() => number) | undefined,
    private readonly limit = 10_000,
    private readonly onceLimit = 8,
  ) {}

  /** A cache that never keeps anything. */
  static disabled(): ReadCache {
    return new DisabledReadCache(undefined);
  }

  get enabled(): boolean {
    return true;
  }

  /** The data may have changed: forget everything. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.once.clear();
  }

  /**
   * Start `load` and keep its result for one takeOnce(key): a read made ahead of the request that
   * will want it (graph/artifacts/pageReadAhead.ts). Not frozen (the one taker may write into it);
   * forgotten with everything else when the data may have changed, and the oldest once `onceLimit`
   * are kept. A load that fails is kept as undefined (the taker reads for itself).
   */
  keepOnce(key: string, load: () => Promise<unknown>): void {
    this.checkExternal();
    if (this.once.has(key)) return;
    if (this.once.size >= this.onceLimit) this.once.delete(this.once.keys().next().value!);
    this.once.set(
      key,
      load().catch(() => undefined),
    );
  }

  /** Whether keepOnce(key) is kept (and not yet taken). */
  keepsOnce(key: string): boolean {
    this.checkExternal();
    return this.once.has(key);
  }

  /**
   * What keepOnce(key) read, once: undefined if nothing is kept, or the data may have changed since
   * it began (any write of this process, or another's commit seen since, forgot it).
   */
  takeOnce<T>(key: string): Promise<T | undefined> | undefined {
    this.checkExternal();
    const kept = this.once.get(key);
    this.once.delete(key);
    return kept as Promise<T | undefined> | undefined;
  }

  /** The value kept under `key`, or `load()`'s (kept unless the data changed while it ran). */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    this.checkExternal();
    const kept = this.entries.get(key);
    if (kept !== undefined || this.entries.has(key)) return kept as T;
    const generation = this.generation;
    const value = deepFreeze(await load());
    // The load may have spanned turns (and another process's commit): look again before keeping it.
    this.checkExternal();
    if (generation === this.generation) {
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, value);
    }
    return value;
  }

  /**
   * Once per turn of the event loop is enough, and keeps the cost to one look per batch of requests:
   * every request handled in this turn arrived before the turn began, so a commit it could know of
   * (one that happened before it was sent) happened before this check.
   */
  private checkExternal(): void {
    if (this.externalVersion === undefined || this.checkedThisTurn) return;
    this.checkedThisTurn = true;
    setImmediate(() => (this.checkedThisTurn = false));
    const version = this.externalVersion();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      this.invalidate();
    }
  }
}

class DisabledReadCache extends ReadCache {
  override get enabled(): boolean {
    return false;
  }

  override async get<T>(_key: string, load: () => Promise<T>): Promise<T> {
    return load();
  }

  override keepOnce(): void {}

  override keepsOnce(): boolean {
    return false;
  }

  override takeOnce(): undefined {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map || value instanceof Set) return value; // not expected in domain objects; left as is
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
