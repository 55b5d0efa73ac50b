/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the browser.
import { describe, expect, it } from 'vitest';
import { graphClient } from '../support/clients.js';
import { useEmulator } from '../support/emulator.js';
import { browserMissing, expectAccessible, screenshot, useBrowserPage } from './browser.js';

/**
 * The dashboard of an emulator whose control API needs the admin token (admin/guard.ts): it signs in
 * once (the ready line's `#token=` link, or the token typed in) and then everything it does — reads,
 * the event stream, a state-changing form — goes through with its HttpOnly session cookie.
 */
const TOKEN = 'browser-Admin_token-42';

describe.skipIf(browserMissing !== undefined)('the dashboard with --admin-token, in Chromium', { timeout: 90_000 }, () => {
  const emu = useEmulator({ adminToken: TOKEN });
  const browserPage = useBrowserPage(20_000);

  it('signs in from the #token= link, wipes the token from the address bar, and keeps an HttpOnly SameSite=Strict cookie', async () => {
    const { page } = browserPage;
    await page.goto(`${emu.url}/_emulator/ui#token=${encodeURIComponent(TOKEN)}`);
    await page.getByRole('heading', { level: 2, name: 'Requests' }).waitFor();
    expect(await page.evaluate(() => location.hash)).toBe('#/requests');
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'gce_dashboard_session', path: '/_emulator', httpOnly: true, secure: true, sameSite: 'Strict' })]);
    expect(cookies[0]!.value).not.toContain(TOKEN);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    // Live: a Graph call reaches the page over the event stream, which sends the cookie only.
    await graphClient(emu).api(`/users/${emu.demo.organizerUserId}`).get();
    await page.locator(`[data-testid=request-row][data-path="/v1.0/users/${emu.demo.organizerUserId}"]`).first().waitFor();
  });

  it('asks for the token without a session: a wrong one is refused on the page, the right one opens it, and its forms work', async () => {
    const { page } = browserPage;
    await page.context().clearCookies();
    await page.goto(`${emu.url}/_emulator/ui#/faults`);
    await page.reload(); // only the fragment changed: load the page again, now without its cookie
    await page.getByRole('heading', { level: 2, name: 'Admin token' }).waitFor();
    await expectAccessible(page, 'Admin token');
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    await page.getByRole('alert').filter({ hasText: 'not the one' }).waitFor();
    expect(await page.context().cookies()).toEqual([]);
    await screenshot(page, 'admin-token');

    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Open the dashboard' }).click();
    const form = page.getByRole('form', { name: 'Add a fault' });
    await form.getByLabel('Path pattern').fill('/v1.0/admin-token-probe/*');
    await form.getByLabel('Status').fill('503');
    await form.getByRole('button', { name: 'Add fault' }).click();
    await page.getByTestId('fault-row').filter({ hasText: '/v1.0/admin-token-probe/*' }).waitFor();
  });
});
