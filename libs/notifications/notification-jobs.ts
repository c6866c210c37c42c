import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { OUTBOX_INSERT } from '../outbox/outbox.service';
import { sqlRows } from '../db/sql';
import { NOTIFICATION_RULES, EventRow } from './notification-rules';
import { renderNotification } from './notification-types';
import { Notice, NotificationWriter } from './notification-writer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cities' calendar day (DESIGN §18: reminders by the day in Asia/Shanghai). */
export const DAY_SQL = `(now() AT TIME ZONE 'Asia/Shanghai')::date`;

/**
 * The notification jobs (DESIGN §18), run by the worker:
 * - `notify-event`: a domain event, through NOTIFICATION_RULES, to the users it concerns;
 * - `notify-daily`: reminders of due next actions, each city's WeCom summary, and the e-mail
 *   digests; everything keyed by the day, so a second run the same day tells no one twice;
 * - `deliver-notification`: sends one e-mail or WeCom message, under a row lock, and marks it
 *   sent; a failure is recorded and thrown, so the queue retries it with back-off.
 */
@Injectable()
export class NotificationJobs implements OnModuleDestroy {
  private readonly logger = new Logger(NotificationJobs.name);
  private mailer: Transporter | null = null;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly writer: NotificationWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async notifyEvent(eventId: string): Promise<{ notified: number }> {
    if (!UUID.test(eventId)) return { notified: 0 };
    return this.ds.transaction(async (em) => {
      const [event] = await sqlRows<EventRow>(em, `SELECT * FROM domain_events WHERE id = $1`, [eventId]);
      const rule = event && NOTIFICATION_RULES[event.type];
      if (!rule) return { notified: 0 };
      const written = await this.writer.write(em, await rule(em, event));
      return { notified: written.length };
    });
  }

  async daily(): Promise<{ reminded: number; actionItems: number; digests: number; requeued: number }> {
    const reminded = await this.remindDueNextActions();
    const actionItems = await this.remindActionItems();
    const digests = await this.queueDigests();
    const requeued = await this.requeueStalled();
    return { reminded, actionItems, digests, requeued };
  }

  /**
   * Action items of the plan (DESIGN §15) due within 7 days or overdue and not done, told to each
   * responsible unit: its contact person, else the managers of the unit's city. Keyed by item and
   * day: one reminder a day per person and item however often the job runs.
   */
  private async remindActionItems(): Promise<number> {
    return this.ds.transaction(async (em) => {
      const rows = await sqlRows<{
        id: string;
        code: string;
        title: string;
        due: string;
        day: string;
        overdue: boolean;
        jurisdiction: string;
        recipients: string[];
      }>(
        em,
        `SELECT i.id, i.code, i.title, to_char(i.due_at, 'YYYY-MM-DD') AS due,
                to_char(${DAY_SQL}, 'YYYY-MM-DD') AS day, i.due_at < ${DAY_SQL} AS overdue, u.jurisdiction,
                CASE WHEN c.id IS NOT NULL THEN ARRAY[c.id]
                     ELSE ARRAY(SELECT m.id FROM users m
                                 WHERE m.jurisdiction = u.jurisdiction AND m.role = 'manager' AND m.active
                                 ORDER BY m.id) END AS recipients
           FROM action_items i
           CROSS JOIN LATERAL (SELECT DISTINCT ON (x->>'jurisdiction', x->>'contactUserId')
                                      x->>'jurisdiction' AS jurisdiction, x->>'contactUserId' AS contact
                                 FROM jsonb_array_elements(i.units) x) u
           LEFT JOIN users c ON c.id::text = u.contact AND c.active AND c.jurisdiction = u.jurisdiction
          WHERE i.status NOT IN ('done', 'cancelled') AND i.due_at <= ${DAY_SQL} + 7
          ORDER BY i.due_at, i.id`,
      );
      const notices: Notice[] = rows.flatMap((r) =>
        r.recipients.map((userId) => ({
          userId,
          jurisdiction: r.jurisdiction,
          type: 'action_item_due' as const,
          params: { itemTitle: `${r.code} ${r.title}`, due: r.due, overdue: r.overdue },
          link: `/action-plan?item=${r.id}`,
          dedupeKey: `action_item_due:${r.id}:${r.day}`,
        })),
      );
      // A person named by two units of the item hears of it once.
      const seen = new Set<string>();
      const unique = notices.filter(
        (n) => !seen.has(`${n.userId}:${n.dedupeKey}`) && !!seen.add(`${n.userId}:${n.dedupeKey}`),
      );
      return (await this.writer.write(em, unique)).length;
    });
  }

