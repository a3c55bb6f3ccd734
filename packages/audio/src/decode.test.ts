import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from './analyze-file.js';
import { decodeAudio, openAudio, probeAudio } from './decode.js';
import { AudioDecodeError } from './errors.js';
import { FLAC_FIXTURES, fixturePcm, MP3_FIXTURES } from './test-support/fixture-signals.js';
import { lcg } from './test-support/signals.js';
import { encodeAiff, encodeWav, type WavSpec } from './test-support/writers.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'test-support', 'fixtures');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mixroom-audio-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const put = (name: string, bytes: Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

/** Random integer codes over the full range of `bits`, including both extremes and zero. */
function codes(frames: number, channels: number, bits: number, seed: number): Int32Array[] {
  const next = lcg(seed);
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  return Array.from({ length: channels }, () => {
    const a = new Int32Array(frames);
    for (let i = 0; i < frames; i++) a[i] = Math.floor((next() / 2 ** 32) * (max - min + 1)) + min;
    a[0] = max;
    a[1] = min;
    a[2] = 0;
    return a;
  });
}

function floats(frames: number, channels: number, seed: number): Float64Array[] {
  const next = lcg(seed);
  return Array.from({ length: channels }, () => {
    const a = new Float64Array(frames);
    for (let i = 0; i < frames; i++) a[i] = (next() / 2 ** 32) * 2.5 - 1.25; // floats may exceed full scale
    return a;
  });
}

async function expectDecodeError(path: string, code: AudioDecodeError['code'], message?: RegExp) {
  const err = await decodeAudio(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AudioDecodeError);
  expect((err as AudioDecodeError).code).toBe(code);
  if (message) expect((err as AudioDecodeError).message).toMatch(message);
  expect((err as AudioDecodeError).message).not.toContain('\n');
}

