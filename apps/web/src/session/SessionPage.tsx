import { type Member, type Role, type Session, sessionRoutes } from '@mixroom/contract';
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/client';
import { listRevisions } from '../api/endpoints';
import type { ReviewRevision } from '../api/types';
import { useUser } from '../app/auth';
import { exposeReviewPlayer } from '../audio/debug';
import { ReviewPlayer } from '../audio/ReviewPlayer';
import { BriefTab } from '../brief/BriefTab';
import { colorFor } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { MembersTab } from '../members/MembersTab';
import { MixerSlot } from '../review/MixerSlot';
import { ReviewRoom } from '../review/ReviewRoom';
import { SessionEventStream } from '../sync/events';
import { MixDocument } from '../sync/mixdoc';
import { Badge, EmptyState, ErrorText, Spinner } from '../ui/ui';
import { UploadTab } from '../upload/UploadTab';
import { SessionContext, type SessionContextValue, useSession, useSessionEvent, useResync } from './context';
import { PresenceBar } from './PresenceBar';

export type TabId = 'review' | 'mixer' | 'brief' | 'upload' | 'members';

const TABS: { id: TabId; label: string; show?: (role: Role) => boolean }[] = [
  { id: 'review', label: 'Review' },
  { id: 'mixer', label: 'Mixer' },
  { id: 'brief', label: 'Brief' },
  { id: 'upload', label: 'Upload', show: (role) => role === 'engineer' },
  { id: 'members', label: 'Members' },
];

export function SessionPage({ sessionId, tab }: { sessionId: string; tab: string | undefined }) {
  const me = useUser();
  const [session, setSession] = useState<{ session: Session; role: Role } | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [revisions, setRevisions] = useState<ReviewRevision[] | null>(null);
  const [revisionsError, setRevisionsError] = useState('');
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [live, setLive] = useState<{
    events: SessionEventStream;
    mixdoc: MixDocument;
    player: ReviewPlayer;
  } | null>(null);

  const reloadSession = useCallback(async () => {
    try {
      setSession(await api.call(sessionRoutes.getSession, { params: { id: sessionId } }));
    } catch (e) {
      setError({ status: e instanceof ApiError ? e.status : 0, message: errorMessage(e) });
    }
  }, [sessionId]);

  const reloadMembers = useCallback(async () => {
    try {
      setMembers((await api.call(sessionRoutes.listMembers, { params: { id: sessionId } })).members);
    } catch {
      // The members panel shows its own errors; the header just keeps the last list.
    }
  }, [sessionId]);

  const reloadRevisions = useCallback(async () => {
    try {
      setRevisions(await listRevisions(sessionId));
      setRevisionsError('');
    } catch (e) {
      setRevisions((r) => r ?? []);
      setRevisionsError(
        e instanceof ApiError && e.status === 404 && !(e.code === 'not_found' && session)
          ? 'Revisions are not available on this server yet.'
          : errorMessage(e),
      );
    }
  }, [sessionId, session]);

  useEffect(() => {
    setSession(null);
    setError(null);
    void reloadSession();
    void reloadMembers();
  }, [reloadSession, reloadMembers]);

  // Only open sockets and streams once we know the caller is a member.
  const isMember = session !== null;
  const firstLoad = useRef(reloadRevisions);
  firstLoad.current = reloadRevisions;
  useEffect(() => {
    // Once per session; the event stream keeps the list fresh afterwards.
    if (isMember) void firstLoad.current();
  }, [isMember]);

  useEffect(() => {
    if (!isMember) return;
    const events = new SessionEventStream(`/api/sessions/${encodeURIComponent(sessionId)}/events`);
    const mixdoc = new MixDocument(sessionId, { id: me.id, name: me.displayName, color: colorFor(me.id) });
    const player = new ReviewPlayer();
    exposeReviewPlayer(player);
    setLive({ events, mixdoc, player });
    return () => {
      exposeReviewPlayer(null);
      setLive(null);
      player.dispose();
      mixdoc.destroy();
      events.close();
    };
  }, [isMember, sessionId, me.id, me.displayName]);

  const value: SessionContextValue | null = useMemo(
    () =>
      session && live
        ? {
            sessionId,
            session: session.session,
            role: session.role,
            me,
            members,
            reloadMembers,
            revisions,
            revisionsError,
            reloadRevisions,
            reloadSession,
            ...live,
          }
        : null,
    [
      session,
      live,
      sessionId,
      me,
      members,
      reloadMembers,
      revisions,
      revisionsError,
      reloadRevisions,
      reloadSession,
    ],
  );

  if (error) {
    return (
      <main id="main" className="page page-narrow">
        <EmptyState title={error.status === 404 ? 'Session not found' : 'This session could not be opened'}>
          <p>
            {error.status === 404
              ? 'It does not exist, or you are not a member of it. Ask the engineer for an invite link.'
              : error.message}
          </p>
          <p>
            <Link to="/">Back to your sessions</Link>
          </p>
        </EmptyState>
      </main>
    );
  }
  if (!value) {
    return (
      <main id="main" className="page">
        <Spinner label="Opening session" />
      </main>
    );
  }
  const visible = TABS.filter((t) => !t.show || t.show(value.role));
  const current: TabId = visible.some((t) => t.id === tab) ? (tab as TabId) : 'review';
  return (
    <SessionContext.Provider value={value}>
      <SessionLiveUpdates />
      <main id="main" className="session-page">
        <SessionHeader />
        <Tabs tabs={visible} current={current} sessionId={sessionId} />
        <div
          className={`tab-panel tab-panel-${current}`}
          role="tabpanel"
          id={`panel-${current}`}
          aria-labelledby={`tab-${current}`}
        >
          {current === 'review' && <ReviewRoom />}
          {current === 'mixer' && <MixerSlot />}
          {current === 'brief' && <BriefTab />}
          {current === 'upload' && <UploadTab />}
          {current === 'members' && <MembersTab />}
        </div>
      </main>
    </SessionContext.Provider>
  );
}

