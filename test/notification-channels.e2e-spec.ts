import { createServer as createHttpServer, IncomingMessage, Server } from 'http';
import { AddressInfo, createServer as createNetServer } from 'net';
import { SMTPServer } from 'smtp-server';
import { TestApp, startApp } from './support/app';
import { TestUser, makeUser, uniq } from './support/factories';
import { RunningWorker, ownQueuePrefix, scratchDatabase, startWorker } from './support/matching-worker';
import { waitFor } from './support/wait';

type Db = Awaited<ReturnType<typeof scratchDatabase>>;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Mail {
  to: string[];
  raw: string;
}

/** A loopback SMTP server keeping what it receives. */
async function startSmtp(port: number, mails: Mail[]): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** A WeCom group robot on loopback: answers 500 while `down`, else `{errcode: 0}` as WeCom does. */
function startRobot(received: { url: string; body: { msgtype: string; markdown: { content: string } } }[]) {
  const state = { down: true };
  const server: Server = createHttpServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (state.down) {
        res.writeHead(500).end('down');
        return;
      }
      received.push({ url: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
    });
  });
  return { server, state };
}

/**
 * Channels beyond the app (DESIGN §18): the e-mail digest and the WeCom group robot, pointed at
 * servers this test starts on loopback. An outage delays a message, never loses it; nothing is
 * sent twice.
 */
