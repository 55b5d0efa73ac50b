/**
 * Graph's slow-endpoint rules (change-notifications-delivery-webhooks.md, graph-semantics.md §b.2):
 * an answer after 2,900 ms (or none within 3 s) is slow; once an endpoint has had 100 notifications
 * in the current window, 10 % slow flags it (its notifications are delayed 10 minutes, failures
 * retried after 10 minutes) and 15 % slow makes Graph drop its notifications. The statistics are
 * flushed every 10 minutes (of the virtual clock here). Kept per instance, in memory, as Graph's
 * workers keep theirs.
 */
export const SLOW_RESPONSE_MS = 2_900;
export const ENDPOINT_WINDOW_MS = 10 * 60_000;
export const SLOW_ENDPOINT_DELAY_MS = 10 * 60_000;
const MIN_NOTIFICATIONS = 100;
const DELAY_RATIO = 0.1;
const DROP_RATIO = 0.15;

export type EndpointState = 'healthy' | 'delayed' | 'dropping';

/** The endpoint a notification URL names: its query string does not make another one. */
export const endpointOf = (url: string): string => url.split('?')[0] ?? url;

export class EndpointHealth {
  private stats = new Map<string, { total: number; slow: number }>();
  private windowStartMs: number | undefined;

  constructor(private readonly nowMs: () => number) {}

  record(endpoint: string, notifications: number, slow: boolean): void {
    this.roll();
    const s = this.stats.get(endpoint) ?? { total: 0, slow: 0 };
    s.total += notifications;
    if (slow) s.slow += notifications;
    this.stats.set(endpoint, s);
  }

  state(endpoint: string): EndpointState {
    this.roll();
    const s = this.stats.get(endpoint);
    if (s === undefined || s.total < MIN_NOTIFICATIONS) return 'healthy';
    const ratio = s.slow / s.total;
    return ratio >= DROP_RATIO ? 'dropping' : ratio >= DELAY_RATIO ? 'delayed' : 'healthy';
  }

  private roll(): void {
    const now = this.nowMs();
    if (this.windowStartMs === undefined || now - this.windowStartMs >= ENDPOINT_WINDOW_MS || now < this.windowStartMs) {
      this.stats.clear();
      this.windowStartMs = now;
    }
  }
}
