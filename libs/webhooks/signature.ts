import { createHmac, timingSafeEqual } from 'crypto';

export const SIGNATURE_HEADER = 'X-Liancheng-Signature';

/**
 * `X-Liancheng-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (DESIGN §11).
 * The timestamp is signed too, so a receiver can refuse old replays.
 */
export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does: recompute and compare in constant time; optionally bound the age. */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  opts: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(
    header.split(',').map((kv) => {
      const i = kv.indexOf('=');
      return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return false;
  if (opts.toleranceSeconds !== undefined) {
    const now = opts.now ?? Math.floor(Date.now() / 1000);
    if (Math.abs(now - t) > opts.toleranceSeconds) return false;
  }
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'));
}
