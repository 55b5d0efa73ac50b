import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { newSchemaName, STORE, tlsDir } from './support/emulator.js';
import { control, value } from './support/control.js';

/** The compiled CLI, as `npm start` and the installed bin run it (npm test builds dist/ first). */
// The bundled CLI, the package's bin: what `npm start` and `npx graph-comms-emulator` run.
const CLI = resolve('dist/cli.mjs');

interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gce-cli-'));
  dirs.push(dir);
  return dir;
}

function cli(args: string[], cwd = process.cwd(), as: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {}): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'], ...as });
  running.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      into.push(...lines);
    };
  };
  child.stdout!.on('data', collect(stdout));
  child.stderr!.on('data', collect(stderr));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  return { child, stdout, stderr, exit };
}

async function readyLine(run: Run, timeoutMs = 20_000): Promise<string> {
  const started = Date.now();
  while (run.stdout.length === 0) {
    if (run.child.exitCode !== null) throw new Error(`the CLI exited ${run.child.exitCode}: ${run.stderr.join('\n')}`);
    if (Date.now() - started > timeoutMs) throw new Error(`no ready line within ${timeoutMs} ms: ${run.stderr.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return run.stdout[0]!;
}

/** Waits for a line matching `pattern` in `lines` (the output keeps arriving while the CLI runs). */
async function lineMatching(lines: string[], pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const found = lines.find((l) => pattern.test(l));
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms in:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const urlIn = (line: string): string => {
  const match = /(https?:\/\/localhost:\d+)/.exec(line);
  if (match === null) throw new Error(`no URL in: ${line}`);
  return match[1]!;
};

/** SIGTERM; resolves to the exit code, or a description of how it ended otherwise. */
async function stop(run: Run): Promise<number | string> {
  run.child.kill('SIGTERM');
  const { code, signal } = await run.exit;
  return code ?? `killed by ${String(signal)}; stderr: ${run.stderr.join('\n')}`;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

describe('graph-comms-emulator start', () => {
  it('--port 0 --in-memory prints one ready line with the real URL and the CA, serves health, and exits 0 on SIGTERM', async () => {
    const tls = tlsDir();
    const run = cli(['start', '--port', '0', '--in-memory', '--tls-dir', tls]);
    const line = await readyLine(run);
    const url = urlIn(line);
    const port = Number(new URL(url).port);
    expect(url).toMatch(/^https:\/\/localhost:\d+$/);
    expect(port).toBeGreaterThan(0);
    expect(line).toContain(join(tls, 'ca.pem'));
    expect(line).toContain('in-memory');
    expect(line).toContain('notifications to: loopback only (--allow-notification-host HOST[:PORT] for others)');
    expect(line).toContain(`dashboard: ${url}/_emulator/ui;`);

    const health = await fetch(`${url}/_emulator/health`); // trusted through NODE_EXTRA_CA_CERTS, as the line says
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    // After the ready line, stdout carries only the request log (one JSON line per request).
    const logged = await lineMatching(run.stdout, /_emulator\/health/);
    expect(run.stdout.filter((l) => l.trim() !== '')).toEqual([line, logged]);
    // The dashboard the line names is served by the bundled CLI (dist/ui found next to dist/cli.mjs).
    const dashboard = await fetch(`${url}/_emulator/ui`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('/_emulator/ui/app.js');

    expect(await stop(run)).toBe(0);
    expect(await canListen(port)).toBe(true);
  });

  it('--http serves plain HTTP and names no CA', async () => {
    const run = cli(['start', '--port', '0', '--in-memory', '--http']);
    const line = await readyLine(run);
    const url = urlIn(line);
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(line).not.toMatch(/CA/);
    const demo = await fetch(`${url}/_emulator/demo`);
    expect(demo.status).toBe(200);
    expect(((await demo.json()) as { caCertificate: unknown }).caCertificate).toBeNull();
    expect(await stop(run)).toBe(0);
  });

  it('--allow-notification-host (repeatable) widens the notification policy, and the ready line says so', async () => {
    const run = cli(['start', '--port', '0', '--in-memory', '--http', '--allow-notification-host', 'hooks.test', '--allow-notification-host', '[fd00::5]:9000']);
    const line = await readyLine(run);
    expect(line).toContain('notifications to: loopback and hooks.test, [fd00::5]:9000)');
    expect(await stop(run)).toBe(0);
  });

  it('refuses an --allow-notification-host that is not HOST[:PORT] or *', async () => {
    const run = cli(['start', '--port', '0', '--in-memory', '--http', '--allow-notification-host', 'https://hooks.test/']);
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(run.stderr.join('\n')).toContain("invalid --allow-notification-host (allowNotificationHosts) 'https://hooks.test/'");
    expect(run.stdout.join('')).toBe('');
  });

  it('--host 0.0.0.0 makes up an admin token and prints it; the control API needs it; --allowed-host names are answered, others not', async () => {
    // Bound to every interface, but spoken to only on 127.0.0.1.
    const run = cli(['start', '--host', '0.0.0.0', '--port', '0', '--in-memory', '--http', '--allowed-host', 'graph.contoso.test,*.corp.test']);
    const line = await readyLine(run);
    const token = /admin token: (\S+) \(control API: send "Authorization: Bearer TOKEN"/.exec(line)?.[1];
    expect(token, line).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const port = new URL(urlIn(line)).port;
    const get = (host: string, headers: Record<string, string> = {}): Promise<number> =>
      new Promise((done, fail) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/_emulator/demo', headers: { host, ...headers } }, (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
        });
        req.on('error', fail);
        req.end();
      });
    expect(await get(`127.0.0.1:${port}`)).toBe(401);
    expect(await get(`127.0.0.1:${port}`, { authorization: `Bearer ${token}` })).toBe(200);
    expect(await get('graph.contoso.test', { authorization: `Bearer ${token}` })).toBe(200);
    expect(await get('x.corp.test', { authorization: `Bearer ${token}` })).toBe(200);
    expect(await get('evil.example', { authorization: `Bearer ${token}` })).toBe(403);
    expect(await stop(run)).toBe(0);
  });

  it('--admin-token sets the token and prints none; an empty one is refused', async () => {
    const run = cli(['start', '--port', '0', '--in-memory', '--http', '--admin-token', 'mine']);
    const line = await readyLine(run);
    expect(line).not.toMatch(/admin token/);
    expect((await fetch(`${urlIn(line)}/_emulator/demo`)).status).toBe(401);
    expect((await fetch(`${urlIn(line)}/_emulator/demo`, { headers: { authorization: 'Bearer mine' } })).status).toBe(200);
    expect(await stop(run)).toBe(0);
    const empty = cli(['start', '--port', '0', '--in-memory', '--http', '--admin-token', '']);
    expect((await empty.exit).code).toBe(1);
    expect(empty.stderr.join('\n')).toMatch(/--admin-token is empty/);
  });

  it('serves on 127.0.0.1 alone, saying so, when [::1] at its port is taken by something else', async (ctx) => {
    const squatter = createServer((socket) => socket.end('HTTP/1.1 418 Squatter\r\ncontent-length: 0\r\nconnection: close\r\n\r\n'));
    const bound = await new Promise<boolean>((done) => {
      squatter.once('error', () => done(false));
      squatter.listen({ port: 0, host: '::1', ipv6Only: true }, () => done(true));
    });
    if (!bound) return ctx.skip(); // no IPv6 loopback on this machine
    try {
      const port = (squatter.address() as { port: number }).port;
      if (!(await canListen(port))) return ctx.skip(); // 127.0.0.1 has that port in use too
      const run = cli(['start', '--port', String(port), '--in-memory', '--http']);
      expect(await lineMatching(run.stdout, new RegExp(`serving on 127\\.0\\.0\\.1 only: \\[::1\\]:${port} is not free`))).toMatch(/"level":40/);
      const line = await lineMatching(run.stdout, /ready on/);
      expect((await fetch(`http://127.0.0.1:${port}/_emulator/health`)).status).toBe(200);
      expect(urlIn(line)).toBe(`http://localhost:${port}`);
      expect((await fetch(`http://[::1]:${port}/`)).status).toBe(418);
      expect(await stop(run)).toBe(0);
    } finally {
      squatter.close();
    }
  });

  it('by default keeps its state and TLS material in ./.graph-comms-emulator', async () => {
    const cwd = tempDir();
    const run = cli(['start', '--port', '0', '--http'], cwd);
    const line = await readyLine(run);
    expect(line).toContain(join(cwd, '.graph-comms-emulator', 'emulator.sqlite'));
    expect(existsSync(join(cwd, '.graph-comms-emulator', 'emulator.sqlite'))).toBe(true);
    expect(await stop(run)).toBe(0);
  });

  it.each([
    ['a port above 65535', ['--port', '70000']],
    ['a port that is not a number', ['--port', 'eighty']],
    ['a negative port', ['--port', '-1']],
  ])('refuses %s with a message and a non-zero exit', async (_why, flags) => {
    const run = cli(['start', '--in-memory', '--http', ...flags]);
    const { code } = await run.exit;
    expect(code).not.toBe(0);
    expect(run.stderr.join('\n')).toMatch(/port/i);
    expect(run.stdout.join('')).toBe('');
  });

  it('exits non-zero with a message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = cli(['start', '--in-memory', '--http', '--port', String(port)]);
      const { code } = await run.exit;
      expect(code).toBe(1);
      expect(run.stderr.join('\n')).toMatch(/EADDRINUSE|in use/i);
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  });

  it.runIf(STORE === 'postgres')('--database-url keeps the store in PostgreSQL', async () => {
    const schema = newSchemaName();
    const run = cli(['start', '--port', '0', '--http', '--database-url', process.env['TEST_DATABASE_URL']!, '--database-schema', schema]);
    const line = await readyLine(run);
    expect(line).toContain('postgresql');
    expect(value(await control({ url: urlIn(line) }, 'GET', '/tenants'))).toHaveLength(1);
    expect(await stop(run)).toBe(0);
    const store = await openStore({ kind: 'postgres', url: process.env['TEST_DATABASE_URL']!, schema });
    try {
      const { rows } = await sql<{ n: string }>`select count(*) as n from tenants`.execute(store.db);
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await store.dropSchema();
      await store.close();
    }
  });
});

