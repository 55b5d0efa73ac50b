import { randomBytes } from 'node:crypto';
import type { DomainContext } from '../domain/context.js';
import type { AuthCodeTable } from '../store/schema.js';
import { entra } from './entraErrors.js';
import { signInternal, verifyInternal } from './internalTokens.js';
import type { SigningKeyRing } from '../domain/signingKeys.js';

const CODE_AUDIENCE = 'urn:graph-comms-emulator:authorization-code';
const CODE_LIFETIME_S = 600;

export type AuthCodeGrant = Omit<AuthCodeTable, 'code' | 'expires_at'>;

/**
 * Issue a one-time authorization code. The code is signed, and its row is the "not redeemed yet"
 * mark: a second redemption finds a genuine code without a row, which Entra reports as AADSTS54005.
 */
export async function issueAuthCode(ctx: DomainContext, keys: SigningKeyRing, grant: AuthCodeGrant): Promise<string> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const code = await signInternal(keys, { jti: randomBytes(16).toString('base64url') }, CODE_AUDIENCE, issuedAt, CODE_LIFETIME_S);
  const nowIso = new Date(issuedAt * 1000).toISOString();
  // Codes nobody redeemed would pile up: clear the expired ones as new ones are made.
  await ctx.db.deleteFrom('auth_codes').where('expires_at', '<', nowIso).execute();
  await ctx.db
    .insertInto('auth_codes')
    .values({ ...grant, code, expires_at: new Date((issuedAt + CODE_LIFETIME_S) * 1000).toISOString() })
    .execute();
  return code;
}

/** Take the code's grant out of the store (at most once), or throw Entra's error for why not. */
export async function redeemAuthCode(ctx: DomainContext, keys: SigningKeyRing, code: string): Promise<AuthCodeTable> {
  const row = await ctx.db.deleteFrom('auth_codes').where('code', '=', code).returningAll().executeTakeFirst();
  if (row !== undefined && Date.parse(row.expires_at) > Date.now()) return row;
  if (row === undefined && (await verifyInternal(keys, code, CODE_AUDIENCE)) !== undefined) throw entra.codeRedeemed();
  throw entra.invalidCode();
}
