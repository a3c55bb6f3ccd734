import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { REDIS } from '../common/redis.js';
import { CONFIG, LOGGER } from '../common/tokens.js';
import type { Config } from '../config/config.js';

export type BusHandler = (message: Buffer) => void;

/**
 * Pub/sub between server instances over Redis (REDIS_URL). Every channel is prefixed with REDIS_PREFIX.
 * Subscriptions use their own connection (`redis.duplicate()`: a subscribed connection can do nothing
 * else) and are reference-counted per channel. Pub/sub is at-most-once: users must heal lost messages
 * themselves (the sync service reconciles state vectors periodically). Disabled (`enabled` false, every
 * call a no-op) in single-instance mode.
 */
@Injectable()
export class RedisBus implements OnApplicationShutdown {
  /** Identifies this process in messages, so it can skip its own. */
  readonly instanceId = randomBytes(8).toString('hex');
  private subscriber: Redis | null = null;
  private readonly handlers = new Map<string, Set<BusHandler>>();
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis | null,
    @Inject(CONFIG) config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.prefix = config.redisPrefix;
  }

  get enabled(): boolean {
    return this.redis !== null;
  }

  /** Subscribes to `name` (prefixed); resolves once Redis confirmed, with an unsubscribe function. */
  async subscribe(name: string, handler: BusHandler): Promise<() => Promise<void>> {
    if (!this.redis) return async () => {};
    const channel = this.prefix + name;
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      set.add(handler);
      try {
        await this.connection().subscribe(channel);
      } catch (error) {
        set.delete(handler);
        if (set.size === 0 && this.handlers.get(channel) === set) this.handlers.delete(channel);
        throw error;
      }
    } else {
      set.add(handler);
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const current = this.handlers.get(channel);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) {
        this.handlers.delete(channel);
        await this.subscriber?.unsubscribe(channel).catch(() => {});
      }
    };
  }

  /** Publishes to `name` (prefixed). Rejects when Redis is unreachable. */
  async publish(name: string, message: Buffer | Uint8Array | string): Promise<void> {
    if (!this.redis) return;
    await this.redis.publish(
      this.prefix + name,
      typeof message === 'string'
        ? message
        : Buffer.from(message.buffer, message.byteOffset, message.byteLength),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.handlers.clear();
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) await sub.quit().catch(() => sub.disconnect());
  }

  private connection(): Redis {
    if (this.subscriber) return this.subscriber;
    const sub = this.redis!.duplicate();
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const set = this.handlers.get(channel.toString());
      if (!set) return;
      for (const handler of set) {
        try {
          handler(message);
        } catch (error) {
          this.logger.error({ err: error, channel: channel.toString() }, 'bus handler failed');
        }
      }
    });
    sub.on('error', (error: Error) => this.logger.warn({ err: error }, 'redis subscriber error'));
    this.subscriber = sub;
    return sub;
  }
}
