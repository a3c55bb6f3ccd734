import { Module } from '@nestjs/common';
import { RedisBus } from './redis-bus.js';
import { SessionEventsRelay } from './session-events-relay.js';

/** Fan-out between server instances over Redis pub/sub (inactive without REDIS_URL). */
@Module({
  providers: [RedisBus, SessionEventsRelay],
  exports: [RedisBus],
})
export class RealtimeModule {}
