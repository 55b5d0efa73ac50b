import { controlJson } from '../support/control.js';
import { expect } from 'vitest';
import type { Emulator } from '../../src/emulator.js';

export const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POST a form to the emulator's token endpoint, as a hand-written OAuth client would. */
export async function postToken(emu: Emulator, tenant: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
  const res = await fetch(`${emu.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** The identity platform's OAuth error body, with its AADSTS code in both places Entra puts it. */
export function expectEntraError(res: RawResponse, status: number, error: string, aadsts: number): void {
  expect({ status: res.status, error: res.body['error'] }, JSON.stringify(res.body)).toEqual({ status, error });
  expect(res.body['error_codes']).toEqual([aadsts]);
  expect(res.body['error_description']).toMatch(new RegExp(`^AADSTS${aadsts}: `));
  expect(res.body['trace_id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.body['correlation_id']).toMatch(/^[0-9a-f-]{36}$/);
}

/** The control API (one client for the whole suite: test/support/control.ts). */
export { controlJson as control };

export async function mintToken(emu: Emulator, request: Record<string, unknown>): Promise<string> {
  return (await controlJson<{ access_token: string }>(emu, 'POST', '/tokens', { clientId: emu.demo.clientId, ...request }, 200)).access_token;
}
