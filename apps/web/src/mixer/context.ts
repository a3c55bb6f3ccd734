import type { MixState } from '@mixroom/mix-model';
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type * as Y from 'yjs';
import { blindText } from './engine/blind';
import type { EngineState, MixerEngine } from './engine/engine';
import type { ListenTogether } from './engine/listen-together';
import type { PlaybackSystemId } from './engine/playback-systems';

/** A revision as the mixer needs it: its bounce for A/B and its stems for setting up the mixer. */
export interface MixerRevision {
  readonly id: string;
  readonly number: number;
  readonly mixFileId: string | null;
  readonly stems: readonly { readonly fileId: string; readonly name: string }[];
}

/** What the mixer reads from a file's analysis. Levels in dB / LUFS. */
export interface MixerAnalysis {
  readonly samplePeakDbfs: number | null;
  readonly rmsDbfs: number | null;
  readonly integratedLufs: number | null;
  readonly suggestedClipGainDb: number | null;
  readonly durationS: number | null;
}

export interface MixerContextValue {
  readonly engine: MixerEngine;
  readonly together: ListenTogether | null;
  readonly doc: Y.Doc;
  readonly mix: MixState;
  readonly state: EngineState;
  readonly canEdit: boolean;
  readonly userName: string;
  readonly revisions: readonly MixerRevision[];
  readonly loadAnalysis: (fileId: string) => Promise<MixerAnalysis | null>;
  /** Blindfold mode for this listener: no numbers, no meters. */
  readonly blind: boolean;
  setBlind(on: boolean): void;
  setSystem(id: PlaybackSystemId): void;
  /** Text as shown: in blindfold mode with numbers spelt out. */
  t(text: string): string;
  /** Reports an edit the document refused (e.g. an out-of-range value). */
  report(message: string): void;
}

export const MixerContext = createContext<MixerContextValue | null>(null);

export function useMixer(): MixerContextValue {
  const ctx = useContext(MixerContext);
  if (!ctx) throw new Error('useMixer outside <Mixer>');
  return ctx;
}

export function textFor(blind: boolean): (text: string) => string {
  return blind ? blindText : (text) => text;
}

/** The engine's state, re-rendered on every change it reports. */
export function useEngineState(engine: MixerEngine): EngineState {
  const [cache] = useState(() => ({ state: engine.state() }));
  return useSyncExternalStore(
    (fn) =>
      engine.subscribe((s) => {
        cache.state = s;
        fn();
      }),
    () => cache.state,
  );
}

/** Live song position, redrawn every animation frame while playing. */
export function usePosition(): number {
  const { engine, state } = useMixer();
  const [t, setT] = useState(() => engine.position());
  useEffect(() => {
    setT(engine.position());
    if (!state.playing) return;
    let frame = requestAnimationFrame(function tick() {
      setT(engine.position());
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [engine, state]);
  return t;
}

/** Per-listener settings kept in this browser (blindfold, playback system). */
export interface ListenerPrefs {
  blind: boolean;
  system: PlaybackSystemId;
}

export function loadPrefs(userId: string): ListenerPrefs {
  try {
    const raw = JSON.parse(localStorage.getItem(`mixroom.mixer.${userId}`) ?? '{}') as Partial<ListenerPrefs>;
    return { blind: raw.blind === true, system: raw.system ?? 'studio' };
  } catch {
    return { blind: false, system: 'studio' };
  }
}

export function savePrefs(userId: string, prefs: ListenerPrefs): void {
  try {
    localStorage.setItem(`mixroom.mixer.${userId}`, JSON.stringify(prefs));
  } catch {
    // Private mode: the setting lasts for this page only.
  }
}
