import { GRAPH_V1_ROOT } from './artifactResource.js';

/** How stored resource JSON writes Graph's root: JSON-escaped, as it appears inside the text. */
const GRAPH_ROOT_TEXT = JSON.stringify(GRAPH_V1_ROOT).slice(1, -1);

/**
 * Stored artifacts keep Graph's own links (`https://graph.microsoft.com/v1.0/...`): an artifact is made
 * before any request tells the emulator its address. Whoever sends one (a Graph response, a rich
 * notification) moves its links under `serviceRoot` (e.g. `https://localhost:8443/v1.0`) with this.
 * `json` is resource JSON text; it is returned as is when the roots are the same.
 */
export function rebaseGraphLinks(json: string, serviceRoot: string): string {
  const rootText = JSON.stringify(serviceRoot).slice(1, -1);
  return rootText === GRAPH_ROOT_TEXT ? json : json.replaceAll(GRAPH_ROOT_TEXT, rootText);
}
