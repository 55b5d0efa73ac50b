/**
 * `npm run build`, after tsc: bundles the CLI (dist/src/cli.js and what it loads at start-up) into
 * one file, dist/cli.mjs, the package's `bin` and what `npm start` runs. Node 20 loads modules file
 * by file, and the emulator's ~900 files cost more than half of its start-up time; one file costs a
 * fraction of that. The library entry (dist/src/emulator.js) is not bundled.
 *
 * What goes into the bundle: our own code, and the packages in EAGER with everything they import.
 * Every other package stays an import from node_modules, exactly as without the bundle: native
 * ones (better-sqlite3), and the ones loaded only when needed (pg, jose, @fastify/swagger,
 * @peculiar/x509, ...) which would otherwise be inlined and evaluated at start-up. A new dependency
 * is therefore external unless added here.
 */
import { rolldown } from 'rolldown';
import { fileURLToPath } from 'node:url';
import { dirname, join, sep } from 'node:path';
import { copyFileSync } from 'node:fs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const distSrc = join(root, 'dist', 'src') + sep;

/** Loaded before the ready line, pure JavaScript: inlined. */
const EAGER = new Set(['fastify', '@fastify/formbody', 'kysely', 'commander']);

/**
 * What fastify requires only inside functions we never or seldom reach (inject; its default schema
 * compilers, which http/lazySchemaCompilers.ts loads itself): left out of the bundle (ajv and
 * fast-json-stringify with them, a third of its size and of its parse time) and required at run
 * time from fastify's own directory, as fastify itself would.
 */
const FASTIFY_LAZY = new Set(['light-my-request', '@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler']);
const FASTIFY_LAZY_PREFIX = '\0fastify-lazy:';

const packageName = (id) => {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};
const isBare = (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[a-zA-Z]:/.test(id);

const bundle = await rolldown({
  input: join(root, 'dist', 'src', 'cli.js'),
  platform: 'node',
  logLevel: 'warn',
  external: (id, importer) => {
    if (id.startsWith('node:')) return true;
    if (!isBare(id)) return false;
    // A package imported by our code: inlined only if listed. Imported from inside a package being
    // inlined (fastify's own dependencies): inlined with it.
    const fromOurCode = importer === undefined || importer.startsWith(distSrc);
    return fromOurCode && !EAGER.has(packageName(id));
  },
  plugins: [
    {
      name: 'graph-comms-emulator:fastify-lazy',
      resolveId(id, importer) {
        if (FASTIFY_LAZY.has(id) && importer !== undefined && importer.includes(`${sep}node_modules${sep}fastify${sep}`)) return FASTIFY_LAZY_PREFIX + id;
        return null;
      },
      load(id) {
        if (!id.startsWith(FASTIFY_LAZY_PREFIX)) return null;
        const name = JSON.stringify(id.slice(FASTIFY_LAZY_PREFIX.length));
        return `const { createRequire } = require('node:module');\nmodule.exports = createRequire(require.resolve('fastify'))(${name});\n`;
      },
    },
    {
      // store/kysely.ts loads Kysely's CommonJS build by createRequire, which is faster unbundled;
      // in the bundle, Kysely's ES build is inlined instead (a require would load it from disk).
      name: 'graph-comms-emulator:kysely-in-bundle',
      load(id) {
        if (id === join(distSrc, 'store', 'kysely.js')) {
          return "export { CompiledQuery, Kysely, Migrator, PostgresAdapter, PostgresDialect, SelectQueryNode, SqliteAdapter, SqliteDialect, SqliteDriver, sql } from 'kysely';\n";
        }
        return null;
      },
    },
  ],
});
try {
  // Readable code (names kept, for stack traces), but no JSDoc: parsing Kysely's alone was a tenth of the start.
  await bundle.write({ file: join(root, 'dist', 'cli.mjs'), format: 'esm', codeSplitting: false, sourcemap: true, comments: { legal: true, annotation: false, jsdoc: false } });
} finally {
  await bundle.close();
}

// The dashboard (src/ui): one browser module, minified, with its page and style sheet, into dist/ui
// (served by src/admin/uiRoutes.ts; shipped in the package, no CDN).
const uiDir = join(root, 'dist', 'ui');
const ui = await rolldown({ input: join(root, 'src', 'ui', 'main.ts'), platform: 'browser', logLevel: 'warn', tsconfig: join(root, 'src', 'ui', 'tsconfig.json') });
try {
  await ui.write({ file: join(uiDir, 'app.js'), format: 'esm', codeSplitting: false, minify: true, sourcemap: false, comments: { legal: true } });
} finally {
  await ui.close();
}
for (const file of ['index.html', 'style.css']) copyFileSync(join(root, 'src', 'ui', file), join(uiDir, file));
