import { channelWeights } from './channel-weights.js';
import { gatedMeanPower, loudnessRange, powerToLufs } from './gating.js';
import { kWeightingFilters } from './k-weighting.js';
import { TruePeakDetector } from './true-peak.js';
import { DEFAULT_WAVEFORM_LEVELS, WaveformBuilder, type WaveformOverview } from './waveform.js';

/** A time range to measure on its own, e.g. a song section from the mix document. Seconds from the start. */
export interface SectionSpec {
  id: string;
  startS: number;
  endS: number;
}

/** Loudness and peak of one {@link SectionSpec}. */
export interface SectionLoudness {
  id: string;
  startS: number;
  endS: number;
  /**
   * BS.1770-4 gated loudness of the 400 ms blocks (on the file's 100 ms grid) that lie wholly inside the
   * section; -Infinity when none does (sections shorter than 400 ms, silence).
   */
  integratedLufs: number;
  /** Largest |sample| inside the section, all channels, in dBFS; -Infinity when silent. */
  samplePeakDbfs: number;
}

/** Loudness at one 10 ms step; time before the start counts as silence. */
export interface MeterReading {
  /** End of the measured window, seconds from the start. */
  timeS: number;
  /** 400 ms window, LUFS. */
  momentaryLufs: number;
  /** 3 s window, LUFS. */
  shortTermLufs: number;
}

/** Options shared by {@link AudioAnalyzer} and `analyzeFile`. */
export interface AnalyzeOptions {
  /** Ranges to measure separately. Default none. */
  sections?: readonly SectionSpec[];
  /** Waveform zoom levels in samples per pixel, or `false` for no overview. Default [256, 1024, 4096, 16384]. */
  waveformLevels?: readonly number[] | false;
  /** BS.1770 channel weights (linear power). Default: {@link channelWeights} of the layout. */
  channelWeights?: readonly number[];
  /** Called for every 10 ms step with momentary and short-term loudness. Default none. */
  onMeter?: (reading: MeterReading) => void;
}

/** Configuration of an {@link AudioAnalyzer}. */
export interface AnalyzerConfig extends AnalyzeOptions {
  sampleRate: number;
  channels: number;
  /** WAVE_FORMAT_EXTENSIBLE speaker mask used for the default channel weights. Default 0 (by channel count). */
  channelMask?: number;
  /**
   * Linear magnitude at or above which a sample counts as clipped. Default 1.0. `analyzeFile` passes the
   * largest positive code of integer sources (e.g. 32767/32768 for 16-bit), which is full scale there.
   */
  clipThreshold?: number;
}

/**
 * Everything measured in one pass. Levels in dB are `-Infinity` for digital silence (in memory); the JSON
 * form from `toAnalysisJson` writes them as `null`.
 */
export interface AnalysisResult {
  durationS: number;
  sampleRate: number;
  channels: number;
  frames: number;
  /** Largest |sample| over all channels, dBFS (full scale = 1.0 = 0 dBFS). */
  samplePeakDbfs: number;
  /** BS.1770-4 Annex 2 true peak, dBTP; never below the sample peak. */
  truePeakDbtp: number;
  /** 10 log10 of the mean square over all samples of all channels, unweighted: a 0 dBFS sine reads -3.01. */
  rmsDbfs: number;
  /**
   * BS.1770-4 integrated loudness, LUFS (400 ms blocks every 100 ms, -70 LUFS absolute and -10 LU relative
   * gates). A file shorter than 400 ms is measured as one block padded with silence.
   */
  integratedLufs: number;
  /** EBU Tech 3342 loudness range, LU (short-term values every 100 ms); 0 when under 3 s or silent. */
  loudnessRangeLu: number;
  /** Largest momentary (400 ms) loudness over windows every 10 ms, LUFS. */
  momentaryMaxLufs: number;
  /** Largest short-term (3 s) loudness over windows every 10 ms, LUFS. */
  shortTermMaxLufs: number;
  /** Samples (summed over channels) whose magnitude is at or above full scale; every such sample counts. */
  clippedSamples: number;
  /** Runs of consecutive clipped samples in a channel; a run counts once however long it is. */
  clipEvents: number;
  /**
   * Clip gain in dB that puts the sample peak inside the -18..-6 dBFS working window, moving it to the nearest
   * edge (-6 dBFS when hotter, -18 dBFS when quieter) so the change is the smallest that works; rounded to
   * 0.01 dB towards the inside of the window. 0 when the peak is already inside, and for digital silence.
   */
  suggestedClipGainDb: number;
  channelSamplePeakDbfs: number[];
  channelTruePeakDbtp: number[];
  sections: SectionLoudness[];
  waveform: WaveformOverview | null;
}