describe('[AU-3] WAV decodes bit-exact in every PCM format', () => {
  const cases: { name: string; spec: WavSpec; channels: number }[] = [
    { name: 'u8 mono 8 kHz', spec: { sampleRate: 8000, format: 'pcm', bits: 8 }, channels: 1 },
    { name: 's16 stereo 44.1 kHz', spec: { sampleRate: 44100, format: 'pcm', bits: 16 }, channels: 2 },
    { name: 's24 stereo 48 kHz', spec: { sampleRate: 48000, format: 'pcm', bits: 24 }, channels: 2 },
    { name: 's32 mono 96 kHz', spec: { sampleRate: 96000, format: 'pcm', bits: 32 }, channels: 1 },
    { name: 'f32 stereo 88.2 kHz', spec: { sampleRate: 88200, format: 'float', bits: 32 }, channels: 2 },
    { name: 'f64 stereo 192 kHz', spec: { sampleRate: 192000, format: 'float', bits: 64 }, channels: 2 },
  ];
  for (const { name, spec, channels } of cases) {
    it(name, async () => {
      const frames = 70001; // more than two 32768-frame read chunks, odd
      const planar =
        spec.format === 'pcm' ? codes(frames, channels, spec.bits, spec.bits) : floats(frames, channels, 7);
      const path = put(`${name}.wav`, encodeWav(planar, spec));
      const { info, channels: out } = await decodeAudio(path);
      expect(info).toMatchObject({
        format: 'wav',
        sampleRate: spec.sampleRate,
        channels,
        bitsPerSample: spec.bits,
        frames,
      });
      const scale = spec.format === 'pcm' ? 2 ** (spec.bits - 1) : 1;
      for (let c = 0; c < channels; c++) {
        const expected = Float32Array.from(planar[c]!, (v) => v / scale);
        expect(out[c]!.length).toBe(frames);
        expect(Buffer.from(out[c]!.buffer).equals(Buffer.from(expected.buffer)), `channel ${c}`).toBe(true);
      }
      if (spec.format === 'pcm' && spec.bits <= 24) {
        // Exact, not merely rounded: the code comes back from the float.
        expect(Math.round(out[0]![0]! * scale)).toBe(2 ** (spec.bits - 1) - 1);
        expect(out[0]![1]).toBe(-1);
      }
    });
  }

  it('WAVE_FORMAT_EXTENSIBLE: 24 valid bits in 32-bit containers, channel mask kept', async () => {
    const planar = codes(1000, 2, 24, 3).map((a) => Int32Array.from(a, (v) => v * 256));
    const path = put(
      'ext24in32.wav',
      encodeWav(planar, {
        sampleRate: 48000,
        format: 'pcm',
        bits: 32,
        extensible: true,
        validBits: 24,
        channelMask: 0x3,
      }),
    );
    const { info, channels } = await decodeAudio(path);
    expect(info).toMatchObject({ bitsPerSample: 24, channelMask: 3, encoding: 'pcm_int' });
    expect(channels[1]![5]).toBe(planar[1]![5]! / 2 ** 31);
  });

  it('WAVE_FORMAT_EXTENSIBLE float, 5.1 mask', async () => {
    const planar = floats(500, 6, 11);
    const path = put(
      'ext-float-51.wav',
      encodeWav(planar, {
        sampleRate: 48000,
        format: 'float',
        bits: 32,
        extensible: true,
        channelMask: 0x3f,
      }),
    );
    const { info, channels } = await decodeAudio(path);
    expect(info).toMatchObject({ channels: 6, encoding: 'pcm_float', channelMask: 0x3f });
    expect(channels[5]![499]).toBe(Math.fround(planar[5]![499]!));
  });

  it('8 channels, each distinct', async () => {
    const planar = codes(3000, 8, 16, 8);
    const { info, channels } = await decodeAudio(
      put('eight.wav', encodeWav(planar, { sampleRate: 48000, format: 'pcm', bits: 16 })),
    );
    expect(info.channels).toBe(8);
    for (let c = 0; c < 8; c++) expect(channels[c]![100]).toBe(planar[c]![100]! / 32768);
  });

  it('walks chunks before fmt (odd-sized JUNK is padded)', async () => {
    const planar = codes(100, 1, 16, 5);
    const { channels } = await decodeAudio(
      put('junk.wav', encodeWav(planar, { sampleRate: 44100, format: 'pcm', bits: 16, junkBefore: 13 })),
    );
    expect(channels[0]![99]).toBe(planar[0]![99]! / 32768);
  });

  it('RF64 takes the data size from ds64', async () => {
    const planar = codes(1000, 2, 16, 9);
    const wav = encodeWav(planar, { sampleRate: 48000, format: 'pcm', bits: 16 });
    // RF64 layout: 'RF64', -1, 'WAVE', ds64(28) then the same chunks with data size -1.
    const body = wav.subarray(12);
    const out = new Uint8Array(12 + 36 + body.length);
    const v = new DataView(out.buffer);
    out.set(new TextEncoder().encode('RF64'), 0);
    v.setUint32(4, 0xffffffff, true);
    out.set(new TextEncoder().encode('WAVEds64'), 8);
    v.setUint32(16, 28, true);
    v.setUint32(20 + 8, 4000, true); // data size low 32 bits
    out.set(body, 48);
    const dataAt = 48 + 8 + 16; // fmt chunk header + 16-byte body
    v.setUint32(dataAt + 4, 0xffffffff, true);
    const { info, channels } = await decodeAudio(put('rf64.wav', out));
    expect(info.frames).toBe(1000);
    expect(channels[1]![999]).toBe(planar[1]![999]! / 32768);
  });

  it('a data size of 0xFFFFFFFF (written to a pipe) runs to the end of the file', async () => {
    const wav = encodeWav(codes(100, 2, 16, 4), { sampleRate: 48000, format: 'pcm', bits: 16 });
    new DataView(wav.buffer).setUint32(40, 0xffffffff, true);
    expect((await probeAudio(put('pipe.wav', wav))).frames).toBe(100);
  });
});

