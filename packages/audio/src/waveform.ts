/**
 * One zoom level of a waveform overview, in the audiowaveform "v2" layout: for each pixel, for each channel,
 * a (min, max) pair of signed 16-bit values where 32767 = full scale:
 * `data[(pixel * channels + channel) * 2]` = min, `... + 1` = max. The last pixel may cover fewer samples.
 */
export interface WaveformLevel {
  samplesPerPixel: number;
  /** Number of pixels. */
  length: number;
  data: Int16Array;
}

/** Multi-resolution min/max overview; levels are ordered from finest to coarsest. */
export interface WaveformOverview {
  sampleRate: number;
  channels: number;
  bits: 16;
  levels: WaveformLevel[];
}

/** Default zoom levels, in samples per pixel. */
export const DEFAULT_WAVEFORM_LEVELS: readonly number[] = [256, 1024, 4096, 16384];

const SCALE = 32767;

/**
 * Builds a {@link WaveformOverview} incrementally from planar Float32 chunks. Only the finest level is
 * accumulated (4 bytes per channel per pixel); coarser levels are derived from it in `finish()`, so every
 * level must be a multiple of the finest.
 *
 * @example
 * ```ts
 * const wf = new WaveformBuilder(48000, 2, [256, 1024]);
 * wf.push([left, right]);
 * const overview = wf.finish();
 * ```
 */
export class WaveformBuilder {
  private readonly base: number;
  private readonly levelSpp: number[];
  private data: Int16Array;
  private pixels = 0;
  private filled = 0;
  private readonly curMin: Float64Array;
  private readonly curMax: Float64Array;

  constructor(
    private readonly sampleRate: number,
    private readonly channels: number,
    samplesPerPixel: readonly number[] = DEFAULT_WAVEFORM_LEVELS,
  ) {
    const levels = [...samplesPerPixel].sort((a, b) => a - b);
    const base = levels[0];
    if (base === undefined || !levels.every((l) => Number.isInteger(l) && l > 0 && l % base === 0)) {
      throw new RangeError(
        `waveform levels must be positive integers, multiples of the finest: ${samplesPerPixel}`,
      );
    }
    this.base = base;
    this.levelSpp = levels;
    this.data = new Int16Array(channels * 2 * 1024);
    this.curMin = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
    this.curMax = new Float64Array(channels).fill(Number.NEGATIVE_INFINITY);
  }

