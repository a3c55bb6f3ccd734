/**
 * Offline render of a scene with the live graph builder: same nodes, same automation (scheduled from
 * song position `fromS` at context time 0, which makes every level param follow mix-model's `gainAt`
 * exactly [MM-18]), flat playback system, no meters.
 */
import type { MixState } from '@mixroom/mix-model';
import { MixGraph } from './graph';
import { audibility, levelCurves } from './schedule';
import { encodeWav } from './wav';

export interface RenderOptions {
  /** Scene to render. Default: the default scene. */
  readonly sceneId?: string | null;
  /** Song position to start from, in seconds. Default 0. */
  readonly fromS?: number;
  /** Song position to stop at, in seconds. Default: the longest stem. */
  readonly toS?: number;
  /** Output sample rate in Hz. Default: the first buffer's rate. */
  readonly sampleRate?: number;
  /** Section ramp length, seconds. Default mix-model's 0.02. */
  readonly rampS?: number;
}

/** Renders the stems of `mix` (buffers by stem id) through the scene to a stereo AudioBuffer. */
export async function renderScene(
  mix: MixState,
  buffers: ReadonlyMap<string, AudioBuffer>,
  options: RenderOptions = {},
): Promise<AudioBuffer> {
  const first = buffers.values().next().value as AudioBuffer | undefined;
  const sampleRate = options.sampleRate ?? first?.sampleRate ?? (mix.meta.sampleRate || 48000);
  const fromS = options.fromS ?? 0;
  let longest = 0;
  for (const b of buffers.values()) longest = Math.max(longest, b.duration);
  const toS = options.toS ?? longest;
  const frames = Math.max(1, Math.round((toS - fromS) * sampleRate));
  const ctx = new OfflineAudioContext({ numberOfChannels: 2, length: frames, sampleRate });
  const graph = new MixGraph(ctx, { system: 'studio' });
  const curves = levelCurves(mix, options.sceneId ?? null, options.rampS);
  const audible = audibility(mix);
  for (const stem of mix.stems) {
    const buffer = buffers.get(stem.id);
    const curve = curves.get(stem.id);
    if (!buffer || !curve) continue;
    graph.setPan(stem.id, stem.pan, 0, false);
    graph.setAudible(stem.id, audible.get(stem.id) ?? true, 0, true);
    graph.scheduleLevel(stem.id, curve, fromS, 0);
    graph.startStem(stem.id, buffer, 0, fromS);
  }
  return ctx.startRendering();
}

/** Renders a scene and encodes it as a WAV file (24-bit PCM by default). */
export async function renderSceneWav(
  mix: MixState,
  buffers: ReadonlyMap<string, AudioBuffer>,
  options: RenderOptions & { bitDepth?: 16 | 24 } = {},
): Promise<Blob> {
  const rendered = await renderScene(mix, buffers, options);
  const channels = [rendered.getChannelData(0), rendered.getChannelData(1)];
  return new Blob([encodeWav(channels, rendered.sampleRate, options.bitDepth ?? 24)], { type: 'audio/wav' });
}
