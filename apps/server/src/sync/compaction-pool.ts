import { Piscina } from 'piscina';
import { workerModule } from '../common/worker-module.js';
import type { SnapshotMerge } from './snapshot-merge.js';

/**
 * One worker thread that folds update-log rows into snapshots. A compaction of 2000 rows costs the Yjs merge
 * about 15 ms (a fader-drag document, BENCHMARKS.md); on the server's thread that stalls every socket for as
 * long, so it runs here. The thread starts with the server: started on demand, its start-up (loading Yjs, and
 * under tsx compiling TypeScript) would land on the first busy moment, when a hundred documents reach the
 * threshold together.
 */
export class CompactionPool {
  private readonly pool: Piscina;

  constructor() {
    const entry = workerModule(import.meta.url, 'compaction.worker');
    this.pool = new Piscina({
      filename: entry.filename,
      execArgv: entry.execArgv,
      minThreads: 1,
      maxThreads: 1,
    });
  }

  readonly merge: SnapshotMerge = (snapshot, updates) => this.pool.run({ snapshot, updates });

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }
}