describe('graph-comms-emulator --help', () => {
  it('lists the commands and the flags the design names', async () => {
    const run = cli(['--help']);
    const { code } = await run.exit;
    expect(code).toBe(0);
    const text = run.stdout.join('\n');
    for (const word of ['start', 'reset', '--port', '--in-memory', '--data-dir', '--database-url', '--http']) expect(text).toContain(word);
  });

  it('start --help describes every start option', async () => {
    const run = cli(['start', '--help']);
    expect((await run.exit).code).toBe(0);
    const text = run.stdout.join('\n');
    for (const flag of [
      '--port',
      '--host',
      '--in-memory',
      '--data-dir',
      '--database-url',
      '--database-schema',
      '--http',
      '--tls-dir',
      '--public-url',
      '--log-level',
      '--no-demo',
      '--admin-token',
      '--allowed-host',
      '--max-recording-size-bytes',
      '--recording-kind',
      '--request-history',
      '--no-slow-endpoint-rules',
      '--extra-lifecycle-events',
    ])
      expect(text).toContain(flag);
  });
});

describe('graph-comms-emulator reset', () => {
  it('empties a data dir’s store; the next start brings back only the demo tenant', async () => {
    const dir = tempDir();
    const flags = ['--data-dir', dir, '--tls-dir', tlsDir()];
    const first = cli(['start', '--port', '0', ...flags]);
    const url = urlIn(await readyLine(first));
    expect((await control({ url }, 'POST', '/tenants', { displayName: 'Made before reset' })).status).toBe(201);
    expect(value(await control({ url }, 'GET', '/tenants'))).toHaveLength(2);
    expect(await stop(first)).toBe(0);

    const reset = cli(['reset', '--data-dir', dir]);
    expect((await reset.exit).code).toBe(0);
    expect(reset.stdout.join('\n')).toMatch(/emptied/);

    const store = await openStore({ kind: 'sqlite', filename: join(dir, 'emulator.sqlite') });
    try {
      for (const table of ['tenants', 'users', 'apps', 'meetings', 'settings']) {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(store.db);
        expect(rows[0]!.n, table).toBe(0);
      }
    } finally {
      await store.close();
    }

    const second = cli(['start', '--port', '0', ...flags]);
    const again = urlIn(await readyLine(second));
    expect(value<{ displayName: string }>(await control({ url: again }, 'GET', '/tenants')).map((t) => t.displayName)).toEqual(['Contoso']);
    expect(await stop(second)).toBe(0);
  });
});

