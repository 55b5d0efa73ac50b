import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGraphError } from '../../src/http/app.js';
import { openStore, type Store } from '../../src/store/database.js';
import { STORE, storeOptions } from '../support/emulator.js';

/** Errors raised by the real store for bad data map to 400; the store's own failures stay 500. */
describe(`store errors (${STORE})`, () => {
  let store: Store;
  beforeAll(async () => {
    const { options } = storeOptions(false);
    store =
      options.databaseUrl !== undefined
        ? await openStore({ kind: 'postgres', url: options.databaseUrl, ...(options.databaseSchema !== undefined ? { schema: options.databaseSchema } : {}) })
        : await openStore({ kind: 'sqlite', filename: ':memory:' });
  });
  afterAll(async () => {
    await store.dropSchema();
    await store.close();
  });

  const failure = async (query: ReturnType<typeof sql>): Promise<unknown> => {
    try {
      await query.execute(store.db);
    } catch (err) {
      return err;
    }
    throw new Error('the query was expected to fail');
  };

  it('a data exception (a value the column cannot hold) is a Graph-shaped 400', async () => {
    const err =
      store.kind === 'postgres'
        ? await failure(sql`select ${'not a number'}::integer`)
        : await failure(sql`insert into change_feed (seq, tenant_id, resource, change_type, resource_id, data, created_at) values (${'not a number'}, 't', 'r', 'c', 'i', '{}', 'now')`);
    const graphError = toGraphError(err);
    expect(graphError.status).toBe(400);
    expect(graphError.code).toBe('BadRequest');
  });

  it('any other store failure stays a 500 generalException', async () => {
    const err = await failure(sql`select * from no_such_table`);
    const graphError = toGraphError(err);
    expect(graphError.status).toBe(500);
    expect(graphError.code).toBe('generalException');
  });

  // A full disk cannot be had on demand from PostgreSQL (test/store/outOfSpace.test.ts fills SQLite and a
  // tmpfs for real): these are the errors' shapes as pg, node:sqlite and node:fs raise them.
  it.each([
    ['PostgreSQL disk_full (SQLSTATE 53100)', Object.assign(new Error('could not extend file "base/16384/16385": No space left on device'), { code: '53100', severity: 'ERROR' })],
    ['node:sqlite SQLITE_FULL', Object.assign(new Error('database or disk is full'), { code: 'ERR_SQLITE_ERROR', errcode: 13, errstr: 'database or disk is full' })],
    ['better-sqlite3 SQLITE_FULL', Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })],
    ['ENOSPC from the blob directory', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })],
    ['EDQUOT (a disk quota)', Object.assign(new Error('EDQUOT: disk quota exceeded, write'), { code: 'EDQUOT', syscall: 'write' })],
    ['an out-of-space error as the cause of another', new Error('stream failed', { cause: Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' }) })],
  ])('%s is a Graph 507 insufficientStorage with Retry-After, not a 500', (_name, err) => {
    const graphError = toGraphError(err);
    expect(graphError.status).toBe(507);
    expect(graphError.code).toBe('insufficientStorage');
    expect(graphError.message).toMatch(/store is out of space/);
    expect(graphError.headers).toEqual({ 'Retry-After': '60' });
  });

  it('other SQLite and file-system errors are not taken for a full disk', () => {
    for (const err of [
      Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_ERROR', errcode: 5 }),
      Object.assign(new Error('EACCES'), { code: 'EACCES' }),
      Object.assign(new Error('too many connections'), { code: '53300' }),
    ]) {
      expect(toGraphError(err).status).toBe(500);
    }
  });
});