  push(chunk: readonly Float32Array[]): void {
    const n = chunk[0]?.length ?? 0;
    if (n === 0) return;
    const spp = this.base;
    const nch = this.channels;
    const need = (this.pixels + Math.ceil((this.filled + n) / spp) + 1) * nch * 2;
    if (need > this.data.length) {
      const grown = new Int16Array(Math.max(need, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    const out = this.data;
    let px = this.pixels;
    let f = this.filled;
    for (let c = 0; c < nch; c++) {
      const d = chunk[c]!;
      let mn = this.curMin[c]!;
      let mx = this.curMax[c]!;
      px = this.pixels;
      f = this.filled;
      let i = 0;
      while (i < n) {
        const end = Math.min(n, i + spp - f);
        f += end - i;
        for (; i < end; i++) {
          const v = d[i]!;
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (f === spp) {
          const at = (px * nch + c) * 2;
          out[at] = quantMin(mn);
          out[at + 1] = quantMax(mx);
          px++;
          f = 0;
          mn = Number.POSITIVE_INFINITY;
          mx = Number.NEGATIVE_INFINITY;
        }
      }
      this.curMin[c] = mn;
      this.curMax[c] = mx;
    }
    this.pixels = px;
    this.filled = f;
  }

  finish(): WaveformOverview {
    const nch = this.channels;
    let pixels = this.pixels;
    if (this.filled > 0) {
      for (let c = 0; c < nch; c++) {
        const at = (pixels * nch + c) * 2;
        this.data[at] = quantMin(this.curMin[c]!);
        this.data[at + 1] = quantMax(this.curMax[c]!);
      }
      pixels++;
    }
    const baseData = this.data.slice(0, pixels * nch * 2);
    const levels: WaveformLevel[] = this.levelSpp.map((spp) => {
      if (spp === this.base) return { samplesPerPixel: spp, length: pixels, data: baseData };
      const r = spp / this.base;
      const length = Math.ceil(pixels / r);
      const data = new Int16Array(length * nch * 2);
      for (let p = 0; p < length; p++) {
        for (let c = 0; c < nch; c++) {
          let mn = SCALE;
          let mx = -SCALE;
          for (let q = p * r; q < Math.min(pixels, (p + 1) * r); q++) {
            const at = (q * nch + c) * 2;
            if (baseData[at]! < mn) mn = baseData[at]!;
            if (baseData[at + 1]! > mx) mx = baseData[at + 1]!;
          }
          data[(p * nch + c) * 2] = mn;
          data[(p * nch + c) * 2 + 1] = mx;
        }
      }
      return { samplesPerPixel: spp, length, data };
    });
    return { sampleRate: this.sampleRate, channels: nch, bits: 16, levels };
  }
}

// Rounded outwards so the drawn envelope never understates a peak.
function quantMin(v: number): number {
  return v >= 1 ? SCALE : v <= -1 ? -SCALE : Math.floor(v * SCALE);
}
function quantMax(v: number): number {
  return v >= 1 ? SCALE : v <= -1 ? -SCALE : Math.ceil(v * SCALE);
}

/** JSON in the audiowaveform format (`audiowaveform --output-format json`, version 2), e.g. for peaks.js. */
export interface AudiowaveformJson {
  version: 2;
  channels: number;
  sample_rate: number;
  samples_per_pixel: number;
  bits: 16;
  length: number;
  data: number[];
}

/**
 * One level of an overview as audiowaveform JSON.
 *
 * @example
 * ```ts
 * const json = toAudiowaveformJson(result.waveform, 1024);
 * ```
 */
export function toAudiowaveformJson(overview: WaveformOverview, samplesPerPixel: number): AudiowaveformJson {
  const level = findLevel(overview, samplesPerPixel);
  return {
    version: 2,
    channels: overview.channels,
    sample_rate: overview.sampleRate,
    samples_per_pixel: level.samplesPerPixel,
    bits: 16,
    length: level.length,
    data: Array.from(level.data),
  };
}

/**
 * One level of an overview as a binary audiowaveform `.dat` file (version 2, 16-bit, little-endian):
 * 24-byte header (version, flags, sample rate, samples per pixel, length, channels) then the int16 pairs.
 *
 * @example
 * ```ts
 * await writeFile('mix.dat', toAudiowaveformDat(result.waveform, 256));
 * ```
 */
export function toAudiowaveformDat(overview: WaveformOverview, samplesPerPixel: number): Uint8Array {
  const level = findLevel(overview, samplesPerPixel);
  const out = new Uint8Array(24 + level.data.length * 2);
  const v = new DataView(out.buffer);
  v.setInt32(0, 2, true);
  v.setUint32(4, 0, true); // flags: bit 0 clear = 16-bit samples
  v.setInt32(8, overview.sampleRate, true);
  v.setInt32(12, level.samplesPerPixel, true);
  v.setUint32(16, level.length, true);
  v.setInt32(20, overview.channels, true);
  for (let i = 0; i < level.data.length; i++) v.setInt16(24 + i * 2, level.data[i]!, true);
  return out;
}

function findLevel(overview: WaveformOverview, samplesPerPixel: number): WaveformLevel {
  const level = overview.levels.find((l) => l.samplesPerPixel === samplesPerPixel);
  if (!level) {
    const have = overview.levels.map((l) => l.samplesPerPixel).join(', ');
    throw new RangeError(`no waveform level with ${samplesPerPixel} samples per pixel (have ${have})`);
  }
  return level;
}
