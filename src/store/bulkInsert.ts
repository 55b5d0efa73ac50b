import type { Kysely, Transaction } from 'kysely';
import { CompiledQuery } from './kysely.js';
import type { Database } from './schema.js';
import { namedWrite } from './writeSignal.js';

/** A value a bulk insert binds: what our row types hold (no JSON objects, no dates). */
export type BulkValue = string | number | bigint | null;

/** How the dialect writes a statement's n-th bound parameter (1-based). */
export type Placeholder = (n: number) => string;

export const questionMark: Placeholder = () => '?';
export const dollarNumber: Placeholder = (n) => `$${n}`;

/**
 * Statement texts per table, columns, row count and placeholder style: a bulk load runs the same
 * few shapes thousands of times, and building one through Kysely's query builder (a node per value,
 * then compiling) cost more CPU than SQLite executing it.
 */
const texts = new Map<string, string>();

function statementText(table: string, columns: readonly string[], rows: number, placeholder: Placeholder, returning: string | undefined): string {
  const key = `${table}\u0000${columns.join(',')}\u0000${rows}\u0000${placeholder(1)}\u0000${returning ?? ''}`;
  let text = texts.get(key);
  if (text === undefined) {
    const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;
    const tuples: string[] = [];
    let n = 0;
    for (let r = 0; r < rows; r++) tuples.push(`(${columns.map(() => placeholder(++n)).join(', ')})`);
    text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${tuples.join(', ')}`;
    if (returning !== undefined) text += ` returning ${quote(returning)}`;
    // Shapes are few (full chunks and one last one per load); a bound keeps a long-lived process safe.
    if (texts.size >= 256) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/**
 * Insert `rows` (every row with the same keys, the table's column names) in multi-row statements of at
 * most `maxParameters` bound values, on `db` (a transaction, for a bulk load). With `returning`, that
 * column's values of the inserted rows, statement by statement (within one, in the order the database
 * gives them). Values are bound as they are: only for rows the caller built, never request input
 * unchecked (the query builder's NUL guard does not see these statements).
 */
export async function insertRowsInBulk<T extends { readonly [K in keyof T]: BulkValue | undefined }>(
  db: Kysely<Database> | Transaction<Database>,
  placeholder: Placeholder,
  maxParameters: number,
  table: keyof Database & string,
  rows: readonly T[],
  returning?: string,
): Promise<unknown[][]> {
  const first = rows[0];
  if (first === undefined) return [];
  const columns = Object.keys(first) as Array<keyof T & string>;
  const perStatement = Math.max(1, Math.floor(maxParameters / columns.length));
  const returned: unknown[][] = [];
  for (let at = 0; at < rows.length; at += perStatement) {
    const chunk = rows.slice(at, at + perStatement);
    const parameters: BulkValue[] = new Array<BulkValue>(chunk.length * columns.length);
    let p = 0;
    for (const row of chunk) for (const column of columns) parameters[p++] = row[column] ?? null;
    const statement = CompiledQuery.raw(statementText(table, columns, chunk.length, placeholder, returning), parameters) as CompiledQuery<Record<string, unknown>>;
    // Named to the commit signal: the dispatcher wakes for new notification_deliveries rows (writeSignal.ts).
    const result = await db.executeQuery(namedWrite(statement, { tables: [table], insert: true }));
    if (returning !== undefined) returned.push(result.rows.map((row) => row[returning]));
  }
  return returned;
}
