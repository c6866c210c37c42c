/**
 * The web UI in a real browser: Debian's chromium driven by playwright-core against the
 * real API on real Postgres and Redis. Screenshots of each main page go to test/artifacts/screenshots.
 */
import { Page } from 'playwright-core';

import { MatchingService } from '../../libs/match-store/matching.service';
import { GENERATOR_PASSWORD } from '../data/generator';
import { TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, pickSegments, shot, startBrowserHarness } from './browser';

jest.setTimeout(180_000);

describe('web UI (browser)', () => {
  let h: BrowserHarness;
  let bbOfficer: TestUser;
  let myOfficer: TestUser;
  let bbManager: TestUser;
  let bbAdmin: TestUser;

  beforeAll(async () => {
    h = await startBrowserHarness();
    bbOfficer = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer');
    myOfficer = await makeUser(h.t.ds, h.t.http, 'mianyang', 'officer');
    bbManager = await makeUser(h.t.ds, h.t.http, 'beibei', 'manager');
    bbAdmin = await makeUser(h.t.ds, h.t.http, 'beibei', 'admin');
  });
  afterAll(() => h?.close());

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

  const investor = `重庆链城测试${uniq()}新能源科技有限公司`;
  let firstTitle = '';

  async function logLeadInUi(page: Page, title: string) {
    await page.goto('/leads/new');
    await page.getByLabel('项目名称').fill(title);
    await pickSegments(page, '#segments', ['电池包与BMS']);
    await page.getByLabel('投资方名称').fill(investor);
    await page.locator('#plannedInvestmentWan').fill('50000');
    await page.locator('#landNeedMu').fill('120');
    await page.locator('[data-testid=save-lead]').click();
    await page.getByText('线索已保存').waitFor();
  }

  it('an officer logs in, logs a lead, and sees it in the list and on the board', async () => {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await page.goto('/');
    await page.locator('#username').waitFor();
    await shot(page, '01-login');
    await login(page, bbOfficer.username);
    await shot(page, '02-home');

    await page.goto('/leads/new');
    await page.getByLabel('项目名称').waitFor();
    // USCC is checked as it is typed.
    await page.locator('#investorUscc').fill('91500109MA5U0A1B2');
    await page.getByText('继续输入，共18位').waitFor();
    await page.locator('#investorUscc').fill('91500109MA5U0A1B2Z');
    await page.getByText(/校验位不正确|含有不允许的字符/).waitFor();
    await page.locator('#investorUscc').fill('');
    await shot(page, '03-lead-new');

    firstTitle = `电池包项目${uniq()}`;
    await logLeadInUi(page, firstTitle);
    await shot(page, '04-lead-saved');

    await page.goto(`/leads?q=${encodeURIComponent(firstTitle)}`);
    await page.locator('[data-testid=leads-table]').getByText(firstTitle).waitFor();
    await shot(page, '05-leads-list');

    await page.goto('/board');
    await page.locator('[data-testid=column-lead]').getByText(firstTitle).waitFor();
    await shot(page, '06-board');
    await ctx.close();
  });

  it('an officer of the other city logs a lead for the same investor and sees the collision at once', async () => {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, myOfficer.username);
    await logLeadInUi(page, `绵阳电池包${uniq()}`);
    const alert = page.locator('[data-testid=collision-alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('北碚区'); // first reported by Beibei
    await shot(page, '07-collision-on-save');
    await ctx.close();
  });

  it('a manager accepts a proposed match from the review queue', async () => {
    const lead = await apiLead(bbOfficer, { title: `匹配审核${uniq()}` });
    const [park] = await h.t.ds.query(`SELECT id, name FROM parks ORDER BY name LIMIT 1`);
    const [match] = await h.t.ds.query(
      `INSERT INTO matches (lead_id, kind, park_id, score, reasons, algorithm_version, lead_version)
       VALUES ($1, 'park', $2, 0.87, $3, 'test', $4) RETURNING id`,
      [
        lead.id,
        park.id,
        JSON.stringify([{ code: 'PARK_TARGET_SEGMENT', text: '园区主导环节包含电池包与BMS' }]),
        lead.version,
      ],
    );
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbManager.username);
    await page.goto('/matches');
    const row = page.locator('tr', { hasText: lead.title });
    await row.waitFor();
    await shot(page, '08-match-review');
    await row.click(); // select the row, then the one-key shortcut
    await page.keyboard.press('a');
    await row.waitFor({ state: 'detached' });
    const [after] = await h.t.ds.query(`SELECT status, decided_by FROM matches WHERE id = $1`, [match.id]);
    expect(after).toEqual({ status: 'accepted', decided_by: bbManager.id });

    await page.goto(`/leads/${lead.id}`);
    await page.getByRole('tab', { name: '匹配推荐' }).click();
    await page.getByText(park.name).first().waitFor();
    await shot(page, '09-lead-matches');
    await ctx.close();
  });

  it('the review queue and the lead’s matches show each link’s strength with the sentence naming it', async () => {
    const make = async (user: TestUser, segments: string[], needs: string[] = []) => {
      const res = await h.t.http
        .post('/api/v1/enterprises')
        .set(user.auth)
        .send({ name: `配套企业${uniq()}有限公司`, segments, needs, revenueWan: 80_000 });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const cathode = await make(myOfficer, ['nev.cathode']);
    const recycler = await make(bbOfficer, ['nev.battery-recycling'], ['nev.battery-cell']);
    const lead = await apiLead(bbOfficer, { title: `电芯配套${uniq()}`, segments: ['nev.battery-cell'] });
    await h.t.app.get(MatchingService).matchLeadJob({ leadId: lead.id, version: lead.version });

    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbManager.username);
    await page.goto(`/leads/${lead.id}`);
    await page.getByRole('tab', { name: '匹配推荐' }).click();
    const core = page.locator('[data-testid=link-strength][data-strength=core]', {
      hasText: '为动力电池电芯提供正极材料',
    });
    await core.first().waitFor();
    expect(await core.first().textContent()).toBe('核心配套为动力电池电芯提供正极材料');
    const supporting = page.locator('[data-testid=link-strength][data-strength=supporting]', {
      hasText: '电池回收',
    });
    expect(await supporting.first().textContent()).toBe('一般配套登记采购动力电池电芯，用于电池回收');
    await shot(page, '09b-lead-matches-strength');

    await page.goto('/matches');
    await page.locator('.ant-table').waitFor();
    const row = page.locator('tr', { hasText: lead.title }).first();
    for (let i = 0; i < 10 && !(await row.isVisible()); i++) {
      const more = page.getByRole('button', { name: '加载更多' });
      if (await more.isVisible()) await more.click();
      await page.waitForTimeout(300);
    }
    await row.waitFor();
    await row.scrollIntoViewIfNeeded();
    await page.locator('tr', { hasText: lead.title }).getByText('核心配套').first().waitFor();
    const [{ n }] = await h.t.ds.query(
      `SELECT count(*)::int AS n FROM matches WHERE lead_id = $1 AND enterprise_id = ANY($2) AND status = 'proposed'`,
      [lead.id, [cathode, recycler]],
    );
    expect(n).toBe(2);
    await shot(page, '08b-match-review-strength');
    await ctx.close();
  });

  it('the board moves a dragged card; an illegal move shows the allowed stages and the card returns', async () => {
    const forward = await apiLead(bbOfficer, { title: `拖动${uniq()}` });
    const back = await apiLead(bbOfficer, { title: `回退${uniq()}`, stage: 'negotiating' });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbOfficer.username);
    await page.goto('/board');
    const card = (title: string) => page.locator('[data-testid=board-card]', { hasText: title });
    await card(forward.title).waitFor();

    await card(forward.title).dragTo(page.locator('[data-testid=column-visited]'));
    await page.locator('[data-testid=column-visited]').getByText(forward.title).waitFor();
    await page.locator('.ant-message-notice', { hasText: forward.title }).waitFor(); // the server said yes
    const [moved] = await h.t.ds.query(`SELECT stage FROM leads WHERE id = $1`, [forward.id]);
    expect(moved.stage).toBe('visited');

    await card(back.title).dragTo(page.locator('[data-testid=column-contacted]'));
    const notice = page.locator('[data-testid=board-notice]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('不允许此阶段变更');
    await page.locator('[data-testid=column-negotiating]').getByText(back.title).waitFor(); // the card returned
    await shot(page, '06b-board-illegal-move');
    const [row] = await h.t.ds.query(`SELECT stage FROM leads WHERE id = $1`, [back.id]);
    expect(row.stage).toBe('negotiating');
    await ctx.close();
  });

  it('a stale edit in a second tab shows the conflict message and reloads', async () => {
    const lead = await apiLead(bbOfficer, { title: `并发编辑${uniq()}` });
    const ctx = await newContext(h);
    const a = await ctx.newPage();
    await login(a, bbOfficer.username);
    await a.goto(`/leads/${lead.id}`);
    await a.locator('[data-testid=toggle-sharing]').waitFor();
    const b = await ctx.newPage();
    await b.goto(`/leads/${lead.id}`);
    await b.locator('[data-testid=toggle-sharing]').waitFor();

    await a.locator('[data-testid=toggle-sharing]').click();
    await a.locator('[data-testid=toggle-sharing][aria-checked=true]').waitFor();
    await b.locator('[data-testid=toggle-sharing]').click(); // B still holds version 1
    const notice = b.locator('[data-testid=lead-notice]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('该记录已被他人修改');
    // B reloaded the current version: the toggle now shows A's change, nothing was overwritten.
    await b.locator('[data-testid=toggle-sharing][aria-checked=true]').waitFor();
    await shot(b, '10-conflict');
    const [row] = await h.t.ds.query(`SELECT sharing, version FROM leads WHERE id = $1`, [lead.id]);
    expect(row).toEqual({ sharing: 'shared', version: 2 });
    await ctx.close();
  });

  it('the language switch changes the UI to English and is remembered', async () => {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbOfficer.username);
    await page.locator('.ant-menu').getByText('线索列表').waitFor();
    await page.locator('[data-testid=lang-switch]').click();
    await page.locator('.ant-menu').getByText('Leads', { exact: true }).waitFor();
    await page.locator('.ant-menu').getByText('Log a lead').waitFor();
    await page.reload();
    await page.locator('.ant-menu').getByText('Pipeline board').waitFor();
    await page.goto('/leads');
    await page.locator('[data-testid=leads-table] .ant-table-row').first().waitFor();
    await shot(page, '11-english-leads');
    await ctx.close();
  });

  it('manager and admin pages render (screenshots)', async () => {
    const lead = await apiLead(bbOfficer, { title: `看板${uniq()}`, stage: 'negotiating' });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbManager.username);
    await page.goto(`/leads/${lead.id}`);
    await page.locator('[data-testid=lead-title]').waitFor();
    await shot(page, '12-lead-detail');
    await page.getByRole('tab', { name: '审计记录' }).click();
    await page.waitForTimeout(300);
    await shot(page, '13-lead-audit');
    await page.goto('/collisions');
    await page.locator('.ant-table').waitFor();
    await shot(page, '14-collisions');
    await page.goto('/base');
    await page.locator('.ant-table').first().waitFor();
    await shot(page, '15-base-data');
    // Base data for the chain map: battery cells in both cities, vehicle assembly only in Mianyang (a gap for Beibei).
    for (const [user, segments] of [
      [bbOfficer, ['nev.battery-cell']],
      [myOfficer, ['nev.battery-cell']],
      [myOfficer, ['nev.vehicle']],
    ] as const) {
      const res = await h.t.http
        .post('/api/v1/enterprises')
        .set(user.auth)
        .send({ name: `链图企业${uniq()}有限公司`, segments });
      expect(res.status).toBe(201);
    }
    await page.goto('/chain');
    await page.locator('[data-testid=chain-map][data-ready=true] canvas').first().waitFor();
    await page.locator('[data-testid=chain-map]').getByText('整车制造').waitFor(); // listed as a gap
    // core edges solid, supporting ones dashed, with a legend saying which is which
    await page.locator('[data-testid=chain-legend]').getByText('核心配套：关键原料或直接客户').waitFor();
    await page
      .locator('[data-testid=chain-legend]')
      .getByText('一般配套：回收、检测、通用装备与软件')
      .waitFor();
    expect(await page.locator('[data-testid=chain-legend] line[stroke-dasharray]').count()).toBe(1);
    await shot(page, '16-chain-map');
    await page.goto('/dashboard');
    await page.locator('canvas').first().waitFor();
    await shot(page, '17-dashboard');
    await ctx.close();

    const adminCtx = await newContext(h);
    const admin = await adminCtx.newPage();
    await login(admin, bbAdmin.username);
    await admin.goto('/admin');
    await admin.locator('.ant-table-row').first().waitFor();
    await shot(admin, '18-admin');
    await adminCtx.close();
  });

  it('measures how fast the leads list and the board become interactive (printed, not asserted)', async () => {
    await apiLead(bbOfficer, { title: `速度${uniq()}` });
    await measureUi(h, bbManager.username, undefined, 'test database');
    // With the 1,000,000-lead bench data (test/data/generator.ts) when its database is given.
    const bench = process.env.UI_BENCH_DATABASE_URL;
    if (bench) {
      const hb = await startBrowserHarness({ DATABASE_URL: bench });
      try {
        await measureUi(hb, process.env.UI_BENCH_USER ?? 'gen.beibei.manager.010', GENERATOR_PASSWORD, bench);
      } finally {
        await hb.close();
      }
    }
  });
});

