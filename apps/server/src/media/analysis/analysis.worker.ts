/**
 * Runs in a worker thread of the analysis pool (see analysis-pool.ts): decodes and measures one file with
 * @mixroom/audio off the server's event loop. Decode failures come back as values, since a custom error
 * class does not survive the trip between threads.
 */
import type { MessagePort } from 'node:worker_threads';
import { AudioDecodeError, analyzeFile, toAnalysisJson } from '@mixroom/audio';
import type { AnalysisOutcome, AnalysisTask } from './analysis-pool.js';

export default async function analyse(task: AnalysisTask & { port?: MessagePort }): Promise<AnalysisOutcome> {
  try {
    const result = await analyzeFile(task.path, { sections: task.sections ?? [] }, (fraction) =>
      task.port?.postMessage(fraction),
    );
    return {
      ok: true,
      result: toAnalysisJson(result),
      waveform: result.waveform && {
        sampleRate: result.waveform.sampleRate,
        channels: result.waveform.channels,
        levels: result.waveform.levels.map((l) => ({
          samplesPerPixel: l.samplesPerPixel,
          length: l.length,
          data: l.data,
        })),
      },
    };
  } catch (error) {
    if (error instanceof AudioDecodeError)
      return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  } finally {
    task.port?.close();
  }
}
