import type * as Y from 'yjs';
import { DEFAULT_SCENE_ID, ID_PATTERN, PRINCIPLES, SECTION_KINDS } from './constants.js';
import { MixModelError } from './errors.js';
import {
  bool,
  childMap,
  compareStrings,
  isFiniteNumber,
  isYArray,
  isYMap,
  isYText,
  num,
  roots,
  str,
  type YMap,
} from './internal.js';
import type {
  Brief,
  Deliverable,
  MixMeta,
  MixState,
  Principle,
  Reference,
  Scene,
  Section,
  SectionKind,
  Stem,
} from './types.js';

/**
 * Reads the whole document into plain read-only objects. Lenient: entries with a malformed id or
 * malformed time bounds are skipped, other malformed fields read as defaults (validation reports them).
 * The result is the raw document: overlapping sections are not repaired here (see
 * {@link normalizeSections} and {@link reconcileMix}).
 *
 * @example
 * const mix = readMix(doc);
 * for (const s of mix.sections) console.log(s.label, s.startS, s.endS);
 */
export function readMix(doc: Y.Doc): MixState {
  const r = roots(doc);
  return {
    meta: readMeta(r.meta),
    brief: readBrief(r.brief),
    sections: readSections(r.sections),
    stems: readStems(r.stems),
    scenes: readScenes(r.scenes),
  };
}

function readMeta(meta: YMap): MixMeta {
  const tempo = meta.get('tempoBpm');
  return {
    schemaVersion: num(meta, 'schemaVersion', 0),
    title: str(meta, 'title'),
    sampleRate: num(meta, 'sampleRate', 48_000),
    durationS: Math.max(0, num(meta, 'durationS', 0)),
    tempoBpm: isFiniteNumber(tempo) ? tempo : null,
  };
}

function readBrief(brief: YMap): Brief {
  const text = brief.get('text');
  const principlesMap = childMap(brief, 'principles');
  const principles = {} as Record<Principle, string>;
  for (const p of PRINCIPLES) {
    const v = principlesMap?.get(p);
    principles[p] = isYText(v) ? v.toString() : typeof v === 'string' ? v : '';
  }
  return {
    text: isYText(text) ? text.toString() : '',
    references: arrayMaps(brief, 'references').map(readReference),
    deliverables: arrayMaps(brief, 'deliverables').map(readDeliverable),
    principles,
  };
}

function arrayMaps(parent: YMap, key: string): YMap[] {
  const arr = parent.get(key);
  if (!isYArray(arr)) return [];
  return arr.toArray().filter((m): m is YMap => isYMap(m) && ID_PATTERN.test(str(m, 'id')));
}

function readReference(m: YMap): Reference {
  const url = m.get('url');
  const fileId = m.get('fileId');
  return {
    id: str(m, 'id'),
    title: str(m, 'title'),
    url: typeof url === 'string' ? url : null,
    fileId: typeof fileId === 'string' ? fileId : null,
    listenFor: str(m, 'listenFor'),
  };
}

function readDeliverable(m: YMap): Deliverable {
  return { id: str(m, 'id'), label: str(m, 'label'), done: bool(m, 'done') };
}

/** Sections in song order (start, then id); skips entries without finite bounds. */
export function readSections(sections: YMap): Section[] {
  const out: Section[] = [];
  for (const [id, m] of sections.entries()) {
    if (!ID_PATTERN.test(id) || !isYMap(m)) continue;
    const startS = m.get('startS');
    const endS = m.get('endS');
    if (!isFiniteNumber(startS) || !isFiniteNumber(endS)) continue;
    const kind = m.get('kind');
    out.push({
      id,
      label: str(m, 'label'),
      kind: (SECTION_KINDS as readonly unknown[]).includes(kind) ? (kind as SectionKind) : 'other',
      startS,
      endS,
      intent: str(m, 'intent'),
    });
  }
  return out.sort(compareSections);
}

/** Song order: by start time, then id (the order reconcile uses too). [MM-10] */
export function compareSections(a: Section, b: Section): number {
  return a.startS - b.startS || compareStrings(a.id, b.id);
}

function readStems(stems: YMap): Stem[] {
  const out: Stem[] = [];
  for (const [id, m] of stems.entries()) {
    if (!ID_PATTERN.test(id) || !isYMap(m)) continue;
    out.push({
      id,
      fileId: str(m, 'fileId'),
      name: str(m, 'name'),
      color: str(m, 'color', '#888888'),
      order: num(m, 'order', 0),
      clipGainDb: num(m, 'clipGainDb', 0),
      faderDb: num(m, 'faderDb', 0),
      pan: num(m, 'pan', 0),
      mute: bool(m, 'mute'),
      solo: bool(m, 'solo'),
    });
  }
  return out.sort((a, b) => a.order - b.order || compareStrings(a.id, b.id));
}

function readScenes(scenes: YMap): Scene[] {
  const out: Scene[] = [];
  for (const [id, m] of scenes.entries()) {
    if (!ID_PATTERN.test(id) || !isYMap(m)) continue;
    const basedOn = m.get('basedOn');
    out.push({
      id,
      name: str(m, 'name'),
      createdBy: str(m, 'createdBy'),
      basedOn: typeof basedOn === 'string' ? basedOn : null,
      faders: numberRecord(childMap(m, 'faders')),
      offsets: numberRecord(childMap(m, 'offsets')),
    });
  }
  return out.sort(
    (a, b) =>
      Number(b.id === DEFAULT_SCENE_ID) - Number(a.id === DEFAULT_SCENE_ID) ||
      compareStrings(a.name, b.name) ||
      compareStrings(a.id, b.id),
  );
}

// Null-prototype records: ids like "__proto__" are well-formed and must stay plain keys.
function numberRecord(map: YMap | undefined): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  if (!map) return out;
  for (const [k, v] of map.entries()) if (isFiniteNumber(v)) out[k] = v;
  return out;
}

/**
 * The scene used when none is named: the seeded default scene if it exists, else the first scene in
 * `mix.scenes` order. Null when there is no scene at all. [MM-13]
 */
export function defaultSceneId(mix: MixState): string | null {
  return mix.scenes[0]?.id ?? null;
}

/** Finds a scene by id, or the default scene when `sceneId` is undefined; throws `not-found`. */
export function findScene(mix: MixState, sceneId?: string): Scene {
  const id = sceneId ?? defaultSceneId(mix);
  const scene = id === null ? undefined : mix.scenes.find((s) => s.id === id);
  if (!scene)
    throw new MixModelError(
      'not-found',
      `No scene ${sceneId === undefined ? '(none exists)' : JSON.stringify(sceneId)}.`,
    );
  return scene;
}

/** Finds a stem by id; throws `not-found`. */
export function findStem(mix: MixState, stemId: string): Stem {
  const stem = mix.stems.find((s) => s.id === stemId);
  if (!stem) throw new MixModelError('not-found', `No stem ${JSON.stringify(stemId)}.`);
  return stem;
}
