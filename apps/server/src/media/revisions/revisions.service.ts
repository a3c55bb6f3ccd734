import { extname } from 'node:path';
import type { CreateRevisionBody, Revision } from '@mixroom/contract';
import { AudioDecodeError, type AudioInfo, probeAudio } from '@mixroom/audio';
import { LIMITS, placeRevisionStems } from '@mixroom/mix-model';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Caller } from '../../common/caller.js';
import { AppError, conflict, notFound } from '../../common/errors.js';
import { LOGGER } from '../../common/tokens.js';
import { SessionEvents } from '../../events/session-events.js';
import { SessionAccess } from '../../sessions/session-access.service.js';
import { MixDocuments } from '../../sync/mix-documents.js';
import { AnalysisService } from '../analysis/analysis.service.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { BlobsService } from '../blobs/blobs.service.js';
import { FilesRepository, type FileWithAnalysis } from '../files/files.repository.js';
import { toRevisionFile } from '../files/files.mapper.js';
import { BLOB_STORE } from '../tokens.js';
import { type UploadRow, UploadsRepository } from '../uploads/uploads.repository.js';
import { type NewRevisionFile, type RevisionRow, RevisionsRepository } from './revisions.repository.js';

/** Over all files: failed if any failed, completed when all completed, running if any runs. */
function overallAnalysis(files: FileWithAnalysis[]): Revision['analysis'] {
  if (files.length === 0) return { status: 'completed', progress: 1 };
  const statuses = files.map((f) => f.analysis.status);
  const progress =
    files.reduce((sum, f) => sum + (f.analysis.status === 'completed' ? 1 : f.analysis.progress), 0) /
    files.length;
  const status = statuses.includes('failed')
    ? 'failed'
    : statuses.every((s) => s === 'completed')
      ? 'completed'
      : statuses.includes('running') || statuses.includes('completed')
        ? 'running'
        : 'pending';
  return { status, progress: Math.round(progress * 1000) / 1000 };
}

export function toRevision(row: RevisionRow, files: FileWithAnalysis[]): Revision {
  return {
    id: row.id,
    sessionId: row.sessionId,
    number: row.number,
    status: row.status,
    changelog: row.changelog,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    statusChangedAt: row.statusChangedAt?.toISOString() ?? null,
    files: files.map(toRevisionFile),
    analysis: overallAnalysis(files),
  };
}

/** A stem's display name: its file name without the extension. */
const displayName = (filename: string) =>
  filename.slice(0, filename.length - extname(filename).length) || filename;

