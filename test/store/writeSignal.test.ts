import { describe, expect, it } from 'vitest';
import { sql } from '../../src/store/kysely.js';
import { emptyStore } from '../../src/store/reset.js';
import type { StoreCommit } from '../../src/store/writeSignal.js';
import { withLegStore } from '../support/emulator.js';

const tenant = (id: string) => ({ id, display_name: 'Signal', domain: `${id}.example`, created_at: new Date().toISOString() });

describe('store.writes (the after-commit signal: dispatcher and dashboard)', () => {
  it('fires after this process writes, and not on reads', async () => {
    await withLegStore(async (store) => {
      let fired = 0;
      const off = store.writes.on(() => fired++);
      await store.db.selectFrom('tenants').selectAll().execute();
      expect(fired).toBe(0);
      await store.db.insertInto('tenants').values(tenant('write-signal')).execute();
      expect(fired).toBe(1);
      await store.db.transaction().execute(async (trx) => {
        await trx.updateTable('tenants').set({ display_name: 'Signal 2' }).where('id', '=', 'write-signal').execute();
      });
      expect(fired).toBe(2);
      off();
      await store.db.deleteFrom('tenants').where('id', '=', 'write-signal').execute();
      expect(fired).toBe(2);
    });
  });

  it('fires once per transaction, after COMMIT, naming the tables; a reader on another connection sees the rows', async () => {
    await withLegStore(async (store) => {
      const heard: StoreCommit[] = [];
      const seen: Array<Promise<number>> = [];
      const off = store.writes.on((commit) => {
        heard.push(commit);
        // Read at once, through the pool (another connection on PostgreSQL): the commit has landed.
        seen.push(
          store.db
            .selectFrom('tenants')
            .select('id')
            .where('id', 'in', ['commit-a', 'commit-b'])
            .execute()
            .then((rows) => rows.length),
        );
      });
      await store.db.transaction().execute(async (trx) => {
        await trx.insertInto('tenants').values(tenant('commit-a')).execute();
        await trx.insertInto('tenants').values(tenant('commit-b')).execute();
        await trx.updateTable('tenants').set({ display_name: 'B' }).where('id', '=', 'commit-b').execute();
        // Nothing is heard before the commit.
        expect(heard).toHaveLength(0);
      });
      off();
      expect(heard).toHaveLength(1);
      expect([...heard[0]!.inserted]).toEqual(['tenants']);
      expect([...heard[0]!.changed]).toEqual(['tenants']);
      expect(await Promise.all(seen)).toEqual([2]);
    });
  });

  it('fires nothing for a rolled-back transaction, a failed statement or a transaction that only read', async () => {
    await withLegStore(async (store) => {
      await store.db.insertInto('tenants').values(tenant('rollback')).execute();
      let fired = 0;
      store.writes.on(() => fired++);
      await expect(
        store.db.transaction().execute(async (trx) => {
          await trx.insertInto('tenants').values(tenant('rolled-back')).execute();
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      // A duplicate key: the statement fails, in a transaction and on its own.
      await expect(store.db.insertInto('tenants').values(tenant('rollback')).execute()).rejects.toThrow();
      await expect(store.db.transaction().execute((trx) => trx.insertInto('tenants').values(tenant('rollback')).execute())).rejects.toThrow();
      await store.db.transaction().execute((trx) => trx.selectFrom('tenants').selectAll().execute());
      expect(fired).toBe(0);
      expect(await store.db.selectFrom('tenants').select('id').where('id', '=', 'rolled-back').execute()).toEqual([]);
    });
  });

  it('names the tables of a transaction mixing a delete and a raw bulk insert', async () => {
    await withLegStore(async (store) => {
      const heard: StoreCommit[] = [];
      store.writes.on((commit) => heard.push(commit));
      await store.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('tenants').where('id', '=', 'nobody').execute();
        await store.dialect.insertMany(trx, 'tenants', [tenant('bulk')]);
      });
      expect(heard).toHaveLength(1);
      expect([...heard[0]!.inserted]).toEqual(['tenants']);
      expect([...heard[0]!.changed]).toEqual(['tenants']);
    });
  });

  it('names every table a reset empties (TRUNCATE on PostgreSQL, DELETEs on SQLite), as the reset says', async () => {
    await withLegStore(async (store) => {
      await store.db.insertInto('tenants').values(tenant('reset')).execute();
      const heard: StoreCommit[] = [];
      store.writes.on((commit) => heard.push(commit));
      await emptyStore(store);
      expect(heard).toHaveLength(1);
      const changed = heard[0]!.changed;
      expect(changed.has('*')).toBe(false);
      expect(changed.has('tenants')).toBe(true);
      expect(changed.has('notification_deliveries')).toBe(true);
      expect(heard[0]!.inserted.size).toBe(0);
    });
  });

  it('reports a raw write that names no table as "some table" (*), never a table guessed from its text', async () => {
    await withLegStore(async (store) => {
      const heard: StoreCommit[] = [];
      store.writes.on((commit) => heard.push(commit));
      const row = tenant('raw');
      await sql`insert into tenants (id, display_name, domain, created_at) values (${row.id}, ${row.display_name}, ${row.domain}, ${row.created_at})`.execute(store.db);
      expect(heard).toHaveLength(1);
      expect([...heard[0]!.changed]).toEqual(['*']);
      expect([...heard[0]!.inserted]).toEqual(['*']);
    });
  });
});
