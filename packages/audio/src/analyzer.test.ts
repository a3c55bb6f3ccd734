import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from './analyze-file.js';
import { AudioAnalyzer, suggestClipGain } from './analyzer.js';
import { channelWeights } from './channel-weights.js';
import { toAnalysisJson } from './json.js';
import { analyze, concat, FS, lcg, silence, sine, tone } from './test-support/signals.js';
import { encodeWav } from './test-support/writers.js';

const dir = mkdtempSync(join(tmpdir(), 'mixroom-analyzer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function programme(seconds: number, seed: number): Float32Array[] {
  const next = lcg(seed);
  const n = Math.round(seconds * FS);
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const env = 0.3 + 0.25 * Math.sin((2 * Math.PI * i) / (FS * 1.7));
    const noise = (next() / 2 ** 32 - 0.5) * 0.4;
    l[i] = env * Math.sin((2 * Math.PI * 220 * i) / FS) + noise;
    r[i] = env * Math.sin((2 * Math.PI * 330 * i) / FS) - noise;
  }
  l[1000] = 1;
  l[1001] = 1;
  r[5000] = -1;
  return [l, r];
}

describe('[AU-16] chunking does not change results', () => {
  it('1-frame, 7-frame, 4800-frame and whole-signal pushes agree', () => {
    const x = programme(4.2, 1);
    const opts = { waveformLevels: [256, 1024], sections: [{ id: 'a', startS: 0.5, endS: 3.1 }] };
    const whole = analyze(x, opts, x[0]!.length);
    for (const chunk of [1, 7, 4800]) {
      const r = analyze(x, opts, chunk);
      for (const key of [
        'integratedLufs',
        'momentaryMaxLufs',
        'shortTermMaxLufs',
        'loudnessRangeLu',
        'rmsDbfs',
        'truePeakDbtp',
      ] as const) {
        expect(r[key], `${key} @ ${chunk}`).toBeCloseTo(whole[key], 9);
      }
      expect(r.samplePeakDbfs).toBe(whole.samplePeakDbfs);
      expect(r.clippedSamples).toBe(whole.clippedSamples);
      expect(r.clipEvents).toBe(whole.clipEvents);
      expect(r.sections[0]!.integratedLufs).toBeCloseTo(whole.sections[0]!.integratedLufs, 9);
      expect(r.waveform).toEqual(whole.waveform);
    }
  });
});

describe('[AU-12] clipping', () => {
  it('counts every full-scale sample and each run once, also across chunk boundaries', () => {
    const x = new Float32Array(1000);
    x.fill(1, 100, 103); // run of 3
    x[500] = -1; // run of 1
    x[998] = 1.5; // float over: counts
    x[999] = 1;
    const y = new Float32Array(1000);
    y[101] = 0.999;
    const r = analyze([x, y], {}, 101); // chunk boundary at 101 splits the first run
    expect(r.clippedSamples).toBe(3 + 1 + 2);
    expect(r.clipEvents).toBe(3);
  });

  it('for 16-bit sources full scale is the largest code, 32767/32768', async () => {
    const codes = new Int32Array(4800);
    codes.fill(32767, 10, 14);
    codes[20] = -32768;
    codes[30] = 32766;
    const path = join(dir, 'clip16.wav');
    writeFileSync(path, encodeWav([codes], { sampleRate: 48000, format: 'pcm', bits: 16 }));
    const r = await analyzeFile(path);
    expect(r.clippedSamples).toBe(5);
    expect(r.clipEvents).toBe(2);
  });
});

describe('[AU-11] RMS', () => {
  it('full-scale sine reads -3.01 dBFS; a -20 dBFS sine -23.01', () => {
    const x = sine(997, 0, 2);
    expect(analyze([x]).rmsDbfs).toBeCloseTo(-3.0103, 3);
    const y = sine(997, -20, 2);
    expect(analyze([y, y]).rmsDbfs).toBeCloseTo(-23.0103, 3);
  });
  it('is the mean over all channels, including a silent one', () => {
    const x = sine(997, 0, 1);
    expect(analyze([x, new Float32Array(x.length)]).rmsDbfs).toBeCloseTo(-6.0206, 3);
  });
});

