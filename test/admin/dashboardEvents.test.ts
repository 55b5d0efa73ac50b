import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { describe, expect, it } from 'vitest';
import { createArtifacts } from '../../src/domain/artifacts.js';
import { useEmulator } from '../support/emulator.js';
import { controlJson } from '../support/control.js';

const emu = useEmulator();

/** Open the event stream, make `write` once it is watching, and give what arrived up to the first `changed`. */
function changedAfter(write: () => Promise<unknown>): Promise<string> {
  const url = new URL('/_emulator/events', emu.url);
  let received = '';
  let written = false;
  return new Promise<string>((resolve, reject) => {
    const req = httpsRequest(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      expect(res.statusCode).toBe(200);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        received += chunk;
        // The first clock frame says the stream is open (and watching the store): then write.
        if (!written && received.includes('event: clock')) {
          written = true;
          write().catch(reject);
          return;
        }
        if (written && received.includes('event: changed')) {
          req.destroy();
          resolve(received);
        }
      });
    });
    req.on('error', (err) => (received.includes('event: changed') ? resolve(received) : reject(err)));
    req.end();
  });
}

describe('GET /_emulator/events: `changed`', () => {
  it('tells the dashboard when a meeting simulated through the control API adds artifacts', async () => {
    const received = await changedAfter(() => controlJson(emu, 'POST', `/meetings/${encodeURIComponent(emu.demo.meetingId)}/simulate`, {}));
    expect(received).toMatch(/event: changed\ndata: \{\}/);
  });

  it('tells it when only an artifact is added (no meeting, call or subscription changes)', async () => {
    const { ctx } = emu.internals.services;
    const row = await ctx.db.selectFrom('artifacts').selectAll().where('kind', '=', 'recording').executeTakeFirstOrThrow();
    const received = await changedAfter(() =>
      createArtifacts(ctx, [
        {
          kind: 'recording',
          tenantId: row.tenant_id,
          organizerId: row.organizer_id,
          meetingId: row.meeting_id,
          adhocCallId: null,
          callId: row.call_id,
          contentCorrelationId: randomUUID(),
          createdDateTime: row.created_at,
          endDateTime: row.end_at,
          content: { blobKey: row.content_blob, size: Number(row.content_size), contentType: row.content_type },
        },
      ]),
    );
    expect(received).toMatch(/event: changed\ndata: \{\}/);
  });
});
