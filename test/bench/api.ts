import { existsSync } from 'fs';
import { cpus } from 'os';
import { join } from 'path';
import { prepareDatabase } from '../../libs/platform/prepare-database';
import { makeLead } from '../../libs/demo/demo-data';
import { LeadRepository } from '../../libs/leads/lead.repository';
import { generateDataset, GENERATOR_PASSWORD } from '../data/generator';
import {
  ChildServer,
  cpuMs,
  load1,
  createScratchDatabase,
  dropScratchDatabase,
  freePort,
  LoadResult,
  ms,
  printTable,
  runLoad,
  say,
  scratchDatabaseUrl,
  startBareFastify,
  startChild,
  withClient,
} from './common';

/**
 * `npm run bench:api` (Performance). Loads 1,000,000 leads and 100,000 enterprises into a
 * scratch database, starts the built API (`dist/apps/api/src/main.js`) and a bare Fastify server
 * as child processes, and measures with autocannon on loopback, in one run: the bare route,
 * GET /leads/:id, the filtered list, the fuzzy `q` search and POST /leads. Prints req/s,
 * p50/p95/p99, the ratio to the bare route, the targets, and EXPLAIN (ANALYZE, BUFFERS) of the list
 * queries.
 *
 * Environment: BENCH_LEADS (1000000), BENCH_ENTERPRISES (100000), BENCH_DURATION seconds per run
 * (10), BENCH_CONNECTIONS (32), BENCH_REUSE=1 keeps an already loaded liancheng_bench_api database
 * (same sizes) instead of regenerating it, BENCH_KEEP=1 leaves the database in place afterwards,
 * BENCH_ONLY=bare,health to dry-run the harness without the lead endpoints, BENCH_API_NODE_ARGS
 * extra node arguments for the API process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`),
 * BENCH_EXPLAIN_ONLY=1 (with BENCH_REUSE=1) only prints the EXPLAIN plans, BENCH_DB another scratch
 * database name (liancheng_bench_…), BENCH_ROUNDS (3) alternating rounds of the floor and
 * GET /leads/:id (medians reported), BENCH_LIST_CONNECTIONS (1,8,32) the connection counts of the
 * list and search runs.
 */

// BENCH_DB names another scratch database (liancheng_bench_*), so two checkouts on one server
// can measure side by side without dropping each other's data.
const DB_NAME = process.env.BENCH_DB ?? 'liancheng_bench_api';
const LEADS = Number(process.env.BENCH_LEADS ?? 1_000_000);
const ENTERPRISES = Number(process.env.BENCH_ENTERPRISES ?? 100_000);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Connection counts the list and search are measured at: an office has tens of users. */
const LIST_CONNECTIONS = (process.env.BENCH_LIST_CONNECTIONS ?? '1,8,32').split(',').map(Number);
/** Rounds of the floor and GET /leads/:id, measured alternately; the medians are reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const API_MAIN = join(__dirname, '..', '..', '..', 'apps', 'api', 'src', 'main.js');

const INDUSTRIES = ['ngit', 'nmat', 'biomed', 'nev', 'hiequip'];
const ACTIVE = [
  'lead',
  'contacted',
  'visited',
  'negotiating',
  'signed',
  'registered',
  'started',
  'operating',
];
/** What officers type into the search box: brands, investor names, industry words, an English name. */
const SEARCH_TERMS = [
  '华达',
  '恒达传感',
  '动力电池',
  '深圳瑞芯',
  '锂电材料',
  '机器人',
  '宏信生物医药',
  '半导体',
  'Kessler',
  '新材料',
  '嘉科精密机械',
  '医疗器械',
  '凯航无人机',
  '电子化学品',
  '苏州博达',
  '功率半导体',
];

const selected = (name: string) => !ONLY || ONLY.includes(name);

