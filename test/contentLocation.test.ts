import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { CLI, spawnCli, stopCli, waitForOutput } from './support/cliProcess.js';
import { STORE, tempPgSchema } from './support/emulator.js';

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
  const { schema, drop } = tempPgSchema();
  cleanups.push(drop);
  return schema;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gce-unshared-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function contentRows(schema: string): Promise<number> {
  const store = await openStore({ kind: 'postgres', url: url!, schema });
  try {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from content_blobs where key is not null`.execute(store.db);
    return Number(rows[0]!.n);
  } finally {
    await store.close();
  }
}

/**
 * PostgreSQL without a blob directory keeps recording and transcript bytes in the database
 * (store/pgContent.ts): seed writes them there and start has nothing to warn about; with
 * --blob-dir they go to that directory. (These need the PostgreSQL leg's database.)
 */
describe.skipIf(STORE !== 'postgres' || url === undefined)('PostgreSQL with and without a blob directory', () => {
  it('seed without --blob-dir keeps the bytes in PostgreSQL', async () => {
    const schema = schemaName();
    const { stdout } = await run(process.execPath, [CLI, 'seed', '--database-url', url!, '--database-schema', schema, '--recordings', '3', '--no-progress']);
    expect(stdout).toMatch(/^seeded 3 recordings/m);
    // The recording's MP4 and the transcript's two WebVTT streams, each stored once.
    expect(await contentRows(schema)).toBeGreaterThanOrEqual(1);
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
    expect(await contentRows(schema)).toBe(0);
  });

  it('start without --blob-dir does not warn, and keeps the demo content in PostgreSQL', async () => {
    const schema = schemaName();
    const started = spawnCli(['start', '--database-url', url!, '--database-schema', schema, '--http', '--port', '0', '--log-level', 'warn']);
    children.push(started.child);
    await waitForOutput(started, (out) => out.includes('\n'), 'ready line');
    await stopCli(started);
    const out = started.out();
    expect(out).toMatch(/^graph-comms-emulator ready on http:\/\/localhost:\d+ \(store: postgresql/);
    expect(out).not.toMatch(/warning|"level":40/);
    expect(await contentRows(schema)).toBeGreaterThanOrEqual(1);
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
