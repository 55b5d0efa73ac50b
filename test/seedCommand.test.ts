import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';

const CLI = resolve('dist/src/cli.js');
const run = promisify(execFile);

describe('graph-comms-emulator seed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gce-seed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bulk-creates recordings and transcripts in a store, each with its change-feed entry, the bytes stored once', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'seed', '--data-dir', dir, '--recordings', '120', '--transcripts', '30', '--per-meeting', '25', '--batch', '40', '--no-progress']);
    expect(stdout).toMatch(/^seeded 120 recordings and 30 transcripts in 5 meetings in [\d.]+ s$/m);
    const store = await openStore({ kind: 'sqlite', filename: join(dir, 'emulator.sqlite') });
    try {
      const kinds = await store.db
        .selectFrom('artifacts')
        .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('kind')
        .orderBy('kind')
        .execute();
      expect(kinds.map((k) => [k.kind, Number(k.n)])).toEqual([
        ['recording', 120],
        ['transcript', 30],
      ]);
      const fed = await store.db
        .selectFrom('change_feed')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('change_type', '=', 'created')
        .where('resource', 'in', ['recording', 'transcript'])
        .executeTakeFirstOrThrow();
      expect(Number(fed.n)).toBe(150);
      // One MP4, one transcript and its metadata: content-addressed.
      const blobs = readdirSync(join(dir, 'blobs'))
        .filter((d) => d !== 'tmp')
        .flatMap((d) => readdirSync(join(dir, 'blobs', d)));
      expect(blobs.length).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('refuses an in-memory store and bad counts', async () => {
    await expect(run(process.execPath, [CLI, 'seed', '--in-memory', '--recordings', '1'])).rejects.toMatchObject({ stderr: expect.stringMatching(/in-memory store keeps nothing/) as unknown });
    await expect(run(process.execPath, [CLI, 'seed', '--data-dir', dir, '--recordings', '-5'])).rejects.toMatchObject({ code: 1 });
    await expect(run(process.execPath, [CLI, 'seed', '--data-dir', dir, '--recordings', '5', '--organizer', '00000000-0000-0000-0000-00000000abcd'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/was not found/) as unknown,
    });
  });
});
