/**
 * The Microsoft host names the drop-in proxy terminates and serves itself: Graph, and the public
 * cloud's identity hosts. The identity libraries know the latter as one cloud's aliases (MSAL's
 * instance-discovery metadata lists login.microsoftonline.com, login.windows.net and
 * login.microsoft.com for it; sts.windows.net is the v1 issuer host), so a client may call any of them
 * (https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud#microsoft-entra-authentication-endpoints).
 */
export const MICROSOFT_HOSTS: readonly string[] = ['graph.microsoft.com', 'login.microsoftonline.com', 'login.microsoft.com', 'login.windows.net', 'sts.windows.net'];

const TERMINATED = new Set(MICROSOFT_HOSTS);

/** A host name as a client writes it (any case, a trailing dot) in the form this module compares. */
export function normalizeHostname(hostname: string): string {
  return hostname.trim().toLowerCase().replace(/\.$/, '');
}

/** Whether the proxy serves this host itself. */
export function isMicrosoftHost(hostname: string): boolean {
  return TERMINATED.has(normalizeHostname(hostname));
}
