import { Inject, Injectable } from '@nestjs/common';
import type * as Y from 'yjs';
import { sessionDocName } from './mix-schema.js';
import { SyncService } from './sync.service.js';

export { MixChangeRejectedError } from './sync-room.js';

/**
 * The shared mix document of a session, for other server features. Callers check access first (this
 * does not). The document passed to a callback is only valid during the call.
 *
 * @example
 * await mixDocuments.change(sessionId, (doc) => addStem(doc, { fileId, name: 'Vox' }));
 * const mix = await mixDocuments.read(sessionId, readMix);
 */
@Injectable()
export class MixDocuments {
  constructor(@Inject(SyncService) private readonly sync: SyncService) {}

  /**
   * A server-made change: `fn` runs in one transaction; the result is validated like a client update
   * (throws MixChangeRejectedError and changes nothing if the mix schema refuses it), stored, then
   * broadcast to every connected client and instance. Resolves once it is stored and broadcast. [SY-13]
   */
  change(sessionId: string, fn: (doc: Y.Doc) => void): Promise<void> {
    return this.sync.hub.change(sessionDocName(sessionId), fn);
  }

  /** Reads the document once every update accepted before the call is stored, loading it if needed. */
  read<T>(sessionId: string, fn: (doc: Y.Doc) => T): Promise<T> {
    return this.sync.hub.read(sessionDocName(sessionId), fn);
  }
}
