import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, spawnCli, stopCli, waitForOutput } from '../support/cliProcess.js';
import { tlsDir } from '../support/emulator.js';
import { connectThrough } from './support.js';

const run = promisify(execFile);

describe('graph-comms-emulator start --proxy-port', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gce-proxy-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the ready line says where the proxy is; the proxy serves and refuses as documented', async () => {
    const cli = spawnCli(['start', '--port', '0', '--in-memory', '--tls-dir', tlsDir(), '--proxy-port', '0', '--log-level', 'warn']);
    try {
      await waitForOutput(cli, (out) => out.includes('ready on'), 'ready line');
      const proxyUrl = /drop-in proxy: HTTPS_PROXY=(http:\/\/127\.0\.0\.1:\d+)/.exec(cli.out())?.[1];
      expect(proxyUrl).toBeDefined();
      expect((await connectThrough(proxyUrl!, 'graph.microsoft.com:443')).status).toBe(200);
      expect((await connectThrough(proxyUrl!, 'example.com:443')).status).toBe(403);
    } finally {
      await stopCli(cli);
    }
  });

  it('a client that does not trust the CA is told, in the log, how to trust it', async () => {
    const cli = spawnCli(['start', '--port', '0', '--in-memory', '--tls-dir', tlsDir(), '--proxy-port', '0', '--log-level', 'warn']);
    try {
      await waitForOutput(cli, (out) => out.includes('ready on'), 'ready line');
      const proxyUrl = /drop-in proxy: HTTPS_PROXY=(http:\/\/127\.0\.0\.1:\d+)/.exec(cli.out())?.[1];
      // curl with its own CA bundle only: it refuses the emulator's certificate for graph.microsoft.com.
      const refused = await run('curl', ['-sS', '--proxy', proxyUrl!, 'https://graph.microsoft.com/v1.0/subscriptions']).then(
        () => '',
        (err: { stderr: string }) => err.stderr,
      );
      expect(refused).toMatch(/certificate/i);
      await waitForOutput(cli, (out) => out.includes("drop-in proxy: a TLS client rejected the emulator's certificate"), 'the untrusted-CA warning');
      expect(cli.out()).toContain('--cacert');
    } finally {
      await stopCli(cli);
    }
  });

  it('--proxy-passthrough without --proxy-port is refused, saying what it needs', async () => {
    const failed = await run(process.execPath, [CLI, 'start', '--port', '0', '--data-dir', dir, '--proxy-passthrough']).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toContain('need --proxy-port');
  });

  it('a bad --proxy-port is refused', async () => {
    const failed = await run(process.execPath, [CLI, 'start', '--proxy-port', 'eighty']).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(failed).toContain('a port is a whole number');
  });
});
