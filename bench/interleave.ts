import { sleep } from './processes.js';

/**
 * `rounds` rounds of the emulator and its baseline, alternating which goes first (the emulator in
 * even rounds) so neither always meets the warmer or the busier machine; a pause of `pauseMs` after
 * each run, and `afterRound` (a progress line) once both ran.
 */
export async function alternateRounds(rounds: number, pauseMs: number, emulator: () => Promise<void>, baseline: () => Promise<void>, afterRound: (round: number) => void): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const run of round % 2 === 0 ? [emulator, baseline] : [baseline, emulator]) {
      await run();
      if (pauseMs > 0) await sleep(pauseMs);
    }
    afterRound(round);
  }
}
