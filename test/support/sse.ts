import { IncomingMessage, request } from 'http';

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A Server-Sent Events client on loopback that keeps what arrives, for tests. */
export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  private res: IncomingMessage | null = null;
  private closeReq: (() => void) | null = null;

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const c = new SseClient();
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        c.res = res;
        c.status = res.statusCode ?? 0;
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev: SseEvent = { data: '' };
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              const [k, ...rest] = line.split(':');
              const v = rest.join(':').replace(/^ /, '');
              if (k === 'id') ev.id = v;
              else if (k === 'event') ev.event = v;
              else if (k === 'data') data.push(v);
            }
            ev.data = data.join('\n');
            if (ev.event) c.events.push(ev);
          }
        });
        resolve(c);
      });
      c.closeReq = () => req.destroy();
      req.on('error', reject);
      req.end();
    });
  }

  notifications<T = { seq: number; type: string; title: string; body: string; link: string }>(): T[] {
    return this.events.filter((e) => e.event === 'notification').map((e) => JSON.parse(e.data) as T);
  }

  close(): void {
    this.closeReq?.();
  }
}
