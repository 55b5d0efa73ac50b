import { X509Certificate, createPrivateKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { loadX509, randomSerial } from '../runtime/x509.js';

// Where they were before the key ring needed them too (runtime/x509.ts); tests import them from here.
export { loadX509, randomSerial };

export interface TlsMaterial {
  caCertificatePem: string;
  caCertificatePath: string;
  certificatePem: string;
  privateKeyPem: string;
}

const DAY_MS = 86_400_000;
const RENEW_MARGIN_MS = 7 * DAY_MS;
const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
const CA_SUBJECT = 'CN=graph-comms-emulator local CA';
const LOCK_STALE_MS = 10_000;
const LOCK_TIMEOUT_MS = 15_000;
const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

interface KeyPairFiles {
  certPem: string;
  keyPem: string;
  cert: X509Certificate;
  key: KeyObject;
}

export async function ensureTlsMaterial(dir: string, hostnames: readonly string[] = []): Promise<TlsMaterial> {
  const root = resolve(dir);
  const hosts = normalizeHosts([...DEFAULT_HOSTS, ...hostnames]);
  await mkdir(root, { recursive: true, mode: 0o700 });

  // Fast path without the lock: writers only ever rename complete files into place.
  const fast = await loadValid(root, hosts);
  if (fast) return fast;

  return withLock(join(root, '.lock'), async () => {
    let ca = await loadCa(root);
    if (!ca) {
      ca = await createCa();
      await writeAtomic(join(root, 'ca-key.pem'), ca.keyPem, 0o600);
      await writeAtomic(join(root, 'ca.pem'), ca.certPem, 0o644);
    }
    let server = await loadServer(root, ca, hosts);
    if (!server) {
      server = await createServer(ca, hosts);
      await writeAtomic(join(root, 'server-key.pem'), server.keyPem, 0o600);
      await writeAtomic(join(root, 'server.pem'), server.certPem, 0o644);
    }
    return material(root, ca, server);
  });
}

/**
 * A certificate for `hosts` signed by the local CA in `dir` (made first if missing), kept in memory
 * only: the drop-in proxy (src/proxy) presents one per Microsoft host name it terminates.
 */
export async function issueHostCertificate(dir: string, hosts: readonly string[]): Promise<{ certificatePem: string; privateKeyPem: string }> {
  await ensureTlsMaterial(dir);
  const ca = await loadCa(resolve(dir));
  if (!ca) throw new Error(`The local CA in ${resolve(dir)} could not be read`);
  const leaf = await createServer(ca, normalizeHosts(hosts));
  return { certificatePem: leaf.certPem, privateKeyPem: leaf.keyPem };
}

async function loadValid(root: string, hosts: readonly string[]): Promise<TlsMaterial | undefined> {
  const ca = await loadCa(root);
  const server = ca && (await loadServer(root, ca, hosts));
  return ca && server ? material(root, ca, server) : undefined;
}

function material(root: string, ca: KeyPairFiles, server: KeyPairFiles): TlsMaterial {
  return {
    caCertificatePem: ca.certPem,
    caCertificatePath: join(root, 'ca.pem'),
    certificatePem: server.certPem,
    privateKeyPem: server.keyPem,
  };
}

async function loadCa(root: string): Promise<KeyPairFiles | undefined> {
  const files = await loadPair(join(root, 'ca.pem'), join(root, 'ca-key.pem'));
  if (!files || !files.cert.ca || !files.cert.verify(files.cert.publicKey) || !stillValid(files.cert)) return undefined;
  return files;
}

async function loadServer(root: string, ca: KeyPairFiles, hosts: readonly string[]): Promise<KeyPairFiles | undefined> {
  const files = await loadPair(join(root, 'server.pem'), join(root, 'server-key.pem'));
  if (!files || !files.cert.checkIssued(ca.cert) || !files.cert.verify(ca.cert.publicKey) || !stillValid(files.cert)) {
    return undefined;
  }
  const covered = hosts.every((h) => (isIP(h) ? files.cert.checkIP(h) : files.cert.checkHost(h, { subject: 'never' })));
  return covered ? files : undefined;
}

async function loadPair(certPath: string, keyPath: string): Promise<KeyPairFiles | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  try {
    const cert = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    return cert.checkPrivateKey(key) ? { certPem, keyPem, cert, key } : undefined;
  } catch {
    return undefined; // Unparseable: regenerate rather than fail the start.
  }
}

function stillValid(cert: X509Certificate): boolean {
  return Date.parse(cert.validTo) - Date.now() > RENEW_MARGIN_MS;
}

async function createCa(): Promise<KeyPairFiles> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: CA_SUBJECT,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + 3652 * DAY_MS),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return toFiles(cert.toString('pem'), await exportKeyPem(keys.privateKey));
}

async function createServer(ca: KeyPairFiles, hosts: readonly string[]): Promise<KeyPairFiles> {
  const x509 = await loadX509();
  const keys = await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const caCert = new x509.X509Certificate(ca.certPem);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [hosts.find((h) => !isIP(h)) ?? 'localhost'] }],
    issuer: caCert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + 397 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: await importSigningKey(ca.key),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(hosts.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return toFiles(cert.toString('pem'), await exportKeyPem(keys.privateKey));
}

// Accept a CA key that is not ours (e.g. a user-supplied RSA or P-384 CA), as long as WebCrypto can sign with it.
async function importSigningKey(key: KeyObject): Promise<webcrypto.CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const algorithm = key.asymmetricKeyType === 'ec' ? { name: 'ECDSA', namedCurve: ecCurve(key.asymmetricKeyDetails?.namedCurve) } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
}

function ecCurve(nodeName: string | undefined): string {
  const curves: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
  return curves[nodeName ?? ''] ?? 'P-256';
}

function toFiles(certPem: string, keyPem: string): KeyPairFiles {
  return { certPem, keyPem, cert: new X509Certificate(certPem), key: createPrivateKey(keyPem) };
}

export async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

function normalizeHosts(hosts: readonly string[]): string[] {
  const out = hosts
    .map((h) =>
      h
        .trim()
        .replace(/^\[(.*)\]$/, '$1')
        .toLowerCase(),
    )
    .filter((h) => h.length > 0);
  return [...new Set(out)];
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    // Only a missing file means "generate"; e.g. EACCES must not silently replace a trusted CA.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

// Cross-process mutex via O_EXCL; a lock whose owner died or that is older than LOCK_STALE_MS is broken.
async function withLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStaleLock(lockPath)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for certificate lock ${lockPath}`);
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function isStaleLock(lockPath: string): Promise<boolean> {
  try {
    const [info, content] = await Promise.all([stat(lockPath), readFile(lockPath, 'utf8')]);
    if (Date.now() - info.mtimeMs > LOCK_STALE_MS) return true;
    const pid = Number(content);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
