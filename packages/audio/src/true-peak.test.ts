import { describe, expect, it } from 'vitest';
import { analyze, FS, samples } from './test-support/signals.js';
import { TRUE_PEAK_PHASES, TruePeakDetector } from './true-peak.js';

// EBU Tech 3341 true-peak cases 15-23; tolerance +0.2 / -0.4 dB.
const within = (measured: number, expected: number) => {
  expect(measured).toBeGreaterThanOrEqual(expected - 0.4);
  expect(measured).toBeLessThanOrEqual(expected + 0.2);
};

/** Sine of amplitude `ffs` (1.0 = full scale) at `freqHz`, starting phase in degrees, 10 ms linear fades. */
function fadedSine(freqHz: number, ffs: number, phaseDeg: number, durationS = 1): Float32Array {
  const n = samples(durationS);
  const fade = samples(0.01);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const env = Math.min(1, i / fade, (n - 1 - i) / fade);
    out[i] = ffs * env * Math.sin((2 * Math.PI * freqHz * i) / FS + (phaseDeg * Math.PI) / 180);
  }
  return out;
}

const truePeak = (x: Float32Array) => analyze([x, x]).truePeakDbtp;

/**
 * Case 20-23 signal at 4 x fs: fs/6 at 0.50 FFS containing one period of fs/4 at 1.0, phase-continuous (the
 * burst starts at a zero crossing of the running phase), 10 ms fades, low-pass filtered (511-tap Blackman
 * windowed sinc, 22 kHz), so the caller can decimate it by 4 with an offset.
 */
function case20Source(): { filtered: Float64Array; idealPeak: number } {
  const fs4 = 4 * FS;
  const pre = 24 * 800; // whole periods of fs/6 (24 samples at 4 x fs)
  const burst = 16; // one period of fs/4
  const n = pre + burst + pre;
  const x = new Float64Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const inBurst = i >= pre && i < pre + burst;
    x[i] = (inBurst ? 1 : 0.5) * Math.sin(phase);
    phase += (2 * Math.PI * (inBurst ? FS / 4 : FS / 6)) / fs4;
  }
  const fade = fs4 / 100;
  for (let i = 0; i < fade; i++) {
    x[i] = x[i]! * (i / fade);
    x[n - 1 - i] = x[n - 1 - i]! * (i / fade);
  }
  const taps = 511;
  const h = new Float64Array(taps);
  const fc = 22000 / fs4;
  let sum = 0;
  for (let k = 0; k < taps; k++) {
    const t = k - (taps - 1) / 2;
    const sinc = t === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * t) / (Math.PI * t);
    const w =
      0.42 - 0.5 * Math.cos((2 * Math.PI * k) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * k) / (taps - 1));
    h[k] = sinc * w;
    sum += h[k]!;
  }
  const filtered = new Float64Array(n);
  let idealPeak = 0;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < taps && k <= i; k++) acc += h[k]! * x[i - k]!;
    filtered[i] = acc / sum;
    idealPeak = Math.max(idealPeak, Math.abs(filtered[i]!));
  }
  return { filtered, idealPeak };
}

describe('[AU-10] true peak, EBU Tech 3341 cases 15-23', () => {
  it('case 15: fs/4, 0.50 FFS, phase 0 -> -6.0 dBTP', () => within(truePeak(fadedSine(FS / 4, 0.5, 0)), -6));
  it('case 16: fs/4, 0.50 FFS, 45 deg -> -6.0 dBTP', () => within(truePeak(fadedSine(FS / 4, 0.5, 45)), -6));
  it('case 17: fs/6, 0.50 FFS, 60 deg -> -6.0 dBTP', () => within(truePeak(fadedSine(FS / 6, 0.5, 60)), -6));
  it('case 18: fs/8, 0.50 FFS, 67.5 deg -> -6.0 dBTP', () =>
    within(truePeak(fadedSine(FS / 8, 0.5, 67.5)), -6));
  it('case 19: fs/4, 1.41 FFS, 45 deg -> +3.0 dBTP (inter-sample overs above full scale)', () => {
    const x = fadedSine(FS / 4, 1.41, 45);
    const r = analyze([x, x]);
    within(r.truePeakDbtp, 3);
    // The samples themselves stay at 1.41 * sin(45 deg) = 0.997: only the true peak shows the over.
    expect(r.samplePeakDbfs).toBeLessThan(0);
  });

  it('cases 20-23: fs/6 with one fs/4 period at 1.0, decimated with offsets 0..3 -> 0.0 dBTP', () => {
    const { filtered, idealPeak } = case20Source();
    expect(20 * Math.log10(idealPeak)).toBeGreaterThan(-0.2); // the synthesis itself peaks near 0 dB
    for (let offset = 0; offset < 4; offset++) {
      const x = new Float32Array(Math.floor((filtered.length - offset) / 4));
      for (let i = 0; i < x.length; i++) x[i] = filtered[i * 4 + offset]!;
      const r = analyze([x, x]);
      within(r.truePeakDbtp, 0);
      if (offset === 1) expect(r.samplePeakDbfs).toBeLessThan(-2); // this offset misses the peak by > 2 dB
    }
  });
});

