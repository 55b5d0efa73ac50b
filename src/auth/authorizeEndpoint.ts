import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { findApp, type App } from '../domain/apps.js';
import { findTenant } from '../domain/tenants.js';
import { findUser, listUsers } from '../domain/users.js';
import type { IdentityServices } from './identityServices.js';
import { MULTI_TENANT_SEGMENTS, sendEntraError } from './discovery.js';
import { issueAuthCode } from './authCodes.js';
import { entra, EntraError } from './entraErrors.js';
import { jose } from '../runtime/jose.js';

type Params = Record<string, string | undefined>;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function paramsOf(value: unknown): Params {
  const out: Params = {};
  if (value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Entra accepts any port on a registered http://localhost (or 127.0.0.1) redirect URI. */
function redirectAllowed(app: App, redirectUri: string): boolean {
  if (app.redirectUris.includes(redirectUri)) return true;
  try {
    const u = new URL(redirectUri);
    if (u.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(u.hostname)) return false;
    return app.redirectUris.some((r) => {
      const reg = new URL(r);
      return reg.protocol === 'http:' && reg.hostname === u.hostname && reg.pathname.replace(/\/$/, '') === u.pathname.replace(/\/$/, '');
    });
  } catch {
    return false;
  }
}

function redirectWith(reply: FastifyReply, redirectUri: string, mode: string | undefined, values: Record<string, string>): FastifyReply {
  if (mode === 'form_post') {
    const inputs = Object.entries(values)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${inputs}<noscript><button>Continue</button></noscript></form></body></html>`,
      );
  }
  const url = new URL(redirectUri);
  const params = new URLSearchParams(values);
  if (mode === 'fragment') url.hash = params.toString();
  else for (const [k, v] of params) url.searchParams.set(k, v);
  return reply.redirect(url.toString(), 302);
}

/**
 * The authorization endpoint of the code flow (with PKCE): a minimal sign-in page lists the tenant's
 * users; picking one (no password asked) redirects back with a code.
 */
export function registerAuthorizeEndpoint(app: FastifyInstance, services: IdentityServices): void {
  const handle = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const query = paramsOf(request.query);
    const form = request.method === 'POST' ? paramsOf(request.body) : {};
    const p: Params = { ...query, ...form };
    try {
      const clientId = p['client_id'];
      if (clientId === undefined) throw entra.missingParameter('client_id');
      const client = await findApp(services.ctx, clientId);
      const segment = request.params.tenant;
      const tenant = await findTenant(services.ctx, MULTI_TENANT_SEGMENTS.has(segment.toLowerCase()) && client !== undefined ? client.tenantId : segment);
      if (tenant === undefined) throw entra.tenantNotFound(segment);
      if (client === undefined || client.tenantId !== tenant.id) throw entra.appNotFound(clientId, tenant.id);
      const redirectUri = p['redirect_uri'];
      if (redirectUri === undefined) throw entra.missingParameter('redirect_uri');
      if (!redirectAllowed(client, redirectUri)) throw entra.redirectMismatch(redirectUri, client.clientId);
      if (p['response_type'] !== 'code') {
        return redirectWith(reply, redirectUri, p['response_mode'], {
          error: 'unsupported_response_type',
          error_description: 'AADSTS700054: graph-comms-emulator supports response_type=code only.',
          ...(p['state'] !== undefined ? { state: p['state'] } : {}),
        });
      }
      const chosen = form['user_id'];
      if (chosen === undefined) return signInPage(services, reply, tenant.id, client, p);
      const user = await findUser(services.ctx, tenant.id, chosen);
      if (user === undefined) return signInPage(services, reply, tenant.id, client, p, `User '${chosen}' was not found.`);
      const code = await issueAuthCode(services.ctx, services.keys, {
        tenant_id: tenant.id,
        client_id: client.clientId,
        user_id: user.id,
        redirect_uri: redirectUri,
        scopes: p['scope'] ?? '',
        code_challenge: p['code_challenge'] ?? null,
        code_challenge_method: p['code_challenge_method'] ?? (p['code_challenge'] !== undefined ? 'plain' : null),
        nonce: p['nonce'] ?? null,
      });
      const clientInfo = Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString('base64url');
      return redirectWith(reply, redirectUri, p['response_mode'], {
        code,
        client_info: clientInfo,
        ...(p['state'] !== undefined ? { state: p['state'] } : {}),
        session_state: randomBytes(16).toString('hex'),
      });
    } catch (err) {
      if (err instanceof EntraError) return sendEntraError(request, reply, err, services.ctx.clock.now());
      throw err;
    }
  };
  app.get('/:tenant/oauth2/v2.0/authorize', handle);
  app.post('/:tenant/oauth2/v2.0/authorize', handle);
  app.get('/:tenant/oauth2/v2.0/logout', async (request: FastifyRequest<{ Params: { tenant: string } }>, reply) => {
    const query = paramsOf(request.query);
    const target = query['post_logout_redirect_uri'];
    if (target === undefined || target === '') return reply.type('text/html; charset=utf-8').send(signedOutPage());
    const clientId = query['client_id'] ?? (query['id_token_hint'] !== undefined ? await idTokenClient(services, query['id_token_hint']) : undefined);
    const refusal = await logoutRedirectRefusal(services, request.params.tenant, clientId, target);
    if (refusal === undefined) return reply.redirect(target, 302);
    // Entra signs the user out but shows its error page rather than follow a URI the app never registered.
    return reply.code(400).type('text/html; charset=utf-8').send(signedOutPage(refusal));
  });
}

const signedOutPage = (error?: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><p>You have signed out.</p>${
    error !== undefined ? `<p class="error">${escapeHtml(error)}</p>` : ''
  }</body></html>`;

/**
 * The client an ID token of ours was issued to (its audience), for a logout that names the app by
 * id_token_hint rather than client_id (MSAL.js does). Expired hints still name their app, as in Entra.
 */
async function idTokenClient(services: IdentityServices, token: string): Promise<string | undefined> {
  const { compactVerify, decodeProtectedHeader } = await jose();
  try {
    const { kid } = decodeProtectedHeader(token);
    const key = typeof kid === 'string' ? await services.keys.verificationKey(kid) : undefined;
    if (key === undefined) return undefined;
    const { payload } = await compactVerify(token, key.publicKey, { algorithms: ['RS256'] });
    const aud: unknown = (JSON.parse(new TextDecoder().decode(payload)) as { aud?: unknown }).aud;
    return typeof aud === 'string' ? aud : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the logout endpoint will not send the browser to `target`, or undefined when it may: the URI
 * must be a redirect URI registered for the app named by client_id (or id_token_hint), in the tenant of the path. Any
 * other URI would make the endpoint an open redirect.
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#send-a-sign-out-request
 */
async function logoutRedirectRefusal(services: IdentityServices, segment: string, clientId: string | undefined, target: string): Promise<string | undefined> {
  if (clientId === undefined || clientId === '') return `AADSTS900144: The request body must contain the following parameter: 'client_id'.`;
  const client = await findApp(services.ctx, clientId);
  const tenantId = MULTI_TENANT_SEGMENTS.has(segment.toLowerCase()) && client !== undefined ? client.tenantId : (await findTenant(services.ctx, segment))?.id;
  if (tenantId === undefined) return `AADSTS90002: Tenant '${segment}' not found.`;
  if (client === undefined || client.tenantId !== tenantId) return `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`;
  if (!/^https?:\/\//i.test(target) || !redirectAllowed(client, target)) {
    return `AADSTS50011: The redirect URI '${target}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'.`;
  }
  return undefined;
}

async function signInPage(services: IdentityServices, reply: FastifyReply, tenantId: string, client: App, p: Params, error?: string): Promise<FastifyReply> {
  const users = await listUsers(services.ctx, tenantId);
  const hidden = Object.entries(p)
    .filter(([k]) => k !== 'user_id')
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v ?? '')}">`)
    .join('');
  const hint = p['login_hint']?.toLowerCase();
  const buttons = users
    .map(
      (u) =>
        `<li><button name="user_id" value="${escapeHtml(u.id)}"${u.userPrincipalName === hint ? ' autofocus' : ''}>` +
        `<strong>${escapeHtml(u.displayName)}</strong><br><small>${escapeHtml(u.userPrincipalName)}</small></button></li>`,
    )
    .join('');
  return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - graph-comms-emulator</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}ul{list-style:none;padding:0}
button{width:100%;text-align:left;padding:.6rem .8rem;margin:.25rem 0;border:1px solid #8a8886;background:#fff;cursor:pointer}
button:hover{background:#f3f2f1}.error{color:#a4262c}</style></head>
<body><h1>Pick an account</h1><p>to continue to <strong>${escapeHtml(client.displayName)}</strong> (graph-comms-emulator: no password needed)</p>
${error !== undefined ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<form method="post">${hidden}<ul>${buttons}</ul></form></body></html>`);
}
