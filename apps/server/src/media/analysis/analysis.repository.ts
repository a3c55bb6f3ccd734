import { analyses, type Database, files } from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, eq, inArray, lt, or, isNull, sql } from 'drizzle-orm';
import { DATABASE } from '../../common/tokens.js';
import type { WaveformInfo } from './waveform-codec.js';

export interface ClaimedJob {
  fileId: string;
  revisionId: string;
  sessionId: string;
  sha256: string;
  kind: 'mix' | 'stem';
  attempts: number;
}

/** Analysis jobs (the `analyses` table): claimed by one instance at a time, with a heartbeat. */
@Injectable()
export class AnalysisRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Takes a pending job for this instance. The conditional UPDATE makes the claim atomic: of several
   * instances asking for the same job, one gets it.
   */
  async claim(fileId: string, instanceId: string): Promise<ClaimedJob | undefined> {
    const now = new Date();
    const [claimed] = await this.db
      .update(analyses)
      .set({
        status: 'running',
        claimedBy: instanceId,
        heartbeatAt: now,
        startedAt: now,
        progress: 0,
        attempts: sql`${analyses.attempts} + 1`,
      })
      .where(and(eq(analyses.fileId, fileId), eq(analyses.status, 'pending')))
      .returning({ fileId: analyses.fileId, attempts: analyses.attempts });
    if (!claimed) return undefined;
    const [file] = await this.db
      .select({
        revisionId: files.revisionId,
        sessionId: files.sessionId,
        sha256: files.sha256,
        kind: files.kind,
      })
      .from(files)
      .where(eq(files.id, fileId));
    if (!file) return undefined;
    return { fileId, attempts: claimed.attempts, ...file };
  }

  /** Records progress (0..1) of a job this instance runs; also its heartbeat. */
  async progress(fileId: string, instanceId: string, fraction: number): Promise<void> {
    await this.db
      .update(analyses)
      .set({ progress: fraction, heartbeatAt: new Date() })
      .where(
        and(eq(analyses.fileId, fileId), eq(analyses.status, 'running'), eq(analyses.claimedBy, instanceId)),
      );
  }

  /** Refreshes the heartbeat of every job this instance runs. */
  async heartbeat(instanceId: string, fileIds: string[]): Promise<void> {
    if (fileIds.length === 0) return;
    await this.db
      .update(analyses)
      .set({ heartbeatAt: new Date() })
      .where(
        and(
          inArray(analyses.fileId, fileIds),
          eq(analyses.status, 'running'),
          eq(analyses.claimedBy, instanceId),
        ),
      );
  }

  async complete(
    fileId: string,
    instanceId: string,
    result: Record<string, unknown>,
    waveform: { info: WaveformInfo; bytes: Uint8Array } | null,
  ): Promise<boolean> {
    const rows = await this.db
      .update(analyses)
      .set({
        status: 'completed',
        progress: 1,
        result,
        waveformInfo: waveform?.info ?? null,
        waveform: waveform?.bytes ?? null,
        error: null,
        claimedBy: null,
        finishedAt: new Date(),
      })
      .where(
        and(eq(analyses.fileId, fileId), eq(analyses.status, 'running'), eq(analyses.claimedBy, instanceId)),
      )
      .returning({ fileId: analyses.fileId });
    return rows.length > 0;
  }

  async fail(fileId: string, instanceId: string, error: { code: string; message: string }): Promise<boolean> {
    const rows = await this.db
      .update(analyses)
      .set({ status: 'failed', error, claimedBy: null, finishedAt: new Date() })
      .where(
        and(eq(analyses.fileId, fileId), eq(analyses.status, 'running'), eq(analyses.claimedBy, instanceId)),
      )
      .returning({ fileId: analyses.fileId });
    return rows.length > 0;
  }

  /** Hands a job this instance runs back to the queue (shutdown, or a retry after a crash). */
  async release(fileId: string, instanceId: string): Promise<void> {
    await this.db
      .update(analyses)
      .set({ status: 'pending', claimedBy: null, heartbeatAt: null, progress: 0 })
      .where(
        and(eq(analyses.fileId, fileId), eq(analyses.status, 'running'), eq(analyses.claimedBy, instanceId)),
      );
  }

  /**
   * Puts running jobs whose instance stopped saying it runs them (heartbeat before `staleBefore`, or every
   * running job when `staleBefore` is undefined) back to pending. Returns their file ids.
   */
  async reclaim(staleBefore?: Date): Promise<string[]> {
    const rows = await this.db
      .update(analyses)
      .set({ status: 'pending', claimedBy: null, heartbeatAt: null, progress: 0 })
      .where(
        and(
          eq(analyses.status, 'running'),
          staleBefore ? or(isNull(analyses.heartbeatAt), lt(analyses.heartbeatAt, staleBefore)) : undefined,
        ),
      )
      .returning({ fileId: analyses.fileId });
    return rows.map((r) => r.fileId);
  }

  async listPending(limit = 200): Promise<string[]> {
    const rows = await this.db
      .select({ fileId: analyses.fileId })
      .from(analyses)
      .where(eq(analyses.status, 'pending'))
      .orderBy(asc(analyses.createdAt))
      .limit(limit);
    return rows.map((r) => r.fileId);
  }
}
