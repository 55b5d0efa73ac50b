import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { AccessPolicy, App, TeamsAppInstallation, Tenant, UsageEntry, User } from '../runtime/wire.js';
import { api } from './api.js';
import { ColumnHeads, ErrorLine, useLive } from './shared.js';

/** Issue 14 §8: tenants, apps and their permissions, users, access policies, Teams app installations, metered usage. */

interface TenantData {
  apps: App[];
  users: User[];
  policies: AccessPolicy[];
  installations: TeamsAppInstallation[];
  usage: UsageEntry[];
}

const list = <T>(path: string): Promise<T[]> => api<{ value: T[] }>(path).then((r) => r.value);

async function loadTenant(tenantId: string): Promise<TenantData> {
  const base = `/_emulator/tenants/${encodeURIComponent(tenantId)}`;
  const [apps, users, policies, installations, usage] = await Promise.all([
    list<App>(`${base}/apps`),
    list<User>(`${base}/users`),
    list<AccessPolicy>(`${base}/accessPolicies`),
    list<TeamsAppInstallation>(`${base}/teamsAppInstallations`),
    list<UsageEntry>(`/_emulator/usage?tenantId=${encodeURIComponent(tenantId)}`),
  ]);
  return { apps, users, policies, installations, usage };
}

const usd = (value: number): string => `$${value.toFixed(4)}`;
const permissions = (values: string[]): VNode => (values.length === 0 ? html`<span class="muted">none</span>` : html`${values.join(', ')}`);

/** Who a policy governs: its users, or, for the tenant-wide one, everyone without a policy of their own. */
function appliesTo(policy: AccessPolicy, users: Map<string, User>): string {
  const named = policy.userIds.map((id) => users.get(id)?.userPrincipalName ?? id);
  if (policy.global) return named.length === 0 ? 'Every user without a policy of their own (global)' : `Global, and ${named.join(', ')}`;
  return named.length === 0 ? 'No user yet' : named.join(', ');
}

export function DirectoryPage(): VNode {
  const tenants = useLive(() => list<Tenant>('/_emulator/tenants'), []);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const tenantId = chosen ?? tenants.data?.[0]?.id;
  // Usage grows with Graph calls: re-read on requests too.
  const data = useLive(() => (tenantId === undefined ? Promise.resolve(undefined) : loadTenant(tenantId)), [tenantId], ['changed', 'request']);
  const d = data.data;
  const appName = new Map((d?.apps ?? []).map((a) => [a.clientId, a.displayName]));
  const users = new Map((d?.users ?? []).map((u) => [u.id, u]));
  const costOf = (clientId: string): number => (d?.usage ?? []).filter((u) => u.clientId === clientId).reduce((sum, u) => sum + u.estimatedCostUsd, 0);
  const callsOf = (clientId: string): number => (d?.usage ?? []).filter((u) => u.clientId === clientId).reduce((sum, u) => sum + u.calls, 0);
  return html`<section>
    <h2>Tenants and apps</h2>
    <${ErrorLine} error=${tenants.error ?? data.error} />
    <div class="row">
      <label
        >Tenant
        <select name="tenant" value=${tenantId ?? ''} onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}>
          ${(tenants.data ?? []).map((t) => html`<option value=${t.id}>${t.displayName} (${t.domain})</option>`)}
        </select>
      </label>
      ${tenantId !== undefined ? html`<span class="muted">Tenant id <code data-testid="tenant-id">${tenantId}</code></span>` : ''}
    </div>

    <h3>Apps</h3>
    <table data-testid="apps">
      <${ColumnHeads} names=${['Name', 'Client id', 'Application permissions', 'Delegated permissions', 'Metered calls', 'Estimated cost']} />
      <tbody>
        ${(d?.apps ?? []).map(
          (a) =>
            html`<tr key=${a.clientId} data-testid="app-row" data-client-id=${a.clientId}>
              <td>${a.displayName}</td>
              <td><code>${a.clientId}</code></td>
              <td>${permissions(a.applicationPermissions)}</td>
              <td>${permissions(a.delegatedPermissions)}</td>
              <td class="num">${callsOf(a.clientId)}</td>
              <td class="num">${usd(costOf(a.clientId))}</td>
            </tr>`,
        )}
      </tbody>
    </table>

    <h3>Users</h3>
    <table data-testid="users">
      <${ColumnHeads} names=${['Name', 'User principal name', 'Job title', 'Id']} />
      <tbody>
        ${(d?.users ?? []).map(
          (u) =>
            html`<tr key=${u.id} data-testid="user-row">
              <td>${u.displayName}</td>
              <td>${u.userPrincipalName}</td>
              <td>${u.jobTitle ?? ''}</td>
              <td><code>${u.id}</code></td>
            </tr>`,
        )}
      </tbody>
    </table>

    <h3>Application access policies</h3>
    <table data-testid="policies">
      <${ColumnHeads} names=${['Policy', 'Apps', 'Applies to']} />
      <tbody>
        ${(d?.policies ?? []).map(
          (p) =>
            html`<tr key=${p.id} data-testid="policy-row">
              <td>${p.name}${p.description !== null ? html`<br /><span class="muted">${p.description}</span>` : ''}</td>
              <td>${p.appIds.map((id) => appName.get(id) ?? id).join(', ')}</td>
              <td>${appliesTo(p, users)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${d !== undefined && d.policies.length === 0 ? html`<p class="muted">No application access policy: app-only calls to users' online meetings are refused.</p>` : ''}

    <h3>Teams app installations</h3>
    <table data-testid="installations">
      <${ColumnHeads} names=${['App', 'Teams app id', 'Meeting', 'Resource-specific consent']} />
      <tbody>
        ${(d?.installations ?? []).map(
          (i) =>
            html`<tr key=${i.id} data-testid="installation-row">
              <td>${appName.get(i.clientId) ?? i.clientId}</td>
              <td><code>${i.teamsAppId}</code></td>
              <td><code>${i.meetingId}</code></td>
              <td>${permissions(i.rscPermissions)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${d !== undefined && d.installations.length === 0 ? html`<p class="muted">No Teams app installed in a meeting.</p>` : ''}

    <h3>Metered API usage</h3>
    <p class="muted">
      Recordings and transcripts are metered: billed per minute of content downloaded ($0.003 a minute of recording, $0.0022 of transcript), beyond an evaluation quota of 600 minutes per app per
      tenant per month, which the estimate does not deduct.
    </p>
    <table data-testid="usage">
      <${ColumnHeads} names=${['App', 'API', 'Calls', 'Content minutes', 'Estimated cost', 'Last call (virtual)']} />
      <tbody>
        ${(d?.usage ?? []).map(
          (u) =>
            html`<tr key=${`${u.clientId}|${u.api}`} data-testid="usage-row" data-api=${u.api}>
              <td>${appName.get(u.clientId) ?? u.clientId}</td>
              <td>${u.api}</td>
              <td class="num" data-testid="usage-calls">${u.calls}</td>
              <td class="num">${u.contentMinutes.toFixed(2)}</td>
              <td class="num">${usd(u.estimatedCostUsd)}</td>
              <td>${u.lastCallDateTime}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${d !== undefined && d.usage.length === 0 ? html`<p class="muted">No metered API called yet.</p>` : ''}
  </section>`;
}
