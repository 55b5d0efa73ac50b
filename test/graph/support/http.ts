import { Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { expect } from 'vitest';
import type { Emulator } from '../../../src/emulator.js';
import { expectGraphError, expectGraphType } from '../../support/graphSchema.js';

export type Version = 'v1.0' | 'beta';
export const VERSIONS: readonly Version[] = ['v1.0', 'beta'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface TokenRequest {
  clientId?: string;
  userId?: string;
  roles?: string[];
  scopes?: string[];
}

/** A Graph token minted by the control API over HTTPS (app-only unless userId is given). */
export async function mintToken(emu: Emulator, request: TokenRequest = {}): Promise<string> {
  const res = await fetch(`${emu.url}/_emulator/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: emu.demo.clientId, ...request }),
  });
  if (res.status !== 200) throw new Error(`minting a token failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The control API (one client for the whole suite: test/support/control.ts). */
export { controlJson as control } from '../../support/control.js';

/** The official Graph client (v3) with a fixed bearer token, pointed at the emulator as a user would. */
export function tokenClient(emu: Emulator, token: string, version: Version = 'v1.0'): Client {
  const authProvider: AuthenticationProvider = { getAccessToken: async () => token };
  return Client.initWithMiddleware({ authProvider, baseUrl: emu.url, defaultVersion: version, customHosts: new Set([new URL(emu.url).hostname]) });
}

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A raw request to a Graph path (`/v1.0/...`), JSON body parsed. */
export async function graph(emu: Emulator, path: string, token: string | undefined, init: RequestInit = {}): Promise<GraphResponse> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`${emu.url}${path}`, { ...init, headers });
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: res.status, headers: res.headers, body };
}

/** Graph's headers on every answer: GUID request-id, client-request-id echoed or equal to it, Graph's JSON type. */
export function expectGraphHeaders(res: { headers: Headers }, clientRequestId?: string): void {
  const requestId = res.headers.get('request-id') ?? '';
  expect(requestId).toMatch(GUID);
  expect(res.headers.get('client-request-id')).toBe(clientRequestId ?? requestId);
  expect(res.headers.get('content-type')).toMatch(/^application\/json;odata\.metadata=minimal;/);
}

/** A successful Graph answer whose body is a valid `definition` of `version`. */
export function expectGraphOk(res: GraphResponse, version: Version, definition: string, status = 200): Record<string, unknown> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  expectGraphHeaders(res);
  expectGraphType(version, definition, res.body);
  return res.body;
}

export interface GraphErrorShape {
  code: string;
  message: string;
  innerError: { date: string; 'request-id': string; 'client-request-id': string };
}

/** A Graph error: status, schema-valid envelope, innerError ids equal to the headers, optional code/message checks. */
export function expectGraphFailure(res: GraphResponse, version: Version, status: number, code?: string, message?: string | RegExp): GraphErrorShape {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  expectGraphHeaders(res, res.headers.get('client-request-id') ?? undefined);
  expectGraphError(version, res.body);
  const error = res.body['error'] as GraphErrorShape;
  expect(error.innerError['request-id']).toBe(res.headers.get('request-id'));
  expect(error.innerError['client-request-id']).toBe(res.headers.get('client-request-id'));
  expect(error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  if (code !== undefined) expect(error.code).toBe(code);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

/** What the official client throws, as Graph's error body (the client keeps only the inner `error`). */
export async function clientFailure(call: Promise<unknown>): Promise<{ statusCode: number; code: string; body: { error: GraphErrorShape } }> {
  try {
    await call;
  } catch (err) {
    const e = err as { statusCode?: number; code?: string; body?: string };
    if (typeof e.statusCode !== 'number' || typeof e.body !== 'string') throw err;
    return { statusCode: e.statusCode, code: e.code ?? '', body: { error: JSON.parse(e.body) as GraphErrorShape } };
  }
  throw new Error('the call succeeded but a Graph error was expected');
}
