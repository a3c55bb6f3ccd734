import type { DatabaseHandle } from '@mixroom/db';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, DATABASE_HANDLE, LOGGER } from '../common/tokens.js';
import type { Config } from '../config/config.js';
import { type SessionEvent, SessionEvents } from '../events/session-events.js';
import { Metrics } from '../observability/metrics.js';
import { syncMetrics } from '../observability/sync-metrics.js';
import { RedisBus } from '../realtime/redis-bus.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { CompactionPool } from './compaction-pool.js';
import { mixSeedUpdate, sessionDocName, sessionIdOf, validateMixTransaction } from './mix-schema.js';
import { SyncFanout } from './sync-fanout.js';
import { SyncHub } from './sync-hub.js';
import { SYNC_OPTIONS, type SyncOptions } from './sync-options.js';
import { SyncRepository } from './sync.repository.js';
import { SyncStore } from './sync-store.js';
import { CLOSE } from './sync-types.js';

/**
 * Wires the sync core to Mixroom: PostgreSQL storage (update log + snapshots, group commit), mix-model
 * seeding and validation, Redis fan-out between instances, and reactions to membership changes.
 */
@Injectable()
export class SyncService implements OnModuleInit, OnModuleDestroy {
  readonly hub: SyncHub;
  readonly store: SyncStore;
  private readonly compaction = new CompactionPool();
  private fanout?: SyncFanout;
  private unsubscribeEvents?: () => void;
  /** Membership changes seen per session, so a socket accepted while one raced can re-check its role. */
  private readonly memberChanges = new Map<string, number>();

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(DATABASE_HANDLE) database: DatabaseHandle,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SYNC_OPTIONS) private readonly options: SyncOptions,
    @Inject(SyncRepository) private readonly repository: SyncRepository,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(RedisBus) private readonly bus: RedisBus,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Optional() @Inject(Metrics) metrics?: Metrics,
  ) {
    const log = logger.child({ component: 'sync' });
    this.store = new SyncStore(repository, {
      compactAfterRows: options.compactAfterRows,
      commitIntervalMs: options.commitIntervalMs,
      // PGlite runs one statement at a time, on its own thread: a second commit waits there, ready to run
      // the moment the first ends (no round trip between them); more would only queue.
      maxConcurrentCommits: database.kind === 'postgres' ? 4 : 2,
      merge: this.compaction.merge,
      logger: log,
    });
    this.hub = new SyncHub(
      {
        load: (name) => this.store.load(name),
        store: (name, update) => this.store.append(name, update),
        seed: async (name) => {
          const sessionId = sessionIdOf(name);
          const session = sessionId ? await this.sessions.findById(sessionId) : undefined;
          return session ? mixSeedUpdate(name, session.title) : null;
        },
        validate: validateMixTransaction,
        unloaded: (name) => this.store.release(name),
      },
      [],
      {
        maxMessageBytes: config.maxSyncMessageBytes,
        maxDocumentBytes: config.maxDocumentBytes,
        idleUnloadMs: options.idleUnloadMs,
        maxMessagesPerSecond: options.maxMessagesPerSecond,
        logger: log,
      },
    );
    if (metrics) this.hub.use(syncMetrics(metrics, this.hub));
  }

  onModuleInit(): void {
    if (this.bus.enabled) {
      this.fanout = new SyncFanout(this.bus, this.hub, {
        reconcileIntervalMs: this.options.reconcileIntervalMs,
        logger: this.logger.child({ component: 'sync-fanout' }),
      });
      this.hub.use(this.fanout);
    }
    this.unsubscribeEvents = this.events.subscribe('*', (event) => this.onSessionEvent(event));
  }

  /** Flushes: closes sockets (1012), stores every accepted update, finishes compactions. [SY-10] */
  async onModuleDestroy(): Promise<void> {
    this.unsubscribeEvents?.();
    await this.hub.close();
    this.fanout?.close();
    await this.store.close();
    await this.compaction.destroy();
  }

  /** Counter of membership changes in a session (see {@link memberChanges}). */
  membershipVersion(sessionId: string): number {
    return this.memberChanges.get(sessionId) ?? 0;
  }

  private onSessionEvent(event: SessionEvent): void {
    const name = sessionDocName(event.sessionId);
    switch (event.type) {
      case 'member.removed': {
        this.bumpMembership(event.sessionId);
        const userId = event.data.userId;
        this.hub.closeConnections(
          name,
          (c) => c.userId === userId,
          CLOSE.forbidden,
          'You are no longer a member of this session.',
        );
        return;
      }
      case 'member.updated': {
        this.bumpMembership(event.sessionId);
        const member = event.data.member as { userId?: string; role?: string } | undefined;
        if (!member?.userId || !member.role) return;
        this.hub.closeConnections(
          name,
          (c) => c.userId === member.userId && c.identity.user.role !== member.role,
          CLOSE.roleChanged,
          'Your role changed; reconnecting.',
        );
        return;
      }
      case 'session.deleted':
        void this.hub
          .unload(name, CLOSE.gone, 'The session was deleted.')
          .then(() => this.store.flush())
          // Unloading starts a compaction; removing before it ends would let it write a snapshot back.
          .then(() => this.store.compactionSettled(name))
          .then(() => this.repository.remove(name))
          .catch((error: unknown) =>
            this.logger.error({ err: error, doc: name }, 'could not remove a document'),
          );
        return;
    }
  }

  private bumpMembership(sessionId: string): void {
    this.memberChanges.set(sessionId, (this.memberChanges.get(sessionId) ?? 0) + 1);
  }
}
