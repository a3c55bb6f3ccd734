import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/tokens.js';
import { type SessionEvent, SessionEvents } from '../events/session-events.js';
import { RedisBus } from './redis-bus.js';

const CHANNEL = 'session-events';

/**
 * With REDIS_URL set, session events fan out to every instance: `publish` goes to Redis only, and every
 * instance (the publisher included) delivers what arrives on the channel to its local listeners, so each
 * listener sees each event exactly once. If Redis refuses the message, it is delivered locally so that
 * this instance's listeners still see it.
 */
@Injectable()
export class SessionEventsRelay implements OnModuleInit, OnModuleDestroy {
  private unsubscribe?: () => Promise<void>;

  constructor(
    @Inject(RedisBus) private readonly bus: RedisBus,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.bus.enabled) return;
    this.unsubscribe = await this.bus.subscribe(CHANNEL, (message) => {
      let event: SessionEvent;
      try {
        event = JSON.parse(message.toString('utf8')) as SessionEvent;
      } catch {
        return;
      }
      if (typeof event?.sessionId !== 'string' || typeof event.type !== 'string') return;
      this.events.deliver(event);
    });
    this.events.setTransport((event) => {
      this.bus.publish(CHANNEL, JSON.stringify(event)).catch((error: unknown) => {
        this.logger.warn(
          { err: error, type: event.type },
          'redis refused a session event; delivering locally',
        );
        this.events.deliver(event);
      });
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.events.setTransport(undefined);
    await this.unsubscribe?.();
  }
}
