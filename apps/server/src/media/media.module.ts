import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { CONFIG } from '../common/tokens.js';
import { SyncModule } from '../sync/sync.module.js';
import type { Config } from '../config/config.js';
import { AnalysisRepository } from './analysis/analysis.repository.js';
import { AnalysisService } from './analysis/analysis.service.js';
import { type BlobStore, FsBlobStore } from './blobs/blob-store.js';
import { BlobsRepository } from './blobs/blobs.repository.js';
import { BlobsService } from './blobs/blobs.service.js';
import { FilesController } from './files/files.controller.js';
import { FilesRepository } from './files/files.repository.js';
import { FilesService } from './files/files.service.js';
import { S3BlobStore } from './s3-blob-store.js';
import { RevisionsController } from './revisions/revisions.controller.js';
import { RevisionsRepository } from './revisions/revisions.repository.js';
import { RevisionsService } from './revisions/revisions.service.js';
import { BLOB_STORE } from './tokens.js';
import { UploadsRepository } from './uploads/uploads.repository.js';
import { UploadsService } from './uploads/uploads.service.js';

/**
 * Uploads (tus), the content-addressed blob store, revisions and their files, background analysis, and
 * serving audio. Exports the revisions repository (decisions change a revision's status through it).
 */
@Module({
  imports: [SyncModule],
  controllers: [RevisionsController, FilesController],
  providers: [
    {
      provide: BLOB_STORE,
      useFactory: (config: Config): BlobStore =>
        config.blobStore.kind === 's3'
          ? new S3BlobStore({ ...config.blobStore, tempDir: join(config.dataDir, 'tmp') })
          : new FsBlobStore(join(config.dataDir, 'blobs')),
      inject: [CONFIG],
    },
    BlobsRepository,
    BlobsService,
    UploadsRepository,
    UploadsService,
    RevisionsRepository,
    RevisionsService,
    FilesRepository,
    FilesService,
    AnalysisRepository,
    AnalysisService,
  ],
  exports: [BLOB_STORE, RevisionsRepository, FilesRepository, RevisionsService, BlobsService, UploadsService],
})
export class MediaModule {}
