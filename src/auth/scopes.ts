import { GRAPH_APP_ID, GRAPH_RESOURCE } from '../domain/graphResource.js';

/** OpenID Connect scopes: they shape the token response, not the Graph token's `scp`. */
export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

const RESOURCE_PREFIXES = [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`];

export interface RequestedScopes {
  /** Graph permission names (prefix stripped), or ['.default'] for everything consented. */
  graph: string[];
  oidc: Set<string>;
  /** Scopes naming a resource other than Microsoft Graph. */
  foreign: string[];
}

export function parseScopes(scope: string | undefined): RequestedScopes {
  const graph: string[] = [];
  const oidc = new Set<string>();
  const foreign: string[] = [];
  for (const raw of (scope ?? '').split(/\s+/).filter((s) => s !== '')) {
    if (OIDC_SCOPES.has(raw.toLowerCase())) {
      oidc.add(raw.toLowerCase());
      continue;
    }
    const prefix = RESOURCE_PREFIXES.find((p) => raw.toLowerCase().startsWith(p));
    if (prefix !== undefined) graph.push(raw.slice(prefix.length));
    else if (raw.includes('/') || raw.startsWith('api://')) foreign.push(raw);
    else graph.push(raw);
  }
  return { graph, oidc, foreign };
}

/** The delegated permissions a token gets: everything consented for `.default`, else the (consented) ones asked for. */
export function grantedDelegatedScopes(requested: string[], consented: readonly string[]): { granted: string[]; missing: string[] } {
  if (requested.length === 0 || requested.some((s) => s === '.default')) return { granted: [...consented], missing: [] };
  const granted: string[] = [];
  const missing: string[] = [];
  for (const scope of requested) {
    const match = consented.find((c) => c.toLowerCase() === scope.toLowerCase());
    if (match === undefined) missing.push(scope);
    else if (!granted.includes(match)) granted.push(match);
  }
  return { granted, missing };
}
