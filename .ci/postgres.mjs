// Creates or drops the fresh PostgreSQL database a CI run uses: `node .ci/postgres.mjs create|drop NAME`.
import pg from 'pg';

const [action, name] = process.argv.slice(2);
if (!['create', 'drop'].includes(action) || !/^[a-z_][a-z0-9_]{0,62}$/.test(name ?? '')) {
  console.error('usage: node .ci/postgres.mjs create|drop NAME');
  process.exit(2);
}
const client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  await client.query(action === 'create' ? `CREATE DATABASE ${name}` : `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  console.log(`${action === 'create' ? 'created' : 'dropped'} PostgreSQL database ${name}`);
} catch (err) {
  console.error(`PostgreSQL ${action} ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
}
