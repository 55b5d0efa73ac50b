import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator.js';
import { appToken, graphClient, graphFetch } from '../support/clients.js';
import { newSchemaName, STORE, storeOptions, tlsDir } from '../support/emulator.js';
import { control, obj, value } from '../support/control.js';

const DAY = 86_400_000;

/** Options for a store two emulators (or one, twice) can open: a SQLite data dir or a PostgreSQL schema. */
function sharedStore(): { options: EmulatorOptions; cleanup: () => void } {
  const { options, cleanup } = storeOptions(true);
  return { options: { port: 0, tlsDir: tlsDir(), ...options }, cleanup };
}

/** Everything the control API lists for a tenant's directory, to compare before and after a restart. */
async function directory(emu: Emulator, t: string): Promise<Record<string, unknown[]>> {
  return {
    tenants: value(await control(emu, 'GET', '/tenants')),
    users: value(await control(emu, 'GET', `/tenants/${t}/users`)),
    apps: value(await control(emu, 'GET', `/tenants/${t}/apps`)),
    policies: value(await control(emu, 'GET', `/tenants/${t}/accessPolicies`)),
    meetings: value(await control(emu, 'GET', `/tenants/${t}/meetings`)),
    installations: value(await control(emu, 'GET', `/tenants/${t}/teamsAppInstallations`)),
  };
}

