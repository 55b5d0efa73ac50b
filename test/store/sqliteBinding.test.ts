import { describe, expect, it } from 'vitest';
import { storeDataError } from '../../src/http/errors.js';
import { openSqliteHandle, withoutSqliteExperimentalWarning, type SqliteLoaders } from '../../src/store/sqliteBinding.js';

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
/** node:sqlite with StatementSync#columns: Node 22.16+, 23.11+, 24+. */
const expectedLibrary = major > 22 || (major === 22 && minor >= 16) ? 'node:sqlite' : 'better-sqlite3';

describe('the SQLite library under the store', () => {
  it(`is ${expectedLibrary} on Node ${process.versions.node}`, async () => {
    const db = await openSqliteHandle(':memory:');
    try {
      expect(db.library).toBe(expectedLibrary);
    } finally {
      db.close();
    }
  });

  it('says the same of each statement either way: rows or not, read-only or not, changes and row ids', async () => {
    const db = await openSqliteHandle(':memory:');
    try {
      db.exec('create table t (id integer primary key, name text)');
      const insert = db.prepare('insert into t (name) values (?)');
      expect([insert.reader, insert.readonly]).toEqual([false, false]);
      const result = insert.run(['a']);
      expect([BigInt(result.changes), BigInt(result.lastInsertRowid)]).toEqual([1n, 1n]);

      const returning = db.prepare('insert into t (name) values (?) returning id');
      expect([returning.reader, returning.readonly]).toEqual([true, false]);
      expect(returning.all(['b'])).toEqual([{ id: 2 }]);

      const select = db.prepare('select id, name from t where id > ? order by id');
      expect([select.reader, select.readonly]).toEqual([true, true]);
      expect(select.all([0])).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]);
      expect([...select.iterate([1])]).toEqual([{ id: 2, name: 'b' }]);

      expect(typeof db.dataVersion()).toBe('number');
    } finally {
      db.close();
    }
  });

  it('fails with a clear message when neither node:sqlite nor better-sqlite3 can be loaded', async () => {
    const loaders: SqliteLoaders = {
      nodeSqlite: async () => undefined,
      betterSqlite3: async () => {
        throw new Error('The module was compiled against a different Node.js version');
      },
    };
    const failure = openSqliteHandle(':memory:', loaders);
    await expect(failure).rejects.toThrow(/^no SQLite library: Node\.js v[\d.]+ has no usable node:sqlite .*better-sqlite3 .*could not be loaded: The module was compiled/);
    await expect(failure).rejects.toThrow(/--database-url/);
  });

  it("keeps node:sqlite's experimental-feature warning quiet, and only that one, while loading it", async () => {
    const seen: string[] = [];
    const original = process.emitWarning;
    const recorder = ((warning: string | Error): void => void seen.push(typeof warning === 'string' ? warning : warning.message)) as typeof process.emitWarning;
    process.emitWarning = recorder; // stands for Node's printing, so that nothing is printed here
    try {
      await withoutSqliteExperimentalWarning(async () => {
        process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');
        process.emitWarning('something else', 'ExperimentalWarning');
      });
      expect(seen).toEqual(['something else']);
      expect(process.emitWarning).toBe(recorder);
    } finally {
      process.emitWarning = original;
    }
  });

  it("maps node:sqlite's data errors (extended result codes) to a 400 as better-sqlite3's", () => {
    const nodeSqlite = (errcode: number): unknown => Object.assign(new Error('x'), { code: 'ERR_SQLITE_ERROR', errcode });
    expect(storeDataError(nodeSqlite(20))?.status).toBe(400); // SQLITE_MISMATCH
    expect(storeDataError(nodeSqlite(18))?.status).toBe(400); // SQLITE_TOOBIG
    expect(storeDataError(nodeSqlite(25))?.status).toBe(400); // SQLITE_RANGE
    expect(storeDataError(nodeSqlite(1))).toBeUndefined(); // SQLITE_ERROR: ours, a 500
    expect(storeDataError(nodeSqlite(3091))).toBeUndefined(); // SQLITE_CONSTRAINT_DATATYPE
    expect(storeDataError(Object.assign(new Error('x'), { code: 'SQLITE_MISMATCH' }))?.status).toBe(400);
  });
});
