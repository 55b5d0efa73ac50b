import { createRequire } from 'node:module';

/**
 * Kysely, loaded from its CommonJS build. Its ES-module build is some 280 files, and Node 20 loads
 * ES modules file by file at a cost that made Kysely alone a third of the emulator's start-up time;
 * the CommonJS build is the same code and loads in about half the time.
 *
 * Every runtime import of Kysely in src/ goes through here (type-only imports may name 'kysely'):
 * the two builds hold different classes, so `x instanceof PostgresAdapter` with the class from one
 * build is false for an object made by the other.
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof import('kysely');

// Values from the CommonJS build; the types of the same names come from the package's declarations.
export const { CompiledQuery, Kysely, Migrator, PostgresAdapter, PostgresDialect, SelectQueryNode, SqliteAdapter, SqliteDialect, SqliteDriver, sql } = kysely;
export type CompiledQuery<R = unknown> = import('kysely').CompiledQuery<R>;
export type Kysely<DB> = import('kysely').Kysely<DB>;
