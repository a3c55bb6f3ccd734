import type * as Y from 'yjs';
import { DEFAULT_SCENE_ID, DEFAULT_SCENE_NAME, LIMITS, SYSTEM_AUTHOR } from './constants.js';
import { parseOffsetKey } from './ids.js';
import {
  childMap,
  compareStrings,
  isFiniteNumber,
  isYArray,
  isYMap,
  quote,
  roots,
  setIfChanged,
  sortedKeys,
  str,
  type YMap,
} from './internal.js';
import { readSections } from './read.js';
import { normalizeSections } from './sections.js';
import { newSceneMap } from './seed.js';

/** Kinds of repair {@link reconcileMix} makes. */
export type RepairCode =
  | 'section-inverted'
  | 'section-beyond-song'
  | 'section-overlap'
  | 'section-removed'
  | 'dangling-fader'
  | 'dangling-offset'
  | 'duplicate-order'
  | 'no-scene'
  | 'duplicate-id';

/** One repair: what was (or would be) changed and why. */
export interface Repair {
  readonly code: RepairCode;
  /** Where, e.g. `sections/chorus1` or `scenes/engineer/offsets/verse1:gtr`. */
  readonly path: string;
  readonly message: string;
}

interface PlannedRepair extends Repair {
  apply(): void;
}

/** Options of {@link reconcileMix}. */
export interface ReconcileOptions {
  /** Transaction origin of the repair transaction. Default null. */
  readonly origin?: unknown;
}

/**
 * Repairs the states that merging valid concurrent edits can produce, deterministically: sections
 * (inverted, beyond the song, overlapping -> [MM-10]), faders and offsets naming deleted stems or
 * sections [MM-11], duplicate stem `order` [MM-12], no scene left [MM-13], duplicate reference or
 * deliverable ids [MM-14]. Reads in sorted order only and writes only values that differ, so every peer
 * holding the same state makes the same writes, and a second call writes nothing [MM-15]. Returns the
 * repairs made (empty when the document was consistent). Run it after applying remote updates.
 *
 * @example
 * doc.on('update', (_u, origin) => { if (origin !== 'reconcile') reconcileMix(doc, { origin: 'reconcile' }); });
 */
export function reconcileMix(doc: Y.Doc, options: ReconcileOptions = {}): Repair[] {
  let repairs: PlannedRepair[] = [];
  doc.transact(() => {
    repairs = planRepairs(doc);
    for (const r of repairs) r.apply();
  }, options.origin ?? null);
  return repairs.map(({ code, path, message }) => ({ code, path, message }));
}

