import { AddressInfo } from 'net';
import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq } from './support/factories';
import { RunningWorker, ownQueuePrefix, scratchDatabase, startWorker } from './support/matching-worker';
import { waitFor } from './support/wait';
import { SseClient } from './support/sse';

type Db = Awaited<ReturnType<typeof scratchDatabase>>;
interface Item {
  id: string;
  seq: number;
  type: string;
  title: string;
  body: string;
  link: string;
  readAt: string | null;
}

/**
 * Notifications (DESIGN §18) end to end: real API and worker on a database of the suite's own;
 * each type is caused the way users cause it and arrives in the list and on the stream.
 */
describe('notifications (DESIGN §18)', () => {
  let db: Db;
  let t: TestApp;
  let worker: RunningWorker;
  let base: string;
  let bOfficer: TestUser;
  let bManager: TestUser;
  let mOfficer: TestUser;
  let mManager: TestUser;
  let stream: SseClient;
  const prefix = ownQueuePrefix();

  beforeAll(async () => {
    db = await scratchDatabase('notify');
    t = await startApp({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    worker = await startWorker(db.url, { QUEUE_PREFIX: prefix });
    bOfficer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    bManager = await makeUser(t.ds, t.http, 'beibei', 'manager');
    mOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    mManager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    const ticket = await t.http.post('/api/v1/notifications/stream-ticket').set(bOfficer.auth).expect(200);
    stream = await SseClient.open(`${base}/api/v1/notifications/stream?ticket=${ticket.body.ticket}`);
    expect(stream.status).toBe(200);
  });
  afterAll(async () => {
    stream?.close();
    await worker?.stop();
    await t?.close();
    await db?.drop();
  });

  const list = async (user: TestUser, query: Record<string, string> = {}): Promise<Item[]> =>
    (await t.http.get('/api/v1/notifications').query(query).set(user.auth).expect(200)).body.items;
  const arrives = async (user: TestUser, type: string, also: (n: Item) => boolean = () => true) => {
    let found: Item | undefined;
    await waitFor(
      `${type} for ${user.username}`,
      async () => !!(found = (await list(user)).find((n) => n.type === type && also(n))),
      30_000,
    );
    return found!;
  };
  const onStream = (type: string, leadId?: string) =>
    waitFor(
      `${type} on the stream`,
      async () => stream.notifications().some((n) => n.type === type && (!leadId || n.link.endsWith(leadId))),
      15_000,
    );
  const createLead = async (user: TestUser, over: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/api/v1/leads')
        .set(user.auth)
        .send({
          title: `通知测试${uniq()}`,
          investor: { name: `通知投资${uniq()}有限公司` },
          segments: ['nev.battery-pack'],
          ...over,
        })
        .expect(201)
    ).body;

  let lead: { id: string; title: string; version: number; investor: { name: string } };

  it('a lead assigned to me: in the list and on my stream; my matches ready', async () => {
    lead = await createLead(bManager, { ownerId: bOfficer.id, sharing: 'shared' });
    const n = await arrives(bOfficer, 'lead_assigned');
    expect(n).toMatchObject({ title: '线索已分配给您', link: `/leads/${lead.id}`, readAt: null });
    expect(n.body).toContain(lead.title);
    await onStream('lead_assigned', lead.id);
    const ready = await arrives(bOfficer, 'matches_ready', (x) => x.link === `/leads/${lead.id}`);
    expect(ready.title).toBe('匹配结果已生成');
    await onStream('matches_ready', lead.id);
    // One notice per computation, however many matches it proposed.
    expect((await list(bOfficer)).filter((x) => x.type === 'matches_ready')).toHaveLength(1);
    // The manager who assigned it is not told of an assignment to someone else.
    expect((await list(bManager)).some((x) => x.type === 'lead_assigned')).toBe(false);
    // Events that concern no one queue no notification job: a lead logged by its own owner.
    const own = await createLead(bOfficer);
    const jobs = await t.ds.query(
      `SELECT o.kind FROM domain_events e JOIN outbox o ON o.payload->>'eventId' = e.id::text
        WHERE e.entity_id = $1 AND e.type = 'lead.created'`,
      [own.id],
    );
    expect(jobs.map((j: { kind: string }) => j.kind)).toEqual(['dispatch-event']);
  });

  it('the partner city followed up on my shared lead', async () => {
    await t.http
      .post(`/api/v1/leads/${lead.id}/activities`)
      .set(mOfficer.auth)
      .send({ type: 'call', summary: '绵阳侧电话跟进' })
      .expect(201);
    const n = await arrives(bOfficer, 'partner_follow_up');
    expect(n.body).toContain('绵阳市');
    await onStream('partner_follow_up', lead.id);
    // My own city's follow-up tells no one.
    await t.http
      .post(`/api/v1/leads/${lead.id}/activities`)
      .set(bOfficer.auth)
      .send({ type: 'note', summary: '自己的记录' })
      .expect(201);
  });

  it('a match on my lead decided', async () => {
    const matches = await t.http.get(`/api/v1/leads/${lead.id}/matches`).set(bManager.auth).expect(200);
    const m = [...matches.body.partners, ...matches.body.parks][0];
    expect(m).toBeDefined();
    await t.http
      .post(`/api/v1/matches/${m.id}/decision`)
      .set(bManager.auth)
      .send({ decision: 'accepted' })
      .expect(200);
    const n = await arrives(bOfficer, 'match_decided');
    expect(n.body).toContain('采纳');
    await onStream('match_decided', lead.id);
  });

  it('a collision tells my lead’s owner and both cities’ managers; an agreement waits on the other city', async () => {
    const other = await createLead(mOfficer, { investor: { name: lead.investor.name } });
    expect(other.collisions).toHaveLength(1);
    const mine = await arrives(bOfficer, 'collision');
    expect(mine).toMatchObject({ link: `/leads/${lead.id}` });
    expect(mine.body).toContain('绵阳市');
    await onStream('collision', lead.id);
    expect(await arrives(bManager, 'collision')).toMatchObject({ link: '/collisions' });
    expect(await arrives(mManager, 'collision')).toMatchObject({ link: '/collisions' });
    // The partner's managers never read the other city's lead title.
    expect((await arrives(mManager, 'collision')).body).not.toContain(lead.investor.name);

    await t.http
      .post(`/api/v1/collisions/${other.collisions[0].id}/resolve`)
      .set(mManager.auth)
      .send({ resolution: 'joint' })
      .expect(202);
    const waiting = await arrives(bManager, 'agreement_waiting');
    expect(waiting).toMatchObject({ title: '待本市确认', link: '/collisions' });
    expect((await list(mManager)).some((x) => x.type === 'agreement_waiting')).toBe(false);
  });

  it('reads in English for an English reader', async () => {
    const res = await t.http
      .get('/api/v1/notifications')
      .set({ ...bOfficer.auth, 'Accept-Language': 'en' })
      .expect(200);
    expect(res.body.items.find((n: Item) => n.type === 'lead_assigned').title).toBe('Lead assigned to you');
  });

  it('a reconnect with Last-Event-ID gets what it missed, once', async () => {
    const seen = stream.notifications();
    const lastId = seen[seen.length - 1].seq;
    stream.close();
    // Caused while the stream is away.
    const second = await createLead(bManager, { ownerId: bOfficer.id });
    await arrives(bOfficer, 'lead_assigned', (n) => n.link === `/leads/${second.id}`);
    stream = await SseClient.open(`${base}/api/v1/notifications/stream`, {
      ...bOfficer.auth,
      'Last-Event-ID': String(lastId),
    });
    await onStream('lead_assigned', second.id);
    const resumed = stream.notifications();
    expect(resumed.every((n) => n.seq > lastId)).toBe(true);
    expect(new Set(resumed.map((n) => n.seq)).size).toBe(resumed.length);
    const all = await list(bOfficer);
    expect(resumed.map((n) => n.seq)).toEqual(
      all
        .filter((n) => n.seq > lastId)
        .map((n) => n.seq)
        .reverse(),
    );
  });

  /**
   * Nothing of the earlier tests still on its way: every outbox row relayed, no job waiting or
   * running on the suite's queues. Otherwise a late notification can land between reading the
   * unread count and marking one read (seen on a busy machine: unread 7 where 6 was expected).
   */
  const settled = () =>
    waitFor(
      'earlier notifications delivered',
      async () => {
        const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`);
        if (n > 0) return false;
        for (const q of Object.values(worker.queues.queues)) {
          const counts = await q.getJobCounts('waiting', 'active', 'prioritized');
          if (Object.values(counts).some((c) => c > 0)) return false;
        }
        return true;
      },
      60_000,
    );

  it('unread count, mark one read, mark all read; scoped to the caller', async () => {
    await settled();
    const before = (await t.http.get('/api/v1/notifications/unread-count').set(bOfficer.auth).expect(200))
      .body.unread;
    expect(before).toBeGreaterThan(2);
    const [first] = await list(bOfficer);
    // Another user cannot mark mine.
    const other = await t.http
      .post('/api/v1/notifications/read')
      .set(bManager.auth)
      .send({ ids: [first.id] });
    expect(other.status).toBe(200);
    expect(other.body.marked).toBe(0);
    const one = await t.http
      .post('/api/v1/notifications/read')
      .set(bOfficer.auth)
      .send({ ids: [first.id] });
    expect(one.body).toEqual({ marked: 1, unread: before - 1 });
    expect((await list(bOfficer, { unread: 'true' })).some((n) => n.id === first.id)).toBe(false);
    const all = await t.http.post('/api/v1/notifications/read').set(bOfficer.auth).send({ all: true });
    expect(all.body).toEqual({ marked: before - 1, unread: 0 });
  });

  it('bad input names the field; the stream refuses a bad ticket', async () => {
    const r1 = await t.http.post('/api/v1/notifications/read').set(bOfficer.auth).send({});
    expect(r1.status).toBe(400);
    const r2 = await t.http
      .post('/api/v1/notifications/read')
      .set(bOfficer.auth)
      .send({ ids: ['x'] });
    expect(r2.status).toBe(400);
    expect(JSON.stringify(r2.body.details)).toContain('ids');
    const r3 = await t.http.get('/api/v1/notifications').query({ unread: 'yes' }).set(bOfficer.auth);
    expect(r3.status).toBe(400);
    const r4 = await t.http
      .put('/api/v1/notifications/preferences')
      .set(bOfficer.auth)
      .send({ modes: { collision: 'loud' } });
    expect(r4.status).toBe(400);
    expect(JSON.stringify(r4.body.details)).toContain('modes.collision');
    const bad = await SseClient.open(`${base}/api/v1/notifications/stream?ticket=nope.nope`);
    expect(bad.status).toBe(401);
    bad.close();
    const noAuth = await SseClient.open(`${base}/api/v1/notifications/stream`);
    expect(noAuth.status).toBe(401);
    noAuth.close();
    // A ticket is not an access token.
    const ticket = (await t.http.post('/api/v1/notifications/stream-ticket').set(bOfficer.auth).expect(200))
      .body.ticket;
    await t.http
      .get('/api/v1/notifications')
      .set({ Authorization: `Bearer ${ticket}` })
      .expect(401);
  });

  it('preferences: off silences a type; digest keeps it in the app', async () => {
    const put = await t.http
      .put('/api/v1/notifications/preferences')
      .set(bOfficer.auth)
      .send({ email: 'officer@example.gov.cn', modes: { lead_assigned: 'off', partner_follow_up: 'digest' } })
      .expect(200);
    expect(put.body.email).toBe('officer@example.gov.cn');
    expect(put.body.modes).toMatchObject({
      lead_assigned: 'off',
      partner_follow_up: 'digest',
      collision: 'in_app',
    });
    const got = await t.http.get('/api/v1/notifications/preferences').set(bOfficer.auth).expect(200);
    expect(got.body).toEqual(put.body);
    const third = await createLead(bManager, { ownerId: bOfficer.id });
    // Its matches still arrive; its assignment does not.
    await arrives(bOfficer, 'matches_ready', (n) => n.link === `/leads/${third.id}`);
    expect((await list(bOfficer)).some((n) => n.type === 'lead_assigned' && n.link.endsWith(third.id))).toBe(
      false,
    );
  });

  it('the daily reminder tells of due next actions once, however often it runs', async () => {
    const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString();
    const tomorrow = new Date(Date.now() + 2 * 24 * 3600_000).toISOString();
    const due = await createLead(bOfficer, { nextActionAt: yesterday });
    const later = await createLead(bOfficer, { nextActionAt: tomorrow });
    const q = worker.queues.queueFor('notify-daily');
    for (const run of [1, 2]) {
      const job = await q.add('notify-daily', {}, { jobId: `daily-test-${run}` });
      await waitFor('daily job', async () => (await job.getState()) === 'completed', 30_000);
    }
    const reminders = (await list(bOfficer)).filter((n) => n.type === 'next_action_due');
    expect(reminders.filter((n) => n.link === `/leads/${due.id}`)).toHaveLength(1);
    expect(reminders.some((n) => n.link === `/leads/${later.id}`)).toBe(false);
    expect(reminders[0].title).toBe('下次跟进到期');
    await onStream('next_action_due', due.id);
  });
  it('the daily reminder tells each unit of its action items due within 7 days or overdue, once a day', async () => {
    const day = (d: number) => new Date(Date.now() + d * 24 * 3600_000).toISOString().slice(0, 10);
    const plan = await t.http
      .post('/api/v1/action-plans')
      .set(bManager.auth)
      .send({ title: `提醒测试计划${uniq()}`, periodFrom: day(-30), periodTo: day(300) })
      .expect(201);
    const item = async (code: string, dueAt: string) =>
      (
        await t.http
          .post('/api/v1/action-items')
          .set(bManager.auth)
          .send({
            planId: plan.body.id,
            code,
            title: `联合招商事项${code}`,
            field: 'industry_investment',
            units: [
              { jurisdiction: 'beibei', unit: '北碚区招商投资促进局', contactUserId: bOfficer.id },
              { jurisdiction: 'mianyang', unit: '绵阳市投资促进局' },
            ],
            dueAt,
          })
          .expect(201)
      ).body as { id: string };
    const soon = await item('1.1', day(3));
    const overdue = await item('1.2', day(-2));
    const later = await item('1.3', day(30));
    const q = worker.queues.queueFor('notify-daily');
    for (const run of [1, 2]) {
      const job = await q.add('notify-daily', {}, { jobId: `daily-action-items-${run}` });
      await waitFor('daily job', async () => (await job.getState()) === 'completed', 30_000);
    }
    const forItem = (items: Item[], id: string) =>
      items.filter((n) => n.type === 'action_item_due' && n.link === `/action-plan?item=${id}`);
    // The beibei unit's contact person; the mianyang unit has none, so its managers.
    for (const user of [bOfficer, mManager]) {
      const mine = await list(user);
      expect(forItem(mine, soon.id)).toHaveLength(1);
      expect(forItem(mine, overdue.id)).toHaveLength(1);
      expect(forItem(mine, later.id)).toHaveLength(0);
    }
    const [late] = forItem(await list(bOfficer), overdue.id);
    expect(late.title).toBe('工作事项已逾期');
    expect(late.body).toContain('1.2 联合招商事项1.2');
    expect(forItem(await list(mOfficer), soon.id)).toHaveLength(0);
  });
});
