import { type MixState, readMix } from '@mixroom/mix-model';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** What each person in the room shares through awareness (ephemeral, never stored). */
export interface PresenceState {
  user: { id: string; name: string; color: string };
  /** Revision whose bounce they are listening to. */
  revisionId?: string | null;
  /** Seconds. */
  playhead?: number;
  playing?: boolean;
  sceneId?: string | null;
  playbackSystem?: string | null;
  /** User id of the person whose transport they follow. */
  followUserId?: string | null;
  /** Selection in a shared text field (`brief`, `principle:space`) as JSON relative positions. */
  textSelection?: { field: string; anchor: unknown; head: unknown } | null;
}

export interface Peer extends PresenceState {
  clientId: number;
  /** Local receive time (ms) of this state, to extrapolate a playing playhead. */
  receivedAt: number;
}

export type SyncStatus = 'connecting' | 'connected' | 'disconnected';

/**
 * The session's shared mix document over the sync socket (`/sync/<sessionId>`; the provider appends the
 * room name). The server seeds the document; this client never writes defaults.
 */
export class MixDocument {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly awareness: Awareness;
  status: SyncStatus = 'connecting';
  synced = false;
  /** Close code/reason when the server refused an update or the socket. */
  lastClose: { code: number; reason: string } | null = null;
  private snapshot: MixState;
  private readonly listeners = new Set<() => void>();
  private readonly peerListeners = new Set<() => void>();
  private peers: Peer[] = [];
  private frame = 0;

  constructor(sessionId: string, user: PresenceState['user']) {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    this.provider = new WebsocketProvider(`${proto}//${window.location.host}/sync`, sessionId, this.doc, {
      connect: true,
      maxBackoffTime: 5000,
    });
    this.awareness = this.provider.awareness;
    this.awareness.setLocalState({ user } satisfies PresenceState);
    this.snapshot = readMix(this.doc);

    this.doc.on('update', () => this.schedule());
    this.provider.on('status', ({ status }: { status: string }) => {
      this.status =
        status === 'connected' ? 'connected' : status === 'connecting' ? 'connecting' : 'disconnected';
      this.schedule();
    });
    this.provider.on('sync', (synced: boolean) => {
      this.synced = synced;
      this.schedule();
    });
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event && event.code !== 1000 && event.code !== 1005) {
        this.lastClose = { code: event.code, reason: event.reason };
      }
    });
    this.awareness.on(
      'change',
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
        // This client's own presence changes do not change the peer list.
        if ([...added, ...updated, ...removed].some((id) => id !== this.doc.clientID)) this.updatePeers();
      },
    );
  }

  /** Plain snapshot of the document, re-read at most once per frame. */
  get mix(): MixState {
    return this.snapshot;
  }

  get clientId(): number {
    return this.doc.clientID;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  subscribePeers(fn: () => void): () => void {
    this.peerListeners.add(fn);
    return () => this.peerListeners.delete(fn);
  }

  getPeers(): Peer[] {
    return this.peers;
  }

  /** Merges fields into this client's presence. */
  setPresence(patch: Partial<PresenceState>): void {
    const current = (this.awareness.getLocalState() ?? {}) as PresenceState;
    this.awareness.setLocalState({ ...current, ...patch });
  }

  presence(): PresenceState | null {
    return this.awareness.getLocalState() as PresenceState | null;
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.listeners.clear();
    this.peerListeners.clear();
    this.awareness.setLocalState(null);
    this.provider.destroy();
    this.doc.destroy();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.snapshot = readMix(this.doc);
      for (const fn of this.listeners) fn();
    });
  }

  private updatePeers(): void {
    const now = performance.now();
    const previous = new Map(this.peers.map((p) => [p.clientId, p]));
    const out: Peer[] = [];
    for (const [clientId, state] of this.awareness.getStates()) {
      if (clientId === this.doc.clientID) continue;
      const s = state as Partial<PresenceState>;
      if (!s.user || typeof s.user.id !== 'string') continue;
      // The server rewrites `user` to the authenticated {id, displayName, role}; other fields it does not
      // forward (revisionId, textSelection) are simply absent then.
      const raw = s.user as { id: string; name?: unknown; displayName?: unknown; color?: unknown };
      const name = typeof raw.displayName === 'string' ? raw.displayName : raw.name;
      const user = {
        id: raw.id,
        name: typeof name === 'string' && name ? name : 'Someone',
        color: typeof raw.color === 'string' ? raw.color : '#888888',
      };
      const before = previous.get(clientId);
      const changed =
        !before ||
        before.playhead !== s.playhead ||
        before.playing !== s.playing ||
        before.revisionId !== s.revisionId;
      out.push({ ...(s as PresenceState), user, clientId, receivedAt: changed ? now : before.receivedAt });
    }
    this.peers = out;
    for (const fn of this.peerListeners) fn();
  }
}

/** A peer's playhead now, extrapolated while they play. */
export function peerPlayhead(peer: Peer, now = performance.now()): number {
  const base = peer.playhead ?? 0;
  return peer.playing ? base + (now - peer.receivedAt) / 1000 : base;
}
