import { TestApp, startApp } from './support/app';
import { TestUser, makeApiKey, makeUser, uniq, randomUscc } from './support/factories';

type Caller = { name: string; auth: Record<string, string> };

/**
 * The isolation matrix (DESIGN §5): for every lead and activity endpoint, a caller of
 * the other jurisdiction — user or API key — cannot read a private lead (404), cannot change a
 * shared one (403), never sees contacts and sees only the code name of a confidential one; officers
 * cannot change leads they do not own; managers (and keys of the jurisdiction) can.
 */
describe('lead isolation matrix (DESIGN §5)', () => {
  let t: TestApp;
  let owner: TestUser;
  let colleague: TestUser;
  let manager: TestUser;
  let partners: Caller[];
  const investorName = `保密投资${uniq()}股份有限公司`;
  const uscc = randomUscc();
  const contacts = [{ name: '李女士', phone: '13900000000', email: 'li@example.com' }];
  let priv: { id: string };
  let shared: { id: string };
  let secret: { id: string };

  beforeAll(async () => {
    t = await startApp();
    owner = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    colleague = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    manager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    const bOfficer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    const bManager = await makeUser(t.ds, t.http, 'beibei', 'manager');
    const bAdmin = await makeUser(t.ds, t.http, 'beibei', 'admin');
    const bKey = await makeApiKey(t.ds, 'beibei', ['leads:read', 'leads:write']);
    partners = [
      { name: 'beibei officer', auth: bOfficer.auth },
      { name: 'beibei manager', auth: bManager.auth },
      { name: 'beibei admin', auth: bAdmin.auth },
      { name: 'beibei API key', auth: bKey.auth },
    ];
    const mk = async (over: Record<string, unknown>) => {
      const res = await t.http
        .post('/api/v1/leads')
        .set(owner.auth)
        .send({
          title: `${investorName} 绵阳基地`,
          investor: { name: investorName, uscc },
          segments: ['ngit.ic-fab'],
          contacts,
          ...over,
        })
        .expect(201);
      return res.body;
    };
    priv = await mk({ sharing: 'private' });
    shared = await mk({ sharing: 'shared' });
    secret = await mk({ sharing: 'shared', confidential: true, codeName: '代号青鸟' });
  });
  afterAll(() => t.close());

  const version = async (id: string) =>
    (await t.ds.query(`SELECT version FROM leads WHERE id = $1`, [id]))[0].version as number;
  const activityCount = async (id: string) =>
    (await t.ds.query(`SELECT count(*)::int AS n FROM activities WHERE lead_id = $1`, [id]))[0].n as number;

  describe.each([0, 1, 2, 3])('the other jurisdiction (caller %#)', (i) => {
    const who = () => partners[i];

    it('cannot see a private lead: every endpoint answers 404 and nothing is written', async () => {
      const c = who();
      const url = `/api/v1/leads/${priv.id}`;
      const before = { v: await version(priv.id), a: await activityCount(priv.id) };
      await t.http.get(url).set(c.auth).expect(404);
      await t.http.patch(url).set(c.auth).set('If-Match', '"1"').send({ title: 'x' }).expect(404);
      await t.http.post(`${url}/stage`).set(c.auth).send({ stage: 'contacted' }).expect(404);
      await t.http.get(`${url}/activities`).set(c.auth).expect(404);
      await t.http.post(`${url}/activities`).set(c.auth).send({ type: 'note', summary: 'x' }).expect(404);
      const list = await t.http
        .get('/api/v1/leads')
        .query({ q: investorName, limit: 200 })
        .set(c.auth)
        .expect(200);
      expect(list.body.items.map((l: { id: string }) => l.id)).not.toContain(priv.id);
      expect({ v: await version(priv.id), a: await activityCount(priv.id) }).toEqual(before);
    });

    it('reads a shared lead without contacts, but cannot change its fields or stage (403)', async () => {
      const c = who();
      const url = `/api/v1/leads/${shared.id}`;
      const got = await t.http.get(url).set(c.auth).expect(200);
      expect(got.body.contacts).toEqual([]);
      expect(got.body.investor.name).toBe(investorName);
      expect(JSON.stringify(got.body)).not.toContain('13900000000');
      const v = await version(shared.id);
      await t.http.patch(url).set(c.auth).set('If-Match', `"${v}"`).send({ title: 'x' }).expect(403);
      await t.http.post(`${url}/stage`).set(c.auth).send({ stage: 'contacted' }).expect(403);
      expect(await version(shared.id)).toBe(v);
      const list = await t.http
        .get('/api/v1/leads')
        .query({ q: investorName, limit: 200 })
        .set(c.auth)
        .expect(200);
      const item = list.body.items.find((l: { id: string }) => l.id === shared.id);
      expect(item.contacts).toEqual([]);
    });

    it('adds and reads activities on a shared lead (joint follow-up)', async () => {
      const c = who();
      const url = `/api/v1/leads/${shared.id}/activities`;
      const v = await version(shared.id);
      const res = await t.http
        .post(url)
        .set(c.auth)
        .send({ type: 'meeting', summary: `联合拜访 ${c.name}` })
        .expect(201);
      expect(res.body.jurisdiction).toBe('beibei');
      const tl = await t.http.get(url).query({ limit: 200 }).set(c.auth).expect(200);
      expect(tl.body.items.map((a: { id: string }) => a.id)).toContain(res.body.id);
      expect(await version(shared.id)).toBe(v);
    });

    it('sees only the code name of a confidential lead, everywhere', async () => {
      const c = who();
      const got = await t.http.get(`/api/v1/leads/${secret.id}`).set(c.auth).expect(200);
      expect(got.body.investor).toMatchObject({ name: '代号青鸟', uscc: null, enterpriseId: null });
      expect(got.body.codeName).toBe('代号青鸟');
      expect(got.body.contacts).toEqual([]);
      const text = JSON.stringify(got.body);
      expect(text).not.toContain(investorName);
      expect(text).not.toContain(uscc);
      const list = await t.http
        .get('/api/v1/leads')
        .query({ sharing: 'shared', limit: 200 })
        .set(c.auth)
        .expect(200);
      const item = list.body.items.find((l: { id: string }) => l.id === secret.id);
      expect(item).toBeDefined();
      expect(JSON.stringify(item)).not.toContain(investorName);
      expect(JSON.stringify(item)).not.toContain(uscc);
    });

    it('cannot find a confidential lead by its real investor name', async () => {
      const c = who();
      const list = await t.http
        .get('/api/v1/leads')
        .query({ q: investorName, limit: 200 })
        .set(c.auth)
        .expect(200);
      const ids = list.body.items.map((l: { id: string }) => l.id);
      expect(ids).toContain(shared.id);
      expect(ids).not.toContain(secret.id);
    });
  });

  describe('inside the owning jurisdiction', () => {
    it('shows the owner everything, contacts included', async () => {
      const got = await t.http.get(`/api/v1/leads/${secret.id}`).set(owner.auth).expect(200);
      expect(got.body.investor).toMatchObject({ name: investorName, uscc });
      expect(got.body.contacts).toEqual(contacts);
    });

    it('an officer who is not the owner reads (with contacts) but cannot change (403)', async () => {
      const url = `/api/v1/leads/${priv.id}`;
      const got = await t.http.get(url).set(colleague.auth).expect(200);
      expect(got.body.contacts).toEqual(contacts);
      const v = await version(priv.id);
      await t.http.patch(url).set(colleague.auth).set('If-Match', `"${v}"`).send({ title: 'x' }).expect(403);
      await t.http.post(`${url}/stage`).set(colleague.auth).send({ stage: 'contacted' }).expect(403);
      expect(await version(priv.id)).toBe(v);
      await t.http
        .post(`${url}/activities`)
        .set(colleague.auth)
        .send({ type: 'call', summary: '电话' })
        .expect(201);
    });

    it('a manager changes any lead of the jurisdiction', async () => {
      const url = `/api/v1/leads/${priv.id}`;
      const v = await version(priv.id);
      await t.http
        .patch(url)
        .set(manager.auth)
        .set('If-Match', `"${v}"`)
        .send({ summary: '经理修改' })
        .expect(200);
      await t.http.post(`${url}/stage`).set(manager.auth).send({ stage: 'contacted' }).expect(200);
    });

    it('an API key of the jurisdiction with leads:write changes its leads; leads:read only reads', async () => {
      const w = await makeApiKey(t.ds, 'mianyang', ['leads:read', 'leads:write']);
      const r = await makeApiKey(t.ds, 'mianyang', ['leads:read']);
      const url = `/api/v1/leads/${shared.id}`;
      const got = await t.http.get(url).set(r.auth).expect(200);
      expect(got.body.contacts).toEqual(contacts);
      await t.http
        .patch(url)
        .set(r.auth)
        .set('If-Match', `"${got.body.version}"`)
        .send({ summary: 'k' })
        .expect(403);
      await t.http
        .patch(url)
        .set(w.auth)
        .set('If-Match', `"${got.body.version}"`)
        .send({ summary: 'k' })
        .expect(200);
    });

    it('collisions: officers read only those on their own leads; API keys get 403', async () => {
      const own = await t.http.get('/api/v1/collisions').query({ limit: 200 }).set(owner.auth).expect(200);
      const [{ n }] = await t.ds.query(
        `SELECT count(*)::int AS n FROM collisions c JOIN leads l ON l.id = ANY(c.lead_ids) WHERE l.owner_id = $1`,
        [owner.id],
      );
      expect(own.body.items).toHaveLength(n);
      const k = await makeApiKey(t.ds, 'mianyang', ['leads:read', 'leads:write']);
      await t.http.get('/api/v1/collisions').set(k.auth).expect(403);
      await t.http.get('/api/v1/collisions').set(manager.auth).expect(200);
    });
  });
});
