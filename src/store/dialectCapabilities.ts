import type { Expression, Kysely, RawBuilder, SelectQueryBuilder, Transaction } from 'kysely';
import { sql } from './kysely.js';
import type { Database } from './schema.js';
import { dollarNumber, insertRowsInBulk, questionMark, type BulkValue } from './bulkInsert.js';

/**
 * What SQLite and PostgreSQL do differently that code outside the store needs: each caller asks for
 * the effect and the store decides the SQL, so no module outside src/store branches on the kind.
 */
export interface StoreDialect {
  /**
   * Make this transaction's change-feed writers take feed sequence numbers in commit order. A reader
   * holding "everything up to seq N" must never see a seq below N appear later; PostgreSQL draws a
   * serial at insert but publishes it at commit, so concurrent writers are serialized until commit.
   * SQLite has one writer at a time already.
   */
  lockFeedForWrite(trx: Transaction<Database>): Promise<void>;
  /**
   * The query's rows locked for this transaction, skipping rows another transaction holds, so that
   * instances sharing a database never claim the same row. SQLite (one writer): the query as it is.
   */
  claimRowsSkippingLocked<TB extends keyof Database, O>(query: SelectQueryBuilder<Database, TB, O>): SelectQueryBuilder<Database, TB, O>;
  /** Run a bulk load (seeding) with the connection tuned for it, then restore the tuning. */
  bulkLoad<T>(load: () => Promise<T>): Promise<T>;
  /**
   * Insert many rows (all with the same keys) in as few statements as the database's bound-parameter
   * limit allows, without the query builder (see bulkInsert.ts); with `returning`, that column's values
   * per statement. For rows the caller built, not unchecked request input.
   */
  insertMany<R extends { readonly [K in keyof R]: BulkValue | undefined }>(
    db: Kysely<Database> | Transaction<Database>,
    table: keyof Database & string,
    rows: readonly R[],
    returning?: string,
  ): Promise<unknown[][]>;
  /** SQL that writes JSON text in the database (a delta page's rows, see domain/artifactPageBytes.ts). */
  readonly jsonText: SqlJsonText;
}

/** The few SQL functions a query needs to write a row's JSON itself, each spelled as the database spells it. */
export interface SqlJsonText {
  /** The text's UTF-8 bytes, read by the driver as a Buffer / Uint8Array rather than decoded into a string. */
  utf8(text: Expression<string | null>): RawBuilder<Uint8Array>;
  /**
   * A large text to be sent as UTF-8 bytes, read as the driver reads it fastest: as bytes on SQLite
   * (nothing decoded), as a string on PostgreSQL, where pg reads bytea as hex text (twice the bytes,
   * decoded in JS) and text as half of that (Buffer.from(string) makes the same bytes).
   */
  utf8OrText(text: Expression<string | null>): RawBuilder<Uint8Array | string | null>;
  /**
   * True where utf8OrText gives bytes (SQLite): a joined page then takes its room (the spaces a caller
   * writes a response's envelope into, so that the body is the driver's own Buffer) as rows of its own,
   * joined before and after the page's rows (pageArtifactBytes). Padding the joined text instead
   * (concat) copied the page once more: ~0.2 ms of a 1,000-item page's 1.7 ms. A string (PostgreSQL)
   * gets its room in JS, where Buffer.from makes the bytes anyway.
   */
  readonly roomAsRows: boolean;
  /**
   * An aggregate: the group's texts joined with commas, in `order`'s order (NULLs left out; NULL for no
   * text). The rows must come from a subquery already sorted by `order` (see pageArtifactBytes): SQLite
   * then joins them as they come, since sorting them again inside the aggregate cost more than the rest
   * of the page; the caller checks the order, as SQLite does not promise it (https://sqlite.org/lang_aggfunc.html#group_concat).
   */
  joinSorted(text: Expression<string | null>, order: Expression<unknown>): RawBuilder<string | null>;
  /**
   * True where joinSorted's order is the database's promise (PostgreSQL's string_agg ORDER BY), so the
   * caller need not join the order keys too and check them: that check is for SQLite's group_concat.
   */
  readonly joinSortedPromisesOrder: boolean;
}

const postgresJsonText: SqlJsonText = {
  utf8: (text) => sql<Uint8Array>`convert_to(${text}, 'UTF8')`,
  utf8OrText: (text) => sql<string | null>`${text}`,
  roomAsRows: false,
  // https://www.postgresql.org/docs/current/functions-aggregate.html: string_agg's own ORDER BY promises the order.
  joinSorted: (text, order) => sql<string | null>`string_agg(${text}, ',' ORDER BY ${order})`,
  joinSortedPromisesOrder: true,
};

const sqliteJsonText: SqlJsonText = {
  utf8: (text) => sql<Uint8Array>`CAST(${text} AS BLOB)`,
  utf8OrText: (text) => sql<Uint8Array | null>`CAST(${text} AS BLOB)`,
  roomAsRows: true,
  joinSorted: (text) => sql<string | null>`group_concat(${text}, ',')`,
  joinSortedPromisesOrder: false,
};

// Bound parameters per statement: SQLite allows 32,766 (since 3.32), PostgreSQL 65,535.
const SQLITE_MAX_PARAMETERS = 32_000;
const POSTGRES_MAX_PARAMETERS = 65_000;

// Any constant works; it only has to be the same in every emulator sharing the database.
const FEED_LOCK = 0x67636561; // 'gcea'

export const postgresCapabilities: StoreDialect = {
  async lockFeedForWrite(trx) {
    await sql`select pg_advisory_xact_lock(${FEED_LOCK})`.execute(trx);
  },
  claimRowsSkippingLocked: (query) => query.forUpdate().skipLocked(),
  bulkLoad: (load) => load(),
  insertMany: (db, table, rows, returning) => insertRowsInBulk(db, dollarNumber, POSTGRES_MAX_PARAMETERS, table, rows, returning),
  jsonText: postgresJsonText,
};

export function sqliteCapabilities(db: Kysely<Database>): StoreDialect {
  return {
    lockFeedForWrite: async () => undefined,
    claimRowsSkippingLocked: (query) => query,
    insertMany: (db, table, rows, returning) => insertRowsInBulk(db, questionMark, SQLITE_MAX_PARAMETERS, table, rows, returning),
    jsonText: sqliteJsonText,
    async bulkLoad(load) {
      const pragma = async (name: string): Promise<unknown> => (await sql<Record<string, unknown>>`PRAGMA ${sql.raw(name)}`.execute(db)).rows[0]?.[name];
      const cacheSize = Number(await pragma('cache_size'));
      const synchronous = Number(await pragma('synchronous'));
      // A modest page cache, not a large one: a load's rows go to the right edge of every index
      // (time-ordered ids, feed order), so few pages are hot, and a cache grown to 256 MiB cost a fresh
      // allocation (and page faults) per page and a walk of the whole cache at each commit: 8.6–9.1 CPU s
      // per 100k recordings against 4.9–5.3 with 16 MiB (issue 16). Without fsync a crash mid-load only
      // loses the load; the WAL holds every commit as a normal write does (synchronous=NORMAL syncs at
      // checkpoints only: https://sqlite.org/pragma.html#pragma_synchronous).
      await sql`PRAGMA cache_size = -16384`.execute(db);
      await sql`PRAGMA synchronous = OFF`.execute(db);
      try {
        return await load();
      } finally {
        await sql.raw(`PRAGMA cache_size = ${cacheSize}`).execute(db);
        await sql.raw(`PRAGMA synchronous = ${synchronous}`).execute(db);
      }
    },
  };
}
