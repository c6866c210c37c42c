import { MatchingService } from '../libs/match-store/matching.service';
import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq, randomUscc, makeLead } from './support/factories';

/**
 * DESIGN §7: the first report is per investor (the earliest active lead of any city), and two
 * active leads of one city for the same investor are a duplicate for that city's managers to
 * merge or dismiss, never shown to the partner.
 */
describe('collisions per investor and same-city duplicates (DESIGN §7)', () => {
  let t: TestApp;
  let bOfficer: TestUser;
  let bManager: TestUser;
  let mOfficer: TestUser;
  let mManager: TestUser;

  beforeAll(async () => {
    t = await startApp();
    [bOfficer, bManager, mOfficer, mManager] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'officer'),
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'mianyang', 'officer'),
      makeUser(t.ds, t.http, 'mianyang', 'manager'),
    ]);
  });
  afterAll(() => t.close());

  const create = (user: TestUser, name: string, over: Record<string, unknown> = {}) =>
    makeLead(t.http, user, { investor: { name }, ...over });
  const stage = (user: TestUser, id: string, to: string) =>
    t.http.post(`/api/v1/leads/${id}/stage`).set(user.auth).send({ stage: to }).expect(200);
  const firstReports = async (leadIds: string[]) =>
    (
      await t.ds.query(
        `SELECT lead_ids, first_reported_by FROM collisions WHERE lead_ids && $1::uuid[] ORDER BY created_at`,
        [leadIds],
      )
    ).map((r: { first_reported_by: string }) => r.first_reported_by);
  const duplicatesOf = async (manager: TestUser, leadId: string) =>
    (
      await t.http.get('/api/v1/duplicates').query({ limit: 200 }).set(manager.auth).expect(200)
    ).body.items.filter((d: { older: { leadId: string }; newer: { leadId: string } }) =>
      [d.older.leadId, d.newer.leadId].includes(leadId),
    );

  it('first report is the investor’s earliest active lead, whichever pair collided; recomputed when it is lost', async () => {
    const core = `星河${uniq()}储能`;
    const b1 = await create(bOfficer, `${core}有限公司`);
    const m1 = await create(mOfficer, `江苏${core}股份有限公司`);
    expect(m1.collisions).toMatchObject([{ otherJurisdiction: 'beibei', firstReportedBy: 'beibei' }]);
    // B2 is newer than M1, but the investor was first reported by beibei (B1).
    const b2 = await create(bOfficer, `${core}（成都）有限公司`);
    expect(b2.collisions).toMatchObject([{ otherJurisdiction: 'mianyang', firstReportedBy: 'beibei' }]);
    expect(await firstReports([b1.id, b2.id])).toEqual(['beibei', 'beibei']);

    // The earliest lead is lost: mianyang's lead is now the earliest active one.
    await stage(bOfficer, b1.id, 'lost');
    expect(await firstReports([b1.id, b2.id])).toEqual(['mianyang', 'mianyang']);
    const fromB = await t.http.get('/api/v1/collisions').query({ limit: 200 }).set(bManager.auth).expect(200);
    expect(fromB.body.items.find((c: { mine: { leadId: string } }) => c.mine.leadId === b2.id)).toMatchObject(
      {
        firstReportedBy: 'mianyang',
      },
    );
    // A manager reopens it: beibei again.
    await stage(bManager, b1.id, 'lead');
    expect(await firstReports([b1.id, b2.id])).toEqual(['beibei', 'beibei']);
  });

  it('dismissing a pair as different investors takes it out of the investor', async () => {
    const core = `云帆${uniq()}芯片`;
    const m1 = await create(mOfficer, `${core}有限公司`);
    const b1 = await create(bOfficer, `重庆${core}有限公司`);
    const b2 = await create(bOfficer, `${core}科技有限公司`);
    expect(await firstReports([b1.id, b2.id])).toEqual(['mianyang', 'mianyang']);
    const [dup] = await duplicatesOf(bManager, b1.id);
    const dismissed = await t.http
      .post(`/api/v1/duplicates/${dup.id}/dismiss`)
      .set(bManager.auth)
      .send({ note: '不是同一家' })
      .expect(200);
    expect(dismissed.body).toMatchObject({
      status: 'dismissed',
      note: '不是同一家',
      resolvedBy: bManager.id,
    });
    await t.http.post(`/api/v1/duplicates/${dup.id}/merge`).set(bManager.auth).send({}).expect(409);
    expect(m1.collisions).toEqual([]);
  });

  it('same-city duplicates: shown to that city’s managers only, never to the partner or officers', async () => {
    const core = `蓝鲸${uniq()}材料`;
    const l1 = await create(bOfficer, `${core}有限公司`);
    const l2 = await create(bOfficer, `四川${core}股份有限公司`);
    expect(l2.collisions).toEqual([]);
    const [dup] = await duplicatesOf(bManager, l1.id);
    expect(dup).toMatchObject({
      status: 'open',
      basis: 'name',
      older: { leadId: l1.id, title: l1.title, stage: 'lead' },
      newer: { leadId: l2.id, title: l2.title },
    });
    expect(await duplicatesOf(mManager, l1.id)).toEqual([]);
    await t.http.get('/api/v1/duplicates').set(bOfficer.auth).expect(403);
    await t.http.post(`/api/v1/duplicates/${dup.id}/merge`).set(mManager.auth).send({}).expect(404);
    await t.http.post(`/api/v1/duplicates/${dup.id}/merge`).set(bOfficer.auth).send({}).expect(403);
    const feed = JSON.stringify(
      (await t.http.get('/api/v1/collisions').query({ limit: 200 }).set(mManager.auth).expect(200)).body,
    );
    expect(feed).not.toContain(l1.id);
  });

  it('merge keeps the older lead: timeline, refs and missing contacts move; the newer is lost; matches withdrawn', async () => {
    const core = `海燕${uniq()}电机`;
    const refA = { system: 'crm', id: uniq('A') };
    const refB = { system: 'crm', id: uniq('B') };
    const older = await create(bOfficer, `${core}有限公司`, {
      contacts: [{ name: '张三', phone: '13800000001' }],
      externalRefs: [refA],
    });
    const uscc = randomUscc();
    const newer = await create(bOfficer, `绵阳市${core}股份有限公司`, {
      investor: { name: `绵阳市${core}股份有限公司`, uscc },
      contacts: [
        { name: '张三', phone: '13800000001' },
        { name: '李四', email: 'li@example.cn' },
      ],
      externalRefs: [refB],
      stage: 'visited',
    });
    // Mianyang's lead names the investor by its USCC only: it collides with the newer lead alone.
    const other = await create(mOfficer, `完全不同${uniq()}`, {
      investor: { name: `完全不同${uniq()}`, uscc },
    });
    await t.http
      .post(`/api/v1/leads/${newer.id}/activities`)
      .set(bOfficer.auth)
      .send({ type: 'visit', summary: '实地考察' })
      .expect(201);
    const [park] = await t.ds.query(`SELECT id FROM parks LIMIT 1`);
    await t.ds.query(
      `INSERT INTO matches (lead_id, kind, park_id, score, algorithm_version, lead_version) VALUES ($1, 'park', $2, 0.5, 'test', 1)`,
      [newer.id, park.id],
    );
    // The newer lead's own collision (with mianyang's lead) exists before the merge.
    expect(other.collisions).toHaveLength(1);
    expect(await firstReports([older.id])).toHaveLength(0);

    const [dup] = await duplicatesOf(bManager, older.id);
    const merged = await t.http
      .post(`/api/v1/duplicates/${dup.id}/merge`)
      .set(bManager.auth)
      .send({ note: '同一投资方' })
      .expect(200);
    expect(merged.body).toMatchObject({
      status: 'merged',
      older: { leadId: older.id },
      newer: { stage: 'lost' },
    });

    const kept = (await t.http.get(`/api/v1/leads/${older.id}`).set(bManager.auth).expect(200)).body;
    expect(kept.contacts).toEqual([
      { name: '张三', phone: '13800000001' },
      { name: '李四', email: 'li@example.cn' },
    ]);
    expect(kept.externalRefs).toEqual([refA, refB]);
    const gone = (await t.http.get(`/api/v1/leads/${newer.id}`).set(bManager.auth).expect(200)).body;
    expect(gone).toMatchObject({ stage: 'lost', externalRefs: [] });
    const timeline = (
      await t.http
        .get(`/api/v1/leads/${older.id}/activities`)
        .query({ limit: 50 })
        .set(bManager.auth)
        .expect(200)
    ).body.items.map((a: { summary: string }) => a.summary);
    expect(timeline).toEqual(expect.arrayContaining(['实地考察', expect.stringContaining('合并了重复线索')]));
    const goneTimeline = (
      await t.http.get(`/api/v1/leads/${newer.id}/activities`).set(bManager.auth).expect(200)
    ).body.items;
    expect(goneTimeline).toEqual([
      expect.objectContaining({ type: 'stage_change', fromStage: 'visited', toStage: 'lost' }),
    ]);
    expect(await t.ds.query(`SELECT status FROM matches WHERE lead_id = $1`, [newer.id])).toEqual([
      { status: 'withdrawn' },
    ]);
    // A match job queued before the merge runs only now: the lost lead's matches stay withdrawn,
    // and its matches read as settled, not pending.
    const late = await t.app.get(MatchingService).matchLeads([{ leadId: newer.id }]);
    expect(late).toMatchObject({ matched: 0, skippedLost: 1, proposed: 0 });
    expect(await t.ds.query(`SELECT status FROM matches WHERE lead_id = $1`, [newer.id])).toEqual([
      { status: 'withdrawn' },
    ]);
    const goneMatches = await t.http.get(`/api/v1/leads/${newer.id}/matches`).set(bManager.auth).expect(200);
    expect(goneMatches.body.status).toBe('ready');
    // The ref index follows the refs: a partner pushing refB now reaches the kept lead.
    expect(
      await t.ds.query(`SELECT entity_id FROM external_ref_index WHERE system = $1 AND external_id = $2`, [
        refB.system,
        refB.id,
      ]),
    ).toEqual([{ entity_id: older.id }]);
    // The collision with mianyang's lead now belongs to the kept lead (the investor's lead).
    const collisions = await t.ds.query(`SELECT lead_ids FROM collisions WHERE $1 = ANY(lead_ids)`, [
      other.id,
    ]);
    expect(collisions.map((c: { lead_ids: string[] }) => c.lead_ids)).toEqual([[older.id, other.id]]);
    const audit = await t.ds.query(
      `SELECT entity, entity_id, action FROM audit_entries WHERE action = 'merge' AND entity_id = ANY($1::uuid[]) ORDER BY id`,
      [[older.id, newer.id, dup.id]],
    );
    expect(audit).toEqual([
      { entity: 'lead', entity_id: newer.id, action: 'merge' },
      { entity: 'lead', entity_id: older.id, action: 'merge' },
      { entity: 'duplicate', entity_id: dup.id, action: 'merge' },
    ]);
    await t.http.post(`/api/v1/duplicates/${dup.id}/merge`).set(bManager.auth).send({}).expect(409);
  });

  it('two managers merging at once: one merge, the other 409', async () => {
    const core = `飞鱼${uniq()}电子`;
    const a = await create(bOfficer, `${core}有限公司`);
    await create(bOfficer, `${core}（重庆）有限公司`);
    const [dup] = await duplicatesOf(bManager, a.id);
    const other = await makeUser(t.ds, t.http, 'beibei', 'manager');
    const results = await Promise.all([
      t.http.post(`/api/v1/duplicates/${dup.id}/merge`).set(bManager.auth).send({}),
      t.http.post(`/api/v1/duplicates/${dup.id}/merge`).set(other.auth).send({}),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
