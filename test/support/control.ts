import { expect } from 'vitest';
import type { Emulator } from '../../src/emulator.js';
import { expectGraphError } from '../support/graphSchema.js';

export interface ControlResponse {
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

/**
 * One call to the control API over the emulator's real socket; a non-string body is sent as JSON.
 * Every request says it comes from a script (X-Emulator-Client), as the control API requires of a
 * state-changing request without a JSON body (src/admin/guard.ts).
 */
export async function control(emu: Pick<Emulator, 'url'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ControlResponse> {
  const init: RequestInit = { method, headers: { 'x-emulator-client': 'tests', ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'x-emulator-client': 'tests', 'content-type': 'application/json', ...headers };
  }
  const res = await fetch(`${emu.url}/_emulator${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** The control API, JSON in and out: the parsed body, after checking the status (201 for a POST, else 200, by default). */
export async function controlJson<T>(emu: Pick<Emulator, 'url'>, method: string, path: string, body?: unknown, expected = method === 'POST' ? 201 : 200): Promise<T> {
  const res = await control(emu, method, path, body);
  expect(res.status, `${method} /_emulator${path}: ${res.text}`).toBe(expected);
  return res.json as T;
}

/** The response is `status` with Graph's error envelope (ODataError) and a request-id. */
export function expectControlError(res: ControlResponse, status: number, messagePart?: string | RegExp): void {
  expect(res.status, res.text).toBe(status);
  expectGraphError('v1.0', res.json);
  expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  if (messagePart !== undefined) expect((res.json as { error: { message: string } }).error.message).toMatch(messagePart);
}

export const value = <T>(res: ControlResponse): T[] => (res.json as { value: T[] }).value;

export const obj = (res: ControlResponse): Record<string, unknown> => res.json as Record<string, unknown>;
