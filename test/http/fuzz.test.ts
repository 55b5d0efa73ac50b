import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appToken } from '../support/clients.js';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { expectGraphError } from '../support/graphSchema.js';
import { postToken } from '../auth/support.js';

/**
 * Property-based fuzzing of the whole HTTP surface (Graph and identity routes) of one emulator, over
 * keep-alive connections on loopback. Properties: no 5xx but Graph's deliberate 501 (nothing here
 * injects faults), every error body is Graph's envelope (Entra's OAuth error on the identity
 * routes), and the emulator still answers its health check at the end.
 *
 * Seeded and bounded: FUZZ_SEED reproduces a run (the seed is printed), FUZZ_RUNS sets the number of
 * batches (BATCH requests each, sent CONCURRENCY at a time). The default, 80 batches of 20, is 1,600
 * requests per store leg.
 */

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261201);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 80);
const BATCH = 20;
const CONCURRENCY = 8;

interface RouteTemplate {
  path: string;
  methods: string[];
}

/** Full paths and methods from the route snapshot (test/graph/__snapshots__/routes.txt), the control API left out. */
function routeTemplates(): RouteTemplate[] {
  const lines = readFileSync(new URL('../graph/__snapshots__/routes.txt', import.meta.url), 'utf8').split('\n');
  const stack: string[] = [];
  const out: RouteTemplate[] = [];
  for (const line of lines) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (m === null) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + m[2]!;
    stack.push(full);
    if (m[3] !== undefined && !full.startsWith('/_emulator')) out.push({ path: full, methods: m[3].split(', ') });
  }
  return out;
}

interface Ids {
  tenantId: string;
  clientId: string;
  organizerUserId: string;
  organizerUpn: string;
  meetingId: string;
  recordingId: string;
  transcriptId: string;
  callRecordId: string;
  callId: string;
  deltaToken: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// Building blocks ---------------------------------------------------------------------------------

const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~!$&\'()*+,;=:@%/?#[] "<>\\^`{|}'.split('')), maxLength: 24 });
const unicode = fc.string({ unit: 'grapheme', maxLength: 12 });
const guid = fc.uuid();

/** A path segment: the real id, or a mutation of it (case, encoding, dot segments, long, empty, unicode). */
const segmentFor = (real: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...real) },
    { weight: 2, arbitrary: guid },
    fc.constantFrom('..', '.', '%2e%2e', '%2E%2E%2F', '%00', '%', '%zz', '%2F', 'me', "'", "''", '(', ')', 'null', '-1', '0', '1e309', '%C0%AE', '%u002e', '\u00e9', '%F0%9F%92%A9'),
    printable,
    unicode,
    fc.integer({ min: 200, max: 5000 }).map((n) => 'a'.repeat(n)),
    fc.constantFrom(...real).map((r) => r.toUpperCase()),
    fc.constantFrom(...real).map((r) => `${r}x`),
    fc.constant(''),
  );

const odataValue = fc.oneof(
  fc.constantFrom(
    "'x'",
    "''",
    "'O''Brien'",
    'null',
    'true',
    'false',
    '0',
    '-1',
    '2147483648',
    '1.5e10',
    '2026-01-01T00:00:00Z',
    '2026-13-45T99:99:99Z',
    "datetime'2026-01-01'",
    "'%27'",
    '@p',
    '(',
    ')',
  ),
  guid.map((g) => `'${g}'`),
  guid,
  printable,
);
const odataField = fc.constantFrom('id', 'createdDateTime', 'meetingId', 'meetingOrganizerId', 'displayName', 'userPrincipalName', 'startDateTime', 'subject', 'resource', 'a/b', 'x', '');
const filterExpr: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(odataField, fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'has', 'EQ', 'eq eq'), odataValue).map(([f, op, v]) => `${f} ${op} ${v}`),
    fc.tuple(fc.constantFrom('startswith', 'endswith', 'contains', 'any', 'tolower', 'not'), odataField, odataValue).map(([fn, f, v]) => `${fn}(${f},${v})`),
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or', 'AND'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `not ${e}`),
    printable,
  ),
})).expr;

