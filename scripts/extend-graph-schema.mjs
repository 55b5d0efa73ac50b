#!/usr/bin/env node
// Adds the note-taker types (calendar events, attendance reports) to the vendored schema extract
// (test/fixtures/graph-schema/{v1.0,beta}/types-meta.json, schema.json, schema.strict.json). These
// types are outside the extract Microsoft's msgraph-metadata gave us (see the fixture README), so they
// are written here from the v1.0 CSDL as the Learn resource pages describe it:
//   https://learn.microsoft.com/graph/api/resources/event
//   https://learn.microsoft.com/graph/api/resources/meetingattendancereport
//   https://learn.microsoft.com/graph/api/resources/attendancerecord
// Idempotent: run `node scripts/extend-graph-schema.mjs` then `node scripts/generate-csdl.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NS = 'microsoft.graph';
const DATE_TIME = '^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$';
const DATE = '^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$';

/** [name, Edm type, nullable (default true)] */
const p = (name, type, nullable = true) => ({ name, type, nullable });
const nav = (name, type) => ({ name, type, nullable: true, navigation: true, containsTarget: true });
const complex = (properties, baseType = null, extra = {}) => ({ kind: 'ComplexType', baseType, abstract: false, openType: false, properties, ...extra });
const entity = (properties, baseType = 'microsoft.graph.entity', extra = {}) => ({ kind: 'EntityType', baseType, abstract: false, openType: false, properties, ...extra });
const enumOf = (...members) => ({ kind: 'EnumType', members, isFlags: false });

