/// <reference lib="dom" />
// The callbacks given to locator.evaluate run in the browser.
import { describe, expect, it } from 'vitest';
import { controlJson } from '../support/control.js';
import { useEmulator } from '../support/emulator.js';
import { browserMissing, expectAccessible, screenshot, useBrowserPage } from './browser.js';

/**
 * The Meetings page's ad hoc calls in Chromium (issue 14 §2), against a real emulator over HTTPS: a call
 * simulated from the form appears on the open page without a reload, its recording plays and a cue of its
 * transcript seeks it. Every wait is for a condition on the page.
 */
describe.skipIf(browserMissing !== undefined)('ad hoc calls on the Meetings page in Chromium', { timeout: 120_000 }, () => {
  const emu = useEmulator();
  const browserPage = useBrowserPage(30_000);
  const { cspViolations } = browserPage;

  it('simulates an ad hoc call from the form: it appears without reload, its video plays and a transcript cue seeks it', async () => {
    const page = browserPage.page;
    await page.goto(`${emu.url}/_emulator/ui#/meetings`);
    await page.getByRole('heading', { level: 2, name: 'Meetings' }).waitFor();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const [organizer, second, third] = emu.demo.users;
    const section = page.getByRole('region', { name: 'Ad hoc calls' });
    const form = section.getByRole('form', { name: 'Simulate ad hoc call' });
    await form.getByLabel('Organizer').locator(`option[value="${second!.id}"]`).waitFor({ state: 'attached' });
    await form.getByLabel('Organizer').selectOption(second!.id);
    await form.getByLabel('Participants').selectOption([organizer!.id, third!.id]);
    await form.getByLabel('Call duration (minutes)').fill('12');
    await form.getByRole('button', { name: 'Simulate ad hoc call' }).click();

    // The new call is listed and selected (the form selects what it made), and is what the store holds.
    const detail = section.getByTestId('adhoc-detail');
    await detail.filter({ hasText: `organizer ${second!.displayName}` }).waitFor();
    const shownId = (await detail.getByTestId('adhoc-id').textContent()) ?? '';
    const stored = await controlJson<{ value: Array<{ id: string; organizerId: string; participantIds: string[] }> }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/adhocCalls?top=100`);
    const made = stored.value.find((c) => c.id === shownId);
    expect(made?.organizerId).toBe(second!.id);
    expect(made?.participantIds).toEqual(expect.arrayContaining([organizer!.id, second!.id, third!.id]));
    await section.locator(`[data-testid=adhoc-call][data-id="${shownId}"]`).filter({ hasText: '1 recording(s), 1 transcript(s)' }).waitFor();

    // It plays: data for the current position (readyState ≥ 2) and the position moves.
    const video = detail.getByTestId('recording-video');
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<void>((done) => {
          const check = (): void => {
            if (v.readyState >= 2 && v.currentTime > 0.2) done();
            else requestAnimationFrame(check);
          };
          check();
        }),
    );
    await video.evaluate((v: HTMLVideoElement) => v.pause());

    // The transcript's first cue (00:00) seeks back to the start.
    const cues = detail.getByRole('list', { name: 'Transcript cues' }).getByRole('button');
    await cues.first().waitFor();
    expect(await cues.count()).toBeGreaterThan(1);
    expect(await cues.first().textContent()).toMatch(/^00:00\S/);
    await cues.first().click();
    await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<void>((done) => {
          const check = (): void => (v.currentTime === 0 ? done() : void requestAnimationFrame(check));
          check();
        }),
    );
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded === true)).toBe(true);

    // One made elsewhere (the control API) appears on the open page through the event stream.
    const other = await controlJson<{ adhocCallId: string }>(emu, 'POST', `/tenants/${emu.demo.tenantId}/adhocCalls`, { organizerId: organizer!.id, participantIds: [third!.id], durationMinutes: 3 });
    await section.locator(`[data-testid=adhoc-call][data-id="${other.adhocCallId}"]`).waitFor();

    await expectAccessible(page, 'Meetings with ad hoc calls');
    await screenshot(page, 'adhoc-call');
    expect(cspViolations).toEqual([]);
  });
});
