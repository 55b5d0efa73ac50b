import { openStore, type Store, type StoreOptions } from './database.js';

/** Thrown by the write probe and caught right there: it only rolls the probe back. */
const ROLLBACK = Symbol('rollback');

/**
 * openStore, then prove the store takes writes. A read-only SQLite file (or a read-only PostgreSQL
 * role) opens and reads fine, so without the probe the emulator would say it is ready and then fail
 * every background write (the notification dispatcher polls several times a second). Errors name the
 * SQLite file: SQLite's own messages ("attempt to write a readonly database") do not.
 */
export async function openWritableStore(options: StoreOptions): Promise<Store> {
  let store: Store;
  try {
    store = await openStore(options);
  } catch (err) {
    throw describe(options, err, 'cannot be opened');
  }
  try {
    await store.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .insertInto('settings')
          .values({ key: 'write-probe', value: '' })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        throw ROLLBACK;
      })
      .catch((err: unknown) => {
        if (err !== ROLLBACK) throw err;
      });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw describe(options, err, 'is read-only');
  }
  return store;
}

function describe(options: StoreOptions, err: unknown, what: 'cannot be opened' | 'is read-only'): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (options.kind === 'postgres') return what === 'is read-only' ? new Error(`the PostgreSQL store is read-only: ${message}`, { cause: err }) : asError(err);
  if (options.filename === ':memory:') return asError(err);
  const hint = /readonly|read-only|permission|EACCES|EROFS/i.test(message) ? ' (the file and its directory must be writable by this user)' : '';
  return new Error(`SQLite store ${options.filename} ${what}: ${message}${hint}`, { cause: err });
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
