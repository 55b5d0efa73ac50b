import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoAndToken, getPage, keepAliveAgent } from './artifactClient.js';
import { alternateRounds } from './interleave.js';
import { runNode, spawnNodeUntilReady, stopProcess } from './processes.js';
import { emulatorScript, startEmulatorProcess, type Paths, type RunningServer } from './servers.js';
import { median } from './stats.js';

export interface DeltaOptions {
  /** Recordings in the full-sync store. */
  recordings: number;
  /** Page size of the sync ($top). */
  pageSize: number;
  /** Full-sync rounds of each server (interleaved). */
  rounds: number;
  /** The small store for the page-time comparison. */
  smallStore: number;
  /** The large store's target; seeding stops at whichever comes first, this or `largeSeedBudgetMs`. */
  largeStore: number;
  largeSeedBudgetMs: number;
  /** Single-page requests timed on each store. */
  pageSamples: number;
}

export interface SyncRun {
  items: number;
  pages: number;
  ms: number;
}

export interface PageTiming {
  rows: number;
  seedSeconds: number;
  /** Median ms of the first page of a round, and of a page in the middle (from its skip token). */
  firstPageMs: number;
  middlePageMs: number;
}

export interface DeltaResult {
  recordings: number;
  seedSeconds: number;
  /** The SQLite store's bytes on disk (database and WAL files, blobs not counted) per seeded recording, right after seeding. */
  seedBytesPerRecording: number;
  pageSize: number;
  emulator: SyncRun[];
  bare: SyncRun[];
  small: PageTiming;
  large: PageTiming;
  largeTarget: number;
  commands: { seed: string; emulator: string; bare: string };
}

const BARE_READY = /bare-server ready on https:\/\/\S+?:(\d+)\b/;

async function seed(paths: Paths, dataDir: string, recordings: number, perMeeting = 100): Promise<number> {
  const started = performance.now();
  await runNode(
    emulatorScript(paths),
    ['seed', '--data-dir', dataDir, '--recordings', String(recordings), '--per-meeting', String(perMeeting), '--batch', '5000', '--no-progress'],
    900_000,
    paths.repoRoot,
  );
  return (performance.now() - started) / 1000;
}

/** The SQLite files' sizes (the blobs, one MP4 for every recording, are left out). */
async function storeBytes(dataDir: string): Promise<number> {
  let total = 0;
  for (const name of ['emulator.sqlite', 'emulator.sqlite-wal'])
    total += await stat(join(dataDir, name)).then(
      (s) => s.size,
      () => 0,
    );
  return total;
}

const pathOf = (link: string): string => {
  const url = new URL(link);
  return url.pathname + url.search;
};

/** A full sync, page after page on one keep-alive connection; optionally keeps every page (for the baseline). */
async function fullSync(port: number, ca: string, first: string, authorization: string, keep?: Map<string, { type: string; bodyBase64: string }>): Promise<SyncRun> {
  const agent = keepAliveAgent(ca);
  try {
    let path: string | undefined = first;
    let items = 0;
    let pages = 0;
    const started = performance.now();
    for (let guard = 0; path !== undefined && guard < 1_000_000; guard++) {
      const page = await getPage(agent, port, path, authorization);
      if (page.status !== 200) throw new Error(`GET ${path}: HTTP ${page.status} ${page.body.toString('utf8').slice(0, 300)}`);
      keep?.set(path, { type: page.type, bodyBase64: page.body.toString('base64') });
      const body = JSON.parse(page.body.toString('utf8')) as { value: unknown[]; '@odata.nextLink'?: string };
      items += body.value.length;
      pages++;
      path = body['@odata.nextLink'] === undefined ? undefined : pathOf(body['@odata.nextLink']);
    }
    return { items, pages, ms: performance.now() - started };
  } finally {
    agent.destroy();
  }
}

async function timePages(paths: Paths, rows: number, seedSeconds: number, samples: number, log: (line: string) => void): Promise<PageTiming> {
  let emu: RunningServer | undefined;
  try {
    emu = await startEmulatorProcess(paths, 120_000);
    const ca = await readFile(join(paths.tlsDir, 'ca.pem'), 'utf8');
    const { demo, authorization } = await demoAndToken(emu.port, ca);
    const first = `/v1.0/users/${demo.organizerUserId}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${demo.organizerUserId}')/delta?$top=100`;
    const agent = keepAliveAgent(ca);
    try {
      // A skip token from the middle of the store, reached in pages of 1,000; the timed request asks for 100 from there.
      const middleToken = await (async (): Promise<string> => {
        let path = first.replace('$top=100', '$top=1000');
        for (let skipped = 0; skipped < rows / 2; skipped += 1000) {
          const body = JSON.parse((await getPage(agent, emu!.port, path, authorization)).body.toString('utf8')) as { '@odata.nextLink': string };
          path = pathOf(body['@odata.nextLink']);
        }
        return `${path}&$top=100`;
      })();
      const time = async (path: string): Promise<number> => {
        const started = performance.now();
        const page = await getPage(agent, emu!.port, path, authorization);
        if (page.status !== 200) throw new Error(`GET ${path}: HTTP ${page.status}`);
        return performance.now() - started;
      };
      for (let i = 0; i < 20; i++) await time(first); // warm-up
      const firstMs: number[] = [];
      const middleMs: number[] = [];
      for (let i = 0; i < samples; i++) {
        firstMs.push(await time(first));
        middleMs.push(await time(middleToken));
      }
      const result = { rows, seedSeconds, firstPageMs: median(firstMs), middlePageMs: median(middleMs) };
      log(`  ${rows} rows: first page ${result.firstPageMs.toFixed(2)} ms, middle page ${result.middlePageMs.toFixed(2)} ms (median of ${samples})`);
      return result;
    } finally {
      agent.destroy();
    }
  } finally {
    if (emu !== undefined) await stopProcess(emu.child);
  }
}

