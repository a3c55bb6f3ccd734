import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UploadMetadata } from '@mixroom/contract';
import { FileStore } from '@tus/file-store';
import { EVENTS, Metadata, Server as TusServer, type Upload } from '@tus/server';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { AuthService } from '../../accounts/auth.service.js';
import { readBearer, readSessionCookie } from '../../accounts/session-cookie.js';
import type { Caller } from '../../common/caller.js';
import { errorBody } from '../../common/error.filter.js';
import { AppError, badRequest, conflict, notFound, tooLarge, unauthorized } from '../../common/errors.js';
import { CONFIG, LOGGER } from '../../common/tokens.js';
import type { Config } from '../../config/config.js';
import { SessionAccess } from '../../sessions/session-access.service.js';
import { hashFile } from '../blobs/blob-store.js';
import { BlobsService } from '../blobs/blobs.service.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { BLOB_STORE } from '../tokens.js';
import { type UploadRow, UploadsRepository } from './uploads.repository.js';

export const UPLOADS_PATH = '/api/uploads';
/** Completed uploads that no revision used are forgotten after a week (their blob goes unless a file uses it). */
export const COMPLETED_UPLOAD_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Files in the upload directory without a live upload are removed once they are this old. */
const ORPHAN_GRACE_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the gate in front of tus learned about a creation request, for the tus hooks. */
interface CreationContext {
  caller: Caller;
  metadata: UploadMetadata;
}

type TusRequest = { runtime?: { node?: { req?: IncomingMessage } } };

/**
 * Resumable uploads: a tus 1.0 server (creation, resumable PATCH, HEAD offset, termination, expiration)
 * writing to DATA_DIR/uploads, behind a gate that authenticates the caller, checks that they are an engineer
 * of the upload's session and enforces the size cap before any byte is stored. A finished upload is hashed
 * (streaming SHA-256) and stored once in the content-addressed blob store; abandoned ones expire.
 */
