import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, text } from './api.js';
import { ErrorLine, useLive } from './shared.js';

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
interface Artifact {
  id: string;
  kind: 'recording' | 'transcript';
  callId: string;
  contentCorrelationId: string;
  createdDateTime: string;
  size: number;
  /** Recordings: whether the audio speaks the transcript or is the sample clip. */
  recordingKind: 'spoken' | 'sample' | null;
  contentUrl: string;
}
interface Cue {
  start: number;
  end: number;
  speaker: string;
  text: string;
}

const seconds = (stamp: string): number => {
  const parts = stamp.split(':').map(Number);
  return parts.reduce((total, part) => total * 60 + part, 0);
};

/** The cues of a Teams WebVTT transcript: `start --> end` then `<v Speaker>text</v>`. */
export function parseVtt(vtt: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of vtt.replace(/\r/g, '').split('\n\n')) {
    const lines = block.split('\n');
    const timing = lines.findIndex((line) => line.includes('-->'));
    if (timing < 0) continue;
    const [from, to] = (lines[timing] ?? '').split('-->').map((s) => s.trim().split(' ')[0] ?? '');
    const body = lines
      .slice(timing + 1)
      .join(' ')
      .trim();
    const voice = /^<v ([^>]*)>(.*?)(<\/v>)?$/.exec(body);
    cues.push({ start: seconds(from ?? '0'), end: seconds(to ?? '0'), speaker: voice?.[1] ?? '', text: (voice?.[2] ?? body).replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') });
  }
  return cues;
}

const clock = (s: number): string => `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

function Transcript({ transcript, video }: { transcript: Artifact; video: { current: HTMLVideoElement | null } }): VNode {
  const [cues, setCues] = useState<Cue[] | undefined>(undefined);
  useEffect(() => {
    void text(transcript.contentUrl).then((vtt) => setCues(parseVtt(vtt)));
  }, [transcript.id]);
  if (cues === undefined) return html`<p class="muted">Loading transcript…</p>`;
  return html`<ol class="cues" aria-label="Transcript cues" data-testid="cues">
    ${cues.map(
      (cue) =>
        html`<li>
          <button
            type="button"
            data-start=${cue.start}
            onClick=${() => {
              // Seek there; a playing video plays on from the cue, a paused one waits at it.
              const player = video.current;
              if (player !== null) player.currentTime = cue.start;
            }}
          >
            <span class="time">${clock(cue.start)}</span><span class="speaker">${cue.speaker}</span>${cue.text}
          </button>
        </li>`,
    )}
  </ol>`;
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
  const video = useRef<HTMLVideoElement>(null);
  const recordings = data?.recordings ?? [];
  const transcripts = data?.transcripts ?? [];
  const [shown, setShown] = useState<string | undefined>(undefined);
  const recording = recordings.find((r) => r.id === shown) ?? recordings[recordings.length - 1];
  const transcript = transcripts.find((t) => t.callId === recording?.callId) ?? transcripts[transcripts.length - 1];
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
    ${
      recording !== undefined
        ? html`<div class="grid2">
            <div>
              <video ref=${video} controls preload="auto" src=${recording.contentUrl} data-testid="recording-video" aria-label="Recording"></video>
            </div>
            <div>
              ${
                transcript !== undefined
                  ? html`<h4>Transcript</h4>
                      <${Transcript} transcript=${transcript} video=${video} />`
                  : html`<p class="muted">No transcript.</p>`
              }
            </div>
          </div>`
        : html`<p class="muted">No recording yet.</p>`
    }
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
      <thead>
        <tr>
          <th scope="col">Subject</th>
          <th scope="col">Organizer</th>
          <th scope="col">Start</th>
        </tr>
      </thead>
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
  </section>`;
}
