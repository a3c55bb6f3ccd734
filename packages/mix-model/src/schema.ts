// Declarative description of the document layout, used by validation. See SPEC.md [MM-1], [MM-8].
import {
  COLOR_PATTERN,
  ID_PATTERN,
  LIMITS,
  PRINCIPLES,
  type RootName,
  SCHEMA_VERSION,
  SECTION_KINDS,
  URL_PATTERN,
} from './constants.js';
import { parseOffsetKey } from './ids.js';

export type Leaf =
  | { readonly t: 'number'; readonly min: number; readonly max: number; readonly integer?: boolean }
  | { readonly t: 'string'; readonly max: number; readonly pattern?: RegExp; readonly patternHint?: string }
  | { readonly t: 'boolean' }
  | { readonly t: 'enum'; readonly values: readonly unknown[] };

export interface Field {
  readonly node: SchemaNode;
  readonly required: boolean;
}

export type Container =
  | {
      readonly t: 'fixedMap';
      readonly what: string;
      readonly fields: Readonly<Record<string, Field>>;
    }
  | {
      readonly t: 'record';
      readonly what: string;
      readonly key: (key: string) => boolean;
      readonly keyHint: string;
      readonly value: SchemaNode;
      readonly max: number;
    }
  | { readonly t: 'array'; readonly what: string; readonly item: SchemaNode; readonly max: number }
  | { readonly t: 'text'; readonly what: string; readonly max: number };

export type SchemaNode = Leaf | Container;

const req = (node: SchemaNode): Field => ({ node, required: true });
const opt = (node: SchemaNode): Field => ({ node, required: false });

const gain: Leaf = { t: 'number', min: LIMITS.gainMinDb, max: LIMITS.gainMaxDb };
const time: Leaf = { t: 'number', min: 0, max: LIMITS.maxSongS };
const label: Leaf = { t: 'string', max: LIMITS.labelMax };
const longText: Leaf = { t: 'string', max: LIMITS.longTextMax };
const id: Leaf = { t: 'string', max: 64, pattern: ID_PATTERN, patternHint: '[A-Za-z0-9_-]{1,64}' };
const isId = (k: string) => ID_PATTERN.test(k);

export const SECTION: Container = {
  t: 'fixedMap',
  what: 'section',
  fields: {
    label: req(label),
    kind: req({ t: 'enum', values: SECTION_KINDS }),
    startS: req(time),
    endS: req(time),
    intent: req(longText),
  },
};

const STEM: Container = {
  t: 'fixedMap',
  what: 'stem',
  fields: {
    fileId: req(id),
    name: req(label),
    color: req({ t: 'string', max: 7, pattern: COLOR_PATTERN, patternHint: '#rrggbb' }),
    order: req({ t: 'number', min: 0, max: LIMITS.orderMax, integer: true }),
    clipGainDb: req(gain),
    faderDb: req(gain),
    pan: req({ t: 'number', min: LIMITS.panMin, max: LIMITS.panMax }),
    mute: req({ t: 'boolean' }),
    solo: req({ t: 'boolean' }),
  },
};

const SCENE: Container = {
  t: 'fixedMap',
  what: 'scene',
  fields: {
    name: req(label),
    createdBy: req(label),
    basedOn: opt(id),
    faders: req({
      t: 'record',
      what: 'scene faders',
      key: isId,
      keyHint: 'a stem id',
      value: gain,
      max: LIMITS.maxStems,
    }),
    offsets: req({
      t: 'record',
      what: 'scene offsets',
      key: (k) => parseOffsetKey(k) !== null,
      keyHint: '"sectionId:stemId"',
      value: gain,
      max: LIMITS.maxOffsetsPerScene,
    }),
  },
};

const REFERENCE: Container = {
  t: 'fixedMap',
  what: 'reference',
  fields: {
    id: req(id),
    title: req(label),
    url: opt({ t: 'string', max: LIMITS.longTextMax, pattern: URL_PATTERN, patternHint: 'an http(s) URL' }),
    fileId: opt(id),
    listenFor: req(longText),
  },
};

const DELIVERABLE: Container = {
  t: 'fixedMap',
  what: 'deliverable',
  fields: { id: req(id), label: req(label), done: req({ t: 'boolean' }) },
};

const principleText: Container = { t: 'text', what: 'principle text', max: LIMITS.principleTextMax };

export const ROOT_SCHEMA: { readonly [K in RootName]: Container } = {
  meta: {
    t: 'fixedMap',
    what: 'meta',
    fields: {
      schemaVersion: req({ t: 'enum', values: [SCHEMA_VERSION] }),
      title: req(label),
      sampleRate: req({ t: 'number', min: LIMITS.sampleRateMin, max: LIMITS.sampleRateMax, integer: true }),
      durationS: req(time),
      tempoBpm: opt({ t: 'number', min: LIMITS.tempoMinBpm, max: LIMITS.tempoMaxBpm }),
    },
  },
  brief: {
    t: 'fixedMap',
    what: 'brief',
    fields: {
      text: req({ t: 'text', what: 'brief text', max: LIMITS.briefTextMax }),
      references: req({ t: 'array', what: 'references', item: REFERENCE, max: LIMITS.maxReferences }),
      deliverables: req({ t: 'array', what: 'deliverables', item: DELIVERABLE, max: LIMITS.maxDeliverables }),
      principles: req({
        t: 'fixedMap',
        what: 'principles',
        fields: Object.fromEntries(PRINCIPLES.map((p) => [p, req(principleText)])),
      }),
    },
  },
  sections: {
    t: 'record',
    what: 'sections',
    key: isId,
    keyHint: 'a section id',
    value: SECTION,
    max: LIMITS.maxSections,
  },
  stems: { t: 'record', what: 'stems', key: isId, keyHint: 'a stem id', value: STEM, max: LIMITS.maxStems },
  scenes: {
    t: 'record',
    what: 'scenes',
    key: isId,
    keyHint: 'a scene id',
    value: SCENE,
    max: LIMITS.maxScenes,
  },
};
