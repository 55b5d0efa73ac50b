import { getHeapStatistics } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { startIdleCollector, type IdleCollector } from '../../src/runtime/idleCollector.js';

const MB = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Garbage that survives young-generation collections first (it is held), then is dropped: what a burst of requests leaves. */
function promotedGarbage(bytes: number): void {
  const held: string[] = [];
  for (let i = 0; i < bytes / 1024; i++) held.push(`${i}`.padEnd(1024, 'x'));
  // Outlive a few scavenges, so the strings reach the old generation.
  for (let i = 0; i < 20; i++) held.push(`${i}`.repeat(64 * 1024).slice(1));
  held.length = 0;
}

describe('idle collector (runtime/idleCollector.ts)', () => {
  let collector: IdleCollector | undefined;
  afterEach(() => collector?.stop());

  it('runs a full collection once the process is idle and the heap has grown, and gives the memory back', async () => {
    collector = startIdleCollector({ intervalMs: 50, idleUtilization: 0.5, growthBytes: 8 * MB });
    // The collector's baseline is the heap now; 40 MB more of dead-but-uncollected objects.
    promotedGarbage(40 * MB);
    const grown = getHeapStatistics().used_heap_size;
    for (let i = 0; i < 100 && collector.collections === 0; i++) await sleep(50);
    expect(collector.collections).toBeGreaterThanOrEqual(1);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(grown - 8 * MB);
  });

  it('never collects while the event loop is busier than the idle threshold', async () => {
    // A utilization below 0 is impossible: never idle.
    collector = startIdleCollector({ intervalMs: 20, idleUtilization: 0, growthBytes: 1 });
    promotedGarbage(16 * MB);
    await sleep(300);
    expect(collector.collections).toBe(0);
  });

  it('never collects when the heap has not grown by the threshold', async () => {
    collector = startIdleCollector({ intervalMs: 20, idleUtilization: 1.01, growthBytes: 1024 * MB });
    promotedGarbage(16 * MB);
    await sleep(300);
    expect(collector.collections).toBe(0);
  });
});
