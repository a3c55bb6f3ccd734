import type { CreateDecisionBody, Decision } from '@mixroom/contract';
import { Inject, Injectable } from '@nestjs/common';
import { ActivityService } from '../activity/activity.service.js';
import type { Caller } from '../common/caller.js';
import { conflict } from '../common/errors.js';
import { SessionEvents } from '../events/session-events.js';
import { NotesService } from '../notes/notes.service.js';
import { RevisionLookup } from '../notes/revision-lookup.repository.js';
import { PERMISSIONS } from '../sessions/session-access.service.js';
import { SessionsRepository } from '../sessions/sessions.repository.js';
import { type DecisionRow, DecisionsRepository } from './decisions.repository.js';
import { revisionFilesHash } from './files-hash.js';

const toDecision = (row: DecisionRow, revisionNumber: number): Decision => ({
  id: row.id,
  revisionId: row.revisionId,
  revisionNumber,
  userId: row.userId,
  displayName: row.displayName,
  decision: row.decision,
  message: row.message,
  filesHash: row.filesHash,
  counts: row.counts,
  createdAt: row.createdAt.toISOString(),
});

const canDecide = (role: string) => (PERMISSIONS.decide as readonly string[]).includes(role);

/**
 * Approvals. Each engineer or artist may approve or request changes on a revision; the decisions of
 * required approvers (members marked `requiredApprover` who may decide; when none is marked, the
 * engineers) set the revision's status, the others are kept as opinions. Once every required approver's
 * latest decision is approve, the revision is approved and locked: later decisions get 409, and the
 * way forward is a new revision.
 */
@Injectable()
export class DecisionsService {
  constructor(
    @Inject(DecisionsRepository) private readonly decisions: DecisionsRepository,
    @Inject(NotesService) private readonly notes: NotesService,
    @Inject(RevisionLookup) private readonly revisions: RevisionLookup,
    @Inject(SessionsRepository) private readonly sessions: SessionsRepository,
    @Inject(SessionEvents) private readonly events: SessionEvents,
    @Inject(ActivityService) private readonly activity: ActivityService,
  ) {}

  /** Members whose decisions count, with their names. */
  private async requiredApprovers(sessionId: string) {
    const members = (await this.sessions.listMembers(sessionId)).filter((m) => canDecide(m.member.role));
    const marked = members.filter((m) => m.member.requiredApprover);
    const required = marked.length > 0 ? marked : members.filter((m) => m.member.role === 'engineer');
    return required.map((m) => ({ userId: m.member.userId, displayName: m.user.displayName }));
  }

  async decide(caller: Caller, revisionId: string, body: CreateDecisionBody) {
    const { revision } = await this.notes.revisionFor(caller, revisionId, 'decide');
    if (revision.status === 'approved') throw locked(revision.number);
    const required = await this.requiredApprovers(revision.sessionId);
    const filesHash = revisionFilesHash(await this.revisions.fileHashes(revision.id));
    const result = await this.decisions.decide({
      sessionId: revision.sessionId,
      revisionId: revision.id,
      userId: caller.userId,
      displayName: caller.displayName,
      decision: body.decision,
      message: body.message || null,
      filesHash,
      counts: required.some((r) => r.userId === caller.userId),
      requiredApproverIds: required.map((r) => r.userId),
    });
    if (result.locked) throw locked(revision.number);

    const decision = toDecision(result.decision, revision.number);
    const revisionStatus = result.status;
    this.events.publish(revision.sessionId, 'decision.created', { decision, revisionStatus }, caller.userId);
    if (result.changed) {
      this.events.publish(
        revision.sessionId,
        'revision.status-changed',
        { revisionId: revision.id, number: revision.number, status: revisionStatus },
        caller.userId,
      );
    }
    if (revision.createdBy) {
      const verb = body.decision === 'approve' ? 'approved' : 'requested changes on';
      await this.activity.notify(revision.sessionId, caller.userId, [
        {
          userId: revision.createdBy,
          type: 'decision',
          revisionId: revision.id,
          summary: `${caller.displayName} ${verb} v${revision.number}${revisionStatus === 'approved' ? ' — it is final' : ''}`,
          data: {
            decision: body.decision,
            revisionStatus,
            ...(decision.message ? { excerpt: decision.message } : {}),
          },
        },
      ]);
    }
    return { decision, revisionStatus };
  }

  async list(caller: Caller, revisionId: string) {
    const { revision } = await this.notes.revisionFor(caller, revisionId, 'read');
    const [rows, required] = await Promise.all([
      this.decisions.listForRevision(revision.id),
      this.requiredApprovers(revision.sessionId),
    ]);
    const latest = new Map<string, DecisionRow>();
    for (const row of rows) if (row.counts && row.userId) latest.set(row.userId, row);
    const completing = rows.find((r) => r.completesApproval);
    return {
      revisionId: revision.id,
      revisionStatus: revision.status,
      approvers: required.map((r) => ({
        ...r,
        latest: latest.get(r.userId)?.decision ?? null,
        decidedAt: latest.get(r.userId)?.createdAt.toISOString() ?? null,
      })),
      approvedAt: revision.status === 'approved' ? (completing?.createdAt.toISOString() ?? null) : null,
      approvedFilesHash: revision.status === 'approved' ? (completing?.filesHash ?? null) : null,
      decisions: rows.map((r) => toDecision(r, revision.number)),
    };
  }
}

const locked = (number: number) =>
  conflict(`v${number} is approved and final. Deliver a new revision to change it.`, 'revision_locked');
