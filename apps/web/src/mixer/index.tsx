/**
 * The stems mixer of the review room: scenes, section balance, meters, listening tools, follow mode and
 * export, auditioned together in real time.
 *
 * ## Components
 *
 * `<MixerTab />` — no props; reads the session through `useSession()` (mix document, presence, role,
 * revisions, the review player). The review room's `MixerSlot` mounts it.
 *
 * `<Mixer …/>` — the same without the session context. Props:
 *
 * | prop          | type                                                    | meaning (default)                                      |
 * |---------------|---------------------------------------------------------|--------------------------------------------------------|
 * | `doc`         | `Y.Doc`                                                 | the session's shared mix document, synced (required)   |
 * | `awareness`   | y-protocols `Awareness` or null                         | presence; null: no presence, no follow mode            |
 * | `canEdit`     | boolean                                                 | may edit the mix document (engineer, artist)           |
 * | `user`        | `{ id, name }`                                          | per-listener settings key; author of new scenes        |
 * | `revisions`   | `MixerRevision[]` (oldest first)                        | bounces for A/B, stems for set-up (none)               |
 * | `loadAudio`   | `(fileId, signal) => Promise<ArrayBuffer>`              | audio bytes (`GET /api/files/:id/audio`)               |
 * | `loadAnalysis`| `(fileId) => Promise<MixerAnalysis \| null>`            | analysis (`GET /api/files/:id/analysis`)               |
 * | `onPlay`      | `() => void`                                            | called when the mixer starts playing (nothing)         |
 *
 * `<ApplyNoteButton doc note createdBy />` and `applyNoteAsProposal(doc, note, {createdBy})` — turn a
 * structured note into a new proposal scene in one action (mix-model `applyStructuredNote`) and select
 * it in the mixer (`selectMixerScene`). For the review room's note list.
 *
 * ## Presence contract (awareness)
 *
 * While the mixer is open it publishes `sceneId` (non-null: "listening to the stems in this scene") and
 * `playbackSystem`; while its transport runs, `playhead` and `playing` (4 Hz and on every change). A
 * follower whose leader has a non-null `sceneId` is driven by the mixer's follow mode; a bounce player
 * should leave such a leader to the mixer (and follow only leaders whose `sceneId` is null), or both
 * would play.
 *
 * ## Audio engine
 *
 * `MixerEngine` (engine/engine.ts) plays the stems; `renderScene`/`renderSceneWav` render a scene
 * offline with the same graph builder; `PLAYBACK_SYSTEMS` documents the playback-system curves.
 * `window.__mixroomMixer` (debug.ts) exposes the mounted engine to browser tests and benchmarks.
 */
import { useCallback, useMemo } from 'react';
import { can, useMix, useSession, useSyncStatus } from '../session/context';
import type { MixerRevision } from './context';
import { Mixer } from './Mixer';

export { ApplyNoteButton, applyNoteAsProposal, type StructuredNoteInput } from './components/ApplyNoteButton';
export type { MixerAnalysis, MixerRevision } from './context';
export type { Compare, EngineState, MixerEngineOptions } from './engine/engine';
export { MixerEngine } from './engine/engine';
export { type AwarenessLike, ListenTogether } from './engine/listen-together';
export { PLAYBACK_SYSTEM_IDS, PLAYBACK_SYSTEMS, type PlaybackSystemId } from './engine/playback-systems';
export { renderScene, renderSceneWav } from './engine/render';
export { encodeWav } from './engine/wav';
export { defaultLoadAnalysis, Mixer, type MixerProps } from './Mixer';
export { selectMixerScene } from './scene-requests';

/** The mixer for the session page's Mixer tab (no props: everything comes from the session). */
export function MixerTab() {
  const { mixdoc, role, me, revisions, player } = useSession();
  const mixerRevisions: MixerRevision[] = useMemo(
    () =>
      (revisions ?? []).map((r) => ({
        id: r.id,
        number: r.number,
        mixFileId: r.mixFileId,
        stems: r.files
          .filter((f) => f.kind === 'stem')
          .map((f) => ({ fileId: f.id, name: f.filename.replace(/\.[A-Za-z0-9]{2,5}$/, '') })),
      })),
    [revisions],
  );
  // One transport at a time: starting the stems pauses the bounce player of the review tab.
  const onPlay = useCallback(() => {
    if (player.isPlaying) player.pause();
  }, [player]);
  const user = useMemo(() => ({ id: me.id, name: me.displayName }), [me.id, me.displayName]);
  const { synced } = useSyncStatus();
  const mix = useMix();
  // The server seeds the document; until the first sync there is not even a scene to play.
  if (!synced && mix.scenes.length === 0) {
    return (
      <p className="page-pad muted" role="status">
        Connecting to the session…
      </p>
    );
  }
  return (
    <Mixer
      doc={mixdoc.doc}
      awareness={mixdoc.awareness}
      canEdit={can.editDoc(role)}
      user={user}
      revisions={mixerRevisions}
      onPlay={onPlay}
    />
  );
}
