/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';
import { appToken, graphClient } from '../support/clients.js';
import { controlJson } from '../support/control.js';
import { browserMissing, expectAccessible, launch, screenshot } from './browser.js';

/**
 * The Tenants & apps, Least privilege and Clock-timers views (issue 14 §8, §9, §6) in Chromium,
 * against a real emulator and the official Graph client. Every wait is for a condition on the page.
 */
interface Report {
  application: { granted: string[]; used: string[]; minimal: string[] };
}

describe.skipIf(browserMissing !== undefined)('the directory, least-privilege and timer views in Chromium', { timeout: 90_000 }, () => {
  let emu: TestEmulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [emu, browser] = await Promise.all([startTestEmulator(), launch()]);
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await emu?.stop();
  });

  const open = async (hash: string): Promise<void> => {
    await page.goto(`${emu.url}/_emulator/ui#/${hash}`);
    await page.getByRole('heading', { level: 2 }).waitFor();
  };
  const recordingsPath = (): string => `/users/${emu.demo.organizerUserId}/onlineMeetings/${emu.demo.meetingId}/recordings`;

  it('Least privilege: a Graph call by the app shows the permission it used, live, and the minimal set', async () => {
    await open('privilege');
    await page.getByLabel('App').selectOption(emu.demo.clientId);
    const application = page.getByTestId('kind-application');
    await application.waitFor();
    // Nothing called yet in this emulator: nothing used.
    expect((await application.getByTestId('used').textContent())?.trim()).toBe('—');

    await graphClient(emu).api(recordingsPath()).get();
    const report = await controlJson<Report>(emu, 'GET', `/apps/${emu.demo.clientId}/permissions-report`);
    expect(report.application.used.length).toBeGreaterThan(0);
    // The page follows the call without a reload.
    for (const permission of report.application.used) await application.getByTestId('used').filter({ hasText: permission }).waitFor();
    for (const permission of report.application.minimal) await application.getByTestId('minimal').filter({ hasText: permission }).waitFor();
    await page.getByTestId('operation-row').filter({ hasText: '/onlineMeetings/:meetingId/recordings' }).first().waitFor();
    await expectAccessible(page, 'Least privilege');
    await screenshot(page, 'least-privilege');
  });

  it("Tenants & apps: the demo tenant's app, users and access policy, and the app's metered usage with its cost", async () => {
    await open('directory');
    const app = page.locator(`[data-testid="app-row"][data-client-id="${emu.demo.clientId}"]`);
    await app.waitFor();
    const apps = await controlJson<{ value: Array<{ clientId: string; displayName: string; applicationPermissions: string[] }> }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/apps`);
    const demoApp = apps.value.find((a) => a.clientId === emu.demo.clientId)!;
    await app.filter({ hasText: demoApp.displayName }).waitFor();
    expect(demoApp.applicationPermissions.length).toBeGreaterThan(0);
    for (const permission of demoApp.applicationPermissions) expect(await app.textContent()).toContain(permission);
    for (const user of emu.demo.users) await page.getByTestId('user-row').filter({ hasText: user.userPrincipalName }).waitFor();
    const policies = await controlJson<{ value: Array<{ name: string }> }>(emu, 'GET', `/tenants/${emu.demo.tenantId}/accessPolicies`);
    for (const policy of policies.value) await page.getByTestId('policy-row').filter({ hasText: policy.name }).waitFor();

    // The app downloads a recording's content: the usage table shows the call and a cost, without a reload.
    const sim = await controlJson<{ recordingId: string }>(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, { durationMinutes: 20 });
    const res = await fetch(`${emu.url}/v1.0${recordingsPath()}/${sim.recordingId}/content`, { headers: { authorization: `Bearer ${await appToken(emu)}` } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const usage = page.locator('[data-testid="usage-row"][data-api="onlineMeetingRecording"]');
    await usage.waitFor();
    const usageJson = await controlJson<{ value: Array<{ api: string; clientId: string; estimatedCostUsd: number }> }>(emu, 'GET', `/usage?tenantId=${emu.demo.tenantId}`);
    const entry = usageJson.value.find((u) => u.api === 'onlineMeetingRecording' && u.clientId === emu.demo.clientId)!;
    expect(entry.estimatedCostUsd).toBeGreaterThan(0);
    await usage.filter({ hasText: `$${entry.estimatedCostUsd.toFixed(4)}` }).waitFor();
    await expectAccessible(page, 'Tenants & apps');
    await screenshot(page, 'tenants-and-apps');
  });

  it('Clock: a delayed artifact is listed among the next due timers, and advancing the clock from the page makes it happen', async () => {
    await controlJson(emu, 'POST', '/clock', { freeze: true }, 200);
    await controlJson(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, { artifactDelay: 'PT30M' });
    await open('clock');
    const pending = page.locator('[data-testid="timer-row"][data-kind="artifactsAvailable"]');
    await pending.first().waitFor();
    expect(await pending.first().getByTestId('timer-in').textContent()).toMatch(/^00:30:00$/);
    await expectAccessible(page, 'Clock');
    await screenshot(page, 'clock-timers');
    await page.getByLabel(/Advance by/).fill('PT31M');
    await page.getByRole('button', { name: 'Advance' }).click();
    await pending.first().waitFor({ state: 'detached' });
    const left = await controlJson<{ value: Array<{ kind: string }> }>(emu, 'GET', '/clock/timers');
    expect(left.value.filter((t) => t.kind === 'artifactsAvailable')).toEqual([]);
  });
});
