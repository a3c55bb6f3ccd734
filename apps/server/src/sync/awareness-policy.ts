import type { AwarenessEntry } from './protocol.js';

/** Who is behind a connection, as the server authenticated them. */
export interface PresenceUser {
  id: string;
  displayName: string;
  role: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[a-z0-9][a-z0-9-]{0,31}$/i;
/** Longest song, in seconds (mix-model's LIMITS.maxSongS). */
const MAX_PLAYHEAD_S = 86_400;

const FIELD = /^[a-z][a-z0-9]{0,31}(:[a-z][a-z0-9]{0,31})?$/;

const isId = (v: unknown) => typeof v === 'string' && ID.test(v);
const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isYId = (v: unknown) =>
  v === null ||
  (typeof v === 'object' &&
    v !== null &&
    isCount((v as { client?: unknown }).client) &&
    isCount((v as { clock?: unknown }).clock) &&
    Object.keys(v).length === 2);

/** A Yjs relative position as `Y.relativePositionToJSON` writes it: `{type, tname, item, assoc}`. */
function isRelativePosition(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { type, tname, item, assoc, ...rest } = v as Record<string, unknown>;
  return (
    Object.keys(rest).length === 0 &&
    (type === undefined || isYId(type)) &&
    (tname === undefined || tname === null || (typeof tname === 'string' && tname.length <= 64)) &&
    (item === undefined || isYId(item)) &&
    (assoc === undefined || (Number.isInteger(assoc) && Math.abs(assoc as number) <= 1))
  );
}

/**
 * Rewrites a client's presence state to the allowed fields [SY-9]: `user` always comes from the
 * authenticated connection (nobody can pose as someone else); `playhead` (seconds, 0..86400), `playing`,
 * `sceneId`, `playbackSystem` (a short token such as `headphones`), `followUserId`, `revisionId` (the
 * revision being listened to) and `textSelection` (`{field, anchor, head}` with Yjs relative positions: a
 * collaborator's cursor in the brief) are kept when well formed; anything else is dropped. Returns
 * undefined when the JSON is not an object or null.
 */
export function sanitizePresence(
  json: string,
  user: PresenceUser,
): Record<string, unknown> | null | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const input = raw as Record<string, unknown>;
  const state: Record<string, unknown> = {
    user: { id: user.id, displayName: user.displayName, role: user.role },
  };
  const { playhead, playing, sceneId, playbackSystem, followUserId } = input;
  if (
    typeof playhead === 'number' &&
    Number.isFinite(playhead) &&
    playhead >= 0 &&
    playhead <= MAX_PLAYHEAD_S
  ) {
    state.playhead = playhead;
  }
  if (typeof playing === 'boolean') state.playing = playing;
  if (sceneId === null || (typeof sceneId === 'string' && ID.test(sceneId))) state.sceneId = sceneId;
  if (playbackSystem === null || (typeof playbackSystem === 'string' && TOKEN.test(playbackSystem))) {
    state.playbackSystem = playbackSystem;
  }
  if (followUserId === null || (typeof followUserId === 'string' && ID.test(followUserId))) {
    state.followUserId = followUserId;
  }
  const { revisionId, textSelection } = input;
  if (revisionId === null || isId(revisionId)) state.revisionId = revisionId;
  if (textSelection === null) state.textSelection = null;
  else if (typeof textSelection === 'object' && !Array.isArray(textSelection)) {
    const { field, anchor, head, ...rest } = textSelection as Record<string, unknown>;
    if (
      Object.keys(rest).length === 0 &&
      typeof field === 'string' &&
      FIELD.test(field) &&
      isRelativePosition(anchor) &&
      isRelativePosition(head)
    ) {
      state.textSelection = { field, anchor, head };
    }
  }
  return state;
}

/** Limits on presence traffic per connection. */
export interface AwarenessLimits {
  /** Largest awareness message, in bytes. Default 16 KiB. */
  maxMessageBytes: number;
  /** Most entries in one awareness message. Default 8. */
  maxEntries: number;
  /** Most presence client ids one connection may own (one per open document copy). Default 4. */
  maxClientIdsPerConnection: number;
  /** Largest JSON text of one state, in bytes. Default 4 KiB. */
  maxStateBytes: number;
}

export const DEFAULT_AWARENESS_LIMITS: AwarenessLimits = {
  maxMessageBytes: 16 * 1024,
  maxEntries: 8,
  maxClientIdsPerConnection: 4,
  maxStateBytes: 4 * 1024,
};

/**
 * Filters and rewrites a connection's awareness entries. `owns(clientId)` says whether the client id is
 * free for this connection (not another connection's); entries for other ids and oversized or malformed
 * states are dropped.
 */
export function sanitizeAwarenessEntries(
  entries: readonly AwarenessEntry[],
  user: PresenceUser,
  limits: AwarenessLimits,
  claim: (clientId: number) => boolean,
): AwarenessEntry[] {
  const out: AwarenessEntry[] = [];
  for (const entry of entries) {
    if (entry.json.length > limits.maxStateBytes) continue;
    const state = sanitizePresence(entry.json, user);
    if (state === undefined) continue;
    if (!claim(entry.clientId)) continue;
    out.push({ clientId: entry.clientId, clock: entry.clock, json: JSON.stringify(state) });
  }
  return out;
}
