/** Normalised biquad (a0 = 1): y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2. */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/**
 * BS.1770-4 K-weighting for any sample rate: the high-shelf ("pre-filter", +4 dB above ~1.7 kHz) and the
 * RLB high-pass (~38 Hz), each obtained by the bilinear transform of its analog prototype with the
 * prototype parameters libebur128 uses. At 48 kHz this reproduces the coefficients tabulated in BS.1770
 * to 1e-8, and at other rates it keeps the analog response (a 48 kHz table reused at 96 kHz would read a
 * 1 kHz tone 0.6 dB low).
 *
 * @example
 * ```ts
 * const { shelf, highPass } = kWeightingFilters(44100);
 * ```
 */
export function kWeightingFilters(sampleRate: number): { shelf: Biquad; highPass: Biquad } {
  if (!(sampleRate > 0)) throw new RangeError(`sample rate must be positive, got ${sampleRate}`);
  let f0 = 1681.974450955533;
  const gainDb = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gainDb / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf: Biquad = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + k / q + k * k;
  const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
  return { shelf, highPass };
}
