/** Container formats the decoder recognises by magic bytes. */
export type AudioFormat = 'wav' | 'aiff' | 'flac' | 'mp3';

/**
 * What `probeAudio` reads from the headers.
 *
 * `bitsPerSample` is the significant bit depth (WAV `wValidBitsPerSample` when given); `null` for MP3,
 * which has none. For an MP3 without a Xing/Info frame count, `frames` and `durationS` are estimated
 * from the bitrate and `framesExact` is false.
 */
export interface AudioInfo {
  format: AudioFormat;
  /** How samples are stored: integer PCM, IEEE float PCM, or a codec. */
  encoding: 'pcm_int' | 'pcm_float' | 'flac' | 'mp3';
  sampleRate: number;
  channels: number;
  bitsPerSample: number | null;
  /** Length in seconds (`frames / sampleRate`). */
  durationS: number;
  /** Sample frames per channel. */
  frames: number;
  framesExact: boolean;
  /** WAVE_FORMAT_EXTENSIBLE speaker mask (0 when the file has none). */
  channelMask: number;
}
