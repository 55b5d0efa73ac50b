import { describe, expect, it } from 'vitest';

/**
 * The Node line the suite runs on. `.ci/run` runs the suite on Node 20 and again on Node 24 and sets
 * EXPECT_NODE_MAJOR for each, so a leg that silently ran on another Node (a `node` found first on
 * PATH) fails instead of proving nothing. Spawned CLIs use process.execPath, the same Node.
 */
describe('the Node.js running the suite', () => {
  const expected = process.env['EXPECT_NODE_MAJOR'];

  it.runIf(expected !== undefined)(`is Node ${expected ?? ''}`, () => {
    expect(process.versions.node.split('.')[0]).toBe(expected);
  });

  it('is a line package.json supports (>= 20)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  });
});