/** Runs the CLI to its exit; the exit code and what it printed. */
async function finished(args: string[], cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = cli(args, cwd);
  const { code } = await run.exit;
  return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') };
}

describe('graph-comms-emulator refuses what it cannot do, saying why', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const { code, stdout } = await finished(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('an unknown command is named as one, with the commands there are', async () => {
    const { code, stdout, stderr } = await finished(['strat', '--in-memory']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown command 'strat'/);
    expect(stderr).toMatch(/start, reset, seed, ca/);
    expect(stdout).toBe('');
  });

  it('an unknown --log-level lists the valid ones', async () => {
    const { code, stderr } = await finished(['start', '--in-memory', '--http', '--port', '0', '--log-level', 'loud']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/'loud' is invalid/);
    expect(stderr).toMatch(/fatal, error, warn, info, debug, trace, silent/);
  });

  it('a --max-recording-size-bytes that is not a whole number of bytes up to 64 GiB is refused', async () => {
    for (const bad of ['lots', '-1', '68719476737']) {
      const { code, stderr } = await finished(['start', '--in-memory', '--http', '--port', '0', '--max-recording-size-bytes', bad]);
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/a whole number of bytes from 0 to 68719476736 \(64 GiB\)/);
    }
  });

  it('a --recording-kind other than spoken or sample is refused, and so is such a GRAPH_EMULATOR_RECORDING_KIND', async () => {
    const flag = await finished(['start', '--in-memory', '--http', '--port', '0', '--recording-kind', 'loud']);
    expect(flag.code).not.toBe(0);
    expect(flag.stderr).toMatch(/--recording-kind.*Allowed choices are spoken, sample/s);
    const run = cli(['start', '--in-memory', '--http', '--port', '0'], undefined, { env: { ...process.env, GRAPH_EMULATOR_RECORDING_KIND: 'loud' } });
    expect((await run.exit).code).not.toBe(0);
    expect(run.stderr.join('\n')).toMatch(/GRAPH_EMULATOR_RECORDING_KIND must be 'spoken' or 'sample', not 'loud'/);
  });

  it('a --request-history that is not a whole number from 0 to 100000 is refused', async () => {
    for (const bad of ['many', '-1', '100001']) {
      const { code, stderr } = await finished(['start', '--in-memory', '--http', '--port', '0', '--request-history', bad]);
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/a whole number of requests from 0 to 100000/);
    }
  });

  it('an unknown --log-format lists json and pretty', async () => {
    const { code, stderr } = await finished(['start', '--in-memory', '--http', '--port', '0', '--log-format', 'xml']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/json, pretty/);
  });

  it.each([
    ['--in-memory with --data-dir', ['--in-memory', '--data-dir', 'somewhere'], /--in-memory.*cannot be used with.*--data-dir/],
    ['--in-memory with --database-url', ['--in-memory', '--database-url', 'postgres://127.0.0.1:1/x'], /--in-memory.*cannot be used with.*--database-url/],
    ['--database-schema without --database-url', ['--database-schema', 'mine', '--http'], /--database-schema needs --database-url/],
  ])('refuses %s', async (_why, flags, message) => {
    const cwd = tempDir();
    const { code, stderr } = await finished(['start', '--port', '0', ...flags], cwd);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
    expect(existsSync(join(cwd, 'somewhere'))).toBe(false);
  });

  it('refuses a --database-url that is not PostgreSQL, without echoing its password', async () => {
    const { code, stderr } = await finished(['start', '--port', '0', '--http', '--database-url', 'mysql://me:s3cret@127.0.0.1/graph'], tempDir());
    expect(code).toBe(1);
    expect(stderr).toMatch(/unsupported database URL 'mysql:\/\/me:\*\*\*@127\.0\.0\.1\/graph': only PostgreSQL/);
    expect(stderr).not.toContain('s3cret');
  });

  it('a SQLite store that cannot be opened is named in the error', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'emulator.sqlite')); // a directory where the file should be
    const { code, stdout, stderr } = await finished(['start', '--port', '0', '--http', '--data-dir', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain(`SQLite store ${join(dir, 'emulator.sqlite')} cannot be opened`);
    expect(stdout).toBe('');
  });

  it('a read-only store is refused at start, once, naming the file', async (ctx) => {
    // As root the CLI runs as nobody below, and a 0700 /tmp (as on our machines) would refuse nobody
    // before the store's own check is reached: /var/tmp is world-traversable by convention (FHS).
    const dir = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'gce-cli-read-only-'));
    dirs.push(dir);
    const first = cli(['start', '--port', '0', '--http', '--data-dir', dir]);
    await readyLine(first);
    expect(await stop(first)).toBe(0);
    // chmod does not stop root: as root, the CLI runs as nobody, for whom the file is read-only.
    const asRoot = process.getuid?.() === 0;
    chmodSync(dir, asRoot ? 0o777 : 0o755);
    chmodSync(join(dir, 'blobs'), asRoot ? 0o777 : 0o755);
    chmodSync(join(dir, 'emulator.sqlite'), 0o444);
    // (nobody cannot read the suite's CA either, and Node would warn about it.)
    const { NODE_EXTRA_CA_CERTS: _unreadable, ...env } = process.env;
    // Running the CLI as nobody needs a checkout nobody can read (not one under a 0700 home or temp directory).
    const nobodyCanReach = (): boolean =>
      spawnSync(process.execPath, [CLI, '--version'], { uid: 65534, gid: 65534, env }).status === 0 &&
      spawnSync(process.execPath, ['-e', 'require("node:fs").readdirSync(process.argv[1])', dir], { uid: 65534, gid: 65534, env }).status === 0;
    if (asRoot && !nobodyCanReach()) {
      ctx.skip('as root, this test runs the CLI as nobody, who cannot read this checkout');
    }
    const run = cli(['start', '--port', '0', '--http', '--data-dir', dir], dir, asRoot ? { uid: 65534, gid: 65534, env } : {});
    const { code } = await run.exit;
    expect(code).toBe(1);
    expect(run.stdout.join('')).toBe('');
    const stderr = run.stderr.filter((l) => l.trim() !== '');
    expect(stderr).toEqual([expect.stringContaining(`SQLite store ${join(dir, 'emulator.sqlite')} is read-only`)]);
  });
});

