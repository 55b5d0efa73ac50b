import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { proxyOf } from './support.js';

const run = promisify(execFile);
// Debian's python3-msal and python3-requests live in the system Python's dist-packages (.ci/run installs them).
const PYTHON = '/usr/bin/python3';
const script = fileURLToPath(new URL('./fixtures/msal_client.py', import.meta.url));

function pythonHasMsal(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import msal, requests'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const available = pythonHasMsal();
if (!available) console.warn(`test/proxy/python.test.ts skipped: ${PYTHON} cannot import msal and requests (apt-get install -y python3-msal python3-requests; .ci/run does)`);

describe.skipIf(!available)('Python (MSAL for Python, requests) through HTTPS_PROXY', () => {
  const emu = useEmulator({ proxyPort: 0 });

  it('client credentials at login.microsoftonline.com/{tenant}, then the recordings list at graph.microsoft.com', async () => {
    const { tenantId, clientId, clientSecret, organizerUserId, meetingId } = emu.demo;
    const { stdout } = await run(PYTHON, [script], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HTTPS_PROXY: proxyOf(emu),
        REQUESTS_CA_BUNDLE: emu.caCertificatePath!,
        APP_TENANT_ID: tenantId,
        APP_CLIENT_ID: clientId,
        APP_CLIENT_SECRET: clientSecret,
        APP_ORGANIZER_ID: organizerUserId,
        APP_MEETING_ID: meetingId,
      },
      timeout: 60_000,
    });
    const out = JSON.parse(stdout) as { status: number; body: { '@odata.context': string; value: Array<{ id: string; meetingId: string }> } };
    expect(out.status).toBe(200);
    expect(out.body['@odata.context'].startsWith('https://graph.microsoft.com/v1.0/$metadata#')).toBe(true);
    expect(out.body.value.length).toBeGreaterThan(0);
    expect(out.body.value.every((recording) => recording.meetingId === meetingId)).toBe(true);
  });
});
