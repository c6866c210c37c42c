/**
 * The bell (DESIGN §18) in a real browser: it updates live when another user causes a
 * notification, its drawer links to the cause, and the settings page keeps a user's choices.
 * Screenshots at 1366×768 and 390×844.
 */
import { BrowserContext, Page } from 'playwright-core';
import { TestUser, makeUser, uniq } from '../support/factories';
import { RunningWorker, ownQueuePrefix, scratchDatabase, startWorker } from '../support/matching-worker';
import { waitFor } from '../support/wait';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(180_000);

describe('notifications bell (browser)', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let h: BrowserHarness;
  let worker: RunningWorker;
  let officer: TestUser;
  let manager: TestUser;
  let partner: TestUser;
  const contexts: BrowserContext[] = [];
  const prefix = ownQueuePrefix();

  beforeAll(async () => {
    // A database and queues of the suite's own: the worker's relay takes only this suite's work.
    db = await scratchDatabase('bell');
    h = await startBrowserHarness({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    worker = await startWorker(db.url, { QUEUE_PREFIX: prefix });
    [officer, manager, partner] = await Promise.all([
      makeUser(h.t.ds, h.t.http, 'beibei', 'officer'),
      makeUser(h.t.ds, h.t.http, 'beibei', 'manager'),
      makeUser(h.t.ds, h.t.http, 'mianyang', 'officer'),
    ]);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await worker?.stop();
    await h?.close();
    await db?.drop();
  });

  const signedIn = async (user: TestUser, viewport?: { width: number; height: number }): Promise<Page> => {
    const ctx = await newContext(h);
    contexts.push(ctx);
    const page = await ctx.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await login(page, user.username);
    return page;
  };
  const unreadOf = async (page: Page) => Number(await page.getByTestId('bell').getAttribute('data-unread'));

  it('the bell counts up live when another user assigns me a lead; the drawer links to it', async () => {
    const page = await signedIn(officer);
    await page.getByTestId('bell').waitFor();
    expect(await unreadOf(page)).toBe(0);

    // Another user (the manager, through the API) assigns the officer a shared lead.
    const title = `通知演示${uniq()}项目`;
    const res = await h.t.http
      .post('/api/v1/leads')
      .set(manager.auth)
      .send({
        title,
        investor: { name: `演示${uniq()}新能源有限公司` },
        segments: ['nev.battery-pack'],
        ownerId: officer.id,
        sharing: 'shared',
      })
      .expect(201);
    const leadId = res.body.id as string;
    // No reload: the stream brings it.
    await waitFor('the bell to count', async () => (await unreadOf(page)) > 0, 30_000);
    // The partner city follows up: the count goes up again, still live.
    const before = await unreadOf(page);
    await h.t.http
      .post(`/api/v1/leads/${leadId}/activities`)
      .set(partner.auth)
      .send({ type: 'visit', summary: '绵阳侧实地考察' })
      .expect(201);
    await waitFor('the bell to count the follow-up', async () => (await unreadOf(page)) > before, 30_000);
    await shot(page, '60-notification-bell');

    await page.getByTestId('bell').click();
    const item = page.getByTestId('notification-item').filter({ hasText: '线索已分配给您' });
    await item.waitFor();
    await page.getByTestId('notification-item').filter({ hasText: '协作方跟进' }).waitFor();
    await shot(page, '61-notification-drawer');
    const count = await unreadOf(page);
    await item.click();
    await page.waitForURL(`**/leads/${leadId}`);
    await page.getByText(title).first().waitFor();
    await waitFor('one read', async () => (await unreadOf(page)) === count - 1, 10_000);
    // 下次跟进 on the lead: a date the daily reminder watches.
    await page.getByTestId('next-action').click();
    await page.keyboard.type('2026-12-01');
    await page.keyboard.press('Enter');
    await waitFor(
      'the next action saved',
      async () => !!(await h.t.http.get(`/api/v1/leads/${leadId}`).set(officer.auth)).body.nextActionAt,
      10_000,
    );
    await shot(page, '62-lead-next-action');
  });

  it('notification settings: a type turned to the digest stays so', async () => {
    const page = await signedIn(officer);
    await page.goto('/notifications/settings');
    await page.getByText('通知设置').first().waitFor();
    await page.getByTestId('mode-matches_ready').click();
    await page.locator('.ant-select-item-option', { hasText: '站内 + 每日摘要' }).click();
    await page.getByTestId('digest-email').fill('officer@beibei.example.gov.cn');
    await page.getByRole('button', { name: /保\s?存/ }).click();
    await page.waitForTimeout(300);
    const prefs = await h.t.http.get('/api/v1/notifications/preferences').set(officer.auth).expect(200);
    expect(prefs.body.modes.matches_ready).toBe('digest');
    expect(prefs.body.email).toBe('officer@beibei.example.gov.cn');
    await shot(page, '63-notification-settings');
  });

  it('on a phone: the bell and its drawer fit', async () => {
    const page = await signedIn(officer, { width: 390, height: 844 });
    await page.getByTestId('bell').click();
    await page.getByTestId('notification-item').first().waitFor();
    await shot(page, '64-notification-drawer-mobile');
  });
});
