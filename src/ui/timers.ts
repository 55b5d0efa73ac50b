import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { ClockTimers } from '../runtime/wire.js';
import { api } from './api.js';
import { ColumnHeads, countdown, ErrorLine, useClock, useLive } from './shared.js';

/** The Clock page's "next due timers" (GET /_emulator/clock/timers), with the virtual time left to each. */
export function TimersPanel(): VNode {
  const { now } = useClock();
  const timers = useLive(() => api<ClockTimers>('/_emulator/clock/timers?top=50'), [], ['changed', 'clock']);
  const rows = timers.data?.value ?? [];
  return html`<section aria-labelledby="timers-heading">
    <h3 id="timers-heading">Next due timers</h3>
    <${ErrorLine} error=${timers.error} />
    <table data-testid="timers">
      <${ColumnHeads} names=${['Due (virtual)', 'In', 'What', 'Kind']} />
      <tbody>
        ${rows.map((t) => {
          const left = Date.parse(t.dueDateTime) - now();
          return html`<tr key=${`${t.kind}|${t.subjectId ?? ''}|${t.dueDateTime}`} data-testid="timer-row" data-kind=${t.kind}>
            <td>${t.dueDateTime}</td>
            <td data-testid="timer-in">${left <= 0 ? 'due now' : countdown(left)}</td>
            <td>${t.description}</td>
            <td>${t.kind}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    ${timers.data !== undefined && rows.length === 0 ? html`<p class="muted">Nothing falls due.</p>` : ''}
  </section>`;
}
