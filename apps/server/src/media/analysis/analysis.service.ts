import { randomUUID } from 'node:crypto';
import type { DatabaseHandle } from '@mixroom/db';
import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, DATABASE_HANDLE, LOGGER } from '../../common/tokens.js';
import type { Config } from '../../config/config.js';
import { SessionEvents } from '../../events/session-events.js';
import { Metrics } from '../../observability/metrics.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { BLOB_STORE } from '../tokens.js';
import { AnalysisPool } from './analysis-pool.js';
import { type ClaimedJob, AnalysisRepository } from './analysis.repository.js';
import { encodeWaveform } from './waveform-codec.js';

/** A job is tried this many times when its worker crashes (decode failures are final at once). */
export const MAX_ANALYSIS_ATTEMPTS = 3;
/** Running jobs refresh their heartbeat this often... */
const HEARTBEAT_MS = 10_000;
/** ...and another instance takes a job over when the heartbeat is older than this. */
const STALE_AFTER_MS = 60_000;
/** How often this instance looks for pending jobs it did not create (other instances, restarts). */
const POLL_MS = 15_000;
/** `analysis.progressed` events go out at most this often per file, and only when progress moved 1 %. */
const PROGRESS_EVENT_MS = 250;
/** Progress reaches the database at most this often per file. */
const PROGRESS_WRITE_MS = 1_000;

/**
 * Runs the analysis of every file in a worker-thread pool, off the request path. Jobs live in the `analyses`
 * table: pending ones are claimed atomically, running ones keep a heartbeat, and on start-up (or when an
 * instance disappears) unfinished jobs go back to the queue, so a restart loses none. Progress and results are
 * published as session events (`analysis.progressed`, `analysis.completed`, `analysis.failed`).
 */