const SUB_BLOCKS_PER_SECOND = 100;
const MOMENTARY_SUBS = 40;
const SHORT_TERM_SUBS = 300;
const HOP_SUBS = 10;
const WINDOW_WORKING_TOP_DBFS = -6;
const WINDOW_WORKING_BOTTOM_DBFS = -18;
// IIR state this small is inaudible but would decay into subnormals (slow on x86) during long silences.
const DENORMAL_FLOOR = 1e-25;

class GrowableF64 {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Streaming loudness, peak and waveform meter: push planar Float32 chunks of any size, then `finish()`.
 * K-weighted energy is summed per 10 ms sub-block; momentary (last 40) and short-term (last 300) loudness are
 * evaluated at every sub-block, and a 400 ms gating block / 3 s LRA value is stored every 10 sub-blocks.
 * Sub-block boundaries are at floor(k * sampleRate / 100), so 400 ms and 3 s windows are exact at every rate.
 * Memory is constant apart from 16 bytes per 100 ms of audio (block powers) and the waveform overview.
 *
 * @example
 * ```ts
 * const analyzer = new AudioAnalyzer({ sampleRate: 48000, channels: 2 });
 * analyzer.push([left, right]);
 * const { integratedLufs, truePeakDbtp } = analyzer.finish();
 * ```
 */
export class AudioAnalyzer {
  private readonly fs: number;
  private readonly nch: number;
  private readonly weights: Float64Array;
  private readonly coef: Float64Array;
  private readonly kState: Float64Array;
  private readonly clipThreshold: number;
  private readonly onMeter: ((reading: MeterReading) => void) | undefined;
  private readonly truePeak: TruePeakDetector[];
  private readonly waveform: WaveformBuilder | null;
  private readonly sections: readonly SectionSpec[];
  private readonly sectionRange: Float64Array;
  private readonly sectionPeak: Float64Array;

  private frames = 0;
  private completedSubs = 0;
  private partialEnergy = 0;
  private readonly ring = new Float64Array(SHORT_TERM_SUBS);
  private readonly blocks = new GrowableF64();
  private readonly shortTerms = new GrowableF64();
  private maxMomentary = 0;
  private maxShortTerm = 0;
  private readonly peak: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly lastClipFrame: Float64Array;
  private clipped = 0;
  private clipEvents = 0;
  private segEnds = new Int32Array(64);
  private subEnergy = new Float64Array(64);
  private finished = false;

  constructor(config: AnalyzerConfig) {
    const { sampleRate, channels } = config;
    if (!Number.isInteger(sampleRate) || sampleRate < 1000) {
      throw new RangeError(`sampleRate must be an integer >= 1000 Hz, got ${sampleRate}`);
    }
    if (!Number.isInteger(channels) || channels < 1)
      throw new RangeError(`channels must be >= 1, got ${channels}`);
    this.fs = sampleRate;
    this.nch = channels;
    const weights = config.channelWeights ?? channelWeights(channels, config.channelMask ?? 0);
    if (weights.length !== channels) {
      throw new RangeError(`channelWeights has ${weights.length} entries for ${channels} channels`);
    }
    this.weights = Float64Array.from(weights);
    const { shelf, highPass } = kWeightingFilters(sampleRate);
    this.coef = Float64Array.of(shelf.b0, shelf.b1, shelf.b2, shelf.a1, shelf.a2, highPass.a1, highPass.a2);
    this.kState = new Float64Array(channels * 4);
    this.clipThreshold = config.clipThreshold ?? 1;
    this.onMeter = config.onMeter;
    const oversampling = sampleRate >= 176400 ? 2 : 4;
    this.truePeak = Array.from({ length: channels }, () => new TruePeakDetector(oversampling));
    const levels = config.waveformLevels ?? DEFAULT_WAVEFORM_LEVELS;
    this.waveform = levels === false ? null : new WaveformBuilder(sampleRate, channels, levels);
    this.sections = config.sections ?? [];
    this.sectionRange = new Float64Array(this.sections.length * 2);
    this.sections.forEach((s, i) => {
      if (!(Number.isFinite(s.startS) && Number.isFinite(s.endS) && s.startS >= 0 && s.endS > s.startS)) {
        throw new RangeError(`section ${s.id}: need 0 <= startS < endS, got ${s.startS}..${s.endS}`);
      }
      this.sectionRange[i * 2] = Math.round(s.startS * sampleRate);
      this.sectionRange[i * 2 + 1] = Math.round(s.endS * sampleRate);
    });
    this.sectionPeak = new Float64Array(this.sections.length);
    this.peak = new Float64Array(channels);
    this.sumSquares = new Float64Array(channels);
    this.lastClipFrame = new Float64Array(channels).fill(-2);
  }

