import {
  briefSignatures,
  type Database,
  type DecisionKind,
  decisions,
  type RevisionStatus,
  revisions,
} from '@mixroom/db';
import { Inject, Injectable } from '@nestjs/common';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { DATABASE } from '../common/tokens.js';

export type DecisionRow = typeof decisions.$inferSelect;
export type BriefSignatureRow = typeof briefSignatures.$inferSelect;

export type DecideResult =
  | { locked: true }
  | { locked: false; decision: DecisionRow; status: RevisionStatus; changed: boolean };

/** Decisions and brief signatures: the only place that touches those tables. */
@Injectable()
export class DecisionsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Records a decision and derives the revision's status in one transaction. The revision row is locked
   * first, so concurrent decisions on one revision are serialised: the last of several simultaneous
   * approvals sees all the others, and nothing is recorded once the revision is approved (`locked`).
   * Only decisions that count (required approvers) move the status.
   */
  async decide(input: {
    sessionId: string;
    revisionId: string;
    userId: string;
    displayName: string;
    decision: DecisionKind;
    message: string | null;
    filesHash: string;
    counts: boolean;
    requiredApproverIds: string[];
  }): Promise<DecideResult> {
    return this.db.transaction(async (tx) => {
      const [revision] = await tx
        .select({ status: revisions.status })
        .from(revisions)
        .where(eq(revisions.id, input.revisionId))
        .for('update');
      if (!revision || revision.status === 'approved') return { locked: true as const };
      const [row] = await tx
        .insert(decisions)
        .values({
          sessionId: input.sessionId,
          revisionId: input.revisionId,
          userId: input.userId,
          displayName: input.displayName,
          decision: input.decision,
          message: input.message,
          filesHash: input.filesHash,
          counts: input.counts,
          // The wall clock after the row lock, not the transaction start: orders decisions correctly.
          createdAt: sql`clock_timestamp()`,
        })
        .returning();
      if (!input.counts)
        return { locked: false as const, decision: row!, status: revision.status, changed: false };

      const latest = await this.latestCounting(tx, input.revisionId, input.requiredApproverIds);
      const status: RevisionStatus = [...latest.values()].some((d) => d.decision === 'request_changes')
        ? 'changes_requested'
        : input.requiredApproverIds.length > 0 &&
            input.requiredApproverIds.every((id) => latest.get(id)?.decision === 'approve')
          ? 'approved'
          : 'in_review';
      let decision: DecisionRow = row!;
      if (status !== revision.status) {
        await tx
          .update(revisions)
          .set({ status, statusChangedAt: new Date() })
          .where(eq(revisions.id, input.revisionId));
      }
      if (status === 'approved') {
        const [completing] = await tx
          .update(decisions)
          .set({ completesApproval: true })
          .where(eq(decisions.id, row!.id))
          .returning();
        decision = completing!;
      }
      return { locked: false as const, decision, status, changed: status !== revision.status };
    });
  }

  /** Each given user's latest counting decision on the revision. */
  async latestCounting(
    db: Pick<Database, 'select'>,
    revisionId: string,
    userIds: string[],
  ): Promise<Map<string, DecisionRow>> {
    if (userIds.length === 0) return new Map();
    const rows = await db
      .select()
      .from(decisions)
      .where(
        and(
          eq(decisions.revisionId, revisionId),
          eq(decisions.counts, true),
          inArray(decisions.userId, userIds),
        ),
      )
      .orderBy(desc(decisions.createdAt));
    const latest = new Map<string, DecisionRow>();
    for (const row of rows) if (row.userId && !latest.has(row.userId)) latest.set(row.userId, row);
    return latest;
  }

  /** Oldest first. */
  async listForRevision(revisionId: string): Promise<DecisionRow[]> {
    return this.db
      .select()
      .from(decisions)
      .where(eq(decisions.revisionId, revisionId))
      .orderBy(asc(decisions.createdAt));
  }

  async createSignature(values: typeof briefSignatures.$inferInsert): Promise<BriefSignatureRow> {
    const [row] = await this.db.insert(briefSignatures).values(values).returning();
    return row!;
  }

  /** Each signer's latest signature, oldest first. */
  async latestSignatures(sessionId: string): Promise<BriefSignatureRow[]> {
    const rows = await this.db
      .select()
      .from(briefSignatures)
      .where(eq(briefSignatures.sessionId, sessionId))
      .orderBy(desc(briefSignatures.signedAt));
    const latest = new Map<string, BriefSignatureRow>();
    for (const row of rows) {
      const key = row.userId ?? `former:${row.id}`;
      if (!latest.has(key)) latest.set(key, row);
    }
    return [...latest.values()].reverse();
  }
}
