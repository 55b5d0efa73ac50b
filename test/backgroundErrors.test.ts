import { describe, expect, it } from 'vitest';
import { backgroundErrorReporter, type ErrorLogger } from '../src/backgroundErrors.js';

describe('backgroundErrorReporter', () => {
  it('logs a repeating failure once a minute, with how often it repeated; other failures at once', () => {
    const lines: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const logger: ErrorLogger = { error: (fields, message) => lines.push({ fields, message }) };
    let now = 0;
    const report = backgroundErrorReporter(
      () => logger,
      () => now,
    );
    const readOnly = new Error('attempt to write a readonly database');
    for (let i = 0; i <= 240; i++) {
      report('notification delivery failed', readOnly);
      now += 250; // the dispatcher's pace: four a second
    }
    report('the call-record retention sweep failed', readOnly);
    expect(lines.map((l) => [l.message, l.fields['repeatedSinceLastReport']])).toEqual([
      ['notification delivery failed', undefined],
      ['notification delivery failed', 239],
      ['the call-record retention sweep failed', undefined],
    ]);
    expect(lines[0]!.fields['err']).toBe(readOnly);
  });

  it('logs nothing before the server (and its logger) exists', () => {
    const report = backgroundErrorReporter(() => undefined);
    expect(() => report('a clock timer failed', new Error('early'))).not.toThrow();
  });
});