  /** Sample index (may be negative) where 10 ms sub-block `k` starts. */
  private boundary(k: number): number {
    return Math.floor((k * this.fs) / SUB_BLOCKS_PER_SECOND);
  }

  /**
   * Adds the next `chunk[channel][frame]` samples; every channel must have the same length. Samples must be finite
   * (the decoders refuse files with NaN or infinite samples); one NaN would make every loudness figure NaN.
   */
  push(chunk: readonly Float32Array[]): void {
    if (this.finished) throw new Error('AudioAnalyzer.push after finish()');
    if (chunk.length !== this.nch) throw new RangeError(`expected ${this.nch} channels, got ${chunk.length}`);
    const n = chunk[0]!.length;
    for (const c of chunk)
      if (c.length !== n) throw new RangeError('all channels of a chunk must have the same length');
    if (n === 0) return;
    const start = this.frames;

    // Local ends of the 10 ms sub-blocks completed by this chunk.
    let nb = 0;
    for (let k = this.completedSubs + 1; ; k++) {
      const e = this.boundary(k) - start;
      if (e > n) break;
      if (nb === this.segEnds.length) {
        const grown = new Int32Array(nb * 2);
        grown.set(this.segEnds);
        this.segEnds = grown;
        this.subEnergy = new Float64Array(nb * 2 + 1);
      }
      this.segEnds[nb++] = e;
    }
    if (this.subEnergy.length < nb + 1) this.subEnergy = new Float64Array(nb + 1);
    const subE = this.subEnergy;
    subE.fill(0, 0, nb + 1);
    subE[0] = this.partialEnergy;

    for (let c = 0; c < this.nch; c++) {
      const x = chunk[c]!;
      const pk = this.filterAndMeasure(c, x, n, nb, subE, start);
      this.truePeak[c]!.push(x, pk);
    }
    this.waveform?.push(chunk);
    if (this.sections.length > 0) this.measureSections(chunk, start, n);

    this.frames = start + n;
    for (let m = 0; m < nb; m++) this.completeSubBlock(subE[m]!);
    this.partialEnergy = subE[nb]!;
  }

