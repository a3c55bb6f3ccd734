import { readMix } from '@mixroom/mix-model';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as Y from 'yjs';
import { ArcChart } from './components/ArcChart';
import { ExportPanel } from './components/ExportPanel';
import { GainStaging } from './components/GainStaging';
import { MasterMeter } from './components/Meters';
import { SceneBar } from './components/SceneBar';
import { SectionsLane } from './components/SectionsLane';
import { StemSetup } from './components/StemSetup';
import { StemsGrid } from './components/StemsGrid';
import { RoomListeners, TransportBar } from './components/TransportBar';
import {
  loadPrefs,
  type MixerAnalysis,
  MixerContext,
  type MixerContextValue,
  type MixerRevision,
  savePrefs,
  textFor,
  useEngineState,
} from './context';
import { MixerEngine } from './engine/engine';
import { type AwarenessLike, ListenTogether } from './engine/listen-together';
import type { PlaybackSystemId } from './engine/playback-systems';
import { installDebugHook } from './debug';
import { consumePendingScene, onSceneRequest } from './scene-requests';
import meterWorkletUrl from './worklets/meter.worklet.ts?worker&url';
import './mixer.css';

export interface MixerProps {
  /** The session's shared mix document (`MixDocument.doc`), synced. */
  readonly doc: Y.Doc;
  /** Room presence (`MixDocument.awareness`); without it there is no presence and no follow mode. */
  readonly awareness?: AwarenessLike | null;
  /** May this listener edit the mix document (engineer, artist)? Viewers only listen. */
  readonly canEdit: boolean;
  /** Signed-in user: id keys this browser's per-listener settings; name is the author of new scenes. */
  readonly user: { readonly id: string; readonly name: string };
  /** Revisions, oldest first: their bounces can be A/B'd, their stems set up the mixer. Default none. */
  readonly revisions?: readonly MixerRevision[];
  /** Loads a file's audio. Default: `GET /api/files/:id/audio` with the session cookie. */
  readonly loadAudio?: (fileId: string, signal: AbortSignal) => Promise<ArrayBuffer>;
  /** Loads a file's analysis. Default: `GET /api/files/:id/analysis`. */
  readonly loadAnalysis?: (fileId: string) => Promise<MixerAnalysis | null>;
  /** Called when the mixer starts playing (e.g. to pause another player). */
  readonly onPlay?: () => void;
}

/** The stems mixer: scenes, sections, meters and listening tools for one session. */
export function Mixer(props: MixerProps) {
  const { doc, awareness, user, loadAudio } = props;
  const [engine, setEngine] = useState<MixerEngine | null>(null);
  const [together, setTogether] = useState<ListenTogether | null>(null);
  const [prefs, setPrefs] = useState(() => loadPrefs(user.id));
  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;

  useEffect(() => {
    const mix = readMix(doc);
    const e = new MixerEngine({
      doc,
      meterWorkletUrl,
      ...(loadAudio ? { loadAudio } : {}),
      ...(mix.meta.sampleRate ? { sampleRate: mix.meta.sampleRate } : {}),
    });
    e.setSystem(prefsRef.current.system);
    const pending = consumePendingScene();
    if (pending) e.setScene(pending);
    const t = awareness ? new ListenTogether(e, awareness, (sceneId) => e.setScene(sceneId)) : null;
    const offRequests = onSceneRequest((sceneId) => e.setScene(sceneId));
    const offHook = installDebugHook(e, t);
    setEngine(e);
    setTogether(t);
    return () => {
      offHook();
      offRequests();
      t?.dispose();
      e.dispose();
      setEngine(null);
      setTogether(null);
    };
  }, [doc, awareness, loadAudio]);

  if (!engine) return null;
  return <MixerWithEngine {...props} engine={engine} together={together} prefs={prefs} setPrefs={setPrefs} />;
}

function MixerWithEngine({
  engine,
  together,
  prefs,
  setPrefs,
  ...props
}: MixerProps & {
  engine: MixerEngine;
  together: ListenTogether | null;
  prefs: ReturnType<typeof loadPrefs>;
  setPrefs: (p: ReturnType<typeof loadPrefs>) => void;
}) {
  const state = useEngineState(engine);
  const [message, setMessage] = useState('');
  const { onPlay } = props;
  useEffect(() => {
    if (state.playing) onPlay?.();
  }, [state.playing, onPlay]);

  const update = useCallback(
    (next: Partial<typeof prefs>) => {
      const merged = { ...prefs, ...next };
      savePrefs(props.user.id, merged);
      setPrefs(merged);
    },
    [prefs, props.user.id, setPrefs],
  );

  const value: MixerContextValue = useMemo(
    () => ({
      engine,
      together,
      doc: props.doc,
      mix: engine.mixState,
      state,
      canEdit: props.canEdit,
      userName: props.user.name,
      revisions: props.revisions ?? [],
      loadAnalysis: props.loadAnalysis ?? defaultLoadAnalysis,
      blind: prefs.blind,
      setBlind: (on) => update({ blind: on }),
      setSystem: (id: PlaybackSystemId) => {
        engine.setSystem(id);
        update({ system: id });
      },
      t: textFor(prefs.blind),
      report: setMessage,
    }),
    [
      engine,
      together,
      props.doc,
      state,
      props.canEdit,
      props.user.name,
      props.revisions,
      props.loadAnalysis,
      prefs,
      update,
    ],
  );

  const hasStems = value.mix.stems.length > 0;
  return (
    <MixerContext.Provider value={value}>
      <section
        className={`mixer${prefs.blind ? ' mixer-blind' : ''}`}
        aria-label="Stems mixer"
        data-testid="mixer"
      >
        <TransportBar />
        <RoomListeners />
        <SceneBar />
        <p className="mixer-message" role="status" aria-live="polite">
          {message ? value.t(message) : ''}
        </p>
        {!hasStems ? (
          <StemSetup />
        ) : (
          <>
            <SectionsLane />
            <StemsGrid onError={setMessage} />
            {!prefs.blind && (
              <div className="mixer-panels">
                <MasterMeter />
                <ArcChart />
                <GainStaging />
              </div>
            )}
            {prefs.blind && (
              <p className="mixer-blind-note">
                Blindfold is on: meters, levels and times are hidden so you judge by ear. Turn it off to see
                them again.
              </p>
            )}
            <ExportPanel />
          </>
        )}
      </section>
    </MixerContext.Provider>
  );
}

/** Reads `GET /api/files/:id/analysis` in either shape the server may answer with. */
export async function defaultLoadAnalysis(fileId: string): Promise<MixerAnalysis | null> {
  const res = await fetch(`/api/files/${encodeURIComponent(fileId)}/analysis`, {
    credentials: 'same-origin',
  });
  if (!res.ok) return null;
  const body = (await res.json()) as Record<string, unknown>;
  const outer = (body.analysis ?? body) as Record<string, unknown>;
  const r = (outer.result ?? outer) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  if (num(r.durationS) === null && num(r.suggestedClipGainDb) === null) return null;
  return {
    samplePeakDbfs: num(r.samplePeakDbfs),
    rmsDbfs: num(r.rmsDbfs),
    integratedLufs: num(r.integratedLufs),
    suggestedClipGainDb: num(r.suggestedClipGainDb),
    durationS: num(r.durationS),
  };
}
