import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

/**
 * Milestones carry facts (DESIGN §6): what entering signed / registered / started / operating
 * needs, through every door (create, stage move, PATCH, partner sync), funds in place over time,
 * and the facts in audit entries and the changes feed.
 */
describe('milestone facts (DESIGN §6)', () => {
  let t: TestApp;
  let officer: TestUser;
  let manager: TestUser;
  let colleague: TestUser;
  let partner: TestUser;
  let key: TestKey;
  let feedKey: TestKey;

  const USCC = '91510700MA6XXXXXXY';
  const SIGNED = { signedAt: '2026-06-01', contractAmountWan: 52000.5 };

  beforeAll(async () => {
    t = await startApp();
    officer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    manager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    colleague = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    partner = await makeUser(t.ds, t.http, 'beibei', 'manager');
    key = await makeApiKey(t.ds, 'mianyang', ['leads:write', 'leads:read']);
    feedKey = await makeApiKey(t.ds, 'mianyang', ['changes:read']);
  });
  afterAll(() => t.close());

  const body = (over: Record<string, unknown> = {}) => ({
    title: `里程碑项目 ${uniq()}`,
    investor: { name: `里程碑投资${uniq()}有限公司` },
    segments: ['nev.battery-pack'],
    plannedInvestmentWan: 60000,
    ...over,
  });
  const create = (over: Record<string, unknown> = {}, user = officer) =>
    t.http.post('/api/v1/leads').set(user.auth).send(body(over));
  const move = (id: string, stage: string, extra: Record<string, unknown> = {}, user = officer) =>
    t.http
      .post(`/api/v1/leads/${id}/stage`)
      .set(user.auth)
      .send({ stage, ...extra });
  const fields = (res: { body: { details?: { field: string }[] } }) =>
    (res.body.details ?? []).map((d) => d.field).sort();

  describe('create', () => {
    it('refuses to start past a milestone without its facts: 422 naming every missing field', async () => {
      const res = await create({ stage: 'started' }).expect(422);
      expect(res.body.code).toBe('MILESTONE_FACTS_MISSING');
      expect(fields(res)).toEqual(['contractAmountWan', 'projectUscc', 'signedAt', 'startedAt']);
      const partly = await create({ stage: 'registered', ...SIGNED }).expect(422);
      expect(partly.body.details).toEqual([
        { field: 'projectUscc', message: expect.stringMatching(/registered/) },
      ]);
      const [n] = await t.ds.query(`SELECT count(*)::int AS n FROM leads WHERE owner_id = $1`, [officer.id]);
      expect(n.n).toBe(0); // nothing half-written
    });

    it('creates with the facts of every milestone passed, and shows them on the lead', async () => {
      const res = await create({
        stage: 'operating',
        ...SIGNED,
        projectUscc: USCC.toLowerCase(),
        startedAt: '2026-07-01',
        operatingAt: '2026-10-01',
        fundsInPlace: [
          { at: '2026-06-20', amountWan: 10000.25, note: ' 首期资本金 ' },
          { at: '2026-08-20', amountWan: 20000.5 },
        ],
      }).expect(201);
      expect(res.body).toMatchObject({
        stage: 'operating',
        ...SIGNED,
        projectUscc: USCC,
        startedAt: '2026-07-01',
        operatingAt: '2026-10-01',
        fundsInPlace: [
          { at: '2026-06-20', amountWan: 10000.25, note: '首期资本金' },
          { at: '2026-08-20', amountWan: 20000.5 },
        ],
        fundsInPlaceWan: 30000.75,
      });
      const got = await t.http.get(`/api/v1/leads/${res.body.id}`).set(officer.auth).expect(200);
      expect(got.body).toMatchObject({ fundsInPlaceWan: 30000.75, projectUscc: USCC });
    });

    it('needs no facts before signing', async () => {
      const res = await create({ stage: 'negotiating' }).expect(201);
      expect(res.body).toMatchObject({
        signedAt: null,
        contractAmountWan: null,
        fundsInPlace: [],
        fundsInPlaceWan: 0,
      });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a day that does not exist', { signedAt: '2026-02-30' }, 'signedAt'],
      ['a time instead of a day', { signedAt: '2026-06-01T10:00:00Z' }, 'signedAt'],
      ['a signing in the future', { signedAt: '2999-01-01' }, 'signedAt'],
      ['a negative amount', { contractAmountWan: -1 }, 'contractAmountWan'],
      ['tenths of a cent', { contractAmountWan: 1.234 }, 'contractAmountWan'],
      ['a USCC with a wrong check character', { projectUscc: '91510700MA6XXXXXX0' }, 'projectUscc'],
      [
        'an amount that is text',
        { fundsInPlace: [{ at: '2026-06-02', amountWan: 'lots' }] },
        'fundsInPlace[0].amountWan',
      ],
      [
        'an unknown key in an entry',
        { fundsInPlace: [{ at: '2026-06-02', amountWan: 1, extra: 1 }] },
        'fundsInPlace[0].extra',
      ],
      ['a partner summary too long', { partnerSummary: 'x'.repeat(4001) }, 'partnerSummary'],
    ])('400 for %s, naming the field', async (_what, bad, field) => {
      const res = await create({ stage: 'signed', ...SIGNED, ...bad }).expect(400);
      expect(fields(res)).toContain(field);
    });
  });

  describe('stage moves', () => {
    it('entering signed needs signedAt and contractAmountWan, in the body or already on the lead', async () => {
      const { body: lead } = await create({ stage: 'negotiating' }).expect(201);
      const refused = await move(lead.id, 'signed').expect(422);
      expect(fields(refused)).toEqual(['contractAmountWan', 'signedAt']);
      const half = await move(lead.id, 'signed', { signedAt: '2026-06-01' }).expect(422);
      expect(fields(half)).toEqual(['contractAmountWan']);
      const after = await t.http.get(`/api/v1/leads/${lead.id}`).set(officer.auth).expect(200);
      expect(after.body).toMatchObject({ stage: 'negotiating', signedAt: null, version: lead.version });

      const moved = await move(lead.id, 'signed', { ...SIGNED, note: '正式签约' }).expect(200);
      expect(moved.body).toMatchObject({ stage: 'signed', ...SIGNED, version: lead.version + 1 });
      const [audit] = await t.ds.query(
        `SELECT changes FROM audit_entries WHERE entity_id = $1 AND action = 'stage_change'`,
        [lead.id],
      );
      expect(audit.changes).toEqual({
        stage: { before: 'negotiating', after: 'signed' },
        signedAt: { before: null, after: SIGNED.signedAt },
        contractAmountWan: { before: null, after: SIGNED.contractAmountWan },
      });
      const [activity] = await t.ds.query(`SELECT summary, to_stage FROM activities WHERE lead_id = $1`, [
        lead.id,
      ]);
      expect(activity).toEqual({ summary: '正式签约', to_stage: 'signed' });

      // projectUscc recorded earlier by PATCH: registering needs nothing more in the body.
      await t.http
        .patch(`/api/v1/leads/${lead.id}`)
        .set(officer.auth)
        .set('If-Match', `"${moved.body.version}"`)
        .send({ projectUscc: USCC })
        .expect(200);
      await move(lead.id, 'registered').expect(200);
    });

    it('skipping forward needs the facts of every milestone passed', async () => {
      const { body: lead } = await create({ stage: 'visited' }).expect(201);
      const refused = await move(lead.id, 'operating', { startedAt: '2026-07-01' }).expect(422);
      expect(fields(refused)).toEqual(['contractAmountWan', 'operatingAt', 'projectUscc', 'signedAt']);
      const ok = await move(lead.id, 'operating', {
        ...SIGNED,
        projectUscc: USCC,
        startedAt: '2026-07-01',
        operatingAt: '2026-09-09',
      }).expect(200);
      expect(ok.body).toMatchObject({ stage: 'operating', operatingAt: '2026-09-09', projectUscc: USCC });
    });

    it('on hold, lost and a manager’s reopening need no facts; resuming keeps them', async () => {
      const { body: lead } = await create({ stage: 'signed', ...SIGNED }).expect(201);
      await move(lead.id, 'on_hold').expect(200);
      await move(lead.id, 'signed').expect(200);
      await move(lead.id, 'lost').expect(200);
      const reopened = await move(lead.id, 'lead', {}, manager).expect(200);
      expect(reopened.body).toMatchObject({ stage: 'lead', ...SIGNED });
    });

    it('a move sent with If-Match answers 412 when the lead changed, before looking at facts', async () => {
      const { body: lead } = await create({ stage: 'negotiating' }).expect(201);
      const res = await t.http
        .post(`/api/v1/leads/${lead.id}/stage`)
        .set(officer.auth)
        .set('If-Match', `"${lead.version + 5}"`)
        .send({ stage: 'signed' })
        .expect(412);
      expect(res.body.currentVersion).toBe(lead.version);
    });
  });

  describe('PATCH keeps the facts of the milestones reached', () => {
    it('refuses to clear a fact the stage needs, accepts changing it', async () => {
      const { body: lead } = await create({ stage: 'signed', ...SIGNED }).expect(201);
      const patch = (version: number, b: Record<string, unknown>) =>
        t.http.patch(`/api/v1/leads/${lead.id}`).set(officer.auth).set('If-Match', `"${version}"`).send(b);
      const res = await patch(lead.version, { signedAt: null }).expect(422);
      expect(fields(res)).toEqual(['signedAt']);
      const changed = await patch(lead.version, { contractAmountWan: 61000 }).expect(200);
      expect(changed.body.contractAmountWan).toBe(61000);
    });
  });

  describe('funds in place (到位资金)', () => {
    it('adds entries over time to a signed lead, shows the sum, and corrects them by PATCH', async () => {
      const { body: lead } = await create({ stage: 'signed', ...SIGNED, sharing: 'shared' }).expect(201);
      const add = (entry: Record<string, unknown>, user = officer) =>
        t.http.post(`/api/v1/leads/${lead.id}/funds`).set(user.auth).send(entry);
      const first = await add({ at: '2026-06-10', amountWan: 8000.1, note: '首期' }).expect(201);
      expect(first.headers.etag).toBe(`"${lead.version + 1}"`);
      const second = await add({ at: '2026-07-10', amountWan: 0.2 }).expect(201);
      expect(second.body.fundsInPlaceWan).toBe(8000.3);
      expect(second.body.fundsInPlace).toEqual([
        { at: '2026-06-10', amountWan: 8000.1, note: '首期' },
        { at: '2026-07-10', amountWan: 0.2 },
      ]);
      // Two people adding at once: both entries stay.
      await Promise.all([
        add({ at: '2026-08-01', amountWan: 1 }).expect(201),
        add({ at: '2026-08-02', amountWan: 2 }, manager).expect(201),
      ]);
      const now = await t.http.get(`/api/v1/leads/${lead.id}`).set(officer.auth).expect(200);
      expect(now.body.fundsInPlace).toHaveLength(4);
      expect(now.body.fundsInPlaceWan).toBe(8003.3);

      // Who may: the owner and managers of the city; not a colleague, not the partner city.
      await add({ at: '2026-08-03', amountWan: 1 }, colleague).expect(403);
      await add({ at: '2026-08-03', amountWan: 1 }, partner).expect(403);
      await t.http
        .post(`/api/v1/leads/${lead.id}/funds`)
        .set(officer.auth)
        .set('If-Match', '"1"')
        .send({ at: '2026-08-03', amountWan: 1 })
        .expect(412);
      const bad = await add({ at: '2026-08-03', amountWan: -5 }).expect(400);
      expect(fields(bad)).toEqual(['amountWan']);

      // A wrong entry is corrected by PATCHing the list (with If-Match).
      const fixed = await t.http
        .patch(`/api/v1/leads/${lead.id}`)
        .set(officer.auth)
        .set('If-Match', `"${now.body.version}"`)
        .send({ fundsInPlace: now.body.fundsInPlace.slice(0, 2) })
        .expect(200);
      expect(fixed.body.fundsInPlaceWan).toBe(8000.3);
      const [audit] = await t.ds.query(
        `SELECT changes FROM audit_entries WHERE entity_id = $1 AND action = 'update' ORDER BY id DESC LIMIT 1`,
        [lead.id],
      );
      expect(audit.changes.fundsInPlace.after).toHaveLength(2);
    });

    it('refuses funds before signing, naming fundsInPlace', async () => {
      const { body: lead } = await create({ stage: 'negotiating' }).expect(201);
      const res = await t.http
        .post(`/api/v1/leads/${lead.id}/funds`)
        .set(officer.auth)
        .send({ at: '2026-06-10', amountWan: 10 })
        .expect(422);
      expect(fields(res)).toEqual(['fundsInPlace']);
      await t.http
        .post(`/api/v1/leads/00000000-0000-4000-8000-000000000000/funds`)
        .set(officer.auth)
        .send({ at: '2026-06-10', amountWan: 10 })
        .expect(404);
    });
  });

  describe('partner sync (PUT /sync/leads)', () => {
    const item = (id: string, over: Record<string, unknown> = {}) => ({
      externalRef: { system: 'milestones', id },
      title: `同步里程碑 ${id}`,
      investor: { name: `同步投资${id}有限公司` },
      segments: ['nev.vehicle'],
      ...over,
    });

    it('refuses, per item, a lead pushed past a milestone without its facts; the others go through', async () => {
      const sys = uniq('m');
      const res = await t.http
        .put('/api/v1/sync/leads')
        .set(key.auth)
        .send({
          items: [
            item(`${sys}-1`, { stage: 'operating' }),
            item(`${sys}-2`, {
              stage: 'started',
              ...SIGNED,
              projectUscc: USCC,
              startedAt: '2026-08-01',
              fundsInPlace: [{ at: '2026-08-05', amountWan: 100 }],
            }),
            item(`${sys}-3`, { stage: 'lead', fundsInPlace: [{ at: '2026-08-05', amountWan: 100 }] }),
            item(`${sys}-4`, { stage: 'signed', ...SIGNED, signedAt: '2026-13-01' }),
          ],
        })
        .expect(200);
      const [missing, created, early, bad] = res.body.results;
      expect(missing.status).toBe('error');
      expect(missing.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'contractAmountWan',
        'operatingAt',
        'projectUscc',
        'signedAt',
        'startedAt',
      ]);
      expect(created.status).toBe('created');
      expect(early).toMatchObject({ status: 'error', errors: [{ field: 'fundsInPlace' }] });
      expect(bad).toMatchObject({ status: 'error', errors: [{ field: 'signedAt' }] });
      const lead = await t.http.get(`/api/v1/leads/${created.id}`).set(officer.auth).expect(200);
      expect(lead.body).toMatchObject({ stage: 'started', startedAt: '2026-08-01', fundsInPlaceWan: 100 });

      // Moving on needs the next facts too; the item is the record.
      const next = await t.http
        .put('/api/v1/sync/leads')
        .set(key.auth)
        .send({
          items: [
            item(`${sys}-2`, { stage: 'operating', ...SIGNED, projectUscc: USCC, startedAt: '2026-08-01' }),
          ],
        })
        .expect(200);
      expect(next.body.results[0]).toMatchObject({ status: 'error', errors: [{ field: 'operatingAt' }] });
    });

    it('carries the facts in the changes feed', async () => {
      const { body: lead } = await create({
        stage: 'signed',
        ...SIGNED,
        fundsInPlace: [{ at: '2026-06-05', amountWan: 7 }],
      }).expect(201);
      let cursor = '';
      let found: Record<string, unknown> | undefined;
      for (let page = 0; page < 200 && !found; page++) {
        const res = await t.http
          .get('/api/v1/sync/changes')
          .query({ limit: 1000, entities: 'lead', ...(cursor ? { cursor } : {}) })
          .set(feedKey.auth)
          .expect(200);
        found = res.body.changes.find((c: { id: string }) => c.id === lead.id)?.data;
        cursor = res.body.nextCursor;
        if (!res.body.hasMore) break;
      }
      expect(found).toMatchObject({
        ...SIGNED,
        fundsInPlace: [{ at: '2026-06-05', amountWan: 7 }],
        fundsInPlaceWan: 7,
      });
    });
  });
});
