import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ensureWebBuild, launchChromium } from './mixer-support.js';

// The review player's A/B switch, rendered by Chromium's Web Audio into an OfflineAudioContext: the real
// class from the built app (window.__mixroomReview), two sines standing in for two revisions.

let t: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureWebBuild();
  t = await startTestServer();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${t.url}/signin`);
  await page.waitForFunction(
    () => 'ReviewPlayer' in ((window as { __mixroomReview?: object }).__mixroomReview ?? {}),
  );
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

/** What the page code below uses of the page's globals (the test project has no DOM types). */
interface OfflineCtx {
  suspend(t: number): Promise<void>;
  resume(): Promise<void>;
  startRendering(): Promise<{ getChannelData(channel: number): Float32Array }>;
}
interface PlayerLike {
  setTracks(a: object, b: object): void;
  setLoudnessMatch(on: boolean): void;
  state(): { tracks: Record<string, { status: string } | undefined> };
  play(): Promise<void>;
  switchTo(key: string): void;
  dispose(): void;
}
interface PageGlobals {
  OfflineAudioContext: new (channels: number, length: number, sampleRate: number) => OfflineCtx;
  __mixroomReview: { ReviewPlayer: new (options: object) => PlayerLike };
}

interface Render {
  /** Mean power per 10 ms window, in dB relative to a full-scale sine of amplitude 1. */
  windowsDb: number[];
  /** Level of a frequency in a time span, in dBFS (amplitude of that sine). */
  levels: { a: number[]; b: number[] };
}

/**
 * Renders A (440 Hz) then B (660 Hz), switching at 1.0 s; `levels` are measured (Goertzel) in the spans
 * [0.5, 0.99], [1.005, 1.02] (mid-fade), [1.04, 1.5].
 */
function renderSwitch(
  page: Page,
  options: { ampA: number; ampB: number; lufsA: number | null; lufsB: number | null; match: boolean },
): Promise<Render> {
  return page.evaluate(async (o) => {
    const g = globalThis as unknown as PageGlobals;
    const { ReviewPlayer } = g.__mixroomReview;
    const sr = 48_000;
    const seconds = 2;
    const wav = (freq: number, amp: number) => {
      const n = sr * seconds;
      const buf = new ArrayBuffer(44 + n * 4);
      const v = new DataView(buf);
      const text = (at: number, s: string) => {
        for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i));
      };
      text(0, 'RIFF');
      v.setUint32(4, 36 + n * 4, true);
      text(8, 'WAVE');
      text(12, 'fmt ');
      v.setUint32(16, 16, true);
      v.setUint16(20, 3, true); // IEEE float
      v.setUint16(22, 1, true);
      v.setUint32(24, sr, true);
      v.setUint32(28, sr * 4, true);
      v.setUint16(32, 4, true);
      v.setUint16(34, 32, true);
      text(36, 'data');
      v.setUint32(40, n * 4, true);
      for (let i = 0; i < n; i++)
        v.setFloat32(44 + i * 4, amp * Math.sin((2 * Math.PI * freq * i) / sr), true);
      return buf;
    };
    const ctx = new g.OfflineAudioContext(1, sr * seconds, sr);
    const files: Record<string, ArrayBuffer> = { a: wav(440, o.ampA), b: wav(660, o.ampB) };
    const player = new ReviewPlayer({
      context: ctx,
      startLeadS: 0,
      load: async (url: string) => files[url]!.slice(0),
    });
    player.setTracks(
      { key: 'a', url: 'a', integratedLufs: o.lufsA },
      { key: 'b', url: 'b', integratedLufs: o.lufsB },
    );
    player.setLoudnessMatch(o.match);
    await new Promise<void>((resolve) => {
      const check = () => {
        const s = player.state();
        if (s.tracks.a?.status === 'ready' && s.tracks.b?.status === 'ready') resolve();
        else setTimeout(check, 10);
      };
      check();
    });
    await player.play();
    void ctx.suspend(1).then(() => {
      player.switchTo('b');
      void ctx.resume();
    });
    const out = (await ctx.startRendering()).getChannelData(0);
    player.dispose();

    const windowsDb: number[] = [];
    const w = sr / 100;
    for (let i = 0; i + w <= out.length; i += w) {
      let p = 0;
      for (let j = i; j < i + w; j++) p += out[j]! * out[j]!;
      windowsDb.push(10 * Math.log10(p / w / 0.5));
    }
    const goertzel = (freq: number, from: number, to: number) => {
      const a = Math.round(from * sr);
      const b = Math.round(to * sr);
      let re = 0;
      let im = 0;
      for (let i = a; i < b; i++) {
        re += out[i]! * Math.cos((2 * Math.PI * freq * i) / sr);
        im -= out[i]! * Math.sin((2 * Math.PI * freq * i) / sr);
      }
      return 20 * Math.log10((2 * Math.hypot(re, im)) / (b - a) + 1e-12);
    };
    const spans: [number, number][] = [
      [0.5, 0.99],
      [1.005, 1.02],
      [1.04, 1.5],
    ];
    return {
      windowsDb,
      levels: {
        a: spans.map(([f, t2]) => goertzel(440, f, t2)),
        b: spans.map(([f, t2]) => goertzel(660, f, t2)),
      },
    };
  }, options);
}

const db = (amp: number) => 20 * Math.log10(amp);

describe('A/B between revisions', () => {
  it('switches with an equal-power crossfade of at most 30 ms and no gap', async () => {
    const r = await renderSwitch(page, { ampA: 0.5, ampB: 0.5, lufsA: null, lufsB: null, match: false });
    // Before the switch only A sounds, after it only B (-50 dB leaves room for the measurement's own leakage);
    // mid-fade both are partly there.
    expect(r.levels.a[0]).toBeCloseTo(db(0.5), 1);
    expect(r.levels.b[0]).toBeLessThan(-50);
    expect(r.levels.a[2]).toBeLessThan(-50);
    expect(r.levels.b[2]).toBeCloseTo(db(0.5), 1);
    for (const mid of [r.levels.a[1]!, r.levels.b[1]!]) {
      expect(mid).toBeGreaterThan(db(0.5) - 12);
      expect(mid).toBeLessThan(db(0.5) - 0.5);
    }
    // No gap and no dip: every 10 ms window from 0.1 s to the end keeps the steady power (within 1 dB).
    const steady = r.windowsDb.slice(10, -1);
    const target = db(0.5);
    expect(Math.min(...steady)).toBeGreaterThan(target - 1);
    expect(Math.max(...steady)).toBeLessThan(target + 1);
  });

  it('loudness match turns the louder revision down to the quieter one', async () => {
    // A is 6 dB louder than B (by amplitude and by the measured loudness the analysis reported).
    const matched = await renderSwitch(page, { ampA: 0.5, ampB: 0.25, lufsA: -8, lufsB: -14, match: true });
    expect(matched.levels.a[0]).toBeCloseTo(db(0.25), 1);
    expect(matched.levels.b[2]).toBeCloseTo(db(0.25), 1);
    const unmatched = await renderSwitch(page, {
      ampA: 0.5,
      ampB: 0.25,
      lufsA: -8,
      lufsB: -14,
      match: false,
    });
    expect(unmatched.levels.a[0]).toBeCloseTo(db(0.5), 1);
  });
});
