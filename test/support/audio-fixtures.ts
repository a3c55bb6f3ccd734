/**
 * WAV fixtures generated in code (no binary files in the repository): PCM 16/24-bit or float 32-bit sines,
 * written independently of the decoder in @mixroom/audio.
 */

export interface SineSpec {
  sampleRate?: number;
  channels?: number;
  seconds?: number;
  /** Peak level of the sine in dBFS (0 dBFS = full scale). Default -20. */
  dbfs?: number;
  frequencyHz?: number;
  bits?: 16 | 24 | 32;
  /** `float` writes 32-bit IEEE float samples. */
  format?: 'pcm' | 'float';
}

/** The 44-byte RIFF/WAVE header for `dataBytes` of PCM (or float) audio. */
export function wavHeader(spec: {
  sampleRate: number;
  channels: number;
  bits: number;
  format?: 'pcm' | 'float';
  dataBytes: number;
}): Buffer {
  const h = Buffer.alloc(44);
  const blockAlign = spec.channels * (spec.bits / 8);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + spec.dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(spec.format === 'float' ? 3 : 1, 20);
  h.writeUInt16LE(spec.channels, 22);
  h.writeUInt32LE(spec.sampleRate, 24);
  h.writeUInt32LE(spec.sampleRate * blockAlign, 28);
  h.writeUInt16LE(blockAlign, 32);
  h.writeUInt16LE(spec.bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(spec.dataBytes, 40);
  return h;
}

/** A whole sine WAV in memory (for files up to a few MB). */
export function sineWav(spec: SineSpec = {}): Buffer {
  const sampleRate = spec.sampleRate ?? 48_000;
  const channels = spec.channels ?? 2;
  const bits = spec.format === 'float' ? 32 : (spec.bits ?? 16);
  const frames = Math.round((spec.seconds ?? 1) * sampleRate);
  const amplitude = 10 ** ((spec.dbfs ?? -20) / 20);
  const frequency = spec.frequencyHz ?? 1000;
  const bytesPerSample = bits / 8;
  const data = Buffer.alloc(frames * channels * bytesPerSample);
  let at = 0;
  for (let i = 0; i < frames; i++) {
    const x = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    for (let c = 0; c < channels; c++, at += bytesPerSample) {
      if (spec.format === 'float') data.writeFloatLE(x, at);
      else if (bits === 16) data.writeInt16LE(Math.round(x * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(x * 8388607), at, 3);
      else data.writeInt32LE(Math.round(x * 2147483647), at);
    }
  }
  return Buffer.concat([
    wavHeader({ sampleRate, channels, bits, format: spec.format, dataBytes: data.length }),
    data,
  ]);
}

/** The same WAV cut short: the header promises more audio than the file holds (a broken copy or upload). */
export function truncatedWav(spec: SineSpec = {}, keepFraction = 0.5): Buffer {
  const whole = sineWav(spec);
  return whole.subarray(0, 44 + Math.floor((whole.length - 44) * keepFraction));
}

/**
 * A large 16-bit stereo WAV as a stream of chunks: a header, then `dataBytes` of a quiet square wave, yielded
 * from one reused buffer, so producing it costs no memory however large it is.
 */
export async function* largeWavChunks(dataBytes: number, chunkBytes = 1024 * 1024): AsyncGenerator<Buffer> {
  yield wavHeader({ sampleRate: 48_000, channels: 2, bits: 16, dataBytes });
  const chunk = Buffer.alloc(chunkBytes);
  for (let i = 0; i < chunk.length; i += 2) chunk.writeInt16LE(i % 192 < 96 ? 1000 : -1000, i);
  for (let sent = 0; sent < dataBytes; sent += chunkBytes) {
    const n = Math.min(chunkBytes, dataBytes - sent);
    yield n === chunkBytes ? chunk : chunk.subarray(0, n);
  }
}

/** A 16-bit big-endian AIFF sine (the same signal as {@link sineWav}). */
export function sineAiff(spec: Omit<SineSpec, 'bits' | 'format'> = {}): Buffer {
  const sampleRate = spec.sampleRate ?? 48_000;
  const channels = spec.channels ?? 2;
  const frames = Math.round((spec.seconds ?? 1) * sampleRate);
  const amplitude = 10 ** ((spec.dbfs ?? -20) / 20);
  const frequency = spec.frequencyHz ?? 1000;
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0, at = 0; i < frames; i++) {
    const x = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate) * 32767);
    for (let c = 0; c < channels; c++, at += 2) data.writeInt16BE(x, at);
  }
  const comm = Buffer.alloc(8 + 18);
  comm.write('COMM', 0, 'ascii');
  comm.writeUInt32BE(18, 4);
  comm.writeUInt16BE(channels, 8);
  comm.writeUInt32BE(frames, 10);
  comm.writeUInt16BE(16, 14);
  // Sample rate as an 80-bit IEEE extended float: sign+exponent, then a 64-bit mantissa with explicit 1.
  const exponent = Math.floor(Math.log2(sampleRate));
  comm.writeUInt16BE(16383 + exponent, 16);
  comm.writeBigUInt64BE(BigInt(sampleRate) << BigInt(63 - exponent), 18);
  const ssnd = Buffer.alloc(16);
  ssnd.write('SSND', 0, 'ascii');
  ssnd.writeUInt32BE(8 + data.length, 4);
  const form = Buffer.alloc(12);
  form.write('FORM', 0, 'ascii');
  form.writeUInt32BE(4 + comm.length + ssnd.length + data.length, 4);
  form.write('AIFF', 8, 'ascii');
  return Buffer.concat([form, comm, ssnd, data]);
}
