import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateTokenCodec, type StateTokenCodec } from '../../src/domain/stateTokens.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphFailure, graph, mintToken } from '../graph/support/http.js';

/** The one state-token codec (domain/stateTokens.ts): delta/skip tokens and call-record page tokens. */
describe('state-token codec', () => {
  let emu: TestEmulator;
  let codec: StateTokenCodec;
  let token: string;

  beforeAll(async () => {
    emu = await startTestEmulator();
    codec = stateTokenCodec(emu.internals.services.store.db);
    token = await mintToken(emu);
  });
  afterAll(async () => emu.stop());

  it('is one codec per store, with one key in state_token_keys', async () => {
    expect(stateTokenCodec(emu.internals.services.store.db)).toBe(codec);
    const signed = await codec.encode('callRecordPage', { a: 1 }, { generational: false });
    expect(await codec.verify('callRecordPage', signed)).toEqual({ ok: true, value: { a: 1 } });
    const keys = await emu.internals.services.store.db.selectFrom('state_token_keys').select('id').execute();
    expect(keys).toEqual([{ id: 'current' }]);
  });

  it.each([
    ['no dot', 'abc'],
    ['three parts', 'a.b.c'],
    ['an empty payload', '.abc'],
    ['an oversized token', `${'a'.repeat(9_000)}.b`],
  ])('calls a token with %s tampered', async (_, bad) => {
    expect(await codec.verify('delta', bad)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('calls an altered signature or payload tampered, and a payload that is not an envelope', async () => {
    const signed = await codec.encode('delta', { x: 1 }, { generational: true });
    const [payload, signature] = signed.split('.') as [string, string];
    const altered = `${signature.slice(0, 5)}${signature[5] === 'A' ? 'B' : 'A'}${signature.slice(6)}`;
    expect(await codec.verify('delta', `${payload}.${altered}`)).toEqual({ ok: false, reason: 'tampered' });
    const otherPayload = Buffer.from(JSON.stringify({ u: 'delta', b: { x: 2 } })).toString('base64url');
    expect(await codec.verify('delta', `${otherPayload}.${signature}`)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('refuses a token made for another purpose', async () => {
    const page = await codec.encode('callRecordPage', { k: 'sessions' }, { generational: false });
    expect(await codec.verify('delta', page)).toEqual({ ok: false, reason: 'tampered' });
    const delta = await codec.encode('delta', { q: {} }, { generational: true });
    expect(await codec.verify('callRecordPage', delta)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('a delta token whose body is not a token state is tampered, even signed', async () => {
    const signed = await codec.encode('delta', { q: 'not a query', p: 1, d: 0, t: 1 }, { generational: true });
    expect(await emu.internals.services.deltaTokens.verify(signed)).toEqual({ ok: false, reason: 'tampered' });
  });

  it('over HTTP: a call-record page token is not a recordings skip token, nor a delta token a call-record one (400)', async () => {
    const page = await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/sessions`, token, { headers: { prefer: 'odata.maxpagesize=2' } });
    const pageToken = new URL(String(page.body['@odata.nextLink'])).searchParams.get('$skiptoken')!;
    const base = `/v1.0/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}/recordings`;
    expectGraphFailure(await graph(emu, `${base}?$skiptoken=${encodeURIComponent(pageToken)}`, token), 'v1.0', 400, 'BadRequest');
    const delta = await emu.internals.services.deltaTokens.sign({ query: {}, position: 0, delta: false, issuedAtMs: Date.now() });
    expectGraphFailure(
      await graph(emu, `/v1.0/communications/callRecords/${emu.demo.callRecordId}/sessions?$skiptoken=${encodeURIComponent(delta)}`, token),
      'v1.0',
      400,
      'BadRequest',
      'The $skiptoken is invalid or has expired.',
    );
  });

  it('a generational token from before a reset is stale; a page token is not (run last: it empties the store)', async () => {
    const delta = await codec.encode('delta', { x: 1 }, { generational: true });
    const page = await codec.encode('callRecordPage', { x: 1 }, { generational: false });
    expect((await fetch(`${emu.url}/_emulator/reset`, { method: 'POST', headers: { 'x-emulator-client': 'tests' } })).status).toBe(200);
    expect(await codec.verify('delta', delta)).toEqual({ ok: false, reason: 'stale' });
    expect(await codec.verify('callRecordPage', page)).toEqual({ ok: true, value: { x: 1 } });
    const after = await codec.encode('delta', { x: 2 }, { generational: true });
    expect(await codec.verify('delta', after)).toEqual({ ok: true, value: { x: 2 } });
  });
});
