import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { cityDay } from '../libs/common/city-time';
import { TestApp, startApp } from './support/app';
import { TestUser, makeApiKey, makeUser, uniq } from './support/factories';

const DAY = 86_400_000;
/** A calendar day in the cities (deadlines are counted in UTC+8). */
const day = (offsetDays: number) => cityDay(Date.now() + offsetDays * DAY);

const binary = (res: any, cb: (e: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function xlsxRows(buf: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  const out: unknown[][] = [];
  wb.worksheets[0].eachRow({ includeEmpty: false }, (row) => out.push((row.values as unknown[]).slice(1)));
  return out;
}
const csvRows = (buf: Buffer) =>
  parseCsv(buf.toString('utf8'), { bom: true, relax_column_count: true }) as unknown[][];

/**
 * GET /action-items/export (DESIGN §17 with §15): the action items as GET /action-items lists
 * them for the caller, with the same filters, as a workbook or CSV that parses back; cells that
 * would run as formulas are escaped.
 */
describe('action items export (DESIGN §17)', () => {
  let t: TestApp;
  let bbManager: TestUser;
  let myOfficer: TestUser;
  let planId: string;
  const run = uniq('ai');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startApp();
    [bbManager, myOfficer] = await Promise.all([
      makeUser(t.ds, t.http, 'beibei', 'manager'),
      makeUser(t.ds, t.http, 'mianyang', 'officer'),
    ]);
    planId = (
      await t.http
        .post('/api/v1/action-plans')
        .set(bbManager.auth)
        .send({ title: `导出计划${run}`, periodFrom: day(-400), periodTo: day(700) })
        .expect(201)
    ).body.id;
    const item = async (key: string, over: Record<string, unknown>) =>
      (ids[key] = (
        await t.http
          .post('/api/v1/action-items')
          .set(bbManager.auth)
          .send({
            planId,
            code: over.code,
            title: `${key}${run}`,
            field: 'industry_investment',
            units: [{ jurisdiction: 'beibei', unit: '北碚区招商投资促进局' }],
            dueAt: day(120),
            ...over,
          })
          .expect(201)
      ).body.id);
    await item('联合招商', {
      code: '1.1',
      units: [
        { jurisdiction: 'beibei', unit: '北碚区招商投资促进局' },
        { jurisdiction: 'mianyang', unit: '绵阳市投资促进局' },
      ],
      keyTaskYear: 2026,
    });
    await item('园区共建', { code: '1.2', field: 'park_building', scope: '=HYPERLINK("http://x")' });
    await item('逾期事项', { code: '1.3', dueAt: day(-3), title: `@逾期${run}` });
  });
  afterAll(() => t.close());

  const list = async (user: TestUser, q: string) =>
    (await t.http.get(`/api/v1/action-items?${q}`).set(user.auth).expect(200)).body.items as any[];
  const exported = async (user: TestUser, format: 'xlsx' | 'csv', q: string) => {
    const res = await t.http
      .get(`/api/v1/action-items/export?format=${format}&${q}`)
      .set(user.auth)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(res.headers['content-disposition']).toContain(`.${format}`);
    return format === 'xlsx' ? xlsxRows(res.body) : csvRows(res.body);
  };

  it('exports exactly what the list shows the caller, with its filters, in both formats', async () => {
    for (const [user, q] of [
      [bbManager, `planId=${planId}`],
      [myOfficer, `planId=${planId}`],
      [myOfficer, `planId=${planId}&jurisdiction=mianyang`],
      [bbManager, `planId=${planId}&field=park_building`],
      [bbManager, `planId=${planId}&overdue=true`],
    ] as [TestUser, string][]) {
      const items = await list(user, q);
      expect(items.length).toBeGreaterThan(0);
      for (const format of ['xlsx', 'csv'] as const) {
        const rows = await exported(user, format, q);
        expect(rows[0]).toEqual(
          expect.arrayContaining(['ID', '编号', '事项', '责任单位', '完成时限', '状态']),
        );
        expect(rows.slice(1).map((r) => r[0])).toEqual(items.map((i) => i.id));
      }
    }
    expect((await list(bbManager, `planId=${planId}&jurisdiction=mianyang`)).map((i) => i.id)).toEqual([
      ids['联合招商'],
    ]);
  });

  it('renders the item as the offices read it, escaping formulas', async () => {
    for (const format of ['xlsx', 'csv'] as const) {
      const rows = await exported(myOfficer, format, `planId=${planId}`);
      const head = rows[0] as string[];
      const byId = new Map(rows.slice(1).map((r) => [r[0], r]));
      const cell = (key: string, column: string) => byId.get(ids[key])![head.indexOf(column)];
      expect(cell('联合招商', '编号')).toBe('1.1');
      expect(cell('联合招商', '合作领域')).toBe('产业协同招商');
      expect(cell('联合招商', '责任单位')).toBe('北碚区：北碚区招商投资促进局；绵阳市：绵阳市投资促进局');
      expect(cell('联合招商', '状态')).toBe('未启动');
      expect(String(cell('联合招商', '年度重点任务'))).toBe('2026');
      expect(cell('联合招商', '完成时限')).toBe(day(120));
      expect(cell('园区共建', '合作领域')).toBe('园区共建');
      expect(cell('园区共建', '工作内容')).toBe(`'=HYPERLINK("http://x")`);
      expect(cell('逾期事项', '事项')).toBe(`'@逾期${run}`);
      expect(cell('逾期事项', '时限状态')).toBe('已逾期');
    }
  });

  it('refuses a bad filter or format before sending anything, and API keys as the list does', async () => {
    await t.http.get('/api/v1/action-items/export?format=pdf').set(bbManager.auth).expect(400);
    await t.http.get('/api/v1/action-items/export?format=csv&field=nope').set(bbManager.auth).expect(400);
    await t.http.get('/api/v1/action-items/export?format=csv&planId=x').set(bbManager.auth).expect(400);
    const key = await makeApiKey(t.ds, 'beibei', ['leads:read', 'base:read']);
    await t.http.get('/api/v1/action-items').set(key.auth).expect(403);
    await t.http.get('/api/v1/action-items/export?format=csv').set(key.auth).expect(403);
  });
});
