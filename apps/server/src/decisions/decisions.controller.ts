import { noteRoutes as r } from '@mixroom/contract';
import { Controller, Inject } from '@nestjs/common';
import { Api, ApiInput, type Input } from '../common/api.decorator.js';
import { type Caller, CurrentCaller } from '../common/caller.js';
import { BriefSignaturesService } from './brief-signatures.service.js';
import { DecisionsService } from './decisions.service.js';

@Controller()
export class DecisionsController {
  constructor(
    @Inject(DecisionsService) private readonly decisions: DecisionsService,
    @Inject(BriefSignaturesService) private readonly signatures: BriefSignaturesService,
  ) {}

  @Api(r.createDecision)
  decide(@CurrentCaller() caller: Caller, @ApiInput() { params, body }: Input<typeof r.createDecision>) {
    return this.decisions.decide(caller, params.id, body);
  }

  @Api(r.listDecisions)
  list(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.listDecisions>) {
    return this.decisions.list(caller, params.id);
  }

  @Api(r.signBrief)
  sign(@CurrentCaller() caller: Caller, @ApiInput() { params }: Input<typeof r.signBrief>) {
    return this.signatures.sign(caller, params.id);
  }

  @Api(r.listBriefSignatures)
  listSignatures(
    @CurrentCaller() caller: Caller,
    @ApiInput() { params }: Input<typeof r.listBriefSignatures>,
  ) {
    return this.signatures.list(caller, params.id);
  }
}
