import { excerpt } from '../../runtime/excerpt.js';
import type { RecordingStatus } from '../../domain/calls.js';
import { badRequest } from '../../http/errors.js';
import { parseEnumInput } from '../../http/evolvableEnums.js';

export const MAX_CLIENT_CONTEXT = 256;

const INVALID_JSON = 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.';

/**
 * The updateRecordingStatus body (https://learn.microsoft.com/graph/api/call-updaterecordingstatus):
 * `status` (recordingStatus, required: Nullable=false in CSDL) and `clientContext` (≤ 256 characters).
 * recordingStatus is evolvable: `unknownFutureValue` is refused
 * (https://learn.microsoft.com/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations);
 * `unknown` is no status an app can report, so it is refused too.
 */
export function parseRecordingStatusBody(body: unknown, includeUnknown: boolean): { status: RecordingStatus; clientContext: string | null } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(INVALID_JSON);
  const input = body as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (key.includes('@')) continue;
    if (key !== 'status' && key !== 'clientContext') {
      throw badRequest(`The parameter '${excerpt(key)}' in the request payload is not a valid parameter for the operation 'updateRecordingStatus'.`);
    }
  }
  if (input['status'] === undefined || input['status'] === null) throw badRequest("The parameter 'status' is required and cannot be null for the operation 'updateRecordingStatus'.");
  const status = parseEnumInput('recordingStatus', input['status'], 'status', includeUnknown);
  if (status === 'unknown' || status === 'unknownFutureValue') {
    throw badRequest(`Invalid value '${status}' for property 'status' of type 'microsoft.graph.recordingStatus'.`);
  }
  const context = input['clientContext'];
  if (context !== undefined && context !== null && typeof context !== 'string') {
    throw badRequest("Cannot convert the literal to the expected type 'Edm.String' for parameter 'clientContext'.");
  }
  if (typeof context === 'string' && context.length > MAX_CLIENT_CONTEXT) {
    throw badRequest(`clientContext exceeds the maximum length of ${MAX_CLIENT_CONTEXT} characters.`);
  }
  return { status, clientContext: typeof context === 'string' ? context : null };
}
