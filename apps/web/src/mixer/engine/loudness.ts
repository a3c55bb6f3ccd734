/**
 * Loudness for loudness-matched A/B. Method (documented for users in the mixer's help text):
 *
 * 1. Once per decoded stem (and per bounce), in slices that leave the main thread free: K-weight every
 *    channel (BS.1770-4) and keep the mean square of each 100 ms block, summed over channels. A mono stem
 *    counts once — panned through an equal-power panner its left² + right² equals the mono power.
 * 2. A bounce's integrated loudness is measured from its own blocks: 400 ms gating blocks (4 sub-blocks,
 *    75 % overlap), absolute gate -70 LUFS, relative gate -10 LU — BS.1770-4 exactly, at 100 ms hops.
 * 3. A scene's loudness is *estimated*: per 100 ms block, the sum over audible stems of
 *    gain(t)² × stem block power, with gain(t) the scene's level curve at the block centre (mix-model
 *    `gainAt`), then gated as in 2. Summing powers assumes the stems are uncorrelated; stems that share
 *    content (double-tracked parts, bleed) make the real mix up to a few dB louder than the estimate, the
 *    same for both scenes of an A/B, so the *difference* between two scenes is much closer than the
 *    absolute value. Pan of stereo stems is ignored (StereoPanner keeps power within ~1 dB).
 * 4. Matching turns the louder side down to the quieter one (never up, so nothing new can clip).
 */
import { type GainCurve, gainAt } from '@mixroom/mix-model';
import { BiquadState, kWeightingStages, lufsOfPower } from './kweighting';

/** Length of one loudness sub-block, in seconds. */
export const BLOCK_S = 0.1;

/** Accumulates K-weighted 100 ms block powers over successive slices of a multichannel signal. */
export class BlockPowerMeter {
  private readonly filters: [BiquadState, BiquadState][];
  private readonly blockFrames: number;
  private readonly scratch: Float32Array;
  private acc = 0;
  private inBlock = 0;
  readonly blocks: number[] = [];

  constructor(
    readonly channelCount: number,
    readonly sampleRate: number,
  ) {
    const [shelf, hp] = kWeightingStages(sampleRate);
    this.filters = Array.from({ length: channelCount }, () => [new BiquadState(shelf), new BiquadState(hp)]);
    this.blockFrames = Math.round(sampleRate * BLOCK_S);
    this.scratch = new Float32Array(4096);
  }

  /** Feeds frames [from, to) of every channel. */
  push(channels: readonly Float32Array[], from: number, to: number): void {
    for (let start = from; start < to; start += this.scratch.length) {
      const n = Math.min(this.scratch.length, to - start);
      // Per channel squares, then add into a per-frame sum so block boundaries are handled once.
      const sums = new Float64Array(n);
      for (let c = 0; c < this.channelCount; c++) {
        const [shelf, hp] = this.filters[c]!;
        const view = channels[c]!.subarray(start, start + n);
        shelf.run(view, this.scratch, n);
        hp.run(this.scratch, this.scratch, n);
        for (let i = 0; i < n; i++) sums[i]! += this.scratch[i]! * this.scratch[i]!;
      }
      for (let i = 0; i < n; i++) {
        this.acc += sums[i]!;
        if (++this.inBlock === this.blockFrames) this.closeBlock();
      }
    }
  }

  /** Ends the signal: a last partial block counts with its own length. */
  finish(): Float64Array {
    if (this.inBlock > 0) this.closeBlock();
    return Float64Array.from(this.blocks);
  }

  private closeBlock(): void {
    this.blocks.push(this.acc / this.inBlock);
    this.acc = 0;
    this.inBlock = 0;
  }
}

/**
 * K-weighted 100 ms block powers of a whole signal, computed in slices of about `sliceMs` with a yield
 * between them so playback and the UI stay responsive.
 */
export async function blockPowers(
  channels: readonly Float32Array[],
  sampleRate: number,
  options: { sliceMs?: number; signal?: AbortSignal; yieldFn?: () => Promise<void> } = {},
): Promise<Float64Array> {
  const meter = new BlockPowerMeter(channels.length, sampleRate);
  const frames = channels[0]?.length ?? 0;
  const yieldFn = options.yieldFn ?? (() => new Promise<void>((r) => setTimeout(r, 0)));
  const sliceMs = options.sliceMs ?? 8;
  let step = sampleRate; // adapted so a slice takes about sliceMs
  for (let at = 0; at < frames; ) {
    if (options.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    const t0 = performance.now();
    const to = Math.min(frames, at + step);
    meter.push(channels, at, to);
    at = to;
    const took = performance.now() - t0;
    step = Math.max(4096, Math.min(sampleRate * 30, Math.round(step * (sliceMs / Math.max(0.5, took)))));
    if (at < frames) await yieldFn();
  }
  return meter.finish();
}

/**
 * Integrated loudness (LUFS) of 100 ms block powers by BS.1770-4 gating: 400 ms blocks with 75 % overlap,
 * absolute gate -70 LUFS, relative gate -10 LU. -Infinity for silence or less than 400 ms.
 */
export function integratedLoudness(blocks: ArrayLike<number>): number {
  const gating: number[] = [];
  for (let i = 0; i + 4 <= blocks.length; i++) {
    gating.push((blocks[i]! + blocks[i + 1]! + blocks[i + 2]! + blocks[i + 3]!) / 4);
  }
  const absGate = 10 ** ((-70 + 0.691) / 10);
  const above = gating.filter((p) => p > absGate);
  if (above.length === 0) return Number.NEGATIVE_INFINITY;
  const mean = above.reduce((a, b) => a + b, 0) / above.length;
  const relGate = mean * 10 ** (-10 / 10);
  const kept = above.filter((p) => p > relGate);
  return lufsOfPower(kept.reduce((a, b) => a + b, 0) / kept.length);
}

/**
 * Estimated integrated loudness of a scene: per block, Σ over audible stems of curve gain² × stem power
 * (uncorrelated stems), then gated. Stems without measured blocks are left out.
 */
export function estimateSceneLoudness(
  stemBlocks: ReadonlyMap<string, ArrayLike<number>>,
  curves: ReadonlyMap<string, GainCurve>,
  audible: ReadonlyMap<string, boolean>,
): number {
  let n = 0;
  for (const b of stemBlocks.values()) n = Math.max(n, b.length);
  const mix = new Float64Array(n);
  for (const [stemId, blocks] of stemBlocks) {
    const curve = curves.get(stemId);
    if (!curve || audible.get(stemId) === false) continue;
    for (let i = 0; i < blocks.length; i++) {
      const g = gainAt(curve, (i + 0.5) * BLOCK_S);
      mix[i]! += g * g * blocks[i]!;
    }
  }
  return integratedLoudness(mix);
}

/**
 * Loudness-match gains in dB for two programmes: the louder one is turned down to the quieter one, the
 * quieter one stays. Zeros when either loudness is unknown.
 */
export function matchGainsDb(a: number | null, b: number | null): [number, number] {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return [0, 0];
  const target = Math.min(a, b);
  return [target - a, target - b];
}
