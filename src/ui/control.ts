import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { DeliveryView as Delivery, FaultRule as Fault } from '../runtime/wire.js';
import { api } from './api.js';
import { ColumnHeads, countdown, ErrorLine, json, useClock, useLive } from './shared.js';
import { TimersPanel } from './timers.js';

interface Subscription {
  id: string;
  appId: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  expirationDateTime: string;
  status: 'active' | 'removed';
  removedReason: string | null;
}

/** Run a state-changing call, showing its error. */
function useAction(): { error: string | undefined; run: (work: () => Promise<unknown>) => Promise<void> } {
  const [error, setError] = useState<string | undefined>(undefined);
  return {
    error,
    run: async (work) => {
      try {
        await work();
        setError(undefined);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    },
  };
}

export function SubscriptionsPage(): VNode {
  const { now } = useClock();
  const subs = useLive(() => api<{ value: Subscription[] }>('/_emulator/subscriptions'), []);
  const deliveries = useLive(() => api<{ value: Delivery[] }>('/_emulator/deliveries?top=50'), []);
  const action = useAction();
  const [flushed, setFlushed] = useState<string | undefined>(undefined);
  return html`<section>
    <h2>Subscriptions and deliveries</h2>
    <${ErrorLine} error=${subs.error ?? deliveries.error ?? action.error} />
    <table data-testid="subscriptions">
      <${ColumnHeads} names=${['Resource', 'App', 'Change', 'Notification URL', 'Expires (virtual)', 'Expires in']} />
      <tbody>
        ${(subs.data?.value ?? []).map((s) => {
          const left = s.status === 'removed' ? 0 : Date.parse(s.expirationDateTime) - now();
          return html`<tr key=${s.id} data-testid="subscription-row" data-id=${s.id}>
            <td>${s.resource}</td>
            <td>${s.appId}</td>
            <td>${s.changeType}</td>
            <td>${s.notificationUrl}</td>
            <td>${s.expirationDateTime}</td>
            <td data-testid="expires-in">${left <= 0 ? `expired${s.removedReason !== null ? ` (${s.removedReason})` : ''}` : countdown(left)}</td>
          </tr>`;
        })}
      </tbody>
    </table>
    <h3>Deliveries</h3>
    <div class="row">
      <button
        type="button"
        onClick=${() =>
          void action.run(async () => {
            const result = await api<Record<string, number>>('/_emulator/deliveries/flush', { method: 'POST', body: {} });
            setFlushed(json(result).replace(/\s+/g, ' '));
          })}
      >
        Flush now
      </button>
      ${flushed !== undefined ? html`<span class="muted" role="status">Flushed: ${flushed}</span>` : ''}
    </div>
    ${(deliveries.data?.value ?? []).map(
      (d) =>
        html`<details class="detail" key=${d.id} data-testid="delivery">
          <summary>#${d.id} ${d.kind} to ${d.targetUrl} — <strong>${d.status}</strong> (${d.attempts.length} attempt(s))${d.lastError !== null ? ` — ${d.lastError}` : ''}</summary>
          <h4>Attempts</h4>
          <table>
            <${ColumnHeads} names=${['#', 'At (virtual)', 'Status', 'ms', 'Outcome', 'Why']} />
            <tbody>
              ${d.attempts.map(
                (a) =>
                  html`<tr>
                    <td>${a.attempt}</td>
                    <td>${a.at}</td>
                    <td>${a.statusCode ?? '—'}</td>
                    <td class="num">${a.durationMs}</td>
                    <td>${a.outcome}</td>
                    <td>${a.error ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
          <div class="grid2">
            <div>
              <h4>Payload as POSTed</h4>
              <pre tabindex="0">${json(d.payload)}</pre>
            </div>
            <div>
              <h4>Decrypted resource data</h4>
              <pre tabindex="0" data-testid="decrypted">${d.decryptedResourceData === null ? '(none: basic notification)' : json(d.decryptedResourceData)}</pre>
            </div>
          </div>
        </details>`,
    )}
  </section>`;
}

export function ClockPage(): VNode {
  const { clock, now } = useClock();
  const action = useAction();
  const [advance, setAdvance] = useState('PT1H');
  return html`<section>
    <h2>Clock</h2>
    <p>Virtual now: <strong data-testid="virtual-now">${new Date(now()).toISOString()}</strong> ${clock?.frozen === true ? '(frozen)' : '(running)'}</p>
    <p class="muted">Offset from wall time: ${Math.round((clock?.offsetMs ?? 0) / 1000)} s</p>
    <div class="row">
      <button type="button" onClick=${() => void action.run(() => api('/_emulator/clock', { method: 'POST', body: clock?.frozen === true ? { unfreeze: true } : { freeze: true } }))}>
        ${clock?.frozen === true ? 'Resume' : 'Freeze'}
      </button>
    </div>
    <form
      class="row"
      aria-label="Advance the clock"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        void action.run(() => api('/_emulator/clock', { method: 'POST', body: { advance } }));
      }}
    >
      <label>Advance by (ISO 8601 duration, e.g. PT30M, P3D)<input name="advance" value=${advance} onInput=${(e: Event) => setAdvance((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">Advance</button>
    </form>
    <${ErrorLine} error=${action.error} />
    <${TimersPanel} />
  </section>`;
}

export function FaultsPage(): VNode {
  const faults = useLive(() => api<{ value: Fault[] }>('/_emulator/faults'), [], ['request']);
  const action = useAction();
  const add = (e: Event): void => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body: Record<string, unknown> = { path: String(form.get('path') ?? '') };
    const method = String(form.get('method') ?? '');
    if (method !== '') body['method'] = method;
    for (const name of ['status', 'retryAfterSeconds', 'latencyMs', 'count']) {
      const value = String(form.get(name) ?? '').trim();
      if (value !== '') body[name] = Number(value);
    }
    const probability = String(form.get('probability') ?? '').trim();
    if (probability !== '') body['probability'] = Number(probability);
    void action.run(async () => {
      await api('/_emulator/faults', { method: 'POST', body });
      faults.reload();
    });
  };
  return html`<section>
    <h2>Faults</h2>
    <form class="row" aria-label="Add a fault" onSubmit=${add}>
      <label>Path pattern<input name="path" required value="/v1.0/*" /></label>
      <label
        >Method
        <select name="method">
          <option value="">any</option>
          ${['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].map((m) => html`<option value=${m}>${m}</option>`)}
        </select>
      </label>
      <label>Status<input name="status" type="number" min="400" max="599" value="429" /></label>
      <label>Retry-After (s)<input name="retryAfterSeconds" type="number" min="0" /></label>
      <label>Latency (ms)<input name="latencyMs" type="number" min="0" /></label>
      <label>Count<input name="count" type="number" min="1" /></label>
      <label>Probability<input name="probability" type="number" min="0" max="1" step="any" /></label>
      <button type="submit">Add fault</button>
    </form>
    <${ErrorLine} error=${faults.error ?? action.error} />
    <table data-testid="faults">
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Method</th>
          <th scope="col">Status</th>
          <th scope="col">Retry-After</th>
          <th scope="col">Latency</th>
          <th scope="col">Count</th>
          <th scope="col">Probability</th>
          <th scope="col">Hits</th>
          <th scope="col"><span class="muted">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${(faults.data?.value ?? []).map(
          (f) =>
            html`<tr key=${f.id} data-testid="fault-row">
              <td>${f.path}</td>
              <td>${f.method ?? 'any'}</td>
              <td>${f.status ?? '—'}</td>
              <td>${f.retryAfterSeconds ?? ''}</td>
              <td>${f.latencyMs ?? ''}</td>
              <td>${f.count ?? '∞'}${f.exhausted ? ' (used up)' : ''}</td>
              <td>${f.probability ?? 1}</td>
              <td class="num">${f.hits}</td>
              <td>
                <button
                  type="button"
                  class="secondary"
                  aria-label=${`Remove fault on ${f.path}`}
                  onClick=${() =>
                    void action.run(async () => {
                      await api(`/_emulator/faults/${encodeURIComponent(f.id)}`, { method: 'DELETE' });
                      faults.reload();
                    })}
                >
                  Remove
                </button>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}
