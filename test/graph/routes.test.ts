import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.js';

/**
 * The route table, so that any change to it shows in review. In CI vitest does not write snapshots:
 * after a deliberate change, run `npx vitest run --project sqlite test/graph/routes.test.ts -u` and
 * commit __snapshots__/routes.txt with it.
 */
describe('route table', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  });
  afterAll(async () => emu.stop());

  it('is the committed snapshot', async () => {
    await expect(emu.internals.app.printRoutes({ commonPrefix: false })).toMatchFileSnapshot('__snapshots__/routes.txt');
  });
});

/**
 * A Graph path from the README's endpoint table must appear, as text, on one line of a route list: a
 * reader who greps src/graph for the path finds the line that routes it, and on it the handler's name.
 */
describe('Graph paths are greppable in src/graph', () => {
  const graphDir = fileURLToPath(new URL('../../src/graph/', import.meta.url));
  const routeLines = readdirSync(graphDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => basename(file) === 'routes.ts')
    .flatMap((file) => readFileSync(join(graphDir, file), 'utf8').split('\n'));

  it.each([
    '/users/:userId/onlineMeetings/:meetingId/recordings/:recordingId/content',
    '/me/onlineMeetings/:meetingId/recordings',
    '/users/:userId/adhocCalls/:callId/recordings',
    '/users/:userId/onlineMeetings/:meetingId/transcripts/:transcriptId/metadataContent',
    '/me/adhocCalls/:callId/transcripts/:transcriptId/content',
    '/users/:userId/onlineMeetings/getAllRecordings:args',
    '/users/:userId/onlineMeetings/getAllRecordings:args/delta',
    '/users/:userId/onlineMeetings/getAllTranscripts:args',
    '/communications/callRecords/:callRecordId/sessions',
    '/communications/callRecords/:callRecordId/participants_v2',
    '/communications/calls/:callId/updateRecordingStatus',
    '/users/:userId/onlineMeetings/createOrGet',
    '/users/:userId',
    '/subscriptions/:subscriptionId/reauthorize',
  ])('%s', (path) => {
    const line = routeLines.find((l) => l.includes(`('${path}', `));
    expect(line, `no route line for ${path} in src/graph/**/routes.ts`).toMatch(/^\s+app\.(get|head|post|patch|delete)\('\/[^']*', \w+\);$/);
  });
});
