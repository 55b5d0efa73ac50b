/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the browser.
import { describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { controlJson } from '../support/control.js';
import { useEmulator } from '../support/emulator.js';
import { browserMissing, expectAccessible, screenshot, useBrowserPage } from './browser.js';

/**
 * The dashboard's Call records and Live calls pages in Chromium (issue 14 §3, §4), against a real
 * emulator over HTTPS: what a simulated meeting and an app calling Graph leave behind appears on an
 * open page through the event stream, never by reloading it. Every wait is for a condition on the page.
 */
describe.skipIf(browserMissing !== undefined)('the call pages in Chromium', { timeout: 120_000 }, () => {
  const emu = useEmulator();
  const browserPage = useBrowserPage(30_000);
  const { cspViolations } = browserPage;

  /** Open a page and mark the document: the mark still there later proves the page was never reloaded. */
  const open = async (hash: string, heading: string): Promise<void> => {
    await browserPage.page.goto(`${emu.url}/_emulator/ui#/${hash}`);
    await browserPage.page.getByRole('heading', { level: 2, name: heading }).waitFor();
    await browserPage.page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  };
  const notReloaded = (): Promise<boolean> => browserPage.page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true);

  it("a simulated meeting's call record appears with its sessions, segments and media stream figures; PSTN and Direct Routing rows too", async () => {
    await open('call-records', 'Call records');
    await browserPage.page.locator(`[data-testid=call-record-row][data-id="${emu.demo.callRecordId}"]`).waitFor();

    const simulated = await controlJson<{ callRecordId: string }>(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, { durationMinutes: 30 });
    const row = browserPage.page.locator(`[data-testid=call-record-row][data-id="${simulated.callRecordId}"]`);
    await row.waitFor();
    await row.getByRole('button').click();
    const detail = browserPage.page.getByRole('region', { name: `Call record ${simulated.callRecordId}` });
    const record = await controlJson<{ sessionCount: number; participantCount: number }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/callRecords/${simulated.callRecordId}`);
    await detail
      .getByTestId('session-count')
      .filter({ hasText: String(record.sessionCount) })
      .waitFor();
    const sessions = detail.getByTestId('session');
    await sessions.nth(record.sessionCount - 1).waitFor();
    expect(await sessions.count()).toBe(record.sessionCount);
    expect(await detail.getByTestId('segment').count()).toBeGreaterThanOrEqual(record.sessionCount);
    // The bars are placed by their times: inside the track, with a width.
    const bar = await sessions.first().locator('.session-bar').boundingBox();
    const track = await sessions.first().locator('.track').boundingBox();
    expect(bar!.width).toBeGreaterThan(0);
    expect(bar!.x).toBeGreaterThanOrEqual(track!.x - 0.5);
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(track!.x + track!.width + 0.5);

    // The first session's streams: two directions per medium, figures as Teams reports them.
    const streams = detail.getByTestId('stream-row');
    await streams.first().waitFor();
    expect(await streams.count()).toBeGreaterThanOrEqual(2);
    expect(await streams.first().getByTestId('jitter').textContent()).toMatch(/^\d+ ms$/);
    expect(await streams.first().getByTestId('round-trip').textContent()).toMatch(/^\d+ ms$/);
    expect(await streams.first().getByTestId('packet-loss').textContent()).toMatch(/^\d+\.\d\d %$/);
    // Another session chosen on the timeline shows its own streams.
    await sessions.nth(1).getByRole('button').click();
    expect(await sessions.nth(1).getByRole('button').getAttribute('aria-pressed')).toBe('true');
    const organizer = (await controlJson<{ value: Array<{ id: string; displayName: string }> }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/users`)).value.find(
      (u) => u.id === emu.demo.organizerUserId,
    );
    await detail
      .getByTestId('participants')
      .filter({ hasText: `Organizer: ${organizer!.displayName}` })
      .waitFor();

    await controlJson(emu, 'POST', `/tenants/${emu.demo.tenantId}/pstnCalls`, { kind: 'pstn', count: 2 });
    await controlJson(emu, 'POST', `/tenants/${emu.demo.tenantId}/pstnCalls`, { kind: 'directRouting', count: 3 });
    await browserPage.page.getByTestId('pstn-row').nth(1).waitFor();
    await browserPage.page.getByTestId('directRouting-row').nth(2).waitFor();
    expect(await browserPage.page.getByTestId('directRouting-row').first().textContent()).toContain('sbc1.contoso.com');
    expect(await notReloaded()).toBe(true);
    await expectAccessible(browserPage.page, 'Call records');
    await screenshot(browserPage.page, 'call-records');
  });

  it("a call an app is in and the recording statuses it reports through Graph appear on Live calls, each app's history in order", async () => {
    await open('live-calls', 'Live calls');
    await browserPage.page.locator(`[data-testid=call][data-id="${emu.demo.callId}"]`).waitFor();

    const call = await controlJson<{ id: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/calls`, { meetingId: emu.demo.meetingId, clientId: emu.demo.clientId });
    const article = browserPage.page.locator(`[data-testid=call][data-id="${call.id}"]`);
    const app = article.locator(`[data-testid=call-app][data-client-id="${emu.demo.clientId}"]`);
    await app.waitFor();
    await app.getByText('No recording status reported.').waitFor();

    const client = graphClient(emu);
    await client.api(`/communications/calls/${call.id}/updateRecordingStatus`).post({ status: 'recording', clientContext: 'browser-1' });
    await app.getByTestId('recording-allowed').filter({ hasText: 'may record now' }).waitFor();
    await client.api(`/communications/calls/${call.id}/updateRecordingStatus`).post({ status: 'notRecording', clientContext: 'browser-2' });
    await app.getByTestId('status-update').nth(1).waitFor();
    expect(await app.getByTestId('status-update').evaluateAll((items) => items.map((i) => i.getAttribute('data-status')))).toEqual(['recording', 'notRecording']);
    await app.getByTestId('recording-allowed').filter({ hasText: 'not recording' }).waitFor();
    expect(await app.getByTestId('status-history').textContent()).toContain('clientContext browser-2');
    // Newest first: the new call comes before the demo's.
    const order = await browserPage.page.getByTestId('call').evaluateAll((items) => items.map((i) => i.getAttribute('data-id')));
    expect(order.indexOf(call.id)).toBeLessThan(order.indexOf(emu.demo.callId));

    await controlJson(emu, 'POST', `/calls/${call.id}/end`, undefined, 200);
    await article.getByTestId('call-state').filter({ hasText: 'terminated' }).waitFor();
    expect(await notReloaded()).toBe(true);
    await expectAccessible(browserPage.page, 'Live calls');
    await screenshot(browserPage.page, 'live-calls');
    expect(cspViolations).toEqual([]);
  });
});
