import { demoRoutes as r } from '@mixroom/contract';
import { Controller, Inject, Module, Req } from '@nestjs/common';
import { Api } from '../common/api.decorator.js';
import { type Caller, CurrentCaller, type RequestWithCaller } from '../common/caller.js';
import { SyncModule } from '../sync/sync.module.js';
import { DemoService } from './demo.service.js';

@Controller()
export class DemoController {
  constructor(@Inject(DemoService) private readonly demo: DemoService) {}

  @Api(r.createDemo)
  create(@CurrentCaller() caller: Caller, @Req() req: RequestWithCaller) {
    return this.demo.create(caller, req);
  }
}

/** `POST /api/demo`: the demo session offered on first start. */
@Module({ imports: [SyncModule], controllers: [DemoController], providers: [DemoService] })
export class DemoModule {}