@Injectable()
export class AnalysisService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly instanceId = randomUUID();
  private readonly pool: AnalysisPool;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(AnalysisRepository) private readonly jobs: AnalysisRepository,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(BLOB_STORE) private readonly blobStore: BlobStore,
    @Optional() @Inject(Metrics) metrics?: Metrics,
  ) {
    this.pool = new AnalysisPool(config.analysisWorkers);
    metrics?.observe('analysisQueueDepth', () => this.queue.length + this.running.size);
  }

  /** Threads available to this instance (0: it runs no analysis). */
  get threads(): number {
    return this.pool.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.pool.size === 0) return;
    // An embedded database belongs to this one process, so anything "running" was cut off by a restart.
    // On PostgreSQL other instances may be running jobs right now: only stale heartbeats are taken over.
    const staleBefore = this.database.kind === 'pglite' ? undefined : new Date(Date.now() - STALE_AFTER_MS);
    const reclaimed = await this.jobs.reclaim(staleBefore);
    if (reclaimed.length > 0) this.logger.info({ jobs: reclaimed.length }, 'resuming interrupted analyses');
    await this.poll();
    this.every(POLL_MS, async () => {
      await this.jobs.reclaim(new Date(Date.now() - STALE_AFTER_MS));
      await this.poll();
    });
    this.every(HEARTBEAT_MS, () => this.jobs.heartbeat(this.instanceId, [...this.running.keys()]));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.queue.length = 0;
    this.queued.clear();
    // Running jobs stop and go back to pending; the next start (or another instance) picks them up.
    const running = [...this.running.values()];
    for (const job of running) job.abort.abort();
    await Promise.allSettled(running.map((job) => job.done));
    await this.pool.destroy();
  }

  /** Queues analysis of these files on this instance. */
  enqueue(fileIds: Iterable<string>): void {
    if (this.pool.size === 0 || this.closed) return;
    for (const id of fileIds) {
      if (this.queued.has(id) || this.running.has(id)) continue;
      this.queued.add(id);
      this.queue.push(id);
    }
    this.pump();
  }

  private async poll(): Promise<void> {
    if (this.closed) return;
    this.enqueue(await this.jobs.listPending());
  }

  private every(ms: number, task: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.closed) return;
      busy = true;
      task()
        .catch((err) => this.logger.warn({ err }, 'analysis housekeeping failed'))
        .finally(() => {
          busy = false;
        });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.pool.size && this.queue.length > 0) {
      const fileId = this.queue.shift()!;
      this.queued.delete(fileId);
      const abort = new AbortController();
      const done = this.run(fileId, abort.signal)
        .catch((err) => this.logger.error({ err, fileId }, 'analysis job failed unexpectedly'))
        .finally(() => {
          this.running.delete(fileId);
          this.pump();
        });
      this.running.set(fileId, { abort, done });
    }
  }

  private async run(fileId: string, signal: AbortSignal): Promise<void> {
    const job = await this.jobs.claim(fileId, this.instanceId);
    if (!job) return; // Someone else has it, or it is no longer pending.
    if (job.attempts > MAX_ANALYSIS_ATTEMPTS) {
      await this.failed(job, {
        code: 'analysis_crashed',
        message: `The analysis stopped ${MAX_ANALYSIS_ATTEMPTS} times without finishing.`,
      });
      return;
    }
    this.publish(job, 'analysis.progressed', { fraction: 0 });
    const progress = this.progressReporter(job);
    try {
      const outcome = await this.blobStore.withLocalFile(job.sha256, (path) =>
        this.pool.run({ path }, progress.report, signal),
      );
      await progress.flush();
      if (!outcome.ok) {
        await this.failed(job, outcome.error);
        return;
      }
      const stored = await this.jobs.complete(
        job.fileId,
        this.instanceId,
        outcome.result as unknown as Record<string, unknown>,
        outcome.waveform ? encodeWaveform(outcome.waveform) : null,
      );
      if (stored) this.publish(job, 'analysis.completed', { result: outcome.result });
    } catch (error) {
      await progress.flush();
      if (signal.aborted) {
        await this.jobs.release(job.fileId, this.instanceId);
        return;
      }
      this.logger.error({ err: error, fileId, attempt: job.attempts }, 'analysis worker failed');
      if (job.attempts >= MAX_ANALYSIS_ATTEMPTS) {
        await this.failed(job, {
          code: 'analysis_crashed',
          message: `The analysis stopped ${job.attempts} times without finishing.`,
        });
        return;
      }
      await this.jobs.release(job.fileId, this.instanceId);
      const retry = setTimeout(() => this.enqueue([job.fileId]), 1000 * job.attempts);
      retry.unref();
    }
  }

  private async failed(job: ClaimedJob, error: { code: string; message: string }): Promise<void> {
    if (await this.jobs.fail(job.fileId, this.instanceId, error)) {
      this.publish(job, 'analysis.failed', { error });
    }
  }

  /** Throttles progress into events (every 1 % at most each 250 ms) and database writes (each second). */
  private progressReporter(job: ClaimedJob) {
    let lastEventAt = 0;
    let lastEventFraction = 0;
    let lastWriteAt = Date.now();
    let writes = Promise.resolve();
    return {
      report: (fraction: number) => {
        const now = Date.now();
        if (fraction - lastEventFraction >= 0.01 && now - lastEventAt >= PROGRESS_EVENT_MS) {
          lastEventAt = now;
          lastEventFraction = fraction;
          this.publish(job, 'analysis.progressed', { fraction });
        }
        if (now - lastWriteAt >= PROGRESS_WRITE_MS) {
          lastWriteAt = now;
          // Writes run one after another, so an older fraction never lands after a newer one.
          writes = writes
            .then(() => this.jobs.progress(job.fileId, this.instanceId, fraction))
            .catch((err) => this.logger.warn({ err }, 'could not record analysis progress'));
        }
      },
      flush: () => writes,
    };
  }

  private publish(job: ClaimedJob, type: string, data: Record<string, unknown>): void {
    this.events.publish(
      job.sessionId,
      type,
      { fileId: job.fileId, revisionId: job.revisionId, kind: job.kind, ...data },
      null,
    );
  }
}
