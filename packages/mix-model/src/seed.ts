import * as Y from 'yjs';
import {
  DEFAULT_SCENE_ID,
  DEFAULT_SCENE_NAME,
  LIMITS,
  PRINCIPLES,
  SCHEMA_VERSION,
  SYSTEM_AUTHOR,
} from './constants.js';
import { MixModelError } from './errors.js';
import { isYArray, isYMap, isYText, roots, type YMap } from './internal.js';
import { checkLabel, checkNumber } from './checks.js';

/** Options of {@link seedMixDocument}. */
export interface SeedOptions {
  /** Song title. */
  readonly title: string;
  /** Session sample rate in Hz. Default 48000. */
  readonly sampleRate?: number;
  /** Song length in seconds; 0 = not known yet. Default 0. */
  readonly durationS?: number;
  /** Tempo in BPM, if known. Default: absent. */
  readonly tempoBpm?: number;
  /** Transaction origin for the seeding transaction. Default null. */
  readonly origin?: unknown;
}

/**
 * Creates every container of a new mix document and the default "Engineer" scene. Server-only:
 * clients never seed (two seeders would race on the containers). Idempotent: it only fills what is
 * missing and never overwrites a value, so calling it on a seeded document writes nothing. [MM-2]
 *
 * @example
 * const doc = new Y.Doc();
 * Y.applyUpdate(doc, storedState);           // load first, then seed what is missing
 * seedMixDocument(doc, { title: 'Night Drive', durationS: 214.5 });
 */
export function seedMixDocument(doc: Y.Doc, options: SeedOptions): void {
  const title = checkLabel('title', options.title);
  const sampleRate = checkNumber('sampleRate', options.sampleRate ?? 48_000, {
    min: LIMITS.sampleRateMin,
    max: LIMITS.sampleRateMax,
    integer: true,
  });
  const durationS = checkNumber('durationS', options.durationS ?? 0, { min: 0, max: LIMITS.maxSongS });
  const tempoBpm =
    options.tempoBpm === undefined
      ? undefined
      : checkNumber('tempoBpm', options.tempoBpm, { min: LIMITS.tempoMinBpm, max: LIMITS.tempoMaxBpm });

  const r = roots(doc);
  const existing = r.meta.get('schemaVersion');
  if (existing !== undefined && existing !== SCHEMA_VERSION) {
    throw new MixModelError(
      'invalid-argument',
      `Cannot seed a document of schema version ${String(existing)}.`,
    );
  }

  doc.transact(() => {
    fill(r.meta, 'schemaVersion', () => SCHEMA_VERSION);
    fill(r.meta, 'title', () => title);
    fill(r.meta, 'sampleRate', () => sampleRate);
    fill(r.meta, 'durationS', () => durationS);
    if (tempoBpm !== undefined) fill(r.meta, 'tempoBpm', () => tempoBpm);

    if (!isYText(r.brief.get('text'))) r.brief.set('text', new Y.Text());
    if (!isYArray(r.brief.get('references'))) r.brief.set('references', new Y.Array());
    if (!isYArray(r.brief.get('deliverables'))) r.brief.set('deliverables', new Y.Array());
    let principles = r.brief.get('principles');
    if (!isYMap(principles)) {
      principles = new Y.Map<unknown>();
      r.brief.set('principles', principles);
    }
    for (const p of PRINCIPLES) {
      if (!isYText((principles as YMap).get(p))) (principles as YMap).set(p, new Y.Text());
    }

    if (r.scenes.size === 0) r.scenes.set(DEFAULT_SCENE_ID, newSceneMap(DEFAULT_SCENE_NAME, SYSTEM_AUTHOR));
  }, options.origin ?? null);
}

/** A complete scene map, not yet integrated (so its children are filled here, before insertion). */
export function newSceneMap(
  name: string,
  createdBy: string,
  basedOn?: string,
  faders: readonly (readonly [string, number])[] = [],
  offsets: readonly (readonly [string, number])[] = [],
): YMap {
  const scene = new Y.Map<unknown>();
  scene.set('name', name);
  scene.set('createdBy', createdBy);
  if (basedOn !== undefined) scene.set('basedOn', basedOn);
  scene.set('faders', new Y.Map<unknown>(faders));
  scene.set('offsets', new Y.Map<unknown>(offsets));
  return scene;
}

function fill(map: YMap, key: string, value: () => unknown): void {
  if (!map.has(key)) map.set(key, value());
}
