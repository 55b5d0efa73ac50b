import pg from 'pg';
import { randomBytes } from 'node:crypto';

/**
 * The PostgreSQL leg of the suite. `.ci/run` hands us a fresh database in TEST_DATABASE_URL and sets
 * REQUIRE_POSTGRES=1; a plain `npm test` makes its own database on 127.0.0.1:5432 if a server
 * answers there, and drops it at the end.
 */
export const LOCAL_SERVER = process.env['TEST_POSTGRES_SERVER_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresLeg {
  url: string | undefined;
  createdDatabase: string | undefined;
  skippedBecause: string | undefined;
}

export async function preparePostgresLeg(): Promise<PostgresLeg> {
  const given = process.env['TEST_DATABASE_URL'];
  const required = process.env['REQUIRE_POSTGRES'] === '1';
  const url = given ?? LOCAL_SERVER;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (err) {
    const reason = `no PostgreSQL server answered at ${url.replace(/\/\/[^@]*@/, '//')} (${err instanceof Error ? err.message : String(err)})`;
    if (required) throw new Error(`REQUIRE_POSTGRES=1 but ${reason}`);
    return { url: undefined, createdDatabase: undefined, skippedBecause: reason };
  }
  try {
    if (given !== undefined) return { url: given, createdDatabase: undefined, skippedBecause: undefined };
    const name = `gce_test_${randomBytes(6).toString('hex')}`;
    await client.query(`CREATE DATABASE ${name}`);
    const created = new URL(url);
    created.pathname = `/${name}`;
    return { url: created.toString(), createdDatabase: name, skippedBecause: undefined };
  } finally {
    await client.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: LOCAL_SERVER, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
