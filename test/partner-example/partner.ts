/**
 * A partner system in a few lines, typed by a client generated from the OpenAPI document
 * (`npx openapi-typescript dist/openapi.json -o test/partner-example/schema.d.ts`). CI compiles it
 * (`npm run check:openapi`), so a contract change that breaks partners fails the build.
 *
 *   LIANCHENG_URL=https://liancheng.example LIANCHENG_KEY=lck_… node partner.js
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

type LeadItem = components['schemas']['SyncLeadItemDto'];
type Change = components['schemas']['ChangeDto'];

export function connect(baseUrl: string, apiKey: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
}

/** Push one batch (≤ 1,000) with an Idempotency-Key so a retry after a timeout is safe. */
export async function pushBatch(api: ReturnType<typeof connect>, items: LeadItem[], batchId: string) {
  const { data, error, response } = await api.PUT('/api/v1/sync/leads', {
    params: { header: { 'Idempotency-Key': batchId } },
    body: { items },
  });
  if (error || !data) throw new Error(`push failed: ${response.status} ${JSON.stringify(error)}`);
  for (const r of data.results) {
    if (r.status === 'error') {
      console.warn(`item ${r.index} (${r.externalRef?.system}/${r.externalRef?.id}):`, r.errors);
    }
    // 撞单: the other city already follows this investor; firstReportedBy says who was first.
    for (const c of r.collisions ?? []) {
      console.warn(
        `item ${r.index}: collision ${c.id} with ${c.otherJurisdiction} (${c.basis}, first: ${c.firstReportedBy})`,
      );
    }
  }
  return data.results;
}

/**
 * Follow the feed: process a page, THEN persist nextCursor; on restart resume from the stored
 * cursor. At-least-once: make `apply` idempotent (keep the highest version per id).
 */
export async function followFeed(
  api: ReturnType<typeof connect>,
  cursor: string | undefined,
  apply: (change: Change) => Promise<void>,
  saveCursor: (cursor: string) => Promise<void>,
): Promise<string | undefined> {
  for (;;) {
    const { data, error } = await api.GET('/api/v1/sync/changes', {
      params: { query: { cursor, limit: 1000, entities: 'lead,match' } },
    });
    if (error || !data) throw new Error(`feed failed: ${JSON.stringify(error)}`);
    for (const change of data.changes) await apply(change);
    cursor = data.nextCursor;
    await saveCursor(cursor);
    if (!data.hasMore) return cursor; // caught up: poll again in a few seconds
  }
}

/**
 * A battery-module project, tagged with its chain segment (电池包与BMS). It is pushed in talks
 * (`negotiating`): a lead pushed as `signed` or later also carries the facts of each milestone it
 * passes (DESIGN §6: signedAt and contractAmountWan for signed).
 */
export const EXAMPLE_LEAD: LeadItem = {
  externalRef: { system: 'partner-crm', id: 'L-1' },
  title: '新能源电池模组项目',
  investor: { name: '示例新能源科技有限公司' },
  segments: ['nev.battery-pack'],
  plannedInvestmentWan: 50000,
  stage: 'negotiating',
};

async function main(): Promise<void> {
  const api = connect(process.env.LIANCHENG_URL ?? 'http://127.0.0.1:3000', process.env.LIANCHENG_KEY ?? '');
  await pushBatch(api, [EXAMPLE_LEAD], 'batch-0001');
  const versions = new Map<string, number>();
  await followFeed(
    api,
    undefined,
    async (c) => {
      if ((versions.get(c.id) ?? 0) < c.version) versions.set(c.id, c.version);
    },
    async () => undefined,
  );
  console.log(`${versions.size} records followed`);
}

if (require.main === module) void main();