describe('notification channels: e-mail digest and WeCom robot (DESIGN §18)', () => {
  let db: Db;
  let t: TestApp;
  let worker: RunningWorker;
  let officer: TestUser;
  let mOfficer: TestUser;
  let smtp: SMTPServer | null = null;
  let smtpPort: number;
  const mails: Mail[] = [];
  const robotCalls: { url: string; body: { msgtype: string; markdown: { content: string } } }[] = [];
  const robot = startRobot(robotCalls);
  const prefix = ownQueuePrefix();

  beforeAll(async () => {
    process.env.WEBHOOK_RETRY_BASE_MS = '150';
    smtpPort = await freePort(); // nothing listens yet: the mail server is down
    await new Promise<void>((resolve) => robot.server.listen(0, '127.0.0.1', resolve));
    const robotUrl = `http://127.0.0.1:${(robot.server.address() as AddressInfo).port}/cgi-bin/webhook/send?key=bb`;
    const env = {
      QUEUE_PREFIX: prefix,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      WECOM_WEBHOOK_URL_BEIBEI: robotUrl,
    };
    db = await scratchDatabase('channels');
    t = await startApp({ ...env, DATABASE_URL: db.url });
    worker = await startWorker(db.url, env);
    officer = await makeUser(t.ds, t.http, 'beibei', 'officer');
    mOfficer = await makeUser(t.ds, t.http, 'mianyang', 'officer');
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await db?.drop();
    if (smtp) await new Promise<void>((r) => smtp!.close(() => r()));
    await new Promise((r) => robot.server.close(r));
  });

  const runDaily = async (n: string) => {
    const job = await worker.queues.queueFor('notify-daily').add('notify-daily', {}, { jobId: `daily-${n}` });
    await waitFor('daily job', async () => (await job.getState()) === 'completed', 30_000);
  };
  const deliveries = () =>
    t.ds.query(
      `SELECT channel, target, status, attempts, last_error FROM notification_deliveries ORDER BY created_at`,
    );

  it('sends the digest and the city’s WeCom list after an outage, once each', async () => {
    await t.http
      .put('/api/v1/notifications/preferences')
      .set(officer.auth)
      .send({ email: 'officer@beibei.example.gov.cn', modes: { next_action_due: 'digest' } })
      .expect(200);
    const title = `渠道测试${uniq()}`;
    const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString();
    const lead = (
      await t.http
        .post('/api/v1/leads')
        .set(officer.auth)
        .send({
          title,
          investor: { name: `渠道投资${uniq()}有限公司` },
          segments: ['nev.battery-pack'],
          nextActionAt: yesterday,
        })
        .expect(201)
    ).body;
    // Mianyang's due lead goes to no group: it has no robot configured, and Beibei's never sees it.
    const secret = `绵阳线索${uniq()}`;
    await t.http
      .post('/api/v1/leads')
      .set(mOfficer.auth)
      .send({
        title: secret,
        investor: { name: `绵阳投资${uniq()}有限公司` },
        segments: ['nev.battery-pack'],
        nextActionAt: yesterday,
      })
      .expect(201);

    await runDaily('1');
    // Both fail while their servers are down, and are retried.
    await waitFor(
      'failed attempts',
      async () =>
        (await deliveries()).every(
          (d: { attempts: number; status: string }) => d.attempts >= 1 && d.status === 'pending',
        ),
      30_000,
    );
    const pending = await deliveries();
    expect(pending.map((d: { channel: string }) => d.channel).sort()).toEqual(['email', 'wecom']);
    expect(pending.every((d: { last_error: string | null }) => !!d.last_error)).toBe(true);
    expect(mails).toHaveLength(0);
    expect(robotCalls).toHaveLength(0);

    // The servers come back: each message arrives, once.
    smtp = await startSmtp(smtpPort, mails);
    robot.state.down = false;
    await waitFor(
      'sent',
      async () => (await deliveries()).every((d: { status: string }) => d.status === 'sent'),
      60_000,
    );
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['officer@beibei.example.gov.cn']);
    const [head, ...rest] = mails[0].raw.split(/\r?\n\r?\n/);
    expect(head).toMatch(/Content-Transfer-Encoding: base64/);
    const text = Buffer.from(rest.join('').replace(/\s+/g, ''), 'base64').toString('utf8');
    expect(text).toContain(`《${title}》`);
    expect(text).toContain('下次跟进');
    expect(text).toContain(`/leads/${lead.id}`);
    expect(text).not.toContain(secret);

    expect(robotCalls).toHaveLength(1);
    expect(robotCalls[0].url).toBe('/cgi-bin/webhook/send?key=bb');
    expect(robotCalls[0].body.msgtype).toBe('markdown');
    expect(robotCalls[0].body.markdown.content).toContain(title);
    expect(robotCalls[0].body.markdown.content).toContain('今日待跟进线索');
    expect(robotCalls[0].body.markdown.content).not.toContain(secret);

    // The same day again, and a repeated job for a sent message: nothing more goes out.
    await runDaily('2');
    const [sent] = await t.ds.query(`SELECT id FROM notification_deliveries WHERE channel = 'email'`);
    const again = await worker.queues
      .queueFor('deliver-notification')
      .add('deliver-notification', { deliveryId: sent.id }, { jobId: `again-${sent.id}` });
    await waitFor('repeat job', async () => (await again.getState()) === 'completed', 30_000);
    expect(mails).toHaveLength(1);
    expect(robotCalls).toHaveLength(1);
    expect(await deliveries()).toHaveLength(2);
  });

  it('a collision reaches the city’s WeCom group as markdown', async () => {
    const name = `撞单渠道${uniq()}有限公司`;
    const mine = await t.http
      .post('/api/v1/leads')
      .set(officer.auth)
      .send({ title: `北碚${uniq()}`, investor: { name }, segments: ['nev.battery-pack'] })
      .expect(201);
    await t.http
      .post('/api/v1/leads')
      .set(mOfficer.auth)
      .send({ title: `绵阳${uniq()}`, investor: { name }, segments: ['nev.battery-pack'] })
      .expect(201);
    await waitFor(
      'collision message',
      async () => robotCalls.some((c) => c.body.markdown.content.includes('撞单')),
      30_000,
    );
    const msg = robotCalls.find((c) => c.body.markdown.content.includes('撞单'))!;
    expect(msg.body.markdown.content).toContain(mine.body.title);
    expect(msg.body.markdown.content).toContain('绵阳市');
    expect(robotCalls.filter((c) => c.body.markdown.content.includes('撞单'))).toHaveLength(1);
  });
});
