import type { TestApp } from './app';
import type { Receiver } from '../partner-example/receiver';

/**
 * Unsubscribes (DELETE /webhooks/:id, as a partner would) every subscription pointing at this
 * receiver. Suites share one database: a subscription left behind would keep receiving the other
 * suites' events after its receiver closed, and retry each one for a day.
 */
export async function unsubscribeReceiver(
  t: TestApp,
  rx: Receiver,
  authByJurisdiction: Record<string, Record<string, string>>,
): Promise<void> {
  const subs: { id: string; jurisdiction: string }[] = await t.ds.query(
    `SELECT id, jurisdiction FROM webhook_subscriptions WHERE starts_with(url, $1)`,
    [rx.url('')],
  );
  for (const s of subs) {
    const auth = authByJurisdiction[s.jurisdiction];
    if (!auth) throw new Error(`no credentials of ${s.jurisdiction} to unsubscribe ${s.id}`);
    const res = await t.http.delete(`/api/v1/webhooks/${s.id}`).set(auth);
    if (res.status !== 204 && res.status !== 404) throw new Error(`unsubscribe ${s.id}: ${res.status}`);
  }
}
