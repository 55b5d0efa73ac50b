import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, events, type ClockView } from './api.js';

/** The virtual clock, kept current by the event stream; `now()` extrapolates while it runs. */
export function useClock(): { clock: ClockView | undefined; now: () => number } {
  const [clock, setClock] = useState<{ view: ClockView; at: number } | undefined>(undefined);
  const [, tick] = useState(0);
  useEffect(() => {
    void api<ClockView>('/_emulator/clock').then((view) => setClock({ view, at: Date.now() }));
    const off = events.on('clock', (data) => setClock({ view: data as ClockView, at: Date.now() }));
    const timer = setInterval(() => tick((n) => n + 1), 1000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, []);
  const now = (): number => (clock === undefined ? Date.now() : Date.parse(clock.view.now) + (clock.view.frozen ? 0 : Date.now() - clock.at));
  return { clock: clock?.view, now };
}

/** Re-run `load` when the store changes (`changed`), the clock moves, and when `deps` change. */
export function useLive<T>(
  load: () => Promise<T>,
  deps: unknown[],
  on: Array<'changed' | 'clock' | 'request'> = ['changed', 'clock'],
): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const offs = on.map((name) => events.on(name, () => setVersion((v) => v + 1)));
    return () => offs.forEach((off) => off());
  }, []);
  useEffect(() => {
    let live = true;
    load().then(
      (value) => {
        if (live) {
          setData(value);
          setError(undefined);
        }
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [...deps, version]);
  return { data, error, reload: () => setVersion((v) => v + 1) };
}

export const json = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

export function statusClass(status: number): string {
  return status >= 400 ? 'status-bad' : 'status-ok';
}

/** A table's column headings, one row of `<th scope="col">`. */
export function ColumnHeads({ names }: { names: readonly string[] }): VNode {
  return html`<thead>
    <tr>
      ${names.map((name) => html`<th scope="col">${name}</th>`)}
    </tr>
  </thead>`;
}

export function ErrorLine({ error }: { error: string | undefined }): VNode | null {
  return error === undefined ? null : html`<p class="error" role="alert">${error}</p>`;
}

export function countdown(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d > 0 ? `${d}d ` : ''}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
