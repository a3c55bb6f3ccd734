import { type MixState, readMix } from '@mixroom/mix-model';
import type * as Y from 'yjs';

/** What notes, exports and brief sign-off need of the sync service's MixDocuments. */
export interface MixDocumentReader {
  read<T>(sessionId: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

/** DI token bound to the sync service's MixDocuments (see NotesModule). */
export const MIX_DOCUMENTS = Symbol('MIX_DOCUMENTS');

/** A plain snapshot of a session's mix document. */
export const readMixState = (docs: MixDocumentReader, sessionId: string): Promise<MixState> =>
  docs.read(sessionId, (doc) => readMix(doc));