  /** Leads whose next action is today or past (active ones), told to their owner, else managers. */
  private async remindDueNextActions(): Promise<number> {
    return this.ds.transaction(async (em) => {
      const rows = await sqlRows<{
        id: string;
        title: string;
        jurisdiction: string;
        due: string;
        day: string;
        recipients: string[];
      }>(
        em,
        `SELECT l.id, l.title, l.jurisdiction,
                to_char(l.next_action_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS due,
                to_char(${DAY_SQL}, 'YYYY-MM-DD') AS day,
                CASE WHEN o.id IS NOT NULL THEN ARRAY[o.id]
                     ELSE ARRAY(SELECT m.id FROM users m
                                 WHERE m.jurisdiction = l.jurisdiction AND m.role = 'manager' AND m.active
                                 ORDER BY m.id) END AS recipients
           FROM leads l LEFT JOIN users o ON o.id = l.owner_id AND o.active
          WHERE l.next_action_at < ((${DAY_SQL} + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
            AND l.stage NOT IN ('lost', 'operating')
          ORDER BY l.jurisdiction, l.next_action_at, l.id`,
      );
      const notices: Notice[] = rows.flatMap((r) =>
        r.recipients.map((userId) => ({
          userId,
          jurisdiction: r.jurisdiction,
          type: 'next_action_due' as const,
          params: { leadTitle: r.title, due: r.due },
          link: `/leads/${r.id}`,
          dedupeKey: `next_action_due:${r.id}:${r.day}`,
        })),
      );
      const written = await this.writer.write(em, notices);
      // Each city's group hears the day's list once (its own leads: nothing of the partner's).
      const day = rows[0]?.day;
      for (const [jurisdiction, url] of Object.entries(this.config.notificationChannels.wecom)) {
        const due = rows.filter((r) => r.jurisdiction === jurisdiction);
        if (!url || !due.length) continue;
        const lines = due.slice(0, 30).map((r) => `> 《${r.title}》 下次跟进：${r.due}`);
        if (due.length > 30) lines.push(`> …… 另有 ${due.length - 30} 条`);
        await this.writer.deliver(
          em,
          'wecom',
          `${jurisdiction}:next_action_due:${day}`,
          jurisdiction,
          `今日待跟进线索 ${due.length} 条`,
          `### 今日待跟进线索 ${due.length} 条（${day}）\n${lines.join('\n')}`,
        );
      }
      return written.length;
    });
  }

  /** One digest e-mail a day per user with an address and notifications chosen for the digest. */
  private async queueDigests(): Promise<number> {
    if (!this.config.notificationChannels.smtpUrl) return 0;
    const users = await sqlRows<{ user_id: string; email: string; day: string }>(
      this.ds,
      `SELECT p.user_id, p.email, to_char(${DAY_SQL}, 'YYYY-MM-DD') AS day
         FROM notification_preferences p JOIN users u ON u.id = p.user_id AND u.active
        WHERE p.email IS NOT NULL
          AND EXISTS (SELECT 1 FROM notifications n
                       WHERE n.user_id = p.user_id AND n.mode = 'digest' AND n.digested_at IS NULL)
        ORDER BY p.user_id`,
    );
    let queued = 0;
    for (const u of users) {
      const done = await this.ds.transaction(async (em) => {
        const items = await sqlRows<{
          id: string;
          type: string;
          params: Record<string, unknown>;
          link: string;
        }>(
          em,
          `SELECT id, type, params, link FROM notifications
            WHERE user_id = $1 AND mode = 'digest' AND digested_at IS NULL ORDER BY seq FOR UPDATE`,
          [u.user_id],
        );
        if (!items.length) return false;
        const base = this.config.publicUrl ?? '';
        const lines = items.map((n) => {
          const r = renderNotification(n.type, n.params);
          return `· ${r.title}：${r.body}\n  ${base}${n.link}`;
        });
        const id = await this.writer.deliver(
          em,
          'email',
          `digest:${u.user_id}:${u.day}`,
          u.email,
          `链城每日提醒（${u.day}）：${items.length} 条`,
          `您好，以下是链城 ${u.day} 的提醒：\n\n${lines.join('\n')}\n`,
        );
        if (!id) return false; // today's digest went already; the rest waits for tomorrow
        await sqlRows(em, `UPDATE notifications SET digested_at = now() WHERE id = ANY($1::uuid[])`, [
          items.map((n) => n.id),
        ]);
        return true;
      });
      if (done) queued++;
    }
    return queued;
  }

