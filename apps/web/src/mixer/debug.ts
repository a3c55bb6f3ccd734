/**
 * `window.__mixroomMixer`: a small read-mostly hook for browser tests and benchmarks (the mixer is
 * audio; a test cannot hear it, so it asks the graph). Present while a mixer is mounted.
 */
import type { MixerEngine } from './engine/engine';
import {
  buildSystemChain,
  chainPower,
  makeupGainDb,
  PLAYBACK_SYSTEMS,
  type PlaybackSystemId,
} from './engine/playback-systems';
import type { ListenTogether } from './engine/listen-together';

export interface MixerDebugHook {
  engine: MixerEngine;
  /** Linear gain scheduled on a stem's GainNodes at song time `songS` (level x mute/solo). */
  gainAt(stemId: string, songS: number): number;
  /** Audible song position now, and the wall-clock time it was taken at (ms since the epoch). */
  audible(): { position: number; playing: boolean; epochMs: number };
  /** Follow-mode statistics (drift in seconds). */
  follow(): {
    leader: string | null;
    checks: number;
    corrections: number;
    lastDriftS: number;
    maxDriftS: number;
    recent: { playhead: number; playing: boolean; receivedAtMs: number }[];
    log: { atMs: number; action: string; mine: number; leader: number }[];
    timeOrigin: number;
  };
  /** Renders a scene offline; channels as base64 of little-endian Float32 samples. */
  renderOffline(options?: { sceneId?: string | null; fromS?: number; toS?: number }): Promise<{
    sampleRate: number;
    channels: string[];
  }>;
  decodedBytes(): number;
  /**
   * Arms a probe for the next press of Play: resolves with the click's event time, the context time the
   * sources were scheduled for, and the first non-silent sample on the master meter (context time, and
   * when it leaves the speakers, in performance.now() ms).
   */
  measureNextPlay(): Promise<PlayProbe>;
  /** Arms a probe on a stem's meter: the first sample above `threshold`, as performance.now() when audible. */
  nextStemOnset(
    stemId: string,
    threshold: number,
  ): Promise<{ onsetAudibleMs: number; epochMs: number } | null>;
  /** performance.now() of the last remote document update and of the last change applied to the graph. */
  lastRemoteUpdate(): { arrivedMs: number; appliedMs: number; timeOrigin: number };
  /**
   * Magnitude response in dB (make-up gain included) of a playback-system chain as Chromium's own
   * BiquadFilterNodes compute it (`getFrequencyResponse`), at the given frequencies.
   */
  systemResponseDb(id: PlaybackSystemId, frequencies: number[]): number[];
  /** The same response from the documented table (playback-systems.ts maths), for comparison. */
  systemModelDb(id: PlaybackSystemId, frequencies: number[]): number[];
  /** Audio dropouts while playing (wall-clock ms since the epoch, and ms lost). */
  stalls(): { epochMs: number; lostMs: number }[];
}

export interface PlayProbe {
  clickMs: number;
  scheduledCtx: number;
  scheduledAudibleMs: number;
  onsetCtx: number | null;
  onsetAudibleMs: number | null;
  baseLatency: number;
  outputLatency: number;
}

declare global {
  interface Window {
    __mixroomMixer?: MixerDebugHook;
  }
}

function toBase64(samples: Float32Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function installDebugHook(engine: MixerEngine, together: ListenTogether | null): () => void {
  const hook: MixerDebugHook = {
    engine,
    gainAt: (stemId, songS) => engine.gainAt(stemId, songS),
    audible: () => {
      const now = performance.now();
      return {
        position: engine.audiblePosition(now),
        playing: engine.isPlaying,
        epochMs: performance.timeOrigin + now,
      };
    },
    follow: () => ({
      leader: together?.leader()?.userId ?? null,
      ...(together?.stats ?? emptyStats),
      recent: together ? [...together.recent] : [],
      log: together ? [...together.log] : [],
      timeOrigin: performance.timeOrigin,
    }),
    async renderOffline(options = {}) {
      const buffer = await engine.render(options);
      return {
        sampleRate: buffer.sampleRate,
        channels: Array.from({ length: buffer.numberOfChannels }, (_, c) =>
          toBase64(buffer.getChannelData(c)),
        ),
      };
    },
    decodedBytes: () => engine.decodedBytes(),
    measureNextPlay() {
      return new Promise<PlayProbe>((resolve) => {
        const onClick = (e: MouseEvent) => {
          const target = e.target as HTMLElement | null;
          if (!target?.closest('button[aria-label="Play stems"]')) return;
          document.removeEventListener('click', onClick, true);
          const clickMs = e.timeStamp;
          const onset = engine.nextOnset();
          const off = engine.subscribe((s) => {
            if (!s.playing) return;
            off();
            const scheduledCtx = engine.scheduledStart();
            void onset.then((onsetCtx) =>
              resolve({
                clickMs,
                scheduledCtx,
                scheduledAudibleMs: engine.performanceTimeOf(scheduledCtx),
                onsetCtx,
                onsetAudibleMs: onsetCtx === null ? null : engine.performanceTimeOf(onsetCtx),
                baseLatency: engine.ctx.baseLatency,
                outputLatency: engine.ctx.outputLatency,
              }),
            );
          });
        };
        document.addEventListener('click', onClick, true);
      });
    },
    async nextStemOnset(stemId, threshold) {
      const t = await engine.nextOnset(stemId, threshold);
      if (t === null) return null;
      const ms = engine.performanceTimeOf(t);
      return { onsetAudibleMs: ms, epochMs: performance.timeOrigin + ms };
    },
    lastRemoteUpdate: () => ({
      arrivedMs: engine.lastRemoteUpdateAt,
      appliedMs: engine.lastChangeAppliedAt,
      timeOrigin: performance.timeOrigin,
    }),
    systemResponseDb(id, frequencies) {
      const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: 128, sampleRate: 48000 });
      const chain = buildSystemChain(ctx, id);
      const freqs = Float32Array.from(frequencies);
      const total = new Float64Array(freqs.length).fill(chain.output.gain.value);
      const mag = new Float32Array(freqs.length);
      const phase = new Float32Array(freqs.length);
      for (const f of chain.filters) {
        f.getFrequencyResponse(freqs, mag, phase);
        for (let i = 0; i < total.length; i++) total[i]! *= mag[i]!;
      }
      return Array.from(total, (x) => 20 * Math.log10(x));
    },
    systemModelDb: (id, frequencies) =>
      frequencies.map(
        (f) => 10 * Math.log10(chainPower(PLAYBACK_SYSTEMS[id], f)) + makeupGainDb(PLAYBACK_SYSTEMS[id]),
      ),
    stalls: () => engine.stalls.map((x) => ({ epochMs: performance.timeOrigin + x.atMs, lostMs: x.lostMs })),
  };
  window.__mixroomMixer = hook;
  return () => {
    if (window.__mixroomMixer === hook) delete window.__mixroomMixer;
  };
}

const emptyStats = { checks: 0, corrections: 0, lastDriftS: 0, maxDriftS: 0 };
