import { alternateRounds } from './interleave.js';
import { stopProcess } from './processes.js';
import { startBareProcess, startEmulatorProcess, type Paths } from './servers.js';

export interface StartupResult {
  /** First start on an empty data dir: creates the CA, the server certificate and the store. */
  coldMs: number;
  coldSelfReportedMs: number | undefined;
  /** Spawn → ready line, with the data dir already initialised. */
  emulatorMs: number[];
  emulatorSelfReportedMs: number[];
  /** Spawn → ready line of the bare HTTPS server, same certificate. */
  bareMs: number[];
}

/**
 * Start-up time, spawn to ready line. The cold start comes first (it creates the TLS material the
 * baseline needs); then `starts` warm starts of each, interleaved and alternating which goes first,
 * every process stopped (and waited for) before the next is spawned.
 */
export async function measureStartup(paths: Paths, starts: number, log: (line: string) => void): Promise<StartupResult> {
  const cold = await startEmulatorProcess(paths, 60_000);
  await stopProcess(cold.child);
  log(`  cold emulator start: ${cold.readyMs.toFixed(0)} ms`);

  const emulatorMs: number[] = [];
  const emulatorSelfReportedMs: number[] = [];
  const bareMs: number[] = [];
  const emulatorOnce = async (): Promise<void> => {
    const emu = await startEmulatorProcess(paths);
    try {
      emulatorMs.push(emu.readyMs);
      if (emu.selfReportedMs !== undefined) emulatorSelfReportedMs.push(emu.selfReportedMs);
    } finally {
      await stopProcess(emu.child);
    }
  };
  const bareOnce = async (): Promise<void> => {
    const bare = await startBareProcess(paths);
    try {
      bareMs.push(bare.readyMs);
    } finally {
      await stopProcess(bare.child);
    }
  };
  await alternateRounds(starts, 100, emulatorOnce, bareOnce, (i) => log(`  start ${i + 1}/${starts}: emulator ${emulatorMs.at(-1)?.toFixed(0)} ms, bare ${bareMs.at(-1)?.toFixed(0)} ms`));
  return { coldMs: cold.readyMs, coldSelfReportedMs: cold.selfReportedMs, emulatorMs, emulatorSelfReportedMs, bareMs };
}
