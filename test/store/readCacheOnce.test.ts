import { describe, expect, it } from 'vitest';
import { ReadCache } from '../../src/store/readCache.js';

/** The next turn of the event loop: ReadCache looks at the external version once per turn. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ReadCache.keepOnce / takeOnce (reads made ahead of the request that wants them)', () => {
  it('gives what was read to one taker, then nothing', async () => {
    const reads = new ReadCache(() => 1);
    reads.keepOnce('a', async () => ({ n: 1 }));
    expect(reads.keepsOnce('a')).toBe(true);
    expect(await reads.takeOnce('a')).toEqual({ n: 1 });
    expect(reads.keepsOnce('a')).toBe(false);
    expect(reads.takeOnce('a')).toBeUndefined();
  });

  it('does not start a second read of a key already kept', async () => {
    const reads = new ReadCache(() => 1);
    let loads = 0;
    const load = async (): Promise<number> => ++loads;
    reads.keepOnce('a', load);
    reads.keepOnce('a', load);
    expect(await reads.takeOnce('a')).toBe(1);
    expect(loads).toBe(1);
  });

  it('forgets what it kept when this process writes (invalidate), even a read still under way', async () => {
    const reads = new ReadCache(() => 1);
    let finish: (value: string) => void = () => undefined;
    reads.keepOnce('slow', () => new Promise<string>((resolve) => (finish = resolve)));
    reads.keepOnce('done', async () => 'done');
    reads.invalidate();
    finish('late');
    expect(reads.takeOnce('slow')).toBeUndefined();
    expect(reads.takeOnce('done')).toBeUndefined();
  });

  it("forgets what it kept when another connection's commit shows in the external version", async () => {
    let version = 1;
    const reads = new ReadCache(() => version);
    reads.keepOnce('a', async () => 'a');
    await nextTurn();
    version = 2;
    expect(reads.takeOnce('a')).toBeUndefined();
  });

  it('keeps at most onceLimit reads, forgetting the oldest', async () => {
    const reads = new ReadCache(() => 1, 10_000, 2);
    for (const key of ['a', 'b', 'c']) reads.keepOnce(key, async () => key);
    expect(reads.takeOnce('a')).toBeUndefined();
    expect(await reads.takeOnce('b')).toBe('b');
    expect(await reads.takeOnce('c')).toBe('c');
  });

  it('gives undefined for a read that failed, so the taker reads for itself', async () => {
    const reads = new ReadCache(() => 1);
    reads.keepOnce('a', () => Promise.reject(new Error('store closed')));
    expect(await reads.takeOnce('a')).toBeUndefined();
  });

  it('a disabled cache keeps nothing', async () => {
    const reads = ReadCache.disabled();
    reads.keepOnce('a', async () => 'a');
    expect(reads.keepsOnce('a')).toBe(false);
    expect(reads.takeOnce('a')).toBeUndefined();
  });
});
