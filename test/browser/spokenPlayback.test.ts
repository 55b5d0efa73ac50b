/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the browser.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlJson } from '../support/control.js';
import { useEmulator } from '../support/emulator.js';
import { browserMissing, launch } from './browser.js';

/**
 * A spoken recording (MP3 in MP4 with an I_PCM H.264 track) plays in Chromium: both tracks decode,
 * and the picture has the size the MP4 declares. The dashboard plays recordings in a <video>, and
 * users' own pipelines often start from a browser; ffmpeg reading the file says nothing about this.
 * The synthesizer is an optional dependency that `npm ci` installs: without it the answer says
 * `sample` and this test fails, as it should in CI.
 */
describe.skipIf(browserMissing !== undefined)('a spoken recording in Chromium', { timeout: 90_000 }, () => {
  const emu = useEmulator();
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('decodes its audio and its picture, and plays', async () => {
    const made = await controlJson<{ recordingId: string; recordingKind: string }>(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, {
      recordingKind: 'spoken',
      durationMinutes: 5,
    });
    expect(made.recordingKind).toBe('spoken');
    // A page of the emulator's own origin (its control API serves the bytes, with Range, no token).
    await page.goto(`${emu.url}/_emulator/health`);
    const src = `${emu.url}/_emulator/recordings/${encodeURIComponent(made.recordingId)}/content`;
    await page.evaluate((url) => {
      const video = document.createElement('video');
      video.id = 'spoken';
      video.muted = true;
      video.src = url;
      document.body.append(video);
      void video.play();
    }, src);
    await page.waitForFunction(() => {
      const v = document.querySelector<HTMLVideoElement>('#spoken');
      return v !== null && (v.error !== null || (v.readyState >= 2 && v.currentTime > 0.5));
    });
    const state = await page.evaluate(() => {
      const v = document.querySelector('#spoken') as HTMLVideoElement & { webkitAudioDecodedByteCount?: number; webkitVideoDecodedByteCount?: number };
      return {
        error: v.error?.message ?? null,
        width: v.videoWidth,
        height: v.videoHeight,
        duration: v.duration,
        audioBytes: v.webkitAudioDecodedByteCount ?? 0,
        videoBytes: v.webkitVideoDecodedByteCount ?? 0,
      };
    });
    expect(state.error).toBeNull();
    expect(state.width).toBeGreaterThan(0);
    expect(state.height).toBeGreaterThan(0);
    expect(state.duration).toBeGreaterThan(1);
    expect(state.audioBytes).toBeGreaterThan(0);
    expect(state.videoBytes).toBeGreaterThan(0);
  });
});
