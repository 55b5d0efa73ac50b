import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { CallRecordDetail, CallRecordRow as RecordRow, ControlPage as Page } from '../runtime/wire.js';
import { api } from './api.js';
import { ColumnHeads, ErrorLine, useLive } from './shared.js';

/**
 * Call records (GET /_emulator/tenants/{id}/callRecords and …/detail): the list newest first, and a
 * record's sessions and segments on a timeline, its participants, and each segment's media streams
 * with the quality figures Teams reports (https://learn.microsoft.com/graph/api/resources/callrecords-mediastream).
 * Below, the PSTN and Direct Routing rows getPstnCalls / getDirectRoutingCalls serve.
 */

type Json = Record<string, unknown>;
interface Tenant {
  id: string;
  displayName: string;
}
interface Stream extends Json {
  streamDirection?: string;
}
interface Media {
  label?: string;
  streams?: Stream[];
}
interface Segment extends Json {
  id: string;
  startDateTime: string;
  endDateTime: string;
  media?: Media[];
}
interface Session extends Json {
  id: string;
  startDateTime: string;
  endDateTime: string;
  modalities?: string[];
  caller?: Json;
  segments?: Segment[];
}
type Detail = Omit<CallRecordDetail, 'sessions'> & { sessions: Session[] };

const PAGE = 20;
const SESSION_PAGE = 50;

/** The tenants, and the one chosen (the first by default): shared by the call pages. */
export function useTenant(): { tenants: Tenant[]; tenant: string | undefined; select: VNode; error: string | undefined } {
  const tenants = useLive(() => api<{ value: Tenant[] }>('/_emulator/tenants'), [], []);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const list = tenants.data?.value ?? [];
  const tenant = chosen ?? list[0]?.id;
  const select = html`<div class="row">
    <label
      >Tenant
      <select value=${tenant} onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}>
        ${list.map((t) => html`<option value=${t.id}>${t.displayName}</option>`)}
      </select>
    </label>
  </div>`;
  return { tenants: list, tenant, select, error: tenants.error };
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value));
const obj = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

/** Who an identity set names: user, guest, application or phone. */
export function identityName(identity: unknown): string {
  const set = obj(identity);
  for (const key of ['user', 'guest', 'acsUser', 'spoolUser', 'phone', 'application', 'device']) {
    const who = obj(set[key]);
    if (who['displayName'] !== undefined || who['id'] !== undefined) return str(who['displayName']) || str(who['id']);
  }
  return '';
}

/** An endpoint's person: its identity (participantEndpoint) or its user agent's role (serviceEndpoint). */
const endpointName = (endpoint: unknown): string => {
  const e = obj(endpoint);
  return identityName(e['identity']) || str(obj(e['associatedIdentity'])['displayName']) || str(obj(e['userAgent'])['role']) || 'service';
};

/** `PT0.016S` (Edm.Duration) → `16 ms`; anything else as it is. */
export function ms(duration: unknown): string {
  const m = /^PT(?:(\d+)M)?([\d.]+)S$/.exec(str(duration));
  if (m === null) return str(duration) || '—';
  return `${Math.round((Number(m[1] ?? 0) * 60 + Number(m[2])) * 1000)} ms`;
}

const percent = (rate: unknown): string => (typeof rate === 'number' ? `${(rate * 100).toFixed(2)} %` : '—');
const num = (value: unknown): string => (typeof value === 'number' ? value.toLocaleString('en-US') : '—');
const time = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

/** Where [start, end] falls within [from, to], as CSS percentages (kept inside the track). */
function span(from: number, to: number, start: string, end: string): { left: string; width: string } {
  const total = Math.max(to - from, 1);
  const a = Math.min(Math.max(Date.parse(start) - from, 0), total);
  const b = Math.min(Math.max(Date.parse(end) - from, a), total);
  return { left: `${((a / total) * 100).toFixed(3)}%`, width: `${Math.max(((b - a) / total) * 100, 0.5).toFixed(3)}%` };
}

function Timeline({ detail, selected, onSelect }: { detail: Detail; selected: string | undefined; onSelect: (id: string) => void }): VNode {
  const from = Date.parse(detail.record.startDateTime);
  const to = Math.max(Date.parse(detail.record.endDateTime), ...detail.sessions.map((s) => Date.parse(s.endDateTime)));
  return html`<div class="axis" data-testid="timeline-axis"><span>${time(new Date(from).toISOString())}</span><span>${time(new Date(to).toISOString())}</span></div>
    <ol class="timeline" aria-label="Sessions timeline" data-testid="timeline">
      ${detail.sessions.map((session) => {
        const who = endpointName(session.caller);
        // CSSOM positions (element.style), which the dashboard's CSP (style-src 'self') allows, unlike a style attribute in markup.
        return html`<li key=${session.id} data-testid="session" data-id=${session.id}>
          <button type="button" class="session-label link" aria-pressed=${selected === session.id} onClick=${() => onSelect(session.id)}>${who}</button>
          <div class="track" title=${`${time(session.startDateTime)} – ${time(session.endDateTime)}`}>
            <div class="bar session-bar" style=${span(from, to, session.startDateTime, session.endDateTime)}></div>
            ${(session.segments ?? []).map((segment) => html`<div class="bar segment-bar" data-testid="segment" style=${span(from, to, segment.startDateTime, segment.endDateTime)}></div>`)}
          </div>
        </li>`;
      })}
    </ol>`;
}

