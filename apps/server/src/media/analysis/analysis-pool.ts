import { MessageChannel } from 'node:worker_threads';
import type { AnalysisJson } from '@mixroom/audio';
import { Piscina } from 'piscina';
import { workerModule } from '../../common/worker-module.js';

/** One file to analyse: a local path, and optional sections to measure on their own (seconds). */
export interface AnalysisTask {
  path: string;
  sections?: { id: string; startS: number; endS: number }[];
}

/** Waveform overview as the worker returns it: int16 (min, max) pairs per pixel and channel, per zoom level. */
export interface WaveformLevels {
  sampleRate: number;
  channels: number;
  levels: { samplesPerPixel: number; length: number; data: Int16Array }[];
}

export type AnalysisOutcome =
  | { ok: true; result: AnalysisJson; waveform: WaveformLevels | null }
  | { ok: false; error: { code: string; message: string } };

/** The analysis worker module; built, `@mixroom/audio` resolves to its build too (see workerModule). */
export function analysisWorkerEntry(moduleUrl: string = import.meta.url) {
  return workerModule(moduleUrl, 'analysis.worker');
}

/**
 * A pool of worker threads running the audio analysis. `size` 0 makes a pool that runs nothing (this instance
 * leaves analysis to others). Threads start on demand and stop when idle.
 */
export class AnalysisPool {
  private readonly pool: Piscina | undefined;

  constructor(readonly size: number) {
    if (size > 0) {
      const entry = analysisWorkerEntry();
      this.pool = new Piscina({
        filename: entry.filename,
        execArgv: entry.execArgv,
        minThreads: 0,
        maxThreads: size,
        idleTimeout: 30_000,
        // Jobs queue in the service (in the database), not in the pool.
        maxQueue: size * 4,
      });
    }
  }

  /**
   * Analyses one file. `onProgress` receives fractions 0..1 (at most about once per percent). Aborting the
   * signal stops the worker thread.
   */
  async run(task: AnalysisTask, onProgress?: (fraction: number) => void, signal?: AbortSignal) {
    if (!this.pool) throw new Error('this analysis pool has no threads');
    const { port1, port2 } = new MessageChannel();
    if (onProgress) port1.on('message', (fraction: number) => onProgress(fraction));
    try {
      return (await this.pool.run(
        { ...task, port: port2 },
        { transferList: [port2], signal },
      )) as AnalysisOutcome;
    } finally {
      port1.close();
    }
  }

  async destroy(): Promise<void> {
    await this.pool?.destroy();
  }
}
