import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase } from './postgresLeg.js';

/** Newest modification time of the files under `dir` (recursively). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * A few suites spawn the compiled CLI (dist/), as users run it. `npm test` builds first; a direct
 * `npx vitest run <file>` builds here when dist/ is missing or older than src/, so it never tests
 * stale code.
 */
function ensureBuilt(): void {
  let built = 0;
  try {
    built = Math.min(statSync('dist/cli.mjs').mtimeMs, statSync('dist/src/cli.js').mtimeMs);
  } catch {
    built = 0;
  }
  if (built >= newestMtime('src')) return;
  console.warn('dist/ is missing or older than src/: building it (npm run build)');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.mjs'], { stdio: 'inherit' });
}

/** Builds dist/ if needed; drops the database vitest.config.ts created for the PostgreSQL leg, once every project is done. */
export default function setup(): () => Promise<void> {
  ensureBuilt();
  return async () => {
    const created = process.env['TEST_DATABASE_CREATED'];
    if (created !== undefined && created !== '') {
      process.env['TEST_DATABASE_CREATED'] = '';
      await dropDatabase(created);
    }
  };
}
