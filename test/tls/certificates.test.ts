import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTlsMaterial, type TlsMaterial } from '../../src/tls/certificates.js';
import { createSelfSignedRsaCertificate } from '../support/rsaCertificate.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gce-certs-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function withServer<T>(material: TlsMaterial, fn: (port: number) => Promise<T>): Promise<T> {
  const server = https.createServer({ cert: material.certificatePem, key: material.privateKeyPem }, (_req, res) => {
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await fn((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

function get(url: string, ca?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
  });
}

const FILES = ['ca.pem', 'ca-key.pem', 'server.pem', 'server-key.pem'];

async function snapshot(dir: string): Promise<Record<string, { content: string; mtimeMs: number }>> {
  const entries = await Promise.all(FILES.map(async (f) => [f, { content: await readFile(join(dir, f), 'utf8'), mtimeMs: (await stat(join(dir, f))).mtimeMs }] as const));
  return Object.fromEntries(entries);
}

describe('ensureTlsMaterial', () => {
  it('creates a CA and server certificate that node:https clients verify for localhost and 127.0.0.1', async () => {
    const dir = await tempDir();
    const material = await ensureTlsMaterial(dir);

    expect(material.caCertificatePath).toBe(join(dir, 'ca.pem'));
    expect(await readFile(material.caCertificatePath, 'utf8')).toBe(material.caCertificatePem);
    expect(await readFile(join(dir, 'server.pem'), 'utf8')).toBe(material.certificatePem);
    expect(await readFile(join(dir, 'server-key.pem'), 'utf8')).toBe(material.privateKeyPem);
    expect(material.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');

    const ca = new X509Certificate(material.caCertificatePem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=graph-comms-emulator local CA');
    expect(ca.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const validYears = (Date.parse(ca.validTo) - Date.now()) / (365.25 * 86_400_000);
    expect(validYears).toBeGreaterThan(9.9);

    const leaf = new X509Certificate(material.certificatePem);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.subjectAltName).toContain('DNS:localhost');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.checkIP('::1')).toBe('::1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // Node reports the EKU here: serverAuth only.
    const validDays = (Date.parse(leaf.validTo) - Date.now()) / 86_400_000;
    expect(validDays).toBeGreaterThan(396);
    expect(validDays).toBeLessThanOrEqual(397);
    expect(leaf.checkPrivateKey(createPrivateKey(material.privateKeyPem))).toBe(true);

    if (process.platform !== 'win32') {
      expect((await stat(join(dir, 'ca-key.pem'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'server-key.pem'))).mode & 0o777).toBe(0o600);
    }

    await withServer(material, async (port) => {
      expect(await get(`https://localhost:${port}/`, material.caCertificatePem)).toBe('ok');
      expect(await get(`https://127.0.0.1:${port}/`, material.caCertificatePem)).toBe('ok');
      await expect(get(`https://127.0.0.1:${port}/`)).rejects.toMatchObject({
        code: expect.stringMatching(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/),
      });
    });
  });

  it('reuses existing files without regenerating', async () => {
    const dir = await tempDir();
    const first = await ensureTlsMaterial(dir);
    const before = await snapshot(dir);
    await new Promise((r) => setTimeout(r, 20)); // So a rewrite would show up in mtimes.

    const second = await ensureTlsMaterial(dir);

    // Same bytes and the same mtimes: nothing was regenerated (no stopwatch, which flakes on a loaded machine).
    expect(second).toEqual(first);
    expect(await snapshot(dir)).toEqual(before);
  });

  it('regenerates a corrupted server.pem but keeps the CA', async () => {
    const dir = await tempDir();
    const first = await ensureTlsMaterial(dir);
    await writeFile(join(dir, 'server.pem'), '-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n');

    const second = await ensureTlsMaterial(dir);
    expect(second.caCertificatePem).toBe(first.caCertificatePem);
    expect(second.certificatePem).not.toBe(first.certificatePem);
    expect(await readFile(join(dir, 'server.pem'), 'utf8')).toBe(second.certificatePem);
    await withServer(second, async (port) => {
      expect(await get(`https://localhost:${port}/`, first.caCertificatePem)).toBe('ok');
    });
  });

  it('replaces a server certificate that was not issued by the current CA', async () => {
    const [dirA, dirB] = [await tempDir(), await tempDir()];
    const a = await ensureTlsMaterial(dirA);
    const b = await ensureTlsMaterial(dirB);
    await writeFile(join(dirA, 'server.pem'), b.certificatePem);
    await writeFile(join(dirA, 'server-key.pem'), b.privateKeyPem);

    const again = await ensureTlsMaterial(dirA);
    expect(again.caCertificatePem).toBe(a.caCertificatePem);
    expect(again.certificatePem).not.toBe(b.certificatePem);
    expect(new X509Certificate(again.certificatePem).checkIssued(new X509Certificate(a.caCertificatePem))).toBe(true);
  });

  it('adds extra hostnames, reissuing the server certificate only when coverage is missing', async () => {
    const dir = await tempDir();
    const base = await ensureTlsMaterial(dir);
    const extended = await ensureTlsMaterial(dir, ['Emulator.Test', '10.1.2.3', '[fd00::5]']);
    expect(extended.caCertificatePem).toBe(base.caCertificatePem);
    expect(extended.certificatePem).not.toBe(base.certificatePem);

    const leaf = new X509Certificate(extended.certificatePem);
    expect(leaf.checkHost('emulator.test')).toBe('emulator.test');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('10.1.2.3')).toBe('10.1.2.3');
    expect(leaf.checkIP('fd00::5')).toBe('fd00::5');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');

    // A subset of what the certificate already covers is reused as-is.
    expect((await ensureTlsMaterial(dir, ['emulator.test'])).certificatePem).toBe(extended.certificatePem);
    expect((await ensureTlsMaterial(dir)).certificatePem).toBe(extended.certificatePem);
  });

  it('concurrent calls on a fresh directory agree on a single CA', async () => {
    const dir = await tempDir();
    const results = await Promise.all([ensureTlsMaterial(dir), ensureTlsMaterial(dir), ensureTlsMaterial(dir)]);
    const [first] = results;
    for (const r of results) {
      expect(r.caCertificatePem).toBe(first?.caCertificatePem);
      expect(r.certificatePem).toBe(first?.certificatePem);
    }
    expect(await readFile(join(dir, 'ca.pem'), 'utf8')).toBe(first?.caCertificatePem);
    expect(await readFile(join(dir, 'server.pem'), 'utf8')).toBe(first?.certificatePem);
    expect((await readdir(dir)).sort()).toEqual([...FILES].sort()); // No stray lock or temp files.
  });

  it('breaks a lock left behind by a dead process', async () => {
    const dir = await tempDir();
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await writeFile(join(dir, '.lock'), child.stdout);

    const started = performance.now();
    const material = await ensureTlsMaterial(dir);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await readFile(join(dir, 'ca.pem'), 'utf8')).toBe(material.caCertificatePem);
  });
});

describe('createSelfSignedRsaCertificate', () => {
  it('returns a self-signed 2048-bit RSA certificate with matching DER and key', async () => {
    const result = await createSelfSignedRsaCertificate();
    const cert = new X509Certificate(result.certificatePem);
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(Buffer.from(result.certificateBase64Der, 'base64').equals(cert.raw)).toBe(true);
    expect(cert.checkPrivateKey(createPrivateKey(result.privateKeyPem))).toBe(true);
    const validDays = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
    expect(validDays).toBeGreaterThan(364);
    expect(validDays).toBeLessThanOrEqual(365);
  });

  it('honours commonName and modulusLength', async () => {
    const result = await createSelfSignedRsaCertificate({ commonName: 'notify, "quoted"', modulusLength: 3072 });
    const cert = new X509Certificate(result.certificatePem);
    expect(cert.subject).toBe('CN=notify\\, \\"quoted\\"'); // Node escapes DN specials; the value is literal.
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
  });
});
