import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq } from './support/factories';
import { RunningWorker, ownQueuePrefix, scratchDatabase, startWorker } from './support/matching-worker';
import { waitFor } from './support/wait';
import { USCC_CHARSET, withUsccCheck } from '../libs/uscc/uscc';

/**
 * Spreadsheets in and out (DESIGN §17), end to end with the worker reading and writing the
 * imports, on a database of the suite's own (its outbox relay must not take other suites' jobs).
 */
function randomUscc(prefix = '9150010'): string {
  let body = prefix;
  while (body.length < 17) body += USCC_CHARSET[Math.floor(Math.random() * USCC_CHARSET.length)];
  return withUsccCheck(body);
}

const binary = (res: any, cb: (e: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

async function sheetRows(buf: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  const ws = wb.worksheets[0];
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => out.push((row.values as unknown[]).slice(1)));
  return out;
}

async function workbook(headers: string[], rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('线索');
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('spreadsheets in and out (DESIGN §17)', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let t: TestApp;
  let worker: RunningWorker;
  let bbManager: TestUser;
  let myManager: TestUser;
  let myOfficer: TestUser;
  const prefix = ownQueuePrefix();
  const run = uniq('x');

  beforeAll(async () => {
    db = await scratchDatabase('sheets');
    t = await startApp({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    worker = await startWorker(db.url, { QUEUE_PREFIX: prefix });
    bbManager = await makeUser(t.ds, t.http, 'beibei', 'manager');
    myManager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    myOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await db?.drop();
  });

  const upload = (user: TestUser, entity: string, file: Buffer, name: string) =>
    t.http.post(`/api/v1/imports?entity=${entity}`).set(user.auth).attach('file', file, name);

  async function settled(user: TestUser, id: string, until: string[]): Promise<any> {
    let body: any;
    await waitFor(
      `import ${id} ${until.join('|')}`,
      async () => {
        const res = await t.http.get(`/api/v1/imports/${id}`).set(user.auth).expect(200);
        body = res.body;
        return until.includes(body.status);
      },
      180_000,
    );
    return body;
  }

  const download = (user: TestUser, url: string) =>
    t.http.get(url).set(user.auth).buffer(true).parse(binary).expect(200);

  it('gives a template with Chinese headers, notes, drop-downs and an example row', async () => {
    const res = await download(bbManager, '/api/v1/imports/template?entity=lead');
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(
      expect.arrayContaining([
        '项目名称',
        '投资方名称',
        '统一社会信用代码',
        '产业环节',
        '计划投资（万元）',
        '阶段',
        '来源',
      ]),
    );
    expect(ws.getRow(1).getCell(2).note).toBeTruthy();
    const stageCol = headers.indexOf('阶段') + 1;
    const dv = ws.getCell(3, stageCol).dataValidation;
    expect(dv?.type).toBe('list');
    expect(ws.getRow(2).getCell(headers.indexOf('项目名称') + 1).value).toBeTruthy();
    const lists = wb.getWorksheet('下拉选项')!;
    const values = lists.getColumn(2).values.filter(Boolean);
    expect(values).toEqual(expect.arrayContaining(['线索', '洽谈', '签约']));
    for (const entity of ['enterprise', 'park'])
      await download(bbManager, `/api/v1/imports/template?entity=${entity}`);
    await t.http.get('/api/v1/imports/template?entity=nope').set(bbManager.auth).expect(400);
  });

  describe('a 1,000-row workbook of leads with errors of every kind', () => {
    const collidingName = `绵阳撞单${run}科技有限公司`;
    const collidingUscc = randomUscc();
    let importId: string;
    const expectedErrors: { row: number; column: string; message: RegExp }[] = [];
    let creates = 0;
    const headers = [
      '外部编号',
      '项目名称',
      '公司名称',
      '统一社会信用代码',
      '产业环节',
      '计划投资（亿元）',
      '阶段',
      '来源',
      '是否共享',
      '是否保密',
      '代号',
      '联系人',
      '联系邮箱',
      '下次跟进日期',
      '签约日期',
      '签约额（万元）',
      '备注列',
    ];
    const rows: unknown[][] = [];
    const ref = (i: number) => `${run}-${i}`;
    const row = (i: number, over: Record<string, unknown> = {}) => {
      const base: Record<string, unknown> = {
        外部编号: ref(i),
        项目名称: `导入项目${i}`,
        公司名称: `北碚导入${run}第${i}号有限公司`,
        产业环节: i % 2 ? '动力电池电芯' : 'nev.battery-cell、电池包与BMS',
        '计划投资（亿元）': 1.5,
        阶段: '洽谈',
        来源: '推荐',
        下次跟进日期: i % 3 ? new Date(Date.UTC(2026, 2, 5)) : '2026/3/5',
        ...over,
      };
      return headers.map((h) => base[h] ?? null);
    };

    beforeAll(async () => {
      // A lead of the partner city that an imported row collides with (撞单, DESIGN §7).
      await t.http
        .post('/api/v1/leads')
        .set(myManager.auth)
        .send({
          title: '绵阳在谈',
          investor: { name: collidingName, uscc: collidingUscc },
          segments: ['nev.battery-cell'],
          plannedInvestmentWan: 100,
        })
        .expect(201);
      // Leads already pushed with the refs an import gives: five stay the same, five change.
      const items = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => ({
        externalRef: { system: 'spreadsheet', id: ref(i) },
        title: i <= 5 ? `导入项目${i}` : `旧标题${i}`,
        investor: { name: `北碚导入${run}第${i}号有限公司` },
        segments: i % 2 ? ['nev.battery-cell'] : ['nev.battery-cell', 'nev.battery-pack'],
        plannedInvestmentWan: 15000,
        stage: 'negotiating',
        source: 'referral',
        nextActionAt: '2026-03-04T16:00:00.000Z',
      }));
      const pushed = await t.http.put('/api/v1/sync/leads').set(bbManager.auth).send({ items }).expect(200);
      expect(pushed.body.results.map((r: any) => r.status)).toEqual(Array(10).fill('created'));

      const errorRows: [Record<string, unknown>, string, RegExp][] = [
        [{ 项目名称: null }, '项目名称', /required/],
        [{ 公司名称: null }, '公司名称', /required/],
        [{ 统一社会信用代码: '91500000ABCDEFGHIJ' }, '统一社会信用代码', /USCC/],
        [{ 产业环节: '不存在的环节' }, '产业环节', /unknown segment/],
        [{ '计划投资（亿元）': '很多' }, '计划投资（亿元）', /number/],
        [{ 阶段: '谈恋爱' }, '阶段', /stage/],
        [{ 来源: '路边' }, '来源', /must be one of/],
        [{ 是否保密: '是' }, '代号', /codeName|required/],
        [{ 联系人: '李四', 联系邮箱: 'not-an-email' }, '联系邮箱', /email/],
        [{ 阶段: '签约', 签约日期: '2026-13-45', '签约额（万元）': 500 }, '签约日期', /day|date/i],
        [{ 阶段: '签约' }, '签约日期', /signedAt|required/],
      ];
      for (let i = 1; i <= 1000; i++) {
        if (i === 20) {
          rows.push(row(i, { 公司名称: collidingName, 统一社会信用代码: collidingUscc }));
          creates++;
        } else if (i === 21) {
          rows.push(row(i, { 外部编号: ref(22) })); // the same record as row 23 (file row of i = 22)
          creates++;
        } else if (i === 22) {
          rows.push(row(i));
          expectedErrors.push({ row: i + 1, column: '外部编号', message: /duplicate of row 22/ });
        } else if (i === 30) {
          rows.push(
            row(i, {
              项目名称: '=HYPERLINK("http://evil")',
              是否共享: '共享',
              是否保密: '是',
              代号: `代号${run}`,
              联系人: '王五',
            }),
          );
          creates++;
        } else if (i >= 100 && i < 100 + errorRows.length) {
          const [over, column, message] = errorRows[i - 100];
          rows.push(row(i, over));
          expectedErrors.push({ row: i + 1, column, message });
        } else {
          rows.push(row(i, { 备注列: '不导入' }));
          if (i > 10) creates++;
        }
      }
      // Rows 6–10 differ from what was pushed (the title): updates.
    });

    it('previews exactly, writing nothing', async () => {
      const leadsBefore = Number((await t.ds.query(`SELECT count(*) AS n FROM leads`))[0].n);
      const collisionsBefore = Number((await t.ds.query(`SELECT count(*) AS n FROM collisions`))[0].n);
      const file = await workbook(headers, rows);
      const res = await upload(bbManager, 'lead', file, '线索.xlsx').expect(201);
      importId = res.body.id;
      expect(res.body.status).toMatch(/queued|reading|ready/);
      const view = await settled(bbManager, importId, ['ready', 'failed']);
      expect(view.failure).toBeNull();
      expect(view.ignoredColumns).toEqual(['备注列']);
      expect(view.counts).toEqual({ create: creates, update: 5, unchanged: 5, error: expectedErrors.length });
      expect(view.progress).toMatchObject({ rows: 1000, total: 1000 });
      // Every error by row and column, and nothing else.
      const rowsInError = [...new Set(view.errors.map((e: any) => e.row))].sort((a: any, b: any) => a - b);
      expect(rowsInError).toEqual(expectedErrors.map((e) => e.row).sort((a, b) => a - b));
      for (const e of expectedErrors) {
        const found = view.errors.filter((x: any) => x.row === e.row);
        expect(found).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ column: e.column, message: expect.stringMatching(e.message) }),
          ]),
        );
      }
      // The collision with the partner city's lead is found in the preview.
      expect(view.collisions).toEqual([
        expect.objectContaining({ row: 21, otherJurisdiction: 'mianyang', firstReportedBy: 'mianyang' }),
      ]);
      expect(view.preview).toHaveLength(200);
      // Nothing written: no lead, no collision.
      expect(Number((await t.ds.query(`SELECT count(*) AS n FROM leads`))[0].n)).toBe(leadsBefore);
      expect(Number((await t.ds.query(`SELECT count(*) AS n FROM collisions`))[0].n)).toBe(collisionsBefore);
      // Another city's manager does not see the import.
      await t.http.get(`/api/v1/imports/${importId}`).set(myManager.auth).expect(404);
      await t.http.post(`/api/v1/imports/${importId}/commit`).set(myManager.auth).expect(404);
      // Officers import parks only: a lead import is not theirs to see, nor to commit.
      await t.http.post(`/api/v1/imports/${importId}/commit`).set(myOfficer.auth).expect(404);
    }, 240_000);

    it('commits exactly the valid rows, with the collision, and reports every row in the result workbook', async () => {
      await t.http.post(`/api/v1/imports/${importId}/commit`).set(bbManager.auth).expect(202);
      await t.http.post(`/api/v1/imports/${importId}/commit`).set(bbManager.auth).expect(409);
      const view = await settled(bbManager, importId, ['committed']);
      expect(view.commitCounts).toEqual({
        created: creates,
        updated: 5,
        unchanged: 5,
        error: 0,
        failedBatches: 0,
      });
      const [{ n }] = await t.ds.query(
        `SELECT count(*) AS n FROM leads WHERE jurisdiction = 'beibei' AND external_refs @> $1::jsonb`,
        [JSON.stringify([{ system: 'spreadsheet' }])],
      );
      expect(Number(n)).toBe(creates + 10);
      const [lead] = await t.ds.query(
        `SELECT title, planned_investment_wan, segments, next_action_at, stage, source FROM leads WHERE external_refs @> $1::jsonb`,
        [JSON.stringify([{ system: 'spreadsheet', id: ref(40) }])],
      );
      expect(lead).toMatchObject({
        title: '导入项目40',
        stage: 'negotiating',
        source: 'referral',
        segments: ['nev.battery-cell', 'nev.battery-pack'],
      });
      expect(Number(lead.planned_investment_wan)).toBe(15000);
      expect(new Date(lead.next_action_at).toISOString()).toBe('2026-03-04T16:00:00.000Z');
      const [updated] = await t.ds.query(
        `SELECT title, version FROM leads WHERE external_refs @> $1::jsonb`,
        [JSON.stringify([{ system: 'spreadsheet', id: ref(7) }])],
      );
      expect(updated).toEqual({ title: '导入项目7', version: 2 });
      const collisions = await t.ds.query(
        `SELECT c.basis FROM collisions c JOIN leads l ON l.id = ANY(c.lead_ids) WHERE l.investor_name = $1 AND l.jurisdiction = 'beibei'`,
        [collidingName],
      );
      expect(collisions).toHaveLength(1);

      const result = await download(bbManager, `/api/v1/imports/${importId}/result`);
      const sheet = await sheetRows(result.body);
      expect(sheet[0].slice(-2)).toEqual(['结果', '错误']);
      expect(sheet).toHaveLength(1001);
      const rowOf = (fileRow: number) => sheet[fileRow - 1];
      const errCol = headers.length + 1;
      expect(rowOf(101)[errCol]).toMatch(/^项目名称: /);
      expect(rowOf(101)[errCol - 1]).toBe('有错误');
      expect(rowOf(2)[errCol - 1]).toBe('无变化');
      expect(rowOf(50)[errCol - 1]).toBe('已新建');
      // The formula-like title comes back escaped.
      expect(rowOf(31)[1]).toBe(`'=HYPERLINK("http://evil")`);
    }, 240_000);

    it('exports the leads with the list filters, and the partner city sees code names and no contacts', async () => {
      for (const format of ['xlsx', 'csv'] as const) {
        const q = `q=${encodeURIComponent(`北碚导入${run}`)}&stage=negotiating`;
        const list: any[] = [];
        let cursor: string | null = null;
        do {
          const page: any = await t.http
            .get(`/api/v1/leads?${q}&limit=200${cursor ? `&cursor=${cursor}` : ''}`)
            .set(bbManager.auth)
            .expect(200);
          list.push(...page.body.items);
          cursor = page.body.nextCursor;
        } while (cursor);
        const res = await download(bbManager, `/api/v1/leads/export?format=${format}&${q}`);
        const table = format === 'xlsx' ? await sheetRows(res.body) : csvRows(res.body);
        const head = table[0] as string[];
        const ids = table.slice(1).map((r) => r[head.indexOf('ID')]);
        expect(ids).toEqual(list.map((l) => l.id));
        const byId = new Map(table.slice(1).map((r) => [r[head.indexOf('ID')], r]));
        const l = list.find((x) => x.externalRefs[0]?.id === ref(40));
        const r = byId.get(l.id)!;
        expect(r[head.indexOf('项目名称')]).toBe('导入项目40');
        expect(String(r[head.indexOf('计划投资（万元）')])).toBe('15000');
        expect(r[head.indexOf('产业环节')]).toMatch(/、/);
        expect(r[head.indexOf('阶段')]).toBe('洽谈');
        if (format === 'csv') expect(res.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      }
      // From the partner city: the confidential shared lead shows its code name, no contacts,
      // and its formula-like title never reaches a cell unescaped.
      for (const format of ['xlsx', 'csv'] as const) {
        const res = await download(myOfficer, `/api/v1/leads/export?format=${format}&jurisdiction=beibei`);
        const table = format === 'xlsx' ? await sheetRows(res.body) : csvRows(res.body);
        const head = table[0] as string[];
        const body = table.slice(1);
        expect(body).toHaveLength(1);
        const r = body[0];
        expect(r[head.indexOf('项目名称')]).toBe(`代号${run}`);
        expect(r[head.indexOf('投资方名称')]).toBe(`代号${run}`);
        expect(r[head.indexOf('联系人')] ?? '').toBe('');
        expect(JSON.stringify(table)).not.toContain(`北碚导入${run}第30号`);
        expect(JSON.stringify(table)).not.toContain('王五');
      }
      await t.http.get('/api/v1/leads/export?format=pdf').set(bbManager.auth).expect(400);
      await t.http.get('/api/v1/leads/export?format=csv&segment=nope').set(bbManager.auth).expect(400);
    }, 120_000);
  });

  it('imports a GB18030 CSV of enterprises, with 亿元 converted and an error reported', async () => {
    const good = randomUscc('9151070');
    const csv =
      '公司名称,统一社会信用代码,产业环节,营业收入（亿元）,是否链主\r\n' +
      `绵阳导入${run}电子有限公司,${good},动力电池电芯,2.5,是\r\n` +
      `绵阳导入${run}材料有限公司,,动力电池电芯,1,否\r\n` +
      `绵阳导入${run}坏码有限公司,123,动力电池电芯,1,否\r\n`;
    const file = iconv.encode(csv, 'gb18030');
    expect(file.toString('utf8')).not.toContain('公司名称'); // really not UTF-8
    const res = await upload(myManager, 'enterprise', file, '企业.csv').expect(201);
    const view = await settled(myManager, res.body.id, ['ready', 'failed']);
    expect(view.counts).toEqual({ create: 1, update: 0, unchanged: 0, error: 2 });
    expect(view.errors).toEqual([
      expect.objectContaining({ row: 3, column: '外部编号' }), // neither 外部编号 nor USCC to key it by
      expect.objectContaining({ row: 4, column: '统一社会信用代码' }),
    ]);
    await t.http.post(`/api/v1/imports/${res.body.id}/commit`).set(myManager.auth).expect(202);
    const done = await settled(myManager, res.body.id, ['committed']);
    expect(done.commitCounts).toMatchObject({ created: 1, error: 0 });
    const [e] = await t.ds.query(
      `SELECT name, revenue_wan, chain_leader, jurisdiction FROM enterprises WHERE uscc = $1`,
      [good],
    );
    expect(e).toMatchObject({
      name: `绵阳导入${run}电子有限公司`,
      chain_leader: true,
      jurisdiction: 'mianyang',
    });
    expect(Number(e.revenue_wan)).toBe(25000);
  }, 240_000);

  it('refuses what is not a spreadsheet, and an unknown entity', async () => {
    await upload(bbManager, 'lead', Buffer.from('%PDF-1.4'), 'x.pdf').expect(415);
    await upload(bbManager, 'building', Buffer.from('a,b\r\n'), 'x.csv').expect(400);
    await t.http.post('/api/v1/imports?entity=lead').set(bbManager.auth).send({}).expect(400);
  });

  it('exports enterprises, parks and matches as the lists show them, in both formats', async () => {
    const lists: [string, string][] = [
      ['enterprises', 'jurisdiction=mianyang'],
      ['parks', ''],
      ['matches', ''],
    ];
    for (const [entity, q] of lists) {
      const all = async () => {
        const items: any[] = [];
        let cursor: string | null = null;
        do {
          const page: any = await t.http
            .get(`/api/v1/${entity}?${q}&limit=200${cursor ? `&cursor=${cursor}` : ''}`)
            .set(myManager.auth)
            .expect(200);
          items.push(...page.body.items);
          cursor = page.body.nextCursor;
        } while (cursor);
        return items.map((i) => i.id);
      };
      for (const format of ['xlsx', 'csv']) {
        // Matching runs in the worker meanwhile: compare once the list holds still.
        let before: string[] = [];
        let ids: unknown[] = [];
        await waitFor(
          `${entity} export equal to the list`,
          async () => {
            before = await all();
            const res = await download(myManager, `/api/v1/${entity}/export?format=${format}&${q}`);
            const table = format === 'xlsx' ? await sheetRows(res.body) : csvRows(res.body);
            ids = table.slice(1).map((r) => r[0]);
            return JSON.stringify(ids) === JSON.stringify(before);
          },
          120_000,
        );
        expect(ids).toEqual(before);
      }
    }
  }, 300_000);
});

function csvRows(buf: Buffer): unknown[][] {
  return parseCsv(buf.toString('utf8'), { bom: true, relax_column_count: true }) as unknown[][];
}
