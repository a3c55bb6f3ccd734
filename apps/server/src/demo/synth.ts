// Synthesised demo song: six stems and their mix, made in code so the demo needs no audio assets.
// 120 BPM (a bar is 2 s), A minor, Am F C G; intro 0-8 s, verse 8-24, chorus 24-40, bridge 40-48,
// chorus 48-60. Everything is deterministic (seeded noise), so every demo sounds the same.

export const DEMO_SAMPLE_RATE = 48_000;
export const DEMO_DURATION_S = 60;
const BAR_S = 2;
const BEAT_S = 0.5;

export interface DemoSection {
  label: string;
  kind: 'intro' | 'verse' | 'chorus' | 'bridge' | 'outro';
  startS: number;
  endS: number;
  intent: string;
}

export const DEMO_SECTIONS: DemoSection[] = [
  { label: 'Intro', kind: 'intro', startS: 0, endS: 8, intent: 'distant, waiting' },
  { label: 'Verse', kind: 'verse', startS: 8, endS: 24, intent: 'intimate, close to the voice' },
  { label: 'Chorus 1', kind: 'chorus', startS: 24, endS: 40, intent: 'urgent, wide open' },
  { label: 'Bridge', kind: 'bridge', startS: 40, endS: 48, intent: 'floating, holding the breath' },
  { label: 'Chorus 2', kind: 'chorus', startS: 48, endS: 60, intent: 'biggest moment, release' },
];

type Part = 'intro' | 'verse' | 'chorus' | 'bridge';
const partAt = (t: number): Part =>
  t < 8 ? 'intro' : t < 24 ? 'verse' : t < 40 ? 'chorus' : t < 48 ? 'bridge' : 'chorus';

/** Chord roots and tones (MIDI) per bar: Am F C G. */
const CHORDS = [
  [57, 60, 64], // A minor
  [53, 57, 60], // F
  [48, 52, 55], // C
  [55, 59, 62], // G
] as const;
const chordAt = (t: number) => CHORDS[Math.floor(t / BAR_S) % CHORDS.length]!;
const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

/** Mono or stereo float audio; channel arrays of equal length. */
export interface Audio {
  name: string;
  channels: Float32Array[];
}

function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const frames = (seconds: number, sr: number) => Math.round(seconds * sr);

function drums(sr: number): Audio {
  const n = frames(DEMO_DURATION_S, sr);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  const rnd = makeRandom(7);
  const add = (buf: Float32Array, at: number, data: (i: number) => number, len: number, gain: number) => {
    const start = frames(at, sr);
    for (let i = 0; i < len && start + i < n; i++) buf[start + i]! += data(i) * gain;
  };
  for (let beat = 0; beat < DEMO_DURATION_S / BEAT_S; beat++) {
    const t = beat * BEAT_S;
    const part = partAt(t);
    const inBar = beat % 4;
    if (part !== 'intro' && part !== 'bridge' && (inBar === 0 || inBar === 2)) {
      // Kick: a falling sine with a fast decay.
      const len = frames(0.35, sr);
      let phase = 0;
      const kick = (i: number) => {
        const s = i / sr;
        phase += (2 * Math.PI * (50 + 90 * Math.exp(-s * 30))) / sr;
        return Math.sin(phase) * Math.exp(-s * 9);
      };
      const tmp = Float32Array.from({ length: len }, (_, i) => kick(i));
      add(l, t, (i) => tmp[i]!, len, 0.55);
      add(r, t, (i) => tmp[i]!, len, 0.55);
    }
    if (part !== 'intro' && (inBar === 1 || inBar === 3) && (part !== 'bridge' || inBar === 3)) {
      // Snare: noise plus a short tone.
      const len = frames(0.25, sr);
      const snare = Float32Array.from({ length: len }, (_, i) => {
        const s = i / sr;
        return (
          (rnd() * 2 - 1) * Math.exp(-s * 18) * 0.7 +
          Math.sin(2 * Math.PI * 190 * s) * Math.exp(-s * 25) * 0.4
        );
      });
      add(l, t, (i) => snare[i]!, len, 0.4);
      add(r, t, (i) => snare[i]!, len, 0.36);
    }
    // Hats on eighths (sixteenths in the chorus), slightly right.
    const per = part === 'chorus' ? 4 : 2;
    for (let k = 0; k < per; k++) {
      const at = t + (k * BEAT_S) / per;
      const len = frames(0.05, sr);
      let prev = 0;
      const hat = Float32Array.from({ length: len }, (_, i) => {
        const x = rnd() * 2 - 1;
        const y = x - prev; // crude high-pass
        prev = x;
        return y * Math.exp(-(i / sr) * 70);
      });
      const g = (k % 2 === 0 ? 0.22 : 0.14) * (part === 'intro' ? 0.7 : 1);
      add(l, at, (i) => hat[i]!, len, g * 0.7);
      add(r, at, (i) => hat[i]!, len, g);
    }
  }
  return { name: 'Drums', channels: [l, r] };
}