describe('[AU-3] AIFF / AIFC', () => {
  for (const bits of [8, 16, 24, 32] as const) {
    it(`AIFF ${bits}-bit big-endian decodes bit-exact`, async () => {
      const planar = codes(2000, 2, bits, bits + 100);
      const { info, channels } = await decodeAudio(put(`a${bits}.aiff`, encodeAiff(planar, 44100, bits)));
      expect(info).toMatchObject({
        format: 'aiff',
        sampleRate: 44100,
        channels: 2,
        bitsPerSample: bits,
        frames: 2000,
      });
      expect(channels[1]![1999]).toBe(Math.fround(planar[1]![1999]! / 2 ** (bits - 1)));
      expect(channels[0]![1]).toBe(-1);
    });
  }
  it('AIFC sowt (little-endian 16-bit) and fl32', async () => {
    const ints = codes(500, 1, 16, 1);
    const sowt = await decodeAudio(put('s.aifc', encodeAiff(ints, 48000, 16, 'sowt')));
    expect(sowt.channels[0]![7]).toBe(ints[0]![7]! / 32768);
    const fl = floats(500, 2, 2);
    const f32 = await decodeAudio(put('f.aifc', encodeAiff(fl, 96000, 32, 'fl32')));
    expect(f32.info).toMatchObject({ encoding: 'pcm_float', sampleRate: 96000 });
    expect(f32.channels[1]![42]).toBe(Math.fround(fl[1]![42]!));
  });
  it('[AU-2] a cut AIFF is truncated', async () => {
    const aiff = encodeAiff(codes(2000, 2, 16, 1), 44100, 16);
    await expectDecodeError(
      put('cut.aiff', aiff.subarray(0, 3000)),
      'truncated',
      /declares 2000 frames \(8000 bytes\)/,
    );
  });
});

describe('[AU-2] broken, fake and unsupported files', () => {
  const wav = () => encodeWav(codes(480000, 2, 16, 1), { sampleRate: 48000, format: 'pcm', bits: 16 });

  it('a WAV whose data chunk is cut short is truncated, with both sizes in the message', async () => {
    const path = put('cut.wav', wav().subarray(0, 44 + 4096));
    await expectDecodeError(path, 'truncated');
    const err = await probeAudio(path).catch((e: unknown) => e);
    expect((err as Error).message).toBe('WAV data chunk declares 1920000 bytes but only 4096 are present');
    // Never a partial analysis.
    await expect(analyzeFile(path)).rejects.toMatchObject({ code: 'truncated' });
  });

  it('a WAV cut inside its header is truncated', async () => {
    await expectDecodeError(put('hdr.wav', wav().subarray(0, 30)), 'truncated');
    await expectDecodeError(put('nodata.wav', wav().subarray(0, 36)), 'truncated', /data chunk/);
  });

  it('[AU-1] random bytes named .wav are unsupported_format', async () => {
    const next = lcg(99);
    const bytes = Uint8Array.from({ length: 10000 }, () => next() >>> 24);
    bytes[0] = 0x13; // no accidental magic
    await expectDecodeError(put('noise.wav', bytes), 'unsupported_format', /not a recognised audio format/);
  });

  it('[AU-1] a text file renamed .wav is unsupported_format', async () => {
    await expectDecodeError(
      put('notes.wav', new TextEncoder().encode('Mix notes:\nmore vocal in the chorus\n')),
      'unsupported_format',
      /text/,
    );
  });

  it('an empty file, a missing file and a directory are unreadable', async () => {
    await expectDecodeError(put('empty.wav', new Uint8Array(0)), 'unreadable', /empty/);
    await expectDecodeError(join(dir, 'does-not-exist.wav'), 'unreadable', /no such file/);
    mkdirSync(join(dir, 'folder.wav'));
    await expectDecodeError(join(dir, 'folder.wav'), 'unreadable');
  });

  it('mu-law WAV, RIFF AVI and more than 8 channels are unsupported_format', async () => {
    const mulaw = wav();
    new DataView(mulaw.buffer).setUint16(20, 7, true);
    await expectDecodeError(put('mulaw.wav', mulaw), 'unsupported_format', /0x0007 \(mu-law\)/);
    const avi = wav();
    avi.set(new TextEncoder().encode('AVI '), 8);
    await expectDecodeError(put('movie.wav', avi), 'unsupported_format', /AVI/);
    const nine = encodeWav(codes(10, 9, 16, 1), { sampleRate: 48000, format: 'pcm', bits: 16 });
    await expectDecodeError(put('nine.wav', nine), 'unsupported_format', /9 channels/);
  });

  it('a float WAV with a NaN or infinite sample is unreadable, with its position', async () => {
    const planar = floats(50000, 2, 3);
    planar[1]![40000] = Number.NaN;
    await expectDecodeError(
      put('nan.wav', encodeWav(planar, { sampleRate: 48000, format: 'float', bits: 32 })),
      'unreadable',
      /frame 40000, channel 2 is NaN/,
    );
    planar[1]![40000] = 0;
    planar[0]![7] = Number.NEGATIVE_INFINITY;
    await expectDecodeError(
      put('inf.wav', encodeWav(planar, { sampleRate: 48000, format: 'float', bits: 64 })),
      'unreadable',
      /frame 7, channel 1 is -Infinity/,
    );
  });

  it('a malformed fmt chunk is unreadable', async () => {
    const bad = wav();
    new DataView(bad.buffer).setUint16(32, 3, true); // block align 3 for 2 channels
    await expectDecodeError(put('badalign.wav', bad), 'unreadable', /block align/);
  });

  it('[AU-1] the file name is ignored: a WAV named .mp3 and a FLAC named .wav decode as what they are', async () => {
    const w = put(
      'really-a-wav.mp3',
      encodeWav(codes(10, 1, 16, 1), { sampleRate: 48000, format: 'pcm', bits: 16 }),
    );
    expect((await probeAudio(w)).format).toBe('wav');
    const f = put('really-a-flac.wav', readFileSync(join(FIXTURES, FLAC_FIXTURES[0].file)));
    expect((await probeAudio(f)).format).toBe('flac');
  });
});

