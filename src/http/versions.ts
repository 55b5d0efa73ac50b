/**
 * What each Graph version offers. /v1.0 and /beta share handlers; the differences live here so a
 * handler asks "does this version have X?" instead of comparing version strings.
 */
export const GRAPH_VERSIONS = ['v1.0', 'beta'] as const;
export type GraphVersion = (typeof GRAPH_VERSIONS)[number];

export type VersionFeature =
  /** onlineMeeting.joinUrl, .recording, .alternativeRecording, .broadcastRecording, .capabilities */
  | 'onlineMeeting.betaProperties'
  /** Subscriptions to communications/adhocCalls/getAllTranscripts (beta only: https://learn.microsoft.com/graph/teams-changenotifications-callrecording-and-calltranscript). */
  | 'subscriptions.adhocCalls'
  | 'subscriptions.teamsAppInstallations'
  /**
   * Listing one ad hoc call's recordings or transcripts: documented on beta only (https://learn.microsoft.com/graph/api/adhoccall-list-recordings?view=graph-rest-beta);
   * v1.0 documents getting one by id and the getAll functions, not enumeration (https://learn.microsoft.com/graph/api/resources/adhoccall).
   */
  | 'adhocCall.listArtifacts';

const FEATURES: Record<GraphVersion, ReadonlySet<VersionFeature>> = {
  'v1.0': new Set<VersionFeature>(),
  beta: new Set<VersionFeature>(['onlineMeeting.betaProperties', 'subscriptions.adhocCalls', 'subscriptions.teamsAppInstallations', 'adhocCall.listArtifacts']),
};

export const versionHas = (version: GraphVersion, feature: VersionFeature): boolean => FEATURES[version].has(feature);

/** The path parameter that carries the version: the Graph routes are registered once, under GRAPH_VERSION_PREFIX. */
export const GRAPH_VERSION_PARAM = 'graphVersion';

/** `[vV]1\.0`: the router compares static segments without case but tests a parameter's regex as sent. */
const caseless = (text: string): string =>
  [...text].map((ch) => (ch.toLowerCase() !== ch.toUpperCase() ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');

/**
 * The one prefix every Graph route sits under: `/:graphVersion(...)`, matching exactly the versions
 * above in any case. One registration for both versions halves the routes start-up builds (about
 * 35 ms of a 220 ms start); a path under another first segment still reaches the 404/501 handler,
 * and the identity routes' `/:tenant/...` still match behind it (the router backtracks).
 */
export const GRAPH_VERSION_PREFIX = `/:${GRAPH_VERSION_PARAM}(^(?:${GRAPH_VERSIONS.map(caseless).join('|')})$)`;

/** The version a matched route's parameter names; undefined for anything else. */
export function graphVersionOf(params: unknown): GraphVersion | undefined {
  const value = (params as Record<string, unknown> | null | undefined)?.[GRAPH_VERSION_PARAM];
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return GRAPH_VERSIONS.find((v) => v === lower);
}

/** A Graph route's URL as the version the request used names it: `/v1.0/users/:userId`, not `/:graphVersion(...)/users/:userId`. */
export const versionedRouteUrl = (routeUrl: string, version: GraphVersion): string =>
  routeUrl.startsWith(GRAPH_VERSION_PREFIX) ? `/${version}${routeUrl.slice(GRAPH_VERSION_PREFIX.length)}` : routeUrl;
