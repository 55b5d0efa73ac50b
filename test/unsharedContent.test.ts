import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { CLI, spawnCli, stopCli, waitForOutput } from './support/cliProcess.js';
import { STORE } from './support/emulator.js';

const run = promisify(execFile);
const url = process.env['TEST_DATABASE_URL'];

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A PostgreSQL schema of this test's own, dropped after it. */
function schemaName(): string {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  cleanups.push(async () => {
    const store = await openStore({ kind: 'postgres', url: url!, schema });
    await store.dropSchema();
    await store.close();
  });
  return schema;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gce-unshared-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function schemaExists(schema: string): Promise<boolean> {
  const store = await openStore({ kind: 'postgres', url: url! });
  try {
    const { rows } = await sql<{ n: number }>`select count(*) as n from pg_namespace where nspname = ${schema}`.execute(store.db);
    return Number(rows[0]!.n) === 1;
  } finally {
    await store.close();
  }
}

/**
 * PostgreSQL keeps the rows, the blob directory the bytes: without a shared one, content made by one
 * process is gone when it exits and unseen by the others. (These need the PostgreSQL leg's database.)
 */
describe.skipIf(STORE !== 'postgres' || url === undefined)('PostgreSQL without a shared blob directory', () => {
  it('seed refuses, naming --blob-dir and --data-dir, before touching the database', async () => {
    const schema = schemaName();
    const failed = run(process.execPath, [CLI, 'seed', '--database-url', url!, '--database-schema', schema, '--recordings', '3', '--no-progress']);
    await expect(failed).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--blob-dir DIR \(or --data-dir DIR\)/) as unknown });
    await expect(failed).rejects.toMatchObject({ stderr: expect.stringMatching(/would lose every recording/) as unknown });
    expect(await schemaExists(schema)).toBe(false);
  });

  it('seed with --blob-dir keeps the bytes there', async () => {
    const schema = schemaName();
    const blobs = tempDir();
    const { stdout } = await run(process.execPath, [CLI, 'seed', '--database-url', url!, '--database-schema', schema, '--blob-dir', blobs, '--recordings', '3', '--no-progress']);
    expect(stdout).toMatch(/^seeded 3 recordings/m);
    const files = readdirSync(blobs)
      .filter((d) => /^[0-9a-f]{2}$/.test(d))
      .flatMap((d) => readdirSync(join(blobs, d)));
    expect(files.length).toBeGreaterThanOrEqual(1);
  });

  it('start warns: a line after the ready line, and a warn log line', async () => {
    const schema = schemaName();
    const started = spawnCli(['start', '--database-url', url!, '--database-schema', schema, '--http', '--port', '0', '--log-level', 'warn']);
    children.push(started.child);
    await waitForOutput(started, (out) => /"level":40/.test(out), 'warning');
    const lines = started.out().split('\n');
    expect(lines[0]).toMatch(/^graph-comms-emulator ready on http:\/\/localhost:\d+ \(store: postgresql/);
    expect(lines[1]).toMatch(/^warning: recording and transcript content is kept in a temporary directory .* Give --data-dir or --blob-dir/);
    const logged = JSON.parse(lines.find((l) => l.startsWith('{'))!) as { level: number; msg: string };
    expect(logged).toMatchObject({ level: 40, msg: expect.stringMatching(/lost when the process exits, and other instances on this database answer 404/) as unknown });
    await stopCli(started);
  });

  it('start with --blob-dir does not warn', async () => {
    const schema = schemaName();
    const blobs = tempDir();
    const started = spawnCli(['start', '--database-url', url!, '--database-schema', schema, '--blob-dir', blobs, '--http', '--port', '0', '--log-level', 'warn']);
    children.push(started.child);
    await waitForOutput(started, (out) => out.includes('\n'), 'ready line');
    await stopCli(started);
    const out = started.out();
    expect(out).toMatch(/^graph-comms-emulator ready on /);
    expect(out).not.toMatch(/warning|"level":40/);
    expect(readdirSync(blobs)).toContain('tmp');
  });
});