  /**
   * Messages still unsent after an hour (their job gave up during a long outage, or Redis lost
   * it) get a new job: a message is delayed by an outage, never lost.
   */
  private async requeueStalled(): Promise<number> {
    const [row] = await sqlRows<{ n: number }>(
      this.ds,
      `WITH stalled AS (
         SELECT id FROM notification_deliveries
          WHERE status = 'pending' AND created_at < now() - interval '1 hour' LIMIT 1000),
       queued AS (
         ${OUTBOX_INSERT}
         SELECT 'deliver-notification', 'deliver-notification:' || id || ':' || to_char(${DAY_SQL}, 'YYYYMMDD'),
                jsonb_build_object('deliveryId', id)
           FROM stalled RETURNING 1)
       SELECT count(*)::int AS n FROM queued`,
    );
    return row.n;
  }

  async deliver(deliveryId: string): Promise<{ sent: boolean }> {
    let failure: Error | null = null;
    const result = await this.ds.transaction(async (em) => {
      // The lock makes a second job for the same message wait, then see it sent.
      const [d] = await sqlRows<{
        id: string;
        channel: 'email' | 'wecom';
        target: string;
        subject: string;
        body: string;
        status: string;
      }>(em, `SELECT * FROM notification_deliveries WHERE id = $1 FOR UPDATE`, [deliveryId]);
      if (!d || d.status === 'sent') return { sent: false };
      try {
        await (d.channel === 'email' ? this.sendMail(d) : this.sendWecom(d));
      } catch (e) {
        failure = e as Error;
        await sqlRows(
          em,
          `UPDATE notification_deliveries SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
          [d.id, failure.message.slice(0, 500)],
        );
        return { sent: false };
      }
      await sqlRows(
        em,
        `UPDATE notification_deliveries SET status = 'sent', sent_at = now(), attempts = attempts + 1,
                last_error = NULL WHERE id = $1`,
        [d.id],
      );
      return { sent: true };
    });
    if (failure) throw failure;
    return result;
  }

  private async sendMail(d: { id: string; target: string; subject: string; body: string }): Promise<void> {
    const url = this.config.notificationChannels.smtpUrl;
    if (!url) throw new Error('SMTP_URL is not set');
    this.mailer ??= createTransport(url);
    await this.mailer.sendMail({
      from: this.config.notificationChannels.mailFrom,
      to: d.target,
      subject: d.subject,
      text: d.body,
      // The same id on every attempt: a mail system that saw it already can drop a repeat.
      messageId: `<${d.id}@liancheng.local>`,
    });
  }

  private async sendWecom(d: { target: string; body: string }): Promise<void> {
    const url = this.config.notificationChannels.wecom[d.target];
    if (!url) throw new Error(`WECOM_WEBHOOK_URL_${d.target.toUpperCase()} is not set`);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { content: d.body } }),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await res.json().catch(() => null)) as { errcode?: number; errmsg?: string } | null;
    // The robot answers 200 with errcode 0 when it took the message.
    if (!res.ok || !answer || answer.errcode !== 0)
      throw new Error(`WeCom answered ${res.status} ${answer?.errmsg ?? ''}`.trim());
  }

  onModuleDestroy(): void {
    this.mailer?.close();
    this.logger.debug('notification jobs stopped');
  }
}