  /**
   * The per-sample loop: K-weighting (two biquads, transposed direct form II, state in locals), weighted
   * energy per sub-block, sample peak, sum of squares and clip counting. Returns this chunk's peak.
   */
  private filterAndMeasure(
    c: number,
    x: Float32Array,
    n: number,
    nb: number,
    subE: Float64Array,
    start: number,
  ): number {
    const co = this.coef;
    const b0 = co[0]!,
      b1 = co[1]!,
      b2 = co[2]!,
      a1 = co[3]!,
      a2 = co[4]!,
      c1 = co[5]!,
      c2 = co[6]!;
    const st = this.kState;
    const o = c * 4;
    let s1 = st[o]!,
      s2 = st[o + 1]!,
      t1 = st[o + 2]!,
      t2 = st[o + 3]!;
    const w = this.weights[c]!;
    const clipT = this.clipThreshold;
    let pk = 0;
    let sq = 0;
    let i = 0;
    for (let m = 0; m <= nb; m++) {
      const end = m < nb ? this.segEnds[m]! : n;
      let acc = 0;
      if (w !== 0) {
        for (; i < end; i++) {
          const v = x[i]!;
          const y1 = b0 * v + s1;
          s1 = b1 * v - a1 * y1 + s2;
          s2 = b2 * v - a2 * y1;
          const y2 = y1 + t1;
          t1 = -2 * y1 - c1 * y2 + t2;
          t2 = y1 - c2 * y2;
          acc += y2 * y2;
          sq += v * v;
          const a = v < 0 ? -v : v;
          if (a > pk) pk = a;
          if (a >= clipT) this.countClip(c, start + i);
        }
      } else {
        for (; i < end; i++) {
          const v = x[i]!;
          sq += v * v;
          const a = v < 0 ? -v : v;
          if (a > pk) pk = a;
          if (a >= clipT) this.countClip(c, start + i);
        }
      }
      subE[m] = subE[m]! + w * acc;
    }
    if (Math.abs(s1) < DENORMAL_FLOOR) s1 = 0;
    if (Math.abs(s2) < DENORMAL_FLOOR) s2 = 0;
    if (Math.abs(t1) < DENORMAL_FLOOR) t1 = 0;
    if (Math.abs(t2) < DENORMAL_FLOOR) t2 = 0;
    st[o] = s1;
    st[o + 1] = s2;
    st[o + 2] = t1;
    st[o + 3] = t2;
    this.sumSquares[c] = this.sumSquares[c]! + sq;
    if (pk > this.peak[c]!) this.peak[c] = pk;
    return pk;
  }

  private countClip(c: number, frame: number): void {
    this.clipped++;
    if (this.lastClipFrame[c] !== frame - 1) this.clipEvents++;
    this.lastClipFrame[c] = frame;
  }

  private measureSections(chunk: readonly Float32Array[], start: number, n: number): void {
    for (let s = 0; s < this.sections.length; s++) {
      const lo = Math.max(this.sectionRange[s * 2]!, start) - start;
      const hi = Math.min(this.sectionRange[s * 2 + 1]!, start + n) - start;
      if (lo >= hi) continue;
      let pk = this.sectionPeak[s]!;
      for (const x of chunk) {
        for (let i = lo; i < hi; i++) {
          const a = Math.abs(x[i]!);
          if (a > pk) pk = a;
        }
      }
      this.sectionPeak[s] = pk;
    }
  }

  /** Mean power of the `len` sub-blocks ending with sub-block `k - 1`, plus `extra` energy as sub-block `k`. */
  private windowPower(k: number, len: number): number {
    const ring = this.ring;
    const first = Math.max(0, k - len);
    let sum = 0;
    for (let j = first; j < k; j++) sum += ring[j % SHORT_TERM_SUBS]!;
    return sum / (this.boundary(k) - this.boundary(k - len));
  }

  private completeSubBlock(energy: number): void {
    const k = this.completedSubs;
    this.ring[k % SHORT_TERM_SUBS] = energy;
    const done = k + 1;
    this.completedSubs = done;
    const zm = this.windowPower(done, MOMENTARY_SUBS);
    const zs = this.windowPower(done, SHORT_TERM_SUBS);
    if (zm > this.maxMomentary) this.maxMomentary = zm;
    if (zs > this.maxShortTerm) this.maxShortTerm = zs;
    if (done % HOP_SUBS === 0) {
      if (done >= MOMENTARY_SUBS) this.blocks.push(zm);
      if (done >= SHORT_TERM_SUBS) this.shortTerms.push(zs);
    }
    this.onMeter?.({
      timeS: this.boundary(done) / this.fs,
      momentaryLufs: powerToLufs(zm),
      shortTermLufs: powerToLufs(zs),
    });
  }

