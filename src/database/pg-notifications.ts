import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';

type Handler = (payload: string) => void;

/**
 * PostgreSQL LISTEN/NOTIFY between the replicas of one deployment: one listening connection per process, opened on
 * the first `listen` and re-opened (channels listened again) when it drops. What each process keeps in memory for
 * the others (rate-limit penalties, cached settings and credentials) travels this way in milliseconds.
 */
@Injectable()
export class PgNotifications implements OnApplicationShutdown {
  private readonly logger = new Logger(PgNotifications.name);
  private readonly handlers = new Map<string, Handler[]>();
  private client?: Client;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Calls `handler` with the payload of every notification on `channel` (a plain identifier), from any process. */
  async listen(channel: string, handler: Handler): Promise<void> {
    const list = this.handlers.get(channel) ?? [];
    list.push(handler);
    this.handlers.set(channel, list);
    await this.connect();
    if (list.length === 1) await this.client?.query(`LISTEN ${channel}`);
  }

  /** Sends `payload` to every listener of `channel`, this process's included. */
  async notify(channel: string, payload: string): Promise<void> {
    await this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private connect(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new Client({ connectionString: this.config.get('database', { infer: true }).url, application_name: 'sscl-notify' });
      client.on('notification', (message) => {
        for (const handler of this.handlers.get(message.channel) ?? []) {
          try {
            handler(message.payload ?? '');
          } catch (error) {
            this.logger.warn({ err: error, channel: message.channel }, 'a notification handler failed');
          }
        }
      });
      client.on('error', (error) => {
        if (this.closed) return;
        this.logger.warn({ err: error }, 'the notification connection failed; reconnecting');
        this.client = undefined;
        setTimeout(() => void this.reconnect(), 1_000).unref();
      });
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async reconnect(): Promise<void> {
    await this.connect().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'could not reconnect the notification connection; retrying');
      setTimeout(() => void this.reconnect(), 2_000).unref();
    });
  }
}
