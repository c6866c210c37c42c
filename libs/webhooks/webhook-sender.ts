import http from 'http';
import https from 'https';
import type { LookupFunction } from 'net';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * POSTs one signed body. Connects to `pinned`, the address the SSRF check approved, so DNS cannot
 * be switched between check and connect. Redirects are never followed (a 3xx is a failure); only
 * 2xx counts as delivered. The response body is discarded.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  pinned: { address: string; family: number },
  timeoutMs = WEBHOOK_TIMEOUT_MS,
): Promise<SendResult> {
  const started = Date.now();
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const lookup: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all) {
      (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    } else cb(null, pinned.address, pinned.family);
  };
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...r, durationMs: Date.now() - started });
    };
    const req = lib.request(
      target,
      {
        method: 'POST',
        lookup,
        // A fresh connection per attempt: no socket is shared between subscribers or reused after
        // the receiver closed it.
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Liancheng-Webhooks/1',
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        const ok = code >= 200 && code < 300;
        res.on('end', () =>
          done({
            ok,
            statusCode: code,
            error: ok ? null : code >= 300 && code < 400 ? 'redirect not followed' : `HTTP ${code}`,
          }),
        );
        res.on('error', (e) => done({ ok: false, statusCode: code, error: e.message }));
      },
    );
    req.on('timeout', () => {
      req.destroy(new Error(`timed out after ${timeoutMs} ms`));
    });
    req.on('error', (e) => done({ ok: false, statusCode: null, error: e.message }));
    req.end(body);
  });
}