describe('graph-comms-emulator ca', () => {
  it('makes the CA if missing and prints its absolute path with the lines to trust it on each stack', async () => {
    const cwd = tempDir();
    const { code, stdout } = await finished(['ca', '--data-dir', 'state'], cwd);
    expect(code).toBe(0);
    const ca = join(cwd, 'state', 'tls', 'ca.pem');
    expect(existsSync(ca)).toBe(true);
    expect(stdout).toContain(`CA certificate: ${ca}`);
    for (const line of [
      `NODE_EXTRA_CA_CERTS=${ca}`,
      `REQUESTS_CA_BUNDLE=${ca}`,
      `SSL_CERT_FILE=${ca}`,
      `curl --cacert ${ca}`,
      `keytool -importcert`,
      'update-ca-certificates',
      'security add-trusted-cert',
      'Cert:\\CurrentUser\\Root',
    ]) {
      expect(stdout).toContain(line);
    }
  });

  it('--tls-dir --path prints only the path, the same CA start uses', async () => {
    const cwd = tempDir();
    const { code, stdout } = await finished(['ca', '--tls-dir', 'certs', '--path'], cwd);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(join(cwd, 'certs', 'ca.pem'));
    const run = cli(['start', '--port', '0', '--in-memory', '--tls-dir', 'certs'], cwd);
    expect(await readyLine(run)).toContain(`CA: ${join(cwd, 'certs', 'ca.pem')}`);
    expect(await stop(run)).toBe(0);
  });

  it('refuses --in-memory with --tls-dir', async () => {
    const { code, stderr } = await finished(['ca', '--in-memory', '--tls-dir', 'x'], tempDir());
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/cannot be used with/);
  });
});