/** Keeps session-wide lists fresh from the event stream. */
function SessionLiveUpdates() {
  const { reloadRevisions, reloadMembers, reloadSession, me } = useSession();
  useSessionEvent('revision.', () => void reloadRevisions());
  useSessionEvent('decision.', () => void reloadRevisions());
  useSessionEvent('analysis.', (e) => {
    if (e.type !== 'analysis.progressed') void reloadRevisions();
  });
  useSessionEvent('member.', (e) => {
    if (e.type === 'member.removed' && e.data.userId === me.id) {
      navigate('/', { replace: true });
      return;
    }
    void reloadMembers();
  });
  useSessionEvent('session.', (e) => {
    if (e.type === 'session.deleted') navigate('/', { replace: true });
    else void reloadSession();
  });
  useResync(() => {
    void reloadRevisions();
    void reloadMembers();
    void reloadSession();
  });
  return null;
}

function SessionHeader() {
  const { session, role, revisions } = useSession();
  const used = revisions?.length ?? 0;
  const approved = revisions?.find((r) => r.status === 'approved');
  return (
    <header className="session-header">
      <div className="session-heading">
        <h1>{session.title}</h1>
        <div className="session-sub">
          {session.artistName && <span>{session.artistName}</span>}
          <Badge tone={role}>{role}</Badge>
          <span className="rounds" title="Revision rounds used of the rounds agreed">
            Round {Math.max(used, 0)} of {session.roundsAgreed}
            {used > session.roundsAgreed && <Badge tone="warn">over the agreed rounds</Badge>}
          </span>
          {approved && <Badge tone="ok">v{approved.number} approved</Badge>}
        </div>
      </div>
      <PresenceBar />
    </header>
  );
}

function Tabs({ tabs, current, sessionId }: { tabs: typeof TABS; current: TabId; sessionId: string }) {
  const list = useRef<HTMLDivElement>(null);
  const go = (id: TabId) => {
    const search = id === 'review' ? window.location.search : '';
    navigate(`/sessions/${sessionId}${id === 'review' ? '' : `/${id}`}${search}`);
  };
  const onKey = (event: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === current);
    let next = -1;
    if (event.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next < 0) return;
    event.preventDefault();
    const t = tabs[next]!;
    go(t.id);
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`#tab-${t.id}`)?.focus());
  };
  return (
    <div className="tabs" role="tablist" aria-label="Session" ref={list} onKeyDown={onKey}>
      {tabs.map((t) => (
        <button
          key={t.id}
          id={`tab-${t.id}`}
          type="button"
          role="tab"
          aria-selected={t.id === current}
          aria-controls={`panel-${t.id}`}
          tabIndex={t.id === current ? 0 : -1}
          onClick={() => go(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function SectionCard({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const id = `h-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export { ErrorText };
