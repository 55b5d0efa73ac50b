import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH } from '../../src/admin/strictBody.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { control, expectControlError } from '../support/control.js';

/** `{ "n": { "n": … "leaf" } }` with `levels` objects. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { n: value };
  return value;
}

describe('control API bodies', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => emu.stop());

  it(`refuses a body nested deeper than ${MAX_BODY_DEPTH} levels with a Graph-shaped 400, however deep`, async () => {
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Deep', extra: nested(MAX_BODY_DEPTH) }), 400, /nested more than 32 levels deep/);
    expectControlError(await control(emu, 'POST', '/tenants', `${'['.repeat(50_000)}${']'.repeat(50_000)}`), 400, /nested more than 32 levels deep/);
    // Within the limit the schema decides.
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Deep', extra: nested(MAX_BODY_DEPTH - 2) }), 400, "Unknown property 'extra' in the request body.");
  });

  it('refuses NUL characters in body values, body keys and the query (400), and in path ids (404)', async () => {
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Nul\u0000Corp' }), 400, 'The request must not contain NUL characters.');
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Ok', ['x\u0000']: 1 }), 400, 'The request must not contain NUL characters.');
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Ok', tags: [['deep\u0000']] }), 400, 'The request must not contain NUL characters.');
    expectControlError(await control(emu, 'GET', `/tenants/${emu.demo.tenantId}/meetings?organizerId=a%00b`), 400, 'The request must not contain NUL characters.');
    expectControlError(await control(emu, 'GET', '/tenants/a%00b/users'), 404, /NUL/);
  });

  it('refuses unknown properties and values of the wrong type instead of dropping or converting them', async () => {
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 'Typo', dispalyName: 'x' }), 400, "Unknown property 'dispalyName' in the request body.");
    expectControlError(await control(emu, 'POST', '/tenants', { displayName: 42 }), 400, "Property 'displayName' must be a string.");
    expectControlError(await control(emu, 'POST', '/clock', { freeze: 'true' }), 400, "Property 'freeze' must be a boolean.");
    expectControlError(
      await control(emu, 'POST', `/tenants/${emu.demo.tenantId}/apps`, { displayName: 'A', applicationPermissions: 'User.Read.All' }),
      400,
      "Property 'applicationPermissions' must be an array.",
    );
  });

  it('still coerces query strings, which arrive as text', async () => {
    const res = await control(emu, 'GET', '/deliveries?top=5');
    expect(res.status, res.text).toBe(200);
    expectControlError(await control(emu, 'GET', '/deliveries?top=none'), 400);
  });

  it('refuses unknown query parameters on the control API (400) instead of dropping them', async () => {
    expectControlError(await control(emu, 'GET', '/deliveries?tpo=5'), 400, "Unknown query parameter 'tpo'.");
    expectControlError(await control(emu, 'GET', '/clock/timers?top=5&_=1733140000000'), 400, "Unknown query parameter '_'.");
    expectControlError(await control(emu, 'GET', `/tenants/${emu.demo.tenantId}/callRecords?skip=0&top=5&orderBy=x`), 400, "Unknown query parameter 'orderBy'.");
    // The declared ones still pass, coerced.
    const res = await control(emu, 'GET', `/tenants/${emu.demo.tenantId}/callRecords?skip=0&top=5`);
    expect(res.status, res.text).toBe(200);
  });
});
