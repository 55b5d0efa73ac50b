/**
 * The dashboard (GET /_emulator/ui): Preact + htm, bundled by scripts/bundle.mjs into dist/ui/app.js.
 * It talks only to the control API, same origin; live updates come from GET /_emulator/events.
 */
import { html } from 'htm/preact';
import { render, type VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { events, hasSession, startSession } from './api.js';
import { ClockPage, FaultsPage, SubscriptionsPage } from './control.js';
import { DirectoryPage } from './directory.js';
import { PrivilegePage } from './privilege.js';
import { CallRecordsPage } from './callRecords.js';
import { LiveCallsPage } from './liveCalls.js';
import { MeetingsPage } from './meetings.js';
import { RequestsPage } from './requests.js';

const PAGES: Array<{ id: string; title: string; page: () => VNode }> = [
  { id: 'requests', title: 'Requests', page: RequestsPage },
  { id: 'meetings', title: 'Meetings', page: MeetingsPage },
  { id: 'call-records', title: 'Call records', page: CallRecordsPage },
  { id: 'live-calls', title: 'Live calls', page: LiveCallsPage },
  { id: 'subscriptions', title: 'Subscriptions', page: SubscriptionsPage },
  { id: 'clock', title: 'Clock', page: ClockPage },
  { id: 'faults', title: 'Faults', page: FaultsPage },
  { id: 'directory', title: 'Tenants & apps', page: DirectoryPage },
  { id: 'privilege', title: 'Least privilege', page: PrivilegePage },
];

const current = (): string => location.hash.replace(/^#\/?/, '') || 'requests';

function App(): VNode {
  const [page, setPage] = useState(current());
  useEffect(() => {
    const onHash = (): void => setPage(current());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const active = PAGES.find((p) => p.id === page) ?? PAGES[0]!;
  useEffect(() => {
    document.title = `${active.title} · graph-comms-emulator`;
  }, [active.id]);
  return html`<header>
      <h1>graph-comms-emulator</h1>
      <nav aria-label="Dashboard pages">
        <ul>
          ${PAGES.map((p) => html`<li><a href=${`#/${p.id}`} aria-current=${p.id === active.id ? 'page' : undefined}>${p.title}</a></li>`)}
        </ul>
      </nav>
    </header>
    <main><${active.page} key=${active.id} /></main>`;
}

/**
 * With an admin token the page needs a session first (admin/guard.ts). The ready line's link carries
 * the token in the fragment (`#token=…`: never sent to a server, nor in a Referer); it is traded for
 * the HttpOnly session cookie at once and wiped from the address bar and history. Otherwise the page
 * asks for the token.
 */
function tokenFromFragment(): string | undefined {
  const match = /^#token=([^&]+)/.exec(location.hash);
  if (match === null) return undefined;
  history.replaceState(null, '', `${location.pathname}${location.search}#/requests`);
  return decodeURIComponent(match[1]!);
}

function SignIn({ problem, onDone }: { problem: string | undefined; onDone: () => void }): VNode {
  const [token, setToken] = useState('');
  const [error, setError] = useState(problem);
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      await startSession(token.trim());
      onDone();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return html`<header><h1>graph-comms-emulator</h1></header>
    <main>
      <h2>Admin token</h2>
      <p>This emulator's control API needs its admin token (--admin-token, or the one its ready line prints).</p>
      <form onSubmit=${submit}>
        <label for="admin-token">Admin token</label>
        <input id="admin-token" type="password" autocomplete="off" required value=${token} onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
        <button type="submit">Open the dashboard</button>
      </form>
      ${error !== undefined ? html`<p role="alert" class="error">${error}</p>` : null}
    </main>`;
}

const root = document.getElementById('app')!;

function open(): void {
  events.start();
  render(html`<${App} />`, root);
}

async function boot(): Promise<void> {
  const token = tokenFromFragment();
  let problem: string | undefined;
  if (token !== undefined) {
    try {
      await startSession(token);
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
  }
  if (problem === undefined && (await hasSession())) return open();
  render(html`<${SignIn} problem=${problem} onDone=${open} />`, root);
}

void boot();