describe('the TLS trust hint', () => {
  it('a Node.js client that does not trust the CA makes the emulator log one line naming NODE_EXTRA_CA_CERTS and the CA path', async () => {
    const cwd = tempDir(); // a CA of its own, which this process (trusting the suite's CA) does not know
    const run = cli(['start', '--port', '0', '--in-memory', '--tls-dir', 'tls'], cwd);
    const port = Number(new URL(urlIn(await readyLine(run))).port);
    const ca = join(cwd, 'tls', 'ca.pem');
    for (let i = 0; i < 2; i++) {
      const failure = await new Promise<Error>((done) => {
        const socket = tlsConnect({ host: 'localhost', port, servername: 'localhost' });
        socket.once('secureConnect', () => done(new Error('connected')));
        socket.once('error', done);
      });
      expect(failure.message).not.toBe('connected');
    }
    const hint = await lineMatching(run.stdout, /TLS client/);
    const record = JSON.parse(hint) as { level: number; msg: string };
    expect(record.level).toBe(40);
    expect(record.msg).toContain(`NODE_EXTRA_CA_CERTS=${ca}`);
    expect(record.msg).toContain('graph-comms-emulator ca');
    // The second rejection within the minute is not logged again.
    const health = await fetch(`${urlIn(run.stdout[0]!)}/_emulator/health`, { signal: AbortSignal.timeout(10_000) }).catch((err: unknown) => err);
    expect(health).toBeInstanceOf(Error);
    expect(run.stdout.filter((l) => /TLS client/.test(l))).toEqual([hint]);
    expect(await stop(run)).toBe(0);
  });
});

