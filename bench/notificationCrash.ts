/**
 * Duplicates per crash (issue 16, item 4): an emulator process delivers change notifications flat out
 * to a receiver process and is killed with SIGKILL mid-delivery, several times, each time restarted
 * on the same SQLite file. Graph's contract is at-least-once; ours adds that after a crash only the
 * notifications of the POSTs in flight may arrive twice. Measured per crash: the items the receiver
 * got that the store had not yet recorded as delivered (what a restart must send again: the POSTs in
 * flight), beside the bound, one POST of at most 100 items per notification URL. Over the whole run:
 * duplicates received and notifications lost.
 *
 * The recordings are seeded while no emulator runs (`graph-comms-emulator seed`, which writes the
 * change feed and the outbox as the domain does); this process only reads the store (openStore), to
 * count what it recorded as delivered at each crash.
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/store/database.js';
import { createSelfSignedRsaCertificate } from '../test/support/rsaCertificate.js';
import { demoAndToken } from './artifactClient.js';
import { httpsRequest } from './httpsRequest.js';
import { benchSubscription, itemKey, Receiver, type Report } from './notifications.js';
import { killProcess, runNode, sleep, stopProcess } from './processes.js';
import { emulatorScript, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';

export interface NotificationCrashOptions {
  recordings: number;
  /** Subscriptions, each to its own notification URL, half rich (encrypted). */
  subscriptions: number;
  crashes: number;
}

export interface CrashRecord {
  /** Unique items received when the process was gone. */
  receivedAtCrash: number;
  /** Rows recorded as delivered in the store at that moment. */
  recordedDelivered: number;
  /**
   * Items received but not recorded as delivered at this crash that were not so at the one before:
   * this crash's POSTs in flight (answered or not), which a restart sends again.
   */
  unrecorded: number;
}

export interface NotificationCrashResult {
  options: NotificationCrashOptions;
  notifications: number;
  received: number;
  unique: number;
  crashes: CrashRecord[];
  /** At most one POST per URL in flight per instance, at most 100 items per POST. */
  boundPerCrash: number;
  elapsedMs: number;
}

function uniqueKeys(report: Report): Set<string> {
  const keys = new Set<string>();
  for (let i = 0; i < report.resources.length; i++) keys.add(itemKey(report, i));
  return keys;
}

/** (subscription, resource id) of every row the store records as delivered (SQLite: json_extract). */
async function deliveredKeys(store: Store): Promise<Set<string>> {
  const { rows } = await sql<{ subscription: string; resource: string }>`
    SELECT subscription_id AS subscription, json_extract(payload, '$.resourceData.id') AS resource
    FROM notification_deliveries WHERE status = 'delivered' AND kind = 'change'`.execute(store.db);
  return new Set(rows.map((r) => `${r.subscription} ${r.resource}`));
}

async function subscribe(server: RunningServer, ca: string, receiver: Receiver, subscriptions: number, certificate: string): Promise<void> {
  const { authorization } = await demoAndToken(server.port, ca);
  for (let i = 0; i < subscriptions; i++) {
    const res = await httpsRequest(server.port, '/v1.0/subscriptions', ca, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      // The emulator's clock starts at wall time: 55 minutes is within Graph's limit for this resource.
      body: benchSubscription(i, `http://127.0.0.1:${receiver.port}/c${i}`, certificate, Date.now() + 55 * 60_000),
    });
    if (res.status !== 201) throw new Error(`subscription ${i}: HTTP ${res.status} ${res.body.toString('utf8')}`);
  }
}

