import { DOMAIN_EVENT_TYPES } from '../libs/events/events.service';
import { TestApp, startApp } from './support/app';
import { feedHead } from './support/feed';
import { TestKey, makeApiKey, makeUser, uniq } from './support/factories';
import { Receiver, startReceiver, verify } from './partner-example/receiver';
import { scratchDatabase } from './support/matching-worker';
import { startWorker } from './partner-example/worker-harness';
import { waitFor } from './support/wait';

jest.setTimeout(600_000);

/**
 * A partner system end to end (DESIGN §11): 10,000 leads pushed in batches of 1,000 with invalid and
 * unchanged items, the feed followed from the start to the end (every created lead once per
 * version), webhooks of every event type received on loopback (lead.created ×≈9,700,
 * lead.updated, lead.stage_changed, collision.detected) with every signature verified and a
 * failing delivery retried until it arrives.
 */
describe('partner system end to end', () => {
  // Its own database: the ≈11,000 events go to this suite's subscription only, never also to
  // subscriptions other suites left behind on the shared one (dead receivers, retried deliveries).
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let t: TestApp;
  let worker: { close(): Promise<void> };
  let rx: Receiver;
  let key: TestKey;

  beforeAll(async () => {
    process.env.WEBHOOK_RETRY_BASE_MS = '150';
    db = await scratchDatabase('partner');
    t = await startApp({
      DATABASE_URL: db.url,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      QUEUE_PREFIX: `{lc-${uniq('partner')}}`,
    });
    worker = await startWorker(t.config);
    rx = await startReceiver();
    key = await makeApiKey(t.ds, 'beibei', ['leads:write', 'changes:read', 'webhooks:manage']);
  });
  afterAll(async () => {
    await worker?.close();
    await rx?.close();
    await t?.close();
    await db?.drop();
  });

  it('pushes 10,000 leads, follows the feed exactly once per version, receives signed webhooks', async () => {
    const sub = await t.http
      .post('/api/v1/webhooks')
      .set(key.auth)
      .send({ url: rx.url('/partner'), events: [...DOMAIN_EVENT_TYPES] });
    expect(sub.status).toBe(201);

    // Where the feed is before we start.
    let cursor = await feedHead(t, key.auth);

    const sys = uniq('partner-');
    const item = (n: number, extra: Record<string, unknown> = {}) => ({
      externalRef: { system: sys, id: `L${n}` },
      title: `伙伴项目 ${n}`,
      investor: { name: `伙伴投资 ${n} 有限公司` },
      segments: ['ngit.ic-design', 'ngit.ic-fab'],
      plannedInvestmentWan: n,
      ...extra,
    });
    // The other city already follows the investor of item 3: the push opens collisions
    // (collision.detected, visible to both cities).
    const mOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    await t.http
      .post('/api/v1/leads')
      .set(mOfficer.auth)
      .send({ title: '绵阳项目', investor: { name: item(3).investor.name }, segments: ['ngit.ic-design'] })
      .expect(201);

    const created = new Map<string, string>(); // ref id → lead id
    const counts = { created: 0, updated: 0, unchanged: 0, error: 0 };
    let next = 0;
    let firstOfBatch = -1;
    for (let b = 0; b < 10; b++) {
      const items: unknown[] = [];
      // 20 repeats of the previous batch (unchanged), 30 invalid, the rest new: 1,000 items
      if (b > 0) for (let i = 0; i < 20; i++) items.push(item(firstOfBatch + i));
      firstOfBatch = next;
      while (items.length < 1000) {
        if (items.length % 33 === 0 && items.length > 0)
          items.push({ ...item(-1 - next), segments: ['bogus'] });
        else items.push(item(next++));
      }
      const res = await t.http.put('/api/v1/sync/leads').set(key.auth).send({ items });
      expect({ b, status: res.status, body: res.status === 200 ? null : res.body }).toEqual({
        b,
        status: 200,
        body: null,
      });
      expect(res.body.results).toHaveLength(1000);
      res.body.results.forEach((r: any, i: number) => {
        expect(r.index).toBe(i);
        counts[r.status as keyof typeof counts]++;
        if (r.status === 'created') created.set(r.externalRef.id, r.id);
        if (r.status === 'error') expect(r.errors[0].field).toBe('segments[0]');
      });
    }
    expect(counts.unchanged).toBe(9 * 20);
    expect(counts.created).toBe(next);
    expect(counts.created + counts.error + counts.unchanged).toBe(10_000);
    // 500 of them change: version 2
    const changedRefs = Array.from({ length: 500 }, (_, i) => i * 7);
    const upd = await t.http
      .put('/api/v1/sync/leads')
      .set(key.auth)
      .send({ items: changedRefs.map((n) => item(n, { stage: 'contacted' })) });
    expect(upd.body.results.every((r: any) => r.status === 'updated')).toBe(true);

    // One delivery fails twice before it arrives.
    const flaky = created.get('L49')!; // 49 = 7 × 7: among the updated ones
    let failures = 0;
    rx.respond = ({ body }) => {
      if (body.type === 'lead.updated' && body.data.lead.id === flaky && failures < 2) {
        failures++;
        return 500;
      }
      return 200;
    };

    // Follow the feed to the end.
    const versions = new Map<string, number[]>();
    const ids = new Set(created.values());
    const expectedVersions = (id: string) => (changedIds.has(id) ? [1, 2] : [1]);
    const changedIds = new Set(changedRefs.map((n) => created.get(`L${n}`)!));
    const complete = () =>
      [...ids].every((id) => (versions.get(id) ?? []).length >= expectedVersions(id).length);
    await waitFor(
      'the feed to reach every change',
      async () => {
        for (;;) {
          const res = await t.http
            .get('/api/v1/sync/changes')
            .query({ cursor, limit: 1000, entities: 'lead' })
            .set(key.auth);
          expect(res.status).toBe(200);
          for (const c of res.body.changes) {
            if (!ids.has(c.id)) continue;
            (versions.get(c.id) ?? versions.set(c.id, []).get(c.id)!).push(c.version);
            expect(c.data.id).toBe(c.id);
          }
          cursor = res.body.nextCursor;
          if (!res.body.hasMore) break;
        }
        return complete();
      },
      300_000,
    );
    for (const id of ids) {
      expect({ id, v: [...(versions.get(id) ?? [])].sort() }).toEqual({ id, v: expectedVersions(id) });
    }

    // Webhooks: every event of our leads and of the collisions they opened (lead.created,
    // lead.updated, lead.stage_changed, collision.detected) delivered once with 2xx, every
    // delivery's signature valid, the flaky one retried until it arrived.
    const expected: { id: string; type: string }[] = await t.ds.query(
      `SELECT e.id::text AS id, e.type FROM domain_events e
        WHERE (e.entity = 'lead' AND e.entity_id = ANY($1::uuid[]))
           OR (e.entity = 'collision' AND e.entity_id IN (SELECT id FROM collisions WHERE lead_ids && $1::uuid[]))`,
      [[...ids]],
    );
    const byType = (type: string) => expected.filter((e) => e.type === type).length;
    expect(byType('lead.created')).toBe(ids.size);
    expect(byType('lead.updated')).toBe(changedIds.size);
    expect(byType('lead.stage_changed')).toBe(changedIds.size);
    expect(byType('collision.detected')).toBeGreaterThan(0);
    const delivered = () => new Set(rx.received.filter((r) => r.status === 200).map((r) => r.body.id));
    const missing = () => {
      const ok = delivered();
      return expected.filter((e) => !ok.has(e.id));
    };
    await waitFor('every event delivered', () => missing().length === 0, 300_000).catch(async (e) => {
      const stats = await t.ds.query(
        `SELECT 'd:' || status AS k, count(*)::int AS n FROM webhook_deliveries GROUP BY status
         UNION ALL SELECT 'o:' || kind || ':' || (relayed_at IS NOT NULL), count(*)::int FROM outbox GROUP BY 1`,
      );
      throw new Error(
        `${(e as Error).message}: ${missing().length}/${expected.length} missing ${JSON.stringify(stats)}`,
      );
    });
    const typeOf = new Map(expected.map((e) => [e.id, e.type]));
    const okPerEvent = new Map<string, number>();
    for (const r of rx.received.filter((x) => x.status === 200)) {
      okPerEvent.set(r.body.id, (okPerEvent.get(r.body.id) ?? 0) + 1);
      if (typeOf.has(r.body.id)) expect(r.body.type).toBe(typeOf.get(r.body.id));
    }
    expect([...okPerEvent.values()].every((n) => n === 1)).toBe(true);
    const announced = new Set(
      rx.received
        .filter((r) => r.status === 200 && r.body.type === 'lead.updated')
        .map((r) => r.body.data.lead.id),
    );
    expect([...announced].filter((id) => ids.has(id)).sort()).toEqual([...changedIds].sort());
    // Every delivery received, failed attempts included, carries a valid signature.
    expect(rx.received.length).toBeGreaterThanOrEqual(expected.length + 2);
    const unsigned = rx.received.filter(
      (r) => !verify(sub.body.secret, r.raw, r.headers['x-liancheng-signature'] as string),
    );
    expect(unsigned).toEqual([]);
    const flakyAttempts = rx.received.filter(
      (r) => r.body.type === 'lead.updated' && r.body.data.lead.id === flaky,
    );
    expect(flakyAttempts.map((r) => r.status)).toEqual([500, 500, 200]);
  });
});