@Injectable()
export class UploadsService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly directory: string;
  private readonly store: FileStore;
  private readonly tus: TusServer;
  private readonly creations = new WeakMap<IncomingMessage, CreationContext>();
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SessionAccess) private readonly access: SessionAccess,
    @Inject(UploadsRepository) private readonly uploads: UploadsRepository,
    @Inject(BlobsService) private readonly blobs: BlobsService,
    @Inject(BLOB_STORE) private readonly blobStore: BlobStore,
  ) {
    this.directory = join(config.dataDir, 'uploads');
    this.store = new FileStore({
      directory: this.directory,
      expirationPeriodInMilliseconds: config.uploadExpiryS * 1000,
    });
    this.tus = new TusServer({
      path: UPLOADS_PATH,
      datastore: this.store,
      maxSize: config.maxUploadBytes,
      // Relative, so the Location works behind any proxy and from any host name.
      relativeLocation: true,
      // The web client is served from PUBLIC_URL; other origins get no CORS grant.
      allowedOrigins: [new URL(config.publicUrl).origin],
      namingFunction: () => randomUUID(),
      onUploadCreate: (req, upload) => this.onCreate(req, upload),
      onUploadFinish: async (_req, upload) => {
        await this.finish(upload);
        return {};
      },
      onResponseError: (_req, error) => {
        if (error instanceof Error) this.logger.error({ err: error }, 'upload failed');
        return undefined;
      },
    });
    // The tus files of a finished upload are read once more while the response is built, so they go after it.
    this.tus.on(EVENTS.POST_FINISH, (_req, _res, upload: Upload) => void this.removeTusFiles(upload.id));
    this.tus.on(EVENTS.POST_TERMINATE, (_req, _res, id: string) => {
      void this.uploads
        .delete(id)
        .catch((err) => this.logger.warn({ err, id }, 'could not forget an upload'));
    });
  }

  /** Express handler for /api/uploads and /api/uploads/:id (mounted ahead of the JSON body parser). */
  readonly handler: RequestHandler = (req, res) => {
    this.handle(req, res).catch((error) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof AppError) {
        for (const [k, v] of Object.entries(error.headers ?? {})) res.setHeader(k, v);
        res
          .status(error.status)
          .set('Tus-Resumable', '1.0.0')
          .json(errorBody(error.status, error.code, error.message, error.details));
        return;
      }
      this.logger.error({ err: error }, 'upload request failed');
      res.status(500).json(errorBody(500, 'internal', 'Something went wrong on the server.'));
    });
  };

  private async handle(req: Request, res: Response): Promise<void> {
    const path = (req.originalUrl.split('?')[0] ?? '').slice(UPLOADS_PATH.length);
    const id = path.replace(/^\/+|\/+$/g, '') || undefined;
    if (req.method === 'OPTIONS') return this.passToTus(req, res);

    const bearer = readBearer(req);
    const caller = await this.auth.authenticate({ bearer, cookie: readSessionCookie(req.headers.cookie) });
    if (bearer && !caller) throw unauthorized('The access token is invalid or revoked.');
    if (!caller) throw unauthorized();

    if (id === undefined) {
      if (req.method !== 'POST') throw notFound();
      this.creations.set(req, await this.checkCreation(req, caller));
      return this.passToTus(req, res);
    }

    if (!UUID.test(id)) throw notFound('No such upload.');
    const row = await this.uploads.findById(id);
    // Someone else's upload is indistinguishable from none.
    if (!row || row.ownerId !== caller.userId) throw notFound('No such upload.');
    await this.access.require(row.sessionId, caller, 'manage');
    if (row.status === 'complete') return this.answerForCompleted(req, res, row);
    if (req.method === 'HEAD' || req.method === 'PATCH' || req.method === 'DELETE') {
      return this.passToTus(req, res);
    }
    throw notFound();
  }

  /** Metadata, membership and the size cap, all before tus creates anything. */
  private async checkCreation(req: Request, caller: Caller): Promise<CreationContext> {
    let raw: Record<string, string | null>;
    try {
      raw = Metadata.parse(req.get('upload-metadata') ?? undefined);
    } catch {
      throw badRequest('Upload-Metadata is not valid tus metadata.');
    }
    const parsed = UploadMetadata.safeParse({
      sessionId: raw.sessionId ?? undefined,
      // Only the name: some clients send a path.
      filename: raw.filename?.split(/[\\/]/).pop() ?? undefined,
      filetype: raw.filetype ?? undefined,
    });
    if (!parsed.success) {
      throw badRequest(
        'Upload-Metadata needs sessionId and filename.',
        parsed.error.issues.map((issue) => ({
          field: ['metadata', ...issue.path.map(String)].join('.'),
          message: issue.message,
          code: issue.code,
        })),
      );
    }
    await this.access.require(parsed.data.sessionId, caller, 'manage');
    const length = req.get('upload-length');
    if (length !== undefined && /^\d+$/.test(length) && Number(length) > this.config.maxUploadBytes) {
      throw tooLarge(
        `The file is ${Number(length)} bytes; uploads are limited to ${this.config.maxUploadBytes} bytes.`,
      );
    }
    return { caller, metadata: parsed.data };
  }

  private async passToTus(req: Request, res: Response): Promise<void> {
    // Express strips the mount path; tus reads the upload id from the full path.
    req.url = req.originalUrl;
    await this.tus.handle(req, res);
  }

  /** A finished upload's tus files are gone; HEAD still reports it whole so clients know it is done. */
  private async answerForCompleted(req: Request, res: Response, row: UploadRow): Promise<void> {
    res.set('Tus-Resumable', '1.0.0').set('Cache-Control', 'no-store');
    if (req.method === 'HEAD') {
      res.set('Upload-Offset', String(row.size)).set('Upload-Length', String(row.size)).status(200).end();
      return;
    }
    if (req.method === 'DELETE') {
      await this.uploads.delete(row.id);
      await this.blobs.collect([row.sha256]);
      res.status(204).end();
      return;
    }
    throw conflict('This upload is complete.', 'upload_complete');
  }

  private async onCreate(req: unknown, upload: Upload) {
    const nodeReq = (req as TusRequest).runtime?.node?.req;
    const context = nodeReq && this.creations.get(nodeReq);
    if (!context) throw { status_code: 500, body: 'Upload creation was not checked.\n' };
    const { caller, metadata } = context;
    await this.uploads.create({
      id: upload.id,
      ownerId: caller.userId,
      sessionId: metadata.sessionId,
      filename: metadata.filename,
      declaredType: metadata.filetype ?? null,
      size: upload.size ?? null,
    });
    return { metadata: upload.metadata };
  }

  /** Hashes the finished file, records its blob and stores the bytes (once per distinct content). */
  private async finish(upload: Upload): Promise<void> {
    const path = join(this.directory, upload.id);
    const { sha256, size } = await hashFile(path);
    const row = await this.uploads.complete(upload.id, sha256, size);
    if (!row) {
      const existing = await this.uploads.findById(upload.id);
      if (existing?.status === 'complete') return;
      throw { status_code: 410, body: 'The upload expired.\n' };
    }
    try {
      await this.blobStore.putFile(path, sha256);
    } catch (error) {
      await this.uploads.delete(upload.id);
      await this.blobs.collect([sha256]);
      throw error;
    }
    this.logger.info({ uploadId: upload.id, sha256, size }, 'upload complete');
  }

  private async removeTusFiles(id: string): Promise<void> {
    await rm(join(this.directory, id), { force: true });
    await rm(join(this.directory, `${id}.json`), { force: true });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.uploadCleanupIntervalS * 1000);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Removes abandoned uploads (unfinished after UPLOAD_EXPIRY_S), completed uploads no revision used within
   * a week, stray files in the upload directory, and blobs nothing refers to any more.
   */
  sweep(): Promise<void> {
    this.sweeping ??= this.runSweep()
      .catch((err) => this.logger.error({ err }, 'upload clean-up failed'))
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async runSweep(): Promise<void> {
    const now = Date.now();
    const expired = await this.uploads.listOlderThan(
      'receiving',
      new Date(now - this.config.uploadExpiryS * 1000),
    );
    for (const row of expired) await this.removeTusFiles(row.id);
    const forgotten = await this.uploads.deleteMany(expired.map((r) => r.id));

    const unused = await this.uploads.listOlderThan(
      'complete',
      new Date(now - COMPLETED_UPLOAD_RETENTION_MS),
    );
    const dropped = await this.uploads.deleteMany(unused.map((r) => r.id));

    const strays = await this.removeStrayFiles(now);
    const blobs = await this.blobs.sweep();
    await this.blobs.collect(dropped.map((r) => r.sha256));
    if (forgotten.length + dropped.length + strays + blobs > 0) {
      this.logger.info(
        { expired: forgotten.length, unused: dropped.length, strays, blobs },
        'cleaned up uploads',
      );
    }
  }

  /** Upload-directory files whose upload is finished or gone (a crash between steps leaves these). */
  private async removeStrayFiles(now: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return 0;
    }
    const ids = [...new Set(names.map((n) => n.replace(/\.json$/, '')))].filter((id) => UUID.test(id));
    const live = new Set(
      (await this.uploads.findMany(ids)).filter((r) => r.status === 'receiving').map((r) => r.id),
    );
    let removed = 0;
    for (const name of names) {
      const id = name.replace(/\.json$/, '');
      if (live.has(id)) continue;
      const path = join(this.directory, name);
      try {
        if (now - (await stat(path)).mtimeMs < ORPHAN_GRACE_MS) continue;
        await rm(path, { force: true });
        removed += 1;
      } catch {
        // Already gone.
      }
    }
    return removed;
  }
}
