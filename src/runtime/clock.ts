/**
 * The virtual clock: every "now" in the emulator comes from here. It follows wall time with an
 * offset until frozen; `set` and `advance` move it and, going forward, fire every timer that fell due,
 * in due order, with `now()` equal to each timer's due time while it runs.
 */

import type { ClockTimer } from './wire.js';

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
  seq: number;
  dueMs: number;
  callback: TimerCallback;
  about: TimerAbout;
}

/** What falls due, for GET /_emulator/clock/timers (the dashboard's Clock page). */
export type TimerAbout = Omit<ClockTimer, 'dueDateTime'>;

const UNLABELLED: TimerAbout = { kind: 'scheduled', description: 'A scheduled task.', subjectId: null };

/** setTimeout's longest delay; a later timer re-arms when this one wakes early. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class VirtualClock {
  private offsetMs: number;
  private frozenAtMs: number | null;
  /** While timers fire, "now" is pinned to the running timer's due time. */
  private pinnedMs: number | null = null;
  private timers: Timer[] = [];
  private nextSeq = 1;
  private wallTimer: NodeJS.Timeout | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(state: ClockState) => void>();
  private closed = false;

  constructor(
    state: ClockState = { offsetMs: 0, frozenAtMs: null },
    private readonly wallNow: () => number = Date.now,
    /** A failing timer is reported here and does not stop the others. */
    private readonly onTimerError: (err: unknown) => void = () => undefined,
  ) {
    this.offsetMs = state.offsetMs;
    this.frozenAtMs = state.frozenAtMs;
  }

  nowMs(): number {
    return this.pinnedMs ?? this.frozenAtMs ?? this.wallNow() + this.offsetMs;
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
    if (this.frozenAtMs !== null) return;
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

  /** Back to plain wall time, firing nothing (a reset). */
  reset(): void {
    this.offsetMs = 0;
    this.frozenAtMs = null;
    this.changed();
  }

  /** Jump to an instant. Moving forward fires what fell due; moving back fires nothing. */
  set(at: Date): Promise<void> {
    const targetMs = at.getTime();
    if (!Number.isFinite(targetMs)) return Promise.reject(new RangeError('not a valid instant'));
    return this.enqueue(() => this.moveTo(targetMs));
  }

  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError('the clock only advances forward'));
    return this.enqueue(() => this.moveTo(this.nowMs() + ms));
  }

  /** Run `callback` once the clock reaches `at` (at once, on the next tick, if that has passed). */
  schedule(at: Date, callback: TimerCallback, about: TimerAbout = UNLABELLED): TimerHandle {
    const timer: Timer = { seq: this.nextSeq++, dueMs: at.getTime(), callback, about };
    // Stable: timers due at the same instant fire in the order they were scheduled.
    const index = this.timers.findIndex((t) => t.dueMs > timer.dueMs);
    if (index === -1) this.timers.push(timer);
    else this.timers.splice(index, 0, timer);
    this.armWallTimer();
    return {
      dueAt: new Date(timer.dueMs),
      cancel: () => {
        const i = this.timers.indexOf(timer);
        if (i !== -1) this.timers.splice(i, 1);
        this.armWallTimer();
      },
    };
  }

  pendingTimers(): number {
    return this.timers.length;
  }

  /** The first `limit` pending timers, soonest first. */
  upcoming(limit: number): ClockTimer[] {
    return this.timers.slice(0, Math.max(0, limit)).map((t) => ({ ...t.about, dueDateTime: new Date(t.dueMs).toISOString() }));
  }

  /** Resolves once every move and timer run queued so far has finished. */
  idle(): Promise<void> {
    return this.queue;
  }

  close(): void {
    this.closed = true;
    if (this.wallTimer !== undefined) clearTimeout(this.wallTimer);
    this.wallTimer = undefined;
    this.timers = [];
  }

  /** Moves and timer runs happen one at a time, in the order they were asked for. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async moveTo(targetMs: number): Promise<void> {
    await this.fireDue(targetMs);
    if (this.frozenAtMs !== null) this.frozenAtMs = targetMs;
    else this.offsetMs = targetMs - this.wallNow();
    this.changed();
  }

  /** Fire timers due at or before `untilMs` without moving the clock's own state. */
  private async fireDue(untilMs: number): Promise<void> {
    const floorMs = this.nowMs();
    try {
      for (;;) {
        const next = this.timers[0];
        if (this.closed || next === undefined || next.dueMs > untilMs) break;
        this.timers.shift();
        // An overdue timer (scheduled in the past) runs at the current instant: time never runs back.
        this.pinnedMs = Math.max(next.dueMs, this.pinnedMs ?? floorMs);
        try {
          await next.callback(new Date(next.dueMs));
        } catch (err) {
          this.onTimerError(err);
        }
      }
    } finally {
      this.pinnedMs = null;
    }
  }

  private changed(): void {
    this.armWallTimer();
    const state = this.state();
    for (const listener of this.listeners) listener(state);
  }

  /**
   * A real timer fires the earliest virtual timer when it falls due: in wall time while the clock
   * runs; while frozen, only timers already due (scheduled for "now" or earlier) run by themselves.
   */
  private armWallTimer(): void {
    if (this.wallTimer !== undefined) clearTimeout(this.wallTimer);
    this.wallTimer = undefined;
    const next = this.timers[0];
    if (this.closed || next === undefined || this.pinnedMs !== null) return;
    const wait = next.dueMs - this.nowMs();
    if (this.frozenAtMs !== null && wait > 0) return;
    this.wallTimer = setTimeout(
      () => {
        this.wallTimer = undefined;
        void this.enqueue(async () => {
          // The clock catches up with its timers; its offset stays as it is.
          await this.fireDue(this.nowMs());
          this.armWallTimer();
        });
      },
      Math.max(0, Math.min(wait, MAX_TIMEOUT_MS)),
    );
    this.wallTimer.unref();
  }
}
