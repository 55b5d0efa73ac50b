import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, waitForOutput } from '../support/cliProcess.js';
import { STORE } from '../support/emulator.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A pid that was a process of ours and no longer is: a child that has exited (and been reaped). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/** A temporary blob directory as an emulator leaves it: the prefix, an owner file, some content. */
function fakeBlobDir(root: string, name: string, owner: number | undefined): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'tmp', 'abc.part'), 'half a recording');
  if (owner !== undefined) writeFileSync(join(dir, 'owner.pid'), String(owner));
  return dir;
}

/** `start --in-memory` with TMPDIR pointing at this test's own directory, so no real temp dir is touched. */
async function startIn(root: string): Promise<ChildProcess> {
  const run = spawnCli(['start', '--in-memory', '--http', '--port', '0', '--log-level', 'warn'], { ...process.env, TMPDIR: root });
  children.push(run.child);
  await waitForOutput(run, (out) => out.includes('ready on'), 'ready line');
  return run.child;
}

const ownDirOf = (root: string, pid: number): string | undefined =>
  readdirSync(root)
    .filter((name) => name.startsWith('gce-blobs-'))
    .find((name) => existsSync(join(root, name, 'owner.pid')) && readFileSync(join(root, name, 'owner.pid'), 'utf8') === String(pid));

// Nothing here depends on the store; the PostgreSQL leg would run the same processes again.
describe.skipIf(STORE === 'postgres')('temporary blob directories left by an unclean exit', () => {
  it('the next start removes those whose owner is dead, and only those', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gce-tmproot-'));
    dirs.push(root);
    const dead = fakeBlobDir(root, 'gce-blobs-dead01', deadPid());
    const live = fakeBlobDir(root, 'gce-blobs-live01', process.pid);
    const unmarked = fakeBlobDir(root, 'gce-blobs-nomark', undefined);
    const garbled = fakeBlobDir(root, 'gce-blobs-garble', undefined);
    writeFileSync(join(garbled, 'owner.pid'), 'not a pid');
    const foreign = fakeBlobDir(root, 'other-prefix-dead', deadPid());

    const child = await startIn(root);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(unmarked)).toBe(true);
    expect(existsSync(garbled)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
    // Its own directory names it as the owner.
    expect(ownDirOf(root, child.pid!)).toBeDefined();

    child.kill('SIGTERM');
    await new Promise((done) => child.once('close', done));
    expect(ownDirOf(root, child.pid!)).toBeUndefined(); // a clean exit removes its own
  });

  it('a killed emulator’s directory is removed by the next start; a running one’s is not', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gce-tmproot-'));
    dirs.push(root);
    const killed = await startIn(root);
    const killedDir = ownDirOf(root, killed.pid!);
    expect(killedDir).toBeDefined();
    killed.kill('SIGKILL');
    await new Promise((done) => killed.once('close', done));
    expect(existsSync(join(root, killedDir!))).toBe(true);

    const running = await startIn(root);
    const runningDir = ownDirOf(root, running.pid!);
    expect(existsSync(join(root, killedDir!))).toBe(false);

    // A third instance beside the running one leaves the running one's directory alone.
    const third = await startIn(root);
    expect(existsSync(join(root, runningDir!))).toBe(true);
    for (const child of [running, third]) {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('close', done));
    }
    expect(readdirSync(root).filter((name) => name.startsWith('gce-blobs-'))).toEqual([]);
  });
});
