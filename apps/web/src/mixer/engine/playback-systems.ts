/**
 * Playback-system simulation: how the mix might sound on other systems, so engineer and artist check
 * translation together. Each system is a chain of BiquadFilterNodes, then a make-up gain that matches its
 * level to the flat studio monitors — switching system changes the tone, not the loudness (a louder
 * system would otherwise sound "better").
 *
 * | system     | chain (type frequency [Q] gain)                                                    | mono | make-up |
 * |------------|-------------------------------------------------------------------------------------|------|---------|
 * | studio     | none (flat reference)                                                               | no   | 0 dB    |
 * | headphones | lowshelf 100 Hz +4 dB; peaking 3 kHz Q 1.0 +2.5 dB; highshelf 9 kHz -2 dB            | no   | -0.72 dB|
 * | laptop     | highpass 200 Hz Q 0.707; highpass 200 Hz Q 0.9; peaking 1 kHz Q 1.0 +2 dB;           | no   | -0.11 dB|
 * |            | peaking 4.5 kHz Q 2.0 +3 dB; lowpass 15 kHz Q 0.707                                 |      |         |
 * | phone      | highpass 450 Hz Q 0.707 x2; peaking 2.5 kHz Q 1.2 +5 dB; lowpass 8 kHz Q 0.707 x2    | yes  | +0.87 dB|
 * | car        | highpass 35 Hz Q 0.707; lowshelf 90 Hz +6 dB; peaking 250 Hz Q 1.2 +2 dB;            | no   | +0.52 dB|
 * |            | peaking 2.5 kHz Q 1.5 -3 dB; highshelf 8 kHz -4 dB                                  |      |         |
 *
 * Q is linear (0.707 = Butterworth). Web Audio reads a lowpass/highpass Q in dB, so those are set as
 * 20·log10(Q); shelves ignore Q (slope S = 1). The filter maths below are the Web Audio spec's (Audio EQ
 * Cookbook) formulas, so the computed response is what BiquadFilterNode does.
 *
 * Level match method: make-up gain = -10·log10(G), where G is the chain's power gain for pink noise
 * measured through K-weighting (BS.1770), i.e. the mean of |H_chain(f)|²·|K(f)|² over 1/24-octave steps
 * from 20 Hz to 20 kHz divided by the mean of |K(f)|² (pink noise has equal power per octave, so equal
 * weights on a log-frequency grid are a pink spectrum). A pink-noise programme therefore reads the same
 * integrated loudness on every system (the make-up column is `makeupGainDb`, computed at start-up, not
 * typed in; the values shown are what it returns). The phone's mono fold-down (L+R)/2 is level-neutral for centred
 * content and is not compensated (a wide stereo mix reads up to 3 dB quieter there — as on a real phone).
 */
import { biquadPower, kWeightingStages } from './kweighting';

export type FilterType = 'lowpass' | 'highpass' | 'peaking' | 'lowshelf' | 'highshelf';

export interface FilterSpec {
  readonly type: FilterType;
  /** Hz. */
  readonly frequency: number;
  /** Linear Q (lowpass/highpass/peaking); shelves use slope 1 and ignore it. */
  readonly q?: number;
  /** dB (peaking and shelves). */
  readonly gainDb?: number;
}

export interface PlaybackSystem {
  readonly id: PlaybackSystemId;
  readonly label: string;
  readonly filters: readonly FilterSpec[];
  /** Fold the stereo programme to mono before the filters. */
  readonly mono: boolean;
}

export const PLAYBACK_SYSTEM_IDS = ['studio', 'headphones', 'laptop', 'phone', 'car'] as const;
export type PlaybackSystemId = (typeof PLAYBACK_SYSTEM_IDS)[number];

export const PLAYBACK_SYSTEMS: Readonly<Record<PlaybackSystemId, PlaybackSystem>> = {
  studio: { id: 'studio', label: 'Studio monitors', filters: [], mono: false },
  headphones: {
    id: 'headphones',
    label: 'Headphones',
    mono: false,
    filters: [
      { type: 'lowshelf', frequency: 100, gainDb: 4 },
      { type: 'peaking', frequency: 3000, q: 1, gainDb: 2.5 },
      { type: 'highshelf', frequency: 9000, gainDb: -2 },
    ],
  },
  laptop: {
    id: 'laptop',
    label: 'Laptop speakers',
    mono: false,
    filters: [
      { type: 'highpass', frequency: 200, q: Math.SQRT1_2 },
      { type: 'highpass', frequency: 200, q: 0.9 },
      { type: 'peaking', frequency: 1000, q: 1, gainDb: 2 },
      { type: 'peaking', frequency: 4500, q: 2, gainDb: 3 },
      { type: 'lowpass', frequency: 15000, q: Math.SQRT1_2 },
    ],
  },
  phone: {
    id: 'phone',
    label: 'Phone speaker',
    mono: true,
    filters: [
      { type: 'highpass', frequency: 450, q: Math.SQRT1_2 },
      { type: 'highpass', frequency: 450, q: Math.SQRT1_2 },
      { type: 'peaking', frequency: 2500, q: 1.2, gainDb: 5 },
      { type: 'lowpass', frequency: 8000, q: Math.SQRT1_2 },
      { type: 'lowpass', frequency: 8000, q: Math.SQRT1_2 },
    ],
  },
  car: {
    id: 'car',
    label: 'Car',
    mono: false,
    filters: [
      { type: 'highpass', frequency: 35, q: Math.SQRT1_2 },
      { type: 'lowshelf', frequency: 90, gainDb: 6 },
      { type: 'peaking', frequency: 250, q: 1.2, gainDb: 2 },
      { type: 'peaking', frequency: 2500, q: 1.5, gainDb: -3 },
      { type: 'highshelf', frequency: 8000, gainDb: -4 },
    ],
  },
};

