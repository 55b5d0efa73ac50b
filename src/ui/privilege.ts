import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { App, PermissionKindReport, PermissionsReport, Tenant } from '../runtime/wire.js';
import { api } from './api.js';
import { ColumnHeads, ErrorLine, useLive } from './shared.js';

/**
 * Issue 14 §9: per app, the permissions granted against those its calls used, and the minimal set to
 * request for admin consent — GET /_emulator/apps/{clientId}/permissions-report, which CI can read too.
 */

async function allApps(): Promise<App[]> {
  const tenants = (await api<{ value: Tenant[] }>('/_emulator/tenants')).value;
  const lists = await Promise.all(tenants.map((t) => api<{ value: App[] }>(`/_emulator/tenants/${encodeURIComponent(t.id)}/apps`)));
  return lists.flatMap((l) => l.value);
}

const names = (values: string[], testId: string): VNode => html`<td data-testid=${testId}>${values.length === 0 ? html`<span class="muted">—</span>` : values.join(', ')}</td>`;

function KindRow({ kind, report }: { kind: string; report: PermissionKindReport }): VNode {
  return html`<tr data-testid=${`kind-${kind}`}>
    <th scope="row">${kind}</th>
    ${names(report.granted, 'granted')} ${names(report.used, 'used')} ${names(report.unused, 'unused')} ${names(report.missing, 'missing')} ${names(report.minimal, 'minimal')}
  </tr>`;
}

export function PrivilegePage(): VNode {
  const apps = useLive(allApps, []);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const clientId = chosen ?? apps.data?.[0]?.clientId;
  // Every Graph call may add to the report: re-read on requests.
  const report = useLive(
    () => (clientId === undefined ? Promise.resolve(undefined) : api<PermissionsReport>(`/_emulator/apps/${encodeURIComponent(clientId)}/permissions-report`)),
    [clientId],
    ['request', 'changed'],
  );
  const r = report.data;
  return html`<section>
    <h2>Least privilege</h2>
    <${ErrorLine} error=${apps.error ?? report.error} />
    <div class="row">
      <label
        >App
        <select name="app" value=${clientId ?? ''} onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}>
          ${(apps.data ?? []).map((a) => html`<option value=${a.clientId}>${a.displayName} (${a.clientId})</option>`)}
        </select>
      </label>
      ${clientId !== undefined ? html`<a href=${`/_emulator/apps/${encodeURIComponent(clientId)}/permissions-report`} target="_blank" rel="noopener">JSON report (for CI)</a>` : ''}
    </div>
    ${
      r === undefined
        ? ''
        : html`<table data-testid="privilege">
              <caption class="muted">
                Granted to ${r.displayName}, used by its authorized calls since the emulator started (or the last reset), granted but unused, lacked by refused calls, and the minimal set to request
                for admin consent.
              </caption>
              <${ColumnHeads} names=${['Kind', 'Granted', 'Used', 'Unused', 'Missing', 'Minimal for admin consent']} />
              <tbody>
                <${KindRow} kind="application" report=${r.application} />
                <${KindRow} kind="delegated" report=${r.delegated} />
              </tbody>
            </table>
            ${r.resourceSpecific.length > 0 ? html`<p>Resource-specific consent used: ${r.resourceSpecific.join(', ')}</p>` : ''}
            <h3>Operations called</h3>
            <table data-testid="operations">
              <${ColumnHeads} names=${['Operation', 'Token', 'Outcome', 'Satisfied by', 'Accepted (least privileged first)', 'Calls', 'Last call (virtual)']} />
              <tbody>
                ${r.operations.map(
                  (o) =>
                    html`<tr data-testid="operation-row">
                      <td><code>${o.operation}</code></td>
                      <td>${o.kind}</td>
                      <td class=${o.outcome === 'refused' ? 'status-bad' : 'status-ok'}>${o.outcome}${o.accessPolicyMissing ? ' (no access policy)' : ''}</td>
                      <td>${o.satisfiedBy ?? '—'}${o.via !== null ? html` <span class="muted">(${o.via})</span>` : ''}</td>
                      <td>${[...o.accepted, ...o.acceptedRsc].join(', ')}</td>
                      <td class="num">${o.calls}</td>
                      <td>${o.lastCallDateTime}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            ${r.operations.length === 0 ? html`<p class="muted">This app has made no Graph call yet.</p>` : ''}`
    }
  </section>`;
}
