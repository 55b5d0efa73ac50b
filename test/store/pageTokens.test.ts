import { describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator.js';
import { storeOptions, tlsDir } from '../support/emulator.js';
import { control, expectGraphFailure, graph, mintToken } from '../graph/support/http.js';

/**
 * Call-record `$skiptoken`s are signed with a key kept in the store (README, "Modelling decisions"):
 * a token stays good across restarts and instances, also after POST /_emulator/reset. A token whose
 * record a reset removed is answered as Graph answers an unknown record (404), never as a forged
 * token (400).
 */

function sharedStore(): { options: EmulatorOptions; cleanup: () => void } {
  const { options, cleanup } = storeOptions(true);
  return { options: { port: 0, tlsDir: tlsDir(), ...options }, cleanup };
}

const skipTokenOf = (link: unknown): string => {
  const token = new URL(String(link)).searchParams.get('$skiptoken');
  if (token === null) throw new Error(`no $skiptoken in ${String(link)}`);
  return token;
};

/** The demo record's second page of sessions (two a page), and the token for it. */
async function demoSessionsToken(emu: Emulator, token: string): Promise<string> {
  const res = await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/sessions`, token, { headers: { prefer: 'odata.maxpagesize=2' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return skipTokenOf(res.body['@odata.nextLink']);
}

/** A record of 150 sessions and the token for its second page. */
async function bigRecordToken(emu: Emulator, token: string): Promise<{ id: string; skip: string }> {
  const call = await control<{ id: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/calls`, { meetingId: emu.demo.meetingId });
  const record = await control<{ id: string }>(emu, 'POST', `/calls/${call.id}/callRecord`, { sessionCount: 150 });
  const res = await graph(emu, `/v1.0/communications/callRecords/${record.id}?$expand=sessions`, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { id: record.id, skip: skipTokenOf(res.body['sessions@odata.nextLink']) };
}

const followSessions = (emu: Emulator, recordId: string, skip: string, token: string) =>
  graph(emu, `/v1.0/communications/callRecords/${recordId}/sessions?$skiptoken=${encodeURIComponent(skip)}`, token);

async function expectPage(emu: Emulator, recordId: string, skip: string, token: string, size: number): Promise<void> {
  const res = await followSessions(emu, recordId, skip, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body['value']).toHaveLength(size);
}

describe('call-record page tokens and a store reset', () => {
  it('a restarted emulator honours tokens issued before and after a reset; a removed record is a 404', async () => {
    const { options, cleanup } = sharedStore();
    let emu = await createEmulator(options);
    try {
      const token = await mintToken(emu);
      const demoBefore = await demoSessionsToken(emu, token);
      const big = await bigRecordToken(emu, token);
      expect((await fetch(`${emu.url}/_emulator/reset`, { method: 'POST', headers: { 'x-emulator-client': 'tests' } })).status).toBe(200);
      const demoAfter = await demoSessionsToken(emu, token);

      await emu.close();
      emu = await createEmulator(options);

      // The demo record is made again with the same id: its tokens still page it.
      await expectPage(emu, emu.demo.callRecordId, demoBefore, token, 2);
      await expectPage(emu, emu.demo.callRecordId, demoAfter, token, 2);
      // The big record went with the reset: Graph's answer for an unknown record.
      expectGraphFailure(await followSessions(emu, big.id, big.skip, token), 'v1.0', 404, 'NotFound');
      // A token the restarted emulator issues works too.
      const fresh = await bigRecordToken(emu, token);
      await expectPage(emu, fresh.id, fresh.skip, token, 60);
    } finally {
      await emu.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });

  it('instances sharing a store honour each other’s tokens after one of them reset it', async () => {
    const { options, cleanup } = sharedStore();
    const a = await createEmulator(options);
    const b = await createEmulator(options);
    let c: Emulator | undefined;
    try {
      const token = await mintToken(a);
      const before = await demoSessionsToken(a, token);
      await expectPage(b, b.demo.callRecordId, before, token, 2);
      expect((await fetch(`${a.url}/_emulator/reset`, { method: 'POST', headers: { 'x-emulator-client': 'tests' } })).status).toBe(200);

      const fromA = await bigRecordToken(a, token);
      c = await createEmulator(options);
      const fromC = await bigRecordToken(c, token);
      for (const emu of [a, b, c]) {
        await expectPage(emu, emu.demo.callRecordId, before, token, 2);
        await expectPage(emu, fromA.id, fromA.skip, token, 60);
        await expectPage(emu, fromC.id, fromC.skip, token, 60);
      }
    } finally {
      await c?.close();
      await b.close();
      await a.close({ dropDatabaseSchema: true });
      cleanup();
    }
  });
});
