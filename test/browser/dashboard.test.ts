/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the browser.
import { describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { controlJson } from '../support/control.js';
import { inMinutes, subscribe, useNotificationRig } from '../notifications/support.js';
import { browserMissing, expectAccessible, screenshot, useBrowserPage } from './browser.js';

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): the flows of issue 14,
 * against a real emulator over HTTPS, a real webhook receiver and the official Graph client. Every
 * wait is for a condition on the page, never for a time.
 */
interface ControlMeeting {
  id: string;
  subject: string | null;
}

describe.skipIf(browserMissing !== undefined)('the dashboard in Chromium', { timeout: 90_000 }, () => {
  const rig = useNotificationRig();
  const browserPage = useBrowserPage(20_000);
  const { cspViolations } = browserPage;

  const open = async (hash: string): Promise<void> => {
    await browserPage.page.goto(`${rig.emu.url}/_emulator/ui#/${hash}`);
    await browserPage.page.getByRole('heading', { level: 2 }).waitFor();
  };

  it("opens from / and shows the demo tenant's meetings", async () => {
    await browserPage.page.goto(`${rig.emu.url}/`);
    await browserPage.page.waitForURL(/\/_emulator\/ui/);
    await browserPage.page.getByRole('link', { name: 'Meetings' }).click();
    const meetings = await controlJson<{ value: ControlMeeting[] }>(rig.emu, 'GET', `/tenants/${rig.emu.demo.tenantId}/meetings`);
    const demo = meetings.value.find((m) => m.id === rig.emu.demo.meetingId);
    expect(demo?.subject).toBeTruthy();
    await browserPage.page.getByRole('button', { name: demo!.subject! }).waitFor();
    for (const m of meetings.value)
      await browserPage.page
        .getByRole('button', { name: m.subject ?? '(no subject)' })
        .first()
        .waitFor();
    await expectAccessible(browserPage.page, 'Meetings');
    await screenshot(browserPage.page, 'meetings');
  });

  it('simulates a meeting from the form: its recording appears without reload, plays, and a transcript cue seeks it', async () => {
    const meeting = await controlJson<ControlMeeting>(rig.emu, 'POST', `/tenants/${rig.emu.demo.tenantId}/meetings`, {
      organizerId: rig.emu.demo.organizerUserId,
      subject: 'Browser simulated meeting',
      attendeeIds: [rig.emu.demo.users[1]!.id],
    });
    await open('meetings');
    await browserPage.page.getByRole('button', { name: 'Browser simulated meeting' }).click();
    const detail = browserPage.page.getByRole('region', { name: 'Meeting Browser simulated meeting' });
    await detail.getByText('0 call(s), 0 recording(s)').waitFor();
    await detail.getByLabel('Duration (minutes)').fill('15');
    // The suite's default kind is the sample clip (vitest.config.ts); the form asks for it explicitly too.
    await detail.getByLabel('Recording kind').selectOption('sample');
    await detail.getByRole('button', { name: 'Simulate meeting' }).click();
    await detail.getByTestId('recording-count').filter({ hasText: '1' }).waitFor();
    expect(await detail.getByTestId('recording-kind').allTextContents()).toEqual(['sample clip']);
    const video = detail.getByTestId('recording-video');
    await video.waitFor();
    expect(await browserPage.page.evaluate(() => location.hash)).toBe('#/meetings'); // same browserPage.page, never reloaded

    // It plays: data for the current position (readyState ≥ 2) and the position moves.
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await browserPage.page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid=recording-video]');
      return v !== null && v.readyState >= 2 && v.currentTime > 0.2;
    });
    await video.evaluate((v: HTMLVideoElement) => v.pause());
    const before = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    expect(before).toBeGreaterThan(0.2);

    // The transcript's cues name their speakers; the first cue (00:00) seeks back to the start.
    const cues = detail.getByRole('list', { name: 'Transcript cues' }).getByRole('button');
    await cues.first().waitFor();
    expect(await cues.count()).toBeGreaterThan(1);
    expect(await cues.first().textContent()).toMatch(/^00:00\S/);
    await cues.first().click();
    await browserPage.page.waitForFunction(() => document.querySelector<HTMLVideoElement>('[data-testid=recording-video]')?.currentTime === 0);
    expect(meeting.id).toBeTruthy();
    await expectAccessible(browserPage.page, 'Meetings with a recording');
    await screenshot(browserPage.page, 'meeting-recording');
  });

  it('shows a call of the official Graph client in Requests with its status and decoded token', async () => {
    await open('requests');
    const user = await graphClient(rig.emu).api(`/users/${rig.emu.demo.organizerUserId}`).get();
    expect(user).toBeTruthy();
    const row = browserPage.page.locator(`[data-testid=request-row][data-path="/v1.0/users/${rig.emu.demo.organizerUserId}"]`).first();
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('200');
    await row.getByRole('button').click();
    const detail = browserPage.page.getByTestId('request-detail');
    await detail.getByTestId('detail-status').filter({ hasText: '200' }).waitFor();
    const claims = JSON.parse((await detail.getByTestId('token-claims').textContent()) ?? '{}') as Record<string, unknown>;
    expect(claims['appid']).toBe(rig.emu.demo.clientId);
    expect(claims['tid']).toBe(rig.emu.demo.tenantId);
    await expectAccessible(browserPage.page, 'Requests');
    await screenshot(browserPage.page, 'requests');
  });

  it('shows a delivery with its decrypted payload, then the subscription expiring when the clock is advanced from the Clock page', async () => {
    const created = await subscribe(rig.emu, {
      changeType: 'created',
      notificationUrl: `${rig.receiver.url}/dashboard`,
      resource: 'communications/onlineMeetings/getAllRecordings',
      includeResourceData: true,
      encryptionCertificate: rig.cert.certificateBase64Der,
      encryptionCertificateId: 'dashboard',
      expirationDateTime: inMinutes(rig.emu, 55),
    });
    expect(created.status).toBe(201);
    const subscriptionId = String(created.body['id']);
    await open('subscriptions');
    const row = browserPage.page.locator(`[data-testid=subscription-row][data-id="${subscriptionId}"]`);
    await row
      .getByTestId('expires-in')
      .filter({ hasText: /^00:5\d:\d\d$/ })
      .waitFor();

    await controlJson(rig.emu, 'POST', `/meetings/${encodeURIComponent(rig.emu.demo.meetingId)}/simulate`, { durationMinutes: 5 });
    await browserPage.page.getByRole('button', { name: 'Flush now' }).click();
    await browserPage.page.getByRole('status').filter({ hasText: 'Flushed' }).waitFor();
    await rig.receiver.waitForItems(1, 15_000, '/dashboard');
    const delivery = browserPage.page
      .getByTestId('delivery')
      .filter({ hasText: `${rig.receiver.url}/dashboard` })
      .first();
    await delivery.filter({ hasText: 'delivered' }).waitFor();
    await delivery.locator('summary').click();
    const decrypted = JSON.parse((await delivery.getByTestId('decrypted').textContent()) ?? '{}') as Record<string, unknown>;
    expect(decrypted['meetingId']).toBe(rig.emu.demo.meetingId);
    expect(decrypted['recordingContentUrl']).toMatch(/^https:\/\/localhost:\d+\/v1\.0\//);
    await expectAccessible(browserPage.page, 'Subscriptions');
    await screenshot(browserPage.page, 'subscriptions');

    await open('clock');
    await browserPage.page.getByLabel(/Advance by/).fill('PT2H');
    await browserPage.page.getByRole('button', { name: 'Advance' }).click();
    await expectAccessible(browserPage.page, 'Clock');
    await screenshot(browserPage.page, 'clock');
    await browserPage.page.getByRole('link', { name: 'Subscriptions' }).click();
    await browserPage.page
      .locator(`[data-testid=subscription-row][data-id="${subscriptionId}"]`)
      .getByTestId('expires-in')
      .filter({ hasText: /^expired/ })
      .waitFor();
  });

  it('adds a 429 fault from the Faults page: the next Graph call shows 429 in Requests', async () => {
    await open('faults');
    const form = browserPage.page.getByRole('form', { name: 'Add a fault' });
    await form.getByLabel('Path pattern').fill('/v1.0/users/*');
    await form.getByLabel('Method').selectOption('GET');
    await form.getByLabel('Status').fill('429');
    await form.getByLabel('Count').fill('1');
    await form.getByRole('button', { name: 'Add fault' }).click();
    await browserPage.page.getByTestId('fault-row').filter({ hasText: '/v1.0/users/*' }).waitFor();
    await expectAccessible(browserPage.page, 'Faults');
    await screenshot(browserPage.page, 'faults');

    const res = await fetch(`${rig.emu.url}/v1.0/users/${rig.emu.demo.organizerUserId}`, { headers: { authorization: 'Bearer x' } });
    expect(res.status).toBe(429);
    await browserPage.page.getByRole('link', { name: 'Requests' }).click();
    const row = browserPage.page.locator(`[data-testid=request-row][data-status="429"][data-path="/v1.0/users/${rig.emu.demo.organizerUserId}"]`);
    await row.waitFor();
    await row.getByRole('button').click();
    await browserPage.page.getByTestId('detail-error').filter({ hasText: 'TooManyRequests' }).waitFor();
    expect(cspViolations).toEqual([]);
  });
});
