/**
 * The officers' and managers' daily work in a real browser: the home inbox, bulk match review,
 * the board's move-to menu, dashboard periods, small screens and the demo's Mianyang admin.
 * Screenshots (1366×768 and 390×844, Chinese and English) go to test/artifacts/screenshots.
 */
import type { BrowserContext, Page } from 'playwright-core';

import { DEMO_USERS, seedDemo } from '../../libs/demo/demo-seed';
import { TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(180_000);

const PHONE = { width: 390, height: 844 };

describe('daily work (browser)', () => {
  let h: BrowserHarness;
  let bbOfficer: TestUser;
  let bbManager: TestUser;
  let myOfficer: TestUser;

  beforeAll(async () => {
    h = await startBrowserHarness();
    [bbOfficer, bbManager, myOfficer] = await Promise.all([
      makeUser(h.t.ds, h.t.http, 'beibei', 'officer'),
      makeUser(h.t.ds, h.t.http, 'beibei', 'manager'),
      makeUser(h.t.ds, h.t.http, 'mianyang', 'officer'),
    ]);
  });
  afterAll(() => h?.close());

  /** A lead inserted directly (these tests are about the pages, not the leads API). */
  async function sqlLead(
    owner: TestUser,
    over: Record<string, unknown> = {},
  ): Promise<{ id: string; title: string }> {
    const v = { title: `日常${uniq()}`, stage: 'lead', sharing: 'private', ...over } as Record<
      string,
      unknown
    >;
    const [row] = await h.t.ds.query(
      `INSERT INTO leads (title, investor_name, investor_norm, segments, industries, planned_investment_wan, stage,
                          jurisdiction, owner_id, sharing, next_action_at, updated_at, signed_at, contract_amount_wan,
                          funds_in_place)
       VALUES ($1, $2, $2, '{nev.battery-pack}', '{nev}', $3, $4, $5, $6, $7, $8::timestamptz,
               coalesce($9::timestamptz, now()), $10, $11, $12::jsonb) RETURNING id`,
      [
        v.title,
        `投资方${uniq()}有限公司`,
        v.planned ?? 30000,
        v.stage,
        owner.jurisdiction,
        owner.id,
        v.sharing,
        v.nextActionAt ?? null,
        v.updatedAt ?? null,
        v.signedAt ?? null,
        v.contract ?? null,
        JSON.stringify(v.funds ?? []),
      ],
    );
    return { id: row.id, title: v.title as string };
  }

  const apiLead = async (user: TestUser, over: Record<string, unknown> = {}) => {
    const res = await h.t.http
      .post('/api/v1/leads')
      .set(user.auth)
      .send({
        title: `项目${uniq()}`,
        investor: { name: `投资方${uniq()}有限公司` },
        segments: ['nev.battery-pack'],
        plannedInvestmentWan: 30000,
        ...over,
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; title: string; version: number };
  };

  /** Shots of the current page in Chinese and English (the language switch is remembered). */
  async function bothLanguages(page: Page, name: string, ready: () => Promise<unknown>) {
    await ready();
    await shot(page, `${name}-zh`);
    await page.locator('[data-testid=lang-switch]').click();
    await ready();
    await shot(page, `${name}-en`);
    await page.locator('[data-testid=lang-switch]').click();
  }

  /** The page does not scroll sideways: nothing wider than the window. */
  const noSidewaysScroll = (page: Page) =>
    page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  async function phone(user: TestUser): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await page.setViewportSize(PHONE);
    await login(page, user.username);
    return { ctx, page };
  }

  it('home: an officer sees what waits on them, the collisions on their leads, leads by next action', async () => {
    const day = 24 * 3600 * 1000;
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const later = await sqlLead(bbOfficer, { title: `稍后跟进${uniq()}`, nextActionAt: at(20 * day) });
    const overdue = await sqlLead(bbOfficer, { title: `逾期跟进${uniq()}`, nextActionAt: at(-2 * day) });
    const unscheduled = await sqlLead(bbOfficer, { title: `未安排${uniq()}` });
    const today = await sqlLead(bbOfficer, {
      title: `今日跟进${uniq()}`,
      nextActionAt: new Date().toISOString(),
    });
    const theirs = await sqlLead(myOfficer, { title: `绵阳同一投资方${uniq()}` });
    await h.t.ds.query(
      `INSERT INTO collisions (lead_ids, jurisdictions, basis, similarity, first_reported_by)
       VALUES ($1, '{beibei,mianyang}', 'name', 0.9, 'mianyang')`,
      [[later.id, theirs.id]],
    );

    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbOfficer.username);
    await page.goto('/');
    const card = page.locator('[data-testid=collisions-on-mine]');
    await card.getByText(later.title).waitFor();
    expect(await page.locator('[data-testid=inbox-overdue] .ant-statistic-content').textContent()).toBe('1');
    expect(await page.locator('[data-testid=inbox-due-today] .ant-statistic-content').textContent()).toBe(
      '1',
    );
    expect(await page.locator('[data-testid=inbox-collisions] .ant-statistic-content').textContent()).toBe(
      '1',
    );
    // Officers have no agreements card; the action items of their city that are due or overdue
    // (as many as the action-item list says) link to the action plan.
    expect(await page.locator('[data-testid=inbox-agreements]').count()).toBe(0);
    const due = (
      await h.t.http
        .get('/api/v1/action-items')
        .query({ jurisdiction: 'beibei' })
        .set(bbOfficer.auth)
        .expect(200)
    ).body.items.filter((i: { deadline: string }) => i.deadline === 'overdue' || i.deadline === 'at_risk');
    await page.locator('[data-testid=inbox-action-items]').waitFor();
    expect(await page.locator('[data-testid=inbox-action-items] .ant-statistic-content').textContent()).toBe(
      String(due.length),
    );
    const titles = await page
      .locator('[data-testid=my-leads] tbody tr.ant-table-row td:first-child')
      .allTextContents();
    expect(titles).toEqual([overdue.title, today.title, later.title, unscheduled.title]);
    await bothLanguages(page, 'dw-01-home-officer', () => card.getByText(later.title).waitFor());
    await ctx.close();
  });

  it('home: a manager sees the city’s collisions, agreements and matches to decide, each with a link', async () => {
    const lead = await sqlLead(bbOfficer, { title: `待审匹配${uniq()}` });
    const [park] = await h.t.ds.query(`SELECT id FROM parks ORDER BY name LIMIT 1`);
    await h.t.ds.query(
      `INSERT INTO matches (lead_id, kind, park_id, score, reasons, algorithm_version, lead_version)
       VALUES ($1, 'park', $2, 0.7, '[]', 'test', 1)`,
      [lead.id, park.id],
    );
    await h.t.ds.query(
      `INSERT INTO agreements (kind, subject_entity, subject_id, proposed_by_jurisdiction, deciding_jurisdiction,
                               jurisdictions, change)
       VALUES ('park.jurisdictions', 'park', $1, 'mianyang', 'beibei', '{beibei,mianyang}', '{}')`,
      [park.id],
    );
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbManager.username);
    await page.goto('/');
    const matches = page.locator('[data-testid=inbox-matches]');
    await matches.locator('.ant-statistic-content', { hasText: /^[1-9]/ }).waitFor();
    await page
      .locator('[data-testid=inbox-agreements] .ant-statistic-content', { hasText: /^[1-9]/ })
      .waitFor();
    await bothLanguages(page, 'dw-02-home-manager', () => matches.waitFor());
    await page.locator('[data-testid=inbox-agreements]').getByRole('link').click();
    await page.waitForURL(/\/collisions\?tab=agreements/);
    await page.goto('/');
    await matches.getByRole('link').click();
    await page.waitForURL(/\/matches$/);
    await ctx.close();
  });

  it('match review: filter by lead, select many, accept in bulk; a refused bulk changes nothing and names the match', async () => {
    const parks: { id: string }[] = await h.t.ds.query(`SELECT id FROM parks ORDER BY name LIMIT 3`);
    const reasons = JSON.stringify([
      {
        code: 'PARK_TARGET_SEGMENT',
        text: '园区主导环节包含电池包与BMS',
        textEn: 'The park targets battery packs',
      },
    ]);
    const insert = async (leadId: string, parkId: string, score: number) =>
      (
        await h.t.ds.query(
          `INSERT INTO matches (lead_id, kind, park_id, score, reasons, algorithm_version, lead_version)
           VALUES ($1, 'park', $2, $3, $4, 'test', 1) RETURNING id`,
          [leadId, parkId, score, reasons],
        )
      )[0].id as string;
    const one = await sqlLead(bbOfficer, { title: `批量甲${uniq()}` });
    const two = await sqlLead(bbOfficer, { title: `批量乙${uniq()}` });
    const ones = [
      await insert(one.id, parks[0].id, 0.9),
      await insert(one.id, parks[1].id, 0.8),
      await insert(one.id, parks[2].id, 0.6),
    ];
    const twos = [await insert(two.id, parks[0].id, 0.85), await insert(two.id, parks[1].id, 0.5)];

    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbManager.username);
    await page.goto('/matches');
    const table = page.locator('[data-testid=match-table]');
    await table.getByText(one.title).first().waitFor();
    // Reasons read as sentences; the code is only a tooltip.
    const reason = table.locator('li[data-reason-code=PARK_TARGET_SEGMENT]').first();
    expect(await reason.textContent()).toBe('园区主导环节包含电池包与BMS');

    // Grouped by lead: one row per lead above its matches.
    await page.locator('[data-testid=group-by-lead]').click();
    await table.locator('[data-testid=lead-group]', { hasText: one.title }).waitFor();
    await bothLanguages(page, 'dw-03-match-review-grouped', () =>
      table.locator('[data-testid=lead-group]').first().waitFor(),
    );
    await page.locator('[data-testid=group-by-lead]').click();

    // Only lead one's matches, all selected at once, accepted in one request.
    await page.getByRole('combobox', { name: '线索' }).click();
    await page.keyboard.type(one.title);
    await page.keyboard.press('Enter');
    await table.locator('tbody tr', { hasText: one.title }).nth(2).waitFor();
    // Only lead one's rows are left once the filter applies.
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-testid=match-table] tbody tr.ant-table-row')].every((tr) =>
         tr.textContent.includes(${JSON.stringify(one.title)}))`,
    );
    await table.locator('thead .ant-checkbox-input').check();
    expect(await page.locator('[data-testid=selected-count]').textContent()).toBe('已选 3 项');
    await shot(page, 'dw-04-match-review-selected');
    await page.locator('[data-testid=bulk-accept]').click();
    await page.getByText('已处理 3 项匹配').waitFor();
    const statuses = await h.t.ds.query(`SELECT status FROM matches WHERE id = ANY($1)`, [ones]);
    expect(statuses.map((r: { status: string }) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);

    // Lead two: one of its matches is withdrawn by a re-match meanwhile; the bulk reject is refused whole.
    await page.getByRole('combobox', { name: '线索' }).click();
    await page.keyboard.type(two.title);
    await page.keyboard.press('Enter');
    await table.locator('tbody tr', { hasText: two.title }).nth(1).waitFor();
    await table.locator('thead .ant-checkbox-input').check();
    await h.t.ds.query(`UPDATE matches SET status = 'withdrawn' WHERE id = $1`, [twos[1]]);
    await page.locator('[data-testid=bulk-reject]').click();
    const refused = page.locator('[data-testid=bulk-refused]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('1 项无法处理');
    expect(await refused.textContent()).toContain(two.title);
    expect(await refused.textContent()).toContain('该匹配已不存在');
    const [kept] = await h.t.ds.query(`SELECT status FROM matches WHERE id = $1`, [twos[0]]);
    expect(kept.status).toBe('proposed');
    await shot(page, 'dw-05-match-review-refused');
    await ctx.close();
  });

  it('board: each card has a move-to menu that works from the keyboard; a milestone asks for its facts', async () => {
    const plain = await apiLead(bbOfficer, { title: `键盘推进${uniq()}`, stage: 'contacted' });
    const toSign = await apiLead(bbOfficer, { title: `键盘签约${uniq()}`, stage: 'negotiating' });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbOfficer.username);
    await page.goto('/board');
    const card = (title: string) => page.locator('[data-testid=board-card]', { hasText: title });
    await card(plain.title).waitFor();

    await card(plain.title).locator('[data-testid=move-to]').focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: new RegExp(plain.title) });
    await menu.waitFor();
    await shot(page, 'dw-06-board-move-menu');
    await menu.getByRole('menuitem', { name: '考察' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(`${plain.title} → 考察`).waitFor(); // the server took the move
    await page.locator('[data-testid=column-visited]').getByText(plain.title).waitFor();
    const [moved] = await h.t.ds.query(`SELECT stage FROM leads WHERE id = $1`, [plain.id]);
    expect(moved.stage).toBe('visited');

    await card(toSign.title).locator('[data-testid=move-to]').click();
    await page
      .getByRole('menu', { name: new RegExp(toSign.title) })
      .getByRole('menuitem', { name: '签约' })
      .click();
    const dialog = page.locator('.ant-modal', { hasText: toSign.title });
    await dialog.waitFor();
    await dialog.locator('#contractAmountWan').waitFor();
    await shot(page, 'dw-07-board-move-facts-zh');
    await dialog.getByRole('button', { name: /取\s*消/ }).click();
    await page.locator('[data-testid=column-negotiating]').getByText(toSign.title).waitFor();
    await page.locator('[data-testid=lang-switch]').click();
    await card(toSign.title).locator('[data-testid=move-to]').click();
    await page.getByRole('menuitem', { name: 'Signed' }).click();
    await page.locator('.ant-modal', { hasText: toSign.title }).locator('#contractAmountWan').waitFor();
    await shot(page, 'dw-07-board-move-facts-en');
    await page.locator('.ant-modal').getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-testid=lang-switch]').click();
    await ctx.close();
  });

  it('dashboard: a period filter, totals labelled in 亿元, contract amount and funds beside planned investment', async () => {
    const todayCst = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    await sqlLead(bbOfficer, {
      title: `大额签约${uniq()}`,
      stage: 'signed',
      planned: 300000,
      signedAt: todayCst,
      contract: 250000,
      funds: [{ at: todayCst, amountWan: 12000 }],
    });
    await sqlLead(myOfficer, { title: `绵阳共享${uniq()}`, sharing: 'shared', planned: 5000 });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbManager.username);
    await page.goto('/dashboard');
    await page.locator('[data-testid=totals]').waitFor();
    await page.locator('[data-testid=period]').getByText('本月').click();
    const [y, m] = todayCst.split('-');
    await page.locator('[data-testid=period-range]', { hasText: `${y}-${m}-01 ~ ` }).waitFor();
    const contract = page.locator('[data-testid=total-contract]');
    await contract.getByText('亿元').waitFor();
    expect(await contract.textContent()).toMatch(/签约额合计\s*\d+(\.\d+)?\s*亿元/);
    expect(await page.locator('[data-testid=total-funds]').textContent()).toMatch(/到位资金合计/);
    expect(await page.locator('[data-testid=total-planned]').textContent()).toMatch(/计划投资合计.*亿元/);
    expect(await page.locator('[data-testid=city-mianyang]').textContent()).toContain('仅统计共享线索');
    expect(await page.locator('[data-testid=city-beibei]').textContent()).toContain('全部线索');
    await bothLanguages(page, 'dw-08-dashboard', () => page.locator('[data-testid=totals]').waitFor());
    await ctx.close();
  });

  it('small screens (390 px): the header and user name fit, tables scroll inside their card', async () => {
    const { ctx, page } = await phone(bbManager);
    for (const [path, name, ready] of [
      ['/', 'dw-09-home-phone', '[data-testid=my-leads]'],
      ['/leads', 'dw-10-leads-phone', '.ant-table'],
      ['/matches', 'dw-11-matches-phone', '[data-testid=match-table]'],
      ['/dashboard', 'dw-12-dashboard-phone', '[data-testid=totals]'],
      ['/board', 'dw-13-board-phone', '[data-testid=board]'],
    ] as const) {
      await page.goto(path);
      await page.locator(ready).first().waitFor();
      await bothLanguages(page, name, () => page.locator(ready).first().waitFor());
      const header = await page.locator('[data-testid=header-user]').boundingBox();
      expect(header!.x + header!.width).toBeLessThanOrEqual(PHONE.width);
      expect(await noSidewaysScroll(page)).toBe(true);
    }
    // The user name is cut with an ellipsis rather than pushing the buttons off the screen.
    await page.goto('/');
    const logout = await page.getByRole('button', { name: /退\s*出/ }).boundingBox();
    expect(logout!.x + logout!.width).toBeLessThanOrEqual(PHONE.width);
    await ctx.close();
  });

  it('demo: Mianyang has its own admin, who manages Mianyang’s users and keys', async () => {
    expect(DEMO_USERS).toContainEqual(
      expect.objectContaining({ username: 'mianyang.admin', jurisdiction: 'mianyang', role: 'admin' }),
    );
    await seedDemo(h.t.ds, { enterprises: 0, leads: 0, password: 'liancheng-demo' });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, 'mianyang.admin', 'liancheng-demo');
    await page.locator('.ant-layout-header').getByText('绵阳市').waitFor();
    await page.goto('/admin');
    await page.getByRole('tab', { name: /API/ }).click();
    await bothLanguages(page, 'dw-14-admin-mianyang', () => page.locator('.ant-tabs').waitFor());
    await ctx.close();
  });
});