const queryOption = fc.oneof(
  { weight: 4, arbitrary: filterExpr.map((v) => ['$filter', v] as const) },
  { weight: 2, arbitrary: fc.array(odataField, { maxLength: 4 }).map((f) => ['$select', f.join(',')] as const) },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('recordings', 'transcripts', 'sessions', 'sessions($expand=segments)', 'participants_v2', '*'), printable).map((v) => ['$expand', v] as const) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), fc.constantFrom('1e3', '', 'abc', '99999999999999999999', '-0', '0x10')).map((v) => ['$top', v] as const) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), printable).map((v) => ['$skip', v] as const) },
  { weight: 1, arbitrary: fc.tuple(odataField, fc.constantFrom('', ' asc', ' desc', ' sideways')).map(([f, d]) => ['$orderby', f + d] as const) },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'TRUE', '1', '').map((v) => ['$count', v] as const) },
  { weight: 1, arbitrary: fc.oneof(fc.constant('"meeting"'), printable).map((v) => ['$search', v] as const) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$skiptoken', 'skipToken', '$deltatoken', 'deltaToken'), fc.oneof(fc.base64String({ maxLength: 60 }), printable)).map(([k, v]) => [k, v] as const) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$format', '$levels', 'api-version', '$apply', 'foo', '$filter', '$top'), printable).map(([k, v]) => [k, v] as const) },
);

const encodeQuery = (pairs: ReadonlyArray<readonly [string, string]>, raw: boolean): string =>
  pairs.map(([k, v]) => (raw ? `${k}=${v}` : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)).join('&');

/** What node:https accepts in a request path; everything else percent-encoded (the server sees the same bytes a client would send). */
const wireSafe = (path: string): string => path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));

const isoDate = fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }).map((d) => d.toISOString());

/** Valid-looking bodies of the POST/PATCH routes, to be mutated. */
const validBodies = (ids: Ids): Array<Record<string, unknown>> => [
  {
    changeType: 'created',
    notificationUrl: 'https://127.0.0.1:9/hook',
    resource: `communications/onlineMeetings/getAllRecordings`,
    expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
    clientState: 'secret',
  },
  { startDateTime: '2026-01-01T10:00:00Z', endDateTime: '2026-01-01T11:00:00Z', subject: 'Fuzz meeting' },
  { externalId: 'fuzz-ext', startDateTime: '2026-01-01T10:00:00Z', endDateTime: '2026-01-01T11:00:00Z', subject: 'Fuzz' },
  { clientContext: 'ctx', status: 'recording' },
  { subject: 'Renamed', lobbyBypassSettings: { scope: 'everyone' }, participants: { organizer: { identity: { user: { id: ids.organizerUserId } } } } },
  { expirationDateTime: new Date(Date.now() + 7200_000).toISOString() },
];

const mutatedBody = (ids: Ids): fc.Arbitrary<unknown> =>
  fc
    .tuple(
      fc.constantFrom(...validBodies(ids)),
      fc.array(fc.tuple(fc.constantFrom('drop', 'set', 'add'), fc.string({ maxLength: 20 }), fc.oneof(fc.jsonValue({ maxDepth: 2 }), isoDate)), { maxLength: 3 }),
    )
    .map(([base, edits]) => {
      const body: Record<string, unknown> = { ...base };
      for (const [op, key, value] of edits) {
        const keys = Object.keys(body);
        const target = keys.length > 0 ? keys[key.length % keys.length]! : key;
        if (op === 'drop') delete body[target];
        else if (op === 'set') body[target] = value;
        else body[key] = value;
      }
      return body;
    });

/** Any http(s) URL that is not loopback becomes a loopback one: the fuzz sends nothing off this machine (subscription validation would). */
function keepLoopback(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
      try {
        const u = new URL(value);
        if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return 'http://127.0.0.1:9/elsewhere';
      } catch {
        return value;
      }
    }
    return value;
  }
  if (Array.isArray(value)) return value.map(keepLoopback);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keepLoopback(v)]));
  return value;
}

