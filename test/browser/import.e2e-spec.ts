/**
 * The 导入 wizard and the 导出 buttons in a real browser (DESIGN §17): upload a workbook, watch it
 * being checked, read the preview with its errors, commit, download the result; export a list.
 * The worker (its own database and queue prefix) reads and writes the import.
 */
import ExcelJS from 'exceljs';
import { readFileSync } from 'fs';
import { scratchDatabase, ownQueuePrefix, startWorker, RunningWorker } from '../support/matching-worker';
import { TestUser, makeUser, uniq } from '../support/factories';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(300_000);

async function leadWorkbook(run: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('线索');
  ws.addRow([
    '外部编号',
    '项目名称',
    '企业名称',
    '统一社会信用代码',
    '产业环节',
    '计划投资（亿元）',
    '阶段',
    '来源',
    '下次跟进日期',
  ]);
  for (let i = 1; i <= 30; i++) {
    ws.addRow([
      `${run}-${i}`,
      i === 4 ? null : `浏览器导入项目${i}`,
      `北碚浏览器${run}第${i}号有限公司`,
      i === 7 ? '91500000ABCDEFGHIJ' : null,
      i === 9 ? '不存在的环节' : '动力电池电芯',
      2,
      i === 12 ? '签约' : '洽谈',
      '推荐',
      new Date(Date.UTC(2026, 5, 1)),
    ]);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('import wizard and export buttons (browser)', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let h: BrowserHarness;
  let worker: RunningWorker;
  let manager: TestUser;
  const prefix = ownQueuePrefix();
  const run = uniq('b');

  beforeAll(async () => {
    db = await scratchDatabase('importui');
    h = await startBrowserHarness({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    worker = await startWorker(db.url, { QUEUE_PREFIX: prefix });
    manager = await makeUser(h.t.ds, h.t.http, 'beibei', 'manager');
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
    await db?.drop();
  });

  it('walks the wizard: upload, check, preview with errors, commit, result; then exports the leads', async () => {
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, manager.username);
    await page.goto('/import');
    await page.getByText('下载导入模板').waitFor();
    await shot(page, 'import-1-upload');

    const tpl = page.waitForEvent('download');
    await page.getByText('下载导入模板').click();
    expect((await tpl).suggestedFilename()).toBe('招商线索导入模板.xlsx');

    await page.locator('input[type=file]').setInputFiles({
      name: '线索.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await leadWorkbook(run),
    });
    await page.getByRole('button', { name: '开始校验' }).click();
    const commit = page.getByTestId('import-commit');
    await commit.waitFor({ timeout: 120_000 });
    await page.locator('b', { hasText: '错误明细' }).waitFor();
    expect(await commit.innerText()).toContain('确认导入 26 行');
    const body = await page.locator('body').innerText();
    expect(body).toContain('项目名称: ');
    expect(body).toContain('统一社会信用代码: ');
    expect(body).toContain('产业环节: ');
    expect(body).toMatch(/13\s+签约日期\s+/); // the error table: row, column, problem
    await shot(page, 'import-2-preview');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'import-2-preview-mobile');
    await page.setViewportSize({ width: 1366, height: 768 });
    expect(Number((await h.t.ds.query(`SELECT count(*) AS n FROM leads`))[0].n)).toBe(0);

    await commit.click();
    await page.getByTestId('import-done').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-done').innerText()).toContain('新建 26');
    await shot(page, 'import-3-done');
    expect(Number((await h.t.ds.query(`SELECT count(*) AS n FROM leads`))[0].n)).toBe(26);

    const result = page.waitForEvent('download');
    await page.getByRole('button', { name: /下载结果/ }).click();
    const file = await result;
    expect(file.suggestedFilename()).toBe('导入结果-线索.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await file.path())!) as never);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).getCell(11).value).toBe('错误');
    expect(String(ws.getRow(5).getCell(11).value)).toMatch(/^项目名称: /);

    await page.goto(`/leads?q=${encodeURIComponent(`北碚浏览器${run}`)}`);
    await page.getByTestId('export-leads').hover();
    await page.getByText('导出 CSV').waitFor();
    await shot(page, 'import-4-leads-export');
    const csv = page.waitForEvent('download');
    await page.getByText('导出 CSV').click();
    const exported = readFileSync((await (await csv).path())!).toString('utf8');
    expect(exported.split('\r\n').filter(Boolean)).toHaveLength(27); // header + every filtered lead
    expect(exported.startsWith('\uFEFF')).toBe(true);

    // English.
    await page.evaluate("localStorage.setItem('lc.locale', 'en')");
    await page.goto('/import');
    await page.getByText('Download the template').waitFor();
    await shot(page, 'import-5-upload-en');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'import-5-upload-en-mobile');
    await ctx.close();
  });

  it('lets an officer import parks through the wizard, and exports the action plan with its filters', async () => {
    const officer = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('园区');
    ws.addRow(['园区名称', '所属区域', '可用土地（亩）']);
    ws.addRow([`浏览器园区${run}甲`, '北碚区', 100]);
    ws.addRow([`浏览器园区${run}乙`, '绵阳市', 100]);
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await login(page, officer.username);
    await page.goto('/import');
    await page.getByText('下载导入模板').waitFor();
    expect(await page.getByText('招商线索', { exact: true }).count()).toBe(0); // leads are for managers
    await page.locator('input[type=file]').setInputFiles({
      name: '园区.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await wb.xlsx.writeBuffer()),
    });
    await page.getByRole('button', { name: '开始校验' }).click();
    const commit = page.getByTestId('import-commit');
    await commit.waitFor({ timeout: 120_000 });
    expect(await commit.innerText()).toContain('确认导入 1 行');
    expect(await page.locator('body').innerText()).toContain('所属区域: ');
    await shot(page, 'import-6-parks-preview');
    await commit.click();
    await page.getByTestId('import-done').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('import-done').innerText()).toContain('新建 1');
    const parks = await h.t.ds.query(`SELECT name, jurisdictions FROM parks WHERE name LIKE $1`, [
      `浏览器园区${run}%`,
    ]);
    expect(parks).toEqual([{ name: `浏览器园区${run}甲`, jurisdictions: ['beibei'] }]);

    const manager2 = await makeUser(h.t.ds, h.t.http, 'beibei', 'manager');
    const plan = await h.t.http
      .post('/api/v1/action-plans')
      .set(manager2.auth)
      .send({ title: `浏览器计划${run}`, periodFrom: '2026-01-01', periodTo: '2028-12-31' })
      .expect(201);
    for (const [code, field] of [
      ['1.1', 'industry_investment'],
      ['1.2', 'park_building'],
    ])
      await h.t.http
        .post('/api/v1/action-items')
        .set(manager2.auth)
        .send({
          planId: plan.body.id,
          code,
          title: `浏览器事项${run}${code}`,
          field,
          units: [{ jurisdiction: 'beibei', unit: '北碚区招商投资促进局' }],
          dueAt: '2027-06-30',
        })
        .expect(201);
    await page.goto(`/action-plan?plan=${plan.body.id}&field=park_building`);
    await page.getByText(`浏览器事项${run}1.2`).waitFor();
    await page.getByTestId('export-action-items').hover();
    await page.getByText('导出 CSV').waitFor();
    await shot(page, 'import-7-action-plan-export');
    const csv = page.waitForEvent('download');
    await page.getByText('导出 CSV').click();
    const rows = readFileSync((await (await csv).path())!)
      .toString('utf8')
      .split('\r\n')
      .filter(Boolean);
    expect(rows).toHaveLength(2); // the header and the one item of the filtered field
    expect(rows[1]).toContain(`浏览器事项${run}1.2`);
    await ctx.close();
  });
});
