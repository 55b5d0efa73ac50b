import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { AdhocCalls } from './adhocCalls.js';
import { api } from './api.js';
import { Playback, type Artifact } from './playback.js';
import { ColumnHeads, ErrorLine, useLive } from './shared.js';

interface Tenant {
  id: string;
  displayName: string;
}
interface Meeting {
  id: string;
  organizerId: string;
  subject: string | null;
  startDateTime: string;
  joinWebUrl: string;
}
function SimulateForm({ meeting, onDone }: { meeting: Meeting; onDone: () => void }): VNode {
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const body: Record<string, unknown> = { durationMinutes: Number(form.get('durationMinutes') ?? 30), transcript: form.get('transcript') === 'on', recording: form.get('recording') === 'on' };
    const size = String(form.get('recordingSizeBytes') ?? '').trim();
    if (size !== '') body['recordingSizeBytes'] = Number(size);
    const delay = String(form.get('artifactDelay') ?? '').trim();
    if (delay !== '') body['artifactDelay'] = delay;
    const kind = String(form.get('recordingKind') ?? '');
    if (kind === 'spoken' || kind === 'sample') body['recordingKind'] = kind;
    setBusy(true);
    try {
      await api(`/_emulator/meetings/${encodeURIComponent(meeting.id)}/simulate`, { method: 'POST', body });
      setError(undefined);
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="row" aria-label="Simulate meeting" onSubmit=${(e: Event) => void submit(e)}>
    <label>Duration (minutes)<input name="durationMinutes" type="number" min="0.01" step="any" value="30" /></label>
    <label>Recording size (bytes)<input name="recordingSizeBytes" type="number" min="0" placeholder="3-second sample" /></label>
    <label>Artifact delay<input name="artifactDelay" placeholder="PT5M" /></label>
    <label
      >Recording kind<select name="recordingKind">
        <option value="">emulator default</option>
        <option value="spoken">spoken transcript</option>
        <option value="sample">sample clip</option>
      </select></label
    >
    <label class="inline"><input name="recording" type="checkbox" checked />Recording</label>
    <label class="inline"><input name="transcript" type="checkbox" checked />Transcript</label>
    <button type="submit" disabled=${busy}>Simulate meeting</button>
    <${ErrorLine} error=${error} />
  </form>`;
}

function MeetingDetail({ meeting }: { meeting: Meeting }): VNode {
  const { data, error, reload } = useLive(() => api<{ recordings: Artifact[]; transcripts: Artifact[] }>(`/_emulator/meetings/${encodeURIComponent(meeting.id)}/artifacts`), [meeting.id]);
  const recordings = data?.recordings ?? [];
  const transcripts = data?.transcripts ?? [];
  const [shown, setShown] = useState<string | undefined>(undefined);
  const calls = [...new Set([...recordings, ...transcripts].map((a) => a.callId))];
  return html`<section class="detail" aria-label=${`Meeting ${meeting.subject ?? meeting.id}`}>
    <h3>${meeting.subject ?? '(no subject)'}</h3>
    <p class="muted wrap">Organizer ${meeting.organizerId} · <span data-testid="meeting-id">${meeting.id}</span></p>
    <${SimulateForm} meeting=${meeting} onDone=${reload} />
    <${ErrorLine} error=${error} />
    <p>${calls.length} call(s), <span data-testid="recording-count">${recordings.length}</span> recording(s), ${transcripts.length} transcript(s)</p>
    <ul>
      ${recordings.map(
        (r) =>
          html`<li>
            <button class="link" type="button" onClick=${() => setShown(r.id)}>Recording ${r.id.slice(0, 24)}…</button> call ${r.callId} · ${r.createdDateTime} · ${r.size} bytes ·
            <span data-testid="recording-kind">${r.recordingKind === 'spoken' ? 'spoken transcript' : 'sample clip'}</span>
          </li>`,
      )}
    </ul>
    <${Playback} recordings=${recordings} transcripts=${transcripts} recordingId=${shown} />
  </section>`;
}

export function MeetingsPage(): VNode {
  const tenants = useLive(() => api<{ value: Tenant[] }>('/_emulator/tenants'), [], []);
  const [tenantId, setTenantId] = useState<string | undefined>(undefined);
  const tenant = tenantId ?? tenants.data?.value[0]?.id;
  const meetings = useLive(() => (tenant === undefined ? Promise.resolve({ value: [] as Meeting[] }) : api<{ value: Meeting[] }>(`/_emulator/tenants/${tenant}/meetings`)), [tenant], ['changed']);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const list = meetings.data?.value ?? [];
  const meeting = list.find((m) => m.id === selected) ?? list[0];
  return html`<section>
    <h2>Meetings</h2>
    <div class="row">
      <label
        >Tenant
        <select value=${tenant} onChange=${(e: Event) => setTenantId((e.target as HTMLSelectElement).value)}>
          ${(tenants.data?.value ?? []).map((t) => html`<option value=${t.id}>${t.displayName}</option>`)}
        </select>
      </label>
    </div>
    <${ErrorLine} error=${tenants.error ?? meetings.error} />
    <table data-testid="meetings">
      <${ColumnHeads} names=${['Subject', 'Organizer', 'Start']} />
      <tbody>
        ${list.map(
          (m) =>
            html`<tr key=${m.id}>
              <td><button class="link" type="button" aria-pressed=${meeting?.id === m.id} onClick=${() => setSelected(m.id)}>${m.subject ?? '(no subject)'}</button></td>
              <td>${m.organizerId}</td>
              <td>${m.startDateTime}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${meeting !== undefined ? html`<${MeetingDetail} key=${meeting.id} meeting=${meeting} />` : html`<p class="muted">No meetings in this tenant.</p>`}
    ${tenant !== undefined ? html`<${AdhocCalls} key=${tenant} tenantId=${tenant} />` : null}
  </section>`;
}
