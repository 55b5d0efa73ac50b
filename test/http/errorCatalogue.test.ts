import { describe, expect, it } from 'vitest';
import { ENTRA_ERROR_CATALOGUE, EntraErrors, GRAPH_ERROR_CATALOGUE, GraphErrors, type EntraErrorName, type GraphErrorName } from '../../src/http/errorCatalogue.js';
import { badRequest, forbidden, graphErrorBody, methodNotAllowed, notFound, notImplemented, unsupportedMediaType } from '../../src/http/errors.js';
import { expectGraphError } from '../support/graphSchema.js';

const LEARN = /^https:\/\/learn\.microsoft\.com\/[a-z0-9/#.-]+$/;
const graphNames = Object.keys(GRAPH_ERROR_CATALOGUE) as GraphErrorName[];
const entraNames = Object.keys(ENTRA_ERROR_CATALOGUE) as EntraErrorName[];
const ids = { requestId: '5f0a1c8e-2d8b-4a9e-9a53-0e8f4f6c1b2d', clientRequestId: 'client-1' };
const now = new Date('2026-03-01T10:20:30.456Z');

describe('the error catalogue', () => {
  it.each(graphNames)('Graph %s: a code, an error status and a Microsoft Learn page', (name) => {
    const entry = GRAPH_ERROR_CATALOGUE[name];
    expect(entry.code).toMatch(/^[A-Za-z_]+$/);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    expect(entry.learnUrl).toMatch(LEARN);
  });

  it('names each Graph status and code pair once', () => {
    const pairs = graphNames.map((name) => `${GRAPH_ERROR_CATALOGUE[name].status} ${GRAPH_ERROR_CATALOGUE[name].code}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it.each(graphNames)('Graph %s answers in Graph’s envelope: code, message, innerError with request-id and date', (name) => {
    const err = GraphErrors[name]('Something went wrong.', { headers: { 'Retry-After': '1' } });
    expect(err.status).toBe(GRAPH_ERROR_CATALOGUE[name].status);
    expect(err.headers).toEqual({ 'Retry-After': '1' });
    const body = graphErrorBody(err, ids, now);
    expectGraphError('v1.0', body);
    expect(body).toEqual({
      error: {
        code: GRAPH_ERROR_CATALOGUE[name].code,
        message: 'Something went wrong.',
        innerError: { date: '2026-03-01T10:20:30', 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
      },
    });
  });

  it('the http/errors.ts helpers are catalogue entries', () => {
    const made = [
      badRequest('m'),
      badRequest('m', 'InvalidRequest'),
      notFound('m'),
      notFound('m', 'Request_ResourceNotFound'),
      forbidden('m'),
      notImplemented('GET', '/x'),
      methodNotAllowed('PUT', ['GET']),
      unsupportedMediaType('text/plain'),
    ];
    const catalogued = new Set(graphNames.map((name) => `${GRAPH_ERROR_CATALOGUE[name].status} ${GRAPH_ERROR_CATALOGUE[name].code}`));
    for (const err of made) expect(catalogued).toContain(`${err.status} ${err.code}`);
    expect(methodNotAllowed('PUT', ['GET', 'POST']).headers).toEqual({ Allow: 'GET, POST' });
  });

  it.each(entraNames)('Entra %s: an OAuth error, an AADSTS code, an error status and the AADSTS reference page', (name) => {
    const entry = ENTRA_ERROR_CATALOGUE[name];
    expect(entry.code).toMatch(/^[a-z_]+$/);
    expect(entry.aadsts).toBeGreaterThan(0);
    expect([400, 401]).toContain(entry.status);
    expect(entry.learnUrl).toBe('https://learn.microsoft.com/entra/identity-platform/reference-error-codes');
  });

  it('every Entra entry has a factory, and its body is the identity platform’s', () => {
    expect(Object.keys(EntraErrors).sort()).toEqual([...entraNames].sort());
    const err = EntraErrors.invalidSecret('app-1');
    expect(err.status).toBe(401);
    const body = err.body('corr-1', now);
    expect(body).toMatchObject({
      error: 'invalid_client',
      error_codes: [7000215],
      correlation_id: 'corr-1',
      timestamp: '2026-03-01 10:20:30Z',
      error_uri: 'https://login.microsoftonline.com/error?code=7000215',
    });
    expect(body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\. .* Trace ID: [0-9a-f-]{36} Correlation ID: corr-1 Timestamp: 2026-03-01 10:20:30Z$/);
  });
});