describe('[AU-10] true-peak detector', () => {
  it('uses the BS.1770-4 Annex 2 filter: symmetric prototype, published phase sums', () => {
    const proto: number[] = [];
    for (let k = 0; k < 12; k++) for (let p = 0; p < 4; p++) proto.push(TRUE_PEAK_PHASES[p]![k]!);
    expect(proto).toHaveLength(48);
    for (let i = 0; i < 48; i++) expect(proto[i]).toBe(proto[47 - i]);
    // The coefficients are dyadic, so their sums are exact: a mistyped tap changes them.
    const sums = TRUE_PEAK_PHASES.map((phase) => phase.reduce((a, b) => a + b, 0));
    expect(sums).toEqual([1.0015869140625, 0.9730224609375, 0.9730224609375, 1.0015869140625]);
    expect(TRUE_PEAK_PHASES[0]![6]).toBe(0.97216796875);
  });

  it('matches a direct 48-tap convolution on noise, and is never below the sample peak', () => {
    let s = 12345;
    const x = new Float32Array(5000);
    for (let i = 0; i < x.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      x[i] = ((s / 2 ** 32) * 2 - 1) * (i > 2500 ? 0.3 : 0.9);
    }
    let direct = 0;
    for (let n = 0; n < x.length + 11; n++) {
      for (const phase of TRUE_PEAK_PHASES) {
        let y = 0;
        for (let k = 0; k < 12; k++) y += phase[k]! * (x[n - k] ?? 0);
        direct = Math.max(direct, Math.abs(y));
      }
    }
    const det = new TruePeakDetector(4);
    for (let i = 0; i < x.length; i += 777) det.push(x.subarray(i, i + 777));
    det.flush();
    const samplePeak = Math.max(...Array.from(x, Math.abs));
    expect(det.peak).toBeCloseTo(Math.max(direct, samplePeak), 6);
    expect(det.peak).toBeGreaterThanOrEqual(samplePeak);
  });

  it('counts the interpolation after the last sample (the end is followed by silence)', () => {
    // A single full-scale-ish step at the very end: its ringing lies entirely after the last input sample.
    const x = new Float32Array(64);
    x[63] = 0.5;
    x[62] = -0.5;
    const withFlush = new TruePeakDetector(4);
    withFlush.push(x);
    const before = withFlush.peak;
    withFlush.flush();
    expect(withFlush.peak).toBeGreaterThan(before);
  });

  it('the analyzer flushes the filter at the end of the file', () => {
    const x = new Float32Array(64);
    x[62] = -0.5;
    x[63] = 0.5;
    const unflushed = new TruePeakDetector(4);
    unflushed.push(x);
    expect(10 ** (analyze([x]).truePeakDbtp / 20)).toBeGreaterThan(unflushed.peak * 1.01);
  });

  it('oversamples 2x at 192 kHz and still reads a tone near fs/4 above its sample peak', () => {
    const fs = 192000;
    const n = fs / 2;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * (fs / 4) * i) / fs + Math.PI / 4);
    const r = analyze([x, x], { sampleRate: fs });
    expect(r.samplePeakDbfs).toBeCloseTo(-9.03, 1);
    within(r.truePeakDbtp, -6);
  });
});
