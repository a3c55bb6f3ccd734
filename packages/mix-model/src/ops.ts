import * as Y from 'yjs';
import {
  checkBoolean,
  checkColor,
  checkGainDb,
  checkId,
  checkKind,
  checkLabel,
  checkNumber,
  checkPan,
  checkString,
} from './checks.js';
import { LIMITS } from './constants.js';
import { MixModelError } from './errors.js';
import { newId, offsetKey } from './ids.js';
import {
  childMap,
  isFiniteNumber,
  isYMap,
  type Roots,
  requireSeeded,
  setIfChanged,
  str,
  sortedKeys,
  type YMap,
} from './internal.js';
import { readSections } from './read.js';
import { reconcileMix } from './reconcile.js';
import { newSceneMap } from './seed.js';
import type { SectionKind } from './types.js';

// Every operation validates all of its input before it writes, then writes in one doc.transact, so a
// thrown MixModelError leaves the document untouched. Wrap calls in your own doc.transact(fn, origin)
// to set an origin (nested transactions join the outer one). [MM-20]

/** Palette for new stems (`color` default), picked by order. */
export const STEM_COLORS = [
  '#e4572e',
  '#f3a712',
  '#a8c686',
  '#29335c',
  '#669bbc',
  '#b56576',
  '#6d597a',
  '#2a9d8f',
] as const;

// ---------------------------------------------------------------- meta

/** Fields of {@link setSongInfo}; omitted fields are left as they are. */
export interface SongInfo {
  readonly title?: string;
  readonly sampleRate?: number;
  /** Song length in seconds (0 = unknown). Shrinking it trims sections per [MM-10]. */
  readonly durationS?: number;
  /** Tempo in BPM; null removes it. */
  readonly tempoBpm?: number | null;
}

/**
 * Updates song-level facts. A shorter `durationS` repairs sections in the same transaction.
 *
 * @example
 * setSongInfo(doc, { durationS: 212.4, tempoBpm: 96 });
 */
export function setSongInfo(doc: Y.Doc, info: SongInfo): void {
  const r = requireSeeded(doc);
  const title = info.title === undefined ? undefined : checkLabel('title', info.title);
  const sampleRate =
    info.sampleRate === undefined
      ? undefined
      : checkNumber('sampleRate', info.sampleRate, {
          min: LIMITS.sampleRateMin,
          max: LIMITS.sampleRateMax,
          integer: true,
        });
  const durationS =
    info.durationS === undefined
      ? undefined
      : checkNumber('durationS', info.durationS, { min: 0, max: LIMITS.maxSongS, unit: 's' });
  const tempoBpm =
    info.tempoBpm === undefined || info.tempoBpm === null
      ? info.tempoBpm
      : checkNumber('tempoBpm', info.tempoBpm, { min: LIMITS.tempoMinBpm, max: LIMITS.tempoMaxBpm });
  doc.transact(() => {
    if (title !== undefined) setIfChanged(r.meta, 'title', title);
    if (sampleRate !== undefined) setIfChanged(r.meta, 'sampleRate', sampleRate);
    if (tempoBpm === null) {
      if (r.meta.has('tempoBpm')) r.meta.delete('tempoBpm');
    } else if (tempoBpm !== undefined) setIfChanged(r.meta, 'tempoBpm', tempoBpm);
    if (durationS !== undefined && setIfChanged(r.meta, 'durationS', durationS)) reconcileMix(doc);
  });
}

// ---------------------------------------------------------------- sections

/** Input of {@link addSection}. Times in seconds. */
export interface NewSection {
  /** Default: a new random id. */
  readonly id?: string;
  readonly label: string;
  readonly kind: SectionKind;
  readonly startS: number;
  readonly endS: number;
  /** Default ''. */
  readonly intent?: string;
}

/**
 * Adds a section. It must lie inside the song and not overlap another section. Returns its id.
 *
 * @example
 * const chorus = addSection(doc, { label: 'Chorus 1', kind: 'chorus', startS: 45, endS: 75 });
 */
export function addSection(doc: Y.Doc, input: NewSection): string {
  const r = requireSeeded(doc);
  const id = input.id === undefined ? newId() : checkId('section id', input.id);
  if (r.sections.has(id))
    throw new MixModelError('conflict', `Section ${JSON.stringify(id)} already exists.`);
  const label = checkLabel('label', input.label);
  const kind = checkKind(input.kind);
  const intent = checkString('intent', input.intent ?? '', LIMITS.longTextMax);
  checkSectionRange(r, id, input.startS, input.endS);
  if (r.sections.size >= LIMITS.maxSections) {
    throw new MixModelError('too-long', `A song has at most ${LIMITS.maxSections} sections.`);
  }
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('label', label);
    m.set('kind', kind);
    m.set('startS', input.startS);
    m.set('endS', input.endS);
    m.set('intent', intent);
    r.sections.set(id, m);
  });
  return id;
}

