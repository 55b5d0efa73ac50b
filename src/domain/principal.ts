/** Who is calling Graph, as established from a verified access token. */
export interface Principal {
  readonly kind: 'application' | 'delegated';
  readonly tenantId: string;
  readonly clientId: string;
  /** Service principal id (app-only) or user id (delegated): Graph's creatorId. */
  readonly objectId: string;
  readonly roles: ReadonlySet<string>;
  readonly scopes: ReadonlySet<string>;
  readonly userPrincipalName?: string;
}
