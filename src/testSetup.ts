import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmulator, type DemoTenant, type Emulator } from './emulator.js';

/** What the global setup hands the test files through vitest's `inject('graphEmulator')`. */
export interface ProvidedGraphEmulator {
  url: string;
  graphUrl: string;
  caCertificatePath: string | null;
  demo: DemoTenant;
}

/** The part of vitest's TestProject the setup uses. */
export interface GlobalSetupContext {
  provide?: (key: string, value: unknown) => void;
}

/** The environment variables the setup sets for the test processes. */
export const ENV_URL = 'GRAPH_EMULATOR_URL';
export const ENV_GRAPH_URL = 'GRAPH_EMULATOR_GRAPH_URL';

/**
 * A vitest global setup: `globalSetup: ['graph-comms-emulator/test-setup']`. It starts one
 * emulator in the main process before the test workers start, and sets for them NODE_EXTRA_CA_CERTS
 * (its CA, added to any already set: Node reads it only at process start, so it has to be set
 * before the workers are forked), GRAPH_EMULATOR_URL and GRAPH_EMULATOR_GRAPH_URL; vitest tests may
 * also `inject('graphEmulator')`. Returns the teardown that closes it. Options come from
 * GRAPH_EMULATOR_TLS_DIR (where the CA lives; default ~/.graph-comms-emulator/tls).
 */
export default async function setup(context?: GlobalSetupContext): Promise<() => Promise<void>> {
  const tlsDir = process.env['GRAPH_EMULATOR_TLS_DIR'];
  const emulator: Emulator = await createEmulator(tlsDir !== undefined && tlsDir !== '' ? { tlsDir } : {});
  const saved = { NODE_EXTRA_CA_CERTS: process.env['NODE_EXTRA_CA_CERTS'], [ENV_URL]: process.env[ENV_URL], [ENV_GRAPH_URL]: process.env[ENV_GRAPH_URL] };
  let bundleDir: string | undefined;
  if (emulator.caCertificatePath !== undefined) {
    const existing = saved.NODE_EXTRA_CA_CERTS;
    if (existing === undefined || existing === '' || existing === emulator.caCertificatePath) {
      process.env['NODE_EXTRA_CA_CERTS'] = emulator.caCertificatePath;
    } else {
      // NODE_EXTRA_CA_CERTS names one file: keep the CAs already trusted and add ours.
      bundleDir = mkdtempSync(join(tmpdir(), 'graph-comms-emulator-ca-'));
      const bundle = join(bundleDir, 'ca-bundle.pem');
      writeFileSync(bundle, `${readFileSync(existing, 'utf8').trimEnd()}\n${emulator.caCertificate ?? ''}`);
      process.env['NODE_EXTRA_CA_CERTS'] = bundle;
    }
  }
  process.env[ENV_URL] = emulator.url;
  process.env[ENV_GRAPH_URL] = emulator.graphUrl;
  const provided: ProvidedGraphEmulator = { url: emulator.url, graphUrl: emulator.graphUrl, caCertificatePath: emulator.caCertificatePath ?? null, demo: emulator.demo };
  context?.provide?.('graphEmulator', provided);
  return async () => {
    await emulator.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
  };
}