/** Moves a section so it starts at `startS` seconds, keeping its length. */
export function moveSection(doc: Y.Doc, sectionId: string, startS: number): void {
  const r = requireSeeded(doc);
  const m = sectionMap(r, sectionId);
  const start = checkNumber('startS', startS, { min: 0, max: LIMITS.maxSongS, unit: 's' });
  const length = (m.get('endS') as number) - (m.get('startS') as number);
  writeRange(doc, r, sectionId, m, start, start + length);
}

/** Sets both bounds of a section, in seconds. */
export function resizeSection(doc: Y.Doc, sectionId: string, startS: number, endS: number): void {
  const r = requireSeeded(doc);
  writeRange(doc, r, sectionId, sectionMap(r, sectionId), startS, endS);
}

/** Renames a section. */
export function relabelSection(doc: Y.Doc, sectionId: string, label: string): void {
  const r = requireSeeded(doc);
  const m = sectionMap(r, sectionId);
  const value = checkLabel('label', label);
  doc.transact(() => setIfChanged(m, 'label', value));
}

/** Sets a section's kind. */
export function setSectionKind(doc: Y.Doc, sectionId: string, kind: SectionKind): void {
  const r = requireSeeded(doc);
  const m = sectionMap(r, sectionId);
  const value = checkKind(kind);
  doc.transact(() => setIfChanged(m, 'kind', value));
}

/** Sets a section's emotional intent ("intimate", "urgent"). */
export function setSectionIntent(doc: Y.Doc, sectionId: string, intent: string): void {
  const r = requireSeeded(doc);
  const m = sectionMap(r, sectionId);
  const value = checkString('intent', intent, LIMITS.longTextMax);
  doc.transact(() => setIfChanged(m, 'intent', value));
}

/** Removes a section and every scene offset that refers to it. */
export function removeSection(doc: Y.Doc, sectionId: string): void {
  const r = requireSeeded(doc);
  sectionMap(r, sectionId);
  doc.transact(() => {
    r.sections.delete(sectionId);
    forEachSceneMap(r, 'offsets', (offsets) => {
      for (const key of sortedKeys(offsets)) if (key.startsWith(`${sectionId}:`)) offsets.delete(key);
    });
  });
}

function sectionMap(r: Roots, sectionId: string): YMap {
  const m = r.sections.get(sectionId);
  if (!isYMap(m) || !isFiniteNumber(m.get('startS')) || !isFiniteNumber(m.get('endS'))) {
    throw new MixModelError('not-found', `No section ${JSON.stringify(sectionId)}.`);
  }
  return m;
}

function writeRange(doc: Y.Doc, r: Roots, id: string, m: YMap, startS: number, endS: number): void {
  checkSectionRange(r, id, startS, endS);
  doc.transact(() => {
    setIfChanged(m, 'startS', startS);
    setIfChanged(m, 'endS', endS);
  });
}

function checkSectionRange(r: Roots, selfId: string, startS: unknown, endS: unknown): void {
  const durationS = r.meta.get('durationS');
  const songEnd = isFiniteNumber(durationS) && durationS > 0 ? durationS : LIMITS.maxSongS;
  const start = checkNumber('startS', startS, { min: 0, max: songEnd, unit: 's' });
  const end = checkNumber('endS', endS, { min: 0, max: songEnd, unit: 's' });
  if (start >= end) {
    throw new MixModelError('out-of-range', `A section must start before it ends (${start} s >= ${end} s).`);
  }
  for (const other of readSections(r.sections)) {
    if (other.id !== selfId && other.startS < end && start < other.endS) {
      throw new MixModelError(
        'conflict',
        `Section ${start}..${end} s overlaps ${JSON.stringify(other.label)} (${other.startS}..${other.endS} s).`,
      );
    }
  }
}

// ---------------------------------------------------------------- stems

/** Input of {@link addStem}. Gains in dB. */
export interface NewStem {
  /** Default: a new random id. */
  readonly id?: string;
  /** The uploaded file the stem plays. */
  readonly fileId: string;
  readonly name: string;
  /** `#rrggbb`. Default: from {@link STEM_COLORS} by order. */
  readonly color?: string;
  /** Mixer position. Default: after the last stem. */
  readonly order?: number;
  /** Default 0 dB (e.g. pass the analysis' suggested clip gain). */
  readonly clipGainDb?: number;
  /** Default 0 dB. */
  readonly faderDb?: number;
  /** Default 0 (centre). */
  readonly pan?: number;
}

