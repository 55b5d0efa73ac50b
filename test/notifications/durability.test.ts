import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator.js';
import type { StoreOptions } from '../../src/store/database.js';
import { produceRecording, storeProducer } from '../support/artifactChanges.js';
import { newSchemaName, STORE, tempPgSchema, tlsDir } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';

/** The compiled CLI (npm test builds dist/ first). */
const CLI = resolve('dist/src/cli.js');

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Store flags for a CLI child and the same store for this process to write changes into. */
function sharedStore(): { flags: string[]; options: StoreOptions } {
  if (STORE === 'postgres') {
    const { url, schema, drop } = tempPgSchema();
    cleanups.push(drop);
    return { flags: ['--database-url', url, '--database-schema', schema], options: { kind: 'postgres', url, schema } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gce-notif-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { flags: ['--data-dir', dir], options: { kind: 'sqlite', filename: join(dir, 'emulator.sqlite') } };
}

/** Start the CLI and resolve to its URL once it prints the ready line. */
async function startCli(flags: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--tls-dir', tlsDir(), ...flags], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no ready line: ${err}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /(https?:\/\/localhost:\d+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    child.once('exit', (code) => fail(new Error(`the CLI exited ${String(code)}: ${err}`)));
  });
  return { child, url };
}

async function json<T>(url: string, init: RequestInit = {}, expected = 200): Promise<T> {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status !== expected) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

interface Demo {
  tenantId: string;
  clientId: string;
  organizerUserId: string;
  meetingId: string;
}

