import { request as httpsRequest } from 'node:https';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { controlJson } from '../support/control.js';

const emu = useEmulator();

describe('GET /_emulator/events: `changed`', () => {
  it('tells the dashboard when a meeting simulated through the control API adds artifacts', async () => {
    const url = new URL('/_emulator/events', emu.url);
    let received = '';
    let simulated = false;
    await new Promise<void>((resolve, reject) => {
      const req = httpsRequest(url, { headers: { accept: 'text/event-stream' } }, (res) => {
        expect(res.statusCode).toBe(200);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received += chunk;
          // The first clock frame says the stream is open (and watching the store): then write.
          if (!simulated && received.includes('event: clock')) {
            simulated = true;
            controlJson(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, {}).catch(reject);
            return;
          }
          if (simulated && received.includes('event: changed')) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (err) => (received.includes('event: changed') ? resolve() : reject(err)));
      req.end();
    });
    expect(received).toMatch(/event: changed\ndata: \{\}/);
  });
});
