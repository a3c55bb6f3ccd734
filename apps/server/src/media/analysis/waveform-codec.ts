import type { WaveformLevels } from './analysis-pool.js';

/** Layout of a stored waveform overview (the bytes hold each level's int16 data, one level after another). */
export interface WaveformInfo {
  sampleRate: number;
  channels: number;
  levels: { samplesPerPixel: number; length: number }[];
}

/** Values in one level: a (min, max) pair per pixel and channel. */
const valuesIn = (info: WaveformInfo, level: { length: number }) => level.length * info.channels * 2;

/** Packs every level into one little-endian int16 buffer for the database. */
export function encodeWaveform(waveform: WaveformLevels): { info: WaveformInfo; bytes: Uint8Array } {
  const info: WaveformInfo = {
    sampleRate: waveform.sampleRate,
    channels: waveform.channels,
    levels: waveform.levels.map((l) => ({ samplesPerPixel: l.samplesPerPixel, length: l.length })),
  };
  const total = waveform.levels.reduce((n, l) => n + valuesIn(info, l), 0);
  const bytes = new Uint8Array(total * 2);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const level of waveform.levels) {
    const n = valuesIn(info, level);
    for (let i = 0; i < n; i++, at += 2) view.setInt16(at, level.data[i] ?? 0, true);
  }
  return { info, bytes };
}

/** One level in the audiowaveform JSON format (version 2), read straight from the stored bytes. */
export function waveformLevelJson(info: WaveformInfo, bytes: Uint8Array, samplesPerPixel: number) {
  let offset = 0;
  for (const level of info.levels) {
    const n = valuesIn(info, level);
    if (level.samplesPerPixel === samplesPerPixel) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, n * 2);
      const data = new Array<number>(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt16(i * 2, true);
      return {
        version: 2 as const,
        channels: info.channels,
        sample_rate: info.sampleRate,
        samples_per_pixel: level.samplesPerPixel,
        bits: 16 as const,
        length: level.length,
        data,
      };
    }
    offset += n * 2;
  }
  return undefined;
}
