import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphType } from '../support/graphSchema.js';

describe('official clients against the emulator', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => emu.stop());

  it('graph-client with @azure/identity reads the demo meeting over HTTPS', async () => {
    const client = graphClient(emu);
    const meeting = (await client.api(`/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}`).get()) as Record<string, unknown>;
    expect(meeting['id']).toBe(emu.demo.meetingId);
    expect(meeting['@odata.context']).toBe(`${emu.url}/v1.0/$metadata#users('${emu.demo.organizerUserId}')/onlineMeetings/$entity`);
    expectGraphType('v1.0', 'microsoft.graph.onlineMeeting', meeting);
  });
});
