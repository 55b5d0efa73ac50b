import { createSelfSignedRsaCertificate } from '../support/rsaCertificate.js';
import type { Emulator } from '../../src/emulator.js';
import { startTestEmulator, useStarted, type TestEmulator } from '../support/emulator.js';
import { WebhookReceiver } from '../support/webhookReceiver.js';
import { graph, mintToken, type GraphResponse, type Version } from '../graph/support/http.js';

export interface RsaCertificate {
  certificateBase64Der: string;
  privateKeyPem: string;
}

let shared: Promise<RsaCertificate> | undefined;
/** One 2048-bit self-signed certificate for the whole file (key generation is slow). */
export const testCertificate = (): Promise<RsaCertificate> => (shared ??= createSelfSignedRsaCertificate({ commonName: 'webhook receiver' }));

/** An emulator, a webhook receiver on 127.0.0.1 and a certificate for rich notifications. */
export interface NotificationRig {
  emu: TestEmulator;
  receiver: WebhookReceiver;
  cert: RsaCertificate;
}

/** Start the rig before the enclosing suite's tests and stop it after them (see useStarted). */
export function useNotificationRig(): NotificationRig {
  return useStarted(
    'useNotificationRig()',
    async () => {
      const [emu, receiver, cert] = await Promise.all([startTestEmulator(), new WebhookReceiver().start(), testCertificate()]);
      return { emu, receiver, cert };
    },
    async ({ emu, receiver }) => {
      await emu.stop();
      await receiver.stop();
    },
  );
}

/** Wait until `done()` holds, polling; fails naming `what` after `timeoutMs`. */
export async function until(what: string, done: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const inMinutes = (emu: Emulator, minutes: number): string => new Date(emu.clock.nowMs() + minutes * 60_000).toISOString();

/** POST /{version}/subscriptions with an app token (all seed permissions unless `roles` says otherwise). */
export async function subscribe(emu: Emulator, body: Record<string, unknown>, options: { version?: Version; token?: string } = {}): Promise<GraphResponse> {
  const token = options.token ?? (await mintToken(emu));
  return graph(emu, `/${options.version ?? 'v1.0'}/subscriptions`, token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export async function flush(emu: Emulator): Promise<{ delivered: number; retrying: number; dropped: number; pending: number }> {
  const res = await fetch(`${emu.url}/_emulator/deliveries/flush`, { method: 'POST', headers: { 'x-emulator-client': 'tests' } });
  if (res.status !== 200) throw new Error(`flush: ${res.status} ${await res.text()}`);
  return (await res.json()) as { delivered: number; retrying: number; dropped: number; pending: number };
}

export interface DeliveryEntry {
  id: number;
  subscriptionId: string;
  kind: string;
  status: string;
  targetUrl: string;
  payload: Record<string, unknown>;
  decryptedResourceData: Record<string, unknown> | null;
  attempts: Array<{ attempt: number; statusCode: number | null; outcome: string; error: string | null }>;
}

export async function deliveries(emu: Emulator, query = ''): Promise<DeliveryEntry[]> {
  const res = await fetch(`${emu.url}/_emulator/deliveries${query}`);
  if (res.status !== 200) throw new Error(`deliveries: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { value: DeliveryEntry[] }).value;
}