describe('FLAC and MP3 (committed fixtures)', () => {
  for (const f of FLAC_FIXTURES) {
    it(`FLAC ${f.file} round-trips bit-exact`, async () => {
      const path = join(FIXTURES, f.file);
      expect(await probeAudio(path)).toMatchObject({
        format: 'flac',
        sampleRate: f.sampleRate,
        channels: f.channels,
        bitsPerSample: f.bits,
        frames: f.frames,
      });
      const { channels } = await decodeAudio(path);
      const expected = fixturePcm(f.frames, f.channels, f.bits);
      for (let c = 0; c < f.channels; c++) {
        expect(channels[c]!.length).toBe(f.frames);
        const want = Float32Array.from(expected[c]!, (v) => v / 2 ** (f.bits - 1));
        expect(
          Buffer.from(channels[c]!.buffer, channels[c]!.byteOffset, channels[c]!.byteLength).equals(
            Buffer.from(want.buffer),
          ),
        ).toBe(true);
      }
    });
  }

  it('[AU-4] FLAC and MP3 fed in 777-byte reads (frames straddle reads) decode identically', async () => {
    for (const file of [FLAC_FIXTURES[0].file, FLAC_FIXTURES[1].file, MP3_FIXTURES[0].file]) {
      const whole = await decodeAudio(join(FIXTURES, file));
      const pieces = await decodeAudio(join(FIXTURES, file), { compressedReadBytes: 777 });
      expect(pieces.channels.length).toBe(whole.channels.length);
      for (let c = 0; c < whole.channels.length; c++)
        expect(pieces.channels[c], `${file} channel ${c}`).toEqual(whole.channels[c]);
    }
  });

  it('[AU-2] a cut FLAC is truncated', async () => {
    const bytes = readFileSync(join(FIXTURES, FLAC_FIXTURES[0].file));
    await expectDecodeError(
      put('cut.flac', bytes.subarray(0, Math.floor(bytes.length / 2))),
      'truncated',
      /declares 4410 frames/,
    );
  });

  // Levels are those ffmpeg's decoder also reads from these files (LAME at this bitrate lowers the 1 kHz tone
  // by about 0.4 dB); the length is exact thanks to the LAME gapless header.
  const rmsDb = (x: Float32Array) => 10 * Math.log10(x.reduce((s, v) => s + v * v, 0) / x.length);
  const crossingsPerSecond = (x: Float32Array, fs: number) => {
    let n = 0;
    for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) n++;
    return n / (x.length / fs);
  };

  it('MP3 stereo: exact gapless length, channel order and levels', async () => {
    const f = MP3_FIXTURES[0];
    const path = join(FIXTURES, f.file);
    expect(await probeAudio(path)).toMatchObject({
      format: 'mp3',
      sampleRate: 44100,
      channels: 2,
      frames: 22050,
      framesExact: true,
      bitsPerSample: null,
    });
    const { channels } = await decodeAudio(path);
    expect(channels).toHaveLength(2);
    expect(channels[0]!.length).toBe(22050);
    expect(Math.abs(rmsDb(channels[0]!) - -9.45)).toBeLessThan(0.1);
    expect(Math.abs(rmsDb(channels[1]!) - -15.45)).toBeLessThan(0.1);
    expect(Math.abs(crossingsPerSecond(channels[0]!, 44100) - 1000)).toBeLessThan(5);
    expect(Math.abs(crossingsPerSecond(channels[1]!, 44100) - 500)).toBeLessThan(5);
  });

  it('[AU-4] MP3 mono stays one channel (mpg123 outputs two)', async () => {
    const path = join(FIXTURES, MP3_FIXTURES[1].file);
    const { info, channels } = await decodeAudio(path);
    expect(info).toMatchObject({ channels: 1, sampleRate: 22050, frames: 11025 });
    expect(channels).toHaveLength(1);
    expect(Math.abs(rmsDb(channels[0]!) - -9.45)).toBeLessThan(0.15);
    const r = await analyzeFile(path);
    expect(r.channels).toBe(1);
  });

  it('[AU-2] a cut MP3 (shorter than its Xing frame count) is truncated', async () => {
    const bytes = readFileSync(join(FIXTURES, MP3_FIXTURES[0].file));
    await expectDecodeError(
      put('cut.mp3', bytes.subarray(0, Math.floor(bytes.length / 2))),
      'truncated',
      /declares 22050 frames/,
    );
  });
});

