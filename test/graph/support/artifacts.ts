import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Emulator } from '../../../src/emulator.js';
import type { Meeting } from '../../../src/domain/meetings.js';
import type { SimulationResult } from '../../../src/simulation/meetingScenario.js';
import { control } from './http.js';

/** What the control API's simulate calls return. */
export type Simulation = SimulationResult;

/** A meeting as the control API answers it. */
export type ControlMeeting = Meeting;

/** One of the demo tenant's users (Adele, Megan, Alex, Lee, Nestor). */
export type DemoUser = Emulator['demo']['users'][number];

/** The demo user whose user principal name starts with `upn` (e.g. 'adele'). */
export function demoUser(emu: Emulator, upn: string): DemoUser {
  const user = emu.demo.users.find((u) => u.userPrincipalName.startsWith(upn));
  if (user === undefined) throw new Error(`no demo user '${upn}'`);
  return user;
}

export const simulate = (emu: Emulator, meetingId: string, body: Record<string, unknown> = {}): Promise<Simulation> =>
  control<Simulation>(emu, 'POST', `/meetings/${encodeURIComponent(meetingId)}/simulate`, body);

export const newMeeting = (emu: Emulator, body: Record<string, unknown>): Promise<ControlMeeting> => control<ControlMeeting>(emu, 'POST', `/tenants/${emu.demo.tenantId}/meetings`, body);

export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
