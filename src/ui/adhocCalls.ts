import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { Playback, type Artifact } from './playback.js';
import { ColumnHeads, ErrorLine, useLive } from './shared.js';

/**
 * The Meetings page's ad hoc calls (1:1 and group calls without a meeting, whose artifacts Graph serves under
 * /users/{id}/adhocCalls/{id}: https://learn.microsoft.com/graph/api/resources/adhoccall?view=graph-rest-beta):
 * a form that simulates one (POST /_emulator/tenants/{id}/adhocCalls) and the tenant's calls, newest first
 * (GET /_emulator/tenants/{id}/adhocCalls), the selected one's recording playing next to its transcript.
 */

interface User {
  id: string;
  displayName: string;
}
interface AdhocCall {
  id: string;
  organizerId: string;
  callId: string;
  participantIds: string[];
  createdDateTime: string;
  recordings: Artifact[];
  transcripts: Artifact[];
}

function SimulateAdhocForm({ tenantId, users, onDone }: { tenantId: string; users: User[]; onDone: (adhocCallId: string) => void }): VNode {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body = {
      organizerId: String(form.get('organizerId') ?? ''),
      participantIds: form.getAll('participantIds').map(String),
      durationMinutes: Number(form.get('durationMinutes') ?? 30),
      transcript: form.get('transcript') === 'on',
    };
    setBusy(true);
    try {
      const made = await api<{ adhocCallId: string }>(`/_emulator/tenants/${encodeURIComponent(tenantId)}/adhocCalls`, { method: 'POST', body });
      setError(undefined);
      onDone(made.adhocCallId);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="row" aria-label="Simulate ad hoc call" onSubmit=${(e: Event) => void submit(e)}>
    <label
      >Organizer<select name="organizerId">
        ${users.map((u) => html`<option key=${u.id} value=${u.id}>${u.displayName}</option>`)}
      </select></label
    >
    <label
      >Participants<select name="participantIds" multiple size=${Math.min(4, Math.max(2, users.length))}>
        ${users.map((u, i) => html`<option key=${u.id} value=${u.id} selected=${i === 1}>${u.displayName}</option>`)}
      </select></label
    >
    <label>Call duration (minutes)<input name="durationMinutes" type="number" min="0.01" step="any" value="10" /></label>
    <label class="inline"><input name="transcript" type="checkbox" checked />Call transcript</label>
    <button type="submit" disabled=${busy || users.length === 0}>Simulate ad hoc call</button>
    <${ErrorLine} error=${error} />
  </form>`;
}

export function AdhocCalls({ tenantId }: { tenantId: string }): VNode {
  const users = useLive(() => api<{ value: User[] }>(`/_emulator/tenants/${encodeURIComponent(tenantId)}/users`), [tenantId], []);
  const calls = useLive(() => api<{ value: AdhocCall[]; more: boolean }>(`/_emulator/tenants/${encodeURIComponent(tenantId)}/adhocCalls`), [tenantId], ['changed']);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const names = new Map((users.data?.value ?? []).map((u) => [u.id, u.displayName]));
  const name = (id: string): string => names.get(id) ?? id;
  const list = calls.data?.value ?? [];
  const call = list.find((c) => c.id === selected) ?? list[0];
  return html`<section aria-label="Ad hoc calls">
    <h3>Ad hoc calls</h3>
    <${SimulateAdhocForm}
      tenantId=${tenantId}
      users=${users.data?.value ?? []}
      onDone=${(id: string) => {
        setSelected(id);
        calls.reload();
      }}
    />
    <${ErrorLine} error=${users.error ?? calls.error} />
    <table data-testid="adhoc-calls">
      <${ColumnHeads} names=${['Organizer', 'Participants', 'Started', 'Artifacts']} />
      <tbody>
        ${list.map(
          (c) =>
            html`<tr key=${c.id} data-testid="adhoc-call" data-id=${c.id}>
              <td><button class="link" type="button" aria-pressed=${call?.id === c.id} onClick=${() => setSelected(c.id)}>${name(c.organizerId)}</button></td>
              <td>${c.participantIds.map(name).join(', ')}</td>
              <td>${c.createdDateTime}</td>
              <td>${c.recordings.length} recording(s), ${c.transcripts.length} transcript(s)</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${calls.data?.more === true ? html`<p class="muted">Only the newest ${list.length} are shown.</p>` : null}
    ${
      call !== undefined
        ? html`<section class="detail" aria-label=${`Ad hoc call ${call.id}`} data-testid="adhoc-detail">
            <p class="muted wrap">Ad hoc call <span data-testid="adhoc-id">${call.id}</span> · organizer ${name(call.organizerId)}</p>
            <${Playback} key=${call.id} recordings=${call.recordings} transcripts=${call.transcripts} />
          </section>`
        : html`<p class="muted">No ad hoc calls in this tenant.</p>`
    }
  </section>`;
}