/**
 * Time from navigation start (performance.now() in the page) until the first rows are on screen,
 * with the API calls behind it from the Resource Timing API. Printed; never asserted (timing varies).
 */
async function measureUi(h: BrowserHarness, username: string, password: string | undefined, label: string) {
  const ctx = await newContext(h);
  const page = await ctx.newPage();
  await login(page, username, password);
  const measure = async (path: string, ready: string) => {
    await page.goto(path);
    await page.locator(ready).first().waitFor({ timeout: 60_000 });
    return page.evaluate(() => ({
      readyMs: Math.round(performance.now()),
      api: performance
        .getEntriesByType('resource')
        .filter(
          (e) => e.name.includes('/api/v1/') && !e.name.includes('/auth/') && !e.name.includes('/taxonomy'),
        )
        .map((e) => Math.round(e.duration)),
    }));
  };
  for (let run = 1; run <= 2; run++) {
    const list = await measure('/leads', '[data-testid=leads-table] .ant-table-row');
    const board = await measure('/board', '[data-testid=board-card]');
    console.log(
      `[ui-perf] ${label} run ${run}: leads list interactive ${list.readyMs} ms (API ${list.api.join('/')} ms); ` +
        `board interactive ${board.readyMs} ms (${board.api.length} API calls, slowest ${Math.max(...board.api)} ms)`,
    );
  }
  await ctx.close();
}