async function main(): Promise<void> {
  if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run npm run build:server first`);
  const url = scratchDatabaseUrl(DB_NAME);
  say(
    `bench:api — ${LEADS.toLocaleString('en')} leads, ${ENTERPRISES.toLocaleString('en')} enterprises, ` +
      `${CONNECTIONS} connections, ${DURATION} s per run, database ${DB_NAME}`,
  );

  await loadData(url);
  if (process.env.BENCH_EXPLAIN_ONLY === '1') {
    await explain(url);
    return;
  }

  const apiPort = await freePort();
  const barePort = await freePort();
  const servers: ChildServer[] = [];
  try {
    say('starting the API and a bare Fastify server (child processes, loopback)…');
    servers.push(
      await startChild(
        'api',
        [...(process.env.BENCH_API_NODE_ARGS?.split(' ').filter(Boolean) ?? []), API_MAIN],
        {
          DATABASE_URL: url,
          API_RATE_LIMIT: '0',
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          SERVE_WEB: 'false',
          NODE_ENV: 'production',
          JWT_SECRET: 'bench-only-secret-0123456789abcdefghijklmnop',
        },
        apiPort,
        '/health',
      ),
    );
    servers.push(await startBareFastify(barePort, url));
    const api = `http://127.0.0.1:${apiPort}`;
    const bare = `http://127.0.0.1:${barePort}`;

    const login = await fetch(`${api}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'gen.beibei.officer.001', password: GENERATOR_PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const auth = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };

    const probe = await fetch(`${api}/api/v1/leads?limit=1`, { headers: auth });
    const leadsReady = probe.status === 200;
    if (!leadsReady)
      say(`GET /api/v1/leads answers ${probe.status}: lead endpoints not available, running the rest`);

    const ids = await withClient(url, async (c) => {
      const r = await c.query<{ id: string }>(
        `SELECT id FROM leads TABLESAMPLE SYSTEM (2) WHERE jurisdiction = 'beibei' OR sharing = 'shared' LIMIT 20000`,
      );
      return r.rows.map((x) => x.id);
    });

    // Warm-up: JIT, connection pools and the page cache, not measured.
    say('warming up…');
    await runLoad({
      name: 'warm',
      url: bare,
      durationSeconds: 2,
      connections: CONNECTIONS,
      path: () => '/bare',
    });
    if (leadsReady) {
      await runLoad({
        name: 'warm',
        url: api,
        durationSeconds: 3,
        connections: CONNECTIONS,
        headers: auth,
        path: (n) => `/api/v1/leads/${ids[n % ids.length]}`,
      });
      await runLoad({
        name: 'warm',
        url: api,
        durationSeconds: 3,
        connections: CONNECTIONS,
        headers: auth,
        path: (n) => listPath(n),
      });
    }

    const results: LoadResult[] = [];
    const extra = new Map<string, { cpuPerRequest: number; load: number }>();
    const measure = async (
      name: string,
      o: Omit<Parameters<typeof runLoad>[0], 'name' | 'url'>,
      base = api,
    ) => {
      say(`measuring ${name}…`);
      const server = base === api ? servers[0] : servers[1];
      const cpuBefore = cpuMs(server.child.pid);
      const r = await runLoad({ name, url: base, connections: CONNECTIONS, durationSeconds: DURATION, ...o });
      const cpu = {
        cpuPerRequest: (cpuMs(server.child.pid) - cpuBefore) / Math.max(1, r.requests),
        load: load1(),
      };
      if (r.non2xx || r.errors)
        say(`  note: ${r.non2xx} non-2xx (${JSON.stringify(r.statusCounts)}), ${r.errors} errors`);
      return { r, cpu };
    };
    const run = async (name: string, o: Omit<Parameters<typeof runLoad>[0], 'name' | 'url'>, base = api) => {
      if (!selected(name)) return;
      const { r, cpu } = await measure(name, o, base);
      results.push(r);
      extra.set(name, cpu);
    };
    /**
     * Runs several measurements alternately (so a busy moment of the shared machine hits each of
     * them alike) and keeps, for each, the round of median req/s.
     */
    const interleaved = async (
      runs: [string, Omit<Parameters<typeof runLoad>[0], 'name' | 'url'>, string][],
    ) => {
      const rounds = new Map<string, { r: LoadResult; cpu: { cpuPerRequest: number; load: number } }[]>();
      for (let i = 0; i < ROUNDS; i++) {
        for (const [name, o, base] of runs) {
          if (!selected(name)) continue;
          rounds.set(name, [...(rounds.get(name) ?? []), await measure(`${name} (round ${i + 1})`, o, base)]);
        }
      }
      for (const [name, all] of rounds) {
        const sorted = [...all].sort((a, b) => a.r.rps - b.r.rps);
        const mid = sorted[Math.floor(sorted.length / 2)];
        say(
          `  ${name}: req/s per round ${all.map((x) => Math.round(x.r.rps)).join(', ')}; median ${Math.round(mid.r.rps)}`,
        );
        results.push({ ...mid.r, name });
        extra.set(name, mid.cpu);
      }
    };

    await run('bare', { path: () => '/bare' }, bare);
    await run('health', { path: () => '/health' });
    if (leadsReady) {
      await interleaved([
        [FLOOR, { path: (n) => `/bare-lead/${ids[n % ids.length]}` }, bare],
        ['GET /leads/:id', { headers: auth, path: (n) => `/api/v1/leads/${ids[n % ids.length]}` }, api],
      ]);
      for (const connections of LIST_CONNECTIONS) {
        await run(`${LIST} @${connections}`, { connections, headers: auth, path: (n) => listPath(n) });
        await run(`${SEARCH} @${connections}`, {
          connections,
          headers: auth,
          path: (n) =>
            `/api/v1/leads?q=${encodeURIComponent(SEARCH_TERMS[n % SEARCH_TERMS.length])}&limit=50`,
        });
      }
      const owners = { beibei: [], mianyang: [] };
      const runId = Date.now() % 1_000_000;
      await run('POST /leads', {
        method: 'POST',
        headers: auth,
        path: () => '/api/v1/leads',
        body: (n) =>
          createBody(
            makeLead({ seed: 7_000_000 + runId, enterpriseCount: 0, owners, now: Date.now() }, n + 20),
          ),
      });
    }

    report(results, extra);
    if (leadsReady) await explain(url);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    if (process.env.BENCH_KEEP !== '1') {
      await dropScratchDatabase(url);
      say(`dropped ${DB_NAME} (BENCH_KEEP=1 keeps it for BENCH_REUSE=1)`);
    }
  }
}

function listPath(n: number): string {
  const industry = INDUSTRIES[n % INDUSTRIES.length];
  const stage = ACTIVE[Math.floor(n / INDUSTRIES.length) % ACTIVE.length];
  // Mostly the caller's own jurisdiction, every fourth request the partner's shared leads.
  const jurisdiction = n % 4 === 3 ? 'mianyang' : 'beibei';
  return `/api/v1/leads?industry=${industry}&stage=${stage}&jurisdiction=${jurisdiction}&limit=50`;
}

function createBody(l: ReturnType<typeof makeLead>): unknown {
  return {
    title: l.title,
    investor: {
      name: l.investor.name,
      ...(l.investor.uscc ? { uscc: l.investor.uscc } : {}),
      ...(l.investor.country ? { country: l.investor.country } : {}),
    },
    summary: l.summary,
    segments: l.segments,
    plannedInvestmentWan: l.plannedInvestmentWan,
    ...(l.landNeedMu !== null ? { landNeedMu: l.landNeedMu } : {}),
    ...(l.expectedJobs !== null ? { expectedJobs: l.expectedJobs } : {}),
    sharing: l.sharing,
    source: l.source === 'partner_system' ? 'referral' : l.source,
    contacts: l.contacts,
  };
}

async function loadData(url: string): Promise<void> {
  if (process.env.BENCH_REUSE === '1') {
    const counts = await withClient(scratchDatabaseUrl(DB_NAME), async (c) => {
      const r = await c.query(
        `SELECT (SELECT count(*) FROM enterprises)::int AS e, (SELECT count(*) FROM leads)::int AS l`,
      );
      return r.rows[0] as { e: number; l: number };
    }).catch(() => null);
    if (counts && counts.e === ENTERPRISES && counts.l >= LEADS && counts.l < LEADS * 1.1) {
      say(`reusing ${DB_NAME}: ${counts.e} enterprises, ${counts.l} leads (BENCH_REUSE=1)`);
      // Migrations added since the load (e.g. new indexes) still apply.
      await createOrMigrate(url);
      return;
    }
  }
  say(`creating ${DB_NAME}…`);
  await createScratchDatabase(DB_NAME);
  const started = Date.now();
  const g = await generateDataset(url, {
    enterprises: ENTERPRISES,
    leads: LEADS,
    log: (m) => say(`  ${m}`),
  });
  say(
    `loaded in ${((Date.now() - started) / 1000).toFixed(1)} s (enterprises ${g.seconds.enterprises.toFixed(1)} s, ` +
      `leads ${g.seconds.leads.toFixed(1)} s, indexes ${g.seconds.indexes.toFixed(1)} s, analyze ${g.seconds.analyze.toFixed(1)} s)`,
  );
}

async function createOrMigrate(url: string): Promise<void> {
  await prepareDatabase(url, (m) => say(`  ${m}`));
}

const FLOOR = 'floor: bare Fastify + pg (same row)';
const LIST = 'GET /leads?industry&stage&jurisdiction';
const SEARCH = 'GET /leads?q';

const TARGETS: Record<string, string> = {
  'GET /leads/:id': '≥ 60% of the floor',
  [`${LIST} @1`]: 'p95 ≤ 25 ms',
  [`${SEARCH} @1`]: 'p95 ≤ 50 ms',
};

function verdict(r: LoadResult, floorRps: number): string {
  switch (r.name) {
    case 'GET /leads/:id':
      return r.rps >= 0.6 * floorRps ? 'met' : 'MISSED';
    case `${LIST} @1`:
      return r.p95 <= 25 ? 'met' : 'MISSED';
    case `${SEARCH} @1`:
      return r.p95 <= 50 ? 'met' : 'MISSED';
    default:
      return '';
  }
}

function report(results: LoadResult[], extra: Map<string, { cpuPerRequest: number; load: number }>): void {
  const bareRps = results.find((r) => r.name === 'bare')?.rps ?? NaN;
  const floorRps = results.find((r) => r.name === FLOOR)?.rps ?? NaN;
  say('');
  say(
    `Results (${CONNECTIONS} connections unless @n says otherwise, ${DURATION} s each, latencies in ms, ` +
      `req/s of 2xx responses; floor and GET /leads/:id: median of ${ROUNDS} alternating rounds):`,
  );
  printTable(
    [
      'endpoint',
      'req/s',
      'p50',
      'p95',
      'p99',
      'max',
      'non-2xx',
      'vs bare',
      'server CPU ms/req',
      'load',
      'target',
      '',
    ],
    results.map((r) => [
      r.name,
      Math.round(r.rps),
      ms(r.p50),
      ms(r.p95),
      ms(r.p99),
      ms(r.max),
      r.non2xx,
      `${((100 * r.rps) / bareRps).toFixed(1)}%`,
      extra.get(r.name)?.cpuPerRequest.toFixed(2) ?? '-',
      extra.get(r.name)?.load.toFixed(1) ?? '-',
      TARGETS[r.name] ?? '',
      verdict(r, floorRps),
    ]),
  );
  say(
    `'server CPU ms/req' is CPU time of the server process (API or bare) per response, from /proc: less ` +
      `sensitive than latency to other processes on the machine (not immune: caches and scheduling suffer too); ` +
      `'load' is the 1-minute load average after the run.`,
  );
  const floor = results.find((r) => r.name === FLOOR);
  const get = results.find((r) => r.name === 'GET /leads/:id');
  if (floor && get) {
    say(
      `The floor (no framework, no authentication: one pooled query per request) reaches ` +
        `${((100 * floor.rps) / bareRps).toFixed(1)}% of the bare route; GET /leads/:id reaches ` +
        `${((100 * get.rps) / floor.rps).toFixed(1)}% of the floor.`,
    );
  }
  const busiest = Math.max(...[...extra.values()].map((e) => e.load));
  if (busiest > cpus().length * 1.5) {
    say(
      `WARNING: the load average reached ${busiest.toFixed(1)} on ${cpus().length} cores: other processes ` +
        `competed for the CPU, so req/s and latencies understate what the API does on a quiet machine.`,
    );
  }
  say('');
}

/**
 * The SQL that LeadRepository.list really builds for given filters: the repository is called with a
 * stand-in database that records the statement instead of running it, so the EXPLAIN below always
 * shows the current query, not a copy that drifts.
 */
async function repositorySql(filters: Record<string, unknown>): Promise<{ text: string; params: unknown[] }> {
  let captured: { text: string; params: unknown[] } | undefined;
  const recorder = {
    queryRunner: {
      query: async (text: string, params: unknown[]) => {
        captured = { text, params };
        return { records: [] };
      },
    },
  };
  await (new LeadRepository() as any).list(recorder, filters, null, 50);
  if (!captured) throw new Error('LeadRepository.list ran no query');
  return captured;
}

async function explain(url: string): Promise<void> {
  const cases: [string, Record<string, unknown>][] = [
    [
      'filtered list, own jurisdiction',
      {
        viewer: 'beibei',
        partner: 'mianyang',
        jurisdiction: 'beibei',
        stage: 'negotiating',
        industry: 'nev',
      },
    ],
    [
      "filtered list, the partner's shared leads",
      {
        viewer: 'beibei',
        partner: 'mianyang',
        jurisdiction: 'mianyang',
        stage: 'negotiating',
        industry: 'nev',
      },
    ],
    [
      'q, a common four-character term',
      { viewer: 'beibei', partner: 'mianyang', q: '动力电池', qMode: 'substring' },
    ],
    ['q, a two-character brand', { viewer: 'beibei', partner: 'mianyang', q: '华达', qMode: 'substring' }],
  ];
  await withClient(url, async (c) => {
    for (const [title, filters] of cases) {
      const { text, params } = await repositorySql(filters);
      say(`EXPLAIN (ANALYZE, BUFFERS) — ${title}`);
      say(text.replace(/\s+/g, ' ').trim());
      say(`  params: ${JSON.stringify(params)}`);
      try {
        const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
        for (const row of r.rows) say(`  ${row['QUERY PLAN']}`);
      } catch (e) {
        say(`  EXPLAIN failed: ${(e as Error).message}`);
      }
      say('');
    }
  });
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
