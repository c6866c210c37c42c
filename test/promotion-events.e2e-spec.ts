import ICAL from 'ical.js';
import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

/**
 * Joint promotion events (DESIGN §16): both cities read every event and only a host changes it;
 * co-hosting by an agreement the other city's manager accepts (§14); invitee suggestions from the
 * chain (never unrelated segments); leads linked by eventId and the outcome arithmetic; the
 * iCalendar feed, parsed back with ical.js.
 */
describe('promotion events (DESIGN §16)', () => {
  let t: TestApp;
  let bbOfficer: TestUser;
  let bbManager: TestUser;
  let myOfficer: TestUser;
  let myManager: TestUser;
  let myKey: TestKey;

  beforeAll(async () => {
    t = await startApp();
    [bbOfficer, bbManager, myOfficer, myManager] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'officer'),
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'mianyang', 'officer'),
      makeUser(t.ds, t.http, 'mianyang', 'manager'),
    ]);
    myKey = await makeApiKey(t.ds, 'mianyang', ['base:read']);
  });
  afterAll(() => t.close());

  const event = (over: Record<string, unknown> = {}) => ({
    title: uniq('电池产业链对接会'),
    kind: 'matchmaking',
    startsAt: '2026-12-10T01:30:00.000Z',
    endsAt: '2026-12-10T08:00:00.000Z',
    venue: '北碚区会展中心',
    city: '重庆',
    focusSegments: ['nev.battery-cell'],
    budgetWan: 30,
    summary: '面向两地动力电池上下游企业',
    ...over,
  });
  const create = async (user: TestUser, over: Record<string, unknown> = {}) =>
    (await t.http.post('/api/v1/events').set(user.auth).send(event(over)).expect(201)).body;

  describe('events and visibility', () => {
    it('creates, reads from both cities, lists by date; only a host changes it', async () => {
      const e = await create(bbOfficer, { title: uniq('推介会'), kind: 'promotion' });
      expect(e).toMatchObject({
        kind: 'promotion',
        hosts: ['beibei'],
        version: 1,
        pendingCohostAgreementId: null,
      });
      for (const who of [bbManager, myOfficer, myKey]) {
        const got = await t.http.get(`/api/v1/events/${e.id}`).set(who.auth).expect(200);
        expect(got.headers.etag).toBe('"1"');
        expect(got.body.title).toBe(e.title);
      }
      const list = await t.http
        .get('/api/v1/events')
        .query({ from: '2026-12-01T00:00:00Z', to: '2026-12-31T00:00:00Z', host: 'beibei' })
        .set(myOfficer.auth)
        .expect(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).toContain(e.id);
      const outside = await t.http
        .get('/api/v1/events')
        .query({ from: '2027-01-01T00:00:00Z' })
        .set(myOfficer.auth)
        .expect(200);
      expect(outside.body.items.map((x: { id: string }) => x.id)).not.toContain(e.id);

      // The partner city reads but does not change it.
      const denied = await t.http
        .patch(`/api/v1/events/${e.id}`)
        .set(myManager.auth)
        .set('If-Match', '"1"')
        .send({ venue: '绵阳' })
        .expect(403);
      expect(denied.body.code).toBe('NOT_EVENT_HOST');
      await t.http
        .put(`/api/v1/events/${e.id}/invitees`)
        .set(myOfficer.auth)
        .send({ invitees: [{ name: '某企业', status: 'invited' }] })
        .expect(403);
      // The host does, with If-Match; hosts change only by agreement.
      await t.http.patch(`/api/v1/events/${e.id}`).set(bbOfficer.auth).send({ venue: 'x' }).expect(428);
      const changed = await t.http
        .patch(`/api/v1/events/${e.id}`)
        .set(bbOfficer.auth)
        .set('If-Match', '"1"')
        .send({ venue: '缙云山国际会议中心', budgetWan: 45.5 })
        .expect(200);
      expect(changed.body).toMatchObject({ venue: '缙云山国际会议中心', budgetWan: 45.5, version: 2 });
      const hosts = await t.http
        .patch(`/api/v1/events/${e.id}`)
        .set(bbOfficer.auth)
        .set('If-Match', '"2"')
        .send({ hosts: ['beibei', 'mianyang'] })
        .expect(409);
      expect(hosts.body.code).toBe('AGREEMENT_REQUIRED');
      // Audit entry and a change in the feed.
      const audit = await t.http
        .get('/api/v1/audit')
        .query({ entity: 'event', entityId: e.id })
        .set(bbManager.auth)
        .expect(200);
      expect(audit.body.items.map((a: { action: string }) => a.action).sort()).toEqual(['create', 'update']);
      const feed = await t.ds.query(
        `SELECT op, version FROM change_log WHERE entity = 'event' AND entity_id = $1`,
        [e.id],
      );
      expect(feed).toHaveLength(2);
    });

    it('answers 400 naming the field, 404 for unknown ids', async () => {
      const bad = await t.http
        .post('/api/v1/events')
        .set(bbOfficer.auth)
        .send(event({ focusSegments: ['nope.segment'] }))
        .expect(400);
      expect(JSON.stringify(bad.body.details)).toContain('focusSegments');
      const order = await t.http
        .post('/api/v1/events')
        .set(bbOfficer.auth)
        .send(event({ endsAt: '2026-12-09T00:00:00Z' }))
        .expect(400);
      expect(order.body.details[0].field).toBe('endsAt');
      const kind = await t.http
        .post('/api/v1/events')
        .set(bbOfficer.auth)
        .send(event({ kind: 'party' }))
        .expect(400);
      expect(JSON.stringify(kind.body.details)).toContain('kind');
      const other = await t.http
        .post('/api/v1/events')
        .set(bbOfficer.auth)
        .send(event({ hosts: ['mianyang'] }))
        .expect(400);
      expect(other.body.details[0].field).toBe('hosts');
      await t.http.get('/api/v1/events/00000000-0000-4000-8000-000000000000').set(bbOfficer.auth).expect(404);
      await t.http.get('/api/v1/events/not-a-uuid').set(bbOfficer.auth).expect(404);
    });
  });

  describe('co-hosting by agreement (DESIGN §14)', () => {
    it('creating with both hosts proposes co-hosting; the other city’s manager accepts', async () => {
      const e = await create(bbOfficer, { hosts: ['beibei', 'mianyang'], cohostNote: '联合主办' });
      expect(e.hosts).toEqual(['beibei']);
      expect(e.pendingCohostAgreementId).toEqual(expect.any(String));
      const pending = await t.http
        .get('/api/v1/agreements')
        .query({ status: 'pending', kind: 'event.cohost' })
        .set(myManager.auth)
        .expect(200);
      const agreement = pending.body.items.find((a: { subject: { id: string } }) => a.subject.id === e.id);
      expect(agreement).toMatchObject({ waitingOnMe: true, change: { hosts: ['beibei', 'mianyang'] } });
      // Not the proposing city, not an officer.
      await t.http.post(`/api/v1/agreements/${agreement.id}/accept`).set(bbManager.auth).send({}).expect(403);
      await t.http.post(`/api/v1/agreements/${agreement.id}/accept`).set(myOfficer.auth).send({}).expect(403);
      await t.http.post(`/api/v1/agreements/${agreement.id}/accept`).set(myManager.auth).send({}).expect(200);
      const joint = await t.http.get(`/api/v1/events/${e.id}`).set(myOfficer.auth).expect(200);
      expect(joint.body).toMatchObject({
        hosts: ['beibei', 'mianyang'],
        pendingCohostAgreementId: null,
        version: 2,
      });
      // Now either city changes it.
      await t.http
        .patch(`/api/v1/events/${e.id}`)
        .set(myOfficer.auth)
        .set('If-Match', '"2"')
        .send({ summary: '两地联合主办' })
        .expect(200);
    });

    it('adding the partner later is a proposal too; declined, nothing changes', async () => {
      const e = await create(myOfficer, { title: uniq('绵阳推介会') });
      const proposal = await t.http
        .post(`/api/v1/events/${e.id}/cohost-proposals`)
        .set(myOfficer.auth)
        .send({ note: '请北碚共同主办' })
        .expect(202);
      expect(proposal.body).toMatchObject({
        kind: 'event.cohost',
        decidingJurisdiction: 'beibei',
        status: 'pending',
      });
      await t.http.post(`/api/v1/events/${e.id}/cohost-proposals`).set(myOfficer.auth).send({}).expect(409);
      // The partner city cannot propose for an event it does not host.
      const other = await create(bbOfficer);
      await t.http
        .post(`/api/v1/events/${other.id}/cohost-proposals`)
        .set(myManager.auth)
        .send({})
        .expect(403);
      await t.http
        .post(`/api/v1/agreements/${proposal.body.id}/decline`)
        .set(bbManager.auth)
        .send({})
        .expect(200);
      const after = await t.http.get(`/api/v1/events/${e.id}`).set(bbOfficer.auth).expect(200);
      expect(after.body).toMatchObject({ hosts: ['mianyang'], pendingCohostAgreementId: null, version: 1 });
    });
  });

  describe('invitees and suggestions', () => {
    const enterprise = async (user: TestUser, segments: string[], over: Record<string, unknown> = {}) =>
      (
        await t.http
          .post('/api/v1/enterprises')
          .set(user.auth)
          .send({ name: `${uniq('企业')}有限公司`, segments, chainLeader: false, ...over })
          .expect(201)
      ).body as { id: string; name: string };

    it('suggests both cities’ chain partners, leaders first, never peers or unrelated segments; one-click add', async () => {
      const focus = ['nev.battery-cell'];
      const [cathode, cathodeLeader, pack, graphene, peer, unrelated, twoHop, needs] = await Promise.all([
        enterprise(bbManager, ['nev.cathode']),
        enterprise(myManager, ['nev.cathode'], { chainLeader: true }),
        enterprise(myManager, ['nev.battery-pack']),
        enterprise(bbManager, ['nmat.graphene']),
        enterprise(bbManager, ['nev.battery-cell']),
        enterprise(myManager, ['biomed.api'], { chainLeader: true }),
        enterprise(bbManager, ['nev.battery-minerals']),
        enterprise(myManager, ['hiequip.robots'], { needs: ['nev.battery-cell'] }),
      ]);
      const e = await create(bbOfficer, { focusSegments: focus });
      const res = await t.http
        .get(`/api/v1/events/${e.id}/suggested-invitees`)
        .query({ limit: 100 })
        .set(myOfficer.auth)
        .expect(200);
      type S = {
        enterpriseId: string;
        chainLeader: boolean;
        relation: string;
        strength: string;
        reasons: { code: string; text: string }[];
      };
      const items = res.body.items as S[];
      const ids = items.map((s) => s.enterpriseId);
      for (const x of [cathode, cathodeLeader, pack, graphene, needs]) expect(ids).toContain(x.id);
      for (const x of [peer, unrelated, twoHop]) expect(ids).not.toContain(x.id);
      // Chain leaders first.
      const firstOther = items.findIndex((s) => !s.chainLeader);
      expect(items.slice(firstOther).every((s) => !s.chainLeader)).toBe(true);
      expect(ids.indexOf(cathodeLeader.id)).toBeLessThan(ids.indexOf(cathode.id));
      // Core links before supporting ones among non-leaders; the reason names the link.
      expect(ids.indexOf(cathode.id)).toBeLessThan(ids.indexOf(graphene.id));
      const byId = new Map(items.map((s) => [s.enterpriseId, s]));
      expect(byId.get(cathode.id)).toMatchObject({ relation: 'upstream', strength: 'core' });
      expect(byId.get(pack.id)).toMatchObject({ relation: 'downstream', strength: 'core' });
      expect(byId.get(cathode.id)!.reasons[0]).toMatchObject({ code: 'CORE_LINK' });
      expect(byId.get(cathode.id)!.reasons[0].text).toContain('正极材料');
      expect(byId.get(cathodeLeader.id)!.reasons.map((r) => r.code)).toContain('CHAIN_LEADER');
      expect(byId.get(needs.id)!.reasons.map((r) => r.code)).toContain('DECLARED_NEED');
      const en = await t.http
        .get(`/api/v1/events/${e.id}/suggested-invitees`)
        .set(myOfficer.auth)
        .set('Accept-Language', 'en')
        .expect(200);
      expect(en.body.items[0].reasons[0].text).toMatch(/[A-Za-z]/);

      // One click: the suggestion joins the list (with its base-data name) and leaves the suggestions.
      const put = await t.http
        .put(`/api/v1/events/${e.id}/invitees`)
        .set(bbOfficer.auth)
        .set('If-Match', '"1"')
        .send({
          invitees: [{ enterpriseId: cathodeLeader.id }, { name: '某高校研究院', status: 'registered' }],
        })
        .expect(200);
      expect(put.body.invitees).toEqual([
        { enterpriseId: cathodeLeader.id, name: cathodeLeader.name, status: 'invited' },
        { enterpriseId: null, name: '某高校研究院', status: 'registered' },
      ]);
      expect(put.headers.etag).toBe('"2"');
      const again = await t.http
        .get(`/api/v1/events/${e.id}/suggested-invitees`)
        .set(bbOfficer.auth)
        .expect(200);
      expect(again.body.items.map((s: S) => s.enterpriseId)).not.toContain(cathodeLeader.id);
      // Check-in on the day: attended. A stale If-Match is refused.
      await t.http
        .put(`/api/v1/events/${e.id}/invitees`)
        .set(bbOfficer.auth)
        .set('If-Match', '"1"')
        .send({ invitees: [] })
        .expect(412);
      const checkIn = await t.http
        .put(`/api/v1/events/${e.id}/invitees`)
        .set(bbOfficer.auth)
        .set('If-Match', '"2"')
        .send({
          invitees: [
            { enterpriseId: cathodeLeader.id, status: 'attended' },
            { name: '某高校研究院', status: 'registered' },
          ],
        })
        .expect(200);
      expect(checkIn.body.invitees[0].status).toBe('attended');
      const list = await t.http.get(`/api/v1/events/${e.id}/invitees`).set(myOfficer.auth).expect(200);
      expect(list.body).toMatchObject({
        version: 3,
        items: [{ status: 'attended' }, { status: 'registered' }],
      });
      // Bad lists: unknown enterprise, twice the same, neither id nor name.
      const bad = await t.http
        .put(`/api/v1/events/${e.id}/invitees`)
        .set(bbOfficer.auth)
        .send({
          invitees: [
            { enterpriseId: '00000000-0000-4000-8000-000000000000' },
            { enterpriseId: cathode.id },
            { enterpriseId: cathode.id },
          ],
        })
        .expect(400);
      const fields = bad.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(['invitees[0].enterpriseId', 'invitees[2]']);
      const nameless = await t.http
        .put(`/api/v1/events/${e.id}/invitees`)
        .set(bbOfficer.auth)
        .send({ invitees: [{ status: 'invited' }] })
        .expect(400);
      expect(nameless.body.details[0].field).toBe('invitees[0].name');
      expect((await t.http.get(`/api/v1/events/${e.id}`).set(bbOfficer.auth)).body.version).toBe(3);
    });
  });

  describe('leads raised at an event and outcomes', () => {
    const lead = (user: TestUser, over: Record<string, unknown>) =>
      t.http
        .post('/api/v1/leads')
        .set(user.auth)
        .send({
          title: uniq('项目'),
          investor: { name: `投资方${uniq()}有限公司` },
          segments: ['nev.battery-cell'],
          plannedInvestmentWan: 10000,
          source: 'event',
          ...over,
        });

    it('links leads by eventId, validates it, and adds up what they brought', async () => {
      const e = await create(bbOfficer, { budgetWan: 90 });
      const unsigned = await lead(bbOfficer, { eventId: e.id }).expect(201);
      expect(unsigned.body.eventId).toBe(e.id);
      await lead(bbOfficer, {
        eventId: e.id,
        stage: 'signed',
        signedAt: '2026-11-20',
        contractAmountWan: 52000.5,
        fundsInPlace: [{ at: '2026-11-25', amountWan: 8000.25 }],
      }).expect(201);
      // A private signed lead of the other city counts in the totals, never by name.
      await lead(myOfficer, {
        eventId: e.id,
        stage: 'signed',
        signedAt: '2026-11-21',
        contractAmountWan: 30000,
        fundsInPlace: [{ at: '2026-11-28', amountWan: 12000 }],
      }).expect(201);

      // eventId: only a visible event, only with source event.
      const unknown = await lead(bbOfficer, { eventId: '00000000-0000-4000-8000-000000000000' }).expect(400);
      expect(unknown.body.details[0].field).toBe('eventId');
      const wrongSource = await lead(bbOfficer, { eventId: e.id, source: 'referral' }).expect(400);
      expect(wrongSource.body.details[0].field).toBe('eventId');
      // PATCH sets and clears it.
      const plain = await lead(bbOfficer, {}).expect(201);
      const linked = await t.http
        .patch(`/api/v1/leads/${plain.body.id}`)
        .set(bbOfficer.auth)
        .set('If-Match', `"${plain.body.version}"`)
        .send({ eventId: e.id })
        .expect(200);
      expect(linked.body.eventId).toBe(e.id);
      const cleared = await t.http
        .patch(`/api/v1/leads/${plain.body.id}`)
        .set(bbOfficer.auth)
        .set('If-Match', `"${linked.body.version}"`)
        .send({ eventId: null })
        .expect(200);
      expect(cleared.body.eventId).toBeNull();
      const got = await t.http.get(`/api/v1/leads/${unsigned.body.id}`).set(bbOfficer.auth).expect(200);
      expect(got.body.eventId).toBe(e.id);

      const out = await t.http.get(`/api/v1/events/${e.id}/outcomes`).set(bbManager.auth).expect(200);
      expect(out.body).toMatchObject({
        eventId: e.id,
        leads: 3,
        signed: 2,
        contractAmountWan: 82000.5,
        fundsInPlaceWan: 20000.25,
        budgetWan: 90,
        costPerSignedWan: 45,
      });
      expect(out.body.reached).toMatchObject({ lead: 3, contacted: 2, signed: 2 });
      expect(out.body.byStage.lead).toBe(1);
      // Beibei sees its own two leads by name, not mianyang's private one.
      expect(out.body.visibleLeads).toHaveLength(2);
      expect(out.body.visibleLeads.every((l: { jurisdiction: string }) => l.jurisdiction === 'beibei')).toBe(
        true,
      );
      const mine = await t.http.get(`/api/v1/events/${e.id}/outcomes`).set(myOfficer.auth).expect(200);
      expect(mine.body).toMatchObject({ leads: 3, signed: 2, contractAmountWan: 82000.5 });
      expect(mine.body.visibleLeads).toHaveLength(1);

      // No signed deal or no budget: no cost per deal.
      const empty = await create(bbOfficer, { budgetWan: 10 });
      await lead(bbOfficer, { eventId: empty.id }).expect(201);
      const none = await t.http.get(`/api/v1/events/${empty.id}/outcomes`).set(bbOfficer.auth).expect(200);
      expect(none.body).toMatchObject({ leads: 1, signed: 0, contractAmountWan: 0, costPerSignedWan: null });
    });
  });

  describe('iCalendar feed', () => {
    it('serves the caller’s visible events as iCalendar, with a bearer token or a feed token', async () => {
      const e = await create(bbOfficer, {
        title: uniq('北碚—绵阳 联合推介会, 含逗号; 分号'),
        startsAt: '2026-12-20T02:00:00.000Z',
        endsAt: '2026-12-20T09:30:00.000Z',
        venue: '绵阳科博会展中心',
        city: '绵阳',
      });
      const res = await t.http.get('/api/v1/events.ics').set(myOfficer.auth).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/calendar/);
      const parse = (text: string) => {
        const comp = new ICAL.Component(ICAL.parse(text));
        return comp.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
      };
      const events = parse(res.text);
      const found = events.find((x) => x.uid === `${e.id}@liancheng`);
      expect(found).toBeDefined();
      expect(found!.summary).toBe(e.title);
      expect(found!.location).toBe('绵阳 绵阳科博会展中心');
      expect(found!.startDate.toJSDate().toISOString()).toBe('2026-12-20T02:00:00.000Z');
      expect(found!.endDate.toJSDate().toISOString()).toBe('2026-12-20T09:30:00.000Z');
      expect(found!.description).toContain('北碚区');

      // Calendar apps send no headers: a feed token in the query.
      await t.http.get('/api/v1/events.ics').expect(401);
      await t.http.get('/api/v1/events.ics').query({ token: 'lcf_wrong' }).expect(401);
      const token = await t.http.post('/api/v1/events/feed-token').set(myOfficer.auth).expect(200);
      expect(token.body.path).toBe(`/api/v1/events.ics?token=${token.body.token}`);
      const byToken = await t.http.get(token.body.path).expect(200);
      expect(parse(byToken.text).map((x) => x.uid)).toContain(`${e.id}@liancheng`);
      // One credential only; a new token replaces the old; revoked tokens stop working.
      await t.http.get(token.body.path).set(myOfficer.auth).expect(401);
      const second = await t.http.post('/api/v1/events/feed-token').set(myOfficer.auth).expect(200);
      await t.http.get(token.body.path).expect(401);
      await t.http.get(second.body.path).expect(200);
      await t.http.delete('/api/v1/events/feed-token').set(myOfficer.auth).expect(204);
      await t.http.get(second.body.path).expect(401);
      // API keys with base:read, and unknown query parameters are refused.
      await t.http.get('/api/v1/events.ics').set(myKey.auth).expect(200);
      await t.http.get('/api/v1/events.ics').query({ foo: '1' }).set(myOfficer.auth).expect(400);
    });
  });
});
