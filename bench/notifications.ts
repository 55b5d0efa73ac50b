/**
 * Change-notification benchmark: recordings created through the change pipeline of an in-process
 * emulator (SQLite file store) with 10 subscriptions (half rich, so encrypted) to a receiver in its
 * own process. Measured: notifications delivered per second and creation→receipt latency (p50/p99),
 * flat out and paced at 500 notifications/s, and that none is lost. Baseline, same run, same receiver:
 * a bare Node loop that builds equally sized notifications (encrypting the rich half with the same
 * algorithm) and POSTs them in the same batches, with no store.
 *
 *   node dist/bench/notifications.js [--recordings N] [--paced-seconds S]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { constants, createCipheriv, createHmac, publicEncrypt, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmulator, type Emulator } from '../src/emulator.js';
import { createSelfSignedRsaCertificate } from '../test/support/rsaCertificate.js';

const now = (): number => performance.timeOrigin + performance.now();

export interface NotificationBenchOptions {
  recordings: number;
  subscriptions: number;
  pacedPerSecond: number;
  pacedSeconds: number;
  tlsDir: string;
  log: (line: string) => void;
}

export interface PhaseResult {
  notifications: number;
  received: number;
  unique: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  posts: number;
  /**
   * CPU time (user + system) of this process per 1,000 recordings, from the first creation to the last
   * receipt: creation and delivery together (the receiver is another process). Flat out only; less
   * noisy than rates on a shared machine.
   */
  cpuMsPer1000?: number;
}

export interface NotificationBenchResult {
  options: Omit<NotificationBenchOptions, 'log' | 'tlsDir'>;
  emulator: { flatOut: PhaseResult; paced: PhaseResult };
  baseline: { flatOut: PhaseResult; paced: PhaseResult };
}

export interface Report {
  subscriptions: string[];
  resources: string[];
  receivedAt: number[];
  posts: number;
}

/** A received item's identity: (subscription, resource id). */
export const itemKey = (report: Report, i: number): string => `${report.subscriptions[i]} ${report.resources[i]}`;

/**
 * The bench's subscription `i` to getAllRecordings: even ones rich (encrypted with `certificate`), odd
 * ones basic, each to its own URL.
 */
