import { TestApp, startApp } from './support/app';
import { TestKey, makeApiKey, makeUser, uniq } from './support/factories';
import { Receiver, startReceiver, verify } from './partner-example/receiver';
import { scratchDatabase } from './support/matching-worker';
import { startWorker } from './partner-example/worker-harness';
import { waitFor } from './support/wait';

jest.setTimeout(180_000);

/** Webhook subscriptions, visibility, signatures, retries, disabling, SSRF (DESIGN §11). */
describe('webhooks', () => {
  // Its own database: no other suite's outbox relay takes this suite's events, and no subscription
  // another suite left behind receives them.
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let t: TestApp;
  let worker: { close(): Promise<void> };
  let rx: Receiver;
  let bb: TestKey;
  let my: TestKey;
  const prefix = `{lc-${uniq('wh')}}`;
  /** Secret of every subscription this suite makes, by receiver path: every delivery is verified. */
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    process.env.WEBHOOK_RETRY_BASE_MS = '150';
    db = await scratchDatabase('webhooks');
    t = await startApp({ DATABASE_URL: db.url, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', QUEUE_PREFIX: prefix });
    worker = await startWorker(t.config);
    rx = await startReceiver();
    bb = await makeApiKey(t.ds, 'beibei', ['webhooks:manage', 'leads:write']);
    my = await makeApiKey(t.ds, 'mianyang', ['webhooks:manage', 'leads:write']);
  });
  afterAll(async () => {
    await worker?.close();
    await rx?.close();
    await t?.close();
    await db?.drop();
  });

  it('refuses targets that are not public unless allow-listed, without connecting', async () => {
    for (const url of [
      'http://127.0.0.2:9/hook',
      'http://10.0.0.1/hook',
      'http://192.168.1.10/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:9/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.2]/',
      'ftp://127.0.0.1/',
      'not a url',
    ]) {
      const res = await t.http
        .post('/api/v1/webhooks')
        .set(bb.auth)
        .send({ url, events: ['lead.created'] });
      expect({ url, status: res.status }).toEqual({ url, status: 400 });
      expect(res.body.details[0].field).toBe('url');
    }
    const unknownEvent = await t.http
      .post('/api/v1/webhooks')
      .set(bb.auth)
      .send({ url: rx.url('/x'), events: ['lead.exploded'] });
    expect(unknownEvent.status).toBe(400);
  });

  it('manages subscriptions per jurisdiction; admins or webhooks:manage only', async () => {
    const created = await t.http
      .post('/api/v1/webhooks')
      .set(bb.auth)
      .send({ url: rx.url('/crud'), events: ['lead.created'] });
    expect(created.status).toBe(201);
    // Other suites create beibei leads meanwhile: this subscription receives their lead.created too.
    secrets['/crud'] = created.body.secret;
    expect(created.body).toEqual({
      id: expect.any(String),
      url: rx.url('/crud'),
      events: ['lead.created'],
      secret: expect.stringMatching(/^whsec_/),
    });
    const list = await t.http.get('/api/v1/webhooks').set(bb.auth);
    expect(list.body.items.find((w: any) => w.id === created.body.id)).toMatchObject({ status: 'active' });
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    expect((await t.http.get(`/api/v1/webhooks/${created.body.id}/deliveries`).set(my.auth)).status).toBe(
      404,
    );
    expect((await t.http.delete(`/api/v1/webhooks/${created.body.id}`).set(my.auth)).status).toBe(404);
    const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    expect((await t.http.get('/api/v1/webhooks').set(officer.auth)).status).toBe(403);
    const admin = await makeUser(t.ds, t.http, 'beibei', 'admin');
    expect((await t.http.get('/api/v1/webhooks').set(admin.auth)).status).toBe(200);
    const noScope = await makeApiKey(t.ds, 'beibei', ['leads:read']);
    expect((await t.http.get('/api/v1/webhooks').set(noScope.auth)).status).toBe(403);
    expect((await t.http.delete(`/api/v1/webhooks/${created.body.id}`).set(bb.auth)).status).toBe(204);
    const after = await t.http.get('/api/v1/webhooks').set(bb.auth);
    expect(after.body.items.find((w: any) => w.id === created.body.id)).toBeUndefined();
  });

  it('delivers signed events per visibility, retries a failing receiver, logs every attempt', async () => {
    const events = [
      'lead.created',
      'lead.updated',
      'lead.stage_changed',
      'match.proposed',
      'collision.detected',
    ];
    const subB = (
      await t.http
        .post('/api/v1/webhooks')
        .set(bb.auth)
        .send({ url: rx.url('/bb'), events })
    ).body;
    const subM = (
      await t.http
        .post('/api/v1/webhooks')
        .set(my.auth)
        .send({ url: rx.url('/my'), events })
    ).body;
    Object.assign(secrets, { '/bb': subB.secret, '/my': subM.secret });

    const sys = uniq('wh-');
    const res = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({
        items: [
          {
            externalRef: { system: sys, id: 'p' },
            title: '私有项目',
            investor: { name: '绝密私有投资有限公司' },
            segments: ['ngit.ic-design'],
          },
          {
            externalRef: { system: sys, id: 's' },
            title: '共享项目',
            investor: { name: '共享投资有限公司' },
            segments: ['ngit.ic-design'],
            sharing: 'shared',
            contacts: [{ name: '王五' }],
          },
          {
            externalRef: { system: sys, id: 'c' },
            title: '保密项目',
            investor: { name: '保密真名有限公司' },
            segments: ['ngit.ic-design'],
            sharing: 'shared',
            confidential: true,
            codeName: '代号-鹰',
          },
        ],
      });
    const [priv, shared, conf] = res.body.results.map((r: any) => r.id);
    // The first delivery of the shared lead to beibei fails twice before it succeeds.
    let failures = 0;
    rx.respond = ({ path, body }) => {
      if (path === '/bb' && body.type === 'lead.created' && body.data.lead?.id === shared && failures < 2) {
        failures++;
        return 500;
      }
      return 200;
    };
    const delivered = (path: string, id: string) =>
      rx.received.some(
        (r) =>
          r.path === path && r.status === 200 && r.body.type === 'lead.created' && r.body.data.lead.id === id,
      );
    await waitFor(
      'lead.created deliveries',
      () =>
        delivered('/bb', priv) &&
        delivered('/bb', shared) &&
        delivered('/bb', conf) &&
        delivered('/my', shared) &&
        delivered('/my', conf),
    );
    // give the private lead's (non-)delivery to mianyang every chance to show up: it must not
    await waitFor('outbox drained', async () => {
      const n = await t.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE relayed_at IS NULL`);
      return n[0].n === 0;
    });

    for (const r of rx.received) {
      expect(verify(secrets[r.path] ?? 'none', r.raw, r.headers['x-liancheng-signature'] as string)).toBe(
        true,
      );
      expect(r.headers['x-liancheng-event']).toBe(r.body.type);
    }
    const toMy = rx.received.filter((r) => r.path === '/my');
    expect(toMy.some((r) => JSON.stringify(r.body).includes(priv))).toBe(false);
    expect(JSON.stringify(toMy)).not.toContain('绝密私有');
    expect(JSON.stringify(toMy)).not.toContain('保密真名');
    expect(JSON.stringify(toMy)).not.toContain('王五');
    const confToMy = toMy.find((r) => r.body.data.lead?.id === conf)!;
    expect(confToMy.body.data.lead.investor.name).toBe('代号-鹰');
    const sharedToBb = rx.received.find(
      (r) => r.path === '/bb' && r.status === 200 && r.body.data.lead?.id === shared,
    )!;
    expect(sharedToBb.body.data.lead.contacts).toEqual([{ name: '王五' }]);
    expect(sharedToBb.body).toMatchObject({
      type: 'lead.created',
      id: expect.any(String),
      occurredAt: expect.any(String),
    });

    // the retried delivery: three attempts logged, the failed ones with a next retry time
    const log = await t.http.get(`/api/v1/webhooks/${subB.id}/deliveries?limit=200`).set(bb.auth);
    expect(log.status).toBe(200);
    const attempts = log.body.items
      .filter((a: any) => a.eventId === sharedToBb.body.id)
      .sort((a: any, b: any) => a.attempt - b.attempt);
    expect(attempts.map((a: any) => [a.attempt, a.status, a.responseCode])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'delivered', 200],
    ]);
    expect(attempts[0].nextRetryAt).toEqual(expect.any(String));
    expect(attempts[2].nextRetryAt).toBeNull();
    expect(attempts[0]).toMatchObject({
      durationMs: expect.any(Number),
      error: 'HTTP 500',
      at: expect.any(String),
    });
    // the same event was received exactly once with 2xx per subscriber
    const ok = rx.received.filter(
      (r) => r.status === 200 && r.body.id === sharedToBb.body.id && r.path === '/bb',
    );
    expect(ok).toHaveLength(1);
    rx.respond = () => 200;
  });

  it('disables a subscription that has failed for 24 hours straight and says so', async () => {
    const sub = (
      await t.http
        .post('/api/v1/webhooks')
        .set(bb.auth)
        .send({ url: rx.url('/down'), events: ['lead.created'] })
    ).body;
    secrets['/down'] = sub.secret;
    await t.ds.query(
      `UPDATE webhook_subscriptions SET failing_since = now() - interval '25 hours' WHERE id = $1`,
      [sub.id],
    );
    rx.respond = ({ path }) => (path === '/down' ? 503 : 200);
    await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({
        items: [
          {
            externalRef: { system: uniq('down-'), id: '1' },
            title: 't',
            investor: { name: 'n' },
            segments: ['ngit.ic-design'],
          },
        ],
      });
    await waitFor('subscription disabled', async () => {
      const one = await t.http.get(`/api/v1/webhooks/${sub.id}`).set(bb.auth);
      return one.body.status === 'disabled';
    });
    const one = await t.http.get(`/api/v1/webhooks/${sub.id}`).set(bb.auth);
    expect(one.body).toMatchObject({ status: 'disabled', disabledAt: expect.any(String) });
    expect(one.body.disabledReason).toMatch(/24 hours/);
    rx.respond = () => 200;
  });
});
