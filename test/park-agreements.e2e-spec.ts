import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

/**
 * Parks (DESIGN §5, §14): a park becomes co-built, or stops being co-built, only by an agreement
 * that an admin of the other city accepts; ordinary fields of a co-built park stay editable by
 * either city.
 */
describe('park jurisdictions by agreement (DESIGN §5, §14)', () => {
  let t: TestApp;
  let bbAdmin: TestUser;
  let myAdmin: TestUser;
  let bbManager: TestUser;
  let myManager: TestUser;
  let myWriteKey: TestKey;

  beforeAll(async () => {
    t = await startApp();
    [bbAdmin, myAdmin, bbManager, myManager] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'admin'),
      makeUser(t.ds, t.http, 'mianyang', 'admin'),
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'mianyang', 'manager'),
    ]);
    myWriteKey = await makeApiKey(t.ds, 'mianyang', ['base:read', 'base:write']);
  });
  afterAll(() => t.close());

  const newPark = async (user: TestUser) =>
    (
      await t.http
        .post('/api/v1/parks')
        .set(user.auth)
        .send({ name: uniq('园区'), targetSegments: ['ngit.sensors'] })
        .expect(201)
    ).body as { id: string; version: number; jurisdictions: string[] };
  const getPark = async (id: string) =>
    (await t.http.get(`/api/v1/parks/${id}`).set(bbAdmin.auth).expect(200)).body;

  /** A co-built park made the only way there is: beibei proposes, mianyang's admin accepts. */
  const coBuiltPark = async () => {
    const park = await newPark(bbAdmin);
    const proposal = await t.http
      .post(`/api/v1/parks/${park.id}/jurisdiction-proposals`)
      .set(bbAdmin.auth)
      .send({ jurisdictions: ['beibei', 'mianyang'], note: '共建' })
      .expect(202);
    await t.http.post(`/api/v1/agreements/${proposal.body.id}/accept`).set(myAdmin.auth).send({}).expect(200);
    return getPark(park.id);
  };

  it('one city cannot PATCH the co-built park to itself alone (409 pointing to a proposal)', async () => {
    const park = await coBuiltPark();
    expect(park).toMatchObject({ jurisdictions: ['beibei', 'mianyang'], coBuilt: true });
    for (const [who, body] of [
      [myAdmin, { jurisdictions: ['mianyang'] }],
      [myAdmin, { jurisdictions: ['mianyang'], coBuilt: false }],
      [myWriteKey, { coBuilt: false }],
      [bbAdmin, { jurisdictions: ['beibei'] }],
    ] as const) {
      const res = await t.http
        .patch(`/api/v1/parks/${park.id}`)
        .set(who.auth)
        .set('If-Match', `"${park.version}"`)
        .send(body)
        .expect(409);
      expect(res.body.code).toBe('AGREEMENT_REQUIRED');
      expect(res.body.message).toContain(`/parks/${park.id}/jurisdiction-proposals`);
    }
    expect(await getPark(park.id)).toMatchObject({
      jurisdictions: ['beibei', 'mianyang'],
      version: park.version,
    });
    // Ordinary fields stay editable by either city; naming the same jurisdictions is no change.
    const edit = await t.http
      .patch(`/api/v1/parks/${park.id}`)
      .set(myWriteKey.auth)
      .set('If-Match', `"${park.version}"`)
      .send({ incentives: '两地共享政策', jurisdictions: ['mianyang', 'beibei'], coBuilt: true })
      .expect(200);
    expect(edit.body).toMatchObject({ incentives: '两地共享政策', coBuilt: true, version: park.version + 1 });
  });

  it('a co-built park cannot be created by one city alone', async () => {
    const res = await t.http
      .post('/api/v1/parks')
      .set(bbAdmin.auth)
      .send({ name: uniq('园区'), jurisdictions: ['beibei', 'mianyang'] })
      .expect(409);
    expect(res.body.code).toBe('AGREEMENT_REQUIRED');
  });

  it('co-building takes effect only when the OTHER city’s admin accepts', async () => {
    const park = await newPark(bbAdmin);
    const proposal = (
      await t.http
        .post(`/api/v1/parks/${park.id}/jurisdiction-proposals`)
        .set(bbAdmin.auth)
        .send({ jurisdictions: ['mianyang', 'beibei'] })
        .expect(202)
    ).body;
    expect(proposal).toMatchObject({
      kind: 'park.jurisdictions',
      subject: { entity: 'park', id: park.id },
      proposedBy: { jurisdiction: 'beibei', userId: bbAdmin.id },
      decidingJurisdiction: 'mianyang',
      change: { jurisdictions: ['beibei', 'mianyang'], coBuilt: true },
      status: 'pending',
      waitingOnMe: false,
    });
    expect(await getPark(park.id)).toMatchObject({ jurisdictions: ['beibei'], coBuilt: false });
    // One pending proposal per park.
    const again = await t.http
      .post(`/api/v1/parks/${park.id}/jurisdiction-proposals`)
      .set(myAdmin.auth)
      .send({ jurisdictions: ['beibei', 'mianyang'] })
      .expect(409);
    expect(again.body).toMatchObject({ code: 'AGREEMENT_PENDING', agreementId: proposal.id });
    // Not the proposer, not a manager: only an admin of the other city decides.
    await t.http.post(`/api/v1/agreements/${proposal.id}/accept`).set(bbAdmin.auth).send({}).expect(403);
    const byManager = await t.http
      .post(`/api/v1/agreements/${proposal.id}/accept`)
      .set(myManager.auth)
      .send({})
      .expect(403);
    expect(byManager.body.code).toBe('AGREEMENT_ROLE');
    const waiting = await t.http
      .get('/api/v1/agreements?status=pending&limit=200')
      .set(myAdmin.auth)
      .expect(200);
    expect(waiting.body.items.find((a: { id: string }) => a.id === proposal.id)).toMatchObject({
      waitingOnMe: true,
    });
    const accepted = await t.http
      .post(`/api/v1/agreements/${proposal.id}/accept`)
      .set(myAdmin.auth)
      .send({ note: '同意共建' })
      .expect(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      decidedBy: myAdmin.id,
      decisionNote: '同意共建',
    });
    const after = await getPark(park.id);
    expect(after).toMatchObject({ jurisdictions: ['beibei', 'mianyang'], coBuilt: true, version: 2 });
    const audit = await t.ds.query(
      `SELECT entity, action, jurisdiction FROM audit_entries WHERE entity_id = ANY($1::uuid[]) ORDER BY id`,
      [[park.id, proposal.id]],
    );
    expect(audit).toEqual([
      { entity: 'park', action: 'create', jurisdiction: 'beibei' },
      { entity: 'agreement', action: 'propose', jurisdiction: 'beibei' },
      { entity: 'park', action: 'update', jurisdiction: 'mianyang' },
      { entity: 'agreement', action: 'accept', jurisdiction: 'mianyang' },
    ]);
    expect(
      await t.ds.query(`SELECT 1 FROM outbox WHERE dedupe_key = $1`, [`rematch-affected:park:${park.id}:v2`]),
    ).toHaveLength(1);
    // Decided once: a second decision is a conflict.
    await t.http.post(`/api/v1/agreements/${proposal.id}/decline`).set(myAdmin.auth).send({}).expect(409);
  });

  it('removing a jurisdiction: declined leaves the park as it was; accepted removes it', async () => {
    const park = await coBuiltPark();
    const first = (
      await t.http
        .post(`/api/v1/parks/${park.id}/jurisdiction-proposals`)
        .set(myAdmin.auth)
        .send({ jurisdictions: ['mianyang'] })
        .expect(202)
    ).body;
    expect(first).toMatchObject({
      decidingJurisdiction: 'beibei',
      change: { jurisdictions: ['mianyang'], coBuilt: false },
    });
    await t.http
      .post(`/api/v1/agreements/${first.id}/decline`)
      .set(bbAdmin.auth)
      .send({ note: '不同意' })
      .expect(200);
    expect(await getPark(park.id)).toMatchObject({
      jurisdictions: ['beibei', 'mianyang'],
      version: park.version,
    });

    const second = (
      await t.http
        .post(`/api/v1/parks/${park.id}/jurisdiction-proposals`)
        .set(myAdmin.auth)
        .send({ jurisdictions: ['mianyang'] })
        .expect(202)
    ).body;
    await t.http.post(`/api/v1/agreements/${second.id}/accept`).set(bbAdmin.auth).send({}).expect(200);
    expect(await getPark(park.id)).toMatchObject({ jurisdictions: ['mianyang'], coBuilt: false });
    // Now beibei no longer changes it.
    await t.http
      .patch(`/api/v1/parks/${park.id}`)
      .set(bbAdmin.auth)
      .set('If-Match', `"${park.version + 1}"`)
      .send({ incentives: 'x' })
      .expect(403);
  });

  it('proposals: admins only; bad targets answer 400 naming the field; the proposer withdraws', async () => {
    const park = await newPark(bbAdmin);
    const url = `/api/v1/parks/${park.id}/jurisdiction-proposals`;
    await t.http
      .post(url)
      .set(bbManager.auth)
      .send({ jurisdictions: ['beibei', 'mianyang'] })
      .expect(403);
    for (const body of [
      { jurisdictions: ['beibei'] },
      { jurisdictions: [] },
      { jurisdictions: ['chengdu'] },
      {},
    ]) {
      const res = await t.http.post(url).set(bbAdmin.auth).send(body).expect(400);
      expect(JSON.stringify(res.body.details ?? res.body.message)).toContain('jurisdictions');
    }
    await t.http
      .post('/api/v1/parks/00000000-0000-4000-8000-000000000000/jurisdiction-proposals')
      .set(bbAdmin.auth)
      .send({ jurisdictions: ['beibei', 'mianyang'] })
      .expect(404);
    const p = (
      await t.http
        .post(url)
        .set(bbAdmin.auth)
        .send({ jurisdictions: ['beibei', 'mianyang'] })
        .expect(202)
    ).body;
    await t.http.post(`/api/v1/agreements/${p.id}/withdraw`).set(myAdmin.auth).send({}).expect(403);
    const w = await t.http.post(`/api/v1/agreements/${p.id}/withdraw`).set(bbAdmin.auth).send({}).expect(200);
    expect(w.body.status).toBe('withdrawn');
    await t.http.post(`/api/v1/agreements/${p.id}/accept`).set(myAdmin.auth).send({}).expect(409);
    expect(await getPark(park.id)).toMatchObject({ jurisdictions: ['beibei'], version: 1 });
  });

  it('concurrent accept and withdraw: exactly one wins, the other gets 409', async () => {
    for (let i = 0; i < 3; i++) {
      const park = await newPark(bbAdmin);
      const p = (
        await t.http
          .post(`/api/v1/parks/${park.id}/jurisdiction-proposals`)
          .set(bbAdmin.auth)
          .send({ jurisdictions: ['beibei', 'mianyang'] })
          .expect(202)
      ).body;
      const [accept, withdraw] = await Promise.all([
        t.http.post(`/api/v1/agreements/${p.id}/accept`).set(myAdmin.auth).send({}),
        t.http.post(`/api/v1/agreements/${p.id}/withdraw`).set(bbAdmin.auth).send({}),
      ]);
      expect([accept.status, withdraw.status].sort()).toEqual([200, 409]);
      const after = await getPark(park.id);
      expect(after.coBuilt).toBe(accept.status === 200);
      const row = await t.ds.query(`SELECT status FROM agreements WHERE id = $1`, [p.id]);
      expect(row[0].status).toBe(accept.status === 200 ? 'accepted' : 'withdrawn');
    }
  });

  it('the feed shows the agreement to both cities', async () => {
    const park = await newPark(bbAdmin);
    const p = (
      await t.http
        .post(`/api/v1/parks/${park.id}/jurisdiction-proposals`)
        .set(bbAdmin.auth)
        .send({ jurisdictions: ['beibei', 'mianyang'] })
        .expect(202)
    ).body;
    for (const j of ['beibei', 'mianyang'] as const) {
      const key = await makeApiKey(t.ds, j, ['changes:read']);
      let cursor = '';
      let found: unknown = null;
      for (let page = 0; page < 200 && !found; page++) {
        const res = await t.http
          .get(`/api/v1/sync/changes?entities=agreement&limit=1000&cursor=${cursor}`)
          .set(key.auth)
          .expect(200);
        found = res.body.changes.find((c: { id: string }) => c.id === p.id) ?? null;
        cursor = res.body.nextCursor;
        if (!res.body.hasMore) break;
      }
      expect(found).toMatchObject({
        entity: 'agreement',
        op: 'upsert',
        data: { kind: 'park.jurisdictions' },
      });
    }
  });
});
