import { constants, createCipheriv, createHash, createHmac, publicEncrypt, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Rich notifications' encryption (https://learn.microsoft.com/graph/change-notifications-with-resource-data):
 * a fresh 32-byte key per notification, RSA-OAEP (SHA-1, MGF1-SHA-1) under the app's certificate;
 * the resource JSON in AES-256-CBC with PKCS7 padding and IV = the key's first 16 bytes; an
 * HMAC-SHA256 of the ciphertext under the same key. Everything Base64 (standard alphabet).
 */
export interface EncryptedContent {
  data: string;
  dataSignature: string;
  dataKey: string;
  encryptionCertificateId: string;
  encryptionCertificateThumbprint: string;
}

export interface EncryptionCertificate {
  readonly publicKey: KeyObject;
  /** Upper-case hex SHA-1 of the DER, as Graph writes encryptionCertificateThumbprint. */
  readonly thumbprint: string;
}

export type ParsedCertificate = { ok: true; certificate: EncryptionCertificate } | { ok: false; reason: 'unreadable' | 'notRsa' | 'keySize' };

/** The certificate as the subscription carries it: Base64 DER (a PEM is tolerated). RSA 2048–4096 only. */
export function parseEncryptionCertificate(text: string): ParsedCertificate {
  let certificate: X509Certificate;
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith('-----BEGIN')) certificate = new X509Certificate(trimmed);
    else {
      if (!/^[A-Za-z0-9+/\s]+=*$/.test(trimmed)) return { ok: false, reason: 'unreadable' };
      certificate = new X509Certificate(Buffer.from(trimmed, 'base64'));
    }
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  const publicKey = certificate.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') return { ok: false, reason: 'notRsa' };
  const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048 || bits > 4096) return { ok: false, reason: 'keySize' };
  const thumbprint = createHash('sha1').update(certificate.raw).digest('hex').toUpperCase();
  return { ok: true, certificate: { publicKey, thumbprint } };
}

export function encryptResourceData(certificate: EncryptionCertificate, certificateId: string, plaintext: string): EncryptedContent {
  const key = randomBytes(32);
  const dataKey = publicEncrypt({ key: certificate.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const signature = createHmac('sha256', key).update(ciphertext).digest();
  return {
    data: ciphertext.toString('base64'),
    dataSignature: signature.toString('base64'),
    dataKey: dataKey.toString('base64'),
    encryptionCertificateId: certificateId,
    encryptionCertificateThumbprint: certificate.thumbprint,
  };
}

/** Parsed certificates by their text: the sink encrypts for the same few subscriptions again and again. */
export class CertificateCache {
  private readonly cache = new Map<string, EncryptionCertificate>();

  get(text: string): EncryptionCertificate | undefined {
    let found = this.cache.get(text);
    if (found === undefined) {
      const parsed = parseEncryptionCertificate(text);
      if (!parsed.ok) return undefined;
      found = parsed.certificate;
      if (this.cache.size >= 256) this.cache.clear();
      this.cache.set(text, found);
    }
    return found;
  }
}