const bodyArb = (ids: Ids): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: mutatedBody(ids).map((b) => JSON.stringify(keepLoopback(b))) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((b) => JSON.stringify(keepLoopback(b))) },
    fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '\u0000', '{"a":1,"a":2}', '1e999999'),
    fc.constant(undefined),
    fc.integer({ min: 1, max: 3 }).map((n) => JSON.stringify({ subject: 'x'.repeat(n * 40_000) })),
  );

interface Tokens {
  app: string;
  delegated: string;
}

const tokenArb = (tokens: Tokens): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(`Bearer ${tokens.app}`, `Bearer ${tokens.delegated}`, `bearer ${tokens.app}`) },
    fc.constant(undefined),
    fc.tuple(fc.constantFrom(tokens.app, tokens.delegated), fc.nat()).map(([t, n]) => `Bearer ${t.slice(0, n % t.length)}`),
    fc.tuple(fc.constantFrom(tokens.app, tokens.delegated), fc.nat(), fc.constantFrom('A', '.', '_', '-', '=', '%')).map(([t, n, c]) => {
      const i = n % t.length;
      return `Bearer ${t.slice(0, i)}${c}${t.slice(i + 1)}`;
    }),
    fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Negotiate abc', 'Bearer a.b.c', 'Bearer ..', `Bearer ${'A'.repeat(6000)}`),
  );

const headerValue = fc.string({ unit: fc.constantFrom(...'abcxyz019 -_./;=,*"\'()<>'.split('')), maxLength: 30 });
const headersArb = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=utf-16',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        '',
      ),
      headerValue,
    ),
    accept: fc.oneof(fc.constantFrom('application/json', '*/*', 'application/json;odata.metadata=none', 'application/xml', 'text/html', 'application/octet-stream'), headerValue),
    prefer: fc.oneof(
      fc.constantFrom('odata.maxpagesize=1', 'odata.maxpagesize=0', 'odata.maxpagesize=-1', 'odata.maxpagesize=abc', 'return=minimal', 'include-unknown-enum-members', 'odata.track-changes'),
      headerValue,
    ),
    consistencylevel: fc.oneof(fc.constantFrom('eventual', 'strong'), headerValue),
    'if-match': fc.oneof(fc.constantFrom('*', 'W/"x"', '"abc"', 'W/"'), headerValue),
    'client-request-id': fc.oneof(guid, headerValue),
    range: fc.oneof(fc.constantFrom('bytes=0-10', 'bytes=10-0', 'bytes=-5', 'bytes=0-', 'bytes=999999999-', 'bytes=a-b', 'items=0-1', 'bytes=0-1,2-3'), headerValue),
  },
  { requiredKeys: [] },
);

