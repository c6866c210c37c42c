import JSZip from 'jszip';
import { cityDay } from '../libs/common/city-time';
import { TestApp, startApp } from './support/app';
import { TestKey, TestUser, makeApiKey, makeUser, uniq } from './support/factories';

const DAY = 86_400_000;
/** A calendar day in the cities (the server counts periods and deadlines in UTC+8). */
const day = (offsetDays: number) => cityDay(Date.now() + offsetDays * DAY);

/** Reads a supertest response body as raw bytes (Word and Excel files). */
const binary = (res: unknown, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

/**
 * The cooperation mechanism (DESIGN §15) end to end: a plan with items carried by units of both
 * cities, progress reported by each city on its own part, a joint meeting whose decision becomes
 * an item, and the meeting pack as JSON, Word and Excel, checked inside the files.
 */
describe('cooperation: action plan, joint meetings, meeting pack (DESIGN §15)', () => {
  let t: TestApp;
  let bbManager: TestUser;
  let bbOfficer: TestUser;
  let myManager: TestUser;
  let myOfficer: TestUser;
  let feedKey: TestKey;
  let planId: string;

  beforeAll(async () => {
    t = await startApp();
    [bbManager, bbOfficer, myManager, myOfficer] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'beibei', 'officer'),
      makeUser(t.ds, t.http, 'mianyang', 'manager'),
      makeUser(t.ds, t.http, 'mianyang', 'officer'),
    ]);
    feedKey = await makeApiKey(t.ds, 'mianyang', ['changes:read']);
    const plan = await t.http
      .post('/api/v1/action-plans')
      .set(bbManager.auth)
      .send({ title: uniq('三年行动计划'), periodFrom: day(-400), periodTo: day(700) })
      .expect(201);
    planId = plan.body.id;
  });
  afterAll(() => t.close());

  const BOTH = [
    { jurisdiction: 'beibei', unit: '北碚区招商投资促进局' },
    { jurisdiction: 'mianyang', unit: '绵阳市投资促进局' },
  ];
  const newItem = async (over: Record<string, unknown> = {}) =>
    (
      await t.http
        .post('/api/v1/action-items')
        .set(bbManager.auth)
        .send({
          planId,
          code: `${Math.floor(Math.random() * 900) + 100}.${Math.floor(Math.random() * 900)}`,
          title: uniq('联合招商'),
          field: 'industry_investment',
          units: BOTH,
          dueAt: day(120),
          ...over,
        })
        .expect(201)
    ).body as { id: string; version: number; code: string; title: string; dueAt: string; status: string };

  it('builds a plan; each city reports on its own part; progress, status and deadline follow', async () => {
    const item = await newItem({ title: '共建新能源汽车零部件配套产业链', keyTaskYear: 2026 });
    expect(item).toMatchObject({
      status: 'not_started',
      progress: 0,
      deadline: 'on_track',
      keyTaskYear: 2026,
    });

    // An officer of each city reports on its own part.
    await t.http
      .post(`/api/v1/action-items/${item.id}/reports`)
      .set(bbOfficer.auth)
      .send({ progress: 60, text: '已对接配套企业 12 家' })
      .expect(201);
    const after = await t.http
      .post(`/api/v1/action-items/${item.id}/reports`)
      .set(myOfficer.auth)
      .send({ progress: 40, text: '完成园区标准厂房选址', status: 'in_progress' })
      .expect(201);
    expect(after.body).toMatchObject({
      status: 'in_progress',
      progress: 50,
      progressBy: { beibei: 60, mianyang: 40 },
    });
    expect(
      after.body.reports.map((r: { jurisdiction: string; text: string }) => [r.jurisdiction, r.text]),
    ).toEqual([
      ['beibei', '已对接配套企业 12 家'],
      ['mianyang', '完成园区标准厂房选址'],
    ]);

    // Both at 100: done.
    await t.http
      .post(`/api/v1/action-items/${item.id}/reports`)
      .set(bbOfficer.auth)
      .send({ progress: 100, text: '北碚部分完成' })
      .expect(201);
    const done = await t.http
      .post(`/api/v1/action-items/${item.id}/reports`)
      .set(myManager.auth)
      .send({ progress: 100, text: '绵阳部分完成', status: 'done' })
      .expect(201);
    expect(done.body).toMatchObject({ status: 'done', progress: 100, deadline: 'closed' });

    // A city without a unit on the item does not report on it.
    const beibeiOnly = await newItem({ units: [BOTH[0]] });
    const refused = await t.http
      .post(`/api/v1/action-items/${beibeiOnly.id}/reports`)
      .set(myOfficer.auth)
      .send({ progress: 10, text: '越权' })
      .expect(403);
    expect(refused.body.message).toContain('own part');
    // Bad input names the field.
    const bad = await t.http
      .post(`/api/v1/action-items/${beibeiOnly.id}/reports`)
      .set(bbOfficer.auth)
      .send({ progress: 140, text: 'x' })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('progress');

    // Overdue and at risk are computed; both cities read everything; filters work.
    const overdue = await newItem({ dueAt: day(-3) });
    const atRisk = await newItem({ dueAt: day(10) });
    const list = await t.http
      .get('/api/v1/action-items')
      .query({ planId, overdue: 'true' })
      .set(myOfficer.auth)
      .expect(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([overdue.id]);
    expect(list.body.items[0].deadline).toBe('overdue');
    const risk = await t.http.get(`/api/v1/action-items/${atRisk.id}`).set(myOfficer.auth).expect(200);
    expect(risk.body.deadline).toBe('at_risk');
    const mine = await t.http
      .get('/api/v1/action-items')
      .query({ planId, jurisdiction: 'mianyang' })
      .set(bbOfficer.auth)
      .expect(200);
    expect(mine.body.items.some((i: { id: string }) => i.id === beibeiOnly.id)).toBe(false);
    expect(mine.body.items.some((i: { id: string }) => i.id === item.id)).toBe(true);

    // Officers do not keep the plan.
    await t.http
      .post('/api/v1/action-items')
      .set(bbOfficer.auth)
      .send({ planId, code: '99.9', title: 'x', field: 'other', units: BOTH, dueAt: day(5) })
      .expect(403);

    // Every change is audited; partner systems see `action_item` entries in the feed.
    const audit = await t.ds.query(
      `SELECT action FROM audit_entries WHERE entity = 'action_item' AND entity_id = $1 ORDER BY at, id`,
      [item.id],
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['create', 'report']),
    );
    expect(audit).toHaveLength(5);
    const feed = await t.http
      .get('/api/v1/sync/changes')
      .query({ entities: 'action_item,meeting', limit: 1000 })
      .set(feedKey.auth)
      .expect(200);
    const entries = feed.body.changes.filter((c: { id: string }) => c.id === item.id);
    expect(entries.length).toBeGreaterThanOrEqual(5);
    expect(entries[entries.length - 1].data).toMatchObject({ id: item.id, status: 'done' });
  });

  it('title, units and deadline change only by agreement: PATCH answers 409, the other city accepts a proposal', async () => {
    const item = await newItem();
    const patch = await t.http
      .patch(`/api/v1/action-items/${item.id}`)
      .set(bbManager.auth)
      .set('If-Match', `"${item.version}"`)
      .send({ dueAt: day(200) })
      .expect(409);
    expect(patch.body).toMatchObject({ code: 'AGREEMENT_REQUIRED' });
    expect(patch.body.message).toContain('dueAt');

    // Links change directly.
    const linked = await t.http
      .patch(`/api/v1/action-items/${item.id}`)
      .set(bbManager.auth)
      .set('If-Match', `"${item.version}"`)
      .send({ eventIds: ['0b5b3f5e-8d7e-4a53-9a53-0d5c1b7a9e11'] })
      .expect(200);
    expect(linked.body.eventIds).toEqual(['0b5b3f5e-8d7e-4a53-9a53-0d5c1b7a9e11']);

    const proposal = await t.http
      .post(`/api/v1/action-items/${item.id}/change-proposals`)
      .set(bbManager.auth)
      .send({ dueAt: day(200), note: '受土地报批影响，申请延期' })
      .expect(202);
    expect(proposal.body).toMatchObject({
      kind: 'action_item.change',
      status: 'pending',
      decidingJurisdiction: 'mianyang',
    });
    // Nothing has changed yet; the proposer cannot accept its own proposal.
    expect(
      (await t.http.get(`/api/v1/action-items/${item.id}`).set(bbManager.auth).expect(200)).body.dueAt,
    ).toBe(item.dueAt);
    await t.http
      .post(`/api/v1/agreements/${proposal.body.id}/accept`)
      .set(bbManager.auth)
      .send({})
      .expect(403);
    // The partner sees it waiting; an officer cannot decide it.
    const waiting = await t.http
      .get('/api/v1/agreements')
      .query({ status: 'pending' })
      .set(myManager.auth)
      .expect(200);
    expect(waiting.body.items.find((a: { id: string }) => a.id === proposal.body.id)).toMatchObject({
      waitingOnMe: true,
    });
    await t.http
      .post(`/api/v1/agreements/${proposal.body.id}/accept`)
      .set(myOfficer.auth)
      .send({})
      .expect(403);

    await t.http
      .post(`/api/v1/agreements/${proposal.body.id}/accept`)
      .set(myManager.auth)
      .send({})
      .expect(200);
    const now = (await t.http.get(`/api/v1/action-items/${item.id}`).set(bbOfficer.auth).expect(200)).body;
    expect(now.dueAt).toBe(day(200));
    const audit = await t.ds.query(
      `SELECT action, jurisdiction, changes FROM audit_entries WHERE entity = 'action_item' AND entity_id = $1 AND action = 'update'`,
      [item.id],
    );
    expect(audit.find((a: { changes: Record<string, unknown> }) => 'dueAt' in a.changes)).toMatchObject({
      jurisdiction: 'mianyang',
    });

    // A proposal that changes nothing is refused, naming the field.
    const same = await t.http
      .post(`/api/v1/action-items/${item.id}/change-proposals`)
      .set(myManager.auth)
      .send({ dueAt: day(200) })
      .expect(400);
    expect(same.body.message).toContain('dueAt');
  });

  it('holds a meeting, turns a decision into an item, and downloads the pack as JSON, Word and Excel', async () => {
    // What the period saw: a promotion event, a signed shared lead of beibei raised at it, a
    // private lead of mianyang.
    const eventTitle = `北碚新能源汽车产业链推介会${uniq()}`;
    const event = await t.http
      .post('/api/v1/events')
      .set(bbOfficer.auth)
      .send({
        title: eventTitle,
        kind: 'promotion',
        startsAt: new Date(Date.now() - DAY).toISOString(),
        endsAt: new Date(Date.now() - DAY + 3_600_000).toISOString(),
        venue: '北碚区会展中心',
        city: '重庆',
        focusSegments: ['nev.battery-pack'],
      })
      .expect(201);
    const signedTitle = `北碚签约项目${uniq()}`;
    await t.http
      .post('/api/v1/leads')
      .set(bbOfficer.auth)
      .send({
        title: signedTitle,
        investor: { name: `重庆${uniq()}新能源有限公司` },
        segments: ['nev.battery-pack'],
        stage: 'signed',
        signedAt: day(-1),
        contractAmountWan: 987654.5,
        sharing: 'shared',
        source: 'event',
        eventId: event.body.id,
      })
      .expect(201);
    const privateTitle = `绵阳保密项目${uniq()}`;
    await t.http
      .post('/api/v1/leads')
      .set(myOfficer.auth)
      .send({
        title: privateTitle,
        investor: { name: `绵阳${uniq()}电子有限公司` },
        segments: ['nev.battery-pack'],
        stage: 'signed',
        signedAt: day(-1),
        contractAmountWan: 999999.9,
      })
      .expect(201);

    // The previous leading-group meeting, and its decision that became an item.
    const previous = await t.http
      .post('/api/v1/meetings')
      .set(myManager.auth)
      .send({
        kind: 'leading_group',
        title: '第一次联席会议',
        heldAt: new Date(Date.now() - 2 * DAY).toISOString(),
        place: '绵阳市科技城',
        host: '绵阳市人民政府',
        attendees: ['绵阳市副市长', '北碚区副区长'],
        agenda: ['通报合作进展', '审议年度重点工作'],
        decisions: ['共同举办成渝地区双城经济圈产业链对接会', '研究设立联合招商基金'],
      })
      .expect(201);
    const decisionItem = await t.http
      .post(`/api/v1/meetings/${previous.body.id}/decisions/0/action-item`)
      .set(bbManager.auth)
      .send({ planId, code: '7.1', field: 'promotion', units: BOTH, dueAt: day(45) })
      .expect(201);
    expect(decisionItem.body).toMatchObject({
      title: '共同举办成渝地区双城经济圈产业链对接会',
      meetingId: previous.body.id,
      field: 'promotion',
    });
    const again = await t.http
      .post(`/api/v1/meetings/${previous.body.id}/decisions/0/action-item`)
      .set(bbManager.auth)
      .send({ planId, code: '7.2', field: 'promotion', units: BOTH, dueAt: day(45) })
      .expect(409);
    expect(again.body.code).toBe('DECISION_HAS_ACTION_ITEM');
    await t.http
      .post(`/api/v1/meetings/${previous.body.id}/decisions/9/action-item`)
      .set(bbManager.auth)
      .send({ planId, code: '7.3', field: 'promotion', units: BOTH, dueAt: day(45) })
      .expect(404);
    const meetingNow = (
      await t.http.get(`/api/v1/meetings/${previous.body.id}`).set(bbOfficer.auth).expect(200)
    ).body;
    expect(meetingNow.decisions[0].actionItemId).toBe(decisionItem.body.id);

    // The next meeting: its pack covers the time since the previous one.
    const next = await t.http
      .post('/api/v1/meetings')
      .set(bbManager.auth)
      .send({
        kind: 'leading_group',
        title: '第二次联席会议',
        heldAt: new Date(Date.now() + DAY).toISOString(),
        place: '北碚区政府',
        host: '北碚区人民政府',
      })
      .expect(201);
    const pack = (await t.http.get(`/api/v1/meetings/${next.body.id}/pack`).set(bbManager.auth).expect(200))
      .body;
    expect(pack.previousMeeting.id).toBe(previous.body.id);
    expect(pack.kindName).toBe('产业协同招商领导小组联席会议');
    expect(pack.topSigned.map((s: { title: string }) => s.title)).toContain(signedTitle);
    // The partner's private lead counts in the totals, never by name.
    expect(JSON.stringify(pack)).not.toContain(privateTitle);
    expect(pack.totals.signed.mianyang).toBeGreaterThanOrEqual(1);
    expect(pack.totals.contractAmountWan.mianyang).toBeGreaterThanOrEqual(999999.9);
    expect(pack.previousDecisions[0]).toMatchObject({
      text: '共同举办成渝地区双城经济圈产业链对接会',
      item: { code: '7.1' },
    });
    expect(pack.previousDecisions[1].item).toBeNull();
    expect(pack.actionItems.overdue.length).toBeGreaterThanOrEqual(1);
    expect(pack.events.held).toContainEqual({
      id: event.body.id,
      title: eventTitle,
      hosts: ['beibei'],
      day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      leads: 1,
      signed: 1,
      contractAmountWan: 987654.5,
    });

    // Word: unzip and read the document's XML.
    const docx = await t.http
      .get(`/api/v1/meetings/${next.body.id}/pack`)
      .query({ format: 'docx' })
      .set(bbManager.auth)
      .buffer(true)
      .parse(binary as never)
      .expect(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    const wordZip = await JSZip.loadAsync(docx.body as Buffer);
    const documentXml = await wordZip.file('word/document.xml')!.async('string');
    for (const heading of [
      '第二次联席会议会议材料',
      '一、总体情况',
      '四、重大签约项目',
      '九、逾期的行动事项',
      '十一、上次会议议定事项落实情况',
    ])
      expect(documentXml).toContain(heading);
    expect(documentXml).toContain(signedTitle);
    expect(documentXml).toContain(eventTitle);
    expect(documentXml).toContain('987,654.5');
    expect(documentXml).toContain('共同举办成渝地区双城经济圈产业链对接会');
    expect(documentXml).not.toContain(privateTitle);
    const images = Object.keys(wordZip.files).filter(
      (f) => f.startsWith('word/media/') && f.endsWith('.png'),
    );
    expect(images).toHaveLength(2);
    const png = await wordZip.file(images[0])!.async('nodebuffer');
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    // Excel, made for mianyang: one sheet per section; the texts are in the shared strings.
    const xlsx = await t.http
      .get(`/api/v1/meetings/${next.body.id}/pack`)
      .query({ format: 'xlsx' })
      .set(myManager.auth)
      .buffer(true)
      .parse(binary as never)
      .expect(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const excelZip = await JSZip.loadAsync(xlsx.body as Buffer);
    const workbook = await excelZip.file('xl/workbook.xml')!.async('string');
    for (const sheet of ['概况', '图表', '总体情况', '重大签约项目', '上次会议议定事项落实情况'])
      expect(workbook).toContain(`name="${sheet}"`);
    const strings = await excelZip.file('xl/sharedStrings.xml')!.async('string');
    expect(strings).toContain('十、临期（30天内到期）的行动事项');
    expect(strings).toContain(signedTitle);
    expect(strings).toContain('987,654.5');
    // Made for mianyang: its own private lead is there by name.
    expect(strings).toContain(privateTitle);
    expect(
      Object.keys(excelZip.files).filter((f) => f.startsWith('xl/media/') && f.endsWith('.png')),
    ).toHaveLength(2);

    // Meetings reach partner systems in the feed.
    const feed = await t.http
      .get('/api/v1/sync/changes')
      .query({ entities: 'meeting', limit: 1000 })
      .set(feedKey.auth)
      .expect(200);
    expect(
      feed.body.changes.some(
        (c: { id: string; entity: string }) => c.id === next.body.id && c.entity === 'meeting',
      ),
    ).toBe(true);

    // A bad format names the field.
    const bad = await t.http
      .get(`/api/v1/meetings/${next.body.id}/pack`)
      .query({ format: 'pdf' })
      .set(bbManager.auth)
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('format');
  });
});
