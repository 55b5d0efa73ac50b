// ESLint: the layer rules of DESIGN.md ("Data flows one way") and no import cycles.
// Layers, lowest first: runtime, tls → store → domain → notifications → simulation;
// http (Graph conventions) sits on domain; auth, graph and admin serve HTTP on top of them;
// the entry points (cli.ts, emulator.ts, services.ts, seedCommand.ts, http/app.ts) assemble it all.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const ours = ['runtime', 'tls', 'store', 'domain', 'notifications', 'simulation', 'http', 'auth', 'graph', 'admin', 'ui', 'proxy'];

/** Files in `layer` may import only from `allowed` (and their own folder, and packages). */
function layer(name, allowed, options = {}) {
  const forbidden = ours.filter((other) => other !== name && !allowed.includes(other));
  // The assembly: the entry points and http/app.ts (which builds the Fastify app from every area).
  const entryPoints = ['**/services.js', '**/emulator.js', '**/cli.js', '**/config.js', '**/seedCommand.js', '**/http/app.js'];
  return {
    files: [`src/${name}/**/*.ts`],
    ignores: options.ignores ?? [],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // `except`: single modules of a forbidden layer this one may import (gitignore-style negations).
              group: [...forbidden.map((other) => `**/${other}/*`), ...entryPoints, ...(options.except ?? []).map((module) => `!${module}`)],
              message: `src/${name}/ is below that layer (see eslint.config.js and DESIGN.md).`,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.test-tmp/**', '.graph-comms-emulator/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.test.json' })],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-debugger': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  layer('runtime', []),
  layer('tls', ['runtime']),
  layer('store', ['runtime']),
  layer('domain', ['runtime', 'store']),
  layer('notifications', ['runtime', 'store', 'domain', 'tls']),
  layer('simulation', ['runtime', 'store', 'domain', 'notifications']),
  layer('http', ['runtime', 'domain'], { ignores: ['src/http/app.ts'] }),
  layer('auth', ['runtime', 'store', 'domain', 'http']),
  layer('graph', ['runtime', 'store', 'domain', 'notifications', 'http', 'auth']),
  layer('proxy', ['runtime', 'tls', 'http']),
  layer('admin', ['runtime', 'store', 'domain', 'notifications', 'simulation', 'http', 'auth', 'tls']),
  // The dashboard runs in the browser: it reaches the emulator only over the control API, whose wire
  // shapes it may import — types only, so nothing of the server is bundled (src/ui/tsconfig.json).
  layer('ui', [], { except: ['**/runtime/wire.js'] }),
  {
    files: ['src/ui/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/runtime/wire.js'], allowTypeImports: true, message: 'The dashboard imports the wire shapes with `import type` only.' }] },
      ],
    },
  },
);
