import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules (eslint.config.js: data flows one way, down the layers) run on the whole tree in
 * `npm test`; these cases show the rules bite: an import that goes up a layer is an error, one that
 * goes down is not.
 */
const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['src/runtime/probe.ts', "import { DomainError } from '../domain/ids.js';"],
    ['src/store/probe.ts', "import { findMeeting } from '../domain/meetings.js';"],
    ['src/domain/probe.ts', "import { badRequest } from '../http/errors.js';"],
    ['src/domain/probe.ts', "import type { Services } from '../services.js';"],
    ['src/notifications/probe.ts', "import { registerGraph } from '../graph/plugin.js';"],
    ['src/simulation/probe.ts', "import { registerAdminRoutes } from '../admin/routes.js';"],
    ['src/http/probe.ts', "import { graphPlugin } from '../graph/plugin.js';"],
    ['src/graph/probe.ts', "import type { Services } from '../services.js';"],
    ['src/graph/probe.ts', "import { buildApp } from '../http/app.js';"],
    ['src/proxy/probe.ts', "import { graphPlugin } from '../graph/plugin.js';"],
    ['src/proxy/probe.ts', "import type { Services } from '../services.js';"],
    ['src/ui/probe.ts', "import { VirtualClock } from '../runtime/clock.js';"],
    ['src/ui/probe.ts', "import type { FaultRule } from '../runtime/faults.js';"],
  ])('%s may not %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport {};\n`)).toHaveLength(1);
  });

  it.each([
    ['src/domain/probe.ts', "import { VirtualClock } from '../runtime/clock.js';"],
    ['src/graph/probe.ts', "import { findMeeting } from '../domain/meetings.js';"],
    ['src/admin/probe.ts', "import { simulateMeeting } from '../simulation/meetingScenario.js';"],
    ['src/ui/probe.ts', "import type { ClockView } from '../runtime/wire.js';"],
  ])('%s may %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport {};\n`)).toEqual([]);
  });

  it('the dashboard imports the wire shapes with `import type` only: nothing of the server is bundled', async () => {
    const [result] = await eslint.lintText("import { ClockView } from '../runtime/wire.js';\nexport const v: ClockView | undefined = undefined;\n", { filePath: 'src/ui/probe.ts' });
    expect((result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message)).toEqual([expect.stringMatching(/import type/)]);
  });
});