const TOKEN_GRANTS = ['client_credentials', 'password', 'authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'implicit', ''];

function identityRequest(ids: Ids, tokens: Tokens): fc.Arbitrary<FuzzRequest> {
  const tenant = segmentFor([ids.tenantId, 'common', 'organizations', 'contoso.onmicrosoft.com']);
  const formValue = fc.oneof(
    printable,
    fc.constantFrom(ids.clientId, ids.organizerUpn, 'Passw0rd!', 'https://graph.microsoft.com/.default', 'User.Read offline_access openid', tokens.app, 'http://localhost'),
  );
  const form = fc.record(
    {
      grant_type: fc.oneof(fc.constantFrom(...TOKEN_GRANTS), printable),
      client_id: fc.oneof(fc.constant(ids.clientId), guid, printable),
      client_secret: fc.oneof(fc.constant('Dem8Q~graph-comms-emulator.demo-secret.0001'), printable),
      client_assertion: printable,
      scope: formValue,
      username: formValue,
      password: formValue,
      code: formValue,
      refresh_token: formValue,
      redirect_uri: formValue,
      code_verifier: printable,
      response_type: fc.constantFrom('code', 'token', 'id_token', ''),
      response_mode: fc.constantFrom('query', 'fragment', 'form_post', 'x'),
      post_logout_redirect_uri: fc.constantFrom('http://localhost/callback', 'http://127.0.0.1:9/x', 'javascript:alert(1)', '//127.0.0.1:9'),
      code_challenge: printable,
      code_challenge_method: fc.constantFrom('S256', 'plain', 'x'),
      user_id: fc.oneof(fc.constant(ids.organizerUserId), printable),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(
      tenant,
      fc.constantFrom(
        'oauth2/v2.0/token',
        'oauth2/v2.0/authorize',
        'oauth2/v2.0/logout',
        'v2.0/.well-known/openid-configuration',
        '.well-known/openid-configuration',
        'discovery/v2.0/keys',
        'oauth2/v2.0/devicecode',
        'oauth2/token',
      ),
      fc.constantFrom('GET', 'POST', 'HEAD'),
      form,
      fc.boolean(),
      fc.option(fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain')),
      fc.option(fc.oneof(fc.constant(`Basic ${Buffer.from(`${ids.clientId}:x`).toString('base64')}`), fc.constantFrom('Basic', 'Basic !!!', 'Basic Og=='))),
    )
    .map(([t, endpoint, method, fields, inQuery, contentType, authorization]) => {
      const params = new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();
      const headers: Record<string, string> = {};
      if (contentType !== null) headers['content-type'] = contentType;
      if (authorization !== null) headers['authorization'] = authorization;
      const path = `/${t}/${endpoint}${inQuery || method !== 'POST' ? `?${params}` : ''}`;
      return { method, path: wireSafe(path), headers, ...(method === 'POST' && !inQuery ? { body: params } : {}) };
    });
}

function graphRequest(routes: RouteTemplate[], ids: Ids, tokens: Tokens): fc.Arbitrary<FuzzRequest> {
  const graphRoutes = routes.filter((r) => r.path.startsWith('/v1.0') || r.path.startsWith('/beta') || r.path.startsWith('/oidc'));
  const params: Record<string, fc.Arbitrary<string>> = {
    userId: segmentFor([ids.organizerUserId, ids.organizerUpn]),
    meetingId: segmentFor([ids.meetingId]),
    recordingId: segmentFor([ids.recordingId]),
    transcriptId: segmentFor([ids.transcriptId]),
    callRecordId: segmentFor([ids.callRecordId]),
    callId: segmentFor([ids.callId]),
    sessionId: segmentFor([ids.callRecordId]),
    operationId: segmentFor([ids.callId]),
    subscriptionId: segmentFor([ids.callId]),
    args: fc.oneof(
      fc.constantFrom(
        `(meetingOrganizerUserId='${ids.organizerUserId}')`,
        `(meetingOrganizerUserId='${ids.organizerUserId}',startDateTime=2026-01-01T00:00:00Z,endDateTime=2027-01-01T00:00:00Z)`,
        '()',
        '(',
        "(meetingOrganizerUserId='')",
        '(a=b,c)',
      ),
      fc.tuple(printable, odataValue).map(([k, v]) => `(${k}=${v})`),
    ),
  };
  const route = fc.constantFrom(...graphRoutes);
  return fc
    .tuple(
      route,
      fc.func(fc.nat()),
      fc.record(Object.fromEntries(Object.entries(params).map(([k, a]) => [k, a]))),
      fc.constantFrom('GET', 'GET', 'POST', 'PATCH', 'DELETE', 'HEAD', 'PUT', 'OPTIONS'),
      fc.array(queryOption, { maxLength: 3 }),
      fc.boolean(),
      fc.constantFrom('none', 'none', 'none', 'trailingSlash', 'doubleSlash', 'dotSegment', 'upper', 'encodedSlash'),
      fc.oneof({ weight: 1, arbitrary: headersArb }, { weight: 1, arbitrary: fc.constant({}) }),
      tokenArb(tokens),
      bodyArb(ids),
    )
    .map(([r, pick, values, anyMethod, query, rawQuery, pathMutation, headers, authorization, body]) => {
      const method = anyMethod === 'GET' || anyMethod === 'HEAD' ? anyMethod : r.methods.includes(anyMethod) || pick(0) % 3 === 0 ? anyMethod : (r.methods[pick(1) % r.methods.length] ?? 'GET');
      let path = r.path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'args' ? values['args']! : encodeURIComponent(values[name] ?? 'x')));
      if (pathMutation === 'trailingSlash') path += '/';
      else if (pathMutation === 'doubleSlash') path = path.replace('/', '//');
      else if (pathMutation === 'dotSegment') path = path.replace(/\/([^/]+)$/, '/../$1');
      else if (pathMutation === 'upper') path = path.toUpperCase();
      else if (pathMutation === 'encodedSlash') path = path.replace(/\/([^/]+)$/, '%2F$1');
      const q = encodeQuery(query, rawQuery);
      const h: Record<string, string> = { ...headers };
      if (authorization !== undefined) h['authorization'] = authorization;
      // A body without a Content-Type mostly stops at 415; give most of them JSON's so they reach the handlers.
      if (body !== undefined && h['content-type'] === undefined && pick(2) % 4 !== 0) h['content-type'] = 'application/json';
      return { method, path: wireSafe(q === '' ? path : `${path}?${q}`), headers: h, ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}) };
    });
}

