import { webcrypto } from 'node:crypto';

/**
 * An independent reader of rich notifications, written from the documented algorithm
 * (change-notifications-with-resource-data.md) with WebCrypto, not the emulator's node:crypto code:
 * RSA-OAEP/SHA-1 unwraps the key, HMAC-SHA256 over the ciphertext is verified, AES-256-CBC with
 * IV = first 16 key bytes (PKCS7) decrypts.
 */
export interface EncryptedContentWire {
  data: string;
  dataSignature: string;
  dataKey: string;
  encryptionCertificateId: string;
  encryptionCertificateThumbprint: string;
}

function pemBody(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
}

export async function decryptNotification(privateKeyPem: string, content: EncryptedContentWire): Promise<Record<string, unknown>> {
  const { subtle } = webcrypto;
  const rsa = await subtle.importKey('pkcs8', pemBody(privateKeyPem), { name: 'RSA-OAEP', hash: 'SHA-1' }, false, ['decrypt']);
  const symmetric = new Uint8Array(await subtle.decrypt({ name: 'RSA-OAEP' }, rsa, Buffer.from(content.dataKey, 'base64')));
  if (symmetric.length !== 32) throw new Error(`the data key is ${symmetric.length} bytes, not 32`);
  const ciphertext = Buffer.from(content.data, 'base64');
  const hmacKey = await subtle.importKey('raw', symmetric, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  if (!(await subtle.verify('HMAC', hmacKey, Buffer.from(content.dataSignature, 'base64'), ciphertext))) throw new Error('dataSignature does not match');
  const aes = await subtle.importKey('raw', symmetric, { name: 'AES-CBC' }, false, ['decrypt']);
  const plain = await subtle.decrypt({ name: 'AES-CBC', iv: symmetric.slice(0, 16) }, aes, ciphertext);
  return JSON.parse(Buffer.from(plain).toString('utf8')) as Record<string, unknown>;
}
