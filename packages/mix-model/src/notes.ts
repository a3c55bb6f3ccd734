import type * as Y from 'yjs';
import { checkGainDb, checkLabel, checkNumber } from './checks.js';
import { LIMITS } from './constants.js';
import { MixModelError } from './errors.js';
import { offsetKey } from './ids.js';
import { requireSeeded } from './internal.js';
import { duplicateScene, setSectionOffset } from './ops.js';
import { findScene, findStem, readMix } from './read.js';

/** A structured note ("chorus / rhythm gtr / up / 3 dB") to audition as a balance proposal. */
export interface StructuredNote {
  /** Scene to start from. Default: the default scene ([MM-13]). */
  readonly sceneId?: string;
  readonly sectionId: string;
  readonly stemId: string;
  readonly direction: 'up' | 'down';
  /** Size of the change in dB, > 0. */
  readonly amountDb: number;
  /** Name of the new scene. Default: e.g. `"Rhythm gtr +3 dB in Chorus 1"`. */
  readonly name?: string;
  /** Author shown on the scene. Default ''. */
  readonly createdBy?: string;
  /** Id of the new scene. Default: a new random id. */
  readonly id?: string;
}

/**
 * Turns a structured note into a proposal: a new scene that duplicates the base scene and moves the
 * stem's offset in that section by ±amountDb (relative to the base scene's offset). Throws
 * `out-of-range` when the resulting offset leaves -60..+24 dB. Returns the new scene's id. [MM-17]
 *
 * @example
 * const proposal = applyStructuredNote(doc, { sectionId: chorus, stemId: gtr, direction: 'up', amountDb: 3 });
 */
export function applyStructuredNote(doc: Y.Doc, note: StructuredNote): string {
  requireSeeded(doc);
  const mix = readMix(doc);
  const base = findScene(mix, note.sceneId);
  const stem = findStem(mix, note.stemId);
  const section = mix.sections.find((s) => s.id === note.sectionId);
  if (!section) throw new MixModelError('not-found', `No section ${JSON.stringify(note.sectionId)}.`);
  if (note.direction !== 'up' && note.direction !== 'down') {
    throw new MixModelError('invalid-argument', `direction must be 'up' or 'down'.`);
  }
  const amount = checkNumber('amountDb', note.amountDb, {
    min: 0,
    max: LIMITS.gainMaxDb - LIMITS.gainMinDb,
    unit: 'dB',
  });
  if (amount === 0) throw new MixModelError('out-of-range', 'amountDb must be more than 0 dB.');
  const current = base.offsets[offsetKey(section.id, stem.id)] ?? 0;
  const next = current + (note.direction === 'up' ? amount : -amount);
  checkGainDb(`The resulting offset of ${stem.name || stem.id} in ${section.label || section.id}`, next);
  const sign = note.direction === 'up' ? '+' : '-';
  const name = checkLabel(
    'name',
    note.name ??
      `${stem.name || stem.id} ${sign}${amount} dB in ${section.label || section.id}`.slice(
        0,
        LIMITS.labelMax,
      ),
  );
  let id = '';
  doc.transact(() => {
    id = duplicateScene(doc, base.id, {
      name,
      createdBy: note.createdBy ?? '',
      ...(note.id ? { id: note.id } : {}),
    });
    setSectionOffset(doc, id, section.id, stem.id, next);
  });
  return id;
}