async function jwksKids(emu: Emulator): Promise<string[]> {
  const res = await fetch(`${emu.url}/${emu.demo.tenantId}/discovery/v2.0/keys`);
  return ((await res.json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid).sort();
}

describe('a restart on the same store', () => {
  it('keeps tenants, users, apps, policies, meetings, installations, the clock and the signing key', async () => {
    const { options, cleanup } = sharedStore();
    let emu = await createEmulator(options);
    try {
      const tenant = obj(await control(emu, 'POST', '/tenants', { displayName: 'Persisted' }));
      const t = String(tenant['id']);
      const user = obj(await control(emu, 'POST', `/tenants/${t}/users`, { userPrincipalName: 'kept@persisted.example', displayName: 'Kept' }));
      const app = obj(await control(emu, 'POST', `/tenants/${t}/apps`, { displayName: 'Kept app', clientSecret: 'kept-secret', applicationPermissions: ['User.Read.All', 'OnlineMeetings.Read.All'] }));
      const policy = obj(await control(emu, 'POST', `/tenants/${t}/accessPolicies`, { name: 'Kept policy', appIds: [String(app['clientId'])], userIds: [String(user['id'])] }));
      const meeting = obj(await control(emu, 'POST', `/tenants/${t}/meetings`, { organizerId: String(user['id']), subject: 'Kept meeting' }));
      const installation = obj(
        await control(emu, 'POST', `/tenants/${t}/teamsAppInstallations`, {
          meetingId: String(meeting['id']),
          clientId: String(app['clientId']),
          rscPermissions: ['OnlineMeetingTranscript.Read.Chat'],
        }),
      );
      expect((await control(emu, 'POST', '/clock', { advance: 'P30D' })).status).toBe(200);
      const tokenBefore = await appToken(emu, String(app['clientId']), 'kept-secret', t);
      const demoTokenBefore = await appToken(emu);
      const kidsBefore = await jwksKids(emu);
      const before = await directory(emu, t);
      expect(before.policies).toEqual([policy]);
      expect(before.installations).toEqual([installation]);

      await emu.close();
      emu = await createEmulator(options);

      expect(await directory(emu, t)).toEqual(before);
      const clock = obj(await control(emu, 'GET', '/clock'));
      expect(Math.abs(Number(clock['offsetMs']) - 30 * DAY)).toBeLessThan(5_000);
      expect(await jwksKids(emu)).toEqual(kidsBefore);

      // Tokens issued before the restart still work, for the new app and the demo app alike.
      const userRes = await graphFetch(emu, `/v1.0/users/${String(user['id'])}`, tokenBefore);
      expect(userRes.status).toBe(200);
      expect(((await userRes.json()) as { displayName: string }).displayName).toBe('Kept');
      const meetingRes = await graphFetch(emu, `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}`, demoTokenBefore);
      expect(meetingRes.status).toBe(200);
    } finally {
      await emu.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });

  it('does not seed the demo tenant twice, nor bring back what was deleted from it', async () => {
    const { options, cleanup } = sharedStore();
    let emu = await createEmulator(options);
    try {
      const t = emu.demo.tenantId;
      expect((await control(emu, 'DELETE', `/tenants/${t}/users/${emu.demo.users[4]!.id}`)).status).toBe(204);
      const meetings = value(await control(emu, 'GET', `/tenants/${t}/meetings`));
      await emu.close();
      emu = await createEmulator(options);
      expect(value(await control(emu, 'GET', `/tenants/${t}/users`))).toHaveLength(4);
      expect(value(await control(emu, 'GET', `/tenants/${t}/meetings`))).toEqual(meetings);
    } finally {
      await emu.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });
});

describe('two emulators on one store', () => {
  it('start together without migration or seeding errors, and share data, tokens and keys', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { options, cleanup } = sharedStore();
      const [a, b] = await Promise.all([createEmulator(options), createEmulator(options)]);
      try {
        expect(a.port).not.toBe(b.port);
        expect(value(await control(a, 'GET', '/tenants'))).toEqual(value(await control(b, 'GET', '/tenants')));
        expect(value(await control(a, 'GET', `/tenants/${a.demo.tenantId}/users`))).toHaveLength(5);
        expect(value(await control(b, 'GET', `/tenants/${b.demo.tenantId}/meetings`))).toHaveLength(3);

        const made = obj(await control(a, 'POST', '/tenants', { displayName: `Shared ${round}` }));
        expect(value<{ id: string }>(await control(b, 'GET', '/tenants')).map((x) => x.id)).toContain(made['id']);
        expect((await control(b, 'POST', '/tenants', { id: String(made['id']), displayName: 'Again' })).status).toBe(409);

        // A token one instance issued is good at the other (the key is in the store).
        const token = await appToken(a);
        const res = await graphFetch(b, `/v1.0/users/${b.demo.organizerUserId}`, token);
        expect(res.status).toBe(200);
        const viaClient = (await graphClient(a).api(`/users/${a.demo.organizerUserId}`).get()) as { id: string };
        expect(viaClient.id).toBe(a.demo.organizerUserId);
      } finally {
        await a.close();
        await b.close({ dropDatabaseSchema: true });
        cleanup();
      }
    }
  });
});

describe.runIf(STORE === 'postgres')('PostgreSQL schemas', () => {
  it('each schema gets its own migration tables, even when other schemas of the database have them', async () => {
    const url = process.env['TEST_DATABASE_URL']!;
    const schemas = [newSchemaName(), newSchemaName()];
    const [first, second] = await Promise.all(schemas.map((databaseSchema) => createEmulator({ port: 0, tlsDir: tlsDir(), databaseUrl: url, databaseSchema })));
    try {
      await control(first!, 'POST', '/tenants', { displayName: 'Only in the first' });
      expect(value(await control(second!, 'GET', '/tenants'))).toHaveLength(1);
      expect(value(await control(first!, 'GET', '/tenants'))).toHaveLength(2);
    } finally {
      await first!.close({ dropDatabaseSchema: true });
      await second!.close({ dropDatabaseSchema: true });
    }
  });

  it('a column a migration adds lands in each schema, even when another schema of the database has it already', async () => {
    // The introspection behind an idempotent migration lists every schema: 011 once found another
    // schema's subscriptions.link_root, skipped its own, and subscription creation there answered 500.
    const url = process.env['TEST_DATABASE_URL']!;
    const schemas = [newSchemaName(), newSchemaName()];
    const first = await createEmulator({ port: 0, tlsDir: tlsDir(), databaseUrl: url, databaseSchema: schemas[0] });
    const second = await createEmulator({ port: 0, tlsDir: tlsDir(), databaseUrl: url, databaseSchema: schemas[1] });
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ table_schema: string }>(
        "SELECT table_schema FROM information_schema.columns WHERE table_name = 'subscriptions' AND column_name = 'link_root' AND table_schema = ANY($1)",
        [schemas],
      );
      expect(rows.map((r) => r.table_schema).sort()).toEqual([...schemas].sort());
    } finally {
      await client.end();
      await first.close({ dropDatabaseSchema: true });
      await second.close({ dropDatabaseSchema: true });
    }
  });
});

describe.runIf(STORE === 'sqlite')('SQLite files', () => {
  it('a data dir holds the store file and survives the process’s emulator closing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gce-store-'));
    try {
      const first = await createEmulator({ port: 0, dataDir: dir, tlsDir: tlsDir() });
      expect(first.config.store).toEqual({ kind: 'sqlite', filename: join(dir, 'emulator.sqlite') });
      await control(first, 'POST', '/tenants', { displayName: 'On disk' });
      await first.close();
      const second = await createEmulator({ port: 0, dataDir: dir, tlsDir: tlsDir() });
      expect(value<{ displayName: string }>(await control(second, 'GET', '/tenants')).map((x) => x.displayName)).toContain('On disk');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