@Injectable()
export class RevisionsService {
  constructor(
    @Inject(RevisionsRepository) private readonly revisions: RevisionsRepository,
    @Inject(FilesRepository) private readonly files: FilesRepository,
    @Inject(UploadsRepository) private readonly uploads: UploadsRepository,
    @Inject(BlobsService) private readonly blobs: BlobsService,
    @Inject(BLOB_STORE) private readonly blobStore: BlobStore,
    @Inject(AnalysisService) private readonly analysis: AnalysisService,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(MixDocuments) private readonly mixDocuments: MixDocuments,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Delivers a revision from completed uploads: every file must decode (probed from its headers), else 422
   * and nothing is kept — no revision, no files, and the unreadable uploads and their blobs are removed.
   */
  async create(caller: Caller, sessionId: string, body: CreateRevisionBody) {
    await this.access.require(sessionId, caller, 'manage');
    const ids = [body.mixUploadId, ...(body.stemUploadIds ?? [])];
    const found = new Map((await this.uploads.findMany(ids)).map((u) => [u.id, u]));
    const uploads = ids.map((id) => {
      const upload = found.get(id);
      if (!upload || upload.ownerId !== caller.userId || upload.sessionId !== sessionId) {
        throw new AppError(404, 'upload_not_found', `There is no upload ${id} of yours in this session.`, {
          uploadId: id,
        });
      }
      if (upload.status !== 'complete' || !upload.sha256) {
        throw conflict(`The upload of ${upload.filename} is not complete yet.`, 'upload_incomplete');
      }
      return upload as UploadRow & { sha256: string; size: number };
    });

    const probed = await this.probeAll(uploads);
    const created = await this.revisions.create({
      sessionId,
      createdBy: caller.userId,
      changelog: body.changelog ?? null,
      files: uploads.map(
        (u, i): NewRevisionFile => ({
          kind: i === 0 ? 'mix' : 'stem',
          name: displayName(u.filename),
          filename: u.filename,
          sha256: u.sha256,
          size: u.size,
          format: probed[i]!.format,
          sampleRate: probed[i]!.sampleRate,
          channels: probed[i]!.channels,
          bitsPerSample: probed[i]!.bitsPerSample,
          durationS: probed[i]!.durationS,
        }),
      ),
    });
    const files = await this.files.filesOf([created.revision.id]);
    const revision = toRevision(created.revision, files);
    this.events.publish(sessionId, 'revision.created', { revision }, caller.userId);
    this.analysis.enqueue(files.map((f) => f.id));
    const stems = files.filter((f) => f.kind === 'stem').map((f) => ({ fileId: f.id, name: f.name }));
    if (stems.length > 0) {
      await this.placeStemsInMix(sessionId, stems).catch((err) =>
        this.logger.error({ err, sessionId }, 'could not add the stems to the mix document'),
      );
    }
    return { revision };
  }

  /** Probes every upload; on any failure removes the unreadable uploads (and their blobs) and answers 422. */
  private async probeAll(uploads: (UploadRow & { sha256: string })[]): Promise<AudioInfo[]> {
    const infos: AudioInfo[] = [];
    const bad: { upload: UploadRow; error: AudioDecodeError }[] = [];
    for (const upload of uploads) {
      try {
        const info = await this.blobStore.withLocalFile(upload.sha256, (path) => probeAudio(path));
        if (info.frames === 0 && info.framesExact) {
          throw new AudioDecodeError('unreadable', 'the file contains no audio samples');
        }
        infos.push(info);
      } catch (error) {
        if (!(error instanceof AudioDecodeError)) throw error;
        bad.push({ upload, error });
      }
    }
    if (bad.length === 0) return infos;
    await this.uploads.deleteMany(bad.map((b) => b.upload.id));
    await this.blobs.collect(bad.map((b) => b.upload.sha256));
    throw new AppError(
      422,
      'unreadable_audio',
      bad[0]!.error.message,
      bad.map((b) => ({
        uploadId: b.upload.id,
        filename: b.upload.filename,
        reason: b.error.code,
        message: b.error.message,
      })),
    );
  }

  /**
   * Puts the revision's stems into the session's shared mix document: a stem named like one already there
   * takes it over (settings and scene automation carry over to the new bounce), others are added. The
   * document validates and broadcasts the change like any client edit.
   */
  private async placeStemsInMix(sessionId: string, stems: { fileId: string; name: string }[]): Promise<void> {
    await this.mixDocuments.change(sessionId, (doc) => {
      placeRevisionStems(
        doc,
        stems.map((s) => ({ fileId: s.fileId, name: s.name.slice(0, LIMITS.labelMax) })),
      );
    });
  }

  async list(caller: Caller, sessionId: string) {
    await this.access.require(sessionId, caller, 'read');
    const rows = await this.revisions.listForSession(sessionId);
    const files = await this.files.filesOf(rows.map((r) => r.id));
    return {
      revisions: rows.map((r) =>
        toRevision(
          r,
          files.filter((f) => f.revisionId === r.id),
        ),
      ),
    };
  }

  async get(caller: Caller, revisionId: string) {
    const row = await this.revisions.findById(revisionId);
    // An outsider learns nothing: a revision they cannot see reads exactly like one that does not exist.
    if (!row || !(await this.access.roleOf(row.sessionId, caller.userId)))
      throw notFound('Revision not found.');
    return { revision: toRevision(row, await this.files.filesOf([row.id])) };
  }
}
