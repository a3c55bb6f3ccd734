import { dbToGain, readMix } from '@mixroom/mix-model';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/sync.js';
import {
  ensureWebBuild,
  launchChromium,
  type MixerSession,
  mixerSession,
  openMixer,
  signedInContext,
  type TestSection,
  type TestStem,
} from './mixer-support.js';

const STEMS: TestStem[] = [
  { key: 'gtr', name: 'Rhythm gtr', frequencyHz: 300, dbfs: -12 },
  { key: 'vox', name: 'Vox', frequencyHz: 500, dbfs: -12 },
  { key: 'synth', name: 'Synth 2', frequencyHz: 800, dbfs: -18 },
];
const SECTIONS: TestSection[] = [
  { id: 'verse', label: 'Verse 1', kind: 'verse', startS: 0, endS: 20, intent: 'intimate' },
  { id: 'chorus', label: 'Chorus', kind: 'chorus', startS: 20, endS: 40, intent: 'urgent' },
];

let s: MixerSession;
let browser: Browser;
let engineer: Page;
let artist: Page;

beforeAll(async () => {
  ensureWebBuild();
  s = await mixerSession({ stems: STEMS, sections: SECTIONS, seconds: 40, tempoBpm: 120 });
  browser = await launchChromium();
  engineer = await (await signedInContext(browser, s.t.url, s.cast.engineer)).newPage();
  artist = await (await signedInContext(browser, s.t.url, s.cast.artist)).newPage();
  await openMixer(engineer, s.t.url, s.cast.sessionId, STEMS.length);
  await openMixer(artist, s.t.url, s.cast.sessionId, STEMS.length);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const audible = (page: Page) => page.evaluate(() => window.__mixroomMixer!.audible());

describe('two people in the mixer', () => {
  it("the artist moves a section offset; the engineer's mixer shows it and plays it", async () => {
    const gtr = s.stemId('gtr');
    await engineer.getByRole('button', { name: 'Play stems' }).click();
    await waitFor(
      () => engineer.evaluate(() => window.__mixroomMixer!.engine.isPlaying),
      'the engineer to play',
    );
    // Chorus lies ahead of the playhead, so the value read back is automation scheduled on the live graph.
    const before = await engineer.evaluate((id) => window.__mixroomMixer!.gainAt(id, 30), gtr);
    expect(before).toBeCloseTo(1, 6);

    await artist.getByLabel('Chorus Rhythm gtr offset').fill('6');

    const engineerField = engineer.getByLabel('Chorus Rhythm gtr offset');
    await waitFor(async () => (await engineerField.inputValue()) === '6', "the engineer's grid to show +6");
    await waitFor(
      async () =>
        Math.abs(
          (await engineer.evaluate((id) => window.__mixroomMixer!.gainAt(id, 30), gtr)) - dbToGain(6),
        ) < 1e-6,
      "the engineer's graph to schedule +6 dB in the chorus",
    );
    const state = await engineer.evaluate(() => window.__mixroomMixer!.engine.isPlaying);
    expect(state).toBe(true);
    // The verse is untouched, and the shared document holds the artist's value.
    expect(await engineer.evaluate((id) => window.__mixroomMixer!.gainAt(id, 10), gtr)).toBeCloseTo(1, 6);
    await waitFor(
      () => readMix(s.doc).scenes[0]!.offsets[`chorus:${gtr}`] === 6,
      'the edit to reach the server',
    );
    await engineer.getByRole('button', { name: 'Pause stems' }).click();
  });

  it('blindfold mode shows no numbers and no meters to that listener only', async () => {
    await artist.getByLabel('Blindfold').check();
    const text = (await artist.locator('[data-testid="mixer"]').textContent()) ?? '';
    expect(text.match(/.{0,40}\d.{0,40}/g) ?? []).toEqual([]);
    expect(text).toContain('Verse one'); // labels keep their meaning, numbers spelt out
    expect(text).toContain('Synth two');
    expect(text).not.toMatch(/\d/);
    expect(text).not.toMatch(/\bdB\b|LUFS|dBFS|dBTP/);
    const all = await artist.locator('[data-testid="mixer"]').evaluate((el) => el.textContent ?? '');
    expect(all).not.toMatch(/\d/);
    expect(await artist.locator('.mixer-meter, .mixer-master, .mixer-arc').count()).toBe(0);
    // The engineer still sees levels: blindfold is per listener.
    const engineerText = await engineer.locator('[data-testid="mixer"]').textContent();
    expect(engineerText).toMatch(/LUFS/);
    expect(engineerText).toMatch(/\d/);
    await artist.getByLabel('Blindfold').uncheck();
    expect(await artist.locator('[data-testid="mixer"]').textContent()).toMatch(/\d/);
  });

  it('a follower stays within 50 ms of its leader, through a seek', async () => {
    await artist.locator('[data-testid="mixer"]').getByRole('button', { name: 'Follow Engineer' }).click();
    await waitFor(
      () => artist.evaluate(() => window.__mixroomMixer!.follow().leader !== null),
      'the artist to follow the engineer',
    );
    await engineer.getByRole('button', { name: 'Play stems' }).click();
    await waitFor(() => audible(artist).then((a) => a.playing), 'the follower to start');

    /** |follower - leader| at one moment: both sampled in-page, lined up on the shared wall clock. */
    const drift = async () => {
      const [l, f] = await Promise.all([audible(engineer), audible(artist)]);
      return { atMs: f.epochMs, s: Math.abs(f.position - (l.position + (f.epochMs - l.epochMs) / 1000)) };
    };
    const settle = () => waitFor(async () => (await drift()).s < 0.05, 'the follower to line up', 5_000);
    const sample = async (n: number) => {
      const out: { atMs: number; s: number }[] = [];
      for (let i = 0; i < n; i++) {
        out.push(await drift());
        await engineer.waitForTimeout(150);
      }
      return out;
    };

    await settle();
    const playing = await sample(15);
    await engineer.evaluate(() => window.__mixroomMixer!.engine.seek(25));
    await waitFor(async () => (await audible(artist)).position > 24.5, 'the follower to follow the seek');
    await settle();
    const afterSeek = await sample(15);

    // An audio dropout on either page (a starved audio thread on this shared machine) puts that page
    // behind until it skips forward; samples within 300 ms after one are recovery, reported but not judged.
    const stalls = [
      ...(await engineer.evaluate(() => window.__mixroomMixer!.stalls())),
      ...(await artist.evaluate(() => window.__mixroomMixer!.stalls())),
    ];
    const judged = [...playing, ...afterSeek].filter(
      (d) => !stalls.some((x) => d.atMs >= x.epochMs && d.atMs - x.epochMs < 300),
    );
    const ms = (xs: { s: number }[]) => xs.map((d) => (d.s * 1000).toFixed(1)).join(' ');
    console.log(
      `follow drift (ms): playing ${ms(playing)} | after a seek ${ms(afterSeek)} | dropouts ${stalls.length}, samples judged ${judged.length}/30`,
    );
    if (judged.some((d) => d.s >= 0.05)) {
      const f = await artist.evaluate(() => window.__mixroomMixer!.follow());
      const at = (ms: number) => (f.timeOrigin + ms).toFixed(0);
      console.log(
        [...playing, ...afterSeek].map((d) => `${d.atMs.toFixed(0)} ${(d.s * 1000).toFixed(1)}`).join('\n'),
      );
      console.log(
        f.recent
          .map(
            (r) =>
              `${at(r.receivedAtMs)} ${r.playhead.toFixed(4)} ${(r.playhead - r.receivedAtMs / 1000).toFixed(4)}`,
          )
          .join('\n'),
      );
      console.log(
        f.log
          .map((r) => `${at(r.atMs)} ${r.action} mine ${r.mine.toFixed(4)} leader ${r.leader.toFixed(4)}`)
          .join('\n'),
      );
    }
    expect(judged.length).toBeGreaterThanOrEqual(20);
    for (const d of judged) expect(d.s).toBeLessThan(0.05);
    // The follower also hears the leader's scene.
    const scenes = await Promise.all(
      [engineer, artist].map((p) => p.evaluate(() => window.__mixroomMixer!.engine.state().heardSceneId)),
    );
    expect(scenes[1]).toBe(scenes[0]);
    await engineer.getByRole('button', { name: 'Pause stems' }).click();
    await waitFor(() => audible(artist).then((a) => !a.playing), 'the follower to pause with the leader');
  });

  it('switching scenes while playing re-schedules automation without restarting the sources', async () => {
    const gtr = s.stemId('gtr');
    // The artist makes a proposal from the engineer's scene and pulls the guitar down in the chorus.
    await artist.getByRole('button', { name: 'Duplicate' }).click();
    await waitFor(() => readMix(s.doc).scenes.length === 2, 'the proposal to reach the server');
    const proposal = readMix(s.doc).scenes.find((x) => x.id !== 'engineer')!;
    await artist.getByLabel('Chorus Rhythm gtr offset').fill('-12');
    await waitFor(
      () => readMix(s.doc).scenes.find((x) => x.id === proposal.id)?.offsets[`chorus:${gtr}`] === -12,
      'the offset',
    );

    await engineer.evaluate(() => window.__mixroomMixer!.engine.seek(2));
    await engineer.getByRole('button', { name: 'Play stems' }).click();
    await waitFor(
      () => engineer.evaluate(() => window.__mixroomMixer!.engine.isPlaying),
      'the engineer to play',
    );
    const before = await engineer.evaluate(() => window.__mixroomMixer!.engine.state().transportSeq);
    await engineer.getByLabel('Scene', { exact: true }).selectOption(proposal.id);
    await waitFor(
      async () =>
        Math.abs(
          (await engineer.evaluate((id) => window.__mixroomMixer!.gainAt(id, 30), gtr)) - dbToGain(-12),
        ) < 1e-6,
      "the proposal's automation to be scheduled",
    );
    const after = await engineer.evaluate(() => window.__mixroomMixer!.engine.state());
    expect(after.playing).toBe(true);
    expect(after.transportSeq).toBe(before); // no restart, no seek: the same sources keep playing
    expect(after.heardSceneId).toBe(proposal.id);
    await engineer.getByRole('button', { name: 'Pause stems' }).click();
  });

  it('moves and resizes a section from the keyboard, snapped to the beat grid, for everyone', async () => {
    const chorus = artist.getByRole('button', { name: /^Chorus, chorus/ });
    await chorus.focus();
    await artist.keyboard.press('Control+ArrowRight'); // start one beat later (120 BPM: 0.5 s)
    await waitFor(
      () => readMix(s.doc).sections.find((x) => x.id === 'chorus')?.startS === 20.5,
      'the new start',
    );
    await chorus.focus();
    await artist.keyboard.press('Alt+Shift+ArrowLeft'); // end one bar earlier (2 s)
    await waitFor(() => readMix(s.doc).sections.find((x) => x.id === 'chorus')?.endS === 38, 'the new end');
    await chorus.focus();
    await artist.keyboard.press('ArrowLeft'); // the verse ends at 20 s: the move stops there
    await waitFor(() => readMix(s.doc).sections.find((x) => x.id === 'chorus')?.startS === 20, 'the move');
    const c = readMix(s.doc).sections.find((x) => x.id === 'chorus')!;
    expect([c.startS, c.endS]).toEqual([20, 37.5]);
    // The engineer's lane shows it.
    await engineer.getByRole('button', { name: 'Chorus, chorus, urgent, 0:20.0 to 0:37.5' }).waitFor();
  });
});
