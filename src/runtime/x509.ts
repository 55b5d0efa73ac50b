import { randomBytes } from 'node:crypto';

export type X509Module = typeof import('@peculiar/x509');

let x509Loading: Promise<X509Module> | undefined;

// Loaded lazily: it is only needed to generate, and importing it costs far more than reusing existing files.
export function loadX509(): Promise<X509Module> {
  x509Loading ??= (async () => {
    // @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(globalThis.crypto); // Node's webcrypto; typed to satisfy both Node and DOM typings.
    return x509;
  })();
  return x509Loading;
}

// 16 random bytes with the top bits fixed so the DER INTEGER is positive and minimally encoded.
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x40;
  return bytes.toString('hex');
}
