import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/emulator.js';
import { control, value } from '../support/control.js';
import { STORE, tlsDir } from '../support/emulator.js';

const CYCLES = 50;
const CLI_CYCLES = 5;

/** The bundled CLI (npm test builds it), started until its ready line, then SIGTERM: its exit code and stderr. */
function cliStartStop(dataDir: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve('dist/cli.mjs'), 'start', '--port', '0', '--http', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n') && child.exitCode === null) child.kill('SIGTERM'); // the ready line
    });
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code, signal) => done({ code, signal, stderr }));
  });
}

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
  }, 300_000);

  it(`${CLI_CYCLES} times as the CLI, each exiting 0 on SIGTERM`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gce-startstop-cli-'));
    try {
      for (let i = 0; i < CLI_CYCLES; i++) {
        // A crash (a native module failing at load or at exit) shows as a non-zero code or a signal.
        expect(await cliStartStop(dataDir)).toEqual({ code: 0, signal: null, stderr: '' });
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
