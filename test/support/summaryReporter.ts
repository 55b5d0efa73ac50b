import type { Reporter, TestModule } from 'vitest/node';
import { defaultSqliteLoaders } from '../../src/store/sqliteBinding.js';

/**
 * Prints one plain closing line ("vitest: N passed, N failed, N skipped") that any CI can read. A test
 * file that failed outside its tests (a failing beforeAll, an import error) is named too: its tests
 * count as skipped, so "0 failed" alone would hide it.
 */
export default class SummaryReporter implements Reporter {
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const failedFiles: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
      if (module.state() === 'failed') {
        const tests = [...module.children.allTests()];
        if (tests.length === 0) failed += 1;
        if (!tests.some((test) => test.result().state === 'failed')) failedFiles.push(`${module.project.name}: ${module.moduleId}`);
      }
    }
    const pgNote = process.env['TEST_POSTGRES_SKIPPED'];
    if (pgNote !== undefined && pgNote !== '') console.log(`\nPostgreSQL leg SKIPPED: ${pgNote}. Only the SQLite leg ran.`);
    // Which Node ran the suite (workers and spawned CLIs use the same process.execPath): CI runs it on two lines.
    console.log(`\nNode.js ${process.version}, SQLite through ${(await defaultSqliteLoaders.nodeSqlite()) !== undefined ? 'node:sqlite' : 'better-sqlite3'}`);
    for (const file of failedFiles) console.log(`failed outside its tests (a hook or an import): ${file}`);
    const files = failedFiles.length > 0 ? ` (${failedFiles.length} test files failed outside their tests)` : '';
    console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped${files}`);
  }
}
