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
