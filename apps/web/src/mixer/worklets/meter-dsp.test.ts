import { describe, expect, it } from 'vitest';
import { MeterCore, TruePeakChannel, truePeakPhases } from './meter-dsp';

const SR = 48000;
const db = (x: number) => 20 * Math.log10(x);

/** Feeds `x` (one channel or several) through a meter in 128-frame quanta, like the worklet. */
function feed(meter: MeterCore, chans: Float32Array[]) {
  for (let at = 0; at < chans[0]!.length; at += 128)
    meter.process(chans.map((c) => c.subarray(at, at + 128)));
}

/** A sine with 10 ms fades in and out, as the EBU true-peak cases specify. */
function sine(freq: number, amp: number, seconds: number, phaseDeg = 0): Float32Array {
  const x = new Float32Array(Math.round(seconds * SR));
  const ph = (phaseDeg * Math.PI) / 180;
  const fade = 0.01 * SR;
  for (let i = 0; i < x.length; i++) {
    const env = Math.min(1, i / fade, (x.length - 1 - i) / fade);
    x[i] = env * amp * Math.sin((2 * Math.PI * freq * i) / SR + ph);
  }
  return x;
}

describe('true peak (4x oversampled estimate)', () => {
  it('reads the EBU Tech 3341 true-peak sines (cases 15-19) and high sines within +0.2/-0.4 dB', () => {
    const cases: [number, number, number, number][] = [
      // [frequency, amplitude, phase degrees, expected dBTP] — cases 15..19
      [SR / 4, 0.5, 0, -6],
      [SR / 4, 0.5, 45, -6],
      [SR / 6, 0.5, 60, -6],
      [SR / 8, 0.5, 67.5, -6],
      [SR / 4, 1.41, 45, 3],
      [15000, 0.5, 10, -6],
      [18000, 0.5, 33, -6],
    ];
    for (const [f, a, ph, expected] of cases) {
      const tp = new TruePeakChannel(truePeakPhases());
      const x = sine(f, a, 0.5, ph);
      const v = db(tp.run(x));
      expect(v, `${f} Hz ${ph}°`).toBeGreaterThan(expected - 0.4);
      expect(v, `${f} Hz ${ph}°`).toBeLessThan(expected + 0.2);
    }
  });

  it('catches an inter-sample peak the sample peak misses (fs/4 at 45°: samples at -9 dB, true peak -6 dB)', () => {
    const x = sine(SR / 4, 0.5, 0.2, 45);
    const samplePeak = db(Math.max(...x.map(Math.abs)));
    expect(samplePeak).toBeCloseTo(-9.03, 1);
    const tp = new TruePeakChannel(truePeakPhases());
    expect(db(tp.run(x))).toBeGreaterThan(samplePeak + 2.5);
  });
});

describe('MeterCore', () => {
  it('reports peak and 300 ms RMS per channel', () => {
    const m = new MeterCore({ sampleRate: SR, channels: 2 });
    feed(m, [sine(1000, 0.5, 1), sine(1000, 0.25, 1)]);
    const r = m.read();
    expect(db(r.peak[0]!)).toBeCloseTo(-6.02, 1);
    expect(db(r.peak[1]!)).toBeCloseTo(-12.04, 1);
    expect(db(r.rms[0]!)).toBeCloseTo(-9.03, 1); // sine RMS = peak - 3.01 dB
    expect(r.momentary).toBeNull();
    expect(m.read().peak[0]).toBe(0); // peak is "since the last reading"
  });

  it('EBU Tech 3341 cases 1 and 2: momentary and short-term of stereo tones read -23.0 and -33.0 LUFS', () => {
    for (const level of [-23, -33]) {
      const m = new MeterCore({ sampleRate: SR, channels: 2, loudness: true });
      const x = sine(1000, 10 ** (level / 20), 5);
      feed(m, [x, x]);
      const r = m.read();
      expect(r.momentary!).toBeCloseTo(level, 1);
      expect(r.shortTerm!).toBeCloseTo(level, 1);
    }
  });

  it('EBU Tech 3341 case 9: short-term of (1.34 s at -20, 1.66 s at -30) x 5 reads -23.0 after 3 s', () => {
    const m = new MeterCore({ sampleRate: SR, channels: 2, loudness: true });
    const parts: Float32Array[] = [];
    for (let i = 0; i < 5; i++)
      parts.push(sine(1000, 10 ** (-20 / 20), 1.34), sine(1000, 10 ** (-30 / 20), 1.66));
    const total = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      total.set(p, at);
      at += p.length;
    }
    const readings: number[] = [];
    for (let i = 0; i < total.length; i += 128) {
      const q = total.subarray(i, i + 128);
      m.process([q, q]);
      if (i > 3.2 * SR && i % 4800 < 128) readings.push(m.read().shortTerm!);
    }
    for (const s of readings) expect(Math.abs(s + 23)).toBeLessThan(0.25);
  });
});
