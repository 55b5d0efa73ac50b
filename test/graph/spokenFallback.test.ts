import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_MP4 } from '../../src/simulation/content/sampleMp4.js';
import { loadSynthesizer } from '../../src/simulation/content/speech/synthesizer.js';
import { spawnCli, stopCli, waitForOutput, type CliProcess } from '../support/cliProcess.js';
import { STORE } from '../support/emulator.js';

/**
 * Without the optional synthesizer (GPL-3.0, not installed by `npm install --omit=optional`) a
 * spoken recording falls back to the sample clip, and the control API says so. The CLI runs in a
 * child process whose module resolution cannot find the synthesizer's package.
 */
const HOOK = pathToFileURL(resolve('test/fixtures/withoutSynthesizer.mjs')).href;

describe('a missing synthesizer', () => {
  it('reads as absent, not as an error', async () => {
    expect(await loadSynthesizer('@echogarden/not-a-synthesizer-package')).toBeUndefined();
  });

  // One process is enough: the fallback does not depend on the store.
  describe.skipIf(STORE === 'postgres')('in a running emulator', () => {
    let run: CliProcess | undefined;
    afterAll(async () => {
      if (run !== undefined) await stopCli(run);
    });

    it('keeps the sample recording, says recordingKind sample, and still makes the scripted transcript', async () => {
      run = spawnCli(['start', '--in-memory', '--http', '--port', '0', '--log-level', 'warn'], { ...process.env, NODE_OPTIONS: `--import ${HOOK}` });
      await waitForOutput(run, (out) => out.includes('ready on'), 'ready line');
      const base = /ready on (http:\/\/[^\s]+)/.exec(run.out())![1]!.replace(/\/$/, '');
      const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
        fetch(`${base}/_emulator${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const demo = (await (await call('GET', '/demo')).json()) as { clientId: string; meetingId: string; organizerUserId: string };
      const res = await call('POST', `/meetings/${demo.meetingId}/simulate`, { script: [{ speaker: demo.organizerUserId, text: 'Is anyone there?' }] });
      expect(res.status).toBe(201);
      const sim = (await res.json()) as { recordingKind: string; recordingId: string };
      expect(sim.recordingKind).toBe('sample');
      const { access_token: token } = (await (await call('POST', '/tokens', { clientId: demo.clientId })).json()) as { access_token: string };
      const content = await fetch(`${base}/v1.0/users/${demo.organizerUserId}/onlineMeetings/${demo.meetingId}/recordings/${sim.recordingId}/content`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(content.status).toBe(200);
      expect(Buffer.from(await content.arrayBuffer()).equals(SAMPLE_MP4)).toBe(true);
      const transcripts = (await (
        await fetch(`${base}/v1.0/users/${demo.organizerUserId}/onlineMeetings/${demo.meetingId}/transcripts`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { value: { id: string }[] };
      const last = transcripts.value[transcripts.value.length - 1]!;
      const vtt = await (
        await fetch(`${base}/v1.0/users/${demo.organizerUserId}/onlineMeetings/${demo.meetingId}/transcripts/${last.id}/content`, { headers: { authorization: `Bearer ${token}` } })
      ).text();
      expect(vtt).toContain('Is anyone there?');
    });
  });
});