function Streams({ session }: { session: Session }): VNode {
  const rows = (session.segments ?? []).flatMap((segment, i) =>
    (segment.media ?? []).flatMap((media) => (media.streams ?? []).map((stream) => ({ segment: i + 1, label: media.label ?? '', stream }))),
  );
  return html`<table data-testid="streams" aria-label="Media streams">
    <${ColumnHeads} names=${['Segment', 'Media', 'Direction', 'Codec', 'Avg jitter', 'Max jitter', 'Avg packet loss', 'Avg round trip', 'Max round trip', 'Bandwidth (bps)', 'Audio degradation']} />
    <tbody>
      ${rows.map(
        ({ segment, label, stream }) =>
          html`<tr data-testid="stream-row">
            <td class="num">${segment}</td>
            <td>${label}</td>
            <td>${str(stream.streamDirection)}</td>
            <td>${str(stream['audioCodec'] ?? stream['videoCodec'])}</td>
            <td class="num" data-testid="jitter">${ms(stream['averageJitter'])}</td>
            <td class="num">${ms(stream['maxJitter'])}</td>
            <td class="num" data-testid="packet-loss">${percent(stream['averagePacketLossRate'])}</td>
            <td class="num" data-testid="round-trip">${ms(stream['averageRoundTripTime'])}</td>
            <td class="num">${ms(stream['maxRoundTripTime'])}</td>
            <td class="num">${num(stream['averageBandwidthEstimate'])}</td>
            <td class="num">${num(stream['averageAudioDegradation'])}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function RecordDetail({ tenant, record }: { tenant: string; record: RecordRow }): VNode {
  const [skip, setSkip] = useState(0);
  const { data, error } = useLive(
    () => api<Detail>(`/_emulator/tenants/${encodeURIComponent(tenant)}/callRecords/${encodeURIComponent(record.id)}/detail?skip=${skip}&top=${SESSION_PAGE}`),
    [tenant, record.id, skip],
    ['changed'],
  );
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const session = data?.sessions.find((s) => s.id === selected) ?? data?.sessions[0];
  return html`<section class="detail" aria-label=${`Call record ${record.id}`} data-testid="call-record-detail">
    <h3>Call record <span class="wrap">${record.id}</span></h3>
    <${ErrorLine} error=${error} />
    <p class="muted wrap">
      ${record.type} · ${record.modalities.join(', ')} · ${time(record.startDateTime)} – ${time(record.endDateTime)} · version ${record.version}
      ${record.callId !== null ? ` · call ${record.callId}` : ''}
    </p>
    ${
      data === undefined
        ? html`<p class="muted">Loading…</p>`
        : html`<h4>Participants (<span data-testid="participant-count">${record.participantCount}</span>)</h4>
            <p data-testid="participants">
              ${data.organizer !== null ? html`<strong>Organizer: ${identityName(data.organizer['identity'])}</strong>; ` : ''}
              ${data.participants.map((p) => identityName(p['identity'])).join(', ')}${data.participantsMore ? ', …' : ''}
            </p>
            <h4>Sessions and segments (<span data-testid="session-count">${record.sessionCount}</span>)</h4>
            <${Timeline} detail=${data} selected=${session?.id} onSelect=${setSelected} />
            ${
              skip > 0 || data.sessionsMore
                ? html`<div class="row">
                    <button type="button" class="secondary" disabled=${skip === 0} onClick=${() => setSkip(Math.max(0, skip - SESSION_PAGE))}>Earlier sessions</button>
                    <button type="button" class="secondary" disabled=${!data.sessionsMore} onClick=${() => setSkip(skip + SESSION_PAGE)}>Later sessions</button>
                  </div>`
                : null
            }
            ${
              session !== undefined
                ? html`<h4>Media streams of ${endpointName(session.caller)}'s session</h4>
                    <div class="scroll"><${Streams} session=${session} /></div>`
                : html`<p class="muted">No sessions.</p>`
            }`
    }
  </section>`;
}

const PSTN_COLUMNS: Record<'pstn' | 'directRouting', Array<[string, string]>> = {
  pstn: [
    ['startDateTime', 'Start'],
    ['userDisplayName', 'User'],
    ['callType', 'Type'],
    ['callerNumber', 'Caller'],
    ['calleeNumber', 'Callee'],
    ['duration', 'Duration (s)'],
    ['charge', 'Charge'],
    ['currency', 'Currency'],
    ['destinationName', 'Destination'],
  ],
  directRouting: [
    ['startDateTime', 'Start'],
    ['userDisplayName', 'User'],
    ['callType', 'Type'],
    ['callerNumber', 'Caller'],
    ['calleeNumber', 'Callee'],
    ['duration', 'Duration (s)'],
    ['successfulCall', 'Successful'],
    ['finalSipCode', 'SIP code'],
    ['finalSipCodePhrase', 'SIP phrase'],
    ['trunkFullyQualifiedDomainName', 'Trunk'],
  ],
};

function PstnTable({ tenant, kind, title }: { tenant: string; kind: 'pstn' | 'directRouting'; title: string }): VNode {
  const [skip, setSkip] = useState(0);
  const { data, error } = useLive(() => api<Page<Json>>(`/_emulator/tenants/${encodeURIComponent(tenant)}/pstnCalls?kind=${kind}&skip=${skip}&top=${PAGE}`), [tenant, kind, skip], ['changed']);
  const rows = data?.value ?? [];
  const columns = PSTN_COLUMNS[kind];
  return html`<section aria-label=${title}>
    <h3>${title}</h3>
    <${ErrorLine} error=${error} />
    ${
      rows.length === 0 && skip === 0
        ? html`<p class="muted">None (simulate some with POST /_emulator/tenants/{tenantId}/pstnCalls).</p>`
        : html`<div class="scroll">
            <table data-testid=${`${kind}-calls`}>
              <${ColumnHeads} names=${columns.map(([, label]) => label)} />
              <tbody>
                ${rows.map(
                  (row) =>
                    html`<tr data-testid=${`${kind}-row`}>
                      ${columns.map(([key]) => html`<td>${key === 'startDateTime' ? time(str(row[key])) : str(row[key])}</td>`)}
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    <${Pager} skip=${skip} more=${data?.more ?? false} onSkip=${setSkip} label=${title} />
  </section>`;
}

function Pager({ skip, more, onSkip, label }: { skip: number; more: boolean; onSkip: (skip: number) => void; label: string }): VNode | null {
  if (skip === 0 && !more) return null;
  return html`<div class="row" role="group" aria-label=${`${label} pages`}>
    <button type="button" class="secondary" disabled=${skip === 0} onClick=${() => onSkip(Math.max(0, skip - PAGE))}>Newer</button>
    <button type="button" class="secondary" disabled=${!more} onClick=${() => onSkip(skip + PAGE)}>Older</button>
  </div>`;
}

export function CallRecordsPage(): VNode {
  const { tenant, select, error: tenantError } = useTenant();
  const [skip, setSkip] = useState(0);
  const records = useLive(
    () =>
      tenant === undefined
        ? Promise.resolve({ value: [], more: false } as Page<RecordRow>)
        : api<Page<RecordRow>>(`/_emulator/tenants/${encodeURIComponent(tenant)}/callRecords?skip=${skip}&top=${PAGE}`),
    [tenant, skip],
    ['changed'],
  );
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const list = records.data?.value ?? [];
  const record = list.find((r) => r.id === selected) ?? list[0];
  return html`<section>
    <h2>Call records</h2>
    ${select}
    <${ErrorLine} error=${tenantError ?? records.error} />
    <div class="scroll">
      <table data-testid="call-records">
        <${ColumnHeads} names=${['Start', 'Type', 'Modalities', 'Participants', 'Sessions', 'Version']} />
        <tbody>
          ${list.map(
            (r) =>
              html`<tr key=${r.id} data-testid="call-record-row" data-id=${r.id}>
                <td><button class="link" type="button" aria-pressed=${record?.id === r.id} onClick=${() => setSelected(r.id)}>${time(r.startDateTime)}</button></td>
                <td>${r.type}</td>
                <td>${r.modalities.join(', ')}</td>
                <td class="num">${r.participantCount}</td>
                <td class="num">${r.sessionCount}</td>
                <td class="num">${r.version}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <${Pager} skip=${skip} more=${records.data?.more ?? false} onSkip=${setSkip} label="Call records" />
    ${tenant !== undefined && record !== undefined ? html`<${RecordDetail} key=${record.id} tenant=${tenant} record=${record} />` : html`<p class="muted">No call records in this tenant.</p>`}
    ${
      tenant !== undefined
        ? html`<${PstnTable} key=${`pstn-${tenant}`} tenant=${tenant} kind="pstn" title="PSTN calls" />
            <${PstnTable} key=${`dr-${tenant}`} tenant=${tenant} kind="directRouting" title="Direct Routing calls" />`
        : null
    }
  </section>`;
}
