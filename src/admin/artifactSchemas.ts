/** Control API schemas for making meetings and calls happen, and for metered-API usage. */
import { SPOKEN_LANGUAGES } from '../simulation/content/speech/dialogue.js';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;

const simulateProperties = {
  durationMinutes: { type: 'number', minimum: 0.01, maximum: 1440, description: 'How long the call lasted; it ends now. Default 30.' },
  recording: { type: 'boolean', description: 'Make a recording (default true).' },
  recordingSizeBytes: { type: 'integer', minimum: 0, maximum: 68719476736, description: 'Grow the MP4 to this many bytes (streamed to the blob store). Default: the 3-second sample.' },
  transcript: { type: 'boolean', description: 'Make a transcript (default true).' },
  artifactDelay: {
    anyOf: [
      { type: 'string', minLength: 1, maxLength: 64 },
      { type: 'integer', minimum: 0 },
    ],
    description: 'Virtual time after the call ends before the artifacts appear: an ISO 8601 duration (PT5M) or milliseconds. Default: at once.',
  },
  recordingKind: {
    type: 'string',
    enum: ['spoken', 'sample'],
    description:
      "spoken: the recording speaks the transcript (a voice per speaker, at the cue times; needs the optional synthesizer, else the sample). sample: the 3-second sample clip. Default: spoken if a script is given, sample if recordingSizeBytes is, else the emulator's --recording-kind (spoken unless set).",
  },
  language: { type: 'string', enum: SPOKEN_LANGUAGES, description: "The transcript's language: the built-in dialogue's, the voices' and metadataContent's spokenLanguage. Default en-us." },
  script: {
    type: 'array',
    minItems: 1,
    maxItems: 2000,
    description: 'What is said, in order: each line by a participant (user id of the organizer or an attendee). Default: the built-in dialogue, the participants in turn.',
    items: {
      type: 'object',
      required: ['speaker', 'text'],
      additionalProperties: false,
      properties: { speaker: { type: 'string', minLength: 1, maxLength: 200 }, text: { type: 'string', minLength: 1, maxLength: 2000 } },
    },
  },
  seed: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Varies the pauses between lines of a spoken recording; the same seed and lines give the same bytes. Default 0.' },
} as const;

export const simulateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...simulateProperties,
    chatMessages: {
      type: 'array',
      maxItems: 100,
      description: 'Messages posted in the meeting chat during the call, in order, spread evenly over it. Default: a few lines from the participants.',
      items: {
        type: 'object',
        required: ['from', 'text'],
        additionalProperties: false,
        properties: { from: { type: 'string', minLength: 1, description: 'The organizer or an attendee (id or UPN).' }, text: { type: 'string', minLength: 1, maxLength: 28000 } },
      },
    },
  },
} as const;

export const newAdhocCallSchema = {
  type: 'object',
  required: ['organizerId', 'participantIds'],
  additionalProperties: false,
  properties: {
    organizerId: { type: 'string', minLength: 1 },
    participantIds: { type: 'array', minItems: 1, maxItems: 250, items: { type: 'string', minLength: 1 } },
    ...simulateProperties,
  },
} as const;

export const simulationSchema = {
  type: 'object',
  properties: {
    meetingId: nullableStr,
    adhocCallId: nullableStr,
    callId: str,
    callRecordId: str,
    recordingId: nullableStr,
    transcriptId: nullableStr,
    contentCorrelationId: str,
    artifactsAvailableDateTime: str,
    recordingKind: { type: ['string', 'null'], enum: ['spoken', 'sample', null], description: 'What the recording holds: speech of the transcript, or the sample clip; null without a recording.' },
    chatId: { ...str, description: "The meeting's chat (chatInfo.threadId): GET /chats/{chatId}/messages." },
    chatMessageIds: { type: 'array', items: str, description: 'The messages posted in the meeting chat during the call.' },
  },
} as const;

export const usageSchema = {
  type: 'object',
  properties: {
    value: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          tenantId: str,
          clientId: str,
          api: str,
          calls: { type: 'integer' },
          contentMinutes: { type: 'number', description: 'Minutes of recording or transcript content downloaded (what Microsoft bills by).' },
          estimatedCostUsd: { type: 'number', description: 'contentMinutes at the list price per minute ($0.003 recording, $0.0022 transcript), before the evaluation quota.' },
          firstCallDateTime: str,
          lastCallDateTime: str,
        },
      },
    },
  },
} as const;

export const usageQuery = { type: 'object', additionalProperties: false, properties: { tenantId: { type: 'string', minLength: 1 } } } as const;

export const meetingIdParams = { type: 'object', required: ['meetingId'], properties: { meetingId: { type: 'string', minLength: 1, maxLength: 2000 } } } as const;

export const botRecordingSchema = {
  type: 'object',
  required: ['clientId'],
  additionalProperties: false,
  properties: {
    clientId: { type: 'string', minLength: 1, maxLength: 100, description: 'The bot app (in the call) that recorded it.' },
    recordingSizeBytes: simulateProperties.recordingSizeBytes,
  },
} as const;

export const botRecordingResultSchema = {
  type: 'object',
  properties: {
    id: str,
    callId: str,
    meetingId: nullableStr,
    adhocCallId: nullableStr,
    organizerId: str,
    contentCorrelationId: str,
    createdDateTime: str,
    endDateTime: str,
    size: { type: 'integer' },
  },
} as const;
