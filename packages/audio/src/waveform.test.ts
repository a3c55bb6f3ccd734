import { describe, expect, it } from 'vitest';
import { toAudiowaveformDat, toAudiowaveformJson, WaveformBuilder } from './waveform.js';

describe('[AU-15] waveform overview', () => {
  function build() {
    const l = new Float32Array(10);
    const r = new Float32Array(10);
    l.set([0.5, -0.25, 0.1, 0, 1, -1, 0.2, 0.3, -0.4, 2]);
    r.set([0, 0, 0, 0, 0, 0, 0, 0, 0, -0.5]);
    const wf = new WaveformBuilder(48000, 2, [2, 4]);
    wf.push([l.subarray(0, 3), r.subarray(0, 3)]);
    wf.push([l.subarray(3), r.subarray(3)]);
    return wf.finish();
  }

  it('stores [min, max] per channel per pixel as int16, rounded outwards, clamped at full scale', () => {
    const o = build();
    expect(o).toMatchObject({ sampleRate: 48000, channels: 2, bits: 16 });
    const fine = o.levels[0]!;
    expect(fine).toMatchObject({ samplesPerPixel: 2, length: 5 });
    // pixel 0: l in [-0.25, 0.5], r = 0
    expect(Array.from(fine.data.subarray(0, 4))).toEqual([
      Math.floor(-0.25 * 32767),
      Math.ceil(0.5 * 32767),
      0,
      0,
    ]);
    // pixel 2: l in [-1, 1] -> full scale both ways
    expect(Array.from(fine.data.subarray(8, 10))).toEqual([-32767, 32767]);
    // pixel 4: l in [-0.4, 2] (float over clamps), r in [-0.5, 0]
    expect(Array.from(fine.data.subarray(16, 20))).toEqual([
      Math.floor(-0.4 * 32767),
      32767,
      Math.floor(-0.5 * 32767),
      0,
    ]);
  });

  it('derives coarser levels from the finest; a last partial pixel is kept', () => {
    const coarse = build().levels[1]!;
    expect(coarse).toMatchObject({ samplesPerPixel: 4, length: 3 });
    expect(Array.from(coarse.data.subarray(0, 2))).toEqual([
      Math.floor(-0.25 * 32767),
      Math.ceil(0.5 * 32767),
    ]);
    expect(Array.from(coarse.data.subarray(4, 6))).toEqual([-32767, 32767]);
    expect(Array.from(coarse.data.subarray(8, 12))).toEqual([
      Math.floor(-0.4 * 32767),
      32767,
      Math.floor(-0.5 * 32767),
      0,
    ]);
  });

  it('writes audiowaveform JSON and .dat v2', () => {
    const o = build();
    const json = toAudiowaveformJson(o, 4);
    expect(json).toMatchObject({
      version: 2,
      channels: 2,
      sample_rate: 48000,
      samples_per_pixel: 4,
      bits: 16,
      length: 3,
    });
    expect(json.data).toHaveLength(3 * 2 * 2);
    const dat = toAudiowaveformDat(o, 2);
    const v = new DataView(dat.buffer);
    expect([
      v.getInt32(0, true),
      v.getUint32(4, true),
      v.getInt32(8, true),
      v.getInt32(12, true),
      v.getUint32(16, true),
      v.getInt32(20, true),
    ]).toEqual([2, 0, 48000, 2, 5, 2]);
    expect(v.getInt16(24 + 8 * 2, true)).toBe(-32767);
    expect(dat.length).toBe(24 + 5 * 2 * 2 * 2);
    expect(() => toAudiowaveformJson(o, 3)).toThrow(/no waveform level/);
  });

  it('rejects levels that are not multiples of the finest', () => {
    expect(() => new WaveformBuilder(48000, 1, [256, 1000])).toThrow(RangeError);
  });
});
