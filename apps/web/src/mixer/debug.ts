/**
 * `window.__mixroomMixer`: a small read-mostly hook for browser tests and benchmarks (the mixer is
 * audio; a test cannot hear it, so it asks the graph). Present while a mixer is mounted.
 */
import type { MixerEngine } from './engine/engine';
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
  /** Audio dropouts while playing (wall-clock ms since the epoch, and ms lost). */
  stalls(): { epochMs: number; lostMs: number }[];
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
    stalls: () => engine.stalls.map((x) => ({ epochMs: performance.timeOrigin + x.atMs, lostMs: x.lostMs })),
  };
  window.__mixroomMixer = hook;
  return () => {
    if (window.__mixroomMixer === hook) delete window.__mixroomMixer;
  };
}

const emptyStats = { checks: 0, corrections: 0, lastDriftS: 0, maxDriftS: 0 };
