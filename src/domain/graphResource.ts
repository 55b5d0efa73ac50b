/** Microsoft Graph's resource identifiers: a token for Graph carries one of these as `aud`. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_AUDIENCES: ReadonlySet<string> = new Set([GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID]);

export const ACCESS_TOKEN_LIFETIME_S = 3599;

/** The issuer of v1-format access tokens, which Graph requires whatever endpoint issued them. */
export const v1Issuer = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;
