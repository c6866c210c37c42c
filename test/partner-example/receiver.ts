import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';

/**
 * A partner's webhook receiver on loopback, as a partner would write it: read the raw body,
 * verify `X-Liancheng-Signature: t=…,v1=…` (HMAC-SHA256 of "t.body" with the subscription
 * secret) before trusting anything, answer 2xx quickly. Tests script failures through `respond`.
 */
export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; occurredAt: string; data: Record<string, any> };
  status: number;
}

export function verify(secret: string, raw: string, header: string | undefined): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2], 'hex'));
}

export interface Receiver {
  url: (path: string) => string;
  received: Received[];
  /** Decide the status for a request (default 200). */
  respond: (req: { path: string; body: Received['body'] }) => number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  // Every URL handed out carries this receiver's own prefix. A request without it was meant for
  // someone else (say, a subscription whose receiver listened on this port earlier): answered 410
  // and not recorded, as a partner ignores what is not addressed to it.
  const prefix = `/${randomBytes(6).toString('hex')}`;
  const receiver: Receiver = {
    url: () => '',
    received,
    respond: () => 200,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Received['body'];
      try {
        body = JSON.parse(raw);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const url = req.url ?? '/';
      if (!url.startsWith(`${prefix}/`)) {
        res.writeHead(410).end();
        return;
      }
      const path = url.slice(prefix.length);
      const status = receiver.respond({ path, body });
      received.push({ path, headers: req.headers, raw, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  receiver.url = (path: string) => `http://127.0.0.1:${port}${prefix}${path}`;
  return receiver;
}
