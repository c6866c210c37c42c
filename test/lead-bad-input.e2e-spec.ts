import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq } from './support/factories';

/**
 * Bad input on every lead create/change endpoint (DESIGN §11): 400 / 412 / 428 naming the field,
 * never a 500, and nothing written.
 */
describe('leads: bad input table', () => {
  let t: TestApp;
  let officer: TestUser;
  let manager: TestUser;
  let foreigner: TestUser;
  let leadId: string;

  const valid = () => ({
    title: `项目 ${uniq()}`,
    investor: { name: `投资方${uniq()}有限公司` },
    segments: ['nev.battery-cell'],
  });

  beforeAll(async () => {
    t = await startApp();
    officer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
    manager = await makeUser(t.ds, t.http, 'mianyang', 'manager');
    foreigner = await makeUser(t.ds, t.http, 'beibei', 'officer');
    const res = await t.http.post('/api/v1/leads').set(officer.auth).send(valid()).expect(201);
    leadId = res.body.id;
  });
  afterAll(() => t.close());

  const TABLES = [
    'leads',
    'activities',
    'audit_entries',
    'outbox',
    'domain_events',
    'collisions',
    'idempotency_keys',
  ];
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES)
      out[table] = (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
    out.version = (await t.ds.query(`SELECT version FROM leads WHERE id = $1`, [leadId]))[0].version;
    return out;
  };

  type Case = [
    label: string,
    status: number,
    field: string | null,
    request: () => {
      method: 'post' | 'patch' | 'get';
      url: string;
      body?: unknown;
      headers?: Record<string, string>;
    },
  ];
  const long = (n: number) => 'x'.repeat(n);
  const post = (over: Record<string, unknown>) => () => ({
    method: 'post' as const,
    url: '/api/v1/leads',
    body: { ...valid(), ...over },
  });
  const postInvestor = (investor: Record<string, unknown>) =>
    post({ investor: { name: '某投资有限公司', ...investor } });
  const without = (key: string) => () => {
    const b: Record<string, unknown> = valid();
    delete b[key];
    return { method: 'post' as const, url: '/api/v1/leads', body: b };
  };
  const patch =
    (body: unknown, ifMatch: string | null = '"1"') =>
    () => ({
      method: 'patch' as const,
      url: `/api/v1/leads/${leadId}`,
      body,
      headers: (ifMatch === null ? {} : { 'If-Match': ifMatch }) as Record<string, string>,
    });
  const stage = (body: unknown) => () => ({
    method: 'post' as const,
    url: `/api/v1/leads/${leadId}/stage`,
    body,
  });
  const activity = (body: unknown) => () => ({
    method: 'post' as const,
    url: `/api/v1/leads/${leadId}/activities`,
    body,
  });
  const list = (query: string) => () => ({ method: 'get' as const, url: `/api/v1/leads?${query}` });
  const timeline = (query: string) => () => ({
    method: 'get' as const,
    url: `/api/v1/leads/${leadId}/activities?${query}`,
  });
  const contact = { name: '张三' };

  const cases: Case[] = [
    // POST /leads
    ['create: title of the wrong type', 400, 'title', post({ title: 42 })],
    ['create: title missing', 400, 'title', without('title')],
    ['create: title empty', 400, 'title', post({ title: '' })],
    ['create: title oversized', 400, 'title', post({ title: long(201) })],
    ['create: unknown field', 400, 'foo', post({ foo: 1 })],
    ['create: version is not writable', 400, 'version', post({ version: 5 })],
    ['create: investor of the wrong type', 400, 'investor', post({ investor: 'ACME' })],
    ['create: investor missing', 400, 'investor', without('investor')],
    ['create: investor name missing', 400, 'investor.name', post({ investor: { uscc: null } })],
    ['create: investor name oversized', 400, 'investor.name', postInvestor({ name: long(201) })],
    ['create: unknown investor field', 400, 'investor.bar', postInvestor({ bar: 1 })],
    [
      'create: bad USCC (check character)',
      400,
      'investor.uscc',
      postInvestor({ uscc: '91350900587527783Q' }),
    ],
    ['create: bad USCC (length)', 400, 'investor.uscc', postInvestor({ uscc: '123' })],
    ['create: bad USCC (type)', 400, 'investor.uscc', postInvestor({ uscc: 913509 })],
    [
      'create: investor enterprise that does not exist',
      400,
      'investor.enterpriseId',
      postInvestor({ enterpriseId: '00000000-0000-4000-8000-000000000000' }),
    ],
    [
      'create: investor enterprise not a UUID',
      400,
      'investor.enterpriseId',
      postInvestor({ enterpriseId: 'e1' }),
    ],
    ['create: segments empty', 400, 'segments', post({ segments: [] })],
    ['create: segments missing', 400, 'segments', without('segments')],
    ['create: segments not an array', 400, 'segments', post({ segments: 'nev.battery-cell' })],
    ['create: unknown segment', 400, 'segments[0]', post({ segments: ['nev.flux-capacitor'] })],
    ['create: second segment unknown', 400, 'segments[1]', post({ segments: ['nev.battery-cell', 'nope'] })],
    ['create: too many segments', 400, 'segments', post({ segments: Array(21).fill('nev.battery-cell') })],
    ['create: negative investment', 400, 'plannedInvestmentWan', post({ plannedInvestmentWan: -1 })],
    ['create: absurd investment', 400, 'plannedInvestmentWan', post({ plannedInvestmentWan: 1e12 })],
    ['create: investment as a string', 400, 'plannedInvestmentWan', post({ plannedInvestmentWan: '100' })],
    [
      'create: investment with 3 decimals',
      400,
      'plannedInvestmentWan',
      post({ plannedInvestmentWan: 1.234 }),
    ],
    ['create: negative land', 400, 'landNeedMu', post({ landNeedMu: -5 })],
    ['create: absurd land', 400, 'landNeedMu', post({ landNeedMu: 1e9 })],
    ['create: fractional jobs', 400, 'expectedJobs', post({ expectedJobs: 1.5 })],
    ['create: negative jobs', 400, 'expectedJobs', post({ expectedJobs: -1 })],
    ['create: start on hold', 400, 'stage', post({ stage: 'on_hold' })],
    ['create: start lost', 400, 'stage', post({ stage: 'lost' })],
    ['create: unknown stage', 400, 'stage', post({ stage: 'won' })],
    ['create: another jurisdiction', 400, 'jurisdiction', post({ jurisdiction: 'beibei' })],
    ['create: unknown jurisdiction', 400, 'jurisdiction', post({ jurisdiction: 'shanghai' })],
    ['create: unknown sharing', 400, 'sharing', post({ sharing: 'public' })],
    ['create: confidential not a boolean', 400, 'confidential', post({ confidential: 'yes' })],
    ['create: confidential without a code name', 400, 'codeName', post({ confidential: true })],
    ['create: code name oversized', 400, 'codeName', post({ confidential: true, codeName: long(101) })],
    ['create: unknown source', 400, 'source', post({ source: 'rumour' })],
    ['create: next action not a date', 400, 'nextActionAt', post({ nextActionAt: 'tomorrow' })],
    [
      'create: next action in year 20026',
      400,
      'nextActionAt',
      post({ nextActionAt: '+020026-01-01T00:00:00Z' }),
    ],
    ['create: summary oversized', 400, 'summary', post({ summary: long(4001) })],
    ['create: summary of 1 MB', 400, 'summary', post({ summary: long(1_000_000) })],
    ['create: contacts not an array', 400, 'contacts', post({ contacts: contact })],
    ['create: 51 contacts', 400, 'contacts', post({ contacts: Array(51).fill(contact) })],
    [
      'create: contact without a name',
      400,
      'contacts[0].name',
      post({ contacts: [{ phone: '13800000000' }] }),
    ],
    [
      'create: contact with a bad email',
      400,
      'contacts[0].email',
      post({ contacts: [{ ...contact, email: 'not-an-email' }] }),
    ],
    [
      'create: contact with a bad phone',
      400,
      'contacts[0].phone',
      post({ contacts: [{ ...contact, phone: 'call me' }] }),
    ],
    [
      'create: contact with an unknown field',
      400,
      'contacts[0].idCard',
      post({ contacts: [{ ...contact, idCard: '1' }] }),
    ],
    [
      'create: external ref without a system',
      400,
      'externalRefs[0].system',
      post({ externalRefs: [{ system: '', id: '1' }] }),
    ],
    ['create: owner not a UUID', 400, 'ownerId', post({ ownerId: 'me' })],
    [
      'create: body is an array',
      400,
      null,
      () => ({ method: 'post', url: '/api/v1/leads', body: [valid()] }),
    ],
    [
      'create: malformed JSON',
      400,
      null,
      () => ({
        method: 'post',
        url: '/api/v1/leads',
        body: '{"title":',
        headers: { 'Content-Type': 'application/json' },
      }),
    ],

    // PATCH /leads/:id
    ['patch: If-Match missing', 428, 'If-Match', patch({ title: 'x' }, null)],
    ['patch: If-Match malformed', 400, 'If-Match', patch({ title: 'x' }, 'version-one')],
    ['patch: If-Match zero', 400, 'If-Match', patch({ title: 'x' }, '"0"')],
    ['patch: If-Match stale', 412, null, patch({ title: 'x' }, '"99"')],
    ['patch: title null', 400, 'title', patch({ title: null })],
    ['patch: title of the wrong type', 400, 'title', patch({ title: ['x'] })],
    ['patch: title oversized', 400, 'title', patch({ title: long(201) })],
    ['patch: stage through PATCH', 400, 'stage', patch({ stage: 'signed' })],
    ['patch: unknown field', 400, 'colour', patch({ colour: 'red' })],
    ['patch: unknown segment', 400, 'segments[0]', patch({ segments: ['nope'] })],
    ['patch: empty segments', 400, 'segments', patch({ segments: [] })],
    ['patch: bad USCC', 400, 'investor.uscc', patch({ investor: { uscc: 'ABC' } })],
    ['patch: investor name null', 400, 'investor.name', patch({ investor: { name: null } })],
    ['patch: negative investment', 400, 'plannedInvestmentWan', patch({ plannedInvestmentWan: -0.01 })],
    ['patch: absurd investment', 400, 'plannedInvestmentWan', patch({ plannedInvestmentWan: 2e9 })],
    ['patch: another jurisdiction', 400, 'jurisdiction', patch({ jurisdiction: 'beibei' })],
    ['patch: confidential without a code name', 400, 'codeName', patch({ confidential: true })],
    ['patch: 51 contacts', 400, 'contacts', patch({ contacts: Array(51).fill(contact) })],
    ['patch: sharing null', 400, 'sharing', patch({ sharing: null })],

    // POST /leads/:id/stage
    ['stage: unknown stage', 400, 'stage', stage({ stage: 'won' })],
    ['stage: stage missing', 400, 'stage', stage({})],
    ['stage: stage of the wrong type', 400, 'stage', stage({ stage: 3 })],
    ['stage: note oversized', 400, 'note', stage({ stage: 'contacted', note: long(2001) })],
    ['stage: unknown field', 400, 'reason', stage({ stage: 'contacted', reason: 'x' })],

    // POST /leads/:id/activities
    [
      'activity: stage_change is written by the system only',
      400,
      'type',
      activity({ type: 'stage_change', summary: 'x' }),
    ],
    ['activity: unknown type', 400, 'type', activity({ type: 'party', summary: 'x' })],
    ['activity: summary missing', 400, 'summary', activity({ type: 'note' })],
    ['activity: summary empty', 400, 'summary', activity({ type: 'note', summary: '' })],
    ['activity: summary oversized', 400, 'summary', activity({ type: 'note', summary: long(4001) })],
    [
      'activity: occurredAt not a date',
      400,
      'occurredAt',
      activity({ type: 'note', summary: 'x', occurredAt: 'yesterday' }),
    ],
    [
      'activity: unknown field',
      400,
      'authorId',
      activity({ type: 'note', summary: 'x', authorId: '00000000-0000-4000-8000-000000000000' }),
    ],

    // GET lists
    ['list: limit 0', 400, 'limit', list('limit=0')],
    ['list: limit 1000', 400, 'limit', list('limit=1000')],
    ['list: limit not a number', 400, 'limit', list('limit=ten')],
    ['list: malformed cursor', 400, 'cursor', list('cursor=garbage')],
    [
      'list: cursor of another shape',
      400,
      'cursor',
      list(`cursor=${Buffer.from('["x"]').toString('base64url')}`),
    ],
    [
      'list: cursor with a bad id',
      400,
      'cursor',
      list(`cursor=${Buffer.from('["i",null,"1 OR 1=1"]').toString('base64url')}`),
    ],
    ['list: unknown stage', 400, 'stage', list('stage=won')],
    ['list: unknown industry', 400, 'industry', list('industry=tobacco')],
    ['list: unknown segment', 400, 'segment', list('segment=nope')],
    ['list: owner not a UUID', 400, 'ownerId', list('ownerId=me')],
    ['list: updatedSince not a date', 400, 'updatedSince', list('updatedSince=yesterday')],
    ['list: q oversized', 400, 'q', list(`q=${long(101)}`)],
    ['list: unknown parameter', 400, 'colour', list('colour=red')],
    ['timeline: limit 0', 400, 'limit', timeline('limit=0')],
    ['timeline: limit 1000', 400, 'limit', timeline('limit=1000')],
    ['timeline: malformed cursor', 400, 'cursor', timeline('cursor=%%%')],
  ];

  it('covers every endpoint', () => {
    expect(cases.length).toBeGreaterThan(90);
  });

  it.each(cases)('%s → %i (%s)', async (_label, status, field, request) => {
    const before = await counts();
    const r = request();
    let req = t.http[r.method](r.url).set(officer.auth);
    for (const [k, v] of Object.entries(r.headers ?? {})) req = req.set(k, v);
    const res = r.body === undefined ? await req : await req.send(r.body as object);
    expect(res.status).toBe(status);
    expect(res.body.statusCode).toBe(status);
    expect(typeof res.body.requestId).toBe('string');
    if (field) expect(res.body.details?.map((d: { field: string }) => d.field)).toContain(field);
    if (status === 412) expect(res.body.currentVersion).toBe(before.version);
    expect(await counts()).toEqual(before);
  });

  it('refuses an owner from another jurisdiction and writes nothing', async () => {
    const before = await counts();
    const res = await t.http
      .post('/api/v1/leads')
      .set(manager.auth)
      .send({ ...valid(), ownerId: foreigner.id })
      .expect(400);
    expect(res.body.details[0].field).toBe('ownerId');
    expect(await counts()).toEqual(before);
  });

  it('a request with the right Idempotency-Key but a bad body writes nothing and leaves no key behind', async () => {
    const before = await counts();
    await t.http
      .post('/api/v1/leads')
      .set(officer.auth)
      .set('Idempotency-Key', uniq('k'))
      .send({ ...valid(), segments: ['nope'] })
      .expect(400);
    expect(await counts()).toEqual(before);
  });
});
