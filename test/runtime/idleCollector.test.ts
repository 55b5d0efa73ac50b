import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fullCollection, startIdleCollector, type IdleCollector } from '../../src/runtime/idleCollector.js';

const MB = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `bytes` of strings kept alive: heap growth that V8 cannot collect by itself meanwhile (garbage could
 * be collected by V8's own concurrent marking at any time, and the growth the collector looks for would
 * be gone: a flaky test). That a full collection frees dead objects is V8's part; the bench's
 * `throughput` part shows the RSS it gives back.
 */
function retained(bytes: number): string[] {
  const held: string[] = [];
  for (let i = 0; i < bytes / 1024; i++) held.push(`${i}`.padEnd(1024, 'x'));
  return held;
}

describe('idle collector (runtime/idleCollector.ts)', () => {
  let collector: IdleCollector | undefined;
  // Each test starts from a collected heap: another test's garbage, collected by V8 while this one
  // allocates, would otherwise hide the growth the collector looks for.
  beforeEach(() => fullCollection()());
  afterEach(() => collector?.stop());

  it('runs one full collection once the process is idle and the heap has grown, then none while it does not grow again', async () => {
    collector = startIdleCollector({ intervalMs: 50, idleUtilization: 0.5, growthBytes: 8 * MB });
    // The collector's baseline is the heap now; 40 MB more, then idle.
    const held = retained(40 * MB);
    for (let i = 0; i < 100 && collector.collections === 0; i++) await sleep(50);
    expect(collector.collections).toBe(1);
    // Its baseline is now what the collection left: idle without growth collects nothing more.
    await sleep(300);
    expect(collector.collections).toBe(1);
    expect(held.length).toBe(40 * 1024);
  });

  it('never collects while the event loop is busier than the idle threshold', async () => {
    // A utilization below 0 is impossible: never idle.
    collector = startIdleCollector({ intervalMs: 20, idleUtilization: 0, growthBytes: 1 });
    const held = retained(16 * MB);
    await sleep(300);
    expect(held.length).toBeGreaterThan(0);
    expect(collector.collections).toBe(0);
  });

  it('never collects when the heap has not grown by the threshold', async () => {
    collector = startIdleCollector({ intervalMs: 20, idleUtilization: 1.01, growthBytes: 1024 * MB });
    const held = retained(16 * MB);
    await sleep(300);
    expect(held.length).toBeGreaterThan(0);
    expect(collector.collections).toBe(0);
  });

  it("leaves V8's flags as they were: code cache written after a collection is accepted by a fresh process", async () => {
    collector = startIdleCollector({ intervalMs: 20, idleUtilization: 0.5, growthBytes: 8 * MB });
    const held = retained(24 * MB);
    for (let i = 0; i < 100 && collector.collections === 0; i++) await sleep(50);
    expect(collector.collections).toBe(1);
    expect(held.length).toBeGreaterThan(0);
    // What the launcher (dist/cli.mjs) does after the ready line: compile, then write the code cache.
    const source = 'function add(a, b) { return a + b; } add(1, 2);';
    const script = new Script(source, { filename: 'cached.js' });
    script.runInThisContext();
    const dir = mkdtempSync(join(tmpdir(), 'idle-collector-'));
    try {
      writeFileSync(join(dir, 'cache.bin'), script.createCachedData());
      const reader = `const { Script } = require('node:vm'); const s = new Script(${JSON.stringify(source)}, { filename: 'cached.js', cachedData: require('node:fs').readFileSync(${JSON.stringify(join(dir, 'cache.bin'))}) }); process.stdout.write(String(s.cachedDataRejected));`;
      expect(execFileSync(process.execPath, ['-e', reader], { encoding: 'utf8' })).toBe('false');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
