import { Module } from '@nestjs/common';
import { ActivityModule } from '../activity/activity.module.js';
import { MixDocuments } from '../sync/mix-documents.js';
import { SyncModule } from '../sync/sync.module.js';
import { MIX_DOCUMENTS } from './mix-reader.js';
import { NotesController } from './notes.controller.js';
import { NotesRepository } from './notes.repository.js';
import { NotesService } from './notes.service.js';
import { RevisionLookup } from './revision-lookup.repository.js';

/** Timestamped notes on revisions (threads, mentions, resolve, history). */
@Module({
  imports: [ActivityModule, SyncModule],
  controllers: [NotesController],
  providers: [
    NotesRepository,
    NotesService,
    RevisionLookup,
    { provide: MIX_DOCUMENTS, useExisting: MixDocuments },
  ],
  exports: [NotesService, NotesRepository, RevisionLookup, MIX_DOCUMENTS],
})
export class NotesModule {}
