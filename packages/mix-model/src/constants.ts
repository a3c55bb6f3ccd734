import * as Y from 'yjs';

/** Version of the document layout written by {@link seedMixDocument}. See SPEC.md [MM-1]. */
export const SCHEMA_VERSION = 1;

/** Names of the five root types of a `session:<id>` document, in a fixed order. [MM-1] */
export const ROOT_NAMES = ['meta', 'brief', 'sections', 'stems', 'scenes'] as const;

/** A root type name of the mix document. */
export type RootName = (typeof ROOT_NAMES)[number];

/** Root type names as constants, e.g. `doc.getMap(ROOT.sections)`. [MM-1] */
export const ROOT = {
  meta: 'meta',
  brief: 'brief',
  sections: 'sections',
  stems: 'stems',
  scenes: 'scenes',
} as const satisfies { readonly [K in RootName]: K };

/**
 * Allow-list of root types and their Yjs type. Any other name in `doc.share` is a schema violation
 * (an update can create arbitrary root names). [MM-1]
 */
export const ROOT_TYPES: { readonly [K in RootName]: typeof Y.Map } = {
  meta: Y.Map,
  brief: Y.Map,
  sections: Y.Map,
  stems: Y.Map,
  scenes: Y.Map,
};

/** Kinds a song section can have. */
export const SECTION_KINDS = ['intro', 'verse', 'chorus', 'bridge', 'solo', 'outro', 'other'] as const;

/** The five fundamentals of a mix the brief has notes for. */
export const PRINCIPLES = ['balance', 'blend', 'timbre', 'space', 'clarity'] as const;

/** Id and name of the scene the server seeds. [MM-2] */
export const DEFAULT_SCENE_ID = 'engineer';
/** Name of the seeded default scene. [MM-2] */
export const DEFAULT_SCENE_NAME = 'Engineer';
/** `createdBy` of things the server (seeding, reconcile) creates. */
export const SYSTEM_AUTHOR = 'server';

/** Well-formed ids: sections, stems, scenes, references, deliverables, files. [MM-3] */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Stem colours are `#rrggbb`. */
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** Reference URLs must be http(s): they are rendered as links. */
export const URL_PATTERN = /^https?:\/\/[^\s]+$/i;

/** Ramp length at section boundaries, in seconds. [MM-4] */
export const DEFAULT_RAMP_S = 0.02;

/** Value ranges and size caps enforced by operations and validation. [MM-8] */
export const LIMITS = {
  /** Clip gain, fader and section offset range, in dB. */
  gainMinDb: -60,
  gainMaxDb: 24,
  /** Pan position, -1 (hard left) .. 1 (hard right). */
  panMin: -1,
  panMax: 1,
  /** Longest song, in seconds (24 h); `durationS` and section bounds never exceed it. */
  maxSongS: 86_400,
  sampleRateMin: 8_000,
  sampleRateMax: 768_000,
  tempoMinBpm: 1,
  tempoMaxBpm: 1_000,
  /** Stem `order` is an integer in 0..orderMax. */
  orderMax: 1_000_000,
  /** Labels, names, titles, `createdBy`, in UTF-16 code units. */
  labelMax: 200,
  /** Section intent, reference `listenFor`, reference url. */
  longTextMax: 2_000,
  briefTextMax: 100_000,
  principleTextMax: 10_000,
  maxSections: 500,
  maxStems: 256,
  maxScenes: 200,
  maxReferences: 100,
  maxDeliverables: 200,
  /** Per scene: offsets (section x stem) and fader overrides. */
  maxOffsetsPerScene: 20_000,
} as const;
