import { Module } from '@nestjs/common';
import { CONFIG } from '../common/tokens.js';
import type { Config } from '../config/config.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { MixDocuments } from './mix-documents.js';
import { SyncGateway } from './sync.gateway.js';
import { SyncRepository } from './sync.repository.js';
import { SyncService } from './sync.service.js';
import { SYNC_OPTIONS } from './sync-options.js';

/**
 * Real-time shared mix state: `WS /sync/:sessionId` (y-websocket protocol) and {@link MixDocuments} for
 * server-made changes. See SYNC.md.
 */
@Module({
  imports: [RealtimeModule],
  providers: [
    { provide: SYNC_OPTIONS, useFactory: (config: Config) => config.sync, inject: [CONFIG] },
    SyncRepository,
    SyncService,
    SyncGateway,
    MixDocuments,
  ],
  exports: [MixDocuments],
})
export class SyncModule {}
