/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the browser.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

/**
 * The browser the dashboard tests drive: Debian's chromium (`apt-get install chromium`; .ci/run
 * installs it), never one downloaded by Playwright. Absent locally, the tests skip saying so;
 * REQUIRE_BROWSER=1 (set by .ci/run) makes its absence a failure instead.
 */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const browserMissing = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
if (browserMissing !== undefined) {
  if (process.env['REQUIRE_BROWSER'] === '1') throw new Error(`REQUIRE_BROWSER=1 but ${browserMissing}`);
  console.warn(`Browser tests SKIPPED: ${browserMissing}.`);
}

/** Where the tests save a screenshot of each page (ignored by git). */
export const SCREENSHOTS = resolve('test-results/dashboard-screenshots');

export async function launch(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // --no-sandbox: CI and this machine run the tests as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
}

/**
 * One Chromium page for a describe block (launched before its tests, closed after), collecting the
 * Content-Security-Policy violations the console reports. `defaultTimeoutMs`: a condition not met fails
 * with the locator it waited for, well before the test's own timeout.
 */
export function useBrowserPage(defaultTimeoutMs: number): { readonly page: Page; readonly cspViolations: string[] } {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const cspViolations: string[] = [];
  beforeAll(async () => {
    browser = await launch();
    // The test CA is the suite's own: Chromium is told to accept it rather than having the machine trust it.
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(defaultTimeoutMs);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });
  return {
    get page(): Page {
      if (page === undefined) throw new Error('the browser page is opened in beforeAll');
      return page;
    },
    cspViolations,
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/** axe-core, injected from node_modules, run on the page as it stands: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline script) stays in force.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: AxeViolation[] }> } }).axe.run(document);
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${name}: ${JSON.stringify(bad, null, 2)}`).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: true });
}
