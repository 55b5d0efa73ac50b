import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const CLI = resolve('dist/cli.mjs');

/** The CLI as a child process, its output collected as it arrives. */
export interface CliProcess {
  child: ChildProcess;
  out(): string;
  err(): string;
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return { child, out: () => out, err: () => err };
}

/**
 * Waits until the output shows `what` (`done` says when). Generous for a loaded 2-core machine: the
 * tests using it check what is printed, not how fast the CLI starts.
 */
export async function waitForOutput(run: CliProcess, done: (out: string) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!done(run.out())) {
    if (run.child.exitCode !== null) throw new Error(`the CLI exited ${run.child.exitCode}: ${run.err()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`no ${what} within ${timeoutMs / 1000} s: ${run.out()}${run.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM, then wait for the process to close. */
export async function stopCli(run: CliProcess): Promise<void> {
  run.child.kill('SIGTERM');
  await new Promise((done) => run.child.once('close', done));
}
