import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE } from './support/emulator.js';
import { userEnv } from './support/userEnv.js';

/**
 * The package as a user gets it: `npm pack`, installed into a new project from the tarball, its bin
 * run through npx and its library imported by a user's own vitest suite with the official clients.
 * Slow (npm install, and better-sqlite3 may compile from source), so it runs once, on the SQLite leg.
 */
const run = promisify(execFile);
const ROOT = resolve('.');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; devDependencies: Record<string, string> };
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const exec = (command: string, args: string[], cwd: string, env = userEnv()) => run(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 900_000 });

const USER_TEST = `
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmulator } from 'graph-comms-emulator';
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';

let emulator;
beforeAll(async () => {
  emulator = await createEmulator({ tlsDir: 'tls' });
});
afterAll(() => emulator?.close());

it('reads the demo meeting through the official clients', async () => {
  const { demo } = emulator;
  const credential = new ClientSecretCredential(demo.tenantId, demo.clientId, demo.clientSecret, {
    authorityHost: emulator.url,
    disableInstanceDiscovery: true,
  });
  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: ['https://graph.microsoft.com/.default'] }),
    baseUrl: emulator.url,
    customHosts: new Set(['localhost']),
  });
  const meeting = await graph.api('/users/' + demo.organizerUserId + '/onlineMeetings/' + demo.meetingId).get();
  expect(meeting.id).toBe(demo.meetingId);
});
`;

describe.runIf(STORE === 'sqlite')('the npm package', () => {
  let work: string;
  let project: string;
  let packed: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'gce-package-'));
    project = join(work, 'user-app');
    // --ignore-scripts: `prepare` would rebuild dist/ under the feet of the other test files.
    const { stdout } = await exec(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    const [result] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed = result!.files.map((f) => f.path);
    const tarball = join(work, result!.filename);

    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true, type: 'module' }, null, 2));
    // The user's own test stack, at the versions this repository uses (so the npm cache has them).
    await exec(
      NPM,
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        tarball,
        `vitest@${pkg.devDependencies['vitest']!}`,
        `@azure/identity@${pkg.devDependencies['@azure/identity']!}`,
        `@microsoft/microsoft-graph-client@${pkg.devDependencies['@microsoft/microsoft-graph-client']!}`,
      ],
      project,
    );
  }, 900_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('ships the compiled library, the bundled CLI, the dashboard, README, LICENSE and CHANGELOG, and nothing else', () => {
    for (const file of [
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'dist/cli.mjs',
      'dist/cli-bundle.cjs',
      'dist/src/emulator.js',
      'dist/src/emulator.d.ts',
      'dist/src/testSetup.js',
      'dist/src/testSetup.d.ts',
      'dist/ui/index.html',
      'dist/ui/app.js',
      'dist/ui/style.css',
    ]) {
      expect(packed).toContain(file);
    }
    const strays = packed.filter(
      (file) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/cli\.mjs|dist\/cli-bundle\.cjs|dist\/src\/.+\.(js|d\.ts)|dist\/ui\/(index\.html|app\.js|style\.css))$/.test(file),
    );
    expect(strays).toEqual([]);
  });

  it('npx graph-comms-emulator --version prints the package version', async () => {
    const { stdout } = await exec(NPX, ['--no-install', 'graph-comms-emulator', '--version'], project);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('npx graph-comms-emulator start --port 0 --in-memory gets to its ready line', async () => {
    const child = spawn(NPX, ['--no-install', 'graph-comms-emulator', 'start', '--port', '0', '--in-memory', '--tls-dir', 'tls'], {
      cwd: project,
      env: userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npx runs the bin as a child, and both must stop
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      const line = await new Promise<string>((done, fail) => {
        const check = setInterval(() => {
          const ready = stdout.split('\n').find((l) => l.startsWith('graph-comms-emulator ready on '));
          if (ready !== undefined) {
            clearInterval(check);
            done(ready);
          } else if (child.exitCode !== null) {
            clearInterval(check);
            fail(new Error(`exited ${child.exitCode}: ${stderr}`));
          }
        }, 50);
      });
      expect(line).toMatch(/ready on https:\/\/localhost:\d+ \(store: in-memory; CA: .*tls\/ca\.pem/);
      expect(line).toContain(join(project, 'tls', 'ca.pem'));
      // The installed package serves its dashboard (the files it ships under dist/ui).
      const dashboard = /dashboard: (\S+);/.exec(line)?.[1];
      expect(dashboard).toMatch(/\/_emulator\/ui$/);
      const page = await new Promise<{ status: number; body: string }>((done, fail) => {
        const req = httpsGet(dashboard!, { ca: readFileSync(join(project, 'tls', 'ca.pem')) }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        });
        req.once('error', fail);
      });
      expect(page.status).toBe(200);
      expect(page.body).toContain('<script type="module"');
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 120_000);

  it("a user's vitest suite uses library mode with @azure/identity and the Graph client", async () => {
    // As the README says: trust the CA before the test process starts (`ca --path` makes it if missing).
    const { stdout: caPath } = await exec(NPX, ['--no-install', 'graph-comms-emulator', 'ca', '--tls-dir', 'tls', '--path'], project);
    expect(caPath.trim()).toBe(join(project, 'tls', 'ca.pem'));
    writeFileSync(join(project, 'meeting.test.mjs'), USER_TEST);
    const result = await exec(NPX, ['--no-install', 'vitest', 'run'], project, userEnv({ NODE_EXTRA_CA_CERTS: caPath.trim(), CI: '1' })).catch(
      (err: { stdout?: string; stderr?: string; message: string }) => ({ stdout: err.stdout ?? '', stderr: `${err.message}\n${err.stderr ?? ''}` }),
    );
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/1 passed/);
  }, 300_000);

  it("a user's vitest suite with globalSetup: ['graph-comms-emulator/test-setup'] reaches the emulator with no NODE_EXTRA_CA_CERTS of its own", async () => {
    const suite = join(project, 'setup-suite');
    mkdirSync(suite, { recursive: true });
    writeFileSync(join(suite, 'vitest.config.mjs'), `export default { test: { include: ['*.test.mjs'], globalSetup: ['graph-comms-emulator/test-setup'] } };\n`);
    writeFileSync(
      join(suite, 'health.test.mjs'),
      `import { expect, inject, it } from 'vitest';
it('reaches the emulator', async () => {
  expect(inject('graphEmulator').url).toBe(process.env.GRAPH_EMULATOR_URL);
  expect((await fetch(process.env.GRAPH_EMULATOR_URL + '/_emulator/health')).status).toBe(200);
});
`,
    );
    const result = await exec(NPX, ['--no-install', 'vitest', 'run', '--root', suite], project, userEnv({ GRAPH_EMULATOR_TLS_DIR: join(project, 'tls'), CI: '1' })).catch(
      (err: { stdout?: string; stderr?: string; message: string }) => ({ stdout: err.stdout ?? '', stderr: `${err.message}\n${err.stderr ?? ''}` }),
    );
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/1 passed/);
  }, 300_000);
});

describe.runIf(STORE === 'sqlite')('package-lock.json', () => {
  it('matches package.json: npm install on a fresh clone changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gce-lock-'));
    try {
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      copyFileSync(join(ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
      await exec(NPM, ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], dir);
      expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
      expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
