import { randomUUID } from 'node:crypto';

/**
 * A step runs through `app.inject()`, whose fake socket is never TLS, so the step would build its
 * links (`@odata.context`, `recordingContentUrl`) as `http://`. The batch hands its own origin to its
 * steps under an unguessable one-time key instead, which the Graph plugin's hook looks up.
 */
const origins = new Map<string, string>();

/** The header that carries the key; any other value in it is ignored. */
export const STEP_ORIGIN_HEADER = 'x-graph-emulator-batch-step';

export function lendOrigin(origin: string): { key: string; release: () => void } {
  const key = randomUUID();
  origins.set(key, origin);
  return { key, release: () => origins.delete(key) };
}

/** The batch's origin for a step request, if `value` is a live key. */
export function borrowedOrigin(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? origins.get(value) : undefined;
}