const TYPES = {
  // Calendar (https://learn.microsoft.com/graph/api/resources/event).
  outlookItem: entity(
    [p('categories', 'Collection(Edm.String)', false), p('changeKey', 'Edm.String'), p('createdDateTime', 'Edm.DateTimeOffset'), p('lastModifiedDateTime', 'Edm.DateTimeOffset')],
    'microsoft.graph.entity',
    {
      abstract: true,
    },
  ),
  event: entity(
    [
      p('allowNewTimeProposals', 'Edm.Boolean'),
      p('attendees', 'Collection(microsoft.graph.attendee)'),
      p('body', 'microsoft.graph.itemBody'),
      p('bodyPreview', 'Edm.String'),
      p('end', 'microsoft.graph.dateTimeTimeZone'),
      p('hasAttachments', 'Edm.Boolean'),
      p('hideAttendees', 'Edm.Boolean'),
      p('iCalUId', 'Edm.String'),
      p('importance', 'microsoft.graph.importance'),
      p('isAllDay', 'Edm.Boolean'),
      p('isCancelled', 'Edm.Boolean'),
      p('isDraft', 'Edm.Boolean'),
      p('isOnlineMeeting', 'Edm.Boolean'),
      p('isOrganizer', 'Edm.Boolean'),
      p('isReminderOn', 'Edm.Boolean'),
      p('location', 'microsoft.graph.location'),
      p('locations', 'Collection(microsoft.graph.location)'),
      p('onlineMeeting', 'microsoft.graph.onlineMeetingInfo'),
      p('onlineMeetingProvider', 'microsoft.graph.onlineMeetingProviderType'),
      p('onlineMeetingUrl', 'Edm.String'),
      p('organizer', 'microsoft.graph.recipient'),
      p('originalEndTimeZone', 'Edm.String'),
      p('originalStart', 'Edm.DateTimeOffset'),
      p('originalStartTimeZone', 'Edm.String'),
      p('recurrence', 'microsoft.graph.patternedRecurrence'),
      p('reminderMinutesBeforeStart', 'Edm.Int32'),
      p('responseRequested', 'Edm.Boolean'),
      p('responseStatus', 'microsoft.graph.responseStatus'),
      p('sensitivity', 'microsoft.graph.sensitivity'),
      p('seriesMasterId', 'Edm.String'),
      p('showAs', 'microsoft.graph.freeBusyStatus'),
      p('start', 'microsoft.graph.dateTimeTimeZone'),
      p('subject', 'Edm.String'),
      p('transactionId', 'Edm.String'),
      p('type', 'microsoft.graph.eventType'),
      p('webLink', 'Edm.String'),
    ],
    'microsoft.graph.outlookItem',
  ),
  dateTimeTimeZone: complex([p('dateTime', 'Edm.String', false), p('timeZone', 'Edm.String')]),
  emailAddress: complex([p('address', 'Edm.String'), p('name', 'Edm.String')]),
  recipient: complex([p('emailAddress', 'microsoft.graph.emailAddress')]),
  attendeeBase: complex([p('type', 'microsoft.graph.attendeeType')], 'microsoft.graph.recipient'),
  attendee: complex([p('proposedNewTime', 'microsoft.graph.timeSlot'), p('status', 'microsoft.graph.responseStatus')], 'microsoft.graph.attendeeBase'),
  timeSlot: complex([p('end', 'microsoft.graph.dateTimeTimeZone', false), p('start', 'microsoft.graph.dateTimeTimeZone', false)]),
  responseStatus: complex([p('response', 'microsoft.graph.responseType'), p('time', 'Edm.DateTimeOffset')]),
  location: complex([
    p('address', 'microsoft.graph.physicalAddress'),
    p('coordinates', 'microsoft.graph.outlookGeoCoordinates'),
    p('displayName', 'Edm.String'),
    p('locationEmailAddress', 'Edm.String'),
    p('locationType', 'microsoft.graph.locationType'),
    p('locationUri', 'Edm.String'),
    p('uniqueId', 'Edm.String'),
    p('uniqueIdType', 'microsoft.graph.locationUniqueIdType'),
  ]),
  physicalAddress: complex([p('city', 'Edm.String'), p('countryOrRegion', 'Edm.String'), p('postalCode', 'Edm.String'), p('state', 'Edm.String'), p('street', 'Edm.String')]),
  outlookGeoCoordinates: complex([p('accuracy', 'Edm.Double'), p('altitude', 'Edm.Double'), p('altitudeAccuracy', 'Edm.Double'), p('latitude', 'Edm.Double'), p('longitude', 'Edm.Double')]),
  onlineMeetingInfo: complex([
    p('conferenceId', 'Edm.String'),
    p('joinUrl', 'Edm.String'),
    p('phones', 'Collection(microsoft.graph.phone)'),
    p('quickDial', 'Edm.String'),
    p('tollFreeNumbers', 'Collection(Edm.String)'),
    p('tollNumber', 'Edm.String'),
  ]),
  phone: complex([p('language', 'Edm.String'), p('number', 'Edm.String'), p('region', 'Edm.String'), p('type', 'microsoft.graph.phoneType')]),
  patternedRecurrence: complex([p('pattern', 'microsoft.graph.recurrencePattern'), p('range', 'microsoft.graph.recurrenceRange')]),
  recurrencePattern: complex([
    p('dayOfMonth', 'Edm.Int32', false),
    p('daysOfWeek', 'Collection(microsoft.graph.dayOfWeek)'),
    p('firstDayOfWeek', 'microsoft.graph.dayOfWeek'),
    p('index', 'microsoft.graph.weekIndex'),
    p('interval', 'Edm.Int32', false),
    p('month', 'Edm.Int32', false),
    p('type', 'microsoft.graph.recurrencePatternType'),
  ]),
  recurrenceRange: complex([
    p('endDate', 'Edm.Date'),
    p('numberOfOccurrences', 'Edm.Int32', false),
    p('recurrenceTimeZone', 'Edm.String'),
    p('startDate', 'Edm.Date'),
    p('type', 'microsoft.graph.recurrenceRangeType'),
  ]),
  attendeeType: enumOf('required', 'optional', 'resource'),
  responseType: enumOf('none', 'organizer', 'tentativelyAccepted', 'accepted', 'declined', 'notResponded'),
  importance: enumOf('low', 'normal', 'high'),
  sensitivity: enumOf('normal', 'personal', 'private', 'confidential'),
  freeBusyStatus: enumOf('unknown', 'free', 'tentative', 'busy', 'oof', 'workingElsewhere'),
  eventType: enumOf('singleInstance', 'occurrence', 'exception', 'seriesMaster'),
  onlineMeetingProviderType: enumOf('unknown', 'skypeForBusiness', 'skypeForConsumer', 'teamsForBusiness'),
  locationType: enumOf('default', 'conferenceRoom', 'homeAddress', 'businessAddress', 'geoCoordinates', 'streetAddress', 'hotel', 'restaurant', 'localBusiness', 'postalAddress'),
  locationUniqueIdType: enumOf('unknown', 'locationStore', 'directory', 'private', 'bing'),
  phoneType: enumOf('home', 'business', 'mobile', 'other', 'assistant', 'homeFax', 'businessFax', 'otherFax', 'pager', 'radio'),
  dayOfWeek: enumOf('sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'),
  weekIndex: enumOf('first', 'second', 'third', 'fourth', 'last'),
  recurrencePatternType: enumOf('daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'),
  recurrenceRangeType: enumOf('endDate', 'noEnd', 'numbered'),
  // Attendance (https://learn.microsoft.com/graph/api/resources/meetingattendancereport).
  meetingAttendanceReport: entity([
    p('externalEventInformation', 'Collection(microsoft.graph.virtualEventExternalInformation)'),
    p('meetingEndDateTime', 'Edm.DateTimeOffset'),
    p('meetingStartDateTime', 'Edm.DateTimeOffset'),
    p('totalParticipantCount', 'Edm.Int32'),
    nav('attendanceRecords', 'Collection(microsoft.graph.attendanceRecord)'),
  ]),
  attendanceRecord: entity([
    p('attendanceIntervals', 'Collection(microsoft.graph.attendanceInterval)'),
    p('emailAddress', 'Edm.String'),
    p('externalRegistrationInformation', 'microsoft.graph.virtualEventExternalRegistrationInformation'),
    p('identity', 'microsoft.graph.identity'),
    p('registrationId', 'Edm.String'),
    p('role', 'Edm.String'),
    p('totalAttendanceInSeconds', 'Edm.Int32'),
  ]),
  attendanceInterval: complex([p('durationInSeconds', 'Edm.Int32'), p('joinDateTime', 'Edm.DateTimeOffset'), p('leaveDateTime', 'Edm.DateTimeOffset')]),
  virtualEventExternalInformation: complex([p('applicationId', 'Edm.String'), p('externalEventId', 'Edm.String')]),
  virtualEventExternalRegistrationInformation: complex([p('referrer', 'Edm.String'), p('registrationId', 'Edm.String')]),
  // Meeting chat (https://learn.microsoft.com/graph/api/resources/chatmessage).
  chatMessage: entity([
    p('attachments', 'Collection(microsoft.graph.chatMessageAttachment)'),
    p('body', 'microsoft.graph.itemBody'),
    p('channelIdentity', 'microsoft.graph.channelIdentity'),
    p('chatId', 'Edm.String'),
    p('createdDateTime', 'Edm.DateTimeOffset'),
    p('deletedDateTime', 'Edm.DateTimeOffset'),
    p('etag', 'Edm.String'),
    p('eventDetail', 'microsoft.graph.eventMessageDetail'),
    p('from', 'microsoft.graph.chatMessageFromIdentitySet'),
    p('importance', 'microsoft.graph.chatMessageImportance'),
    p('lastEditedDateTime', 'Edm.DateTimeOffset'),
    p('lastModifiedDateTime', 'Edm.DateTimeOffset'),
    p('locale', 'Edm.String'),
    p('mentions', 'Collection(microsoft.graph.chatMessageMention)'),
    p('messageHistory', 'Collection(microsoft.graph.chatMessageHistoryItem)'),
    p('messageType', 'microsoft.graph.chatMessageType'),
    p('policyViolation', 'microsoft.graph.chatMessagePolicyViolation'),
    p('reactions', 'Collection(microsoft.graph.chatMessageReaction)'),
    p('replyToId', 'Edm.String'),
    p('subject', 'Edm.String'),
    p('summary', 'Edm.String'),
    p('webUrl', 'Edm.String'),
  ]),
  chatMessageAttachment: complex([
    p('content', 'Edm.String'),
    p('contentType', 'Edm.String'),
    p('contentUrl', 'Edm.String'),
    p('id', 'Edm.String'),
    p('name', 'Edm.String'),
    p('teamsAppId', 'Edm.String'),
    p('thumbnailUrl', 'Edm.String'),
  ]),
  channelIdentity: complex([p('channelId', 'Edm.String'), p('teamId', 'Edm.String')]),
  eventMessageDetail: complex([], null, { abstract: true }),
  chatMessageFromIdentitySet: complex([], 'microsoft.graph.identitySet'),
  chatMessageMentionedIdentitySet: complex([p('conversation', 'microsoft.graph.teamworkConversationIdentity'), p('tag', 'microsoft.graph.teamworkTagIdentity')], 'microsoft.graph.identitySet'),
  chatMessageReactionIdentitySet: complex([], 'microsoft.graph.identitySet'),
  chatMessageMention: complex([p('id', 'Edm.Int32'), p('mentioned', 'microsoft.graph.chatMessageMentionedIdentitySet'), p('mentionText', 'Edm.String')]),
  chatMessageReaction: complex([
    p('createdDateTime', 'Edm.DateTimeOffset', false),
    p('displayName', 'Edm.String'),
    p('reactionContentUrl', 'Edm.String'),
    p('reactionType', 'Edm.String', false),
    p('user', 'microsoft.graph.chatMessageReactionIdentitySet', false),
  ]),
  chatMessageHistoryItem: complex([
    p('actions', 'microsoft.graph.chatMessageActions', false),
    p('modifiedDateTime', 'Edm.DateTimeOffset', false),
    p('reaction', 'microsoft.graph.chatMessageReaction'),
  ]),
  chatMessagePolicyViolation: complex([
    p('dlpAction', 'microsoft.graph.chatMessagePolicyViolationDlpActionTypes'),
    p('justificationText', 'Edm.String'),
    p('policyTip', 'microsoft.graph.chatMessagePolicyViolationPolicyTip'),
    p('userAction', 'microsoft.graph.chatMessagePolicyViolationUserActionTypes'),
    p('verdictDetails', 'microsoft.graph.chatMessagePolicyViolationVerdictDetailsTypes'),
  ]),
  chatMessagePolicyViolationPolicyTip: complex([p('complianceUrl', 'Edm.String'), p('generalText', 'Edm.String'), p('matchedConditionDescriptions', 'Collection(Edm.String)')]),
  chatMessageImportance: enumOf('normal', 'high', 'urgent'),
  chatMessageType: enumOf('message', 'chatEvent', 'typing', 'systemEventMessage'),
  chatMessageActions: enumOf('reactionAdded', 'reactionRemoved', 'actionUndefined'),
  chatMessagePolicyViolationDlpActionTypes: enumOf('none', 'notifySender', 'blockAccess', 'blockAccessExternal'),
  chatMessagePolicyViolationUserActionTypes: enumOf('none', 'override', 'reportFalsePositive'),
  chatMessagePolicyViolationVerdictDetailsTypes: enumOf('none', 'allowFalsePositiveOverride', 'allowOverrideWithoutJustification', 'allowOverrideWithJustification'),
  // Meeting AI insights (https://learn.microsoft.com/graph/api/resources/callaiinsight).
  callAiInsight: entity([
    p('actionItems', 'Collection(microsoft.graph.actionItem)'),
    p('callId', 'Edm.String'),
    p('contentCorrelationId', 'Edm.String'),
    p('createdDateTime', 'Edm.DateTimeOffset'),
    p('endDateTime', 'Edm.DateTimeOffset'),
    p('meetingNotes', 'Collection(microsoft.graph.meetingNote)'),
    p('viewpoint', 'microsoft.graph.callAiInsightViewPoint'),
  ]),
  actionItem: complex([p('ownerDisplayName', 'Edm.String'), p('text', 'Edm.String'), p('title', 'Edm.String')]),
  meetingNote: complex([p('subpoints', 'Collection(microsoft.graph.meetingNoteSubpoint)'), p('text', 'Edm.String'), p('title', 'Edm.String')]),
  meetingNoteSubpoint: complex([p('text', 'Edm.String'), p('title', 'Edm.String')]),
  callAiInsightViewPoint: complex([p('mentionEvents', 'Collection(microsoft.graph.mentionEvent)')]),
  mentionEvent: complex([p('eventDateTime', 'Edm.DateTimeOffset'), p('speaker', 'microsoft.graph.identitySet'), p('transcriptUtterance', 'Edm.String')]),
};

