import type { PermissionRule } from './permissions.js';

/**
 * Permissions of the call-record and call APIs (https://learn.microsoft.com/graph/api/resources/callrecords-api-overview; graph-schema paths.json),
 * all application-only. Kept beside permissions.ts so the areas merge independently.
 */
export const CALL_PERMISSIONS = {
  /** GET /communications/callRecords[/{id}…] (https://learn.microsoft.com/graph/api/callrecords-callrecord-get). */
  callRecordRead: { delegated: null, application: ['CallRecords.Read.All'] },
  /** getPstnCalls: CallRecord-PstnCalls.Read.All, or CallRecords.Read.All. */
  pstnCallsRead: { delegated: null, application: ['CallRecord-PstnCalls.Read.All', 'CallRecords.Read.All'] },
  directRoutingCallsRead: { delegated: null, application: ['CallRecords.Read.All'] },
  /** POST …/updateRecordingStatus (https://learn.microsoft.com/graph/api/call-updaterecordingstatus). */
  updateRecordingStatus: { delegated: null, application: ['Calls.JoinGroupCalls.All', 'Calls.AccessMedia.All'] },
  /**
   * GET /communications/calls/{id} and …/operations/{id}: call-get.md lists Calls.Initiate.All and
   * Calls.AccessMedia.All; a bot that joined with Calls.JoinGroupCalls.All reads its own call too.
   */
  callRead: { delegated: null, application: ['Calls.Initiate.All', 'Calls.AccessMedia.All', 'Calls.JoinGroupCalls.All', 'Calls.JoinGroupCallsasGuest.All', 'Calls.InitiateGroupCall.All'] },
} as const satisfies Record<string, PermissionRule>;
