import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { AppRecordingHistory as AppHistory, CallActivity } from '../runtime/wire.js';
import { api } from './api.js';
import { useTenant } from './callRecords.js';
import { ErrorLine, useLive } from './shared.js';

/**
 * Live calls (GET /_emulator/tenants/{id}/callActivity): the calls (communications/calls) of the
 * tenant, newest first, the apps in each, and each app's updateRecordingStatus history with whether
 * it may record now (https://learn.microsoft.com/graph/api/call-updaterecordingstatus).
 */

interface App {
  clientId: string;
  displayName: string;
}

const PAGE = 20;
const time = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function AppRow({ app, name }: { app: AppHistory; name: string | undefined }): VNode {
  return html`<li data-testid="call-app" data-client-id=${app.clientId}>
    <strong>${name ?? app.clientId}</strong>
    ${name !== undefined ? html` <span class="muted wrap">${app.clientId}</span>` : null} ${' · '}
    <span class=${app.recordingAllowed ? 'status-ok' : 'muted'} data-testid="recording-allowed">${app.recordingAllowed ? 'may record now' : 'not recording'}</span>
    ${
      app.updates.length === 0
        ? html`<p class="muted">No recording status reported.</p>`
        : html`<ol class="history" aria-label=${`Recording status history of ${name ?? app.clientId}`} data-testid="status-history">
            ${app.updates.map(
              (u) =>
                html`<li data-testid="status-update" data-status=${u.status}>
                  <span class="time">${time(u.createdDateTime)}</span>
                  <span class=${u.status === 'recording' ? 'status-ok' : u.status === 'failed' ? 'status-bad' : ''}>${u.status}</span>
                  ${u.clientContext !== null ? html` <span class="muted">clientContext ${u.clientContext}</span>` : null}
                  ${u.operationStatus !== 'completed' ? html` <span class="status-bad">${u.operationStatus}</span>` : null}
                </li>`,
            )}
          </ol>`
    }
  </li>`;
}

export function LiveCallsPage(): VNode {
  const { tenant, select, error: tenantError } = useTenant();
  const [skip, setSkip] = useState(0);
  const [withApps, setWithApps] = useState(true);
  const calls = useLive(
    () =>
      tenant === undefined
        ? Promise.resolve({ value: [] as CallActivity[], more: false })
        : api<{ value: CallActivity[]; more: boolean }>(`/_emulator/tenants/${encodeURIComponent(tenant)}/callActivity?skip=${skip}&top=${PAGE}&withApps=${withApps}`),
    [tenant, skip, withApps],
    ['changed'],
  );
  const apps = useLive(() => (tenant === undefined ? Promise.resolve({ value: [] as App[] }) : api<{ value: App[] }>(`/_emulator/tenants/${encodeURIComponent(tenant)}/apps`)), [tenant], []);
  const names = new Map((apps.data?.value ?? []).map((a) => [a.clientId.toLowerCase(), a.displayName]));
  const list = calls.data?.value ?? [];
  return html`<section>
    <h2>Live calls</h2>
    ${select}
    <div class="row">
      <label class="inline"
        ><input
          type="checkbox"
          checked=${withApps}
          onChange=${(e: Event) => {
            setWithApps((e.target as HTMLInputElement).checked);
            setSkip(0);
          }}
        />Only calls with an app</label
      >
    </div>
    <${ErrorLine} error=${tenantError ?? calls.error ?? apps.error} />
    ${list.length === 0 ? html`<p class="muted">No calls${withApps ? ' with an app' : ''} in this tenant.</p>` : null}
    ${list.map(
      (call) =>
        html`<article class="detail" key=${call.id} data-testid="call" data-id=${call.id} aria-label=${`Call ${call.id}`}>
          <h3>Call <span class="wrap">${call.id}</span></h3>
          <p class="muted wrap">
            <span class=${call.state === 'terminated' ? 'muted' : 'status-ok'} data-testid="call-state">${call.state}</span> · started ${time(call.startedDateTime)}
            ${call.endedDateTime !== null ? ` · ended ${time(call.endedDateTime)}` : ''} · ${call.meetingId !== null ? `meeting ${call.meetingId}` : 'ad hoc'} · call chain ${call.callChainId}
          </p>
          ${
            call.apps.length === 0
              ? html`<p class="muted">No app in this call.</p>`
              : html`<ul class="apps" aria-label="Apps in the call">
                  ${call.apps.map((app) => html`<${AppRow} key=${app.clientId} app=${app} name=${names.get(app.clientId)} />`)}
                </ul>`
          }
        </article>`,
    )}
    ${
      skip > 0 || calls.data?.more === true
        ? html`<div class="row" role="group" aria-label="Calls pages">
            <button type="button" class="secondary" disabled=${skip === 0} onClick=${() => setSkip(Math.max(0, skip - PAGE))}>Newer</button>
            <button type="button" class="secondary" disabled=${calls.data?.more !== true} onClick=${() => setSkip(skip + PAGE)}>Older</button>
          </div>`
        : null
    }
  </section>`;
}
