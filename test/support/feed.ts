import type { TestApp } from './app';

/** Follows GET /sync/changes to its end and returns the cursor there: where the feed is now. */
export async function feedHead(t: TestApp, auth: Record<string, string>): Promise<string | undefined> {
  let cursor: string | undefined;
  for (;;) {
    const res = await t.http
      .get('/api/v1/sync/changes')
      .query({ limit: 1000, ...(cursor ? { cursor } : {}) })
      .set(auth);
    cursor = res.body.nextCursor;
    if (!res.body.hasMore) return cursor;
  }
}
