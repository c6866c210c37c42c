import { DataSource } from 'typeorm';
import { LEAD_REFS_CLAIMED } from '../libs/leads/lead-writer';
import { withUsccCheck } from '../libs/uscc/uscc';
import { TestApp, startApp } from './support/app';
import { TestKey, makeApiKey, makeUser, uniq } from './support/factories';
import { EXAMPLE_LEAD } from './partner-example/partner';

jest.setTimeout(120_000);

/** Partner bulk upserts and the changes feed (DESIGN §11). */
describe('sync API', () => {
  let t: TestApp;
  let bb: TestKey; // beibei partner key
  let my: TestKey; // mianyang partner key
  const SEG = 'ngit.ic-design';

  beforeAll(async () => {
    t = await startApp();
    bb = await makeApiKey(t.ds, 'beibei', ['leads:write', 'leads:read', 'base:write', 'changes:read']);
    my = await makeApiKey(t.ds, 'mianyang', ['leads:write', 'leads:read', 'base:write', 'changes:read']);
  });
  afterAll(() => t.close());

  const lead = (system: string, id: string, extra: Record<string, unknown> = {}) => ({
    externalRef: { system, id },
    title: `项目 ${id}`,
    investor: { name: `投资方 ${id} 有限公司` },
    segments: [SEG],
    plannedInvestmentWan: 1000,
    ...extra,
  });

  async function followFeed(key: TestKey, cursor?: string, entities?: string) {
    const all: any[] = [];
    for (;;) {
      const res = await t.http
        .get('/api/v1/sync/changes')
        .query({ limit: 1000, ...(cursor ? { cursor } : {}), ...(entities ? { entities } : {}) })
        .set(key.auth);
      expect(res.status).toBe(200);
      all.push(...res.body.changes);
      cursor = res.body.nextCursor;
      if (!res.body.hasMore) return { changes: all, cursor: cursor! };
    }
  }

  /** The facts a signed lead carries (DESIGN §6). */
  const signed = { signedAt: '2026-05-20', contractAmountWan: 900 };

  it('creates, leaves unchanged, updates and reports per-item errors in request order', async () => {
    const sys = uniq('crm-');
    const first = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({
        items: [
          lead(sys, '1'),
          lead(sys, '2', { stage: 'signed', ...signed, contacts: [{ name: '张三', phone: '13800000000' }] }),
          { ...lead(sys, '3'), segments: ['no.such-segment'], investor: { name: 'x', uscc: 'BAD' } },
          lead(sys, '1'),
          { ...lead(sys, '4'), color: 'red' },
          'not an object',
        ],
      });
    expect(first.status).toBe(200);
    const r = first.body.results;
    expect(r.map((x: any) => x.status)).toEqual(['created', 'created', 'error', 'error', 'error', 'error']);
    expect(r.map((x: any) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r[2].errors.map((e: any) => e.field).sort()).toEqual(['investor.uscc', 'segments[0]']);
    expect(r[3].errors[0].field).toBe('externalRef');
    expect(r[4].errors).toEqual([{ field: 'color', message: 'unknown field' }]);
    const id1 = r[0].id;

    const lead1 = await t.ds.query(`SELECT * FROM leads WHERE id = $1`, [id1]);
    expect(lead1[0]).toMatchObject({ source: 'partner_system', jurisdiction: 'beibei', version: 1 });
    expect(lead1[0].industries).toEqual(['ngit']);
    const logBefore = await t.ds.query(`SELECT count(*)::int AS n FROM change_log WHERE entity_id = $1`, [
      id1,
    ]);
    const auditBefore = await t.ds.query(
      `SELECT count(*)::int AS n FROM audit_entries WHERE entity_id = $1`,
      [id1],
    );

    const again = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({
        items: [
          lead(sys, '1'),
          lead(sys, '2', {
            stage: 'registered',
            ...signed,
            projectUscc: '91510700MA6XXXXXXY',
            contacts: [{ name: '张三', phone: '13800000000' }],
          }),
        ],
      });
    expect(again.body.results.map((x: any) => x.status)).toEqual(['unchanged', 'updated']);
    expect(again.body.results[0].id).toBe(id1);
    const lead1b = await t.ds.query(`SELECT version FROM leads WHERE id = $1`, [id1]);
    expect(lead1b[0].version).toBe(1);
    expect(
      (await t.ds.query(`SELECT count(*)::int AS n FROM change_log WHERE entity_id = $1`, [id1]))[0].n,
    ).toBe(logBefore[0].n);
    expect(
      (await t.ds.query(`SELECT count(*)::int AS n FROM audit_entries WHERE entity_id = $1`, [id1]))[0].n,
    ).toBe(auditBefore[0].n);

    // The stage move is an activity; a backward move is refused for that item only.
    const id2 = again.body.results[1].id;
    const acts = await t.ds.query(`SELECT from_stage, to_stage FROM activities WHERE lead_id = $1`, [id2]);
    expect(acts).toEqual([{ from_stage: 'signed', to_stage: 'registered' }]);
    const back = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({ items: [lead(sys, '2', { stage: 'lead' }), lead(sys, '5', { stage: 'lost' })] });
    expect(back.body.results[0]).toMatchObject({ status: 'error', errors: [{ field: 'stage' }] });
    expect(back.body.results[1]).toMatchObject({ status: 'error', errors: [{ field: 'stage' }] });
    // the refused create did not keep its external ref
    const created5 = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({ items: [lead(sys, '5')] });
    expect(created5.body.results[0].status).toBe('created');

    // created leads queue matching, and updates domain events, in the same transaction; a stage
    // and contacts change is no reason to match again
    const outbox = await t.ds.query(
      `SELECT payload->'version' AS version FROM outbox WHERE kind = 'match-lead' AND payload->>'leadId' = $1`,
      [id2],
    );
    expect(outbox).toEqual([{ version: 1 }]);
    const events = await t.ds.query(`SELECT type FROM domain_events WHERE entity_id = $1 ORDER BY type`, [
      id2,
    ]);
    expect(events.map((e: any) => e.type)).toEqual(['lead.created', 'lead.stage_changed', 'lead.updated']);
  });

  it('the partner example’s lead (test/partner-example, README) is created as it reads', async () => {
    const sys = uniq('example-');
    const item = { ...EXAMPLE_LEAD, externalRef: { system: sys, id: 'L-1' } };
    const res = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({ items: [item] })
      .expect(200);
    expect(res.body.results[0]).toMatchObject({ status: 'created' });
    const lead = await t.http.get(`/api/v1/leads/${res.body.results[0].id}`).set(bb.auth).expect(200);
    expect(lead.body).toMatchObject({
      title: '新能源电池模组项目',
      segments: ['nev.battery-pack'],
      industries: ['nev'],
      stage: 'negotiating',
      plannedInvestmentWan: 50000,
    });
  });

  it('refuses more than 1,000 items naming `items`, and enforces scopes', async () => {
    const items = Array.from({ length: 1001 }, (_, i) => lead('x', String(i)));
    const big = await t.http.put('/api/v1/sync/leads').set(bb.auth).send({ items });
    expect(big.status).toBe(400);
    expect(big.body.details.map((d: any) => d.field)).toContain('items');
    const noItems = await t.http.put('/api/v1/sync/leads').set(bb.auth).send({ items: 'nope' });
    expect(noItems.status).toBe(400);

    const reader = await makeApiKey(t.ds, 'beibei', ['leads:read']);
    expect((await t.http.put('/api/v1/sync/leads').set(reader.auth).send({ items: [] })).status).toBe(403);
    expect((await t.http.put('/api/v1/sync/enterprises').set(reader.auth).send({ items: [] })).status).toBe(
      403,
    );
    expect((await t.http.get('/api/v1/sync/changes').set(reader.auth)).status).toBe(403);
    expect((await t.http.get('/api/v1/sync/changes')).status).toBe(401);
    const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    expect((await t.http.get('/api/v1/sync/changes').set(officer.auth)).status).toBe(200);
  });

  it("never writes the other city's record through a shared external ref", async () => {
    const sys = uniq('shared-');
    const a = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({ items: [lead(sys, 'A')] });
    expect(a.body.results[0].status).toBe('created');
    const b = await t.http
      .put('/api/v1/sync/leads')
      .set(my.auth)
      .send({ items: [lead(sys, 'A', { title: 'hijack' })] });
    expect(b.body.results[0]).toMatchObject({ status: 'error', errors: [{ field: 'externalRef' }] });
    expect(b.body.results[0].id).toBeUndefined();
    const row = await t.ds.query(`SELECT title FROM leads WHERE id = $1`, [a.body.results[0].id]);
    expect(row[0].title).toBe('项目 A');
  });

  it('upserts enterprises by externalRef or USCC, only in the own jurisdiction', async () => {
    const sys = uniq('ent-');
    const uscc = withUsccCheck(
      `91500109${uniq('')
        .slice(0, 9)
        .toUpperCase()
        .replace(/[^0-9A-HJ-NPQRTUWXY]/g, '1')}`,
    );
    const res = await t.http
      .put('/api/v1/sync/enterprises')
      .set(bb.auth)
      .send({
        items: [
          { externalRef: { system: sys, id: 'E1' }, name: '北碚示例公司', segments: [SEG] },
          { uscc, name: '北碚第二公司', segments: [SEG], needs: [SEG] },
          { name: 'no key', segments: [SEG] },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual(['created', 'created', 'error']);
    const again = await t.http
      .put('/api/v1/sync/enterprises')
      .set(bb.auth)
      .send({
        items: [
          { externalRef: { system: sys, id: 'E1' }, name: '北碚示例公司', segments: [SEG] },
          {
            externalRef: { system: sys, id: 'E2' },
            uscc,
            name: '北碚第二公司',
            segments: [SEG],
            needs: [SEG],
          },
        ],
      });
    expect(again.body.results.map((r: any) => r.status)).toEqual(['unchanged', 'updated']);
    expect(again.body.results[1].id).toBe(res.body.results[1].id);
    const other = await t.http
      .put('/api/v1/sync/enterprises')
      .set(my.auth)
      .send({ items: [{ uscc, name: '改名', segments: [SEG] }] });
    expect(other.body.results[0]).toMatchObject({ status: 'error', errors: [{ field: 'uscc' }] });
  });

  it('gives created leads and enterprises time-ordered ids (UUID version 7), ascending in request order', async () => {
    const sys = uniq('v7-');
    const leads = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({ items: [lead(sys, 'a'), lead(sys, 'b'), lead(sys, 'c')] });
    const ents = await t.http
      .put('/api/v1/sync/enterprises')
      .set(bb.auth)
      .send({
        items: ['x', 'y'].map((n) => ({
          externalRef: { system: sys, id: n },
          name: `企业${n}${uniq()}`,
          segments: [SEG],
        })),
      });
    expect(leads.status).toBe(200);
    expect(ents.status).toBe(200);
    for (const results of [leads.body.results, ents.body.results]) {
      const ids: string[] = results.map((r: any) => r.id);
      expect(results.map((r: any) => r.status)).toEqual(ids.map(() => 'created'));
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect([...ids].sort()).toEqual(ids);
      // The first 48 bits are the creation time in ms.
      const ms = parseInt(ids[0].replace(/-/g, '').slice(0, 12), 16);
      expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
    }
  });

  it('indexes each external ref once, for leads from sync (claimed first) and from POST /leads (trigger)', async () => {
    const sys = uniq('refs-');
    const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    const posted = await t.http
      .post('/api/v1/leads')
      .set(officer.auth)
      .send({
        title: '手工录入',
        investor: { name: `手工投资${uniq()}有限公司` },
        segments: [SEG],
        plannedInvestmentWan: 500,
        sharing: 'private',
        source: 'event',
        externalRefs: [{ system: sys, id: 'P1' }],
      });
    expect(posted.status).toBe(201);
    const pushed = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({ items: [lead(sys, 'S1'), lead(sys, 'P1', { title: '由同步更新' })] });
    expect(pushed.body.results.map((r: any) => r.status)).toEqual(['created', 'updated']);
    expect(pushed.body.results[1].id).toBe(posted.body.id);
    const refs = await t.ds.query(
      `SELECT external_id, entity_id::text FROM external_ref_index WHERE system = $1 ORDER BY external_id`,
      [sys],
    );
    expect(refs).toEqual([
      { external_id: 'P1', entity_id: posted.body.id },
      { external_id: 'S1', entity_id: pushed.body.results[0].id },
    ]);
    // The flag that keeps the refs trigger quiet lives only in the sync transaction.
    const [{ flag }] = await t.ds.query(`SELECT current_setting($1, true) AS flag`, [LEAD_REFS_CLAIMED]);
    expect(flag ?? '').not.toBe('on');
  });

  it('honours Idempotency-Key: replay, 422 on another body, one execution under concurrency', async () => {
    const sys = uniq('idem-');
    const key = uniq('k-');
    const body = { items: [lead(sys, '1'), lead(sys, '2')] };
    const first = await t.http.put('/api/v1/sync/leads').set(bb.auth).set('Idempotency-Key', key).send(body);
    const second = await t.http.put('/api/v1/sync/leads').set(bb.auth).set('Idempotency-Key', key).send(body);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.body.results[0].status).toBe('created'); // replayed, not re-run (would say unchanged)
    const n = await t.ds.query(`SELECT count(*)::int AS n FROM external_ref_index WHERE system = $1`, [sys]);
    expect(n[0].n).toBe(2);
    const other = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .set('Idempotency-Key', key)
      .send({ items: [lead(sys, '3')] });
    expect(other.status).toBe(422);

    const sys2 = uniq('idem-');
    const key2 = uniq('k-');
    const big = { items: Array.from({ length: 300 }, (_, i) => lead(sys2, String(i))) };
    const [x, y] = await Promise.all([
      t.http.put('/api/v1/sync/leads').set(bb.auth).set('Idempotency-Key', key2).send(big),
      t.http.put('/api/v1/sync/leads').set(bb.auth).set('Idempotency-Key', key2).send(big),
    ]);
    const statuses = [x.status, y.status].sort();
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    for (const r of [x, y].filter((r) => r.status === 200)) {
      expect(r.body.results.every((i: any) => i.status === 'created')).toBe(true);
    }
    const audits = await t.ds.query(
      `SELECT count(*)::int AS n FROM audit_entries a JOIN external_ref_index x ON x.entity_id = a.entity_id WHERE x.system = $1`,
      [sys2],
    );
    expect(audits[0].n).toBe(300); // executed once
  });

  it('serves the feed with visibility: private leads of the other city never appear, confidential ones masked', async () => {
    const start = (await followFeed(my)).cursor;
    const sys = uniq('vis-');
    const res = await t.http
      .put('/api/v1/sync/leads')
      .set(bb.auth)
      .send({
        items: [
          lead(sys, 'private', { investor: { name: '秘密投资有限公司' } }),
          lead(sys, 'shared', { sharing: 'shared', contacts: [{ name: '李四' }] }),
          lead(sys, 'conf', {
            sharing: 'shared',
            confidential: true,
            codeName: '代号X',
            investor: { name: '真名有限公司', uscc: withUsccCheck('91500109MA5U12345') },
          }),
        ],
      });
    const [priv, shared, conf] = res.body.results.map((r: any) => r.id);
    const mine = await followFeed(my, start, 'lead');
    const ids = mine.changes.map((c: any) => c.id);
    expect(ids).not.toContain(priv);
    expect(JSON.stringify(mine.changes)).not.toContain('秘密投资');
    const s = mine.changes.find((c: any) => c.id === shared);
    expect(s).toMatchObject({ entity: 'lead', op: 'upsert', version: 1 });
    expect(s.data.contacts).toEqual([]);
    const c = mine.changes.find((x: any) => x.id === conf);
    expect(c.data.investor).toMatchObject({ name: '代号X', uscc: null });
    expect(JSON.stringify(mine.changes)).not.toContain('真名');

    const own = await followFeed(bb, start, 'lead');
    expect(own.changes.map((x: any) => x.id)).toEqual(expect.arrayContaining([priv, shared, conf]));
    expect(own.changes.find((x: any) => x.id === shared).data.contacts).toEqual([{ name: '李四' }]);
  });

  it('validates feed parameters', async () => {
    expect((await t.http.get('/api/v1/sync/changes?limit=1001').set(bb.auth)).status).toBe(400);
    const bad = await t.http.get('/api/v1/sync/changes?cursor=garbage').set(bb.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('cursor');
    const ent = await t.http.get('/api/v1/sync/changes?entities=lead,secret').set(bb.auth);
    expect(ent.status).toBe(400);
    expect(ent.body.details[0].field).toBe('entities');
  });
});

export async function countChanges(ds: DataSource): Promise<number> {
  return (await ds.query(`SELECT count(*)::int AS n FROM change_log`))[0].n;
}
