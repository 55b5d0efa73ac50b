import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { openStore } from '../../src/store/database.js';
import { storeOptions } from '../support/emulator.js';

/**
 * StoreDialect.insertMany (bulk seeding's writer, without the query builder): rows land as given,
 * split into statements under the database's bound-parameter limit (SQLite 32,766, PostgreSQL 65,535),
 * and `returning` gives every inserted row's value.
 */
describe('StoreDialect.insertMany', () => {
  it('inserts 10,000 feed rows over several statements, values verbatim, and returns every seq', async () => {
    const { options, cleanup } = storeOptions();
    const store = await openStore(resolveConfig(options, { port: 0, inMemory: true }).store);
    try {
      // Nine columns: 90,000 values, more than either database binds in one statement.
      const rows = Array.from({ length: 10_000 }, (_, i) => ({
        tenant_id: `tenant-${i % 3}`,
        resource: 'recording',
        change_type: 'created',
        resource_id: i % 2 === 0 ? `it's "quoted" \\ ü 🎙 ${i}` : '',
        organizer_id: i % 5 === 0 ? null : `organizer-${i}`,
        meeting_id: null,
        call_id: `call-${i}`,
        data: i % 7 === 0 ? JSON.stringify({ n: i, text: 'a,b);--' }) : '',
        created_at: new Date(Date.UTC(2025, 0, 1) + i * 1_000).toISOString(),
      }));
      const returned = await store.db.transaction().execute((trx) => store.dialect.insertMany(trx, 'change_feed', rows, 'seq'));
      expect(returned.length).toBeGreaterThan(1);
      const seqs = returned.flat().map(Number);
      expect(seqs).toHaveLength(rows.length);
      expect(new Set(seqs).size).toBe(rows.length);

      const stored = await store.db.selectFrom('change_feed').selectAll().orderBy('seq').execute();
      expect(stored.map((r) => Number(r.seq)).sort((a, b) => a - b)).toEqual([...seqs].sort((a, b) => a - b));
      // Statements run in row order and the feed's seq grows: the n-th row by seq is the n-th row given.
      expect(stored.map(({ seq: _seq, ...rest }) => rest)).toEqual(rows);
    } finally {
      await store.dropSchema();
      await store.close();
      cleanup();
    }
  });

  it('does nothing for no rows', async () => {
    const { options, cleanup } = storeOptions();
    const store = await openStore(resolveConfig(options, { port: 0, inMemory: true }).store);
    try {
      expect(await store.dialect.insertMany(store.db, 'change_feed', [], 'seq')).toEqual([]);
      expect(await store.db.selectFrom('change_feed').select('seq').execute()).toEqual([]);
    } finally {
      await store.dropSchema();
      await store.close();
      cleanup();
    }
  });

  it('inserts nothing of a statement that fails (a duplicate key), and says so', async () => {
    const { options, cleanup } = storeOptions();
    const store = await openStore(resolveConfig(options, { port: 0, inMemory: true }).store);
    try {
      const before = await store.db.selectFrom('signing_keys').select('kid').execute();
      const row = { kid: 'bulk-test-key', private_jwk: '{}', public_jwk: '{}', created_at: '2025-01-01T00:00:00.000Z' };
      const attempt = store.db.transaction().execute((trx) => store.dialect.insertMany(trx, 'signing_keys', [row, { ...row }]));
      await expect(attempt).rejects.toThrow(/unique|duplicate/i);
      expect(await store.db.selectFrom('signing_keys').select('kid').execute()).toEqual(before);
      // The same row once goes in.
      await store.dialect.insertMany(store.db, 'signing_keys', [row]);
      expect(await store.db.selectFrom('signing_keys').selectAll().where('kid', '=', row.kid).execute()).toEqual([row]);
    } finally {
      await store.dropSchema();
      await store.close();
      cleanup();
    }
  });
});
