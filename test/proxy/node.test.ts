import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useEmulator, type TestEmulator } from '../support/emulator.js';
import { proxyOf } from './support.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const script = fileURLToPath(new URL('./fixtures/sdkClient.mjs', import.meta.url));
// Loaded first in every app run here: a name other than localhost fails to resolve (and says so on stderr).
const loopbackOnly = ['--import', fileURLToPath(new URL('./fixtures/loopbackOnly.mjs', import.meta.url))];
const REFUSED = 'loopbackOnly: refused to resolve';
const major = Number(process.versions.node.split('.')[0]);

/** A Node 24: this one, or the pinned one .ci/run installs (npm ci --prefix .ci/node24). */
function node24(): string | undefined {
  if (major === 24) return process.execPath;
  const pinned = fileURLToPath(new URL('../../.ci/node24/node_modules/node/bin/node', import.meta.url));
  return existsSync(pinned) ? pinned : undefined;
}
const NODE_24 = node24();
if (NODE_24 === undefined) console.warn('test/proxy/node.test.ts: the Node 24 case is skipped: no Node 24 here (npm ci --prefix .ci/node24 installs one)');

/** The demo app's settings, and the proxy and CA: what a user's shell would export. No emulator URL. */
function appEnv(emu: TestEmulator, extra: Record<string, string>): NodeJS.ProcessEnv {
  const { tenantId, clientId, clientSecret, organizerUserId, meetingId } = emu.demo;
  return {
    PATH: process.env['PATH'] ?? '',
    HTTPS_PROXY: proxyOf(emu),
    NODE_EXTRA_CA_CERTS: emu.caCertificatePath!,
    APP_TENANT_ID: tenantId,
    APP_CLIENT_ID: clientId,
    APP_CLIENT_SECRET: clientSecret,
    APP_ORGANIZER_ID: organizerUserId,
    APP_MEETING_ID: meetingId,
    ...extra,
  };
}

async function listRecordings(node: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ '@odata.context': string; value: Array<{ meetingId: string }> }> {
  const { stdout, stderr } = await run(node, [...loopbackOnly, ...args, script], { cwd: repo, env, timeout: 60_000 });
  expect(stderr).not.toContain(REFUSED);
  return JSON.parse(stdout) as { '@odata.context': string; value: Array<{ meetingId: string }> };
}

describe('Node apps with the default authority and Graph URL, unmodified', () => {
  const emu = useEmulator({ proxyPort: 0 });

  it.skipIf(NODE_24 === undefined)('Node 24 with NODE_USE_ENV_PROXY=1: @azure/identity and graph-client through HTTPS_PROXY', async () => {
    const list = await listRecordings(NODE_24!, [], appEnv(emu, { NODE_USE_ENV_PROXY: '1' }));
    expect(list['@odata.context'].startsWith('https://graph.microsoft.com/v1.0/$metadata#')).toBe(true);
    expect(list.value.length).toBeGreaterThan(0);
    expect(list.value.every((recording) => recording.meetingId === emu.demo.meetingId)).toBe(true);
  });

  it(`Node ${major} with --import graph-comms-emulator/register`, async () => {
    const list = await listRecordings(process.execPath, ['--import', 'graph-comms-emulator/register'], appEnv(emu, {}));
    expect(list['@odata.context'].startsWith('https://graph.microsoft.com/v1.0/$metadata#')).toBe(true);
    expect(list.value.length).toBeGreaterThan(0);
  });

  it('the preload configured by its own variables only: GRAPH_EMULATOR_PROXY and GRAPH_EMULATOR_CA', async () => {
    const { HTTPS_PROXY: proxy, NODE_EXTRA_CA_CERTS: ca, ...rest } = appEnv(emu, {});
    const list = await listRecordings(process.execPath, ['--import', 'graph-comms-emulator/register'], { ...rest, GRAPH_EMULATOR_PROXY: proxy, GRAPH_EMULATOR_CA: ca });
    expect(list.value.length).toBeGreaterThan(0);
  });

  it('without the preload (or NODE_USE_ENV_PROXY) the built-in fetch goes straight for graph.microsoft.com, stopped here', async () => {
    const failed = await run(process.execPath, [...loopbackOnly, script], { cwd: repo, env: appEnv(emu, {}), timeout: 60_000 }).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toContain(`${REFUSED} graph.microsoft.com`);
  });

  it('the preload without a proxy to use says what to set', async () => {
    const failed = await run(process.execPath, ['--import', 'graph-comms-emulator/register', '-e', '0'], { cwd: repo, env: { PATH: process.env['PATH'] ?? '' } }).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toContain('set GRAPH_EMULATOR_PROXY (or HTTPS_PROXY)');
  });
});
