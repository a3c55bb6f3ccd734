import type { BriefSignature } from '@mixroom/contract';
import { briefContentHash } from '@mixroom/mix-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../common/caller.js';
import { SessionEvents } from '../events/session-events.js';
import { MIX_DOCUMENTS, type MixDocumentReader } from '../notes/mix-reader.js';
import { SessionAccess } from '../sessions/session-access.service.js';
import { type BriefSignatureRow, DecisionsRepository } from './decisions.repository.js';

const toSignature = (row: BriefSignatureRow, currentHash: string): BriefSignature => ({
  id: row.id,
  userId: row.userId,
  displayName: row.displayName,
  signedAt: row.signedAt.toISOString(),
  briefHash: row.briefHash,
  matchesCurrent: row.briefHash === currentHash,
});

/**
 * Sign-off of the vision brief: a signature records the brief's content hash (mix-model's
 * briefContentHash of the live document); an edit that changes the brief makes earlier signatures stop
 * matching, which asks for new ones.
 */
@Injectable()
export class BriefSignaturesService {
  constructor(
    @Inject(DecisionsRepository) private readonly repo: DecisionsRepository,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(MIX_DOCUMENTS) private readonly mixDocs: MixDocumentReader,
  ) {}

  private currentHash(sessionId: string): Promise<string> {
    return this.mixDocs.read(sessionId, (doc) => briefContentHash(doc));
  }

  async sign(caller: Caller, sessionId: string) {
    // Signing the brief is part of the 'edit' right (engineer, artist): viewers get 403.
    await this.access.require(sessionId, caller, 'edit');
    const briefHash = await this.currentHash(sessionId);
    const row = await this.repo.createSignature({
      sessionId,
      userId: caller.userId,
      displayName: caller.displayName,
      briefHash,
    });
    const signature = toSignature(row, briefHash);
    this.events.publish(sessionId, 'brief.signature.created', { signature }, caller.userId);
    return { signature };
  }

  async list(caller: Caller, sessionId: string) {
    await this.access.require(sessionId, caller, 'read');
    const [currentBriefHash, rows] = await Promise.all([
      this.currentHash(sessionId),
      this.repo.latestSignatures(sessionId),
    ]);
    return { currentBriefHash, signatures: rows.map((r) => toSignature(r, currentBriefHash)) };
  }
}
