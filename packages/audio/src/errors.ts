/**
 * Why a file could not be decoded.
 * - `truncated`: the container is valid but the file ends before the audio it declares (a cut upload or copy).
 * - `unsupported_format`: not an audio format we read (magic bytes), or a known container with an
 *   encoding we do not decode (e.g. WAV mu-law, Ogg).
 * - `unreadable`: the file cannot be opened/read, or a recognised container is malformed.
 */
export type AudioDecodeErrorCode = 'truncated' | 'unsupported_format' | 'unreadable';

/**
 * Typed decode failure with a precise one-line message.
 *
 * @example
 * ```ts
 * try {
 *   await analyzeFile('mix.wav');
 * } catch (err) {
 *   if (err instanceof AudioDecodeError && err.code === 'truncated') console.error(err.message);
 * }
 * ```
 */
export class AudioDecodeError extends Error {
  readonly code: AudioDecodeErrorCode;

  constructor(code: AudioDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AudioDecodeError';
    this.code = code;
  }
}
