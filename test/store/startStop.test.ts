import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { control, value } from '../admin/control.js';
import { STORE, tlsDir } from '../support/emulator.js';

const CYCLES = 50;

/**
 * Starting and stopping on a SQLite file, over and over, on whichever Node (and so whichever SQLite
 * library: node:sqlite or better-sqlite3) the suite runs on: no crash, no file left locked, and every
 * write of every run still there at the end.
 */
describe.runIf(STORE === 'sqlite')('start and stop on a SQLite file store', () => {
  it(`${CYCLES} times in one process`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gce-startstop-'));
    try {
      for (let i = 0; i < CYCLES; i++) {
        const emu = await createEmulator({ port: 0, dataDir, tlsDir: tlsDir() });
        try {
          expect((await control(emu, 'GET', '/health')).json).toEqual({ status: 'ok' });
          await emu.admin.createTenant({ displayName: `run ${i}` });
        } finally {
          await emu.close();
        }
      }
      const emu = await createEmulator({ port: 0, dataDir, tlsDir: tlsDir() });
      try {
        const names = value<{ displayName: string }>(await control(emu, 'GET', '/tenants')).map((t) => t.displayName);
        expect(names.filter((n) => n.startsWith('run ')).length).toBe(CYCLES);
      } finally {
        await emu.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
