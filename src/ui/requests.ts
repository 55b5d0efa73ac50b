import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { RecordedRequest } from '../runtime/wire.js';
import { api } from './api.js';
import { ColumnHeads, ErrorLine, json, statusClass, useLive } from './shared.js';

type Recorded = RecordedRequest;

function Detail({ id }: { id: number }): VNode {
  const { data, error } = useLive(() => api<Recorded>(`/_emulator/requests/${id}`), [id], []);
  if (data === undefined) return html`<${ErrorLine} error=${error} />`;
  return html`<section class="detail" aria-label="Request detail" data-testid="request-detail">
    <h3>${data.method} ${data.url}</h3>
    <p>
      Status
      <strong class=${statusClass(data.status)} data-testid="detail-status">${data.status}</strong
      >${data.error !== null ? html` — error code <code data-testid="detail-error">${data.error}</code>` : ''} ${data.fault !== null ? html` — injected fault: ${data.fault}` : ''} · ${data.ms} ms ·
      ${data.area} · request-id ${data.requestId ?? '—'}
    </p>
    <p>App ${data.appId ?? '—'} · user ${data.user ?? data.userId ?? '—'}</p>
    ${
      data.tokenClaims !== null
        ? html`<h4>Token claims (decoded; the token itself is never kept)</h4>
            <pre tabindex="0" data-testid="token-claims">${json(data.tokenClaims)}</pre>`
        : ''
    }
    <div class="grid2">
      <div>
        <h4>Request headers</h4>
        <pre tabindex="0">${json(data.requestHeaders)}</pre>
        <h4>Request body</h4>
        <pre tabindex="0">${data.requestBody ?? '(none)'}</pre>
      </div>
      <div>
        <h4>Response headers</h4>
        <pre tabindex="0">${json(data.responseHeaders)}</pre>
        <h4>Response body${data.responseBodyTruncated ? ' (cut at 16 KiB)' : ''}</h4>
        <pre tabindex="0" data-testid="response-body">${data.responseBody ?? '(none)'}</pre>
      </div>
    </div>
  </section>`;
}

export function RequestsPage(): VNode {
  const [status, setStatus] = useState('');
  const [app, setApp] = useState('');
  const [path, setPath] = useState('');
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const query = new URLSearchParams({ top: '200', ...(status !== '' ? { status } : {}), ...(app !== '' ? { app } : {}), ...(path !== '' ? { path } : {}) });
  const { data, error } = useLive(() => api<{ value: Recorded[] }>(`/_emulator/requests?${query.toString()}`), [query.toString()], ['request']);
  const rows = data?.value ?? [];
  return html`<section>
    <h2>Requests</h2>
    <form class="row" role="search" onSubmit=${(e: Event) => e.preventDefault()}>
      <label>Status (404, 4xx, error)<input name="status" value=${status} onInput=${(e: Event) => setStatus((e.target as HTMLInputElement).value)} /></label>
      <label>App id<input name="app" value=${app} onInput=${(e: Event) => setApp((e.target as HTMLInputElement).value)} /></label>
      <label>Path contains<input name="path" value=${path} onInput=${(e: Event) => setPath((e.target as HTMLInputElement).value)} /></label>
      <button type="button" class="secondary" onClick=${() => void api('/_emulator/requests', { method: 'DELETE' })}>Clear</button>
    </form>
    <${ErrorLine} error=${error} />
    <table data-testid="requests">
      <caption class="muted">
        Newest first; live.
      </caption>
      <${ColumnHeads} names=${['Time', 'Method', 'Path', 'Status', 'ms', 'App', 'User', 'Error']} />
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr key=${r.id} data-testid="request-row" data-status=${r.status} data-path=${r.path}>
              <td>${r.at.slice(11, 23)}</td>
              <td>${r.method}</td>
              <td><button class="link" type="button" onClick=${() => setSelected(r.id)}>${r.path}</button></td>
              <td class=${statusClass(r.status)}>${r.status}</td>
              <td class="num">${r.ms}</td>
              <td>${r.appId ?? ''}</td>
              <td>${r.user ?? r.userId ?? ''}</td>
              <td>${r.error ?? ''}${r.fault !== null ? html` <span class="muted">(fault)</span>` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${rows.length === 0 ? html`<p class="muted">No requests recorded yet.</p>` : ''} ${selected !== undefined ? html`<${Detail} id=${selected} />` : ''}
  </section>`;
}
