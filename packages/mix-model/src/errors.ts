/** Why an operation refused its input. */
export type MixErrorCode =
  /** An argument has the wrong type or shape (not a finite number, a malformed id, ...). */
  | 'invalid-argument'
  /** A number is outside its range (gain outside -60..+24 dB, section outside the song, ...). */
  | 'out-of-range'
  /** A string or collection is longer than its cap. */
  | 'too-long'
  /** An id does not name an existing section, stem, scene, reference or deliverable. */
  | 'not-found'
  /** The change contradicts the current state (overlapping sections, duplicate id, last scene). */
  | 'conflict'
  /** The document has not been seeded by the server yet (clients never seed). */
  | 'not-seeded';

/**
 * Thrown by mix-model operations for bad input. Nothing was written when it is thrown.
 *
 * @example
 * try { setFader(doc, stemId, 30); } catch (e) {
 *   if (e instanceof MixModelError && e.code === 'out-of-range') showToast(e.message);
 * }
 */
export class MixModelError extends Error {
  override readonly name = 'MixModelError';
  constructor(
    readonly code: MixErrorCode,
    message: string,
  ) {
    super(message);
  }
}
