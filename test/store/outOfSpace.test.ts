import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { control, expectControlError, type ControlResponse } from '../support/control.js';
import { startTestEmulator, STORE, tlsDir, type TestEmulator } from '../support/emulator.js';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { deliveries, flush, inMinutes, subscribe } from '../notifications/support.js';

/** Row counts of every table: a failed write must leave all of them as they were. */
async function rowCounts(emu: Emulator): Promise<Record<string, number>> {
  const db = emu.internals.services.store.db;
  const { rows: tables } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.id(name)}`.execute(db);
    counts[name] = Number(rows[0]!.n);
  }
  return counts;
}

const health = async (emu: Emulator): Promise<{ status: string; reason?: string; since?: string }> => (await control(emu, 'GET', '/health')).json as { status: string; reason?: string };

let seq = 0;
const newUser = (emu: Emulator): Promise<ControlResponse> =>
  control(emu, 'POST', `/tenants/${emu.demo.tenantId}/users`, { userPrincipalName: `filler${++seq}@example.com`, displayName: `Filler user ${seq} ${'x'.repeat(200)}` });

const simulate = (emu: Emulator, body: Record<string, unknown> = {}): Promise<ControlResponse> => control(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, body);

/** The 507 a write answers when the store is full: Graph's envelope, a message saying so, Retry-After. */
function expectOutOfSpace(res: ControlResponse): void {
  expectControlError(res, 507, /store is out of space/);
  expect((res.json as { error: { code: string } }).error.code).toBe('insufficientStorage');
  expect(res.headers.get('retry-after')).toBe('60');
}

/**
 * SQLite's max_page_count caps the database like a full disk, and SQLite answers SQLITE_FULL exactly
 * as it does for ENOSPC (https://www.sqlite.org/pragma.html#pragma_max_page_count): deterministic on
 * any machine, as any user. It is set on the emulator's own connection, the one every request uses.
 */
describe.skipIf(STORE === 'postgres')('a full store (SQLite capped with max_page_count)', () => {
  let emu: TestEmulator;
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    [emu, receiver] = await Promise.all([startTestEmulator(), new WebhookReceiver().start()]);
  });
  afterEach(async () => {
    await emu.stop();
    await receiver.stop();
  });

  const cap = async (pages: number | 'current'): Promise<void> => {
    const db = emu.internals.services.store.db;
    const n = pages === 'current' ? Number((await sql<{ page_count: number }>`PRAGMA page_count`.execute(db)).rows[0]!.page_count) : pages;
    await sql.raw(`PRAGMA max_page_count = ${n}`).execute(db);
  };

  /** Fill through the API until a write answers 507; at most `limit` writes (a cap of the current size fills in a few). */
  async function fillUntilFull(limit = 500): Promise<ControlResponse> {
    await cap('current');
    for (let i = 0; i < limit; i++) {
      const res = await newUser(emu);
      if (res.status !== 201) return res;
    }
    throw new Error(`no 507 after ${limit} writes`);
  }

  it('writes answer 507 insufficientStorage with Retry-After; health says degraded; space coming back clears it at the next write', async () => {
    expect(await health(emu)).toEqual({ status: 'ok' });
    expectOutOfSpace(await fillUntilFull());

    const degraded = await health(emu);
    expect(degraded.status).toBe('degraded');
    expect(degraded.reason).toMatch(/out of space/);
    expect(Date.parse(degraded.since!)).not.toBeNaN();
    // Reads keep working, and do not clear it.
    expect((await control(emu, 'GET', `/tenants/${emu.demo.tenantId}/users`)).status).toBe(200);
    expect((await health(emu)).status).toBe('degraded');

    await cap(1_000_000);
    expect((await newUser(emu)).status).toBe(201);
    expect(await health(emu)).toEqual({ status: 'ok' });
  });

  it('nothing is half-written: a write that hits the cap commits none of its rows', async () => {
    expectOutOfSpace(await fillUntilFull());
    // One transaction, one row: the user that did not fit is not there.
    const before = await rowCounts(emu);
    expectOutOfSpace(await newUser(emu));
    expect(await rowCounts(emu)).toEqual(before);

    // A simulation commits the ended call, its call record, then its artifacts (a recording and a
    // transcript with their change-feed entries) in one transaction: that one is all or nothing.
    const artifactRows = async (): Promise<unknown> => {
      const db = emu.internals.services.store.db;
      const { rows } = await sql<{ n: number }>`select count(*) as n from change_feed where resource in ('recording', 'transcript')`.execute(db);
      return { artifacts: (await rowCounts(emu))['artifacts'], artifactChanges: Number(rows[0]!.n) };
    };
    const artifactsBefore = await artifactRows();
    expectOutOfSpace(await simulate(emu));
    expect(await artifactRows()).toEqual(artifactsBefore);

    await cap(1_000_000);
    expect((await simulate(emu)).status).toBe(201);
    expect(((await rowCounts(emu))['artifacts'] ?? 0) - (before['artifacts'] ?? 0)).toBe(2);
  });

  it('a queued notification survives the full store and is delivered once there is space; the change that hit the cap notifies nobody', async () => {
    // A frozen clock: retries happen only when the test moves it.
    expect((await control(emu, 'POST', '/clock', { freeze: true })).status).toBe(200);
    const created = await subscribe(emu, {
      changeType: 'created',
      notificationUrl: `${receiver.url}/n`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      expirationDateTime: inMinutes(emu, 50),
      clientState: 'cs',
    });
    expect(created.status).toBe(201);
    // The receiver is down: the first recording's notification stays queued for a retry.
    const port = Number(new URL(receiver.url).port);
    await receiver.stop();
    const first = await simulate(emu, { transcript: false });
    expect(first.status).toBe(201);
    await flush(emu);
    expect((await deliveries(emu, '?kind=change')).map((d) => d.status)).toEqual(['pending']);

    expectOutOfSpace(await fillUntilFull());
    expectOutOfSpace(await simulate(emu, { transcript: false }));
    // Delivery attempts while full (the retry is due) must not lose it either.
    await control(emu, 'POST', '/clock', { advance: 'PT10S' });
    await flush(emu).catch(() => undefined);

    await cap(1_000_000);
    await receiver.start(port);
    await control(emu, 'POST', '/clock', { advance: 'PT1M' });
    await flush(emu);
    const recordingId = (first.json as { recordingId: string }).recordingId;
    const items = await receiver.waitForItems(1, 15_000, '/n');
    expect(items.map((i) => (i['resourceData'] as { id: string }).id)).toEqual([recordingId]);
    expect((await deliveries(emu, '?kind=change')).map((d) => d.status)).toEqual(['delivered']);
  });
});

/**
 * The blob directory on a real, tiny file system: ENOSPC from the disk itself. Mounting needs root
 * (the CI runs as root); elsewhere this is skipped, and the max_page_count tests above still run.
 */
describe.skipIf(STORE === 'postgres')('a full blob directory (a 4 MiB tmpfs, as root)', () => {
  let root: string;
  let mounted = false;
  let emu: Emulator | undefined;
  beforeEach((ctx) => {
    root = mkdtempSync(join(tmpdir(), 'gce-fullblobs-'));
    mkdirSync(join(root, 'blobs'));
    if (process.getuid?.() !== 0) return ctx.skip('mounting a tmpfs needs root');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', join(root, 'blobs')], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      return ctx.skip(`could not mount a tmpfs: ${String(err)}`);
    }
  });
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
    if (mounted) execFileSync('umount', [join(root, 'blobs')]);
    mounted = false;
    rmSync(root, { recursive: true, force: true });
  });

  it('a recording larger than the free space answers 507, leaves no temp file and no row; after space is freed it succeeds and health is ok', async () => {
    emu = await createEmulator({ port: 0, http: true, inMemory: true, blobDir: join(root, 'blobs'), tlsDir: tlsDir() });
    const blobs = join(root, 'blobs');
    // Leave about 1 MiB free: the demo's content is already there.
    const filler = join(blobs, 'filler');
    const fd = openSync(filler, 'w');
    try {
      const chunk = Buffer.alloc(64 * 1024);
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    execFileSync('truncate', ['-s', `-${1024 * 1024}`, filler]);

    const before = await rowCounts(emu);
    const res = await simulate(emu, { recordingSizeBytes: 3 * 1024 * 1024, transcript: false });
    expectOutOfSpace(res);
    expect(readdirSync(join(blobs, 'tmp'))).toEqual([]);
    expect(await rowCounts(emu)).toEqual(before);
    expect((await health(emu)).status).toBe('degraded');

    rmSync(filler);
    expect((await simulate(emu, { recordingSizeBytes: 3 * 1024 * 1024, transcript: false })).status).toBe(201);
    expect(await health(emu)).toEqual({ status: 'ok' });
    expect(readdirSync(join(blobs, 'tmp'))).toEqual([]);
  });
});
