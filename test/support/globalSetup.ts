import { dropDatabase } from './postgresLeg.js';

/** Drops the database vitest.config.ts created for the PostgreSQL leg, once every project is done. */
export default function setup(): () => Promise<void> {
  return async () => {
    const created = process.env['TEST_DATABASE_CREATED'];
    if (created !== undefined && created !== '') {
      process.env['TEST_DATABASE_CREATED'] = '';
      await dropDatabase(created);
    }
  };
}
