import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { canTrustCaInProcess } from '../../src/emulator.js';
import { userEnv } from '../support/userEnv.js';

/**
 * Library mode trusts its own CA in process where Node can (tls.setDefaultCACertificates, Node 22.15+
 * and 24); on Node 20 the graph-comms-emulator/test-setup global setup sets NODE_EXTRA_CA_CERTS for the
 * test workers. Both run as a user would: child processes without this suite's NODE_EXTRA_CA_CERTS,
 * importing the built package (dist/).
 */
const run = promisify(execFile);
const ROOT = resolve('.');
const EMULATOR = pathToFileURL(join(ROOT, 'dist/src/emulator.js')).href;
const HAS_API = typeof (tls as { setDefaultCACertificates?: unknown }).setDefaultCACertificates === 'function';

const tlsDirOfSuite = (): string => process.env['TEST_TLS_DIR'] ?? resolve('.test-tmp/tls');

const CHILD = `
const { createEmulator } = await import(process.env.EMULATOR_MODULE);
const emu = await createEmulator({ tlsDir: process.env.EMULATOR_TLS_DIR, trustCa: process.env.TRUST_CA !== 'false' });
try {
  const res = await fetch(emu.url + '/_emulator/health');
  console.log('status ' + res.status);
} catch (err) {
  console.log('failed ' + (err.cause?.code ?? err.message));
} finally {
  await emu.close();
}
`;

async function childFetch(trustCa: boolean): Promise<string> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', CHILD], {
    env: userEnv({ EMULATOR_MODULE: EMULATOR, EMULATOR_TLS_DIR: tlsDirOfSuite(), TRUST_CA: String(trustCa) }),
    timeout: 60_000,
  });
  return stdout.trim();
}

describe('createEmulator() trusts its CA in process', () => {
  it.runIf(HAS_API)('on a Node with tls.setDefaultCACertificates, a plain fetch in the same process trusts it with no NODE_EXTRA_CA_CERTS', async () => {
    expect(canTrustCaInProcess()).toBe(true);
    expect(await childFetch(true)).toBe('status 200');
  });

  it.runIf(HAS_API)('trustCa: false leaves the process CAs alone', async () => {
    expect(await childFetch(false)).toMatch(/^failed .*(CERT|SIGNATURE|ISSUER)/i);
  });

  it.runIf(!HAS_API)('on Node 20 it cannot (the documented fallback: NODE_EXTRA_CA_CERTS or graph-comms-emulator/test-setup)', async () => {
    expect(canTrustCaInProcess()).toBe(false);
    expect(await childFetch(true)).toMatch(/^failed .*(CERT|SIGNATURE|ISSUER)/i);
  });
});

describe('graph-comms-emulator/test-setup', () => {
  it("a vitest project's globalSetup starts an emulator its test workers trust and reach through GRAPH_EMULATOR_URL and inject()", async () => {
    // Inside the repository, so `graph-comms-emulator/test-setup` resolves to this package (self-reference through "exports") and vitest to node_modules.
    mkdirSync(resolve('.test-tmp'), { recursive: true });
    const project = mkdtempSync(join(ROOT, '.test-tmp', 'test-setup-'));
    try {
      writeFileSync(
        join(project, 'vitest.config.mjs'),
        `export default { test: { root: ${JSON.stringify(project)}, include: ['*.test.mjs'], pool: 'forks', globalSetup: ['graph-comms-emulator/test-setup'] } };\n`,
      );
      writeFileSync(
        join(project, 'health.test.mjs'),
        `import { expect, inject, it } from 'vitest';
it('reaches the emulator over HTTPS', async () => {
  const url = process.env.GRAPH_EMULATOR_URL;
  expect(url).toMatch(/^https:\\/\\/localhost:\\d+$/);
  expect(inject('graphEmulator').url).toBe(url);
  expect(process.env.GRAPH_EMULATOR_GRAPH_URL).toBe(url + '/v1.0');
  const res = await fetch(url + '/_emulator/health');
  expect(res.status).toBe(200);
  const demo = await fetch(url + '/_emulator/demo').then((r) => r.json());
  expect(demo.tenantId).toBe(inject('graphEmulator').demo.tenantId);
});
`,
      );
      const result = await run(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(project, 'vitest.config.mjs')], {
        cwd: project,
        env: userEnv({ GRAPH_EMULATOR_TLS_DIR: tlsDirOfSuite(), CI: '1' }),
        timeout: 120_000,
      }).catch((err: { stdout?: string; stderr?: string; message: string }) => ({ stdout: err.stdout ?? '', stderr: `${err.message}\n${err.stderr ?? ''}` }));
      expect(`${result.stdout}\n${result.stderr}`).toMatch(/1 passed/);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 150_000);
});