/**
 * Adds a stem for an uploaded file. Returns its id.
 *
 * @example
 * const vox = addStem(doc, { fileId: file.id, name: 'Lead vocal', clipGainDb: -4.5 });
 */
export function addStem(doc: Y.Doc, input: NewStem): string {
  const r = requireSeeded(doc);
  const id = input.id === undefined ? newId() : checkId('stem id', input.id);
  if (r.stems.has(id)) throw new MixModelError('conflict', `Stem ${JSON.stringify(id)} already exists.`);
  const fileId = checkId('fileId', input.fileId);
  const name = checkLabel('name', input.name);
  let maxOrder = -1;
  for (const m of r.stems.values()) {
    const o = isYMap(m) ? m.get('order') : undefined;
    if (isFiniteNumber(o)) maxOrder = Math.max(maxOrder, o);
  }
  const order =
    input.order === undefined
      ? Math.min(maxOrder + 1, LIMITS.orderMax)
      : checkNumber('order', input.order, { min: 0, max: LIMITS.orderMax, integer: true });
  const color =
    input.color === undefined ? STEM_COLORS[order % STEM_COLORS.length]! : checkColor(input.color);
  const clipGainDb = checkGainDb('clipGainDb', input.clipGainDb ?? 0);
  const faderDb = checkGainDb('faderDb', input.faderDb ?? 0);
  const pan = checkPan(input.pan ?? 0);
  if (r.stems.size >= LIMITS.maxStems) {
    throw new MixModelError('too-long', `A session has at most ${LIMITS.maxStems} stems.`);
  }
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('fileId', fileId);
    m.set('name', name);
    m.set('color', color);
    m.set('order', order);
    m.set('clipGainDb', clipGainDb);
    m.set('faderDb', faderDb);
    m.set('pan', pan);
    m.set('mute', false);
    m.set('solo', false);
    r.stems.set(id, m);
  });
  return id;
}

/** Removes a stem and every scene fader and offset that refers to it. */
export function removeStem(doc: Y.Doc, stemId: string): void {
  const r = requireSeeded(doc);
  stemMap(r, stemId);
  doc.transact(() => {
    r.stems.delete(stemId);
    forEachSceneMap(r, 'faders', (faders) => {
      if (faders.has(stemId)) faders.delete(stemId);
    });
    forEachSceneMap(r, 'offsets', (offsets) => {
      for (const key of sortedKeys(offsets)) if (key.endsWith(`:${stemId}`)) offsets.delete(key);
    });
  });
}

/** Renames a stem. */
export function renameStem(doc: Y.Doc, stemId: string, name: string): void {
  setStemField(doc, stemId, 'name', checkLabel('name', name));
}

/**
 * Points an existing stem at another file (the same part, bounced again for a later revision), keeping
 * its clip gain, fader, pan, mute/solo and every scene fader and offset that names it.
 */
export function setStemFile(doc: Y.Doc, stemId: string, fileId: string): void {
  setStemField(doc, stemId, 'fileId', checkId('fileId', fileId));
}

/** Stem names compare case-, accent-width- and space-insensitively: "Rhythm Gtr" matches "rhythm  gtr ". */
const stemNameKey = (name: string) => name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Brings a revision's stems into the mix in one transaction ([MM-21]): a stem whose name matches an
 * existing stem takes over that stem (same id, so its settings and scene automation carry over to the new
 * file); any other is added. Returns the stem id used for each input, in order.
 *
 * @example
 * placeRevisionStems(doc, [{ fileId: 'f9', name: 'Rhythm Gtr' }]); // -> ['existing-rhythm-id']
 */
export function placeRevisionStems(doc: Y.Doc, stems: readonly { fileId: string; name: string }[]): string[] {
  const r = requireSeeded(doc);
  const byName = new Map<string, string>();
  for (const [id, m] of r.stems.entries()) {
    const name = isYMap(m) ? m.get('name') : undefined;
    if (typeof name === 'string' && !byName.has(stemNameKey(name))) byName.set(stemNameKey(name), id);
  }
  const ids: string[] = [];
  doc.transact(() => {
    for (const stem of stems) {
      const key = stemNameKey(stem.name);
      const existing = byName.get(key);
      if (existing && !ids.includes(existing)) {
        setStemFile(doc, existing, stem.fileId);
        ids.push(existing);
      } else {
        const id = addStem(doc, { fileId: stem.fileId, name: stem.name });
        byName.set(key, id);
        ids.push(id);
      }
    }
  });
  return ids;
}

