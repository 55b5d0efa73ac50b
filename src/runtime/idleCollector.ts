import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';

/**
 * Gives memory back once the process goes quiet after a burst of requests. Under load, objects that
 * outlive a few young-generation collections (mostly the request recorder's ring of 500) are promoted
 * and then die in the old generation, where V8 collects them only when the old generation grows far
 * enough: after the bench's throughput load the heap in use went from 16.5 to 51.9 MB and stayed there
 * more than 10 s later, while a forced full collection left 16.9 MB (bench part `throughput`, "idle
 * RSS after the load"). One full collection when the
 * event loop has been nearly idle for a whole interval and the heap has grown by `growthBytes` since
 * the last one releases it; a busy process is never collected here, and an idle one only once.
 *
 * For the CLI's own process only: a library user's process (createEmulator) is theirs to manage.
 */
export interface IdleCollectorOptions {
  /** How often the event loop's utilization is sampled. */
  intervalMs: number;
  /** Below this utilization over an interval, the process counts as idle. */
  idleUtilization: number;
  /** Collect only when the used heap is this much above what the last collection left. */
  growthBytes: number;
}

export const IDLE_COLLECTOR_DEFAULTS: IdleCollectorOptions = { intervalMs: 500, idleUtilization: 0.02, growthBytes: 16 * 1024 * 1024 };

export interface IdleCollector {
  /** Full collections run so far. */
  readonly collections: number;
  stop(): void;
}

/**
 * V8's gc() without starting Node with --expose-gc: the flag is read when a context is created, so a
 * new context gets the function (https://nodejs.org/api/v8.html#v8setflagsfromstringflags documents
 * setting flags at run time; the function collects the whole isolate's heap). The flag is set back at
 * once: V8 stamps code cache with a hash of the flags, and the launcher (dist/cli.mjs) writes its code
 * cache after the ready line; written under another hash, every later start rejected it and compiled
 * the whole bundle again (+45 ms per warm start, bench part `startup`). Fetched at the first
 * collection, not before.
 */
export function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as () => void;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

export function startIdleCollector(options: IdleCollectorOptions = IDLE_COLLECTOR_DEFAULTS): IdleCollector {
  let gc: (() => void) | undefined;
  let baseline = getHeapStatistics().used_heap_size;
  let last = performance.eventLoopUtilization();
  let collections = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    const used = getHeapStatistics().used_heap_size;
    // The heap may also shrink by itself (V8 collected): follow it down so growth is measured from there.
    if (used < baseline) baseline = used;
    if (busy >= options.idleUtilization || used - baseline < options.growthBytes) return;
    gc ??= fullCollection();
    gc();
    collections++;
    baseline = getHeapStatistics().used_heap_size;
    // The collection's own time is not the application's: start the next interval after it.
    last = performance.eventLoopUtilization();
  }, options.intervalMs);
  timer.unref();
  return {
    get collections() {
      return collections;
    },
    stop: () => clearInterval(timer),
  };
}