/** Collections (list responses) and delta collections the new routes return. */
const COLLECTIONS = ['event', 'meetingAttendanceReport', 'attendanceRecord', 'chatMessage', 'callAiInsight'];
const DELTAS = ['event'];

function scalarSchema(type) {
  switch (type) {
    case 'Edm.String':
      return { type: 'string' };
    case 'Edm.Boolean':
      return { type: 'boolean' };
    case 'Edm.Int32':
    case 'Edm.Int64':
      return { type: 'integer' };
    case 'Edm.Double':
      return { type: 'number' };
    case 'Edm.DateTimeOffset':
      return { type: 'string', pattern: DATE_TIME };
    case 'Edm.Date':
      return { type: 'string', pattern: DATE };
    default:
      return undefined;
  }
}

function refSchema(type, meta) {
  const derived = meta[type]?.derivedTypesInExtract ?? [];
  const ref = { $ref: `#/definitions/${type}` };
  return derived.length === 0 ? ref : { anyOf: [ref, ...derived.map((d) => ({ $ref: `#/definitions/${d}` }))] };
}

function nullable(schema) {
  if (schema.type !== undefined && !Array.isArray(schema.type)) return { ...schema, type: [schema.type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

function propertySchema(prop, meta) {
  const collection = /^Collection\((.+)\)$/.exec(prop.type);
  const inner = collection ? collection[1] : prop.type;
  const item = scalarSchema(inner) ?? refSchema(inner, meta);
  // Navigations are arrays of entities (as the extract writes them); complex collections allow null items.
  if (collection) return { type: 'array', items: scalarSchema(inner) || prop.navigation ? item : nullable(item) };
  return prop.nullable === false ? item : nullable(item);
}

function allProperties(name, meta) {
  const t = meta[name];
  const base = t.baseType ? allProperties(t.baseType, meta) : [];
  return [...base, ...(t.properties ?? [])];
}

function definition(name, meta, strict) {
  const t = meta[name];
  const title = name.slice(NS.length + 1);
  if (t.kind === 'EnumType') return { title, type: 'string', enum: [...t.members, 'unknownFutureValue'] };
  const properties = {};
  for (const prop of allProperties(name, meta)) properties[prop.name] = propertySchema(prop, meta);
  properties['@odata.type'] = { type: 'string' };
  const out = { title, type: 'object', properties };
  if (strict) Object.assign(out, { patternProperties: { '^@': {}, '^[^@]+@(odata|microsoft\\.graph)\\.': {} }, additionalProperties: false });
  return out;
}

function collectionDefinition(name, delta) {
  const properties = { '@odata.context': { type: 'string' }, '@odata.count': { type: ['integer', 'null'] }, '@odata.nextLink': { type: ['string', 'null'] } };
  if (delta) properties['@odata.deltaLink'] = { type: ['string', 'null'] };
  properties.value = { type: 'array', items: { $ref: `#/definitions/${NS}.${name}` } };
  return { title: `${delta ? 'Delta collection' : 'Collection'} of ${name}`, type: 'object', required: ['value'], properties };
}

for (const version of ['v1.0', 'beta']) {
  const dir = join(root, 'test/fixtures/graph-schema', version);
  const meta = JSON.parse(readFileSync(join(dir, 'types-meta.json'), 'utf8'));
  for (const [short, t] of Object.entries(TYPES)) {
    const name = `${NS}.${short}`;
    const props = (t.properties ?? []).map((x) => ({ navigation: false, containsTarget: false, ...x, source: 'learn' }));
    meta[name] =
      t.kind === 'EnumType'
        ? { kind: t.kind, namespace: NS, source: 'learn', members: t.members, isFlags: false }
        : { ...t, namespace: NS, source: 'learn', derivedTypesInExtract: [], properties: props };
  }
  // Derived types, so a property typed as a base accepts them (as the extract does).
  for (const [short, t] of Object.entries(TYPES)) {
    for (let base = t.baseType; base; base = meta[base]?.baseType) {
      const list = meta[base].derivedTypesInExtract ?? [];
      if (!list.includes(`${NS}.${short}`)) meta[base].derivedTypesInExtract = [...list, `${NS}.${short}`].sort();
    }
  }
  writeFileSync(join(dir, 'types-meta.json'), JSON.stringify(meta, null, 1) + '\n');
  for (const strict of [false, true]) {
    const file = join(dir, strict ? 'schema.strict.json' : 'schema.json');
    const schema = JSON.parse(readFileSync(file, 'utf8'));
    for (const short of Object.keys(TYPES)) schema.definitions[`${NS}.${short}`] = definition(`${NS}.${short}`, meta, strict);
    for (const short of COLLECTIONS) schema.definitions[`${NS}.${short}CollectionResponse`] = collectionDefinition(short, false);
    for (const short of DELTAS) schema.definitions[`${NS}.${short}DeltaResponse`] = collectionDefinition(short, true);
    writeFileSync(file, JSON.stringify(schema, null, 1) + '\n');
  }
}
