import ExcelJS from 'exceljs';
import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq } from './support/factories';
import { RunningWorker, ownQueuePrefix, scratchDatabase, startWorker } from './support/matching-worker';
import { waitFor } from './support/wait';

/**
 * Park imports (DESIGN §17 with the park rules of §5, §9): keyed by the park's name, checked and
 * written by the same path as POST and PATCH /parks, previewed without writing; and
 * Idempotency-Key on POST /imports. On a database of the suite's own, with its own worker.
 */
const binary = (res: any, cb: (e: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

const HEADERS = ['园区名称', '英文名称', '所属区域', '主导产业环节', '可用土地（亩）', '优惠政策'];

async function workbook(rows: unknown[][], headers = HEADERS): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('园区');
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function sheetRows(buf: Buffer): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  const out: unknown[][] = [];
  wb.worksheets[0].eachRow({ includeEmpty: false }, (row) => out.push((row.values as unknown[]).slice(1)));
  return out;
}

/** The cells in error, [row, column], each once (a cell may break several rules). */
const cellsInError = (view: any): [number, string][] => {
  const seen = new Set<string>();
  return view.errors
    .map((e: any) => [e.row, e.column] as [number, string])
    .filter(([r, c]: [number, string]) => !seen.has(`${r}|${c}`) && !!seen.add(`${r}|${c}`));
};

describe('park imports and Idempotency-Key on uploads (DESIGN §17)', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let t: TestApp;
  let worker: RunningWorker;
  let bbOfficer: TestUser;
  let bbManager: TestUser;
  let myOfficer: TestUser;
  let sensors: string;
  const prefix = ownQueuePrefix();
  const run = uniq('p');
  const name = (s: string) => `${s}${run}园`;

  beforeAll(async () => {
    db = await scratchDatabase('sheetparks');
    t = await startApp({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix });
    worker = await startWorker(db.url, { QUEUE_PREFIX: prefix });
    bbOfficer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    bbManager = await makeUser(t.ds, t.http, 'beibei', 'manager');
    myOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    [{ name: sensors }] = await t.ds.query(`SELECT name FROM segments WHERE code = 'ngit.sensors'`);
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await db?.drop();
  });

  const upload = (user: TestUser, entity: string, file: Buffer, fileName: string) =>
    t.http.post(`/api/v1/imports?entity=${entity}`).set(user.auth).attach('file', file, fileName);

  async function settled(user: TestUser, id: string, until: string[]): Promise<any> {
    let body: any;
    await waitFor(
      `import ${id} ${until.join('|')}`,
      async () => {
        body = (await t.http.get(`/api/v1/imports/${id}`).set(user.auth).expect(200)).body;
        return until.includes(body.status);
      },
      180_000,
    );
    return body;
  }

  const createPark = async (user: TestUser, body: Record<string, unknown>) =>
    (await t.http.post('/api/v1/parks').set(user.auth).send(body).expect(201)).body;
  const parkNamed = async (n: string) =>
    (await t.ds.query(`SELECT * FROM parks WHERE name = $1`, [n])) as Record<string, any>[];
  const auditsOf = async (ids: string[]) =>
    (await t.ds.query(
      `SELECT entity_id, action, actor_id, jurisdiction, changes FROM audit_entries
        WHERE entity = 'park' AND entity_id = ANY($1::uuid[]) ORDER BY id`,
      [ids],
    )) as Record<string, any>[];

  describe('a workbook of parks with an error of every kind', () => {
    let importId: string;
    let changed: any;
    let same: any;
    let theirs: any;

    beforeAll(async () => {
      changed = await createPark(bbOfficer, { name: name('北碚改'), availableLandMu: 100 });
      same = await createPark(bbOfficer, {
        name: name('北碚同'),
        availableLandMu: 50,
        targetSegments: ['ngit.sensors'],
      });
      theirs = await createPark(myOfficer, { name: name('绵阳的'), availableLandMu: 70 });
    });

    it('previews exactly, by row and column, writing nothing', async () => {
      const file = await workbook([
        [name('北碚新'), 'New Park', '北碚区', sensors, 120, '三年免租'], // 2 create
        [name('北碚改'), null, null, null, 500, null], // 3 update: land 100 → 500
        [name('北碚同'), null, '北碚', sensors, 50, null], // 4 unchanged
        [name('绵阳的'), null, null, null, 999, null], // 5 the partner city's park
        [name('给绵阳'), null, '绵阳市', null, null, null], // 6 not for the caller's city
        [name('共建'), null, '北碚区、绵阳市', null, null, null], // 7 co-built only by agreement
        [name('坏环节'), null, null, '没有这个环节', null, null], // 8 unknown segment
        [name('坏面积'), null, null, null, '很多', null], // 9 not a number
        [name('北碚新'), null, null, null, 1, null], // 10 same park as row 2
        [null, 'No Chinese name', null, null, 10, null], // 11 name missing
        [name('负面积'), null, null, null, -5, null], // 12 below the API's minimum
      ]);
      const res = await upload(bbOfficer, 'park', file, '园区.xlsx').expect(201);
      importId = res.body.id;
      expect(res.body.entity).toBe('park');
      const view = await settled(bbOfficer, importId, ['ready', 'failed']);
      expect(view.failure).toBeNull();
      expect(view.counts).toEqual({ create: 1, update: 1, unchanged: 1, error: 8 });
      expect(cellsInError(view)).toEqual([
        [5, '园区名称'],
        [6, '所属区域'],
        [7, '所属区域'],
        [8, '主导产业环节'],
        [9, '可用土地（亩）'],
        [10, '园区名称'],
        [11, '园区名称'],
        [12, '可用土地（亩）'],
      ]);
      const msg = (row: number) => view.errors.find((e: any) => e.row === row).message;
      expect(msg(5)).toContain('only its own jurisdiction');
      expect(msg(7)).toContain('agreement');
      expect(msg(10)).toContain('第 2 行');
      expect(view.preview.map((p: any) => p.outcome)).toEqual([
        'create',
        'update',
        'unchanged',
        ...Array(8).fill('error'),
      ]);

      // Nothing is written before the commit.
      expect(await parkNamed(name('北碚新'))).toEqual([]);
      const [c] = await parkNamed(name('北碚改'));
      expect([Number(c.available_land_mu), c.version]).toEqual([100, 1]);
      expect((await auditsOf([changed.id])).map((a) => a.action)).toEqual(['create']);
    }, 240_000);

    it('commits exactly the valid rows through the park write path, audited, and reports every row', async () => {
      await t.http.post(`/api/v1/imports/${importId}/commit`).set(bbOfficer.auth).expect(202);
      const done = await settled(bbOfficer, importId, ['committed']);
      expect(done.commitCounts).toEqual({ created: 1, updated: 1, unchanged: 1, error: 0, failedBatches: 0 });

      const [created] = await parkNamed(name('北碚新'));
      expect(created).toMatchObject({
        name_en: 'New Park',
        jurisdictions: ['beibei'],
        co_built: false,
        target_segments: ['ngit.sensors'],
        incentives: '三年免租',
        version: 1,
      });
      expect(Number(created.available_land_mu)).toBe(120);
      const [upd] = await parkNamed(name('北碚改'));
      expect([Number(upd.available_land_mu), upd.version, upd.jurisdictions]).toEqual([500, 2, ['beibei']]);
      const [unch] = await parkNamed(name('北碚同'));
      expect(unch.version).toBe(1);
      const [partner] = await parkNamed(name('绵阳的'));
      expect([Number(partner.available_land_mu), partner.version]).toEqual([70, 1]);
      for (const n of ['给绵阳', '共建', '坏环节', '坏面积', '负面积'])
        expect(await parkNamed(name(n))).toEqual([]);

      // Audited like the other park writes: by the importing officer, in their jurisdiction.
      const audits = await auditsOf([created.id, changed.id, same.id, theirs.id]);
      const of = (id: string) => audits.filter((a) => a.entity_id === id).map((a) => a.action);
      expect(of(created.id)).toEqual(['create']);
      expect(of(changed.id)).toEqual(['create', 'update']);
      expect(of(same.id)).toEqual(['create']);
      expect(of(theirs.id)).toEqual(['create']);
      const update = audits.find((a) => a.entity_id === changed.id && a.action === 'update')!;
      expect(update).toMatchObject({ actor_id: bbOfficer.id, jurisdiction: 'beibei' });
      expect(update.changes).toEqual({ availableLandMu: { before: 100, after: 500 } });
      // Base data changed: the leads it can affect are re-matched (as for PATCH /parks).
      const [{ n }] = await t.ds.query(
        `SELECT count(*)::int AS n FROM outbox WHERE kind = 'rematch-affected' AND payload->>'id' = ANY($1::text[])`,
        [[created.id, changed.id]],
      );
      expect(n).toBeGreaterThanOrEqual(2);

      // The API reads the imported park like any other.
      const api = await t.http.get(`/api/v1/parks/${created.id}`).set(myOfficer.auth).expect(200);
      expect(api.body).toMatchObject({ name: name('北碚新'), availableLandMu: 120 });

      const result = await t.http
        .get(`/api/v1/imports/${importId}/result`)
        .set(bbOfficer.auth)
        .buffer(true)
        .parse(binary)
        .expect(200);
      const rows = await sheetRows(result.body);
      expect(rows[0]).toEqual([...HEADERS, '结果', '错误']);
      expect(rows).toHaveLength(12);
      expect(rows[1][HEADERS.length]).toBe('已新建');
      expect(rows[2][HEADERS.length]).toBe('已更新');
      expect(rows[4][HEADERS.length]).toBe('有错误');
      expect(String(rows[4][HEADERS.length + 1])).toContain('园区名称');
    }, 240_000);
  });

  it('lets the partner city change none of our parks: not by import, not the co-built one’s ownership', async () => {
    const ours = await createPark(bbOfficer, { name: name('北碚独'), availableLandMu: 10 });
    const [coBuilt] = await t.ds.query(`SELECT id, name, version FROM parks WHERE co_built LIMIT 1`);
    const file = await workbook([
      [name('北碚独'), null, null, null, 999, null], // 2 Beibei's park: refused
      [name('北碚独'), null, null, null, 5, null], // 3 the same park again
      [coBuilt.name, null, '绵阳市', null, null, null], // 4 would drop Beibei from the co-built park
      [coBuilt.name, null, null, null, null, `共建${run}`], // 5 the same park again
    ]);
    const res = await upload(myOfficer, 'park', file, 'partner.xlsx').expect(201);
    const view = await settled(myOfficer, res.body.id, ['ready', 'failed']);
    expect(view.counts).toEqual({ create: 0, update: 0, unchanged: 0, error: 4 });
    expect(cellsInError(view)).toEqual([
      [2, '园区名称'],
      [3, '园区名称'],
      [4, '所属区域'],
      [5, '园区名称'],
    ]);
    await t.http.post(`/api/v1/imports/${res.body.id}/commit`).set(myOfficer.auth).expect(202);
    const done = await settled(myOfficer, res.body.id, ['committed']);
    expect(done.commitCounts).toMatchObject({ created: 0, updated: 0, unchanged: 0 });
    const [after] = await parkNamed(name('北碚独'));
    expect([Number(after.available_land_mu), after.version]).toEqual([10, ours.version]);
    const [co] = await t.ds.query(`SELECT jurisdictions, version FROM parks WHERE id = $1`, [coBuilt.id]);
    expect(co).toEqual({ jurisdictions: ['beibei', 'mianyang'], version: coBuilt.version });

    // The co-built park's ordinary fields are either city's to change, by import too.
    const file2 = await workbook([[coBuilt.name, null, null, null, null, `共建${run}`]]);
    const res2 = await upload(myOfficer, 'park', file2, 'co.xlsx').expect(201);
    expect((await settled(myOfficer, res2.body.id, ['ready'])).counts).toMatchObject({ update: 1, error: 0 });
    await t.http.post(`/api/v1/imports/${res2.body.id}/commit`).set(myOfficer.auth).expect(202);
    await settled(myOfficer, res2.body.id, ['committed']);
    const [co2] = await t.ds.query(`SELECT incentives, jurisdictions FROM parks WHERE id = $1`, [coBuilt.id]);
    expect(co2).toEqual({ incentives: `共建${run}`, jurisdictions: ['beibei', 'mianyang'] });

    // Another city's import is not there for it; officers import parks, not leads.
    await t.http.get(`/api/v1/imports/${res.body.id}`).set(bbManager.auth).expect(404);
    const leads = await workbook([['x']], ['项目名称']);
    const refused = await upload(bbOfficer, 'lead', leads, 'leads.xlsx').expect(403);
    expect(refused.body.code).toBe('ROLE_REQUIRED');
  }, 300_000);

  it('returns the same import for a retried upload with the same Idempotency-Key', async () => {
    const key = uniq('upload-key');
    const file = await workbook([[name('幂等'), null, null, null, 1, null]]);
    const send = (f: Buffer, entity = 'park') =>
      t.http
        .post(`/api/v1/imports?entity=${entity}`)
        .set(bbManager.auth)
        .set('Idempotency-Key', key)
        .attach('file', f, `幂等${run}.xlsx`);
    const first = await send(file).expect(201);
    const again = await send(file).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM imports WHERE file_name = $1`, [
      `幂等${run}.xlsx`,
    ]);
    expect(n).toBe(1);
    // The same key with another file, or for another entity, is a different request.
    const other = await workbook([[name('幂等二'), null, null, null, 2, null]]);
    expect((await send(other).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await send(file, 'enterprise').expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Without a key, each upload is an import of its own.
    const a = await upload(bbManager, 'park', file, 'nokey.xlsx').expect(201);
    const b = await upload(bbManager, 'park', file, 'nokey.xlsx').expect(201);
    expect(a.body.id).not.toBe(b.body.id);
  }, 120_000);
});
