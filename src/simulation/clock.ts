/**
 * The virtual clock: every "now" in the emulator comes from here. It follows wall time with an
 * offset until frozen; `advance` moves it forward and fires every timer that fell due, in due order,
 * with `now()` equal to each timer's due time while it runs.
 */

export interface ClockState {
  /** Added to wall time while the clock runs. */
  offsetMs: number;
  /** The instant the clock stands at while frozen; null while it runs. */
  frozenAtMs: number | null;
}

export type TimerCallback = (dueAt: Date) => void | Promise<void>;

export interface TimerHandle {
  readonly dueAt: Date;
  cancel(): void;
}

interface Timer {
  id: number;
  dueMs: number;
  callback: TimerCallback;
  cancelled: boolean;
}

export class VirtualClock {
  private offsetMs: number;
  private frozenAtMs: number | null;
  private timers: Timer[] = [];
  private nextId = 1;
  private wallTimer: NodeJS.Timeout | undefined;
  private firing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(state: ClockState) => void>();
  private closed = false;

  constructor(state: ClockState = { offsetMs: 0, frozenAtMs: null }, private readonly wallNow: () => number = Date.now) {
    this.offsetMs = state.offsetMs;
    this.frozenAtMs = state.frozenAtMs;
  }

  nowMs(): number {
    return this.frozenAtMs ?? this.wallNow() + this.offsetMs;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  get frozen(): boolean {
    return this.frozenAtMs !== null;
  }

  state(): ClockState {
    return { offsetMs: this.offsetMs, frozenAtMs: this.frozenAtMs };
  }

  /** Called after every change of the clock's state (the store persists it). */
  onChange(listener: (state: ClockState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  freeze(): void {
    this.frozenAtMs = this.nowMs();
    this.changed();
  }

  /** Resume following wall time from the current virtual instant. */
  unfreeze(): void {
    if (this.frozenAtMs === null) return;
    this.offsetMs = this.frozenAtMs - this.wallNow();
    this.frozenAtMs = null;
    this.changed();
  }

  /** Jump to an instant. Moving forward fires what fell due; moving back fires nothing. */
  async set(at: Date): Promise<void> {
    await this.moveTo(at.getTime());
  }

  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only advances forward');
    await this.moveTo(this.nowMs() + ms);
  }

  schedule(at: Date, callback: TimerCallback): TimerHandle {
    const timer: Timer = { id: this.nextId++, dueMs: at.getTime(), callback, cancelled: false };
    const index = this.timers.findIndex((t) => t.dueMs > timer.dueMs);
    if (index === -1) this.timers.push(timer);
    else this.timers.splice(index, 0, timer);
    this.armWallTimer();
    return {
      dueAt: new Date(timer.dueMs),
      cancel: () => {
        timer.cancelled = true;
        this.timers = this.timers.filter((t) => t !== timer);
        this.armWallTimer();
      },
    };
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  close(): void {
    this.closed = true;
    if (this.wallTimer !== undefined) clearTimeout(this.wallTimer);
    this.timers = [];
  }

  private async moveTo(targetMs: number, fromWallTimer = false): Promise<void> {
    const run = this.firing.then(() => this.fireUntil(targetMs, fromWallTimer));
    this.firing = run.catch(() => undefined);
    await run;
  }

  private async fireUntil(targetMs: number, fromWallTimer: boolean): Promise<void> {
    const wasFrozen = this.frozenAtMs !== null;
    const offsetBefore = this.offsetMs;
    // Hold the clock still while due timers run, so each sees its own due time as "now".
    for (;;) {
      const next = this.timers[0];
      if (next === undefined || next.dueMs > targetMs) break;
      this.timers.shift();
      this.frozenAtMs = Math.max(next.dueMs, Math.min(this.nowMs(), targetMs));
      await next.callback(new Date(next.dueMs));
    }
    if (wasFrozen) {
      this.frozenAtMs = targetMs;
    } else {
      this.frozenAtMs = null;
      // Timers that merely fell due in wall time do not move the clock; an explicit advance does.
      this.offsetMs = fromWallTimer ? offsetBefore : targetMs - this.wallNow();
    }
    this.changed();
  }

  private changed(): void {
    this.armWallTimer();
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }

  /** While the clock follows wall time, a real timer fires the earliest virtual timer when it falls due. */
  private armWallTimer(): void {
    if (this.wallTimer !== undefined) clearTimeout(this.wallTimer);
    this.wallTimer = undefined;
    const next = this.timers[0];
    if (this.closed || next === undefined || this.frozenAtMs !== null) return;
    const delay = Math.max(0, Math.min(next.dueMs - this.nowMs(), 2 ** 31 - 1));
    this.wallTimer = setTimeout(() => {
      this.wallTimer = undefined;
      void this.moveTo(Math.max(this.nowMs(), next.dueMs), true).catch(() => undefined);
    }, delay);
    this.wallTimer.unref();
  }
}
