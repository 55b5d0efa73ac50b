import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/database.js';
import { STORE, tlsDir } from './support/emulator.js';
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

function cli(args: string[], cwd = process.cwd()): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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

    const health = await fetch(`${url}/_emulator/health`); // trusted through NODE_EXTRA_CA_CERTS, as the line says
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await new Promise((r) => setTimeout(r, 200));
    expect(run.stdout.filter((l) => l.trim() !== '')).toEqual([line]);

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
    const schema = `t_${randomBytes(6).toString('hex')}`;
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
    for (const flag of ['--port', '--host', '--in-memory', '--data-dir', '--database-url', '--database-schema', '--http', '--tls-dir', '--public-url', '--log-level', '--no-demo']) expect(text).toContain(flag);
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