/** curl, when installed: an OpenSSL client that sends the "unknown CA" alert Node.js does not. */
const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;

describe('the TLS trust hint for other stacks', () => {
  it.runIf(hasCurl)('a client that sends an unknown-CA alert (curl) makes the emulator log the line with the CA path', async () => {
    const cwd = tempDir();
    const run = cli(['start', '--port', '0', '--in-memory', '--tls-dir', 'tls'], cwd);
    const url = urlIn(await readyLine(run));
    const curl = spawn('curl', ['--silent', '--cacert', join(tlsDir(), 'ca.pem'), `${url}/_emulator/health`], { stdio: 'ignore' });
    const code = await new Promise<number | null>((done) => curl.once('exit', done));
    expect(code).not.toBe(0); // trusts the suite's CA, not this emulator's
    const record = JSON.parse(await lineMatching(run.stdout, /TLS client/)) as { msg: string };
    expect(record.msg).toContain('does not trust the local CA');
    expect(record.msg).toContain(`NODE_EXTRA_CA_CERTS=${join(cwd, 'tls', 'ca.pem')}`);
    expect(record.msg).toContain(`REQUESTS_CA_BUNDLE=${join(cwd, 'tls', 'ca.pem')}`);
    expect(await stop(run)).toBe(0);
  });
});

describe('the request log', () => {
  interface Logged {
    method: string;
    url: string;
    status: number;
    ms: number;
    appId?: string;
    error?: string;
    requestId: string;
  }

  it('logs one JSON line per request at info (the CLI default): method, path, status, ms, the calling app, the error code', async () => {
    const run = cli(['start', '--port', '0', '--in-memory', '--http']);
    const url = urlIn(await readyLine(run));
    const demo = (await (await fetch(`${url}/_emulator/demo`)).json()) as { tenantId: string; clientId: string; clientSecret: string; organizerUserId: string };
    const tokenRes = await fetch(`${url}/${demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: demo.clientId, client_secret: demo.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const user = await fetch(`${url}/v1.0/users/${demo.organizerUserId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(user.status).toBe(200);
    const missing = await fetch(`${url}/v1.0/users/nobody@nowhere.example`, { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(404);
    const badSecret = await fetch(`${url}/${demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: demo.clientId, client_secret: 'wrong', scope: 'https://graph.microsoft.com/.default' }),
    });
    expect(badSecret.status).toBe(401);

    await lineMatching(run.stdout, /"status":401/);
    const logged = run.stdout
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Logged);
    expect(logged.map((l) => `${l.method} ${l.url} ${l.status}`)).toEqual([
      'GET /_emulator/demo 200',
      `POST /${demo.tenantId}/oauth2/v2.0/token 200`,
      `GET /v1.0/users/${demo.organizerUserId} 200`,
      'GET /v1.0/users/nobody@nowhere.example 404',
      `POST /${demo.tenantId}/oauth2/v2.0/token 401`,
    ]);
    expect(logged[2]).toMatchObject({ appId: demo.clientId, requestId: user.headers.get('request-id') });
    expect(logged[2]!.error).toBeUndefined();
    expect(typeof logged[2]!.ms).toBe('number');
    expect(logged[3]).toMatchObject({ appId: demo.clientId, error: 'Request_ResourceNotFound' });
    expect(logged[4]!.error).toMatch(/^invalid_client AADSTS\d+$/);
    expect(await stop(run)).toBe(0);
  });

  it('--log-format pretty prints one compact human line per request; --log-level warn none', async () => {
    const pretty = cli(['start', '--port', '0', '--in-memory', '--http', '--log-format', 'pretty']);
    const url = urlIn(await readyLine(pretty));
    expect((await fetch(`${url}/v1.0/me`)).status).toBe(401);
    const line = await lineMatching(pretty.stdout, /\/v1\.0\/me/);
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET \/v1\.0\/me 401 [\d.]+ ms error=InvalidAuthenticationToken$/);
    expect(await stop(pretty)).toBe(0);

    const quiet = cli(['start', '--port', '0', '--in-memory', '--http', '--log-level', 'warn']);
    const quietUrl = urlIn(await readyLine(quiet));
    expect((await fetch(`${quietUrl}/v1.0/me`)).status).toBe(401);
    expect(await stop(quiet)).toBe(0);
    expect(quiet.stdout.filter((l) => l.trim() !== '')).toHaveLength(1);
  });
});
