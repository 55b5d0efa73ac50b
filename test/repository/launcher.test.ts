import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSqliteLoaders } from '../../src/store/sqliteBinding.js';

const run = promisify(execFile);
const LAUNCHER = resolve('dist/cli.mjs');
const BUNDLE = resolve('dist/cli-bundle.cjs');

/**
 * dist/cli.mjs (made by scripts/bundle.mjs) runs whatever dist/cli-bundle.cjs sits next to it, with
 * V8's code cache under TMPDIR. These run it on a tiny stand-in bundle in a directory of their own.
 */
describe('the CLI launcher (dist/cli.mjs)', () => {
  let dir: string;
  let cacheRoot: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gce-launcher-'));
    cacheRoot = join(dir, 'tmp');
    copyFileSync(LAUNCHER, join(dir, 'cli.mjs'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // A bundle that prints a word, then signals the ready line (which makes the launcher write its cache).
  const bundleSaying = (word: string): string => `console.log(${JSON.stringify(word)}); process.emit('graph-comms-emulator:ready');\n`;
  const launch = async (): Promise<string> => {
    const { stdout } = await run(process.execPath, [join(dir, 'cli.mjs')], { env: { ...process.env, TMPDIR: cacheRoot, TMP: cacheRoot, TEMP: cacheRoot }, timeout: 20_000 });
    return stdout.trim();
  };
  const cacheFiles = (): string[] => readdirSync(cacheRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.bin'));

  it('does not run a cache made for an earlier bundle of the same length', async () => {
    writeFileSync(join(dir, 'cli-bundle.cjs'), bundleSaying('first'));
    expect(await launch()).toBe('first');
    expect(cacheFiles()).toHaveLength(1);
    // Same length, different code: V8 itself checks only the length, so the launcher's key must tell them apart.
    writeFileSync(join(dir, 'cli-bundle.cjs'), bundleSaying('other'));
    expect(await launch()).toBe('other');
    expect(await launch()).toBe('other');
    expect(cacheFiles()).toHaveLength(2);
  });

  it('reuses its cache while the bundle is unchanged', async () => {
    writeFileSync(join(dir, 'cli-bundle.cjs'), bundleSaying('same'));
    expect(await launch()).toBe('same');
    expect(await launch()).toBe('same');
    expect(cacheFiles()).toHaveLength(1);
  });
});

describe('the CLI bundle (dist/cli-bundle.cjs)', () => {
  // What a warm `start` loads from node_modules by its ready line (besides what the bundle inlines):
  // only the SQLite driver. The rest (pg, the progress bar, @fastify/swagger, x509, ...) loads when used.
  it('a warm start loads no package from node_modules but the SQLite driver (if not node:sqlite), and not node:http2, before its ready line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gce-loaded-'));
    try {
      const probe = join(dir, 'probe.cjs');
      writeFileSync(
        probe,
        `process.once('graph-comms-emulator:ready', () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
    if (m) names.add(m[1].replace(/\\\\/g, '/'));
  }
  console.log('LOADED ' + JSON.stringify([...names].sort()));
  console.log('BUILTINS ' + JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))));
  process.exit(0);
});
`,
      );
      const start = () => run(process.execPath, ['--require', probe, LAUNCHER, 'start', '--http', '--port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'warn'], { timeout: 30_000 });
      // The first start makes the store (its signing key's certificate takes x509); a warm start makes nothing.
      await start();
      const { stdout } = await start();
      const line = stdout.split('\n').find((l) => l.startsWith('LOADED '));
      expect(line, stdout).toBeDefined();
      // The SQLite driver: node:sqlite where this Node has it (nothing from node_modules), else better-sqlite3 and its loader.
      const driver = (await defaultSqliteLoaders.nodeSqlite()) !== undefined ? [] : ['better-sqlite3', 'bindings', 'file-uri-to-path'];
      expect(JSON.parse(line!.slice('LOADED '.length))).toEqual(driver);
      // Nor node:http2, which fastify loads at the top for an option the emulator never sets (scripts/bundle.mjs).
      const builtins = stdout.split('\n').find((l) => l.startsWith('BUILTINS '));
      expect(builtins, stdout).toBeDefined();
      expect(JSON.parse(builtins!.slice('BUILTINS '.length))).not.toContain('http2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is ASCII only, as the launcher reads it as latin1', () => {
    const bytes = readFileSync(BUNDLE);
    expect(bytes.findIndex((byte) => byte > 0x7f)).toBe(-1);
  });
});
