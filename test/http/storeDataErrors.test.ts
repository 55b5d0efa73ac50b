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
});
