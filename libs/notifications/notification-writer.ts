import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { sqlRows } from '../db/sql';
import { OutboxService } from '../outbox/outbox.service';
import {
  NotificationMode,
  NotificationParams,
  NotificationType,
  renderNotification,
} from './notification-types';
import { JOB_KEYS } from '../jobs/jobs';

/** The channel a user's stream listens on (payload: the user id). */
export const NOTIFICATION_CHANNEL = 'lc_notifications';

/** One user to tell about one cause. */
export interface Notice {
  userId: string;
  jurisdiction: string;
  type: NotificationType;
  params: NotificationParams;
  link: string;
  /** The cause: one notification per user and key, however often the job runs. */
  dedupeKey: string;
}

/** Types whose news also goes to the city's WeCom group (the rest is one person's business). */
const WECOM_TYPES: ReadonlySet<NotificationType> = new Set(['collision', 'agreement_waiting']);

/**
 * Writes notifications (only the notification jobs call it: libs/notifications/notification-rules.ts
 * and the daily job). Honours each user's preferences, numbers a user's notifications in commit
 * order, wakes the user's streams at commit, and records channel messages with their jobs in the
 * same transaction.
 */
@Injectable()
export class NotificationWriter {
  constructor(
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Returns the notices written now (those already written for their key are skipped). */
  async write(em: EntityManager, notices: Notice[]): Promise<Notice[]> {
    if (!notices.length) return [];
    const users = [...new Set(notices.map((n) => n.userId))].sort();
    const prefs = await sqlRows<{ id: string; modes: Record<string, NotificationMode> | null }>(
      em,
      `SELECT u.id, p.modes FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id
        WHERE u.id = ANY($1::uuid[]) AND u.active`,
      [users],
    );
    const modeOf = new Map(prefs.map((p) => [p.id, p.modes ?? {}]));
    const written: Notice[] = [];
    // Users in a fixed order: two jobs telling the same users never wait on each other in a circle.
    for (const userId of users) {
      const modes = modeOf.get(userId);
      if (!modes) continue; // inactive or gone
      for (const n of notices.filter((x) => x.userId === userId)) {
        const mode = modes[n.type] ?? 'in_app';
        if (mode === 'off') continue;
        const [seen] = await sqlRows(
          em,
          `SELECT 1 FROM notifications WHERE user_id = $1 AND dedupe_key = $2`,
          [userId, n.dedupeKey],
        );
        if (seen) continue;
        // The counter row stays locked until commit: a user's seq grows in commit order.
        const [{ last_seq: seq }] = await sqlRows<{ last_seq: string }>(
          em,
          `INSERT INTO notification_counters (user_id, last_seq) VALUES ($1, 1)
           ON CONFLICT (user_id) DO UPDATE SET last_seq = notification_counters.last_seq + 1
           RETURNING last_seq`,
          [userId],
        );
        const inserted = await sqlRows(
          em,
          `INSERT INTO notifications (user_id, seq, jurisdiction, type, params, link, dedupe_key, mode)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id`,
          [userId, seq, n.jurisdiction, n.type, n.params, n.link, n.dedupeKey, mode],
        );
        if (inserted.length) written.push(n);
      }
      if (written.some((n) => n.userId === userId))
        await sqlRows(em, `SELECT pg_notify($1, $2)`, [NOTIFICATION_CHANNEL, userId]);
    }
    await this.toWecom(em, written);
    return written;
  }

  /** One WeCom message per city and cause, for the types a city's group hears of. */
  private async toWecom(em: EntityManager, written: Notice[]): Promise<void> {
    const seen = new Set<string>();
    for (const n of written) {
      if (!WECOM_TYPES.has(n.type) || !this.config.notificationChannels.wecom[n.jurisdiction]) continue;
      const key = `${n.jurisdiction}:${n.dedupeKey}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const { title, body } = renderNotification(n.type, n.params);
      await this.deliver(em, 'wecom', key, n.jurisdiction, title, `### ${title}\n${body}`);
    }
  }

  /**
   * Records one channel message and its sending job (once per channel and key: a second call
   * changes nothing). The job sends it and marks it sent.
   */
  async deliver(
    em: EntityManager,
    channel: 'email' | 'wecom',
    dedupeKey: string,
    target: string,
    subject: string,
    body: string,
  ): Promise<string | null> {
    const [row] = await sqlRows<{ id: string }>(
      em,
      `INSERT INTO notification_deliveries (channel, dedupe_key, target, subject, body)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, dedupe_key) DO NOTHING RETURNING id`,
      [channel, dedupeKey, target, subject, body],
    );
    if (!row) return null;
    await this.outbox.enqueue(
      em,
      'deliver-notification',
      { deliveryId: row.id },
      JOB_KEYS.deliverNotification(row.id),
    );
    return row.id;
  }
}
