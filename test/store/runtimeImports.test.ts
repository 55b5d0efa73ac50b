import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Kysely and jose are loaded through one module each (src/store/kysely.ts: the CommonJS build, for
 * start-up time; src/runtime/jose.ts: on first use). A second runtime import of either package loads a
 * second copy whose classes fail `instanceof` against the first (a PostgresAdapter check in a
 * migration silently going false), so only type imports may name the packages elsewhere.
 */
const GATEWAYS: Record<string, string> = { kysely: 'src/store/kysely.ts', jose: 'src/runtime/jose.ts' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('runtime imports of Kysely and jose', () => {
  it('go through their one gateway module', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      for (const [pkg, gateway] of Object.entries(GATEWAYS)) {
        if (relative('.', file) === gateway) continue;
        // `import type …` and `import { type A, type B }` are erased; anything else loads the package.
        const imports = text.matchAll(new RegExp(`^import\\s+(?!type\\s)([^;]*?)\\s+from\\s+'${pkg}';`, 'gms'));
        for (const match of imports) {
          const names = (match[1] ?? '')
            .replace(/[{}]/g, '')
            .split(',')
            .map((n) => n.trim())
            .filter((n) => n !== '');
          if (names.some((n) => !n.startsWith('type '))) offenders.push(`${relative('.', file)} imports ${pkg}`);
        }
        if (new RegExp(`import\\('${pkg}'\\)`).test(text) && !new RegExp(`typeof import\\('${pkg}'\\)|import\\('${pkg}'\\)\\.`).test(text)) {
          offenders.push(`${relative('.', file)} loads ${pkg} dynamically`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
