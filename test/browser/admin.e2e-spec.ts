/**
 * Admin pages and unsaved-change warnings in a real browser: API key secrets shown once,
 * webhook deliveries to a loopback receiver (the worker's relay and webhook sender run in-process),
 * the full re-match progress bar, and the chain map's links to other industries. Screenshots go to
 * test/artifacts/screenshots with the others.
 */
import { Page } from 'playwright-core';

import { CHAIN_CHART, layoutIndustryChain } from '../../apps/web/src/lib/chain-layout';
import { dropDatabase } from '../../libs/db/database';
import { QUEUES } from '../../libs/jobs/jobs';
import reference from '../../libs/taxonomy/reference-data.json';
import { Receiver, startReceiver } from '../partner-example/receiver';
import { startWorker } from '../partner-example/worker-harness';
import { waitFor } from '../support/wait';
import { TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';
import { migratedDatabase } from '../support/databases';

jest.setTimeout(180_000);

describe('admin and unsaved-change warnings (browser)', () => {
  let h: BrowserHarness;
  let worker: { close(): Promise<void> };
  let rx: Receiver;
  let bbOfficer: TestUser;
  let bbAdmin: TestUser;

  // A database of its own (like the matching e2e): the worker's outbox relay here must be the only
  // one, or another suite's relay could take the re-match job into a queue nobody works.
  const databaseUrl = (() => {
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/liancheng_adminui_${Date.now()}_${process.pid}`;
    return u.toString();
  })();

  beforeAll(async () => {
    await migratedDatabase(databaseUrl);
    h = await startBrowserHarness({
      DATABASE_URL: databaseUrl,
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      QUEUE_PREFIX: `{lc-${uniq('adm')}}`, // other suites on the same Redis never take these jobs
    });
    worker = await startWorker(h.t.config, [QUEUES.webhooks, QUEUES.maintenance]);
    rx = await startReceiver();
    bbOfficer = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer');
    bbAdmin = await makeUser(h.t.ds, h.t.http, 'beibei', 'admin');
  });
  afterAll(async () => {
    await worker?.close();
    await rx?.close();
    await h?.close();
    await dropDatabase(databaseUrl);
  });

  const apiLead = async (title: string) => {
    const res = await h.t.http
      .post('/api/v1/leads')
      .set(bbOfficer.auth)
      .send({ title, investor: { name: `投资方${uniq()}有限公司` }, segments: ['nev.battery-pack'] });
    expect({ status: res.status, body: res.status === 201 ? null : res.body }).toEqual({
      status: 201,
      body: null,
    });
    return res.body as { id: string; title: string };
  };

  /** The admin page on one tab; buttons are looked up in the visible tab only (each tab has a "新建"). */
  async function openAdminTab(page: Page, tab: string) {
    if (!page.url().endsWith('/admin')) await page.goto('/admin');
    await page.getByRole('tab', { name: tab }).click();
    const pane = page.locator('[role=tabpanel][aria-hidden=false]');
    await pane.waitFor();
    return pane;
  }

  /** Text and input values of the whole page, to prove a secret is gone (a string: no DOM types here). */
  const everythingShown = (page: Page): Promise<string> =>
    page.evaluate(`document.documentElement.outerHTML + document.body.innerText +
      Array.from(document.querySelectorAll('input, textarea'), (e) => e.value).join('\\n')`);

  it('API keys: the secret is shown once with a working copy button, then only the prefix', async () => {
    const ctx = await newContext(h);
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.base });
    const page = await ctx.newPage();
    await login(page, bbAdmin.username);
    await page.goto('/admin');
    await page.locator('.ant-table-row').first().waitFor();
    await shot(page, '20-admin-users');

    const pane = await openAdminTab(page, 'API 密钥');
    await pane.getByRole('button', { name: /新\s*建/ }).click();
    const name = `合作方系统${uniq()}`;
    const modal = page.locator('.ant-modal', { hasText: '权限范围' });
    await modal.getByLabel('名称').fill(name);
    await modal.locator('.ant-btn-primary').click();

    const secretBox = page.locator('[data-testid=secret-once]');
    await secretBox.waitFor();
    const secret = await secretBox.inputValue();
    expect(secret.length).toBeGreaterThan(20);
    await page.locator('[data-testid=copy-secret]').click();
    await page.locator('[data-testid=copy-secret]', { hasText: '已复制' }).waitFor();
    await page.locator('.ant-message-notice', { hasText: '已复制' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await shot(page, '21-admin-key-secret-once');

    // The key works, and the server keeps only its prefix and hash.
    expect((await h.t.http.get('/api/v1/leads').set('Authorization', `Bearer ${secret}`)).status).toBe(200);
    const [stored] = await h.t.ds.query(`SELECT key_prefix FROM api_keys WHERE name = $1`, [name]);
    expect(secret.startsWith(stored.key_prefix)).toBe(true);

    await page.getByRole('dialog').getByRole('button', { name: '我已保存' }).click();
    await secretBox.waitFor({ state: 'detached' });
    const row = pane.locator('.ant-table-row', { hasText: name });
    await row.waitFor();
    expect(await row.textContent()).toContain(stored.key_prefix);
    expect(await everythingShown(page)).not.toContain(secret);
    await shot(page, '22-admin-keys');

    // Not after another tab and back, nor after a reload (the list never carries it).
    await openAdminTab(page, '用户');
    await openAdminTab(page, 'API 密钥');
    await page.reload();
    const again = await openAdminTab(page, 'API 密钥');
    await again.locator('.ant-table-row', { hasText: name }).waitFor();
    expect(await everythingShown(page)).not.toContain(secret);
    await ctx.close();
  });

  it('webhooks: a subscription to a loopback receiver lists its delivery with status and response code', async () => {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbAdmin.username);
    const pane = await openAdminTab(page, 'Webhook 订阅');
    await pane.getByRole('button', { name: /新\s*建/ }).click();
    const path = `/ui-${uniq()}`;
    const url = rx.url(path);
    const modal = page.locator('.ant-modal', { hasText: '事件' });
    await modal.getByLabel('地址').fill(url);
    await modal.locator('.ant-btn-primary').click();
    const secretBox = page.locator('[data-testid=secret-once]');
    await secretBox.waitFor();
    expect(await secretBox.inputValue()).toMatch(/^whsec_/);
    await page.getByRole('dialog').getByRole('button', { name: '我已保存' }).click();
    await secretBox.waitFor({ state: 'detached' });
    const row = pane.locator('.ant-table-row', { hasText: url });
    await row.waitFor();
    await shot(page, '23-admin-webhooks');

    // An event: an officer of the same city logs a lead; the worker relays and delivers it.
    const lead = await apiLead(`推送测试${uniq()}`);
    await waitFor('the receiver to get lead.created', () =>
      rx.received.some((r) => r.path === path && r.body.type === 'lead.created'),
    );
    await waitFor(
      'the delivery attempt to be recorded',
      async () =>
        (
          await h.t.ds.query(
            `SELECT 1 FROM webhook_attempts a JOIN webhook_subscriptions s ON s.id = a.subscription_id
              WHERE s.url = $1 AND a.status = 'delivered'`,
            [url],
          )
        ).length > 0,
    );
    expect(rx.received.find((r) => r.path === path)?.body.data.lead?.id).toBe(lead.id);

    await row.getByRole('button', { name: '推送记录' }).click();
    const drawer = page.locator('.ant-drawer', { hasText: url });
    const delivery = drawer.locator('[data-testid=deliveries-table] .ant-table-row', {
      hasText: 'lead.created',
    });
    await delivery.waitFor();
    const cells = await delivery.locator('td').allTextContents();
    expect(cells).toEqual(expect.arrayContaining(['lead.created', '已送达', '200', '1']));
    await shot(page, '24-admin-webhook-deliveries');
    await ctx.close();
  });

  it('full re-match: the progress bar reaches 100% and says it is done', async () => {
    await apiLead(`重新匹配${uniq()}`);
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbAdmin.username);
    const pane = await openAdminTab(page, '全量重新匹配');
    await pane.locator('[data-testid=rematch-start]').click();
    const progress = pane.locator('[data-testid=rematch-progress]');
    await progress.waitFor();
    await pane.locator('[data-testid=rematch-progress][data-state=completed]').waitFor({ timeout: 120_000 });
    expect(await pane.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await pane.getByText('重新匹配完成').waitFor();
    // A city's admin re-matches their own city (the other city's and all: platform operators).
    const [{ n }] = await h.t.ds.query(
      `SELECT count(*)::int AS n FROM leads WHERE stage <> 'lost' AND jurisdiction = 'beibei'`,
    );
    expect(await progress.textContent()).toContain(`已处理 ${n} / ${n} 条线索`);
    await shot(page, '25-admin-rematch');

    // A reload (or another tab and back) picks the job up again instead of forgetting it.
    await page.reload();
    const again = await openAdminTab(page, '全量重新匹配');
    await again.locator('[data-testid=rematch-progress][data-state=completed]').waitFor();
    expect(await again.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await ctx.close();
  });

  it('warns before losing typed work: menu navigation asks, cancelling keeps the text, the tab close asks', async () => {
    const lead = await apiLead(`未保存${uniq()}`);
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbOfficer.username);
    const menu = (label: string) => page.locator('.ant-menu').getByText(label, { exact: true });
    const confirm = page.locator('.ant-modal-confirm', { hasText: '有未保存的修改' });

    // Log a lead: type a title, then try to go to the list.
    await page.goto('/leads/new');
    const title = page.getByLabel('项目名称');
    await title.click();
    await page.keyboard.type('尚未保存的项目');
    await menu('线索列表').click();
    await confirm.waitFor();
    expect(await confirm.count()).toBe(1);
    await shot(page, '26-unsaved-warning');
    await confirm.getByRole('button', { name: /留\s*下/ }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe('/leads/new');
    expect(await title.inputValue()).toBe('尚未保存的项目');

    // Closing the tab (or reloading) asks the browser's own question; dismissing keeps the page.
    const dialog = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.type());
        void d.dismiss();
      }),
    );
    await page.close({ runBeforeUnload: true });
    expect(await dialog).toBe('beforeunload');
    expect(page.isClosed()).toBe(false);
    expect(await title.inputValue()).toBe('尚未保存的项目');

    // Leaving on purpose goes.
    await menu('线索列表').click();
    await confirm.getByRole('button', { name: /离\s*开/ }).click();
    await page.waitForURL((u) => u.pathname === '/leads');

    // Lead detail: the "add activity" text is typed work too.
    await page.goto(`/leads/${lead.id}`);
    await page.getByRole('tab', { name: '跟进记录' }).click();
    const note = page.getByLabel('跟进内容');
    await note.click();
    await page.keyboard.type('周三电话沟通了用地需求');
    await menu('项目看板').click();
    await confirm.waitFor();
    await confirm.getByRole('button', { name: /留\s*下/ }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe(`/leads/${lead.id}`);
    expect(await note.inputValue()).toBe('周三电话沟通了用地需求');

    // Once saved there is nothing to lose: the menu navigates without asking.
    await page.getByRole('button', { name: '添加跟进' }).click();
    await page.locator('.ant-timeline').getByText('周三电话沟通了用地需求').waitFor();
    await menu('项目看板').click();
    await page.waitForURL((u) => u.pathname === '/board');
    expect(await confirm.count()).toBe(0);
    await ctx.close();
  });

  it('the chain map shows the linked segments of other industries; clicking one switches to its industry', async () => {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, bbOfficer.username);
    await page.goto('/chain');
    const ready = (industry: string) =>
      page
        .locator(`[data-testid=chain-map][data-industry=${industry}][data-ready=true] canvas`)
        .first()
        .waitFor();
    await ready('nev');
    expect(await page.locator('[data-testid=chain-cross]').textContent()).toContain('新材料 · 8');
    await shot(page, '27-chain-map-linked');

    // Graphene (new materials) feeds NEV's anodes: its node on the canvas opens new materials with it picked.
    await clickChainNode(page, 'nev', 'nmat.graphene');
    await ready('nmat');
    await page.getByText('石墨烯等前沿材料 的企业').waitFor();
    expect(await page.locator('[data-testid=chain-cross]').textContent()).toContain('新能源与智能网联汽车');
    await shot(page, '28-chain-map-nmat');

    // The linked-industry buttons do the same from the keyboard.
    await page.locator('[data-testid=chain-cross-nev]').focus();
    await page.keyboard.press('Enter');
    await ready('nev');
    await ctx.close();
  });
});

/**
 * Clicks a node of the chain graph on its canvas: where ECharts puts it, from the same layout and
 * geometry the page uses (the graph fits the layout's box into the margins, keeping its aspect).
 */
async function clickChainNode(page: Page, industry: string, code: string) {
  const layout = layoutIndustryChain(reference as never, industry, { width: CHAIN_CHART.layoutWidth });
  const node = layout.nodes.find((n) => n.code === code)!;
  const box = (await page.locator('[data-testid=chain-map] canvas').first().boundingBox())!;
  const { margin, headerOffset, layoutWidth } = CHAIN_CHART;
  const viewW = box.width - margin.left - margin.right;
  const viewH = box.height - margin.top - margin.bottom;
  const dataH = layout.height + headerOffset;
  const scale = Math.min(viewW / layoutWidth, viewH / dataH);
  const x = margin.left + (viewW - layoutWidth * scale) / 2 + node.x * scale;
  const y = margin.top + (viewH - dataH * scale) / 2 + (node.y + headerOffset) * scale;
  await page.mouse.click(box.x + x, box.y + y);
}
