import {
  automationTable,
  automationTableCsv,
  duplicateScene,
  panGains,
  readMix,
  setClipGain,
  setMute,
  setPan,
  setSceneFader,
  setSectionOffset,
} from '@mixroom/mix-model';
import { readFileSync } from 'node:fs';
import { mediaRoutes } from '@mixroom/contract';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/sync.js';
import {
  decodeChannels,
  ensureWebBuild,
  launchChromium,
  type MixerSession,
  mixerSession,
  openMixer,
  signedInContext,
  type TestSection,
  type TestStem,
  toneAmplitude,
} from './mixer-support.js';

const STEMS: TestStem[] = [
  { key: 'gtr', name: 'Rhythm gtr', frequencyHz: 300, dbfs: -12 },
  { key: 'vox', name: 'Vox', frequencyHz: 500, dbfs: -12 },
  { key: 'bass', name: 'Bass', frequencyHz: 110, dbfs: -10 },
  { key: 'keys', name: 'Keys', frequencyHz: 700, dbfs: -18 },
];
const SECTIONS: TestSection[] = [
  { id: 'intro', label: 'Intro', kind: 'intro', startS: 0, endS: 2, intent: 'sparse' },
  { id: 'verse', label: 'Verse', kind: 'verse', startS: 2, endS: 4, intent: 'intimate' },
  { id: 'chorus', label: 'Chorus', kind: 'chorus', startS: 4, endS: 6, intent: 'urgent' },
  { id: 'outro', label: 'Outro', kind: 'outro', startS: 6, endS: 8 },
];

