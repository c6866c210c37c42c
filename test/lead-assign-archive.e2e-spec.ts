import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';
import { feedHead } from './support/feed';
import { RunningWorker, ownQueuePrefix, scratchDatabase, startWorker } from './support/matching-worker';
import { waitFor } from './support/wait';

type Db = Awaited<ReturnType<typeof scratchDatabase>>;

/**
 * Managers' daily work on leads (DESIGN §4–5, §18): reassigning owners, the 待分配 queue of leads
 * pushed without an owner, archiving (a tombstone in the feed), and reading the audit trail by
 * who, what and when. The worker runs (on a database of the suite's own) so the notifications
 * an assignment causes really arrive.
 */
describe('assign, 待分配, archive and audit filters', () => {
  let db: Db;
  let t: TestApp;
  let worker: RunningWorker;
  let bOfficer: TestUser;
  let bOfficer2: TestUser;
  let bManager: TestUser;
  let mOfficer: TestUser;
  let mManager: TestUser;
  let key: TestKey;
  let mKey: TestKey;
  const prefix = ownQueuePrefix();

  beforeAll(async () => {
    db = await scratchDatabase('assign');
    t = await startApp({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    worker = await startWorker(db.url, { QUEUE_PREFIX: prefix });
    bOfficer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    bOfficer2 = await makeUser(t.ds, t.http, 'beibei', 'officer');
    bManager = await makeUser(t.ds, t.http, 'beibei', 'manager');
    mOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    mManager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    key = await makeApiKey(t.ds, 'beibei', ['leads:write', 'leads:read', 'changes:read']);
    mKey = await makeApiKey(t.ds, 'mianyang', ['changes:read']);
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await db?.drop();
  });

  const notices = async (user: TestUser) =>
    (await t.http.get('/api/v1/notifications').set(user.auth).expect(200)).body.items as {
      type: string;
      link: string;
    }[];
  const told = (user: TestUser, leadId: string) =>
    waitFor(
      `lead_assigned for ${user.username}`,
      async () =>
        (await notices(user)).some((n) => n.type === 'lead_assigned' && n.link === `/leads/${leadId}`),
      30_000,
    );
  const createLead = async (user: TestUser, over: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/api/v1/leads')
        .set(user.auth)
        .send({
          title: uniq('电池模组项目'),
          investor: { name: uniq('重庆测试新能源科技有限公司') },
          segments: ['nev.battery-pack'],
          ...over,
        })
        .expect(201)
    ).body;
  const push = async (items: Record<string, unknown>[]) =>
    (await t.http.put('/api/v1/sync/leads').set(key.auth).send({ items }).expect(200)).body.results;
  const syncItem = (id: string, over: Record<string, unknown> = {}) => ({
    externalRef: { system: 'partner-crm', id },
    title: `推送项目 ${id}`,
    investor: { name: `推送测试企业${id}有限公司` },
    segments: ['nev.battery-pack'],
    ...over,
  });

  it('a manager reassigns an owner: audited, the new owner is told; officers and the partner city may not', async () => {
    const lead = await createLead(bOfficer, { sharing: 'shared' });
    await t.http
      .post(`/api/v1/leads/${lead.id}/assign`)
      .set(bOfficer.auth)
      .send({ ownerId: bOfficer2.id })
      .expect(403);
    await t.http
      .post(`/api/v1/leads/${lead.id}/assign`)
      .set(mManager.auth)
      .send({ ownerId: mOfficer.id })
      .expect(403);
    // The target must be an active user of the lead's city.
    const bad = await t.http
      .post(`/api/v1/leads/${lead.id}/assign`)
      .set(bManager.auth)
      .send({ ownerId: mOfficer.id })
      .expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('ownerId');
    await t.http
      .post(`/api/v1/leads/${lead.id}/assign`)
      .set(bManager.auth)
      .send({ ownerId: 'x' })
      .expect(400);

    const res = await t.http
      .post(`/api/v1/leads/${lead.id}/assign`)
      .set(bManager.auth)
      .send({ ownerId: bOfficer2.id })
      .expect(200);
    expect(res.body).toMatchObject({ ownerId: bOfficer2.id, version: lead.version + 1 });
    expect(res.headers.etag).toBe(`"${lead.version + 1}"`);
    await told(bOfficer2, lead.id);
    const audit = await t.http
      .get('/api/v1/audit')
      .query({ entity: 'lead', entityId: lead.id, action: 'assign' })
      .set(bManager.auth)
      .expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      actor: { id: bManager.id, displayName: '测试manager', jurisdiction: 'beibei' },
      changes: { ownerId: { before: bOfficer.id, after: bOfficer2.id } },
    });
    // Assignees: the active users of the manager's city only.
    const people = await t.http.get('/api/v1/leads/assignees').set(bManager.auth).expect(200);
    const ids = people.body.items.map((u: { id: string }) => u.id);
    expect(ids).toEqual(expect.arrayContaining([bOfficer.id, bOfficer2.id, bManager.id]));
    expect(ids).not.toContain(mOfficer.id);
    await t.http.get('/api/v1/leads/assignees').set(bOfficer.auth).expect(403);
  });

  it('leads pushed without an owner wait in 待分配 until a manager assigns them', async () => {
    const ref = uniq('Q-');
    const [pushed] = await push([syncItem(ref)]);
    expect(pushed.status).toBe('created');
    const queue = async (user: TestUser) =>
      (
        await t.http.get('/api/v1/leads').query({ unassigned: 'true', limit: 200 }).set(user.auth).expect(200)
      ).body.items.map((l: { id: string }) => l.id);
    expect(await queue(bManager)).toContain(pushed.id);
    // A lead with an owner is not in the queue; the other city's queue is its own.
    const owned = await createLead(bOfficer);
    expect(await queue(bManager)).not.toContain(owned.id);
    expect(await queue(mManager)).not.toContain(pushed.id);
    await t.http.get('/api/v1/leads').query({ unassigned: 'maybe' }).set(bManager.auth).expect(400);

    await t.http
      .post(`/api/v1/leads/${pushed.id}/assign`)
      .set(bManager.auth)
      .send({ ownerId: bOfficer.id })
      .expect(200);
    expect(await queue(bManager)).not.toContain(pushed.id);
    await told(bOfficer, pushed.id);
  });

  it('an owner set or changed through PUT /sync/leads tells the new owner; omitting ownerId keeps the owner', async () => {
    const ref = uniq('S-');
    const [created] = await push([syncItem(ref, { ownerId: bOfficer2.id })]);
    expect(created.status).toBe('created');
    await told(bOfficer2, created.id);

    const [moved] = await push([syncItem(ref, { ownerId: bOfficer.id })]);
    expect(moved.status).toBe('updated');
    await told(bOfficer, created.id);
    const lead = (await t.http.get(`/api/v1/leads/${created.id}`).set(bManager.auth).expect(200)).body;
    expect(lead.ownerId).toBe(bOfficer.id);
    const audit = await t.http
      .get('/api/v1/audit')
      .query({ entity: 'lead', entityId: created.id, actorId: key.id })
      .set(bManager.auth)
      .expect(200);
    expect(audit.body.items[0].changes.ownerId).toEqual({ before: bOfficer2.id, after: bOfficer.id });

    // The same item without ownerId: nothing changes (a partner does not undo an assignment).
    const [same] = await push([syncItem(ref)]);
    expect(same.status).toBe('unchanged');
    // An owner of the other city, or no user: that item's error, naming ownerId.
    const [wrong] = await push([syncItem(ref, { ownerId: mOfficer.id })]);
    expect(wrong).toMatchObject({ status: 'error', errors: [{ field: 'ownerId' }] });
    const [unassign] = await push([syncItem(ref, { ownerId: null })]);
    expect(unassign.status).toBe('updated');
  });

  it('archive: gone from lists, search, matches and the board; a tombstone in the feed; 404 for the partner city', async () => {
    const lead = await createLead(bOfficer, { sharing: 'shared', title: uniq('归档测试项目') });
    const mFeedStart = await feedHead(t, mKey.auth);
    const bFeedStart = await feedHead(t, key.auth);
    await t.http.get(`/api/v1/leads/${lead.id}`).set(mOfficer.auth).expect(200);

    await t.http.post(`/api/v1/leads/${lead.id}/archive`).set(bOfficer.auth).send({}).expect(403);
    await t.http.post(`/api/v1/leads/${lead.id}/archive`).set(mManager.auth).send({}).expect(403);
    const archived = await t.http
      .post(`/api/v1/leads/${lead.id}/archive`)
      .set(bManager.auth)
      .send({ note: '重复登记' })
      .expect(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));

    // The owner city still reads it by id; the partner city no longer sees it at all.
    const own = await t.http.get(`/api/v1/leads/${lead.id}`).set(bOfficer.auth).expect(200);
    expect(own.body.archivedAt).toBe(archived.body.archivedAt);
    await t.http.get(`/api/v1/leads/${lead.id}`).set(mOfficer.auth).expect(404);
    await t.http.get(`/api/v1/leads/${lead.id}/activities`).set(mOfficer.auth).expect(404);
    // It leaves lists, search (substring and walk) and the manager's match pipeline.
    for (const user of [bOfficer, mOfficer]) {
      const listed = await t.http.get('/api/v1/leads').query({ limit: 200 }).set(user.auth).expect(200);
      expect(listed.body.items.map((l: { id: string }) => l.id)).not.toContain(lead.id);
      const found = await t.http.get('/api/v1/leads').query({ q: lead.title }).set(user.auth).expect(200);
      expect(found.body.items).toHaveLength(0);
    }
    const byStage = await t.http.get('/api/v1/leads').query({ stage: 'lead', limit: 200 }).set(bManager.auth);
    expect(byStage.body.items.map((l: { id: string }) => l.id)).not.toContain(lead.id);
    const pipeline = await t.http.get('/api/v1/matches').query({ limit: 200 }).set(bManager.auth).expect(200);
    expect(pipeline.body.items.map((m: { leadId: string }) => m.leadId)).not.toContain(lead.id);
    // An archived lead is read-only until restored.
    const locked = await t.http
      .patch(`/api/v1/leads/${lead.id}`)
      .set({ ...bManager.auth, 'If-Match': `"${own.body.version}"` })
      .send({ title: '改不了' })
      .expect(409);
    expect(locked.body.code).toBe('LEAD_ARCHIVED');

    // Both cities' partner systems read a tombstone: remove it.
    for (const [auth, cursor] of [
      [mKey.auth, mFeedStart],
      [key.auth, bFeedStart],
    ] as const) {
      const feed = await t.http
        .get('/api/v1/sync/changes')
        .query({ limit: 1000, entities: 'lead', ...(cursor ? { cursor } : {}) })
        .set(auth)
        .expect(200);
      const mine = feed.body.changes.filter((c: { id: string }) => c.id === lead.id);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine[mine.length - 1]).toMatchObject({ op: 'delete', data: null, version: own.body.version });
    }
    const audit = await t.http
      .get('/api/v1/audit')
      .query({ entityId: lead.id, action: 'archive' })
      .set(bManager.auth)
      .expect(200);
    expect(audit.body.items[0].changes.note).toEqual({ before: null, after: '重复登记' });

    // Restored: back in lists and readable by the partner.
    await t.http.post(`/api/v1/leads/${lead.id}/unarchive`).set(bManager.auth).send({}).expect(200);
    await t.http.get(`/api/v1/leads/${lead.id}`).set(mOfficer.auth).expect(200);
    const found = await t.http.get('/api/v1/leads').query({ q: lead.title }).set(mOfficer.auth).expect(200);
    expect(found.body.items.map((l: { id: string }) => l.id)).toEqual([lead.id]);
  });

  it('the audit trail filters by who, what and when; the timeline names authors and their cities', async () => {
    const lead = await createLead(bOfficer, { sharing: 'shared' });
    await t.http
      .post(`/api/v1/leads/${lead.id}/stage`)
      .set(bOfficer.auth)
      .send({ stage: 'contacted' })
      .expect(200);
    await t.http
      .post(`/api/v1/leads/${lead.id}/activities`)
      .set(mOfficer.auth)
      .send({ type: 'call', summary: '绵阳方电话跟进' })
      .expect(201);
    const timeline = await t.http.get(`/api/v1/leads/${lead.id}/activities`).set(bOfficer.auth).expect(200);
    expect(timeline.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'stage_change',
          fromStage: 'lead',
          toStage: 'contacted',
          authorName: '测试officer',
          jurisdiction: 'beibei',
        }),
        expect.objectContaining({ type: 'call', authorName: '测试officer', jurisdiction: 'mianyang' }),
      ]),
    );

    const audit = (query: Record<string, string>) =>
      t.http
        .get('/api/v1/audit')
        .query({ limit: 200, ...query })
        .set(bManager.auth);
    const byWho = (await audit({ actorId: bOfficer.id }).expect(200)).body.items;
    expect(byWho.length).toBeGreaterThan(0);
    expect(byWho.every((e: { actor: { id: string } }) => e.actor.id === bOfficer.id)).toBe(true);
    const byWhat = (await audit({ action: 'stage_change', entityId: lead.id }).expect(200)).body.items;
    expect(byWhat).toHaveLength(1);
    expect(byWhat[0].changes.stage).toEqual({ before: 'lead', after: 'contacted' });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await audit({ since: future }).expect(200)).body.items).toHaveLength(0);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect((await audit({ until: past }).expect(200)).body.items).toHaveLength(0);
    expect((await audit({ since: past, entityId: lead.id }).expect(200)).body.items.length).toBeGreaterThan(
      0,
    );
    const bad = await audit({ since: 'yesterday' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('since');
    await audit({ action: 'DROP TABLE' }).expect(400);
    // The partner city's manager reads only its own city's entries.
    const theirs = await t.http
      .get('/api/v1/audit')
      .query({ entityId: lead.id })
      .set(mManager.auth)
      .expect(200);
    expect(
      theirs.body.items.every(
        (e: { actor: { jurisdiction: string } }) => e.actor.jurisdiction === 'mianyang',
      ),
    ).toBe(true);
  });
});
