import type { AudioInfo } from './types.js';

/** Options for {@link AudioReader.chunks}. */
export interface ChunkOptions {
  /**
   * Reuse the same output arrays for every chunk (fewer allocations). The yielded arrays are then only
   * valid until the next iteration step. Default false.
   */
  reuseBuffers?: boolean;
}

/**
 * An open audio file that yields planar Float32 chunks (`chunk[channel][frame]`, full scale = 1.0).
 *
 * @example
 * ```ts
 * const reader = await openAudio('mix.wav');
 * try {
 *   for await (const chunk of reader.chunks()) analyzer.push(chunk);
 * } finally {
 *   await reader.close();
 * }
 * ```
 */
export interface AudioReader {
  readonly info: AudioInfo;
  chunks(options?: ChunkOptions): AsyncGenerator<Float32Array[], void, undefined>;
  close(): Promise<void>;
}