export function benchSubscription(i: number, notificationUrl: string, certificate: string, expiresAtMs: number): string {
  const rich = i % 2 === 0;
  return JSON.stringify({
    changeType: 'created',
    notificationUrl,
    resource: 'communications/onlineMeetings/getAllRecordings',
    expirationDateTime: new Date(expiresAtMs).toISOString(),
    ...(rich ? { includeResourceData: true, encryptionCertificate: certificate, encryptionCertificateId: `bench-${i}` } : {}),
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The webhook receiver process (bench/notificationsReceiver.ts), asked over IPC. */
export class Receiver {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<Receiver> {
    const child = fork(fileURLToPath(new URL('./notificationsReceiver.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`receiver exited ${String(code)}`)));
    });
    return new Receiver(child, port);
  }

  private ask<T>(message: string): Promise<T> {
    return new Promise((resolve) => {
      this.child.once('message', (m: T) => resolve(m));
      this.child.send(message);
    });
  }

  report = (): Promise<Report> => this.ask<Report>('report');
  /** How many items arrived so far (cheap: no arrays cross the IPC channel). */
  count = async (): Promise<number> => (await this.ask<{ count: number }>('count')).count;
  reset = (): Promise<unknown> => this.ask('reset');

  /** Poll until `count` items arrived or nothing new came for `idleMs`. */
  async waitFor(count: number, idleMs = 10_000): Promise<Report> {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const report = await this.report();
      if (report.resources.length >= count) return report;
      if (report.resources.length !== last) {
        last = report.resources.length;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > idleMs) return report;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): void {
    this.child.disconnect();
    this.child.kill('SIGKILL');
  }
}

/** This process's CPU milliseconds (user + system) since `since`, per 1,000 recordings. */
const cpuPer1000 = (since: NodeJS.CpuUsage, recordings: number): number => {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) / 1000 / recordings) * 1000;
};

function summarize(expected: number, createdAt: Map<string, number>, report: Report, startedMs: number): PhaseResult {
  const latencies: number[] = [];
  const seen = new Set<string>();
  let lastReceipt = startedMs;
  for (let i = 0; i < report.resources.length; i++) {
    const id = report.resources[i]!;
    seen.add(itemKey(report, i));
    const created = createdAt.get(id);
    if (created !== undefined) latencies.push(report.receivedAt[i]! - created);
    lastReceipt = Math.max(lastReceipt, report.receivedAt[i]!);
  }
  latencies.sort((a, b) => a - b);
  return {
    notifications: expected,
    received: report.resources.length,
    unique: seen.size,
    perSecond: report.resources.length / ((lastReceipt - startedMs) / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: percentile(latencies, 100),
    posts: report.posts,
  };
}

/** One recording through the real change pipeline, in its own transaction (as the domain will emit it). */
async function createRecording(emu: Emulator, n: number): Promise<{ id: string; at: number }> {
  const { ctx } = emu.internals.services;
  const { tenantId, organizerUserId, meetingId } = emu.demo;
  const id = Buffer.from(`VjIj${randomBytes(24).toString('hex')}`).toString('base64');
  const callId = randomUUID();
  const createdDateTime = ctx.clock.now().toISOString();
  const data = {
    id,
    meetingId,
    callId,
    contentCorrelationId: `${randomUUID()}-0`,
    createdDateTime,
    endDateTime: createdDateTime,
    recordingContentUrl: `users/${organizerUserId}/onlineMeetings/${meetingId}/recordings/${id}/content`,
    meetingOrganizer: { application: null, device: null, user: { userIdentityType: 'aadUser', id: organizerUserId, displayName: null, tenantId } },
    content: null,
    n,
  };
  const at = now();
  await ctx.db
    .transaction()
    .execute((trx) => ctx.changes.emit(trx, { resource: 'recording', changeType: 'created', tenantId, resourceId: id, organizerId: organizerUserId, meetingId, callId }, createdDateTime, data));
  return { id, at };
}

async function runEmulator(options: NotificationBenchOptions, receiver: Receiver, certificate: string): Promise<NotificationBenchResult['emulator']> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gce-bench-notif-'));
  const emu = await createEmulator({ dataDir, tlsDir: options.tlsDir, http: true, logLevel: 'error' });
  try {
    const { access_token: token } = await emu.admin.mintToken({ clientId: emu.demo.clientId });
    for (let i = 0; i < options.subscriptions; i++) {
      const res = await fetch(`${emu.url}/v1.0/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: benchSubscription(i, `http://127.0.0.1:${receiver.port}/s${i}`, certificate, emu.clock.nowMs() + 55 * 60_000),
      });
      if (res.status !== 201) throw new Error(`subscription ${i}: ${res.status} ${await res.text()}`);
    }

    // Flat out.
    await receiver.reset();
    const createdAt = new Map<string, number>();
    const cpuStart = process.cpuUsage();
    const started = now();
    for (let n = 0; n < options.recordings; n++) {
      const { id, at } = await createRecording(emu, n);
      createdAt.set(id, at);
      // better-sqlite3 is synchronous, so a tight loop of awaits never leaves the microtask queue and
      // would starve the dispatcher's sockets; real changes arrive as requests or timers (macrotasks).
      await new Promise((r) => setImmediate(r));
      if (n % 1000 === 999) options.log(`  emulator: ${n + 1} recordings created in ${((now() - started) / 1000).toFixed(1)} s`);
    }
    const expected = options.recordings * options.subscriptions;
    const flatOut = { ...summarize(expected, createdAt, await receiver.waitFor(expected), started), cpuMsPer1000: cpuPer1000(cpuStart, options.recordings) };
    options.log(`  emulator flat out: ${flatOut.received}/${expected} in ${flatOut.perSecond.toFixed(0)} notifications/s, ${flatOut.cpuMsPer1000.toFixed(0)} CPU ms per 1,000 recordings`);

    // Paced: recordings spread evenly to make pacedPerSecond notifications per second.
    await receiver.reset();
    const paced = new Map<string, number>();
    const perRecordingMs = (1000 * options.subscriptions) / options.pacedPerSecond;
    const count = Math.round((options.pacedSeconds * 1000) / perRecordingMs);
    const pacedStart = now();
    for (let n = 0; n < count; n++) {
      const wait = pacedStart + n * perRecordingMs - now();
      // Behind schedule, still yield (a macrotask, as a request would be): a loop that never does starves the sockets, inflating p50.
      await new Promise((r) => (wait > 0 ? setTimeout(r, wait) : setImmediate(r)));
      const { id, at } = await createRecording(emu, n);
      paced.set(id, at);
    }
    const pacedResult = summarize(count * options.subscriptions, paced, await receiver.waitFor(count * options.subscriptions), pacedStart);
    options.log(`  emulator paced: p50 ${pacedResult.p50Ms.toFixed(1)} ms, p99 ${pacedResult.p99Ms.toFixed(1)} ms, max ${pacedResult.maxMs.toFixed(1)} ms`);
    return { flatOut, paced: pacedResult };
  } finally {
    await emu.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The baseline: the same items (rich half encrypted the documented way), batched the same, POSTed by a bare loop. */
async function runBaseline(options: NotificationBenchOptions, receiver: Receiver, certificate: string): Promise<NotificationBenchResult['baseline']> {
  const publicKey = new X509Certificate(Buffer.from(certificate, 'base64')).publicKey;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const post = (path: string, body: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: receiver.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const item = (sub: number, id: string, data: string): string => {
    const resource = `users/u/onlineMeetings('m')/recordings('${id}')`;
    const base = { subscriptionId: randomUUID(), changeType: 'created', tenantId: randomUUID(), clientState: null, subscriptionExpirationDateTime: new Date().toISOString(), resource };
    const resourceData = { id, '@odata.type': '#Microsoft.Graph.callRecording', '@odata.id': resource };
    if (sub % 2 !== 0) return JSON.stringify({ ...base, subscriptionId: `s${sub}`, resourceData });
    const key = randomBytes(32);
    const dataKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64');
    const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    const ciphertext = Buffer.concat([cipher.update(data, 'utf8'), cipher.final()]);
    return JSON.stringify({
      ...base,
      subscriptionId: `s${sub}`,
      resourceData,
      encryptedContent: {
        data: ciphertext.toString('base64'),
        dataSignature: createHmac('sha256', key).update(ciphertext).digest('base64'),
        dataKey,
        encryptionCertificateId: 'x',
        encryptionCertificateThumbprint: 'X'.repeat(40),
      },
    });
  };
  const data = (id: string): string =>
    JSON.stringify({
      id,
      meetingId: 'm'.repeat(120),
      callId: randomUUID(),
      contentCorrelationId: randomUUID(),
      createdDateTime: new Date().toISOString(),
      endDateTime: new Date().toISOString(),
      recordingContentUrl: 'u'.repeat(200),
      meetingOrganizer: { application: null, device: null, user: { userIdentityType: 'aadUser', id: randomUUID(), displayName: null, tenantId: randomUUID() } },
      content: null,
    });
  const token = 'e'.repeat(900); // a validation token's size

  // Flat out: per recording, one item per subscription; queued per URL and sent 100 per POST, 8 POSTs in flight.
  await receiver.reset();
  const createdAt = new Map<string, number>();
  const queues: string[][] = Array.from({ length: options.subscriptions }, () => []);
  const cpuStart = process.cpuUsage();
  const started = now();
  let inFlight = 0;
  const sends: Promise<void>[] = [];
  const drain = async (force: boolean): Promise<void> => {
    for (let s = 0; s < options.subscriptions; s++) {
      while (queues[s]!.length >= (force ? 1 : 100)) {
        while (inFlight >= 8) await Promise.race(sends);
        const batch = queues[s]!.splice(0, 100);
        inFlight++;
        const sent = post(`/b${s}`, `{"value":[${batch.join(',')}]${s % 2 === 0 ? `,"validationTokens":["${token}"]` : ''}}`).finally(() => {
          inFlight--;
          sends.splice(sends.indexOf(sent), 1);
        });
        sends.push(sent);
      }
    }
  };
  for (let n = 0; n < options.recordings; n++) {
    const id = `b${n}`;
    createdAt.set(id, now());
    const plain = data(id);
    for (let s = 0; s < options.subscriptions; s++) queues[s]!.push(item(s, id, plain));
    await drain(false);
  }
  await drain(true);
  await Promise.all(sends);
  const expected = options.recordings * options.subscriptions;
  const flatOut = { ...summarize(expected, createdAt, await receiver.waitFor(expected), started), cpuMsPer1000: cpuPer1000(cpuStart, options.recordings) };
  options.log(`  baseline flat out: ${flatOut.perSecond.toFixed(0)} notifications/s, ${flatOut.cpuMsPer1000.toFixed(0)} CPU ms per 1,000 recordings`);

  // Paced: each recording's items POSTed at once (one POST per subscription URL).
  await receiver.reset();
  const paced = new Map<string, number>();
  const perRecordingMs = (1000 * options.subscriptions) / options.pacedPerSecond;
  const count = Math.round((options.pacedSeconds * 1000) / perRecordingMs);
  const pacedStart = now();
  const pending: Promise<void>[] = [];
  for (let n = 0; n < count; n++) {
    const wait = pacedStart + n * perRecordingMs - now();
    // Behind schedule, still yield (a macrotask, as a request would be): a loop that never does starves the sockets, inflating p50.
    await new Promise((r) => (wait > 0 ? setTimeout(r, wait) : setImmediate(r)));
    const id = `p${n}`;
    paced.set(id, now());
    const plain = data(id);
    for (let s = 0; s < options.subscriptions; s++) pending.push(post(`/b${s}`, `{"value":[${item(s, id, plain)}]${s % 2 === 0 ? `,"validationTokens":["${token}"]` : ''}}`));
  }
  await Promise.all(pending);
  const pacedResult = summarize(count * options.subscriptions, paced, await receiver.waitFor(count * options.subscriptions), pacedStart);
  agent.destroy();
  return { flatOut, paced: pacedResult };
}

export async function measureNotifications(options: NotificationBenchOptions): Promise<NotificationBenchResult> {
  const receiver = await Receiver.start();
  try {
    const { certificateBase64Der } = await createSelfSignedRsaCertificate({ commonName: 'bench receiver' });
    options.log(`bench: notifications (${options.recordings} recordings × ${options.subscriptions} subscriptions, half rich; then paced at ${options.pacedPerSecond}/s for ${options.pacedSeconds} s)`);
    const baseline = await runBaseline(options, receiver, certificateBase64Der);
    const emulator = await runEmulator(options, receiver, certificateBase64Der);
    const { log: _log, tlsDir: _tls, ...shown } = options;
    return { options: shown, emulator, baseline };
  } finally {
    receiver.stop();
  }
}

const f0 = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

export function renderNotificationsReport(r: NotificationBenchResult): string {
  const e = r.emulator;
  const b = r.baseline;
  const lost = (p: PhaseResult): string => `${p.notifications - p.unique} lost, ${p.received - p.unique} duplicates`;
  const rows = [
    [
      'notifications delivered / s (flat out)',
      `${f0(e.flatOut.perSecond)}`,
      `${f0(b.flatOut.perSecond)}`,
      `${(e.flatOut.perSecond / b.flatOut.perSecond).toFixed(2)}×`,
      '≥ 0.3×',
      e.flatOut.perSecond >= 0.3 * b.flatOut.perSecond ? 'met' : '**not met**',
    ],
    [
      'CPU ms per 1,000 recordings (flat out, creation and delivery)',
      f0(e.flatOut.cpuMsPer1000 ?? Number.NaN),
      f0(b.flatOut.cpuMsPer1000 ?? Number.NaN),
      `${((e.flatOut.cpuMsPer1000 ?? Number.NaN) / (b.flatOut.cpuMsPer1000 ?? Number.NaN)).toFixed(2)}×`,
      '',
      '',
    ],
    ['creation→receipt p50 (flat out)', `${f1(e.flatOut.p50Ms)} ms`, `${f1(b.flatOut.p50Ms)} ms`, `${(e.flatOut.p50Ms / b.flatOut.p50Ms).toFixed(2)}×`, '', ''],
    ['creation→receipt p99 (flat out)', `${f1(e.flatOut.p99Ms)} ms`, `${f1(b.flatOut.p99Ms)} ms`, `${(e.flatOut.p99Ms / b.flatOut.p99Ms).toFixed(2)}×`, '', ''],
    [`creation→receipt p50 at ${r.options.pacedPerSecond}/s`, `${f1(e.paced.p50Ms)} ms`, `${f1(b.paced.p50Ms)} ms`, `${(e.paced.p50Ms / b.paced.p50Ms).toFixed(2)}×`, '', ''],
    [
      `creation→receipt p99 at ${r.options.pacedPerSecond}/s`,
      `${f1(e.paced.p99Ms)} ms`,
      `${f1(b.paced.p99Ms)} ms`,
      `${(e.paced.p99Ms / b.paced.p99Ms).toFixed(2)}×`,
      '< 50 ms',
      e.paced.p99Ms < 50 ? 'met' : '**not met**',
    ],
    ['lost / duplicated (flat out)', lost(e.flatOut), lost(b.flatOut), '', 'none lost', e.flatOut.unique === e.flatOut.notifications ? 'met' : '**not met**'],
    ['lost / duplicated (paced)', lost(e.paced), lost(b.paced), '', 'none lost', e.paced.unique === e.paced.notifications ? 'met' : '**not met**'],
    ['POSTs (flat out)', `${e.flatOut.posts} (${(e.flatOut.received / Math.max(1, e.flatOut.posts)).toFixed(1)} per POST)`, `${b.flatOut.posts}`, '', 'Graph-like batching', ''],
    ['POSTs (paced)', `${e.paced.posts} (${(e.paced.received / Math.max(1, e.paced.posts)).toFixed(1)} per POST)`, `${b.paced.posts}`, '', '', ''],
  ];
  return [
    `### Change notifications (${r.options.recordings} recordings × ${r.options.subscriptions} subscriptions, half rich)`,
    '',
    '| figure | emulator | baseline | ratio | goal | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    'Baseline: a bare Node loop in the same run building the same notifications (rich half encrypted: RSA-OAEP-SHA1 + AES-256-CBC + HMAC) and POSTing them, 100 per POST and 8 in flight (flat out) or one POST per subscription as each recording appears (paced), to the same receiver process — no store, no outbox.',
  ].join('\n');
}

function parse(argv: readonly string[]): { recordings: number; pacedSeconds: number } {
  const value = (name: string, fallback: number, lo: number, hi: number): number => {
    const at = argv.indexOf(name);
    if (at < 0) return fallback;
    const v = Number(argv[at + 1]);
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`${name} takes a whole number from ${lo} to ${hi}`);
    return v;
  };
  for (let i = 0; i < argv.length; i += 2)
    if (!['--recordings', '--paced-seconds'].includes(argv[i]!)) throw new Error(`unknown argument ${argv[i]!}; usage: node dist/bench/notifications.js [--recordings N] [--paced-seconds S]`);
  return { recordings: value('--recordings', 10_000, 10, 100_000), pacedSeconds: value('--paced-seconds', 10, 1, 120) };
}

// Run alone: `node dist/bench/notifications.js`.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const began = performance.now();
  const args = parse(process.argv.slice(2));
  const tlsDir = await mkdtemp(join(tmpdir(), 'gce-bench-tls-'));
  measureNotifications({ ...args, subscriptions: 10, pacedPerSecond: 500, tlsDir, log: (line) => process.stderr.write(`${line}\n`) })
    .then((result) => {
      console.log(`command: node dist/bench/notifications.js ${process.argv.slice(2).join(' ')}\nnode ${process.version}, elapsed ${((performance.now() - began) / 1000).toFixed(0)} s\n`);
      console.log(renderNotificationsReport(result));
    })
    .catch((err: unknown) => {
      console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = 1;
    })
    .finally(() => rm(tlsDir, { recursive: true, force: true }).then(() => process.exit()));
}
