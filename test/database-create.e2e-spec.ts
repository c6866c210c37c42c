import { dropDatabase, ensureDatabase } from '../libs/db/database';

/**
 * First start on a new server: the API and the worker of `npm start` (and a seed run beside them)
 * create the database at the same moment. One creates it; the others find it made, none fails.
 */
describe('creating the database from several processes at once', () => {
  const url = `${process.env.DATABASE_URL}_create_race`;
  afterAll(() => dropDatabase(url));

  it('creates it exactly once and every caller goes on', async () => {
    for (let round = 0; round < 3; round++) {
      await dropDatabase(url);
      const created = await Promise.all(Array.from({ length: 6 }, () => ensureDatabase(url)));
      expect(created.filter(Boolean)).toHaveLength(1);
    }
  });
});
