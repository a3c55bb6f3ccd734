import type { PRINCIPLES, SECTION_KINDS } from './constants.js';

/** Kind of a song section. */
export type SectionKind = (typeof SECTION_KINDS)[number];
/** One of the five fundamentals the brief has notes for. */
export type Principle = (typeof PRINCIPLES)[number];

/** Song-level facts. Times in seconds, rate in Hz. */
export interface MixMeta {
  readonly schemaVersion: number;
  readonly title: string;
  readonly sampleRate: number;
  /** Song length in seconds; 0 means "not known yet" (no audio analysed). [MM-10] */
  readonly durationS: number;
  readonly tempoBpm: number | null;
}

/** A reference track: uploaded (`fileId`) or named with an optional link. */
export interface Reference {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly fileId: string | null;
  /** What to listen for in it ("the vocal reverb"). */
  readonly listenFor: string;
}

/** One item of the deliverables checklist. */
export interface Deliverable {
  readonly id: string;
  readonly label: string;
  readonly done: boolean;
}

/** The vision brief. */
export interface Brief {
  readonly text: string;
  readonly references: readonly Reference[];
  readonly deliverables: readonly Deliverable[];
  readonly principles: Readonly<Record<Principle, string>>;
}

/** A song section. Times in seconds from the start of the song; `startS < endS`. */
export interface Section {
  readonly id: string;
  readonly label: string;
  readonly kind: SectionKind;
  readonly startS: number;
  readonly endS: number;
  /** Emotional intent ("intimate", "urgent"). */
  readonly intent: string;
}

/** A stem and its channel-strip settings. Gains in dB; pan -1 (left) .. 1 (right). */
export interface Stem {
  readonly id: string;
  readonly fileId: string;
  readonly name: string;
  readonly color: string;
  readonly order: number;
  readonly clipGainDb: number;
  /** Fader used by scenes that do not override it. [MM-5] */
  readonly faderDb: number;
  readonly pan: number;
  readonly mute: boolean;
  readonly solo: boolean;
}

/** A balance scene: per-stem fader overrides plus per-section offsets, all in dB. */
export interface Scene {
  readonly id: string;
  readonly name: string;
  readonly createdBy: string;
  /** Scene this one was duplicated from (provenance; may name a deleted scene). */
  readonly basedOn: string | null;
  /** stemId -> fader in dB (overrides `Stem.faderDb`). */
  readonly faders: Readonly<Record<string, number>>;
  /** `offsetKey(sectionId, stemId)` -> offset in dB. */
  readonly offsets: Readonly<Record<string, number>>;
}

/**
 * Plain, read-only snapshot of a mix document (see {@link readMix}).
 * `sections` are in song order (start, then id), `stems` in mixer order (order, then id),
 * `scenes` default scene first, then by name, then id.
 */
export interface MixState {
  readonly meta: MixMeta;
  readonly brief: Brief;
  readonly sections: readonly Section[];
  readonly stems: readonly Stem[];
  readonly scenes: readonly Scene[];
}
