/**
 * ITU-R BS.1770-4 Annex 2 interpolation filter: 48 taps, read as 4 phases of 12 (phase p = taps p, p+4, ...).
 * The prototype is symmetric, so phase 3 is phase 0 reversed and phase 2 is phase 1 reversed.
 */
export const TRUE_PEAK_PHASES: readonly (readonly number[])[] = [
  [
    0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875, 0.1373291015625,
    0.97216796875, -0.102294921875, 0.047607421875, -0.026611328125, 0.014892578125, -0.00830078125,
  ],
  [
    -0.0291748046875, 0.029296875, -0.0517578125, 0.089111328125, -0.16650390625, 0.465087890625,
    0.77978515625, -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375,
  ],
  [
    -0.0189208984375, 0.0330810546875, -0.0582275390625, 0.1015625, -0.2003173828125, 0.77978515625,
    0.465087890625, -0.16650390625, 0.089111328125, -0.0517578125, 0.029296875, -0.0291748046875,
  ],
  [
    -0.00830078125, 0.014892578125, -0.026611328125, 0.047607421875, -0.102294921875, 0.97216796875,
    0.1373291015625, -0.0594482421875, 0.033203125, -0.0196533203125, 0.010986328125, 0.001708984375,
  ],
];

const HISTORY = 11;
const BLOCK = 32;
const p0 = TRUE_PEAK_PHASES[0]!;
const p1 = TRUE_PEAK_PHASES[1]!;
// Folded coefficients: with a_k = x[n-k] + x[n-11+k] and b_k = x[n-k] - x[n-11+k] (k = 0..5),
// y0 + y3 = sum A0[k] a_k, y0 - y3 = sum B0[k] b_k, and the same with A1/B1 for phases 1 and 2;
// max(|u|, |v|) = (|u + v| + |u - v|) / 2 then gives two phase magnitudes for 12 multiplies instead of 24.
const A0 = p0.slice(0, 6).map((c, k) => c + p0[11 - k]!);
const B0 = p0.slice(0, 6).map((c, k) => c - p0[11 - k]!);
const A1 = p1.slice(0, 6).map((c, k) => c + p1[11 - k]!);
const B1 = p1.slice(0, 6).map((c, k) => c - p1[11 - k]!);
/** Largest gain any phase can apply to a window whose samples are all within +-1 (its L1 norm). */
const MAX_PHASE_GAIN = Math.max(...TRUE_PEAK_PHASES.map((p) => p.reduce((s, c) => s + Math.abs(c), 0)));

/**
 * One channel's true-peak detector (4x oversampling, or 2x with phases 0 and 2 at 176.4 kHz and above, as
 * BS.1770-4 allows). The reported value is never below the sample peak: the four phases sit 1/8, 3/8, 5/8
 * and 7/8 of a sample after the input samples, so none of them reproduces the samples themselves.
 *
 * @example
 * ```ts
 * const tp = new TruePeakDetector();
 * tp.push(samples);
 * tp.flush();
 * const dbtp = 20 * Math.log10(tp.peak);
 * ```
 */
export class TruePeakDetector {
  private hist = new Float32Array(HISTORY + 4096);
  private m = 0; // max over outputs of 2 x |y| (see the folding above)
  private samplePeak = 0;

  constructor(private readonly oversampling: 2 | 4 = 4) {}

  /** Linear true peak so far. */
  get peak(): number {
    return Math.max(this.m * 0.5, this.samplePeak);
  }

