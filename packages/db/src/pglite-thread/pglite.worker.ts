// The worker thread that runs PGlite for PGliteThread. PGlite executes SQL synchronously in WebAssembly; here
// that work (and PGlite's own message parsing) stays off the server's event loop.
import { messages, PGlite, type Transaction } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';
import { type PGliteThreadData, type ThreadRequest, type ThreadResponse, toThreadError } from './protocol.js';

const port = parentPort!;
const { dataDir } = workerData as PGliteThreadData;

/** Rolls a transaction back by leaving PGlite's transaction callback with an error. */
const ROLLBACK = Symbol('rollback');

interface OpenTransaction {
  tx: Transaction;
  finish(commit: boolean): void;
  /** Settles when PGlite has committed or rolled back. */
  done: Promise<void>;
}

const reply = (message: ThreadResponse) => port.postMessage(message);
const fail = (id: number, error: unknown) =>
  reply({ kind: 'error', id, error: toThreadError(error, error instanceof messages.DatabaseError) });

/** Identity parsers for the types the caller parses itself. */
function rawParsers(rawTypes: number[] | undefined): Record<number, (value: string) => string> | undefined {
  if (!rawTypes?.length) return undefined;
  return Object.fromEntries(rawTypes.map((oid) => [oid, (value: string) => value]));
}

async function main(): Promise<void> {
  let pg: PGlite;
  try {
    pg = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  } catch (error) {
    reply({ kind: 'failed', error: toThreadError(error, false) });
    return;
  }
  const transactions = new Map<number, OpenTransaction>();
  const transaction = (txId: number) => {
    const open = transactions.get(txId);
    if (!open) throw new Error('Transaction is closed');
    return open.tx;
  };
  const target = (txId: number | undefined) => (txId === undefined ? pg : transaction(txId));

  const begin = (id: number, txId: number) => {
    let finish!: (commit: boolean) => void;
    let began = false;
    const decided = new Promise<boolean>((resolve) => {
      finish = resolve;
    });
    const done = pg
      .transaction(async (tx) => {
        began = true;
        transactions.set(txId, { tx, finish, done });
        reply({ kind: 'result', id, value: null });
        if (!(await decided) && !tx.closed) throw ROLLBACK;
      })
      .then(
        () => undefined,
        (error: unknown) => {
          if (error !== ROLLBACK) throw error;
        },
      )
      .finally(() => transactions.delete(txId));
    // A failure after the callback began is reported to the 'end' request that awaits `done`.
    done.catch((error: unknown) => {
      if (!began) fail(id, error);
    });
  };

  const handle = async (request: ThreadRequest): Promise<unknown> => {
    switch (request.kind) {
      case 'query': {
        const { rowMode, paramTypes, rawTypes } = request.options;
        return target(request.txId).query(request.sql, request.params, {
          rowMode,
          paramTypes,
          parsers: rawParsers(rawTypes),
        });
      }
      case 'exec':
        return target(request.txId).exec(request.sql);
      case 'rollback':
        return transaction(request.txId).rollback();
      case 'end': {
        const open = transactions.get(request.txId);
        if (!open) throw new Error('Transaction is closed');
        open.finish(request.commit);
        await open.done;
        return null;
      }
      case 'close':
        await pg.close();
        return null;
      case 'begin':
        throw new Error('unreachable');
    }
  };

  port.on('message', (request: ThreadRequest) => {
    if (request.kind === 'begin') {
      begin(request.id, request.txId);
      return;
    }
    handle(request).then(
      (value) => reply({ kind: 'result', id: request.id, value }),
      (error: unknown) => fail(request.id, error),
    );
  });
  reply({ kind: 'ready' });
}

void main();