/** Sets a stem's colour (`#rrggbb`). */
export function setStemColor(doc: Y.Doc, stemId: string, color: string): void {
  setStemField(doc, stemId, 'color', checkColor(color));
}

/**
 * Moves a stem to position `toIndex` (0-based, clamped) in mixer order and renumbers every stem's
 * `order` to 0..n-1.
 */
export function moveStem(doc: Y.Doc, stemId: string, toIndex: number): void {
  const r = requireSeeded(doc);
  stemMap(r, stemId);
  checkNumber('toIndex', toIndex, { min: 0, max: LIMITS.orderMax, integer: true });
  const ids = [...r.stems.entries()]
    .filter(([, m]) => isYMap(m))
    .map(([id, m]) => ({ id, order: (m as YMap).get('order') }))
    .sort((a, b) => num0(a.order) - num0(b.order) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((s) => s.id)
    .filter((id) => id !== stemId);
  ids.splice(Math.min(toIndex, ids.length), 0, stemId);
  doc.transact(() => {
    ids.forEach((id, index) => {
      setIfChanged(r.stems.get(id) as YMap, 'order', index);
    });
  });
}

function num0(v: unknown): number {
  return isFiniteNumber(v) ? v : 0;
}

/**
 * Sets a stem's clip gain in dB (-60..+24), the first gain in its chain.
 *
 * @example
 * setClipGain(doc, vox, -4.5);
 */
export function setClipGain(doc: Y.Doc, stemId: string, db: number): void {
  setStemField(doc, stemId, 'clipGainDb', checkGainDb('clipGainDb', db));
}

/** Sets a stem's own fader in dB (-60..+24), used by scenes without an override. [MM-5] */
export function setFader(doc: Y.Doc, stemId: string, db: number): void {
  setStemField(doc, stemId, 'faderDb', checkGainDb('faderDb', db));
}

/** Sets a stem's pan, -1 (left) .. 1 (right). */
export function setPan(doc: Y.Doc, stemId: string, pan: number): void {
  setStemField(doc, stemId, 'pan', checkPan(pan));
}

/** Mutes or unmutes a stem. [MM-6] */
export function setMute(doc: Y.Doc, stemId: string, mute: boolean): void {
  setStemField(doc, stemId, 'mute', checkBoolean('mute', mute));
}

/** Solos or unsolos a stem. [MM-6] */
export function setSolo(doc: Y.Doc, stemId: string, solo: boolean): void {
  setStemField(doc, stemId, 'solo', checkBoolean('solo', solo));
}

function stemMap(r: Roots, stemId: string): YMap {
  const m = r.stems.get(stemId);
  if (!isYMap(m)) throw new MixModelError('not-found', `No stem ${JSON.stringify(stemId)}.`);
  return m;
}

function setStemField(doc: Y.Doc, stemId: string, key: string, value: unknown): void {
  const m = stemMap(requireSeeded(doc), stemId);
  doc.transact(() => setIfChanged(m, key, value));
}

// ---------------------------------------------------------------- scenes

/** Input of {@link createScene}. */
export interface NewScene {
  /** Default: a new random id. */
  readonly id?: string;
  readonly name: string;
  /** Display name or user id of the author (informational: a CRDT cannot prove authorship). */
  readonly createdBy: string;
}

/**
 * Creates an empty scene (no fader overrides, no offsets). Returns its id.
 *
 * @example
 * const id = createScene(doc, { name: 'Artist idea', createdBy: 'Mara' });
 */
export function createScene(doc: Y.Doc, input: NewScene): string {
  const r = requireSeeded(doc);
  const id = sceneIdFor(r, input.id);
  const name = checkLabel('name', input.name);
  const createdBy = checkLabel('createdBy', input.createdBy);
  doc.transact(() => r.scenes.set(id, newSceneMap(name, createdBy)));
  return id;
}

/** Input of {@link duplicateScene}. */
export interface DuplicateSceneOptions {
  /** Default: a new random id. */
  readonly id?: string;
  /** Default: `"<source name> copy"` (cut to 200 characters). */
  readonly name?: string;
  readonly createdBy: string;
}

/**
 * Copies a scene's faders and offsets into a new scene with `basedOn` = the source. Returns its id.
 *
 * @example
 * const id = duplicateScene(doc, 'engineer', { name: 'Louder chorus', createdBy: 'Mara' });
 */
export function duplicateScene(doc: Y.Doc, sourceSceneId: string, options: DuplicateSceneOptions): string {
  const r = requireSeeded(doc);
  const source = sceneMap(r, sourceSceneId);
  const id = sceneIdFor(r, options.id);
  const name = checkLabel('name', options.name ?? `${str(source, 'name')} copy`.slice(0, LIMITS.labelMax));
  const createdBy = checkLabel('createdBy', options.createdBy);
  const faders = numberEntries(childMap(source, 'faders'));
  const offsets = numberEntries(childMap(source, 'offsets'));
  doc.transact(() => r.scenes.set(id, newSceneMap(name, createdBy, sourceSceneId, faders, offsets)));
  return id;
}

function numberEntries(map: YMap | undefined): [string, number][] {
  const out: [string, number][] = [];
  for (const key of map ? sortedKeys(map) : []) {
    const v = map!.get(key);
    if (isFiniteNumber(v)) out.push([key, v]);
  }
  return out;
}

/** Renames a scene. */
export function renameScene(doc: Y.Doc, sceneId: string, name: string): void {
  const m = sceneMap(requireSeeded(doc), sceneId);
  const value = checkLabel('name', name);
  doc.transact(() => setIfChanged(m, 'name', value));
}

/** Deletes a scene; the last scene cannot be deleted. */
export function deleteScene(doc: Y.Doc, sceneId: string): void {
  const r = requireSeeded(doc);
  sceneMap(r, sceneId);
  if (r.scenes.size <= 1) throw new MixModelError('conflict', 'The last scene cannot be deleted.');
  doc.transact(() => r.scenes.delete(sceneId));
}

/**
 * Sets a scene's fader for a stem in dB (-60..+24); null removes the override so the stem's own fader
 * applies. [MM-5]
 *
 * @example
 * setSceneFader(doc, sceneId, vox, -2);
 */
export function setSceneFader(doc: Y.Doc, sceneId: string, stemId: string, db: number | null): void {
  const r = requireSeeded(doc);
  const faders = sceneChild(r, sceneId, 'faders');
  stemMap(r, stemId);
  const value = db === null ? null : checkGainDb('faderDb', db);
  doc.transact(() => {
    if (value === null) {
      if (faders.has(stemId)) faders.delete(stemId);
    } else setIfChanged(faders, stemId, value);
  });
}

/**
 * Sets a scene's offset for a stem in a section, in dB (-60..+24); null removes it (= 0 dB).
 *
 * @example
 * setSectionOffset(doc, sceneId, chorus, rhythmGtr, +3);
 */
export function setSectionOffset(
  doc: Y.Doc,
  sceneId: string,
  sectionId: string,
  stemId: string,
  db: number | null,
): void {
  const r = requireSeeded(doc);
  const offsets = sceneChild(r, sceneId, 'offsets');
  sectionMap(r, sectionId);
  stemMap(r, stemId);
  const value = db === null ? null : checkGainDb('offsetDb', db);
  const key = offsetKey(sectionId, stemId);
  if (value !== null && !offsets.has(key) && offsets.size >= LIMITS.maxOffsetsPerScene) {
    throw new MixModelError('too-long', `A scene has at most ${LIMITS.maxOffsetsPerScene} section offsets.`);
  }
  doc.transact(() => {
    if (value === null) {
      if (offsets.has(key)) offsets.delete(key);
    } else setIfChanged(offsets, key, value);
  });
}

function sceneIdFor(r: Roots, id: string | undefined): string {
  const sceneId = id === undefined ? newId() : checkId('scene id', id);
  if (r.scenes.has(sceneId))
    throw new MixModelError('conflict', `Scene ${JSON.stringify(sceneId)} already exists.`);
  if (r.scenes.size >= LIMITS.maxScenes) {
    throw new MixModelError('too-long', `A session has at most ${LIMITS.maxScenes} scenes.`);
  }
  return sceneId;
}

function sceneMap(r: Roots, sceneId: string): YMap {
  const m = r.scenes.get(sceneId);
  if (!isYMap(m)) throw new MixModelError('not-found', `No scene ${JSON.stringify(sceneId)}.`);
  return m;
}

function sceneChild(r: Roots, sceneId: string, key: 'faders' | 'offsets'): YMap {
  const child = childMap(sceneMap(r, sceneId), key);
  if (!child) throw new MixModelError('conflict', `Scene ${JSON.stringify(sceneId)} has no ${key} map.`);
  return child;
}

function forEachSceneMap(r: Roots, key: 'faders' | 'offsets', fn: (map: YMap) => void): void {
  for (const sceneId of sortedKeys(r.scenes)) {
    const scene = r.scenes.get(sceneId);
    const child = isYMap(scene) ? childMap(scene, key) : undefined;
    if (child) fn(child);
  }
}
