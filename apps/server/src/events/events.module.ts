import { Module } from '@nestjs/common';
import { EventLog } from './event-log.js';
import { EventStreams } from './event-streams.service.js';
import { EventsController } from './events.controller.js';

/** The server-sent event stream of each session (`GET /api/sessions/:id/events`). */
@Module({
  controllers: [EventsController],
  providers: [EventLog, EventStreams],
  exports: [EventLog, EventStreams],
})
export class EventsModule {}
