import { createHash } from 'node:crypto';
import { seedMixDocument, validateTransaction } from '@mixroom/mix-model';
import * as Y from 'yjs';
import type { SyncIssue } from './sync-types.js';

/** Name of the shared document of a session. */
export const sessionDocName = (sessionId: string) => `session:${sessionId}`;

/** The session id of a `session:<id>` document name, or undefined. */
export function sessionIdOf(docName: string): string | undefined {
  return docName.startsWith('session:') ? docName.slice('session:'.length) : undefined;
}

/**
 * The seed of a new mix document as one update [SY-11]. The client id is derived from the document name
 * and title, so two instances seeding the same new document at once write identical items (Yjs merges
 * them as one) instead of two competing sets of containers.
 */
export function mixSeedUpdate(docName: string, title: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = createHash('sha256').update(`seed\0${docName}\0${title}`).digest().readUInt32BE(0);
  seedMixDocument(doc, { title: title.trim().slice(0, 200) || 'Untitled' });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/** mix-model's per-transaction validation, errors only. [SY-3] */
export function validateMixTransaction(doc: Y.Doc, transaction: Y.Transaction): SyncIssue[] {
  return validateTransaction(doc, transaction)
    .filter((issue) => issue.severity === 'error')
    .map((issue) => ({
      code: issue.code,
      message: `${issue.path || '(document)'}: ${issue.message}`,
    }));
}
