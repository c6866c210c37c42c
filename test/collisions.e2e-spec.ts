import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq, randomUscc, makeLead } from './support/factories';

/** 撞单 (DESIGN §7): detection on create and investor change, visibility, and each resolution. */
describe('collisions (DESIGN §7)', () => {
  let t: TestApp;
  let mOfficer: TestUser;
  let mManager: TestUser;
  let bOfficer: TestUser;
  let bManager: TestUser;

  beforeAll(async () => {
    t = await startApp();
    mOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    mManager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    bOfficer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    bManager = await makeUser(t.ds, t.http, 'beibei', 'manager');
  });
  afterAll(() => t.close());

  const create = async (
    user: TestUser,
    investor: Record<string, unknown>,
    over: Record<string, unknown> = {},
  ) => makeLead(t.http, user, { investor, ...over });
  const collisionsOf = async (manager: TestUser, leadId: string) => {
    const res = await t.http.get('/api/v1/collisions').query({ limit: 200 }).set(manager.auth).expect(200);
    return res.body.items.filter((c: { mine: { leadId: string } }) => c.mine.leadId === leadId);
  };

  it('detects the same USCC under another name; the older lead’s city reported first', async () => {
    const uscc = randomUscc('9151070');
    const older = await create(mOfficer, { name: `甲公司${uniq()}`, uscc });
    expect(older.collisions).toEqual([]);
    const newer = await create(bOfficer, { name: `完全不同的名字${uniq()}`, uscc });
    expect(newer.collisions).toEqual([
      {
        id: expect.any(String),
        otherJurisdiction: 'mianyang',
        basis: 'uscc',
        similarity: 1,
        firstReportedBy: 'mianyang',
      },
    ]);
    const row = await t.ds.query(`SELECT lead_ids, jurisdictions, status FROM collisions WHERE id = $1`, [
      newer.collisions[0].id,
    ]);
    expect(row[0]).toEqual({
      lead_ids: [older.id, newer.id],
      jurisdictions: ['beibei', 'mianyang'],
      status: 'open',
    });
    const events = await t.ds.query(`SELECT type FROM domain_events WHERE entity_id = $1`, [
      newer.collisions[0].id,
    ]);
    expect(events).toEqual([{ type: 'collision.detected' }]);
  });

  it.each([
    ['股份有限公司 vs 有限公司', '股份有限公司', '有限公司'],
    ['有限公司 vs no suffix', '有限公司', ''],
    ['no suffix vs 股份有限公司', '', '股份有限公司'],
    ['集团股份有限公司 vs 集团', '集团股份有限公司', '集团'],
  ])('detects similar names (%s)', async (_label, suffixA, suffixB) => {
    const core = `星河${uniq()}新能源科技`;
    await create(mOfficer, { name: `${core}${suffixA}` });
    const newer = await create(bOfficer, { name: `${core}${suffixB}` });
    expect(newer.collisions).toHaveLength(1);
    expect(newer.collisions[0]).toMatchObject({
      basis: 'name',
      otherJurisdiction: 'mianyang',
      firstReportedBy: 'mianyang',
    });
    expect(newer.collisions[0].similarity).toBeGreaterThanOrEqual(0.6);
  });

  it('detects a near-identical name (one word differs slightly) at similarity ≥ 0.6', async () => {
    const u = uniq();
    await create(mOfficer, { name: `Contemporary Amperex Technology ${u} Co., Ltd.` });
    const newer = await create(bOfficer, { name: `Contemporary Amperex Technology ${u} Limited` });
    expect(newer.collisions).toHaveLength(1);
  });

  it('does not collide clearly different investors, leads of the same city, or lost leads', async () => {
    const u = uniq();
    await create(mOfficer, { name: `重庆精密机械${u}有限公司` });
    const different = await create(bOfficer, { name: `绵阳华丰生物医药股份有限公司${uniq()}` });
    expect(different.collisions).toEqual([]);

    const same = await create(mOfficer, { name: `重庆精密机械${u}股份有限公司` });
    expect(same.collisions).toEqual([]);

    const core = `已流失${uniq()}电子`;
    const lost = await create(mOfficer, { name: `${core}有限公司` });
    await t.http
      .post(`/api/v1/leads/${lost.id}/stage`)
      .set(mOfficer.auth)
      .send({ stage: 'lost' })
      .expect(200);
    const after = await create(bOfficer, { name: `${core}有限公司` });
    expect(after.collisions).toEqual([]);
  });

  it('detects when an investor changes (PATCH), and never duplicates a known pair', async () => {
    const name = `后改名${uniq()}材料有限公司`;
    const m = await create(mOfficer, { name });
    const b = await create(bOfficer, { name: `别的${uniq()}公司` });
    expect(b.collisions).toEqual([]);
    await t.http
      .patch(`/api/v1/leads/${b.id}`)
      .set(bOfficer.auth)
      .set('If-Match', '"1"')
      .send({ investor: { name } })
      .expect(200);
    const mine = await collisionsOf(bManager, b.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].other).toMatchObject({ jurisdiction: 'mianyang', stage: 'lead' });
    // another change of the name keeps the one collision
    await t.http
      .patch(`/api/v1/leads/${b.id}`)
      .set(bOfficer.auth)
      .set('If-Match', '"2"')
      .send({ investor: { name: `${name} `.trim() + '（成都）' } })
      .expect(200);
    expect(await collisionsOf(bManager, b.id)).toHaveLength(1);
    const pairs = await t.ds.query(`SELECT count(*)::int AS n FROM collisions WHERE $1 = ANY(lead_ids)`, [
      m.id,
    ]);
    expect(pairs[0].n).toBe(1);
  });

  it('finds exactly one collision when both cities create at the same time', async () => {
    const uscc = randomUscc('9151070');
    const [a, b] = await Promise.all([
      create(mOfficer, { name: `同时${uniq()}`, uscc }),
      create(bOfficer, { name: `同时${uniq()}`, uscc }),
    ]);
    expect(a.collisions.length + b.collisions.length).toBe(1);
  });

  it('shows managers of both cities that a collision exists, hiding a private other lead’s details', async () => {
    const uscc = randomUscc('9151070');
    const m = await create(mOfficer, { name: `私密${uniq()}`, uscc }, { stage: 'visited' });
    const b = await create(bOfficer, { name: `北碚${uniq()}`, uscc }, { sharing: 'shared' });
    const fromB = (await collisionsOf(bManager, b.id))[0];
    expect(fromB).toMatchObject({
      basis: 'uscc',
      firstReportedBy: 'mianyang',
      status: 'open',
      mine: { leadId: b.id, stage: 'lead', title: b.title },
      other: { jurisdiction: 'mianyang', stage: 'visited' },
    });
    expect(fromB.other).not.toHaveProperty('leadId');
    expect(fromB.other).not.toHaveProperty('title');
    expect(JSON.stringify(fromB)).not.toContain(m.id);
    expect(JSON.stringify(fromB)).not.toContain(m.title);

    // the mianyang manager sees the shared beibei lead's id and title
    const fromM = (await collisionsOf(mManager, m.id))[0];
    expect(fromM.id).toBe(fromB.id);
    expect(fromM.other).toMatchObject({
      jurisdiction: 'beibei',
      stage: 'lead',
      leadId: b.id,
      title: b.title,
    });
    // the private lead itself stays invisible to beibei
    await t.http.get(`/api/v1/leads/${m.id}`).set(bManager.auth).expect(404);
  });

  it('shows the code name, not the title, of a confidential shared other lead', async () => {
    const uscc = randomUscc('9151070');
    const m = await create(
      mOfficer,
      { name: `保密${uniq()}`, uscc },
      { sharing: 'shared', confidential: true, codeName: '代号X' },
    );
    const b = await create(bOfficer, { name: `北碚${uniq()}`, uscc });
    const fromB = (await collisionsOf(bManager, b.id))[0];
    expect(fromB.other).toMatchObject({ leadId: m.id, title: '代号X' });
  });

  describe('resolution', () => {
    const pair = async () => {
      const uscc = randomUscc('9151070');
      const m = await create(mOfficer, { name: `解决${uniq()}`, uscc });
      const b = await create(bOfficer, { name: `解决${uniq()}`, uscc });
      return { m, b, collisionId: b.collisions[0].id as string };
    };
    const resolve = (user: TestUser, id: string, body: Record<string, unknown>) =>
      t.http.post(`/api/v1/collisions/${id}/resolve`).set(user.auth).send(body);

    it('joint is a proposal: nothing about the other city’s lead changes until ITS manager accepts', async () => {
      const { m, b, collisionId } = await pair();
      const res = await resolve(bManager, collisionId, { resolution: 'joint', note: '联合招商' }).expect(202);
      expect(res.body).toMatchObject({
        status: 'open',
        version: 1,
        pendingAgreement: { resolution: 'joint', proposedBy: 'beibei', waitingOnMe: false, note: '联合招商' },
      });
      const agreementId = res.body.pendingAgreement.id;
      // Still private, unlinked, invisible to beibei: no city makes the other's private lead visible.
      expect((await t.http.get(`/api/v1/leads/${m.id}`).set(mOfficer.auth).expect(200)).body).toMatchObject({
        sharing: 'private',
        linkedLeadIds: [],
        version: 1,
      });
      await t.http.get(`/api/v1/leads/${m.id}`).set(bManager.auth).expect(404);
      // The proposer cannot accept its own proposal; a second proposal waits for the first.
      await t.http.post(`/api/v1/agreements/${agreementId}/accept`).set(bManager.auth).send({}).expect(403);
      const second = await resolve(mManager, collisionId, { resolution: 'dismissed' }).expect(409);
      expect(second.body).toMatchObject({ code: 'AGREEMENT_PENDING', agreementId });
      await t.http.post(`/api/v1/agreements/${agreementId}/accept`).set(mOfficer.auth).send({}).expect(403);
      // Mianyang's manager sees what waits on them, and accepts.
      const fromM = (await collisionsOf(mManager, m.id))[0];
      expect(fromM.pendingAgreement).toMatchObject({ id: agreementId, waitingOnMe: true });
      const accepted = await t.http
        .post(`/api/v1/agreements/${agreementId}/accept`)
        .set(mManager.auth)
        .send({ note: '同意' })
        .expect(200);
      expect(accepted.body).toMatchObject({
        status: 'accepted',
        kind: 'collision.resolve',
        change: { resolution: 'joint' },
      });
      const now = (await collisionsOf(mManager, m.id))[0];
      expect(now).toMatchObject({
        status: 'joint',
        resolvedBy: mManager.id,
        note: '联合招商',
        pendingAgreement: null,
      });
      const mNow = await t.http.get(`/api/v1/leads/${m.id}`).set(mOfficer.auth).expect(200);
      const bNow = await t.http.get(`/api/v1/leads/${b.id}`).set(bOfficer.auth).expect(200);
      expect(mNow.body).toMatchObject({ sharing: 'shared', linkedLeadIds: [b.id], version: 2 });
      expect(bNow.body).toMatchObject({ sharing: 'shared', linkedLeadIds: [m.id], version: 2 });
      await t.http.get(`/api/v1/leads/${m.id}`).set(bOfficer.auth).expect(200);
      const audit = await t.ds.query(
        `SELECT entity, action, jurisdiction FROM audit_entries WHERE entity_id = ANY($1::uuid[]) AND action <> 'create' ORDER BY id`,
        [[m.id, b.id, collisionId, agreementId]],
      );
      expect(audit).toEqual([
        { entity: 'agreement', action: 'propose', jurisdiction: 'beibei' },
        { entity: 'lead', action: 'collision_joint', jurisdiction: 'mianyang' },
        { entity: 'lead', action: 'collision_joint', jurisdiction: 'beibei' },
        { entity: 'collision', action: 'resolve', jurisdiction: 'mianyang' },
        { entity: 'agreement', action: 'accept', jurisdiction: 'mianyang' },
      ]);
      const events = await t.ds.query(
        `SELECT type FROM domain_events WHERE entity_id = $1 ORDER BY occurred_at, type`,
        [agreementId],
      );
      expect(events.map((e: { type: string }) => e.type).sort()).toEqual([
        'agreement.decided',
        'agreement.proposed',
      ]);
      const again = await resolve(mManager, collisionId, { resolution: 'dismissed' }).expect(409);
      expect(again.body.code).toBe('COLLISION_ALREADY_RESOLVED');
    });

    it('yielding one’s own lead withdraws a pending proposal and leaves the other lead alone', async () => {
      const { m, b, collisionId } = await pair();
      const proposal = await resolve(bManager, collisionId, { resolution: 'joint' }).expect(202);
      await resolve(mManager, collisionId, { resolution: 'yielded' }).expect(200);
      const agreement = await t.http
        .get(`/api/v1/agreements/${proposal.body.pendingAgreement.id}`)
        .set(bManager.auth)
        .expect(200);
      expect(agreement.body.status).toBe('withdrawn');
      expect((await t.http.get(`/api/v1/leads/${m.id}`).set(mOfficer.auth).expect(200)).body.stage).toBe(
        'lost',
      );
      expect((await t.http.get(`/api/v1/leads/${b.id}`).set(bOfficer.auth).expect(200)).body).toMatchObject({
        stage: 'lead',
        sharing: 'private',
        version: 1,
      });
    });

    it('yielded follows the stage rules: a lead on hold answers 409 with the allowed stages', async () => {
      const { b, collisionId } = await pair();
      await t.http
        .post(`/api/v1/leads/${b.id}/stage`)
        .set(bOfficer.auth)
        .send({ stage: 'on_hold' })
        .expect(200);
      const res = await resolve(bManager, collisionId, { resolution: 'yielded' }).expect(409);
      expect(res.body).toMatchObject({ code: 'LEAD_STAGE_TRANSITION_NOT_ALLOWED', allowed: ['lead'] });
    });

    it('yielded: the resolving manager’s own lead moves to lost, with a timeline entry', async () => {
      const { m, b, collisionId } = await pair();
      const res = await resolve(bManager, collisionId, { resolution: 'yielded', note: '首报首谈' }).expect(
        200,
      );
      expect(res.body).toMatchObject({
        status: 'yielded',
        yieldedBy: 'beibei',
        mine: { leadId: b.id, stage: 'lost' },
      });
      const bNow = await t.http.get(`/api/v1/leads/${b.id}`).set(bOfficer.auth).expect(200);
      expect(bNow.body.stage).toBe('lost');
      const mNow = await t.http.get(`/api/v1/leads/${m.id}`).set(mOfficer.auth).expect(200);
      expect(mNow.body).toMatchObject({ stage: 'lead', version: 1 });
      const tl = await t.http.get(`/api/v1/leads/${b.id}/activities`).set(bOfficer.auth).expect(200);
      expect(tl.body.items[0]).toMatchObject({ type: 'stage_change', fromStage: 'lead', toStage: 'lost' });
    });

    it('dismissed: declined changes nothing; accepted changes only the status', async () => {
      const { m, b, collisionId } = await pair();
      const first = await resolve(mManager, collisionId, { resolution: 'dismissed' }).expect(202);
      const declined = await t.http
        .post(`/api/v1/agreements/${first.body.pendingAgreement.id}/decline`)
        .set(bManager.auth)
        .send({ note: '是同一家' })
        .expect(200);
      expect(declined.body).toMatchObject({ status: 'declined', decisionNote: '是同一家' });
      expect((await collisionsOf(mManager, m.id))[0]).toMatchObject({
        status: 'open',
        pendingAgreement: null,
      });
      const second = await resolve(mManager, collisionId, { resolution: 'dismissed' }).expect(202);
      await t.http
        .post(`/api/v1/agreements/${second.body.pendingAgreement.id}/accept`)
        .set(bManager.auth)
        .send({})
        .expect(200);
      expect((await collisionsOf(mManager, m.id))[0]).toMatchObject({
        status: 'dismissed',
        resolvedBy: bManager.id,
      });
      for (const [lead, user] of [
        [m, mOfficer],
        [b, bOfficer],
      ] as const) {
        const now = await t.http.get(`/api/v1/leads/${lead.id}`).set(user.auth).expect(200);
        expect(now.body).toMatchObject({ version: 1, sharing: 'private', stage: 'lead' });
      }
      const audit = await t.ds.query(
        `SELECT action FROM audit_entries WHERE entity = 'collision' AND entity_id = $1`,
        [collisionId],
      );
      expect(audit).toEqual([{ action: 'resolve' }]);
      const open = await t.http
        .get('/api/v1/collisions')
        .query({ status: 'open', limit: 200 })
        .set(mManager.auth)
        .expect(200);
      expect(open.body.items.map((c: { id: string }) => c.id)).not.toContain(collisionId);
    });

    it('shows an officer the collisions on the leads they own, and no others', async () => {
      const uscc = randomUscc('9151070');
      const other = await makeUser(t.ds, t.http, 'beibei', 'officer');
      await create(mOfficer, { name: `乙公司${uniq()}`, uscc });
      const mine = await create(bOfficer, { name: `乙公司${uniq()}`, uscc });
      const own = await t.http.get('/api/v1/collisions').query({ limit: 200 }).set(bOfficer.auth).expect(200);
      expect(own.body.items.map((c: { mine: { leadId: string } }) => c.mine.leadId)).toContain(mine.id);
      const notMine = await t.http
        .get('/api/v1/collisions')
        .query({ limit: 200 })
        .set(other.auth)
        .expect(200);
      expect(notMine.body.items).toEqual([]);
    });

    it('refuses officers (403), unknown ids (404) and bad resolutions (400)', async () => {
      const { collisionId } = await pair();
      await resolve(bOfficer, collisionId, { resolution: 'joint' }).expect(403);
      await resolve(bManager, '00000000-0000-4000-8000-000000000000', { resolution: 'joint' }).expect(404);
      await resolve(bManager, 'nope', { resolution: 'joint' }).expect(404);
      const bad = await resolve(bManager, collisionId, { resolution: 'merge' }).expect(400);
      expect(bad.body.details[0].field).toBe('resolution');
      await resolve(bManager, collisionId, { resolution: 'joint', extra: 1 }).expect(400);
    });

    it('pages the collision list with a cursor', async () => {
      await pair();
      await pair();
      const p1 = await t.http.get('/api/v1/collisions').query({ limit: 1 }).set(bManager.auth).expect(200);
      expect(p1.body.items).toHaveLength(1);
      const p2 = await t.http
        .get('/api/v1/collisions')
        .query({ limit: 1, cursor: p1.body.nextCursor })
        .set(bManager.auth)
        .expect(200);
      expect(p2.body.items[0].id).not.toBe(p1.body.items[0].id);
      await t.http.get('/api/v1/collisions').query({ cursor: 'garbage' }).set(bManager.auth).expect(400);
    });
  });
});
