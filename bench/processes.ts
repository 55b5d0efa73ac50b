import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** A child process that printed its ready line. */
export interface ReadyProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The line that matched the ready pattern. */
  readonly readyLine: string;
  /** Milliseconds from just before spawn() to the ready line arriving on our end of the pipe. */
  readonly readyMs: number;
  /** The last few kB of stdout and stderr, for error messages. */
  output(): string;
}

const live = new Set<ChildProcess>();
const OUTPUT_TAIL = 8_000;

/** Every child still running gets SIGKILL; safe to call from an 'exit' handler (synchronous). */
export function killAllNow(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

process.once('exit', killAllNow);

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (bounded). */
export async function stopProcess(child: ChildProcess, graceMs = 3_000): Promise<void> {
  try {
    if (!exited(child)) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, graceMs))) {
        child.kill('SIGKILL');
        await waitForExit(child, 2_000);
      }
    }
  } finally {
    live.delete(child);
  }
}

/** SIGKILL (a crash, no shutdown of any kind); resolves once the process is gone (bounded). */
export async function killProcess(child: ChildProcess): Promise<void> {
  try {
    if (!exited(child)) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  } finally {
    live.delete(child);
  }
}

/**
 * Spawn `node <script> ...args` and resolve when a stdout line matches `ready`.
 * Rejects (after killing the child) on early exit or after `timeoutMs`.
 */
export function spawnNodeUntilReady(
  script: string,
  args: readonly string[],
  ready: RegExp,
  timeoutMs: number,
  cwd: string,
  nodeFlags: readonly string[] = [],
  /** Another Node than the bench's own (the install bench compares Node lines). */
  nodeBinary: string = process.execPath,
): Promise<ReadyProcess> {
  return new Promise((resolve, reject) => {
    let tail = '';
    let pending = '';
    let settled = false;
    const started = performance.now();
    const child = spawn(nodeBinary, [...nodeFlags, script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    live.add(child);
    const keep = (chunk: string): void => {
      tail = (tail + chunk).slice(-OUTPUT_TAIL);
    };
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopProcess(child, 500).finally(() => reject(new Error(`${message}\n--- output of ${script} ---\n${tail}`)));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keep);
    child.stdout.on('data', (chunk: string) => {
      const at = performance.now();
      keep(chunk);
      if (settled) return;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!ready.test(line)) continue;
        settled = true;
        clearTimeout(timer);
        const pid = child.pid;
        if (pid === undefined) {
          fail('spawned without a pid');
          return;
        }
        resolve({ child, pid, readyLine: line, readyMs: at - started, output: () => tail });
        return;
      }
    });
    child.once('error', (err) => fail(`could not spawn: ${err.message}`));
    child.once('exit', (code, signal) => {
      live.delete(child);
      fail(`exited before its ready line (code ${String(code)}, signal ${String(signal)})`);
    });
  });
}

/** Run `node <script> ...args` to completion (bounded) and return its stdout. */
export function runNode(script: string, args: readonly string[], timeoutMs: number, cwd: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    live.add(child);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms\n${err.slice(-OUTPUT_TAIL)}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.stderr.on('data', (chunk: string) => (err = (err + chunk).slice(-OUTPUT_TAIL)));
    child.once('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${script} failed (code ${String(code)}, signal ${String(signal)})\n${err.slice(-OUTPUT_TAIL)}`));
    });
  });
}

/** VmRSS (or another /proc/<pid>/status field) in bytes; undefined where /proc is unavailable. */
export async function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return match?.[1] !== undefined ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** User + system CPU time of a process so far, in ms (/proc/<pid>/stat, 100 ticks a second); undefined without /proc. */
export async function procCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
