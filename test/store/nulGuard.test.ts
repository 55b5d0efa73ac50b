import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/runtime/errors.js';
import { appToken, graphFetch } from '../support/clients.js';
import { startTestEmulator, storeOptions, type TestEmulator } from '../support/emulator.js';
import { sql } from 'kysely';
import { resolveConfig } from '../../src/config.js';
import { openStore } from '../../src/store/database.js';
import { expectGraphError } from '../support/graphSchema.js';

let emu: TestEmulator;
let token: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  token = await appToken(emu);
});
afterAll(async () => emu.stop());

describe('a NUL character in a value (PostgreSQL cannot hold one)', () => {
  it('is refused by the store as invalid, before the database sees it', async () => {
    const { options, cleanup } = storeOptions();
    const store = await openStore(resolveConfig(options, { port: 0, inMemory: true }).store);
    try {
      await expect(store.db.selectFrom('users').selectAll().where('id', '=', 'a\u0000b').execute()).rejects.toBeInstanceOf(DomainError);
      await expect(store.db.selectFrom('users').selectAll().where('id', 'in', ['ok', 'a\u0000b']).execute()).rejects.toThrow(/NUL/);
      await expect(sql`select ${'x\u0000'} as v`.execute(store.db)).rejects.toThrow(/NUL/);
      expect(await store.db.selectFrom('users').select('id').where('id', '=', 'no-such-user').execute()).toEqual([]);
    } finally {
      await store.dropSchema();
      await store.close();
      cleanup();
    }
  });

  it.each([
    ['a Graph key', () => '/v1.0/users/%00'],
    ['a nested Graph key', (e: TestEmulator) => `/v1.0/users/${e.demo.organizerUserId}/onlineMeetings/%00`],
    ['a $filter literal', (e: TestEmulator) => `/v1.0/users/${e.demo.organizerUserId}/onlineMeetings?$filter=${encodeURIComponent("joinWebUrl eq '\u0000'")}`],
  ])('in %s is a Graph 400, not a 500', async (_where, path) => {
    const res = await graphFetch(emu, path(emu), token);
    expect(res.status).toBe(400);
    expectGraphError('v1.0', await res.json());
  });

  it('at the token endpoint is a 400, not a 500', async () => {
    const res = await fetch(`${emu.url}/${emu.demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'x\u0000', client_secret: 'y', scope: 'https://graph.microsoft.com/.default' }),
    });
    expect(res.status).toBeLessThan(500);
  });
});
