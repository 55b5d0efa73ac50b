/**
 * The dashboard (GET /_emulator/ui): Preact + htm, bundled by scripts/bundle.mjs into dist/ui/app.js.
 * It talks only to the control API, same origin; live updates come from GET /_emulator/events.
 */
import { html } from 'htm/preact';
import { render, type VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { events } from './api.js';
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

events.start();
render(html`<${App} />`, document.getElementById('app')!);