let s: MixerSession;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ensureWebBuild();
  s = await mixerSession({ stems: STEMS, sections: SECTIONS, seconds: 8 });
  const { doc } = s;
  const [gtr, vox, bass] = ['gtr', 'vox', 'bass'].map((k) => s.stemId(k)) as [string, string, string];
  // The engineer's scene: a verse/chorus hierarchy, scene faders, clip gains and a panned stem.
  doc.transact(() => {
    setSectionOffset(doc, 'engineer', 'verse', gtr, -20);
    setSectionOffset(doc, 'engineer', 'chorus', gtr, 4);
    setSectionOffset(doc, 'engineer', 'verse', vox, 3);
    setSectionOffset(doc, 'engineer', 'chorus', vox, -2.5);
    setSectionOffset(doc, 'engineer', 'outro', bass, -60);
    setSceneFader(doc, 'engineer', bass, -6);
    setClipGain(doc, vox, -4);
    setPan(doc, gtr, -0.5);
  });
  duplicateScene(doc, 'engineer', { id: 'flip', name: 'Flipped', createdBy: 'Artist' });
  doc.transact(() => {
    setSectionOffset(doc, 'flip', 'verse', gtr, 2);
    setSectionOffset(doc, 'flip', 'chorus', gtr, -9);
    setSceneFader(doc, 'flip', vox, 1.5);
  });
  browser = await launchChromium();
  const context = await signedInContext(browser, s.t.url, s.cast.engineer);
  page = await context.newPage();
  await openMixer(page, s.t.url, s.cast.sessionId, STEMS.length);
  await waitFor(
    () => page.evaluate(() => window.__mixroomMixer!.engine.state().sceneId === 'engineer'),
    'the mixer to show the engineer scene',
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

/** Expected level per channel in dB: file level + clip + offset + fader + pan law (mono stem). */
function expectedDb(sceneId: string, stem: TestStem, sectionId: string, channel: 0 | 1): number {
  const mix = readMix(s.doc);
  const st = mix.stems.find((x) => x.id === s.stemId(stem.key))!;
  const scene = mix.scenes.find((x) => x.id === sceneId)!;
  const level =
    st.clipGainDb + (scene.offsets[`${sectionId}:${st.id}`] ?? 0) + (scene.faders[st.id] ?? st.faderDb);
  const pan = panGains(st.pan);
  return stem.dbfs + level + 20 * Math.log10(channel === 0 ? pan.left : pan.right);
}

async function renderAndMeasure(sceneId: string) {
  const out = await page.evaluate((id) => window.__mixroomMixer!.renderOffline({ sceneId: id }), sceneId);
  const channels = decodeChannels(out.channels);
  const rows: { stem: string; section: string; channel: number; measuredDb: number; expectedDb: number }[] =
    [];
  for (const section of SECTIONS) {
    // One second in the middle of the section: far from the 20 ms ramps, a whole number of cycles.
    const from = Math.round((section.startS + 0.5) * out.sampleRate);
    for (const stem of STEMS) {
      for (const channel of [0, 1] as const) {
        const amp = toneAmplitude(channels[channel]!, out.sampleRate, stem.frequencyHz, from, out.sampleRate);
        rows.push({
          stem: stem.key,
          section: section.id,
          channel,
          measuredDb: 20 * Math.log10(amp),
          expectedDb: expectedDb(sceneId, stem, section.id, channel),
        });
      }
    }
  }
  return { sampleRate: out.sampleRate, length: channels[0]!.length, rows };
}

describe('offline render of a scene (OfflineAudioContext, same graph as live playback)', () => {
  it('[MM-5] gives each stem its scene level in every section within 0.1 dB (engineer scene)', async () => {
    const { sampleRate, length, rows } = await renderAndMeasure('engineer');
    expect(length).toBe(8 * sampleRate);
    for (const r of rows) {
      if (r.expectedDb < -100) expect(r.measuredDb, `${r.stem} in ${r.section}`).toBeLessThan(-100);
      else
        expect(
          Math.abs(r.measuredDb - r.expectedDb),
          `${r.stem} in ${r.section} ch${r.channel}`,
        ).toBeLessThan(0.1);
    }
    // The test really distinguishes sections: the rhythm guitar is 24 dB louder in the chorus than the verse.
    const gtr = (sec: string) =>
      rows.find((r) => r.stem === 'gtr' && r.section === sec && r.channel === 0)!.measuredDb;
    expect(gtr('chorus') - gtr('verse')).toBeCloseTo(24, 1);
  });

  it('renders another scene (a proposal) with its own offsets and faders within 0.1 dB', async () => {
    const { rows } = await renderAndMeasure('flip');
    for (const r of rows) {
      if (r.expectedDb < -100) expect(r.measuredDb).toBeLessThan(-100);
      else
        expect(
          Math.abs(r.measuredDb - r.expectedDb),
          `${r.stem} in ${r.section} ch${r.channel}`,
        ).toBeLessThan(0.1);
    }
    const gtr = (sec: string) =>
      rows.find((r) => r.stem === 'gtr' && r.section === sec && r.channel === 0)!.measuredDb;
    expect(gtr('verse') - gtr('chorus')).toBeCloseTo(11, 1);
  });

  it('[MM-6] a muted stem is silent in the render and the others are unchanged', async () => {
    const keys = s.stemId('keys');
    setMute(s.doc, keys, true);
    await waitFor(
      () => page.evaluate((id) => window.__mixroomMixer!.gainAt(id, 1) === 0, keys),
      'the mute to reach the browser',
    );
    const { rows } = await renderAndMeasure('engineer');
    for (const r of rows.filter((x) => x.stem === 'keys')) expect(r.measuredDb).toBeLessThan(-100);
    for (const r of rows.filter((x) => x.stem !== 'keys' && x.expectedDb > -100)) {
      expect(Math.abs(r.measuredDb - r.expectedDb)).toBeLessThan(0.1);
    }
    setMute(s.doc, keys, false);
  });

  it('downloads the scene as a 24-bit WAV of the whole song, the same audio as the render', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'WAV render' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.wav$/);
    const bytes = readFileSync((await download.path())!);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tag = (at: number) => bytes.subarray(at, at + 4).toString('ascii');
    expect([tag(0), tag(8), tag(12), tag(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(48_000);
    expect(view.getUint16(34, true)).toBe(24);
    const frames = view.getUint32(40, true) / 6;
    expect(frames).toBe(8 * 48_000);
    // The chorus rhythm guitar, left channel, from the 24-bit samples.
    const left = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      const at = 44 + i * 6;
      left[i] = (bytes[at]! | (bytes[at + 1]! << 8) | (view.getInt8(at + 2) << 16)) / 2 ** 23;
    }
    const amp = toneAmplitude(left, 48_000, 300, Math.round(4.5 * 48_000), 48_000);
    expect(Math.abs(20 * Math.log10(amp) - expectedDb('engineer', STEMS[0]!, 'chorus', 0))).toBeLessThan(0.1);
  });

  it('downloads the automation table as CSV, the same as mix-model computes it', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Automation table (CSV)' }).click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toBe(automationTableCsv(automationTable(readMix(s.doc), 'engineer')));
    expect(text.split('\r\n')[0]).toBe(
      'section,kind,start_s,end_s,stem,clip_gain_db,fader_db,offset_db,level_db,audible',
    );
  });
});

