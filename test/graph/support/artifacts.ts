import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Emulator } from '../../../src/emulator.js';
import type { SimulationResult } from '../../../src/simulation/meetingScenario.js';
import { control } from './http.js';

/** What the control API's simulate calls return. */
export type Simulation = SimulationResult;

export interface ControlMeeting {
  id: string;
  organizerId: string;
  tenantId: string;
  joinWebUrl: string;
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