export async function measureNotificationCrash(base: Paths, options: NotificationCrashOptions, log: (line: string) => void): Promise<NotificationCrashResult> {
  const began = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'gce-bench-crash-'));
  const paths: Paths = { ...base, dataDir };
  const receiver = await Receiver.start();
  let server: RunningServer | undefined;
  let store: Store | undefined;
  try {
    server = await startEmulatorProcess(paths);
    // After the first start: it makes the TLS material when --only runs this part alone.
    const ca = await readFile(join(paths.tlsDir, 'ca.pem'), 'utf8');
    const { certificateBase64Der } = await createSelfSignedRsaCertificate({ commonName: 'bench crash receiver' });
    await subscribe(server, ca, receiver, options.subscriptions, certificateBase64Der);
    await stopProcess(server.child);
    // The backlog is written with no emulator running (`seed`: the change pipeline with the outbox
    // sink, a delivery row per subscription), so every crash falls in the middle of flat-out delivery.
    await runNode(emulatorScript(paths), ['seed', '--recordings', String(options.recordings), '--data-dir', dataDir, '--no-progress'], 300_000, paths.repoRoot);
    const expected = options.recordings * options.subscriptions;
    log(`  ${options.recordings} recordings seeded (${expected} notifications queued)`);
    store = await openStore({ kind: 'sqlite', filename: join(dataDir, 'emulator.sqlite') });
    await receiver.reset();
    server = await startEmulatorProcess(paths);

    const crashes: CrashRecord[] = [];
    // Received, not recorded as delivered, at the crash before: a dead instance's claims last 15 s, so
    // they may still be waiting at the next crash and are not that crash's.
    let pendingBefore = new Set<string>();
    for (let c = 1; c <= options.crashes; c++) {
      // Kill when the receiver has about c/(crashes+1) of the notifications (bounded wait).
      const target = Math.floor((expected * c) / (options.crashes + 1));
      for (let i = 0; i < 6_000 && (await receiver.count()) < target; i++) await sleep(10);
      await killProcess(server.child);
      // Counted after the exit: nothing more can arrive from the dead process; a POST it was writing lands before its socket closes.
      await sleep(200);
      const received = uniqueKeys(await receiver.report());
      const delivered = await deliveredKeys(store);
      const pendingNow = new Set([...received].filter((key) => !delivered.has(key)));
      const unrecorded = [...pendingNow].filter((key) => !pendingBefore.has(key)).length;
      pendingBefore = pendingNow;
      crashes.push({ receivedAtCrash: received.size, recordedDelivered: delivered.size, unrecorded });
      log(`  crash ${c}/${options.crashes}: ${received.size} received, ${delivered.size} recorded as delivered, ${unrecorded} more to be sent again`);
      server = await startEmulatorProcess(paths);
    }

    // The dead instances' claims lapse after 15 s of wall time; then their rows go out again.
    const flushed = await httpsRequest(
      server.port,
      '/_emulator/deliveries/flush',
      ca,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timeoutMs: 60_000 }) },
      70_000,
    );
    if (flushed.status !== 200) throw new Error(`flush: HTTP ${flushed.status} ${flushed.body.toString('utf8')}`);
    const report = await receiver.waitFor(expected + crashes.reduce((n, c) => n + c.unrecorded, 0), 5_000);
    const unique = uniqueKeys(report).size;
    return {
      options,
      notifications: expected,
      received: report.resources.length,
      unique,
      crashes,
      boundPerCrash: 100 * options.subscriptions,
      elapsedMs: performance.now() - began,
    };
  } finally {
    if (server !== undefined) await stopProcess(server.child);
    await store?.close();
    receiver.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function renderNotificationCrash(r: NotificationCrashResult): string {
  const lost = r.notifications - r.unique;
  const duplicates = r.received - r.unique;
  const worst = Math.max(0, ...r.crashes.map((c) => c.unrecorded));
  const perCrash = r.crashes.length > 0 ? duplicates / r.crashes.length : 0;
  const rows = [
    ['duplicates per crash (received twice ÷ crashes)', perCrash.toFixed(0), `≤ ${r.boundPerCrash} (one POST of ≤ 100 per URL in flight)`, perCrash <= r.boundPerCrash ? 'met' : '**not met**'],
    [
      'sent again per crash: received, not yet recorded as delivered (each crash)',
      r.crashes.map((c) => c.unrecorded).join(', '),
      `≤ ${r.boundPerCrash}`,
      worst <= r.boundPerCrash ? 'met' : '**not met**',
    ],
    ['duplicates in all (received − unique)', String(duplicates), `${r.crashes.reduce((n, c) => n + c.unrecorded, 0)} sent again`, ''],
    ['lost', String(lost), '0', lost === 0 ? 'met' : '**not met**'],
    ['received at each crash', r.crashes.map((c) => `${c.receivedAtCrash} of ${r.notifications}`).join(', '), '', ''],
  ];
  return [
    `### Change notifications across kill -9 (${r.options.recordings} recordings × ${r.options.subscriptions} subscriptions, half rich; ${r.crashes.length} crashes; ${(r.elapsedMs / 1000).toFixed(0)} s)`,
    '',
    '| figure | emulator | bound | met |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    'The emulator process (`npm start`’s command, SQLite) is killed with SIGKILL while it delivers a flat-out backlog, then restarted on the same file; the last one flushes. The bound is the most a crash may re-send: the items of the POSTs in flight, at most one POST of at most 100 items per notification URL.',
  ].join('\n');
}