export function isPlaybackSystemId(v: unknown): v is PlaybackSystemId {
  return typeof v === 'string' && (PLAYBACK_SYSTEM_IDS as readonly string[]).includes(v);
}

/** Normalised coefficients of one filter, by the Web Audio spec's BiquadFilterNode formulas. */
export function filterCoefficients(f: FilterSpec, sampleRate: number) {
  const A = 10 ** ((f.gainDb ?? 0) / 40);
  const w0 = (2 * Math.PI * f.frequency) / sampleRate;
  const cos = Math.cos(w0);
  const sin = Math.sin(w0);
  const q = f.q ?? Math.SQRT1_2;
  const alphaQ = sin / (2 * q);
  const alphaS = (sin / 2) * Math.SQRT2; // shelf slope S = 1
  const sqA = Math.sqrt(A);
  let b0: number;
  let b1: number;
  let b2: number;
  let a0: number;
  let a1: number;
  let a2: number;
  switch (f.type) {
    case 'lowpass':
      [b0, b1, b2] = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2];
      [a0, a1, a2] = [1 + alphaQ, -2 * cos, 1 - alphaQ];
      break;
    case 'highpass':
      [b0, b1, b2] = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2];
      [a0, a1, a2] = [1 + alphaQ, -2 * cos, 1 - alphaQ];
      break;
    case 'peaking':
      [b0, b1, b2] = [1 + alphaQ * A, -2 * cos, 1 - alphaQ * A];
      [a0, a1, a2] = [1 + alphaQ / A, -2 * cos, 1 - alphaQ / A];
      break;
    case 'lowshelf':
      b0 = A * (A + 1 - (A - 1) * cos + 2 * sqA * alphaS);
      b1 = 2 * A * (A - 1 - (A + 1) * cos);
      b2 = A * (A + 1 - (A - 1) * cos - 2 * sqA * alphaS);
      a0 = A + 1 + (A - 1) * cos + 2 * sqA * alphaS;
      a1 = -2 * (A - 1 + (A + 1) * cos);
      a2 = A + 1 + (A - 1) * cos - 2 * sqA * alphaS;
      break;
    case 'highshelf':
      b0 = A * (A + 1 + (A - 1) * cos + 2 * sqA * alphaS);
      b1 = -2 * A * (A - 1 + (A + 1) * cos);
      b2 = A * (A + 1 + (A - 1) * cos - 2 * sqA * alphaS);
      a0 = A + 1 - (A - 1) * cos + 2 * sqA * alphaS;
      a1 = 2 * (A - 1 - (A + 1) * cos);
      a2 = A + 1 - (A - 1) * cos - 2 * sqA * alphaS;
      break;
  }
  return { b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0 };
}

/** Power response |H(f)|² of a whole chain (without make-up). */
export function chainPower(system: PlaybackSystem, f: number, sampleRate = 48000): number {
  let p = 1;
  for (const spec of system.filters) p *= biquadPower(filterCoefficients(spec, sampleRate), f, sampleRate);
  return p;
}

const MATCH_RATE = 48000;

/** Make-up gain in dB that gives the system the flat reference's K-weighted pink-noise loudness. */
export function makeupGainDb(system: PlaybackSystem): number {
  if (system.filters.length === 0) return 0;
  const [shelf, hp] = kWeightingStages(MATCH_RATE);
  let num = 0;
  let den = 0;
  for (let i = 0; i <= 240; i++) {
    const f = 20 * 2 ** (i / 24); // 20 Hz .. 20.48 kHz in 1/24 octaves
    if (f > 20000) break;
    const k = biquadPower(shelf, f, MATCH_RATE) * biquadPower(hp, f, MATCH_RATE);
    num += chainPower(system, f, MATCH_RATE) * k;
    den += k;
  }
  return -10 * Math.log10(num / den);
}

/** Value for `BiquadFilterNode.Q`: dB for lowpass/highpass (as Web Audio reads it), linear for peaking. */
export function webAudioQ(spec: FilterSpec): number {
  const q = spec.q ?? Math.SQRT1_2;
  return spec.type === 'lowpass' || spec.type === 'highpass' ? 20 * Math.log10(q) : q;
}

/** A built chain: connect the programme into `input`, take the simulated sound from `output`. */
export interface SystemChain {
  readonly id: PlaybackSystemId;
  readonly input: GainNode;
  readonly output: GainNode;
  /** The chain's filters, in order. */
  readonly filters: readonly BiquadFilterNode[];
  disconnect(): void;
}

/** Builds a system's filter chain in `ctx` (live or offline). */
export function buildSystemChain(ctx: BaseAudioContext, id: PlaybackSystemId): SystemChain {
  const system = PLAYBACK_SYSTEMS[id];
  const input = ctx.createGain();
  if (system.mono) {
    // A 1-channel explicit input folds stereo to (L + R) / 2 ("speakers" down-mix).
    input.channelCount = 1;
    input.channelCountMode = 'explicit';
    input.channelInterpretation = 'speakers';
  }
  const output = ctx.createGain();
  output.gain.value = 10 ** (makeupGainDb(system) / 20);
  const nodes: BiquadFilterNode[] = [];
  let last: AudioNode = input;
  for (const spec of system.filters) {
    const f = ctx.createBiquadFilter();
    f.type = spec.type;
    f.frequency.value = spec.frequency;
    f.Q.value = webAudioQ(spec);
    f.gain.value = spec.gainDb ?? 0;
    last.connect(f);
    nodes.push(f);
    last = f;
  }
  last.connect(output);
  return {
    id,
    input,
    output,
    filters: nodes,
    disconnect() {
      input.disconnect();
      for (const n of nodes) n.disconnect();
      output.disconnect();
    },
  };
}
