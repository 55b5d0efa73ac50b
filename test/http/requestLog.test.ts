import { describe, expect, it } from 'vitest';
import { prettyLine } from '../../src/http/requestLog.js';

describe('the pretty log format', () => {
  const time = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

  it('prints a request as one compact line with the app, user and error code when there are any', () => {
    const line = JSON.stringify({ level: 30, time, method: 'GET', url: '/me', status: 403, ms: 1.5, appId: 'app', userId: 'user', error: 'Forbidden', requestId: 'r', msg: 'GET /me 403' });
    expect(prettyLine(line)).toBe('03:04:05.678 GET /me 403 1.5 ms app=app user=user error=Forbidden\n');
  });

  it('prints other records with their level, extra fields and an error stack below', () => {
    const line = JSON.stringify({ level: 50, time, msg: 'notification delivery failed', attempt: 2, err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at here' } });
    expect(prettyLine(line)).toBe('03:04:05.678 ERROR notification delivery failed attempt=2\n  Error: boom\n      at here\n');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(prettyLine('plain text')).toBe('plain text\n');
  });
});
