import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cell, tablesOf, type JsonReport } from '../../bench/json.js';

/**
 * `npm run bench -- --json`: the built bench (dist/bench/run.js, made by `npm test`'s build step) run
 * with two cheap parts at tiny sizes; its stdout must be one JSON document naming every part asked for,
 * each with its table rows, the command and load averages.
 */

const RUN = resolve('dist/bench/run.js');

function runBench(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [RUN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', fail);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

describe('bench --json', () => {
  it('prints one JSON document with every part asked for, its figures, baselines and ratios', async () => {
    expect(existsSync(RUN), 'dist/bench/run.js: run npm run build first').toBe(true);
    const args = ['--only', 'content,recorder', '--content-mib', '1', '--rounds', '1', '--duration', '1', '--warmup', '1', '--json'];
    const { code, stdout, stderr } = await runBench(args, 170_000);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.command).toBe(['node', 'dist/bench/run.js', ...args].join(' '));
    expect(report.loadAverageAtStart).toHaveLength(3);
    expect(report.parts.map((p) => p.part)).toEqual(['content', 'recorder']);
    for (const part of report.parts) {
      expect(part.loadAverageAtStart).toHaveLength(3);
      expect(part.loadAverageAtEnd).toHaveLength(3);
      expect(part.elapsedMs).toBeGreaterThan(0);
      expect(part.tables.length).toBeGreaterThan(0);
    }
    const content = report.parts[0]!.tables[0]!;
    const speed = content.rows.find((row) => row['figure']?.text === 'MiB/s');
    expect(speed?.['emulator']?.number).toBeGreaterThan(0);
    expect(speed?.['bare HTTPS server, fs stream of the same file']?.number).toBeGreaterThan(0);
    expect(speed?.['ratio (goal ≥ 85%)']?.unit).toBe('%');
    const recorder = report.parts[1]!.tables[0]!;
    expect(recorder.columns).toEqual(['figure', 'recorder on', 'recorder paused (baseline)', 'on ÷ off', 'cost', 'goal', 'met']);
    const responses = recorder.rows.find((row) => row['figure']?.text === 'responses/s');
    // A one-second window on a loaded machine may complete few responses: the figures are numbers, not a speed.
    expect(responses?.['recorder on']?.number).toBeTypeOf('number');
    expect(responses?.['recorder paused (baseline)']?.number).toBeTypeOf('number');
    expect(['met', 'not met', 'invalid: non-200 or errors']).toContain(responses?.['met']?.text);
  }, 180_000);

  it('refuses an unknown part before starting anything, with the usage', async () => {
    const { code, stdout, stderr } = await runBench(['--only', 'nope', '--json'], 20_000);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('--only takes a list of');
    expect(stderr).toContain('recorder');
  });

  it('refuses a seeding budget of the large store outside 1–3600 s, with the usage', async () => {
    const { code, stdout, stderr } = await runBench(['--only', 'delta', '--large-seed-seconds', '0', '--json'], 20_000);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('--large-seed-seconds takes a number from 1 to 3600');
  });

  it('reads markdown tables back into rows with numbers and units', () => {
    const markdown = ['### Part A', '', '| | emu | bare | ratio |', '| --- | ---: | ---: | ---: |', '| MiB/s | 1,234.5 | **n/a** | 64% |', '', 'text | not a table'].join('\n');
    const [table, ...more] = tablesOf(markdown);
    expect(more).toEqual([]);
    expect(table).toEqual({
      title: 'Part A',
      columns: ['figure', 'emu', 'bare', 'ratio'],
      rows: [
        {
          figure: { text: 'MiB/s', number: null, unit: '' },
          emu: { text: '1,234.5', number: 1234.5, unit: '' },
          bare: { text: 'n/a', number: null, unit: '' },
          ratio: { text: '64%', number: 64, unit: '%' },
        },
      ],
    });
    expect(cell('2.39×')).toEqual({ text: '2.39×', number: 2.39, unit: '×' });
    expect(cell('-3 ms')).toEqual({ text: '-3 ms', number: -3, unit: 'ms' });
  });
});
