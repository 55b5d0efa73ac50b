import { createServer } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, createEmulator, type Emulator } from '../src/emulator.js';
import { DomainError } from '../src/runtime/errors.js';
import { graphClient } from './support/clients.js';
import { startTestEmulator, tlsDir } from './support/emulator.js';
import { control, obj, value } from './support/control.js';
import { ADMIN_OPERATIONS, HTTP_ONLY_OPERATIONS } from '../src/admin/operations.js';

/** Resolves once something can listen on the port again. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('createEmulator()', () => {
  it('defaults to a free port and an in-memory store, serving HTTPS with its CA and the demo tenant', async () => {
    const emu = await createEmulator({ tlsDir: tlsDir() });
    try {
      expect(emu.port).toBeGreaterThan(0);
      expect(emu.url).toBe(`https://localhost:${emu.port}`);
      expect(emu.graphUrl).toBe(`${emu.url}/v1.0`);
      expect(emu.config.store).toEqual({ kind: 'sqlite', filename: ':memory:' });
      expect(new X509Certificate(emu.caCertificate!).ca).toBe(true);
      expect(emu.caCertificatePath).toMatch(/ca\.pem$/);
      expect(emu.demo.caCertificate).toBe(emu.caCertificate);
      expect((await control(emu, 'GET', '/health')).json).toEqual({ status: 'ok' });
      // The official client works against it with nothing but the base URL changed.
      const me = (await graphClient(emu).api(`/users/${emu.demo.organizerUserId}`).get()) as { id: string };
      expect(me.id).toBe(emu.demo.organizerUserId);
    } finally {
      await emu.close();
    }
  });

  it('runs two emulators at once, each with its own port and data', async () => {
    const [a, b] = await Promise.all([startTestEmulator(), startTestEmulator()]);
    try {
      expect(a.port).not.toBe(b.port);
      await a.admin.createTenant({ displayName: 'Only in A' });
      expect((await a.admin.listTenants()).map((t) => t.displayName)).toContain('Only in A');
      expect(value<{ displayName: string }>(await control(b, 'GET', '/tenants')).map((t) => t.displayName)).not.toContain('Only in A');
      await a.admin.moveClock({ advance: 'P1D' });
      expect(b.admin.clock().offsetMs).toBeLessThan(1_000);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('close() frees the port, stops serving, and may be called twice', async () => {
    const emu = await createEmulator({ tlsDir: tlsDir() });
    const { port, url } = emu;
    expect(await canListen(port)).toBe(false);
    await emu.close();
    await emu.close();
    expect(await canListen(port)).toBe(true);
    await expect(fetch(`${url}/_emulator/health`)).rejects.toThrow();
    // The very port can be taken again by a new emulator.
    const again = await createEmulator({ tlsDir: tlsDir(), port });
    try {
      expect(again.port).toBe(port);
    } finally {
      await again.close();
    }
  });

  it('rejects when the port is taken, without leaving anything open', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(createEmulator({ tlsDir: tlsDir(), port })).rejects.toThrow(/EADDRINUSE|address already in use/i);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it.each([
    [{ logLevel: 'loud' }, /unknown log level 'loud': use one of fatal, error, warn, info, debug, trace, silent/],
    [{ databaseUrl: 'mysql://127.0.0.1/graph' }, /unsupported database URL 'mysql:\/\/127\.0\.0\.1\/graph': only PostgreSQL/],
    [{ databaseUrl: 'postgres://127.0.0.1:1/graph', inMemory: true }, /in memory or in PostgreSQL/],
  ])('refuses %j with a ConfigError saying what to change', async (options, message) => {
    const err = await createEmulator({ http: true, ...options }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
  });

  it('serves plain HTTP with http: true', async () => {
    const emu = await createEmulator({ http: true });
    try {
      expect(emu.url).toBe(`http://localhost:${emu.port}`);
      expect(emu.caCertificate).toBeUndefined();
      expect(emu.demo.caCertificate).toBeNull();
      expect((await control(emu, 'GET', '/health')).status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});

describe('emulator.admin equals the HTTP control API', () => {
  const sameAsHttp = async (emu: Emulator, path: string, inProcess: unknown): Promise<void> => {
    const res = await control(emu, 'GET', path);
    expect(res.status).toBe(200);
    expect(JSON.parse(JSON.stringify(inProcess))).toEqual(path.endsWith('demo') ? res.json : value(res));
  };

  it('what one side makes the other sees, field for field', async () => {
    const emu = await startTestEmulator();
    try {
      const tenant = await emu.admin.createTenant({ displayName: 'In process' });
      await sameAsHttp(emu, '/tenants', await emu.admin.listTenants());

      const userRes = await control(emu, 'POST', `/tenants/${tenant.id}/users`, { userPrincipalName: 'http@inprocess.example', displayName: 'Over HTTP' });
      expect(await emu.admin.listUsers(tenant.id)).toEqual([userRes.json]);
      await sameAsHttp(emu, `/tenants/${tenant.id}/users`, await emu.admin.listUsers(tenant.id));

      const app = await emu.admin.createApp({ tenantId: tenant.id, displayName: 'Lib app', applicationPermissions: ['User.Read.All'] });
      await sameAsHttp(emu, `/tenants/${tenant.id}/apps`, [app]);
      const policy = await emu.admin.createAccessPolicy({ tenantId: tenant.id, name: 'Lib policy', appIds: [app.clientId], userIds: ['http@inprocess.example'] });
      await sameAsHttp(emu, `/tenants/${tenant.id}/accessPolicies`, [policy]);
      const meeting = await emu.admin.createMeeting({ tenantId: tenant.id, organizerId: 'http@inprocess.example', subject: 'Lib meeting' });
      await sameAsHttp(emu, `/tenants/${tenant.id}/meetings`, [meeting]);
      const installation = await emu.admin.installTeamsApp(tenant.id, { meetingId: meeting.id, clientId: app.clientId, rscPermissions: [] });
      await sameAsHttp(emu, `/tenants/${tenant.id}/teamsAppInstallations`, [installation]);

      const view = await emu.admin.moveClock({ set: '2033-03-03T03:03:03Z', freeze: true });
      // offsetMs of a frozen clock moves with wall time; the instant and the state do not.
      expect(obj(await control(emu, 'GET', '/clock'))).toMatchObject({ now: view.now, frozen: true });
      expect(emu.clock.now().toISOString()).toBe('2033-03-03T03:03:03.000Z');

      const rule = emu.admin.addFault({ path: '/v1.0/me', status: 503 });
      await sameAsHttp(emu, '/faults', [rule]);
      await sameAsHttp(emu, '/demo', emu.admin.demo());
    } finally {
      await emu.stop();
    }
  });

  it('refuses the same things with the same messages: DomainErrors in process, their statuses over HTTP', async () => {
    const emu = await startTestEmulator();
    try {
      const cases: Array<[() => Promise<unknown>, string, string, unknown, number, DomainError['kind']]> = [
        [() => emu.admin.createTenant({ id: emu.demo.tenantId, displayName: 'Dup' }), 'POST', '/tenants', { id: emu.demo.tenantId, displayName: 'Dup' }, 409, 'conflict'],
        [() => emu.admin.listUsers('00000000-0000-0000-0000-000000000000'), 'GET', '/tenants/00000000-0000-0000-0000-000000000000/users', undefined, 404, 'notFound'],
        [() => emu.admin.moveClock({ advance: 'soon' }), 'POST', '/clock', { advance: 'soon' }, 400, 'invalid'],
        [async () => emu.admin.removeFault('nope'), 'DELETE', '/faults/nope', undefined, 404, 'notFound'],
        [() => emu.admin.mintToken({ clientId: '00000000-0000-0000-0000-000000000001' }), 'POST', '/tokens', { clientId: '00000000-0000-0000-0000-000000000001' }, 404, 'notFound'],
      ];
      for (const [inProcess, method, path, body, status, kind] of cases) {
        const err = await inProcess().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, path).toBeInstanceOf(DomainError);
        expect((err as DomainError).kind).toBe(kind);
        const res = await control(emu, method, path, body);
        expect(res.status, path).toBe(status);
        expect((res.json as { error: { message: string } }).error.message).toBe((err as DomainError).message);
      }
    } finally {
      await emu.stop();
    }
  });
});

describe('emulator.admin and /_emulator/openapi.json cannot drift', () => {
  it('every operation in the description is an emulator.admin method (its operationId), and every mapped method is an operation', async () => {
    const emu = await startTestEmulator();
    try {
      const doc = obj(await control(emu, 'GET', '/openapi.json')) as { paths: Record<string, Record<string, { operationId?: string }>> };
      const described = new Map<string, string | undefined>();
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(item)) described.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, operation.operationId);
      }
      const admin = emu.admin as unknown as Record<string, unknown>;
      for (const [route, operationId] of described) {
        if (route in HTTP_ONLY_OPERATIONS) {
          expect(operationId, route).toBe(HTTP_ONLY_OPERATIONS[route as keyof typeof HTTP_ONLY_OPERATIONS]);
          continue;
        }
        expect(operationId, `${route} has no emulator.admin method in src/admin/operations.ts`).toBe(ADMIN_OPERATIONS[route as keyof typeof ADMIN_OPERATIONS]);
        expect(typeof admin[operationId!], route).toBe('function');
      }
      for (const [route, method] of Object.entries(ADMIN_OPERATIONS)) {
        expect(described.get(route), `${route} (${method}) is not in the OpenAPI description`).toBe(method);
        expect(typeof admin[method], method).toBe('function');
      }
      expect(new Set(described.values()).size).toBe(described.size);
    } finally {
      await emu.stop();
    }
  });

  it('calls, call records, simulations, usage and deliveries: what one side makes the other sees', async () => {
    const emu = await startTestEmulator();
    try {
      const { tenantId, meetingId, clientId } = emu.demo;
      const call = await emu.admin.startCall(tenantId, { meetingId, clientId });
      const calls = await emu.admin.listCalls(tenantId);
      expect(calls.map((c) => c.id)).toContain(call.id);
      expect(value(await control(emu, 'GET', `/tenants/${tenantId}/calls`))).toEqual(JSON.parse(JSON.stringify(calls)));
      expect(obj(await control(emu, 'GET', `/calls/${call.id}/recordingStatus`))).toEqual(JSON.parse(JSON.stringify(await emu.admin.recordingStatus(call.id))));

      const recordRes = await control(emu, 'POST', `/calls/${call.id}/callRecord`, { sessionCount: 2 });
      expect(recordRes.status).toBe(201);
      const record = obj(recordRes) as { id: string; version: number };
      expect(JSON.parse(JSON.stringify(await emu.admin.getCallRecord(tenantId, record.id)))).toEqual(record);
      const later = await emu.admin.addLateTelemetry(tenantId, record.id, { sessions: 1 });
      expect(later.version).toBe(record.version + 1);
      expect(obj(await control(emu, 'GET', `/tenants/${tenantId}/callRecords/${record.id}`))).toEqual(JSON.parse(JSON.stringify(later)));

      const simulated = await emu.admin.simulateMeeting(meetingId, { durationMinutes: 5 });
      expect(simulated.meetingId).toBe(meetingId);
      expect(obj(await control(emu, 'GET', `/tenants/${tenantId}/callRecords/${simulated.callRecordId}`))).toMatchObject({ id: simulated.callRecordId });

      const { ids } = await emu.admin.simulatePstnCalls(tenantId, { kind: 'pstn', count: 2 });
      expect(ids).toHaveLength(2);
      expect(obj(await control(emu, 'GET', '/usage'))).toEqual(JSON.parse(JSON.stringify(emu.admin.usage())));
      expect(value(await control(emu, 'GET', '/deliveries?top=5'))).toEqual(JSON.parse(JSON.stringify(await emu.admin.deliveries({ top: 5 }))));
      expect(await emu.admin.flushDeliveries()).toMatchObject({ pending: expect.any(Number) as number });
    } finally {
      await emu.stop();
    }
  });
});
