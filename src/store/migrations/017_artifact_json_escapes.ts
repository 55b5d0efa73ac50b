import type { Kysely } from 'kysely';
import { PostgresAdapter, sql } from '../kysely.js';

/** The `settings` key whose presence says some artifact row breaks the plain-JSON promise (see below). */
export const ARTIFACT_JSON_ESCAPES_KEY = 'artifactJsonEscapes';

/**
 * A getAll* page's rows are written as JSON by the database (domain/artifactPageBytes.ts) with their
 * strings put between quotes as they are, and their instants as Date#toISOString's form padded to
 * seven digits. That text is right for every row whose id, meeting id, ad hoc call id, call id and
 * content correlation id hold no `"`, `\` or control character, and whose instants are of that form:
 * every row the emulator writes. Triggers note any other row, from any writer (the seed command,
 * PostgreSQL's COPY, another emulator on the same store), by setting ARTIFACT_JSON_ESCAPES_KEY in
 * the same statement; pages of such a store are built in JS instead. Testing the rows once as they are
 * written, rather than escaping (json_quote, to_json) and checking instants on every page read, took a
 * third off a page's SQL. A reset empties `settings` with the rows. Idempotent, as 011: the triggers
 * are made again and the rows already stored are checked once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await postgres(db);
  else await sqlite(db);
}

const STRINGS = ['id', 'meeting_id', 'adhoc_call_id', 'call_id', 'content_correlation_id'];
const INSTANTS = ['created_at', 'end_at'];
const WATCHED = [...STRINGS, ...INSTANTS].join(', ');

/**
 * Whether `row`'s strings need an escape or an instant is not of toISOString's form, on SQLite:
 * json_quote escapes exactly `"`, `\` and the control characters, each into a sequence that starts
 * with a backslash, and leaves every other character as it is, so its text holds a backslash only if
 * one needed an escape. A GLOB for those characters walked every character of the row's strings: a
 * quarter of seeding's time.
 */
function sqliteBreaks(row: string): string {
  const strings = `concat(${STRINGS.map((c) => `${row}.${c}`).join(', ')})`;
  const iso = '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z';
  return `(instr(json_quote(${strings}), char(92)) > 0 OR ${INSTANTS.map((c) => `${row}.${c} NOT GLOB '${iso}'`).join(' OR ')})`;
}

/** The same test on PostgreSQL (in a bracket expression `\\` is one backslash; chr() spells the control range). */
function postgresBreaks(row: string): string {
  const strings = `concat(${STRINGS.map((c) => `${row}.${c}`).join(', ')})`;
  const iso = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$';
  return `(${strings} ~ ('[' || chr(1) || '-' || chr(31) || '"\\\\]') OR ${INSTANTS.map((c) => `${row}.${c} !~ '${iso}'`).join(' OR ')})`;
}

async function sqlite(db: Kysely<unknown>): Promise<void> {
  const note = `INSERT OR IGNORE INTO settings (key, value) VALUES ('${ARTIFACT_JSON_ESCAPES_KEY}', '1')`;
  const scan = `INSERT OR IGNORE INTO settings (key, value) SELECT '${ARTIFACT_JSON_ESCAPES_KEY}', '1' WHERE EXISTS (SELECT 1 FROM artifacts WHERE ${sqliteBreaks('artifacts')})`;
  await sql.raw(`CREATE TRIGGER IF NOT EXISTS artifacts_json_escapes_insert AFTER INSERT ON artifacts WHEN ${sqliteBreaks('NEW')} BEGIN ${note}; END`).execute(db);
  await sql.raw(`CREATE TRIGGER IF NOT EXISTS artifacts_json_escapes_update AFTER UPDATE OF ${WATCHED} ON artifacts WHEN ${sqliteBreaks('NEW')} BEGIN ${note}; END`).execute(db);
  await sql.raw(scan).execute(db);
}

async function postgres(db: Kysely<unknown>): Promise<void> {
  const note = `INSERT INTO settings (key, value) VALUES ('${ARTIFACT_JSON_ESCAPES_KEY}', '1') ON CONFLICT (key) DO NOTHING`;
  // The function and trigger live in the store's schema (search_path), as its tables do.
  await sql.raw(`CREATE OR REPLACE FUNCTION artifacts_note_json_escapes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${note}; RETURN NULL; END $$`).execute(db);
  await sql.raw('DROP TRIGGER IF EXISTS artifacts_json_escapes ON artifacts').execute(db);
  // WHEN runs the test in C for every row; the function (plpgsql) only for a row that breaks the promise.
  await sql
    .raw(`CREATE TRIGGER artifacts_json_escapes AFTER INSERT OR UPDATE OF ${WATCHED} ON artifacts FOR EACH ROW WHEN ${postgresBreaks('NEW')} EXECUTE FUNCTION artifacts_note_json_escapes()`)
    .execute(db);
  await sql
    .raw(`INSERT INTO settings (key, value) SELECT '${ARTIFACT_JSON_ESCAPES_KEY}', '1' WHERE EXISTS (SELECT 1 FROM artifacts WHERE ${postgresBreaks('artifacts')}) ON CONFLICT (key) DO NOTHING`)
    .execute(db);
}
