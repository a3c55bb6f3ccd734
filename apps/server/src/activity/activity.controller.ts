import { noteRoutes as r } from '@mixroom/contract';
import { Controller, Inject } from '@nestjs/common';
import { Api, ApiInput, type Input } from '../common/api.decorator.js';
import { type Caller, CurrentCaller } from '../common/caller.js';
import { ActivityService } from './activity.service.js';

@Controller()
export class ActivityController {
  constructor(@Inject(ActivityService) private readonly activity: ActivityService) {}

  @Api(r.listActivity)
  list(@CurrentCaller() caller: Caller, @ApiInput() { query }: Input<typeof r.listActivity>) {
    return this.activity.list(caller, query);
  }

  @Api(r.markActivityRead)
  markRead(@CurrentCaller() caller: Caller, @ApiInput() { body }: Input<typeof r.markActivityRead>) {
    return this.activity.markRead(caller, body);
  }
}
