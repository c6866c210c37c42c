/**
 * The officers' and managers' daily work on a lead in a real browser:
 * the edit form with If-Match and its conflict resolution, Enter that does not submit, the
 * 待分配 queue, archiving, a readable timeline and audit trail, and the audit page's filters.
 * Screenshots at 1366×768 and 390×844, in Chinese and English.
 */
import { Page } from 'playwright-core';

import { makeApiKey, TestKey, TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(300_000);

const PHONE = { width: 390, height: 844 };

describe('lead edit, assign, archive, timeline and audit (browser)', () => {
  let h: BrowserHarness;
  let officer: TestUser;
  let officer2: TestUser;
  let manager: TestUser;
  let partner: TestUser;
  let key: TestKey;

  beforeAll(async () => {
    h = await startBrowserHarness();
    officer = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer');
    officer2 = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer');
    manager = await makeUser(h.t.ds, h.t.http, 'beibei', 'manager');
    partner = await makeUser(h.t.ds, h.t.http, 'mianyang', 'officer');
    // Display names a reader tells apart.
    await h.t.ds.query(`UPDATE users SET display_name = $2 WHERE id = $1`, [officer.id, '张招商']);
    await h.t.ds.query(`UPDATE users SET display_name = $2 WHERE id = $1`, [officer2.id, '李专员']);
    await h.t.ds.query(`UPDATE users SET display_name = $2 WHERE id = $1`, [manager.id, '王负责']);
    await h.t.ds.query(`UPDATE users SET display_name = $2 WHERE id = $1`, [partner.id, '赵绵阳']);
    key = await makeApiKey(h.t.ds, 'beibei', ['leads:write']);
  });
  afterAll(() => h?.close());

  const apiLead = async (over: Record<string, unknown> = {}, by: TestUser = officer) => {
    const res = await h.t.http
      .post('/api/v1/leads')
      .set(by.auth)
      .send({
        title: `编辑测试${uniq()}`,
        investor: { name: `编辑投资${uniq()}有限公司` },
        segments: ['nev.battery-pack'],
        plannedInvestmentWan: 30000,
        summary: '初始简介',
        ...over,
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; title: string; version: number };
  };
  const row = async (id: string) => (await h.t.ds.query(`SELECT * FROM leads WHERE id = $1`, [id]))[0];

  async function signedIn(user: TestUser, opts: { en?: boolean; viewport?: typeof PHONE } = {}) {
    const ctx = await newContext(h);
    if (opts.en) await ctx.addInitScript({ content: `localStorage.setItem('lc.locale', 'en')` });
    const page = await ctx.newPage();
    if (opts.viewport) await page.setViewportSize(opts.viewport);
    await login(page, user.username);
    return page;
  }
  const done = (page: Page) => page.context().close();

  it('edits every field in a drawer and saves with If-Match; Enter in a field does not save', async () => {
    const lead = await apiLead();
    const page = await signedIn(officer);
    await page.goto(`/leads/${lead.id}`);
    await page.locator('[data-testid=edit-lead]').click();
    const drawer = page.locator('[data-testid=lead-edit]');
    await drawer.locator('#title').waitFor();
    expect(await drawer.locator('#title').inputValue()).toBe(lead.title);

    // Enter in a one-line field saves nothing and closes nothing.
    await drawer.locator('#title').fill(`${lead.title}（改）`);
    await drawer.locator('#title').press('Enter');
    await drawer.locator('#investorName').press('Enter');
    await page.waitForTimeout(500);
    expect((await row(lead.id)).version).toBe(lead.version);
    expect(await drawer.isVisible()).toBe(true);

    // A required field emptied: the error shows, and clears as soon as it is fixed.
    await drawer.locator('#investorName').fill('');
    await page.locator('[data-testid=save-edit]').click();
    const investorError = drawer.getByText('请填写投资方名称');
    await investorError.first().waitFor();
    await drawer.locator('#investorName').fill('重庆新投资有限公司');
    await investorError.first().waitFor({ state: 'detached' });

    await drawer.locator('#plannedInvestmentWan').fill('45000');
    await drawer.locator('#summary').fill('第一行\n第二行'); // Enter in a text area is a new line
    await drawer.locator('#partnerSummary').fill('给绵阳的简介');
    await shot(page, '140-lead-edit-drawer');
    await page.locator('[data-testid=save-edit]').click();
    await page.locator('[data-testid=lead-title]', { hasText: '（改）' }).waitFor();
    expect(await row(lead.id)).toMatchObject({
      title: `${lead.title}（改）`,
      investor_name: '重庆新投资有限公司',
      planned_investment_wan: '45000.00',
      summary: '第一行\n第二行',
      partner_summary: '给绵阳的简介',
      version: lead.version + 1,
    });
    await done(page);
  });

  it('the new-lead form: Enter does not submit a half-filled form; errors clear when fixed', async () => {
    const page = await signedIn(officer);
    await page.goto('/leads/new');
    const title = `回车测试${uniq()}`;
    await page.locator('#title').fill(title);
    await page.locator('#title').press('Enter');
    await page.waitForTimeout(500);
    // Not submitted: no validation run, nothing saved.
    expect(await page.getByText('请填写投资方名称').count()).toBe(0);
    expect(await h.t.ds.query(`SELECT 1 FROM leads WHERE title = $1`, [title])).toHaveLength(0);
    await page.locator('[data-testid=save-lead]').click();
    await page.getByText('请填写投资方名称').first().waitFor();
    await page.locator('#investorName').fill(`回车投资${uniq()}有限公司`);
    await page
      .locator('.ant-form-item', { has: page.locator('#investorName') })
      .getByText('请填写投资方名称')
      .waitFor({ state: 'detached' });
    await done(page);
  });

  it('412: shows what the other person changed next to the edit; keep mine or take theirs, then save', async () => {
    const lead = await apiLead();
    for (const [viewport, en, name, amount] of [
      [undefined, false, '141-edit-conflict', 88000],
      [PHONE, true, '142-edit-conflict-en-390', 99000],
    ] as const) {
      const current = await row(lead.id);
      const page = await signedIn(officer, { en, viewport });
      await page.goto(`/leads/${lead.id}`);
      await page.locator('[data-testid=edit-lead]').click();
      const drawer = page.locator('[data-testid=lead-edit]');
      await drawer.locator('#title').waitFor();
      const mine = `我的标题${uniq()}`;
      await drawer.locator('#title').fill(mine);
      await drawer.locator('#expectedJobs').fill('120');
      // Meanwhile the manager changes the title and the planned investment.
      const theirs = `负责人改的标题${uniq()}`;
      await h.t.http
        .patch(`/api/v1/leads/${lead.id}`)
        .set({ ...manager.auth, 'If-Match': `"${current.version}"` })
        .send({ title: theirs, plannedInvestmentWan: amount })
        .expect(200);
      await page.locator('[data-testid=save-edit]').click();
      const panel = page.locator('[data-testid=edit-conflict]');
      await panel.waitFor();
      expect(await panel.locator('[data-testid=mine-title]').textContent()).toContain(mine);
      expect(await panel.locator('[data-testid=theirs-title]').textContent()).toContain(theirs);
      expect(await panel.locator('[data-testid=theirs-plannedInvestmentWan]').textContent()).toContain(
        amount.toLocaleString('en-US'),
      );
      await shot(page, name);
      // Keep my title; their planned investment stays; my expected jobs go through too.
      await panel
        .locator('[data-testid=choice-title]')
        .getByText(en ? 'Keep mine' : '保留我的')
        .click();
      await panel.locator('[data-testid=save-choices]').click();
      await panel.waitFor({ state: 'detached' });
      await page.locator('[data-testid=lead-title]', { hasText: mine }).waitFor();
      expect(await row(lead.id)).toMatchObject({
        title: mine,
        planned_investment_wan: `${amount}.00`,
        expected_jobs: 120,
        version: current.version + 2,
      });
      await done(page);
    }
  });

  it('a manager assigns leads pushed without an owner from 待分配; the owner is shown', async () => {
    const ref = uniq('P-');
    const pushed = await h.t.http
      .put('/api/v1/sync/leads')
      .set(key.auth)
      .send({
        items: [
          {
            externalRef: { system: 'partner-crm', id: ref },
            title: `推送待分配${ref}`,
            investor: { name: `推送企业${ref}有限公司` },
            segments: ['nev.battery-pack'],
            plannedInvestmentWan: 12000,
          },
        ],
      })
      .expect(200);
    const id = pushed.body.results[0].id as string;
    const page = await signedIn(manager);
    await page.locator('.ant-menu-item', { hasText: '待分配' }).click();
    // Other suites leave unassigned leads in this database: find ours as a manager would.
    await page.locator('[data-testid=unassigned-search] input').fill(ref);
    await page.locator('[data-testid=unassigned-search] input').press('Enter');
    const table = page.locator('[data-testid=unassigned-table]');
    const rowEl = table.locator('tr', { hasText: `推送待分配${ref}` });
    await rowEl.waitFor();
    await shot(page, '143-unassigned');
    await page.setViewportSize(PHONE);
    await shot(page, '144-unassigned-390'); // the table scrolls inside its card
    await rowEl.locator('[data-testid=assign-select]').click();
    await page.locator('.ant-select-item-option', { hasText: '李专员' }).click();
    await rowEl.locator('[data-testid=assign-button]').click();
    await rowEl.waitFor({ state: 'detached' });
    expect((await row(id)).owner_id).toBe(officer2.id);
    await page.goto(`/leads/${id}`);
    await page.locator('[data-testid=assign-owner]', { hasText: '李专员' }).waitFor();
    await done(page);
  });

  it('a manager archives a lead after confirming; it leaves the list', async () => {
    const lead = await apiLead();
    const page = await signedIn(manager);
    await page.goto(`/leads/${lead.id}`);
    await page.locator('[data-testid=archive-lead]').click();
    await page
      .locator('.ant-popconfirm')
      .getByRole('button', { name: /确\s*定|OK/ })
      .click();
    await page.locator('[data-testid=archived-notice]').waitFor();
    expect(await page.locator('[data-testid=edit-lead]').count()).toBe(0);
    await shot(page, '145-archived');
    expect((await row(lead.id)).archived_at).not.toBeNull();
    await page.goto(`/leads?q=${encodeURIComponent(lead.title)}`);
    await page.locator('.ant-empty-description', { hasText: '暂无数据' }).first().waitFor();
    await done(page);
  });

  it('the timeline names authors and cities and reads stage moves as 接洽 → 考察; the audit tab reads field by field', async () => {
    const lead = await apiLead({ sharing: 'shared' });
    for (const stage of ['contacted', 'visited'])
      await h.t.http.post(`/api/v1/leads/${lead.id}/stage`).set(officer.auth).send({ stage }).expect(200);
    await h.t.http
      .post(`/api/v1/leads/${lead.id}/activities`)
      .set(partner.auth)
      .send({ type: 'call', summary: '绵阳方电话了解用地需求' })
      .expect(201);
    await h.t.http
      .patch(`/api/v1/leads/${lead.id}`)
      .set({ ...officer.auth, 'If-Match': `"${(await row(lead.id)).version}"` })
      .send({ plannedInvestmentWan: 52000 })
      .expect(200);

    for (const [en, viewport, suffix] of [
      [false, undefined, ''],
      [true, undefined, '-en'],
      [false, PHONE, '-390'],
      [true, PHONE, '-en-390'],
    ] as const) {
      const page = await signedIn(manager, { en, viewport });
      await page.goto(`/leads/${lead.id}`);
      await page.getByRole('tab', { name: en ? 'Timeline' : '跟进记录' }).click();
      const timeline = page.locator('[data-testid=timeline]');
      await timeline.waitFor();
      await timeline
        .locator('[data-testid=stage-move]', { hasText: en ? 'Contacted → Visited' : '接洽 → 考察' })
        .waitFor();
      const text = (await timeline.textContent()) ?? '';
      expect(text).not.toContain('contacted → visited');
      expect(text).toContain('张招商');
      expect(text).toContain(en ? 'Beibei' : '北碚区');
      expect(text).toContain('赵绵阳');
      expect(text).toContain(en ? 'Mianyang' : '绵阳市');
      await timeline.scrollIntoViewIfNeeded();
      await shot(page, `146-timeline${suffix}`);

      await page.getByRole('tab', { name: en ? 'Audit trail' : '审计记录' }).click();
      const audit = page.locator('[data-testid=audit-tab]');
      await audit.locator('[data-testid=audit-changes]').first().waitFor();
      const changed = audit.locator('tr[data-field=plannedInvestmentWan]');
      await changed.first().waitFor();
      expect(await changed.first().textContent()).toContain(en ? 'Planned investment' : '计划投资');
      expect(await changed.first().textContent()).toContain('52,000');
      const stageRow = audit.locator('tr[data-field=stage]').first();
      expect(await stageRow.textContent()).toContain(en ? 'Visited' : '考察');
      expect(await audit.textContent()).not.toContain('{"');
      await audit.scrollIntoViewIfNeeded();
      await shot(page, `147-audit-tab${suffix}`);
      await done(page);
    }
  });

  it('the audit page filters by who, what and when', async () => {
    const lead = await apiLead({}, officer2);
    await h.t.http
      .post(`/api/v1/leads/${lead.id}/stage`)
      .set(officer2.auth)
      .send({ stage: 'contacted' })
      .expect(200);
    for (const [en, viewport, suffix] of [
      [false, undefined, ''],
      [true, PHONE, '-en-390'],
    ] as const) {
      const page = await signedIn(manager, { en, viewport });
      await page.goto('/audit');
      const table = page.locator('[data-testid=audit-table]');
      await table.locator('[data-testid=audit-actor]').first().waitFor();
      await page.locator('[data-testid=audit-who]').click();
      await page.locator('.ant-select-item-option', { hasText: '李专员' }).click();
      await page.locator('[data-testid=audit-what]').click();
      await page.locator('.ant-select-item-option', { hasText: en ? 'Stage change' : '阶段变更' }).click();
      const rows = table.locator('tbody tr.ant-table-row');
      await page.waitForFunction(
        `(() => {
          const r = [...document.querySelectorAll('[data-testid=audit-table] tbody tr.ant-table-row')];
          return r.length > 0 && r.every((x) => x.textContent.includes('李专员') && x.textContent.includes('${en ? 'Stage change' : '阶段变更'}'));
        })()`,
        undefined,
        { timeout: 15_000 },
      );
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain(en ? 'Contacted' : '接洽');
      await shot(page, `148-audit-page${suffix}`);
      // When: a range in the past finds nothing.
      const when = page.locator('[data-testid=audit-when] input');
      await when.first().click();
      await when.first().fill('2020-01-01');
      await page.keyboard.press('Enter');
      await when.nth(1).click();
      await when.nth(1).fill('2020-01-02');
      await page.keyboard.press('Enter');
      await table.locator('.ant-empty').waitFor();
      await done(page);
    }
  });
});
