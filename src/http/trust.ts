/**
 * How to make each common stack trust the emulator's local CA: what `graph-comms-emulator ca` prints
 * and what the log says when a client rejects the certificate. Paths are absolute so the lines work
 * from any directory, the user's own project included.
 */
export function trustInstructions(caPath: string, url = 'https://localhost:8443'): string {
  const q = shellQuote(caPath);
  return [
    `CA certificate: ${caPath}`,
    '',
    'Node.js (read at process start):',
    `  export NODE_EXTRA_CA_CERTS=${q}`,
    '',
    'Python (requests / httpx / urllib; each replaces the default bundle for that process):',
    `  export REQUESTS_CA_BUNDLE=${q}`,
    `  export SSL_CERT_FILE=${q}`,
    '',
    'curl:',
    `  curl --cacert ${q} ${url}/_emulator/health`,
    '',
    '.NET (Linux: OpenSSL reads SSL_CERT_FILE; Windows: the CurrentUser Root store):',
    `  export SSL_CERT_FILE=${q}`,
    `  Import-Certificate -FilePath "${caPath}" -CertStoreLocation Cert:\\CurrentUser\\Root`,
    '',
    'Java (the JDK trust store; default password changeit):',
    `  keytool -importcert -noprompt -cacerts -storepass changeit -alias graph-comms-emulator -file ${q}`,
    '',
    'Operating system trust store:',
    `  Debian/Ubuntu: sudo cp ${q} /usr/local/share/ca-certificates/graph-comms-emulator.crt && sudo update-ca-certificates`,
    `  macOS:         sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${q}`,
  ].join('\n');
}

/** One log line for a client that rejected our certificate: the variable to set and where to find the rest. */
export function untrustedCaMessage(caPath: string): string {
  return (
    `a TLS client rejected the emulator's certificate (it does not trust the local CA ${caPath}). ` +
    `Node.js: NODE_EXTRA_CA_CERTS=${caPath}; Python: REQUESTS_CA_BUNDLE=${caPath}; curl: --cacert ${caPath}; ` +
    'every stack: run "graph-comms-emulator ca".'
  );
}

/** For a client that hung up mid-handshake: what Node.js does when it does not trust the CA. */
export function handshakeHangupMessage(caPath: string): string {
  return (
    `a TLS client hung up during the handshake: a Node.js client does that when it does not trust the local CA ${caPath}. ` +
    `Start it with NODE_EXTRA_CA_CERTS=${caPath}; other stacks: run "graph-comms-emulator ca".`
  );
}

/** OpenSSL alert codes a client sends when it does not trust the server's certificate chain. */
const UNTRUSTED_ALERT = /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN)|alert (unknown ca|bad certificate|certificate unknown)/i;

export function isUntrustedCertificateAlert(err: Error & { code?: string }): boolean {
  return UNTRUSTED_ALERT.test(err.code ?? '') || UNTRUSTED_ALERT.test(err.message);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
