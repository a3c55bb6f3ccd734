import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module.js';
import { NotesModule } from '../notes/notes.module.js';
import { BriefSignaturesService } from './brief-signatures.service.js';
import { DecisionsController } from './decisions.controller.js';
import { DecisionsRepository } from './decisions.repository.js';
import { DecisionsService } from './decisions.service.js';

/** Approvals of revisions (with the approved files' hash) and sign-off of the vision brief. */
@Module({
  imports: [NotesModule, ActivityModule],
  controllers: [DecisionsController],
  providers: [DecisionsRepository, DecisionsService, BriefSignaturesService],
  exports: [DecisionsService],
})
export class DecisionsModule {}
