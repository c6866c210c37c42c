/**
 * 双方确认 in a real browser (DESIGN §7, §14): one city proposes, the OTHER city's manager (admin,
 * for parks) accepts it in a browser context of its own. Screenshots at 1366×768.
 */
import { BrowserContext, Page } from 'playwright-core';
import { TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(180_000);

describe('agreements between the cities (browser)', () => {
  let h: BrowserHarness;
  let bbOfficer: TestUser;
  let myOfficer: TestUser;
  let bbManager: TestUser;
  let myManager: TestUser;
  let bbAdmin: TestUser;
  let myAdmin: TestUser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startBrowserHarness();
    [bbOfficer, myOfficer, bbManager, myManager, bbAdmin, myAdmin] = await Promise.all([
      makeUser(h.t.ds, h.t.http, 'beibei', 'officer'),
      makeUser(h.t.ds, h.t.http, 'mianyang', 'officer'),
      makeUser(h.t.ds, h.t.http, 'beibei', 'manager'),
      makeUser(h.t.ds, h.t.http, 'mianyang', 'manager'),
      makeUser(h.t.ds, h.t.http, 'beibei', 'admin'),
      makeUser(h.t.ds, h.t.http, 'mianyang', 'admin'),
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
  const apiLead = async (user: TestUser, title: string, investor: string) => {
    const res = await h.t.http
      .post('/api/v1/leads')
      .set(user.auth)
      .send({
        title,
        investor: { name: investor },
        segments: ['nev.battery-pack'],
        plannedInvestmentWan: 30000,
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; title: string; collisions: { id: string }[] };
  };
  /** Ant Design puts a space between the two characters of a two-character button (处 理). */
  const named = (text: string) => new RegExp(`^${[...text].join('\\s?')}$`);
  /** Confirms the note dialog of accept / decline / withdraw. */
  const confirmDialog = async (page: Page) => {
    await page.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
    await page.locator('.ant-modal-confirm').waitFor({ state: 'detached' });
  };

  it('beibei proposes a joint collision; mianyang’s manager accepts it in another browser', async () => {
    const core = `锐能${uniq()}动力电池`;
    const bbLead = await apiLead(bbOfficer, `北碚${core}项目`, `${core}股份有限公司`);
    const myLead = await apiLead(myOfficer, `绵阳${core}项目`, `江苏${core}有限公司`);
    expect(myLead.collisions).toHaveLength(1);

    const bb = await signedIn(bbManager);
    await bb.goto('/collisions');
    const bbRow = bb.locator('tr', { hasText: bbLead.title });
    await bbRow.waitFor();
    await bbRow.getByRole('button', { name: named('处理') }).click();
    await bb.getByText('提议联合招商').click();
    await bb.locator('.ant-modal textarea').fill('两地联合招商，共同对接');
    await shot(bb, '30-collision-propose');
    await bb.locator('.ant-modal-footer .ant-btn-primary').click();
    await bbRow.getByText('等待对方确认').waitFor();
    await shot(bb, '31-collision-waiting-other');
    // Nothing changed on mianyang's side yet: its lead stays private.
    await h.t.http.get(`/api/v1/leads/${myLead.id}`).set(bbManager.auth).expect(404);

    const my = await signedIn(myManager);
    await my.goto('/collisions');
    const myRow = my.locator('tr', { hasText: myLead.title });
    await myRow.getByText('待我方确认').waitFor();
    await shot(my, '32-collision-waiting-me');
    await myRow.getByRole('button', { name: named('同意') }).click();
    await my.locator('.ant-modal-confirm textarea').fill('同意联合招商');
    await confirmDialog(my);
    await myRow.waitFor({ state: 'detached' }); // no longer open
    await my.locator('.ant-segmented').getByText('联合招商').click();
    await my.locator('tr', { hasText: myLead.title }).waitFor();
    await shot(my, '33-collision-joint');
    const now = await h.t.http.get(`/api/v1/leads/${myLead.id}`).set(bbManager.auth).expect(200);
    expect(now.body).toMatchObject({ sharing: 'shared', linkedLeadIds: [bbLead.id] });
  });

  it('a manager merges a duplicate of their own city after confirming', async () => {
    const core = `蓝鲸${uniq()}新材料`;
    const older = await apiLead(bbOfficer, `先登记${core}`, `${core}有限公司`);
    const newer = await apiLead(bbOfficer, `后登记${core}`, `四川${core}股份有限公司`);
    const bb = await signedIn(bbManager);
    await bb.goto('/collisions?tab=duplicates');
    const row = bb.locator('tr', { hasText: newer.title });
    await row.waitFor();
    await shot(bb, '34-duplicates');
    await row.getByRole('button', { name: named('合并') }).click();
    await bb.locator('.ant-popconfirm').getByText(older.title, { exact: false }).waitFor();
    await shot(bb, '35-duplicate-merge-confirm');
    await bb.locator('.ant-popconfirm .ant-btn-primary').click();
    await row.waitFor({ state: 'detached' });
    const gone = await h.t.http.get(`/api/v1/leads/${newer.id}`).set(bbManager.auth).expect(200);
    expect(gone.body.stage).toBe('lost');
  });

  it('beibei’s admin proposes co-building a park; mianyang’s admin accepts', async () => {
    const name = `链城共建园区${uniq()}`;
    const created = await h.t.http
      .post('/api/v1/parks')
      .set(bbAdmin.auth)
      .send({ name, targetSegments: ['ngit.sensors'] })
      .expect(201);

    const bb = await signedIn(bbAdmin);
    await bb.goto('/base?tab=parks');
    const bbRow = bb.locator('tr', { hasText: name });
    await bbRow.getByRole('button', { name: '提议共建' }).click();
    const dialog = bb.locator('.ant-modal', { hasText: '共建后归属' });
    await shot(bb, '36-park-propose');
    await dialog.getByRole('button', { name: named('保存') }).click();
    await bbRow.getByText('等待对方确认').waitFor();
    await shot(bb, '37-park-proposed');

    const my = await signedIn(myAdmin);
    await my.goto('/base?tab=parks');
    const myRow = my.locator('tr', { hasText: name });
    await myRow.getByText('待我方确认').waitFor();
    await shot(my, '38-park-waiting-me');
    await myRow.getByRole('button', { name: named('同意') }).click();
    await confirmDialog(my);
    await myRow.getByRole('button', { name: '提议取消共建' }).waitFor();
    await shot(my, '39-park-co-built');
    const park = await h.t.http.get(`/api/v1/parks/${created.body.id}`).set(bbAdmin.auth).expect(200);
    expect(park.body).toMatchObject({ coBuilt: true, jurisdictions: ['beibei', 'mianyang'] });
  });
});
