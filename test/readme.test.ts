import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './support/emulator.js';

/**
 * Every code block in README.md runs as written. Node blocks (ts, js) are transpiled to an ES module
 * under .test-tmp/readme/ (inside the repository, so `graph-comms-emulator` resolves to this package's
 * built entry by self-reference, and the SDKs from node_modules) and run with Node; sh blocks run with
 * bash. Each runs in a child process against a started emulator, with GRAPH_EMULATOR_URL and the
 * suite's CA in NODE_EXTRA_CA_CERTS. A block that is not meant to run says why on the line before its
 * fence: `<!-- readme-test: skip (reason) -->`. Listings (```text, ```json) are not code.
 */

const README = resolve('README.md');
const WORK = resolve('.test-tmp/readme');
const BLOCK_TIMEOUT_MS = 75_000;
/** Fewer runnable blocks than this means blocks were skipped or lost, not that the README got shorter on purpose. */
const MIN_RUNNABLE = 5;

type Kind = 'node' | 'shell' | 'listing' | 'untagged';
interface Block {
  line: number;
  lang: string;
  kind: Kind;
  code: string;
  skip: string | undefined;
}

const KINDS: Record<string, Kind> = { ts: 'node', typescript: 'node', js: 'node', javascript: 'node', mjs: 'node', mts: 'node', sh: 'shell', bash: 'shell', text: 'listing', json: 'listing' };

function readmeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const lang = open[1] ?? '';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    const marker = /^<!--\s*readme-test:\s*skip\s*\((.+)\)\s*-->\s*$/.exec(lines[start - 1] ?? '');
    blocks.push({ line: start + 1, lang, kind: lang === '' ? 'untagged' : (KINDS[lang] ?? 'listing'), code: body.join('\n') + '\n', skip: marker?.[1] });
  }
  return blocks;
}

/** What a block prints, when it prints something worth checking (found by a line of its code). */
const EXPECTED_OUTPUT: { when: string; stdout: RegExp }[] = [
  { when: 'TokenCredentialAuthenticationProvider', stdout: /^Contoso weekly sync$/m },
  { when: 'ConfidentialClientApplication', stdout: /^200$/m },
  { when: "from 'graph-comms-emulator'", stdout: /^https:\/\/localhost:\d+$/m },
  { when: 'graph-comms-emulator ca --path', stdout: /ca\.pem/ },
  { when: '/_emulator/demo"', stdout: /"tenantId"/ },
  { when: '/_emulator/deliveries/flush"', stdout: /"delivered"/ },
  { when: '/simulate"', stdout: /"recordingKind":"spoken"/ },
];

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolvePromise, reject) => {
    // detached: the block's own children (npx, node) are killed with it on timeout.
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[readme.test] killed after ${BLOCK_TIMEOUT_MS} ms`;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, BLOCK_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

const blocks = readmeBlocks(readFileSync(README, 'utf8'));
const runnable = blocks.filter((block) => block.skip === undefined && (block.kind === 'node' || block.kind === 'shell'));
const skipped = blocks.filter((block) => block.skip !== undefined);
const name = (block: Block): string => `README.md:${block.line} (${block.lang || 'untagged'})`;

describe('README code blocks', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    emu = await startTestEmulator();
    console.info(
      [`README: ${blocks.length} code blocks, ${runnable.length} run`, ...skipped.map((block) => `  skipped ${name(block)}: ${block.skip ?? ''}`)]
        .concat(blocks.filter((block) => block.kind === 'listing' && block.skip === undefined).map((block) => `  not code ${name(block)}: a listing`))
        .join('\n'),
    );
  });
  afterAll(async () => {
    await emu.stop();
  });

  it(`has at least ${MIN_RUNNABLE} runnable blocks, every block tagged with its language, and a reason for each skip`, () => {
    expect(runnable.length).toBeGreaterThanOrEqual(MIN_RUNNABLE);
    expect(blocks.filter((block) => block.kind === 'untagged').map(name)).toEqual([]);
    for (const block of skipped) expect(block.skip?.trim()).not.toBe('');
  });

  for (const block of skipped) it.skip(`${name(block)}: ${block.skip ?? ''}`, () => undefined);

  for (const [index, block] of runnable.entries()) {
    it(`runs ${name(block)}`, { timeout: BLOCK_TIMEOUT_MS + 15_000 }, async () => {
      const dir = join(WORK, `block-${index + 1}`);
      mkdirSync(dir, { recursive: true });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        GRAPH_EMULATOR_URL: emu.url,
        NODE_EXTRA_CA_CERTS: process.env['NODE_EXTRA_CA_CERTS'],
        // A block that makes its own CA (createEmulator() with no tlsDir) makes it here, not in the user's home.
        HOME: dir,
        npm_config_cache: process.env['npm_config_cache'] ?? join(homedir(), '.npm'),
        // npx resolves this package locally; never reach a registry.
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
      };
      let outcome: Outcome;
      if (block.kind === 'node') {
        const { outputText } = ts.transpileModule(block.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
        const file = join(dir, 'sample.mjs');
        writeFileSync(file, outputText);
        outcome = await run(process.execPath, [file], dir, env);
      } else {
        // `npx graph-comms-emulator` as a user has it installed: this repository's built bin on PATH.
        // (npx here would link this package into its cache and run `prepare`, rebuilding dist/ under the other suites.)
        const bin = join(dir, 'bin');
        mkdirSync(bin, { recursive: true });
        writeFileSync(join(bin, 'graph-comms-emulator'), `#!/usr/bin/env bash\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(resolve('dist/cli.mjs'))} "$@"\n`, { mode: 0o755 });
        const file = join(dir, 'sample.sh');
        writeFileSync(file, `set -euo pipefail\n${block.code.replaceAll('npx graph-comms-emulator', 'graph-comms-emulator')}`);
        outcome = await run('bash', [file], dir, { ...env, PATH: `${bin}:${process.env['PATH'] ?? ''}` });
      }
      const report = `${name(block)} exited ${outcome.code ?? outcome.signal}\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`;
      expect(outcome.code, report).toBe(0);
      for (const expected of EXPECTED_OUTPUT) if (block.code.includes(expected.when)) expect(outcome.stdout, report).toMatch(expected.stdout);
    });
  }
});
