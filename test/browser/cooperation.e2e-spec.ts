/**
 * The cooperation mechanism in a real browser (DESIGN §15): the 行动计划 page with the demo plan,
 * a progress report by my unit, a deadline change proposed by beibei and accepted by mianyang in
 * a browser of its own, the 联席会议 page turning a decision into an item, and the meeting pack
 * as a page and as Word / Excel downloads. Screenshots at 1366×768 and 390×844, in both languages.
 */
import { readFileSync } from 'fs';
import { BrowserContext, Page } from 'playwright-core';
import { demoUuid, seedCooperation } from '../../libs/demo/cooperation-demo';
import { TestUser, makeUser } from '../support/factories';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(240_000);

describe('cooperation pages (browser)', () => {
  let h: BrowserHarness;
  let bbOfficer: TestUser;
  let bbManager: TestUser;
  let myManager: TestUser;
  const contexts: BrowserContext[] = [];
  const planId = demoUuid('plan');

  beforeAll(async () => {
    h = await startBrowserHarness();
    await h.t.ds.transaction((em) => seedCooperation(em, Date.now()));
    [bbOfficer, bbManager, myManager] = await Promise.all([
      makeUser(h.t.ds, h.t.http, 'beibei', 'officer'),
      makeUser(h.t.ds, h.t.http, 'beibei', 'manager'),
      makeUser(h.t.ds, h.t.http, 'mianyang', 'manager'),
    ]);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await h?.close();
  });

  const signedIn = async (user: TestUser): Promise<Page> => {
    const ctx = await newContext(h);
    contexts.push(ctx);
    const page = await ctx.newPage();
    await login(page, user.username);
    return page;
  };
  /** Ant Design puts a space between the two characters of a two-character button (同 意). */
  const named = (text: string) => new RegExp(`^${[...text].join('\\s?')}$`);

  it('行动计划: grouped by field, overdue highlighted, my unit reports progress on the timeline', async () => {
    const page = await signedIn(bbOfficer);
    await page.goto(`/action-plan?plan=${planId}`);
    await page.getByTestId('field-industry_investment').waitFor();
    for (const f of [
      '产业协同招商',
      '园区共建',
      '平台共享',
      '科教创新',
      '重大战略协同',
      '生态环境',
      '宣传推介',
    ])
      await page.locator('.ant-card-head-title', { hasText: f }).first().waitFor();
    expect(await page.locator('.lc-row-overdue').count()).toBeGreaterThan(0);
    await shot(page, '60-action-plan');

    // Overdue only: every row is red.
    await page.getByRole('switch', { name: '只看逾期' }).click();
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } })
        .document;
      const rows = doc.querySelectorAll('.ant-table-row').length;
      return rows > 0 && rows === doc.querySelectorAll('.lc-row-overdue').length;
    });
    await shot(page, '61-action-plan-overdue');

    // The first overdue item: its timeline, and a report of my unit.
    await page.locator('.lc-row-overdue a').first().click();
    const drawer = page.getByTestId('item-drawer');
    await drawer.getByText('进展记录').waitFor();
    await drawer.getByTestId('report-progress').click();
    const modal = page.locator('.ant-modal', { hasText: '本市进度' });
    await modal.locator('.ant-input-number input').fill('85');
    await modal.locator('textarea').fill('已完成园区二期用地报批，进入施工招标。');
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByText('已报告进展').waitFor();
    await drawer.getByText('已完成园区二期用地报批，进入施工招标。').waitFor();
    await shot(page, '62-action-item-timeline');
  });

  it('a deadline change needs the partner: beibei proposes, mianyang accepts in its own browser', async () => {
    const itemId = demoUuid('item-6.5');
    const before = (await h.t.http.get(`/api/v1/action-items/${itemId}`).set(bbManager.auth).expect(200))
      .body;
    const next = `${Number(before.dueAt.slice(0, 4)) + 1}${before.dueAt.slice(4)}`;

    const bb = await signedIn(bbManager);
    await bb.goto(`/action-plan?plan=${planId}&item=${itemId}`);
    await bb.getByTestId('propose-change').click();
    const modal = bb.locator('.ant-modal', { hasText: '经对方城市确认后生效' });
    await modal.locator('input[type=date]').fill(next);
    await modal.locator('textarea').last().fill('受省级审批时序影响，申请延期一年');
    await shot(bb, '63-propose-change');
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await bb.getByTestId('pending-change').waitFor();
    await shot(bb, '64-change-pending');
    // Nothing changed yet.
    expect(
      (await h.t.http.get(`/api/v1/action-items/${itemId}`).set(bbManager.auth).expect(200)).body.dueAt,
    ).toBe(before.dueAt);

    const my = await signedIn(myManager);
    await my.goto(`/action-plan?plan=${planId}&item=${itemId}`);
    const pending = my.getByTestId('pending-change');
    await pending.waitFor();
    await pending.getByRole('button', { name: named('同意') }).click();
    await my.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
    await pending.waitFor({ state: 'detached' });
    await my.getByTestId('item-drawer').getByText(next).waitFor();
    await shot(my, '65-change-accepted');
    expect(
      (await h.t.http.get(`/api/v1/action-items/${itemId}`).set(bbManager.auth).expect(200)).body.dueAt,
    ).toBe(next);
  });

  it('联席会议: a decision becomes an action item; the pack as a page, Word and Excel', async () => {
    const page = await signedIn(bbManager);
    await page.goto('/meetings');
    const second = page.getByTestId('meeting-card').filter({ hasText: '产业协同招商领导小组第二次联席会议' });
    await second.waitFor();
    await shot(page, '66-meetings');
    const decision = second.locator('.lc-decision', { hasText: '下半年联合举办新能源汽车产业链对接会' });
    await decision.getByTestId('to-action-item').click();
    const modal = page.locator('.ant-modal', { hasText: '转为行动事项' });
    await modal.locator('#code').fill('3.6');
    await modal
      .locator('input[type=date]')
      .fill(new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10));
    await shot(page, '67-decision-to-item');
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await decision.getByText('已转为行动事项').waitFor();

    await second.getByTestId('make-pack').click();
    const pack = page.getByTestId('meeting-pack');
    await pack.getByText('十一、上次会议议定事项落实情况').waitFor();
    await pack.getByText('共同编制重点产业链招商图谱和目标企业清单').first().waitFor();
    await shot(page, '68-meeting-pack');
    await page.mouse.wheel(0, 1400);
    await shot(page, '69-meeting-pack-items');

    for (const [id, ext] of [
      ['download-docx', 'docx'],
      ['download-xlsx', 'xlsx'],
    ] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
      expect(download.suggestedFilename()).toMatch(
        new RegExp(`第二次联席会议会议材料-\\d{4}-\\d{2}-\\d{2}\\.${ext}$`),
      );
      const file = readFileSync((await download.path())!);
      expect(file.subarray(0, 2).toString()).toBe('PK');
    }
  });

  it('the pages fit a phone (390×844) and read in English', async () => {
    const ctx = await h.browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      baseURL: h.base,
      reducedMotion: 'reduce',
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    await login(page, bbOfficer.username);
    await page.goto(`/action-plan?plan=${planId}`);
    await page.getByTestId('field-industry_investment').waitFor();
    await shot(page, '70-action-plan-phone');
    await page.goto('/meetings');
    await page.getByTestId('meeting-card').first().waitFor();
    await shot(page, '71-meetings-phone');
    const id = demoUuid('meeting-2');
    await page.goto(`/meetings/${id}/pack`);
    await page.getByTestId('meeting-pack').waitFor();
    await shot(page, '72-meeting-pack-phone');

    const en = await signedIn(bbOfficer);
    await en.goto(`/action-plan?plan=${planId}`);
    await en.getByTestId('lang-switch').click();
    await en.getByText('Action plan').first().waitFor();
    await en.getByText('Joint investment promotion').first().waitFor();
    await shot(en, '73-action-plan-en');
    await en.goto('/meetings');
    await en.getByText('Prepare the meeting pack').first().waitFor();
    await shot(en, '74-meetings-en');
  });
});
