import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';
import { proxyOf } from './support.js';

const run = promisify(execFile);

/**
 * curl as a user runs it against the drop-in proxy: `--proxy` and `--cacert`, Microsoft's real URLs,
 * nothing pointing at localhost. A token from login.microsoftonline.com works at graph.microsoft.com.
 */
describe('curl through the drop-in proxy', () => {
  const emu = useEmulator({ proxyPort: 0 });

  const curl = async (...args: string[]): Promise<{ status: number; body: string }> => {
    const { stdout } = await run('curl', ['-sS', '--proxy', proxyOf(emu), '--cacert', emu.caCertificatePath!, '-w', '\n%{http_code}', ...args]);
    const cut = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
  };

  it('gets a token from login.microsoftonline.com and lists recordings at graph.microsoft.com', async () => {
    const { tenantId, clientId, clientSecret, organizerUserId, meetingId } = emu.demo;
    const token = await curl(
      `https://login.microsoftonline.com/${tenantId}/oauth2/v2.0/token`,
      ...['-d', 'grant_type=client_credentials', '-d', `client_id=${clientId}`, '--data-urlencode', `client_secret=${clientSecret}`, '--data-urlencode', 'scope=https://graph.microsoft.com/.default'],
    );
    expect(token.status).toBe(200);
    const accessToken = (JSON.parse(token.body) as { access_token: string }).access_token;

    const list = await curl('-H', `Authorization: Bearer ${accessToken}`, `https://graph.microsoft.com/v1.0/users/${organizerUserId}/onlineMeetings/${meetingId}/recordings`);
    expect(list.status).toBe(200);
    const body = JSON.parse(list.body) as { '@odata.context': string; value: Array<{ id: string; recordingContentUrl: string }> };
    expect(body.value.length).toBeGreaterThan(0);
    // The links name the host curl called, never the emulator's own address.
    expect(body['@odata.context'].startsWith('https://graph.microsoft.com/v1.0/$metadata#')).toBe(true);
    expect(body.value[0]!.recordingContentUrl.startsWith('https://graph.microsoft.com/v1.0/')).toBe(true);
    expect(list.body).not.toContain('localhost');
  });

  it("reads the tenant's OpenID configuration at login.microsoftonline.com, issuer and endpoints on that host", async () => {
    const res = await curl(`https://login.microsoftonline.com/${emu.demo.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const config = JSON.parse(res.body) as Record<string, string>;
    expect(config['issuer']).toBe(`https://login.microsoftonline.com/${emu.demo.tenantId}/v2.0`);
    expect(config['token_endpoint']).toBe(`https://login.microsoftonline.com/${emu.demo.tenantId}/oauth2/v2.0/token`);
    expect(res.body).not.toContain('localhost');
  });

  it('is refused for any other host, with the reason', async () => {
    const refused = await run('curl', ['-sS', '--proxy', proxyOf(emu), 'https://example.com/']).then(
      () => undefined,
      (err: { stderr: string }) => err.stderr,
    );
    expect(refused).toContain('CONNECT tunnel failed, response 403');
    const plain = await curl('http://example.com/');
    expect(plain.status).toBe(403);
    expect(JSON.parse(plain.body)).toMatchObject({ error: { code: 'Forbidden', message: expect.stringContaining('example.com is not a Microsoft host') } });
  });
});
