import { procStatusBytes, sleep } from './processes.js';

export interface MemorySnapshot {
  /** VmRSS: resident set size now. */
  rss: number | undefined;
  /** VmHWM: peak resident set size so far. */
  peak: number | undefined;
}

export interface ProcessMemory {
  /** Idle, shortly after the ready line, before any request. */
  afterStart: MemorySnapshot;
  /** Idle again, a short while after the last load round. */
  afterLoad?: MemorySnapshot;
}

/** Let the process go idle for `settleMs`, then read /proc/<pid>/status. */
export async function idleMemory(pid: number, settleMs: number): Promise<MemorySnapshot> {
  await sleep(settleMs);
  const [rss, peak] = await Promise.all([procStatusBytes(pid, 'VmRSS'), procStatusBytes(pid, 'VmHWM')]);
  return { rss, peak };
}

export const MB = 1024 * 1024;
