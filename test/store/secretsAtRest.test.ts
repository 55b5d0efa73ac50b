import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { controlJson } from '../support/control.js';
import { STORE, tlsDir } from '../support/emulator.js';

const mode = (path: string): string => `0${(statSync(path).mode & 0o777).toString(8)}`;

/** Every blob file under a blob directory (its two-hex-digit fan-out directories). */
const blobFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => /^[0-9a-f]{2}$/.test(name))
    .flatMap((sub) => readdirSync(join(dir, sub)).map((name) => join(dir, sub, name)));

// The SQLite file and the blob directory are the subject; the PostgreSQL leg would run the same test again.
describe.skipIf(STORE === 'postgres')('secrets at rest: the data directory is 0700, its files 0600, whatever the umask', () => {
  let root: string;
  let umask: number;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gce-private-'));
    // A permissive umask, as most shells have: without our chmods SQLite's file would be 0644.
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  it('a fresh data dir: the directory, emulator.sqlite and its -wal/-shm, the blob directories and a recording’s bytes', async () => {
    const dataDir = join(root, 'fresh');
    const emu = await createEmulator({ dataDir, tlsDir: tlsDir(), http: true, port: 0 });
    try {
      // A streamed recording (the demo's is written whole), so both blob write paths are covered.
      await controlJson(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, { recordingSizeBytes: 2_000_000, transcript: false });
      expect(mode(dataDir)).toBe('0700');
      const sqlite = join(dataDir, 'emulator.sqlite');
      expect(mode(sqlite)).toBe('0600');
      // WAL mode: both exist while the store is open, with the database file's permissions.
      expect(mode(`${sqlite}-wal`)).toBe('0600');
      expect(mode(`${sqlite}-shm`)).toBe('0600');
      const blobs = join(dataDir, 'blobs');
      expect(mode(blobs)).toBe('0700');
      expect(mode(join(blobs, 'tmp'))).toBe('0700');
      const files = blobFiles(blobs);
      expect(files.length).toBeGreaterThanOrEqual(2); // the demo's recording and transcript, and the simulated recording
      for (const file of files) {
        expect(mode(file), file).toBe('0600');
        expect(mode(resolve(file, '..')), file).toBe('0700');
      }
    } finally {
      await emu.close();
    }
  });

  it('an existing data dir open to others is tightened at start, with a warning naming it, as are the SQLite file and the blob directory', async () => {
    const dataDir = join(root, 'loose');
    const first = await createEmulator({ dataDir, tlsDir: tlsDir(), http: true, port: 0 });
    await first.close();
    // As an older version (or a looser umask) left them.
    const sqlite = join(dataDir, 'emulator.sqlite');
    chmodSync(dataDir, 0o755);
    chmodSync(sqlite, 0o644);
    chmodSync(join(dataDir, 'blobs'), 0o755);
    expect(mode(dataDir)).toBe('0755');

    const run = spawn(process.execPath, [resolve('dist/cli.mjs'), 'start', '--data-dir', dataDir, '--tls-dir', tlsDir(), '--http', '--port', '0', '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(run);
    const out: string[] = [];
    run.stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
    run.stderr.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
    const started = Date.now();
    // Generous: a cold start on a loaded 2-core machine takes a few seconds; the point is the lines, not the time.
    while (!/made .*blobs private/.test(out.join(''))) {
      if (run.exitCode !== null) throw new Error(`the CLI exited ${run.exitCode}: ${out.join('')}`);
      if (Date.now() - started > 30_000) throw new Error(`no warning within 30 s: ${out.join('')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const lines = out.join('').split('\n');
    expect(lines[0]).toMatch(/^graph-comms-emulator ready on http:\/\/localhost:\d+/);
    const warnings = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string; path?: string; previousMode?: string });
    expect(warnings).toContainEqual(expect.objectContaining({ level: 40, path: dataDir, previousMode: '0755', msg: expect.stringContaining(`made ${dataDir} private (0700)`) }));
    expect(warnings).toContainEqual(expect.objectContaining({ level: 40, path: join(dataDir, 'blobs'), previousMode: '0755' }));
    expect(mode(dataDir)).toBe('0700');
    expect(mode(sqlite)).toBe('0600');
    expect(mode(join(dataDir, 'blobs'))).toBe('0700');
    run.kill('SIGTERM');
    await new Promise((done) => run.once('exit', done));
  });

  it('a data dir that is already private is left as it is, without a warning', async () => {
    const dataDir = join(root, 'private');
    mkdirSync(dataDir, { mode: 0o700 });
    chmodSync(dataDir, 0o700);
    const emu = await createEmulator({ dataDir, tlsDir: tlsDir(), http: true, port: 0, demo: false });
    try {
      expect(emu.internals.startupWarnings).toEqual([]);
      expect(existsSync(join(dataDir, 'emulator.sqlite'))).toBe(true);
      expect(mode(dataDir)).toBe('0700');
    } finally {
      await emu.close();
    }
  });
});

const children: ReturnType<typeof spawn>[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
