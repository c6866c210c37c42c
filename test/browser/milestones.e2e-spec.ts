/**
 * Milestone facts (DESIGN §6) and confidential leads (§5) in a real browser: the new-lead form,
 * the stage dialog on the detail page, funds in place, the board's drop dialog with If-Match,
 * and what the partner city reads of a confidential lead. Screenshots at 1366×768, zh-CN.
 */
import { Page } from 'playwright-core';

import { TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, pickSegments, shot, startBrowserHarness } from './browser';

jest.setTimeout(240_000);

describe('milestone facts and confidential leads (browser)', () => {
  let h: BrowserHarness;
  let officer: TestUser;
  let partner: TestUser;

  beforeAll(async () => {
    h = await startBrowserHarness();
    officer = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer');
    partner = await makeUser(h.t.ds, h.t.http, 'mianyang', 'officer');
  });
  afterAll(() => h?.close());

  const apiLead = async (over: Record<string, unknown> = {}) => {
    const res = await h.t.http
      .post('/api/v1/leads')
      .set(officer.auth)
      .send({
        title: `里程碑${uniq()}`,
        investor: { name: `里程碑投资${uniq()}有限公司` },
        segments: ['nev.battery-pack'],
        plannedInvestmentWan: 30000,
        ...over,
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; title: string; version: number };
  };
  const row = async (id: string) => (await h.t.ds.query(`SELECT * FROM leads WHERE id = $1`, [id]))[0];

  /** Types a day into an antd date picker and confirms it. */
  async function pickDay(page: Page, selector: string, day: string) {
    await page.locator(selector).click();
    await page.locator(selector).fill(day);
    await page.keyboard.press('Enter');
  }

  it('the new-lead form asks for the facts of the chosen stage and saves them', async () => {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, officer.username);
    await page.goto('/leads/new');
    const title = `签约项目${uniq()}`;
    await page.getByLabel('项目名称').fill(title);
    await pickSegments(page, '#segments', ['电池包与BMS']);
    await page.getByLabel('投资方名称').fill(`签约投资${uniq()}有限公司`);
    await page.locator('#plannedInvestmentWan').fill('80000');
    await page.locator('#stage').click();
    await page.locator('.ant-select-item-option', { hasText: '签约' }).click();
    const facts = page.locator('[data-testid=new-lead-facts]');
    await facts.waitFor();
    expect(await facts.textContent()).toContain('签约日期');
    await page.locator('[data-testid=save-lead]').click();
    await page.getByText('请选择签约日期').waitFor(); // nothing is sent without the facts
    await shot(page, '20-new-lead-facts-missing');

    await pickDay(page, '#signedAt', '2026-06-01');
    await page.locator('#contractAmountWan').fill('76000');
    await shot(page, '21-new-lead-facts');
    await page.locator('[data-testid=save-lead]').click();
    await page.getByText('线索已保存').waitFor();
    const [saved] = await h.t.ds.query(
      `SELECT stage, signed_at, contract_amount_wan FROM leads WHERE title = $1`,
      [title],
    );
    expect(saved).toEqual({ stage: 'signed', signed_at: '2026-06-01', contract_amount_wan: '76000.00' });
    await ctx.close();
  });

  it('the detail page asks for the missing facts in a dialog, then records funds in place', async () => {
    const lead = await apiLead({ stage: 'negotiating' });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, officer.username);
    await page.goto(`/leads/${lead.id}`);
    await page.locator('[data-testid=funds-need-signed]').waitFor();
    await page.locator('[data-testid=move-signed]').click();
    const dialog = page.locator('.ant-modal', { hasText: '推进到 签约' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('需要填写以下里程碑信息');
    await dialog.getByRole('button', { name: /确认推进/ }).click();
    await dialog.getByText('请选择签约日期').waitFor(); // required, nothing sent
    await pickDay(page, '#signedAt', '2026-07-15');
    await page.locator('#contractAmountWan').fill('28000.5');
    await shot(page, '22-stage-dialog');
    await dialog.getByRole('button', { name: /确认推进/ }).click();
    await page.locator('[data-testid=milestone-facts]').getByText('2026-07-15').waitFor();
    expect(await row(lead.id)).toMatchObject({
      stage: 'signed',
      signed_at: '2026-07-15',
      contract_amount_wan: '28000.50',
    });

    // Funds in place, added over time, with their sum.
    const funds = page.locator('[data-testid=funds-card]');
    await funds.waitFor();
    for (const [day, amount, note] of [
      ['2026-07-20', '8000', '首期资本金'],
      ['2026-08-20', '6000.25', ''],
    ]) {
      await pickDay(page, '#fundsAt', day);
      await page.locator('#fundsAmount').fill(amount);
      if (note) await page.locator('#fundsNote').fill(note);
      await page.locator('[data-testid=add-funds]').click();
      await funds.getByText(day).waitFor();
    }
    await page.locator('[data-testid=funds-total]', { hasText: '14,000.25' }).waitFor();
    await shot(page, '23-funds-in-place');
    const saved = await row(lead.id);
    expect(saved.funds_in_place).toEqual([
      { at: '2026-07-20', amountWan: 8000, note: '首期资本金' },
      { at: '2026-08-20', amountWan: 6000.25 },
    ]);
    await ctx.close();
  });

  it('the board asks for the facts when a card is dropped on such a column; a stale drop says so', async () => {
    const lead = await apiLead({ stage: 'negotiating', title: `看板签约${uniq()}` });
    const stale = await apiLead({ stage: 'negotiating', title: `看板过期${uniq()}` });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, officer.username);
    await page.goto('/board');
    const card = (title: string) => page.locator('[data-testid=board-card]', { hasText: title });
    await card(lead.title).waitFor();

    await card(lead.title).dragTo(page.locator('[data-testid=column-signed]'));
    const dialog = page.locator('.ant-modal', { hasText: lead.title });
    await dialog.waitFor();
    await pickDay(page, '#signedAt', '2026-08-01');
    await page.locator('#contractAmountWan').fill('30000');
    await shot(page, '24-board-drop-dialog');
    await dialog.getByRole('button', { name: /确认推进/ }).click();
    await page.locator('[data-testid=column-signed]').getByText(lead.title).waitFor();
    expect(await row(lead.id)).toMatchObject({ stage: 'signed', signed_at: '2026-08-01' });

    // Someone else edits the other lead after the board loaded: its drop is refused with 412.
    await h.t.http
      .patch(`/api/v1/leads/${stale.id}`)
      .set(officer.auth)
      .set('If-Match', `"${stale.version}"`)
      .send({ summary: '他人刚刚修改' })
      .expect(200);
    await card(stale.title).dragTo(page.locator('[data-testid=column-visited]'));
    const notice = page.locator('[data-testid=board-notice]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('已被他人修改');
    await page.locator('[data-testid=column-negotiating]').getByText(stale.title).waitFor();
    await shot(page, '25-board-stale-drop');
    expect((await row(stale.id)).stage).toBe('negotiating');
    await ctx.close();
  });

  it('the partner city reads a confidential lead by its code name, partner summary and redacted notes', async () => {
    const secret = `内部报价${uniq()}`;
    const lead = await apiLead({
      title: `秘密项目${uniq()}`,
      sharing: 'shared',
      confidential: true,
      codeName: '代号松柏',
      summary: `内部简介${uniq()}`,
      partnerSummary: '动力电池配套项目，欢迎绵阳企业对接',
    });
    await h.t.http
      .post(`/api/v1/leads/${lead.id}/activities`)
      .set(officer.auth)
      .send({ type: 'visit', summary: secret })
      .expect(201);
    await h.t.http
      .post(`/api/v1/leads/${lead.id}/activities`)
      .set(partner.auth)
      .send({ type: 'call', summary: '绵阳已联系两家配套企业' })
      .expect(201);

    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, partner.username);
    await page.goto(`/leads/${lead.id}`);
    await page.locator('[data-testid=lead-title]', { hasText: '代号松柏' }).waitFor();
    await page.getByText('动力电池配套项目，欢迎绵阳企业对接').waitFor();
    await shot(page, '26-confidential-partner-details');
    await page.getByRole('tab', { name: '跟进记录' }).click();
    await page.locator('[data-testid=redacted-activity]').first().waitFor();
    await page.getByText('绵阳已联系两家配套企业').waitFor();
    expect(await page.content()).not.toContain(secret);
    await shot(page, '27-confidential-partner-timeline');
    await ctx.close();

    // The owner writes the partner summary on the detail page.
    const own = await newContext(h);
    const p2 = await own.newPage();
    await login(p2, officer.username);
    await p2.goto(`/leads/${lead.id}`);
    const summary = p2.locator('[data-testid=partner-summary]');
    await summary.waitFor();
    await shot(p2, '28-confidential-owner-details');
    await summary.locator('.ant-typography-edit').click();
    await p2.locator('.ant-typography-edit-content textarea').first().fill('动力电池配套项目，二期规划中');
    await p2.keyboard.press('Enter');
    await p2.locator('[data-testid=partner-summary]', { hasText: '二期规划中' }).waitFor();
    await p2.locator('.ant-message-notice').first().waitFor();
    expect((await row(lead.id)).partner_summary).toBe('动力电池配套项目，二期规划中');
    await own.close();
  });
});
