/**
 * K-weighting of ITU-R BS.1770-4 at any sample rate: a high shelf (+4 dB above ~1.7 kHz) then the RLB
 * high-pass (~38 Hz). Coefficients are derived from the analogue prototypes the way libebur128 does, so at
 * 48 kHz they equal the published table (stage 1 b0 = 1.53512485958697 ...). Shared by the meter worklet,
 * the scene loudness estimate and the playback-system level match.
 */

export interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  /** a0 normalised to 1. */
  readonly a1: number;
  readonly a2: number;
}

export function kWeightingStages(sampleRate: number): [Biquad, Biquad] {
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const shelf: Biquad = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const highpass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
  return [shelf, highpass];
}

/** |H(e^jw)|² of a biquad at frequency `f` Hz. */
export function biquadPower(q: Biquad, f: number, sampleRate: number): number {
  const w = (2 * Math.PI * f) / sampleRate;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  const nr = q.b0 + q.b1 * c1 + q.b2 * c2;
  const ni = -(q.b1 * s1 + q.b2 * s2);
  const dr = 1 + q.a1 * c1 + q.a2 * c2;
  const di = -(q.a1 * s1 + q.a2 * s2);
  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

/** Direct-form-I state of one biquad on one channel. */
export class BiquadState {
  x1 = 0;
  x2 = 0;
  y1 = 0;
  y2 = 0;
  constructor(readonly q: Biquad) {}

  /** Filters `input` into `output` (may be the same array). */
  run(input: Float32Array, output: Float32Array, length = input.length): void {
    const { b0, b1, b2, a1, a2 } = this.q;
    let { x1, x2, y1, y2 } = this;
    for (let i = 0; i < length; i++) {
      const x = input[i]!;
      const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      output[i] = y;
    }
    // Denormal guard: a decaying tail otherwise slows the audio thread to a crawl.
    if (Math.abs(y1) < 1e-25) y1 = 0;
    if (Math.abs(y2) < 1e-25) y2 = 0;
    this.x1 = x1;
    this.x2 = x2;
    this.y1 = y1;
    this.y2 = y2;
  }
}

/** Loudness in LUFS (LKFS) of a K-weighted mean square summed over channels (weights 1 for L/R). */
export function lufsOfPower(power: number): number {
  return power > 0 ? -0.691 + 10 * Math.log10(power) : Number.NEGATIVE_INFINITY;
}