describe('playback-system simulation', () => {
  it("Chromium's BiquadFilterNodes follow the documented curves (within 0.05 dB, make-up included)", async () => {
    const freqs = [30, 60, 100, 250, 500, 1000, 2500, 4000, 8000, 12000, 16000];
    for (const id of ['studio', 'headphones', 'laptop', 'phone', 'car']) {
      const [real, model] = await page.evaluate(
        ({ id, freqs }) => [
          window.__mixroomMixer!.systemResponseDb(id, freqs),
          window.__mixroomMixer!.systemModelDb(id, freqs),
        ],
        { id, freqs },
      );
      real.forEach((db, i) => {
        expect(Math.abs(db - model[i]!), `${id} at ${freqs[i]} Hz`).toBeLessThan(0.05);
      });
    }
  });
});

describe('A/B against the bounce', () => {
  it('plays the revision bounce in sync, switches to it without a restart and loudness-matches both sides', async () => {
    const { revision } = await s.cast.engineer.call(mediaRoutes.getRevision, {
      params: { id: s.revisionId },
    });
    const mix = revision.files.find((f) => f.kind === 'mix')!;
    await page.evaluate((fileId) => {
      const e = window.__mixroomMixer!.engine;
      e.setCompare({ kind: 'bounce', fileId, label: 'v1 bounce' });
      e.setLoudnessMatch(true);
    }, mix.id);
    await waitFor(
      () => page.evaluate(() => window.__mixroomMixer!.engine.state().bounce?.status === 'ready'),
      'the bounce to load',
    );
    await waitFor(
      () =>
        page.evaluate(() => {
          const m = window.__mixroomMixer!.engine.state().loudnessMatch;
          return !!m && !m.pending && m.aLufs !== null && m.bLufs !== null;
        }),
      'both loudnesses',
    );
    const m = (await page.evaluate(() => window.__mixroomMixer!.engine.state().loudnessMatch))!;
    expect(m.bMethod).toBe('measured');
    // The louder side is turned down to the quieter one; the quieter one is left alone.
    expect(Math.max(m.aDb, m.bDb)).toBe(0);
    expect(m.aLufs! + m.aDb).toBeCloseTo(m.bLufs! + m.bDb, 6);
    // The bounce is a mono 1 kHz sine at -20 dBFS: BS.1770 reads it (one channel, K-weighting +0.7 dB) at
    // 10·log10(0.5 · 0.01) - 0.691 + 0.698 = -23.0 LUFS.
    expect(m.bLufs!).toBeCloseTo(-23.0, 1);

    await page.getByRole('button', { name: 'Play stems' }).click();
    await waitFor(() => page.evaluate(() => window.__mixroomMixer!.engine.isPlaying), 'playing');
    const before = await page.evaluate(() => window.__mixroomMixer!.engine.state().transportSeq);
    await page.getByRole('radio', { name: /^B · / }).click();
    const after = await page.evaluate(() => window.__mixroomMixer!.engine.state());
    expect(after.heard).toBe('b');
    expect(after.playing).toBe(true);
    expect(after.transportSeq).toBe(before);
    await page.getByRole('button', { name: 'Pause stems' }).click();
    await page.evaluate(() => window.__mixroomMixer!.engine.setCompare(null));
  });
});