/**
 * Delta benchmarks (issue 3): (1) a full getAllRecordings delta sync of `recordings` seeded recordings
 * against a bare HTTPS server replaying the very same pages from memory; (2) the time of one page
 * with a small and a large store. Stores are seeded by the CLI's seed command.
 */
export async function measureDelta(base: Paths, workDir: string, options: DeltaOptions, log: (line: string) => void): Promise<DeltaResult> {
  const storeDir = (name: string): Paths => ({ ...base, dataDir: join(workDir, name) });
  const big = storeDir('delta-sync');
  await mkdir(big.dataDir, { recursive: true });
  log(`  seeding ${options.recordings} recordings`);
  const seedSeconds = await seed(base, big.dataDir, options.recordings);
  const seedBytesPerRecording = (await storeBytes(big.dataDir)) / options.recordings;
  log(`  seeded in ${seedSeconds.toFixed(1)} s (${(options.recordings / seedSeconds).toFixed(0)} recordings/s, ${seedBytesPerRecording.toFixed(0)} bytes on disk each)`);

  let emu: RunningServer | undefined;
  let bare: RunningServer | undefined;
  const emulatorRuns: SyncRun[] = [];
  const bareRuns: SyncRun[] = [];
  try {
    emu = await startEmulatorProcess(big, 120_000);
    const ca = await readFile(join(base.tlsDir, 'ca.pem'), 'utf8');
    const { demo, authorization } = await demoAndToken(emu.port, ca);
    const first = `/v1.0/users/${demo.organizerUserId}/onlineMeetings/getAllRecordings(meetingOrganizerUserId='${demo.organizerUserId}')/delta?$top=${options.pageSize}`;
    const pages = new Map<string, { type: string; bodyBase64: string }>();
    // The warm-up sync records the pages the baseline replays.
    const warm = await fullSync(emu.port, ca, first, authorization, pages);
    log(`  warm-up sync: ${warm.items} items in ${warm.pages} pages`);
    const pagesFile = join(workDir, 'delta-pages.json');
    await writeFile(pagesFile, JSON.stringify(Object.fromEntries(pages)));
    pages.clear();
    const bareArgs = ['--tls-dir', base.tlsDir, '--pages', pagesFile];
    const ready = await spawnNodeUntilReady(join(base.repoRoot, 'dist', 'bench', 'bareArtifactServer.js'), bareArgs, BARE_READY, 60_000, base.repoRoot);
    bare = { ...ready, port: Number(BARE_READY.exec(ready.readyLine)?.[1]), selfReportedMs: undefined };
    await fullSync(bare.port, ca, first, authorization);
    const emuPort = emu.port;
    const barePort = bare.port;
    await alternateRounds(
      options.rounds,
      0,
      async () => void emulatorRuns.push(await fullSync(emuPort, ca, first, authorization)),
      async () => void bareRuns.push(await fullSync(barePort, ca, first, authorization)),
      (round) => {
        const e = emulatorRuns.at(-1)!;
        const b = bareRuns.at(-1)!;
        log(`  round ${round + 1}/${options.rounds}: emulator ${(e.items / (e.ms / 1000)).toFixed(0)} items/s, bare ${(b.items / (b.ms / 1000)).toFixed(0)} items/s`);
      },
    );
  } finally {
    await Promise.all([emu ? stopProcess(emu.child) : undefined, bare ? stopProcess(bare.child) : undefined]);
  }

  log(`  page time: small store (${options.smallStore} rows)`);
  const smallPaths = storeDir('delta-small');
  const small = await timePages(smallPaths, options.smallStore, await seed(base, smallPaths.dataDir, options.smallStore), options.pageSamples, log);

  // The large store grows from the sync store until the target or the time budget: each seed run
  // doubles it at most (few processes, so few start-ups), and asks for no more than the rate seen so far
  // fits in the budget left. A thousand recordings a meeting keeps a large run's meetings (an hour apart,
  // ending now) within the 60 days before meetings expire, so every row is one a page lists.
  log(`  page time: large store (target ${options.largeStore} rows, at most ${(options.largeSeedBudgetMs / 1000).toFixed(0)} s of seeding)`);
  let rows = options.recordings;
  let largeSeedSeconds = seedSeconds;
  const minChunk = 10_000;
  for (let guard = 0; guard < 64 && rows < options.largeStore && largeSeedSeconds * 1000 < options.largeSeedBudgetMs; guard++) {
    const rate = rows / Math.max(largeSeedSeconds, 0.001);
    const fits = Math.floor(rate * (options.largeSeedBudgetMs / 1000 - largeSeedSeconds));
    const n = Math.min(options.largeStore - rows, Math.max(rows, minChunk), Math.max(fits, minChunk));
    largeSeedSeconds += await seed(base, big.dataDir, n, 1_000);
    rows += n;
    log(`    ${rows} rows after ${largeSeedSeconds.toFixed(0)} s of seeding`);
  }
  const large = await timePages(big, rows, largeSeedSeconds, options.pageSamples, log);

  return {
    recordings: options.recordings,
    seedSeconds,
    seedBytesPerRecording,
    pageSize: options.pageSize,
    emulator: emulatorRuns,
    bare: bareRuns,
    small,
    large,
    largeTarget: options.largeStore,
    commands: {
      seed: `node dist/cli.mjs seed --data-dir <tmp> --recordings ${options.recordings} --per-meeting 100 --batch 5000 --no-progress`,
      emulator: 'node dist/cli.mjs start --port 0 --data-dir <tmp> --tls-dir <tmp>/tls',
      bare: 'node dist/bench/bareArtifactServer.js --tls-dir <tmp>/tls --pages <tmp>/delta-pages.json',
    },
  };
}

