import { sessionRoutes } from '@mixroom/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/client';
import { useAuth } from '../app/auth';
import { formatWhen } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { Button, ErrorText, Spinner, TextField } from '../ui/ui';
import { AuthFrame } from './AuthPages';

interface Preview {
  sessionTitle: string;
  role: string;
  invitedBy: string;
  expiresAt: string;
}

const roleWords: Record<string, string> = {
  engineer: 'an engineer — you can do everything',
  artist: 'an artist — you can listen, leave notes, edit the brief and approve',
  viewer: 'a listener — you can listen and leave notes',
};

/** `/invite/:token`: an artist joins with a display name only; signed-in people join with one click. */
export function InvitePage({ token }: { token: string }) {
  const { user, setUser } = useAuth();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api
      .call(sessionRoutes.previewInvite, { params: { token } })
      .then((p) => live && setPreview(p))
      .catch((e) => {
        if (!live) return;
        if (e instanceof ApiError && e.status === 410) {
          setProblem('This invite link has expired, was revoked, or has been used up. Ask for a new one.');
        } else if (e instanceof ApiError && e.status === 404) {
          setProblem('This invite link is not valid. Check that you copied all of it.');
        } else setProblem(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [token]);

  const join = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    setError('');
    try {
      const res = await api.call(sessionRoutes.acceptInvite, {
        params: { token },
        body: user ? {} : { displayName: displayName.trim() },
      });
      setUser(res.user);
      navigate(`/sessions/${res.session.id}`, { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (problem) {
    return (
      <AuthFrame title="Invite unavailable">
        <p role="alert">{problem}</p>
        <p>
          <Link to="/">Go to Mixroom</Link>
        </p>
      </AuthFrame>
    );
  }
  if (!preview || user === undefined) {
    return (
      <AuthFrame title="Opening invite…">
        <Spinner label="Loading invite" />
      </AuthFrame>
    );
  }

  return (
    <AuthFrame title={`Join “${preview.sessionTitle}”`}>
      <p className="lead">
        <strong>{preview.invitedBy}</strong> invited you to review this mix as{' '}
        {roleWords[preview.role] ?? preview.role}.
      </p>
      <dl className="facts">
        <div>
          <dt>Session</dt>
          <dd>{preview.sessionTitle}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd className="capitalize">{preview.role}</dd>
        </div>
        <div>
          <dt>Invited by</dt>
          <dd>{preview.invitedBy}</dd>
        </div>
        <div>
          <dt>Link expires</dt>
          <dd>{formatWhen(preview.expiresAt)}</dd>
        </div>
      </dl>
      {user ? (
        <div className="stack">
          <p>
            You are signed in as <strong>{user.displayName}</strong>.
          </p>
          <ErrorText>{error}</ErrorText>
          <Button variant="primary" busy={busy} onClick={() => void join()}>
            Join session
          </Button>
        </div>
      ) : (
        <form className="stack" onSubmit={join} aria-label="Join session">
          <TextField
            label="Your name"
            hint="How others in the session will see you. No account or password needed — you can add one later."
            required
            maxLength={80}
            autoComplete="name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
          <ErrorText>{error}</ErrorText>
          <Button type="submit" variant="primary" busy={busy} disabled={!displayName.trim()}>
            Join session
          </Button>
          <p className="muted small">
            Have an account?{' '}
            <Link to={`/signin?next=${encodeURIComponent(`/invite/${token}`)}`}>Sign in first</Link>
          </p>
        </form>
      )}
    </AuthFrame>
  );
}
