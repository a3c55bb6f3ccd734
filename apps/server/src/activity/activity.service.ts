import type { ActivityItem, MarkActivityReadBody } from '@mixroom/contract';
import type { ActivityType } from '@mixroom/db';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Caller } from '../common/caller.js';
import { CONFIG, LOGGER } from '../common/tokens.js';
import type { Config } from '../config/config.js';
import { type SessionEvent, SessionEvents } from '../events/session-events.js';
import { ActivityRepository, type ActivityRow } from './activity.repository.js';
import { Mailer } from './mailer.js';

/** One notification for one user. */
export interface NewActivity {
  userId: string;
  type: ActivityType;
  revisionId?: string | null;
  noteId?: string | null;
  /** Short human sentence: "Ada mentioned you on v2 at 1:05". */
  summary: string;
  data?: Record<string, unknown>;
}

type ListRow = Awaited<ReturnType<ActivityRepository['list']>>[number];
const toItem = ({ item, sessionTitle, actorName }: ListRow): ActivityItem => ({
  id: item.id,
  type: item.type,
  sessionId: item.sessionId,
  sessionTitle,
  revisionId: item.revisionId,
  noteId: item.noteId,
  actorId: item.actorId,
  actorName,
  summary: item.summary,
  data: item.data,
  createdAt: item.createdAt.toISOString(),
  readAt: item.readAt?.toISOString() ?? null,
});

/**
 * The in-app activity feed (mentions, replies to my notes, decisions on my revisions, new revisions) and
 * its mail copies. Notifying never fails the action that caused it.
 */
@Injectable()
export class ActivityService implements OnModuleInit, OnModuleDestroy {
  private stop?: () => void;
  /** Mail deliveries in flight (tests and shutdown wait for them). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    @Inject(ActivityRepository) private readonly repo: ActivityRepository,
    @Inject(Mailer) private readonly mailer: Mailer,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // Only events published by this instance: every instance sees every event, but exactly one of them
    // must record the notification.
    this.stop = this.events.onPublished((event) => {
      if (event.type === 'revision.created') this.track(this.revisionCreated(event));
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stop?.();
    await this.idle();
  }

  /** Resolves when no notification work is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Records notifications for current members of the session other than the actor (one per user and
   * type), then mails them when SMTP is configured. Errors are logged, never thrown.
   */
  async notify(sessionId: string, actorId: string | null, items: NewActivity[]): Promise<void> {
    try {
      const seen = new Set<string>();
      const wanted = items.filter((i) => {
        const key = `${i.userId}:${i.type}`;
        if (i.userId === actorId || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      const members = await this.repo.membersAmong(
        sessionId,
        wanted.map((i) => i.userId),
      );
      const rows = await this.repo.insert(
        wanted
          .filter((i) => members.has(i.userId))
          .map((i) => ({
            userId: i.userId,
            sessionId,
            type: i.type,
            actorId,
            revisionId: i.revisionId ?? null,
            noteId: i.noteId ?? null,
            summary: i.summary,
            data: i.data ?? {},
          })),
      );
      if (rows.length > 0 && this.mailer.enabled) this.track(this.mail(sessionId, rows));
    } catch (err) {
      this.logger.error({ err, sessionId }, 'recording notifications failed');
    }
  }

  async list(caller: Caller, query: { unreadOnly: boolean; limit: number; before?: number }) {
    const [rows, unreadCount] = await Promise.all([
      this.repo.list(caller.userId, query),
      this.repo.unreadCount(caller.userId),
    ]);
    return { items: rows.map(toItem), unreadCount };
  }

  async markRead(caller: Caller, body: MarkActivityReadBody) {
    await this.repo.markRead(caller.userId, body.all ? 'all' : (body.ids ?? []));
    return { unreadCount: await this.repo.unreadCount(caller.userId) };
  }

  private track(work: Promise<void>): void {
    const p = work.catch((err) => this.logger.error({ err }, 'notification work failed'));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async revisionCreated(event: SessionEvent): Promise<void> {
    const revision = (event.data.revision ?? {}) as { id?: string; number?: number };
    const revisionId = revision.id ?? (event.data.revisionId as string | undefined);
    if (!revisionId) return;
    const number = revision.number ?? (event.data.number as number | undefined);
    const who = event.actorId ? await this.repo.displayNameOf(event.actorId) : undefined;
    const label = number ? `v${number}` : 'a new revision';
    const summary = `${who ?? 'Someone'} delivered ${label}`;
    const userIds = await this.repo.allMembers(event.sessionId);
    await this.notify(
      event.sessionId,
      event.actorId ?? null,
      userIds.map((userId) => ({ userId, type: 'revision', revisionId, summary, data: { number } })),
    );
  }

  private async mail(sessionId: string, rows: ActivityRow[]): Promise<void> {
    const [emails, title] = await Promise.all([
      this.repo.emailsOf(rows.map((r) => r.userId)),
      this.repo.sessionTitle(sessionId),
    ]);
    const sent: number[] = [];
    for (const row of rows) {
      const to = emails.get(row.userId);
      if (!to) continue;
      const excerpt = typeof row.data.excerpt === 'string' ? `\n\n“${row.data.excerpt}”` : '';
      const ok = await this.mailer.send({
        to,
        subject: `${title ?? 'Mixroom'}: ${row.summary}`,
        text: `${row.summary}${excerpt}\n\nOpen the session: ${this.config.publicUrl}/sessions/${sessionId}\n`,
      });
      if (ok) sent.push(row.id);
    }
    await this.repo.markEmailed(sent);
  }
}
