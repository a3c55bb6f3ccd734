import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/tokens.js';
import { BLOB_STORE } from '../tokens.js';
import type { BlobStore } from './blob-store.js';
import { BlobsRepository } from './blobs.repository.js';

/** Keeps the blob store and the `blobs` table in step: bytes go once nothing refers to them. */
@Injectable()
export class BlobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(BlobsRepository) private readonly blobs: BlobsRepository,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A remote store (S3) says at start-up whether it is reachable, so a wrong setting fails loudly and early. */
  async onApplicationBootstrap(): Promise<void> {
    await (this.store as BlobStore & { check?: () => Promise<void> }).check?.();
  }

  onApplicationShutdown(): void {
    (this.store as BlobStore & { close?: () => void }).close?.();
  }

  /** Removes each of these blobs that no upload or file refers to any more. Returns how many went. */
  async collect(shas: Iterable<string | null | undefined>): Promise<number> {
    let removed = 0;
    for (const sha256 of new Set(shas)) {
      if (!sha256) continue;
      try {
        if (await this.blobs.deleteIfUnreferenced(sha256, () => this.store.delete(sha256))) removed += 1;
      } catch (error) {
        this.logger.warn({ err: error, sha256 }, 'could not remove an unreferenced blob');
      }
    }
    return removed;
  }

  /** Removes every unreferenced blob (e.g. of deleted sessions). */
  async sweep(): Promise<number> {
    return this.collect(await this.blobs.listUnreferenced());
  }
}