function bass(sr: number): Audio {
  const n = frames(DEMO_DURATION_S, sr);
  const out = new Float32Array(n);
  let phase = 0;
  let lp = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const part = partAt(t);
    if (part === 'intro') continue;
    const root = chordAt(t)[0] - 24;
    const eighth = (t % (BEAT_S / 2)) / (BEAT_S / 2);
    const env = part === 'bridge' ? Math.exp(-(t % BAR_S) * 1.5) : Math.exp(-eighth * 2.5) * 0.8 + 0.2;
    phase = (phase + hz(root) / sr) % 1;
    const saw = 2 * phase - 1;
    lp += (saw - lp) * 0.06;
    out[i] = lp * env * 0.55;
  }
  return { name: 'Bass', channels: [out] };
}

/** Karplus-Strong plucked string. */
function pluck(
  out: Float32Array,
  sr: number,
  at: number,
  freq: number,
  gain: number,
  decay: number,
  rnd: () => number,
) {
  const period = Math.max(2, Math.round(sr / freq));
  const buf = Float32Array.from({ length: period }, () => rnd() * 2 - 1);
  const start = frames(at, sr);
  const len = Math.min(out.length - start, frames(1.6, sr));
  let idx = 0;
  for (let i = 0; i < len; i++) {
    const next = (idx + 1) % period;
    const v = buf[idx]!;
    buf[idx] = (v + buf[next]!) * 0.5 * decay;
    out[start + i]! += v * gain;
    idx = next;
  }
}

function guitar(sr: number, name: string, seed: number, pattern: 'strum' | 'arp'): Audio {
  const out = new Float32Array(frames(DEMO_DURATION_S, sr));
  const rnd = makeRandom(seed);
  for (let beat = 0; beat < DEMO_DURATION_S / BEAT_S; beat++) {
    const t = beat * BEAT_S;
    const part = partAt(t);
    if (part === 'intro' && pattern === 'strum') continue;
    const chord = chordAt(t).map((m) => m + 12);
    if (pattern === 'strum' && (part === 'chorus' || beat % 2 === 0)) {
      for (let k = 0; k < chord.length; k++) {
        pluck(out, sr, t + k * 0.012, hz(chord[k]!), part === 'chorus' ? 0.3 : 0.18, 0.996, rnd);
      }
    } else if (pattern === 'arp') {
      for (let k = 0; k < 2; k++) {
        const m = chord[(beat * 2 + k) % chord.length]!;
        pluck(out, sr, t + k * (BEAT_S / 2), hz(m), part === 'verse' ? 0.28 : 0.2, 0.995, rnd);
      }
    }
  }
  return { name, channels: [out] };
}

/** A two-pole resonant band-pass (RBJ), for the lead's formants. */
function bandpass(sr: number, f: number, q: number) {
  const w = (2 * Math.PI * f) / sr;
  const alpha = Math.sin(w) / (2 * q);
  const a0 = 1 + alpha;
  const b0 = alpha / a0;
  const b2 = -alpha / a0;
  const a1 = (-2 * Math.cos(w)) / a0;
  const a2 = (1 - alpha) / a0;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  return (x: number) => {
    const y = b0 * x + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    return y;
  };
}

const MELODY = [69, 72, 71, 69, 67, 69, 64, 67, 65, 69, 67, 64, 62, 64, 67, 69];

function lead(sr: number): Audio {
  const n = frames(DEMO_DURATION_S, sr);
  const out = new Float32Array(n);
  const f1 = bandpass(sr, 700, 4);
  const f2 = bandpass(sr, 1200, 5);
  const f3 = bandpass(sr, 2600, 6);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const part = partAt(t);
    if (part === 'intro' || part === 'bridge') continue;
    const beat = Math.floor(t / BEAT_S);
    const note = MELODY[beat % MELODY.length]! + (part === 'chorus' ? 5 : 0);
    const inNote = (t % BEAT_S) / BEAT_S;
    const env = Math.min(1, inNote * 12) * (1 - inNote * 0.35);
    const vibrato = 1 + 0.006 * Math.sin(2 * Math.PI * 5.5 * t) * Math.min(1, inNote * 3);
    phase = (phase + (hz(note) * vibrato) / sr) % 1;
    const source = 2 * phase - 1;
    const voiced = f1(source) * 1.0 + f2(source) * 0.6 + f3(source) * 0.25;
    out[i] = voiced * env * (part === 'chorus' ? 0.55 : 0.45);
  }
  return { name: 'Lead vocal', channels: [out] };
}