  /** Ends the measurement (the end counts as followed by silence) and returns the results. */
  finish(): AnalysisResult {
    if (this.finished) throw new Error('AudioAnalyzer.finish called twice');
    this.finished = true;
    const fs = this.fs;
    let maxM = this.maxMomentary;
    let maxS = this.maxShortTerm;
    if (this.frames > this.boundary(this.completedSubs)) {
      // The trailing part of a sub-block, padded with silence, ends one more momentary/short-term window.
      const k = this.completedSubs;
      const saved = this.ring[k % SHORT_TERM_SUBS]!;
      this.ring[k % SHORT_TERM_SUBS] = this.partialEnergy;
      maxM = Math.max(maxM, this.windowPower(k + 1, MOMENTARY_SUBS));
      maxS = Math.max(maxS, this.windowPower(k + 1, SHORT_TERM_SUBS));
      this.ring[k % SHORT_TERM_SUBS] = saved;
    }
    for (const tp of this.truePeak) tp.flush();

    const blocks = this.blocks;
    const integratedPower =
      blocks.length > 0 ? gatedMeanPower(blocks.data, 0, blocks.length) : gatedMeanPower([maxM], 0, 1);
    const lra = loudnessRange(this.shortTerms.data, this.shortTerms.length);

    const channelPeak = Array.from(this.peak);
    const channelTp = this.truePeak.map((t) => t.peak);
    const peak = Math.max(0, ...channelPeak);
    const tp = Math.max(0, ...channelTp);
    const totalSq = this.sumSquares.reduce((a, b) => a + b, 0);
    const meanSquare = this.frames > 0 ? totalSq / (this.frames * this.nch) : 0;
    const samplePeakDbfs = toDb(peak);

    const sections: SectionLoudness[] = this.sections.map((s, i) => {
      const lo = this.sectionRange[i * 2]!;
      const hi = Math.min(this.sectionRange[i * 2 + 1]!, this.frames);
      // Block j covers sub-blocks [10j, 10j + 40).
      let j0 = Math.max(0, Math.floor((lo * SUB_BLOCKS_PER_SECOND) / fs / HOP_SUBS) - 1);
      while (j0 < blocks.length && this.boundary(j0 * HOP_SUBS) < lo) j0++;
      let j1 = j0;
      while (j1 < blocks.length && this.boundary(j1 * HOP_SUBS + MOMENTARY_SUBS) <= hi) j1++;
      return {
        id: s.id,
        startS: s.startS,
        endS: s.endS,
        integratedLufs: powerToLufs(gatedMeanPower(blocks.data, j0, j1)),
        samplePeakDbfs: toDb(this.sectionPeak[i]!),
      };
    });

    return {
      durationS: this.frames / fs,
      sampleRate: fs,
      channels: this.nch,
      frames: this.frames,
      samplePeakDbfs,
      truePeakDbtp: toDb(tp),
      rmsDbfs: meanSquare > 0 ? 10 * Math.log10(meanSquare) : Number.NEGATIVE_INFINITY,
      integratedLufs: powerToLufs(integratedPower),
      loudnessRangeLu: lra,
      momentaryMaxLufs: powerToLufs(maxM),
      shortTermMaxLufs: powerToLufs(maxS),
      clippedSamples: this.clipped,
      clipEvents: this.clipEvents,
      suggestedClipGainDb: suggestClipGain(samplePeakDbfs),
      channelSamplePeakDbfs: channelPeak.map(toDb),
      channelTruePeakDbtp: channelTp.map(toDb),
      sections,
      waveform: this.waveform?.finish() ?? null,
    };
  }
}

function toDb(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : Number.NEGATIVE_INFINITY;
}

/**
 * Gain (dB) that moves a sample peak into the -18..-6 dBFS working window by the smallest change: to -6 when
 * hotter, to -18 when quieter, rounded to 0.01 dB towards the inside; 0 inside the window or for silence.
 *
 * @example
 * ```ts
 * suggestClipGain(-1.5); // -4.5
 * suggestClipGain(-30); // 12
 * ```
 */
export function suggestClipGain(samplePeakDbfs: number): number {
  if (!Number.isFinite(samplePeakDbfs)) return 0;
  if (samplePeakDbfs > WINDOW_WORKING_TOP_DBFS) {
    return Math.floor((WINDOW_WORKING_TOP_DBFS - samplePeakDbfs) * 100 + 1e-9) / 100;
  }
  if (samplePeakDbfs < WINDOW_WORKING_BOTTOM_DBFS) {
    return Math.ceil((WINDOW_WORKING_BOTTOM_DBFS - samplePeakDbfs) * 100 - 1e-9) / 100;
  }
  return 0;
}
