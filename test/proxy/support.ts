import { request } from 'node:http';
import { fetch as undiciFetch, ProxyAgent, type RequestInit, type Response } from 'undici';
import type { Emulator } from '../../src/emulator.js';

/** The drop-in proxy's URL of an emulator started with proxyPort. */
export function proxyOf(emu: Emulator): string {
  if (emu.proxyUrl === undefined) throw new Error('this emulator has no drop-in proxy (proxyPort)');
  return emu.proxyUrl;
}

/**
 * fetch through the drop-in proxy, as an app with HTTPS_PROXY does (undici's ProxyAgent: CONNECT,
 * then TLS to the Microsoft host, trusting only the emulator's CA). `url` names Microsoft's hosts.
 */
export function viaProxy(emu: Emulator, url: string, init: RequestInit = {}): Promise<Response> {
  const dispatcher = new ProxyAgent({ uri: proxyOf(emu), requestTls: { ca: emu.caCertificate } });
  return undiciFetch(url, { ...init, dispatcher }).finally(() => void dispatcher.close());
}

/** A client-credentials token from login.microsoftonline.com, through the proxy. */
export async function tokenViaProxy(emu: Emulator): Promise<string> {
  const res = await viaProxy(emu, `https://login.microsoftonline.com/${emu.demo.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: emu.demo.clientId, client_secret: emu.demo.clientSecret, scope: 'https://graph.microsoft.com/.default' }).toString(),
  });
  if (res.status !== 200) throw new Error(`token through the proxy: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** What the proxy answers a CONNECT (status and body), the tunnel closed at once. */
export function connectThrough(proxyUrl: string, authority: string): Promise<{ status: number; body: string }> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: authority, agent: false });
    req.once('connect', (res, socket, head) => {
      const chunks: Buffer[] = [head];
      if (res.statusCode === 200) {
        socket.destroy();
        resolve({ status: 200, body: '' });
        return;
      }
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.once('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      socket.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** A plain-HTTP request through the proxy (absolute URI in the request line). */
export function plainThrough(proxyUrl: string, url: string): Promise<{ status: number; body: string }> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, method: 'GET', path: url, headers: { host: URL.canParse(url) ? new URL(url).host : proxy.host }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('error', reject);
    req.end();
  });
}