describe('[AU-14] silence', () => {
  it('every level is -Infinity in memory, null in JSON; LRA and suggested gain are 0', () => {
    const z = silence(5);
    const r = analyze([z, z], { sections: [{ id: 's', startS: 1, endS: 3 }] });
    for (const key of [
      'samplePeakDbfs',
      'truePeakDbtp',
      'rmsDbfs',
      'integratedLufs',
      'momentaryMaxLufs',
      'shortTermMaxLufs',
    ] as const) {
      expect(r[key], key).toBe(Number.NEGATIVE_INFINITY);
    }
    expect(r.loudnessRangeLu).toBe(0);
    expect(r.suggestedClipGainDb).toBe(0);
    const json = JSON.parse(JSON.stringify(toAnalysisJson(r)));
    expect(json).toMatchObject({
      samplePeakDbfs: null,
      truePeakDbtp: null,
      rmsDbfs: null,
      integratedLufs: null,
      momentaryMaxLufs: null,
      shortTermMaxLufs: null,
      loudnessRangeLu: 0,
      channelSamplePeakDbfs: [null, null],
      sections: [{ id: 's', integratedLufs: null, samplePeakDbfs: null }],
    });
  });

  it('[AU-7] a tone below the -70 LUFS absolute gate has no integrated loudness', () => {
    const x = tone(-75, 3);
    const r = analyze([x, x]);
    expect(r.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(r.momentaryMaxLufs).toBeCloseTo(-75, 0);
  });
});

describe('[AU-13] suggested clip gain', () => {
  it('moves the peak to the nearest edge of -18..-6 dBFS, rounded towards the inside', () => {
    expect(suggestClipGain(-1.5)).toBe(-4.5);
    expect(suggestClipGain(-3.2)).toBe(-2.8);
    expect(suggestClipGain(2)).toBe(-8);
    expect(suggestClipGain(-30)).toBe(12);
    expect(suggestClipGain(-18.004)).toBe(0.01);
    for (const inside of [-6, -10, -18]) expect(suggestClipGain(inside)).toBe(0);
    expect(suggestClipGain(Number.NEGATIVE_INFINITY)).toBe(0);
    const next = lcg(3);
    for (let i = 0; i < 1000; i++) {
      const peak = -60 + (next() / 2 ** 32) * 66;
      const after = peak + suggestClipGain(peak);
      expect(after).toBeGreaterThanOrEqual(-18 - 1e-9);
      expect(after).toBeLessThanOrEqual(-6 + 1e-9);
    }
  });
  it('is reported for a hot mix', () => {
    const x = tone(-1, 1);
    expect(analyze([x, x]).suggestedClipGainDb).toBe(-5);
  });
});

describe('[AU-9] channel weights', () => {
  it('follow the channel count, or the WAVE_FORMAT_EXTENSIBLE mask', () => {
    expect(channelWeights(1)).toEqual([1]);
    expect(channelWeights(5)).toEqual([1, 1, 1, 1.41, 1.41]);
    expect(channelWeights(6)).toEqual([1, 1, 1, 0, 1.41, 1.41]);
    expect(channelWeights(8)).toEqual([1, 1, 1, 0, 1, 1, 1.41, 1.41]);
    expect(channelWeights(6, 0x3f)).toEqual([1, 1, 1, 0, 1.41, 1.41]); // 5.1 with back pair
    expect(channelWeights(6, 0x60f)).toEqual([1, 1, 1, 0, 1.41, 1.41]); // 5.1 with side pair
    expect(channelWeights(8, 0x63f)).toEqual([1, 1, 1, 0, 1, 1, 1.41, 1.41]); // 7.1
    expect(channelWeights(2, 0x3)).toEqual([1, 1]);
  });

  it('5.1: a loud LFE does not change loudness but counts for peaks', () => {
    const lr = tone(-28, 4);
    const c = tone(-24, 4);
    const s = tone(-30, 4);
    const quietLfe = new Float32Array(lr.length);
    const loudLfe = sine(50, -1, 4);
    const a = analyze([lr, lr, c, quietLfe, s, s]);
    const b = analyze([lr, lr, c, loudLfe, s, s]);
    expect(Math.abs(a.integratedLufs + 23)).toBeLessThanOrEqual(0.1);
    expect(b.integratedLufs).toBe(a.integratedLufs);
    expect(b.samplePeakDbfs).toBeCloseTo(-1, 2);
  });

  it('mono is one channel at weight 1 (no dual-mono compensation): -23 dBFS tone reads -26 LUFS', () => {
    expect(Math.abs(analyze([tone(-23, 5)]).integratedLufs + 26)).toBeLessThanOrEqual(0.1);
  });
});

describe('[AU-7] sections and short files', () => {
  it('measures each section from the blocks inside it', () => {
    const x = concat(tone(-20, 10), tone(-30, 10));
    const r = analyze([x, x], {
      sections: [
        { id: 'loud', startS: 0, endS: 10 },
        { id: 'quiet', startS: 10, endS: 20 },
        { id: 'tiny', startS: 5, endS: 5.3 },
        { id: 'past-end', startS: 30, endS: 40 },
      ],
    });
    const [loud, quiet, tiny, past] = r.sections;
    expect(Math.abs(loud!.integratedLufs + 20)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(quiet!.integratedLufs + 30)).toBeLessThanOrEqual(0.1);
    expect(loud!.samplePeakDbfs).toBeCloseTo(-20, 2);
    expect(quiet!.samplePeakDbfs).toBeCloseTo(-30, 2);
    expect(tiny!.integratedLufs).toBe(Number.NEGATIVE_INFINITY); // shorter than one 400 ms block
    expect(tiny!.samplePeakDbfs).toBeCloseTo(-20, 2);
    expect(past!.integratedLufs).toBe(Number.NEGATIVE_INFINITY);
    expect(r.sections.map((s) => s.id)).toEqual(['loud', 'quiet', 'tiny', 'past-end']);
  });

  it('rejects invalid sections', () => {
    expect(
      () => new AudioAnalyzer({ sampleRate: FS, channels: 1, sections: [{ id: 'x', startS: 3, endS: 2 }] }),
    ).toThrow(RangeError);
  });

  it('a file shorter than 400 ms is one block padded with silence: 200 ms at -23 reads -26', () => {
    const x = tone(-23, 0.2);
    const r = analyze([x, x]);
    expect(Math.abs(r.integratedLufs + 26)).toBeLessThanOrEqual(0.1);
    expect(r.momentaryMaxLufs).toBeCloseTo(r.integratedLufs, 6);
    expect(Math.abs(r.shortTermMaxLufs - (-23 + 10 * Math.log10(0.2 / 3)))).toBeLessThanOrEqual(0.1);
  });

  it('meter readings arrive every 10 ms', () => {
    const times: number[] = [];
    const x = tone(-23, 1.005);
    analyze([x, x], { onMeter: (m) => times.push(m.timeS) });
    expect(times).toHaveLength(100);
    expect(times[0]).toBeCloseTo(0.01, 12);
    expect(times[99]).toBeCloseTo(1, 12);
  });

  it('rejects pushes with the wrong shape and use after finish', () => {
    const a = new AudioAnalyzer({ sampleRate: FS, channels: 2 });
    expect(() => a.push([new Float32Array(4)])).toThrow(/expected 2 channels/);
    expect(() => a.push([new Float32Array(4), new Float32Array(5)])).toThrow(/same length/);
    a.finish();
    expect(() => a.push([new Float32Array(4), new Float32Array(4)])).toThrow(/after finish/);
  });
});

describe('analyzeFile', () => {
  it('reports progress from 0 to 1, non-decreasing, about once per percent', async () => {
    const x = tone(-23, 30);
    const codes = Int32Array.from(x, (v) => Math.round(v * 8388607));
    const path = join(dir, 'progress.wav');
    writeFileSync(path, encodeWav([codes, codes], { sampleRate: 48000, format: 'pcm', bits: 24 }));
    const seen: number[] = [];
    const r = await analyzeFile(path, {}, (f) => seen.push(f));
    expect(seen.at(-1)).toBe(1);
    expect(seen.filter((f) => f === 1)).toHaveLength(1);
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.length).toBeLessThanOrEqual(101);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true);
    expect(Math.abs(r.integratedLufs + 23)).toBeLessThanOrEqual(0.1);
    expect(r.durationS).toBe(30);
    expect(r.waveform!.levels.map((l) => l.samplesPerPixel)).toEqual([256, 1024, 4096, 16384]);
  });
});
