import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * The store holds secrets at rest (the token-signing private key, client secrets, user passwords):
 * its directories are 0700 and its files 0600, as the TLS keys are (tls/certificates.ts). Modes are
 * set with chmod after creating, so the process umask (which only ever removes bits) cannot leave
 * anything looser, and a directory that is 0700 keeps whatever SQLite creates inside it unreachable.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A directory whose mode was tightened: what it was, so the caller can say so. */
export interface Tightened {
  readonly path: string;
  readonly previousMode: number;
}

/**
 * Create `dir` (and its parents) if absent; make `dir` itself 0700. An existing directory with looser
 * modes is tightened if this user owns it (chmod would fail otherwise; then it is left as it is) and
 * reported, so the caller can log it. Parents are created with the umask's modes: only the leaf holds data.
 */
export function ensurePrivateDir(dir: string): Tightened | undefined {
  const made = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX_MODES_UNSUPPORTED) return undefined;
  const info = statSync(dir);
  const mode = info.mode & 0o777;
  if (mode === PRIVATE_DIR_MODE) return undefined;
  if (made === undefined && !ownedByMe(info.uid)) return undefined;
  chmodSync(dir, PRIVATE_DIR_MODE);
  // A directory we just made only lacked bits the umask kept; that is not worth a log line.
  return made === undefined && (mode & 0o077) !== 0 ? { path: dir, previousMode: mode } : undefined;
}

/** Make an existing file 0600 (if this user owns it); a missing one is left missing. */
export function tightenFile(path: string): void {
  if (POSIX_MODES_UNSUPPORTED) return;
  let info;
  try {
    info = statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((info.mode & 0o777) !== PRIVATE_FILE_MODE && ownedByMe(info.uid)) chmodSync(path, PRIVATE_FILE_MODE);
}

/**
 * Create `path` empty with 0600 if absent, so the SQLite file starts private: SQLite creates its
 * -wal, -shm and -journal files with the database file's permissions (https://www.sqlite.org/tempfiles.html,
 * unixOpen's findCreateFileMode), and an empty file is a valid empty database.
 */
export function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_FILE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  tightenFile(path);
}

/** SQLite's own files beside the database file. */
export const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** Windows has no owner/group/other bits (chmod only sets read-only); its ACLs are left to the user. */
const POSIX_MODES_UNSUPPORTED = process.platform === 'win32';

const ownedByMe = (uid: number): boolean => typeof process.getuid !== 'function' || process.getuid() === uid;
