import { type AnalysisResult, type AnalyzerConfig, AudioAnalyzer } from '../analyzer.js';

export const FS = 48000;

export const samples = (durationS: number, fs = FS): number => Math.round(durationS * fs);

/** Sine with the given per-channel peak in dBFS; phase in degrees at t = 0. */
export function sine(
  freqHz: number,
  peakDbfs: number,
  durationS: number,
  fs = FS,
  phaseDeg = 0,
): Float32Array {
  const n = samples(durationS, fs);
  const a = 10 ** (peakDbfs / 20);
  const w = (2 * Math.PI * freqHz) / fs;
  const ph = (phaseDeg * Math.PI) / 180;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a * Math.sin(w * i + ph);
  return out;
}

/** "Stereo tone at X" of AUDIO-REFERENCE.md: 1 kHz, in phase on both channels, per-channel peak X dBFS. */
export const tone = (peakDbfs: number, durationS: number, fs = FS): Float32Array =>
  sine(1000, peakDbfs, durationS, fs);

export const silence = (durationS: number, fs = FS): Float32Array => new Float32Array(samples(durationS, fs));

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function repeat(part: Float32Array, times: number): Float32Array {
  return concat(...Array.from({ length: times }, () => part));
}

/** Pushes planar channels through an analyzer in chunks of `chunk` frames. */
export function analyze(
  channels: Float32Array[],
  options: Partial<AnalyzerConfig> = {},
  chunk = 4096,
): AnalysisResult {
  const a = new AudioAnalyzer({
    sampleRate: FS,
    channels: channels.length,
    waveformLevels: false,
    ...options,
  });
  const n = channels[0]!.length;
  for (let i = 0; i < n; i += chunk) a.push(channels.map((c) => c.subarray(i, Math.min(n, i + chunk))));
  return a.finish();
}

/** Analyses a stereo signal (same samples on both channels) and records every 10 ms meter reading. */
export function analyzeStereoWithMeter(x: Float32Array, fs = FS) {
  const times: number[] = [];
  const momentary: number[] = [];
  const shortTerm: number[] = [];
  const result = analyze([x, x], {
    sampleRate: fs,
    onMeter: (m) => {
      times.push(m.timeS);
      momentary.push(m.momentaryLufs);
      shortTerm.push(m.shortTermLufs);
    },
  });
  return { result, times, momentary, shortTerm };
}

/** Deterministic pseudo-random integers (LCG), so fixtures never depend on Math.random or libm. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}