async function subscribeOver(url: string, demo: Demo, notificationUrl: string): Promise<string> {
  const { access_token: token } = await json<{ access_token: string }>(`${url}/_emulator/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: demo.clientId }),
  });
  const sub = await json<{ id: string }>(
    `${url}/v1.0/subscriptions`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        changeType: 'created',
        notificationUrl,
        resource: 'communications/onlineMeetings/getAllRecordings',
        expirationDateTime: new Date(Date.now() + 50 * 60_000).toISOString(),
      }),
    },
    201,
  );
  return sub.id;
}

/** Resource ids received, and how many arrived more than once. */
function tally(receiver: WebhookReceiver): { unique: Set<string>; duplicates: number } {
  const ids = receiver.items().map((i) => (i['resourceData'] as { id: string }).id);
  const unique = new Set(ids);
  return { unique, duplicates: ids.length - unique.size };
}

describe('nothing lost', () => {
  it('kill -9 with undelivered notifications, restart on the same store: every notification arrives, none twice', async () => {
    const { flags, options } = sharedStore();
    const receiver = await new WebhookReceiver().start();
    cleanups.push(() => receiver.stop().catch(() => undefined));
    const first = await startCli(flags);
    const demo = await json<Demo>(`${first.url}/_emulator/demo`);
    await subscribeOver(first.url, demo, `${receiver.url}/hook`);
    const port = Number(new URL(receiver.url).port);
    await receiver.stop();

    const producer = await storeProducer(options);
    cleanups.push(() => producer.close());
    const spec = { tenantId: demo.tenantId, organizerId: demo.organizerUserId, meetingId: demo.meetingId };
    const produced: string[] = [];
    // Receiver down: the instance tries these, fails, and schedules retries.
    for (let i = 0; i < 40; i++) produced.push((await produceRecording(producer, spec)).id);
    await new Promise((r) => setTimeout(r, 600));
    // Receiver up but never answering: the instance claims these and is killed mid-POST.
    await receiver.start(port);
    receiver.mode = 'hanging';
    for (let i = 0; i < 20; i++) produced.push((await produceRecording(producer, spec)).id);
    const claimed = async () =>
      Number(
        (
          await producer.ctx.db
            .selectFrom('notification_deliveries')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('claimed_by', 'is not', null)
            .where('status', '=', 'pending')
            .executeTakeFirst()
        )?.n ?? 0,
      );
    for (let i = 0; i < 100 && (await claimed()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await claimed()).toBeGreaterThan(0);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    expect(await claimed()).toBeGreaterThan(0);
    await receiver.stop();
    receiver.mode = 'up';

    await receiver.start(port);
    const second = await startCli(flags);
    // Retries fall due on the virtual clock: move it past the first backoff, then flush; the dead
    // instance's claims lapse on their own (wall time) and those rows go out too.
    await json(`${second.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: 'PT1M' }) });
    const flushed = await json<{ pending: number }>(`${second.url}/_emulator/deliveries/flush`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeoutMs: 40_000 }),
    });
    expect(flushed.pending).toBe(0);
    await receiver.waitForItems(produced.length, 10_000);
    const { unique, duplicates } = tally(receiver);
    expect([...unique].sort()).toEqual([...produced].sort());
    expect(duplicates).toBe(0);
  }, 90_000);

  it('kill -9 mid-delivery: only the notifications of the POSTs in flight at the crash arrive twice (at most one POST per URL)', async () => {
    const { flags, options } = sharedStore();
    const receiver = await new WebhookReceiver().start();
    cleanups.push(() => receiver.stop().catch(() => undefined));
    const paths = ['/a', '/b', '/c'];
    const first = await startCli(flags);
    const demo = await json<Demo>(`${first.url}/_emulator/demo`);
    for (const path of paths) await subscribeOver(first.url, demo, `${receiver.url}${path}`);

    const producer = await storeProducer(options);
    cleanups.push(() => producer.close());
    const spec = { tenantId: demo.tenantId, organizerId: demo.organizerUserId, meetingId: demo.meetingId };
    // Let one POST through, then hold every answer: the instance keeps at most one POST per URL in flight.
    // Set before producing: a fast instance delivers everything while the producer is still writing
    // (batches of up to 100), and nothing would be left to hold (CI's first failure of this test).
    receiver.holdAfter = 1;
    const recordings = 200;
    for (let i = 0; i < recordings; i++) await produceRecording(producer, spec);
    const expected = recordings * paths.length;
    const countDelivered = async (): Promise<number> =>
      Number(
        (
          await producer.ctx.db
            .selectFrom('notification_deliveries')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('status', '=', 'delivered')
            .executeTakeFirst()
        )?.n ?? 0,
      );
    const heldItems = (): number => receiver.received.slice(receiver.received.length - receiver.heldCount).reduce((n, r) => n + (r.body['value'] as unknown[]).length, 0);
    for (let i = 0; i < 300 && receiver.heldCount < paths.length; i++) await new Promise((r) => setTimeout(r, 50));
    // One held POST per URL at least; more when a held POST passed the 3 s delivery timeout before the kill
    // (a slow producer on PostgreSQL): the emulator then counts it failed and sends the next one, and a
    // timed-out POST's items are legitimately sent again — they are counted in heldItems below.
    expect(receiver.heldCount).toBeGreaterThanOrEqual(paths.length);
    // Every answered POST recorded as delivered: what is in flight is exactly the held POSTs.
    for (let i = 0; i < 300 && (await countDelivered()) !== receiver.items().length - heldItems(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await countDelivered()).toBe(receiver.items().length - heldItems());
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // Counted after the exit: no POST can arrive after this.
    const inFlight = heldItems();
    const unanswered = receiver.heldCount;
    expect(inFlight).toBeGreaterThan(0);
    expect(inFlight).toBeLessThanOrEqual(unanswered * 100);
    receiver.release();

    const second = await startCli(flags);
    // The dead instance's claims lapse (wall time) and those rows go out again.
    const flushed = await json<{ pending: number }>(`${second.url}/_emulator/deliveries/flush`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeoutMs: 40_000 }),
    });
    expect(flushed.pending).toBe(0);
    await receiver.waitForItems(expected, 20_000);
    const keys = receiver.items().map((i) => `${String(i['subscriptionId'])} ${(i['resourceData'] as { id: string }).id}`);
    const duplicates = keys.length - new Set(keys).size;
    expect(new Set(keys).size).toBe(expected);
    expect(duplicates).toBeLessThanOrEqual(inFlight);
    console.log(`crash mid-delivery: ${duplicates} duplicates of ${expected} notifications; ${inFlight} in ${unanswered} POSTs unanswered at the crash`);
    // At most one POST per URL at once. Checked when no POST timed out: the receiver sees a timed-out
    // POST's connection close asynchronously, possibly after the next POST on a new connection arrived.
    if (unanswered === paths.length) for (const path of paths) expect(receiver.maxInFlight.get(path)).toBe(1);
  }, 120_000);

  it.runIf(STORE === 'postgres')(
    'two instances on one PostgreSQL database deliver each notification exactly once',
    async () => {
      const url = process.env['TEST_DATABASE_URL']!;
      const schema = newSchemaName();
      const receiver = await new WebhookReceiver().start();
      cleanups.push(() => receiver.stop());
      const a: Emulator = await createEmulator({ tlsDir: tlsDir(), databaseUrl: url, databaseSchema: schema });
      cleanups.push(() => a.close({ dropDatabaseSchema: true }));
      const b: Emulator = await createEmulator({ tlsDir: tlsDir(), databaseUrl: url, databaseSchema: schema });
      cleanups.push(() => b.close());
      await subscribeOver(a.url, a.demo, `${receiver.url}/hook`);
      await subscribeOver(b.url, b.demo, `${receiver.url}/hook`);
      const spec = { tenantId: a.demo.tenantId, organizerId: a.demo.organizerUserId, meetingId: a.demo.meetingId };
      const count = 300;
      await Promise.all(
        [a, b].map(async (emu) => {
          for (let i = 0; i < count / 2; i++) await produceRecording(emu, spec);
        }),
      );
      // Two subscriptions: each change is two notifications.
      await receiver.waitForItems(count * 2, 30_000);
      await Promise.all([a, b].map((emu) => json(`${emu.url}/_emulator/deliveries/flush`, { method: 'POST', headers: { 'x-emulator-client': 'tests' } })));
      const items = receiver.items();
      const keys = items.map((i) => `${String(i['subscriptionId'])} ${(i['resourceData'] as { id: string }).id}`);
      expect(new Set(keys).size).toBe(count * 2);
      expect(keys.length).toBe(count * 2);
      // Both instances delivered a share.
      const log = await json<{ value: Array<{ attempts: Array<{ instanceId: string }> }> }>(`${a.url}/_emulator/deliveries?top=10000`);
      const instances = new Set(log.value.flatMap((d) => d.attempts.map((x) => x.instanceId)));
      expect(instances.size).toBe(2);
    },
    90_000,
  );
});
