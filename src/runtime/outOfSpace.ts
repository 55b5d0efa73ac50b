/**
 * A store that ran out of space: the one place that recognises it, whichever part failed (SQLite,
 * PostgreSQL, the blob directory), and the state `/_emulator/health` reports until a write succeeds.
 */

/** SQLite's primary result code SQLITE_FULL (https://www.sqlite.org/rescode.html#full). */
const SQLITE_FULL = 13;

/**
 * Whether `err` says the disk (or a quota, or SQLite's max_page_count) is full: SQLite's SQLITE_FULL
 * (better-sqlite3 names the code; node:sqlite gives ERR_SQLITE_ERROR with the extended result code,
 * whose low byte is the primary one), PostgreSQL's SQLSTATE 53100 disk_full
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html), and the file system's ENOSPC / EDQUOT.
 */
export function isOutOfSpace(err: unknown): boolean {
  for (let current = err, depth = 0; current !== null && typeof current === 'object' && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const { code, errcode } = current as { code?: unknown; errcode?: unknown };
    if (code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC' || code === 'EDQUOT') return true;
    if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && (errcode & 0xff) === SQLITE_FULL) return true;
  }
  return false;
}

export interface SpaceState {
  readonly status: 'ok' | 'degraded';
  /** Why it is degraded, and since when (ISO 8601, wall-clock time). */
  readonly reason?: string;
  readonly since?: string;
}

/**
 * Out of space since the last failed write, until the next write that succeeds: nothing polls the
 * disk, so space coming back shows at the first write that gets through.
 */
export class SpaceMonitor {
  private degradedSince: Date | undefined;
  private detail = '';

  /** Note a failure; true if it was the store running out of space. */
  noteFailure(err: unknown): boolean {
    if (!isOutOfSpace(err)) return false;
    this.degradedSince ??= new Date();
    this.detail = err instanceof Error ? err.message : String(err);
    return true;
  }

  /** A write went through: there is space again. */
  noteWrite(): void {
    this.degradedSince = undefined;
  }

  get outOfSpace(): boolean {
    return this.degradedSince !== undefined;
  }

  state(): SpaceState {
    if (this.degradedSince === undefined) return { status: 'ok' };
    return { status: 'degraded', reason: `the store is out of space; writes fail until space is freed (${this.detail})`, since: this.degradedSince.toISOString() };
  }
}
