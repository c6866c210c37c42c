import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { APP_CONFIG, AppConfig } from '../config/config';
import { NOTIFICATION_CHANNEL } from './notification-writer';

/**
 * Wakes a user's open streams when a notification for them commits (Postgres LISTEN, one
 * connection per API process). Only a wake-up: the streams read what is new from the table, and
 * also look every few seconds, so a lost signal (listener reconnecting) only delays.
 */
@Injectable()
export class NotificationHub implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationHub.name);
  private readonly subscribers = new Map<string, Set<() => void>>();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  subscribe(userId: string, wake: () => void): () => void {
    void this.ensureListening();
    const set = this.subscribers.get(userId) ?? new Set();
    set.add(wake);
    this.subscribers.set(userId, set);
    return () => {
      set.delete(wake);
      if (!set.size) this.subscribers.delete(userId);
    };
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new Client({ connectionString: this.config.databaseUrl });
      client.on('error', (e) => {
        this.logger.warn(`notification listener lost: ${e.message}`);
        if (this.client === client) this.client = null;
        void client.end().catch(() => undefined);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${NOTIFICATION_CHANNEL}`);
        client.on('notification', (m) => {
          for (const wake of this.subscribers.get(m.payload ?? '') ?? []) wake();
        });
        this.client = client;
      } catch (e) {
        this.logger.warn(`notification listener unavailable, streams poll: ${(e as Error).message}`);
        await client.end().catch(() => undefined);
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.connecting;
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