function pad(sr: number): Audio {
  const n = frames(DEMO_DURATION_S, sr);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  const phases = new Float64Array(6);
  let lpL = 0;
  let lpR = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const part = partAt(t);
    const chord = chordAt(t);
    const inBar = (t % BAR_S) / BAR_S;
    const swell = Math.min(1, inBar * 4) * (part === 'verse' ? 0.5 : part === 'bridge' ? 1.1 : 0.8);
    let sl = 0;
    let sr2 = 0;
    for (let k = 0; k < 3; k++) {
      const f = hz(chord[k]!);
      phases[k * 2] = (phases[k * 2]! + (f * 1.003) / sr) % 1;
      phases[k * 2 + 1] = (phases[k * 2 + 1]! + (f * 0.997) / sr) % 1;
      sl += 2 * phases[k * 2]! - 1;
      sr2 += 2 * phases[k * 2 + 1]! - 1;
    }
    lpL += (sl - lpL) * 0.02;
    lpR += (sr2 - lpR) * 0.02;
    l[i] = lpL * swell * 0.22;
    r[i] = lpR * swell * 0.22;
  }
  return { name: 'Pad', channels: [l, r] };
}

const STEM_MAKERS: ((sr: number) => Audio)[] = [
  drums,
  bass,
  (sr) => guitar(sr, 'Rhythm gtr', 11, 'strum'),
  (sr) => guitar(sr, 'Melody gtr', 23, 'arp'),
  lead,
  pad,
];

/** The six stems, in mixer order. */
export function synthesizeStems(sr = DEMO_SAMPLE_RATE): Audio[] {
  return STEM_MAKERS.map((make) => make(sr));
}

/** Same as {@link synthesizeStems}, yielding to the event loop between stems (for use inside the server). */
export async function synthesizeStemsAsync(sr = DEMO_SAMPLE_RATE): Promise<Audio[]> {
  const out: Audio[] = [];
  for (const make of STEM_MAKERS) {
    await new Promise((resolve) => setImmediate(resolve));
    out.push(make(sr));
  }
  return out;
}

export interface MixOptions {
  /** Per stem name: gain in dB, optionally only inside [startS, endS). */
  gainsDb?: Record<string, number>;
  sectionGainsDb?: { stem: string; startS: number; endS: number; db: number }[];
}

const PANS: Record<string, number> = {
  'Rhythm gtr': -0.6,
  'Melody gtr': 0.55,
  Bass: 0,
  'Lead vocal': 0,
  Drums: 0,
  Pad: 0,
};

/** Stereo mix of the stems (constant-power pan), peak-normalised to -1 dBFS. */
export function mixStems(stems: Audio[], options: MixOptions = {}, sr = DEMO_SAMPLE_RATE): Audio {
  const n = stems[0]!.channels[0]!.length;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (const stem of stems) {
    const base = 10 ** ((options.gainsDb?.[stem.name] ?? 0) / 20);
    const pan = PANS[stem.name] ?? 0;
    const angle = ((pan + 1) * Math.PI) / 4;
    const [gl, gr] = stem.channels.length === 1 ? [Math.cos(angle), Math.sin(angle)] : [1, 1];
    const ranges = (options.sectionGainsDb ?? []).filter((s) => s.stem === stem.name);
    for (let i = 0; i < n; i++) {
      let g = base;
      if (ranges.length) {
        const t = i / sr;
        for (const s of ranges) if (t >= s.startS && t < s.endS) g *= 10 ** (s.db / 20);
      }
      const a = stem.channels[0]![i]! * g;
      const b = (stem.channels[1] ?? stem.channels[0])![i]! * g;
      l[i]! += a * gl;
      r[i]! += b * gr;
    }
  }
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(l[i]!), Math.abs(r[i]!));
  const norm = peak > 0 ? 10 ** (-1 / 20) / peak : 1;
  for (let i = 0; i < n; i++) {
    l[i]! *= norm;
    r[i]! *= norm;
  }
  return { name: 'Mix', channels: [l, r] };
}

/** 16-bit PCM WAV. */
export function encodeWav16(audio: Audio, sr = DEMO_SAMPLE_RATE): Uint8Array {
  const ch = audio.channels.length;
  const n = audio.channels[0]!.length;
  const data = n * ch * 2;
  const out = new Uint8Array(44 + data);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + data, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, ch, true);
  v.setUint32(24, sr, true);
  v.setUint32(28, sr * ch * 2, true);
  v.setUint16(32, ch * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, data, true);
  let o = 44;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < ch; c++) {
      const s = Math.max(-1, Math.min(1, audio.channels[c]![i]!));
      v.setInt16(o, Math.round(s < 0 ? s * 32768 : s * 32767), true);
      o += 2;
    }
  }
  return out;
}
