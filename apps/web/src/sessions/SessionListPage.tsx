import { sessionRoutes } from '@mixroom/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { api, errorMessage, fieldErrors } from '../api/client';
import { createDemoSession } from '../api/endpoints';
import { formatWhen } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { Badge, Button, EmptyState, ErrorText, Spinner, TextField } from '../ui/ui';

type SessionItem = Awaited<ReturnType<typeof listSessions>>[number];
const listSessions = async () => (await api.call(sessionRoutes.listSessions)).sessions;

export function SessionListPage() {
  const [sessions, setSessions] = useState<SessionItem[] | null>(null);
  const [error, setError] = useState('');
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    listSessions()
      .then(setSessions)
      .catch((e) => setError(errorMessage(e)));
  }, []);

  return (
    <main id="main" className="page page-narrow">
      <div className="page-head">
        <h1>Sessions</h1>
        {sessions && sessions.length > 0 && !creating && (
          <Button variant="primary" onClick={() => setCreating(true)}>
            New session
          </Button>
        )}
      </div>
      <ErrorText>{error}</ErrorText>
      {sessions === null && !error && <Spinner label="Loading sessions" />}
      {(creating || sessions?.length === 0) && (
        <CreateSessionForm onCancel={sessions?.length ? () => setCreating(false) : undefined} />
      )}
      {sessions?.length === 0 && <DemoOffer />}
      {sessions && sessions.length > 0 && (
        <ul className="session-list" aria-label="Your sessions">
          {sessions.map((s) => (
            <li key={s.id}>
              <Link to={`/sessions/${s.id}`} className="session-card card">
                <span className="session-title">{s.title}</span>
                <span className="muted">{s.artistName ?? 'No artist set'}</span>
                <span className="session-meta">
                  <Badge tone={s.role}>{s.role}</Badge>
                  <span className="muted small">updated {formatWhen(s.updatedAt)}</span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function CreateSessionForm({ onCancel }: { onCancel?: () => void }) {
  const [title, setTitle] = useState('');
  const [artistName, setArtistName] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const { session } = await api.call(sessionRoutes.createSession, {
        body: { title: title.trim(), ...(artistName.trim() ? { artistName: artistName.trim() } : {}) },
      });
      navigate(`/sessions/${session.id}/members`);
    } catch (e) {
      setErrors(fieldErrors(e));
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="create-session-title">
      <h2 id="create-session-title">Create a session</h2>
      <p className="muted">One session per song: its revisions, notes, brief and approvals live here.</p>
      <form className="form-grid" onSubmit={submit}>
        <TextField
          label="Song title"
          required
          maxLength={200}
          value={title}
          error={errors.title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <TextField
          label="Artist"
          maxLength={200}
          value={artistName}
          error={errors.artistName}
          onChange={(e) => setArtistName(e.target.value)}
        />
        <ErrorText>{Object.keys(errors).length ? '' : error}</ErrorText>
        <div className="row">
          <Button type="submit" variant="primary" busy={busy} disabled={!title.trim()}>
            Create session
          </Button>
          {onCancel && (
            <Button variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          )}
        </div>
      </form>
    </section>
  );
}

function DemoOffer() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const create = async () => {
    setBusy(true);
    setError('');
    try {
      const { sessionId } = await createDemoSession();
      navigate(sessionId ? `/sessions/${sessionId}` : '/');
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };
  return (
    <section className="card demo-offer" aria-labelledby="demo-title">
      <h2 id="demo-title">New to Mixroom?</h2>
      <EmptyState title="Try it on a demo song">
        <p>
          A one-minute song with drums, bass, two guitars, a lead and a pad, a mix bounce, sections and a few
          notes — ready to review, compare and approve.
        </p>
      </EmptyState>
      <ErrorText>{error}</ErrorText>
      <Button onClick={() => void create()} busy={busy}>
        {busy ? 'Creating demo session…' : 'Create a demo session'}
      </Button>
    </section>
  );
}
