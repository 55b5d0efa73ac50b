import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';
import { preparePostgresLeg } from './test/support/postgresLeg.js';
import { ensureTlsMaterial } from './src/tls/certificates.js';

// One CA for every emulator the suite starts; forked workers read NODE_EXTRA_CA_CERTS at start-up,
// so the official clients trust the emulator exactly as a user's app would.
const tlsDir = resolve('.test-tmp/tls');
const tls = await ensureTlsMaterial(tlsDir);
// The machine's own extra CAs (e.g. a proxy's, which npm needs to reach the registry) stay known as
// the user's: test/package.test.ts gives them back to the npm it runs in a user's project.
const machineCa = process.env['NODE_EXTRA_CA_CERTS'];
if (machineCa !== undefined && machineCa !== tls.caCertificatePath) process.env['TEST_MACHINE_NODE_EXTRA_CA_CERTS'] = machineCa;
process.env['NODE_EXTRA_CA_CERTS'] = tls.caCertificatePath;
process.env['TEST_TLS_DIR'] = tlsDir;
// Spoken recordings (the default) cost a second or more of CPU each and the suite simulates hundreds
// of meetings: its emulators (library and CLI) make the sample clip unless a test asks for spoken.
process.env['GRAPH_EMULATOR_RECORDING_KIND'] = 'sample';

const leg = await preparePostgresLeg();
if (leg.url !== undefined) process.env['TEST_DATABASE_URL'] = leg.url;
if (leg.createdDatabase !== undefined) process.env['TEST_DATABASE_CREATED'] = leg.createdDatabase;
if (leg.skippedBecause !== undefined) {
  process.env['TEST_POSTGRES_SKIPPED'] = leg.skippedBecause;
  console.warn(`PostgreSQL leg SKIPPED: ${leg.skippedBecause}. Running the SQLite leg only.`);
}

// Pure unit tests (no store) run once; everything that starts an emulator runs on both stores.
const unitOnly = [
  'test/http/odata/**',
  'test/tls/**',
  'test/runtime/**',
  'test/architecture/**',
  'test/repository/**',
  'test/notifications/deliveryPolicy.test.ts',
  'test/store/readCacheOnce.test.ts',
  'test/store/sqliteBinding.test.ts',
  'test/store/blobReadStream.test.ts',
  'test/simulation/speechParts.test.ts',
  // The dashboard drives the control API from a browser; the stores under it are covered by the API tests.
  'test/browser/**',
  // The bench compares processes it starts itself; no store of the suite's is involved.
  'test/bench/**',
];

// Most test files wait on sockets, timers, child processes and PostgreSQL rather than compute, and
// vitest's default on a 2-core machine is one worker (CPUs − 1), which leaves a core idle while that
// worker waits. TEST_WORKERS overrides it (1 for a serial run).
const maxWorkers = Number(process.env['TEST_WORKERS'] ?? 3);

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/globalSetup.ts'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], env: { TEST_STORE: 'sqlite' } } },
      ...(leg.url !== undefined ? [{ extends: true as const, test: { name: 'postgres', include: ['test/**/*.test.ts'], exclude: unitOnly, env: { TEST_STORE: 'postgres' } } }] : []),
    ],
  },
});
