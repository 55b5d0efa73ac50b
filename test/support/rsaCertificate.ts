import { webcrypto } from 'node:crypto';
import { exportKeyPem, loadX509, randomSerial } from '../../src/tls/certificates.js';

const DAY_MS = 86_400_000;

/** A self-signed RSA certificate, as an app registers for rich notifications (encryptionCertificate). Test and bench only. */
export async function createSelfSignedRsaCertificate(
  options: { commonName?: string; modulusLength?: number } = {},
): Promise<{ certificatePem: string; certificateBase64Der: string; privateKeyPem: string }> {
  const x509 = await loadX509();
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    modulusLength: options.modulusLength ?? 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
  };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    // Object form: plain strings are run through DN unescaping/unquoting by @peculiar/x509.
    name: new x509.Name([{ CN: [{ utf8String: options.commonName ?? 'graph-comms-emulator notifications' }] }]),
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + 365 * DAY_MS),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // keyEncipherment: Graph encrypts rich-notification content keys with this public key.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment),
    ],
  });
  return {
    certificatePem: cert.toString('pem'),
    certificateBase64Der: Buffer.from(cert.rawData).toString('base64'),
    privateKeyPem: await exportKeyPem(keys.privateKey),
  };
}
