import { mediaRoutes as r } from '@mixroom/contract';
import { Controller, Inject } from '@nestjs/common';
import { Api, ApiInput, type Input } from '../../common/api.decorator.js';
import { type Caller, CurrentCaller } from '../../common/caller.js';
import { RevisionsService } from './revisions.service.js';

@Controller()
export class RevisionsController {
  constructor(@Inject(RevisionsService) private readonly revisions: RevisionsService) {}

  @Api(r.createRevision)
  create(@CurrentCaller() caller: Caller, @ApiInput() { params, body }: Input<typeof r.createRevision>) {
    return this.revisions.create(caller, params.id, body);
  }

  @Api(r.listRevisions)
  list(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.listRevisions>) {
    return this.revisions.list(caller, params.id);
  }

  @Api(r.getRevision)
  get(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.getRevision>) {
    return this.revisions.get(caller, params.id);
  }
}
