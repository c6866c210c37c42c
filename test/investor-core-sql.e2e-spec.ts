import { INVESTOR_PAIRS } from '../libs/collisions/investor-pairs';
import { coresCollide, coresCollideSql, normaliseInvestorName } from '../libs/leads/investor-name';
import { TestApp, startApp } from './support/app';
import { TestUser, makeUser } from './support/factories';

/**
 * The collision rule of DESIGN §7 has a TypeScript form (coresCollide) and an SQL form
 * (coresCollideSql, with the index lookups of the detector around it). Both must give the
 * table's answer for every pair: in Postgres directly, and through POST /leads of two cities
 * (collision) and of one city (duplicate).
 */
describe('investor cores: TypeScript and SQL agree (DESIGN §7)', () => {
  let t: TestApp;
  let mOfficer: TestUser;
  let bOfficer: TestUser;

  beforeAll(async () => {
    t = await startApp();
    mOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    bOfficer = await makeUser(t.ds, t.http, 'beibei', 'officer');
  });
  afterAll(() => t.close());

  it('coresCollideSql answers as coresCollide for every pair of the table', async () => {
    const cores = INVESTOR_PAIRS.map(([a, b]) => [normaliseInvestorName(a), normaliseInvestorName(b)]);
    const rows: { same: boolean }[] = await t.ds.query(
      `SELECT ${coresCollideSql('a', 'b')} AS same FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(a, b, n) ORDER BY n`,
      [cores.map((c) => c[0]), cores.map((c) => c[1])],
    );
    expect(rows.map((r) => r.same)).toEqual(cores.map(([a, b]) => coresCollide(a, b)));
    expect(rows.map((r) => r.same)).toEqual(INVESTOR_PAIRS.map((p) => p[2]));
  });

  const create = async (user: TestUser, name: string) =>
    (
      await t.http
        .post('/api/v1/leads')
        .set(user.auth)
        .send({ title: `撞单核对 ${name}`, investor: { name }, segments: ['nev.battery-cell'] })
        .expect(201)
    ).body as { id: string; collisions: { id: string }[] };

  it.each(INVESTOR_PAIRS)('POST /leads: %s | %s → %s', async (a, b, same) => {
    const older = await create(mOfficer, a);
    const partner = await create(bOfficer, b);
    const twin = await create(mOfficer, b);
    const collision = await t.ds.query(`SELECT id FROM collisions WHERE lead_ids = $1::uuid[]`, [
      [older.id, partner.id],
    ]);
    const duplicate = await t.ds.query(`SELECT 1 FROM lead_duplicates WHERE lead_ids = $1::uuid[]`, [
      [older.id, twin.id],
    ]);
    expect(collision.length === 1).toBe(same);
    expect(partner.collisions.some((c) => c.id === collision[0]?.id)).toBe(same);
    expect(duplicate.length === 1).toBe(same);
    // Out of the way of the next pair (only active leads collide).
    await t.ds.query(`UPDATE leads SET stage = 'lost' WHERE id = ANY($1::uuid[])`, [
      [older.id, partner.id, twin.id],
    ]);
  });
});
