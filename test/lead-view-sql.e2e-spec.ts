import { TestApp, startApp } from './support/app';
import {
  canSee,
  feedEntry,
  feedEntrySql,
  isListed,
  leadView,
  leadViewJsonSql,
  listedSql,
  visibleSql,
  visibleTitle,
  visibleTitleSql,
} from '../libs/leads/lead-policy';
import type { LeadRow } from '../libs/leads/lead-view';

/**
 * GET /leads and GET /leads/:id render the lead in Postgres (leadViewJsonSql); everything else
 * uses leadView(). Both must hide the same fields from the same viewers: this compares them on
 * every kind of row (own, shared, confidential, private, nulls, fractions, microsecond times).
 */
describe('lead view rendered in SQL = leadView()', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('agrees with leadView() for both viewers on every kind of row', async () => {
    const kinds = [
      { jurisdiction: 'beibei', sharing: 'private', confidential: false, code: null },
      { jurisdiction: 'beibei', sharing: 'shared', confidential: false, code: null },
      { jurisdiction: 'beibei', sharing: 'shared', confidential: true, code: '代号甲' },
      { jurisdiction: 'mianyang', sharing: 'shared', confidential: true, code: '代号乙' },
      { jurisdiction: 'mianyang', sharing: 'private', confidential: true, code: '代号丙' },
      { jurisdiction: 'mianyang', sharing: 'shared', confidential: false, code: null },
      // Confidential without a code name (older rows): the placeholder, in SQL as in TypeScript.
      { jurisdiction: 'mianyang', sharing: 'shared', confidential: true, code: null },
      { jurisdiction: 'beibei', sharing: 'shared', confidential: true, code: '' },
      // Archived: readable by id by its own city only, listed nowhere, a tombstone in the feed.
      { jurisdiction: 'beibei', sharing: 'shared', confidential: false, code: null, archived: true },
      { jurisdiction: 'mianyang', sharing: 'shared', confidential: true, code: '代号丁', archived: true },
      { jurisdiction: 'mianyang', sharing: 'private', confidential: false, code: null, archived: true },
    ];
    const ids: string[] = [];
    for (const [i, k] of kinds.entries()) {
      const full = i % 2 === 0;
      const [row] = await t.ds.query(
        `INSERT INTO leads (title, investor_name, investor_norm, investor_uscc, investor_country, summary,
           segments, industries, planned_investment_wan, land_need_mu, expected_jobs, stage, resume_stage,
           jurisdiction, sharing, confidential, code_name, source, next_action_at, contacts, external_refs,
           linked_lead_ids, created_at, partner_summary, signed_at, contract_amount_wan, project_uscc, started_at,
           operating_at, funds_in_place)
         VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'referral', $17,
                 $18::jsonb, $19::jsonb, $20::uuid[], '2026-03-04 05:06:07.891234+00', $21, $22, $23, $24, $25, $26,
                 $27::jsonb)
         RETURNING id`,
        [
          `项目"引号"\\ ${i}`,
          `投资方 ${i} 有限公司`,
          full ? '91510700MA6XXXXXX0' : null,
          full ? 'DE' : null,
          full ? '多行\n摘要\t制表' : '',
          ['nev.battery-cell', 'nev.cathode'],
          ['nev'],
          full ? '12345.67' : '0',
          full ? '80.50' : null,
          full ? 120 : null,
          full ? 'on_hold' : 'lead',
          full ? 'visited' : null,
          k.jurisdiction,
          k.sharing,
          k.confidential,
          k.code,
          full ? '2026-12-01 08:00:00.123999+08' : null,
          JSON.stringify(full ? [{ name: '张三', phone: '13800000000', title: '总经理' }] : []),
          JSON.stringify(full ? [{ system: 'crm', id: `x-${i}` }] : []),
          full && ids.length ? [ids[0]] : [],
          full ? '给合作方的"摘要"\n第二行' : null,
          full ? '2026-02-28' : null,
          full ? '98765.43' : null,
          full ? '91510700MA6XXXXXX0' : null,
          full ? '2026-03-01' : null,
          full && i === 2 ? '2026-04-30' : null,
          JSON.stringify(
            full
              ? [
                  { at: '2026-03-02', amountWan: 0.1, note: '首笔"到位"' },
                  { at: '2026-03-03', amountWan: 0.2 },
                  { at: '2026-03-04', amountWan: 12345.67, note: '' },
                ]
              : [],
          ),
        ],
      );
      ids.push(row.id);
      if ('archived' in k)
        await t.ds.query(`UPDATE leads SET archived_at = '2026-05-06 07:08:09.123456+00' WHERE id = $1`, [
          row.id,
        ]);
    }
    const rows: LeadRow[] = await t.ds.query(`SELECT * FROM leads WHERE id = ANY($1::uuid[]) ORDER BY id`, [
      ids,
    ]);
    let compared = 0;
    for (const viewer of ['beibei', 'mianyang'] as const) {
      const rendered: {
        id: string;
        view: string;
        visible: boolean;
        listed: boolean;
        entry: string | null;
        title: string;
      }[] = await t.ds.query(
        `SELECT id, ${leadViewJsonSql('$2')} AS view, ${visibleSql('$2')} AS visible,
                ${listedSql('$2')} AS listed, ${feedEntrySql('$2')} AS entry,
                ${visibleTitleSql('$2')} AS title
           FROM leads WHERE id = ANY($1::uuid[]) ORDER BY id`,
        [ids, viewer],
      );
      for (const [i, row] of rows.entries()) {
        expect(rendered[i].visible).toBe(canSee(row, viewer));
        expect(rendered[i].listed).toBe(isListed(row, viewer));
        expect(rendered[i].entry).toBe(feedEntry(row, viewer));
        expect(rendered[i].title).toBe(visibleTitle(row, viewer));
        const expected = leadView(row, viewer);
        if (!expected) continue; // invisible: the callers' WHERE clause keeps it out
        expect(JSON.parse(rendered[i].view)).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBe(17);
  });

  it('GET /leads/:id and GET /leads answer the rendered JSON with its ETag', async () => {
    const { makeUser } = await import('./support/factories');
    const officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    const created = await t.http
      .post('/api/v1/leads')
      .set(officer.auth)
      .send({ title: '渲染测试', investor: { name: '渲染科技有限公司' }, segments: ['nev.vehicle'] });
    expect(created.status).toBe(201);
    const one = await t.http.get(`/api/v1/leads/${created.body.id}`).set(officer.auth);
    expect(one.status).toBe(200);
    expect(one.headers['content-type']).toMatch(/^application\/json/);
    expect(one.headers.etag).toBe(`"${created.body.version}"`);
    const { collisions: _collisions, ...lead } = created.body;
    expect(one.body).toEqual(lead);
    const list = await t.http.get('/api/v1/leads?q=渲染测试').set(officer.auth);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [lead], nextCursor: null });
  });
});
