import { noteRoutes as r } from '@mixroom/contract';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Api, ApiInput, type Input } from '../common/api.decorator.js';
import { type Caller, CurrentCaller } from '../common/caller.js';
import { EventStreams } from './event-streams.service.js';

@Controller()
export class EventsController {
  constructor(@Inject(EventStreams) private readonly streams: EventStreams) {}

  @Api(r.sessionEvents)
  stream(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params, query }: Input<typeof r.sessionEvents>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const header = req.headers['last-event-id'];
    const lastEventId = query.lastEventId ?? (typeof header === 'string' ? header : undefined);
    return this.streams.open(caller, params.id, { lastEventId, once: query.once }, req, res);
  }
}