/** The repairs reconcile would make, without making them. Never throws on malformed documents. */
export function planRepairs(doc: Y.Doc): PlannedRepair[] {
  const r = roots(doc);
  const out: PlannedRepair[] = [];

  // [MM-10] sections
  const durationS = r.meta.get('durationS');
  const songS = isFiniteNumber(durationS) && durationS > 0 ? durationS : 0;
  const limit = songS > 0 ? Math.min(songS, LIMITS.maxSongS) : LIMITS.maxSongS;
  const raw = readSections(r.sections);
  const rawById = new Map(raw.map((s) => [s.id, s]));
  const normalized = normalizeSections(raw, songS);
  const cause = (id: string): RepairCode => {
    const s = rawById.get(id)!;
    if (s.startS > s.endS) return 'section-inverted';
    if (s.endS > limit || s.startS < 0) return 'section-beyond-song';
    return 'section-overlap';
  };
  for (const s of normalized.sections) {
    const before = rawById.get(s.id)!;
    if (before.startS === s.startS && before.endS === s.endS) continue;
    const m = r.sections.get(s.id) as YMap;
    out.push({
      code: cause(s.id),
      path: `sections/${s.id}`,
      message: `Section ${quote(s.label)} ${before.startS}..${before.endS} s becomes ${s.startS}..${s.endS} s.`,
      apply: () => {
        setIfChanged(m, 'startS', s.startS);
        setIfChanged(m, 'endS', s.endS);
      },
    });
  }
  const removed = new Set(normalized.removed);
  for (const id of normalized.removed) {
    const s = rawById.get(id)!;
    out.push({
      code: 'section-removed',
      path: `sections/${id}`,
      message: `Section ${quote(s.label)} ${s.startS}..${s.endS} s has no length left (${cause(id)}) and is removed.`,
      apply: () => r.sections.delete(id),
    });
  }

  // [MM-11] dangling faders and offsets
  const sectionAlive = (id: string) => r.sections.has(id) && !removed.has(id);
  const stemAlive = (id: string) => isYMap(r.stems.get(id));
  for (const sceneId of sortedKeys(r.scenes)) {
    const scene = r.scenes.get(sceneId);
    if (!isYMap(scene)) continue;
    const faders = childMap(scene, 'faders');
    for (const key of faders ? sortedKeys(faders) : []) {
      if (stemAlive(key)) continue;
      out.push({
        code: 'dangling-fader',
        path: `scenes/${sceneId}/faders/${key}`,
        message: `Scene fader for missing stem ${quote(key)} is removed.`,
        apply: () => faders!.delete(key),
      });
    }
    const offsets = childMap(scene, 'offsets');
    for (const key of offsets ? sortedKeys(offsets) : []) {
      const ids = parseOffsetKey(key);
      if (ids && sectionAlive(ids.sectionId) && stemAlive(ids.stemId)) continue;
      out.push({
        code: 'dangling-offset',
        path: `scenes/${sceneId}/offsets/${key}`,
        message: `Section offset ${quote(key)} names a missing section or stem and is removed.`,
        apply: () => offsets!.delete(key),
      });
    }
  }

  // [MM-12] duplicate stem order
  const stems: { id: string; map: YMap; order: number }[] = [];
  for (const id of sortedKeys(r.stems)) {
    const m = r.stems.get(id);
    const order = isYMap(m) ? m.get('order') : undefined;
    if (isYMap(m) && isFiniteNumber(order)) stems.push({ id, map: m, order });
  }
  stems.sort((a, b) => a.order - b.order || compareStrings(a.id, b.id));
  const orders: number[] = [];
  let prev = Number.NEGATIVE_INFINITY;
  for (const s of stems) {
    prev = s.order > prev ? s.order : prev + 1;
    orders.push(prev);
  }
  if (orders.some((o) => o > LIMITS.orderMax)) for (let i = 0; i < orders.length; i++) orders[i] = i;
  stems.forEach((s, i) => {
    const order = orders[i]!;
    if (order === s.order) return;
    out.push({
      code: 'duplicate-order',
      path: `stems/${s.id}/order`,
      message: `Stem ${quote(str(s.map, 'name'))} order ${s.order} is taken; it becomes ${order}.`,
      apply: () => setIfChanged(s.map, 'order', order),
    });
  });

  // [MM-13] at least one scene
  if (r.scenes.size === 0) {
    out.push({
      code: 'no-scene',
      path: 'scenes',
      message: `No scene is left; the default scene ${quote(DEFAULT_SCENE_NAME)} is created again.`,
      apply: () => r.scenes.set(DEFAULT_SCENE_ID, newSceneMap(DEFAULT_SCENE_NAME, SYSTEM_AUTHOR)),
    });
  }

  // [MM-14] duplicate ids in the brief's arrays: the first occurrence stays
  for (const key of ['references', 'deliverables'] as const) {
    const arr = r.brief.get(key);
    if (!isYArray(arr)) continue;
    const seen = new Set<string>();
    const duplicates: number[] = [];
    arr.toArray().forEach((m, index) => {
      if (!isYMap(m)) return;
      const id = str(m, 'id');
      if (seen.has(id)) duplicates.push(index);
      else seen.add(id);
    });
    duplicates.reverse();
    for (const index of duplicates) {
      out.push({
        code: 'duplicate-id',
        path: `brief/${key}/${index}`,
        message: `Duplicate ${key.slice(0, -1)} id at index ${index} is removed (the first one stays).`,
        apply: () => arr.delete(index, 1),
      });
    }
  }
  return out;
}
