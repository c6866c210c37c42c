/**
 * 活动 (joint promotion events, DESIGN §16) in a real browser: the calendar and the list, an
 * event's suggestions added in one click, check-in on the day, the outcomes panel, co-hosting
 * accepted by the other city's manager, the dashboard card and the lead form's event picker.
 * Screenshots at 1366×768 and 390×844, in Chinese and English.
 */
import { BrowserContext, Page } from 'playwright-core';
import { TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(240_000);

describe('promotion events (browser)', () => {
  let h: BrowserHarness;
  let bbOfficer: TestUser;
  let myManager: TestUser;
  const contexts: BrowserContext[] = [];
  let today: { id: string; title: string };
  let joint: { id: string; title: string };
  let past: { id: string; title: string };
  let leaderName: string;

  beforeAll(async () => {
    h = await startBrowserHarness();
    [bbOfficer, myManager] = await Promise.all([
      makeUser(h.t.ds, h.t.http, 'beibei', 'officer'),
      makeUser(h.t.ds, h.t.http, 'mianyang', 'manager'),
    ]);
    const bbManager = await makeUser(h.t.ds, h.t.http, 'beibei', 'manager');
    leaderName = `${uniq('绵阳正极')}材料有限公司`;
    await h.t.http
      .post('/api/v1/enterprises')
      .set(myManager.auth)
      .send({ name: leaderName, segments: ['nev.cathode'], chainLeader: true })
      .expect(201);
    await h.t.http
      .post('/api/v1/enterprises')
      .set(bbManager.auth)
      .send({ name: `${uniq('北碚电池包')}科技有限公司`, segments: ['nev.battery-pack'] })
      .expect(201);
    const now = Date.now();
    const at = (hours: number) => new Date(now + hours * 3_600_000).toISOString();
    const event = async (body: Record<string, unknown>) =>
      (
        await h.t.http
          .post('/api/v1/events')
          .set(bbOfficer.auth)
          .send({
            kind: 'matchmaking',
            city: '重庆',
            venue: '北碚区会展中心',
            focusSegments: ['nev.battery-cell'],
            ...body,
          })
          .expect(201)
      ).body;
    today = await event({ title: '动力电池产业链对接会', startsAt: at(-1), endsAt: at(3), budgetWan: 30 });
    joint = await event({
      title: '双城新能源汽车推介会',
      kind: 'promotion',
      hosts: ['beibei', 'mianyang'],
      startsAt: at(24 * 5),
      endsAt: at(24 * 5 + 6),
      city: '绵阳',
      venue: '绵阳科博会展中心',
    });
    past = await event({
      title: '北碚电池材料（深圳）推介会',
      startsAt: at(-24 * 2 - 6),
      endsAt: at(-24 * 2),
      budgetWan: 40,
      city: '深圳',
    });
    for (const [stage, facts] of [
      [
        'signed',
        { signedAt: new Date(now - 86_400_000).toISOString().slice(0, 10), contractAmountWan: 26000 },
      ],
      ['contacted', {}],
    ] as const) {
      await h.t.http
        .post('/api/v1/leads')
        .set(bbOfficer.auth)
        .send({
          title: `${uniq('推介会项目')}`,
          investor: { name: `${uniq('投资方')}有限公司` },
          segments: ['nev.battery-cell'],
          plannedInvestmentWan: 20000,
          source: 'event',
          eventId: past.id,
          stage,
          ...facts,
        })
        .expect(201);
    }
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await h?.close();
  });

  const signedIn = async (user: TestUser, viewport?: { width: number; height: number }): Promise<Page> => {
    const ctx = await newContext(h);
    contexts.push(ctx);
    const page = await ctx.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await login(page, user.username);
    return page;
  };
  const named = (text: string) => new RegExp(`^${[...text].join('\\s?')}$`);

  it('calendar, list, suggestions added in one click, check-in and outcomes', async () => {
    const page = await signedIn(bbOfficer);
    await page.goto('/events');
    await page.locator('.ant-picker-calendar').getByText(today.title).first().waitFor();
    await shot(page, '80-events-calendar');
    await page.locator('.ant-segmented').getByText('列表').click();
    await page.locator('tr', { hasText: joint.title }).waitFor();
    await shot(page, '81-events-list');
    await page.getByTestId('event-new').click();
    await page.locator('.ant-modal #event-title').waitFor();
    await shot(page, '82-event-new');
    await page.keyboard.press('Escape');

    await page.goto(`/events/${today.id}`);
    const suggestions = page.getByTestId('suggestions');
    await suggestions.getByText(leaderName).waitFor();
    await shot(page, '83-event-detail');
    await suggestions.getByRole('button', { name: `添加 ${leaderName}` }).click();
    const invitees = page.getByTestId('invitees');
    await invitees.getByText(leaderName).waitFor();
    await suggestions.getByText(leaderName).waitFor({ state: 'detached' });
    await invitees
      .locator('tr', { hasText: leaderName })
      .getByRole('button', { name: named('签到') })
      .click();
    await invitees.locator('tr', { hasText: leaderName }).getByText('已签到').waitFor();
    await shot(page, '84-event-checked-in');
    const saved = await h.t.http.get(`/api/v1/events/${today.id}/invitees`).set(bbOfficer.auth).expect(200);
    expect(saved.body.items).toEqual([expect.objectContaining({ name: leaderName, status: 'attended' })]);

    await page.goto(`/events/${past.id}`);
    const outcomes = page.getByTestId('outcomes');
    await outcomes.locator('.ant-statistic', { hasText: '签约项目' }).getByText('1').waitFor();
    // Budget 40 for one signed deal (Statistic splits numbers into parts: match the card's text).
    await outcomes
      .locator('.ant-statistic', { hasText: '每个签约项目成本' })
      .filter({ hasText: /（万元）\s*40$/ })
      .waitFor();
    await shot(page, '85-event-outcomes');

    await page.getByTestId('lang-switch').click();
    await page.getByText('Outcomes').first().waitFor();
    await shot(page, '86-event-outcomes-en');
    await page.getByTestId('lang-switch').click();

    await page.goto('/dashboard');
    await page.getByTestId('events-card').getByText(past.title).waitFor();
    await shot(page, '87-dashboard-events-card');

    await page.goto('/leads/new');
    await page.locator('#source').click();
    await page.locator('.ant-select-item-option', { hasText: '活动' }).click();
    await page.locator('#eventId').click();
    // Other suites' events fill the list (it is virtual): type to find ours, as an officer would.
    await page.locator('#eventId').fill(past.title);
    await page.locator('.ant-select-item-option', { hasText: past.title }).click();
    await shot(page, '88-lead-form-event');
  });

  it('the other city’s manager accepts co-hosting on the event page', async () => {
    const page = await signedIn(myManager);
    await page.goto(`/events/${joint.id}`);
    await page.getByText('待对方确认共同主办').waitFor();
    await shot(page, '89-event-cohost-pending');
    await page.getByRole('button', { name: named('同意') }).click();
    await page.locator('.ant-modal-confirm-btns .ant-btn-primary').click();
    await page.getByText('两地联合主办').first().waitFor();
    const now = await h.t.http.get(`/api/v1/events/${joint.id}`).set(myManager.auth).expect(200);
    expect(now.body.hosts).toEqual(['beibei', 'mianyang']);
    await shot(page, '90-event-joint');
  });

  it('works on a phone (390×844)', async () => {
    const page = await signedIn(bbOfficer, { width: 390, height: 844 });
    await page.goto('/events');
    await page.locator('.ant-picker-calendar').waitFor();
    await shot(page, '91-events-phone');
    await page.goto(`/events/${today.id}`);
    await page.getByTestId('invitees').waitFor();
    await shot(page, '92-event-detail-phone');
  });
});
