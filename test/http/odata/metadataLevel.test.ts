import { describe, expect, it } from 'vitest';
import { contextTarget, metadataLevel, withFullControlInformation, withoutControlInformation } from '../../../src/http/odata/metadataLevel.js';

describe('metadataLevel', () => {
  it('reads odata.metadata (or 4.01’s metadata) from the application/json range with the highest q', () => {
    expect(metadataLevel(undefined)).toBe('minimal');
    expect(metadataLevel('application/json;odata.metadata=none')).toBe('none');
    expect(metadataLevel('Application/JSON; Metadata=FULL')).toBe('full');
    expect(metadataLevel(['text/plain', 'application/json;odata.metadata=none'])).toBe('none');
    expect(metadataLevel('application/json;odata.metadata=full;q=0.2, application/json;odata.metadata=none;q=0.8')).toBe('none');
    expect(metadataLevel('application/json;odata.metadata=none;q=0')).toBe('minimal');
    expect(metadataLevel('application/json;odata.metadata=verbose')).toBe('minimal');
    expect(metadataLevel('text/html;odata.metadata=none')).toBe('minimal');
  });
});

describe('withoutControlInformation', () => {
  it('drops @odata annotations at any depth but next links, delta links and counts', () => {
    const body = {
      '@odata.context': 'ctx',
      '@odata.count': 2,
      value: [{ id: 'a', user: { '@odata.type': '#x', id: 'u' }, 'organizer_v2@odata.context': 'c', 'sessions@odata.nextLink': 'n' }],
      '@odata.deltaLink': 'd',
      '@microsoft.graph.tips': 'kept',
    };
    expect(withoutControlInformation(body)).toEqual({
      '@odata.count': 2,
      value: [{ id: 'a', user: { id: 'u' }, 'sessions@odata.nextLink': 'n' }],
      '@odata.deltaLink': 'd',
      '@microsoft.graph.tips': 'kept',
    });
  });
});

describe('contextTarget and full metadata', () => {
  it('keeps keys, drops select lists, and knows single entities and single-valued properties', () => {
    expect(contextTarget("https://h/v1.0/$metadata#users('u')/onlineMeetings('m')/transcripts(contentCorrelationId)/$entity")).toEqual({
      root: 'https://h/v1.0',
      type: 'microsoft.graph.callTranscript',
      path: "users('u')/onlineMeetings('m')/transcripts",
      single: true,
      singleValued: false,
    });
    expect(contextTarget('https://h/v1.0/$metadata#communications/callRecords(sessions(id,segments()))/$entity')?.path).toBe('communications/callRecords');
    const fn = contextTarget('https://h/v1.0/$metadata#Collection(callRecording)');
    expect(fn?.type).toBe('microsoft.graph.callRecording');
    expect(fn?.path).toBeUndefined();
    expect(contextTarget('https://h/v1.0/$metadata#somethingElse')).toBeUndefined();
    expect(contextTarget('no context')).toBeUndefined();
  });

  it('annotates each item of a collection, its id quoted as a key', () => {
    const body = { '@odata.context': 'https://h/v1.0/$metadata#subscriptions', value: [{ id: "it's" }] };
    expect(withFullControlInformation(body)).toEqual({
      '@odata.context': 'https://h/v1.0/$metadata#subscriptions',
      value: [{ '@odata.type': '#microsoft.graph.subscription', '@odata.id': "https://h/v1.0/subscriptions('it''s')", '@odata.editLink': "https://h/v1.0/subscriptions('it''s')", id: "it's" }],
    });
    expect(withFullControlInformation({ value: [] })).toEqual({ value: [] });
  });
});
