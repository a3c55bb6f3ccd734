/** A server-sent session event: `note.created`, `revision.created`, `analysis.progressed`, ... */
export interface SessionEvent {
  type: string;
  data: Record<string, unknown>;
  actorId: string | null;
  at: string;
}

export type EventListener = (event: SessionEvent) => void;

// EventSource only delivers named events to listeners of that exact name, so every name the server
// publishes is listed; unnamed `message` events carry their type in the JSON instead.
const KNOWN_TYPES = [
  'note.created',
  'note.updated',
  'note.resolved',
  'note.reopened',
  'note.deleted',
  'decision.created',
  'revision.created',
  'revision.updated',
  'revision.approved',
  'revision.changes-requested',
  'revision.locked',
  'revision.status-changed',
  'file.created',
  'file.analysed',
  'analysis.started',
  'analysis.progressed',
  'analysis.completed',
  'analysis.failed',
  'member.joined',
  'member.added',
  'member.updated',
  'member.removed',
  'invite.created',
  'invite.revoked',
  'invite.accepted',
  'session.updated',
  'session.deleted',
  'brief.signature.created',
  'brief.signed',
];

/**
 * One EventSource per open session, fanned out to subscribers by type prefix. After a reconnect the
 * `resync` listeners run, because events sent while disconnected are gone.
 */
export class SessionEventStream {
  private source: EventSource | null = null;
  private readonly listeners = new Set<{ prefix: string; fn: EventListener }>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly statusListeners = new Set<(s: 'connecting' | 'open' | 'closed') => void>();
  private hadError = false;
  status: 'connecting' | 'open' | 'closed' = 'connecting';

  constructor(private readonly url: string) {
    this.open();
  }

  private open(): void {
    const source = new EventSource(this.url, { withCredentials: true });
    this.source = source;
    const handle = (type: string) => (message: MessageEvent<string>) => this.dispatch(type, message.data);
    source.addEventListener('message', handle('message'));
    for (const type of KNOWN_TYPES) source.addEventListener(type, handle(type) as (e: Event) => void);
    source.addEventListener('open', () => {
      this.setStatus('open');
      if (this.hadError) for (const fn of this.resyncListeners) fn();
      this.hadError = false;
    });
    source.addEventListener('error', () => {
      this.hadError = true;
      this.setStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
      // A closed stream (e.g. the server restarted and answered 5xx once) is reopened after a pause.
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        window.setTimeout(() => {
          if (this.source === source) this.open();
        }, 3000);
      }
    });
  }

  private dispatch(name: string, raw: string): void {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return;
    }
    const type = typeof parsed.type === 'string' ? parsed.type : name;
    if (type === 'message' || type === 'ping' || type === 'ready') return;
    const data =
      parsed.data && typeof parsed.data === 'object' && typeof parsed.type === 'string'
        ? (parsed.data as Record<string, unknown>)
        : parsed;
    const event: SessionEvent = {
      type,
      data,
      actorId: typeof parsed.actorId === 'string' ? parsed.actorId : null,
      at: typeof parsed.at === 'string' ? parsed.at : new Date().toISOString(),
    };
    for (const l of this.listeners) if (type.startsWith(l.prefix)) l.fn(event);
  }

  private setStatus(s: 'connecting' | 'open' | 'closed'): void {
    this.status = s;
    for (const fn of this.statusListeners) fn(s);
  }

  /** Listens to every event whose type starts with `prefix` (`'note.'`, `'analysis.'`, `''` = all). */
  on(prefix: string, fn: EventListener): () => void {
    const entry = { prefix, fn };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  onResync(fn: () => void): () => void {
    this.resyncListeners.add(fn);
    return () => this.resyncListeners.delete(fn);
  }

  onStatus(fn: (s: 'connecting' | 'open' | 'closed') => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  close(): void {
    this.source?.close();
    this.source = null;
    this.listeners.clear();
    this.resyncListeners.clear();
    this.statusListeners.clear();
  }
}
