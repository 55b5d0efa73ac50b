/**
 * `npm run build`, after tsc: bundles the CLI (dist/src/cli.js and what it loads at start-up) into
 * one file, dist/cli-bundle.cjs, which dist/cli.mjs (the package's `bin`, what `npm start` runs) loads. Node 20 loads modules file
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
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';

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
/** The bundle's name for import() (see the dynamic-import plugin and the launcher). */
const DYNAMIC_IMPORT = '__graphCommsEmulatorImport';

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
      // A vm.Script's import() needs a loader callback, which Node refuses without
      // --experimental-vm-modules: the bundle's dynamic imports (the packages loaded only when
      // needed) call the launcher's import instead, passed in as DYNAMIC_IMPORT (same directory,
      // so the same resolution).
      name: 'graph-comms-emulator:dynamic-import',
      renderChunk(code) {
        let count = 0;
        const out = code.replace(/(?<![.\w$])import\(/g, () => (count++, `${DYNAMIC_IMPORT}(`));
        if (count === 0) throw new Error('bundle: no dynamic import found; is the import() rewrite still needed?');
        return { code: out, map: null };
      },
    },
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
      // fastify/lib/server.js loads node:http2 at the top, for the `http2` option only, which the
      // emulator never sets: loading it at start-up cost a few percent of a warm start. Here it is loaded
      // on first use instead. Fails the build if fastify's line changes, rather than keeping both.
      name: 'graph-comms-emulator:fastify-http2-on-use',
      transform(code, id) {
        if (!id.endsWith(`${sep}node_modules${sep}fastify${sep}lib${sep}server.js`)) return null;
        const eager = "const http2 = require('node:http2')";
        if (!code.includes(eager)) throw new Error('bundle: fastify/lib/server.js no longer has "' + eager + '": update the fastify-http2-on-use plugin');
        const onUse =
          "let http2Module\nconst http2 = { createSecureServer: (...args) => (http2Module ??= require('node:http2')).createSecureServer(...args), createServer: (...args) => (http2Module ??= require('node:http2')).createServer(...args) }";
        return { code: code.replace(eager, onUse), map: null };
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
  // CommonJS, so the launcher can compile it as a vm.Script with V8's code cache on every Node (an
  // ES module has no code cache API before Node 22's module.enableCompileCache).
  // charset 'ascii': non-ASCII characters (a few, in strings and comments) written as escapes, so the
  // launcher's source string is one byte per character: half the memory of a two-byte string, and
  // no UTF-8 decoding to read it (https://rolldown.rs/reference/OutputOptions.charset).
  await bundle.write({
    file: join(root, 'dist', 'cli-bundle.cjs'),
    format: 'cjs',
    charset: 'ascii',
    codeSplitting: false,
    sourcemap: true,
    comments: { legal: true, annotation: false, jsdoc: false },
  });
} finally {
  await bundle.close();
}
// The launcher reads the bundle as latin1: a byte above 0x7f would come out as the wrong character.
{
  const written = readFileSync(join(root, 'dist', 'cli-bundle.cjs'));
  const at = written.findIndex((byte) => byte > 0x7f);
  if (at !== -1) throw new Error(`bundle: dist/cli-bundle.cjs has a non-ASCII byte at ${at}; the launcher reads it as latin1`);
}

// dist/cli.mjs, the bin: compiles the bundle with V8's code cache and runs it. The cache (the bundle's
// compiled code, with every function compiled by the time the emulator was ready) is kept under the
// OS temp directory, per Node version and bundle file, as Node's own compile cache is
// (https://nodejs.org/api/module.html#module-compile-cache); a warm start then skips most compiling.
// The cache is written once, after the ready line, and only in a directory of our own.
// The bundle file is named by its identity on disk (device, inode, size, modification and change
// times) rather than a hash of its 1.8 MB: hashing it cost every start a few percent, and any
// rewrite of the file (a build, an install) changes its change time, which no tool can set back.
const launcher = join(root, 'dist', 'cli.mjs');
writeFileSync(
  launcher,
  `#!/usr/bin/env node
// Generated by scripts/bundle.mjs: runs the CLI bundle (dist/cli-bundle.cjs) with V8's code cache.
import module, { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

// Node's compile cache (>= 22.1) for what loads later from node_modules.
module.enableCompileCache?.();
const bundle = fileURLToPath(new URL('./cli-bundle.cjs', import.meta.url));
// Read and stat through one descriptor, so the identity is the identity of the bytes read.
const fd = openSync(bundle, 'r');
let source, identity;
try {
  const st = fstatSync(fd, { bigint: true });
  identity = [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(':');
  // ASCII only (scripts/bundle.mjs writes it so): latin1 reads it as is, no UTF-8 decoding.
  source = readFileSync(fd, 'latin1').replace(/^#!.*/, '');
} finally {
  closeSync(fd);
}
const disabled = process.env.NODE_DISABLE_COMPILE_CACHE !== undefined;
const dir = join(tmpdir(), \`graph-comms-emulator-compile-cache-\${process.getuid?.() ?? 'user'}\`);
const cacheFile = join(dir, \`\${process.version}-\${process.arch}-\${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.bin\`);
// Only a directory this user owns and nobody else can write: code cache is code.
const ownDir = () => {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && (process.getuid === undefined || st.uid === process.getuid()) && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
};
let cachedData;
if (!disabled && ownDir()) {
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
}
const script = new Script(\`(function (exports, require, module, __filename, __dirname, ${DYNAMIC_IMPORT}) { "use strict"; \${source}\\n})\`, { filename: bundle, cachedData });
let save = !disabled && (cachedData === undefined || script.cachedDataRejected === true);
const writeCache = () => {
  if (!save) return;
  save = false;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!ownDir()) return;
    const partial = \`\${cacheFile}.\${process.pid}\`;
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    try {
      renameSync(partial, cacheFile);
    } catch {
      rmSync(partial, { force: true });
    }
  } catch {}
};
// Written when the CLI signals its ready line (\`start\`), so the cache holds what start-up compiled;
// other commands neither write nor need one.
process.once('graph-comms-emulator:ready', () => setImmediate(writeCache));
const mod = { exports: {} };
script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle), (specifier) => import(specifier));
`,
);
chmodSync(launcher, 0o755);
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
