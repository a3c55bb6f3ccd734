import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/client';
import { decide, listDecisions } from '../api/endpoints';
import type { ReviewRevision as Revision } from '../api/types';
import { formatWhen } from '../lib/format';
import { can, useResync, useSession, useSessionEvent } from '../session/context';
import { Avatar, Badge, Button, ErrorText, TextArea } from '../ui/ui';
import { LockIcon } from './RevisionBar';

type Decisions = Awaited<ReturnType<typeof listDecisions>>;

/** Approve / request changes, who still has to decide, and the lock once every required approver approved. */
export function DecisionPanel({ revision }: { revision: Revision }) {
  const { role, me, reloadRevisions } = useSession();
  const [state, setState] = useState<Decisions | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState<'' | 'approve' | 'request_changes'>('');

  const reload = useCallback(async () => {
    try {
      setState(await listDecisions(revision.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [revision.id]);
  useEffect(() => {
    setState(null);
    setError('');
    void reload();
  }, [reload]);
  useSessionEvent('decision.', () => void reload());
  useSessionEvent('revision.', () => void reload());
  useSessionEvent('member.', () => void reload());
  useResync(() => void reload());

  const submit = async (decision: 'approve' | 'request_changes') => {
    setBusy(decision);
    setError('');
    try {
      await decide(revision.id, decision, message.trim() || undefined);
      setMessage('');
      await Promise.all([reload(), reloadRevisions()]);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy('');
    }
  };

  const status = state?.revisionStatus ?? revision.status;
  const locked = status === 'approved';
  const mine = state?.approvers.find((a) => a.userId === me.id)?.latest ?? null;

  return (
    <section className={`card decision-panel${locked ? ' locked' : ''}`} aria-labelledby="decision-title">
      <div className="card-head">
        <h2 id="decision-title">Decision on v{revision.number}</h2>
        {locked ? (
          <Badge tone="ok">
            <LockIcon /> Locked
          </Badge>
        ) : status === 'changes_requested' ? (
          <Badge tone="warn">Changes requested</Badge>
        ) : (
          <Badge>Awaiting decision</Badge>
        )}
      </div>
      {locked && (
        <div className="lock-banner" role="status">
          <LockIcon size={20} />
          <div>
            <strong>v{revision.number} is approved and locked.</strong> This is the final mix
            {state?.approvedAt ? `, approved ${formatWhen(state.approvedAt)}` : ''}.
            {state?.approvedFilesHash && (
              <div className="muted small hash" title={state.approvedFilesHash}>
                Files hash {state.approvedFilesHash.slice(0, 16)}…
              </div>
            )}
          </div>
        </div>
      )}
      {state && state.approvers.length > 0 && (
        <ul className="approvers" aria-label="Required approvers">
          {state.approvers.map((a) => (
            <li key={a.userId}>
              <Avatar id={a.userId} name={a.displayName} size={22} />
              <span>{a.displayName}</span>
              {a.latest === 'approve' ? (
                <Badge tone="ok">Approved</Badge>
              ) : a.latest === 'request_changes' ? (
                <Badge tone="warn">Requested changes</Badge>
              ) : (
                <Badge>Pending</Badge>
              )}
            </li>
          ))}
        </ul>
      )}
      {state && state.approvers.length === 0 && !locked && (
        <p className="muted small">No required approvers yet — the engineer marks them in Members.</p>
      )}
      {!locked && can.decide(role) && (
        <div className="stack">
          <TextArea
            label="Message (optional)"
            rows={2}
            maxLength={2000}
            value={message}
            placeholder={
              mine
                ? `You ${mine === 'approve' ? 'approved' : 'requested changes'} — you can change your mind.`
                : ''
            }
            onChange={(e) => setMessage(e.target.value)}
          />
          <ErrorText>{error}</ErrorText>
          <div className="row">
            <Button variant="primary" busy={busy === 'approve'} onClick={() => void submit('approve')}>
              Approve v{revision.number}
            </Button>
            <Button busy={busy === 'request_changes'} onClick={() => void submit('request_changes')}>
              Request changes
            </Button>
          </div>
        </div>
      )}
      {locked && <ErrorText>{error}</ErrorText>}
      {!locked && !can.decide(role) && (
        <p className="muted small">Viewers leave notes; artists and engineers decide.</p>
      )}
      {state && state.decisions.length > 0 && (
        <ol className="decision-log" aria-label="Decision history">
          {state.decisions.map((d) => (
            <li key={d.id}>
              <strong>{d.displayName}</strong> {d.decision === 'approve' ? 'approved' : 'requested changes'}{' '}
              <span className="muted small">{formatWhen(d.createdAt)}</span>
              {!d.counts && <span className="muted small"> (not a required approver)</span>}
              {d.message && <p className="note-body">{d.message}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
