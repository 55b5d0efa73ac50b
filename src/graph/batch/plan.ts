import { excerpt } from '../../runtime/excerpt.js';

/**
 * The pure half of JSON batching (https://learn.microsoft.com/graph/json-batching): read a `$batch`
 * body into steps, or say why the whole batch is refused (Graph's 400 for a malformed batch). Running
 * the steps is handlers.ts.
 */

/** Graph's limit on steps per batch (https://learn.microsoft.com/graph/json-batching#batch-size-limitations). */
export const MAX_BATCH_STEPS = 20;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** `https:`, `mailto:`, `//host`: anything that is not a path relative to the version. */
const ABSOLUTE = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** What a step's url points at, once checked; Graph answers the step (not the batch) for the last two. */
export type StepTarget = { kind: 'path'; path: string } | { kind: 'versioned'; segment: string } | { kind: 'nestedBatch' };

export interface BatchStep {
  /** As sent; ids compare case-insensitively (`key`). */
  id: string;
  key: string;
  method: string;
  url: string;
  target: StepTarget;
  headers: Record<string, string>;
  /** Present when the step has a body: JSON, or a string (base64 for a non-JSON Content-Type). */
  body?: unknown;
  /** Keys of the steps this one waits for. */
  dependsOn: string[];
  /** The same, as sent (for messages). */
  dependsOnAsSent: string[];
}

export type BatchRefusal = { code: 'BadRequest' | 'MaximumValueExceeded'; message: string };
export type BatchPlan = { ok: true; steps: BatchStep[] } | { ok: false; refusal: BatchRefusal };

const INVALID = 'Invalid batch payload format.';

const refuse = (message: string, code: BatchRefusal['code'] = 'BadRequest'): BatchPlan => ({ ok: false, refusal: { code, message } });
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `/users/x` and `users/x` are the same step; `/v1.0/users/x` names a segment `v1.0` Graph does not have. */
export function stepTarget(url: string): StepTarget {
  const relative = url.startsWith('/') ? url.slice(1) : url;
  const first = (relative.split(/[/?]/, 1)[0] ?? '').toLowerCase();
  if (first === 'v1.0' || first === 'beta') return { kind: 'versioned', segment: relative.split(/[/?]/, 1)[0] ?? first };
  if (first === '$batch' || first === '%24batch') return { kind: 'nestedBatch' };
  return { kind: 'path', path: `/${relative}` };
}

function readStep(raw: unknown): BatchStep | string {
  if (!isObject(raw)) return INVALID;
  const { id, method, url, headers, body, dependsOn } = raw;
  if (typeof id !== 'string' || id.length === 0 || typeof method !== 'string' || typeof url !== 'string' || url.length === 0) return INVALID;
  if (!METHODS.has(method.toUpperCase())) return INVALID;
  if (ABSOLUTE.test(url)) return INVALID;
  const stepHeaders: Record<string, string> = {};
  if (headers !== undefined && headers !== null) {
    if (!isObject(headers)) return INVALID;
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string') return INVALID;
      stepHeaders[name] = value;
    }
  }
  // "When a body is included with the request, the headers object must contain a value for Content-Type."
  const hasBody = body !== undefined && body !== null;
  if (hasBody && !Object.keys(stepHeaders).some((name) => name.toLowerCase() === 'content-type')) return INVALID;
  let dependencies: string[] = [];
  if (dependsOn !== undefined && dependsOn !== null) {
    if (!Array.isArray(dependsOn) || !dependsOn.every((d): d is string => typeof d === 'string')) return INVALID;
    dependencies = dependsOn;
  }
  return {
    id,
    key: id.toLowerCase(),
    method: method.toUpperCase(),
    url,
    target: stepTarget(url),
    headers: stepHeaders,
    ...(hasBody ? { body } : {}),
    dependsOn: [...new Set(dependencies.map((d) => d.toLowerCase()))],
    dependsOnAsSent: dependencies,
  };
}

/** The first cycle among the steps' dependencies, as ids in order (`a → b → a`), if any. */
function findCycle(steps: readonly BatchStep[]): string[] | undefined {
  const byKey = new Map(steps.map((s) => [s.key, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const trail: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done') return undefined;
    if (state.get(key) === 'visiting') return [...trail.slice(trail.indexOf(key)), key];
    state.set(key, 'visiting');
    trail.push(key);
    for (const dependency of byKey.get(key)?.dependsOn ?? []) {
      const cycle = visit(dependency);
      if (cycle !== undefined) return cycle;
    }
    trail.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const step of steps) {
    const cycle = visit(step.key);
    if (cycle !== undefined) return cycle.map((key) => byKey.get(key)?.id ?? key);
  }
  return undefined;
}

/** Read a parsed `$batch` body into its steps, or the 400 Graph answers for the whole batch. */
export function planBatch(body: unknown): BatchPlan {
  if (!isObject(body) || !Array.isArray(body['requests'])) return refuse(INVALID);
  const requests: unknown[] = body['requests'];
  if (requests.length === 0) return refuse(INVALID);
  // Graph's code and wording for a 21st step.
  if (requests.length > MAX_BATCH_STEPS) return refuse(`Number of batch request steps exceeds the maximum value of ${MAX_BATCH_STEPS}.`, 'MaximumValueExceeded');
  const steps: BatchStep[] = [];
  const seen = new Set<string>();
  for (const raw of requests) {
    const step = readStep(raw);
    if (typeof step === 'string') return refuse(step);
    // Ids are not case-sensitive (json-batching: "Not case-sensitive. Must be unique in the batch").
    if (seen.has(step.key)) return refuse(`Request Id ${excerpt(step.id)} has to be unique in a batch.`);
    seen.add(step.key);
    steps.push(step);
  }
  for (const step of steps) {
    for (const dependency of step.dependsOnAsSent) {
      if (dependency.toLowerCase() === step.key) return refuse(`Request Id ${excerpt(step.id)} cannot depend on itself.`);
      if (!seen.has(dependency.toLowerCase())) return refuse(`Request Id ${excerpt(step.id)} depends on Request Id ${excerpt(dependency)}, which is not in the batch.`);
    }
  }
  const cycle = findCycle(steps);
  if (cycle !== undefined) return refuse(`The dependsOn of the batch requests form a cycle: ${cycle.map((id) => excerpt(id, 50)).join(' -> ')}.`);
  return { ok: true, steps };
}