export function renderDelta(r: DeltaResult): string {
  const rate = (runs: SyncRun[], f: (run: SyncRun) => number): number => median(runs.map(f));
  const eItems = rate(r.emulator, (x) => x.items / (x.ms / 1000));
  const bItems = rate(r.bare, (x) => x.items / (x.ms / 1000));
  const ePages = rate(r.emulator, (x) => x.pages / (x.ms / 1000));
  const bPages = rate(r.bare, (x) => x.pages / (x.ms / 1000));
  const pct = (a: number, b: number): string => `${((a / b) * 100).toFixed(0)}%`;
  const items = r.emulator[0]?.items ?? 0;
  const pages = r.emulator[0]?.pages ?? 0;
  const largeNote = r.large.rows < r.largeTarget ? ` (target ${r.largeTarget.toLocaleString('en')} not reached within the seeding budget)` : '';
  return [
    `### Delta: getAllRecordings full sync (${items.toLocaleString('en')} recordings, ${pages} pages of ${r.pageSize}; median of ${r.emulator.length} rounds each, interleaved)`,
    '',
    '| | emulator | bare HTTPS server, same pages from memory | ratio (goal ≥ 60%) |',
    '| --- | ---: | ---: | ---: |',
    `| items/s | ${eItems.toFixed(0)} | ${bItems.toFixed(0)} | ${pct(eItems, bItems)} |`,
    `| pages/s | ${ePages.toFixed(1)} | ${bPages.toFixed(1)} | ${pct(ePages, bPages)} |`,
    `| full sync | ${(median(r.emulator.map((x) => x.ms)) / 1000).toFixed(2)} s | ${(median(r.bare.map((x) => x.ms)) / 1000).toFixed(2)} s | |`,
    '',
    `Seeding ${r.recordings.toLocaleString('en')} recordings (CLI seed command, SQLite): ${r.seedSeconds.toFixed(1)} s, ${(r.recordings / r.seedSeconds).toFixed(0)} recordings/s (goal ≥ 20,000/s), ${r.seedBytesPerRecording.toFixed(0)} bytes on disk per recording (goal ≤ 2,048).`,
    '',
    `### Delta: time of one page ($top=100) by store size`,
    '',
    '| rows in the store | first page of a round | a page from the middle (skip token) | seeding time |',
    '| ---: | ---: | ---: | ---: |',
    `| ${r.small.rows.toLocaleString('en')} | ${r.small.firstPageMs.toFixed(2)} ms | ${r.small.middlePageMs.toFixed(2)} ms | ${r.small.seedSeconds.toFixed(1)} s |`,
    `| ${r.large.rows.toLocaleString('en')}${largeNote} | ${r.large.firstPageMs.toFixed(2)} ms | ${r.large.middlePageMs.toFixed(2)} ms | ${r.large.seedSeconds.toFixed(1)} s |`,
    `| ratio large/small (goal ≤ 1.1×) | ${(r.large.firstPageMs / r.small.firstPageMs).toFixed(2)}× | ${(r.large.middlePageMs / r.small.middlePageMs).toFixed(2)}× | |`,
    '',
    `Commands: \`${r.commands.seed}\`; \`${r.commands.emulator}\`; \`${r.commands.bare}\`.`,
  ].join('\n');
}
