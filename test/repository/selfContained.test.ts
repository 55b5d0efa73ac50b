import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A clone must run its tests with nothing beside it: no file of ours may reach for a folder outside
 * the repository (the Graph schema used to be read from a sibling `shared/` folder).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Built, installed or generated: not ours to check. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', '.test-tmp', '.graph-comms-emulator']);
/** The vendored schema's data files (1 MB of JSON, no paths); its README is checked like any file. */
const SKIPPED_FILES = new Set([join('test', 'fixtures', 'graph-schema', 'v1.0'), join('test', 'fixtures', 'graph-schema', 'beta')]);
const CHECKED = /(\.(ts|mts|cts|js|mjs|cjs|json|md|sh|ya?ml)|^run)$/;

// Spelled in pieces so that this file does not match itself.
const OUTSIDE = [['..', 'shared'].join('/'), ['shared', 'graph-schema'].join('/'), ['GRAPH', 'SCHEMA', 'DIR'].join('_')];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = relative(ROOT, path);
    if (SKIPPED_DIRS.has(name) || SKIPPED_FILES.has(rel)) continue;
    if (statSync(path).isDirectory()) yield* files(path);
    else if (CHECKED.test(name) && name !== 'package-lock.json') yield path;
  }
}

/** `file:line: text` for every line naming a path outside the repository. */
export function outsideReferences(root: string, paths: Iterable<string>): string[] {
  const found: string[] = [];
  for (const path of paths) {
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (OUTSIDE.some((needle) => line.includes(needle))) found.push(`${relative(root, path).split(sep).join('/')}:${i + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('the repository is self-contained', () => {
  it('no source, test, bench, script or config file refers to a folder beside the repository', () => {
    const checked = [...files(ROOT)];
    // The walk did reach the places that matter (a wrong ROOT would check nothing and pass).
    for (const expected of ['package.json', 'vitest.config.ts', join('.ci', 'run'), join('test', 'support', 'graphSchema.ts'), join('src', 'cli.ts')]) {
      expect(checked).toContain(join(ROOT, expected));
    }
    expect(outsideReferences(ROOT, checked)).toEqual([]);
  });

  it('the check finds such a reference', () => {
    // Written here rather than committed, so that no file of the repository holds such a path.
    mkdirSync(join(ROOT, '.test-tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.test-tmp', 'self-contained-'));
    const fixture = join(dir, 'outside-reference.ts');
    writeFileSync(fixture, `// a file the check must flag\nconst dir = '${OUTSIDE[0]}/graph-schema';\n`);
    try {
      expect(outsideReferences(ROOT, [fixture])).toEqual([`${relative(ROOT, fixture).split(sep).join('/')}:2: const dir = '${OUTSIDE[0]}/graph-schema';`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the vendored Graph schema is here, with its provenance and licence', () => {
    for (const file of ['README.md', 'LICENSE', 'provenance.json', 'v1.0/schema.strict.json', 'beta/schema.strict.json']) {
      expect(existsSync(join(ROOT, 'test', 'fixtures', 'graph-schema', file)), file).toBe(true);
    }
    expect(readFileSync(join(ROOT, 'test', 'fixtures', 'graph-schema', 'LICENSE'), 'utf8')).toContain('Copyright (c) Microsoft Corporation');
  });
});
