import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import rangeParser from 'range-parser';
import type { Caller } from '../../common/caller.js';
import { AppError, badRequest, conflict, notFound } from '../../common/errors.js';
import { SessionAccess } from '../../sessions/session-access.service.js';
import type { BlobStore, ByteRange } from '../blobs/blob-store.js';
import { BLOB_STORE } from '../tokens.js';
import { waveformLevelJson } from '../analysis/waveform-codec.js';
import { FilesRepository, type FileWithAnalysis } from './files.repository.js';
import { contentTypeOf, toFileAnalysis } from './files.mapper.js';

/** The waveform zoom level served when the client does not ask for one (samples per pixel). */
export const DEFAULT_WAVEFORM_LEVEL = 1024;

@Injectable()
export class FilesService {
  constructor(
    @Inject(FilesRepository) private readonly files: FilesRepository,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(BLOB_STORE) private readonly blobStore: BlobStore,
  ) {}

  /** The file, if the caller is a member of its session; otherwise 404, exactly as for a file that does not exist. */
  private async readable(caller: Caller, fileId: string): Promise<FileWithAnalysis> {
    const file = await this.files.findFile(fileId);
    if (!file || !(await this.access.roleOf(file.sessionId, caller.userId)))
      throw notFound('File not found.');
    return file;
  }

  async analysis(caller: Caller, fileId: string) {
    return { analysis: toFileAnalysis(await this.readable(caller, fileId)) };
  }

  /**
   * The waveform overview as audiowaveform JSON. While the analysis is pending or running: 409
   * `analysis_pending` with Retry-After; when it failed: 422 `analysis_failed`.
   */
  async waveform(caller: Caller, fileId: string, samplesPerPixel?: number) {
    const file = await this.readable(caller, fileId);
    const { status, progress, error } = file.analysis;
    if (status === 'failed') {
      throw new AppError(
        422,
        'analysis_failed',
        error?.message ?? 'The analysis of this file failed.',
        error,
      );
    }
    if (status !== 'completed') {
      throw new AppError(
        409,
        'analysis_pending',
        'The waveform is not ready yet: the analysis is still running.',
        { status, progress },
        { 'Retry-After': '2' },
      );
    }
    const stored = await this.files.findWaveform(fileId);
    if (!stored?.info || !stored.bytes) throw conflict('This file has no waveform overview.', 'no_waveform');
    const levels = stored.info.levels.map((l) => l.samplesPerPixel);
    const wanted =
      samplesPerPixel ?? (levels.includes(DEFAULT_WAVEFORM_LEVEL) ? DEFAULT_WAVEFORM_LEVEL : levels[0]);
    const json = wanted === undefined ? undefined : waveformLevelJson(stored.info, stored.bytes, wanted);
    if (!json) {
      throw badRequest(`There is no waveform level with ${wanted} samples per pixel.`, [
        { field: 'query.samplesPerPixel', message: `one of ${levels.join(', ')}`, code: 'invalid_value' },
      ]);
    }
    return json;
  }

  /**
   * Streams the audio with HTTP Range support: one range per request (206 with Content-Range), 416 when no
   * requested byte exists, 200 with the whole file otherwise (also for multiple ranges, which HTTP allows).
   * The ETag is the SHA-256, so conditional requests and If-Range work across revisions and servers.
   */
  async sendAudio(caller: Caller, fileId: string, req: Request, res: Response): Promise<void> {
    const file = await this.readable(caller, fileId);
    const size = file.size;
    const etag = `"${file.sha256}"`;
    res.set({
      'Accept-Ranges': 'bytes',
      ETag: etag,
      'Content-Type': contentTypeOf(file.format),
      // Content-addressed: the bytes behind this URL never change; private because access is per member.
      'Cache-Control': 'private, max-age=31536000, immutable',
      'Content-Disposition': `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    });
    const ifNoneMatch = req.get('if-none-match');
    if (ifNoneMatch?.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      res.status(304).end();
      return;
    }
    let range: ByteRange | undefined;
    const header = req.get('range');
    const ifRange = req.get('if-range');
    if (header && (!ifRange || ifRange === etag)) {
      const parsed = rangeParser(size, header, { combine: true });
      if (parsed === -1) {
        throw new AppError(
          416,
          'range_not_satisfiable',
          `The file has ${size} bytes; the requested range lies outside it.`,
          undefined,
          { 'Content-Range': `bytes */${size}` },
        );
      }
      // -2 (malformed) and non-byte units are ignored, as HTTP says: the whole file is sent.
      if (parsed !== -2 && parsed.type === 'bytes' && parsed.length === 1) range = parsed[0];
    }
    if (range) {
      res.status(206);
      res.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      res.set('Content-Length', String(range.end - range.start + 1));
    } else {
      res.status(200);
      res.set('Content-Length', String(size));
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeline(this.blobStore.createReadStream(file.sha256, range), res);
    } catch (error) {
      // A listener that stops (seeking, closing the tab) ends the stream early; nothing to report.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    }
  }
}
