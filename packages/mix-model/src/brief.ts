import * as Y from 'yjs';
import { checkBoolean, checkId, checkLabel, checkNumber, checkString, checkUrl } from './checks.js';
import { LIMITS, PRINCIPLES } from './constants.js';
import { MixModelError } from './errors.js';
import { newId } from './ids.js';
import {
  isYArray,
  isYMap,
  isYText,
  replaceText,
  requireSeeded,
  setIfChanged,
  str,
  type YMap,
} from './internal.js';
import type { Principle } from './types.js';

// Free text that people type together (brief text, the five principles) is Y.Text, so concurrent
// typing merges character by character; short fields (titles, labels, listenFor) are plain strings,
// last writer wins. [MM-19]

function briefText(doc: Y.Doc): Y.Text {
  const text = requireSeeded(doc).brief.get('text');
  if (!isYText(text)) throw new MixModelError('not-seeded', 'The brief has no text yet.');
  return text;
}

/**
 * Inserts text into the brief at `index` (UTF-16 code units).
 *
 * @example
 * insertBriefText(doc, 0, 'Like if Bon Iver produced a Depeche Mode track.\n');
 */
export function insertBriefText(doc: Y.Doc, index: number, text: string): void {
  const t = briefText(doc);
  checkNumber('index', index, { min: 0, max: t.length, integer: true });
  checkString('text', text, LIMITS.briefTextMax);
  if (t.length + text.length > LIMITS.briefTextMax) {
    throw new MixModelError('too-long', `The brief text is limited to ${LIMITS.briefTextMax} characters.`);
  }
  if (text.length > 0) doc.transact(() => t.insert(index, text));
}

/** Deletes `length` code units of brief text from `index`. */
export function deleteBriefText(doc: Y.Doc, index: number, length: number): void {
  const t = briefText(doc);
  checkNumber('index', index, { min: 0, max: t.length, integer: true });
  checkNumber('length', length, { min: 0, max: t.length - index, integer: true });
  if (length > 0) doc.transact(() => t.delete(index, length));
}

/** Replaces the brief text, editing only the part that differs (so concurrent edits elsewhere survive). */
export function setBriefText(doc: Y.Doc, text: string): void {
  const t = briefText(doc);
  checkString('text', text, LIMITS.briefTextMax);
  doc.transact(() => replaceText(t, text));
}

/**
 * Sets the brief's note for one of the five fundamentals (a Y.Text, edited by minimal diff). [MM-19]
 *
 * @example
 * setPrinciple(doc, 'space', 'Dry verses, big chorus reverb.');
 */
export function setPrinciple(doc: Y.Doc, principle: Principle, text: string): void {
  setPrinciples(doc, { [principle]: text });
}

/** Sets several principles at once, in one transaction; nothing is written if any value is invalid. */
export function setPrinciples(doc: Y.Doc, values: Partial<Record<Principle, string>>): void {
  const entries: [Principle, string][] = [];
  for (const [key, value] of Object.entries(values)) {
    if (!(PRINCIPLES as readonly string[]).includes(key)) {
      throw new MixModelError('invalid-argument', `principle must be one of ${PRINCIPLES.join(', ')}.`);
    }
    if (value !== undefined)
      entries.push([key as Principle, checkString(key, value, LIMITS.principleTextMax)]);
  }
  const principles = requireSeeded(doc).brief.get('principles');
  const texts = entries.map(([p, value]) => {
    const t = isYMap(principles) ? principles.get(p) : undefined;
    if (!isYText(t)) throw new MixModelError('not-seeded', 'The brief has no principles yet.');
    return [t, value] as const;
  });
  doc.transact(() => {
    for (const [t, value] of texts) replaceText(t, value);
  });
}

function briefArray(doc: Y.Doc, key: 'references' | 'deliverables'): Y.Array<unknown> {
  const arr = requireSeeded(doc).brief.get(key);
  if (!isYArray(arr)) throw new MixModelError('not-seeded', `The brief has no ${key} yet.`);
  return arr;
}

function findInArray(arr: Y.Array<unknown>, id: string, what: string): { index: number; map: YMap } {
  const items = arr.toArray();
  for (let index = 0; index < items.length; index++) {
    const m = items[index];
    if (isYMap(m) && str(m, 'id') === id) return { index, map: m };
  }
  throw new MixModelError('not-found', `No ${what} ${JSON.stringify(id)}.`);
}

function newEntryId(arr: Y.Array<unknown>, id: string | undefined, what: string, max: number): string {
  const entryId = id === undefined ? newId() : checkId(`${what} id`, id);
  if (arr.toArray().some((m) => isYMap(m) && str(m, 'id') === entryId)) {
    throw new MixModelError('conflict', `${what} ${JSON.stringify(entryId)} already exists.`);
  }
  if (arr.length >= max) throw new MixModelError('too-long', `The brief has at most ${max} ${what}s.`);
  return entryId;
}