  push(x: Float32Array, samplePeakOfX?: number): void {
    const n = x.length;
    if (n === 0) return;
    if (this.hist.length < n + HISTORY) {
      const grown = new Float32Array(n + HISTORY);
      grown.set(this.hist.subarray(0, HISTORY));
      this.hist = grown;
    }
    const h = this.hist;
    h.set(x, HISTORY);
    let sp = samplePeakOfX ?? -1;
    if (sp < 0) {
      sp = 0;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(x[i]!);
        if (a > sp) sp = a;
      }
    }
    if (sp > this.samplePeak) this.samplePeak = sp;
    this.run(h, n);
    h.copyWithin(0, n, n + HISTORY);
  }

  /** Feeds the filter's length of silence so the last samples' interpolations are counted. */
  flush(): void {
    this.push(new Float32Array(HISTORY), 0);
  }

  /**
   * Measured (bench/analysis): skipping 32-output blocks whose inputs cannot beat the
   * running peak even with the worst-case phase gain saves most of the filter work on dynamic material (the
   * result is identical); keeping the 12-sample window in locals that slide (one load per sample instead of
   * 12) measured about 20% faster than indexed loads; the folding above about 9x faster than a plain
   * 4 x 12-tap loop.
   */
  private run(h: Float32Array, n: number): void {
    const a00 = A0[0]!,
      a01 = A0[1]!,
      a02 = A0[2]!,
      a03 = A0[3]!,
      a04 = A0[4]!,
      a05 = A0[5]!;
    const b00 = B0[0]!,
      b01 = B0[1]!,
      b02 = B0[2]!,
      b03 = B0[3]!,
      b04 = B0[4]!,
      b05 = B0[5]!;
    const a10 = A1[0]!,
      a11 = A1[1]!,
      a12 = A1[2]!,
      a13 = A1[3]!,
      a14 = A1[4]!,
      a15 = A1[5]!;
    const b10 = B1[0]!,
      b11 = B1[1]!,
      b12 = B1[2]!,
      b13 = B1[3]!,
      b14 = B1[4]!,
      b15 = B1[5]!;
    const fourX = this.oversampling === 4;
    let m = this.m;
    for (let start = 0; start < n; start += BLOCK) {
      const end = Math.min(n, start + BLOCK);
      let win = 0;
      for (let j = start; j < end + HISTORY; j++) {
        const a = Math.abs(h[j]!);
        if (a > win) win = a;
      }
      if (win * MAX_PHASE_GAIN * 2 <= m) continue;
      // x1..x11 = the 11 samples before output `start` (x11 oldest); x0 is loaded per output.
      let x1 = h[start + 10]!,
        x2 = h[start + 9]!,
        x3 = h[start + 8]!,
        x4 = h[start + 7]!,
        x5 = h[start + 6]!;
      let x6 = h[start + 5]!,
        x7 = h[start + 4]!,
        x8 = h[start + 3]!,
        x9 = h[start + 2]!,
        x10 = h[start + 1]!;
      let x11 = h[start]!;
      for (let i = start; i < end; i++) {
        const x0 = h[i + 11]!;
        const s0 = x0 + x11,
          s1 = x1 + x10,
          s2 = x2 + x9,
          s3 = x3 + x8,
          s4 = x4 + x7,
          s5 = x5 + x6;
        const d0 = x0 - x11,
          d1 = x1 - x10,
          d2 = x2 - x9,
          d3 = x3 - x8,
          d4 = x4 - x7,
          d5 = x5 - x6;
        const p = a00 * s0 + a01 * s1 + a02 * s2 + a03 * s3 + a04 * s4 + a05 * s5;
        const q = b00 * d0 + b01 * d1 + b02 * d2 + b03 * d3 + b04 * d4 + b05 * d5;
        const r = a10 * s0 + a11 * s1 + a12 * s2 + a13 * s3 + a14 * s4 + a15 * s5;
        const t = b10 * d0 + b11 * d1 + b12 * d2 + b13 * d3 + b14 * d4 + b15 * d5;
        let v: number;
        if (fourX) {
          v = Math.max(Math.abs(p) + Math.abs(q), Math.abs(r) + Math.abs(t));
        } else {
          // 2x: phase 0 = (p + q) / 2 and phase 2 = (r - t) / 2, half a sample apart.
          v = Math.max(Math.abs(p + q), Math.abs(r - t));
        }
        if (v > m) m = v;
        x11 = x10;
        x10 = x9;
        x9 = x8;
        x8 = x7;
        x7 = x6;
        x6 = x5;
        x5 = x4;
        x4 = x3;
        x3 = x2;
        x2 = x1;
        x1 = x0;
      }
    }
    this.m = m;
  }
}
