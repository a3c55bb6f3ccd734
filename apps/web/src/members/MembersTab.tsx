import { type Invite, type Role, sessionRoutes } from '@mixroom/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api/client';
import { formatWhen } from '../lib/format';
import { navigate } from '../lib/router';
import { can, useSession, useSessionEvent } from '../session/context';
import { Avatar, Badge, Button, EmptyState, ErrorText, SelectField, TextField } from '../ui/ui';

export function MembersTab() {
  const { role } = useSession();
  return (
    <div className="members-grid">
      <MembersPanel />
      {can.manage(role) ? <InvitesPanel /> : <LeavePanel />}
      {can.manage(role) && <SessionSettings />}
    </div>
  );
}

function MembersPanel() {
  const { members, sessionId, me, role, reloadMembers } = useSession();
  const [error, setError] = useState('');
  const manage = can.manage(role);

  const update = async (userId: string, body: { role?: Role; requiredApprover?: boolean }) => {
    setError('');
    try {
      await api.call(sessionRoutes.updateMember, { params: { id: sessionId, userId }, body });
      await reloadMembers();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const remove = async (userId: string, name: string) => {
    if (!window.confirm(`Remove ${name} from this session?`)) return;
    setError('');
    try {
      await api.call(sessionRoutes.removeMember, { params: { id: sessionId, userId } });
      await reloadMembers();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <ErrorText>{error}</ErrorText>
      <ul className="member-list" aria-label="Members">
        {members.map((m) => (
          <li key={m.userId} className="member">
            <Avatar id={m.userId} name={m.displayName} />
            <div className="member-who">
              <span className="member-name">
                {m.displayName}
                {m.userId === me.id && <span className="muted"> (you)</span>}
              </span>
              <span className="muted small">
                {m.isGuest ? 'Guest' : (m.email ?? '')} · joined {formatWhen(m.joinedAt)}
              </span>
            </div>
            {manage ? (
              <>
                <SelectField
                  label={`Role of ${m.displayName}`}
                  className="field-inline"
                  value={m.role}
                  onChange={(e) => void update(m.userId, { role: e.target.value as Role })}
                >
                  <option value="engineer">Engineer</option>
                  <option value="artist">Artist</option>
                  <option value="viewer">Viewer</option>
                </SelectField>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={m.requiredApprover}
                    onChange={(e) => void update(m.userId, { requiredApprover: e.target.checked })}
                    aria-label={`${m.displayName} must approve`}
                  />
                  Must approve
                </label>
                {m.userId !== me.id && (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => void remove(m.userId, m.displayName)}
                    aria-label={`Remove ${m.displayName}`}
                  >
                    Remove
                  </Button>
                )}
              </>
            ) : (
              <span className="member-badges">
                <Badge tone={m.role}>{m.role}</Badge>
                {m.requiredApprover && <Badge tone="info">approver</Badge>}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const EXPIRY = [
  { hours: 24, label: '1 day' },
  { hours: 168, label: '7 days' },
  { hours: 720, label: '30 days' },
];

function InvitesPanel() {
  const { sessionId } = useSession();
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [role, setRole] = useState<Role>('artist');
  const [hours, setHours] = useState(168);
  const [maxUses, setMaxUses] = useState('');
  const [created, setCreated] = useState<{ url: string; role: Role } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      setInvites((await api.call(sessionRoutes.listInvites, { params: { id: sessionId } })).invites);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [sessionId]);
  useEffect(() => {
    void reload();
  }, [reload]);
  useSessionEvent('invite.', () => void reload());
  useSessionEvent('member.', () => void reload());

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setCopied(false);
    try {
      const uses = maxUses.trim() ? Number(maxUses) : undefined;
      const res = await api.call(sessionRoutes.createInvite, {
        params: { id: sessionId },
        body: { role, expiresInHours: hours, ...(uses ? { maxUses: uses } : {}) },
      });
      // The link is built from where this page is served, which is where the invitee will open it.
      setCreated({ url: `${window.location.origin}/invite/${res.token}`, role });
      await reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setCopied(true);
    } catch {
      // Clipboard blocked: select the text so the person can copy it themselves.
      const input = document.getElementById('invite-link') as HTMLInputElement | null;
      input?.select();
    }
  };

  const revoke = async (invite: Invite) => {
    setError('');
    try {
      await api.call(sessionRoutes.revokeInvite, { params: { id: sessionId, inviteId: invite.id } });
      await reload();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const active = invites?.filter((i) => i.status === 'active') ?? [];
  const past = invites?.filter((i) => i.status !== 'active') ?? [];

  return (
    <section className="card" aria-labelledby="invites-title">
      <h2 id="invites-title">Invite people</h2>
      <form className="invite-form" onSubmit={create} aria-label="Create invite link">
        <SelectField label="Invite as" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="artist">Artist — notes, brief, approval</option>
          <option value="viewer">Viewer — listen and comment</option>
          <option value="engineer">Engineer — everything</option>
        </SelectField>
        <SelectField
          label="Link expires after"
          value={String(hours)}
          onChange={(e) => setHours(Number(e.target.value))}
        >
          {EXPIRY.map((x) => (
            <option key={x.hours} value={x.hours}>
              {x.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Max uses"
          type="number"
          min={1}
          max={1000}
          placeholder="unlimited"
          value={maxUses}
          onChange={(e) => setMaxUses(e.target.value)}
        />
        <Button type="submit" variant="primary" busy={busy}>
          Create invite link
        </Button>
      </form>
      {created && (
        <div className="invite-created" role="status">
          <TextField
            id="invite-link"
            label={`Invite link (${created.role})`}
            readOnly
            value={created.url}
            onFocus={(e) => e.currentTarget.select()}
            hint="Shown once. Anyone with the link can join until it expires or you revoke it."
          />
          <Button onClick={() => void copy()}>{copied ? 'Copied' : 'Copy link'}</Button>
        </div>
      )}
      <ErrorText>{error}</ErrorText>
      <h3>Active links</h3>
      {invites !== null && active.length === 0 && <EmptyState title="No active invite links" />}
      <ul className="invite-list" aria-label="Active invite links">
        {active.map((i) => (
          <li key={i.id} className="invite">
            <Badge tone={i.role}>{i.role}</Badge>
            <span className="muted small">
              created {formatWhen(i.createdAt)} · expires {formatWhen(i.expiresAt)} · used {i.uses}
              {i.maxUses ? ` of ${i.maxUses}` : ''}
            </span>
            <Button
              size="sm"
              variant="danger"
              onClick={() => void revoke(i)}
              aria-label={`Revoke ${i.role} invite created ${formatWhen(i.createdAt)}`}
            >
              Revoke
            </Button>
          </li>
        ))}
      </ul>
      {past.length > 0 && (
        <details className="past-invites">
          <summary>Expired, revoked and used-up links ({past.length})</summary>
          <ul className="invite-list">
            {past.map((i) => (
              <li key={i.id} className="invite">
                <Badge tone={i.role}>{i.role}</Badge>
                <Badge tone="neutral">{i.status.replace('_', ' ')}</Badge>
                <span className="muted small">created {formatWhen(i.createdAt)}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function SessionSettings() {
  const { session, sessionId, reloadSession } = useSession();
  const [title, setTitle] = useState(session.title);
  const [artistName, setArtistName] = useState(session.artistName ?? '');
  const [rounds, setRounds] = useState(String(session.roundsAgreed));
  const [error, setError] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    setSaved(false);
    try {
      await api.call(sessionRoutes.updateSession, {
        params: { id: sessionId },
        body: { title: title.trim(), artistName: artistName.trim() || null, roundsAgreed: Number(rounds) },
      });
      await reloadSession();
      setSaved(true);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const destroy = async () => {
    if (!window.confirm(`Delete “${session.title}” with all its revisions and notes? This cannot be undone.`))
      return;
    try {
      await api.call(sessionRoutes.deleteSession, { params: { id: sessionId } });
      navigate('/', { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Session</h2>
      <form className="form-grid" onSubmit={save}>
        <TextField
          label="Song title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <TextField
          label="Artist"
          maxLength={200}
          value={artistName}
          onChange={(e) => setArtistName(e.target.value)}
        />
        <TextField
          label="Revision rounds agreed"
          type="number"
          min={1}
          max={50}
          required
          value={rounds}
          onChange={(e) => setRounds(e.target.value)}
        />
        <ErrorText>{error}</ErrorText>
        <div className="row">
          <Button type="submit" busy={busy}>
            Save
          </Button>
          {saved && (
            <span className="muted small" role="status">
              Saved
            </span>
          )}
        </div>
      </form>
      <div className="danger-zone">
        <Button variant="danger" onClick={() => void destroy()}>
          Delete session
        </Button>
      </div>
    </section>
  );
}

function LeavePanel() {
  const { sessionId, me, session } = useSession();
  const [error, setError] = useState('');
  const leave = async () => {
    if (!window.confirm(`Leave “${session.title}”? You will need a new invite to come back.`)) return;
    try {
      await api.call(sessionRoutes.removeMember, { params: { id: sessionId, userId: me.id } });
      navigate('/', { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="card" aria-labelledby="leave-title">
      <h2 id="leave-title">Your membership</h2>
      <p className="muted">Only the engineer can invite people or change roles.</p>
      <ErrorText>{error}</ErrorText>
      <Button variant="danger" onClick={() => void leave()}>
        Leave session
      </Button>
    </section>
  );
}