/** Input of {@link addReference}. */
export interface NewReference {
  /** Default: a new random id. */
  readonly id?: string;
  readonly title: string;
  /** http(s) link. Default: none. */
  readonly url?: string;
  /** Uploaded reference audio. Default: none. */
  readonly fileId?: string;
  /** What to listen for in it. Default ''. */
  readonly listenFor?: string;
}

/**
 * Appends a reference track to the brief. Returns its id.
 *
 * @example
 * addReference(doc, { title: 'Enjoy the Silence', listenFor: 'the bass and pad blend' });
 */
export function addReference(doc: Y.Doc, input: NewReference): string {
  const arr = briefArray(doc, 'references');
  const id = newEntryId(arr, input.id, 'reference', LIMITS.maxReferences);
  const title = checkLabel('title', input.title);
  const url = input.url === undefined ? undefined : checkUrl(input.url);
  const fileId = input.fileId === undefined ? undefined : checkId('fileId', input.fileId);
  const listenFor = checkString('listenFor', input.listenFor ?? '', LIMITS.longTextMax);
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('id', id);
    m.set('title', title);
    if (url !== undefined) m.set('url', url);
    if (fileId !== undefined) m.set('fileId', fileId);
    m.set('listenFor', listenFor);
    arr.push([m]);
  });
  return id;
}

/** Changes of {@link updateReference}; null removes an optional field. */
export interface ReferencePatch {
  readonly title?: string;
  readonly url?: string | null;
  readonly fileId?: string | null;
  readonly listenFor?: string;
}

/** Updates fields of a reference. */
export function updateReference(doc: Y.Doc, referenceId: string, patch: ReferencePatch): void {
  const { map } = findInArray(briefArray(doc, 'references'), referenceId, 'reference');
  const title = patch.title === undefined ? undefined : checkLabel('title', patch.title);
  const url = patch.url == null ? patch.url : checkUrl(patch.url);
  const fileId = patch.fileId == null ? patch.fileId : checkId('fileId', patch.fileId);
  const listenFor =
    patch.listenFor === undefined ? undefined : checkString('listenFor', patch.listenFor, LIMITS.longTextMax);
  doc.transact(() => {
    if (title !== undefined) setIfChanged(map, 'title', title);
    if (listenFor !== undefined) setIfChanged(map, 'listenFor', listenFor);
    for (const [key, value] of [
      ['url', url],
      ['fileId', fileId],
    ] as const) {
      if (value === null && map.has(key)) map.delete(key);
      else if (typeof value === 'string') setIfChanged(map, key, value);
    }
  });
}

/** Removes a reference. */
export function removeReference(doc: Y.Doc, referenceId: string): void {
  const arr = briefArray(doc, 'references');
  const { index } = findInArray(arr, referenceId, 'reference');
  doc.transact(() => arr.delete(index, 1));
}

/** Input of {@link addDeliverable}. */
export interface NewDeliverable {
  /** Default: a new random id. */
  readonly id?: string;
  readonly label: string;
  /** Default false. */
  readonly done?: boolean;
}

/**
 * Appends an item to the deliverables checklist. Returns its id.
 *
 * @example
 * addDeliverable(doc, { label: 'Instrumental, 24-bit WAV' });
 */
export function addDeliverable(doc: Y.Doc, input: NewDeliverable): string {
  const arr = briefArray(doc, 'deliverables');
  const id = newEntryId(arr, input.id, 'deliverable', LIMITS.maxDeliverables);
  const label = checkLabel('label', input.label);
  const done = checkBoolean('done', input.done ?? false);
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('id', id);
    m.set('label', label);
    m.set('done', done);
    arr.push([m]);
  });
  return id;
}

/** Updates a deliverable's label and/or done flag. */
export function updateDeliverable(
  doc: Y.Doc,
  deliverableId: string,
  patch: { readonly label?: string; readonly done?: boolean },
): void {
  const { map } = findInArray(briefArray(doc, 'deliverables'), deliverableId, 'deliverable');
  const label = patch.label === undefined ? undefined : checkLabel('label', patch.label);
  const done = patch.done === undefined ? undefined : checkBoolean('done', patch.done);
  doc.transact(() => {
    if (label !== undefined) setIfChanged(map, 'label', label);
    if (done !== undefined) setIfChanged(map, 'done', done);
  });
}

/** Removes a deliverable. */
export function removeDeliverable(doc: Y.Doc, deliverableId: string): void {
  const arr = briefArray(doc, 'deliverables');
  const { index } = findInArray(arr, deliverableId, 'deliverable');
  doc.transact(() => arr.delete(index, 1));
}
