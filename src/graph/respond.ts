import type { FastifyReply, FastifyRequest } from 'fastify';
import { GRAPH_JSON, graphJsonAt } from '../http/mediaTypes.js';
import { atMetadataLevel, metadataLevel } from '../http/odata/metadataLevel.js';
import { omitNulls, preferenceApplied } from '../http/odata/prefer.js';
import { requestOrigin } from '../http/requestContext.js';
import type { GraphVersion } from '../http/versions.js';

/** `https://host/v1.0` for this request: every absolute link in a response starts here. */
export function serviceRoot(request: FastifyRequest): string {
  return `${requestOrigin(request)}/${request.graphState.version ?? 'v1.0'}`;
}

export const contextUrl = (request: FastifyRequest, fragment: string): string => `${serviceRoot(request)}/$metadata#${fragment}`;

/** The context segment for a (possibly $select-ed) set: `users` or `users(displayName,mail)`, as OData writes it. */
export const selectedSet = (set: string, select: readonly string[] | undefined): string => (select === undefined || select.includes('*') ? set : `${set}(${select.join(',')})`);

export function version(request: FastifyRequest): GraphVersion {
  return request.graphState.version ?? 'v1.0';
}

/** Did the client opt in to evolvable-enum members after the sentinel? */
export const includeUnknownEnumMembers = (request: FastifyRequest): boolean => request.graphState.prefer?.includeUnknownEnumMembers === true;

/**
 * Send a Graph JSON body, honouring `Prefer: omit-values=nulls` and answering every preference that
 * shaped it in `Preference-Applied`.
 */
export function sendGraphJson(request: FastifyRequest, reply: FastifyReply, status: number, body: unknown, applied: readonly string[] = []): FastifyReply {
  const used = [...applied];
  let payload = body;
  if (request.graphState.prefer?.omitNulls === true) {
    payload = omitNulls(body);
    used.push('omit-values=nulls');
  }
  return sendText(request, reply, status, JSON.stringify(payload), used);
}

/**
 * sendGraphJson for a body serialized ahead (stored JSON spliced as text, a cached entity): the same
 * bytes and headers, without parsing and serializing it again. `Prefer: omit-values=nulls` needs the
 * object, so that (rare) case parses the text and takes sendGraphJson's path.
 */
export function sendGraphJsonText(request: FastifyRequest, reply: FastifyReply, status: number, text: string, applied: readonly string[] = []): FastifyReply {
  if (request.graphState.prefer?.omitNulls === true) return sendGraphJson(request, reply, status, JSON.parse(text) as unknown, applied);
  return sendText(request, reply, status, text, [...applied]);
}

/**
 * sendGraphJsonText for a body already in UTF-8 bytes (a getAll* page the database wrote): sent as
 * they are, Content-Length known, no string to encode. Other metadata levels and omit-values=nulls
 * reshape the body, so they decode it and take the text's path.
 */
export function sendGraphJsonBytes(request: FastifyRequest, reply: FastifyReply, status: number, bytes: Buffer, applied: readonly string[] = []): FastifyReply {
  if (request.graphState.prefer?.omitNulls === true) return sendGraphJson(request, reply, status, JSON.parse(bytes.toString('utf8')) as unknown, applied);
  return sendText(request, reply, status, bytes, [...applied]);
}

/** `{ '@odata.context': context, ...entity }` where the entity was serialized ahead (a cached JSON object). */
export function sendGraphEntityJson(request: FastifyRequest, reply: FastifyReply, status: number, context: string, entityJson: string, applied: readonly string[] = []): FastifyReply {
  const rest = entityJson === '{}' ? '}' : `,${entityJson.slice(1)}`;
  return sendGraphJsonText(request, reply, status, `{"@odata.context":${JSON.stringify(context)}${rest}`, applied);
}

/**
 * Every Graph JSON body leaves here. Handlers write minimal metadata; `Accept: application/json;odata.metadata=none|full`
 * reshapes it in this one step (the body is parsed again only then), and the Content-Type names the level served.
 */
function sendText(request: FastifyRequest, reply: FastifyReply, status: number, text: string | Buffer, used: string[]): FastifyReply {
  if (request.graphState.prefer?.includeUnknownEnumMembers === true) used.push('include-unknown-enum-members');
  if (used.length > 0) void reply.header('Preference-Applied', preferenceApplied(used));
  const level = metadataLevel(request.headers.accept);
  // The body's shape depends on Accept (odata.metadata): a shared cache must key on it (RFC 9110 §12.5.5).
  const vary = reply.getHeader('vary');
  void reply.header('Vary', vary === undefined ? 'Accept' : `${String(vary)}, Accept`);
  if (level === 'minimal') return reply.code(status).type(GRAPH_JSON).send(text);
  return reply
    .code(status)
    .type(graphJsonAt(level))
    .send(JSON.stringify(atMetadataLevel(JSON.parse(typeof text === 'string' ? text : text.toString('utf8')) as unknown, level)));
}
