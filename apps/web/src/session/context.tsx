import type { Member, Role, Session, User } from '@mixroom/contract';
import type { MixState } from '@mixroom/mix-model';
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { ReviewRevision } from '../api/types';
import type { PlayerState, ReviewPlayer } from '../audio/ReviewPlayer';
import type { SessionEvent, SessionEventStream } from '../sync/events';
import type { MixDocument, Peer } from '../sync/mixdoc';

export interface SessionContextValue {
  sessionId: string;
  session: Session;
  role: Role;
  me: User;
  members: Member[];
  reloadMembers(): Promise<void>;
  /** In revision order; null until loaded. */
  revisions: ReviewRevision[] | null;
  revisionsError: string;
  reloadRevisions(): Promise<void>;
  reloadSession(): Promise<void>;
  events: SessionEventStream;
  mixdoc: MixDocument;
  player: ReviewPlayer;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside a session page');
  return ctx;
}

export const can = {
  manage: (role: Role) => role === 'engineer',
  upload: (role: Role) => role === 'engineer',
  editDoc: (role: Role) => role === 'engineer' || role === 'artist',
  decide: (role: Role) => role === 'engineer' || role === 'artist',
  sign: (role: Role) => role === 'engineer' || role === 'artist',
};

export function useMix(): MixState {
  const { mixdoc } = useSession();
  return useSyncExternalStore(
    (fn) => mixdoc.subscribe(fn),
    () => mixdoc.mix,
  );
}

export function useSyncStatus() {
  const { mixdoc } = useSession();
  const [, force] = useState(0);
  useEffect(() => mixdoc.subscribe(() => force((n) => n + 1)), [mixdoc]);
  return { status: mixdoc.status, synced: mixdoc.synced, lastClose: mixdoc.lastClose };
}

export function usePeers(): Peer[] {
  const { mixdoc } = useSession();
  return useSyncExternalStore(
    (fn) => mixdoc.subscribePeers(fn),
    () => mixdoc.getPeers(),
  );
}

export function usePlayerState(): PlayerState {
  const { player } = useSession();
  const [state, setState] = useState(() => player.state());
  useEffect(() => {
    setState(player.state());
    return player.subscribe(setState);
  }, [player]);
  return state;
}

/** Live playhead, redrawn every frame while playing. */
export function usePlayhead(): number {
  const { player } = useSession();
  const state = usePlayerState();
  const [t, setT] = useState(() => player.position());
  useEffect(() => {
    setT(player.position());
    if (!state.playing) return;
    let frame = requestAnimationFrame(function tick() {
      setT(player.position());
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [player, state]);
  return t;
}

/** Subscribes to session events whose type starts with `prefix` for the component's lifetime. */
export function useSessionEvent(prefix: string, handler: (event: SessionEvent) => void): void {
  const { events } = useSession();
  const [latest] = useState(() => ({ handler }));
  latest.handler = handler;
  useEffect(() => events.on(prefix, (e) => latest.handler(e)), [events, prefix, latest]);
}

/** Runs `fn` after the event stream reconnects (events sent meanwhile are lost). */
export function useResync(fn: () => void): void {
  const { events } = useSession();
  const [latest] = useState(() => ({ fn }));
  latest.fn = fn;
  useEffect(() => events.onResync(() => latest.fn()), [events, latest]);
}
