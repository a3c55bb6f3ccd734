import { parseAiff } from './aiff.js';
import { FileSource } from './file-source.js';
import { FlacReader, probeFlac } from './flac.js';
import { Mp3Reader, probeMp3 } from './mp3.js';
import { PcmReader } from './pcm-reader.js';
import type { AudioReader } from './reader.js';
import { detectFormat } from './sniff.js';
import type { AudioInfo } from './types.js';
import { parseWav } from './wav.js';

/** Options for {@link openAudio}. */
export interface OpenAudioOptions {
  /** Frames per chunk for WAV/AIFF (compressed formats yield what the decoder produces). Default 32768. */
  chunkFrames?: number;
  /** Bytes per read fed to the FLAC/MP3 decoders. Default 1048576. */
  compressedReadBytes?: number;
}

/**
 * Opens an audio file, identifying the format by magic bytes (never by the file name). WAV (PCM 8/16/24/32-bit,
 * float 32/64, EXTENSIBLE, RF64) and AIFF/AIFC stream from disk; FLAC and MP3 stream through WASM decoders.
 * Throws {@link AudioDecodeError} for unreadable, unsupported or truncated files (a truncated WAV/AIFF is
 * rejected here from its headers; a truncated FLAC/MP3 when the decoded length falls short).
 *
 * @example
 * ```ts
 * const reader = await openAudio('stems/bass.wav');
 * console.log(reader.info.sampleRate, reader.info.channels);
 * for await (const chunk of reader.chunks()) console.log(chunk[0]!.length);
 * await reader.close();
 * ```
 */
export async function openAudio(path: string, options: OpenAudioOptions = {}): Promise<AudioReader> {
  const src = await FileSource.open(path);
  try {
    const fmt = await detectFormat(src);
    switch (fmt.format) {
      case 'wav':
        return new PcmReader(src, await parseWav(src), options.chunkFrames ?? 32768);
      case 'aiff':
        return new PcmReader(src, await parseAiff(src), options.chunkFrames ?? 32768);
      case 'flac':
        return new FlacReader(
          src,
          await probeFlac(src, fmt.start),
          fmt.start,
          options.compressedReadBytes ?? 1 << 20,
        );
      case 'mp3':
        return new Mp3Reader(
          src,
          await probeMp3(src, fmt.start),
          fmt.start,
          options.compressedReadBytes ?? 1 << 20,
        );
    }
  } catch (err) {
    await src.close();
    throw err;
  }
}

/**
 * Reads format, sample rate, channels, bit depth and length from the headers only (no decoding).
 * Throws {@link AudioDecodeError} like {@link openAudio}, including `truncated` for a cut WAV/AIFF.
 *
 * @example
 * ```ts
 * const { format, sampleRate, channels, durationS } = await probeAudio('mix.flac');
 * ```
 */
export async function probeAudio(path: string): Promise<AudioInfo> {
  const reader = await openAudio(path);
  await reader.close();
  return reader.info;
}

/** A whole file decoded into memory. */
export interface DecodedAudio {
  info: AudioInfo;
  /** Planar samples, `channels[c][frame]`, full scale = 1.0. */
  channels: Float32Array[];
}

/**
 * Decodes a whole file into memory (convenient for short files and tests; use {@link openAudio} or
 * `analyzeFile` for long ones).
 *
 * @example
 * ```ts
 * const { info, channels } = await decodeAudio('click.wav');
 * ```
 */
export async function decodeAudio(path: string, options: OpenAudioOptions = {}): Promise<DecodedAudio> {
  const reader = await openAudio(path, options);
  try {
    const parts: Float32Array[][] = [];
    let total = 0;
    for await (const chunk of reader.chunks()) {
      parts.push(chunk);
      total += chunk[0]?.length ?? 0;
    }
    const channels = Array.from({ length: reader.info.channels }, () => new Float32Array(total));
    let at = 0;
    for (const p of parts) {
      for (let c = 0; c < channels.length; c++) channels[c]!.set(p[c]!, at);
      at += p[0]?.length ?? 0;
    }
    return {
      info: { ...reader.info, frames: total, durationS: total / reader.info.sampleRate, framesExact: true },
      channels,
    };
  } finally {
    await reader.close();
  }
}