// Sending and checking -----------------------------------------------------------------------------

interface Outcome {
  status: number;
  contentType: string;
  body: string;
}

function send(emu: TestEmulator, agent: Agent, req: FuzzRequest): Promise<Outcome> {
  const url = new URL(emu.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = httpsRequest({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error('no answer in 30 s')));
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

const IDENTITY_PATH = /^\/+[^/?]*\/+(oauth2|v2\.0\/+\.well-known|\.well-known|discovery)\//i;

/** Why this answer breaks the properties, or undefined when it keeps them. */
function violation(req: FuzzRequest, res: Outcome): string | undefined {
  if (res.status >= 500 && res.status !== 501) return `status ${res.status}`;
  if (res.status < 400 || req.method === 'HEAD') return undefined;
  // The logout endpoint answers a refused redirect with its page, as Entra does.
  if (/^[^?]*\/oauth2\/+v2\.0\/+logout/i.test(req.path) && res.contentType.startsWith('text/html')) return undefined;
  if (!res.contentType.startsWith('application/json')) return `error with content-type '${res.contentType}'`;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return 'error body is not JSON';
  }
  const entra = body as { error?: unknown; error_codes?: unknown; error_description?: unknown };
  if (IDENTITY_PATH.test(req.path) && typeof entra.error === 'string') {
    return Array.isArray(entra.error_codes) && typeof entra.error_description === 'string' && /^AADSTS\d+: /.test(entra.error_description) ? undefined : 'identity error is not Entra-shaped';
  }
  try {
    expectGraphError(req.path.toLowerCase().startsWith('/beta') ? 'beta' : 'v1.0', body);
  } catch (err) {
    return `error is not Graph-shaped: ${String(err).slice(0, 200)}`;
  }
  return undefined;
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe('fuzz: the HTTP surface keeps its properties under random and mutated requests', () => {
  let emu: TestEmulator;
  let agent: Agent;
  let ids: Ids;
  let tokens: Tokens;

  beforeAll(async () => {
    emu = await startTestEmulator();
    agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca: emu.caCertificate });
    const app = await appToken(emu);
    const user = emu.demo.users[0]!;
    const delegated = await postToken(emu, emu.demo.tenantId, { grant_type: 'password', client_id: emu.demo.clientId, username: user.userPrincipalName, password: user.password, scope: 'User.Read' });
    tokens = { app, delegated: String(delegated.body['access_token']) };
    const get = async (path: string) =>
      (await (await fetch(`${emu.url}/v1.0${path}`, { headers: { authorization: `Bearer ${app}` } })).json()) as { value: Array<{ id: string }>; '@odata.deltaLink'?: string };
    const meetingPath = `/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}`;
    const delta = await get(`/users/${emu.demo.organizerUserId}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${emu.demo.organizerUserId}')/delta`);
    ids = {
      tenantId: emu.demo.tenantId,
      clientId: emu.demo.clientId,
      organizerUserId: emu.demo.organizerUserId,
      organizerUpn: user.userPrincipalName,
      meetingId: emu.demo.meetingId,
      recordingId: (await get(`${meetingPath}/recordings`)).value[0]!.id,
      transcriptId: (await get(`${meetingPath}/transcripts`)).value[0]!.id,
      callRecordId: emu.demo.callRecordId,
      callId: emu.demo.callId,
      // The link's one parameter (deltaToken or $deltatoken, as the service names it).
      deltaToken: [...new URL(delta['@odata.deltaLink'] ?? 'https://x/?deltaToken=none').searchParams.values()][0] ?? 'none',
    };
  });
  afterAll(async () => {
    agent?.destroy();
    await emu?.stop();
  });

  it(`keeps no-5xx, error shapes and liveness (seed ${SEED}, ${RUNS} batches of ${BATCH})`, { timeout: 600_000 }, async () => {
    const routes = routeTemplates();
    expect(routes.length).toBeGreaterThan(50);
    const withDelta = fc.tuple(fc.constantFrom('$deltatoken', 'deltaToken', '$skiptoken'), fc.nat()).map(([k, n]) => ({ k, n }));
    const requestArb: fc.Arbitrary<FuzzRequest> = fc.oneof(
      { weight: 8, arbitrary: graphRequest(routes, ids, tokens) },
      { weight: 3, arbitrary: identityRequest(ids, tokens) },
      {
        weight: 1,
        // A real delta token, mutated at one place, on the delta function it came from.
        arbitrary: withDelta.map(({ k, n }) => {
          const t = ids.deltaToken;
          const i = n % Math.max(t.length, 1);
          const mutated = n % 3 === 0 ? t : `${t.slice(0, i)}${'AZ_-'[n % 4]}${t.slice(i + 1)}`;
          return {
            method: 'GET',
            path: wireSafe(`/v1.0/users/${ids.organizerUserId}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${ids.organizerUserId}')/delta?${k}=${encodeURIComponent(mutated)}`),
            headers: { authorization: `Bearer ${tokens.app}` },
          };
        }),
      },
    );
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    // FUZZ_REPORT=1 prints the most frequent error answers, to see where the generators spend their requests.
    const errorKinds = new Map<string, number>();
    let requests = 0;
    const started = Date.now();
    console.log(`fuzz: seed ${SEED} (FUZZ_SEED=${SEED} reproduces this run), ${RUNS} batches of ${BATCH}`);

    await fc
      .assert(
        fc.asyncProperty(fc.array(requestArb, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const broken: string[] = [];
          await inParallel(batch, CONCURRENCY, async (req) => {
            let res: Outcome;
            try {
              res = await send(emu, agent, req);
            } catch (err) {
              broken.push(`${req.method} ${req.path.slice(0, 300)}: no answer (${String(err)})`);
              return;
            }
            requests += 1;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (process.env['FUZZ_REPORT'] !== undefined && res.status >= 400) {
              const key = `${res.status} ${res.body
                .replace(/"(request-id|client-request-id|date|trace_id|correlation_id|timestamp)":"[^"]*"/g, '')
                .replace(/[0-9a-f-]{36}/g, '<id>')
                .slice(0, 160)}`;
              errorKinds.set(key, (errorKinds.get(key) ?? 0) + 1);
            }
            const why = violation(req, res);
            if (why !== undefined)
              broken.push(`${req.method} ${req.path.slice(0, 300)} ${JSON.stringify(req.headers).slice(0, 300)} body=${(req.body ?? '').slice(0, 200)} -> ${why}: ${res.body.slice(0, 300)}`);
          });
          failures.push(...broken);
          return broken.length === 0;
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      )
      .catch((err: unknown) => {
        // fast-check's own message prints the whole batch; the broken requests are what matters.
        const where = /\{ seed: [^}]*\}/.exec(String(err))?.[0] ?? '';
        throw new Error(`fuzz found ${failures.length} broken answer(s) ${where}:\n${failures.slice(0, 10).join('\n')}`);
      });

    const health = await fetch(`${emu.url}/_emulator/health`);
    expect(health.status).toBe(200);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const distribution = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(' ');
    console.log(`fuzz: ${requests} requests in ${seconds} s; statuses ${distribution}`);
    if (errorKinds.size > 0)
      console.log(
        [...errorKinds.entries()]
          .sort(([, a], [, b]) => b - a)
          .slice(0, 25)
          .map(([k, n]) => `${n}\t${k}`)
          .join('\n'),
      );
    expect(requests).toBeGreaterThanOrEqual(RUNS * BATCH);
  });
});