describe('[AU-4] streaming reader', () => {
  it('yields fixed-size chunks that add up to the file, with or without reused buffers', async () => {
    const planar = codes(100000, 2, 24, 21);
    const path = put('stream.wav', encodeWav(planar, { sampleRate: 48000, format: 'pcm', bits: 24 }));
    for (const reuseBuffers of [false, true]) {
      const reader = await openAudio(path, { chunkFrames: 4096 });
      const sizes: number[] = [];
      let sum = 0;
      for await (const chunk of reader.chunks({ reuseBuffers })) {
        sizes.push(chunk[0]!.length);
        for (const v of chunk[1]!) sum += v;
      }
      await reader.close();
      expect(sizes.slice(0, -1).every((s) => s === 4096)).toBe(true);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(100000);
      expect(sum).toBeCloseTo(
        planar[1]!.reduce((a, v) => a + v / 2 ** 23, 0),
        6,
      );
    }
  });

  it('a consumer that stops early can close the file cleanly', async () => {
    const path = put(
      'early.wav',
      encodeWav(codes(100000, 1, 16, 2), { sampleRate: 48000, format: 'pcm', bits: 16 }),
    );
    const reader = await openAudio(path, { chunkFrames: 1000 });
    for await (const _ of reader.chunks()) break;
    await reader.close();
  });
});
